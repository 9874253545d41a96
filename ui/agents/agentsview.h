#pragma once

#include <QWidget>

class QLabel;
class QTreeView;

namespace ServeDeck {

class AgentListModel;
class EndpointListModel;
class MetricsHistory;
class ControlClient;
struct ResourceSlots;

// The Agents tab: every agent with its capacity, what is reserved on it and what its replicas
// use, its GPUs under it; above, what all endpoints reserve of the whole capacity.
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

private:
    void updateSummary();
    void showSummary(const ResourceSlots &reserved, const ResourceSlots &total);

    ControlClient &m_client;
    const MetricsHistory &m_history;
    AgentListModel *m_model;
    QLabel *m_summary;
    QLabel *m_empty;
    QTreeView *m_tree;
};

} // namespace ServeDeck
