// ModelServingService: creating, listing, modifying and deleting endpoints; dry runs.
#include "modelservingservice.h"
#include "modelservingservice_p.h"

#include <algorithm>
#include <cmath>

#include <QRegularExpression>
#include <QSet>

#include "agent/gpuplacement.h"
#include "domain/clock.h"
#include "domain/headersafetext.h"
#include "runtime/runtimemetricmap.h"
#include "runtime/runtimepreset.h"
#include "store/repository.h"

namespace ServeDeck {

using namespace detail;

namespace {

// An endpoint may have at most this many aliases: each is a front-door name, not a list to grow.
constexpr qsizetype kMaxAliases = 16;

// Endpoint names become URL path segments and replica names, so they follow DNS label rules;
// aliases follow the same. Names the proxy serves for itself are reserved.
std::optional<ServiceError> checkName(const QString &name, const QString &field = QStringLiteral("name"))
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"));
    if (name.isEmpty())
        return invalid(field, QStringLiteral("is required"));
    if (!re.match(name).hasMatch())
        return invalid(field,
                       QStringLiteral("'%1' must be 1-63 lower-case letters, digits or '-', starting and ending "
                                      "with a letter or digit")
                           .arg(name.left(80)));
    if (reservedEndpointNames().contains(name)) {
        ServiceError error = invalid(field, QStringLiteral("'%1' is reserved: the proxy serves /%1 itself").arg(name));
        error.details.insert(QStringLiteral("reserved"), name);
        return error;
    }
    return std::nullopt;
}

std::optional<ServiceError> checkLatencyTarget(std::optional<int> ms)
{
    if (ms && (*ms < Endpoint::kMinLatencyTargetMs || *ms > Endpoint::kMaxLatencyTargetMs))
        return invalid(QStringLiteral("latency_target_ms"), QStringLiteral("must be between %1 and %2")
                                                                .arg(Endpoint::kMinLatencyTargetMs)
                                                                .arg(Endpoint::kMaxLatencyTargetMs));
    return std::nullopt;
}

std::optional<ServiceError> checkJobConcurrency(int jobs)
{
    if (jobs < 0 || jobs > Endpoint::kMaxJobConcurrency)
        return invalid(QStringLiteral("job_concurrency"),
                       QStringLiteral("must be between 0 (the default) and %1").arg(Endpoint::kMaxJobConcurrency));
    return std::nullopt;
}

std::optional<ServiceError> checkRuntimeVariant(const QString &variant)
{
    const QStringList known = RuntimePreset::variants();
    if (!known.contains(variant))
        return invalid(QStringLiteral("runtime_variant"),
                       QStringLiteral("'%1' is not one of %2").arg(variant, known.join(QStringLiteral(", "))));
    return std::nullopt;
}

int gpuCountOf(const ResourceSlots &slots)
{
    return int(std::ceil(slots.gpu));
}

// Whether `replicas` more replicas asking GPUs or GPU memory fit the configured devices after
// what live endpoints already promise (placed as the agents place them): the devices of the
// first, or the device and the memory short. None for a replica without a GPU.
Result<QList<int>> placeOnGpus(Repository &repository, const Capacity &capacity, const ResourceSlots &slots, int replicas)
{
    if (gpuCountOf(slots) <= 0 && slots.gpuMemoryBytes <= 0)
        return QList<int>{};
    QList<GpuDevice> devices;
    for (int i = 0; i < int(capacity.total.gpu); ++i)
        devices.append({i, capacity.deviceMemoryBytes.value(i), 0});
    GpuPlacement placement(devices);
    auto live = repository.endpoints();
    auto counts = repository.endpointRouteCounts();
    if (live && counts) {
        QHash<QUuid, int> active;
        for (const EndpointRouteCounts &c : *counts)
            active.insert(c.id, c.active);
        for (const Endpoint &e : *live) {
            if (!e.isLive() || (gpuCountOf(e.resourceSlots) <= 0 && e.resourceSlots.gpuMemoryBytes <= 0))
                continue;
            // What no longer fits (capacity lowered since) holds nothing here.
            for (int i = 0; i < std::max(e.replicas, active.value(e.id)); ++i)
                static_cast<void>(placement.place(gpuCountOf(e.resourceSlots), e.resourceSlots.gpuMemoryBytes));
        }
    }
    QList<int> first;
    for (int i = 0; i < std::max(1, replicas); ++i) {
        auto placed = placement.place(gpuCountOf(slots), slots.gpuMemoryBytes);
        if (!placed && i < replicas) {
            ServiceError error = placed.error();
            if (replicas > 1)
                error.message = QStringLiteral("replica %1 of %2: ").arg(i + 1).arg(replicas) + error.message;
            error.details.insert(QStringLiteral("requested_replicas"), replicas);
            error.details.insert(QStringLiteral("replicas_that_fit"), i);
            return error;
        }
        if (i == 0 && placed)
            first = *placed;
    }
    return first;
}

QList<ServiceError> requestProblems(const CreateEndpointRequest &r)
{
    QList<ServiceError> problems;
    if (auto e = checkName(r.name))
        problems << *e;
    for (const QString &alias : r.aliases) {
        if (auto e = checkName(alias, QStringLiteral("aliases")))
            problems << *e;
    }
    if (auto e = HeaderSafeText::problem(QStringLiteral("model_version"), r.modelVersion, 64))
        problems << *e;
    if (r.modelFolder.trimmed().isEmpty())
        problems << invalid(QStringLiteral("model_folder"), QStringLiteral("is required"));
    if (auto e = checkRuntimeVariant(r.runtimeVariant))
        problems << *e;
    if (r.resourceGroup.trimmed().isEmpty())
        problems << invalid(QStringLiteral("resource_group"), QStringLiteral("is required"));
    if (auto e = checkReplicas(r.replicas))
        problems << *e;
    if (r.resourceSlots.cpu <= 0)
        problems << invalid(QStringLiteral("resource_slots.cpu"), QStringLiteral("must be greater than 0"));
    if (r.resourceSlots.memoryBytes <= 0)
        problems << invalid(QStringLiteral("resource_slots.memory"), QStringLiteral("must be greater than 0"));
    if (auto e = r.circuitBreaker.problem())
        problems << *e;
    if (auto e = checkPriority(r.priority))
        problems << *e;
    if (auto e = checkLatencyTarget(r.latencyTargetMs))
        problems << *e;
    if (auto e = checkJobConcurrency(r.jobConcurrency))
        problems << *e;
    return problems;
}

// A new revision serves the requests no condition matches, like the one before it.
Revision newRevision(const Endpoint &e, int number, const QString &version, const QString &folder, const QDateTime &now)
{
    Revision r;
    r.id = QUuid::createUuid();
    r.endpointId = e.id;
    r.number = number;
    r.modelVersion = version;
    r.modelFolder = folder;
    r.runtimeVariant = e.runtimeVariant;
    r.createdAt = now;
    return r;
}

} // namespace

