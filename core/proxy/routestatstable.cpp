#include "proxy/routestatstable.h"

#include <QSet>

#include "proxy/routingsnapshot.h"

namespace ServeDeck {

namespace {

// Beyond this many routes' counters, those of routes no longer published are dropped.
constexpr std::size_t kMaxRetainedRouteStats = 4096;

template<typename Buckets>
void addCumulative(QList<quint64> &into, const Buckets &buckets)
{
    if (into.isEmpty())
        into.resize(qsizetype(buckets.size()), 0);
    quint64 cumulative = 0;
    for (std::size_t i = 0; i < buckets.size(); ++i) {
        cumulative += buckets[i].load(std::memory_order_relaxed);
        into[qsizetype(i)] += cumulative;
    }
}

} // namespace

RouteStats *RouteStatsTable::route(const RouteTarget &target, const QString &endpointName)
{
    const std::lock_guard lock(m_mutex);
    std::unique_ptr<RouteStats> &stats = m_routes[target.routeId];
    if (!stats)
        stats = std::make_unique<RouteStats>(target.routeId, endpointName, target.modelVersion);
    return stats.get();
}

std::shared_ptr<ShadowStats> RouteStatsTable::shadow(const EndpointTable &table)
{
    const std::lock_guard lock(m_mutex);
    std::shared_ptr<ShadowStats> &stats = m_shadows[table.endpointId];
    if (!stats)
        stats = std::make_shared<ShadowStats>(table.endpointId, table.name);
    return stats;
}

void RouteStatsTable::prune(const RoutingSnapshot *snapshot)
{
    if (m_routes.size() <= kMaxRetainedRouteStats)
        return;
    QSet<QUuid> published;
    if (snapshot) {
        for (const EndpointTable &table : snapshot->endpoints) {
            for (const RouteTarget &target : table.routes)
                published.insert(target.routeId);
        }
    }
    // Bindings only point at published routes or at routes with requests in flight.
    const std::lock_guard lock(m_mutex);
    std::erase_if(m_routes, [&published](const auto &entry) {
        return !published.contains(entry.first) && entry.second->inFlight.load(std::memory_order_relaxed) == 0;
    });
}

void RouteStatsTable::collect(QHash<QUuid, RouteSample> &into) const
{
    const std::lock_guard lock(m_mutex);
    for (const auto &[id, stats] : m_routes) {
        RouteSample &sample = into[id];
        if (sample.endpointName.isEmpty()) {
            sample.endpointName = stats->endpointName;
            sample.modelVersion = stats->modelVersion;
        }
        ProxyServer::RouteCounters &counters = sample.counters;
        counters.requests += stats->requests.load(std::memory_order_relaxed);
        counters.errors += stats->errors.load(std::memory_order_relaxed);
        counters.inFlight += stats->inFlight.load(std::memory_order_relaxed);
        counters.latencySumSeconds += double(stats->latencyNanos.load(std::memory_order_relaxed)) / 1e9;
        addCumulative(counters.latencyBuckets, stats->buckets);
        counters.ttftSumSeconds += double(stats->ttftNanos.load(std::memory_order_relaxed)) / 1e9;
        addCumulative(counters.ttftBuckets, stats->ttftBuckets);
        counters.tokens += stats->tokens.load(std::memory_order_relaxed);
        counters.decodeTokens += stats->decodeTokens.load(std::memory_order_relaxed);
        counters.decodeSeconds += double(stats->decodeNanos.load(std::memory_order_relaxed)) / 1e9;
    }
}

void RouteStatsTable::collectShadows(QHash<QUuid, ShadowSample> &into) const
{
    const std::lock_guard lock(m_mutex);
    for (const auto &[id, stats] : m_shadows) {
        ShadowSample &sample = into[id];
        if (sample.endpointName.isEmpty())
            sample.endpointName = stats->endpointName;
        ProxyServer::ShadowCounters &c = sample.counters;
        c.requests += stats->requests.load(std::memory_order_relaxed);
        c.errors += stats->errors.load(std::memory_order_relaxed);
        c.dropped += stats->droppedCopies.load(std::memory_order_relaxed);
        c.comparisons += stats->comparisons.load(std::memory_order_relaxed);
        c.mismatches += stats->mismatches.load(std::memory_order_relaxed);
        c.inFlight += stats->inFlight.load(std::memory_order_relaxed);
        c.latencySumSeconds += double(stats->latencyNanos.load(std::memory_order_relaxed)) / 1e9;
        addCumulative(c.latencyBuckets, stats->buckets);
    }
}

} // namespace ServeDeck
