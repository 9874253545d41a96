#pragma once

#include <QDateTime>
#include <QUuid>

#include "result.h"

namespace ServeDeck {

enum class RouteStatus { Provisioning, Healthy, Unhealthy, Terminating, FailedToStart };
QString routeStatusName(RouteStatus status);
std::optional<RouteStatus> routeStatusFromName(const QString &name);

// A route ties an endpoint to one replica; only HEALTHY routes take traffic, in proportion to weight.
struct Route
{
    QUuid id;
    QUuid endpointId;
    QUuid revisionId;
    RouteStatus status = RouteStatus::Provisioning;
    int weight = 100;
    QString replicaId;
    QString agentId;
    QDateTime createdAt;
    QDateTime updatedAt;

    // Counted against the desired replica count (scale_services' "active routings").
    bool isActive() const { return status != RouteStatus::Terminating && status != RouteStatus::FailedToStart; }
};

} // namespace ServeDeck
