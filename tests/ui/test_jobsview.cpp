// The console's Jobs view, end to end: a real plane with real demo replicas runs the jobs the test
// submits through the control client; the view's rows reach SUCCEEDED, its per-state counts are
// the queue's, a state filter shows only that state, Cancel and Retry change the job in the core
// (read back from the queue, not the widget), the detail pane shows the stored answer, and the
// dashboard's Queue column and Details' Jobs line show the backlog of an endpoint at 0 replicas.
// The table model's bound and order, and how an answer's body is shown, are checked on their own.
#include <memory>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QThread>

#include "jobs/jobqueue.h"
#include "plane/controlclient.h"
#include "store/repository.h"
#include "support/manualclock.h"
#include "ui/common/endpointselector.h"
#include "ui/common/errorlabel.h"
#include "ui/detail/endpointdetailview.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/jobs/jobdetailpane.h"
#include "ui/jobs/jobsview.h"
#include "ui/jobs/jobtablemodel.h"
#include "ui/jobs/jobtext.h"
#include "ui/mainwindow.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr int kWaitMs = 30000;
const QByteArray kIrisBody = R"({"features":[5.1,3.5,1.4,0.2]})"_ba;

Job jobAt(const QString &id, qint64 minutesAgo, JobState state = JobState::Queued)
{
    Job j;
    j.id = id;
    j.endpointId = QUuid::fromString(u"6f1c2a9e-1111-4222-8333-944455556666"_s);
    j.endpointName = u"unit"_s;
    j.state = state;
    j.queuedAt = QDateTime::currentDateTimeUtc().addSecs(-60 * minutesAgo);
    return j;
}

} // namespace

class TestJobsView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    // No plane needed.
    void modelKeepsNewestFirstWithinTheLimit();
    void modelDropsRowsThatLeaveTheFilter();
    void answerBodyIsShownAsTextOrBytes_data();
    void answerBodyIsShownAsTextOrBytes();
    void longAnswerShowsItsFirstBytes();

    // A real plane.
    void submittedJobsAppearAndSucceed();
    void countsAreTheQueues();
    void stateFilterShowsOnlyThatState();
    void cancelAndRetryChangeTheCore();
    void aRefusalShowsInPlace();
    void detailShowsTheAnswerBody();
    void dashboardAndDetailsShowTheBacklog();
    void hiddenItWaitsAndCatchesUpWhenShown();
    void queuedInFilterShowsOnlyThatRange();
    void screenshot();
    void retryOfADeletedEndpointsJobShowsWhy();
    void aConsoleThreadGetsJobChangesQueued();

private:
    JobsView *view() const { return m_window->jobsView(); }
    JobQueue &queue() const { return *m_plane->jobs(); }
    // Submits through the control client, as the console would; the job as the queue took it.
    Job submit(const Endpoint &endpoint, const QByteArray &body = kIrisBody);
    int rowOf(const QString &jobId) const { return view()->jobModel()->rowOf(jobId); }
    QString stateShown(const QString &jobId) const
    {
        const int row = rowOf(jobId);
        return row < 0 ? QString() : view()->jobModel()->index(row, JobTableModel::State).data().toString();
    }
    bool reloaded(const std::function<void()> &change);
    void selectState(const QString &name);
    JobState coreState(const QString &id) const
    {
        auto job = queue().job(id);
        if (!job)
            qFatal("no job %s", qPrintable(id));
        return job->state;
    }

    UiTest::ServingPlane m_plane;
    std::unique_ptr<ControlClient> m_client;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    Endpoint m_serving;  // 1 replica: its jobs run
    Endpoint m_idle;     // 0 replicas: its jobs stay queued
    QStringList m_succeeded;
};

