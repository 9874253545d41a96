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
constexpr EnumNames<RevisionMode, 2> kRevisionMode{{{
    {RevisionMode::Serve, "serve"},
    {RevisionMode::Shadow, "shadow"},
}}};
} // namespace

const QStringList &reservedEndpointNames()
{
    static const QStringList names{QStringLiteral("v1"), QStringLiteral("_jobs"), QStringLiteral("metrics"),
                                   QStringLiteral("health"), QStringLiteral("healthz")};
    return names;
}

QString lifecycleName(EndpointLifecycle lifecycle)
{
    return kLifecycle.name(lifecycle);
}

std::optional<EndpointLifecycle> lifecycleFromName(const QString &name)
{
    return kLifecycle.parse(name);
}

QString revisionModeName(RevisionMode mode)
{
    return kRevisionMode.name(mode);
}

std::optional<RevisionMode> revisionModeFromName(const QString &name)
{
    return kRevisionMode.parse(name);
}

} // namespace ServeDeck
