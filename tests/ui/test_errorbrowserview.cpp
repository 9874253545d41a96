// The error browser over a real, in-process control plane: errors recorded through the service
// appear live, filter by endpoint, type, time and text to exact counts, show their exit status
// and log tail, and clear after a confirmation.
#include <memory>

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QFontInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTextDocument>
#include <QTest>

#include "ui/common/endpointselector.h"
#include "ui/errors/errorbrowserview.h"
#include "ui/errors/errorfiltermodel.h"
#include "ui/errors/errorlistmodel.h"
#include "ui/mainwindow.h"
#include "ui/common/prompt.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr QSize kScreenshotSize(1100, 700);

struct Seed
{
    QString endpoint;
    QString type;
    qint64 minutesAgo;
    std::optional<int> exitCode;
    std::optional<int> signal;
    QString message;
    QString logTail;
};

const QList<Seed> kSeeds{
    {u"alpha"_s, u"OOMKilled"_s, 10, 137, 9, u"replica exceeded its memory limit of 1 GiB"_s,
     u"loading weights from /models/iris.csv\nallocating 1.4 GiB for the batch cache\nKilled"_s},
    {u"alpha"_s, u"OOMKilled"_s, 30, 137, 9, u"replica exceeded its memory limit of 1 GiB"_s,
     u"CUDA_VISIBLE_DEVICES=\nwarming up 4 workers\nKilled"_s},
    {u"alpha"_s, u"OOMKilled"_s, 180, std::nullopt, 9, u"replica exceeded its memory limit of 1 GiB"_s, {}},
    {u"alpha"_s, u"CrashLoop"_s, 5, 1, std::nullopt, u"restarted 5 times within 60 s; backing off"_s,
     u"Traceback (most recent call last):\nValueError: bad model header"_s},
    {u"alpha"_s, u"StartFailed"_s, 2 * 24 * 60, 127, std::nullopt, u"servedeck-model-server: command not found"_s, {}},
    {u"beta"_s, u"OOMKilled"_s, 20, std::nullopt, 9, u"replica exceeded its memory limit of 1 GiB"_s, u"Killed"_s},
    {u"beta"_s, u"HealthCheckFailed"_s, 1, std::nullopt, std::nullopt, u"GET /health answered 503 three times"_s, {}},
};

} // namespace

class TestErrorBrowserView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();

    void listsEveryRecordedErrorNewestFirst();
    void filters_data();
    void filters();
    void typeFilterOffersKnownKinds();
    void detailShowsExitStatusAndLogTail_data();
    void detailShowsExitStatusAndLogTail();
    void newErrorAppearsLive();
    void screenshot();
    void clearAsksFirst();
    void clearRemovesOnlyThatEndpoint();
    void oldestRowsGoPastTheCap();
    void agentTextShowsAsPlainText();

private:
    ModelServingService &service() { return m_plane->service(); }
    ErrorBrowserView *browser() const { return m_window->errorBrowser(); }
    void filter(const QString &type, const QString &endpoint, int range, const QString &text);
    void selectFirstRow();
    ErrorRecord record(const Seed &seed) const;

    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<ControlPlane> m_plane;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<QAbstractItemModelTester> m_modelTester;
    std::unique_ptr<QAbstractItemModelTester> m_filterTester;
    QHash<QString, QUuid> m_ids;
};

ErrorRecord TestErrorBrowserView::record(const Seed &seed) const
{
    ErrorRecord r;
    r.time = QDateTime::currentDateTimeUtc().addSecs(-60 * seed.minutesAgo);
    r.endpointId = m_ids.value(seed.endpoint);
    r.routeId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    r.replicaId = seed.endpoint + u"-r1"_s;
    r.agentId = u"local"_s;
    r.type = seed.type;
    r.message = seed.message;
    r.exitCode = seed.exitCode;
    r.signal = seed.signal;
    r.logTail = seed.logTail;
    return r;
}

