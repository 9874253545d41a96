#pragma once

#include <QDateTime>
#include <QUuid>

#include "domain/endpoint.h"
#include "domain/route.h"

namespace ServeDeck::UsageTestData {

constexpr qint64 kGiB = qint64(1) << 30;

// A Monday, on the hour, in winter (Europe/Berlin is UTC+1 then).
inline const QDateTime kT0(QDate(2026, 3, 2), QTime(8, 0), Qt::UTC);

inline Endpoint endpoint(const QString &name, const ResourceSlots &slots, int replicas = 1)
{
    Endpoint e;
    e.id = QUuid::createUuid();
    e.name = name;
    e.modelVersion = QStringLiteral("v1");
    e.modelFolder = QStringLiteral("/srv/models/iris-v1");
    e.runtimeVariant = QStringLiteral("custom");
    e.resourceSlots = slots;
    e.resourceGroup = QStringLiteral("default");
    e.replicas = replicas;
    e.url = QStringLiteral("http://127.0.0.1:8080/") + name;
    e.createdAt = e.updatedAt = kT0.addDays(-1);
    return e;
}

inline Revision revision(const Endpoint &e, int number)
{
    Revision r;
    r.id = QUuid::createUuid();
    r.endpointId = e.id;
    r.number = number;
    r.modelVersion = QStringLiteral("v%1").arg(number);
    r.modelFolder = e.modelFolder;
    r.runtimeVariant = e.runtimeVariant;
    r.createdAt = e.createdAt;
    return r;
}

inline Route route(const Endpoint &e, const Revision &r, RouteStatus status, const QDateTime &at)
{
    Route route;
    route.id = QUuid::createUuid();
    route.endpointId = e.id;
    route.revisionId = r.id;
    route.status = status;
    route.agentId = QStringLiteral("local");
    route.createdAt = route.updatedAt = at;
    return route;
}

} // namespace ServeDeck::UsageTestData
