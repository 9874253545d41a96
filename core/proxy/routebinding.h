#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QString>
#include <QUuid>

namespace ServeDeck {

class RouteStats;

// A worker's own copy of one published route, with what the request path needs prepared
// once per snapshot: header values, the pool key, a parsed address. It shares no strings
// with the snapshot, so forwarding a request never touches a reference count that other
// workers touch too.
struct RouteBinding
{
    QUuid routeId;
    QByteArray routeIdText;   // X-ServeDeck-Route
    QByteArray revisionText;  // X-ServeDeck-Revision: the model version
    QByteArray authority;     // host:port, the Host header and the pool key
    QString host;
    QHostAddress address;     // null when host is a name to look up
    quint16 port = 0;
    int weight = 0;
    RouteStats *stats = nullptr;  // this worker's counters for the route, owned by the worker
};

} // namespace ServeDeck