void TestErrorBrowserView::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    UiTest::clearSettings();
    QVERIFY2(!qEnvironmentVariableIsEmpty("SERVEDECK_SOURCE_DIR"), "SERVEDECK_SOURCE_DIR names the source tree");
    m_dataDir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dataDir->isValid());
    m_plane = std::make_unique<ControlPlane>();
    auto started = m_plane->start(UiTest::planeOptions(m_dataDir->path()));
    QVERIFY2(started, started ? "" : UiTest::why(started.error()).constData());
    for (const QString &name : {u"alpha"_s, u"beta"_s})
        m_ids.insert(name, UiTest::create(service(), name).id);
    // Oldest first, as they would have happened.
    QList<Seed> seeds = kSeeds;
    std::sort(seeds.begin(), seeds.end(), [](const Seed &a, const Seed &b) { return a.minutesAgo > b.minutesAgo; });
    for (const Seed &seed : seeds)
        QVERIFY(service().recordError(record(seed)));

    m_window = std::make_unique<MainWindow>(*m_plane);
    m_modelTester = std::make_unique<QAbstractItemModelTester>(browser()->errorModel(),
                                                               QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_filterTester = std::make_unique<QAbstractItemModelTester>(browser()->filterModel(),
                                                                QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_window->showView(MainWindow::View::Errors);
    m_window->resize(kScreenshotSize);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestErrorBrowserView::cleanupTestCase()
{
    m_filterTester.reset();
    m_modelTester.reset();
    m_window.reset();
    m_plane.reset();
    m_dataDir.reset();
}

void TestErrorBrowserView::cleanup()
{
    filter({}, {}, 0, {});
}

void TestErrorBrowserView::filter(const QString &type, const QString &endpoint, int range, const QString &text)
{
    QComboBox *types = browser()->typeFilter();
    types->setCurrentIndex(types->findData(type));
    EndpointSelector *endpoints = browser()->endpointSelector();
    endpoints->setCurrentEndpoint(m_ids.value(endpoint));
    browser()->rangeFilter()->setCurrentIndex(range);
    QLineEdit *search = browser()->searchField();
    search->clear();
    QTest::keyClicks(search, text);
}

void TestErrorBrowserView::selectFirstRow()
{
    QTableView *table = browser()->table();
    const QModelIndex first = table->model()->index(0, ErrorListModel::Message);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(first).center());
    QCOMPARE(table->selectionModel()->selectedRows().size(), 1);
}

void TestErrorBrowserView::listsEveryRecordedErrorNewestFirst()
{
    ErrorListModel *model = browser()->errorModel();
    QCOMPARE(model->rowCount(), int(kSeeds.size()));
    QCOMPARE(model->columnCount(), int(ErrorListModel::ColumnCount));
    // Newest first: the health check a minute ago, then the crash loop.
    QCOMPARE(model->index(0, ErrorListModel::Type).data().toString(), u"HealthCheckFailed"_s);
    QCOMPARE(model->index(0, ErrorListModel::Endpoint).data().toString(), u"beta"_s);
    QCOMPARE(model->index(1, ErrorListModel::Type).data().toString(), u"CrashLoop"_s);
    QCOMPARE(model->index(1, ErrorListModel::Exit).data().toString(), u"exit 1"_s);
    QCOMPARE(model->index(1, ErrorListModel::Replica).data().toString(), u"alpha-r1"_s);
    QCOMPARE(model->index(1, ErrorListModel::Agent).data().toString(), u"local"_s);
    QCOMPARE(model->headerData(ErrorListModel::Type, Qt::Horizontal).toString(), u"Type"_s);
    // The table shows them newest first too.
    const QAbstractItemModel *shown = browser()->table()->model();
    QCOMPARE(shown->index(0, ErrorListModel::Type).data().toString(), u"HealthCheckFailed"_s);
    QCOMPARE(m_window->views()->tabText(int(MainWindow::View::Errors)), u"Errors (7)"_s);
}

void TestErrorBrowserView::filters_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("endpoint");
    QTest::addColumn<int>("range");
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("expected");

    QTest::newRow("everything") << QString() << QString() << 0 << QString() << 7;
    QTest::newRow("OOMKilled") << u"OOMKilled"_s << QString() << 0 << QString() << 4;
    QTest::newRow("OOMKilled on alpha") << u"OOMKilled"_s << u"alpha"_s << 0 << QString() << 3;
    QTest::newRow("OOMKilled on alpha, last hour") << u"OOMKilled"_s << u"alpha"_s << 1 << QString() << 2;
    QTest::newRow("OOMKilled, last day") << u"OOMKilled"_s << QString() << 2 << QString() << 4;
    QTest::newRow("last hour") << QString() << QString() << 1 << QString() << 5;
    QTest::newRow("last day") << QString() << QString() << 2 << QString() << 6;
    QTest::newRow("beta") << QString() << u"beta"_s << 0 << QString() << 2;
    QTest::newRow("StartFailed on beta") << u"StartFailed"_s << u"beta"_s << 0 << QString() << 0;
    QTest::newRow("text in a message") << QString() << QString() << 0 << u"503"_s << 1;
    QTest::newRow("text only in a log tail") << QString() << QString() << 0 << u"cuda_visible"_s << 1;
    QTest::newRow("text and type") << u"OOMKilled"_s << QString() << 0 << u"killed"_s << 4;
    QTest::newRow("text, no match") << QString() << QString() << 0 << u"nothing like it"_s << 0;
}

