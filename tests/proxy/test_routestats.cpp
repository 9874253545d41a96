// A route's counters in one worker (RouteStats, ShadowStats) and their sampling over workers
// (RouteStatsTable): counts, the latency histogram's buckets, cumulative sums over workers, the
// percentiles the metrics sampler reads from them, and the bound on retained routes.
#include <memory>

#include <QHash>
#include <QTest>

#include "proxy/proxyserver.h"
#include "proxy/routestats.h"
#include "proxy/routestatstable.h"
#include "proxy/routingsnapshot.h"
#include "service/endpointmetricssampler.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kMs = 1000000;  // ns

RouteTarget targetOf(const QUuid &id)
{
    RouteTarget target;
    target.routeId = id;
    target.modelVersion = u"v1"_s;
    return target;
}

} // namespace

class TestRouteStats : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void countsRequestsErrorsAndInFlight();
    void latencyFallsInItsBucket_data();
    void latencyFallsInItsBucket();
    void samplesSumWorkersIntoCumulativeBuckets();
    void percentilesFromTheBuckets_data();
    void percentilesFromTheBuckets();
    void shadowCounters();
    void rejectReasonsHaveTheirNames();
    void unpublishedRoutesArePrunedBeyondTheBound();
};

void TestRouteStats::countsRequestsErrorsAndInFlight()
{
    RouteStats stats(QUuid::createUuid(), u"iris"_s, u"v1"_s);
    stats.started();
    stats.started();
    stats.started();
    QCOMPARE(stats.requests.load(), quint64(3));
    QCOMPARE(stats.inFlight.load(), quint64(3));
    stats.finished(2 * kMs, false);
    stats.finished(40 * kMs, true);
    QCOMPARE(stats.requests.load(), quint64(3));
    QCOMPARE(stats.inFlight.load(), quint64(1));
    QCOMPARE(stats.errors.load(), quint64(1));
    QCOMPARE(stats.latencyNanos.load(), quint64(42 * kMs));
    quint64 observed = 0;
    for (const auto &bucket : stats.buckets)
        observed += bucket.load();
    QCOMPARE(observed, quint64(2));
}

void TestRouteStats::latencyFallsInItsBucket_data()
{
    QTest::addColumn<qint64>("nanos");
    QTest::addColumn<int>("bucket");  // index into kLatencyBucketBounds; its size: +Inf

    // A bound is inclusive (le="0.001" counts 1 ms), as Prometheus buckets are.
    QTest::newRow("0") << qint64(0) << 0;
    QTest::newRow("negative: as 0") << qint64(-5) << 0;
    QTest::newRow("0.5 ms") << qint64(kMs / 2) << 0;
    QTest::newRow("1 ms exactly") << qint64(kMs) << 0;
    QTest::newRow("just over 1 ms") << qint64(kMs + 1000) << 1;
    QTest::newRow("2.5 ms exactly") << qint64(2500000) << 1;
    QTest::newRow("7 ms") << qint64(7 * kMs) << 3;
    QTest::newRow("100 ms exactly") << qint64(100 * kMs) << 6;
    QTest::newRow("1 s") << qint64(1000 * kMs) << 9;
    QTest::newRow("30 s exactly") << qint64(30000 * kMs) << 13;
    QTest::newRow("31 s: +Inf") << qint64(31000 * kMs) << 14;
}

void TestRouteStats::latencyFallsInItsBucket()
{
    QFETCH(qint64, nanos);
    QFETCH(int, bucket);
    RouteStats stats(QUuid::createUuid(), u"iris"_s, u"v1"_s);
    stats.started();
    stats.finished(nanos, false);
    for (std::size_t i = 0; i < stats.buckets.size(); ++i)
        QCOMPARE(stats.buckets[i].load(), quint64(int(i) == bucket ? 1 : 0));
}

