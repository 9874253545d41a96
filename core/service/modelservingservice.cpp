#include "modelservingservice.h"

#include <cmath>

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>

#include "autoscale/replicaschedule.h"
#include "auth/ipallowlist.h"
#include "auth/tokenclaims.h"
#include "auth/tokensigner.h"
#include "domain/clock.h"
#include "store/repository.h"

namespace ServeDeck {

namespace {

constexpr int kMaxReplicas = 1000;
constexpr int kMaxErrorListLimit = 1000;
constexpr qint64 kMaxTokenExpirySeconds = qint64(10) * 365 * 24 * 3600;

QJsonObject field(const QString &name)
{
    return {{QStringLiteral("field"), name}};
}

ServiceError invalid(const QString &fieldName, const QString &message)
{
    return makeError(ErrorType::InvalidArgument, fieldName + QStringLiteral(": ") + message, field(fieldName));
}

QString idText(const QUuid &id)
{
    return id.toString(QUuid::WithoutBraces);
}

// Endpoint names become URL path segments and replica names, so they follow DNS label rules.
std::optional<ServiceError> checkName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"));
    if (name.isEmpty())
        return invalid(QStringLiteral("name"), QStringLiteral("is required"));
    if (!re.match(name).hasMatch())
        return invalid(QStringLiteral("name"),
                       QStringLiteral("'%1' must be 1-63 lower-case letters, digits or '-', starting and ending "
                                      "with a letter or digit")
                           .arg(name));
    return std::nullopt;
}

std::optional<ServiceError> checkRuntimeVariant(const QString &variant)
{
    static const QStringList known{QStringLiteral("custom"), QStringLiteral("vllm"), QStringLiteral("huggingface-tgi"),
                                   QStringLiteral("nim"),    QStringLiteral("sglang"), QStringLiteral("cmd")};
    if (!known.contains(variant))
        return invalid(QStringLiteral("runtime_variant"),
                       QStringLiteral("'%1' is not one of %2").arg(variant, known.join(QStringLiteral(", "))));
    return std::nullopt;
}

std::optional<ServiceError> checkReplicas(int replicas)
{
    if (replicas < 0 || replicas > kMaxReplicas)
        return invalid(QStringLiteral("replicas"), QStringLiteral("must be between 0 and %1").arg(kMaxReplicas));
    return std::nullopt;
}

QList<ServiceError> requestProblems(const CreateEndpointRequest &r)
{
    QList<ServiceError> problems;
    if (auto e = checkName(r.name))
        problems << *e;
    if (r.modelVersion.trimmed().isEmpty() || r.modelVersion.size() > 64)
        problems << invalid(QStringLiteral("model_version"), QStringLiteral("must be 1-64 characters"));
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
    return problems;
}

// How many replicas of `perReplica` fit into `available`, over every slot kind.
int replicasThatFit(const ResourceSlots &perReplica, const ResourceSlots &available)
{
    double fit = kMaxReplicas;
    if (perReplica.cpu > 0)
        fit = std::min(fit, std::floor(std::max(0.0, available.cpu) / perReplica.cpu + 1e-9));
    if (perReplica.memoryBytes > 0)
        fit = std::min(fit, std::floor(double(std::max<qint64>(0, available.memoryBytes)) / double(perReplica.memoryBytes)));
    if (perReplica.gpu > 0)
        fit = std::min(fit, std::floor(std::max(0.0, available.gpu) / perReplica.gpu + 1e-9));
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

Result<ModelDefinition> ModelServingService::validateFolder(const QString &folder) const
{
    auto definition = ModelDefinitionParser::loadFolder(folder);
    if (!definition)
        return definition.error();
    const QStringList missing = ModelDefinitionParser::missingFiles(*definition, folder);
    if (!missing.isEmpty())
        return makeError(ErrorType::ModelFileNotFound,
                         QStringLiteral("model folder %1 lacks %2 required file(s): %3")
                             .arg(folder)
                             .arg(missing.size())
                             .arg(missing.join(QStringLiteral(", "))),
                         {{QStringLiteral("folder"), folder},
                          {QStringLiteral("missing_files"), QJsonArray::fromStringList(missing)}});
    return definition;
}

ResourceSlots ModelServingService::allocated(const QUuid &excluding)
{
    ResourceSlots sum;
    auto live = m_repository.endpoints();
    if (!live)
        return sum;
    for (const Endpoint &e : *live) {
        if (e.id != excluding && e.isLive())
            sum = sum + e.resourceSlots * e.replicas;
    }
    return sum;
}

Result<Endpoint> ModelServingService::createEndpoint(const CreateEndpointRequest &request)
{
    if (const auto problems = requestProblems(request); !problems.isEmpty())
        return problems.first();
    const QString folder = resolveFolder(request.modelFolder);

    auto created = m_repository.transaction<Endpoint>([&]() -> Result<Endpoint> {
        auto existing = m_repository.liveEndpointByName(request.name);
        if (!existing)
            return existing.error();
        if (existing->has_value()) {
            const Endpoint &other = **existing;
            const QString message = other.modelVersion == request.modelVersion
                ? QStringLiteral("model '%1' version '%2' already exists").arg(request.name, request.modelVersion)
                : QStringLiteral("endpoint '%1' already serves version '%2'; deploy '%3' as a new revision with "
                                 "modify")
                      .arg(request.name, other.modelVersion, request.modelVersion);
            return makeError(ErrorType::ModelAlreadyExists, message,
                             {{QStringLiteral("name"), request.name},
                              {QStringLiteral("existing_version"), other.modelVersion},
                              {QStringLiteral("endpoint_id"), idText(other.id)}});
        }
        if (auto definition = validateFolder(folder); !definition)
            return definition.error();

        const ResourceSlots total = m_config.capacity.total;
        const ResourceSlots available = total - allocated();
        if (!request.resourceSlots.fitsIn(total) || !(request.resourceSlots * request.replicas).fitsIn(available))
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
        e.lifecycle = EndpointLifecycle::Created;
        e.url = m_config.proxyBaseUrl + u'/' + request.name;
        e.createdAt = e.updatedAt = now;
        const Revision revision = newRevision(e, 1, e.modelVersion, folder, now);
        e.currentRevisionId = revision.id;
        if (auto r = m_repository.insertEndpoint(e); !r)
            return r.error();
        if (auto r = m_repository.insertRevision(revision); !r)
            return r.error();
        return e;
    });
    if (created)
        Q_EMIT endpointChanged(created->id);
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
        auto definition = ModelDefinitionParser::loadFolder(report.resolvedFolder);
        if (definition) {
            report.definition = *definition;
            if (auto checked = validateFolder(report.resolvedFolder); !checked)
                report.problems << checked.error();
        } else {
            report.problems << definition.error();
        }
    }
    report.perReplica = request.resourceSlots;
    report.total = request.resourceSlots * std::max(0, request.replicas);
    report.available = m_config.capacity.total - allocated();
    if (!report.total.fitsIn(report.available) || !request.resourceSlots.fitsIn(m_config.capacity.total))
        report.problems << makeError(ErrorType::InsufficientResources,
                                     QStringLiteral("%1 replica(s) do not fit: %2 replica(s) fit")
                                         .arg(request.replicas)
                                         .arg(replicasThatFit(request.resourceSlots, report.available)),
                                     capacityDetails(request.resourceSlots, request.replicas, report.available,
                                                     m_config.capacity.total));
    report.valid = report.problems.isEmpty();
    return report;
}

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
    info.status = deriveEndpointStatus(endpoint, info.routes);
    const auto running = std::count_if(info.routes.begin(), info.routes.end(), isLiveRoute);
    info.allocated = endpoint.resourceSlots * int(running);
    if (includeMetrics)
        info.metrics = m_metricsSource ? m_metricsSource(endpoint.id) : EndpointMetrics{};
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
    QList<EndpointInfo> out;
    out.reserve(endpoints->size());
    for (const Endpoint &e : *endpoints) {
        EndpointInfo info;
        info.endpoint = e;
        info.routes = byEndpoint->value(e.id);
        info.status = deriveEndpointStatus(e, info.routes);
        info.allocated = e.resourceSlots * int(std::count_if(info.routes.begin(), info.routes.end(), isLiveRoute));
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
    auto modified = m_repository.transaction<Endpoint>([&]() -> Result<Endpoint> {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        Endpoint e = *endpoint;
        if (!e.isLive())
            return makeError(ErrorType::InvalidArgument,
                             QStringLiteral("endpoint '%1' is %2 and can no longer be modified")
                                 .arg(e.name, lifecycleName(e.lifecycle)));
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
            e.name = *request.name;
            e.url = m_config.proxyBaseUrl + u'/' + e.name;
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
        if (request.replicas || request.resourceSlots) {
            const ResourceSlots available = m_config.capacity.total - allocated(e.id);
            if (!(e.resourceSlots * e.replicas).fitsIn(available))
                return makeError(ErrorType::ResourceLimitExceeded,
                                 QStringLiteral("%1 replica(s) exceed the capacity left: %2 fit")
                                     .arg(e.replicas)
                                     .arg(replicasThatFit(e.resourceSlots, available)),
                                 capacityDetails(e.resourceSlots, e.replicas, available, m_config.capacity.total));
        }
        const bool newModel = (request.modelVersion && *request.modelVersion != e.modelVersion)
            || (request.modelFolder && resolveFolder(*request.modelFolder) != e.modelFolder);
        if (newModel) {
            const QString version = request.modelVersion.value_or(e.modelVersion);
            if (version.trimmed().isEmpty() || version.size() > 64)
                return invalid(QStringLiteral("model_version"), QStringLiteral("must be 1-64 characters"));
            const QString folder = request.modelFolder ? resolveFolder(*request.modelFolder) : e.modelFolder;
            if (auto definition = validateFolder(folder); !definition)
                return definition.error();
            auto revisions = m_repository.revisions(e.id);
            if (!revisions)
                return revisions.error();
            const int number = revisions->isEmpty() ? 1 : revisions->last().number + 1;
            const Revision revision = newRevision(e, number, version, folder, m_clock.now());
            if (auto r = m_repository.insertRevision(revision); !r)
                return r.error();
            e.modelVersion = version;
            e.modelFolder = folder;
            e.currentRevisionId = revision.id;
        }
        e.updatedAt = m_clock.now();
        if (auto r = m_repository.updateEndpoint(e); !r)
            return r.error();
        return e;
    });
    if (!modified)
        return modified.error();
    Q_EMIT endpointChanged(modified->id);
    return infoFor(*modified, false);
}

Result<ScaleResult> ModelServingService::scaleReplicas(const QString &ref, int replicas, const ScaleCause &cause)
{
    if (auto err = checkReplicas(replicas))
        return *err;
    std::optional<ScaleEvent> event;
    auto outcome = m_repository.transaction<ScaleResult>([&]() -> Result<ScaleResult> {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        Endpoint e = *endpoint;
        if (!e.isLive())
            return makeError(ErrorType::InvalidArgument,
                             QStringLiteral("endpoint '%1' is %2 and cannot be scaled").arg(e.name, lifecycleName(e.lifecycle)));
        const ResourceSlots available = m_config.capacity.total - allocated(e.id);
        if (!(e.resourceSlots * replicas).fitsIn(available))
            return makeError(ErrorType::ResourceLimitExceeded,
                             QStringLiteral("%1 replica(s) of '%2' exceed the capacity: at most %3 fit")
                                 .arg(replicas)
                                 .arg(e.name)
                                 .arg(replicasThatFit(e.resourceSlots, available)),
                             capacityDetails(e.resourceSlots, replicas, available, m_config.capacity.total));
        auto routes = m_repository.routes(e.id);
        if (!routes)
            return routes.error();
        ScaleResult result;
        result.previous = e.replicas;
        result.target = replicas;
        result.activeRoutes = int(std::count_if(routes->begin(), routes->end(), isLiveRoute));
        result.state = result.activeRoutes == replicas ? QStringLiteral("STEADY") : QStringLiteral("SCALING");
        if (e.replicas != replicas) {
            e.replicas = replicas;
            e.updatedAt = m_clock.now();
            if (auto r = m_repository.updateEndpoint(e); !r)
                return r.error();
            ScaleEvent ev;
            ev.time = e.updatedAt;
            ev.endpointId = e.id;
            ev.before = result.previous;
            ev.after = replicas;
            ev.ruleId = cause.ruleId;
            ev.metricValue = cause.metricValue;
            ev.reason = cause.reason;
            auto id = m_repository.insertScaleEvent(ev);
            if (!id)
                return id.error();
            ev.id = *id;
            event = ev;
        }
        result.endpoint = e;
        return result;
    });
    if (outcome && event) {
        Q_EMIT scaled(*event);
        Q_EMIT endpointChanged(outcome->endpoint.id);
    }
    return outcome;
}

Result<QList<ScaleEvent>> ModelServingService::scaleEvents(const QString &ref, int limit)
{
    auto endpoint = resolve(ref);
    if (!endpoint)
        return endpoint.error();
    return m_repository.scaleEvents(endpoint->id, limit);
}

Result<AutoscaleSettings> ModelServingService::autoscaleSettings(const QString &ref)
{
    auto endpoint = resolve(ref);
    if (!endpoint)
        return endpoint.error();
    auto all = m_repository.autoscaleSettings();
    if (!all)
        return all.error();
    for (const AutoscaleSettings &s : *all) {
        if (s.endpointId == endpoint->id)
            return s;
    }
    AutoscaleSettings none;
    none.endpointId = endpoint->id;
    return none;
}

Result<AutoscaleSettings> ModelServingService::setAutoscaleSettings(const QString &ref, std::optional<QString> schedule,
                                                                    std::optional<int> idleTimeoutSeconds)
{
    if (schedule) {
        if (auto parsed = ReplicaSchedule::parse(*schedule); !parsed)
            return parsed.error();
    }
    if (idleTimeoutSeconds && (*idleTimeoutSeconds < 0 || *idleTimeoutSeconds > 7 * 24 * 3600))
        return invalid(QStringLiteral("idle_timeout"), QStringLiteral("must be 0 (never) to 604800 seconds"));
    auto saved = m_repository.transaction<AutoscaleSettings>([&]() -> Result<AutoscaleSettings> {
        auto current = autoscaleSettings(ref);
        if (!current)
            return current.error();
        AutoscaleSettings s = *current;
        if (schedule)
            s.schedule = schedule->trimmed();
        if (idleTimeoutSeconds)
            s.idleTimeoutSeconds = *idleTimeoutSeconds;
        s.updatedAt = m_clock.now();
        if (auto r = m_repository.saveAutoscaleSettings(s); !r)
            return r.error();
        return s;
    });
    if (saved)
        Q_EMIT autoscaleSettingsChanged(*saved);
    return saved;
}

Result<Done> ModelServingService::pushMetric(const QString &ref, const QString &name, double value)
{
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z_:][A-Za-z0-9_:.-]{0,127}$"));
    if (!valid.match(name).hasMatch())
        return invalid(QStringLiteral("name"), QStringLiteral("'%1' is not a metric name (letters, digits, _ : . -)").arg(name));
    if (!std::isfinite(value))
        return invalid(QStringLiteral("value"), QStringLiteral("must be a finite number"));
    auto endpoint = resolve(ref);
    if (!endpoint)
        return endpoint.error();
    if (!endpoint->isLive())
        return invalid(QStringLiteral("endpoint"), QStringLiteral("'%1' is not live").arg(endpoint->name));
    Q_EMIT metricPushed(endpoint->id, name, value);
    return Done{};
}

