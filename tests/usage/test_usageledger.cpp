#include <memory>

#include <QTemporaryDir>
#include <QTest>

#include "store/repository.h"
#include "support/manualclock.h"
#include "support/require.h"
#include "support/teststore.h"
#include "usage/usageledger.h"
#include "usage/usagereporter.h"
#include "usagetestdata.h"

using namespace ServeDeck;
using namespace ServeDeck::UsageTestData;

class TestUsageLedger : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void replicaHoursAreExactForAScaleHistory();
    void gpuHoursByDevice();
    void crashLeftOpenIntervalClosedAtLastSample();

private:
    void reopen();
    UsageReport report(const Endpoint &e, const QDateTime &since);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_location;  // a SQLite file in m_dir, or a PostgreSQL database (TestStore)
    std::unique_ptr<Repository> m_repository;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<UsageLedger> m_ledger;
};

void TestUsageLedger::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_clock = std::make_unique<ManualClock>(kT0);
    m_location = TestStore::location(*m_dir, QStringLiteral("store.db"));
    QVERIFY2(!m_location.isEmpty(), qPrintable(TestStore::lastError()));
    reopen();
}

void TestUsageLedger::reopen()
{
    m_ledger.reset();
    m_repository = std::make_unique<Repository>();
    require(m_repository->open(*StoreLocation::parse(m_location)), "open");
    m_ledger = std::make_unique<UsageLedger>(*m_repository, *m_clock);
}

void TestUsageLedger::cleanup()
{
    m_ledger.reset();
    m_repository.reset();
    m_dir.reset();
}

UsageReport TestUsageLedger::report(const Endpoint &e, const QDateTime &since)
{
    UsageReporter reporter(*m_repository, *m_clock, QTimeZone::utc());
    return require(reporter.report(e, since), "report");
}

void TestUsageLedger::replicaHoursAreExactForAScaleHistory()
{
    const Endpoint e = endpoint(QStringLiteral("ledger"), ResourceSlots{2, 4 * kGiB, 0}, 2);
    require(m_repository->insertEndpoint(e), "endpoint");
    const Revision r1 = revision(e, 1);
    const Revision r2 = revision(e, 2);
    require(m_repository->insertRevision(r1), "r1");
    require(m_repository->insertRevision(r2), "r2");

    // 0 -> 2 at t0 (and one PENDING that never got capacity: it reserves nothing).
    Route a = route(e, r1, RouteStatus::Provisioning, kT0);
    Route b = route(e, r1, RouteStatus::Provisioning, kT0);
    const Route waiting = route(e, r1, RouteStatus::Pending, kT0);
    for (const Route &r : {a, b, waiting})
        require(m_repository->insertRoute(r), "route");
    require(m_ledger->routesChanged(e.id), "t0");
    QCOMPARE(require(m_repository->openUsageIntervals(e.id), "open").size(), 2);

    // A state change that keeps the reservation opens nothing new.
    m_clock->advance(600);
    a.status = RouteStatus::Healthy;
    require(m_repository->updateRoute(a), "healthy");
    require(m_ledger->routesChanged(e.id), "healthy");
    QCOMPARE(require(m_repository->openUsageIntervals(e.id), "open").size(), 2);

    // 2 -> 3 at t0 + 1 h.
    m_clock->set(kT0.addSecs(3600));
    const Route c = route(e, r2, RouteStatus::Provisioning, m_clock->now());
    require(m_repository->insertRoute(c), "c");
    require(m_ledger->routesChanged(e.id), "t0+1h");

    // 3 -> 1 at t0 + 90 min: b drains (it still holds its place), c fails to start (it does not).
    m_clock->set(kT0.addSecs(5400));
    b.status = RouteStatus::Terminating;
    require(m_repository->updateRoute(b), "b drains");
    Route failed = c;
    failed.status = RouteStatus::FailedToStart;
    require(m_repository->updateRoute(failed), "c failed");
    require(m_ledger->routesChanged(e.id), "t0+90min c");
    require(m_repository->deleteRoute(b.id), "b gone");
    require(m_ledger->routesChanged(e.id), "t0+90min b");

    // Deleted at t0 + 2 h: its routes go.
    m_clock->set(kT0.addSecs(7200));
    for (const Route &r : {a, waiting, failed})
        require(m_repository->deleteRoute(r.id), "delete");
    require(m_ledger->routesChanged(e.id), "t0+2h");
    QVERIFY(require(m_repository->openUsageIntervals(e.id), "open").isEmpty());

    // Hours later, over a window that holds all of it: 2*1 + 3*0.5 + 1*0.5 = 4.
    m_clock->set(kT0.addSecs(5 * 3600));
    const UsageReport u = report(e, kT0.addSecs(-3600));
    QCOMPARE(u.total.replicaHours, 4.0);
    QCOMPARE(u.total.cpuHours, 8.0);
    QCOMPARE(u.total.memoryGiBHours, 16.0);
    QCOMPARE(u.total.gpuHours(), 0.0);
    QVERIFY(!u.total.cost.has_value());
    QCOMPARE(u.revisions.size(), 2);
    QCOMPARE(u.revisions[0].number, 1);
    QCOMPARE(u.revisions[0].figures.replicaHours, 3.5);
    QCOMPARE(u.revisions[1].number, 2);
    QCOMPARE(u.revisions[1].figures.replicaHours, 0.5);

    // A window that starts inside the history is clipped to it: from t0 + 1 h, 3*0.5 + 1*0.5.
    QCOMPARE(report(e, kT0.addSecs(3600)).total.replicaHours, 2.0);

    // Prices turn it into cost: 8 CPU-hours at 0.5.
    require(m_repository->saveUsagePrices({0.5, 3.0, QStringLiteral("EUR")}, m_clock->now()), "prices");
    const UsageReport priced = report(e, kT0.addSecs(-3600));
    QVERIFY(priced.total.cost.has_value());
    QCOMPARE(*priced.total.cost, 4.0);
}

