#pragma once

#include <map>
#include <memory>
#include <mutex>

#include <QHash>
#include <QString>
#include <QUuid>

#include "proxy/proxyserver.h"
#include "proxy/routestats.h"

namespace ServeDeck {

struct EndpointTable;
struct RouteTarget;
struct RoutingSnapshot;

// One worker's counters: a RouteStats per route and a ShadowStats per endpoint with shadows.
// The maps are locked (by the worker only to insert or prune, by samplers to read); the counters
// themselves are atomics written by the worker alone.
class RouteStatsTable
{
public:
    // The counters of target, created when first seen; they live as long as the table.
    RouteStats *route(const RouteTarget &target, const QString &endpointName);
    std::shared_ptr<ShadowStats> shadow(const EndpointTable &table);
    // Counters of routes that left the snapshot are kept, so that a route which flaps out of
    // HEALTHY and back keeps counting from where it was; only beyond a bound are those without
    // requests in flight dropped.
    void prune(const RoutingSnapshot *snapshot);

    // Any thread: adds this worker's counters to into (buckets made cumulative).
    struct RouteSample
    {
        ProxyServer::RouteCounters counters;
        QString endpointName;
        QString modelVersion;
    };
    void collect(QHash<QUuid, RouteSample> &into) const;
    struct ShadowSample
    {
        ProxyServer::ShadowCounters counters;
        QString endpointName;
    };
    void collectShadows(QHash<QUuid, ShadowSample> &into) const;

private:
    mutable std::mutex m_mutex;
    std::map<QUuid, std::unique_ptr<RouteStats>> m_routes;
    std::map<QUuid, std::shared_ptr<ShadowStats>> m_shadows;  // by endpoint id
};

} // namespace ServeDeck
