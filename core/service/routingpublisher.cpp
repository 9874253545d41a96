#include "routingpublisher.h"

#include <algorithm>

#include "domain/rollout.h"

#include "proxy/proxyserver.h"
#include "servicelog.h"
#include "store/repository.h"

namespace ServeDeck {

namespace {

// Replica ids are agent:pid:port; the replica listens on the loopback of its agent's machine.
quint16 portOf(const QString &replicaId)
{
    const QStringList parts = replicaId.split(u':');
    return parts.size() == 3 ? quint16(parts[2].toUInt()) : 0;
}

CircuitBreakerPolicy policyOf(const CircuitBreakerSettings &settings)
{
    CircuitBreakerPolicy policy;
    policy.maxConnections = settings.maxConnections;
    policy.maxPendingRequests = settings.maxPendingRequests;
    policy.maxRequestsPerConnection = settings.maxRequestsPerConnection;
    policy.consecutiveErrors = settings.consecutiveErrors;
    policy.baseEjectionMs = qint64(settings.baseEjectionSeconds) * 1000;
    policy.maxEjectionPercent = settings.maxEjectionPercent;
    return policy;
}

// While a rollout shapes an endpoint, traffic between its two revisions is the plan's share
// for the new one (canary, progressive, blue-green), or else in proportion to each side's
// HEALTHY replicas (rolling, promoting). Each side's share is spread over its routes in
// proportion to their own weights, out of 10000 so a 1 % canary over many routes still counts.
void applyRolloutShare(const Rollout &o, int desired, QList<RouteTarget> &routes)
{
    const auto healthyOf = [&](const QUuid &revision) {
        return int(std::count_if(routes.cbegin(), routes.cend(), [&](const RouteTarget &t) { return t.revisionId == revision; }));
    };
    const int targetHealthy = healthyOf(o.toRevisionId);
    const int stableHealthy = healthyOf(o.fromRevisionId);
    // The controller clears warmUntil when the window ends; until then the old set is warm.
    const QDateTime now = o.warmUntil.isValid() ? o.warmUntil.addMSecs(-1) : o.updatedAt;
    const RolloutPlan plan = planRollout(o, desired, targetHealthy, now);
    if (!plan.affectsRevisions || targetHealthy + stableHealthy == 0)
        return;
    const int share = plan.targetWeight ? *plan.targetWeight : (100 * targetHealthy + (targetHealthy + stableHealthy) / 2)
                                                                     / (targetHealthy + stableHealthy);
    const auto spread = [&](const QUuid &revision, int total) {
        qint64 sum = 0;
        int count = 0;
        for (const RouteTarget &t : std::as_const(routes)) {
            if (t.revisionId == revision) {
                sum += t.weight;
                ++count;
            }
        }
        for (RouteTarget &t : routes) {
            if (t.revisionId == revision)
                t.weight = sum > 0 ? int(qint64(total) * t.weight / sum) : total / count;
        }
    };
    spread(o.toRevisionId, share * 100);
    spread(o.fromRevisionId, (100 - share) * 100);
}

} // namespace

RoutingPublisher::RoutingPublisher(Repository &repository, ProxyServer &proxy, QObject *parent)
    : QObject(parent)
    , m_repository(repository)
    , m_proxy(proxy)
{
    m_soon.setSingleShot(true);
    m_soon.setInterval(0);
    connect(&m_soon, &QTimer::timeout, this, [this] {
        if (auto published = publishNow(); !published)
            qCWarning(lcService, "routing snapshot not published: %s", qPrintable(published.error().message));
    });
}

void RoutingPublisher::schedule()
{
    if (!m_soon.isActive())
        m_soon.start();
}

void RoutingPublisher::flush()
{
    if (!m_soon.isActive())
        return;
    m_soon.stop();
    if (auto published = publishNow(); !published)
        qCWarning(lcService, "routing snapshot not published: %s", qPrintable(published.error().message));
}

Result<quint64> RoutingPublisher::publishNow()
{
    auto endpoints = m_repository.endpoints();
    if (!endpoints)
        return endpoints.error();
    auto routes = m_repository.routesByEndpoint();
    if (!routes)
        return routes.error();
    auto revisions = m_repository.revisionsById();
    if (!revisions)
        return revisions.error();
    QHash<QUuid, QList<const Revision *>> revisionsOf;
    for (const Revision &r : *revisions)
        revisionsOf[r.endpointId].append(&r);
    auto revoked = m_repository.revokedTokenIds();
    if (!revoked)
        return revoked.error();
    auto shaping = m_repository.shapingRollouts();
    if (!shaping)
        return shaping.error();
    QHash<QUuid, const Rollout *> rolloutOf;
    for (const Rollout &o : *shaping)
        rolloutOf.insert(o.endpointId, &o);

    auto snapshot = std::make_shared<RoutingSnapshot>();
    snapshot->version = ++m_version;
    snapshot->revokedTokenIds = QSet<QString>(revoked->begin(), revoked->end());
    QHash<QString, QString> hosts;
    const auto hostOf = [&](const QString &agentId) {
        auto it = hosts.find(agentId);
        if (it == hosts.end()) {
            QString host = m_hostOf ? m_hostOf(agentId) : QString();
            it = hosts.insert(agentId, host.isEmpty() ? QStringLiteral("127.0.0.1") : host);
        }
        return *it;
    };
    for (const Endpoint &e : *endpoints) {
        if (!e.isLive())
            continue;
        EndpointTable table;
        table.endpointId = e.id;
        table.name = e.name;
        table.aliases = e.aliases;
        for (const QString &alias : e.aliases)
            snapshot->aliases.insert(alias, e.name);
        table.isPublic = e.isPublic;
        table.desiredReplicas = e.replicas;
        table.circuitBreaker = policyOf(e.circuitBreaker);
        for (const Revision *r : revisionsOf.value(e.id)) {
            RevisionPolicy policy;
            policy.revisionId = r->id;
            policy.shadow = r->mode == RevisionMode::Shadow;
            if (r->matchHeader) {
                policy.matchHeaderName = r->matchHeader->name.toUtf8();
                policy.matchHeaderValue = r->matchHeader->value.toUtf8();
            }
            table.revisions.append(policy);
        }
        for (const Route &r : routes->value(e.id)) {
            const quint16 port = portOf(r.replicaId);
            if (r.status != RouteStatus::Healthy || port == 0)
                continue;
            const auto revision = revisions->constFind(r.revisionId);
            // A revision nothing asks replicas of any more (a rollout just ended) is draining:
            // it takes no traffic even before its routes are marked so.
            const Rollout *shapedBy = rolloutOf.value(e.id);
            const bool wanted = r.revisionId == e.currentRevisionId
                || (revision != revisions->cend() && revision->replicas > 0)
                || (shapedBy && (r.revisionId == shapedBy->fromRevisionId || r.revisionId == shapedBy->toRevisionId));
            if (!wanted)
                continue;
            const QString version = revision != revisions->cend() ? revision->modelVersion : QString();
            table.routes.append({r.id, r.revisionId, version, hostOf(r.agentId), port, r.weight});
        }
        if (const Rollout *o = rolloutOf.value(e.id))
            applyRolloutShare(*o, e.replicas, table.routes);
        snapshot->endpoints.insert(e.name, std::move(table));
    }
    m_proxy.publish(std::move(snapshot));
    return m_version;
}

EndpointMetrics RoutingPublisher::metricsFor(const QUuid &endpointId) const
{
    EndpointMetrics metrics;
    const auto counters = m_proxy.routeCounters();
    double seconds = 0;
    QSet<QUuid> mine;
    if (auto routes = m_repository.routes(endpointId); routes) {
        for (const Route &r : *routes)
            mine.insert(r.id);
    }
    for (auto it = counters.cbegin(); it != counters.cend(); ++it) {
        if (!mine.contains(it.key()))
            continue;
        metrics.requests += qint64(it->requests);
        metrics.errors += qint64(it->errors);
        metrics.generatedTokens += qint64(it->tokens);
        seconds += it->latencySumSeconds;
    }
    if (metrics.requests > 0)
        metrics.meanLatencyMs = seconds * 1000.0 / double(metrics.requests);

    const auto circuits = m_proxy.routeCircuits();
    for (auto it = circuits.cbegin(); it != circuits.cend(); ++it) {
        if (it->endpointId != endpointId)
            continue;
        metrics.circuits.append({it.key(), ProxyServer::circuitStateName(it->state), it->ejectedForMs, it->timesEjected,
                                 it->connections, it->pending, qint64(it->overflows)});
    }
    std::sort(metrics.circuits.begin(), metrics.circuits.end(),
              [](const RouteCircuitMetrics &a, const RouteCircuitMetrics &b) { return a.routeId < b.routeId; });
    const auto shadows = m_proxy.shadowCounters();
    if (const auto shadow = shadows.constFind(endpointId); shadow != shadows.cend()) {
        ShadowMetrics m;
        m.requests = qint64(shadow->requests);
        m.errors = qint64(shadow->errors);
        m.dropped = qint64(shadow->dropped);
        m.comparisons = qint64(shadow->comparisons);
        m.mismatches = qint64(shadow->mismatches);
        const quint64 answered = shadow->latencyBuckets.isEmpty() ? 0 : shadow->latencyBuckets.last();
        if (answered > 0)
            m.meanLatencyMs = shadow->latencySumSeconds * 1000.0 / double(answered);
        metrics.shadow = m;
    }
    return metrics;
}

} // namespace ServeDeck
