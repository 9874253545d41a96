// The endpoint detail view over a real control plane with real replicas (the demo model server)
// and real traffic through the proxy; the test takes the samples itself, so it knows how many
// points each series must have. Long histories (an hour and more) are replayed into
// MetricsHistory, as nobody waits an hour in a test; caps and ranges are checked on those.
#include <cmath>
#include <memory>

#include <QAbstractItemModelTester>
#include <QChart>
#include <QComboBox>
#include <QDateTimeAxis>
#include <QElapsedTimer>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSlider>
#include <QTest>
#include <QTimer>
#include <QValueAxis>
#include <QXYSeries>

#include "service/endpointmetricssampler.h"
#include "ui/common/displayformat.h"
#include "ui/detail/endpointdetailview.h"
#include "ui/detail/replicatablemodel.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/common/endpointselector.h"
#include "ui/metrics/metricshistory.h"
#include "ui/detail/trafficspliteditor.h"
#include "ui/rollouts/rolloutpanel.h"
#include "runtime/runtimestandin.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr int kWaitMs = 30000;
constexpr qint64 kSampleMs = 500;

} // namespace

class TestEndpointDetailView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void pointCountsFollowSamples();
    void trafficShowsInRequestsAndLatency();
    void seriesNeverExceedTheirCaps_data();
    void seriesNeverExceedTheirCaps();
    void replicaLinesAreCapped();
    void redrawsAreBatchedAndSkippedWhileHidden();
    void startingTextReadsAsATime_data();
    void startingTextReadsAsATime();
    void aLoadingReplicaShowsHowLongItHasBeenStarting();
    void screenshot();
    void generationChartShowsOpenAiAnswers();

private:
    ModelServingService &service() { return m_plane->service(); }
    void sample(int times, int gapMs = 20);
    void drive(const QString &url, int rate, int ms);
    Endpoint createPublic(const QString &name, int replicas);
    void replay(const Endpoint &endpoint, const QList<QUuid> &routes, qint64 fromMs, qint64 toMs)
    {
        UiTest::replay(*m_history, endpoint.id, routes, fromMs, toMs);
    }
    int points(const QString &series) const;

    std::unique_ptr<QTemporaryDir> m_tools;  // runtime stand-ins
    UiTest::ServingPlane m_plane;
    std::unique_ptr<ControlClient> m_client;  // the views' way to the plane, which lives on this thread
    std::unique_ptr<EndpointListModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    std::unique_ptr<QAbstractItemModelTester> m_replicaTester;
    std::unique_ptr<MetricsHistory> m_history;
    std::unique_ptr<EndpointDetailView> m_view;
    QNetworkAccessManager m_network;
    Endpoint m_live;
};

void TestEndpointDetailView::initTestCase()
{
    m_tools = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tools->isValid());
    const QByteArray notStarted = m_plane.start([this](ControlPlaneOptions &options) {
        // The test samples; a timer doing it too would make the counts unknowable.
        options.autoscaleIntervalMs = 0;
        options.toolsDirs = {m_tools->path()};
    });
    QVERIFY2(notStarted.isEmpty(), notStarted.constData());
    m_client = std::make_unique<ControlClient>(*m_plane);

    m_model = std::make_unique<EndpointListModel>(*m_client);
    m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_history = std::make_unique<MetricsHistory>(m_client.get(), *m_model);
    m_model->setHistory(m_history.get());
    m_view = std::make_unique<EndpointDetailView>(*m_client, *m_model, *m_history);
    m_replicaTester = std::make_unique<QAbstractItemModelTester>(m_view->replicaTable(),
                                                                 QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_view->resize(1100, 700);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));

    m_live = createPublic(u"sentiment-analyzer"_s, 2);
    QTRY_COMPARE_WITH_TIMEOUT(UiTest::healthyRoutes(service(), m_live.name), 2, kWaitMs);
    m_view->endpointSelector()->setCurrentEndpoint(m_live.id);
    QCOMPARE(m_view->endpointSelector()->currentEndpoint(), m_live.id);
    QCOMPARE(m_view->trafficSplit()->endpoint(), m_live.id);
}

