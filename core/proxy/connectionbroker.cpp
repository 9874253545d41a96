#include "proxy/connectionbroker.h"

#include <algorithm>
#include <utility>

#include "proxy/clientconnection.h"
#include "proxy/proxyshared.h"
#include "proxy/proxyworker.h"
#include "proxy/routebinding.h"
#include "proxy/routecircuit.h"
#include "proxy/upstreamconnection.h"

namespace ServeDeck {

namespace {

// Posted rather than called: the caller may be deep inside a connection's callbacks.
template<typename Function>
void post(QObject *target, Function function)
{
    QMetaObject::invokeMethod(target, std::move(function), Qt::QueuedConnection);
}

} // namespace

ConnectionBroker::ConnectionBroker(ProxyWorker &worker, ProxyShared &shared, int index)
    : m_worker(worker)
    , m_shared(shared)
    , m_index(index)
{
}

UpstreamConnection *ConnectionBroker::open(const RouteBinding &route)
{
    if (!RouteCircuit::tryAcquire(route.circuit->connections, route.policy.maxConnections))
        return nullptr;
    m_worker.ensureSweeping();
    return new UpstreamConnection(&m_worker, &m_pool, route, *m_shared.clock);
}

UpstreamConnection *ConnectionBroker::take(const RouteBinding &route, bool *fresh)
{
    *fresh = false;
    if (UpstreamConnection *connection = m_pool.take(route.poolKey))
        return connection;
    *fresh = true;
    return open(route);
}

ConnectionBroker::Acquired ConnectionBroker::acquire(ClientConnection *client, const RouteBinding &route,
                                                     bool allowPooled, UpstreamConnection **connection, bool *fresh)
{
    *fresh = false;
    if (allowPooled && (*connection = m_pool.take(route.poolKey)))
        return Acquired::Connection;
    *fresh = true;
    if ((*connection = open(route)))
        return Acquired::Connection;

    RouteCircuit &circuit = *route.circuit;
    if (!RouteCircuit::tryAcquire(circuit.pending, route.policy.maxPendingRequests)) {
        circuit.overflows.fetch_add(1, std::memory_order_relaxed);
        return Acquired::Full;
    }
    std::deque<ClientConnection *> &queue = m_waiting[&circuit];
    queue.push_back(client);
    circuit.waitingWorkers.fetch_or(ownBit());
    // The waiter's half of the handshake in RouteCircuit: a slot given back before our
    // pending + 1 was visible is found by this second try.
    if ((*connection = open(route))) {
        stopWaiting(client, route);
        return Acquired::Connection;
    }
    // Idle connections of the route in other workers hold slots that nobody uses: each worker
    // lets one go, which frees a slot for this request. (A worker that pools a connection later
    // sees pending > 0 and closes it instead: see recycle().)
    for (ProxyWorker *other : m_shared.workers) {
        if (other != &m_worker) {
            std::shared_ptr<RouteCircuit> held = route.circuit;
            post(other, [other, held] { other->connections().releaseIdle(held); });
        }
    }
    m_worker.ensureSweeping();
    return Acquired::Queued;
}

void ConnectionBroker::stopWaiting(ClientConnection *client, const RouteBinding &route)
{
    RouteCircuit *circuit = route.circuit.get();
    const auto it = m_waiting.find(circuit);
    if (it == m_waiting.end())
        return;
    const auto found = std::find(it->begin(), it->end(), client);
    if (found == it->end())
        return;
    it->erase(found);
    circuit->pending.fetch_sub(1);
    if (it->empty()) {
        m_waiting.erase(it);
        circuit->waitingWorkers.fetch_and(~ownBit());
    }
}

ClientConnection *ConnectionBroker::takeWaiter(RouteCircuit *circuit)
{
    const auto it = m_waiting.find(circuit);
    if (it == m_waiting.end())
        return nullptr;
    ClientConnection *client = it->front();
    it->pop_front();
    circuit->pending.fetch_sub(1);
    if (it->empty()) {
        m_waiting.erase(it);
        circuit->waitingWorkers.fetch_and(~ownBit());
    }
    return client;
}

void ConnectionBroker::recycle(UpstreamConnection *connection)
{
    RouteCircuit *circuit = connection->circuit();
    if (ClientConnection *waiter = takeWaiter(circuit)) {
        waiter->useConnection(connection, false);
        return;
    }
    // Requests of this route wait in another worker: the slot serves them better than our pool.
    if (circuit->pending.load() > 0) {
        connection->close();
        return;
    }
    m_pool.give(connection);
}

void ConnectionBroker::connectionEnded(const std::shared_ptr<RouteCircuit> &circuit, bool stopping)
{
    // The closer's half of the handshake in RouteCircuit: the slot first, then who waits.
    circuit->connections.fetch_sub(1);
    if (stopping || circuit->pending.load() == 0)
        return;
    const quint64 waiting = circuit->waitingWorkers.load();
    for (std::size_t i = 0; i < m_shared.workers.size(); ++i) {
        if (waiting & (quint64(1) << i)) {
            ProxyWorker *worker = m_shared.workers[i];
            post(worker, [worker, circuit] { worker->connections().serveWaiters(circuit); });
        }
    }
}

void ConnectionBroker::serveWaiters(const std::shared_ptr<RouteCircuit> &circuit)
{
    // Looked up again each round: handing a connection over may answer and end other requests.
    for (;;) {
        const auto it = m_waiting.constFind(circuit.get());
        if (it == m_waiting.cend() || it->empty())
            return;
        ClientConnection *client = it->front();
        const std::shared_ptr<const RouteBinding> route = client->waitingRoute();
        bool fresh = false;
        UpstreamConnection *connection = take(*route, &fresh);
        if (!connection)
            return;  // another worker's request took the slot first
        takeWaiter(circuit.get());
        client->useConnection(connection, fresh);
    }
}

void ConnectionBroker::releaseIdle(const std::shared_ptr<RouteCircuit> &circuit)
{
    if (circuit->pending.load() > 0)
        m_pool.closeOneOf(circuit.get());
}

} // namespace ServeDeck