Result<Endpoint> ModelServingService::createEndpoint(const CreateEndpointRequest &request)
{
    if (const auto problems = requestProblems(request); !problems.isEmpty())
        return problems.first();
    const QString folder = resolveFolder(request.modelFolder);

    QUuid startedRollout;
    auto created = m_repository.transaction<Endpoint>([&]() -> Result<Endpoint> {
        auto existing = m_repository.liveEndpointByName(request.name);
        if (!existing)
            return existing.error();
        if (existing->has_value()) {
            Endpoint other = **existing;
            auto revisions = m_repository.revisions(other.id);
            if (!revisions)
                return revisions.error();
            // A model and version pair is unique (spec 1.4): another version of a served model
            // becomes its next revision, by a rolling rollout.
            const bool known = std::any_of(revisions->cbegin(), revisions->cend(), [&](const Revision &r) {
                return r.modelVersion == request.modelVersion;
            });
            if (known)
                return makeError(ErrorType::ModelAlreadyExists,
                                 QStringLiteral("model '%1' version '%2' already exists").arg(request.name, request.modelVersion),
                                 {{QStringLiteral("name"), request.name},
                                  {QStringLiteral("existing_version"), other.modelVersion},
                                  {QStringLiteral("endpoint_id"), idText(other.id)}});
            RolloutRequest rollout;
            rollout.modelVersion = request.modelVersion;
            rollout.modelFolder = folder;
            auto begun = beginRollout(other, rollout);
            if (!begun)
                return begun.error();
            startedRollout = begun->id;
            return other;
        }
        // The name must not be another endpoint's alias, nor its aliases anyone's name or alias.
        if (auto err = nameTaken(request.name, {}, QStringLiteral("name")))
            return *err;
        if (auto err = aliasesProblem(request.aliases, {}, request.name))
            return *err;
        if (auto plan = validateFolder(folder, request.runtimeVariant, gpuCountOf(request.resourceSlots)); !plan)
            return plan.error();

        // An endpoint that asks to queue when full takes what room there is and waits PENDING for
        // the rest; one replica that could never fit is refused all the same.
        const bool queues = request.queueWhenFull.value_or(false);
        if (!queues) {
            if (auto placed = placeOnGpus(m_repository, m_config.capacity, request.resourceSlots, request.replicas); !placed)
                return placed.error();
        }
        const ResourceSlots total = m_config.capacity.total;
        const ResourceSlots available = total - allocated();
        if (!(request.resourceSlots * 1).fitsIn(total) || (!queues && !(request.resourceSlots * request.replicas).fitsIn(available)))
            return makeError(ErrorType::InsufficientResources,
                             QStringLiteral("%1 replica(s) of cpu %2, memory %3 do not fit: %4 replica(s) fit")
                                 .arg(request.replicas)
                                 .arg(request.resourceSlots.cpu)
                                 .arg(formatMemorySize(request.resourceSlots.memoryBytes))
                                 .arg(replicasThatFit(request.resourceSlots, available)),
                             capacityDetails(request.resourceSlots, request.replicas, available, total));

        const QDateTime now = m_clock.now();
        Endpoint e;
        e.id = QUuid::createUuid();
        e.name = request.name;
        e.modelVersion = request.modelVersion;
        e.modelFolder = folder;
        e.runtimeVariant = request.runtimeVariant;
        e.resourceSlots = request.resourceSlots;
        e.resourceGroup = request.resourceGroup;
        e.replicas = request.replicas;
        e.isPublic = request.isPublic;
        e.circuitBreaker = request.circuitBreaker;
        e.priority = request.priority;
        e.queueWhenFull = request.queueWhenFull;
        e.allowPreemption = request.allowPreemption;
        e.latencyTargetMs = request.latencyTargetMs;
        e.jobConcurrency = request.jobConcurrency;
        e.lifecycle = EndpointLifecycle::Created;
        e.url = m_config.proxyBaseUrl + u'/' + request.name;
        e.createdAt = e.updatedAt = now;
        const Revision revision = newRevision(e, 1, e.modelVersion, folder, now);
        e.currentRevisionId = revision.id;
        if (auto r = m_repository.insertEndpoint(e); !r)
            return r.error();
        if (auto r = m_repository.insertRevision(revision); !r)
            return r.error();
        if (!request.aliases.isEmpty()) {
            if (auto r = m_repository.setEndpointAliases(e.id, request.aliases); !r)
                return r.error();
            e.aliases = request.aliases;
        }
        return e;
    });
    if (created) {
        if (!startedRollout.isNull())
            Q_EMIT rolloutChanged(created->id, startedRollout);
        Q_EMIT endpointChanged(created->id);
    }
    return created;
}