void TestJobsView::initTestCase()
{
    // The signing key in a file: QtKeychain would tie every plane of this process to the thread
    // of the first, and aConsoleThreadGetsJobChangesQueued starts one on a thread of its own.
    const QByteArray notStarted = m_plane.start([](ControlPlaneOptions &o) { o.signingKeyFromFile = true; });
    QVERIFY2(notStarted.isEmpty(), notStarted.constData());
    QVERIFY2(m_plane->jobs(), "the plane runs no job queue");
    m_serving = m_plane.createDemo(u"iris-jobs"_s, true, 1);
    m_idle = m_plane.createDemo(u"iris-idle"_s, true, 0);
    m_client = std::make_unique<ControlClient>(*m_plane);

    m_window = std::make_unique<MainWindow>(*m_plane);
    m_tester = std::make_unique<QAbstractItemModelTester>(view()->jobModel(),
                                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_window->resize(1280, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QTRY_COMPARE_WITH_TIMEOUT(UiTest::healthyRoutes(m_plane->service(), m_serving.name), 1, kWaitMs);
    m_window->showView(MainWindow::View::Jobs);
    QVERIFY(view()->isVisible());
}

void TestJobsView::cleanupTestCase()
{
    m_tester.reset();
    m_window.reset();
    m_client.reset();
    m_plane.reset();
}

Job TestJobsView::submit(const Endpoint &endpoint, const QByteArray &body)
{
    JobRequest request;
    request.endpointId = endpoint.id;
    request.method = "POST";
    request.path = "/predict";
    request.headers = {{"Content-Type", "application/json"}};
    request.body = body;
    request.submittedBy = u"admin"_s;
    std::optional<Result<JobQueue::Submitted>> answer;
    m_client->call(
        this, [request](ControlPlane &plane) { return plane.jobs()->submit(request); },
        [&answer](Result<JobQueue::Submitted> submitted) { answer = std::move(submitted); });
    if (!answer || !*answer)
        qFatal("submit: %s", answer ? UiTest::why(answer->error()).constData() : "no answer");
    return (*answer)->job;
}

bool TestJobsView::reloaded(const std::function<void()> &change)
{
    QSignalSpy loaded(view(), &JobsView::loaded);
    change();
    // A plane on this thread answers at once, before any wait.
    return !loaded.isEmpty() || loaded.wait(kWaitMs);
}

void TestJobsView::selectState(const QString &name)
{
    QComboBox *state = view()->stateFilter();
    const int index = name.isEmpty() ? 0 : state->findData(name);
    QVERIFY(index >= 0);
    if (state->currentIndex() == index)
        return;
    QVERIFY(reloaded([&] { state->setCurrentIndex(index); }));
}

void TestJobsView::modelKeepsNewestFirstWithinTheLimit()
{
    JobTableModel model(nullptr);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    JobFilter filter;
    filter.limit = 3;
    model.setFilter(filter);
    model.setJobs({jobAt(u"b"_s, 20), jobAt(u"c"_s, 30)});
    model.update(jobAt(u"a"_s, 10));  // newer than all: on top
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.job(0).id, u"a"_s);
    model.update(jobAt(u"new"_s, 0));  // the oldest goes
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.job(0).id, u"new"_s);
    QCOMPARE(model.rowOf(u"c"_s), -1);
    model.update(jobAt(u"old"_s, 60));  // older than every row of a full table: a reload would not show it
    QCOMPARE(model.rowOf(u"old"_s), -1);
    model.update(jobAt(u"between"_s, 15));  // at its place by queue time
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.job(1).id, u"a"_s);
    QCOMPARE(model.job(2).id, u"between"_s);
    // A change of a shown job: in place.
    Job a = jobAt(u"a"_s, 10, JobState::Succeeded);
    a.queuedAt = model.job(1).queuedAt;
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.update(a);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.job(1).state, JobState::Succeeded);
    QCOMPARE(model.index(1, JobTableModel::State).data().toString(), u"SUCCEEDED"_s);
    QCOMPARE(model.index(1, JobTableModel::Id).data(Qt::ToolTipRole).toString(), u"a"_s);
}

void TestJobsView::modelDropsRowsThatLeaveTheFilter()
{
    JobTableModel model(nullptr);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    JobFilter filter;
    filter.state = JobState::Queued;
    model.setFilter(filter);
    model.setJobs({jobAt(u"q1"_s, 1), jobAt(u"q2"_s, 2)});
    model.update(jobAt(u"r"_s, 0, JobState::Running));  // not in the filter: not shown
    QCOMPARE(model.rowOf(u"r"_s), -1);
    model.update(jobAt(u"q1"_s, 1, JobState::Running));  // left the filter: gone
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.job(0).id, u"q2"_s);
    Job other = jobAt(u"elsewhere"_s, 0);
    filter.endpointId = QUuid::createUuid();
    model.setFilter(filter);
    model.update(other);  // another endpoint's
    QCOMPARE(model.rowOf(u"elsewhere"_s), -1);
}

