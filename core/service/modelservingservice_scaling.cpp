// ModelServingService: replica counts, scale events, autoscaling rules and settings, pushed metrics.
#include "modelservingservice.h"
#include "modelservingservice_p.h"

#include <cmath>

#include <QRegularExpression>
#include <QSet>

#include "autoscale/replicaschedule.h"
#include "domain/clock.h"
#include "store/repository.h"

namespace ServeDeck {

using namespace detail;

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
        // What does not fit may wait PENDING instead: by default a rule's scale-out does, a
        // manual one does not (the spec's ResourceLimitExceeded); the endpoint may say otherwise.
        // A replica larger than the whole capacity would wait forever: that one is refused.
        const bool queues = e.queueWhenFull.value_or(!cause.ruleId.isEmpty())
            && (e.resourceSlots * 1).fitsIn(m_config.capacity.total);
        // Fewer replicas never need room (others' queued replicas may have taken it all).
        if (!queues && replicas > e.replicas && !(e.resourceSlots * replicas).fitsIn(available))
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

Result<Route> ModelServingService::requeueRoute(const QUuid &routeId, const QString &reason, int retryAfterMs)
{
    auto requeued = m_repository.transaction<Route>([&]() -> Result<Route> {
        auto route = m_repository.route(routeId);
        if (!route)
            return route.error();
        if (!route->has_value())
            return makeError(ErrorType::NotFound, QStringLiteral("route %1 not found").arg(idText(routeId)));
        Route r = **route;
        if (r.status != RouteStatus::Provisioning)  // drained meanwhile: nothing to wait for
            return r;
        const QDateTime now = m_clock.now();
        r.status = RouteStatus::Pending;
        r.replicaId.clear();
        r.agentId.clear();
        r.pendingReason = reason.left(500);
        if (!r.pendingSince.isValid())
            r.pendingSince = now;
        r.retryAt = now.addMSecs(retryAfterMs);
        r.updatedAt = now;
        if (auto u = m_repository.updateRoute(r); !u)
            return u.error();
        return r;
    });
    if (requeued) {
        Q_EMIT routesChanged(requeued->endpointId);
        Q_EMIT endpointChanged(requeued->endpointId);
    }
    return requeued;
}

Result<int> ModelServingService::retryRefusedRoutes()
{
    QSet<QUuid> touched;
    auto retried = m_repository.transaction<int>([&]() -> Result<int> {
        touched.clear();
        auto routes = m_repository.allRoutes();
        if (!routes)
            return routes.error();
        int n = 0;
        for (Route r : *routes) {
            if (r.status != RouteStatus::Pending || !r.retryAt.isValid())
                continue;
            r.retryAt = {};
            r.updatedAt = m_clock.now();
            if (auto u = m_repository.updateRoute(r); !u)
                return u.error();
            touched.insert(r.endpointId);
            ++n;
        }
        return n;
    });
    if (retried) {
        for (const QUuid &id : std::as_const(touched))
            Q_EMIT routesChanged(id);
    }
    return retried;
}

Result<QList<QueueEntry>> ModelServingService::pendingQueue()
{
    auto routes = m_repository.allRoutes();
    if (!routes)
        return routes.error();
    QList<QueueEntry> queue;
    QHash<QUuid, std::optional<Endpoint>> endpoints;
    for (const Route &r : *routes) {
        if (r.status != RouteStatus::Pending)
            continue;
        if (!endpoints.contains(r.endpointId)) {
            auto e = m_repository.endpointById(r.endpointId);
            if (!e)
                return e.error();
            endpoints.insert(r.endpointId, *e);
        }
        const std::optional<Endpoint> &e = endpoints[r.endpointId];
        if (!e || !e->isLive())
            continue;
        queue.append({r, e->name, e->priority, e->resourceSlots});
    }
    // The reconciler's order (Reconciler::admitPending).
    std::stable_sort(queue.begin(), queue.end(), [](const QueueEntry &a, const QueueEntry &b) {
        if (a.priority != b.priority)
            return a.priority > b.priority;
        if (a.route.pendingSince != b.route.pendingSince)
            return a.route.pendingSince < b.route.pendingSince;
        return a.route.createdAt < b.route.createdAt;
    });
    return queue;
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

} // namespace ServeDeck
