#pragma once

#include <QSet>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QTimer;
class QTreeView;

namespace ServeDeck {

class AgentListModel;
class EndpointListModel;
class PendingQueueModel;
class MetricsHistory;
class ControlClient;
class ErrorLabel;
struct ResourceSlots;

// The Agents tab: every agent with its capacity, what is reserved on it and what its replicas
// use, its GPUs under it; above, what all endpoints reserve of the whole capacity and the join
// string remote agents join with; below, revoking a remote agent's credential, and the pending
// queue: the replicas waiting for room, in the order they will start, with why each waits.
class AgentsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AgentsView)

public:
    AgentsView(ControlClient &client, const EndpointListModel &endpoints, const MetricsHistory &history,
               QWidget *parent = nullptr);

    AgentListModel *agentModel() const { return m_model; }
    QTreeView *agentTree() const { return m_tree; }
    QLabel *summary() const { return m_summary; }
    QPushButton *revokeButton() const { return m_revoke; }
    PendingQueueModel *queueModel() const { return m_queueModel; }
    QTreeView *queueView() const { return m_queueView; }
    QLabel *queueSummary() const { return m_queueSummary; }
    // What `servedeck agent --join` takes, shown with a Copy button; empty hides the row.
    void setJoinString(const QString &joinString);

private:
    void updateSummary();
    void fetchCredentials();
    void fetchCredentialsOfNewAgents();
    void updateRevokeButton();
    void revokeSelected();
    void showSummary(const ResourceSlots &reserved, const ResourceSlots &total);
    void fetchQueue();

    ControlClient &m_client;
    const MetricsHistory &m_history;
    AgentListModel *m_model;
    QLabel *m_summary;
    QLabel *m_empty;
    QTreeView *m_tree;
    QWidget *m_joinRow;
    QLineEdit *m_joinString;
    QPushButton *m_copyJoinString;
    QPushButton *m_revoke;
    ErrorLabel *m_revokeError;
    PendingQueueModel *m_queueModel;
    QLabel *m_queueSummary;
    QTreeView *m_queueView;
    QTimer *m_queueRefresh;
    QSet<QString> m_credentialsAskedFor;  // remote agents whose credential was looked up once
};

} // namespace ServeDeck
