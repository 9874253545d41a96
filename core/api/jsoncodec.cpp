#include "jsoncodec.h"

#include <cmath>
#include <limits>

#include <QJsonArray>

#include "api/requestfields.h"
#include "http/httperror.h"

namespace ServeDeck::JsonCodec {

namespace {

QJsonValue time(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
}

QJsonValue time(const std::optional<QDateTime> &t)
{
    return t ? time(*t) : QJsonValue();
}

QString id(const QUuid &u)
{
    return u.isNull() ? QString() : u.toString(QUuid::WithoutBraces);
}

QJsonValue optionalNumber(const std::optional<double> &v)
{
    return v ? QJsonValue(*v) : QJsonValue();
}

QJsonValue optionalInt(const std::optional<int> &v)
{
    return v ? QJsonValue(*v) : QJsonValue();
}

QJsonObject analysisToJson(const AnalysisThresholds &a)
{
    return {{QStringLiteral("min_requests"), a.minRequests},
            {QStringLiteral("max_error_rate_increase"), a.maxErrorRateIncrease},
            {QStringLiteral("max_latency_ratio"), a.maxLatencyRatio},
            {QStringLiteral("min_latency_increase_ms"), a.minLatencyIncreaseMs},
            {QStringLiteral("failure_threshold"), a.failureThreshold}};
}

QString versionOf(const QList<Revision> &revisions, const QUuid &revisionId)
{
    for (const Revision &r : revisions) {
        if (r.id == revisionId)
            return r.modelVersion;
    }
    return QString();
}

constexpr qint64 kIntMin = std::numeric_limits<int>::min();
constexpr qint64 kIntMax = std::numeric_limits<int>::max();

std::optional<int> intField(RequestFields &f, RequestFields::Names names, qint64 min = kIntMin, qint64 max = kIntMax)
{
    if (auto n = f.integer(names, min, max))
        return int(*n);
    return std::nullopt;
}

// A strategy by its wire name; anything else is refused naming the field.
std::optional<RolloutStrategy> strategyFrom(RequestFields &f, RequestFields::Names names)
{
    const auto text = f.string(names);
    if (!text)
        return std::nullopt;
    if (auto strategy = rolloutStrategyFromName(*text))
        return strategy;
    const QString field = QString::fromLatin1(*names.begin());
    f.fail(makeError(ErrorType::InvalidArgument,
                     QStringLiteral("%1: '%2' is not one of rolling, blue-green, canary, progressive").arg(field, *text),
                     {{QStringLiteral("field"), field}}));
    return std::nullopt;
}

template<typename T>
Result<T> finished(RequestFields &fields, T value)
{
    if (auto error = fields.finish())
        return *error;
    return value;
}

Result<ResourceSlots> slotsFrom(const QJsonObject &o)
{
    return ResourceSlots::fromJson(o);
}

// The fields of "circuit_breaker" that the body names. Each must be an integer; the ranges are
// CircuitBreakerSettings::problem()'s, checked on the settings they make.
std::optional<CircuitBreakerChanges> circuitBreakerFrom(RequestFields &f)
{
    const auto object = f.object({"circuit_breaker"});
    if (!object)
        return std::nullopt;
    RequestFields item(*object, QStringLiteral("circuit_breaker"));
    const auto read = [&item](RequestFields::Names names) -> std::optional<int> {
        if (auto n = item.integer(names, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()))
            return int(*n);
        return std::nullopt;
    };
    CircuitBreakerChanges c;
    c.maxConnections = read({"max_connections"});
    c.maxPendingRequests = read({"max_pending_requests", "http1_max_pending_requests"});
    c.maxRequestsPerConnection = read({"max_requests_per_connection"});
    c.consecutiveErrors = read({"consecutive_errors"});
    c.baseEjectionSeconds = read({"base_ejection_seconds", "base_ejection_time"});
    c.maxEjectionPercent = read({"max_ejection_percent"});
    if (auto error = item.finish()) {
        f.fail(*error);
        return std::nullopt;
    }
    return c;
}

} // namespace

QJsonObject toJson(const ServiceError &error)
{
    return HttpError::toJson(error.typeName(), error.message, error.details);
}

QJsonObject toJson(const Endpoint &e)
{
    return {{QStringLiteral("id"), id(e.id)},
            {QStringLiteral("name"), e.name},
            {QStringLiteral("aliases"), QJsonArray::fromStringList(e.aliases)},
            {QStringLiteral("model_version"), e.modelVersion},
            {QStringLiteral("model_folder"), e.modelFolder},
            {QStringLiteral("runtime_variant"), e.runtimeVariant},
            {QStringLiteral("resource_slots"), e.resourceSlots.toJson()},
            {QStringLiteral("resource_group"), e.resourceGroup},
            {QStringLiteral("replicas"), e.replicas},
            {QStringLiteral("public"), e.isPublic},
            {QStringLiteral("lifecycle"), lifecycleName(e.lifecycle)},
            {QStringLiteral("retries"), e.retries},
            {QStringLiteral("url"), e.url},
            {QStringLiteral("current_revision_id"), id(e.currentRevisionId)},
            {QStringLiteral("circuit_breaker"), e.circuitBreaker.toJson()},
            {QStringLiteral("priority"), e.priority},
            // null: the default (rules' scale-outs queue, manual changes do not)
            {QStringLiteral("queue_when_full"), e.queueWhenFull ? QJsonValue(*e.queueWhenFull) : QJsonValue()},
            {QStringLiteral("allow_preemption"), e.allowPreemption},
            // null: no latency target
            {QStringLiteral("latency_target_ms"), e.latencyTargetMs ? QJsonValue(*e.latencyTargetMs) : QJsonValue()},
            // 0: the plane's default (HEALTHY replicas x its per-replica limit)
            {QStringLiteral("job_concurrency"), e.jobConcurrency},
            {QStringLiteral("created_at"), time(e.createdAt)},
            {QStringLiteral("updated_at"), time(e.updatedAt)}};
}

QJsonObject toJson(const EndpointInfo &info)
{
    QJsonObject o = toJson(info.endpoint);
    o.insert(QStringLiteral("status"), endpointStatusName(info.status));
    int active = 0;
    int healthy = 0;
    int totalWeight = 0;
    for (const Route &r : info.routes) {
        active += r.isActive() ? 1 : 0;
        healthy += r.status == RouteStatus::Healthy ? 1 : 0;
        totalWeight += r.status == RouteStatus::Healthy ? r.weight : 0;
    }
    o.insert(QStringLiteral("active_replicas"), active);
    o.insert(QStringLiteral("healthy_replicas"), healthy);
    QJsonArray routes;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const Route &r : info.routes) {
        QJsonObject route = toJson(r, totalWeight);
        // A replica still starting (loading weights): since when, and how long so far.
        if (const auto it = info.starting.constFind(r.id); it != info.starting.cend()) {
            route.insert(QStringLiteral("starting_since"), time(it->since));
            route.insert(QStringLiteral("starting_for_s"), std::max<qint64>(0, it->since.secsTo(now)));
            route.insert(QStringLiteral("loading"), it->loading);
        }
        routes.append(route);
    }
    o.insert(QStringLiteral("routes"), routes);
    QJsonArray runtimeMetrics;
    for (const RuntimeMetric &m : info.runtimeMetrics)
        runtimeMetrics.append(QJsonObject{{QStringLiteral("normalized"), m.normalized},
                                          {QStringLiteral("names"), QJsonArray::fromStringList(m.names)}});
    o.insert(QStringLiteral("runtime_metrics"), runtimeMetrics);
    if (!info.metricsNote.isEmpty())
        o.insert(QStringLiteral("metrics_note"), info.metricsNote);
    if (!info.revisions.isEmpty()) {
        QJsonArray revisions;
        for (const Revision &r : info.revisions)
            revisions.append(toJson(r));
        o.insert(QStringLiteral("revisions"), revisions);
    }
    QJsonArray rules;
    for (const AutoScalingRule &r : info.rules)
        rules.append(toJson(r));
    o.insert(QStringLiteral("autoscaling_rules"), rules);
    if (const std::optional<RequestHints> &r = info.request) {
        // The example stays JSON text: clients send it as it is.
        QJsonObject request;
        if (!r->path.isEmpty())
            request.insert(QStringLiteral("path"), r->path);
        if (!r->example.isEmpty())
            request.insert(QStringLiteral("example"), QString::fromUtf8(r->example));
        if (!r->inputShape.isEmpty()) {
            QJsonArray shape;
            for (int dim : r->inputShape)
                shape.append(dim);
            request.insert(QStringLiteral("input_field"), r->inputField);
            request.insert(QStringLiteral("input_shape"), shape);
            request.insert(QStringLiteral("input_range"), QJsonArray{r->min, r->max});
            if (!r->batchField.isEmpty())
                request.insert(QStringLiteral("batch_field"), r->batchField);
        }
        o.insert(QStringLiteral("request"), request);
    }
    if (info.rollout) {
        QJsonObject rollout = toJson(*info.rollout);
        rollout.insert(QStringLiteral("from_version"), versionOf(info.revisions, info.rollout->fromRevisionId));
        rollout.insert(QStringLiteral("to_version"), versionOf(info.revisions, info.rollout->toRevisionId));
        o.insert(QStringLiteral("rollout"), rollout);
    }
    o.insert(QStringLiteral("resource_usage"), QJsonObject{{QStringLiteral("allocated"), info.allocated.toJson()},
                                                           {QStringLiteral("per_replica"), info.endpoint.resourceSlots.toJson()}});
    if (info.metrics) {
        QJsonObject metrics{{QStringLiteral("requests"), info.metrics->requests},
                            {QStringLiteral("errors"), info.metrics->errors},
                            {QStringLiteral("error_rate"), info.metrics->errorRate()},
                            {QStringLiteral("mean_latency_ms"), optionalNumber(info.metrics->meanLatencyMs)},
                            {QStringLiteral("requests_per_second"), info.metrics->requestsPerSecond},
                            {QStringLiteral("in_flight"), info.metrics->inFlight},
                            {QStringLiteral("p50_latency_ms"), optionalNumber(info.metrics->p50Ms)},
                            {QStringLiteral("p95_latency_ms"), optionalNumber(info.metrics->p95Ms)},
                            {QStringLiteral("p99_latency_ms"), optionalNumber(info.metrics->p99Ms)},
                            {QStringLiteral("ttft_p50_ms"), optionalNumber(info.metrics->ttftP50Ms)},
                            {QStringLiteral("ttft_p95_ms"), optionalNumber(info.metrics->ttftP95Ms)},
                            {QStringLiteral("tokens_per_second"), optionalNumber(info.metrics->tokensPerSecond)},
                            {QStringLiteral("generated_tokens"), info.metrics->generatedTokens}};
        QJsonArray circuits;
        for (const RouteCircuitMetrics &c : info.metrics->circuits)
            circuits.append(QJsonObject{{QStringLiteral("route_id"), id(c.routeId)},
                                        {QStringLiteral("state"), c.state},
                                        {QStringLiteral("ejected_for_ms"), c.ejectedForMs},
                                        {QStringLiteral("times_ejected"), c.timesEjected},
                                        {QStringLiteral("connections"), c.connections},
                                        {QStringLiteral("pending"), c.pending},
                                        {QStringLiteral("circuit_open"), c.overflows}});
        metrics.insert(QStringLiteral("circuits"), circuits);
        if (const std::optional<ShadowMetrics> &s = info.metrics->shadow) {
            metrics.insert(QStringLiteral("shadow"),
                           QJsonObject{{QStringLiteral("requests"), s->requests},
                                       {QStringLiteral("errors"), s->errors},
                                       {QStringLiteral("dropped"), s->dropped},
                                       {QStringLiteral("comparisons"), s->comparisons},
                                       {QStringLiteral("mismatches"), s->mismatches},
                                       {QStringLiteral("mean_latency_ms"), optionalNumber(s->meanLatencyMs)}});
        }
        o.insert(QStringLiteral("metrics"), metrics);
    }
    return o;
}

