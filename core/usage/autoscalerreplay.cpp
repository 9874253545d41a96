#include "autoscalerreplay.h"

#include <algorithm>

#include "autoscale/autoscaler.h"
#include "autoscale/replicaschedule.h"
#include "domain/clock.h"
#include "store/repository.h"

namespace ServeDeck {

namespace {

// The replay's own time: it moves only when the replay steps, so cooldowns and delays pass as
// they did in the recorded history, in no time at all.
class ReplayClock final : public Clock
{
public:
    explicit ReplayClock(QDateTime start)
        : m_now(std::move(start))
    {
    }
    QDateTime now() const override { return m_now; }
    void set(const QDateTime &time) { m_now = time; }

private:
    QDateTime m_now;
};

// The metrics a rule may read that a usage sample records; any other is unknown (nullopt).
std::optional<double> sampleValue(const UsageSample &s, MetricSource source, const QString &metric)
{
    if (source == MetricSource::Proxy) {
        if (metric == QLatin1String("requests_per_second"))
            return s.requestsPerSecond;
        if (metric == QLatin1String("p95_latency_ms"))
            return s.p95Ms;
    }
    if (source == MetricSource::Kernel) {
        if (metric == QLatin1String("cpu_utilization"))
            return s.cpuPercent;
        if (metric == QLatin1String("gpu_utilization"))
            return s.gpuPercent;
    }
    return std::nullopt;
}

} // namespace

qint64 AutoscalerReplay::flapWindowSeconds(const AutoScalingRule &rule)
{
    return 2 * (qint64(std::max(rule.cooldown, 0)) + std::max({rule.scaleUpDelay, rule.scaleDownDelay, 0}));
}

Result<AutoscalerReplay::Outcome> AutoscalerReplay::run(const Endpoint &endpoint, const QList<AutoScalingRule> &rules,
                                                        const AutoscaleSettings &settings,
                                                        const QList<UsageSample> &samples)
{
    Outcome outcome;
    if (samples.isEmpty())
        return outcome;
    const QDateTime end = samples.last().start.addSecs(std::max(samples.last().seconds, 1));
    const QDateTime earliest = end.addSecs(-kMaxSteps * kStepSeconds);
    qsizetype first = 0;
    while (first < samples.size() && samples[first].start.addSecs(samples[first].seconds) <= earliest)
        ++first;
    outcome.from = std::max(samples[first].start, earliest);
    outcome.to = end;

    Repository scratch;
    if (auto opened = scratch.open(QStringLiteral(":memory:")); !opened)
        return opened.error();
    // What the autoscaler reads of an endpoint is its id, lifecycle and count; the rest only
    // has to satisfy the store.
    Endpoint copy;
    copy.id = endpoint.id.isNull() ? QUuid::createUuid() : endpoint.id;
    copy.name = QStringLiteral("replay");
    copy.modelVersion = copy.modelFolder = copy.url = QStringLiteral("replay");
    copy.runtimeVariant = QStringLiteral("custom");
    copy.resourceGroup = QStringLiteral("default");
    copy.lifecycle = EndpointLifecycle::Ready;
    copy.createdAt = copy.updatedAt = outcome.from;
    copy.replicas = std::max(samples[first].desiredReplicas, 0);
    if (auto inserted = scratch.insertEndpoint(copy); !inserted)
        return inserted.error();
    for (AutoScalingRule rule : rules) {
        rule.endpointId = copy.id;
        if (!rule.createdAt.isValid())
            rule.createdAt = outcome.from;
        if (!rule.updatedAt.isValid())
            rule.updatedAt = rule.createdAt;
        if (auto inserted = scratch.insertRule(rule); !inserted)
            return inserted.error();
    }

    ReplayClock clock(outcome.from);
    Autoscaler autoscaler(scratch, clock);
    qsizetype at = first;  // the sample covering the clock's time, if any
    auto current = [&]() -> const UsageSample * {
        const QDateTime now = clock.now();
        while (at < samples.size() && samples[at].start.addSecs(samples[at].seconds) <= now)
            ++at;
        return at < samples.size() && samples[at].start <= now ? &samples[at] : nullptr;
    };
    autoscaler.setMetricsReader([&](const QUuid &, MetricSource source, const QString &metric) -> std::optional<double> {
        const UsageSample *s = current();
        return s ? sampleValue(*s, source, metric) : std::nullopt;
    });
    std::optional<ServiceError> failure;
    autoscaler.setActuator([&](const QUuid &, int target, const ScaleCause &cause) {
        const int before = copy.replicas;
        copy.replicas = target;
        if (auto updated = scratch.updateEndpoint(copy); !updated) {
            failure = updated.error();
            copy.replicas = before;
            return false;
        }
        outcome.decisions << Decision{clock.now(), cause.ruleId, before, target, cause.reason};
        return true;
    });
    if (!settings.schedule.isEmpty()) {
        if (auto schedule = ReplicaSchedule::parse(settings.schedule))
            autoscaler.setSchedule(copy.id, *schedule);
    }
    autoscaler.setIdleTimeout(copy.id, settings.idleTimeoutSeconds);

    for (QDateTime now = outcome.from; now < end && outcome.steps < kMaxSteps; now = now.addSecs(kStepSeconds)) {
        clock.set(now);
        ++outcome.steps;
        // At zero, a request wakes the endpoint: the proxy's call, which the samples record.
        if (const UsageSample *s = current(); copy.replicas == 0 && s && s->requests > 0)
            autoscaler.wake(copy.id);
        if (auto pass = autoscaler.evaluateOnce(); !pass)
            return pass.error();
        if (failure)
            return *failure;
    }
    return outcome;
}

QList<AutoscalerReplay::RuleFlaps> AutoscalerReplay::flaps(const Outcome &outcome, const QList<AutoScalingRule> &rules)
{
    QList<RuleFlaps> out;
    for (const AutoScalingRule &rule : rules) {
        RuleFlaps f;
        f.ruleId = rule.id;
        f.condition = rule.condition();
        f.windowSeconds = flapWindowSeconds(rule);
        const QString id = rule.id.toString(QUuid::WithoutBraces);
        const Decision *previous = nullptr;
        for (const Decision &d : outcome.decisions) {
            if (d.ruleId == id) {
                ++f.changes;
                const bool up = d.after > d.before;
                if (previous && up != (previous->after > previous->before)
                    && previous->time.secsTo(d.time) <= f.windowSeconds) {
                    ++f.reversals;
                    f.reversalTimes << d.time;
                }
            }
            previous = &d;
        }
        out << f;
    }
    return out;
}

} // namespace ServeDeck
