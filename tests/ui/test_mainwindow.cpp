// The console window over a real, in-process control plane: the endpoint table, the search
// box, header sorting, and the screenshot the README shows.
#include <memory>

#include <QAbstractItemModelTester>
#include <QDir>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QPointer>
#include <QSettings>
#include <QTabWidget>
#include <QLineEdit>
#include <QSet>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStyle>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "plane/controlplane.h"
#include "service/modelservingservice.h"
#include "ui/autoscale/autoscaleview.h"
#include "ui/detail/endpointdetailview.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/common/endpointselector.h"
#include "ui/errors/errorbrowserview.h"
#include "ui/mainwindow.h"
#include "ui/common/prompt.h"
#include "ui/endpoints/scaledialog.h"
#include "ui/tokens/tokenview.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

using Column = EndpointListModel::Column;

// The size the README shows it at.
constexpr QSize kScreenshotSize(1100, 700);
// Layout and column sizing happen a few event-loop turns after a change, never seconds.
constexpr int kLayoutMs = 2000;

QByteArray why(const ServiceError &e)
{
    return (e.typeName() + u": "_s + e.message).toUtf8();
}

} // namespace

class TestMainWindow final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();

    void tableShowsEndpoints();
    void searchFiltersRows_data();
    void searchFiltersRows();
    void clearingSearchShowsAllAgain();
    void headerClickSorts_data();
    void headerClickSorts();
    void everyCellIsShownInFull();
    void screenshot();
    void newEndpointAppearsWithoutReload();
    void namesFitAfterSearchIsCleared();
    void shortcutsShowViews_data();
    void shortcutsShowViews();
    void findFocusesTheViewsSearch();
    void actionsNeedASelection();
    void selectionCarriesIntoTokensAndAutoscaling();
    void returnOpensTheDetails();
    void scaleDialogSetsReplicasOrSaysWhyNot();
    void deleteAsksFirstThenDeletes();
    void remembersGeometryAndView();

private:
    QStringList shownNames() const;
    QStringList cutOffCells(int onlyColumn = -1) const;
    void create(const QString &name, const QString &version, const QString &folder, int replicas, double cpu,
                const QString &memory, bool isPublic);

    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<ControlPlane> m_plane;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<QAbstractItemModelTester> m_sourceTester;
    std::unique_ptr<QAbstractItemModelTester> m_viewTester;
    QLineEdit *m_search = nullptr;
};

QStringList TestMainWindow::shownNames() const
{
    const QAbstractItemModel *model = m_window->endpointView()->model();
    QStringList names;
    for (int row = 0; row < model->rowCount(); ++row)
        names << model->index(row, Column::Name).data().toString();
    return names;
}

// Cells whose text the view cannot show in one line at the column's width: elided ("SCALED_TO_…")
// or wrapped ("sentiment-" over "analyzer"). The delegate keeps a focus-frame margin each side.
QStringList TestMainWindow::cutOffCells(int onlyColumn) const
{
    const QTableView *view = m_window->endpointView();
    const QAbstractItemModel *model = view->model();
    const int margin = view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, view) + 1;
    QStringList cut;
    for (int row = 0; row < model->rowCount(); ++row) {
        for (int column = 0; column < model->columnCount(); ++column) {
            if (onlyColumn >= 0 && column != onlyColumn)
                continue;
            const QModelIndex index = model->index(row, column);
            const QString text = index.data().toString();
            const int needed = view->fontMetrics().horizontalAdvance(text) + 2 * margin;
            const int width = view->visualRect(index).width();
            if (needed > width)
                cut << u"%1 in column %2 needs %3 px, has %4"_s.arg(text, model->headerData(column, Qt::Horizontal).toString())
                           .arg(needed)
                           .arg(width);
        }
    }
    return cut;
}

