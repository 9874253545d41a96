#include "proxy/circuitregistry.h"

#include <QSet>

#include "proxy/routingsnapshot.h"

namespace ServeDeck {

std::shared_ptr<RouteCircuit> CircuitRegistry::route(const QUuid &routeId, const QUuid &endpointId)
{
    const std::lock_guard lock(m_mutex);
    std::shared_ptr<RouteCircuit> &circuit = m_routes[routeId];
    if (!circuit)
        circuit = std::make_shared<RouteCircuit>(routeId, endpointId);
    return circuit;
}

std::shared_ptr<EndpointCircuit> CircuitRegistry::endpoint(const QUuid &endpointId)
{
    const std::lock_guard lock(m_mutex);
    std::shared_ptr<EndpointCircuit> &circuit = m_endpoints[endpointId];
    if (!circuit)
        circuit = std::make_shared<EndpointCircuit>(endpointId);
    return circuit;
}

void CircuitRegistry::retain(const RoutingSnapshot &snapshot)
{
    QSet<QUuid> routes;
    QSet<QUuid> endpoints;
    QSet<QUuid> withRoutes;
    for (const EndpointTable &table : snapshot.endpoints) {
        endpoints.insert(table.endpointId);
        if (!table.routes.isEmpty())
            withRoutes.insert(table.endpointId);
        for (const RouteTarget &target : table.routes)
            routes.insert(target.routeId);
    }

    const std::lock_guard lock(m_mutex);
    for (auto it = m_routes.begin(); it != m_routes.end();) {
        RouteCircuit &circuit = *it.value();
        if (routes.contains(it.key())) {
            ++it;
            continue;
        }
        // An ejected route that leaves must not hold one of its endpoint's ejection slots for good.
        if (circuit.endEjection()) {
            if (const auto endpoint = m_endpoints.value(circuit.endpointId))
                endpoint->ejected.fetch_sub(1);
        }
        // Still held: a worker's binding, or a connection that has not ended yet. Its slots are
        // given back through that reference, so it stays until the next publish finds it free.
        if (it.value().use_count() > 1) {
            ++it;
            continue;
        }
        it = m_routes.erase(it);
    }
    for (auto it = m_endpoints.begin(); it != m_endpoints.end();) {
        if (withRoutes.contains(it.key()))
            it.value()->wakeAskedNs.store(0);
        if (!endpoints.contains(it.key()) && it.value().use_count() == 1)
            it = m_endpoints.erase(it);
        else
            ++it;
    }
}

std::vector<std::shared_ptr<RouteCircuit>> CircuitRegistry::routes() const
{
    const std::lock_guard lock(m_mutex);
    return {m_routes.cbegin(), m_routes.cend()};
}

std::vector<std::shared_ptr<EndpointCircuit>> CircuitRegistry::endpoints() const
{
    const std::lock_guard lock(m_mutex);
    return {m_endpoints.cbegin(), m_endpoints.cend()};
}

} // namespace ServeDeck
