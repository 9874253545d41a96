#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include <QHash>
#include <QUuid>

#include "proxy/routecircuit.h"

namespace ServeDeck {

struct RoutingSnapshot;

// Where workers find the shared state of a route or an endpoint. The lock is taken when a worker
// binds a snapshot's routes (once per change, never per request) and when the control thread
// publishes or samples; requests only touch the atomics of objects they already hold.
class CircuitRegistry
{
public:
    std::shared_ptr<RouteCircuit> route(const QUuid &routeId, const QUuid &endpointId);
    std::shared_ptr<EndpointCircuit> endpoint(const QUuid &endpointId);

    // After a publish: routes that left the snapshot end their ejection (freeing the endpoint's
    // slot), endpoints with a route again stop waiting for a wake, and what nobody holds any
    // more is forgotten.
    void retain(const RoutingSnapshot &snapshot);

    std::vector<std::shared_ptr<RouteCircuit>> routes() const;
    std::vector<std::shared_ptr<EndpointCircuit>> endpoints() const;

private:
    mutable std::mutex m_mutex;
    QHash<QUuid, std::shared_ptr<RouteCircuit>> m_routes;
    QHash<QUuid, std::shared_ptr<EndpointCircuit>> m_endpoints;
};

} // namespace ServeDeck
