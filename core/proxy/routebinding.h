#pragma once

#include <memory>

#include <QByteArray>
#include <QHostAddress>
#include <QString>
#include <QUuid>

#include "proxy/routingsnapshot.h"

namespace ServeDeck {

class RouteStats;
class RouteCircuit;
struct EndpointCircuit;

// A worker's own copy of one published route, with what the request path needs prepared
// once per snapshot: header values, the pool key, a parsed address. It shares no strings
// with the snapshot, so forwarding a request never touches a reference count that other
// workers touch too.
struct RouteBinding
{
    QUuid routeId;
    QByteArray routeIdText;   // X-ServeDeck-Route
    QByteArray revisionText;  // X-ServeDeck-Revision: the model version
    QByteArray authority;     // host:port, the Host header
    // Idle connections are pooled per route (route@authority), not per authority: each route's
    // connections count against its own circuit breaker.
    QByteArray poolKey;
    QByteArray endpointName;  // UTF-8, as in the request path: finds the endpoint's view again
    QString host;
    QHostAddress address;     // null when host is a name to look up
    quint16 port = 0;
    int weight = 0;
    bool shadow = false;
    CircuitBreakerPolicy policy;  // the endpoint's
    RouteStats *stats = nullptr;  // this worker's counters for the route, owned by the worker
    std::shared_ptr<RouteCircuit> circuit;      // shared by every worker
    std::shared_ptr<EndpointCircuit> endpoint;  // shared by every worker
};

} // namespace ServeDeck