QJsonObject toJson(const Route &r, int totalWeight)
{
    QJsonObject o{{QStringLiteral("route_id"), id(r.id)},
                  {QStringLiteral("endpoint_id"), id(r.endpointId)},
                  {QStringLiteral("revision_id"), id(r.revisionId)},
                  {QStringLiteral("status"), routeStatusName(r.status)},
                  {QStringLiteral("weight"), r.weight},
                  {QStringLiteral("replica_id"), r.replicaId},
                  {QStringLiteral("agent_id"), r.agentId},
                  {QStringLiteral("created_at"), time(r.createdAt)},
                  {QStringLiteral("updated_at"), time(r.updatedAt)}};
    if (r.status == RouteStatus::Pending) {
        o.insert(QStringLiteral("pending_reason"), r.pendingReason);
        o.insert(QStringLiteral("pending_since"), time(r.pendingSince));
    }
    // Only HEALTHY routes take traffic, so the share is over them alone.
    if (totalWeight > 0)
        o.insert(QStringLiteral("traffic_share"),
                 r.status == RouteStatus::Healthy ? double(r.weight) / double(totalWeight) : 0.0);
    return o;
}

QJsonArray queueToJson(const QList<QueueEntry> &queue)
{
    QJsonArray out;
    int position = 0;
    for (const QueueEntry &q : queue) {
        out.append(QJsonObject{{QStringLiteral("position"), ++position},
                               {QStringLiteral("route_id"), id(q.route.id)},
                               {QStringLiteral("endpoint_id"), id(q.route.endpointId)},
                               {QStringLiteral("endpoint"), q.endpointName},
                               {QStringLiteral("priority"), q.priority},
                               {QStringLiteral("waiting_since"), time(q.route.pendingSince)},
                               {QStringLiteral("reason"), q.route.pendingReason},
                               {QStringLiteral("resource_slots"), q.resourceSlots.toJson()}});
    }
    return out;
}

