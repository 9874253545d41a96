#pragma once

#include <QHash>
#include <QObject>
#include <QUuid>

#include "agent/capacity.h"
#include "agent/gpudiscovery.h"
#include "agent/replicaspec.h"
#include "domain/result.h"

namespace ServeDeck {

struct ReplicaStatus
{
    QUuid routeId;
    qint64 pid = 0;
    quint16 port = 0;
    QString state;
    qint64 residentBytes = 0;
    double cpuSeconds = 0;
    qint64 coldStartMs = -1;
    QList<int> gpus;  // the devices it was given
    qint64 gpuMemoryUsedBytes = -1;  // by it and its children, per NVML; -1: not known
    QHash<QString, quint16> extraPorts;  // by variable name, as its spec asked
    qint64 startingForMs = -1;           // time spent starting so far; -1 once past starting
    bool loading = false;                // its last answer was the runtime's "still loading"
};

struct AgentStatus
{
    QString agentId;
    QString kind;  // "local" or "remote"
    Capacity capacity;
    QList<GpuInfo> gpus;
    QList<ReplicaStatus> replicas;
};

// The control plane's handle on one agent, in this process or across the network. The deployer
// talks to every agent through this and never needs to know which kind it is.
class AgentConnector : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;
    ~AgentConnector() override = default;

    virtual QString agentId() const = 0;
    virtual bool isConnected() const = 0;
    // Starts a replica for a route; the answer is its replica id.
    virtual Result<QString> start(const ReplicaSpec &spec) = 0;
    virtual void stop(const QUuid &routeId) = 0;
    virtual bool isRunning(const QUuid &routeId) const = 0;
    virtual int replicaCount() const = 0;
    virtual AgentStatus status() const = 0;
    // The address its replicas listen on, as the proxy reaches them.
    virtual QString replicaHost() const = 0;

Q_SIGNALS:
    // The replica's own id, when it is known only after start() answered (a remote agent).
    void replicaStarted(const QUuid &routeId, const QString &replicaId);
    void replicaHealthy(const QUuid &routeId);
    void replicaUnhealthy(const QUuid &routeId, const QString &reason, const QString &logTail);
    void replicaExited(const QUuid &routeId, const ServeDeck::ReplicaExit &exit);
    // The agent is gone (connection lost past its grace period): none of its replicas can be reached.
    void lost(const QString &reason);
};

} // namespace ServeDeck
