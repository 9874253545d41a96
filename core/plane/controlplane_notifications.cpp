// The plane's notifications: the Notifier and what feeds it. The service's, gateway's, rollouts'
// and sampler's signals are turned into plain values for NotificationSources here, so core/notify
// knows none of them. Runs once per plane (issue 18 will make only the leader's active, through
// Notifier::setActive).
#include "controlplane.h"

#include "agent/agentconnector.h"
#include "agent/agentgateway.h"
#include "domain/clock.h"
#include "notify/notificationsources.h"
#include "notify/notifier.h"
#include "service/endpointmetricssampler.h"
#include "service/modelservingservice.h"
#include "service/routingpublisher.h"
#include "store/repository.h"

namespace ServeDeck {

namespace {

// What an alert rule may watch, from one sample: absent where the interval had no data.
QHash<QString, double> alertMetrics(const EndpointLoad &load)
{
    QHash<QString, double> out;
    out.insert(QStringLiteral("requests_per_second"), load.requestsPerSecond);
    if (load.requestsPerSecond > 0)
        out.insert(QStringLiteral("error_rate"), load.errorRate);
    if (load.p95Ms)
        out.insert(QStringLiteral("p95_ms"), *load.p95Ms);
    if (load.p99Ms)
        out.insert(QStringLiteral("p99_ms"), *load.p99Ms);
    if (load.ttftP95Ms)
        out.insert(QStringLiteral("ttft_p95_ms"), *load.ttftP95Ms);
    return out;
}

} // namespace

void ControlPlane::startNotifications()
{
    m_notifier = new Notifier(*m_repository, Clock::system(), this);
    m_notificationSources = new NotificationSources(*m_notifier, Clock::system(), this);
    NotificationSources *sources = m_notificationSources;
    Repository *repository = m_repository.get();
    const auto endpointName = [repository](const QUuid &endpointId) {
        auto endpoint = repository->endpointById(endpointId);
        return endpoint && endpoint->has_value() ? (*endpoint)->name : QString();
    };

    connect(m_service.get(), &ModelServingService::errorRecorded, sources,
            [sources, endpointName](const ErrorRecord &record) { sources->errorRecorded(record, endpointName(record.endpointId)); });
    connect(m_service.get(), &ModelServingService::rolloutChanged, sources,
            [sources, repository, endpointName](const QUuid &endpointId, const QUuid &rolloutId) {
                auto rollout = repository->rollout(rolloutId);
                if (rollout && rollout->has_value())
                    sources->rolloutChanged(endpointId, endpointName(endpointId), rolloutId, (*rollout)->phase);
            });
    connect(m_service.get(), &ModelServingService::endpointRemoved, sources, &NotificationSources::endpointRemoved);
    if (m_gateway) {
        connect(m_gateway, &AgentGateway::agentJoined, sources,
                [sources](AgentConnector *agent) { sources->agentJoined(agent->agentId()); });
    }

    // Level states (healthy routes, retries, circuits, alert metrics) at each metrics sample.
    if (!m_metrics)
        return;
    const EndpointMetricsSampler *sampler = m_metrics;
    const RoutingPublisher *routing = m_routing;
    const int maxRetries = m_service->config().maxRetries;
    connect(m_metrics, &EndpointMetricsSampler::sampled, sources, [sources, sampler, routing, repository, maxRetries] {
        auto endpoints = repository->endpoints();
        auto counts = repository->endpointRouteCounts();
        if (!endpoints || !counts)
            return;
        QHash<QUuid, int> healthy;
        for (const EndpointRouteCounts &c : std::as_const(*counts))
            healthy.insert(c.id, c.healthy);
        for (const Endpoint &e : std::as_const(*endpoints)) {
            NotificationSources::EndpointState s;
            s.endpointId = e.id;
            s.endpointName = e.name;
            // One being destroyed is meant to lose its replicas.
            s.desiredReplicas = e.lifecycle == EndpointLifecycle::Destroying ? 0 : e.replicas;
            s.healthyRoutes = healthy.value(e.id);
            s.retries = e.retries;
            s.maxRetries = maxRetries;
            for (const RouteCircuitMetrics &circuit : routing->metricsFor(e.id).circuits) {
                if (circuit.state != u"closed")
                    s.openCircuits.insert(circuit.routeId.toString(QUuid::WithoutBraces));
            }
            if (auto load = sampler->latest(e.id))
                s.metrics = alertMetrics(*load);
            sources->endpointSampled(s);
        }
    });
}

} // namespace ServeDeck
