#pragma once

#include <QMainWindow>
#include <QPointer>
#include <QUuid>

class QAction;
class QDBusConnection;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;

namespace ServeDeck {

class AgentsView;
class AutoscaleView;
class ControlClient;
class ControlPlane;
class EndpointDetailView;
class EndpointListModel;
class ErrorBrowserView;
class LoadTestView;
class MetricsHistory;
class TokenView;
class SimulatorPanel;
class TryPanel;
class DesktopNotifier;
class TrayIcon;
struct NotificationEvent;
class UsageView;
class JobsView;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    // In tab order; Ctrl+1..9 show them.
    enum class View { Endpoints, Errors, Tokens, Autoscaling, Detail, Agents, LoadTest, Usage, Jobs };

    // The console's: the plane on its control thread, reached only through the client.
    explicit MainWindow(ControlClient &client, QWidget *parent = nullptr);
    // For a plane living on this thread (tests): wrapped in a client of the window's own.
    explicit MainWindow(ControlPlane &plane, QWidget *parent = nullptr);
    ~MainWindow() override;

    QTableView *endpointView() const { return m_view; }
    EndpointListModel *endpointModel() const { return m_model; }
    QLineEdit *endpointSearch() const { return m_search; }
    QTabWidget *views() const { return m_tabs; }
    ErrorBrowserView *errorBrowser() const { return m_errors; }
    TokenView *tokenView() const { return m_tokens; }
    AutoscaleView *autoscaleView() const { return m_autoscale; }
    EndpointDetailView *detailView() const { return m_detail; }
    AgentsView *agentsView() const { return m_agents; }
    LoadTestView *loadTestView() const { return m_loadTest; }
    UsageView *usageView() const { return m_usage; }
    JobsView *jobsView() const { return m_jobs; }
    // The Jobs view, filtered to one endpoint (Details' "Open in Jobs").
    void openJobs(const QUuid &endpointId);
    // The Try window, once opened (Endpoint > Try…, or Try… in the Details view).
    TryPanel *tryPanel() const;
    QAction *tryAction() const { return m_tryAction; }
    // The Simulator window, once opened (Endpoint > Simulate traffic…, or Simulate… in Details).
    SimulatorPanel *simulatorPanel() const;
    QAction *simulateAction() const { return m_simulateAction; }
    MetricsHistory *metricsHistory() const { return m_history; }
    QAction *newEndpointAction() const { return m_newAction; }
    QAction *scaleAction() const { return m_scaleAction; }
    QAction *modifyAction() const { return m_modifyAction; }
    QAction *deleteAction() const { return m_deleteAction; }
    QAction *detailAction() const { return m_detailAction; }
    QAction *settingsAction() const { return m_settingsAction; }

    View currentView() const;
    void showView(View view);
    QUuid selectedEndpoint() const;
    void selectEndpoint(const QUuid &id);

    // Desktop notifications and the tray: the notifier shows what the plane raises for Desktop
    // channels; its click (or the tray menu's) opens the event here.
    DesktopNotifier *desktopNotifier() const { return m_desktopNotifier; }
    // Null where the desktop has no tray (the offscreen platform has none).
    TrayIcon *trayIcon() const { return m_trayIcon; }
    // Desktop notifications through another bus than the session's (tests: a private one).
    void setNotificationBus(const QDBusConnection &bus);
    // Brings the window up on what the event is about: its error record (Errors, filtered to its
    // endpoint and type, the record selected), the Agents view for an agent, else the endpoint's Details.
    void openEvent(const ServeDeck::NotificationEvent &event);
    void openNotificationSettings();

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    // Every widget, action and text of the window; the models outside it stay. Built again when
    // the language changes, so every text is translated, also those made with arguments.
    void buildUi();
    void retranslate();
    QWidget *createEndpointsPage(QWidget *parent);
    void createActions();
    void showDetails();
    void tryEndpoint(const QUuid &id);
    void simulateEndpoint(const QUuid &id);
    void openSettings();
    void newEndpoint();
    void scaleSelected();
    void modifySelected();
    void deleteSelected();
    void focusSearch();
    void selectionChanged();
    void updateErrorTab();
    void saveSettings() const;
    void restoreSettings();
    void createDesktopNotifier(DesktopNotifier *notifier);
    void selectPendingError();

    ControlClient &m_client;
    EndpointListModel *m_model;
    MetricsHistory *m_history;
    QObject *m_actionOwner = nullptr;
    QSortFilterProxyModel *m_filter = nullptr;
    QLineEdit *m_search = nullptr;
    QTableView *m_view = nullptr;
    QLabel *m_endpointError = nullptr;
    QTabWidget *m_tabs = nullptr;
    QUuid m_pendingSelection;  // to select once its row arrives
    ErrorBrowserView *m_errors = nullptr;
    TokenView *m_tokens = nullptr;
    AutoscaleView *m_autoscale = nullptr;
    EndpointDetailView *m_detail = nullptr;
    AgentsView *m_agents = nullptr;
    LoadTestView *m_loadTest = nullptr;
    UsageView *m_usage = nullptr;
    JobsView *m_jobs = nullptr;
    QPointer<TryPanel> m_try;  // a window of its own; outlives rebuilds of the tabs
    QAction *m_tryAction = nullptr;
    QPointer<SimulatorPanel> m_simulator;  // a window of its own, like m_try
    QAction *m_simulateAction = nullptr;
    QAction *m_newAction = nullptr;
    QAction *m_scaleAction = nullptr;
    QAction *m_modifyAction = nullptr;
    QAction *m_deleteAction = nullptr;
    QAction *m_detailAction = nullptr;
    QAction *m_settingsAction = nullptr;
    bool m_retranslatePending = false;
    DesktopNotifier *m_desktopNotifier = nullptr;
    TrayIcon *m_trayIcon = nullptr;
    qint64 m_pendingErrorId = 0;  // opened before its record reached the Errors view
};

} // namespace ServeDeck
