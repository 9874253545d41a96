#include "replicadeployer.h"

#include <QDir>

#include "agent/localagent.h"
#include "agent/replicaprocess.h"
#include "service/modelservingservice.h"
#include "store/repository.h"

namespace ServeDeck {

namespace {

// The definition speaks of the folder as mounted at /models (Backend.AI's VFolder mount);
// on this machine the folder itself is the mount.
QString mapModelPath(const QString &arg, const QString &folder)
{
    if (arg == u"/models")
        return folder;
    if (arg.startsWith(QStringLiteral("/models/")))
        return QDir(folder).filePath(arg.mid(8));
    return arg;
}

} // namespace

ReplicaDeployer::ReplicaDeployer(ModelServingService &service, Repository &repository, LocalAgent &agent, QObject *parent)
    : QObject(parent)
    , m_service(service)
    , m_repository(repository)
    , m_agent(agent)
{
    connect(&m_agent, &LocalAgent::replicaHealthy, this, [this](const QUuid &routeId) {
        static_cast<void>(m_service.updateRouteState(routeId, RouteStatus::Healthy));
    });
    connect(&m_agent, &LocalAgent::replicaUnhealthy, this, [this](const QUuid &routeId, const QString &reason) {
        auto route = m_repository.route(routeId);
        if (!route || !route->has_value())
            return;
        ErrorRecord record;
        record.endpointId = (*route)->endpointId;
        record.routeId = routeId.toString(QUuid::WithoutBraces);
        record.replicaId = (*route)->replicaId;
        record.agentId = m_agent.agentId();
        record.type = QStringLiteral("HealthCheckFailed");
        record.message = reason;
        if (const auto *replica = m_agent.replica(routeId))
            record.logTail = replica->log().text();
        static_cast<void>(m_service.recordReplicaFailure(record, RouteStatus::Unhealthy, false));
    });
    connect(&m_agent, &LocalAgent::replicaExited, this, &ReplicaDeployer::onExited);
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

    auto definition = ModelDefinitionParser::loadFolder(folder);
    if (!definition)
        return definition.error();
    auto model = std::find_if(definition->models.begin(), definition->models.end(),
                              [](const ModelEntry &m) { return m.service.has_value(); });
    if (model == definition->models.end() || model->service->startCommand.isEmpty())
        return makeError(ErrorType::InvalidModelDefinition,
                         QStringLiteral("%1 has no model with a service.start_command").arg(definition->sourceFile));

    ReplicaSpec spec;
    spec.routeId = routeId;
    spec.endpointId = e.id;
    QStringList command;
    for (const QString &arg : model->service->startCommand)
        command << mapModelPath(arg, folder);
    spec.program = command.takeFirst();
    spec.arguments = command;
    spec.workingDirectory = folder;
    spec.environment = {{QStringLiteral("SERVEDECK_ENDPOINT"), e.name},
                        {QStringLiteral("SERVEDECK_ROUTE_ID"), routeId.toString(QUuid::WithoutBraces)},
                        {QStringLiteral("SERVEDECK_MODEL_VERSION"), (*revision)->modelVersion},
                        {QStringLiteral("MODEL_PATH"), ModelDefinitionParser::hostPath(model->modelPath, folder)}};
    if (e.resourceSlots.gpu <= 0)
        spec.environment.insert(QStringLiteral("CUDA_VISIBLE_DEVICES"), QString());  // a CPU replica sees no GPU
    spec.memoryLimitBytes = e.resourceSlots.memoryBytes;
    spec.healthCheck = model->service->healthCheck;
    return spec;
}

void ReplicaDeployer::deploy(const QUuid &routeId)
{
    auto route = m_repository.route(routeId);
    if (!route || !route->has_value() || (*route)->status != RouteStatus::Provisioning || m_agent.isRunning(routeId))
        return;
    const QUuid endpointId = (*route)->endpointId;
    auto spec = specFor(routeId);
    if (!spec) {
        failStart(routeId, endpointId, spec.error().message);
        return;
    }
    auto replicaId = m_agent.start(*spec);
    if (!replicaId) {
        failStart(routeId, endpointId, replicaId.error().message);
        return;
    }
    static_cast<void>(m_service.updateRouteState(routeId, RouteStatus::Provisioning, *replicaId, m_agent.agentId()));
}

void ReplicaDeployer::drain(const QUuid &routeId)
{
    m_agent.stop(routeId);
}

void ReplicaDeployer::failStart(const QUuid &routeId, const QUuid &endpointId, const QString &message)
{
    ErrorRecord record;
    record.endpointId = endpointId;
    record.routeId = routeId.toString(QUuid::WithoutBraces);
    record.agentId = m_agent.agentId();
    record.type = QStringLiteral("StartFailed");
    record.message = message;
    static_cast<void>(m_service.recordReplicaFailure(record, RouteStatus::FailedToStart, true));
    // Nothing runs for it: the next pass removes the route and, within the retry limit, tries again.
    static_cast<void>(m_service.updateRouteState(routeId, RouteStatus::FailedToStart, QStringLiteral("none"), m_agent.agentId()));
    Q_EMIT reconcileWanted();
}

void ReplicaDeployer::onExited(const QUuid &routeId, const ReplicaExit &exit)
{
    if (exit.errorKind) {
        auto route = m_repository.route(routeId);
        if (route && route->has_value()) {
            ErrorRecord record;
            record.endpointId = (*route)->endpointId;
            record.routeId = routeId.toString(QUuid::WithoutBraces);
            record.replicaId = (*route)->replicaId;
            record.agentId = m_agent.agentId();
            record.type = *exit.errorKind;
            record.message = exit.message;
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

} // namespace ServeDeck
