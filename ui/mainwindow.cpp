#include "mainwindow.h"

#include <QAction>
#include <QCloseEvent>
#include <QComboBox>
#include <QCoreApplication>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QRegularExpression>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

#include "ui/agents/agentsview.h"
#include "plane/controlclient.h"
#include "ui/common/appearance.h"
#include "ui/autoscale/autoscaleview.h"
#include "ui/endpoints/createendpointdialog.h"
#include "domain/clock.h"
#include "ui/detail/endpointdetailview.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/common/endpointselector.h"
#include "ui/errors/errorbrowserview.h"
#include "ui/errors/errorlistmodel.h"
#include "ui/metrics/metricshistory.h"
#include "ui/common/prompt.h"
#include "ui/endpoints/modifyendpointdialog.h"
#include "ui/endpoints/scaledialog.h"
#include "service/modelservingservice.h"
#include "ui/common/settingsdialog.h"
#include "ui/plane/planestatuslabel.h"
#include "ui/metrics/sparklinedelegate.h"
#include "ui/common/tablecolumns.h"
#include "ui/common/theme.h"
#include "ui/demo/demodialog.h"
#include "demo/productversion.h"
#include "ui/loadtest/loadtestview.h"
#include "ui/tokens/tokenview.h"
#include "ui/trylab/simulatorpanel.h"
#include "ui/trylab/trypanel.h"
#include "notify/notificationtypes.h"
#include "ui/errors/errorfiltermodel.h"
#include "ui/notify/desktopnotifier.h"
#include "ui/notify/trayicon.h"
#include "ui/usage/usageview.h"
#include "ui/jobs/jobsview.h"

namespace ServeDeck {

namespace {

constexpr QSize kDefaultSize(1100, 700);
const QString kGeometryKey = QStringLiteral("mainWindow/geometry");
const QString kViewKey = QStringLiteral("mainWindow/view");

// Stored by name, not index, so a reordered or added tab does not open the wrong view.
const QStringList kViewNames{QStringLiteral("endpoints"), QStringLiteral("errors"),   QStringLiteral("tokens"),
                             QStringLiteral("autoscaling"), QStringLiteral("detail"), QStringLiteral("agents"),
                             QStringLiteral("loadtest"), QStringLiteral("usage"), QStringLiteral("jobs")};

// The organization the console runs under (guicommand.cpp), named here so a window built without
// that QApplication set-up still finds its settings. The application name is the running
// program's ("servedeck"), so each test program keeps settings of its own.
const QString kOrganization = QStringLiteral("ServeDeck");

// The search matches what an operator reads as the endpoint's identity, not the load figures,
// which change every half second and would make rows flicker in and out of a search for "1".
class EndpointFilterModel final : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override
    {
        const QRegularExpression &pattern = filterRegularExpression();
        for (const int column : {EndpointListModel::Name, EndpointListModel::Version, EndpointListModel::Status,
                                 EndpointListModel::Url}) {
            if (sourceModel()->index(row, column, parent).data().toString().contains(pattern))
                return true;
        }
        return false;
    }
};

} // namespace

MainWindow::MainWindow(ControlClient &client, QWidget *parent)
    : QMainWindow(parent)
    , m_client(client)
    , m_model(new EndpointListModel(client, this))
    , m_history(new MetricsHistory(&client, *m_model, this))
{
    // The remembered language and theme first, so the texts below are made in that language.
    Appearance::restore();
    m_model->setHistory(m_history);
    // A new endpoint's row comes after the answer that created it: it is selected on arrival,
    // queued so that the search's filter model has the row by then.
    connect(
        m_model, &QAbstractItemModel::rowsInserted, this,
        [this] {
            if (!m_pendingSelection.isNull())
                selectEndpoint(m_pendingSelection);
        },
        Qt::QueuedConnection);
    buildUi();
    restoreSettings();

    // Notifications: the tray where the desktop has one, the desktop notifier on the session bus.
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_trayIcon = new TrayIcon(*m_model, this);
        connect(m_trayIcon, &TrayIcon::showWindowRequested, this, [this] {
            setWindowState(windowState() & ~Qt::WindowMinimized);
            show();
            raise();
            activateWindow();
        });
        connect(m_trayIcon, &TrayIcon::openRequested, this, &MainWindow::openEvent);
        connect(m_trayIcon, &TrayIcon::settingsRequested, this, &MainWindow::openNotificationSettings);
        connect(m_trayIcon, &TrayIcon::quitRequested, this, &QWidget::close);
    }
    createDesktopNotifier(new DesktopNotifier(this));
    connect(&m_client, &ControlClient::notificationRaised, this, [this](const NotificationEvent &event) {
        m_desktopNotifier->show(event);
        if (m_trayIcon)
            m_trayIcon->remember(event);
    });
}

