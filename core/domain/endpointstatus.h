#pragma once

#include <QList>

#include "endpoint.h"
#include "route.h"

namespace ServeDeck {

// What an operator needs to know at a glance: can it serve? "Some" and "none" healthy never share a word.
enum class EndpointStatus { Provisioning, Healthy, Degraded, Unhealthy, ScaledToZero, Destroying, Terminated };
QString endpointStatusName(EndpointStatus status);

EndpointStatus deriveEndpointStatus(const Endpoint &endpoint, const QList<Route> &routes);

} // namespace ServeDeck
