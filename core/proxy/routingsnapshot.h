#pragma once

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QUuid>

namespace ServeDeck {

// One place the proxy may send an endpoint's traffic: a HEALTHY replica of one revision.
struct RouteTarget
{
    QUuid routeId;
    QUuid revisionId;
    QString modelVersion;
    QString host;
    quint16 port = 0;
    int weight = 0;
};

struct EndpointTable
{
    QUuid endpointId;
    QString name;
    bool isPublic = false;
    QList<RouteTarget> routes;  // only HEALTHY routes are published; traffic splits by weight among them
};

// Immutable; the control thread builds a new one after every change and publishes it atomically.
// Workers read it from several threads at once, so nothing may modify it after publish().
struct RoutingSnapshot
{
    quint64 version = 0;
    QHash<QString, EndpointTable> endpoints;  // by endpoint name (the first path segment of a request)
    QSet<QString> revokedTokenIds;
};

} // namespace ServeDeck