void TestMainWindow::create(const QString &name, const QString &version, const QString &folder, int replicas,
                            double cpu, const QString &memory, bool isPublic)
{
    CreateEndpointRequest r;
    r.name = name;
    r.modelVersion = version;
    r.modelFolder = folder;
    r.replicas = replicas;
    auto bytes = parseMemorySize(memory);
    QVERIFY(bytes);
    r.resourceSlots = ResourceSlots{cpu, *bytes, 0};
    r.isPublic = isPublic;
    auto created = m_plane->service().createEndpoint(r);
    QVERIFY2(created, created ? "" : why(created.error()).constData());
}

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    UiTest::clearSettings();
    QVERIFY2(!qEnvironmentVariableIsEmpty("SERVEDECK_SOURCE_DIR"), "SERVEDECK_SOURCE_DIR names the source tree");
    m_dataDir = std::make_unique<QTemporaryDir>(QDir::temp().filePath(u"servedeck-XXXXXX"_s));
    QVERIFY(m_dataDir->isValid());

    // The console's usual ports, so the status bar in the screenshot reads like a real one;
    // free ones when those are taken, as the console itself does.
    ControlPlaneOptions options;
    options.dataDir = m_dataDir->path();
    options.apiPort = 7470;
    options.proxyPort = 7480;
    options.fallBackToFreePorts = true;
    options.capacity = u"cpu=8,memory=16G"_s;
    // The model's and the window's behaviour, not the agent's: routes stay as the reconciler makes them.
    options.runReplicas = false;
    options.modelRoots = {QDir(qEnvironmentVariable("SERVEDECK_SOURCE_DIR")).filePath(u"resources/models"_s)};
    m_plane = std::make_unique<ControlPlane>();
    auto started = m_plane->start(options);
    QVERIFY2(started, started ? "" : why(started.error()).constData());

    create(u"sentiment-analyzer"_s, u"v1.0"_s, u"iris-v1"_s, 2, 2, u"4G"_s, false);
    create(u"iris-classifier"_s, u"v1"_s, u"iris-v1"_s, 1, 1, u"256M"_s, true);
    create(u"fraud-detector"_s, u"v3"_s, u"iris-v2"_s, 1, 1, u"2G"_s, false);
    QVERIFY(m_plane->service().scaleReplicas(u"fraud-detector"_s, 0));

    m_window = std::make_unique<MainWindow>(*m_plane);
    m_sourceTester = std::make_unique<QAbstractItemModelTester>(m_window->endpointModel(),
                                                                QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_viewTester = std::make_unique<QAbstractItemModelTester>(m_window->endpointView()->model(),
                                                              QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_search = m_window->findChild<QLineEdit *>(u"endpointSearch"_s);
    QVERIFY2(m_search, "the window has a search box");
    QCOMPARE(m_search, m_window->endpointSearch());
    QCOMPARE(m_window->currentView(), MainWindow::View::Endpoints);
    m_window->resize(kScreenshotSize);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
}

void TestMainWindow::cleanup()
{
    // Dialogs that closed may have left the window inactive; shortcuts need it active.
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    m_window->showView(MainWindow::View::Endpoints);
    m_search->clear();
    m_window->endpointView()->sortByColumn(Column::Name, Qt::AscendingOrder);
}

void TestMainWindow::cleanupTestCase()
{
    m_viewTester.reset();
    m_sourceTester.reset();
    m_window.reset();
    m_plane.reset();
    m_dataDir.reset();
}

void TestMainWindow::tableShowsEndpoints()
{
    QTableView *view = m_window->endpointView();
    QVERIFY(view->isVisible());
    QCOMPARE(view->model()->rowCount(), 3);
    // Sorted by name from the start.
    QCOMPARE(shownNames(), (QStringList{u"fraud-detector"_s, u"iris-classifier"_s, u"sentiment-analyzer"_s}));
    QCOMPARE(view->model()->columnCount(), int(EndpointListModel::ColumnCount));
    QCOMPARE(view->model()->headerData(Column::Status, Qt::Horizontal).toString(), u"Status"_s);

    const QAbstractItemModel *model = view->model();
    QCOMPARE(model->index(0, Column::Status).data().toString(), u"SCALED_TO_ZERO"_s);
    QCOMPARE(model->index(2, Column::Status).data().toString(), u"PROVISIONING"_s);
    QCOMPARE(model->index(2, Column::Version).data().toString(), u"v1.0"_s);
    QCOMPARE(model->index(2, Column::Healthy).data().toString(), u"0 / 2"_s);
    QVERIFY(model->index(2, Column::Url).data().toString().endsWith(u"/sentiment-analyzer"_s));
    // Every row is laid out in the visible viewport, not scrolled away.
    for (int row = 0; row < model->rowCount(); ++row)
        QVERIFY(view->viewport()->rect().intersects(view->visualRect(model->index(row, Column::Name))));
}

void TestMainWindow::searchFiltersRows_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("by name") << u"iris"_s << QStringList{u"iris-classifier"_s};
    QTest::newRow("any case") << u"SENTIMENT"_s << QStringList{u"sentiment-analyzer"_s};
    QTest::newRow("by part of a name") << u"-detect"_s << QStringList{u"fraud-detector"_s};
    QTest::newRow("by version") << u"v1.0"_s << QStringList{u"sentiment-analyzer"_s};
    QTest::newRow("by status") << u"provisioning"_s << QStringList{u"iris-classifier"_s, u"sentiment-analyzer"_s};
    QTest::newRow("by status, scaled to zero") << u"scaled_to"_s << QStringList{u"fraud-detector"_s};
    QTest::newRow("no match") << u"nothing-like-this"_s << QStringList{};
}

