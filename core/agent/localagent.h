#pragma once

#include <map>
#include <memory>

#include <QHash>
#include <QNetworkAccessManager>

#include "agent/agentconnector.h"
#include "agent/gpumonitor.h"
#include "agent/gpuplacement.h"

namespace ServeDeck {

class ReplicaProcess;

// The agent on this machine: runs replicas as child processes and reports what happens to them.
// Lives on the control thread; every replica is event-driven, so no thread of its own is needed.
// Only its GPUs are read on another thread (GpuMonitor): nvidia-smi blocks for up to seconds.
class LocalAgent final : public AgentConnector
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LocalAgent)

public:
    explicit LocalAgent(QString agentId = QStringLiteral("local"), QObject *parent = nullptr);
    // Where and how often its GPUs are read (tests point it at stand-ins).
    LocalAgent(QString agentId, GpuMonitorOptions gpuOptions, QObject *parent = nullptr);
    ~LocalAgent() override;

    QString agentId() const override { return m_agentId; }
    bool isConnected() const override { return true; }
    // What the operator configured instead of what the machine has (servedeck serve --capacity).
    void setCapacityOverride(std::optional<Capacity> capacity)
    {
        m_capacityOverride = std::move(capacity);
        m_gpuIndices.reset();
    }
    // Capacity, GPUs (utilization and memory as last read, at most about a second old) and
    // every replica with what it uses. Never waits on the GPUs: the monitor reads them.
    AgentStatus status() const override;
    const GpuMonitor &gpuMonitor() const { return m_gpuMonitor; }
    QString replicaHost() const override { return m_replicaHost; }
    // Where replicas listen (HOST in their environment): loopback for the embedded agent, the
    // address the control plane reaches a remote agent by.
    void setReplicaHost(const QString &host) { m_replicaHost = host; }

    // Starts a replica for a route; the answer is its replica id (agent:pid:port).
    Result<QString> start(const ReplicaSpec &spec) override;
    void stop(const QUuid &routeId) override;
    bool isRunning(const QUuid &routeId) const override;
    const ReplicaProcess *replica(const QUuid &routeId) const;
    int replicaCount() const override { return int(m_replicas.size()); }
    // Stops every replica, waiting up to graceMs for them to end (console shutdown).
    void stopAll(int graceMs);

private:
    QString m_agentId;
    std::optional<Capacity> m_capacityOverride;
    QString m_replicaHost = QStringLiteral("127.0.0.1");
    QNetworkAccessManager m_network;
    std::map<QUuid, std::unique_ptr<ReplicaProcess>> m_replicas;
    QHash<QUuid, QList<int>> m_gpuAssignments;
    QHash<QUuid, std::pair<int, qint64>> m_gpuAsks;  // each GPU replica's gpu count and gpu_memory
    QHash<QUuid, QList<int>> m_cpuAssignments;
    QString m_cgroupBase;  // where the kernel enforces memory limits; empty: the RSS watchdog does
    std::optional<QList<int>> m_gpuIndices;  // from the first good reading a GPU replica needed
    GpuMonitor m_gpuMonitor;

    QList<int> gpuIndices();
    // Its devices with what replicas hold on them and, for real GPUs, what NVML says is in use.
    GpuPlacement gpuPlacement();
    QList<int> chooseCpuSet(double cores) const;
};

} // namespace ServeDeck
