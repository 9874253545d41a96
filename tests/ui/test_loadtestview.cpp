// The Load test view over a real control plane with real demo replicas: a run on the view's
// own thread to its end (a closed loop of 20 requests at concurrency 2), what it shows, the
// run stored through the plane, a cancelled run, and the live chart of an open-loop run.
#include <memory>

#include <QAbstractItemModelTester>
#include <QBarSeries>
#include <QBarSet>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QThread>

#include "plane/controlclient.h"
#include "ui/common/endpointselector.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/loadtest/loadtestcontroller.h"
#include "ui/loadtest/loadtesthistorymodel.h"
#include "ui/loadtest/loadtestview.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr int kWaitMs = 30000;
const QString kIris = uR"({"features":[5.1,3.5,1.4,0.2]})"_s;

double barTotal(const QBarSeries *bars)
{
    double sum = 0;
    for (const QBarSet *set : bars->barSets()) {
        for (int i = 0; i < set->count(); ++i)
            sum += set->at(i);
    }
    return sum;
}

} // namespace

class TestLoadTestView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void aClosedLoopRunsToItsEnd();
    void aCancelledRunStops();
    void theLiveChartFollowsAnOpenLoopRun();
    void closingTheViewCancelsItsRun();
    void runsAreStoredComparedAndExported();
    void badSettingsAreRefusedInPlace();
    void screenshot();

private:
    // Clicks Start, waits for the end; the result.
    std::optional<LoadTestResult> runToTheEnd(int waitMs = 60000);
    void setMode(LoadTestSettings::Mode mode);

    UiTest::ServingPlane m_plane;
    std::unique_ptr<ControlClient> m_client;
    std::unique_ptr<EndpointListModel> m_model;
    std::unique_ptr<LoadTestView> m_view;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    Endpoint m_endpoint;
};

void TestLoadTestView::initTestCase()
{
    const QByteArray notStarted = m_plane.start();
    QVERIFY2(notStarted.isEmpty(), notStarted.constData());
    m_client = std::make_unique<ControlClient>(*m_plane);
    m_model = std::make_unique<EndpointListModel>(*m_client);
    m_view = std::make_unique<LoadTestView>(*m_client, *m_model);
    m_tester = std::make_unique<QAbstractItemModelTester>(m_view->historyModel(),
                                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_view->resize(1200, 800);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));

    m_endpoint = m_plane.createDemo(u"loaded"_s, false);  // private: the run takes a token minted for it
    QTRY_COMPARE_WITH_TIMEOUT(UiTest::healthyRoutes(m_plane->service(), m_endpoint.name), 1, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_model->find(m_endpoint.id), kWaitMs);
    m_view->endpointSelector()->setCurrentEndpoint(m_endpoint.id);
    m_view->pathEdit()->setText(u"/predict"_s);
    m_view->bodyEdit()->setPlainText(kIris);
}

void TestLoadTestView::cleanupTestCase()
{
    m_tester.reset();
    m_view.reset();
    m_model.reset();
    m_client.reset();
    m_plane.reset();
}

void TestLoadTestView::setMode(LoadTestSettings::Mode mode)
{
    m_view->modeSelector()->setCurrentIndex(m_view->modeSelector()->findData(int(mode)));
}

std::optional<LoadTestResult> TestLoadTestView::runToTheEnd(int waitMs)
{
    QSignalSpy finished(m_view.get(), &LoadTestView::runFinished);
    QTest::mouseClick(m_view->startButton(), Qt::LeftButton);
    if (!m_view->isRunning())
        return std::nullopt;
    if (!finished.wait(waitMs))
        return std::nullopt;
    return m_view->lastResult();
}

