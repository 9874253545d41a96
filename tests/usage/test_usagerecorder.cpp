#include <memory>

#include <QTemporaryDir>
#include <QTest>

#include "store/repository.h"
#include "support/manualclock.h"
#include "support/require.h"
#include "usage/usagerecorder.h"
#include "usagetestdata.h"

using namespace ServeDeck;
using namespace ServeDeck::UsageTestData;

class TestUsageRecorder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void minuteSamplesFromReadings();
    void oldMinutesRollIntoHoursAndOldHoursGo();
    void retentionIsBounded_data();
    void retentionIsBounded();

private:
    QList<UsageSample> stored(const QUuid &endpointId);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Repository> m_repository;
    std::unique_ptr<ManualClock> m_clock;
    Endpoint m_endpoint;
};

void TestUsageRecorder::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_clock = std::make_unique<ManualClock>(kT0);
    m_repository = std::make_unique<Repository>();
    require(m_repository->open(m_dir->filePath(QStringLiteral("store.db"))), "open");
    m_endpoint = endpoint(QStringLiteral("recorded"), ResourceSlots{1, kGiB, 0}, 3);
    require(m_repository->insertEndpoint(m_endpoint), "endpoint");
    const Revision r = revision(m_endpoint, 1);
    require(m_repository->insertRevision(r), "revision");
    require(m_repository->insertRoute(route(m_endpoint, r, RouteStatus::Healthy, kT0)), "a");
    require(m_repository->insertRoute(route(m_endpoint, r, RouteStatus::Healthy, kT0)), "b");
    require(m_repository->insertRoute(route(m_endpoint, r, RouteStatus::Provisioning, kT0)), "c");
}

void TestUsageRecorder::cleanup()
{
    m_repository.reset();
    m_dir.reset();
}

QList<UsageSample> TestUsageRecorder::stored(const QUuid &endpointId)
{
    return require(m_repository->usageSamples(endpointId, kT0.addDays(-400), kT0.addDays(400)), "samples");
}

void TestUsageRecorder::minuteSamplesFromReadings()
{
    UsageRecorder recorder(*m_repository, *m_clock);
    // A reading every 10 s: 5 requests/s, a tenth of them errors, p95 climbing.
    for (int i = 0; i < 6; ++i) {
        UsageReading r;
        r.time = m_clock->now();
        r.requestsPerSecond = 5;
        r.errorRate = 0.1;
        r.p95Ms = 100 + 10 * i;
        r.cpuPercent = i % 2 == 0 ? 20 : 40;
        require(recorder.record({{m_endpoint.id, r}}), "record");
        m_clock->advance(10);
    }
    // The minute is still open: nothing written.
    QVERIFY(stored(m_endpoint.id).isEmpty());

    // The first reading of the next minute closes it.
    require(recorder.record({}), "next minute");
    const auto samples = stored(m_endpoint.id);
    QCOMPARE(samples.size(), 1);
    const UsageSample &s = samples[0];
    QCOMPARE(s.start, kT0);
    QCOMPARE(s.seconds, 60);
    // The first reading has no interval before it: 5 intervals of 10 s at 5/s.
    QCOMPARE(s.requests, 250);
    QCOMPARE(s.errors, 25);
    QCOMPARE(s.requestsPerSecond, 5.0);
    QVERIFY(s.p95Ms.has_value());
    QCOMPARE(*s.p95Ms, 150.0);
    QCOMPARE(s.replicas, 2.0);  // HEALTHY routes only
    QCOMPARE(s.desiredReplicas, 3);
    QVERIFY(s.cpuPercent.has_value());
    QCOMPARE(*s.cpuPercent, 30.0);
    QVERIFY(!s.gpuPercent.has_value());

    // A minute without a reading for the endpoint still gets its row: it served nothing.
    m_clock->advance(60);
    require(recorder.record({}), "minute after");
    const auto later = stored(m_endpoint.id);
    QCOMPARE(later.size(), 2);
    QCOMPARE(later[1].start, kT0.addSecs(60));
    QCOMPARE(later[1].requests, 0);
    QVERIFY(!later[1].p95Ms.has_value());
}

void TestUsageRecorder::oldMinutesRollIntoHoursAndOldHoursGo()
{
    const QDateTime now = kT0.addDays(100);
    // Minutes 8 days old: one hour's worth, 3 of them; minutes 1 day old stay.
    const QDateTime oldHour = now.addDays(-8);
    QList<UsageSample> samples;
    for (int m = 0; m < 3; ++m) {
        UsageSample s;
        s.endpointId = m_endpoint.id;
        s.start = oldHour.addSecs(60 * m * 20);
        s.requests = 60 * (m + 1);
        s.errors = m;
        s.requestsPerSecond = m + 1;
        s.p95Ms = m == 1 ? std::optional<double>(300) : std::optional<double>(100);
        s.replicas = 2 * m;
        s.desiredReplicas = m + 1;
        samples << s;
    }
    UsageSample recent;
    recent.endpointId = m_endpoint.id;
    recent.start = now.addDays(-1);
    recent.requests = 7;
    samples << recent;
    // An hour row 91 days old goes; one 89 days old stays.
    UsageSample ancient;
    ancient.endpointId = m_endpoint.id;
    ancient.seconds = 3600;
    ancient.start = now.addDays(-91);
    UsageSample kept = ancient;
    kept.start = now.addDays(-89);
    samples << ancient << kept;
    require(m_repository->addUsageSamples(samples), "samples");

    m_clock->set(now);
    UsageRecorder recorder(*m_repository, *m_clock);
    // The first pass of an hour compacts.
    require(recorder.record({}), "record");
    const auto after = stored(m_endpoint.id);
    QCOMPARE(after.size(), 3);
    QCOMPARE(after[0].start, kept.start);
    QCOMPARE(after[0].seconds, 3600);
    const UsageSample &hour = after[1];
    QCOMPARE(hour.start, oldHour);
    QCOMPARE(hour.seconds, 3600);
    QCOMPARE(hour.requests, 60 + 120 + 180);
    QCOMPARE(hour.errors, 0 + 1 + 2);
    QCOMPARE(hour.requestsPerSecond, 2.0);
    QCOMPARE(*hour.p95Ms, 300.0);
    QCOMPARE(hour.replicas, 2.0);
    QCOMPARE(hour.desiredReplicas, 3);
    QCOMPARE(after[2], recent);

    // Compacting again changes nothing.
    QCOMPARE(require(recorder.compact(), "again"), 0);
    QCOMPARE(stored(m_endpoint.id), after);
}

void TestUsageRecorder::retentionIsBounded_data()
{
    QTest::addColumn<int>("minuteDays");
    QTest::addColumn<int>("hourDays");
    QTest::newRow("minutes 0 days") << 0 << 90;
    QTest::newRow("minutes 91 days") << 91 << 365;
    QTest::newRow("hours shorter than minutes") << 7 << 6;
    QTest::newRow("hours 3651 days") << 7 << 3651;
    QTest::newRow("negative") << -7 << 90;
}

void TestUsageRecorder::retentionIsBounded()
{
    QFETCH(int, minuteDays);
    QFETCH(int, hourDays);
    require(m_repository->saveUsageRetention({3, 30}, kT0), "valid");
    const auto saved = m_repository->saveUsageRetention({minuteDays, hourDays}, kT0);
    QVERIFY(!saved.ok());
    QCOMPARE(saved.error().type, ErrorType::InvalidArgument);
    QCOMPARE(require(m_repository->usageRetention(), "read"), (UsageRetention{3, 30}));
}

QTEST_GUILESS_MAIN(TestUsageRecorder)
#include "test_usagerecorder.moc"