QJsonArray routesToJson(const QList<Route> &routes)
{
    int totalWeight = 0;
    for (const Route &r : routes)
        totalWeight += r.status == RouteStatus::Healthy ? r.weight : 0;
    QJsonArray out;
    for (const Route &r : routes)
        out.append(toJson(r, totalWeight));
    return out;
}

QJsonObject toJson(const AgentStatus &status, const ResourceSlots &allocated)
{
    QJsonArray gpus;
    for (const GpuInfo &g : status.gpus)
        gpus.append(QJsonObject{{QStringLiteral("index"), g.index},
                                {QStringLiteral("uuid"), g.uuid},
                                {QStringLiteral("name"), g.name},
                                {QStringLiteral("memory_total"), formatMemorySize(g.memoryTotalBytes)},
                                {QStringLiteral("memory_used"), formatMemorySize(g.memoryUsedBytes)},
                                {QStringLiteral("utilization_percent"), g.utilizationPercent}});
    QJsonArray replicas;
    for (const ReplicaStatus &r : status.replicas) {
        QJsonObject replica{{QStringLiteral("route_id"), id(r.routeId)},
                        {QStringLiteral("pid"), r.pid},
                        {QStringLiteral("port"), r.port},
                        {QStringLiteral("state"), r.state},
                        {QStringLiteral("resident_memory"), formatMemorySize(r.residentBytes)},
                        {QStringLiteral("cpu_seconds"), r.cpuSeconds},
                        {QStringLiteral("cold_start_ms"), r.coldStartMs >= 0 ? QJsonValue(r.coldStartMs) : QJsonValue()},
                        {QStringLiteral("gpus"), [&] {
                             QJsonArray a;
                             for (int g : r.gpus)
                                 a.append(g);
                             return a;
                         }()}};
        // Only where NVML says: a missing field is "not known", never 0.
        if (r.gpuMemoryUsedBytes >= 0)
            replica.insert(QStringLiteral("gpu_memory_used_bytes"), r.gpuMemoryUsedBytes);
        replicas.append(replica);
    }
    return {{QStringLiteral("agent_id"), status.agentId},
            {QStringLiteral("kind"), status.kind},
            {QStringLiteral("capacity"), status.capacity.total.toJson()},
            {QStringLiteral("allocated"), allocated.toJson()},
            {QStringLiteral("gpus"), gpus},
            {QStringLiteral("replicas"), replicas}};
}

QJsonObject credentialFields(const std::optional<AgentCredential> &credential)
{
    return {{QStringLiteral("revoked"), credential && credential->isRevoked()},
            {QStringLiteral("credential_issued_at"), credential ? time(credential->issuedAt) : QJsonValue()},
            {QStringLiteral("revoked_at"), credential ? time(credential->revokedAt) : QJsonValue()}};
}