void TestEndpointDetailView::cleanupTestCase()
{
    m_replicaTester.reset();
    m_view.reset();
    m_history.reset();
    m_tester.reset();
    m_model.reset();
    m_client.reset();
    m_plane.reset();
}

Endpoint TestEndpointDetailView::createPublic(const QString &name, int replicas)
{
    return m_plane.createDemo(name, true, replicas);
}

void TestEndpointDetailView::sample(int times, int gapMs)
{
    for (int i = 0; i < times; ++i) {
        // Apart in time, so CPU has a rate and every sample a time of its own.
        QTest::qWait(gapMs);
        QVERIFY(m_plane->metrics()->sample());
    }
}

// Requests through the proxy at `rate` a second for `ms`, sampling every half second as the
// console does; every answer is waited for.
void TestEndpointDetailView::drive(const QString &url, int rate, int ms)
{
    int sent = 0;
    int answered = 0;
    QTimer pace;
    pace.setInterval(1000 / rate);
    connect(&pace, &QTimer::timeout, this, [&] {
        QNetworkRequest request(QUrl(url + u"/predict"_s));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        QNetworkReply *reply = m_network.post(request, QByteArrayLiteral(R"({"features":[5.1,3.5,1.4,0.2]})"));
        ++sent;
        connect(reply, &QNetworkReply::finished, this, [&answered, reply] {
            reply->deleteLater();
            ++answered;
        });
    });
    QTimer sampler;
    sampler.setInterval(int(kSampleMs));
    connect(&sampler, &QTimer::timeout, this, [this] { QVERIFY(m_plane->metrics()->sample()); });
    QElapsedTimer clock;
    clock.start();
    pace.start();
    sampler.start();
    QTRY_VERIFY_WITH_TIMEOUT(clock.elapsed() >= ms, ms + 5000);
    pace.stop();
    QTRY_COMPARE_WITH_TIMEOUT(answered, sent, kWaitMs);
    sampler.stop();
    sample(1);
}

int TestEndpointDetailView::points(const QString &series) const
{
    const QXYSeries *s = m_view->series(series);
    return s ? int(s->count()) : -1;
}

void TestEndpointDetailView::pointCountsFollowSamples()
{
    sample(10);
    m_view->refreshNow();
    QCOMPARE(points(u"desired"_s), 10);
    QCOMPARE(points(u"healthy"_s), 10);
    QCOMPARE(points(u"requests"_s), 10);
    QCOMPARE(points(u"routes-HEALTHY"_s), 10);
    // No request yet: no latency to draw.
    QCOMPARE(points(u"p95"_s), 0);
    const QXYSeries *desired = m_view->series(u"desired"_s);
    const QXYSeries *healthy = m_view->series(u"healthy"_s);
    for (int i = 0; i < 10; ++i) {
        QCOMPARE(desired->at(i).y(), 2.0);
        QCOMPARE(healthy->at(i).y(), 2.0);
    }
    // Counts on whole-number ticks: 2 replicas on an axis to 3, a tick per replica.
    QValueAxis *counts = nullptr;
    for (QAbstractAxis *axis : m_view->series(u"desired"_s)->attachedAxes()) {
        if (axis->orientation() == Qt::Vertical)
            counts = qobject_cast<QValueAxis *>(axis);
    }
    QVERIFY(counts);
    QCOMPARE(counts->max(), 3.0);
    QCOMPARE(counts->tickType(), QValueAxis::TicksDynamic);
    QCOMPARE(counts->tickInterval(), 1.0);
    // Statuses no route had are not drawn.
    QVERIFY(m_view->series(u"routes-HEALTHY"_s)->isVisible());
    QVERIFY(!m_view->series(u"routes-FAILED_TO_START"_s)->isVisible());

    // Each replica: memory from the first sample, CPU from the second (it is a rate).
    const QList<QUuid> replicas = m_history->replicas(m_live.id);
    QCOMPARE(replicas.size(), 2);
    for (const QUuid &route : replicas) {
        const QString id = DisplayFormat::shortId(route);
        QCOMPARE(points(u"memory-"_s + id), 10);
        QCOMPARE(points(u"cpu-"_s + id), 9);
        QVERIFY(m_view->series(u"memory-"_s + id)->at(9).y() > 1.0);  // a real process, some MiB resident
        // No GPU on these replicas, so no GPU line.
        QVERIFY(!m_view->series(u"gpu-"_s + id));
    }
}

