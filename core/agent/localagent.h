#pragma once

#include <map>
#include <memory>

#include <QNetworkAccessManager>
#include <QObject>
#include <QUuid>

#include "agent/replicaspec.h"
#include "domain/result.h"
#include "agent/capacity.h"
#include "agent/gpudiscovery.h"

namespace ServeDeck {

class ReplicaProcess;

struct ReplicaStatus
{
    QUuid routeId;
    qint64 pid = 0;
    quint16 port = 0;
    QString state;
    qint64 residentBytes = 0;
    double cpuSeconds = 0;
    qint64 coldStartMs = -1;
};

struct AgentStatus
{
    QString agentId;
    QString kind;
    Capacity capacity;
    QList<GpuInfo> gpus;
    QList<ReplicaStatus> replicas;
};

// The agent on this machine: runs replicas as child processes and reports what happens to them.
// Lives on the control thread; every replica is event-driven, so no thread of its own is needed.
class LocalAgent final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LocalAgent)

public:
    explicit LocalAgent(QString agentId = QStringLiteral("local"), QObject *parent = nullptr);
    ~LocalAgent() override;

    QString agentId() const { return m_agentId; }
    // What the operator configured instead of what the machine has (servedeck serve --capacity).
    void setCapacityOverride(std::optional<Capacity> capacity) { m_capacityOverride = std::move(capacity); }
    Capacity capacity() const;
    // Capacity, GPUs (utilization and memory now) and every replica with what it uses.
    AgentStatus status() const;

    // Starts a replica for a route; the answer is its replica id (agent:pid:port).
    Result<QString> start(const ReplicaSpec &spec);
    void stop(const QUuid &routeId);
    bool isRunning(const QUuid &routeId) const;
    const ReplicaProcess *replica(const QUuid &routeId) const;
    int replicaCount() const { return int(m_replicas.size()); }
    // Stops every replica, waiting up to graceMs for them to end (console shutdown).
    void stopAll(int graceMs);

Q_SIGNALS:
    void replicaHealthy(const QUuid &routeId);
    void replicaUnhealthy(const QUuid &routeId, const QString &reason);
    void replicaExited(const QUuid &routeId, const ServeDeck::ReplicaExit &exit);

private:
    QString m_agentId;
    std::optional<Capacity> m_capacityOverride;
    QNetworkAccessManager m_network;
    std::map<QUuid, std::unique_ptr<ReplicaProcess>> m_replicas;
};

} // namespace ServeDeck
