#include "replicarelayendpoint.h"

#include <QHostAddress>
#include <QTcpSocket>

namespace ServeDeck {

ReplicaRelayEndpoint::ReplicaRelayEndpoint(PortLookup portOf, QObject *parent)
    : QObject(parent)
    , m_portOf(std::move(portOf))
{
    m_mux.setAcceptor([this](const QUuid &routeId) -> QTcpSocket * {
        const quint16 port = m_portOf ? m_portOf(routeId) : 0;
        if (port == 0)
            return nullptr;
        auto *socket = new QTcpSocket;
        // Loopback only: whatever the plane asks, nothing else on this network is reached.
        socket->connectToHost(QHostAddress::LocalHost, port);
        return socket;
    });
}

} // namespace ServeDeck