void TestEndpointDetailView::trafficShowsInRequestsAndLatency()
{
    drive(m_live.url, 40, 2500);
    m_view->refreshNow();
    const QXYSeries *requests = m_view->series(u"requests"_s);
    double peak = 0;
    for (const QPointF &p : requests->points())
        peak = std::max(peak, p.y());
    QVERIFY2(peak > 5.0, qPrintable(QString::number(peak)));
    QVERIFY(points(u"p95"_s) > 0);
    const auto latest = m_history->latest(m_live.id);
    QVERIFY(latest);
    const QLabel *summary = m_view->findChild<QLabel *>(u"detailSummary"_s);
    QVERIFY(summary->text().contains(u"req/s"_s));
    QVERIFY2(summary->text().contains(u"2 of 2 replicas healthy"_s), qPrintable(summary->text()));
}

void TestEndpointDetailView::seriesNeverExceedTheirCaps_data()
{
    QTest::addColumn<int>("range");
    QTest::newRow("5 min") << int(EndpointDetailView::Range::FiveMinutes);
    QTest::newRow("15 min") << int(EndpointDetailView::Range::FifteenMinutes);
    QTest::newRow("1 h") << int(EndpointDetailView::Range::Hour);
}

void TestEndpointDetailView::seriesNeverExceedTheirCaps()
{
    QFETCH(int, range);
    static Endpoint replayed;
    static QList<QUuid> routes;
    if (replayed.id.isNull()) {
        replayed = createPublic(u"replayed"_s, 0);
        QTRY_VERIFY(m_model->find(replayed.id));
        for (int i = 0; i < 3; ++i)
            routes << QUuid::createUuid();
        // Seventy minutes: more than the history keeps.
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        replay(replayed, routes, now - 70 * 60 * 1000, now);
    }
    const MetricsHistory::EndpointSeries *history = m_history->endpoint(replayed.id);
    QVERIFY(history);
    QCOMPARE(history->size(), MetricsHistory::kCapacity);
    QCOMPARE(m_history->replica(replayed.id, routes.at(0))->size(), MetricsHistory::kCapacity);

    m_view->endpointSelector()->setCurrentEndpoint(replayed.id);
    m_view->setRange(EndpointDetailView::Range(range));
    m_view->refreshNow();
    const auto *axis = qobject_cast<QDateTimeAxis *>(m_view->series(u"desired"_s)->attachedAxes().value(0));
    QVERIFY(axis);
    QCOMPARE(axis->min().msecsTo(axis->max()), EndpointDetailView::rangeMs(EndpointDetailView::Range(range)));
    // The samples inside the range, and the points they make at most kMaxDrawnPoints a series.
    const qsizetype inRange = history->size()
        - history->lowerBound(axis->min().toMSecsSinceEpoch(), [](const EndpointSample &s) { return s.timeMs; });
    const int expected = int(std::min<qsizetype>(inRange, EndpointDetailView::kMaxDrawnPoints));
    QVERIFY2(inRange >= EndpointDetailView::rangeMs(EndpointDetailView::Range(range)) / kSampleMs - 2,
             qPrintable(QString::number(inRange)));
    for (QXYSeries *s : m_view->series()) {
        QVERIFY2(s->count() <= EndpointDetailView::kMaxDrawnPoints, qPrintable(s->objectName()));
        if (s->isVisible())
            QCOMPARE(s->count(), expected);
    }
    QCOMPARE(expected, EndpointDetailView::kMaxDrawnPoints);
    // A spike of one sample survives the thinning: each point is the largest of the samples it stands for.
    double peakDrawn = 0;
    for (const QPointF &p : m_view->series(u"p95"_s)->points())
        peakDrawn = std::max(peakDrawn, p.y());
    double peakKept = 0;
    for (qsizetype i = history->size() - inRange; i < history->size(); ++i)
        peakKept = std::max(peakKept, double(history->at(i).p95Ms));
    QCOMPARE(peakDrawn, peakKept);
}