MainWindow::MainWindow(ControlPlane &plane, QWidget *parent)
    : MainWindow(*new ControlClient(plane), parent)
{
    m_client.setParent(this);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildUi()
{
    delete m_actionOwner;
    m_actionOwner = new QObject(this);
    setMenuBar(new QMenuBar(this));
    setStatusBar(new QStatusBar(this));
    setWindowTitle(tr("ServeDeck"));
    createActions();

    ControlClient &client = m_client;
    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_errors = new ErrorBrowserView(client, *m_model, Clock::system(), m_tabs);
    m_tokens = new TokenView(client, *m_model, Clock::system(), m_tabs);
    m_autoscale = new AutoscaleView(client, *m_model, m_tabs);
    m_detail = new EndpointDetailView(client, *m_model, *m_history, m_tabs);
    m_agents = new AgentsView(client, *m_model, *m_history, m_tabs);
    m_loadTest = new LoadTestView(client, *m_model, m_tabs);
    m_usage = new UsageView(client, *m_model, m_tabs);
    m_tabs->addTab(createEndpointsPage(m_tabs), tr("Endpoints"));
    m_tabs->addTab(m_errors, tr("Errors"));
    m_tabs->addTab(m_tokens, tr("Tokens"));
    m_tabs->addTab(m_autoscale, tr("Autoscaling"));
    m_tabs->addTab(m_detail, tr("Details"));
    m_tabs->addTab(m_agents, tr("Agents"));
    m_tabs->addTab(m_loadTest, tr("Load test"));
    m_tabs->addTab(m_usage, tr("Usage"));
    // Jobs (issue 17): the queue, and Details' "Open in Jobs" leading there.
    m_jobs = new JobsView(client, *m_model, m_tabs);
    m_tabs->addTab(m_jobs, tr("Jobs"));
    connect(m_detail, &EndpointDetailView::jobsRequested, this, &MainWindow::openJobs);
    connect(m_detail, &EndpointDetailView::tryRequested, this, &MainWindow::tryEndpoint);
    connect(m_detail, &EndpointDetailView::simulateRequested, this, &MainWindow::simulateEndpoint);
    for (int i = 0; i < m_tabs->count(); ++i)
        m_tabs->setTabToolTip(i, QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)).toString(QKeySequence::NativeText));
    // The old tabs go with setCentralWidget; they are deleted once this event is handled.
    setCentralWidget(m_tabs);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] { saveSettings(); });

    connect(m_errors->errorModel(), &QAbstractItemModel::rowsInserted, this, &MainWindow::updateErrorTab);
    connect(m_errors->errorModel(), &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateErrorTab);
    connect(m_errors->errorModel(), &QAbstractItemModel::modelReset, this, &MainWindow::updateErrorTab);
    updateErrorTab();
    // An error opened from a notification before its record was in the view is selected on arrival.
    connect(m_errors->errorModel(), &QAbstractItemModel::rowsInserted, this, &MainWindow::selectPendingError);
    connect(m_errors->errorModel(), &QAbstractItemModel::modelReset, this, &MainWindow::selectPendingError);

    const PlaneFacts &facts = m_client.facts();
    const QString api = facts.apiAddress.isEmpty() ? tr("off") : facts.apiAddress;
    statusBar()->addWidget(new QLabel(tr("Data: %1").arg(facts.dataDir), statusBar()));
    statusBar()->addPermanentWidget(new QLabel(tr("API %1 · Proxy %2").arg(api, facts.proxyAddress), statusBar()));
    // Who leads a shared plane (issue 18); hidden on a console of its own.
    statusBar()->addPermanentWidget(new PlaneStatusLabel(m_client, statusBar()));
}

void MainWindow::changeEvent(QEvent *event)
{
    // Installing one translator and removing another sends two of these; one rebuild follows both.
    if (event->type() == QEvent::LanguageChange && !m_retranslatePending) {
        m_retranslatePending = true;
        QMetaObject::invokeMethod(this, &MainWindow::retranslate, Qt::QueuedConnection);
    }
    QMainWindow::changeEvent(event);
}