Result<QList<Route>> ModelServingService::updateRoutes(const QString &ref, const QList<RouteWeight> &weights)
{
    if (weights.isEmpty())
        return invalid(QStringLiteral("routes"), QStringLiteral("must name at least one route"));
    QUuid endpointId;
    auto updated = m_repository.transaction<QList<Route>>([&]() -> Result<QList<Route>> {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        endpointId = endpoint->id;
        auto routes = m_repository.routes(endpointId);
        if (!routes)
            return routes.error();
        QSet<QUuid> seen;
        for (const RouteWeight &w : weights) {
            if (seen.contains(w.routeId))
                return invalid(QStringLiteral("routes"),
                               QStringLiteral("route %1 is named twice").arg(idText(w.routeId)));
            seen.insert(w.routeId);
            if (w.weight < 0 || w.weight > 100)
                return invalid(QStringLiteral("routes.weight"),
                               QStringLiteral("route %1: weight %2 is outside 0-100").arg(idText(w.routeId)).arg(w.weight));
            auto it = std::find_if(routes->begin(), routes->end(), [&](const Route &r) { return r.id == w.routeId; });
            if (it == routes->end())
                return makeError(ErrorType::NotFound,
                                 QStringLiteral("route %1 is not a route of '%2'").arg(idText(w.routeId), endpoint->name),
                                 {{QStringLiteral("route_id"), idText(w.routeId)}});
            if (!it->isActive())
                return invalid(QStringLiteral("routes"), QStringLiteral("route %1 is %2 and takes no traffic")
                                                             .arg(idText(w.routeId), routeStatusName(it->status)));
            it->weight = w.weight;
            it->updatedAt = m_clock.now();
        }
        // Only HEALTHY routes take traffic: while any is HEALTHY, one of them must keep a weight, or
        // nothing would serve. Before any is, weights may be set ahead on the ones starting up.
        int healthyWeight = 0;
        int activeWeight = 0;
        bool anyHealthy = false;
        for (const Route &r : *routes) {
            anyHealthy = anyHealthy || r.status == RouteStatus::Healthy;
            healthyWeight += r.status == RouteStatus::Healthy ? r.weight : 0;
            activeWeight += r.isActive() ? r.weight : 0;
        }
        if ((anyHealthy ? healthyWeight : activeWeight) == 0)
            return invalid(QStringLiteral("routes.weight"),
                           anyHealthy ? QStringLiteral("at least one HEALTHY route must keep a weight above 0")
                                      : QStringLiteral("at least one route must keep a weight above 0"));
        for (const Route &r : *routes) {
            if (seen.contains(r.id)) {
                if (auto u = m_repository.updateRoute(r); !u)
                    return u.error();
            }
        }
        return *routes;
    });
    if (updated)
        Q_EMIT routesChanged(endpointId);
    return updated;
}

