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
class RemoteAgentRunner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RemoteAgentRunner)

public:
    RemoteAgentRunner(QUrl url, QByteArray token, QString agentId, QObject *parent = nullptr);
    ~RemoteAgentRunner() override;

    void setCapacityOverride(std::optional<Capacity> capacity) { m_agent.setCapacityOverride(std::move(capacity)); }
    void start();
    // Where model folders live on this machine: a folder named by the control plane is looked up
    // here by its name first, since its path there need not exist here.
    void setModelRoots(const QStringList &roots) { m_modelRoots = roots; }
    LocalAgent &agent() { return m_agent; }

Q_SIGNALS:
    void welcomed();
    void rejected(const QString &reason);

private:
    void connectNow();
    void scheduleReconnect();
    void onMessage(const QString &frame);
    void send(const QJsonObject &message);
    void sendStatus();
    void wireRelay();

    QUrl m_url;
    QByteArray m_token;
    LocalAgent m_agent;
    QWebSocket m_socket;
    ReplicaRelayEndpoint m_relay;
    QTimer m_reconnectTimer;
    QTimer m_statusTimer;
    int m_backoffMs;
    QStringList m_modelRoots;
    bool m_stopping = false;
    bool m_joinStarted = false;  // the first connect, once the first GPU reading is in
};

} // namespace ServeDeck
