// Settings: language and theme chosen in the dialog apply at once to the open window (every
// tab, menu and chart retranslated; the palette and the charts' theme follow) and are
// remembered. The Korean translation is the shipped servedeck_ko.ts, compiled for this test.
#include <memory>

#include <QApplication>
#include <QChart>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTreeView>

#include "jobs/jobqueue.h"
#include "ui/agents/agentlistmodel.h"
#include "ui/agents/agentsview.h"
#include "ui/common/appearance.h"
#include "ui/detail/endpointdetailview.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/common/endpointselector.h"
#include "ui/mainwindow.h"
#include "ui/common/settingsdialog.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

class TestSettingsDialog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void languageSwitchRetranslatesTheWindow();
    void backToEnglish();
    void themeSwitchesThePalette_data();
    void themeSwitchesThePalette();
    void systemThemeRestoresTheStartingLook();
    void retentionIsShownAndApplied();
    void databaseIsCheckedAndKeptForTheNextStart();
    void jobsPerReplicaIsKeptForTheNextStart();

private:
    SettingsDialog *openSettings();
    QString tab(MainWindow::View view) const { return m_window->views()->tabText(int(view)); }

    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<ControlPlane> m_plane;
    std::unique_ptr<MainWindow> m_window;
    Endpoint m_endpoint;
    QString m_startStyle;
    QColor m_startWindow;
};

void TestSettingsDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    UiTest::clearSettings();
    m_startStyle = QApplication::style()->name();
    m_startWindow = QApplication::palette().color(QPalette::Window);
    m_dataDir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dataDir->isValid());
    m_plane = std::make_unique<ControlPlane>();
    auto started = m_plane->start(UiTest::planeOptions(m_dataDir->path()));
    QVERIFY2(started, started ? "" : UiTest::why(started.error()).constData());
    ModelServingService &service = m_plane->service();
    UiTest::create(service, u"iris-classifier"_s);
    // A canary rollout in progress: v1 on two routes, v2 on one taking a tenth, all reported
    // HEALTHY as an agent would (this plane runs no replicas).
    m_endpoint = UiTest::create(service, u"fraud-detector"_s, u"iris-v1"_s, 2);
    QTRY_COMPARE(service.endpointInfo(m_endpoint.name)->routes.size(), 2);
    ModifyEndpointRequest canary;
    canary.modelVersion = u"v2"_s;
    canary.modelFolder = u"iris-v2"_s;
    canary.strategy = RolloutStrategy::Canary;
    canary.canaryWeight = 10;
    QVERIFY(service.modifyEndpoint(m_endpoint.name, canary));
    QTRY_COMPARE(service.endpointInfo(m_endpoint.name)->routes.size(), 3);
    QList<QUuid> routes;
    QList<RouteWeight> split;
    const auto info = service.endpointInfo(m_endpoint.name);  // named: the loop must not outlive it
    for (const Route &r : info->routes) {
        QVERIFY(service.updateRouteState(r.id, RouteStatus::Healthy, u"local:%1:0"_s.arg(routes.size()), u"local"_s));
        split.append({r.id, r.revisionId == info->endpoint.currentRevisionId ? 45 : 10});
        routes << r.id;
    }
    QVERIFY(service.updateRoutes(m_endpoint.name, split));

    m_window = std::make_unique<MainWindow>(*m_plane);
    m_window->resize(1100, 700);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QCOMPARE(tab(MainWindow::View::Endpoints), u"Endpoints"_s);
    // A quarter hour of its load to draw (in either theme), replayed: no test waits that long.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    UiTest::replay(*m_window->metricsHistory(), m_endpoint.id, routes, now - 15 * 60 * 1000, now);
}

void TestSettingsDialog::cleanupTestCase()
{
    m_window.reset();
    m_plane.reset();
    UiTest::clearSettings();
}

SettingsDialog *TestSettingsDialog::openSettings()
{
    m_window->settingsAction()->trigger();
    auto *dialog = m_window->findChild<SettingsDialog *>();
    return dialog && QTest::qWaitForWindowExposed(dialog) ? dialog : nullptr;
}

