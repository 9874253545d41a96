#include "autoscaler.h"

#include <algorithm>
#include <cmath>

#include <QSet>

#include "domain/clock.h"
#include "domain/endpoint.h"
#include "store/repository.h"

namespace ServeDeck {

namespace {

QString idText(const QUuid &id)
{
    return id.toString(QUuid::WithoutBraces);
}

QString replicasText(int count)
{
    return count == 1 ? QStringLiteral("1 replica") : QStringLiteral("%1 replicas").arg(count);
}

bool holds(Comparator comparator, double value, double threshold)
{
    switch (comparator) {
    case Comparator::GreaterThan:
        return value > threshold;
    case Comparator::GreaterOrEqual:
        return value >= threshold;
    case Comparator::LessThan:
        return value < threshold;
    case Comparator::LessOrEqual:
        return value <= threshold;
    }
    return false;
}

// A metric that exists without a replica to measure it: the job backlog, values pushed through
// the API. A rule on one can tell that an endpoint at zero has work.
bool measurableAtZero(const AutoScalingRule &rule)
{
    return rule.source == MetricSource::Custom
        || (rule.source == MetricSource::Proxy && rule.metric == Autoscaler::kJobsMetric);
}

// A threshold rule that scales out on the job backlog: once no job is queued or running, its
// replicas have nothing left to do, so it takes the count back to its minimum.
bool scalesInOnEmptyBacklog(const AutoScalingRule &rule)
{
    return rule.source == MetricSource::Proxy && rule.metric == Autoscaler::kJobsMetric
        && !(rule.targetPerReplica && *rule.targetPerReplica > 0) && rule.stepSize > 0;
}

bool sameRule(const AutoScalingRule &a, const AutoScalingRule &b)
{
    return a.source == b.source && a.metric == b.metric && a.comparator == b.comparator && a.threshold == b.threshold
        && a.stepSize == b.stepSize && a.targetPerReplica == b.targetPerReplica && a.minReplicas == b.minReplicas
        && a.maxReplicas == b.maxReplicas && a.scaleUpDelay == b.scaleUpDelay && a.scaleDownDelay == b.scaleDownDelay
        && a.cooldown == b.cooldown;
}

} // namespace

Autoscaler::Autoscaler(Repository &repository, Clock &clock, QObject *parent)
    : QObject(parent)
    , m_repository(repository)
    , m_clock(clock)
{
    connect(&m_tick, &QTimer::timeout, this, [this] {
        if (auto pass = evaluateOnce(); !pass)
            Q_EMIT passFailed(pass.error().message);
    });
}

void Autoscaler::setMetricsReader(MetricsReader reader)
{
    m_reader = std::move(reader);
}

void Autoscaler::setActuator(Actuator actuator)
{
    m_actuator = std::move(actuator);
}

void Autoscaler::setSchedule(const QUuid &endpointId, const ReplicaSchedule &schedule)
{
    EndpointState &state = m_states[endpointId];
    if (schedule.isEmpty())
        state.schedule.reset();
    else
        state.schedule = schedule;
}

void Autoscaler::setIdleTimeout(const QUuid &endpointId, int seconds)
{
    m_states[endpointId].idle = IdlePolicy(seconds);
}

void Autoscaler::start(int intervalMs)
{
    m_tick.start(intervalMs);
}

void Autoscaler::stop()
{
    m_tick.stop();
}

int Autoscaler::upCount(const QUuid &endpointId) const
{
    const auto it = m_states.find(endpointId);
    return it == m_states.end() ? 0 : it->second.up;
}

int Autoscaler::downCount(const QUuid &endpointId) const
{
    const auto it = m_states.find(endpointId);
    return it == m_states.end() ? 0 : it->second.down;
}

const MetricWindow *Autoscaler::metricWindow(const QUuid &endpointId, MetricSource source, const QString &metric) const
{
    const auto it = m_states.find(endpointId);
    if (it == m_states.end())
        return nullptr;
    const auto window = it->second.windows.constFind(metricSourceName(source) + u':' + metric);
    return window == it->second.windows.cend() ? nullptr : &*window;
}

Result<QList<AutoscaleDecision>> Autoscaler::evaluateOnce()
{
    auto endpoints = m_repository.endpoints();
    if (!endpoints)
        return endpoints.error();
    QList<AutoscaleDecision> decisions;
    QSet<QUuid> live;
    for (const Endpoint &endpoint : std::as_const(*endpoints)) {
        if (!endpoint.isLive())
            continue;
        live.insert(endpoint.id);
        auto rules = m_repository.rules(endpoint.id);
        if (!rules)
            return rules.error();
        const auto known = m_states.find(endpoint.id);
        const bool configured =
            known != m_states.end() && (known->second.schedule || known->second.idle.enabled());
        if (rules->isEmpty() && !configured) {
            if (known != m_states.end()) {
                known->second.policies.clear();
                known->second.lastSeen.reset();  // a rule added later is not an operator's change
            }
            continue;
        }
        EndpointState &state = m_states[endpoint.id];
        if (auto decision = decide(state, endpoint.id, endpoint.replicas, *rules)) {
            apply(state, *decision);
            decisions << *decision;
        }
    }
    // Ended endpoints never come back: forget their policies, samples and settings.
    std::erase_if(m_states, [&](const auto &entry) { return !live.contains(entry.first); });
    return decisions;
}

bool Autoscaler::wake(const QUuid &endpointId)
{
    auto endpoint = m_repository.endpointById(endpointId);
    if (!endpoint || !*endpoint || !(*endpoint)->isLive())
        return false;
    const int current = (*endpoint)->replicas;
    if (current > 0)
        return true;
    auto rules = m_repository.rules(endpointId);
    if (!rules)
        return false;
    int target = 1;
    for (const AutoScalingRule &rule : std::as_const(*rules))
        target = std::max(target, rule.minReplicas);
    EndpointState &state = m_states[endpointId];
    if (const auto floor = floorNow(state)) {
        int cap = ReplicaSchedule::kMaxFloor;
        for (const AutoScalingRule &rule : std::as_const(*rules))
            cap = std::min(cap, std::max(rule.maxReplicas, 1));
        target = std::max(target, std::min(*floor, cap));
    }
    AutoscaleDecision decision{endpointId, current, target, {QString(), std::nullopt, QStringLiteral("woken by a request")},
                               false};
    state.lastSeen = current;
    return apply(state, decision);
}

void Autoscaler::syncPolicies(EndpointState &state, const QList<AutoScalingRule> &rules)
{
    QSet<QUuid> ids;
    for (const AutoScalingRule &rule : rules) {
        ids.insert(rule.id);
        auto it = state.policies.find(rule.id);
        if (it != state.policies.end() && sameRule(it->second.rule(), rule))
            continue;
        // A new or edited rule starts without history, but the endpoint's cooldown still holds.
        if (it != state.policies.end())
            state.policies.erase(it);
        it = state.policies.emplace(rule.id, ScalingPolicy(rule)).first;
        if (state.lastChange)
            it->second.noteChange(*state.lastChange);
    }
    std::erase_if(state.policies, [&](const auto &entry) { return !ids.contains(entry.first); });
}

std::optional<int> Autoscaler::floorNow(const EndpointState &state) const
{
    if (!state.schedule)
        return std::nullopt;
    return state.schedule->floorAt(m_clock.now().toLocalTime());
}

std::optional<double> Autoscaler::sample(EndpointState &state, const QUuid &endpointId, MetricSource source,
                                         const QString &metric, QHash<QString, std::optional<double>> &taken)
{
    const QString key = metricSourceName(source) + u':' + metric;
    if (const auto it = taken.constFind(key); it != taken.cend())
        return *it;
    std::optional<double> value = m_reader ? m_reader(endpointId, source, metric) : std::nullopt;
    if (value && !std::isfinite(*value))
        value.reset();
    if (value)
        state.windows[key].add(m_clock.now(), *value);
    taken.insert(key, value);
    return value;
}

std::optional<AutoscaleDecision> Autoscaler::decide(EndpointState &state, const QUuid &endpointId, int current,
                                                    const QList<AutoScalingRule> &rules)
{
    const QDateTime now = m_clock.now();
    syncPolicies(state, rules);
    // Someone else (an operator) changed the count: the cooldown starts over, so a rule does
    // not undo a manual scale on the very next pass.
    if (state.lastSeen && *state.lastSeen != current) {
        state.lastChange = now;
        for (auto &[id, policy] : state.policies)
            policy.noteChange(now);
        if (*state.lastSeen == 0)
            state.idle.markActive();
    }
    state.lastSeen = current;

    auto decision = [&](int target, const QString &ruleId, std::optional<double> value, const QString &reason) {
        return AutoscaleDecision{endpointId, current, target, ScaleCause{ruleId, value, reason}, false};
    };
    QHash<QString, std::optional<double>> taken;
    int ruleMax = ReplicaSchedule::kMaxFloor;
    for (const AutoScalingRule &rule : rules)
        ruleMax = std::min(ruleMax, std::max(rule.maxReplicas, 1));
    std::optional<int> floor = floorNow(state);
    if (floor)
        floor = std::min(*floor, ruleMax);

    if (state.idle.enabled()) {
        const auto requests = sample(state, endpointId, kRequestSource, kRequestMetric, taken);
        state.idle.observe(now, requests);
        // Idleness overrides a rule's minimum (that is what scale-to-zero is for), not a schedule's floor.
        if (current > 0 && state.idle.isIdle(now) && floor.value_or(0) == 0)
            return decision(0, QString(), requests, state.idle.reason());
    }
    if (floor && *floor > current && (current == 0 || rules.isEmpty()))
        return decision(*floor, QString(), std::nullopt,
                        QStringLiteral("%1 is below the schedule floor %2").arg(replicasText(current)).arg(*floor));
    if (rules.isEmpty())
        return std::nullopt;
    if (current == 0)
        return decideAtZero(state, endpointId, rules, floor, taken);
    state.wakeSince.clear();

    // Several rules: the largest scale-out wins, as one overloaded signal is reason enough to grow.
    // Scaling in needs every rule with an opinion to agree, and goes only as far as the most
    // cautious asks; a threshold rule whose condition does not hold abstains rather than objects.
    // On a tie the older rule (the store lists them oldest first) is named as the cause.
    struct Candidate
    {
        int target;
        QString ruleId;
        std::optional<double> value;
        QString reason;
    };
    std::optional<Candidate> out;
    std::optional<Candidate> in;
    bool objection = false;
    for (const AutoScalingRule &rule : rules) {
        const auto value = sample(state, endpointId, rule.source, rule.metric, taken);
        ScalingDecision d = state.policies.at(rule.id).evaluate(now, current, value, floor);
        if (scalesInOnEmptyBacklog(rule)) {
            if (value && *value <= 0) {
                const QDateTime since = state.emptySince.value(rule.id, now);
                state.emptySince.insert(rule.id, since);
                const int low = std::clamp(std::max(rule.minReplicas, floor.value_or(0)), 0,
                                           std::max({rule.maxReplicas, rule.minReplicas, 0}));
                const bool windowOver = since.msecsTo(now) >= qint64(std::max(rule.scaleDownDelay, 0)) * 1000;
                const bool cooled = !state.lastChange
                    || state.lastChange->msecsTo(now) >= qint64(std::max(rule.cooldown, 0)) * 1000;
                if (d.vote == ScalingDecision::Vote::Abstain && current > low && windowOver && cooled)
                    d = {ScalingDecision::Vote::In, low,
                         QStringLiteral("%1 0: no job queued or running for %2 s, back to %3")
                             .arg(rule.metric)
                             .arg(std::max(rule.scaleDownDelay, 0))
                             .arg(replicasText(low))};
            } else {
                state.emptySince.remove(rule.id);
            }
        }
        switch (d.vote) {
        case ScalingDecision::Vote::Out:
            if (!out || *d.target > out->target)
                out = Candidate{*d.target, idText(rule.id), value, d.reason};
            break;
        case ScalingDecision::Vote::In:
            if (!in || *d.target > in->target)
                in = Candidate{*d.target, idText(rule.id), value, d.reason};
            break;
        case ScalingDecision::Vote::Hold:
            objection = true;
            break;
        case ScalingDecision::Vote::Abstain:
            break;
        }
    }
    if (out)
        return decision(out->target, out->ruleId, out->value, out->reason);
    if (in && !objection)
        return decision(in->target, in->ruleId, in->value, in->reason);
    return std::nullopt;
}

std::optional<AutoscaleDecision> Autoscaler::decideAtZero(EndpointState &state, const QUuid &endpointId,
                                                          const QList<AutoScalingRule> &rules, std::optional<int> floor,
                                                          QHash<QString, std::optional<double>> &taken)
{
    // Nothing runs to measure, so only a rule on a metric that exists without replicas can see
    // work waiting. Its scale-up delay holds (the condition must last); its cooldown does not:
    // work waits and nothing can serve it, as with a request the proxy holds (wake()).
    const QDateTime now = m_clock.now();
    state.emptySince.clear();  // a backlog's empty window starts over once it is woken
    std::optional<AutoscaleDecision> best;
    for (const AutoScalingRule &rule : rules) {
        if (!measurableAtZero(rule))
            continue;
        const auto value = sample(state, endpointId, rule.source, rule.metric, taken);
        if (!value || !holds(rule.comparator, *value, rule.threshold)) {
            state.wakeSince.remove(rule.id);
            continue;
        }
        const bool targetMode = rule.targetPerReplica && *rule.targetPerReplica > 0;
        if (!targetMode && rule.stepSize <= 0)
            continue;  // a scale-in rule has nothing to do at zero
        const int high = std::max({rule.maxReplicas, rule.minReplicas, 1});
        int wanted = rule.stepSize;
        if (targetMode) {
            // The epsilon as ScalingPolicy's: 0.6 / 0.2 must not ask for a fourth replica.
            const double quotient = *value / *rule.targetPerReplica;
            wanted = int(std::min(1e9, std::ceil(quotient - 1e-9 * std::max(1.0, std::abs(quotient)))));
        }
        wanted = std::clamp(wanted, std::max(rule.minReplicas, 1), high);
        if (floor)
            wanted = std::max(wanted, std::min(*floor, high));
        const QDateTime since = state.wakeSince.value(rule.id, now);
        state.wakeSince.insert(rule.id, since);
        if (since.msecsTo(now) < qint64(std::max(rule.scaleUpDelay, 0)) * 1000)
            continue;
        if (best && best->after >= wanted)
            continue;
        const QString condition = rule.metric + u' ' + QString::number(*value) + u' '
            + comparatorSymbol(rule.comparator) + u' ' + QString::number(rule.threshold);
        best = AutoscaleDecision{endpointId, 0, wanted,
                                 ScaleCause{idText(rule.id), value,
                                            QStringLiteral("%1 at zero replicas: wake to %2").arg(condition, replicasText(wanted))},
                                 false};
    }
    return best;
}

bool Autoscaler::apply(EndpointState &state, AutoscaleDecision &decision)
{
    // A refused change (no capacity, say) is asked for again on the next pass.
    decision.applied = m_actuator && m_actuator(decision.endpointId, decision.after, decision.cause);
    if (!decision.applied)
        return false;
    const QDateTime now = m_clock.now();
    state.lastSeen = decision.after;
    state.lastChange = now;
    for (auto &[id, policy] : state.policies)
        policy.noteChange(now);
    if (decision.after > decision.before)
        ++state.up;
    else
        ++state.down;
    if (decision.before == 0)
        state.idle.markActive();
    Q_EMIT decided(decision.endpointId, decision.before, decision.after, decision.cause.reason);
    return true;
}

} // namespace ServeDeck
