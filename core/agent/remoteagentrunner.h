#pragma once

#include <optional>

#include <QObject>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

#include "agent/capacity.h"
#include "agent/localagent.h"
#include "agent/replicarelayendpoint.h"

namespace ServeDeck {

// The agent side of `servedeck agent`: runs replicas with a LocalAgent and relays between it and
// the control plane, reconnecting with backoff whenever the connection drops. Replicas keep
// running across a drop; the plane resyncs from the hello when it is back.
// The channel is wss:// to a plane whose certificate has the pinned SHA-256: any other peer is
// refused before anything is sent to it. Plain ws:// only when told it is insecure (tests).
class RemoteAgentRunner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RemoteAgentRunner)

public:
    RemoteAgentRunner(QUrl url, QByteArray token, QString agentId, QObject *parent = nullptr);
    ~RemoteAgentRunner() override;

    // The SHA-256 (raw 32 bytes) of the one certificate the plane may present.
    void setPinnedSha256(const QByteArray &sha256) { m_pinnedSha256 = sha256; }
    // Allows a ws:// URL: no encryption, no check of who answers.
    void setInsecure(bool insecure) { m_insecure = insecure; }
    void setCapacityOverride(std::optional<Capacity> capacity) { m_agent.setCapacityOverride(std::move(capacity)); }
    void start();
    // Where model folders live on this machine: a folder named by the control plane is looked up
    // here by its name first, since its path there need not exist here.
    void setModelRoots(const QStringList &roots) { m_modelRoots = roots; }
    // Where this agent keeps the credential the plane issues it at its first join (a file of its
    // own, 0600); empty: kept in memory only, for as long as this runner lives.
    void setStateDir(const QString &dir) { m_stateDir = dir; }
    QString credentialFile() const;
    LocalAgent &agent() { return m_agent; }
    // Where it connects now: the join string's address, or where a redirect sent it.
    QUrl currentUrl() const { return m_url; }
    // Every agents address of the plane this runner has heard of, the join string's first.
    QList<QUrl> planeUrls() const { return m_planeUrls; }
    // Redirects followed at once, one after another; past them the usual backoff.
    static constexpr int kMaxRedirectsInRow = 3;

Q_SIGNALS:
    void welcomed();
    void rejected(const QString &reason);
    // This end refused the connection: the peer's certificate is not the pinned one (it retries
    // with backoff), or the URL is not one this runner may use (it does not).
    void refused(const QString &reason);
    // A console of a shared plane that does not lead sent this agent to @p url.
    void redirected(const QUrl &url);

private:
    void connectNow();
    // True when the peer is the pinned plane (or the channel is insecure by choice); otherwise
    // aborts the socket and says why.
    bool acceptPeer();
    // @p retry: false for a setup no retry can mend.
    void refuse(const QString &reason, bool retry = true);
    void scheduleReconnect();
    void onMessage(const QString &frame);
    void send(const QJsonObject &message);
    void sendStatus();
    void onWelcome(const QJsonObject &welcome);
    void loadCredential();
    void wireRelay();
    void onRedirect(const QJsonObject &message);
    QUrl urlOf(const QString &hostPort) const;

    QUrl m_url;
    QByteArray m_token;
    QByteArray m_pinnedSha256;
    bool m_insecure = false;
    QByteArray m_credential;  // this agent's own, once issued: sent instead of the join token
    QString m_stateDir;
    bool m_welcomed = false;  // on this connection: nothing but welcome/rejected counts before
    LocalAgent m_agent;
    QWebSocket m_socket;
    ReplicaRelayEndpoint m_relay;
    QTimer m_reconnectTimer;
    QTimer m_statusTimer;
    int m_backoffMs;
    QStringList m_modelRoots;
    bool m_stopping = false;
    bool m_joinStarted = false;  // the first connect, once the first GPU reading is in
    // A shared plane: its consoles' addresses, tried in turn when one cannot be reached.
    QList<QUrl> m_planeUrls;
    bool m_followRedirect = false;  // the connection that ends now said where to go instead
    int m_redirectsInRow = 0;
};

} // namespace ServeDeck