void TestEndpointDetailView::replicaLinesAreCapped()
{
    const Endpoint crowded = createPublic(u"crowded"_s, 0);
    QTRY_VERIFY(m_model->find(crowded.id));
    QList<QUuid> routes;
    for (int i = 0; i < 12; ++i)
        routes << QUuid::createUuid();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    replay(crowded, routes, now - 60 * 1000, now);
    m_view->endpointSelector()->setCurrentEndpoint(crowded.id);
    m_view->setRange(EndpointDetailView::Range::FiveMinutes);
    m_view->refreshNow();
    int cpuLines = 0;
    int memoryLines = 0;
    for (QXYSeries *s : m_view->series()) {
        cpuLines += s->objectName().startsWith(u"cpu-"_s) ? 1 : 0;
        memoryLines += s->objectName().startsWith(u"memory-"_s) ? 1 : 0;
    }
    QCOMPARE(cpuLines, EndpointDetailView::kMaxReplicaSeries);
    QCOMPARE(memoryLines, EndpointDetailView::kMaxReplicaSeries);
    QVERIFY(m_view->charts().at(3)->title().contains(u"8 of 12"_s));
    // Back to the live endpoint: its two replicas, no more.
    m_view->endpointSelector()->setCurrentEndpoint(m_live.id);
    m_view->refreshNow();
    cpuLines = 0;
    for (QXYSeries *s : m_view->series())
        cpuLines += s->objectName().startsWith(u"cpu-"_s) ? 1 : 0;
    QCOMPARE(cpuLines, 2);
}

void TestEndpointDetailView::redrawsAreBatchedAndSkippedWhileHidden()
{
    m_view->endpointSelector()->setCurrentEndpoint(m_live.id);
    QTest::qWait(EndpointDetailView::kRepaintIntervalMs + 100);
    int before = m_view->redrawCount();
    // Twenty samples in a burst: at most one redraw now and one a tick later.
    for (int i = 0; i < 20; ++i)
        QVERIFY(m_plane->metrics()->sample());
    QTest::qWait(2 * EndpointDetailView::kRepaintIntervalMs + 100);
    QVERIFY2(m_view->redrawCount() - before <= 2, qPrintable(QString::number(m_view->redrawCount() - before)));
    QVERIFY(m_view->redrawCount() - before >= 1);

    // Hidden: samples are recorded, nothing is drawn; shown again, what it missed in one go.
    m_view->hide();
    before = m_view->redrawCount();
    sample(5);
    QTest::qWait(EndpointDetailView::kRepaintIntervalMs + 100);
    QCOMPARE(m_view->redrawCount(), before);
    const qsizetype recorded = m_history->endpoint(m_live.id)->size();
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    QCOMPARE(m_view->redrawCount(), before + 1);
    m_view->setRange(EndpointDetailView::Range::Hour);
    QCOMPARE(points(u"desired"_s), int(recorded));
}

void TestEndpointDetailView::startingTextReadsAsATime_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("seconds") << qint64(59999) << u"Starting · 59 s"_s;
    QTest::newRow("minutes") << qint64(80000) << u"Starting · 1 min 20 s"_s;
    QTest::newRow("hours") << qint64(3720000) << u"Starting · 1 h 2 min"_s;
}

void TestEndpointDetailView::startingTextReadsAsATime()
{
    QFETCH(qint64, ms);
    QFETCH(QString, text);
    QCOMPARE(ReplicaTableModel::startingText(ms), text);
}