void TestLoadTestView::aClosedLoopRunsToItsEnd()
{
    setMode(LoadTestSettings::Mode::Closed);
    m_view->requestsEdit()->setValue(20);
    m_view->concurrencyEdit()->setValue(2);
    m_view->durationEdit()->setValue(60);
    m_view->targetsEdit()->setText(u"success>95% p99<5s"_s);
    // Not the GUI thread: the run has a thread of its own.
    QVERIFY(m_view->controller()->thread() != QThread::currentThread());
    QVERIFY(m_view->controller()->thread()->isRunning());

    QSignalSpy stored(m_view.get(), &LoadTestView::runStored);
    const auto result = runToTheEnd();
    QVERIFY(result);
    QCOMPARE(result->sent, quint64(20));
    QCOMPARE(result->total.answered, quint64(20));
    QCOMPARE(result->total.succeeded, quint64(20));  // the minted token opened the private endpoint
    QVERIFY(!result->cancelled);
    QVERIFY(result->byRevision.contains("v1"));
    // What the view shows is that result.
    const QList<QLabel *> badges = m_view->targetBadges();
    QCOMPARE(badges.size(), 2);
    for (QLabel *badge : badges)
        QVERIFY2(badge->property("passed").toBool(), qPrintable(badge->text()));
    QVERIFY2(m_view->summaryLabel()->text().contains(u"20"_s), qPrintable(m_view->summaryLabel()->text()));
    QCOMPARE(barTotal(m_view->histogram()), 20.0);
    QCOMPARE(m_view->progressBar()->value(), m_view->progressBar()->maximum());
    QVERIFY(m_view->startButton()->isEnabled());
    QVERIFY(!m_view->cancelButton()->isEnabled());

    // Stored through the plane: the service lists it, with its figures.
    QTRY_COMPARE_WITH_TIMEOUT(stored.count(), 1, kWaitMs);
    const QUuid runId = stored.first().first().toUuid();
    const auto runs = m_plane->service().listLoadTests(m_endpoint.name, 10);
    QVERIFY2(runs, runs ? "" : UiTest::why(runs.error()).constData());
    QCOMPARE(runs->size(), 1);
    QCOMPARE(runs->first().id, runId);
    QCOMPARE(runs->first().summary.value(u"sent"_s).toInteger(), 20);
    QCOMPARE(runs->first().summary.value(u"mode"_s).toString(), u"closed"_s);
    // And the history shows it.
    QTRY_COMPARE_WITH_TIMEOUT(m_view->historyModel()->rowOf(runId), 0, kWaitMs);
}

void TestLoadTestView::aCancelledRunStops()
{
    setMode(LoadTestSettings::Mode::Rate);
    m_view->rateEdit()->setValue(20);
    m_view->durationEdit()->setValue(120);
    m_view->targetsEdit()->setText(u"success>95%"_s);
    QSignalSpy finished(m_view.get(), &LoadTestView::runFinished);
    QTest::mouseClick(m_view->startButton(), Qt::LeftButton);
    // Some progress first, so the cancel is of a run under way.
    QTRY_VERIFY_WITH_TIMEOUT(m_view->series(u"sent"_s)->count() >= 2, kWaitMs);
    QVERIFY(m_view->isRunning());
    QVERIFY(m_view->cancelButton()->isEnabled());
    QTest::mouseClick(m_view->cancelButton(), Qt::LeftButton);
    QVERIFY(finished.wait(10000));
    const auto result = m_view->lastResult();
    QVERIFY(result);
    QVERIFY(result->cancelled);
    QVERIFY2(result->sent < 20 * 30, qPrintable(QString::number(result->sent)));  // far from 2,400
    QVERIFY(!m_view->isRunning());
    QVERIFY(m_view->summaryLabel()->text().contains(u"Cancelled"_s));
}

void TestLoadTestView::theLiveChartFollowsAnOpenLoopRun()
{
    setMode(LoadTestSettings::Mode::Rate);
    m_view->rateEdit()->setValue(40);
    m_view->durationEdit()->setValue(3);
    m_view->targetsEdit()->setText(u"rps>1000"_s);  // cannot pass at 40/s: a failed badge
    const auto result = runToTheEnd();
    QVERIFY(result);
    QVERIFY2(result->sent >= 100 && result->sent <= 130, qPrintable(QString::number(result->sent)));
    QLineSeries *sent = m_view->series(u"sent"_s);
    QVERIFY2(sent->count() >= 6, qPrintable(QString::number(sent->count())));  // ~4 a second for 3 s
    QVERIFY(m_view->series(u"p95"_s)->count() == sent->count());
    double peak = 0;
    for (const QPointF &p : sent->points())
        peak = std::max(peak, p.y());
    QVERIFY2(peak >= 20 && peak <= 80, qPrintable(QString::number(peak)));
    QCOMPARE(m_view->targetBadges().size(), 1);
    QVERIFY(!m_view->targetBadges().first()->property("passed").toBool());
}

