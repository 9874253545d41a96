#pragma once

#include <QMainWindow>
#include <QUuid>

class QAction;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;

namespace ServeDeck {

class AgentsView;
class AutoscaleView;
class ControlPlane;
class EndpointDetailView;
class EndpointListModel;
class ErrorBrowserView;
class MetricsHistory;
class TokenView;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    // In tab order; Ctrl+1..6 show them.
    enum class View { Endpoints, Errors, Tokens, Autoscaling, Detail, Agents };

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
    MetricsHistory *metricsHistory() const { return m_history; }
    QAction *newEndpointAction() const { return m_newAction; }
    QAction *scaleAction() const { return m_scaleAction; }
    QAction *deleteAction() const { return m_deleteAction; }
    QAction *detailAction() const { return m_detailAction; }

    View currentView() const;
    void showView(View view);
    QUuid selectedEndpoint() const;
    void selectEndpoint(const QUuid &id);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    QWidget *createEndpointsPage();
    void createActions();
    void newEndpoint();
    void scaleSelected();
    void deleteSelected();
    void showDetails();
    void focusSearch();
    void selectionChanged();
    void updateErrorTab();
    void saveSettings() const;
    void restoreSettings();

    ControlPlane &m_plane;
    EndpointListModel *m_model;
    MetricsHistory *m_history;
    QSortFilterProxyModel *m_filter;
    QLineEdit *m_search;
    QTableView *m_view;
    QLabel *m_endpointError;
    QTabWidget *m_tabs;
    ErrorBrowserView *m_errors;
    TokenView *m_tokens;
    AutoscaleView *m_autoscale;
    EndpointDetailView *m_detail;
    AgentsView *m_agents;
    QAction *m_newAction = nullptr;
    QAction *m_scaleAction = nullptr;
    QAction *m_deleteAction = nullptr;
    QAction *m_detailAction = nullptr;
};

} // namespace ServeDeck
