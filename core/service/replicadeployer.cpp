#include "replicadeployer.h"

#include <cmath>

#include <QDir>
#include <QTimer>

#include "agent/agentconnector.h"
#include "runtime/launchplan.h"
#include "service/modelservingservice.h"
#include "store/repository.h"

namespace ServeDeck {

ReplicaDeployer::ReplicaDeployer(ModelServingService &service, Repository &repository, QObject *parent)
    : QObject(parent)
    , m_service(service)
    , m_repository(repository)
{
}

void ReplicaDeployer::addAgent(AgentConnector *agent)
{
    if (m_agents.contains(agent))
        return;
    m_agents.append(agent);
    connect(agent, &AgentConnector::replicaStarted, this, [this, agent](const QUuid &routeId, const QString &replicaId) {
        static_cast<void>(m_service.updateRouteState(routeId, RouteStatus::Provisioning, replicaId, agent->agentId()));
    });
    connect(agent, &AgentConnector::replicaHealthy, this, [this](const QUuid &routeId) {
        static_cast<void>(m_service.updateRouteState(routeId, RouteStatus::Healthy));
    });
    connect(agent, &AgentConnector::replicaUnhealthy, this,
            [this, agent](const QUuid &routeId, const QString &reason, const QString &logTail) {
                onUnhealthy(agent, routeId, reason, logTail);
            });
    connect(agent, &AgentConnector::replicaExited, this,
            [this, agent](const QUuid &routeId, const ReplicaExit &exit) { onExited(agent, routeId, exit); });
    connect(agent, &AgentConnector::lost, this, [this, agent](const QString &reason) { onLost(agent, reason); });
    connect(agent, &QObject::destroyed, this, [this, agent] { m_agents.removeAll(agent); });
    // What the other agents refused, this one may have.
    static_cast<void>(m_service.retryRefusedRoutes());
    deployPending();
    Q_EMIT reconcileWanted();
}

void ReplicaDeployer::deployPending()
{
    auto routes = m_repository.allRoutes();
    if (!routes)
        return;
    for (const Route &r : *routes) {
        if (r.status == RouteStatus::Provisioning && r.replicaId.isEmpty())
            deploy(r.id);
    }
}

void ReplicaDeployer::removeAgent(AgentConnector *agent)
{
    if (!m_agents.removeAll(agent))
        return;
    disconnect(agent, nullptr, this, nullptr);
    Q_EMIT reconcileWanted();
}

AgentConnector *ReplicaDeployer::agentNamed(const QString &agentId) const
{
    for (AgentConnector *agent : m_agents) {
        if (agent->agentId() == agentId)
            return agent;
    }
    return nullptr;
}

bool ReplicaDeployer::isRunning(const Route &route) const
{
    const AgentConnector *agent = agentNamed(route.agentId);
    return agent && agent->isConnected() && agent->isRunning(route.id);
}

ErrorRecord ReplicaDeployer::errorFor(const Route &route, const QString &agentId, const QString &type,
                                      const QString &message) const
{
    ErrorRecord record;
    record.endpointId = route.endpointId;
    record.routeId = route.id.toString(QUuid::WithoutBraces);
    record.replicaId = route.replicaId;
    record.agentId = agentId;
    record.type = type;
    record.message = message;
    return record;
}

Result<ReplicaSpec> ReplicaDeployer::specFor(const QUuid &routeId)
{
    auto route = m_repository.route(routeId);
    if (!route)
        return route.error();
    if (!route->has_value())
        return makeError(ErrorType::NotFound, QStringLiteral("route %1 not found").arg(routeId.toString()));
    auto endpoint = m_repository.endpointById((*route)->endpointId);
    if (!endpoint)
        return endpoint.error();
    auto revision = m_repository.revision((*route)->revisionId);
    if (!revision)
        return revision.error();
    if (!endpoint->has_value() || !revision->has_value())
        return makeError(ErrorType::NotFound, QStringLiteral("route %1 has no endpoint or revision").arg(routeId.toString()));
    const Endpoint &e = **endpoint;
    const QString folder = (*revision)->modelFolder;
    const int gpuCount = int(std::ceil(e.resourceSlots.gpu));

    auto plan = LaunchPlan::forFolder((*revision)->runtimeVariant, folder, gpuCount, m_service.config().toolsDirs, e.name);
    if (!plan)
        return plan.error();
    if (plan->program.isEmpty())
        return makeError(ErrorType::InvalidModelDefinition,
                         QStringLiteral("%1 has no model with a service.start_command")
                             .arg(plan->definition ? plan->definition->sourceFile : folder));

    ReplicaSpec spec = specFrom(*plan, gpuCount);
    spec.routeId = routeId;
    spec.endpointId = e.id;
    spec.environment.insert(QStringLiteral("SERVEDECK_ENDPOINT"), e.name);
    spec.environment.insert(QStringLiteral("SERVEDECK_ROUTE_ID"), routeId.toString(QUuid::WithoutBraces));
    spec.environment.insert(QStringLiteral("SERVEDECK_MODEL_VERSION"), (*revision)->modelVersion);
    spec.memoryLimitBytes = e.resourceSlots.memoryBytes;
    spec.cpuCores = e.resourceSlots.cpu;
    spec.gpuMemoryBytes = e.resourceSlots.gpuMemoryBytes;
    return spec;
}

ReplicaSpec ReplicaDeployer::specFrom(const LaunchPlan &plan, int gpuCount)
{
    ReplicaSpec spec;
    // A program in a tools dir is named by its path; a bare name is found by the agent that runs it.
    spec.program = plan.inToolsDir ? plan.programPath : plan.program;
    spec.arguments = plan.arguments;
    spec.workingDirectory = plan.folder;
    for (const auto &[name, value] : plan.environment)
        spec.environment.insert(name, value);
    spec.environment.insert(QStringLiteral("MODEL_PATH"), plan.modelPath);
    spec.gpuCount = gpuCount;
    spec.gpuMemoryArguments = plan.gpuMemoryArguments;
    spec.healthCheck = plan.healthCheck;
    spec.loadingStatusCode = plan.loadingStatusCode;
    spec.startTimeoutMs = qint64(plan.startTimeoutS) * 1000;
    spec.readyBody = plan.readyBody;
    spec.extraPorts = plan.extraPorts;
    return spec;
}

void ReplicaDeployer::deploy(const QUuid &routeId)
{
    auto route = m_repository.route(routeId);
    if (!route || !route->has_value() || (*route)->status != RouteStatus::Provisioning || isRunning(**route))
        return;
    const QUuid endpointId = (*route)->endpointId;
    // The connected agent running the fewest replicas takes the new one; one that lacks the
    // resources passes it to the next.
    QList<AgentConnector *> candidates;
    for (AgentConnector *agent : m_agents) {
        if (agent->isConnected())
            candidates << agent;
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](AgentConnector *a, AgentConnector *b) { return a->replicaCount() < b->replicaCount(); });
    if (candidates.isEmpty()) {
        // Not a failed start: the route waits, PROVISIONING, for an agent to join (deployPending).
        return;
    }
    auto spec = specFor(routeId);
    if (!spec) {
        failStart(routeId, endpointId, spec.error().message);
        return;
    }
    QStringList refusals;
    for (AgentConnector *target : std::as_const(candidates)) {
        auto replicaId = target->start(*spec);
        if (replicaId) {
            static_cast<void>(m_service.updateRouteState(routeId, RouteStatus::Provisioning, *replicaId, target->agentId()));
            return;
        }
        if (replicaId.error().type != ErrorType::InsufficientResources) {
            failStart(routeId, endpointId, replicaId.error().message);
            return;
        }
        refusals << QStringLiteral("agent %1: %2").arg(target->agentId(), replicaId.error().message);
    }
    // Not a failed start either: it waits in the queue, saying why, and is offered again after
    // a while (the plane's accounting cannot see what the agents lack).
    static_cast<void>(m_service.requeueRoute(routeId, refusals.join(QStringLiteral("; ")), kRequeueAfterMs));
}