void TestMainWindow::searchFiltersRows()
{
    QFETCH(QString, typed);
    QFETCH(QStringList, expected);

    m_search->setFocus();
    QTest::keyClicks(m_search, typed);
    QCOMPARE(m_search->text(), typed);
    QTRY_COMPARE(shownNames(), expected);
}

void TestMainWindow::clearingSearchShowsAllAgain()
{
    QTest::keyClicks(m_search, u"iris"_s);
    QTRY_COMPARE(shownNames().size(), 1);
    m_search->selectAll();
    QTest::keyClick(m_search, Qt::Key_Backspace);
    QTRY_COMPARE(shownNames().size(), 3);
}

void TestMainWindow::headerClickSorts_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<int>("clicks");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("desired, ascending") << int(Column::Replicas) << 1
                                        << QStringList{u"fraud-detector"_s, u"iris-classifier"_s, u"sentiment-analyzer"_s};
    QTest::newRow("desired, descending") << int(Column::Replicas) << 2
                                         << QStringList{u"sentiment-analyzer"_s, u"iris-classifier"_s, u"fraud-detector"_s};
    QTest::newRow("version, ascending") << int(Column::Version) << 1
                                        << QStringList{u"iris-classifier"_s, u"sentiment-analyzer"_s, u"fraud-detector"_s};
    QTest::newRow("name, descending") << int(Column::Name) << 1
                                      << QStringList{u"sentiment-analyzer"_s, u"iris-classifier"_s, u"fraud-detector"_s};
}

void TestMainWindow::headerClickSorts()
{
    QFETCH(int, column);
    QFETCH(int, clicks);
    QFETCH(QStringList, expected);

    QHeaderView *header = m_window->endpointView()->horizontalHeader();
    QVERIFY(header->isSortIndicatorShown());
    const QPoint centre(header->sectionViewportPosition(column) + header->sectionSize(column) / 2, header->height() / 2);
    for (int i = 0; i < clicks; ++i)
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, centre);
    QTRY_COMPARE(header->sortIndicatorSection(), column);
    QTRY_COMPARE(shownNames(), expected);
}

void TestMainWindow::everyCellIsShownInFull()
{
    // At the window's normal size an operator reads every status and name without hovering.
    QTRY_VERIFY2_WITH_TIMEOUT(cutOffCells().isEmpty(), qPrintable(cutOffCells().join(u"; "_s)), kLayoutMs);
}