// A runtime that answers "still loading" (a llama.cpp stand-in, 503 for ten minutes): its replica
// shows as starting with the time spent, counted on between samples, without the GUI waiting.
void TestEndpointDetailView::aLoadingReplicaShowsHowLongItHasBeenStarting()
{
    RuntimeStandIn standIn;
    standIn.record = m_tools->filePath(u"llama-server.json"_s);
    standIn.healthPath = u"/health"_s;
    standIn.loadingStatus = 503;
    standIn.loadSeconds = 600;
    QVERIFY(standIn.writeTo(m_tools->filePath(u"llama-server"_s)));
    const QString folder = QDir(m_plane.dataDir()).filePath(u"gguf"_s);
    QVERIFY(QDir().mkpath(folder));
    QFile weights(folder + u"/tiny-q4_k_m.gguf"_s);
    QVERIFY(weights.open(QIODevice::WriteOnly));
    weights.close();
    CreateEndpointRequest r;
    r.name = u"llama-loading"_s;
    r.modelVersion = u"v1"_s;
    r.modelFolder = folder;
    r.runtimeVariant = u"llama-cpp"_s;
    r.resourceSlots = ResourceSlots{0.25, qint64(256) << 20, 0};
    const auto created = service().createEndpoint(r);
    QVERIFY2(created, created ? "" : UiTest::why(created.error()).constData());
    m_view->endpointSelector()->setCurrentEndpoint(created->id);
    ReplicaTableModel *table = m_view->replicaTable();
    QCOMPARE(table->endpoint(), created->id);
    const auto status = [table] { return table->index(0, ReplicaTableModel::Status).data().toString(); };
    // Samples as the console takes them, until its agent says it is loading.
    QTRY_VERIFY_WITH_TIMEOUT((sample(1), table->rowCount() == 1 && status().startsWith(u"Starting · "_s)
                              && table->index(0, ReplicaTableModel::Status).data(Qt::ToolTipRole).toString().contains(u"loading"_s)),
                             kWaitMs);
    // Between samples the time still moves on, and the table is told so (the view repaints).
    QSignalSpy changed(table, &QAbstractItemModel::dataChanged);
    const QString first = status();
    QTRY_VERIFY_WITH_TIMEOUT(changed.count() >= 2 && status() != first, 5000);
    for (const QList<QVariant> &change : std::as_const(changed))
        QCOMPARE(change.at(0).toModelIndex().column(), int(ReplicaTableModel::Status));
    QVERIFY2(status().startsWith(u"Starting · "_s), qPrintable(status()));
    QCOMPARE(table->index(0, ReplicaTableModel::Agent).data().toString(), u"local"_s);
    m_view->resize(1100, 900);
    const QString failed = UiTest::saveScreenshot(*m_view, u"endpoint-detail-starting"_s);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));

    QVERIFY(service().deleteEndpoint(r.name));
    m_view->endpointSelector()->setCurrentEndpoint(m_live.id);
    m_view->resize(1100, 700);
}

