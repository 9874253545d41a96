// The plane's usage accounting: the ledger follows every change of an endpoint's routes, the
// recorder every pass of the metrics sampler. Runs once per plane, on the control thread.
#include "controlplane.h"

#include <QPointer>

#include "agent/agentconnector.h"
#include "domain/clock.h"
#include "plane/planelog.h"
#include "proxy/proxyserver.h"
#include "scheduler/reconciler.h"
#include "service/endpointmetricssampler.h"
#include "service/modelservingservice.h"
#include "service/replicadeployer.h"
#include "store/repository.h"
#include "usage/usageledger.h"
#include "usage/usagerecorder.h"

namespace ServeDeck {

Result<Done> ControlPlane::startUsage()
{
    m_usageLedger = std::make_unique<UsageLedger>(*m_repository, Clock::system());
    m_usageRecorder = std::make_unique<UsageRecorder>(*m_repository, Clock::system());
    if (m_deployer) {
        // Which devices an agent gave a replica: the agents know, the store does not.
        const QPointer<const ReplicaDeployer> deployer = m_deployer;
        m_usageLedger->setDeviceSource([deployer](const QUuid &routeId) {
            QStringList devices;
            for (const AgentConnector *agent : deployer ? deployer->agents() : QList<AgentConnector *>()) {
                for (const ReplicaStatus &r : agent->status().replicas) {
                    if (r.routeId != routeId)
                        continue;
                    for (int index : r.gpus)
                        devices << agent->agentId() + u':' + QString::number(index);
                }
            }
            return devices;
        });
    }
    // What a crash left open is closed before anything new is counted; on a shared plane by
    // the leader only (a follower's start must not close the leader's open intervals).
    if (isLeader()) {
        if (auto recovered = m_usageLedger->recover(); !recovered)
            return recovered.error();
    }

    const auto follow = [this](const QUuid &endpointId) {
        if (!m_usageLedger || !isLeader())
            return;
        if (auto done = m_usageLedger->routesChanged(endpointId); !done)
            qCWarning(lcPlane, "usage ledger: %s", qPrintable(done.error().message));
    };
    connect(m_service.get(), &ModelServingService::routesChanged, this, follow);
    connect(m_service.get(), &ModelServingService::endpointChanged, this, follow);
    connect(m_service.get(), &ModelServingService::endpointRemoved, this, follow);
    if (m_reconciler) {
        connect(m_reconciler, &Reconciler::routesChanged, this, follow);
        connect(m_reconciler, &Reconciler::endpointChanged, this, follow);
    }

    const EndpointMetricsSampler *sampler = m_metrics;
    const ProxyServer *proxy = m_proxy;
    connect(m_metrics, &EndpointMetricsSampler::sampled, this, [this, sampler, proxy] {
        if (!m_usageRecorder || !isLeader())
            return;
        // Each route's cumulative counters with its revision, by endpoint, from the proxy the
        // sampler reads (a moment after it did: the counters only grow, so what it missed counts
        // in the next pass). A route the store no longer holds is left out.
        QHash<QUuid, QList<UsageRouteReading>> routeReadings;
        if (proxy) {
            const QHash<QUuid, ProxyServer::RouteCounters> counters = proxy->routeCounters();
            auto routes = m_repository->allRoutes();
            if (!routes)
                qCWarning(lcPlane, "usage routes: %s", qPrintable(routes.error().message));
            for (const Route &route : routes ? *routes : QList<Route>()) {
                const auto c = counters.constFind(route.id);
                if (c == counters.cend())
                    continue;
                routeReadings[route.endpointId].append(
                    {route.id, route.revisionId, qint64(c->requests), qint64(c->errors)});
            }
        }
        auto recorded = m_usageRecorder->record([sampler, &routeReadings](const QUuid &endpointId) -> std::optional<UsageReading> {
            const auto load = sampler->latest(endpointId);
            if (!load)
                return std::nullopt;
            UsageReading r;
            r.time = load->time;
            r.requestsTotal = load->requestsTotal;
            r.errorsTotal = load->errorsTotal;
            r.requestsPerSecond = load->requestsPerSecond;
            r.errorRate = load->errorRate;
            r.p95Ms = load->p95Ms;
            r.cpuPercent = load->cpuPercent;
            r.gpuPercent = load->gpuPercent;
            r.routes = routeReadings.value(endpointId);
            return r;
        });
        if (!recorded)
            qCWarning(lcPlane, "usage samples: %s", qPrintable(recorded.error().message));
    });
    return Done{};
}

} // namespace ServeDeck