Result<Route> ModelServingService::deleteRoute(const QString &ref, const QUuid &routeId)
{
    QUuid endpointId;
    auto removed = m_repository.transaction<Route>([&]() -> Result<Route> {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        Endpoint e = *endpoint;
        endpointId = e.id;
        auto routes = m_repository.routes(e.id);
        if (!routes)
            return routes.error();
        auto it = std::find_if(routes->begin(), routes->end(), [&](const Route &r) { return r.id == routeId; });
        if (it == routes->end())
            return makeError(ErrorType::NotFound,
                             QStringLiteral("route %1 is not a route of '%2'").arg(idText(routeId), e.name),
                             {{QStringLiteral("route_id"), idText(routeId)}});
        Route route = *it;
        if (route.status == RouteStatus::Terminating)
            return route;
        // The route goes and the desired count follows, or the reconciler would start a replacement.
        if (route.isActive() && e.replicas > 0) {
            e.replicas -= 1;
            e.updatedAt = m_clock.now();
            if (auto r = m_repository.updateEndpoint(e); !r)
                return r.error();
        }
        route.status = RouteStatus::Terminating;
        route.updatedAt = m_clock.now();
        if (auto r = m_repository.updateRoute(route); !r)
            return r.error();
        return route;
    });
    if (removed) {
        Q_EMIT routesChanged(endpointId);
        Q_EMIT endpointChanged(endpointId);
    }
    return removed;
}