void TestMainWindow::screenshot()
{
    QCOMPARE(shownNames(), (QStringList{u"fraud-detector"_s, u"iris-classifier"_s, u"sentiment-analyzer"_s}));
    m_window->endpointView()->clearSelection();
    // Once the first sample is in, the load columns read as figures, not dashes.
    QTRY_VERIFY(m_window->endpointView()->model()->index(0, Column::RequestsPerSecond).data().toString() != u"–"_s);
    QCOMPARE(m_window->size(), kScreenshotSize);
    const QString failed = UiTest::saveScreenshot(*m_window, u"main-window"_s);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    // What it shows: the three endpoints by name, the public one's replicas.
    const QAbstractItemModel *model = m_window->endpointView()->model();
    QCOMPARE(model->index(1, Column::Name).data().toString(), u"iris-classifier"_s);
    QCOMPARE(model->index(1, Column::Replicas).data().toString(), u"1"_s);
}

void TestMainWindow::newEndpointAppearsWithoutReload()
{
    QSignalSpy reset(m_window->endpointModel(), &QAbstractItemModel::modelReset);
    QTest::keyClicks(m_search, u"classifier"_s);
    QTRY_COMPARE(shownNames(), QStringList{u"iris-classifier"_s});

    create(u"image-classifier"_s, u"v2"_s, u"iris-v2"_s, 1, 1, u"1G"_s, false);
    // It matches the search, so it shows; sorted by name, it goes first.
    QTRY_COMPARE(shownNames(), (QStringList{u"image-classifier"_s, u"iris-classifier"_s}));
    QCOMPARE(reset.count(), 0);

    // Deleted, drained by the reconciler, TERMINATED: its row goes, the other stays.
    QVERIFY(m_plane->service().deleteEndpoint(u"image-classifier"_s));
    QTRY_COMPARE(shownNames(), QStringList{u"iris-classifier"_s});
    QCOMPARE(reset.count(), 0);
    m_search->clear();
    QTRY_COMPARE(shownNames(), (QStringList{u"fraud-detector"_s, u"iris-classifier"_s, u"sentiment-analyzer"_s}));
}

void TestMainWindow::namesFitAfterSearchIsCleared()
{
    // Endpoints come and go while a search hides the longer names; once the search is cleared
    // the Name column must again fit every name, not keep the width of the filtered few.
    QTest::keyClicks(m_search, u"classifier"_s);
    QTRY_COMPARE(shownNames(), QStringList{u"iris-classifier"_s});
    create(u"text-classifier"_s, u"v1"_s, u"iris-v1"_s, 1, 1, u"512M"_s, false);
    QTRY_COMPARE(shownNames(), (QStringList{u"iris-classifier"_s, u"text-classifier"_s}));
    QVERIFY(m_plane->service().deleteEndpoint(u"text-classifier"_s));
    QTRY_COMPARE(shownNames(), QStringList{u"iris-classifier"_s});

    m_search->clear();
    QTRY_COMPARE(shownNames().size(), 3);
    QTRY_VERIFY2_WITH_TIMEOUT(cutOffCells(Column::Name).isEmpty(), qPrintable(cutOffCells(Column::Name).join(u"; "_s)),
                              kLayoutMs);
}

void TestMainWindow::shortcutsShowViews_data()
{
    QTest::addColumn<int>("key");
    QTest::addColumn<int>("view");
    QTest::newRow("Ctrl+2 errors") << int(Qt::Key_2) << int(MainWindow::View::Errors);
    QTest::newRow("Ctrl+3 tokens") << int(Qt::Key_3) << int(MainWindow::View::Tokens);
    QTest::newRow("Ctrl+4 autoscaling") << int(Qt::Key_4) << int(MainWindow::View::Autoscaling);
    QTest::newRow("Ctrl+5 details") << int(Qt::Key_5) << int(MainWindow::View::Detail);
    QTest::newRow("Ctrl+6 agents") << int(Qt::Key_6) << int(MainWindow::View::Agents);
    QTest::newRow("Ctrl+1 endpoints") << int(Qt::Key_1) << int(MainWindow::View::Endpoints);
}

