// Requests and errors per revision: counted from the proxy's per-route counters by the usage
// recorder, stored beside the samples, rolled up and pruned with them, and carried by the report.
#include <algorithm>
#include <memory>
#include <tuple>

#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include "store/repository.h"
#include "support/manualclock.h"
#include "support/require.h"
#include "support/teststore.h"
#include "usage/usagerecorder.h"
#include "usage/usagereporter.h"
#include "usagetestdata.h"

using namespace ServeDeck;
using namespace ServeDeck::UsageTestData;

class TestUsageRevisions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void routeCountersGrowPerRevision();
    void hoursKeepTheSumsAndGoWithTheSamples();
    void reportAndCsvCarryThem();
    void aBadCountStoresNothing();

private:
    // One sampler pass at the clock's time: each route's cumulative (requests, errors).
    void pass(UsageRecorder &recorder, const QList<UsageRouteReading> &routes);
    QList<UsageRevisionCount> stored();
    // Minute 0 and minute 1 of kT0 with the route history below; the clock ends at kT0 + 2 min.
    void recordTwoMinutes();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Repository> m_repository;
    std::unique_ptr<ManualClock> m_clock;
    Endpoint m_endpoint;
    Revision m_r1, m_r2;
    QUuid m_a, m_b, m_c;  // routes: a and c serve r1 (c replaces a), b serves r2
};

void TestUsageRevisions::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_clock = std::make_unique<ManualClock>(kT0);
    m_repository = std::make_unique<Repository>();
    const QString location = TestStore::location(*m_dir, QStringLiteral("store.db"));
    QVERIFY2(!location.isEmpty(), qPrintable(TestStore::lastError()));
    require(m_repository->open(*StoreLocation::parse(location)), "open");
    m_endpoint = endpoint(QStringLiteral("revisions"), ResourceSlots{1, kGiB, 0}, 2);
    require(m_repository->insertEndpoint(m_endpoint), "endpoint");
    m_r1 = revision(m_endpoint, 1);
    m_r2 = revision(m_endpoint, 2);
    require(m_repository->insertRevision(m_r1), "r1");
    require(m_repository->insertRevision(m_r2), "r2");
    m_a = QUuid::createUuid();
    m_b = QUuid::createUuid();
    m_c = QUuid::createUuid();
}

void TestUsageRevisions::cleanup()
{
    m_repository.reset();
    m_dir.reset();
}

void TestUsageRevisions::pass(UsageRecorder &recorder, const QList<UsageRouteReading> &routes)
{
    UsageReading r;
    r.time = m_clock->now();
    for (const UsageRouteReading &route : routes) {
        r.requestsTotal += route.requestsTotal;
        r.errorsTotal += route.errorsTotal;
    }
    r.routes = routes;
    require(recorder.record(QHash<QUuid, UsageReading>{{m_endpoint.id, r}}), "record");
}

QList<UsageRevisionCount> TestUsageRevisions::stored()
{
    return require(m_repository->usageRevisionCounts(m_endpoint.id, kT0.addDays(-400), kT0.addDays(400)), "counts");
}

void TestUsageRevisions::recordTwoMinutes()
{
    UsageRecorder recorder(*m_repository, *m_clock);
    const auto a = [this](qint64 n, qint64 e) { return UsageRouteReading{m_a, m_r1.id, n, e}; };
    const auto b = [this](qint64 n, qint64 e) { return UsageRouteReading{m_b, m_r2.id, n, e}; };
    const auto c = [this](qint64 n, qint64 e) { return UsageRouteReading{m_c, m_r1.id, n, e}; };
    // Minute 0, a pass every 10 s. First sight: counted from 0, as the proxy's counters start.
    pass(recorder, {a(10, 1), b(4, 0)});  // r1 +10/1, r2 +4/0
    m_clock->advance(10);
    pass(recorder, {a(25, 2), b(10, 1)});  // r1 +15/1, r2 +6/1
    m_clock->advance(10);
    // a is replaced by c mid-minute: a's counters go, c's start from 0.
    pass(recorder, {c(3, 0), b(12, 1)});  // r1 +3/0, r2 +2/0
    m_clock->advance(10);
    // b's counters restart: the 2 it holds are new.
    pass(recorder, {c(8, 1), b(2, 0)});  // r1 +5/1, r2 +2/0
    m_clock->advance(10);
    pass(recorder, {c(8, 1), b(5, 1)});  // r1 +0, r2 +3/1
    m_clock->advance(10);
    pass(recorder, {c(8, 1), b(5, 1)});  // nothing new
    m_clock->advance(10);
    // Minute 1: a is read again, its counters kept meanwhile: only their growth counts.
    pass(recorder, {c(20, 1), b(5, 1), a(27, 2)});  // r1 +12/0 +2/0
    m_clock->advance(60);
    pass(recorder, {c(20, 1), b(5, 1), a(27, 2)});
}

