#include "replicarelaylistener.h"

#include <QTcpServer>
#include <QTcpSocket>

namespace ServeDeck {

ReplicaRelayListener::ReplicaRelayListener(QObject *parent)
    : QObject(parent)
{
}

ReplicaRelayListener::~ReplicaRelayListener()
{
    unlistenAll();
}

quint16 ReplicaRelayListener::listen(const QUuid &routeId)
{
    if (const quint16 existing = port(routeId))
        return existing;
    auto server = std::make_unique<QTcpServer>();
    if (!server->listen(QHostAddress::LocalHost, 0))
        return 0;
    QTcpServer *raw = server.get();
    connect(raw, &QTcpServer::newConnection, this, [this, raw, routeId] {
        while (QTcpSocket *socket = raw->nextPendingConnection()) {
            // The server would delete it with itself; the stream owns it from here.
            socket->setParent(nullptr);
            m_mux.open(socket, routeId);
        }
    });
    const quint16 bound = raw->serverPort();
    m_listeners.emplace(routeId, std::move(server));
    return bound;
}

quint16 ReplicaRelayListener::port(const QUuid &routeId) const
{
    const auto it = m_listeners.find(routeId);
    return it != m_listeners.end() ? it->second->serverPort() : 0;
}

void ReplicaRelayListener::unlisten(const QUuid &routeId)
{
    m_listeners.erase(routeId);
    m_mux.closeRoute(routeId);
}

void ReplicaRelayListener::unlistenAll()
{
    m_listeners.clear();
    m_mux.closeAll();
}

} // namespace ServeDeck