Result<QList<Route>> ModelServingService::forceSync(const QString &ref)
{
    auto endpoint = resolve(ref);
    if (!endpoint)
        return endpoint.error();
    auto routes = m_repository.routes(endpoint->id);
    if (!routes)
        return routes.error();
    QList<Route> serving;
    std::copy_if(routes->begin(), routes->end(), std::back_inserter(serving),
                 [](const Route &r) { return r.status == RouteStatus::Healthy; });
    Q_EMIT syncRequested(endpoint->id);
    return serving;
}

Result<QList<Revision>> ModelServingService::revisions(const QString &ref)
{
    auto endpoint = resolve(ref);
    if (!endpoint)
        return endpoint.error();
    return m_repository.revisions(endpoint->id);
}

Result<Revision> ModelServingService::revision(const QString &ref, const QString &revisionRef)
{
    auto endpoint = resolve(ref);
    if (!endpoint)
        return endpoint.error();
    auto all = m_repository.revisions(endpoint->id);
    if (!all)
        return all.error();
    auto index = findRevision(*endpoint, *all, revisionRef);
    if (!index)
        return index.error();
    return all->at(*index);
}

Result<qsizetype> ModelServingService::findRevision(const Endpoint &endpoint, const QList<Revision> &all,
                                                    const QString &revisionRef) const
{
    const QUuid id = QUuid::fromString(revisionRef);
    QList<qsizetype> found;
    for (qsizetype i = 0; i < all.size(); ++i) {
        const Revision &r = all.at(i);
        if (id.isNull() ? r.modelVersion == revisionRef : r.id == id)
            found << i;
    }
    const QJsonObject details{{QStringLiteral("endpoint"), endpoint.name}, {QStringLiteral("revision"), revisionRef}};
    if (found.isEmpty())
        return makeError(ErrorType::NotFound, QStringLiteral("'%1' has no revision '%2'").arg(endpoint.name, revisionRef),
                         details);
    if (found.size() > 1) {
        // Modify with the same version and another folder makes a second revision of that version.
        QJsonArray ids;
        for (const qsizetype i : found)
            ids.append(idText(all.at(i).id));
        QJsonObject ambiguous = details;
        ambiguous.insert(QStringLiteral("revision_ids"), ids);
        return makeError(ErrorType::InvalidArgument,
                         QStringLiteral("%1 revisions of '%2' have model version '%3'; name one by its revision_id")
                             .arg(found.size())
                             .arg(endpoint.name, revisionRef),
                         ambiguous);
    }
    return found.first();
}