void TestSettingsDialog::languageSwitchRetranslatesTheWindow()
{
    m_window->selectEndpoint(m_endpoint.id);
    m_window->showView(MainWindow::View::Agents);
    m_window->endpointSearch()->setText(u"fraud"_s);
    SettingsDialog *dialog = openSettings();
    QVERIFY(dialog);
    QCOMPARE(dialog->windowTitle(), u"Settings"_s);

    dialog->languageBox()->setCurrentIndex(int(Appearance::Language::Korean));
    QVERIFY(!dialog->errorLabel()->isVisible());
    // Every tab, menu and header the window shows, in Korean, without a restart.
    QTRY_COMPARE(tab(MainWindow::View::Endpoints), u"엔드포인트"_s);
    QCOMPARE(tab(MainWindow::View::Detail), u"상세"_s);
    QCOMPARE(tab(MainWindow::View::Agents), u"에이전트"_s);
    QCOMPARE(m_window->menuBar()->actions().first()->text(), u"엔드포인트(&E)"_s);
    QCOMPARE(m_window->endpointView()->model()->headerData(EndpointListModel::RequestsPerSecond, Qt::Horizontal).toString(),
             u"요청/초"_s);
    QCOMPARE(m_window->agentsView()->agentModel()->headerData(AgentListModel::Cores, Qt::Horizontal).toString(),
             u"CPU 코어"_s);
    QCOMPARE(m_window->detailView()->charts().at(0)->title(), u"레플리카"_s);
    QCOMPARE(m_window->endpointSearch()->placeholderText(), u"엔드포인트 검색"_s);
    // Where the operator was stays: the view, the selection, the search.
    QCOMPARE(m_window->currentView(), MainWindow::View::Agents);
    QCOMPARE(m_window->selectedEndpoint(), m_endpoint.id);
    QCOMPARE(m_window->endpointSearch()->text(), u"fraud"_s);
    QCOMPARE(m_window->detailView()->endpointSelector()->currentEndpoint(), m_endpoint.id);
    // The dialog too.
    QCOMPARE(dialog->windowTitle(), u"설정"_s);
    // Remembered for the next start.
    QCOMPARE(Appearance::language(), Appearance::Language::Korean);
    QCOMPARE(QSettings(u"ServeDeck"_s, UiTest::settingsApplication()).value(u"appearance/language"_s).toString(), u"ko"_s);
    m_window->showView(MainWindow::View::Detail);
    const QString failed = UiTest::saveScreenshot(*m_window, u"settings-switched-to-korean"_s);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
}

void TestSettingsDialog::backToEnglish()
{
    SettingsDialog *dialog = openSettings();
    QVERIFY(dialog);
    dialog->languageBox()->setCurrentIndex(int(Appearance::Language::English));
    QTRY_COMPARE(tab(MainWindow::View::Endpoints), u"Endpoints"_s);
    QCOMPARE(tab(MainWindow::View::Detail), u"Details"_s);
    QCOMPARE(m_window->detailView()->charts().at(0)->title(), u"Replicas"_s);
    QCOMPARE(dialog->windowTitle(), u"Settings"_s);
    QCOMPARE(Appearance::language(), Appearance::Language::English);
    // The system default: no translator of the console's own; nothing installed here, so English.
    // From Korean, so that the texts checked have to change back.
    dialog->languageBox()->setCurrentIndex(int(Appearance::Language::Korean));
    QTRY_COMPARE(tab(MainWindow::View::Endpoints), u"엔드포인트"_s);
    QCOMPARE(dialog->windowTitle(), u"설정"_s);
    dialog->languageBox()->setCurrentIndex(int(Appearance::Language::System));
    QTRY_COMPARE(tab(MainWindow::View::Endpoints), u"Endpoints"_s);
    QCOMPARE(tab(MainWindow::View::Detail), u"Details"_s);
    QCOMPARE(m_window->detailView()->charts().at(0)->title(), u"Replicas"_s);
    QCOMPARE(dialog->windowTitle(), u"Settings"_s);
    QCOMPARE(Appearance::language(), Appearance::Language::System);
    dialog->close();
}

