#include "endpointstatus.h"

#include <algorithm>

#include "enumnames.h"

namespace ServeDeck {

namespace {
constexpr EnumNames<EndpointStatus, 7> kNames{{{
    {EndpointStatus::Provisioning, "PROVISIONING"},
    {EndpointStatus::Healthy, "HEALTHY"},
    {EndpointStatus::Degraded, "DEGRADED"},
    {EndpointStatus::Unhealthy, "UNHEALTHY"},
    {EndpointStatus::ScaledToZero, "SCALED_TO_ZERO"},
    {EndpointStatus::Destroying, "DESTROYING"},
    {EndpointStatus::Terminated, "TERMINATED"},
}}};
} // namespace

QString endpointStatusName(EndpointStatus status)
{
    return kNames.name(status);
}

EndpointStatus deriveEndpointStatus(const Endpoint &endpoint, const QList<Route> &routes)
{
    if (endpoint.lifecycle == EndpointLifecycle::Terminated)
        return EndpointStatus::Terminated;
    if (endpoint.lifecycle == EndpointLifecycle::Destroying)
        return EndpointStatus::Destroying;
    if (endpoint.replicas == 0)
        return EndpointStatus::ScaledToZero;

    const auto count = [&](RouteStatus s) {
        return std::count_if(routes.begin(), routes.end(), [s](const Route &r) { return r.status == s; });
    };
    const auto healthy = count(RouteStatus::Healthy);
    if (healthy >= endpoint.replicas)
        return EndpointStatus::Healthy;
    if (healthy > 0)
        return EndpointStatus::Degraded;
    // None healthy: still coming up, or failing? Failed start attempts (retries) count as failing
    // even once their routes are gone.
    const auto failing = count(RouteStatus::Unhealthy) + count(RouteStatus::FailedToStart);
    return failing > 0 || endpoint.retries > 0 ? EndpointStatus::Unhealthy : EndpointStatus::Provisioning;
}

} // namespace ServeDeck
