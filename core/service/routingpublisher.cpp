#include "routingpublisher.h"

#include <algorithm>

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
            const QString version = revision != revisions->cend() ? revision->modelVersion : QString();
            table.routes.append({r.id, r.revisionId, version, hostOf(r.agentId), port, r.weight});
        }
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
