#pragma once

#include <functional>
#include <optional>

#include <QHostAddress>
#include <QMap>
#include <QObject>
#include <QSslConfiguration>

#include "agent/agentadmission.h"
#include "agent/agentprotocol.h"

class QWebSocket;
class QWebSocketServer;

namespace ServeDeck {

class AgentConnector;
class RemoteAgentConnection;

// Where remote agents join: a WebSocket listener over TLS (wss://) that checks each agent's join
// token and hands the socket to that agent's connection, one per agent id for as long as the
// gateway lives. Frames are capped (AgentProtocol::kMaxFrameBytes), and a socket that has not
// said hello within kHelloTimeoutMs is dropped.
class AgentGateway final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AgentGateway)

public:
    explicit AgentGateway(QByteArray joinToken, QObject *parent = nullptr);
    ~AgentGateway() override;

    static constexpr int kHelloTimeoutMs = 5000;

    // The certificate and key agents pin (AgentCertificate::serverConfiguration()).
    void setTlsConfiguration(const QSslConfiguration &configuration) { m_tls = configuration; }
    // Plain ws://, neither encrypted nor authenticated: for tests of that switch only.
    void setInsecure(bool insecure) { m_insecure = insecure; }
    // Fails without a TLS configuration unless insecure was asked for.
    bool listen(const QHostAddress &address, quint16 port);
    QHostAddress address() const;
    quint16 port() const;
    QString errorString() const;
    // How long a silent or disconnected agent has before it counts as lost.
    void setGracePeriodMs(int ms) { m_gracePeriodMs = ms; }
    QList<RemoteAgentConnection *> agents() const { return m_agents.values(); }
    // Where agent credentials are kept; without a store, for as long as the gateway lives.
    void setCredentialStore(AgentAdmission::Store store) { m_admission.setStore(std::move(store)); }
    // Cuts a joined agent off now (its credential was revoked): it is told why and counts as lost.
    void disconnectAgent(const QString &agentId, const QString &reason);
    // Lets every joined agent go without refusing it (RemoteAgentConnection::release).
    void releaseAgents(const QString &reason);
    // A shared plane's follower: asked at each hello that passed its checks; where it answers,
    // the agent is sent there ("redirect") instead of admitted, and no credential is issued here.
    void setRedirectSource(std::function<std::optional<AgentProtocol::Redirect>()> source)
    {
        m_redirectSource = std::move(source);
    }

Q_SIGNALS:
    // Every welcome, a rejoin included (the same connection again).
    void agentJoined(ServeDeck::AgentConnector *agent);
    // The agent was lost; its connection stays and may join again.
    void agentLeft(ServeDeck::AgentConnector *agent);

private:
    void onNewConnection();
    void onHello(QWebSocket *socket, const QString &frame);
    void reject(QWebSocket *socket, const QString &reason);

    QByteArray m_joinToken;
    std::optional<QSslConfiguration> m_tls;
    bool m_insecure = false;
    QString m_setupError;
    AgentAdmission m_admission;
    int m_gracePeriodMs = 3000;
    QWebSocketServer *m_server = nullptr;
    QMap<QString, RemoteAgentConnection *> m_agents;
    std::function<std::optional<AgentProtocol::Redirect>()> m_redirectSource;
};

} // namespace ServeDeck