QJsonObject toJson(const AgentRevocation &revocation)
{
    QJsonObject o = credentialFields(revocation.credential);
    o.insert(QStringLiteral("agent_id"), revocation.credential.agentId);
    o.insert(QStringLiteral("already_revoked"), revocation.wasRevokedAlready);
    return o;
}

QJsonObject toJson(const Rollout &o)
{
    QJsonArray steps;
    for (int step : o.steps)
        steps.append(step);
    return {{QStringLiteral("rollout_id"), id(o.id)},
            {QStringLiteral("endpoint_id"), id(o.endpointId)},
            {QStringLiteral("strategy"), rolloutStrategyName(o.strategy)},
            {QStringLiteral("phase"), rolloutPhaseName(o.phase)},
            {QStringLiteral("in_progress"), o.inProgress()},
            {QStringLiteral("from_revision_id"), id(o.fromRevisionId)},
            {QStringLiteral("to_revision_id"), id(o.toRevisionId)},
            {QStringLiteral("steps"), steps},
            {QStringLiteral("step"), o.stepIndex},
            {QStringLiteral("weight"), o.weight},
            {QStringLiteral("interval_seconds"), o.intervalSeconds},
            {QStringLiteral("max_surge_percent"), o.maxSurgePercent},
            {QStringLiteral("max_unavailable"), o.maxUnavailable},
            {QStringLiteral("rollback_window_seconds"), o.rollbackWindowSeconds},
            {QStringLiteral("progress_deadline_seconds"), o.progressDeadlineSeconds},
            {QStringLiteral("max_failures"), o.maxFailures},
            {QStringLiteral("failures"), o.failures},
            {QStringLiteral("failed_checks"), o.failedChecks},
            {QStringLiteral("analysis"), analysisToJson(o.analysis)},
            {QStringLiteral("reason"), o.reason},
            {QStringLiteral("created_at"), time(o.createdAt)},
            {QStringLiteral("updated_at"), time(o.updatedAt)},
            {QStringLiteral("step_started_at"), time(o.stepStartedAt)},
            {QStringLiteral("finished_at"), time(o.finishedAt)},
            {QStringLiteral("warm_until"), time(o.warmUntil)}};
}

QJsonObject toJson(const AnalysisDecision &d)
{
    return {{QStringLiteral("step"), d.step},
            {QStringLiteral("at"), time(d.at)},
            {QStringLiteral("check"), d.check},
            {QStringLiteral("canary_requests"), d.canaryRequests},
            {QStringLiteral("stable_requests"), d.stableRequests},
            {QStringLiteral("canary_value"), optionalNumber(d.canaryValue)},
            {QStringLiteral("stable_value"), optionalNumber(d.stableValue)},
            {QStringLiteral("effect"), optionalNumber(d.effect)},
            {QStringLiteral("verdict"), analysisVerdictName(d.verdict)},
            {QStringLiteral("note"), d.note}};
}

QJsonObject toJson(const RolloutEvent &e)
{
    return {{QStringLiteral("at"), time(e.at)},
            {QStringLiteral("phase"), rolloutPhaseName(e.phase)},
            {QStringLiteral("step"), e.step},
            {QStringLiteral("weight"), e.weight},
            {QStringLiteral("message"), e.message}};
}

QJsonObject toJson(const RolloutInfo &info)
{
    QJsonObject o = toJson(info.rollout);
    o.insert(QStringLiteral("endpoint"), info.endpointName);
    o.insert(QStringLiteral("from_version"), info.fromVersion);
    o.insert(QStringLiteral("to_version"), info.toVersion);
    QJsonArray decisions;
    for (const AnalysisDecision &d : info.decisions)
        decisions.append(toJson(d));
    o.insert(QStringLiteral("decisions"), decisions);
    QJsonArray events;
    for (const RolloutEvent &e : info.events)
        events.append(toJson(e));
    o.insert(QStringLiteral("events"), events);
    return o;
}

QJsonObject toJson(const Revision &r)
{
    return {{QStringLiteral("revision_id"), id(r.id)},
            {QStringLiteral("number"), r.number},
            {QStringLiteral("model_version"), r.modelVersion},
            {QStringLiteral("model_folder"), r.modelFolder},
            {QStringLiteral("runtime_variant"), r.runtimeVariant},
            {QStringLiteral("match_header"), r.matchHeader ? QJsonValue(r.matchHeader->text()) : QJsonValue()},
            {QStringLiteral("mode"), revisionModeName(r.mode)},
            {QStringLiteral("replicas"), r.replicas},
            {QStringLiteral("created_at"), time(r.createdAt)}};
}

QJsonObject toJson(const Revision &revision, const QList<Route> &routes)
{
    QJsonObject o = toJson(revision);
    int active = 0;
    int healthy = 0;
    for (const Route &r : routes) {
        if (r.revisionId != revision.id)
            continue;
        active += r.isActive() ? 1 : 0;
        healthy += r.status == RouteStatus::Healthy ? 1 : 0;
    }
    o.insert(QStringLiteral("active_routes"), active);
    o.insert(QStringLiteral("healthy_routes"), healthy);
    return o;
}

QJsonArray revisionsToJson(const QList<Revision> &revisions, const QList<Route> &routes)
{
    QJsonArray out;
    for (const Revision &r : revisions)
        out.append(toJson(r, routes));
    return out;
}

