// MetricsHistory over a real control plane whose sampler the test drives (sample() by hand, no
// timer), and the ring it keeps each history in: every endpoint recorded at every sample, route
// statuses counted, histories capped, and dropped with their endpoint.
#include <memory>

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include "service/endpointmetricssampler.h"
#include "ui/metrics/boundedseries.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/metrics/metricshistory.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

class TestMetricsHistory final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void ringKeepsTheNewest_data();
    void ringKeepsTheNewest();
    void lowerBoundFindsARangeStart();

    void recordsEveryEndpointAtEverySample();
    void countsRoutesByStatus();
    void historyNeverExceedsItsCap();
    void deletedEndpointsHistoryGoes();
    void listShowsLoadOnceASampleIsRecorded();

private:
    ModelServingService &service() { return m_plane->service(); }
    void sample(int times);

    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<ControlPlane> m_plane;
    std::unique_ptr<ControlClient> m_client;  // the views' way to the plane, which lives on this thread
    std::unique_ptr<EndpointListModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    std::unique_ptr<MetricsHistory> m_history;
};

void TestMetricsHistory::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestMetricsHistory::init()
{
    m_dataDir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dataDir->isValid());
    ControlPlaneOptions options = UiTest::planeOptions(m_dataDir->path());
    // Samples only when the test takes one.
    options.autoscaleIntervalMs = 0;
    m_plane = std::make_unique<ControlPlane>();
    auto started = m_plane->start(options);
    QVERIFY2(started, started ? "" : UiTest::why(started.error()).constData());
    m_client = std::make_unique<ControlClient>(*m_plane);
    m_model = std::make_unique<EndpointListModel>(*m_client);
    m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_history = std::make_unique<MetricsHistory>(m_client.get(), *m_model);
    m_model->setHistory(m_history.get());
}

void TestMetricsHistory::cleanup()
{
    m_history.reset();
    m_tester.reset();
    m_model.reset();
    m_client.reset();
    m_plane.reset();
}

void TestMetricsHistory::sample(int times)
{
    for (int i = 0; i < times; ++i) {
        // A millisecond apart at least, so each has a time of its own.
        QTest::qWait(1);
        QVERIFY(m_plane->metrics()->sample());
    }
}

void TestMetricsHistory::ringKeepsTheNewest_data()
{
    QTest::addColumn<int>("capacity");
    QTest::addColumn<int>("appended");
    QTest::addColumn<QList<int>>("expected");
    QTest::newRow("empty") << 3 << 0 << QList<int>{};
    QTest::newRow("under the cap") << 3 << 2 << QList<int>{0, 1};
    QTest::newRow("at the cap") << 3 << 3 << QList<int>{0, 1, 2};
    QTest::newRow("one past") << 3 << 4 << QList<int>{1, 2, 3};
    QTest::newRow("wrapped twice and more") << 3 << 8 << QList<int>{5, 6, 7};
    QTest::newRow("capacity one") << 1 << 5 << QList<int>{4};
}

void TestMetricsHistory::ringKeepsTheNewest()
{
    QFETCH(int, capacity);
    QFETCH(int, appended);
    QFETCH(QList<int>, expected);
    BoundedSeries<int> ring(capacity);
    for (int i = 0; i < appended; ++i)
        ring.append(i);
    QList<int> kept;
    for (qsizetype i = 0; i < ring.size(); ++i)
        kept << ring.at(i);
    QCOMPARE(kept, expected);
    QVERIFY(ring.size() <= ring.capacity());
    if (!expected.isEmpty())
        QCOMPARE(ring.last(), expected.last());
}

void TestMetricsHistory::lowerBoundFindsARangeStart()
{
    BoundedSeries<int> ring(5);
    for (int v : {10, 20, 30, 40, 50, 60, 70})  // keeps 30..70
        ring.append(v);
    const auto key = [](int v) { return v; };
    QCOMPARE(ring.lowerBound(0, key), 0);
    QCOMPARE(ring.lowerBound(30, key), 0);
    QCOMPARE(ring.lowerBound(31, key), 1);
    QCOMPARE(ring.lowerBound(70, key), 4);
    QCOMPARE(ring.lowerBound(71, key), 5);
}

void TestMetricsHistory::recordsEveryEndpointAtEverySample()
{
    const Endpoint a = UiTest::create(service(), u"alpha"_s, u"iris-v1"_s, 2);
    const Endpoint b = UiTest::create(service(), u"beta"_s, u"iris-v1"_s, 0);
    QSignalSpy recorded(m_history.get(), &MetricsHistory::recorded);
    sample(5);
    QCOMPARE(recorded.count(), 5);
    QCOMPARE(m_history->endpointCount(), 2);
    QCOMPARE(m_history->endpoint(a.id)->size(), 5);
    QCOMPARE(m_history->endpoint(b.id)->size(), 5);
    QCOMPARE(m_history->latest(a.id)->desired, 2);
    QCOMPARE(m_history->latest(b.id)->desired, 0);
    // Without traffic: no requests, no latency.
    QCOMPARE(m_history->latest(a.id)->requestsPerSecond, 0.0f);
    QVERIFY(!m_history->latest(a.id)->hasP95());
    // Oldest first, strictly later each time.
    const MetricsHistory::EndpointSeries *series = m_history->endpoint(a.id);
    for (qsizetype i = 1; i < series->size(); ++i)
        QVERIFY(series->at(i).timeMs > series->at(i - 1).timeMs);
    QCOMPARE(m_history->recentRequests(a.id, 3).size(), 3);
    QCOMPARE(m_history->recentRequests(a.id, 100).size(), 5);
    // No agent runs replicas in this plane.
    QVERIFY(!m_history->hasAgents());
    QVERIFY(m_history->agents().isEmpty());
    QVERIFY(m_history->replicas(a.id).isEmpty());
}