Result<Revision> ModelServingService::modifyRevision(const QString &ref, const QString &revisionRef,
                                                     const RevisionChanges &changes)
{
    // Checked before the transaction: a condition that came from elsewhere than the API's reader.
    if (changes.matchHeader && *changes.matchHeader) {
        auto checked = HeaderMatch::parse((*changes.matchHeader)->text());
        if (!checked)
            return checked.error();
    }
    bool changed = false;
    auto modified = m_repository.transaction<Revision>([&]() -> Result<Revision> {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        if (!endpoint->isLive())
            return makeError(ErrorType::InvalidArgument,
                             QStringLiteral("endpoint '%1' is %2 and can no longer be modified")
                                 .arg(endpoint->name, lifecycleName(endpoint->lifecycle)));
        auto all = m_repository.revisions(endpoint->id);
        if (!all)
            return all.error();
        auto index = findRevision(*endpoint, *all, revisionRef);
        if (!index)
            return index.error();
        Revision &revision = all.value()[*index];
        const Revision before = revision;
        if (changes.matchHeader)
            revision.matchHeader = *changes.matchHeader;
        if (changes.mode)
            revision.mode = *changes.mode;
        // Shadows never answer: with every revision a shadow, nothing would.
        const bool anyServes = std::any_of(all->cbegin(), all->cend(),
                                           [](const Revision &r) { return r.mode == RevisionMode::Serve; });
        if (!anyServes)
            return invalid(QStringLiteral("mode"),
                           QStringLiteral("revision '%1' is the last one of '%2' that serves; a shadow never answers")
                               .arg(before.modelVersion, endpoint->name));
        changed = revision.matchHeader != before.matchHeader || revision.mode != before.mode;
        if (changed) {
            if (auto r = m_repository.updateRevision(revision); !r)
                return r.error();
        }
        return revision;
    });
    if (modified && changed)
        Q_EMIT endpointChanged(modified->endpointId);
    return modified;
}