void TestSettingsDialog::themeSwitchesThePalette_data()
{
    QTest::addColumn<int>("theme");
    QTest::addColumn<bool>("dark");
    QTest::addColumn<QString>("stored");
    QTest::addColumn<QString>("screenshot");
    QTest::newRow("dark") << int(Appearance::Theme::Dark) << true << u"dark"_s << u"endpoint-detail-dark"_s;
    QTest::newRow("light") << int(Appearance::Theme::Light) << false << u"light"_s << u"endpoint-detail-light"_s;
}

void TestSettingsDialog::themeSwitchesThePalette()
{
    QFETCH(int, theme);
    QFETCH(bool, dark);
    QFETCH(QString, stored);
    QFETCH(QString, screenshot);
    SettingsDialog *dialog = openSettings();
    QVERIFY(dialog);
    dialog->themeBox()->setCurrentIndex(theme);
    QCOMPARE(Appearance::isDark(QApplication::palette()), dark);
    QCOMPARE(QApplication::style()->name(), u"fusion"_s);
    QCOMPARE(QSettings(u"ServeDeck"_s, UiTest::settingsApplication()).value(u"appearance/theme"_s).toString(), stored);
    dialog->close();
    m_window->showView(MainWindow::View::Detail);
    m_window->detailView()->endpointSelector()->setCurrentEndpoint(m_endpoint.id);
    m_window->detailView()->setRange(EndpointDetailView::Range::FifteenMinutes);
    // The charts follow the palette: their background is the window's base colour.
    QTRY_COMPARE(Appearance::isDark(m_window->detailView()->palette()), dark);
    QTRY_COMPARE(m_window->detailView()->charts().at(0)->backgroundBrush().color(),
                 m_window->detailView()->palette().color(QPalette::Base));
    m_window->detailView()->refreshNow();
    const QString failed = UiTest::saveScreenshot(*m_window, screenshot);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
}

void TestSettingsDialog::systemThemeRestoresTheStartingLook()
{
    SettingsDialog *dialog = openSettings();
    QVERIFY(dialog);
    // From Dark, whose look differs from the starting one (Light may not: Fusion is the default
    // here), so that what is checked has to change.
    dialog->themeBox()->setCurrentIndex(int(Appearance::Theme::Dark));
    QTRY_VERIFY(Appearance::isDark(m_window->detailView()->palette()));
    QVERIFY(QApplication::palette().color(QPalette::Window) != m_startWindow);
    const QColor darkBase = m_window->detailView()->palette().color(QPalette::Base);
    QTRY_COMPARE(m_window->detailView()->charts().at(0)->backgroundBrush().color(), darkBase);

    dialog->themeBox()->setCurrentIndex(int(Appearance::Theme::System));
    QCOMPARE(QApplication::style()->name(), m_startStyle);
    QCOMPARE(QApplication::palette().color(QPalette::Window), m_startWindow);
    QCOMPARE(Appearance::theme(), Appearance::Theme::System);
    QCOMPARE(QSettings(u"ServeDeck"_s, UiTest::settingsApplication()).value(u"appearance/theme"_s).toString(), u"system"_s);
    // The open window follows: its palette and its charts leave the dark look.
    QTRY_COMPARE(m_window->detailView()->palette().color(QPalette::Window), m_startWindow);
    QVERIFY(!Appearance::isDark(m_window->detailView()->palette()));
    const QColor base = m_window->detailView()->palette().color(QPalette::Base);
    QVERIFY(base != darkBase);
    QTRY_COMPARE(m_window->detailView()->charts().at(0)->backgroundBrush().color(), base);
    dialog->close();
}

