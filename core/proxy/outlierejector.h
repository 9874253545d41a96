#pragma once

#include <memory>
#include <vector>

#include <QtGlobal>

namespace ServeDeck {

class RouteCircuit;
struct EndpointCircuit;
struct RouteBinding;

// Outlier detection (Istio's outlierDetection) on the state every worker shares: a route that
// fails consecutive_errors times in a row is ejected for base_ejection_time × the times it was
// ejected, while no more than max_ejection_percent of its endpoint's routes are out at once.
// Lock-free; see RouteCircuit for why the counts hold across workers. Times are ns on the
// proxy's clock.
class OutlierEjector
{
public:
    using Routes = std::vector<std::shared_ptr<const RouteBinding>>;

    // A 5xx answer or a failed exchange is a failure, any other answer a success. True when this
    // failure makes a run of consecutive_errors: then the route is offered to tryEject.
    static bool recordOutcome(const RouteBinding &route, bool failure);
    // Ejects route unless it is out already or max_ejection_percent of routes (its endpoint's, as
    // bound now, route among them) are; true when this call ejected it.
    static bool tryEject(const RouteBinding &route, const Routes &routes, EndpointCircuit &endpoint, qint64 nowNs);
    // Ends the ejections among routes whose time is up, giving back the endpoint's slots.
    static void endExpired(const Routes &routes, EndpointCircuit &endpoint, qint64 nowNs);
};

} // namespace ServeDeck