void TestJobsView::answerBodyIsShownAsTextOrBytes_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QString>("shown");

    QTest::newRow("json, pretty") << R"({"a":1})"_ba << "application/json"_ba << u"{\n    \"a\": 1\n}"_s;
    QTest::newRow("json without a type") << R"([1,2])"_ba << QByteArray() << u"[\n    1,\n    2\n]"_s;
    QTest::newRow("text") << "hello\nworld"_ba << "text/plain; charset=utf-8"_ba << u"hello\nworld"_s;
    QTest::newRow("utf-8 text") << "안녕"_ba << "text/plain"_ba << u"안녕"_s;
    QTest::newRow("json type, not json") << "not json"_ba << "application/json"_ba << u"not json"_s;
    QTest::newRow("png") << "\x89PNG\r\n\x1a\n"_ba << "image/png"_ba << u"8 bytes (binary)"_s;
    QTest::newRow("invalid utf-8") << "ab\xff\xfe"_ba << "text/plain"_ba << u"4 bytes (binary)"_s;
    QTest::newRow("nul byte") << QByteArray("a\0b", 3) << QByteArray() << u"3 bytes (binary)"_s;
    QTest::newRow("empty") << QByteArray() << "application/json"_ba << u"(empty)"_s;
}

void TestJobsView::answerBodyIsShownAsTextOrBytes()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QFETCH(QString, shown);
    QCOMPARE(JobText::body(body, body.size(), contentType), shown);
}

void TestJobsView::longAnswerShowsItsFirstBytes()
{
    // 100 KiB of text whose 64 KiB cut falls inside a three-byte character.
    QByteArray body(JobText::kShownBodyBytes - 1, 'x');
    body += "가";
    body += QByteArray(100 * 1024 - body.size(), 'y');
    const QString shown = JobText::body(body.left(JobText::kShownBodyBytes), body.size(), "text/plain");
    // The whole characters before the cut, then the note.
    QCOMPARE(shown.section(u'\n', 0, 0), QString(JobText::kShownBodyBytes - 1, u'x'));
    QVERIFY2(shown.contains(u"of %1 bytes"_s.arg(body.size())), qPrintable(shown.right(80)));
}

void TestJobsView::submittedJobsAppearAndSucceed()
{
    QStringList ids;
    for (int i = 0; i < 5; ++i)
        ids << submit(m_serving).id;
    for (const QString &id : std::as_const(ids))
        QTRY_COMPARE_WITH_TIMEOUT(stateShown(id), u"SUCCEEDED"_s, kWaitMs);
    for (const QString &id : std::as_const(ids)) {
        QCOMPARE(coreState(id), JobState::Succeeded);
        const int row = rowOf(id);
        QCOMPARE(view()->jobModel()->index(row, JobTableModel::ResultStatus).data().toString(), u"200"_s);
        QCOMPARE(view()->jobModel()->index(row, JobTableModel::Endpoint).data().toString(), m_serving.name);
        QCOMPARE(view()->jobModel()->index(row, JobTableModel::Revision).data().toString(), u"v1"_s);
    }
    // Newest first.
    QVERIFY(rowOf(ids.last()) < rowOf(ids.first()));
    m_succeeded = ids;
}

void TestJobsView::countsAreTheQueues()
{
    QVERIFY(!m_succeeded.isEmpty());
    submit(m_idle);
    const auto expected = [this] { return queue().stateCounts(); };
    QTRY_COMPARE_WITH_TIMEOUT(view()->stateCounts(), expected(), kWaitMs);
    QVERIFY(expected().value(JobState::Succeeded) >= 5);
    QVERIFY(expected().value(JobState::Queued) >= 1);
    QCOMPARE(view()->countLabel(JobState::Succeeded)->text(),
             u"Succeeded %1"_s.arg(expected().value(JobState::Succeeded)));
    QCOMPARE(view()->countLabel(JobState::Queued)->text(), u"Queued %1"_s.arg(expected().value(JobState::Queued)));

    // Filtered to one endpoint: that endpoint's counts.
    QVERIFY(reloaded([this] { view()->endpointSelector()->setCurrentEndpoint(m_idle.id); }));
    QCOMPARE(view()->stateCounts(), queue().stateCounts(m_idle.id));
    QCOMPARE(view()->stateCounts().value(JobState::Succeeded), 0);
    QVERIFY(reloaded([this] { view()->endpointSelector()->setCurrentEndpoint(QUuid()); }));
}

