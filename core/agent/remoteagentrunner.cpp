#include "remoteagentrunner.h"

#include <utility>

#include <QFileInfo>
#include <QJsonArray>

#include "agent/agentprotocol.h"
#include "agent/replicaprocess.h"

namespace ServeDeck {

namespace {

// Reconnect quickly after a blip, but do not hammer a plane that is down for longer.
constexpr int kFirstBackoffMs = 200;
constexpr int kMaxBackoffMs = 5000;
// The status report doubles as the heartbeat; well inside the plane's 3 s grace period.
constexpr int kStatusIntervalMs = 1000;
// The longest the first GPU reading is waited for before joining: nvidia-smi is killed at 2 s,
// but NVML's first initialization takes seconds per GPU where persistence mode is off.
constexpr int kFirstReadingWaitMs = 10000;

QString routeText(const QUuid &id)
{
    return id.toString(QUuid::WithoutBraces);
}

} // namespace

RemoteAgentRunner::RemoteAgentRunner(QUrl url, QByteArray token, QString agentId, QObject *parent)
    : QObject(parent)
    , m_url(std::move(url))
    , m_token(std::move(token))
    , m_agent(std::move(agentId))
    , m_relay([this](const QUuid &routeId) -> quint16 {
        const ReplicaProcess *replica = m_agent.replica(routeId);
        return replica ? replica->port() : 0;
    })
    , m_backoffMs(kFirstBackoffMs)
{
    wireRelay();
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &RemoteAgentRunner::connectNow);
    m_statusTimer.setInterval(kStatusIntervalMs);
    connect(&m_statusTimer, &QTimer::timeout, this, &RemoteAgentRunner::sendStatus);

    connect(&m_socket, &QWebSocket::connected, this, [this] {
        QJsonArray running;
        const AgentStatus status = m_agent.status();
        for (const ReplicaStatus &r : status.replicas)
            running.append(routeText(r.routeId));
        send(AgentProtocol::message(QStringLiteral("hello"),
                                    {{QStringLiteral("agent_id"), m_agent.agentId()},
                                     {QStringLiteral("token"), QString::fromUtf8(m_token)},
                                     {QStringLiteral("capacity"), status.capacity.total.toJson()},
                                     {QStringLiteral("gpus"), AgentProtocol::toJson(status.gpus)},
                                     {QStringLiteral("running"), running}}));
    });
    connect(&m_socket, &QWebSocket::disconnected, this, [this] {
        m_statusTimer.stop();
        scheduleReconnect();
    });
    connect(&m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, [this](QAbstractSocket::SocketError) {
        // A refused or failed connect may end without "disconnected"; the timer guards doubles.
        if (m_socket.state() == QAbstractSocket::UnconnectedState)
            scheduleReconnect();
    });
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &RemoteAgentRunner::onMessage);

    connect(&m_agent, &AgentConnector::replicaHealthy, this, [this](const QUuid &routeId) {
        send(AgentProtocol::message(QStringLiteral("healthy"), {{QStringLiteral("route_id"), routeText(routeId)}}));
    });
    connect(&m_agent, &AgentConnector::replicaUnhealthy, this,
            [this](const QUuid &routeId, const QString &reason, const QString &logTail) {
                send(AgentProtocol::message(QStringLiteral("unhealthy"), {{QStringLiteral("route_id"), routeText(routeId)},
                                                                          {QStringLiteral("reason"), reason},
                                                                          {QStringLiteral("log_tail"), logTail}}));
            });
    connect(&m_agent, &AgentConnector::replicaExited, this, [this](const QUuid &routeId, const ReplicaExit &exit) {
        QJsonObject fields = AgentProtocol::toJson(exit);
        fields.insert(QStringLiteral("route_id"), routeText(routeId));
        send(AgentProtocol::message(QStringLiteral("exited"), fields));
    });
}

RemoteAgentRunner::~RemoteAgentRunner()
{
    m_stopping = true;
    m_reconnectTimer.stop();
    m_statusTimer.stop();
    m_agent.stopAll(3000);
    m_socket.close();
}

