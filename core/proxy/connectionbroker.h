#pragma once

#include <deque>
#include <memory>

#include <QHash>

#include "proxy/upstreampool.h"

namespace ServeDeck {

class ClientConnection;
class ProxyWorker;
class RouteCircuit;
class UpstreamConnection;
struct ProxyShared;
struct RouteBinding;

// A worker's upstream connections within each route's max_connections: an idle one from the
// pool, a new one while the route has a free slot, or (none free) a place in the route's queue
// of requests waiting for one, within max_pending_requests. Slots are shared by every worker
// through RouteCircuit; see there for the handshake between a worker that queues a request and
// one whose connection ends. Used by its worker's thread only.
class ConnectionBroker
{
public:
    ConnectionBroker(ProxyWorker &worker, ProxyShared &shared, int index);
    ConnectionBroker(const ConnectionBroker &) = delete;
    ConnectionBroker &operator=(const ConnectionBroker &) = delete;

    // A connection for client's request on route, or a place in the queue until one is handed
    // to it (ClientConnection::useConnection) or it gives up (stopWaiting). Full: the queue is too.
    enum class Acquired { Connection, Queued, Full };
    Acquired acquire(ClientConnection *client, const RouteBinding &route, bool allowPooled,
                     UpstreamConnection **connection, bool *fresh);
    void stopWaiting(ClientConnection *client, const RouteBinding &route);
    // An idle connection or a new one, never a place in the queue (shadow copies); null when none.
    UpstreamConnection *take(const RouteBinding &route, bool *fresh);
    // A connection whose answer is complete and that may carry another request: to a request
    // waiting for one, else to the pool (or closed, when a request elsewhere waits for the slot).
    void recycle(UpstreamConnection *connection);
    // A connection of this worker ended: its slot is free; the workers with requests waiting for
    // it are told (serveWaiters) unless stopping.
    void connectionEnded(const std::shared_ptr<RouteCircuit> &circuit, bool stopping);

    // Posted by another worker: a slot of circuit came free / requests wait for one of its slots.
    void serveWaiters(const std::shared_ptr<RouteCircuit> &circuit);
    void releaseIdle(const std::shared_ptr<RouteCircuit> &circuit);

    void closeIdleBefore(qint64 cutoffMs) { m_pool.closeIdleBefore(cutoffMs); }
    bool hasIdle() const { return !m_pool.isEmpty(); }
    void closeAll() { m_pool.closeAll(); }

private:
    UpstreamConnection *open(const RouteBinding &route);
    ClientConnection *takeWaiter(RouteCircuit *circuit);
    quint64 ownBit() const { return quint64(1) << m_index; }

    ProxyWorker &m_worker;
    ProxyShared &m_shared;
    const int m_index;
    UpstreamPool m_pool;
    // Requests waiting for a connection, per route, first come first served. The key is kept
    // alive by the waiting requests' route bindings.
    QHash<RouteCircuit *, std::deque<ClientConnection *>> m_waiting;
};

} // namespace ServeDeck