void TestJobsView::stateFilterShowsOnlyThatState()
{
    const Job queued = submit(m_idle);
    QTRY_COMPARE_WITH_TIMEOUT(stateShown(queued.id), u"QUEUED"_s, kWaitMs);
    for (const QString &state : {u"QUEUED"_s, u"SUCCEEDED"_s}) {
        selectState(state);
        JobTableModel *model = view()->jobModel();
        QVERIFY(model->rowCount() > 0);
        for (int row = 0; row < model->rowCount(); ++row)
            QCOMPARE(model->index(row, JobTableModel::State).data().toString(), state);
        JobFilter all;
        all.state = jobStateFromName(state);
        all.since = QDateTime::currentDateTimeUtc().addDays(-1);
        all.limit = JobsView::kMaxRows;
        QCOMPARE(model->rowCount(), int(queue().jobs(all)->size()));
    }
    QCOMPARE(rowOf(queued.id), -1);
    QVERIFY(rowOf(m_succeeded.first()) >= 0);
    // Live: a new job of another state stays out; one in the state comes in.
    const Job more = submit(m_serving);
    QTRY_COMPARE_WITH_TIMEOUT(coreState(more.id), JobState::Succeeded, kWaitMs);
    QTRY_VERIFY(rowOf(more.id) >= 0);
    const Job stays = submit(m_idle);
    QCOMPARE(rowOf(stays.id), -1);
    selectState({});
    QVERIFY(rowOf(queued.id) >= 0);
}

