#include "agentgateway.h"

#include <QJsonArray>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include <openssl/crypto.h>

#include "agent/agentprotocol.h"
#include "agent/remoteagentconnection.h"
#include "agent/agentlog.h"

namespace ServeDeck {

namespace {

bool tokensMatch(const QByteArray &expected, const QByteArray &given)
{
    // Constant time, so response timing tells nothing about how much of a guess was right.
    return !expected.isEmpty() && expected.size() == given.size()
        && CRYPTO_memcmp(expected.constData(), given.constData(), size_t(expected.size())) == 0;
}

} // namespace

AgentGateway::AgentGateway(QByteArray joinToken, QObject *parent)
    : QObject(parent)
    , m_joinToken(std::move(joinToken))
{
}

AgentGateway::~AgentGateway()
{
    // Connections go first: they hold sockets the server would otherwise delete under them.
    qDeleteAll(m_agents);
    m_agents.clear();
}

bool AgentGateway::listen(const QHostAddress &address, quint16 port)
{
    if (!m_server) {
        if (!m_tls && !m_insecure) {
            m_setupError = QStringLiteral("no TLS certificate for the agent channel");
            return false;
        }
        if (m_insecure)
            qCWarning(lcAgent, "INSECURE: the agent channel is not encrypted or authenticated; for tests only");
        m_server = new QWebSocketServer(QStringLiteral("servedeck"),
                                        m_insecure ? QWebSocketServer::NonSecureMode : QWebSocketServer::SecureMode, this);
        if (!m_insecure) {
            QSslConfiguration tls = *m_tls;
            tls.setProtocol(QSsl::TlsV1_2OrLater);
            m_server->setSslConfiguration(tls);
        }
        // The TLS and WebSocket handshakes get no longer than the hello that follows them.
        m_server->setHandshakeTimeout(kHelloTimeoutMs);
        connect(m_server, &QWebSocketServer::newConnection, this, &AgentGateway::onNewConnection);
    }
    return m_server->listen(address, port);
}

quint16 AgentGateway::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

QHostAddress AgentGateway::address() const
{
    return m_server ? m_server->serverAddress() : QHostAddress();
}

QString AgentGateway::errorString() const
{
    return m_server ? m_server->errorString() : m_setupError;
}

void AgentGateway::onNewConnection()
{
    while (QWebSocket *socket = m_server->nextPendingConnection()) {
        socket->setParent(this);
        // Before the event loop reads a byte of it: a frame or message announcing more than this
        // closes the socket instead of being buffered (Qt's own limit is 2 GiB).
        socket->setMaxAllowedIncomingFrameSize(AgentProtocol::kMaxFrameBytes);
        socket->setMaxAllowedIncomingMessageSize(AgentProtocol::kMaxFrameBytes);
        connect(socket, &QWebSocket::textMessageReceived, this,
                [this, socket](const QString &frame) { onHello(socket, frame); });
        // Nothing but a hello comes before the welcome.
        connect(socket, &QWebSocket::binaryMessageReceived, this, [this, socket] {
            disconnect(socket, &QWebSocket::textMessageReceived, this, nullptr);
            disconnect(socket, &QWebSocket::binaryMessageReceived, this, nullptr);
            reject(socket, QStringLiteral("expected a hello"));
        });
        connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(kHelloTimeoutMs, socket, [socket] {
            if (socket->parent() != nullptr && !qobject_cast<RemoteAgentConnection *>(socket->parent()))
                socket->abort();
        });
    }
}

void AgentGateway::reject(QWebSocket *socket, const QString &reason)
{
    socket->sendTextMessage(AgentProtocol::encode(
        AgentProtocol::message(QStringLiteral("rejected"), {{QStringLiteral("reason"), reason}})));
    socket->close(QWebSocketProtocol::CloseCodePolicyViolated, reason);
}

void AgentGateway::disconnectAgent(const QString &agentId, const QString &reason)
{
    if (RemoteAgentConnection *connection = m_agents.value(agentId))
        connection->cutOff(reason);
}

void AgentGateway::releaseAgents(const QString &reason)
{
    for (RemoteAgentConnection *connection : std::as_const(m_agents))
        connection->release(reason);
}

void AgentGateway::onHello(QWebSocket *socket, const QString &frame)
{
    // Only the first frame is the gateway's; after a welcome the connection hears the rest.
    disconnect(socket, &QWebSocket::textMessageReceived, this, nullptr);
    disconnect(socket, &QWebSocket::binaryMessageReceived, this, nullptr);
    const auto hello = AgentProtocol::decode(frame);
    if (!hello || hello->value(QStringLiteral("type")).toString() != u"hello") {
        reject(socket, QStringLiteral("expected a hello"));
        return;
    }
    const QString agentId = hello->value(QStringLiteral("agent_id")).toString();
    if (!AgentAdmission::isValidAgentId(agentId)) {
        reject(socket, QStringLiteral("hello names no valid agent_id"));
        return;
    }
    // An agent that has joined before proves who it is with its own credential; a new one comes
    // with the join token and leaves with a credential of its own (AgentAdmission has the rules).
    const QString credential = hello->value(QStringLiteral("credential")).toString();
    QByteArray issued;
    if (!credential.isEmpty()) {
        if (auto admitted = m_admission.admitReturningAgent(agentId, credential.toUtf8()); !admitted) {
            qCWarning(lcAgent, "agent %s rejected: %s", qPrintable(agentId), qPrintable(admitted.error().message));
            reject(socket, admitted.error().type == ErrorType::Unauthorized ? admitted.error().message
                                                                           : QStringLiteral("credentials cannot be checked now"));
            return;
        }
    } else if (!tokensMatch(m_joinToken, hello->value(QStringLiteral("token")).toString().toUtf8())) {
        qCWarning(lcAgent, "agent %s rejected: wrong join token", qPrintable(agentId));
        reject(socket, QStringLiteral("wrong join token"));
        return;
    }
    // Checked first, so a redirect tells nobody without the plane's token where the leader is.
    if (m_redirectSource) {
        if (const auto redirect = m_redirectSource()) {
            qCInfo(lcAgent, "agent %s sent to the plane's leader at %s", qPrintable(agentId),
                   qPrintable(redirect->leader.isEmpty() ? QStringLiteral("(none now)") : redirect->leader));
            socket->sendTextMessage(AgentProtocol::encode(AgentProtocol::toJson(*redirect)));
            socket->close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("redirect"));
            return;
        }
    }
    if (credential.isEmpty()) {
        auto admitted = m_admission.admitNewAgent(agentId);
        if (!admitted) {
            qCWarning(lcAgent, "agent %s rejected: %s", qPrintable(agentId), qPrintable(admitted.error().message));
            reject(socket, admitted.error().type == ErrorType::Unauthorized ? admitted.error().message
                                                                           : QStringLiteral("credentials cannot be issued now"));
            return;
        }
        issued = *admitted;
    }
    disconnect(socket, &QWebSocket::disconnected, socket, nullptr);
    RemoteAgentConnection *&connection = m_agents[agentId];
    if (!connection) {
        connection = new RemoteAgentConnection(agentId, m_gracePeriodMs, this);
        connect(connection, &AgentConnector::lost, this, [this, connection] {
            // Queued: the deployer hears `lost` (and records AgentLost) before it lets go of the agent.
            QMetaObject::invokeMethod(this, [this, connection] {
                if (!connection->isConnected())
                    Q_EMIT agentLeft(connection);
            }, Qt::QueuedConnection);
        });
    }
    QJsonObject welcome;
    if (!issued.isEmpty())
        welcome.insert(QStringLiteral("credential"), QString::fromLatin1(issued));
    socket->sendTextMessage(AgentProtocol::encode(AgentProtocol::message(QStringLiteral("welcome"), welcome)));
    connection->attach(socket, *hello);
    Q_EMIT agentJoined(connection);
}

} // namespace ServeDeck