void TestMetricsHistory::countsRoutesByStatus()
{
    const Endpoint e = UiTest::create(service(), u"gamma"_s, u"iris-v1"_s, 3);
    QTRY_COMPARE(service().endpointInfo(e.name)->routes.size(), 3);
    sample(1);
    QCOMPARE(m_history->latest(e.id)->routes[int(RouteStatus::Provisioning)], 3);
    QCOMPARE(m_history->latest(e.id)->healthy(), 0);

    const auto info = service().endpointInfo(e.name);
    QVERIFY(service().updateRouteState(info->routes.at(0).id, RouteStatus::Healthy, u"local:1:1"_s, u"local"_s));
    QVERIFY(service().updateRouteState(info->routes.at(1).id, RouteStatus::Unhealthy, u"local:2:2"_s, u"local"_s));
    sample(1);
    const EndpointSample now = *m_history->latest(e.id);
    QCOMPARE(now.routes[int(RouteStatus::Provisioning)], 1);
    QCOMPARE(now.routes[int(RouteStatus::Healthy)], 1);
    QCOMPARE(now.routes[int(RouteStatus::Unhealthy)], 1);
    QCOMPARE(now.healthy(), 1);
    QCOMPARE(now.desired, 3);
    // The sample before keeps what was then.
    QCOMPARE(m_history->endpoint(e.id)->at(0).healthy(), 0);
}

void TestMetricsHistory::historyNeverExceedsItsCap()
{
    const Endpoint e = UiTest::create(service(), u"delta"_s, u"iris-v1"_s, 1);
    QElapsedTimer clock;
    clock.start();
    const int samples = int(MetricsHistory::kCapacity) + 300;
    for (int i = 0; i < samples; ++i)
        QVERIFY(m_plane->metrics()->sample());
    qInfo("%d samples in %lld ms", samples, clock.elapsed());
    const MetricsHistory::EndpointSeries *series = m_history->endpoint(e.id);
    QVERIFY(series);
    QCOMPARE(series->capacity(), MetricsHistory::kCapacity);
    QCOMPARE(series->size(), MetricsHistory::kCapacity);
    // The newest kept, oldest first.
    for (qsizetype i = 1; i < series->size(); ++i)
        QVERIFY(series->at(i).timeMs >= series->at(i - 1).timeMs);
}

void TestMetricsHistory::deletedEndpointsHistoryGoes()
{
    const Endpoint e = UiTest::create(service(), u"epsilon"_s, u"iris-v1"_s, 1);
    sample(2);
    QVERIFY(m_history->endpoint(e.id));
    QVERIFY(service().deleteEndpoint(e.name));
    QTRY_COMPARE(m_model->rowCount(), 0);
    sample(1);
    QVERIFY(!m_history->endpoint(e.id));
    QCOMPARE(m_history->endpointCount(), 0);
}

void TestMetricsHistory::listShowsLoadOnceASampleIsRecorded()
{
    UiTest::create(service(), u"zeta"_s, u"iris-v1"_s, 1);
    QCOMPARE(m_model->index(0, EndpointListModel::RequestsPerSecond).data().toString(), u"–"_s);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    sample(3);
    // One change per sample, spanning the load columns of every row (the reconciler's own
    // changes to the row, whole rows, may come in between).
    int loadChanges = 0;
    for (const QList<QVariant> &signal : std::as_const(changed)) {
        if (signal.at(0).toModelIndex().column() == 0)
            continue;
        ++loadChanges;
        QCOMPARE(signal.at(0).toModelIndex().column(), int(EndpointListModel::RequestsPerSecond));
        QCOMPARE(signal.at(1).toModelIndex().column(), int(EndpointListModel::Activity));
        QCOMPARE(signal.at(0).toModelIndex().row(), 0);
        QCOMPARE(signal.at(1).toModelIndex().row(), m_model->rowCount() - 1);
    }
    QCOMPARE(loadChanges, 3);
    QCOMPARE(m_model->index(0, EndpointListModel::RequestsPerSecond).data().toString(), u"0.0"_s);
    QCOMPARE(m_model->index(0, EndpointListModel::P95Latency).data().toString(), u"–"_s);
    QCOMPARE(m_model->index(0, EndpointListModel::ErrorRate).data().toString(), u"0.0 %"_s);
    QCOMPARE(m_model->index(0, EndpointListModel::Activity).data(EndpointListModel::SparklineRole).value<QList<float>>().size(), 3);
    QCOMPARE(m_model->index(0, EndpointListModel::Activity).data().toString(), QString());
}

QTEST_MAIN(TestMetricsHistory)
#include "test_metricshistory.moc"