void ReplicaDeployer::drain(const QUuid &routeId)
{
    if (m_draining.contains(routeId))
        return;
    m_draining.insert(routeId);
    stopWhenIdle(routeId, QDeadlineTimer(drainGraceMs));
}

void ReplicaDeployer::stopWhenIdle(const QUuid &routeId, QDeadlineTimer deadline)
{
    // The first look comes after the routing snapshot without this route is published (that
    // waits for the event loop), so no new request can reach the replica once it is idle.
    constexpr int kLookEveryMs = 50;
    QTimer::singleShot(kLookEveryMs, this, [this, routeId, deadline] {
        if (m_inFlight && m_inFlight(routeId) > 0 && !deadline.hasExpired()) {
            stopWhenIdle(routeId, deadline);
            return;
        }
        m_draining.remove(routeId);
        auto route = m_repository.route(routeId);
        if (!route || !route->has_value())
            return;
        if (AgentConnector *agent = agentNamed((*route)->agentId))
            agent->stop(routeId);
    });
}

void ReplicaDeployer::failStart(const QUuid &routeId, const QUuid &endpointId, const QString &message)
{
    ErrorRecord record;
    record.endpointId = endpointId;
    record.routeId = routeId.toString(QUuid::WithoutBraces);
    record.type = QStringLiteral("StartFailed");
    record.message = message;
    static_cast<void>(m_service.recordReplicaFailure(record, RouteStatus::FailedToStart, true));
    // Nothing runs for it: the next pass removes the route and, within the retry limit, tries again.
    static_cast<void>(m_service.updateRouteState(routeId, RouteStatus::FailedToStart, QStringLiteral("none")));
    Q_EMIT reconcileWanted();
}