void MainWindow::retranslate()
{
    m_retranslatePending = false;
    // A translator that changes nothing this window says (the one installed at start-up for
    // the language it was built in) costs no rebuild.
    if (m_tabs && m_tabs->tabText(int(View::Endpoints)) == tr("Endpoints"))
        return;
    const View view = currentView();
    const QUuid selected = selectedEndpoint();
    const QString search = m_search->text();
    const QByteArray geometry = saveGeometry();
    // Each per-endpoint view may show another endpoint than the table's selection.
    const QUuid tokens = m_tokens->endpointSelector()->currentEndpoint();
    const QUuid autoscale = m_autoscale->endpointSelector()->currentEndpoint();
    const QUuid detail = m_detail->endpointSelector()->currentEndpoint();
    const QUuid loadTest = m_loadTest->endpointSelector()->currentEndpoint();
    const QUuid jobs = m_jobs->endpointSelector()->currentEndpoint();
    buildUi();
    {
        const QSignalBlocker quiet(m_tabs);
        showView(view);
    }
    m_search->setText(search);
    selectEndpoint(selected);
    m_tokens->endpointSelector()->setCurrentEndpoint(tokens);
    m_autoscale->endpointSelector()->setCurrentEndpoint(autoscale);
    m_detail->endpointSelector()->setCurrentEndpoint(detail);
    m_loadTest->endpointSelector()->setCurrentEndpoint(loadTest);
    m_jobs->endpointSelector()->setCurrentEndpoint(jobs);
    restoreGeometry(geometry);
}

QWidget *MainWindow::createEndpointsPage(QWidget *parent)
{
    auto *page = new QWidget(parent);
    m_filter = new EndpointFilterModel(page);
    m_search = new QLineEdit(page);
    m_view = new QTableView(page);
    m_endpointError = new QLabel(page);
    m_filter->setSourceModel(m_model);
    m_filter->setSortRole(EndpointListModel::SortRole);
    m_filter->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setFilterKeyColumn(-1);

    m_search->setObjectName(QStringLiteral("endpointSearch"));
    m_search->setPlaceholderText(tr("Search endpoints"));
    m_search->setClearButtonEnabled(true);
    connect(m_search, &QLineEdit::textChanged, m_filter, &QSortFilterProxyModel::setFilterFixedString);

    m_view->setModel(m_filter);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(EndpointListModel::Name, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setItemDelegateForColumn(EndpointListModel::Activity, new SparklineDelegate(m_view));
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    // Columns fit what the filter shows now: a name or status is never clipped, also after a
    // search that hid the long ones is cleared.
    fitColumnsToContents(m_view);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &MainWindow::selectionChanged);
    // A filter that hides the selected row leaves nothing selected; the actions follow.
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, &MainWindow::selectionChanged);
    connect(m_view, &QTableView::doubleClicked, this, &MainWindow::scaleSelected);

    // Del deletes and Return opens the details only where they cannot mean editing text: in the table.
    m_deleteAction->setShortcutContext(Qt::WidgetShortcut);
    m_view->addAction(m_deleteAction);
    m_detailAction->setShortcutContext(Qt::WidgetShortcut);
    m_view->addAction(m_detailAction);

    auto *toolBar = new QToolBar(page);
    toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolBar->addAction(m_newAction);
    toolBar->addAction(m_scaleAction);
    toolBar->addAction(m_modifyAction);
    toolBar->addAction(m_deleteAction);
    toolBar->addAction(m_detailAction);
    toolBar->addSeparator();
    toolBar->addWidget(m_search);

    m_endpointError->setObjectName(QStringLiteral("endpointError"));
    m_endpointError->setStyleSheet(Theme::textStyle(Theme::Role::Error));
    m_endpointError->setWordWrap(true);
    m_endpointError->hide();

    auto *layout = new QVBoxLayout(page);
    layout->addWidget(toolBar);
    layout->addWidget(m_endpointError);
    layout->addWidget(m_view);
    selectionChanged();
    return page;
}