DryRunReport ModelServingService::dryRun(const CreateEndpointRequest &request)
{
    DryRunReport report;
    report.problems = requestProblems(request);
    report.resolvedFolder = resolveFolder(request.modelFolder);
    if (!request.name.isEmpty()) {
        if (auto existing = m_repository.liveEndpointByName(request.name); existing && existing->has_value())
            report.problems << makeError(ErrorType::ModelAlreadyExists,
                                         QStringLiteral("endpoint '%1' already exists (version '%2')")
                                             .arg(request.name, (*existing)->modelVersion),
                                         {{QStringLiteral("name"), request.name}});
    }
    if (!request.modelFolder.trimmed().isEmpty()) {
        auto plan = LaunchPlan::forFolder(request.runtimeVariant, report.resolvedFolder, gpuCountOf(request.resourceSlots),
                                          m_config.toolsDirs, request.name);
        if (plan) {
            report.definition = plan->definition;
            if (auto missing = plan->missingFilesError())
                report.problems << *missing;
            if (auto missing = plan->missingProgramError(); missing && plan->commandFromPreset && !m_config.remoteAgents)
                report.problems << *missing;
            report.launch = *plan;
        } else {
            report.problems << plan.error();
        }
    }
    report.perReplica = request.resourceSlots;
    report.total = request.resourceSlots * std::max(0, request.replicas);
    report.available = m_config.capacity.total - allocated();
    const auto placed = placeOnGpus(m_repository, m_config.capacity, request.resourceSlots, std::max(0, request.replicas));
    // The command line as the agent will complete it: the share of the device the first replica
    // would get, by the configured memory.
    if (placed && !placed->isEmpty() && report.launch && request.resourceSlots.gpuMemoryBytes > 0) {
        const qint64 deviceBytes = m_config.capacity.deviceMemoryBytes.value(placed->constFirst());
        for (const QString &argument : report.launch->gpuMemoryArguments) {
            if (deviceBytes > 0)
                report.launch->arguments << QString(argument).replace(
                    QStringLiteral("{gpu_memory_fraction}"),
                    GpuPlacement::memoryFraction(request.resourceSlots.gpuMemoryBytes, deviceBytes));
        }
    }
    // As create: one that queues when full is refused only for a replica that could never fit.
    const bool queues = request.queueWhenFull.value_or(false);
    if (!placed && !queues)
        report.problems << placed.error();
    else if ((!queues && !report.total.fitsIn(report.available)) || !(request.resourceSlots * 1).fitsIn(m_config.capacity.total))
        report.problems << makeError(ErrorType::InsufficientResources,
                                     QStringLiteral("%1 replica(s) do not fit: %2 replica(s) fit")
                                         .arg(request.replicas)
                                         .arg(replicasThatFit(request.resourceSlots, report.available)),
                                     capacityDetails(request.resourceSlots, request.replicas, report.available,
                                                     m_config.capacity.total));
    report.valid = report.problems.isEmpty();
    return report;
}

