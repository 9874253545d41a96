#pragma once

#include <QAbstractItemModel>
#include <QHash>
#include <QList>

#include "agent/agentconnector.h"
#include "domain/agentcredential.h"
#include "domain/resourceslots.h"

namespace ServeDeck {

class EndpointListModel;
class MetricsHistory;

// Every agent replicas run on (the embedded one and remote ones), one row each, with its GPUs
// as child rows: what it offers, what endpoints reserved on it, what its replicas use now.
// Agent status lives in memory, not the store: the rows follow MetricsHistory::recorded, which
// reads it once per sample for the charts too. Remote agents' credentials come from the store
// (setCredentials): an agent that is away or revoked keeps a row, so its state shows.
class AgentListModel final : public QAbstractItemModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AgentListModel)

public:
    // An agent row, and the same columns for a GPU row under it.
    enum Column {
        Name,         // agent id; "GPU 0 · NVIDIA H100"
        Kind,         // local / remote; "GPU"
        Cores,        // CPU cores it offers
        Memory,       // memory it offers; GPU memory
        Gpus,         // how many GPUs
        Reserved,     // cores · memory · GPUs the routes placed on it reserve
        Utilization,  // CPU its replicas use now (% of its cores); GPU utilization
        MemoryUsed,   // resident memory of its replicas; GPU memory used
        Replicas,     // replicas running; replicas given this GPU
        Credential,   // a remote agent's: issued when, or revoked
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole + 1;
    static constexpr int AgentIdRole = Qt::UserRole + 2;

    AgentListModel(const EndpointListModel &endpoints, const MetricsHistory &history, QObject *parent = nullptr);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const AgentStatus &agent(int row) const { return m_rows.at(row).status; }
    // The row's live credential: a remote agent that an operator may revoke.
    bool isRevocable(int row) const;
    int rowOf(const QString &agentId) const;
    // Reads the agents' latest status (MetricsHistory::recorded calls it).
    void refresh();
    void setCredentials(const QList<ServeDeck::AgentCredential> &credentials);
    bool knowsCredentialOf(const QString &agentId) const { return m_credentials.contains(agentId); }

protected:
    bool event(QEvent *event) override;

private:
    struct AgentRow
    {
        AgentStatus status;
        ResourceSlots reserved;
        double coresInUse = -1;  // -1 until two samples gave a rate
        qint64 residentBytes = 0;
        std::optional<AgentCredential> credential;
        bool reporting = true;  // false: known by its credential only (away or revoked)
    };
    struct CpuBase
    {
        qint64 timeMs = 0;
        double cpuSeconds = 0;
    };

    void fillUse(AgentRow &row, qint64 nowMs, QHash<QUuid, CpuBase> &nextBase) const;
    QVariant agentData(const AgentRow &row, int column, int role) const;
    QVariant gpuData(const AgentRow &row, const GpuInfo &gpu, int column, int role) const;

    const EndpointListModel &m_endpoints;
    const MetricsHistory &m_history;
    QList<AgentRow> m_rows;
    QHash<QUuid, CpuBase> m_cpuBase;  // by route
    QHash<QString, AgentCredential> m_credentials;  // by agent id
};

} // namespace ServeDeck