void MainWindow::createActions()
{
    QObject *owner = m_actionOwner;
    m_newAction = new QAction(tr("New…"), owner);
    m_newAction->setShortcut(QKeySequence::New);
    m_newAction->setToolTip(tr("Deploy a new endpoint (%1)").arg(m_newAction->shortcut().toString(QKeySequence::NativeText)));
    connect(m_newAction, &QAction::triggered, this, &MainWindow::newEndpoint);
    m_scaleAction = new QAction(tr("Scale…"), owner);
    m_scaleAction->setToolTip(tr("Set the selected endpoint's replicas"));
    connect(m_scaleAction, &QAction::triggered, this, &MainWindow::scaleSelected);
    m_modifyAction = new QAction(tr("Modify…"), owner);
    m_modifyAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_modifyAction->setToolTip(tr("Change the selected endpoint's version, resources, replicas or visibility"));
    connect(m_modifyAction, &QAction::triggered, this, &MainWindow::modifySelected);
    m_deleteAction = new QAction(tr("Delete…"), owner);
    m_deleteAction->setShortcut(QKeySequence::Delete);
    m_deleteAction->setToolTip(tr("Delete the selected endpoint (Del)"));
    connect(m_deleteAction, &QAction::triggered, this, &MainWindow::deleteSelected);
    m_detailAction = new QAction(tr("Details"), owner);
    m_detailAction->setShortcut(QKeySequence(Qt::Key_Return));
    m_detailAction->setToolTip(tr("Charts and traffic split of the selected endpoint (Return)"));
    connect(m_detailAction, &QAction::triggered, this, &MainWindow::showDetails);
    m_tryAction = new QAction(tr("Try…"), owner);
    m_tryAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    m_tryAction->setToolTip(tr("Send the selected endpoint a request and see its answer"));
    connect(m_tryAction, &QAction::triggered, this, [this] { tryEndpoint(selectedEndpoint()); });
    m_simulateAction = new QAction(tr("Simulate traffic…"), owner);
    m_simulateAction->setToolTip(tr("Drive the selected endpoint with a traffic pattern until stopped"));
    connect(m_simulateAction, &QAction::triggered, this, [this] { simulateEndpoint(selectedEndpoint()); });
    m_settingsAction = new QAction(tr("Preferences…"), owner);
    m_settingsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    m_settingsAction->setMenuRole(QAction::PreferencesRole);
    connect(m_settingsAction, &QAction::triggered, this, &MainWindow::openSettings);

    auto *find = new QAction(tr("Find"), owner);
    find->setShortcut(QKeySequence::Find);
    connect(find, &QAction::triggered, this, &MainWindow::focusSearch);
    auto *quit = new QAction(tr("Quit"), owner);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu *endpointMenu = menuBar()->addMenu(tr("&Endpoint"));
    endpointMenu->addAction(m_newAction);
    endpointMenu->addAction(m_scaleAction);
    endpointMenu->addAction(m_modifyAction);
    endpointMenu->addAction(m_deleteAction);
    endpointMenu->addAction(m_detailAction);
    endpointMenu->addAction(m_tryAction);
    endpointMenu->addAction(m_simulateAction);
    endpointMenu->addSeparator();
    endpointMenu->addAction(quit);
    QMenu *viewMenu = menuBar()->addMenu(tr("&View"));
    const QStringList titles{tr("Endpoints"), tr("Errors"), tr("Tokens"), tr("Autoscaling"), tr("Details"), tr("Agents"),
                             tr("Load test"), tr("Usage"), tr("Jobs")};
    for (int i = 0; i < titles.size(); ++i) {
        auto *show = new QAction(titles.at(i), owner);
        show->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        connect(show, &QAction::triggered, this, [this, i] { showView(View(i)); });
        viewMenu->addAction(show);
        addAction(show);
    }
    viewMenu->addSeparator();
    viewMenu->addAction(find);
    QMenu *settingsMenu = menuBar()->addMenu(tr("&Settings"));
    settingsMenu->addAction(m_settingsAction);
    QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->addAction(tr("Demo…"), this, [this] {
        auto *demo = new DemoDialog(m_client, this);
        demo->setAttribute(Qt::WA_DeleteOnClose);
        demo->show();
    });
    QAction *about = helpMenu->addAction(tr("About ServeDeck"), this, [this] {
        QMessageBox::about(this, tr("About ServeDeck"),
                           tr("ServeDeck %1\nA console and server for model serving.\nQt %2")
                               .arg(productVersion(), QString::fromLatin1(qVersion())));
    });
    about->setMenuRole(QAction::AboutRole);
    // On the window too, so the shortcuts work in every view even where no menu bar is shown.
    addAction(m_newAction);
    addAction(find);
    addAction(m_settingsAction);
    addAction(quit);
}

MainWindow::View MainWindow::currentView() const
{
    return View(m_tabs->currentIndex());
}