QJsonObject toJson(const AutoScalingRule &r)
{
    return {{QStringLiteral("rule_id"), id(r.id)},
            {QStringLiteral("endpoint_id"), id(r.endpointId)},
            {QStringLiteral("metric_source"), metricSourceName(r.source)},
            {QStringLiteral("metric"), r.metric},
            {QStringLiteral("comparator"), comparatorSymbol(r.comparator)},
            {QStringLiteral("threshold"), r.threshold},
            {QStringLiteral("step_size"), r.stepSize},
            {QStringLiteral("target_per_replica"), optionalNumber(r.targetPerReplica)},
            {QStringLiteral("min_replicas"), r.minReplicas},
            {QStringLiteral("max_replicas"), r.maxReplicas},
            {QStringLiteral("scale_up_delay"), r.scaleUpDelay},
            {QStringLiteral("scale_down_delay"), r.scaleDownDelay},
            {QStringLiteral("cooldown"), r.cooldown},
            {QStringLiteral("condition"), r.condition()},
            {QStringLiteral("created_at"), time(r.createdAt)},
            {QStringLiteral("updated_at"), time(r.updatedAt)}};
}

QJsonObject toJson(const TokenGrant &g)
{
    return {{QStringLiteral("token_id"), g.id},
            {QStringLiteral("endpoint_id"), id(g.endpointId)},
            {QStringLiteral("scope"), g.scope},
            {QStringLiteral("expires_at"), time(g.expiresAt)},
            {QStringLiteral("allowed_ips"), QJsonArray::fromStringList(g.allowedIps)},
            {QStringLiteral("created_at"), time(g.createdAt)},
            {QStringLiteral("revoked_at"), time(g.revokedAt)}};
}

QJsonObject toJson(const ErrorRecord &r)
{
    return {{QStringLiteral("error_id"), r.id},
            {QStringLiteral("time"), time(r.time)},
            {QStringLiteral("endpoint_id"), id(r.endpointId)},
            {QStringLiteral("route_id"), r.routeId},
            {QStringLiteral("replica_id"), r.replicaId},
            {QStringLiteral("agent_id"), r.agentId},
            {QStringLiteral("type"), r.type},
            {QStringLiteral("message"), r.message},
            {QStringLiteral("exit_code"), optionalInt(r.exitCode)},
            {QStringLiteral("signal"), optionalInt(r.signal)},
            {QStringLiteral("log_tail"), r.logTail}};
}

QJsonObject toJson(const ScaleEvent &e)
{
    return {{QStringLiteral("event_id"), e.id},
            {QStringLiteral("time"), time(e.time)},
            {QStringLiteral("endpoint_id"), id(e.endpointId)},
            {QStringLiteral("rule_id"), e.ruleId},
            {QStringLiteral("direction"), e.direction()},
            {QStringLiteral("replicas_before"), e.before},
            {QStringLiteral("replicas_after"), e.after},
            {QStringLiteral("metric_value"), optionalNumber(e.metricValue)},
            {QStringLiteral("reason"), e.reason}};
}

QJsonObject toJson(const ScaleResult &r)
{
    return {{QStringLiteral("endpoint"), toJson(r.endpoint)},
            {QStringLiteral("previous_replicas"), r.previous},
            {QStringLiteral("target_replicas"), r.target},
            {QStringLiteral("active_replicas"), r.activeRoutes},
            {QStringLiteral("replicas_to_create"), std::max(0, r.target - r.activeRoutes)},
            {QStringLiteral("replicas_to_drain"), std::max(0, r.activeRoutes - r.target)},
            {QStringLiteral("state"), r.state}};
}

QJsonObject toJson(const DryRunReport &report)
{
    QJsonArray problems;
    for (const ServiceError &e : report.problems)
        problems.append(toJson(e).value(QStringLiteral("error")));
    QJsonObject o{{QStringLiteral("valid"), report.valid},
                  {QStringLiteral("errors"), problems},
                  {QStringLiteral("model_folder"), report.resolvedFolder},
                  {QStringLiteral("resource_estimate"),
                   QJsonObject{{QStringLiteral("per_replica"), report.perReplica.toJson()},
                               {QStringLiteral("total"), report.total.toJson()},
                               {QStringLiteral("available"), report.available.toJson()}}}};
    if (report.definition) {
        QJsonArray models;
        for (const ModelEntry &m : report.definition->models) {
            QJsonObject model{{QStringLiteral("name"), m.name}, {QStringLiteral("model_path"), m.modelPath}};
            if (m.service) {
                model.insert(QStringLiteral("start_command"), QJsonArray::fromStringList(m.service->startCommand));
                model.insert(QStringLiteral("port"), m.service->port);
                if (m.service->healthCheck)
                    model.insert(QStringLiteral("health_check"),
                                 QJsonObject{{QStringLiteral("path"), m.service->healthCheck->path},
                                             {QStringLiteral("interval"), m.service->healthCheck->interval},
                                             {QStringLiteral("max_retries"), m.service->healthCheck->maxRetries},
                                             {QStringLiteral("max_wait_time"), m.service->healthCheck->maxWaitTime},
                                             {QStringLiteral("expected_status_code"), m.service->healthCheck->expectedStatusCode},
                                             {QStringLiteral("initial_delay"), m.service->healthCheck->initialDelay}});
            }
            models.append(model);
        }
        o.insert(QStringLiteral("model_definition"),
                 QJsonObject{{QStringLiteral("file"), report.definition->sourceFile}, {QStringLiteral("models"), models}});
    }
    if (report.launch)
        o.insert(QStringLiteral("launch"), toJson(*report.launch));
    return o;
}

