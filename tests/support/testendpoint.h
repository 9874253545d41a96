#pragma once

#include <QDateTime>
#include <QUuid>

#include "domain/endpoint.h"

namespace ServeDeck {

// An endpoint as the store keeps one, with a fresh id: a custom runtime on one replica of one
// CPU and 1 GiB unless told otherwise. For suites that fill a real store without a service.
inline Endpoint testEndpoint(const QString &name, const QDateTime &createdAt,
                             const ResourceSlots &slots = ResourceSlots{1, qint64(1) << 30, 0}, int replicas = 1)
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
    e.createdAt = e.updatedAt = createdAt;
    return e;
}

// Revision `number` of `e`, whose model version is "v<number>".
inline Revision testRevision(const Endpoint &e, int number, const QDateTime &createdAt)
{
    Revision r;
    r.id = QUuid::createUuid();
    r.endpointId = e.id;
    r.number = number;
    r.modelVersion = QStringLiteral("v%1").arg(number);
    r.modelFolder = e.modelFolder;
    r.runtimeVariant = e.runtimeVariant;
    r.createdAt = createdAt;
    return r;
}

} // namespace ServeDeck
