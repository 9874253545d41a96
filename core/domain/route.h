#pragma once

#include <QDateTime>
#include <QUuid>

#include "result.h"

namespace ServeDeck {

// PENDING (last, so stored counts by index keep their meaning): wanted, but no capacity for it yet.
enum class RouteStatus { Provisioning, Healthy, Unhealthy, Terminating, FailedToStart, Pending };
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
    // While PENDING: why it waits ("needs cpu 2, 1 free", an agent's refusal) and since when.
    QString pendingReason;
    QDateTime pendingSince;
    // Set when an agent refused to start it: the queue does not offer it again before then.
    QDateTime retryAt;

    // Counted against the desired replica count (scale_services' "active routings").
    bool isActive() const { return status != RouteStatus::Terminating && status != RouteStatus::FailedToStart; }
    // Takes its endpoint's resource slots from the capacity: everything that has (or may soon
    // have) a replica. A draining one holds its place until its replica has stopped.
    bool holdsCapacity() const { return status != RouteStatus::Pending && status != RouteStatus::FailedToStart; }
};

} // namespace ServeDeck
