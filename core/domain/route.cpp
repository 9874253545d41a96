#include "route.h"

#include "enumnames.h"

namespace ServeDeck {

namespace {
constexpr EnumNames<RouteStatus, 6> kStatus{{{
    {RouteStatus::Provisioning, "PROVISIONING"},
    {RouteStatus::Healthy, "HEALTHY"},
    {RouteStatus::Unhealthy, "UNHEALTHY"},
    {RouteStatus::Terminating, "TERMINATING"},
    {RouteStatus::FailedToStart, "FAILED_TO_START"},
    {RouteStatus::Pending, "PENDING"},
}}};
} // namespace

QString routeStatusName(RouteStatus status)
{
    return kStatus.name(status);
}

std::optional<RouteStatus> routeStatusFromName(const QString &name)
{
    return kStatus.parse(name);
}

} // namespace ServeDeck