void TestMainWindow::shortcutsShowViews()
{
    QFETCH(int, key);
    QFETCH(int, view);
    // From a view other than the target, with focus in a field of it.
    m_window->showView(view == int(MainWindow::View::Tokens) ? MainWindow::View::Errors : MainWindow::View::Tokens);
    QTest::keyClick(m_window.get(), Qt::Key(key), Qt::ControlModifier);
    QCOMPARE(int(m_window->currentView()), view);
    QVERIFY(m_window->views()->currentWidget()->isVisible());
}

void TestMainWindow::findFocusesTheViewsSearch()
{
    m_window->showView(MainWindow::View::Errors);
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(m_window->errorBrowser()->searchField()->hasFocus());
    // Views without a search of their own find endpoints.
    m_window->showView(MainWindow::View::Tokens);
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    QCOMPARE(m_window->currentView(), MainWindow::View::Endpoints);
    QTRY_VERIFY(m_search->hasFocus());
}

void TestMainWindow::actionsNeedASelection()
{
    m_window->endpointView()->clearSelection();
    QVERIFY(!m_window->scaleAction()->isEnabled());
    QVERIFY(!m_window->deleteAction()->isEnabled());
    QVERIFY(m_window->newEndpointAction()->isEnabled());
    m_window->endpointView()->selectRow(0);
    QVERIFY(m_window->scaleAction()->isEnabled());
    QVERIFY(m_window->deleteAction()->isEnabled());
    // A search that hides every row leaves nothing selected, and nothing to act on.
    QTest::keyClicks(m_search, u"no-such-endpoint"_s);
    QTRY_COMPARE(shownNames(), QStringList());
    QVERIFY(m_window->selectedEndpoint().isNull());
    QVERIFY(!m_window->scaleAction()->isEnabled());
    QVERIFY(!m_window->deleteAction()->isEnabled());
}

void TestMainWindow::selectionCarriesIntoTokensAndAutoscaling()
{
    const int row = int(shownNames().indexOf(u"sentiment-analyzer"_s));
    m_window->endpointView()->selectRow(row);
    const QUuid id = m_window->selectedEndpoint();
    QVERIFY(!id.isNull());
    QCOMPARE(m_window->tokenView()->endpointSelector()->currentEndpoint(), id);
    QCOMPARE(m_window->autoscaleView()->endpointSelector()->currentEndpoint(), id);
    QCOMPARE(m_window->autoscaleView()->endpointSelector()->currentText(), u"sentiment-analyzer"_s);
    QCOMPARE(m_window->detailView()->endpointSelector()->currentEndpoint(), id);
}

void TestMainWindow::returnOpensTheDetails()
{
    const int row = int(shownNames().indexOf(u"iris-classifier"_s));
    QTableView *view = m_window->endpointView();
    view->selectRow(row);
    view->setFocus();
    QTRY_VERIFY(view->hasFocus());
    QTest::keyClick(view, Qt::Key_Return);
    QCOMPARE(m_window->currentView(), MainWindow::View::Detail);
    QCOMPARE(m_window->detailView()->endpointSelector()->currentText(), u"iris-classifier"_s);
    // Return in the search box does not leave the table's tab.
    m_window->showView(MainWindow::View::Endpoints);
    m_search->setFocus();
    QTest::keyClick(m_search, Qt::Key_Return);
    QCOMPARE(m_window->currentView(), MainWindow::View::Endpoints);
}

