#pragma once

#include <optional>

#include <QJsonObject>

#include "result.h"

namespace ServeDeck {

// An endpoint's circuit breaker, after Istio's DestinationRule (connectionPool and
// outlierDetection). The connection limits hold per route (one replica), across every
// proxy worker.
struct CircuitBreakerSettings
{
    int maxConnections = 100;           // upstream connections per route, idle ones included
    int maxPendingRequests = 100;       // requests waiting for a connection per route; beyond: 503 CircuitOpen
    int maxRequestsPerConnection = 0;   // then the connection is closed and a new one opened; 0: unlimited
    int consecutiveErrors = 5;          // 5xx answers or connect failures in a row that eject a route; 0: never
    int baseEjectionSeconds = 30;       // an ejection lasts this times the route's number of ejections
    int maxEjectionPercent = 50;        // of an endpoint's routes, ejected at once at most

    // The spec's snake_case names.
    QJsonObject toJson() const;
    // The first value out of range, as InvalidArgument naming "circuit_breaker.<field>".
    std::optional<ServiceError> problem() const;

    friend bool operator==(const CircuitBreakerSettings &, const CircuitBreakerSettings &) = default;
};

// A PATCH of some of the fields.
struct CircuitBreakerChanges
{
    std::optional<int> maxConnections;
    std::optional<int> maxPendingRequests;
    std::optional<int> maxRequestsPerConnection;
    std::optional<int> consecutiveErrors;
    std::optional<int> baseEjectionSeconds;
    std::optional<int> maxEjectionPercent;

    CircuitBreakerSettings appliedTo(CircuitBreakerSettings settings) const;
};

} // namespace ServeDeck
