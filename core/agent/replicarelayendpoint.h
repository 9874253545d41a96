#pragma once

#include <functional>

#include <QObject>
#include <QUuid>

#include "agent/relaymux.h"

class QWebSocket;

namespace ServeDeck {

// The agent's end of the replica relay: each stream the plane opens for a route is connected to
// that route's replica on 127.0.0.1, and only for a replica this agent started itself.
class ReplicaRelayEndpoint final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplicaRelayEndpoint)

public:
    // The port a route's replica listens on here; 0 for a route this agent does not run.
    using PortLookup = std::function<quint16(const QUuid &routeId)>;

    explicit ReplicaRelayEndpoint(PortLookup portOf, QObject *parent = nullptr);

    // Only an authenticated channel (after the welcome); null when it dropped.
    void setChannel(QWebSocket *channel) { m_mux.setChannel(channel); }
    RelayMux &mux() { return m_mux; }

private:
    PortLookup m_portOf;
    RelayMux m_mux;
};

} // namespace ServeDeck