void TestUsageRevisions::routeCountersGrowPerRevision()
{
    recordTwoMinutes();
    const QList<UsageRevisionCount> counts = stored();
    QCOMPARE(counts.size(), 3);
    QHash<QPair<QDateTime, QUuid>, UsageRevisionCount> byKey;
    for (const UsageRevisionCount &c : counts) {
        QCOMPARE(c.endpointId, m_endpoint.id);
        QCOMPARE(c.seconds, 60);
        byKey.insert({c.start, c.revisionId}, c);
    }
    const auto at = [&](const QDateTime &start, const Revision &r) { return byKey.value({start, r.id}); };
    QCOMPARE(at(kT0, m_r1).requests, 33);
    QCOMPARE(at(kT0, m_r1).errors, 3);
    QCOMPARE(at(kT0, m_r2).requests, 17);
    QCOMPARE(at(kT0, m_r2).errors, 2);
    QCOMPARE(at(kT0.addSecs(60), m_r1).requests, 14);
    QCOMPARE(at(kT0.addSecs(60), m_r1).errors, 0);
    // A minute in which a revision served nothing has no row for it.
    QVERIFY(!byKey.contains({kT0.addSecs(60), m_r2.id}));
    // The endpoint's own samples are written beside them.
    const auto samples = require(m_repository->usageSamples(m_endpoint.id, kT0, kT0.addSecs(120)), "samples");
    QCOMPARE(samples.size(), 2);
}

void TestUsageRevisions::hoursKeepTheSumsAndGoWithTheSamples()
{
    // Two hours of minutes for two revisions, and one minute still within the minutes' week.
    const QDateTime h0 = kT0;
    const QDateTime h1 = kT0.addSecs(3600);
    const QDateTime recent = kT0.addDays(8).addSecs(-3600);
    QList<UsageRevisionCount> counts;
    qint64 r1h0 = 0, r1h0Errors = 0;
    for (int m = 0; m < 60; ++m) {
        counts.append({m_endpoint.id, m_r1.id, h0.addSecs(60 * m), 60, m, m / 10});
        r1h0 += m;
        r1h0Errors += m / 10;
        counts.append({m_endpoint.id, m_r2.id, h0.addSecs(60 * m), 60, 2, 1});
    }
    counts.append({m_endpoint.id, m_r1.id, h1.addSecs(120), 60, 7, 0});
    counts.append({m_endpoint.id, QUuid(), h1.addSecs(180), 60, 5, 5});  // routes without a revision
    counts.append({m_endpoint.id, m_r1.id, recent, 60, 9, 0});
    UsageSample sample;
    sample.endpointId = m_endpoint.id;
    sample.start = h0;
    require(m_repository->addUsageSamples({sample}, counts), "add");

    require(m_repository->compactUsageSamples(kT0.addDays(8), UsageRetention()), "compact");
    QList<UsageRevisionCount> after = stored();
    const QList<UsageRevisionCount> expected{
        {m_endpoint.id, QUuid(), h1, 3600, 5, 5},
        {m_endpoint.id, m_r1.id, h0, 3600, r1h0, r1h0Errors},
        {m_endpoint.id, m_r2.id, h0, 3600, 120, 60},
        {m_endpoint.id, m_r1.id, h1, 3600, 7, 0},
        {m_endpoint.id, m_r1.id, recent, 60, 9, 0},
    };
    std::sort(after.begin(), after.end(), [](const UsageRevisionCount &x, const UsageRevisionCount &y) {
        return std::tuple(x.start, x.requests) < std::tuple(y.start, y.requests);
    });
    QList<UsageRevisionCount> sorted = expected;
    std::sort(sorted.begin(), sorted.end(), [](const UsageRevisionCount &x, const UsageRevisionCount &y) {
        return std::tuple(x.start, x.requests) < std::tuple(y.start, y.requests);
    });
    QCOMPARE(after, sorted);
    // Past the hours' 90 days they go, as the samples' hours do; the recent hour stays.
    require(m_repository->compactUsageSamples(kT0.addDays(91), UsageRetention()), "prune");
    after = stored();
    QCOMPARE(after.size(), 1);
    QCOMPARE(after.front().start, recent);
    QCOMPARE(after.front().seconds, 3600);
    QCOMPARE(after.front().requests, 9);
    QVERIFY(require(m_repository->usageSamples(m_endpoint.id, h0, h1), "samples").isEmpty());
}