// A view closed mid-run (the window closing, a language change rebuilding it) ends its run and
// its thread at once, not when the run's duration is over.
void TestLoadTestView::closingTheViewCancelsItsRun()
{
    auto view = std::make_unique<LoadTestView>(*m_client, *m_model);
    view->endpointSelector()->setCurrentEndpoint(m_endpoint.id);
    view->modeSelector()->setCurrentIndex(view->modeSelector()->findData(int(LoadTestSettings::Mode::Rate)));
    view->rateEdit()->setValue(20);
    view->durationEdit()->setValue(300);
    view->pathEdit()->setText(u"/predict"_s);
    view->bodyEdit()->setPlainText(kIris);
    view->targetsEdit()->setText(u"success>95%"_s);
    view->start();
    QTRY_VERIFY_WITH_TIMEOUT(view->series(u"sent"_s)->count() >= 1, kWaitMs);
    QThread *thread = view->controller()->thread();
    QSignalSpy ended(thread, &QThread::finished);
    QElapsedTimer closing;
    closing.start();
    view.reset();
    QVERIFY2(closing.elapsed() < 5000, qPrintable(QString::number(closing.elapsed())));
    QCOMPARE(ended.count(), 1);
}

void TestLoadTestView::runsAreStoredComparedAndExported()
{
    // Each earlier function's run (the cancelled one too) is stored, newest first.
    const auto runs = m_plane->service().listLoadTests(m_endpoint.name, 10);
    QVERIFY(runs);
    QCOMPARE(runs->size(), 3);
    QTRY_COMPARE_WITH_TIMEOUT(m_view->historyModel()->rowCount(), 3, kWaitMs);
    const int closed = m_view->historyModel()->rowOf(runs->last().id);  // the first run: 20 requests
    const int open = m_view->historyModel()->rowOf(runs->first().id);
    QVERIFY(closed >= 0 && open >= 0);

    QSignalSpy compared(m_view.get(), &LoadTestView::compared);
    QVERIFY(m_view->compareRows(closed, open));
    QTRY_COMPARE_WITH_TIMEOUT(compared.count(), 1, kWaitMs);
    QTableWidget *table = m_view->compareTable();
    QVERIFY(table->isVisible());
    QCOMPARE(table->columnCount(), 2);
    int requestsRow = -1;
    for (int r = 0; r < table->rowCount(); ++r) {
        if (table->verticalHeaderItem(r)->text() == u"Requests"_s)
            requestsRow = r;
    }
    QVERIFY(requestsRow >= 0);
    QCOMPARE(table->item(requestsRow, 0)->text(), u"20"_s);
    QCOMPARE(table->item(requestsRow, 1)->text(), QString::number(runs->first().summary.value(u"sent"_s).toInteger()));

    QTemporaryDir out;
    QSignalSpy exported(m_view.get(), &LoadTestView::exported);
    QVERIFY(m_view->exportRow(closed, out.filePath(u"run.json"_s)));
    QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, kWaitMs);
    QCOMPARE(exported.first().first().toString(), QString());
    QFile json(out.filePath(u"run.json"_s));
    QVERIFY(json.open(QIODevice::ReadOnly));
    const auto back = LoadTestResult::fromJson(QJsonDocument::fromJson(json.readAll()).object());
    QVERIFY2(back, back ? "" : UiTest::why(back.error()).constData());
    QCOMPARE(back->sent, quint64(20));
    QVERIFY(m_view->exportRow(closed, out.filePath(u"run.csv"_s)));
    QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 2, kWaitMs);
    QFile csv(out.filePath(u"run.csv"_s));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = csv.readAll().split('\n');
    QVERIFY2(lines.size() >= 2 && lines.first().startsWith("scope,"), lines.value(0).constData());
}

void TestLoadTestView::badSettingsAreRefusedInPlace()
{
    m_view->targetsEdit()->setText(u"p95<fast"_s);
    QTest::mouseClick(m_view->startButton(), Qt::LeftButton);
    QVERIFY(!m_view->isRunning());
    const QLabel *problem = m_view->findChild<QLabel *>(u"loadTestProblem"_s);
    QVERIFY(problem && problem->isVisible());
    QVERIFY(!problem->text().isEmpty());
    m_view->targetsEdit()->setText(u"success>95%"_s);
}

void TestLoadTestView::screenshot()
{
    setMode(LoadTestSettings::Mode::Rate);
    m_view->rateEdit()->setValue(30);
    m_view->durationEdit()->setValue(3);
    m_view->targetsEdit()->setText(u"rps>20 p95<200ms success>95%"_s);
    QVERIFY(runToTheEnd());
    const QString why = UiTest::saveScreenshot(*m_view, u"load-test"_s);
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

QTEST_MAIN(TestLoadTestView)
#include "test_loadtestview.moc"