void TestUsageLedger::gpuHoursByDevice()
{
    const Endpoint whole = endpoint(QStringLiteral("gpu"), ResourceSlots{4, 8 * kGiB, 1}, 2);
    ResourceSlots half{1, kGiB, 0.5, 4 * kGiB};
    const Endpoint sharer = endpoint(QStringLiteral("sharer"), half, 1);
    for (const Endpoint &e : {whole, sharer})
        require(m_repository->insertEndpoint(e), "endpoint");
    const Revision rw = revision(whole, 1);
    const Revision rs = revision(sharer, 1);
    require(m_repository->insertRevision(rw), "rw");
    require(m_repository->insertRevision(rs), "rs");

    QHash<QUuid, QStringList> devices;
    m_ledger->setDeviceSource([&devices](const QUuid &routeId) { return devices.value(routeId); });
    const Route a = route(whole, rw, RouteStatus::Provisioning, kT0);
    const Route b = route(whole, rw, RouteStatus::Provisioning, kT0);
    const Route s = route(sharer, rs, RouteStatus::Provisioning, kT0);
    for (const Route &r : {a, b, s})
        require(m_repository->insertRoute(r), "route");
    devices.insert(a.id, {QStringLiteral("local:0")});
    devices.insert(s.id, {QStringLiteral("local:1")});
    require(m_ledger->routesChanged(whole.id), "whole");
    require(m_ledger->routesChanged(sharer.id), "sharer");

    // b's device is known once its agent started it: the interval takes it from then on whole.
    m_clock->advance(600);
    devices.insert(b.id, {QStringLiteral("local:2")});
    require(m_ledger->routesChanged(whole.id), "b placed");

    m_clock->set(kT0.addSecs(2 * 3600));
    const UsageReport w = report(whole, kT0);
    QCOMPARE(w.total.replicaHours, 4.0);
    QCOMPARE(w.total.gpuHours(), 4.0);
    QCOMPARE(w.total.gpuHoursByDevice.value(QStringLiteral("local:0")), 2.0);
    QCOMPARE(w.total.gpuHoursByDevice.value(QStringLiteral("local:2")), 2.0);
    QCOMPARE(w.total.gpuHoursByDevice.size(), 2);

    const UsageReport h = report(sharer, kT0);
    QCOMPARE(h.total.gpuHoursByDevice.value(QStringLiteral("local:1")), 1.0);
    QCOMPARE(h.total.gpuHoursByDevice.size(), 1);
    QCOMPARE(h.total.cpuHours, 2.0);

    // GPU-hours cost at the GPU price, CPU-hours at the CPU price.
    require(m_repository->saveUsagePrices({0.25, 2.0, QStringLiteral("USD")}, m_clock->now()), "prices");
    QCOMPARE(*report(whole, kT0).total.cost, 8 * 0.25 * 2 + 4 * 2.0);
}

void TestUsageLedger::crashLeftOpenIntervalClosedAtLastSample()
{
    const Endpoint e = endpoint(QStringLiteral("crash"), ResourceSlots{1, kGiB, 0}, 2);
    require(m_repository->insertEndpoint(e), "endpoint");
    const Revision r1 = revision(e, 1);
    require(m_repository->insertRevision(r1), "r1");
    const Route a = route(e, r1, RouteStatus::Healthy, kT0);
    const Route b = route(e, r1, RouteStatus::Healthy, kT0);
    require(m_repository->insertRoute(a), "a");
    require(m_repository->insertRoute(b), "b");
    require(m_ledger->routesChanged(e.id), "t0");
    // The plane wrote samples until t0 + 30 min, then died.
    UsageSample last;
    last.endpointId = e.id;
    last.start = kT0.addSecs(29 * 60);
    last.replicas = 2;
    last.desiredReplicas = 2;
    require(m_repository->addUsageSamples({last}), "sample");

    // It starts again at t0 + 5 h; b's replica survived and is adopted, a's did not.
    m_clock->set(kT0.addSecs(5 * 3600));
    reopen();
    require(m_repository->deleteRoute(a.id), "a gone");
    QCOMPARE(require(m_ledger->recover(), "recover"), 2);

    const auto open = require(m_repository->openUsageIntervals(e.id), "open");
    QCOMPARE(open.size(), 1);
    QCOMPARE(open[0].routeId, b.id);
    QCOMPARE(open[0].start, kT0.addSecs(5 * 3600));
    // Nothing counted for the time it was down, nothing twice.
    m_clock->set(kT0.addSecs(6 * 3600));
    QCOMPARE(report(e, kT0.addSecs(-60)).total.replicaHours, 2 * 0.5 + 1.0);
    // A second start closes nothing more.
    QCOMPARE(require(m_ledger->recover(), "again"), 1);
    QCOMPARE(require(m_repository->openUsageIntervals(e.id), "open").size(), 1);
}

QTEST_GUILESS_MAIN(TestUsageLedger)
#include "test_usageledger.moc"