QJsonObject toJson(const LaunchPlan &plan)
{
    QJsonObject environment;
    for (const auto &[name, value] : plan.environment)
        environment.insert(name, value);
    QJsonArray metrics;
    for (const RuntimeMetric &m : plan.metrics)
        metrics.append(QJsonObject{{QStringLiteral("normalized"), m.normalized},
                                   {QStringLiteral("names"), QJsonArray::fromStringList(m.names)}});
    QJsonObject o{{QStringLiteral("runtime_variant"), plan.variant},
                  {QStringLiteral("program"), plan.program},
                  {QStringLiteral("program_path"), plan.programPath.isEmpty() ? QJsonValue() : QJsonValue(plan.programPath)},
                  {QStringLiteral("arguments"), QJsonArray::fromStringList(plan.arguments)},
                  {QStringLiteral("environment"), environment},
                  {QStringLiteral("command_line"), plan.commandLine()},
                  {QStringLiteral("found_files"), QJsonArray::fromStringList(plan.foundFiles)},
                  {QStringLiteral("missing_files"), QJsonArray::fromStringList(plan.missingFiles)},
                  {QStringLiteral("start_timeout_s"), plan.startTimeoutS},
                  {QStringLiteral("metrics"), metrics}};
    if (!plan.metricsNote.isEmpty())
        o.insert(QStringLiteral("metrics_note"), plan.metricsNote);
    if (plan.healthCheck) {
        QJsonObject health{{QStringLiteral("path"), plan.healthCheck->path},
                           {QStringLiteral("expected_status_code"), plan.healthCheck->expectedStatusCode}};
        if (plan.loadingStatusCode != 0)
            health.insert(QStringLiteral("loading_status_code"), plan.loadingStatusCode);
        if (!plan.readyBody.isEmpty())
            health.insert(QStringLiteral("ready_body"), plan.readyBody);
        o.insert(QStringLiteral("health_check"), health);
    }
    return o;
}

Result<CreateEndpointRequest> createRequest(const QJsonObject &body)
{
    RequestFields f(body);
    CreateEndpointRequest r;
    r.name = f.string({"name", "model_name", "service_name"}, true).value_or(QString());
    r.aliases = f.stringList({"aliases"}).value_or(QStringList());
    r.modelVersion = f.string({"model_version"}, true).value_or(QString());
    r.modelFolder = f.string({"model_folder", "vfolder_id", "model_id"}, true).value_or(QString());
    r.runtimeVariant = f.string({"runtime_variant"}).value_or(r.runtimeVariant);
    if (auto slots = f.object({"resource_slots", "resource_opts"})) {
        auto parsed = slotsFrom(*slots);
        if (!parsed)
            f.fail(parsed.error());
        else
            r.resourceSlots = *parsed;
    }
    r.resourceGroup = f.string({"resource_group"}).value_or(r.resourceGroup);
    r.replicas = int(f.integer({"replicas", "desired_session_count"}, 0, 1000).value_or(r.replicas));
    r.isPublic = f.boolean({"public", "open_to_public"}).value_or(false);
    r.priority = intField(f, {"priority"}, Endpoint::kMinPriority, Endpoint::kMaxPriority).value_or(0);
    if (!f.isNull({"queue_when_full"}))
        r.queueWhenFull = f.boolean({"queue_when_full"});
    r.allowPreemption = f.boolean({"allow_preemption"}).value_or(false);
    if (!f.isNull({"latency_target_ms"}))
        r.latencyTargetMs = intField(f, {"latency_target_ms"}, Endpoint::kMinLatencyTargetMs, Endpoint::kMaxLatencyTargetMs);
    r.jobConcurrency = intField(f, {"job_concurrency"}, 0, Endpoint::kMaxJobConcurrency).value_or(0);
    if (auto breaker = circuitBreakerFrom(f)) {
        r.circuitBreaker = breaker->appliedTo(r.circuitBreaker);
        if (auto problem = r.circuitBreaker.problem())
            f.fail(*problem);
    }
    return finished(f, r);
}

Result<ModifyEndpointRequest> modifyRequest(const QJsonObject &body)
{
    RequestFields f(body);
    ModifyEndpointRequest r;
    r.name = f.string({"name"});
    r.aliases = f.stringList({"aliases"});
    r.modelVersion = f.string({"model_version"});
    r.modelFolder = f.string({"model_folder", "vfolder_id"});
    r.runtimeVariant = f.string({"runtime_variant"});
    r.resourceGroup = f.string({"resource_group"});
    if (auto slots = f.object({"resource_slots"})) {
        auto parsed = slotsFrom(*slots);
        if (!parsed)
            f.fail(parsed.error());
        else
            r.resourceSlots = *parsed;
    }
    if (auto n = f.integer({"replicas", "desired_session_count"}, 0, 1000))
        r.replicas = int(*n);
    r.isPublic = f.boolean({"public", "open_to_public"});
    r.strategy = strategyFrom(f, {"strategy"});
    // A share of traffic: refused here, as progressive would otherwise clamp it silently.
    r.canaryWeight = intField(f, {"canary_weight"}, 0, 100);
    r.priority = intField(f, {"priority"}, Endpoint::kMinPriority, Endpoint::kMaxPriority);
    // null: back to the default
    if (f.isNull({"queue_when_full"}))
        r.queueWhenFull = std::optional<bool>();
    else if (auto queue = f.boolean({"queue_when_full"}))
        r.queueWhenFull = std::optional<bool>(*queue);
    r.allowPreemption = f.boolean({"allow_preemption"});
    // null: no target
    if (f.isNull({"latency_target_ms"}))
        r.latencyTargetMs = std::optional<int>();
    else if (auto target = intField(f, {"latency_target_ms"}, Endpoint::kMinLatencyTargetMs, Endpoint::kMaxLatencyTargetMs))
        r.latencyTargetMs = std::optional<int>(*target);
    r.jobConcurrency = intField(f, {"job_concurrency"}, 0, Endpoint::kMaxJobConcurrency);
    r.circuitBreaker = circuitBreakerFrom(f);
    if (r.circuitBreaker) {
        // Out of range whatever the endpoint holds now: refused here, with the field named.
        if (auto problem = r.circuitBreaker->appliedTo(CircuitBreakerSettings()).problem())
            f.fail(*problem);
    }
    if (body.isEmpty())
        f.fail(makeError(ErrorType::InvalidArgument, QStringLiteral("nothing to modify: the body names no field")));
    return finished(f, r);
}