void TestMainWindow::scaleDialogSetsReplicasOrSaysWhyNot()
{
    m_window->endpointView()->selectRow(int(shownNames().indexOf(u"iris-classifier"_s)));
    m_window->scaleAction()->trigger();
    QPointer<ScaleDialog> dialog = m_window->findChild<ScaleDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QCOMPARE(dialog->replicasBox()->value(), 1);

    // 8 CPUs, 5 taken by the others and this one: 100 replicas do not fit, and it says so.
    dialog->replicasBox()->setValue(100);
    QSignalSpy answered(dialog.data(), &ScaleDialog::answered);
    dialog->apply();
    QTRY_COMPARE(answered.count(), 1);
    QCOMPARE(answered.first().first().toBool(), false);
    auto *error = dialog->findChild<QLabel *>(u"scaleError"_s);
    QVERIFY(error && error->isVisible());
    QVERIFY2(error->text().startsWith(u"ResourceLimitExceeded"_s), qPrintable(error->text()));

    dialog->replicasBox()->setValue(2);
    QVERIFY(!error->isVisible());
    dialog->apply();
    QTRY_VERIFY(!dialog);
    auto info = m_plane->service().endpointInfo(u"iris-classifier"_s);
    QVERIFY(info);
    QCOMPARE(info->endpoint.replicas, 2);
    const QAbstractItemModel *model = m_window->endpointView()->model();
    QTRY_COMPARE(model->index(int(shownNames().indexOf(u"iris-classifier"_s)), Column::Replicas).data().toInt(), 2);
    QVERIFY(m_plane->service().scaleReplicas(u"iris-classifier"_s, 1));
}

void TestMainWindow::deleteAsksFirstThenDeletes()
{
    create(u"doomed"_s, u"v1"_s, u"iris-v1"_s, 1, 1, u"256M"_s, false);
    QTRY_VERIFY(shownNames().contains(u"doomed"_s));
    QTableView *view = m_window->endpointView();
    view->selectRow(int(shownNames().indexOf(u"doomed"_s)));
    view->setFocus();
    QTRY_VERIFY(view->hasFocus());

    Prompt::setNextConfirmation(false);
    QTest::keyClick(view, Qt::Key_Delete);
    auto kept = m_plane->service().endpointInfo(u"doomed"_s);
    QVERIFY(kept);
    QVERIFY(kept->endpoint.isLive());

    Prompt::setNextConfirmation(true);
    QTest::keyClick(view, Qt::Key_Delete);
    QTRY_VERIFY(!shownNames().contains(u"doomed"_s));
    QCOMPARE(shownNames(), (QStringList{u"fraud-detector"_s, u"iris-classifier"_s, u"sentiment-analyzer"_s}));

    // Del in the search box edits the search; it deletes no endpoint.
    view->selectRow(0);
    m_search->setText(u"x"_s);
    m_search->setFocus();
    m_search->setCursorPosition(0);
    QTest::keyClick(m_search, Qt::Key_Delete);
    QCOMPARE(m_search->text(), QString());
    QCOMPARE(shownNames().size(), 3);
}

void TestMainWindow::remembersGeometryAndView()
{
    {
        MainWindow first(*m_plane);
        first.resize(1100, 650);
        first.show();
        QVERIFY(QTest::qWaitForWindowExposed(&first));
        first.showView(MainWindow::View::Tokens);
        first.close();
    }
    // In the test location, not the user's own settings.
    const QSettings settings(u"ServeDeck"_s, UiTest::settingsApplication());
    QVERIFY2(settings.fileName().contains(u"qttest"_s), qPrintable(settings.fileName()));
    QVERIFY2(settings.fileName().contains(u"test_mainwindow"_s), qPrintable(settings.fileName()));
    QCOMPARE(settings.value(u"mainWindow/view"_s).toString(), u"tokens"_s);

    MainWindow second(*m_plane);
    QCOMPARE(second.currentView(), MainWindow::View::Tokens);
    QCOMPARE(second.size(), QSize(1100, 650));
    UiTest::clearSettings();
}

QTEST_MAIN(TestMainWindow)
#include "test_mainwindow.moc"