void TestEndpointDetailView::screenshot()
{
    // A canary rollout in progress on the live endpoint, started as the Modify dialog does: a
    // second revision with one real replica of its own, at 10 %.
    ModifyEndpointRequest change;
    change.modelVersion = u"v2"_s;
    change.modelFolder = u"iris-v2"_s;
    change.strategy = RolloutStrategy::Canary;
    change.canaryWeight = 10;
    auto modified = service().modifyEndpoint(m_live.name, change);
    QVERIFY2(modified, modified ? "" : UiTest::why(modified.error()).constData());
    QTRY_COMPARE_WITH_TIMEOUT(UiTest::healthyRoutes(service(), m_live.name), 3, kWaitMs);
    m_view->endpointSelector()->setCurrentEndpoint(m_live.id);
    QTRY_COMPARE(m_view->trafficSplit()->revisions().size(), 2);
    QTRY_VERIFY(m_view->trafficSplit()->manualCanary().has_value());
    QTRY_COMPARE(m_view->trafficSplit()->slider()->value(), 10);
    QCOMPARE(m_view->trafficSplit()->preview()->text(), u"v1 90 % · v2 10 %"_s);
    QTRY_VERIFY(m_view->rolloutPanel()->rollout().has_value());
    drive(m_live.url, 30, 3000);
    // Room for the rollout below the charts.
    m_view->resize(1200, 900);
    m_view->setRange(EndpointDetailView::Range::FiveMinutes);
    m_view->refreshNow();
    const QString failed = UiTest::saveScreenshot(*m_view, u"endpoint-detail"_s);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    // What it shows: the live endpoint, its traffic drawn, the split as set.
    QCOMPARE(m_view->endpointSelector()->currentEndpoint(), m_live.id);
    QVERIFY(points(u"requests"_s) > 0);
    QVERIFY(points(u"p95"_s) > 0);
    QCOMPARE(m_view->trafficSplit()->preview()->text(), u"v1 90 % · v2 10 %"_s);

}

// Tokens per second and time to first token (the proxy's counters of OpenAI-style answers) in
// the Generation chart; an endpoint without such answers shows none, and says so.
void TestEndpointDetailView::generationChartShowsOpenAiAnswers()
{
    const auto generation = [this] {
        for (QChart *chart : m_view->charts()) {
            if (chart->series().contains(m_view->series(u"tokens-per-second"_s)))
                return chart;
        }
        return static_cast<QChart *>(nullptr);
    };
    m_view->endpointSelector()->setCurrentEndpoint(m_live.id);
    m_view->refreshNow();
    QVERIFY(generation());
    QCOMPARE(generation()->title(), u"Generation: no OpenAI-style answers"_s);
    QVERIFY(!m_view->series(u"tokens-per-second"_s)->isVisible());

    const Endpoint llm = createPublic(u"chat"_s, 0);
    QTRY_VERIFY(m_model->find(llm.id));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    constexpr int kSamples = 240;  // two minutes at the sampler's pace
    for (int i = 0; i < kSamples; ++i) {
        EndpointSample s;
        s.timeMs = now - (kSamples - i) * kSampleMs;
        const double wave = std::sin(double(i) / 30.0);
        s.requestsPerSecond = float(6.0 + 3.0 * wave);
        s.errorRate = 0;
        s.p95Ms = float(2400.0 + 600.0 * wave);
        s.ttftP50Ms = float(180.0 + 60.0 * wave);
        s.ttftP95Ms = float(320.0 + 110.0 * wave);
        s.tokensPerSecond = float(48.0 - 9.0 * wave);
        s.desired = 2;
        s.routes[int(RouteStatus::Healthy)] = 2;
        m_history->append(llm.id, s);
    }
    m_view->endpointSelector()->setCurrentEndpoint(llm.id);
    m_view->setRange(EndpointDetailView::Range::FiveMinutes);
    m_view->refreshNow();
    QCOMPARE(generation()->title(), u"Generation"_s);
    for (const QString &name : {u"tokens-per-second"_s, u"ttft-p50"_s, u"ttft-p95"_s}) {
        QVERIFY(m_view->series(name)->isVisible());
        QCOMPARE(points(name), kSamples);
    }
    double peak = 0;
    for (const QPointF &p : m_view->series(u"ttft-p95"_s)->points())
        peak = std::max(peak, p.y());
    QVERIFY2(peak > 400 && peak <= 430, qPrintable(QString::number(peak)));
    const QLabel *summary = m_view->findChild<QLabel *>(u"detailSummary"_s);
    QVERIFY2(summary->text().contains(u"tokens/s"_s), qPrintable(summary->text()));
    m_view->resize(1200, 900);
    const QString failed = UiTest::saveScreenshot(*m_view, u"endpoint-detail-generation"_s);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
}

QTEST_MAIN(TestEndpointDetailView)
#include "test_endpointdetailview.moc"