Result<int> scaleRequest(const QJsonObject &body)
{
    RequestFields f(body);
    const int replicas = int(f.integer({"replicas", "target_replicas"}, 0, 1000, true).value_or(0));
    return finished(f, replicas);
}

QJsonObject toJson(const AutoscaleSettings &s)
{
    return {{QStringLiteral("endpoint_id"), s.endpointId.toString(QUuid::WithoutBraces)},
            {QStringLiteral("schedule"), s.schedule},
            {QStringLiteral("idle_timeout"), s.idleTimeoutSeconds}};
}

Result<AutoscaleSettingsChange> autoscaleSettingsRequest(const QJsonObject &body)
{
    RequestFields f(body);
    AutoscaleSettingsChange change;
    change.schedule = f.string({"schedule"});
    if (auto idle = f.integer({"idle_timeout", "idle_timeout_seconds"}, 0, 7 * 24 * 3600))
        change.idleTimeoutSeconds = int(*idle);
    return finished(f, change);
}

Result<PushedMetric> pushedMetric(const QJsonObject &body)
{
    RequestFields f(body);
    PushedMetric m;
    m.name = f.string({"name", "metric"}, true).value_or(QString());
    m.value = f.number({"value"}, true).value_or(0);
    return finished(f, m);
}

Result<QList<RouteWeight>> routeWeights(const QJsonObject &body)
{
    RequestFields f(body);
    QList<RouteWeight> out;
    const auto routes = f.array({"routes"}, true);
    for (qsizetype i = 0; routes && i < routes->size(); ++i) {
        const QString prefix = QStringLiteral("routes[%1]").arg(i);
        if (!routes->at(i).isObject()) {
            f.fail(makeError(ErrorType::InvalidArgument, prefix + QStringLiteral(": expected an object"),
                             {{QStringLiteral("field"), prefix}}));
            break;
        }
        RequestFields item(routes->at(i).toObject(), prefix);
        const QString routeId = item.string({"route_id", "instance_id"}, true).value_or(QString());
        const int weight = int(item.integer({"weight"}, 0, 100, true).value_or(0));
        if (auto error = item.finish()) {
            f.fail(*error);
            break;
        }
        const QUuid uuid = QUuid::fromString(routeId);
        if (uuid.isNull()) {
            f.fail(makeError(ErrorType::InvalidArgument, prefix + QStringLiteral(".route_id: '%1' is not a route id").arg(routeId),
                             {{QStringLiteral("field"), QString(prefix + QStringLiteral(".route_id"))}}));
            break;
        }
        out.append({uuid, weight});
    }
    return finished(f, out);
}

namespace {

void readRuleFields(RequestFields &f, AutoScalingRuleChanges &c)
{
    if (auto s = f.string({"metric_source"})) {
        if (auto source = metricSourceFromName(*s))
            c.source = *source;
        else
            f.fail(makeError(ErrorType::InvalidArgument,
                             QStringLiteral("metric_source: '%1' is not one of KERNEL, INFERENCE_FRAMEWORK, PROXY, CUSTOM").arg(*s),
                             {{QStringLiteral("field"), QStringLiteral("metric_source")}}));
    }
    c.metric = f.string({"metric", "metric_name"});
    if (auto s = f.string({"comparator"})) {
        if (auto cmp = comparatorFromText(*s))
            c.comparator = *cmp;
        else
            f.fail(makeError(ErrorType::InvalidArgument, QStringLiteral("comparator: '%1' is not one of >, >=, <, <=").arg(*s),
                             {{QStringLiteral("field"), QStringLiteral("comparator")}}));
    }
    c.threshold = f.number({"threshold"});
    if (auto n = f.integer({"step_size"}, -1000, 1000))
        c.stepSize = int(*n);
    if (f.isNull({"target_per_replica"}))
        c.targetPerReplica = std::optional<double>();
    else if (auto t = f.number({"target_per_replica"}))
        c.targetPerReplica = std::optional<double>(*t);
    if (auto n = f.integer({"min_replicas"}, 0, 1000))
        c.minReplicas = int(*n);
    if (auto n = f.integer({"max_replicas"}, 0, 1000))
        c.maxReplicas = int(*n);
    if (auto n = f.integer({"scale_up_delay"}, 0, 86400))
        c.scaleUpDelay = int(*n);
    if (auto n = f.integer({"scale_down_delay"}, 0, 86400))
        c.scaleDownDelay = int(*n);
    if (auto n = f.integer({"cooldown"}, 0, 86400))
        c.cooldown = int(*n);
}

} // namespace