void ReplicaDeployer::onUnhealthy(AgentConnector *agent, const QUuid &routeId, const QString &reason, const QString &logTail)
{
    auto route = m_repository.route(routeId);
    if (!route || !route->has_value())
        return;
    ErrorRecord record = errorFor(**route, agent->agentId(), QStringLiteral("HealthCheckFailed"), reason);
    record.logTail = logTail;
    static_cast<void>(m_service.recordReplicaFailure(record, RouteStatus::Unhealthy, false));
}

void ReplicaDeployer::onExited(AgentConnector *agent, const QUuid &routeId, const ReplicaExit &exit)
{
    if (exit.errorKind) {
        auto route = m_repository.route(routeId);
        if (route && route->has_value()) {
            ErrorRecord record = errorFor(**route, agent->agentId(), *exit.errorKind, exit.message);
            record.exitCode = exit.exitCode >= 0 ? std::optional<int>(exit.exitCode) : std::nullopt;
            record.signal = exit.signal;
            record.logTail = exit.logTail;
            // One that never served counts against the retry limit; one that served and died does not.
            static_cast<void>(m_service.recordReplicaFailure(
                record, exit.everHealthy ? RouteStatus::Unhealthy : RouteStatus::FailedToStart, !exit.everHealthy));
        }
    }
    Q_EMIT reconcileWanted();
}

void ReplicaDeployer::onLost(AgentConnector *agent, const QString &reason)
{
    auto routes = m_repository.allRoutes();
    if (routes) {
        for (const Route &r : *routes) {
            if (r.agentId != agent->agentId() || r.status == RouteStatus::Terminating)
                continue;
            const ErrorRecord record = errorFor(r, agent->agentId(), QStringLiteral("AgentLost"),
                                                QStringLiteral("agent %1 lost: %2").arg(agent->agentId(), reason));
            static_cast<void>(m_service.recordReplicaFailure(record, RouteStatus::Unhealthy, false));
        }
    }
    // Its routes' replicas can no longer be reached: the reconciler replaces them elsewhere.
    Q_EMIT reconcileWanted();
}

} // namespace ServeDeck
