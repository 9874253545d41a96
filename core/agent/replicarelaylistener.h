#pragma once

#include <map>
#include <memory>

#include <QObject>
#include <QUuid>

#include "agent/relaymux.h"

class QTcpServer;
class QWebSocket;

namespace ServeDeck {

// The plane's end of one remote agent's replica relay: a listener on 127.0.0.1 per replica the
// agent started, the address the proxy and the metrics sampler use for that route. Each
// connection accepted there is carried over the agent channel to the replica, which listens on
// its own machine's loopback only; the plane never dials an address an agent names.
class ReplicaRelayListener final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplicaRelayListener)

public:
    explicit ReplicaRelayListener(QObject *parent = nullptr);
    ~ReplicaRelayListener() override;

    // The agent's channel now, once welcomed; null when it dropped (every stream ends).
    void setChannel(QWebSocket *channel) { m_mux.setChannel(channel); }
    // The port the route's replica is reached at on 127.0.0.1 (the same one again if it has
    // one already); 0 when no port could be had.
    quint16 listen(const QUuid &routeId);
    quint16 port(const QUuid &routeId) const;
    // The replica is gone: its listener closes and its connections end.
    void unlisten(const QUuid &routeId);
    void unlistenAll();
    RelayMux &mux() { return m_mux; }

private:
    RelayMux m_mux;
    std::map<QUuid, std::unique_ptr<QTcpServer>> m_listeners;
};

} // namespace ServeDeck