void MainWindow::showView(View view)
{
    m_tabs->setCurrentIndex(int(view));
}

QUuid MainWindow::selectedEndpoint() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.size() == 1 ? rows.first().data(EndpointListModel::EndpointIdRole).toUuid() : QUuid();
}

void MainWindow::selectEndpoint(const QUuid &id)
{
    const QUuid wanted = id;  // a copy: id may be m_pendingSelection itself
    m_pendingSelection = QUuid();
    for (int row = 0; row < m_filter->rowCount(); ++row) {
        if (m_filter->index(row, 0).data(EndpointListModel::EndpointIdRole).toUuid() == wanted) {
            m_view->selectRow(row);
            return;
        }
    }
    m_pendingSelection = wanted;
}

void MainWindow::selectionChanged()
{
    const QUuid id = selectedEndpoint();
    m_scaleAction->setEnabled(!id.isNull());
    m_modifyAction->setEnabled(!id.isNull());
    m_deleteAction->setEnabled(!id.isNull());
    m_detailAction->setEnabled(!id.isNull());
    m_tryAction->setEnabled(!id.isNull());
    m_simulateAction->setEnabled(!id.isNull());
    if (id.isNull())
        return;
    // The per-endpoint views follow the endpoint the operator works on.
    m_tokens->endpointSelector()->setCurrentEndpoint(id);
    m_autoscale->endpointSelector()->setCurrentEndpoint(id);
    m_detail->endpointSelector()->setCurrentEndpoint(id);
    m_loadTest->endpointSelector()->setCurrentEndpoint(id);
}

void MainWindow::showDetails()
{
    const QUuid id = selectedEndpoint();
    if (id.isNull())
        return;
    m_detail->endpointSelector()->setCurrentEndpoint(id);
    showView(View::Detail);
}

void MainWindow::openJobs(const QUuid &endpointId)
{
    m_jobs->showEndpoint(endpointId);
    showView(View::Jobs);
}

TryPanel *MainWindow::tryPanel() const
{
    return m_try;
}

void MainWindow::tryEndpoint(const QUuid &id)
{
    if (!m_try) {
        m_try = new TryPanel(m_client, *m_model, this);
        m_try->setWindowFlag(Qt::Window);
        m_try->setAttribute(Qt::WA_DeleteOnClose);
        m_try->setWindowTitle(tr("Try an endpoint"));
        m_try->resize(1000, 640);
    }
    if (!id.isNull())
        m_try->setEndpoint(id);
    m_try->show();
    m_try->raise();
    m_try->activateWindow();
}

SimulatorPanel *MainWindow::simulatorPanel() const
{
    return m_simulator;
}

void MainWindow::simulateEndpoint(const QUuid &id)
{
    if (!m_simulator) {
        // Closing it stops its traffic (and deletes it).
        m_simulator = new SimulatorPanel(m_client, *m_model, this);
        m_simulator->setWindowFlag(Qt::Window);
        m_simulator->setAttribute(Qt::WA_DeleteOnClose);
        m_simulator->setWindowTitle(tr("Simulate traffic"));
        m_simulator->resize(640, 480);
    }
    if (!id.isNull() && !m_simulator->running())
        m_simulator->setEndpoint(id);
    m_simulator->show();
    m_simulator->raise();
    m_simulator->activateWindow();
}

void MainWindow::openSettings()
{
    // One at a time; it follows language changes itself and outlives the rebuilds they cause.
    static QPointer<SettingsDialog> open;
    if (!open) {
        open = new SettingsDialog(this, &m_client, m_model);
        open->setAttribute(Qt::WA_DeleteOnClose);
    }
    open->show();
    open->raise();
    open->activateWindow();
}

void MainWindow::openNotificationSettings()
{
    openSettings();
    if (auto *dialog = findChild<SettingsDialog *>())
        dialog->showPage(SettingsDialog::Page::Notifications);
}

void MainWindow::createDesktopNotifier(DesktopNotifier *notifier)
{
    delete m_desktopNotifier;
    m_desktopNotifier = notifier;
    if (m_trayIcon)
        m_desktopNotifier->setTray(m_trayIcon->icon());
    connect(m_desktopNotifier, &DesktopNotifier::openRequested, this, &MainWindow::openEvent);
}

void MainWindow::setNotificationBus(const QDBusConnection &bus)
{
    createDesktopNotifier(new DesktopNotifier(bus, this));
}