namespace {

// What rules can read from its runtime (cmd and custom: any preset's names), or why nothing.
void describeRuntimeMetrics(EndpointInfo &info)
{
    info.runtimeMetrics = RuntimeMetricMap::forVariant(info.endpoint.runtimeVariant).metrics();
    if (const auto preset = RuntimePreset::find(info.endpoint.runtimeVariant))
        info.metricsNote = preset->metricsNote;
}

} // namespace

std::optional<ServiceError> ModelServingService::nameTaken(const QString &name, const QUuid &self, const QString &field)
{
    const auto taken = [&](const QString &holder) {
        return makeError(ErrorType::ModelAlreadyExists,
                         QStringLiteral("'%1' is already the name or an alias of endpoint '%2'").arg(name, holder),
                         {{field, name}, {QStringLiteral("endpoint"), holder}});
    };
    auto named = m_repository.liveEndpointByName(name);
    if (!named)
        return named.error();
    if (named->has_value() && (*named)->id != self)
        return taken((*named)->name);
    auto owner = m_repository.endpointOfAlias(name);
    if (!owner)
        return owner.error();
    if (owner->has_value() && **owner != self) {
        auto holder = m_repository.endpointById(**owner);
        if (!holder)
            return holder.error();
        return taken(holder->has_value() ? (*holder)->name : idText(**owner));
    }
    return std::nullopt;
}