std::optional<ServiceError> ModelServingService::checkRule(const AutoScalingRule &rule,
                                                           const QList<AutoScalingRule> &others) const
{
    static const QRegularExpression metricName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_:.]{0,127}$"));
    if (!metricName.match(rule.metric).hasMatch())
        return invalid(QStringLiteral("metric"), QStringLiteral("'%1' is not a metric name").arg(rule.metric));
    if (!std::isfinite(rule.threshold))
        return invalid(QStringLiteral("threshold"), QStringLiteral("must be a finite number"));
    if (rule.stepSize == 0 && !rule.targetPerReplica)
        return invalid(QStringLiteral("step_size"), QStringLiteral("must not be 0"));
    if (rule.targetPerReplica && !(*rule.targetPerReplica > 0))
        return invalid(QStringLiteral("target_per_replica"), QStringLiteral("must be greater than 0"));
    if (rule.minReplicas < 0)
        return invalid(QStringLiteral("min_replicas"), QStringLiteral("must not be negative"));
    if (rule.maxReplicas < 1 || rule.maxReplicas > kMaxReplicas)
        return invalid(QStringLiteral("max_replicas"), QStringLiteral("must be between 1 and %1").arg(kMaxReplicas));
    if (rule.minReplicas > rule.maxReplicas)
        return invalid(QStringLiteral("min_replicas"), QStringLiteral("%1 is greater than max_replicas %2")
                                                           .arg(rule.minReplicas)
                                                           .arg(rule.maxReplicas));
    for (const auto &[value, name] : {std::pair{rule.scaleUpDelay, "scale_up_delay"},
                                      std::pair{rule.scaleDownDelay, "scale_down_delay"},
                                      std::pair{rule.cooldown, "cooldown"}}) {
        if (value < 0 || value > 86400)
            return invalid(QString::fromLatin1(name), QStringLiteral("must be between 0 and 86400 seconds"));
    }
    for (const AutoScalingRule &other : others) {
        if (other.id == rule.id)
            continue;
        const QJsonObject details{{QStringLiteral("existing_rule_id"), idText(other.id)},
                                  {QStringLiteral("existing_condition"), other.condition()}};
        // Two rules on one metric would fight over the same signal.
        if (other.metric == rule.metric && other.source == rule.source)
            return makeError(ErrorType::ConflictingRules,
                             QStringLiteral("rule %1 (\"%2\") already steers %3")
                                 .arg(idText(other.id), other.condition(), rule.metric),
                             details);
        // Bounds belong to the endpoint: rules that disagree on them cannot both hold.
        if (other.minReplicas != rule.minReplicas || other.maxReplicas != rule.maxReplicas)
            return makeError(ErrorType::ConflictingRules,
                             QStringLiteral("rule %1 keeps replicas within %2-%3, this one asks for %4-%5")
                                 .arg(idText(other.id))
                                 .arg(other.minReplicas)
                                 .arg(other.maxReplicas)
                                 .arg(rule.minReplicas)
                                 .arg(rule.maxReplicas),
                             details);
    }
    return std::nullopt;
}

Result<QList<AutoScalingRule>> ModelServingService::autoScalingRules(const QString &ref)
{
    auto endpoint = resolve(ref);
    if (!endpoint)
        return endpoint.error();
    return m_repository.rules(endpoint->id);
}

Result<AutoScalingRule> ModelServingService::createAutoScalingRule(const QString &ref, AutoScalingRule rule)
{
    auto created = m_repository.transaction<AutoScalingRule>([&]() -> Result<AutoScalingRule> {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        if (!endpoint->isLive())
            return makeError(ErrorType::InvalidArgument,
                             QStringLiteral("endpoint '%1' is %2").arg(endpoint->name, lifecycleName(endpoint->lifecycle)));
        auto existing = m_repository.rules(endpoint->id);
        if (!existing)
            return existing.error();
        rule.id = QUuid::createUuid();
        rule.endpointId = endpoint->id;
        rule.createdAt = rule.updatedAt = m_clock.now();
        if (auto err = checkRule(rule, *existing))
            return *err;
        if (auto r = m_repository.insertRule(rule); !r)
            return r.error();
        return rule;
    });
    if (created)
        Q_EMIT rulesChanged(created->endpointId);
    return created;
}