void TestJobsView::cancelAndRetryChangeTheCore()
{
    const Job job = submit(m_idle);
    QTRY_VERIFY(rowOf(job.id) >= 0);
    QVERIFY(view()->selectJob(job.id));
    JobDetailPane *pane = view()->detailPane();
    QCOMPARE(pane->job()->id, job.id);
    QVERIFY(pane->cancelButton()->isEnabled());
    QVERIFY(!pane->retryButton()->isEnabled());
    QCOMPARE(coreState(job.id), JobState::Queued);

    QTest::mouseClick(pane->cancelButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(coreState(job.id), JobState::Cancelled, kWaitMs);
    QTRY_COMPARE(stateShown(job.id), u"CANCELLED"_s);
    QTRY_VERIFY(pane->retryButton()->isEnabled());
    QVERIFY(!pane->cancelButton()->isEnabled());
    QVERIFY(pane->errorLabel()->isHidden());

    QTest::mouseClick(pane->retryButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(coreState(job.id), JobState::Queued, kWaitMs);
    QTRY_COMPARE(stateShown(job.id), u"QUEUED"_s);
    QTRY_VERIFY(pane->cancelButton()->isEnabled());
    QCOMPARE(pane->field(u"jobState"_s)->text(), u"QUEUED"_s);
}

void TestJobsView::aRefusalShowsInPlace()
{
    // The pane still shows a job as QUEUED that was cancelled meanwhile elsewhere.
    const Job job = submit(m_idle);
    JobDetailPane pane(*m_client);
    pane.showJob(job);
    QVERIFY(queue().cancel(job.id));
    QVERIFY(pane.cancelButton()->isEnabled());
    QSignalSpy finished(&pane, &JobDetailPane::actionFinished);
    pane.cancelButton()->click();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWaitMs);
    QCOMPARE(finished.first().first().toBool(), false);
    QVERIFY(!pane.errorLabel()->isHidden());
    QVERIFY2(pane.errorLabel()->text().startsWith(u"InvalidJobState"_s), qPrintable(pane.errorLabel()->text()));
    QCOMPARE(coreState(job.id), JobState::Cancelled);
}

void TestJobsView::detailShowsTheAnswerBody()
{
    QVERIFY(!m_succeeded.isEmpty());
    const QString id = m_succeeded.first();
    JobDetailPane *pane = view()->detailPane();
    QSignalSpy answered(pane, &JobDetailPane::answerLoaded);
    QTRY_VERIFY(rowOf(id) >= 0);
    QVERIFY(view()->selectJob(id));
    QTRY_VERIFY_WITH_TIMEOUT(!answered.isEmpty() && pane->answerBody()->toPlainText().contains(u"prediction"_s),
                             kWaitMs);
    const auto stored = queue().result(id);
    QVERIFY2(stored, stored ? "" : UiTest::why(stored.error()).constData());
    const QString pretty =
        QString::fromUtf8(QJsonDocument::fromJson(stored->body).toJson(QJsonDocument::Indented)).trimmed();
    QVERIFY(!pretty.isEmpty());
    QCOMPARE(pane->answerBody()->toPlainText(), pretty);
    QVERIFY(pane->answerStatus()->text().startsWith(u"HTTP 200"_s));
    QCOMPARE(pane->field(u"jobState"_s)->text(), u"SUCCEEDED"_s);
    QCOMPARE(pane->field(u"jobRevision"_s)->text(), u"v1"_s);
    QVERIFY(pane->field(u"jobQueueTime"_s)->text() != u"–"_s);
    QVERIFY(pane->field(u"jobRunTime"_s)->text() != u"–"_s);
    QVERIFY(pane->findChild<QPlainTextEdit *>(u"jobRequest"_s)->toPlainText().startsWith(u"POST /predict"_s));
    QVERIFY(!pane->cancelButton()->isEnabled());
    QVERIFY(!pane->retryButton()->isEnabled());
}

void TestJobsView::dashboardAndDetailsShowTheBacklog()
{
    const int queued = queue().queuedCount(m_idle.id);
    QVERIFY(queued >= 2);
    QCOMPARE(queue().runningCount(m_idle.id), 0);
    EndpointListModel *endpoints = m_window->endpointModel();
    const auto queueCell = [endpoints](const Endpoint &e) {
        for (int row = 0; row < endpoints->rowCount(); ++row) {
            if (endpoints->index(row, 0).data(EndpointListModel::EndpointIdRole).toUuid() == e.id)
                return endpoints->index(row, EndpointListModel::Queue).data().toString();
        }
        return u"no row"_s;
    };
    QTRY_COMPARE_WITH_TIMEOUT(queueCell(m_idle), u"%1 + 0"_s.arg(queued), kWaitMs);
    QCOMPARE(queueCell(m_serving), QString());  // nothing waiting: empty
    // One more arrives: the column follows.
    submit(m_idle);
    QTRY_COMPARE_WITH_TIMEOUT(queueCell(m_idle), u"%1 + 0"_s.arg(queued + 1), kWaitMs);

    EndpointDetailView *detail = m_window->detailView();
    detail->endpointSelector()->setCurrentEndpoint(m_idle.id);
    m_window->showView(MainWindow::View::Detail);
    auto *line = detail->findChild<QLabel *>(u"detailJobs"_s);
    QVERIFY(line);
    QTRY_COMPARE(line->text(), u"Jobs: %1 queued, 0 running"_s.arg(queued + 1));
    // An endpoint's own job concurrency is named there; the default is not.
    ModifyEndpointRequest cap;
    cap.jobConcurrency = 2;
    QVERIFY(m_plane->service().modifyEndpoint(m_idle.name, cap));
    QTRY_COMPARE(line->text(), u"Jobs: %1 queued, 0 running, at most 2 at once"_s.arg(queued + 1));
    cap.jobConcurrency = 0;
    QVERIFY(m_plane->service().modifyEndpoint(m_idle.name, cap));
    QTRY_COMPARE(line->text(), u"Jobs: %1 queued, 0 running"_s.arg(queued + 1));
    auto *open = detail->findChild<QPushButton *>(u"detailOpenJobs"_s);
    QVERIFY(open);
    QSignalSpy loaded(view(), &JobsView::loaded);
    QTest::mouseClick(open, Qt::LeftButton);
    QCOMPARE(m_window->currentView(), MainWindow::View::Jobs);
    QCOMPARE(view()->endpointSelector()->currentEndpoint(), m_idle.id);
    QVERIFY(!loaded.isEmpty() || loaded.wait(kWaitMs));
    for (int row = 0; row < view()->jobModel()->rowCount(); ++row)
        QCOMPARE(view()->jobModel()->job(row).endpointId, m_idle.id);
    QVERIFY(view()->jobModel()->rowCount() >= queued + 1);
}

void TestJobsView::hiddenItWaitsAndCatchesUpWhenShown()
{
    if (!view()->endpointSelector()->currentEndpoint().isNull())
        QVERIFY(reloaded([this] { view()->endpointSelector()->setCurrentEndpoint(QUuid()); }));
    m_window->showView(MainWindow::View::Endpoints);
    QVERIFY(!view()->isVisible());
    // The plane shares this thread: a shown view would have the row by now.
    const Job job = submit(m_idle);
    QCOMPARE(rowOf(job.id), -1);
    QSignalSpy loaded(view(), &JobsView::loaded);
    QTest::keyClick(m_window.get(), Qt::Key_9, Qt::ControlModifier);
    QCOMPARE(m_window->currentView(), MainWindow::View::Jobs);
    QVERIFY(!loaded.isEmpty() || loaded.wait(kWaitMs));
    QVERIFY(rowOf(job.id) >= 0);
    QCOMPARE(stateShown(job.id), u"QUEUED"_s);
}

// "Queued in": jobs queued 10 minutes, 2 hours, 2 days and 10 days ago, each shown from the range
// that takes it in and not by the narrower ones. The view counts back from the wall clock, so
// the older jobs are submitted through a second queue on the plane's store whose clock stands in
// the past (the plane's own queue then reads its counts again).
void TestJobsView::queuedInFilterShowsOnlyThatRange()
{
    if (!view()->endpointSelector()->currentEndpoint().isNull())
        QVERIFY(reloaded([this] { view()->endpointSelector()->setCurrentEndpoint(QUuid()); }));
    selectState({});
    QTemporaryDir results;
    QVERIFY(results.isValid());
    ManualClock past;
    JobQueue backdated(m_plane->repository(), past, results.path());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QHash<QString, qint64> ageSeconds;  // job id -> how long ago it was queued
    for (const qint64 age : {qint64(10 * 60), qint64(2 * 3600), qint64(2 * 24 * 3600), qint64(10 * 24 * 3600)}) {
        past.set(now.addSecs(-age));
        JobRequest request;
        request.endpointId = m_idle.id;
        request.method = "POST";
        request.path = "/predict";
        request.body = kIrisBody;
        auto submitted = backdated.submit(request);
        QVERIFY2(submitted, submitted ? "" : UiTest::why(submitted.error()).constData());
        QCOMPARE(submitted->job.queuedAt, now.addSecs(-age));
        ageSeconds.insert(submitted->job.id, age);
    }
    QVERIFY(queue().recount());

    QComboBox *range = view()->rangeFilter();
    QCOMPARE(range->count(), 4);
    for (int index = 0; index < range->count(); ++index) {
        const qint64 seconds = range->itemData(index).toLongLong();  // 0: all time
        if (range->currentIndex() == index)
            QVERIFY(reloaded([this] { view()->reload(); }));
        else
            QVERIFY(reloaded([&] { range->setCurrentIndex(index); }));
        JobTableModel *model = view()->jobModel();
        for (auto it = ageSeconds.cbegin(); it != ageSeconds.cend(); ++it) {
            const bool inside = seconds == 0 || it.value() < seconds;
            QVERIFY2((rowOf(it.key()) >= 0) == inside,
                     qPrintable(u"%1: the job queued %2 s ago is %3"_s.arg(range->currentText())
                                    .arg(it.value())
                                    .arg(inside ? u"missing"_s : u"shown"_s)));
        }
        // No row of any other job is outside the range either.
        const QDateTime since = QDateTime::currentDateTimeUtc().addSecs(-seconds);
        for (int row = 0; seconds > 0 && row < model->rowCount(); ++row)
            QVERIFY2(model->job(row).queuedAt >= since.addSecs(-60), qPrintable(model->job(row).id));
    }

    // Back to the view's default range, and the old jobs out of the other tests' way.
    QVERIFY(reloaded([range] { range->setCurrentIndex(1); }));
    for (auto it = ageSeconds.cbegin(); it != ageSeconds.cend(); ++it)
        QVERIFY(queue().cancel(it.key()));
}

void TestJobsView::screenshot()
{
    // The whole queue (as the test before left it), a finished job selected with its answer.
    QCOMPARE(view()->endpointSelector()->currentEndpoint(), QUuid());
    view()->table()->clearSelection();
    QSignalSpy answered(view()->detailPane(), &JobDetailPane::answerLoaded);
    QVERIFY(view()->selectJob(m_succeeded.first()));
    QTRY_VERIFY_WITH_TIMEOUT(!answered.isEmpty(), kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(view()->stateCounts(), queue().stateCounts(), kWaitMs);
    const QString failed = UiTest::saveScreenshot(*m_window, u"jobs"_s);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
}

// Deleting an endpoint cancels its jobs; Retry on one is refused by the core, and the pane says
// why in place (the job stays CANCELLED).
void TestJobsView::retryOfADeletedEndpointsJobShowsWhy()
{
    const Endpoint gone = m_plane.createDemo(u"iris-gone"_s, true, 0);
    const Job job = submit(gone);
    QVERIFY2(m_plane->service().deleteEndpoint(gone.name), "delete endpoint");
    QTRY_COMPARE_WITH_TIMEOUT(coreState(job.id), JobState::Cancelled, kWaitMs);
    JobDetailPane pane(*m_client);
    pane.showJob(*queue().job(job.id));
    QVERIFY(pane.retryButton()->isEnabled());
    QSignalSpy finished(&pane, &JobDetailPane::actionFinished);
    QTest::mouseClick(pane.retryButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWaitMs);
    QCOMPARE(finished.first().first().toBool(), false);
    QVERIFY(!pane.errorLabel()->isHidden());
    QVERIFY2(pane.errorLabel()->text().startsWith(u"InvalidJobState"_s), qPrintable(pane.errorLabel()->text()));
    QVERIFY2(pane.errorLabel()->text().contains(u"was deleted"_s), qPrintable(pane.errorLabel()->text()));
    QCOMPARE(coreState(job.id), JobState::Cancelled);
    QCOMPARE(queue().queuedCount(gone.id), 0);
}

void TestJobsView::aConsoleThreadGetsJobChangesQueued()
{
    // As the console runs it: the plane on a control thread of its own, its job changes
    // re-emitted on this one.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ControlPlaneOptions options = UiTest::planeOptions(dir.path());
    options.signingKeyFromFile = true;
    ControlClient client;
    auto started = client.start(options);
    QVERIFY2(started, started ? "" : UiTest::why(started.error()).constData());
    QVERIFY(client.ownsThread());
    std::optional<Result<Job>> submitted;
    client.call(
        this,
        [](ControlPlane &plane) -> Result<Job> {
            CreateEndpointRequest r;
            r.name = u"threaded"_s;
            r.modelVersion = u"v1"_s;
            r.modelFolder = u"iris-v1"_s;
            r.replicas = 0;
            r.resourceSlots = ResourceSlots{0.5, qint64(256) << 20, 0};
            auto created = plane.service().createEndpoint(r);
            if (!created)
                return created.error();
            JobRequest request;
            request.endpointId = created->id;
            request.path = "/predict";
            request.body = kIrisBody;
            auto job = plane.jobs()->submit(request);
            if (!job)
                return job.error();
            return job->job;
        },
        [&submitted](Result<Job> job) { submitted = std::move(job); });
    QSignalSpy changed(&client, &ControlClient::jobChanged);
    QThread *receivedOn = nullptr;
    connect(&client, &ControlClient::jobChanged, this, [&receivedOn] { receivedOn = QThread::currentThread(); });
    QTRY_VERIFY_WITH_TIMEOUT(submitted.has_value(), kWaitMs);
    QVERIFY2(*submitted, submitted->ok() ? "" : UiTest::why(submitted->error()).constData());
    QTRY_VERIFY_WITH_TIMEOUT(!changed.isEmpty(), kWaitMs);
    const auto job = changed.first().first().value<Job>();
    QCOMPARE(job.id, (*submitted)->id);
    QCOMPARE(job.state, JobState::Queued);
    QCOMPARE(job.endpointName, u"threaded"_s);
    QCOMPARE(receivedOn, QThread::currentThread());
}

QTEST_MAIN(TestJobsView)
#include "test_jobsview.moc"