std::optional<ServiceError> ModelServingService::aliasesProblem(const QStringList &aliases, const QUuid &self,
                                                                 const QString &selfName)
{
    const QString field = QStringLiteral("aliases");
    if (aliases.size() > kMaxAliases)
        return invalid(field, QStringLiteral("at most %1 aliases, not %2").arg(kMaxAliases).arg(aliases.size()));
    QSet<QString> seen;
    for (const QString &alias : aliases) {
        if (auto err = checkName(alias, field))
            return err;
        if (alias == selfName || seen.contains(alias))
            return makeError(ErrorType::ModelAlreadyExists,
                             QStringLiteral("'%1' is named twice: as the endpoint's name or another of its aliases").arg(alias),
                             {{field, alias}});
        seen.insert(alias);
        if (auto err = nameTaken(alias, self, field))
            return err;
    }
    return std::nullopt;
}

namespace {

// The first request block in the folder's definition. A folder this process cannot read (or
// without a definition) has none: deploying is where a definition's problems are reported.
std::optional<RequestHints> requestHintsIn(const QString &folder)
{
    if (folder.isEmpty())
        return std::nullopt;
    const Result<ModelDefinition> definition = ModelDefinitionParser::loadFolder(folder);
    if (!definition)
        return std::nullopt;
    for (const ModelEntry &model : definition->models) {
        if (model.request)
            return model.request;
    }
    return std::nullopt;
}

} // namespace

Result<EndpointInfo> ModelServingService::infoFor(const Endpoint &endpoint, bool includeMetrics)
{
    EndpointInfo info;
    info.endpoint = endpoint;
    auto routes = m_repository.routes(endpoint.id);
    if (!routes)
        return routes.error();
    auto revisions = m_repository.revisions(endpoint.id);
    if (!revisions)
        return revisions.error();
    auto rules = m_repository.rules(endpoint.id);
    if (!rules)
        return rules.error();
    info.routes = *routes;
    info.revisions = *revisions;
    info.rules = *rules;
    auto rollouts = m_repository.rollouts(endpoint.id, 1);
    if (!rollouts)
        return rollouts.error();
    if (!rollouts->isEmpty())
        info.rollout = rollouts->constFirst();
    info.status = deriveEndpointStatus(endpoint, info.routes);
    const auto running = std::count_if(info.routes.begin(), info.routes.end(), isLiveRoute);
    info.allocated = endpoint.resourceSlots * int(running);
    if (includeMetrics)
        info.metrics = m_metricsSource ? m_metricsSource(endpoint.id) : EndpointMetrics{};
    describeRuntimeMetrics(info);
    info.request = requestHintsIn(endpoint.modelFolder);
    if (m_startingSource) {
        const QHash<QUuid, ReplicaStarting> starting = m_startingSource();
        for (const Route &r : std::as_const(info.routes)) {
            if (const auto it = starting.constFind(r.id); it != starting.cend() && r.status == RouteStatus::Provisioning)
                info.starting.insert(r.id, *it);
        }
    }
    return info;
}

Result<QList<EndpointInfo>> ModelServingService::listEndpoints()
{
    auto endpoints = m_repository.endpoints();
    if (!endpoints)
        return endpoints.error();
    // Two queries for the whole list instead of one per endpoint.
    auto byEndpoint = m_repository.routesByEndpoint();
    if (!byEndpoint)
        return byEndpoint.error();
    // The rollouts that still shape an endpoint, in one query too; a list shows no finished ones.
    auto shaping = m_repository.shapingRollouts();
    if (!shaping)
        return shaping.error();
    QHash<QUuid, Rollout> rolloutOf;
    for (const Rollout &o : *shaping)
        rolloutOf.insert(o.endpointId, o);
    QList<EndpointInfo> out;
    out.reserve(endpoints->size());
    for (const Endpoint &e : *endpoints) {
        EndpointInfo info;
        info.endpoint = e;
        info.routes = byEndpoint->value(e.id);
        info.status = deriveEndpointStatus(e, info.routes);
        info.allocated = e.resourceSlots * int(std::count_if(info.routes.begin(), info.routes.end(), isLiveRoute));
        if (const auto o = rolloutOf.constFind(e.id); o != rolloutOf.cend())
            info.rollout = *o;
        describeRuntimeMetrics(info);
        out.append(std::move(info));
    }
    return out;
}

