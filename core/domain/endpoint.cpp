#include "endpoint.h"

#include "enumnames.h"

namespace ServeDeck {

namespace {
constexpr EnumNames<EndpointLifecycle, 4> kLifecycle{{{
    {EndpointLifecycle::Created, "CREATED"},
    {EndpointLifecycle::Ready, "READY"},
    {EndpointLifecycle::Destroying, "DESTROYING"},
    {EndpointLifecycle::Terminated, "TERMINATED"},
}}};
} // namespace

QString lifecycleName(EndpointLifecycle lifecycle)
{
    return kLifecycle.name(lifecycle);
}

std::optional<EndpointLifecycle> lifecycleFromName(const QString &name)
{
    return kLifecycle.parse(name);
}

} // namespace ServeDeck
