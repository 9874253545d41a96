// ModelServingService: construction, looking endpoints up, model folders, capacity in use.
#include "modelservingservice.h"
#include "modelservingservice_p.h"

#include <cmath>

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>

#include "store/repository.h"

namespace ServeDeck {

namespace {

QJsonObject field(const QString &name)
{
    return {{QStringLiteral("field"), name}};
}

} // namespace

namespace detail {

ServiceError invalid(const QString &fieldName, const QString &message)
{
    return makeError(ErrorType::InvalidArgument, fieldName + QStringLiteral(": ") + message, field(fieldName));
}

QString idText(const QUuid &id)
{
    return id.toString(QUuid::WithoutBraces);
}

std::optional<ServiceError> checkReplicas(int replicas)
{
    if (replicas < 0 || replicas > kMaxReplicas)
        return invalid(QStringLiteral("replicas"), QStringLiteral("must be between 0 and %1").arg(kMaxReplicas));
    return std::nullopt;
}

// How many replicas of `perReplica` fit into `available`, over every slot kind.
int replicasThatFit(const ResourceSlots &perReplica, const ResourceSlots &available)
{
    double fit = kMaxReplicas;
    if (perReplica.cpu > 0)
        fit = std::min(fit, std::floor(std::max(0.0, available.cpu) / perReplica.cpu + 1e-9));
    if (perReplica.memoryBytes > 0)
        fit = std::min(fit, std::floor(double(std::max<qint64>(0, available.memoryBytes)) / double(perReplica.memoryBytes)));
    if (perReplica.wholeGpus() > 0)
        fit = std::min(fit, std::floor(std::max(0.0, available.gpu) / perReplica.wholeGpus() + 1e-9));
    if (perReplica.gpuMemoryBytes > 0)
        fit = std::min(fit, std::floor(double(std::max<qint64>(0, available.gpuMemoryBytes)) / double(perReplica.gpuMemoryBytes)));
    return int(fit);
}

QJsonObject capacityDetails(const ResourceSlots &perReplica, int replicas, const ResourceSlots &available,
                            const ResourceSlots &total)
{
    return {{QStringLiteral("per_replica"), perReplica.toJson()},
            {QStringLiteral("requested_replicas"), replicas},
            {QStringLiteral("requested"), (perReplica * replicas).toJson()},
            {QStringLiteral("available"), available.toJson()},
            {QStringLiteral("total"), total.toJson()},
            {QStringLiteral("max_replicas_that_fit"), replicasThatFit(perReplica, available)}};
}

bool isLiveRoute(const Route &r)
{
    return r.isActive();
}

std::optional<ServiceError> checkPriority(int priority)
{
    if (priority < Endpoint::kMinPriority || priority > Endpoint::kMaxPriority)
        return invalid(QStringLiteral("priority"), QStringLiteral("must be between %1 and %2")
                                                       .arg(Endpoint::kMinPriority)
                                                       .arg(Endpoint::kMaxPriority));
    return std::nullopt;
}

} // namespace detail

using namespace detail;

ModelServingService::ModelServingService(Repository &repository, const TokenSigner &signer, ServiceConfig config,
                                         Clock &clock, QObject *parent)
    : QObject(parent)
    , m_repository(repository)
    , m_signer(signer)
    , m_config(std::move(config))
    , m_clock(clock)
{
}

ModelServingService::~ModelServingService() = default;

void ModelServingService::setMetricsSource(std::function<EndpointMetrics(const QUuid &)> source)
{
    m_metricsSource = std::move(source);
}

Result<Endpoint> ModelServingService::resolve(const QString &ref)
{
    const QUuid id = QUuid::fromString(ref);
    auto found = id.isNull() ? m_repository.liveEndpointByName(ref) : m_repository.endpointById(id);
    if (!found)
        return found.error();
    if (!found->has_value())
        return makeError(ErrorType::NotFound, QStringLiteral("endpoint '%1' not found").arg(ref),
                         {{QStringLiteral("endpoint"), ref}});
    return **found;
}

QString ModelServingService::resolveFolder(const QString &folder) const
{
    if (QDir::isAbsolutePath(folder))
        return QDir::cleanPath(folder);
    for (const QString &root : m_config.modelRoots) {
        const QString candidate = QDir(root).filePath(folder);
        if (QFileInfo(candidate).isDir())
            return QDir::cleanPath(candidate);
    }
    return QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
}

Result<LaunchPlan> ModelServingService::validateFolder(const QString &folder, const QString &variant, int gpuCount) const
{
    auto plan = LaunchPlan::forFolder(variant, folder, gpuCount, m_config.toolsDirs);
    if (!plan)
        return plan.error();
    if (auto missing = plan->missingFilesError())
        return *missing;
    if (plan->commandFromPreset && !m_config.remoteAgents) {
        if (auto missing = plan->missingProgramError())
            return *missing;
    }
    return plan;
}

ResourceSlots ModelServingService::allocated(const QUuid &excluding)
{
    ResourceSlots sum;
    auto live = m_repository.endpoints();
    auto counts = m_repository.endpointRouteCounts();
    if (!live || !counts)
        return sum;
    // Replicas beyond the endpoint's count (a rollout's surge, other revisions) hold room too.
    QHash<QUuid, int> active;
    for (const EndpointRouteCounts &c : *counts)
        active.insert(c.id, c.active);
    for (const Endpoint &e : *live) {
        if (e.id != excluding && e.isLive())
            sum = sum + e.resourceSlots * std::max(e.replicas, active.value(e.id));
    }
    return sum;
}

} // namespace ServeDeck
