#pragma once

#include <limits>

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>
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

// What the proxy must know of a revision beyond its routes. A revision that is not listed
// serves the requests no condition matches.
struct RevisionPolicy
{
    QUuid revisionId;
    QByteArray matchHeaderName;   // lower-case; empty: no condition
    QByteArray matchHeaderValue;  // compared exactly with the request's value, trimmed
    bool shadow = false;          // gets a copy of every request served, never answers one

    friend bool operator==(const RevisionPolicy &, const RevisionPolicy &) = default;
};

// An endpoint's circuit breaker as the data plane applies it (see CircuitBreakerSettings for
// the stored one). The defaults limit nothing, so a table built without one behaves as before.
struct CircuitBreakerPolicy
{
    static constexpr int kUnlimited = std::numeric_limits<int>::max();

    int maxConnections = kUnlimited;      // per route, over every worker, idle ones included
    int maxPendingRequests = kUnlimited;  // per route, waiting for a connection
    int maxRequestsPerConnection = 0;     // 0: unlimited
    int consecutiveErrors = 0;            // 0: no outlier ejection
    qint64 baseEjectionMs = 30000;
    int maxEjectionPercent = 0;

    friend bool operator==(const CircuitBreakerPolicy &, const CircuitBreakerPolicy &) = default;
};

struct EndpointTable
{
    QUuid endpointId;
    QString name;
    QStringList aliases;  // other names the front door's `model` may give it
    bool isPublic = false;
    QList<RouteTarget> routes;  // only HEALTHY routes are published; traffic splits by weight among them
    QList<RevisionPolicy> revisions;
    CircuitBreakerPolicy circuitBreaker;
    // The desired replica count. At 0 (scaled to zero) a request is held while a wake handler
    // brings a replica up, instead of being refused at once.
    int desiredReplicas = 1;
};

// Immutable; the control thread builds a new one after every change and publishes it atomically.
// Workers read it from several threads at once, so nothing may modify it after publish().
struct RoutingSnapshot
{
    quint64 version = 0;
    QHash<QString, EndpointTable> endpoints;  // by endpoint name (the first path segment of a request)
    QHash<QString, QString> aliases;          // endpoint name by alias, for the front door
    QSet<QString> revokedTokenIds;
};

} // namespace ServeDeck