// Two workers count the same route; a sample adds them up, buckets made cumulative as
// Prometheus wants them, the last one (+Inf) counting every request.
void TestRouteStats::samplesSumWorkersIntoCumulativeBuckets()
{
    const QUuid id = QUuid::createUuid();
    RouteStatsTable first;
    RouteStatsTable second;
    RouteStats *a = first.route(targetOf(id), u"iris"_s);
    RouteStats *b = second.route(targetOf(id), u"iris"_s);
    QCOMPARE(first.route(targetOf(id), u"iris"_s), a);  // the same counters each time
    for (const qint64 ms : {1, 3, 3, 40}) {
        a->started();
        a->finished(ms * kMs, ms == 40);
    }
    b->started();
    b->finished(60000 * kMs, true);  // +Inf
    b->started();                    // still in flight

    QHash<QUuid, RouteStatsTable::RouteSample> samples;
    first.collect(samples);
    second.collect(samples);
    QCOMPARE(samples.size(), 1);
    const RouteStatsTable::RouteSample &sample = samples.value(id);
    QCOMPARE(sample.endpointName, u"iris"_s);
    QCOMPARE(sample.modelVersion, u"v1"_s);
    QCOMPARE(sample.counters.requests, quint64(6));
    QCOMPARE(sample.counters.errors, quint64(2));
    QCOMPARE(sample.counters.inFlight, quint64(1));
    QCOMPARE(sample.counters.latencySumSeconds, (1 + 3 + 3 + 40 + 60000) / 1000.0);
    const QList<quint64> expected{1, 1, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5};
    QCOMPARE(sample.counters.latencyBuckets, expected);
    QCOMPARE(qsizetype(kLatencyBucketBounds.size() + 1), expected.size());
}

void TestRouteStats::percentilesFromTheBuckets_data()
{
    QTest::addColumn<QList<qint64>>("latenciesMs");
    QTest::addColumn<double>("q");
    QTest::addColumn<double>("expectedMs");

    // Interpolated within the bucket, as Prometheus' histogram_quantile: 100 requests of 3 ms
    // lie in (2.5, 5]; the median is at half of it.
    QList<qint64> flat(100, 3);
    QTest::newRow("p50 of one bucket") << flat << 0.5 << 3.75;
    QTest::newRow("p99 of one bucket") << flat << 0.99 << 2.5 + 2.5 * 0.99;
    // 90 fast, 10 slow: p50 among the fast ones, p95 half way into the slow bucket (100, 250].
    QList<qint64> tail(90, 3);
    tail += QList<qint64>(10, 200);
    QTest::newRow("p50 with a tail") << tail << 0.5 << 2.5 + 2.5 * (50.0 / 90.0);
    QTest::newRow("p95 with a tail") << tail << 0.95 << 100 + 150 * 0.5;
    QTest::newRow("p99 with a tail") << tail << 0.99 << 100 + 150 * 0.9;
    // Beyond the last bound: its lower edge is all that can be said.
    QTest::newRow("p99 past 30 s") << QList<qint64>(10, 45000) << 0.99 << 30000.0;
}

void TestRouteStats::percentilesFromTheBuckets()
{
    QFETCH(QList<qint64>, latenciesMs);
    QFETCH(double, q);
    QFETCH(double, expectedMs);
    const QUuid id = QUuid::createUuid();
    RouteStatsTable table;
    RouteStats *stats = table.route(targetOf(id), u"iris"_s);
    for (const qint64 ms : latenciesMs) {
        stats->started();
        stats->finished(ms * kMs, false);
    }
    QHash<QUuid, RouteStatsTable::RouteSample> samples;
    table.collect(samples);
    const std::optional<double> value =
        histogramQuantileMs(ProxyServer::latencyBucketBounds(), samples.value(id).counters.latencyBuckets, q);
    QVERIFY(value);
    QVERIFY2(qAbs(*value - expectedMs) < 1e-9, qPrintable(u"%1 ms, expected %2 ms"_s.arg(*value).arg(expectedMs)));
}