void TestErrorBrowserView::filters()
{
    QFETCH(QString, type);
    QFETCH(QString, endpoint);
    QFETCH(int, range);
    QFETCH(QString, text);
    QFETCH(int, expected);

    filter(type, endpoint, range, text);
    QCOMPARE(browser()->table()->model()->rowCount(), expected);
    for (int row = 0; row < expected; ++row) {
        const QModelIndex index = browser()->table()->model()->index(row, 0);
        if (!type.isEmpty())
            QCOMPARE(index.data(ErrorListModel::TypeRole).toString(), type);
        if (!endpoint.isEmpty())
            QCOMPARE(index.siblingAtColumn(ErrorListModel::Endpoint).data().toString(), endpoint);
    }
}

void TestErrorBrowserView::typeFilterOffersKnownKinds()
{
    QComboBox *types = browser()->typeFilter();
    QCOMPARE(types->count(), int(knownErrorKinds().size()) + 1);
    for (const QString &kind : knownErrorKinds())
        QVERIFY2(types->findData(kind) > 0, qPrintable(kind));
}

void TestErrorBrowserView::detailShowsExitStatusAndLogTail_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("endpoint");
    QTest::addColumn<QString>("exitStatus");
    QTest::addColumn<QString>("logTail");

    QTest::newRow("killed by a signal") << u"OOMKilled"_s << u"alpha"_s << u"SIGKILL (9)"_s << kSeeds.at(0).logTail;
    QTest::newRow("exit code") << u"CrashLoop"_s << u"alpha"_s << u"exit 1"_s << kSeeds.at(3).logTail;
    QTest::newRow("neither") << u"HealthCheckFailed"_s << u"beta"_s << u"none recorded"_s << QString();
}

void TestErrorBrowserView::detailShowsExitStatusAndLogTail()
{
    QFETCH(QString, type);
    QFETCH(QString, endpoint);
    QFETCH(QString, exitStatus);
    QFETCH(QString, logTail);

    filter(type, endpoint, 0, {});
    selectFirstRow();
    auto *exit = browser()->findChild<QLabel *>(u"exitStatus"_s);
    QVERIFY(exit);
    QCOMPARE(exit->text(), exitStatus);
    QPlainTextEdit *log = browser()->logTail();
    QVERIFY(log->isVisible());
    QVERIFY(log->isReadOnly());
    QCOMPARE(log->toPlainText(), logTail);
    QVERIFY2(log->font().fixedPitch() || QFontInfo(log->font()).fixedPitch(), "the log tail is monospace");
}

void TestErrorBrowserView::newErrorAppearsLive()
{
    filter(u"OOMKilled"_s, u"alpha"_s, 1, {});
    QCOMPARE(browser()->table()->model()->rowCount(), 2);
    QSignalSpy resets(browser()->errorModel(), &QAbstractItemModel::modelReset);

    ErrorRecord fresh = record(kSeeds.at(0));
    fresh.time = {};  // the service stamps it
    fresh.logTail = u"fresh out of memory"_s;
    QVERIFY(service().recordError(fresh));
    QTRY_COMPARE(browser()->table()->model()->rowCount(), 3);
    QCOMPARE(browser()->errorModel()->rowCount(), int(kSeeds.size()) + 1);
    QCOMPARE(browser()->errorModel()->index(0, ErrorListModel::Time).data(ErrorListModel::LogTailRole).toString(),
             u"fresh out of memory"_s);
    QCOMPARE(m_window->views()->tabText(int(MainWindow::View::Errors)), u"Errors (8)"_s);
    // One that does not match the filter counts in the model, not in the table.
    ErrorRecord other = record(kSeeds.at(6));
    other.time = {};
    QVERIFY(service().recordError(other));
    QCOMPARE(browser()->table()->model()->rowCount(), 3);
    QCOMPARE(browser()->errorModel()->rowCount(), int(kSeeds.size()) + 2);
    QCOMPARE(resets.count(), 0);
}

void TestErrorBrowserView::screenshot()
{
    filter({}, {}, 0, {});
    QTableView *table = browser()->table();
    // The OOMKilled of ten minutes ago, with a log tail worth showing.
    for (int row = 0; row < table->model()->rowCount(); ++row) {
        const QModelIndex index = table->model()->index(row, 0);
        if (index.data(ErrorListModel::LogTailRole).toString() == kSeeds.at(0).logTail) {
            table->selectRow(row);
            break;
        }
    }
    QCOMPARE(browser()->logTail()->toPlainText(), kSeeds.at(0).logTail);
    QCOMPARE(m_window->size(), kScreenshotSize);
    const QString failed = UiTest::saveScreenshot(*m_window, u"errors"_s);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    // What it shows: every error unfiltered, the OOMKilled one selected.
    QVERIFY(browser()->errorModel()->rowCount() > 0);
    QCOMPARE(browser()->filterModel()->rowCount(), browser()->errorModel()->rowCount());
    const QModelIndexList selected = table->selectionModel()->selectedRows();
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.first().data(ErrorListModel::LogTailRole).toString(), kSeeds.at(0).logTail);
}

