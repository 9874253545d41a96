// ModelServingService: rollouts, starting them, acting on them, and the changes the rollout
// controller makes as they progress.
#include "modelservingservice.h"
#include "modelservingservice_p.h"

#include <algorithm>
#include <cmath>

#include <QJsonArray>

#include "domain/clock.h"
#include "domain/headersafetext.h"
#include "domain/enumnames.h"
#include "store/repository.h"

namespace ServeDeck {

using namespace detail;

namespace {

constexpr EnumNames<RolloutAction, 5> kActions{{{
    {RolloutAction::Promote, "promote"},
    {RolloutAction::Pause, "pause"},
    {RolloutAction::Resume, "resume"},
    {RolloutAction::Abort, "abort"},
    {RolloutAction::Rollback, "rollback"},
}}};

constexpr int kMaxSteps = 20;
constexpr int kMaxIntervalSeconds = 86400;
constexpr int kMaxWindowSeconds = 7 * 86400;
constexpr int kDefaultCanaryWeight = 10;

std::optional<ServiceError> checkRange(const QString &field, std::optional<int> value, int low, int high)
{
    if (value && (*value < low || *value > high))
        return invalid(field, QStringLiteral("%1 is outside %2-%3").arg(*value).arg(low).arg(high));
    return std::nullopt;
}

std::optional<ServiceError> checkSteps(const QList<int> &steps)
{
    if (steps.isEmpty())
        return invalid(QStringLiteral("steps"), QStringLiteral("a progressive rollout needs at least one step"));
    if (steps.size() > kMaxSteps)
        return invalid(QStringLiteral("steps"), QStringLiteral("at most %1 steps").arg(kMaxSteps));
    for (qsizetype i = 0; i < steps.size(); ++i) {
        if (steps[i] < 1 || steps[i] > 100)
            return invalid(QStringLiteral("steps"),
                           QStringLiteral("step %1 is %2: each step is a share in 1-100").arg(i + 1).arg(steps[i]));
        if (i > 0 && steps[i] <= steps[i - 1])
            return invalid(QStringLiteral("steps"), QStringLiteral("steps must increase: %1 follows %2")
                                                        .arg(steps[i])
                                                        .arg(steps[i - 1]));
    }
    return std::nullopt;
}

std::optional<ServiceError> checkAnalysis(const AnalysisThresholds &a)
{
    if (a.minRequests < 1 || a.minRequests > 1000000)
        return invalid(QStringLiteral("analysis.min_requests"), QStringLiteral("must be in 1-1000000"));
    if (!(a.maxErrorRateIncrease >= 0 && a.maxErrorRateIncrease <= 1))
        return invalid(QStringLiteral("analysis.max_error_rate_increase"), QStringLiteral("must be in 0-1"));
    if (!(a.maxLatencyRatio >= 1 && a.maxLatencyRatio <= 100))
        return invalid(QStringLiteral("analysis.max_latency_ratio"), QStringLiteral("must be in 1-100"));
    if (!(a.minLatencyIncreaseMs >= 0 && a.minLatencyIncreaseMs <= 60000))
        return invalid(QStringLiteral("analysis.min_latency_increase_ms"), QStringLiteral("must be in 0-60000"));
    if (a.failureThreshold < 1 || a.failureThreshold > 100)
        return invalid(QStringLiteral("analysis.failure_threshold"), QStringLiteral("must be in 1-100"));
    return std::nullopt;
}

ServiceError notInPhase(const Rollout &o, RolloutAction action)
{
    return makeError(ErrorType::InvalidArgument,
                     QStringLiteral("rollout %1 is %2: it cannot %3")
                         .arg(idText(o.id), rolloutPhaseName(o.phase), rolloutActionName(action)),
                     {{QStringLiteral("rollout_id"), idText(o.id)}, {QStringLiteral("phase"), rolloutPhaseName(o.phase)}});
}

} // namespace

QString rolloutActionName(RolloutAction action)
{
    return kActions.name(action);
}

std::optional<RolloutAction> rolloutActionFromName(const QString &name)
{
    return kActions.parse(name);
}

void RolloutChange::moveTo(RolloutPhase phase, const QString &message)
{
    rollout.phase = phase;
    rollout.updatedAt = now;
    if (!rollout.inProgress() && phase != RolloutPhase::Succeeded)
        rollout.finishedAt = now;
    note(message);
}

void RolloutChange::note(const QString &message)
{
    events.append({now, rollout.phase, rollout.stepIndex, rollout.weight, message});
}

void RolloutChange::switchToTarget(const Revision &target, const QString &message)
{
    endpoint.currentRevisionId = target.id;
    endpoint.modelVersion = target.modelVersion;
    endpoint.modelFolder = target.modelFolder;
    endpoint.updatedAt = now;
    // The endpoint's retry count was the old revision's; the new one starts clean.
    endpoint.retries = 0;
    endpointChanged = true;
    rollout.weight = 100;
    rollout.finishedAt = now;
    if (rollout.strategy == RolloutStrategy::BlueGreen && rollout.rollbackWindowSeconds > 0)
        rollout.warmUntil = now.addSecs(rollout.rollbackWindowSeconds);
    moveTo(RolloutPhase::Succeeded, message);
}

Result<Rollout> ModelServingService::beginRollout(const Endpoint &e, const RolloutRequest &request)
{
    const QDateTime now = m_clock.now();
    if (!e.isLive())
        return makeError(ErrorType::InvalidArgument, QStringLiteral("endpoint '%1' is %2 and can no longer be modified")
                                                         .arg(e.name, lifecycleName(e.lifecycle)));
    // Every field is checked before anything is looked up or written.
    if (request.strategy == RolloutStrategy::Progressive) {
        if (auto err = checkSteps(request.steps))
            return *err;
    } else if (!request.steps.isEmpty()) {
        return invalid(QStringLiteral("steps"), QStringLiteral("only a progressive rollout has steps"));
    }
    if (auto err = checkRange(QStringLiteral("weight"), request.weight, 0, 100))
        return *err;
    if (auto err = checkRange(QStringLiteral("interval_seconds"), request.intervalSeconds, 1, kMaxIntervalSeconds))
        return *err;
    if (auto err = checkRange(QStringLiteral("max_surge_percent"), request.maxSurgePercent, 0, 100))
        return *err;
    if (auto err = checkRange(QStringLiteral("max_unavailable"), request.maxUnavailable, 0, kMaxReplicas))
        return *err;
    if (auto err = checkRange(QStringLiteral("rollback_window_seconds"), request.rollbackWindowSeconds, 0, kMaxWindowSeconds))
        return *err;
    if (auto err = checkRange(QStringLiteral("progress_deadline_seconds"), request.progressDeadlineSeconds, 1,
                              kMaxWindowSeconds))
        return *err;
    if (request.analysis) {
        if (auto err = checkAnalysis(*request.analysis))
            return *err;
    }
    if (request.maxSurgePercent.value_or(25) == 0 && request.maxUnavailable.value_or(0) == 0)
        return invalid(QStringLiteral("max_surge_percent"),
                       QStringLiteral("max_surge_percent and max_unavailable cannot both be 0: nothing could move"));
    if (!request.revision && !request.modelVersion && !request.modelFolder)
        return invalid(QStringLiteral("model_version"), QStringLiteral("name the version (or revision) to roll out"));

    auto latest = m_repository.rollouts(e.id, 1);
    if (!latest)
        return latest.error();
    if (!latest->isEmpty() && latest->constFirst().inProgress()) {
        const Rollout &busy = latest->constFirst();
        return makeError(ErrorType::RolloutInProgress,
                         QStringLiteral("endpoint '%1' has a rollout in progress (%2); promote, abort or wait for it")
                             .arg(e.name, idText(busy.id)),
                         {{QStringLiteral("rollout_id"), idText(busy.id)},
                          {QStringLiteral("phase"), rolloutPhaseName(busy.phase)}});
    }

    auto revisions = m_repository.revisions(e.id);
    if (!revisions)
        return revisions.error();
    std::optional<Revision> target;
    if (request.revision) {
        auto index = findRevision(e, *revisions, *request.revision);
        if (!index)
            return index.error();
        target = revisions->at(*index);
    } else {
        const QString version = request.modelVersion.value_or(e.modelVersion);
        if (auto err = HeaderSafeText::problem(QStringLiteral("model_version"), version, 64))
            return *err;
        const QString folder = request.modelFolder ? resolveFolder(*request.modelFolder) : e.modelFolder;
        for (const Revision &r : *revisions) {
            if (r.modelVersion == version && r.modelFolder == folder)
                target = r;  // a retry of a version this endpoint already has
        }
        if (!target) {
            if (auto plan = validateFolder(folder, e.runtimeVariant, int(std::ceil(e.resourceSlots.gpu))); !plan)
                return plan.error();
            Revision r;
            r.id = QUuid::createUuid();
            r.endpointId = e.id;
            r.number = revisions->isEmpty() ? 1 : revisions->last().number + 1;
            r.modelVersion = version;
            r.modelFolder = folder;
            r.runtimeVariant = e.runtimeVariant;
            r.createdAt = now;
            if (auto inserted = m_repository.insertRevision(r); !inserted)
                return inserted.error();
            target = r;
        }
    }
    if (target->id == e.currentRevisionId)
        return invalid(QStringLiteral("model_version"), QStringLiteral("'%1' is already the stable revision of '%2'")
                                                            .arg(target->modelVersion, e.name));
    if (target->mode == RevisionMode::Shadow || target->matchHeader)
        return invalid(QStringLiteral("revision"),
                       QStringLiteral("revision '%1' is a shadow or header-matched revision; it cannot become the stable one")
                           .arg(target->modelVersion));

    Rollout o;
    o.id = QUuid::createUuid();
    o.endpointId = e.id;
    o.fromRevisionId = e.currentRevisionId;
    o.toRevisionId = target->id;
    o.strategy = request.strategy;
    o.phase = RolloutPhase::Progressing;
    o.steps = request.strategy == RolloutStrategy::Progressive ? request.steps : QList<int>{};
    o.intervalSeconds = request.intervalSeconds.value_or(60);
    o.maxSurgePercent = request.maxSurgePercent.value_or(25);
    o.maxUnavailable = request.maxUnavailable.value_or(0);
    o.rollbackWindowSeconds = request.rollbackWindowSeconds.value_or(600);
    o.progressDeadlineSeconds = request.progressDeadlineSeconds.value_or(600);
    o.maxFailures = m_config.maxRetries;
    o.analysis = request.analysis.value_or(AnalysisThresholds{});
    o.createdAt = o.updatedAt = o.stepStartedAt = now;
    switch (o.strategy) {
    case RolloutStrategy::Rolling:
    case RolloutStrategy::BlueGreen:
        o.weight = 0;
        break;
    case RolloutStrategy::Canary:
        o.weight = request.weight.value_or(kDefaultCanaryWeight);
        break;
    case RolloutStrategy::Progressive:
        o.weight = o.steps.constFirst();
        break;
    }

    // Room for the replicas the new revision adds beside the old ones at its peak.
    const ResourceSlots total = m_config.capacity.total;
    const ResourceSlots available = total - allocated();
    int extra = 0;
    switch (o.strategy) {
    case RolloutStrategy::Rolling:
        extra = (e.replicas * o.maxSurgePercent + 99) / 100;
        break;
    case RolloutStrategy::BlueGreen:
        extra = e.replicas;
        break;
    case RolloutStrategy::Canary:
    case RolloutStrategy::Progressive: {
        const int peak = o.strategy == RolloutStrategy::Canary ? 100 : o.steps.constLast();
        Rollout peakShare = o;
        peakShare.weight = peak;
        extra = planRollout(peakShare, e.replicas, 0, now).targetReplicas;
        break;
    }
    }
    if (!(e.resourceSlots * extra).fitsIn(available)) {
        if (o.strategy == RolloutStrategy::Rolling && e.replicas > 0) {
            // No room to surge (one full GPU): replace one replica at a time instead.
            o.maxSurgePercent = 0;
            o.maxUnavailable = std::max(o.maxUnavailable, 1);
            o.reason = QStringLiteral("no capacity for a surge replica: replacing one replica at a time "
                                      "(max unavailable 1)");
        } else {
            const QString strategyName = rolloutStrategyName(o.strategy);
            return makeError(ErrorType::InsufficientResources,
                             QStringLiteral("a %1 rollout needs %2 more replica(s) beside the current ones, and %3 fit; "
                                            "a rolling rollout needs no extra room")
                                 .arg(strategyName)
                                 .arg(extra)
                                 .arg(replicasThatFit(e.resourceSlots, available)),
                             capacityDetails(e.resourceSlots, extra, available, total));
        }
    }
    // The one-in-progress index backs the check above against a writer elsewhere (a shared store).
    if (auto inserted = m_repository.insertRollout(o); !inserted) {
        if (inserted.error().message.contains(QLatin1String("rollouts.endpoint_id")))
            return makeError(ErrorType::RolloutInProgress,
                             QStringLiteral("endpoint '%1' has a rollout in progress").arg(e.name));
        return inserted.error();
    }
    QList<RolloutEvent> events{{now, o.phase, 0, o.weight,
                                QStringLiteral("%1 rollout to %2 started")
                                    .arg(rolloutStrategyName(o.strategy), target->modelVersion)}};
    if (!o.reason.isEmpty())
        events.append({now, o.phase, 0, o.weight, o.reason});
    for (const RolloutEvent &event : std::as_const(events)) {
        if (auto r = m_repository.insertRolloutEvent(o.id, event); !r)
            return r.error();
    }
    return o;
}

Result<RolloutInfo> ModelServingService::rolloutInfoFor(const Rollout &o, const QString &endpointName)
{
    RolloutInfo info;
    info.rollout = o;
    info.endpointName = endpointName;
    if (auto from = m_repository.revision(o.fromRevisionId); from && from->has_value())
        info.fromVersion = (*from)->modelVersion;
    if (auto to = m_repository.revision(o.toRevisionId); to && to->has_value())
        info.toVersion = (*to)->modelVersion;
    auto decisions = m_repository.rolloutDecisions(o.id);
    if (!decisions)
        return decisions.error();
    auto events = m_repository.rolloutEvents(o.id);
    if (!events)
        return events.error();
    info.decisions = *decisions;
    info.events = *events;
    return info;
}

Result<RolloutInfo> ModelServingService::startRollout(const QString &ref, const RolloutRequest &request)
{
    auto started = m_repository.transaction<RolloutInfo>([&]() -> Result<RolloutInfo> {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        Endpoint e = *endpoint;
        auto o = beginRollout(e, request);
        if (!o)
            return o.error();
        return rolloutInfoFor(*o, e.name);
    });
    if (started) {
        Q_EMIT rolloutChanged(started->rollout.endpointId, started->rollout.id);
        Q_EMIT endpointChanged(started->rollout.endpointId);
    }
    return started;
}

Result<QList<RolloutInfo>> ModelServingService::rollouts(const QString &ref, int limit)
{
    if (limit < 1 || limit > 1000)
        return invalid(QStringLiteral("limit"), QStringLiteral("must be in 1-1000"));
    return m_repository.transaction<QList<RolloutInfo>>([&]() -> Result<QList<RolloutInfo>> {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        auto list = m_repository.rollouts(endpoint->id, limit);
        if (!list)
            return list.error();
        QList<RolloutInfo> out;
        for (const Rollout &o : *list) {
            auto info = rolloutInfoFor(o, endpoint->name);
            if (!info)
                return info.error();
            out << *info;
        }
        return out;
    });
}

Result<Rollout> ModelServingService::findRollout(const Endpoint &e, const QString &rolloutRef)
{
    if (rolloutRef == QLatin1String("current") || rolloutRef == QLatin1String("latest")) {
        auto latest = m_repository.rollouts(e.id, 1);
        if (!latest)
            return latest.error();
        if (latest->isEmpty() || (rolloutRef == QLatin1String("current") && !latest->constFirst().inProgress()))
            return makeError(ErrorType::NotFound, QStringLiteral("'%1' has no %2 rollout").arg(e.name, rolloutRef),
                             {{QStringLiteral("endpoint"), e.name}});
        return latest->constFirst();
    }
    const QUuid id = QUuid::fromString(rolloutRef);
    if (!id.isNull()) {
        auto found = m_repository.rollout(id);
        if (!found)
            return found.error();
        if (found->has_value() && (*found)->endpointId == e.id)
            return **found;
    }
    return makeError(ErrorType::NotFound, QStringLiteral("'%1' has no rollout '%2'").arg(e.name, rolloutRef),
                     {{QStringLiteral("endpoint"), e.name}, {QStringLiteral("rollout"), rolloutRef}});
}

Result<RolloutInfo> ModelServingService::rolloutInfo(const QString &ref, const QString &rolloutRef)
{
    return m_repository.transaction<RolloutInfo>([&]() -> Result<RolloutInfo> {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        auto o = findRollout(*endpoint, rolloutRef);
        if (!o)
            return o.error();
        return rolloutInfoFor(*o, endpoint->name);
    });
}

Result<RolloutInfo> ModelServingService::applyRolloutChange(Endpoint e, Rollout o,
                                                            const std::function<Result<Done>(RolloutChange &)> &change)
{
    RolloutChange c{o, e, m_clock.now(), {}, {}, false};
    if (auto done = change(c); !done)
        return done.error();
    o.updatedAt = c.now;
    if (auto r = m_repository.updateRollout(o); !r)
        return r.error();
    if (c.endpointChanged) {
        if (auto r = m_repository.updateEndpoint(e); !r)
            return r.error();
        // The new stable revision's routes may have started dark (a canary's); as the current
        // revision they take full weight.
        auto routes = m_repository.routes(e.id);
        if (!routes)
            return routes.error();
        for (Route r : *routes) {
            if (r.revisionId != e.currentRevisionId || r.weight > 0)
                continue;
            r.weight = 100;
            r.updatedAt = c.now;
            if (auto u = m_repository.updateRoute(r); !u)
                return u.error();
        }
    }
    for (const RolloutEvent &event : std::as_const(c.events)) {
        if (auto r = m_repository.insertRolloutEvent(o.id, event); !r)
            return r.error();
    }
    for (const AnalysisDecision &d : std::as_const(c.decisions)) {
        if (auto r = m_repository.insertRolloutDecision(o.id, d); !r)
            return r.error();
    }
    return rolloutInfoFor(o, e.name);
}

Result<RolloutInfo> ModelServingService::changeRollout(const QString &ref, const QString &rolloutRef,
                                                       const std::function<Result<Done>(RolloutChange &)> &change)
{
    auto changed = m_repository.transaction<RolloutInfo>([&]() -> Result<RolloutInfo> {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        auto o = findRollout(*endpoint, rolloutRef);
        if (!o)
            return o.error();
        return applyRolloutChange(*endpoint, *o, change);
    });
    if (changed) {
        Q_EMIT rolloutChanged(changed->rollout.endpointId, changed->rollout.id);
        Q_EMIT endpointChanged(changed->rollout.endpointId);
    }
    return changed;
}

Result<RolloutInfo> ModelServingService::changeRolloutById(const QUuid &rolloutId,
                                                           const std::function<Result<Done>(RolloutChange &)> &change)
{
    auto changed = m_repository.transaction<RolloutInfo>([&]() -> Result<RolloutInfo> {
        auto o = m_repository.rollout(rolloutId);
        if (!o)
            return o.error();
        if (!o->has_value())
            return makeError(ErrorType::NotFound, QStringLiteral("no rollout %1").arg(idText(rolloutId)));
        auto endpoint = m_repository.endpointById((*o)->endpointId);
        if (!endpoint)
            return endpoint.error();
        if (!endpoint->has_value())
            return makeError(ErrorType::NotFound, QStringLiteral("rollout %1 has no endpoint").arg(idText(rolloutId)));
        return applyRolloutChange(**endpoint, **o, change);
    });
    if (changed) {
        Q_EMIT rolloutChanged(changed->rollout.endpointId, changed->rollout.id);
        Q_EMIT endpointChanged(changed->rollout.endpointId);
    }
    return changed;
}

Result<RolloutInfo> ModelServingService::actOnRollout(const QString &ref, const QString &rolloutRef, RolloutAction action)
{
    std::optional<RolloutRequest> rollBackBy;  // a rollback after the warm window: a new rolling rollout
    auto acted = changeRollout(ref, rolloutRef, [&](RolloutChange &c) -> Result<Done> {
        Rollout &o = c.rollout;
        switch (action) {
        case RolloutAction::Promote:
            if (o.phase != RolloutPhase::Progressing && o.phase != RolloutPhase::Paused)
                return notInPhase(o, action);
            if (o.strategy == RolloutStrategy::Rolling)
                return invalid(QStringLiteral("action"), QStringLiteral("a rolling rollout promotes itself as its "
                                                                        "replicas become HEALTHY"));
            if (o.strategy == RolloutStrategy::BlueGreen) {
                auto routes = m_repository.routes(c.endpoint.id);
                if (!routes)
                    return routes.error();
                const auto healthy = std::count_if(routes->cbegin(), routes->cend(), [&](const Route &r) {
                    return r.revisionId == o.toRevisionId && r.status == RouteStatus::Healthy;
                });
                if (healthy < c.endpoint.replicas)
                    return invalid(QStringLiteral("action"), QStringLiteral("the new set is not ready: %1 of %2 "
                                                                            "replicas HEALTHY")
                                                                 .arg(healthy)
                                                                 .arg(c.endpoint.replicas));
                auto target = m_repository.revision(o.toRevisionId);
                if (!target)
                    return target.error();
                if (!target->has_value())
                    return makeError(ErrorType::NotFound, QStringLiteral("the rollout's revision is gone"));
                c.switchToTarget(**target, QStringLiteral("promoted by the operator: all traffic on %1")
                                               .arg((*target)->modelVersion));
                return Done{};
            }
            c.moveTo(RolloutPhase::Promoting, QStringLiteral("promoted by the operator"));
            return Done{};
        case RolloutAction::Pause:
            if (o.phase != RolloutPhase::Progressing)
                return notInPhase(o, action);
            c.moveTo(RolloutPhase::Paused, QStringLiteral("paused by the operator"));
            return Done{};
        case RolloutAction::Resume:
            if (o.phase != RolloutPhase::Paused)
                return notInPhase(o, action);
            o.stepStartedAt = c.now;  // the step's window starts over
            c.moveTo(RolloutPhase::Progressing, QStringLiteral("resumed by the operator"));
            return Done{};
        case RolloutAction::Abort:
            if (!o.inProgress())
                return notInPhase(o, action);
            o.weight = 0;
            c.moveTo(RolloutPhase::Aborted, QStringLiteral("aborted by the operator: all traffic back on the stable revision"));
            return Done{};
        case RolloutAction::Rollback:
            if (o.inProgress()) {
                o.weight = 0;
                c.moveTo(RolloutPhase::RolledBack, QStringLiteral("rolled back by the operator"));
                return Done{};
            }
            if (o.phase != RolloutPhase::Succeeded || c.endpoint.currentRevisionId != o.toRevisionId)
                return notInPhase(o, action);
            if (o.warmUntil.isValid() && c.now < o.warmUntil) {
                // The old set is still warm: the switch back is immediate.
                auto from = m_repository.revision(o.fromRevisionId);
                if (!from)
                    return from.error();
                if (!from->has_value())
                    return makeError(ErrorType::NotFound, QStringLiteral("the previous revision is gone"));
                c.endpoint.currentRevisionId = o.fromRevisionId;
                c.endpoint.modelVersion = (*from)->modelVersion;
                c.endpoint.modelFolder = (*from)->modelFolder;
                c.endpoint.updatedAt = c.now;
                c.endpointChanged = true;
                o.warmUntil = QDateTime();
                o.weight = 0;
                c.moveTo(RolloutPhase::RolledBack, QStringLiteral("rolled back by the operator: all traffic on %1 again")
                                                       .arg((*from)->modelVersion));
                return Done{};
            }
            // The old set is gone: bring it back by a rolling rollout, never by dropping capacity.
            rollBackBy = RolloutRequest{};
            rollBackBy->revision = idText(o.fromRevisionId);
            return Done{};
        }
        return Done{};
    });
    if (acted && rollBackBy)
        return startRollout(ref, *rollBackBy);
    return acted;
}

Result<RolloutInfo> ModelServingService::setRolloutWeight(const QString &ref, const QString &rolloutRef, int weight)
{
    if (auto err = checkRange(QStringLiteral("weight"), weight, 0, 100))
        return *err;
    return changeRollout(ref, rolloutRef, [&](RolloutChange &c) -> Result<Done> {
        Rollout &o = c.rollout;
        if (o.strategy != RolloutStrategy::Canary)
            return invalid(QStringLiteral("weight"), QStringLiteral("only a manual canary's share is set by hand; a %1 "
                                                                    "rollout sets its own")
                                                         .arg(rolloutStrategyName(o.strategy)));
        if (o.phase != RolloutPhase::Progressing && o.phase != RolloutPhase::Paused)
            return invalid(QStringLiteral("weight"), QStringLiteral("rollout %1 is %2")
                                                         .arg(idText(o.id), rolloutPhaseName(o.phase)));
        if (o.weight == weight)
            return Done{};
        o.weight = weight;
        c.note(QStringLiteral("canary share set to %1 %").arg(weight));
        return Done{};
    });
}

} // namespace ServeDeck
