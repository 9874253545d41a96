#pragma once

#include <QDateTime>
#include <QUuid>

#include "domain/endpoint.h"
#include "domain/route.h"
#include "support/testendpoint.h"

namespace ServeDeck::UsageTestData {

constexpr qint64 kGiB = qint64(1) << 30;

// A Monday, on the hour, in winter (Europe/Berlin is UTC+1 then).
inline const QDateTime kT0(QDate(2026, 3, 2), QTime(8, 0), Qt::UTC);

inline Endpoint endpoint(const QString &name, const ResourceSlots &slots, int replicas = 1)
{
    return testEndpoint(name, kT0.addDays(-1), slots, replicas);
}

inline Revision revision(const Endpoint &e, int number)
{
    return testRevision(e, number, e.createdAt);
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