Result<AutoScalingRule> ruleRequest(const QJsonObject &body)
{
    RequestFields f(body);
    AutoScalingRuleChanges c;
    readRuleFields(f, c);
    if (!c.metric)
        f.fail(makeError(ErrorType::InvalidArgument, QStringLiteral("metric: is required"),
                         {{QStringLiteral("field"), QStringLiteral("metric")}}));
    if (!c.threshold)
        f.fail(makeError(ErrorType::InvalidArgument, QStringLiteral("threshold: is required"),
                         {{QStringLiteral("field"), QStringLiteral("threshold")}}));
    AutoScalingRule rule;
    rule.metric = c.metric.value_or(QString());
    rule.source = c.source.value_or(defaultSourceFor(rule.metric));
    rule.comparator = c.comparator.value_or(Comparator::GreaterThan);
    rule.threshold = c.threshold.value_or(0);
    rule.stepSize = c.stepSize.value_or(1);
    if (c.targetPerReplica)
        rule.targetPerReplica = *c.targetPerReplica;
    rule.minReplicas = c.minReplicas.value_or(1);
    rule.maxReplicas = c.maxReplicas.value_or(std::max(rule.minReplicas, 10));
    rule.scaleUpDelay = c.scaleUpDelay.value_or(60);
    rule.scaleDownDelay = c.scaleDownDelay.value_or(300);
    rule.cooldown = c.cooldown.value_or(60);
    return finished(f, rule);
}

Result<AutoScalingRuleChanges> ruleChanges(const QJsonObject &body)
{
    RequestFields f(body);
    AutoScalingRuleChanges c;
    readRuleFields(f, c);
    if (body.isEmpty())
        f.fail(makeError(ErrorType::InvalidArgument, QStringLiteral("nothing to modify: the body names no field")));
    return finished(f, c);
}

Result<TokenRequest> tokenRequest(const QJsonObject &body)
{
    RequestFields f(body);
    TokenRequest r;
    r.scope = f.string({"scope"}).value_or(r.scope);
    // Absent means a day; only an explicit null asks for a token that never expires.
    if (!f.isNull({"expiry"}))
        r.expirySeconds = f.integer({"expiry"}, 1, qint64(10) * 365 * 24 * 3600).value_or(86400);
    r.allowedIps = f.stringList({"allowed_ips"}).value_or(QStringList());
    return finished(f, r);
}

Result<RevisionChanges> revisionChanges(const QJsonObject &body)
{
    RequestFields f(body);
    RevisionChanges c;
    if (f.isNull({"match_header"})) {
        c.matchHeader = std::optional<HeaderMatch>();
    } else if (auto text = f.string({"match_header"})) {
        auto match = HeaderMatch::parse(*text);
        if (!match)
            f.fail(match.error());
        else
            c.matchHeader = std::optional<HeaderMatch>(*match);
    }
    if (auto text = f.string({"mode"})) {
        if (auto mode = revisionModeFromName(*text))
            c.mode = *mode;
        else
            f.fail(makeError(ErrorType::InvalidArgument, QStringLiteral("mode: '%1' is not one of serve, shadow").arg(*text),
                             {{QStringLiteral("field"), QStringLiteral("mode")}}));
    }
    if (auto n = f.integer({"replicas"}, 0, 1000))
        c.replicas = int(*n);
    if (body.isEmpty())
        f.fail(makeError(ErrorType::InvalidArgument, QStringLiteral("nothing to modify: the body names no field")));
    return finished(f, c);
}

Result<RolloutRequest> rolloutRequest(const QJsonObject &body)
{
    // Types are checked here, each field named; the ranges (steps in 1-100 and increasing,
    // weights, windows, thresholds) are the service's, checked before it writes anything.
    RequestFields f(body);
    RolloutRequest r;
    r.strategy = strategyFrom(f, {"strategy"}).value_or(r.strategy);
    r.modelVersion = f.string({"model_version"});
    r.modelFolder = f.string({"model_folder", "vfolder_id"});
    r.revision = f.string({"revision", "revision_id"});
    if (auto steps = f.array({"steps"})) {
        for (qsizetype i = 0; i < steps->size(); ++i) {
            const QJsonValue v = steps->at(i);
            const double d = v.toDouble();
            if (!v.isDouble() || std::floor(d) != d || d < double(kIntMin) || d > double(kIntMax)) {
                f.fail(makeError(ErrorType::InvalidArgument,
                                 QStringLiteral("steps: item %1 is not an integer share (expected an array of integers)")
                                     .arg(i + 1),
                                 {{QStringLiteral("field"), QStringLiteral("steps")},
                                  {QStringLiteral("expected"), QStringLiteral("an array of integers")}}));
                break;
            }
            r.steps << int(d);
        }
    }
    r.weight = intField(f, {"weight"});
    r.intervalSeconds = intField(f, {"interval_seconds"});
    r.maxSurgePercent = intField(f, {"max_surge_percent"});
    r.maxUnavailable = intField(f, {"max_unavailable"});
    r.rollbackWindowSeconds = intField(f, {"rollback_window_seconds"});
    r.progressDeadlineSeconds = intField(f, {"progress_deadline_seconds"});
    if (auto object = f.object({"analysis"})) {
        RequestFields item(*object, QStringLiteral("analysis"));
        AnalysisThresholds a;
        a.minRequests = intField(item, {"min_requests"}).value_or(a.minRequests);
        a.maxErrorRateIncrease = item.number({"max_error_rate_increase"}).value_or(a.maxErrorRateIncrease);
        a.maxLatencyRatio = item.number({"max_latency_ratio"}).value_or(a.maxLatencyRatio);
        a.minLatencyIncreaseMs = item.number({"min_latency_increase_ms"}).value_or(a.minLatencyIncreaseMs);
        a.failureThreshold = intField(item, {"failure_threshold"}).value_or(a.failureThreshold);
        if (auto error = item.finish())
            f.fail(*error);
        r.analysis = a;
    }
    return finished(f, r);
}

Result<int> rolloutWeight(const QJsonObject &body)
{
    RequestFields f(body);
    const int weight = int(f.integer({"weight"}, 0, 100, true).value_or(0));
    return finished(f, weight);
}

} // namespace ServeDeck::JsonCodec
