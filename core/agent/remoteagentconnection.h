#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QPointer>
#include <QTimer>

#include "agent/agentconnector.h"
#include "agent/replicarelaylistener.h"

class QWebSocket;

namespace ServeDeck {

class RelayedHealthCheck;

// The control plane's side of one remote agent (`servedeck agent`). It outlives the WebSocket:
// a dropped socket has a grace period to come back before the agent counts as lost, and an
// agent that rejoins with the same id gets this same connection back.
class RemoteAgentConnection final : public AgentConnector
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RemoteAgentConnection)

public:
    RemoteAgentConnection(QString agentId, int gracePeriodMs, QObject *parent = nullptr);
    ~RemoteAgentConnection() override;

    // Takes over a welcomed socket (replacing any earlier one) and resyncs with the agent's hello.
    void attach(QWebSocket *socket, const QJsonObject &hello);

    QString agentId() const override { return m_agentId; }
    bool isConnected() const override { return !m_lost; }
    // The answer is "<agent>:pending:<route>"; the agent's own id arrives later (replicaStarted).
    Result<QString> start(const ReplicaSpec &spec) override;
    void stop(const QUuid &routeId) override;
    bool isRunning(const QUuid &routeId) const override { return m_routes.contains(routeId); }
    int replicaCount() const override { return int(m_routes.size()); }
    AgentStatus status() const override;
    // The replica id (agent:pid:relay-port) once the agent has reported "started", the pending
    // id before. Its port is the plane's relay listener for the replica, never one the agent named.
    QString replicaId(const QUuid &routeId) const { return m_routes.value(routeId); }
    // Remote replicas are reached through their relay listeners, on this machine's loopback,
    // whatever the agent says about where they listen.
    QString replicaHost() const override { return QStringLiteral("127.0.0.1"); }
    const ReplicaRelayListener &relay() const { return m_relay; }
    // Status reports (the agent's heartbeat) received since this connection was made: lets a
    // check that "nothing is reported" know that reports did come.
    quint64 statusReports() const { return m_statusReports; }
    // Tells the agent why and drops it now, no grace period: it counts as lost (its replicas too).
    void cutOff(const QString &reason);
    // Lets the agent go without refusing it (this console no longer leads the plane): the
    // connection closes as "going away", the agent keeps its replicas and connects again, to be
    // sent to the leader. It counts as lost here at once.
    void release(const QString &reason);


private:
    void send(const QJsonObject &message);
    void onMessage(const QString &frame);
    void onTick();
    void markLost(const QString &reason);
    void closeAndLose(const QString &reason, bool refuse);
    void emitExited(const QUuid &routeId, const ReplicaExit &exit);
    void attachRelay(QWebSocket *socket);
    void onStarted(const QUuid &routeId, const QString &agentReplicaId);
    void confirmHealthy(const QUuid &routeId);
    void forgetRelayed(const QUuid &routeId);

    QString m_agentId;
    int m_gracePeriodMs;
    QPointer<QWebSocket> m_socket;
    bool m_lost = false;
    QElapsedTimer m_lastHeard;  // any frame or pong; the ping below makes silence mean trouble
    QTimer m_pingTimer;
    QHash<QUuid, QString> m_routes;  // route -> replica id, for every replica pending or running
    QList<QJsonObject> m_outbox;     // sent once the socket is back within the grace period
    AgentStatus m_status;
    quint64 m_statusReports = 0;
    ReplicaRelayListener m_relay;
    QHash<QUuid, std::optional<HealthCheckConfig>> m_healthChecks;  // as asked for in each start
    QHash<QUuid, RelayedHealthCheck *> m_checking;                  // the plane's own, under way
};

} // namespace ServeDeck
