#include "remoteagentconnection.h"

#include <algorithm>

#include <QJsonArray>
#include <QSet>
#include <QWebSocket>

#include "agent/agentprotocol.h"
#include "agent/relayedhealthcheck.h"

namespace ServeDeck {

namespace {

// Pings keep a quiet agent heard; a frozen one stops answering them.
constexpr int kPingIntervalMs = 1000;
// How long an agent that is cut off has to finish the closing handshake.
constexpr int kCloseTimeoutMs = 1000;

QString routeText(const QUuid &id)
{
    return id.toString(QUuid::WithoutBraces);
}

} // namespace

RemoteAgentConnection::RemoteAgentConnection(QString agentId, int gracePeriodMs, QObject *parent)
    : AgentConnector(parent)
    , m_agentId(std::move(agentId))
    , m_gracePeriodMs(gracePeriodMs)
{
    m_status.agentId = m_agentId;
    m_status.kind = QStringLiteral("remote");
    m_lastHeard.start();
    // Checked at least three times per grace period so a short test grace still ends on time.
    m_pingTimer.setInterval(std::min(kPingIntervalMs, std::max(100, gracePeriodMs / 3)));
    connect(&m_pingTimer, &QTimer::timeout, this, &RemoteAgentConnection::onTick);
    m_pingTimer.start();
}

RemoteAgentConnection::~RemoteAgentConnection()
{
    if (m_socket) {
        disconnect(m_socket, nullptr, this, nullptr);
        m_socket->abort();
    }
}

void RemoteAgentConnection::attach(QWebSocket *socket, const QJsonObject &hello)
{
    if (m_socket && m_socket != socket) {
        disconnect(m_socket, nullptr, this, nullptr);
        m_socket->abort();
        m_socket->deleteLater();
    }
    m_socket = socket;
    socket->setParent(this);
    connect(socket, &QWebSocket::textMessageReceived, this, &RemoteAgentConnection::onMessage);
    connect(socket, &QWebSocket::pong, this, [this] { m_lastHeard.restart(); });
    connect(socket, &QWebSocket::disconnected, this, [this, socket] {
        // The grace period runs from the last frame heard; onTick decides.
        if (m_socket == socket)
            m_socket.clear();
        socket->deleteLater();
    });
    m_lost = false;
    m_lastHeard.restart();
    if (auto slots = ResourceSlots::fromJson(hello.value(QStringLiteral("capacity")).toObject()))
        m_status.capacity.total = *slots;
    m_status.gpus = AgentProtocol::gpusFromJson(hello.value(QStringLiteral("gpus")).toArray());
    attachRelay(socket);

    // Full resync: what the agent runs that the plane no longer knows is stale and is stopped;
    // what the plane knows that the agent no longer runs ended while nobody listened.
    QSet<QUuid> running;
    for (const QJsonValue &value : hello.value(QStringLiteral("running")).toArray())
        running.insert(QUuid::fromString(value.toString()));
    QSet<QUuid> queued;
    for (const QJsonObject &m : std::as_const(m_outbox)) {
        if (m.value(QStringLiteral("type")).toString() == u"start")
            queued.insert(QUuid::fromString(m.value(QStringLiteral("spec")).toObject().value(QStringLiteral("route_id")).toString()));
    }
    for (const QUuid &routeId : std::as_const(running)) {
        if (!m_routes.contains(routeId))
            send(AgentProtocol::message(QStringLiteral("stop"), {{QStringLiteral("route_id"), routeText(routeId)}}));
    }
    const QList<QUuid> known = m_routes.keys();
    for (const QUuid &routeId : known) {
        if (!running.contains(routeId) && !queued.contains(routeId)) {
            ReplicaExit exit;
            exit.errorKind = QStringLiteral("Crashed");
            exit.exitCode = -1;
            exit.message = QStringLiteral("replica was gone when agent %1 reconnected").arg(m_agentId);
            emitExited(routeId, exit);
        }
    }
    const QList<QJsonObject> outbox = std::exchange(m_outbox, {});
    for (const QJsonObject &m : outbox)
        send(m);
}

void RemoteAgentConnection::send(const QJsonObject &message)
{
    if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->sendTextMessage(AgentProtocol::encode(message));
    else if (!m_lost)
        m_outbox.append(message);
}

Result<QString> RemoteAgentConnection::start(const ReplicaSpec &spec)
{
    if (m_lost)
        return makeError(ErrorType::InsufficientResources, QStringLiteral("agent %1 is not connected").arg(m_agentId));
    if (m_routes.contains(spec.routeId))
        return makeError(ErrorType::InvalidArgument, QStringLiteral("route %1 already has a replica").arg(spec.routeId.toString()));
    // The deployer needs an id now; the agent's real one (with pid and port) comes in "started".
    const QString pending = m_agentId + QStringLiteral(":pending:") + routeText(spec.routeId);
    m_routes.insert(spec.routeId, pending);
    m_healthChecks.insert(spec.routeId, spec.healthCheck);
    send(AgentProtocol::message(QStringLiteral("start"), {{QStringLiteral("spec"), AgentProtocol::toJson(spec)}}));
    return pending;
}

void RemoteAgentConnection::stop(const QUuid &routeId)
{
    // It stays running until the agent reports the exit, as with a local replica.
    if (m_routes.contains(routeId))
        send(AgentProtocol::message(QStringLiteral("stop"), {{QStringLiteral("route_id"), routeText(routeId)}}));
}

AgentStatus RemoteAgentConnection::status() const
{
    return m_status;
}

void RemoteAgentConnection::emitExited(const QUuid &routeId, const ReplicaExit &exit)
{
    forgetRelayed(routeId);
    // Forget it first: whoever hears this may ask isRunning() and must hear "no".
    if (m_routes.remove(routeId))
        Q_EMIT replicaExited(routeId, exit);
}

void RemoteAgentConnection::onMessage(const QString &frame)
{
    m_lastHeard.restart();
    const auto message = AgentProtocol::decode(frame);
    if (!message)
        return;
    const QString type = message->value(QStringLiteral("type")).toString();
    const QUuid routeId = QUuid::fromString(message->value(QStringLiteral("route_id")).toString());
    if (type == u"status") {
        m_status = AgentProtocol::statusFromJson(*message);
        ++m_statusReports;
        m_status.agentId = m_agentId;
    } else if (!m_routes.contains(routeId)) {
        return;  // a replica the plane stopped caring about (stale, or already replaced)
    } else if (type == u"started") {
        onStarted(routeId, message->value(QStringLiteral("replica_id")).toString());
    } else if (type == u"start_failed") {
        ReplicaExit exit;
        exit.errorKind = QStringLiteral("StartFailed");
        exit.exitCode = -1;
        exit.message = message->value(QStringLiteral("message")).toString();
        emitExited(routeId, exit);
    } else if (type == u"healthy") {
        confirmHealthy(routeId);
    } else if (type == u"unhealthy") {
        delete m_checking.take(routeId);
        Q_EMIT replicaUnhealthy(routeId, message->value(QStringLiteral("reason")).toString(),
                                message->value(QStringLiteral("log_tail")).toString());
    } else if (type == u"exited") {
        emitExited(routeId, AgentProtocol::exitFromJson(*message));
    }
}

void RemoteAgentConnection::onTick()
{
    if (m_lost)
        return;
    if (m_lastHeard.elapsed() > m_gracePeriodMs) {
        markLost(m_socket ? QStringLiteral("no heartbeat for %1 ms").arg(m_lastHeard.elapsed())
                          : QStringLiteral("disconnected for %1 ms").arg(m_lastHeard.elapsed()));
        return;
    }
    if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->ping();
}

void RemoteAgentConnection::cutOff(const QString &reason)
{
    closeAndLose(reason, true);
}

void RemoteAgentConnection::release(const QString &reason)
{
    closeAndLose(reason, false);
}

void RemoteAgentConnection::closeAndLose(const QString &reason, bool refuse)
{
    if (m_lost)
        return;
    if (QWebSocket *socket = m_socket.data()) {
        // Closed, not aborted: an abort could drop the reason before the agent reads it. The
        // socket is this connection's no more; one that does not finish closing goes anyway.
        disconnect(socket, nullptr, this, nullptr);
        m_socket.clear();
        if (socket->state() == QAbstractSocket::ConnectedState) {
            if (refuse) {
                socket->sendTextMessage(AgentProtocol::encode(
                    AgentProtocol::message(QStringLiteral("rejected"), {{QStringLiteral("reason"), reason}})));
            }
            socket->close(refuse ? QWebSocketProtocol::CloseCodePolicyViolated : QWebSocketProtocol::CloseCodeGoingAway,
                          reason);
        }
        connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(kCloseTimeoutMs, socket, [socket] {
            socket->abort();
            socket->deleteLater();
        });
    }
    markLost(reason);
}

void RemoteAgentConnection::markLost(const QString &reason)
{
    m_lost = true;
    if (m_socket) {
        disconnect(m_socket, nullptr, this, nullptr);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket.clear();
    }
    // Its replicas are beyond reach: the deployer records AgentLost and they are replaced.
    // Should the agent come back, whatever it still runs is stale and stopped on rejoin.
    const QList<QUuid> relayed = m_routes.keys();
    for (const QUuid &routeId : relayed)
        forgetRelayed(routeId);
    m_relay.unlistenAll();
    m_relay.setChannel(nullptr);
    m_routes.clear();
    m_outbox.clear();
    m_status.replicas.clear();
    Q_EMIT lost(reason);
}

void RemoteAgentConnection::attachRelay(QWebSocket *socket)
{
    // Streams never outlive the channel they ran on: a new socket ends the old one's.
    m_relay.setChannel(socket);
    connect(socket, &QWebSocket::disconnected, this, [this, socket] {
        if (m_relay.mux().channel() == socket)
            m_relay.setChannel(nullptr);
    });
}

void RemoteAgentConnection::onStarted(const QUuid &routeId, const QString &agentReplicaId)
{
    // The agent's id is agent:pid:port; only its pid is kept, as a number. The port the plane
    // uses is its own relay listener's, so an agent cannot point a route anywhere.
    const QStringList parts = agentReplicaId.split(u':');
    bool isNumber = false;
    const qint64 pid = parts.size() >= 3 ? parts.at(parts.size() - 2).toLongLong(&isNumber) : 0;
    const quint16 port = m_relay.listen(routeId);
    if (port == 0) {
        send(AgentProtocol::message(QStringLiteral("stop"), {{QStringLiteral("route_id"), routeText(routeId)}}));
        ReplicaExit exit;
        exit.errorKind = QStringLiteral("StartFailed");
        exit.exitCode = -1;
        exit.message = QStringLiteral("no free port on 127.0.0.1 to relay the replica on agent %1").arg(m_agentId);
        emitExited(routeId, exit);
        return;
    }
    const QString replicaId = QStringLiteral("%1:%2:%3").arg(m_agentId).arg(isNumber && pid > 0 ? pid : 0).arg(port);
    m_routes.insert(routeId, replicaId);
    Q_EMIT replicaStarted(routeId, replicaId);
}

void RemoteAgentConnection::confirmHealthy(const QUuid &routeId)
{
    const quint16 port = m_relay.port(routeId);
    const std::optional<HealthCheckConfig> check = m_healthChecks.value(routeId);
    if (port == 0)
        return;  // "healthy" before "started": there is nothing to reach yet
    if (!check) {
        // Without a health check the agent's word that it runs is all anyone has, local or not.
        Q_EMIT replicaHealthy(routeId);
        return;
    }
    // Bounded, whatever the model definition says: the agent has just found it answering.
    constexpr int kMinTimeoutMs = 1000;
    constexpr int kMaxTimeoutMs = 10000;
    const int timeoutMs = std::clamp(int(check->maxWaitTime * 1000), kMinTimeoutMs, kMaxTimeoutMs);
    const QString path = check->path.startsWith(u'/') ? check->path : u'/' + check->path;
    const QUrl url(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path));
    delete m_checking.take(routeId);
    auto *healthCheck = new RelayedHealthCheck(url, check->expectedStatusCode, timeoutMs, this);
    m_checking.insert(routeId, healthCheck);
    connect(healthCheck, &RelayedHealthCheck::finished, this, [this, routeId, healthCheck](bool ok, const QString &detail) {
        if (m_checking.value(routeId) != healthCheck)
            return;
        m_checking.remove(routeId);
        healthCheck->deleteLater();
        if (ok)
            Q_EMIT replicaHealthy(routeId);
        else
            Q_EMIT replicaUnhealthy(routeId, detail, {});
    });
    healthCheck->start();
}

void RemoteAgentConnection::forgetRelayed(const QUuid &routeId)
{
    delete m_checking.take(routeId);
    m_healthChecks.remove(routeId);
    m_relay.unlisten(routeId);
}

} // namespace ServeDeck