Result<EndpointInfo> ModelServingService::endpointInfo(const QString &ref, bool includeMetrics)
{
    auto endpoint = resolve(ref);
    if (!endpoint)
        return endpoint.error();
    return infoFor(*endpoint, includeMetrics);
}

Result<Endpoint> ModelServingService::deleteEndpoint(const QString &ref)
{
    auto deleted = m_repository.transaction<Endpoint>([&]() -> Result<Endpoint> {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        Endpoint e = *endpoint;
        if (!e.isLive())
            return e;  // deleting twice is not an error: it is already on its way out
        const QDateTime now = m_clock.now();
        e.lifecycle = EndpointLifecycle::Destroying;
        e.replicas = 0;
        e.updatedAt = now;
        if (auto r = m_repository.updateEndpoint(e); !r)
            return r.error();
        // Its aliases are free for others at once: the front door no longer routes to it.
        if (!e.aliases.isEmpty()) {
            if (auto r = m_repository.setEndpointAliases(e.id, {}); !r)
                return r.error();
            e.aliases.clear();
        }
        auto routes = m_repository.routes(e.id);
        if (!routes)
            return routes.error();
        for (Route route : *routes) {
            if (route.status == RouteStatus::Terminating)
                continue;
            route.status = RouteStatus::Terminating;
            route.updatedAt = now;
            if (auto r = m_repository.updateRoute(route); !r)
                return r.error();
        }
        return e;
    });
    if (deleted) {
        Q_EMIT endpointChanged(deleted->id);
        Q_EMIT routesChanged(deleted->id);
    }
    return deleted;
}