// The plane's errors and scale-events retention: shown as stored, changed by Apply, and an
// out-of-range one refused with the service's error (the spin boxes bound it; the plane decides).
void TestSettingsDialog::retentionIsShownAndApplied()
{
    SettingsDialog *dialog = openSettings();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->retentionDaysBox()->isEnabled());
    QCOMPARE(dialog->retentionDaysBox()->value(), 30);
    QCOMPARE(dialog->retentionRowsBox()->value(), 10000);

    dialog->retentionDaysBox()->setValue(7);
    dialog->retentionRowsBox()->setValue(2000);
    dialog->retentionApplyButton()->click();
    QTRY_COMPARE(m_plane->service().historyRetention().maxAgeDays, 7);
    QCOMPARE(m_plane->service().historyRetention().maxRowsPerEndpoint, 2000);
    QVERIFY(!dialog->retentionErrorLabel()->isVisible());
    dialog->close();
}

// The Database field: a location the next start would refuse, or one with a password (the settings
// file is plain text), is shown as an error and not kept; a good one is kept, empty goes back to SQLite.
void TestSettingsDialog::databaseIsCheckedAndKeptForTheNextStart()
{
    SettingsDialog *dialog = openSettings();
    QVERIFY(dialog);
    QCOMPARE(dialog->databaseEdit()->text(), QString());
    const auto enter = [dialog](const QString &text) {
        dialog->databaseEdit()->setText(text);
        Q_EMIT dialog->databaseEdit()->editingFinished();
    };

    const QString good = u"postgresql://servedeck@db.example:5433/plane?sslmode=require"_s;
    enter(good);
    QVERIFY(dialog->databaseErrorLabel()->isHidden());
    QCOMPARE(SettingsDialog::storedDatabase(), good);

    for (const QString &bad : {u"mysql://db.example/plane"_s, u"postgresql://db.example/"_s,
                               u"postgresql://db.example/plane?options=-c%20x"_s,
                               u"postgresql://servedeck:secret@db.example/plane"_s}) {
        enter(bad);
        QVERIFY2(!dialog->databaseErrorLabel()->isHidden(), qPrintable(bad));
        QVERIFY(!dialog->databaseErrorLabel()->text().isEmpty());
        QCOMPARE(SettingsDialog::storedDatabase(), good);  // the last good one stays
    }

    enter(QString());
    QVERIFY(dialog->databaseErrorLabel()->isHidden());
    QCOMPARE(SettingsDialog::storedDatabase(), QString());
    dialog->close();
}

// Jobs per replica: typed in, kept for the next start (a running plane keeps its limit), and a
// plane started as the console starts one runs its queue with it; a hand-edited value out of
// range reads as the default.
void TestSettingsDialog::jobsPerReplicaIsKeptForTheNextStart()
{
    SettingsDialog *dialog = openSettings();
    QVERIFY(dialog);
    QSpinBox *jobs = dialog->jobConcurrencyBox();
    QCOMPARE(jobs->value(), 4);
    QCOMPARE(SettingsDialog::jobConcurrencySetting(), 4);
    QCOMPARE(jobs->maximum(), 256);
    jobs->setFocus();
    jobs->selectAll();
    QTest::keyClicks(jobs, u"2"_s);
    QCOMPARE(jobs->value(), 2);
    QCOMPARE(SettingsDialog::jobConcurrencySetting(), 2);
    const QString failed = UiTest::saveScreenshot(*dialog, u"settings-jobs-per-replica"_s);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    dialog->close();

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ControlPlaneOptions options = UiTest::planeOptions(dir.path());
    options.jobConcurrencyPerReplica = SettingsDialog::jobConcurrencySetting();  // as the console's start
    ControlPlane next;
    auto started = next.start(options);
    QVERIFY2(started, started ? "" : UiTest::why(started.error()).constData());
    QVERIFY(next.jobs());
    QCOMPARE(next.jobs()->limits().perReplicaConcurrency, 2);

    QSettings(u"ServeDeck"_s, QCoreApplication::applicationName()).setValue(u"jobs/concurrencyPerReplica"_s, 900);
    QCOMPARE(SettingsDialog::jobConcurrencySetting(), 4);
}

QTEST_MAIN(TestSettingsDialog)
#include "test_settingsdialog.moc"