void MainWindow::openEvent(const NotificationEvent &event)
{
    setWindowState(windowState() & ~Qt::WindowMinimized);
    show();
    raise();
    activateWindow();
    if (event.errorId != 0) {
        // Only the endpoint and the type narrow the list: a search or a time range left from
        // earlier must not hide the record.
        m_errors->searchField()->clear();
        m_errors->rangeFilter()->setCurrentIndex(0);
        m_errors->typeFilter()->setCurrentIndex(0);
        m_errors->endpointSelector()->setCurrentEndpoint(event.endpointId);
        showView(View::Errors);
        m_pendingErrorId = event.errorId;
        selectPendingError();
        return;
    }
    if (event.kind == QLatin1String("AgentLost") || event.kind == QLatin1String("AgentRejoined")) {
        showView(View::Agents);
        return;
    }
    if (!event.endpointId.isNull())
        m_detail->endpointSelector()->setCurrentEndpoint(event.endpointId);
    showView(View::Detail);
}

void MainWindow::selectPendingError()
{
    if (m_pendingErrorId == 0)
        return;
    ErrorListModel *model = m_errors->errorModel();
    for (int row = 0; row < model->rowCount(); ++row) {
        const ErrorRecord &record = model->record(row);
        if (record.id != m_pendingErrorId)
            continue;
        m_pendingErrorId = 0;
        const int type = m_errors->typeFilter()->findData(record.type);
        if (type >= 0)
            m_errors->typeFilter()->setCurrentIndex(type);
        const QModelIndex shown = m_errors->filterModel()->mapFromSource(model->index(row, 0));
        if (shown.isValid()) {
            m_errors->table()->selectRow(shown.row());
            m_errors->table()->scrollTo(shown);
        }
        return;
    }
}

void MainWindow::newEndpoint()
{
    auto *dialog = new CreateEndpointDialog(m_client, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        showView(View::Endpoints);
        m_search->clear();
        selectEndpoint(dialog->created().id);
    });
    dialog->open();
}

void MainWindow::scaleSelected()
{
    const QUuid id = selectedEndpoint();
    if (id.isNull())
        return;
    auto *dialog = new ScaleDialog(m_client, id.toString(QUuid::WithoutBraces), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::modifySelected()
{
    const QUuid id = selectedEndpoint();
    if (id.isNull())
        return;
    auto *dialog = new ModifyEndpointDialog(m_client, id.toString(QUuid::WithoutBraces), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::deleteSelected()
{
    const QUuid id = selectedEndpoint();
    if (id.isNull())
        return;
    const QString name = m_view->selectionModel()->selectedRows(EndpointListModel::Name).first().data().toString();
    if (!Prompt::confirm(this, tr("Delete endpoint"),
                         tr("Delete %1? Its replicas stop and its URL stops answering. This cannot be undone.")
                             .arg(name),
                         tr("Delete")))
        return;
    m_client.call(
        this, [ref = id.toString(QUuid::WithoutBraces)](ModelServingService &s) { return s.deleteEndpoint(ref); },
        [this](Result<Endpoint> deleted) {
            m_endpointError->setText(deleted ? QString()
                                             : deleted.error().typeName() + QStringLiteral(": ") + deleted.error().message);
            m_endpointError->setVisible(!deleted);
        });
}

void MainWindow::focusSearch()
{
    QLineEdit *search = currentView() == View::Errors ? m_errors->searchField() : m_search;
    if (search == m_search)
        showView(View::Endpoints);
    search->setFocus(Qt::ShortcutFocusReason);
    search->selectAll();
}

void MainWindow::updateErrorTab()
{
    const int count = m_errors->errorModel()->rowCount();
    m_tabs->setTabText(int(View::Errors), count == 0 ? tr("Errors") : tr("Errors (%1)").arg(count));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::saveSettings() const
{
    QSettings s(kOrganization, QCoreApplication::applicationName());
    s.setValue(kGeometryKey, saveGeometry());
    s.setValue(kViewKey, kViewNames.value(m_tabs->currentIndex()));
}

void MainWindow::restoreSettings()
{
    QSettings s(kOrganization, QCoreApplication::applicationName());
    if (!restoreGeometry(s.value(kGeometryKey).toByteArray()))
        resize(kDefaultSize);
    const auto view = kViewNames.indexOf(s.value(kViewKey).toString());
    const QSignalBlocker quiet(m_tabs);
    m_tabs->setCurrentIndex(view >= 0 ? int(view) : 0);
}

} // namespace ServeDeck