void TestErrorBrowserView::clearAsksFirst()
{
    filter({}, u"alpha"_s, 0, {});
    const int before = browser()->errorModel()->rowCount();
    Prompt::setNextConfirmation(false);
    browser()->clearAction()->trigger();
    QCOMPARE(browser()->errorModel()->rowCount(), before);
    auto stored = service().listErrors(u"alpha"_s, 100);
    QVERIFY(stored);
    QCOMPARE(stored->size(), 6);  // five seeded, one recorded live
}

void TestErrorBrowserView::clearRemovesOnlyThatEndpoint()
{
    filter({}, u"alpha"_s, 0, {});
    QSignalSpy resets(browser()->errorModel(), &QAbstractItemModel::modelReset);
    Prompt::setNextConfirmation(true);
    browser()->clearAction()->trigger();
    QTRY_COMPARE(browser()->table()->model()->rowCount(), 0);
    auto alpha = service().listErrors(u"alpha"_s, 100);
    QVERIFY(alpha);
    QCOMPARE(alpha->size(), 0);
    // beta's errors (two seeded, one recorded live) stay, in the model and in the store.
    QCOMPARE(browser()->errorModel()->rowCount(), 3);
    auto beta = service().listErrors(u"beta"_s, 100);
    QVERIFY(beta);
    QCOMPARE(beta->size(), 3);
    for (int row = 0; row < 3; ++row)
        QCOMPARE(browser()->errorModel()->index(row, ErrorListModel::Endpoint).data().toString(), u"beta"_s);
    QCOMPARE(resets.count(), 0);
    QCOMPARE(m_window->views()->tabText(int(MainWindow::View::Errors)), u"Errors (3)"_s);
}

void TestErrorBrowserView::oldestRowsGoPastTheCap()
{
    ErrorListModel *model = browser()->errorModel();
    const int extra = ErrorListModel::MaxRows - model->rowCount() + 5;
    for (int i = 0; i < extra; ++i) {
        ErrorRecord r = record(kSeeds.at(6));
        r.time = {};
        r.message = u"burst %1"_s.arg(i);
        QVERIFY(service().recordError(r));
    }
    QCOMPARE(model->rowCount(), ErrorListModel::MaxRows);
    QCOMPARE(model->index(0, ErrorListModel::Message).data().toString(), u"burst %1"_s.arg(extra - 1));
    // The earlier errors were the oldest: they went first, then the first few of the burst.
    QCOMPARE(model->index(model->rowCount() - 1, ErrorListModel::Message).data().toString(),
             u"burst %1"_s.arg(extra - ErrorListModel::MaxRows));
}

// Messages, agent ids and log tails come from agents and replicas: markup in them is shown as
// the characters it is, never rendered (no bold, no image fetched, no link).
void TestErrorBrowserView::agentTextShowsAsPlainText()
{
    const QString hostile = u"<b>x</b><img src=\"file:///etc/passwd\"><a href=\"http://evil\">y</a>"_s;
    ErrorRecord r = record(kSeeds.at(6));
    r.time = {};
    r.message = hostile;
    r.agentId = u"agent-"_s + hostile;
    r.replicaId = u"replica-"_s + hostile;
    r.logTail = hostile + u"\n"_s + hostile;
    QVERIFY(service().recordError(r));
    filter({}, {}, 0, u"evil"_s);
    QTRY_COMPARE(browser()->table()->model()->rowCount(), 1);
    selectFirstRow();

    int shown = 0;
    for (const QLabel *label : browser()->findChildren<QLabel *>()) {
        if (!label->text().contains(u"<b>x</b>"_s))
            continue;
        ++shown;
        QVERIFY2(label->textFormat() == Qt::PlainText, qPrintable(label->objectName() + u": "_s + label->text()));
    }
    QCOMPARE(shown, 3);  // the message, the agent, where (the replica)
    QCOMPARE(browser()->logTail()->toPlainText(), r.logTail);

    // A tooltip is rendered as rich text when it looks like it: it must read back as the literal message.
    const QModelIndex message = browser()->table()->model()->index(0, ErrorListModel::Message);
    QCOMPARE(message.data().toString(), hostile);
    const QString tip = message.data(Qt::ToolTipRole).toString();
    QTextDocument rendered;
    if (Qt::mightBeRichText(tip))
        rendered.setHtml(tip);
    else
        rendered.setPlainText(tip);
    QCOMPARE(rendered.toPlainText(), hostile);
}

QTEST_MAIN(TestErrorBrowserView)
#include "test_errorbrowserview.moc"