void RemoteAgentRunner::start()
{
    // The hello carries the GPUs and the capacity they make: join once the first reading is in
    // (at most one discovery timeout after start-up), so the plane does not see a GPU machine
    // without its GPUs for its first second.
    if (m_agent.gpuMonitor().latest().attempts > 0) {
        connectNow();
        return;
    }
    const auto joinOnce = [this] {
        if (!std::exchange(m_joinStarted, true))
            connectNow();
    };
    connect(&m_agent.gpuMonitor(), &GpuMonitor::readingUpdated, this, joinOnce, Qt::SingleShotConnection);
    // A driver call that never returns (NVML cannot be interrupted) must not keep the agent out:
    // it joins without GPUs then, and its status reports bring them once they are read.
    QTimer::singleShot(kFirstReadingWaitMs, this, joinOnce);
}

void RemoteAgentRunner::connectNow()
{
    if (!m_stopping)
        m_socket.open(m_url);
}

void RemoteAgentRunner::scheduleReconnect()
{
    if (m_stopping || m_reconnectTimer.isActive())
        return;
    m_reconnectTimer.start(m_backoffMs);
    m_backoffMs = std::min(m_backoffMs * 2, kMaxBackoffMs);
}

void RemoteAgentRunner::send(const QJsonObject &message)
{
    // While disconnected, events are dropped: the hello after reconnecting carries what runs.
    if (m_socket.state() == QAbstractSocket::ConnectedState)
        m_socket.sendTextMessage(AgentProtocol::encode(message));
}

void RemoteAgentRunner::sendStatus()
{
    send(AgentProtocol::message(QStringLiteral("status"), AgentProtocol::toJson(m_agent.status())));
}

void RemoteAgentRunner::wireRelay()
{
    // Replicas here listen on loopback only: the network never reaches them, the plane does
    // through the relay, over the authenticated channel.
    m_agent.setReplicaHost(QStringLiteral("127.0.0.1"));
    // The relay serves the channel only once the plane has welcomed it, and ends with it.
    connect(this, &RemoteAgentRunner::welcomed, this, [this] { m_relay.setChannel(&m_socket); });
    connect(&m_socket, &QWebSocket::disconnected, this, [this] { m_relay.setChannel(nullptr); });
}

void RemoteAgentRunner::onMessage(const QString &frame)
{
    const auto message = AgentProtocol::decode(frame);
    if (!message)
        return;
    const QString type = message->value(QStringLiteral("type")).toString();
    if (type == u"welcome") {
        m_backoffMs = kFirstBackoffMs;
        m_statusTimer.start();
        sendStatus();
        Q_EMIT welcomed();
    } else if (type == u"rejected") {
        Q_EMIT rejected(message->value(QStringLiteral("reason")).toString());
    } else if (type == u"start") {
        auto spec = AgentProtocol::specFromJson(message->value(QStringLiteral("spec")).toObject());
        if (!spec)
            return;
        for (const QString &root : std::as_const(m_modelRoots)) {
            const QString here = root + u'/' + QFileInfo(spec->workingDirectory).fileName();
            if (!QFileInfo(here).isDir())
                continue;
            // The start command and MODEL_PATH name files in the plane's copy of the folder.
            const QString there = spec->workingDirectory;
            const auto rebase = [&](QString &text) {
                if (text == there || text.startsWith(there + u'/'))
                    text.replace(0, there.size(), here);
            };
            for (QString &argument : spec->arguments)
                rebase(argument);
            for (QString &value : spec->environment)
                rebase(value);
            spec->workingDirectory = here;
            break;
        }
        const QString routeId = routeText(spec->routeId);
        auto replicaId = m_agent.start(*spec);
        if (replicaId)
            send(AgentProtocol::message(QStringLiteral("started"), {{QStringLiteral("route_id"), routeId},
                                                                    {QStringLiteral("replica_id"), *replicaId}}));
        else
            send(AgentProtocol::message(QStringLiteral("start_failed"), {{QStringLiteral("route_id"), routeId},
                                                                         {QStringLiteral("message"), replicaId.error().message}}));
    } else if (type == u"stop") {
        m_agent.stop(QUuid::fromString(message->value(QStringLiteral("route_id")).toString()));
    }
}

} // namespace ServeDeck
