#pragma once

// Checks and error details that more than one of ModelServingService's files needs
// (see the split in modelservingservice.h). Private to core/service.

#include <optional>

#include <QJsonObject>
#include <QString>
#include <QUuid>

#include "domain/resourceslots.h"
#include "domain/route.h"
#include "domain/serviceerror.h"

namespace ServeDeck::detail {

inline constexpr int kMaxReplicas = 1000;

// InvalidArgument naming the field, as "field: message".
ServiceError invalid(const QString &fieldName, const QString &message);
QString idText(const QUuid &id);
std::optional<ServiceError> checkReplicas(int replicas);
int replicasThatFit(const ResourceSlots &perReplica, const ResourceSlots &available);
QJsonObject capacityDetails(const ResourceSlots &perReplica, int replicas, const ResourceSlots &available,
                            const ResourceSlots &total);
bool isLiveRoute(const Route &r);
std::optional<ServiceError> checkPriority(int priority);

} // namespace ServeDeck::detail