Result<AutoScalingRule> ModelServingService::modifyAutoScalingRule(const QString &ref, const QUuid &ruleId,
                                                                   const AutoScalingRuleChanges &c)
{
    auto modified = m_repository.transaction<AutoScalingRule>([&]() -> Result<AutoScalingRule> {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        auto existing = m_repository.rules(endpoint->id);
        if (!existing)
            return existing.error();
        auto it = std::find_if(existing->begin(), existing->end(), [&](const auto &r) { return r.id == ruleId; });
        if (it == existing->end())
            return makeError(ErrorType::NotFound, QStringLiteral("autoscaling rule %1 not found on '%2'")
                                                      .arg(idText(ruleId), endpoint->name));
        AutoScalingRule rule = *it;
        rule.source = c.source.value_or(rule.source);
        rule.metric = c.metric.value_or(rule.metric);
        rule.comparator = c.comparator.value_or(rule.comparator);
        rule.threshold = c.threshold.value_or(rule.threshold);
        rule.stepSize = c.stepSize.value_or(rule.stepSize);
        if (c.targetPerReplica)
            rule.targetPerReplica = *c.targetPerReplica;
        rule.minReplicas = c.minReplicas.value_or(rule.minReplicas);
        rule.maxReplicas = c.maxReplicas.value_or(rule.maxReplicas);
        rule.scaleUpDelay = c.scaleUpDelay.value_or(rule.scaleUpDelay);
        rule.scaleDownDelay = c.scaleDownDelay.value_or(rule.scaleDownDelay);
        rule.cooldown = c.cooldown.value_or(rule.cooldown);
        rule.updatedAt = m_clock.now();
        if (auto err = checkRule(rule, *existing))
            return *err;
        if (auto r = m_repository.updateRule(rule); !r)
            return r.error();
        return rule;
    });
    if (modified)
        Q_EMIT rulesChanged(modified->endpointId);
    return modified;
}

Result<AutoScalingRule> ModelServingService::deleteAutoScalingRule(const QString &ref, const QUuid &ruleId)
{
    auto deleted = m_repository.transaction<AutoScalingRule>([&]() -> Result<AutoScalingRule> {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        auto existing = m_repository.rules(endpoint->id);
        if (!existing)
            return existing.error();
        auto it = std::find_if(existing->begin(), existing->end(), [&](const auto &r) { return r.id == ruleId; });
        if (it == existing->end())
            return makeError(ErrorType::NotFound, QStringLiteral("autoscaling rule %1 not found on '%2'")
                                                      .arg(idText(ruleId), endpoint->name));
        if (auto r = m_repository.deleteRule(ruleId); !r)
            return r.error();
        return *it;
    });
    if (deleted)
        Q_EMIT rulesChanged(deleted->endpointId);
    return deleted;
}

Result<GeneratedToken> ModelServingService::generateToken(const QString &ref, const TokenRequest &request)
{
    const auto scope = tokenScopeFromName(request.scope);
    if (!scope)
        return invalid(QStringLiteral("scope"),
                       QStringLiteral("'%1' is not one of inference, read-only, admin").arg(request.scope));
    if (request.expirySeconds && (*request.expirySeconds <= 0 || *request.expirySeconds > kMaxTokenExpirySeconds))
        return invalid(QStringLiteral("expiry"),
                       QStringLiteral("must be null (no expiry) or between 1 and %1 seconds").arg(kMaxTokenExpirySeconds));
    auto allowlist = IpAllowlist::parse(request.allowedIps);
    if (!allowlist)
        return allowlist.error();
    auto generated = m_repository.transaction<GeneratedToken>([&]() -> Result<GeneratedToken> {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        if (!endpoint->isLive())
            return makeError(ErrorType::InvalidArgument,
                             QStringLiteral("endpoint '%1' is %2").arg(endpoint->name, lifecycleName(endpoint->lifecycle)));
        TokenClaims claims;
        claims.tokenId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        claims.endpointId = idText(endpoint->id);
        claims.scope = *scope;
        const QDateTime now = m_clock.now();
        claims.issuedAt = now.addMSecs(-now.time().msec());
        if (request.expirySeconds)
            claims.expiresAt = claims.issuedAt.addSecs(*request.expirySeconds);
        claims.allowedIps = allowlist->toStringList();

        GeneratedToken out;
        out.token = m_signer.sign(claims);
        out.grant = TokenGrant{claims.tokenId, endpoint->id, tokenScopeName(*scope), claims.expiresAt,
                               claims.allowedIps, claims.issuedAt, std::nullopt};
        if (auto r = m_repository.insertTokenGrant(out.grant); !r)
            return r.error();
        return out;
    });
    if (generated)
        Q_EMIT tokensChanged(generated->grant.endpointId);
    return generated;
}

Result<QList<TokenGrant>> ModelServingService::listTokens(const QString &ref)
{
    auto endpoint = resolve(ref);
    if (!endpoint)
        return endpoint.error();
    return m_repository.tokenGrants(endpoint->id);
}