void TestUsageRevisions::reportAndCsvCarryThem()
{
    recordTwoMinutes();
    UsageReporter reporter(*m_repository, *m_clock, QTimeZone::utc());
    const UsageReport r = require(reporter.report(m_endpoint, kT0.addSecs(-3600)), "report");
    QCOMPARE(r.revisions.size(), 2);
    for (const UsageRevisionRow &row : r.revisions) {
        QVERIFY(row.figures.requests.has_value());
        QVERIFY(row.figures.errors.has_value());
        if (row.revisionId == m_r1.id) {
            QCOMPARE(*row.figures.requests, 47);
            QCOMPARE(*row.figures.errors, 3);
        } else {
            QCOMPARE(row.revisionId, m_r2.id);
            QCOMPARE(*row.figures.requests, 17);
            QCOMPARE(*row.figures.errors, 2);
        }
    }
    // The total is the endpoint's samples, from the routes' summed counters: they shrank when a
    // went and when b restarted, and the rate (0 here) stood in for those passes, then grew by
    // all a held when it was read again, so it counts otherwise (77).
    QCOMPARE(r.total.requests, 77);

    const UsageReport back = require(UsageReport::fromJson(r.toJson()), "json");
    QCOMPARE(back.revisions.size(), 2);
    QCOMPARE(back.revisions[0].figures.requests, r.revisions[0].figures.requests);
    QCOMPARE(back.revisions[1].figures.errors, r.revisions[1].figures.errors);

    const QStringList lines = QString::fromUtf8(r.toCsv()).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 4);  // header, two revisions, total
    const QStringList header = lines[0].split(u',');
    const qsizetype requests = header.indexOf(QStringLiteral("requests"));
    const qsizetype errors = header.indexOf(QStringLiteral("errors"));
    QVERIFY(requests > 0 && errors > 0);
    bool sawR1 = false, sawR2 = false;
    for (const QString &line : lines.mid(1, 2)) {
        // No field of these rows is quoted (no comma in them): a plain split reads them.
        const QStringList fields = line.split(u',');
        QCOMPARE(fields.size(), header.size());
        if (fields[0] == m_r1.id.toString(QUuid::WithoutBraces)) {
            sawR1 = true;
            QCOMPARE(fields[requests], QStringLiteral("47"));
            QCOMPARE(fields[errors], QStringLiteral("3"));
        } else if (fields[0] == m_r2.id.toString(QUuid::WithoutBraces)) {
            sawR2 = true;
            QCOMPARE(fields[requests], QStringLiteral("17"));
            QCOMPARE(fields[errors], QStringLiteral("2"));
        }
    }
    QVERIFY(sawR1 && sawR2);
}

void TestUsageRevisions::aBadCountStoresNothing()
{
    UsageSample sample;
    sample.endpointId = m_endpoint.id;
    sample.start = kT0;
    const QList<UsageRevisionCount> bad{{m_endpoint.id, m_r1.id, kT0, 60, 3, 0},
                                        {m_endpoint.id, m_r2.id, kT0, 60, -1, 0}};
    const auto added = m_repository->addUsageSamples({sample}, bad);
    QVERIFY(!added);
    QCOMPARE(added.error().type, ErrorType::InvalidArgument);
    QVERIFY(stored().isEmpty());
    QVERIFY(require(m_repository->usageSamples(m_endpoint.id, kT0, kT0.addSecs(60)), "samples").isEmpty());
    const QList<UsageRevisionCount> unaligned{{m_endpoint.id, m_r1.id, kT0.addSecs(30), 60, 3, 0}};
    QVERIFY(!m_repository->addUsageSamples({sample}, unaligned));
    QVERIFY(stored().isEmpty());
}

QTEST_GUILESS_MAIN(TestUsageRevisions)
#include "test_usagerevisions.moc"
