#include "proxy/outlierejector.h"

#include <algorithm>

#include "proxy/routebinding.h"
#include "proxy/routecircuit.h"

namespace ServeDeck {

bool OutlierEjector::recordOutcome(const RouteBinding &route, bool failure)
{
    RouteCircuit &circuit = *route.circuit;
    if (!failure) {
        // A read of a line that only failures write: successes cost no shared write.
        if (circuit.consecutiveFailures.load(std::memory_order_relaxed) != 0)
            circuit.consecutiveFailures.store(0, std::memory_order_relaxed);
        return false;
    }
    const int run = circuit.consecutiveFailures.fetch_add(1) + 1;
    const int limit = route.policy.consecutiveErrors;
    return limit > 0 && run >= limit;
}

bool OutlierEjector::tryEject(const RouteBinding &route, const Routes &routes, EndpointCircuit &endpoint, qint64 nowNs)
{
    RouteCircuit &circuit = *route.circuit;
    if (circuit.isEjected(nowNs))
        return false;
    const auto isRoute = [&route](const auto &bound) { return bound->circuit == route.circuit; };
    if (std::none_of(routes.cbegin(), routes.cend(), isRoute))
        return false;  // rebound since: the route left the endpoint
    endExpired(routes, endpoint, nowNs);
    const int allowed = int(qint64(route.policy.maxEjectionPercent) * qint64(routes.size()) / 100);
    if (!RouteCircuit::tryAcquire(endpoint.ejected, allowed))
        return false;
    const qint64 base = std::max<qint64>(route.policy.baseEjectionMs, 1) * 1000000;
    qint64 expected = 0;
    if (!circuit.ejectedUntilNs.compare_exchange_strong(expected, nowNs + base)) {
        endpoint.ejected.fetch_sub(1);  // another worker ejected it a moment ago
        return false;
    }
    // base × times ejected: a route that keeps failing stays out longer each time.
    const int times = circuit.timesEjected.fetch_add(1) + 1;
    qint64 provisional = nowNs + base;
    circuit.ejectedUntilNs.compare_exchange_strong(provisional, nowNs + base * times);
    circuit.consecutiveFailures.store(0);
    circuit.ejections.fetch_add(1, std::memory_order_relaxed);
    return true;
}

void OutlierEjector::endExpired(const Routes &routes, EndpointCircuit &endpoint, qint64 nowNs)
{
    if (endpoint.ejected.load() == 0)
        return;
    for (const std::shared_ptr<const RouteBinding> &route : routes) {
        if (route->circuit->endExpiredEjection(nowNs))
            endpoint.ejected.fetch_sub(1);
    }
}

} // namespace ServeDeck