void TestRouteStats::shadowCounters()
{
    EndpointTable endpoint;
    endpoint.endpointId = QUuid::createUuid();
    endpoint.name = u"iris"_s;
    RouteStatsTable table;
    std::shared_ptr<ShadowStats> stats = table.shadow(endpoint);
    QCOMPARE(table.shadow(endpoint), stats);
    stats->sent();
    stats->sent();
    stats->sent();
    stats->dropped();
    stats->answered(5 * kMs, false);
    stats->answered(7 * kMs, true);
    stats->compared(false);
    stats->compared(true);
    QHash<QUuid, RouteStatsTable::ShadowSample> samples;
    table.collectShadows(samples);
    const ProxyServer::ShadowCounters &c = samples.value(endpoint.endpointId).counters;
    QCOMPARE(samples.value(endpoint.endpointId).endpointName, u"iris"_s);
    QCOMPARE(c.requests, quint64(3));
    QCOMPARE(c.dropped, quint64(1));
    QCOMPARE(c.inFlight, quint64(1));
    QCOMPARE(c.errors, quint64(1));
    QCOMPARE(c.comparisons, quint64(2));
    QCOMPARE(c.mismatches, quint64(1));
    QCOMPARE(c.latencyBuckets.value(2), quint64(1));  // 5 ms: le="0.005"
    QCOMPARE(c.latencyBuckets.value(3), quint64(2));  // 7 ms: le="0.01", cumulative
    QCOMPARE(c.latencyBuckets.last(), quint64(2));
}

void TestRouteStats::rejectReasonsHaveTheirNames()
{
    // The label values of servedeck_proxy_rejected_total: dashboards depend on them.
    const QList<QByteArray> names{"no_route",    "unauthorized",      "forbidden",    "upstream_error", "timeout",
                                  "bad_request", "payload_too_large", "circuit_open", "wake_timeout",
                                  "job_queue_full"};
    QCOMPARE(names.size(), qsizetype(RejectReason::Count));
    for (int i = 0; i < int(RejectReason::Count); ++i)
        QCOMPARE(QByteArray(rejectReasonName(RejectReason(i))), names[i]);
}

// Counters of routes that left the snapshot stay (a route flapping out of HEALTHY keeps
// counting) until there are more than 4096; then those without requests in flight go.
void TestRouteStats::unpublishedRoutesArePrunedBeyondTheBound()
{
    RouteStatsTable table;
    QList<QUuid> ids;
    for (int i = 0; i < 4097; ++i) {
        ids.append(QUuid::createUuid());
        table.route(targetOf(ids.last()), u"iris"_s);
    }
    RoutingSnapshot snapshot;
    EndpointTable endpoint;
    endpoint.name = u"iris"_s;
    endpoint.routes = {targetOf(ids[0])};
    snapshot.endpoints.insert(endpoint.name, endpoint);
    table.route(targetOf(ids[1]), u"iris"_s)->started();  // in flight

    QHash<QUuid, RouteStatsTable::RouteSample> before;
    table.collect(before);
    QCOMPARE(before.size(), 4097);
    table.prune(&snapshot);
    QHash<QUuid, RouteStatsTable::RouteSample> after;
    table.collect(after);
    QCOMPARE(after.size(), 2);
    QVERIFY(after.contains(ids[0]));
    QVERIFY(after.contains(ids[1]));

    // At the bound, nothing is dropped.
    RouteStatsTable small;
    for (int i = 0; i < 4096; ++i)
        small.route(targetOf(QUuid::createUuid()), u"iris"_s);
    small.prune(&snapshot);
    QHash<QUuid, RouteStatsTable::RouteSample> kept;
    small.collect(kept);
    QCOMPARE(kept.size(), 4096);
}

QTEST_GUILESS_MAIN(TestRouteStats)
#include "test_routestats.moc"