Result<EndpointInfo> ModelServingService::modifyEndpoint(const QString &ref, const ModifyEndpointRequest &request)
{
    QUuid startedRollout;
    auto modified = m_repository.transaction<Endpoint>([&]() -> Result<Endpoint> {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        Endpoint e = *endpoint;
        if (!e.isLive())
            return makeError(ErrorType::InvalidArgument,
                             QStringLiteral("endpoint '%1' is %2 and can no longer be modified")
                                 .arg(e.name, lifecycleName(e.lifecycle)));
        // Checked before anything is written: a refused version changes nothing.
        if (request.modelVersion) {
            if (auto err = HeaderSafeText::problem(QStringLiteral("model_version"), *request.modelVersion, 64))
                return *err;
        }
        if (request.name && *request.name != e.name) {
            if (auto err = checkName(*request.name))
                return *err;
            auto clash = m_repository.liveEndpointByName(*request.name);
            if (!clash)
                return clash.error();
            if (clash->has_value())
                return makeError(ErrorType::ModelAlreadyExists,
                                 QStringLiteral("endpoint '%1' already exists").arg(*request.name),
                                 {{QStringLiteral("name"), *request.name}});
            if (auto err = nameTaken(*request.name, e.id, QStringLiteral("name")))
                return *err;
            e.name = *request.name;
            e.url = m_config.proxyBaseUrl + u'/' + e.name;
        }
        if (request.aliases) {
            if (auto err = aliasesProblem(*request.aliases, e.id, e.name))
                return *err;
        } else if (request.name && e.aliases.contains(e.name)) {
            return makeError(ErrorType::ModelAlreadyExists,
                             QStringLiteral("'%1' is already an alias of this endpoint; drop it from aliases first").arg(e.name),
                             {{QStringLiteral("name"), e.name}});
        }
        if (request.runtimeVariant) {
            if (auto err = checkRuntimeVariant(*request.runtimeVariant))
                return *err;
            e.runtimeVariant = *request.runtimeVariant;
        }
        if (request.resourceGroup) {
            if (request.resourceGroup->trimmed().isEmpty())
                return invalid(QStringLiteral("resource_group"), QStringLiteral("must not be empty"));
            e.resourceGroup = *request.resourceGroup;
        }
        if (request.isPublic)
            e.isPublic = *request.isPublic;
        if (request.circuitBreaker) {
            const CircuitBreakerSettings breaker = request.circuitBreaker->appliedTo(e.circuitBreaker);
            if (auto err = breaker.problem())
                return *err;
            e.circuitBreaker = breaker;
        }
        if (request.replicas) {
            if (auto err = checkReplicas(*request.replicas))
                return *err;
            e.replicas = *request.replicas;
        }
        if (request.resourceSlots) {
            if (request.resourceSlots->cpu <= 0 || request.resourceSlots->memoryBytes <= 0)
                return invalid(QStringLiteral("resource_slots"), QStringLiteral("cpu and memory must be greater than 0"));
            e.resourceSlots = *request.resourceSlots;
        }
        if (request.priority) {
            if (auto err = checkPriority(*request.priority))
                return *err;
            e.priority = *request.priority;
        }
        if (request.queueWhenFull)
            e.queueWhenFull = *request.queueWhenFull;
        if (request.allowPreemption)
            e.allowPreemption = *request.allowPreemption;
        if (request.latencyTargetMs) {
            if (auto err = checkLatencyTarget(*request.latencyTargetMs))
                return *err;
            e.latencyTargetMs = *request.latencyTargetMs;
        }
        if (request.jobConcurrency) {
            if (auto err = checkJobConcurrency(*request.jobConcurrency))
                return *err;
            e.jobConcurrency = *request.jobConcurrency;
        }
        if (request.replicas || request.resourceSlots) {
            const ResourceSlots available = m_config.capacity.total - allocated(e.id);
            // An endpoint that queues manual changes too waits for the room (one replica must fit at all).
            const bool queues = e.queueWhenFull.value_or(false) && (e.resourceSlots * 1).fitsIn(m_config.capacity.total);
            // Asking for less never needs room (others' queued replicas may have taken it all).
            const bool less = (e.resourceSlots * e.replicas).fitsIn(endpoint->resourceSlots * endpoint->replicas);
            if (!queues && !less && !(e.resourceSlots * e.replicas).fitsIn(available))
                return makeError(ErrorType::ResourceLimitExceeded,
                                 QStringLiteral("%1 replica(s) exceed the capacity left: %2 fit")
                                     .arg(e.replicas)
                                     .arg(replicasThatFit(e.resourceSlots, available)),
                                 capacityDetails(e.resourceSlots, e.replicas, available, m_config.capacity.total));
        }
        e.updatedAt = m_clock.now();
        if (auto r = m_repository.updateEndpoint(e); !r)
            return r.error();
        if (request.aliases && *request.aliases != e.aliases) {
            if (auto r = m_repository.setEndpointAliases(e.id, *request.aliases); !r)
                return r.error();
            e.aliases = *request.aliases;
        }
        const bool newModel = (request.modelVersion && *request.modelVersion != e.modelVersion)
            || (request.modelFolder && resolveFolder(*request.modelFolder) != e.modelFolder);
        if (newModel) {
            // A new version never replaces the old one in place: a rollout moves traffic to it.
            RolloutRequest rollout;
            rollout.modelVersion = request.modelVersion.value_or(e.modelVersion);
            rollout.modelFolder = request.modelFolder ? resolveFolder(*request.modelFolder) : e.modelFolder;
            rollout.strategy = request.strategy.value_or(RolloutStrategy::Rolling);
            if (rollout.strategy == RolloutStrategy::Canary)
                rollout.weight = request.canaryWeight;
            if (rollout.strategy == RolloutStrategy::Progressive) {
                const int first = std::clamp(request.canaryWeight.value_or(5), 1, 100);
                rollout.steps = {first};
                for (int step : {25, 50, 100}) {
                    if (step > first)
                        rollout.steps << step;
                }
            }
            auto begun = beginRollout(e, rollout);
            if (!begun)
                return begun.error();
            startedRollout = begun->id;
        } else if (request.strategy || request.canaryWeight) {
            return invalid(request.strategy ? QStringLiteral("strategy") : QStringLiteral("canary_weight"),
                           QStringLiteral("only means something with a new model_version or model_folder"));
        }
        return e;
    });
    if (!modified)
        return modified.error();
    if (!startedRollout.isNull())
        Q_EMIT rolloutChanged(modified->id, startedRollout);
    Q_EMIT endpointChanged(modified->id);
    return infoFor(*modified, false);
}

} // namespace ServeDeck