Result<TokenGrant> ModelServingService::revokeToken(const QString &ref, const QString &tokenId)
{
    auto revoked = m_repository.transaction<TokenGrant>([&]() -> Result<TokenGrant> {
        auto grants = listTokens(ref);
        if (!grants)
            return grants.error();
        auto it = std::find_if(grants->begin(), grants->end(), [&](const TokenGrant &g) { return g.id == tokenId; });
        if (it == grants->end())
            return makeError(ErrorType::NotFound, QStringLiteral("token %1 not found").arg(tokenId));
        TokenGrant grant = *it;
        if (!grant.revokedAt) {
            grant.revokedAt = m_clock.now();
            if (auto r = m_repository.revokeTokenGrant(tokenId, *grant.revokedAt); !r)
                return r.error();
        }
        return grant;
    });
    if (revoked)
        Q_EMIT tokensChanged(revoked->endpointId);
    return revoked;
}

Result<QList<ErrorRecord>> ModelServingService::listErrors(const QString &ref, int limit, const QString &type)
{
    if (limit < 1 || limit > kMaxErrorListLimit)
        return invalid(QStringLiteral("limit"), QStringLiteral("must be between 1 and %1").arg(kMaxErrorListLimit));
    if (!type.isEmpty() && !knownErrorKinds().contains(type))
        return invalid(QStringLiteral("type"), QStringLiteral("'%1' is not one of %2")
                                                   .arg(type, knownErrorKinds().join(QStringLiteral(", "))));
    QUuid endpointId;
    if (!ref.isEmpty()) {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        endpointId = endpoint->id;
    }
    return m_repository.errors(endpointId, limit, type);
}

Result<int> ModelServingService::clearErrors(const QString &ref)
{
    QUuid endpointId;
    auto cleared = m_repository.transaction<int>([&]() -> Result<int> {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        Endpoint e = *endpoint;
        endpointId = e.id;
        auto count = m_repository.clearErrors(e.id);
        if (!count)
            return count.error();
        // Clearing is the operator's "I have looked at it": scaling may try again.
        if (e.retries != 0) {
            e.retries = 0;
            e.updatedAt = m_clock.now();
            if (auto r = m_repository.updateEndpoint(e); !r)
                return r.error();
        }
        return *count;
    });
    if (cleared) {
        Q_EMIT errorsCleared(endpointId);
        Q_EMIT endpointChanged(endpointId);
    }
    return cleared;
}

Result<qint64> ModelServingService::recordError(ErrorRecord record)
{
    if (!record.time.isValid())
        record.time = m_clock.now();
    auto id = m_repository.transaction<qint64>([&]() -> Result<qint64> { return m_repository.insertError(record); });
    if (id) {
        record.id = *id;
        Q_EMIT errorRecorded(record);
    }
    return id;
}

Result<Route> ModelServingService::updateRouteState(const QUuid &routeId, RouteStatus status, const QString &replicaId,
                                                    const QString &agentId)
{
    auto updated = m_repository.transaction<Route>([&]() -> Result<Route> {
        auto route = m_repository.route(routeId);
        if (!route)
            return route.error();
        if (!route->has_value())
            return makeError(ErrorType::NotFound, QStringLiteral("route %1 not found").arg(idText(routeId)));
        Route r = **route;
        // A route being drained stays so: a late health report must not bring it back.
        if (r.status == RouteStatus::Terminating && status != RouteStatus::Terminating)
            return r;
        r.status = status;
        if (!replicaId.isEmpty())
            r.replicaId = replicaId;
        if (!agentId.isEmpty())
            r.agentId = agentId;
        r.updatedAt = m_clock.now();
        if (auto u = m_repository.updateRoute(r); !u)
            return u.error();
        return r;
    });
    if (updated) {
        Q_EMIT routesChanged(updated->endpointId);
        Q_EMIT endpointChanged(updated->endpointId);
    }
    return updated;
}

Result<qint64> ModelServingService::recordReplicaFailure(ErrorRecord record, RouteStatus routeStatus, bool countsAsRetry)
{
    if (!record.time.isValid())
        record.time = m_clock.now();
    const QUuid routeId = QUuid::fromString(record.routeId);
    auto id = m_repository.transaction<qint64>([&]() -> Result<qint64> {
        auto inserted = m_repository.insertError(record);
        if (!inserted)
            return inserted.error();
        if (auto route = m_repository.route(routeId); route && route->has_value()
            && (*route)->status != RouteStatus::Terminating) {
            Route r = **route;
            r.status = routeStatus;
            r.updatedAt = record.time;
            if (auto u = m_repository.updateRoute(r); !u)
                return u.error();
        }
        if (countsAsRetry) {
            auto endpoint = m_repository.endpointById(record.endpointId);
            if (!endpoint)
                return endpoint.error();
            if (endpoint->has_value()) {
                Endpoint e = **endpoint;
                e.retries += 1;
                e.updatedAt = record.time;
                if (auto u = m_repository.updateEndpoint(e); !u)
                    return u.error();
            }
        }
        return *inserted;
    });
    if (id) {
        record.id = *id;
        Q_EMIT errorRecorded(record);
        Q_EMIT routesChanged(record.endpointId);
        Q_EMIT endpointChanged(record.endpointId);
    }
    return id;
}

} // namespace ServeDeck
