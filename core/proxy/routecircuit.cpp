#include "proxy/routecircuit.h"

namespace ServeDeck {

RouteCircuit::RouteCircuit(QUuid route, QUuid endpoint)
    : routeId(route)
    , endpointId(endpoint)
{
}

bool RouteCircuit::tryAcquire(std::atomic<int> &counter, int limit)
{
    int current = counter.load();
    while (current < limit) {
        if (counter.compare_exchange_weak(current, current + 1))
            return true;
    }
    return false;
}

bool RouteCircuit::endExpiredEjection(qint64 nowNs)
{
    qint64 until = ejectedUntilNs.load(std::memory_order_acquire);
    return until != 0 && until <= nowNs && ejectedUntilNs.compare_exchange_strong(until, 0);
}

bool RouteCircuit::endEjection()
{
    qint64 until = ejectedUntilNs.load(std::memory_order_acquire);
    while (until != 0) {
        if (ejectedUntilNs.compare_exchange_weak(until, 0))
            return true;
    }
    return false;
}

} // namespace ServeDeck
