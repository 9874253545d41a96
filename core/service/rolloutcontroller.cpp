#include "rolloutcontroller.h"

#include <algorithm>
#include <limits>

#include "domain/clock.h"
#include "modelservingservice.h"
#include "servicelog.h"
#include "store/repository.h"

namespace ServeDeck {

namespace {

constexpr int kLogTailChars = 400;
constexpr int kFailuresShown = 3;

RevisionCounters &operator+=(RevisionCounters &sum, const RevisionCounters &more)
{
    sum.requests += more.requests;
    sum.errors += more.errors;
    if (sum.latencyBuckets.size() < more.latencyBuckets.size())
        sum.latencyBuckets.resize(more.latencyBuckets.size());
    for (qsizetype i = 0; i < more.latencyBuckets.size(); ++i)
        sum.latencyBuckets[i] += more.latencyBuckets[i];
    return sum;
}

QString versionOf(Repository &repository, const QUuid &revisionId)
{
    if (auto revision = repository.revision(revisionId); revision && revision->has_value())
        return (*revision)->modelVersion;
    return revisionId.toString(QUuid::WithoutBraces);
}

} // namespace

RolloutController::RolloutController(ModelServingService &service, Repository &repository, Clock &clock,
                                     QList<double> latencyBucketBounds, QObject *parent)
    : QObject(parent)
    , m_service(service)
    , m_repository(repository)
    , m_clock(clock)
    , m_analysis(std::move(latencyBucketBounds))
{
    connect(&m_tick, &QTimer::timeout, this, [this] { static_cast<void>(runOnce()); });
    m_soon.setSingleShot(true);
    m_soon.setInterval(0);
    connect(&m_soon, &QTimer::timeout, this, [this] { static_cast<void>(runOnce()); });
    m_due.setSingleShot(true);
    m_due.setTimerType(Qt::PreciseTimer);
    connect(&m_due, &QTimer::timeout, this, [this] { static_cast<void>(runOnce()); });
}

void RolloutController::start(int intervalMs)
{
    m_stopped = false;
    m_tick.start(intervalMs);
    scheduleSoon();
}

void RolloutController::stop()
{
    m_stopped = true;
    m_tick.stop();
    m_soon.stop();
    m_due.stop();
}

void RolloutController::scheduleSoon()
{
    if (!m_stopped && !m_soon.isActive())
        m_soon.start();
}

void RolloutController::wakeIn(qint64 ms)
{
    if (!m_tick.isActive())
        return;  // driven by hand (tests): only runOnce moves it
    // A millisecond late rather than early: the step is due when its whole interval has passed.
    const int wait = int(std::min<qint64>(ms + 1, std::numeric_limits<int>::max()));
    if (!m_due.isActive() || m_due.remainingTime() > wait)
        m_due.start(wait);
}

Result<int> RolloutController::runOnce()
{
    auto shaping = m_repository.shapingRollouts();
    if (!shaping) {
        Q_EMIT passFailed(shaping.error().message);
        return shaping.error();
    }
    int changed = 0;
    QSet<QUuid> seen;
    for (const Rollout &o : *shaping) {
        seen.insert(o.id);
        auto stepped = step(o);
        if (!stepped) {
            qCWarning(lcService, "rollout %s: %s", qPrintable(o.id.toString(QUuid::WithoutBraces)),
                      qPrintable(stepped.error().message));
            Q_EMIT passFailed(stepped.error().message);
            continue;
        }
        changed += *stepped ? 1 : 0;
    }
    // What was kept for rollouts that no longer shape anything goes with them.
    for (auto it = m_windowStart.begin(); it != m_windowStart.end();)
        it = seen.contains(it.key()) ? std::next(it) : m_windowStart.erase(it);
    for (auto it = m_shortSince.begin(); it != m_shortSince.end();)
        it = seen.contains(it.key()) ? std::next(it) : m_shortSince.erase(it);
    return changed;
}

RolloutController::Window RolloutController::sample(const Rollout &o) const
{
    Window w;
    if (!m_counters)
        return w;
    const auto counters = m_counters();
    for (auto it = counters.cbegin(); it != counters.cend(); ++it) {
        const QUuid revision = m_revisionOfRoute.value(it.key());
        if (revision == o.toRevisionId)
            w.canary += *it;
        else if (revision == o.fromRevisionId)
            w.stable += *it;
    }
    return w;
}

QString RolloutController::failureReport(const Rollout &o, const Endpoint &e)
{
    QStringList lines;
    auto errors = m_repository.errors(e.id, 50);
    if (errors) {
        for (const ErrorRecord &r : *errors) {
            if (m_revisionOfRoute.value(QUuid::fromString(r.routeId)) != o.toRevisionId)
                continue;
            QString line = r.type + QStringLiteral(": ") + r.message;
            if (r.exitCode)
                line += QStringLiteral(" (exit code %1)").arg(*r.exitCode);
            if (!r.logTail.isEmpty())
                line += QStringLiteral("; log: ") + r.logTail.right(kLogTailChars).trimmed();
            lines << line;
            if (lines.size() == kFailuresShown)
                break;
        }
    }
    return lines.join(QStringLiteral(" | "));
}

Result<bool> RolloutController::step(const Rollout &o)
{
    const QDateTime now = m_clock.now();
    auto endpoint = m_repository.endpointById(o.endpointId);
    if (!endpoint)
        return endpoint.error();
    const auto apply = [&](const std::function<Result<Done>(RolloutChange &)> &change) -> Result<bool> {
        auto changed = m_service.changeRolloutById(o.id, [&](RolloutChange &c) -> Result<Done> {
            // Someone (an operator, another pass) may have moved it since it was read.
            if (c.rollout.phase != o.phase || c.rollout.stepIndex != o.stepIndex || c.rollout.warmUntil != o.warmUntil)
                return makeError(ErrorType::InvalidArgument, QStringLiteral("the rollout changed meanwhile"));
            return change(c);
        });
        if (!changed && changed.error().type == ErrorType::InvalidArgument)
            return false;
        if (!changed)
            return changed.error();
        return true;
    };
    if (!endpoint->has_value() || !(*endpoint)->isLive()) {
        return apply([](RolloutChange &c) -> Result<Done> {
            c.rollout.warmUntil = QDateTime();
            if (c.rollout.inProgress())
                c.moveTo(RolloutPhase::Aborted, QStringLiteral("the endpoint is being deleted"));
            return Done{};
        });
    }
    const Endpoint &e = **endpoint;
    auto routes = m_repository.routes(e.id);
    if (!routes)
        return routes.error();
    int targetHealthy = 0;
    for (const Route &r : *routes) {
        m_revisionOfRoute.insert(r.id, r.revisionId);
        if (r.revisionId == o.toRevisionId && r.status == RouteStatus::Healthy)
            ++targetHealthy;
    }

    if (!o.inProgress()) {
        // A blue-green's old set, kept warm for a rollback: scaled to zero when the window ends.
        if (o.warmUntil.isValid() && now >= o.warmUntil) {
            const QString from = versionOf(m_repository, o.fromRevisionId);
            return apply([&](RolloutChange &c) -> Result<Done> {
                c.rollout.warmUntil = QDateTime();
                c.note(QStringLiteral("rollback window over: %1 scaled to zero").arg(from));
                return Done{};
            });
        }
        return false;
    }

    const QString to = versionOf(m_repository, o.toRevisionId);
    const auto rollBack = [&](const QString &why) {
        m_shortSince.remove(o.id);
        return apply([&](RolloutChange &c) -> Result<Done> {
            c.rollout.weight = 0;
            c.rollout.reason = why;
            c.moveTo(RolloutPhase::RolledBack, QStringLiteral("rolled back: ") + why);
            return Done{};
        });
    };

    if (o.failures > o.maxFailures) {
        const QString report = failureReport(o, e);
        return rollBack(QStringLiteral("%1 replica(s) of %2 failed, past the limit of %3")
                            .arg(o.failures)
                            .arg(to)
                            .arg(o.maxFailures)
                        + (report.isEmpty() ? QString() : QStringLiteral(": ") + report));
    }

    const RolloutPlan plan = planRollout(o, e.replicas, targetHealthy, now);
    if (o.phase != RolloutPhase::Paused && targetHealthy < plan.targetReplicas) {
        const auto since = m_shortSince.constFind(o.id);
        if (since == m_shortSince.cend()) {
            m_shortSince.insert(o.id, now);
        } else if (since->secsTo(now) >= o.progressDeadlineSeconds) {
            const QString report = failureReport(o, e);
            return rollBack(QStringLiteral("%1 of %2 replica(s) of %3 HEALTHY after the progress deadline of %4 s")
                                .arg(targetHealthy)
                                .arg(plan.targetReplicas)
                                .arg(to)
                                .arg(o.progressDeadlineSeconds)
                            + (report.isEmpty() ? QString() : QStringLiteral(": ") + report));
        }
    } else {
        m_shortSince.remove(o.id);
    }

    // A progressive step at 100 % leaves the stable revision no traffic to compare the canary
    // with (every check would be Inconclusive and hold for ever): once its interval is over, it
    // finishes as a promoted rollout does, without a step back to the HEALTHY-replica split.
    const bool fullStepOver = o.strategy == RolloutStrategy::Progressive && o.phase == RolloutPhase::Progressing
        && o.weight >= 100 && o.stepStartedAt.msecsTo(now) >= qint64(o.intervalSeconds) * 1000;
    const bool finishes = fullStepOver || o.phase == RolloutPhase::Promoting
        || (o.phase == RolloutPhase::Progressing
            && (o.strategy == RolloutStrategy::Rolling || o.strategy == RolloutStrategy::BlueGreen));
    if (finishes) {
        if (targetHealthy < e.replicas)
            return false;
        auto target = m_repository.revision(o.toRevisionId);
        if (!target)
            return target.error();
        if (!target->has_value())
            return rollBack(QStringLiteral("revision %1 is gone").arg(to));
        const Revision revision = **target;
        return apply([&](RolloutChange &c) -> Result<Done> {
            const QString full = fullStepOver ? QStringLiteral("step %1 at 100 % over, nothing to compare with; ")
                                                    .arg(o.stepIndex + 1)
                                              : QString();
            c.switchToTarget(revision, full + QStringLiteral("%1 of %1 replica(s) of %2 HEALTHY: all traffic on %2")
                                                  .arg(e.replicas)
                                                  .arg(revision.modelVersion));
            return Done{};
        });
    }

    if (o.strategy != RolloutStrategy::Progressive || o.phase != RolloutPhase::Progressing)
        return false;

    // A progressive step: its window begins when first seen (after a restart too) and after
    // each verdict that moves on; an inconclusive one keeps gathering.
    const Window current = sample(o);
    if (!m_windowStart.contains(o.id))
        m_windowStart.insert(o.id, current);
    // Analysed when its interval ends, to the millisecond: the tick alone is coarse and may come
    // a hair early, which held the step a whole tick more (a rollback 1 s late).
    const qint64 dueInMs = qint64(o.intervalSeconds) * 1000 - o.stepStartedAt.msecsTo(now);
    if (dueInMs > 0) {
        wakeIn(dueInMs);
        return false;
    }
    const Window begun = m_windowStart.value(o.id);
    const int stepNumber = o.stepIndex + 1;
    const QList<AnalysisDecision> decisions = m_analysis.analyse(
        stepNumber, now, current.canary.since(begun.canary), current.stable.since(begun.stable), o.analysis);
    const AnalysisVerdict verdict = decisions.isEmpty() ? AnalysisVerdict::Inconclusive : decisions.constLast().verdict;
    const QString summary = decisions.isEmpty() ? QString() : decisions.constLast().note;
    auto stepped = apply([&](RolloutChange &c) -> Result<Done> {
        Rollout &r = c.rollout;
        c.decisions = decisions;
        r.stepStartedAt = now;
        switch (verdict) {
        case AnalysisVerdict::Pass:
            if (r.stepIndex + 1 >= r.steps.size()) {
                c.moveTo(RolloutPhase::Promoting, QStringLiteral("step %1 passed: promoting %2 (%3)")
                                                      .arg(stepNumber)
                                                      .arg(to, summary));
            } else {
                r.stepIndex += 1;
                r.weight = r.steps.at(r.stepIndex);
                c.note(QStringLiteral("step %1 passed: %2 now takes %3 % (%4)")
                           .arg(stepNumber)
                           .arg(to)
                           .arg(r.weight)
                           .arg(summary));
            }
            break;
        case AnalysisVerdict::Fail:
            r.failedChecks += 1;
            if (r.failedChecks >= r.analysis.failureThreshold) {
                r.weight = 0;
                r.reason = QStringLiteral("analysis failed %1 time(s), the threshold: %2").arg(r.failedChecks).arg(summary);
                c.moveTo(RolloutPhase::RolledBack, QStringLiteral("rolled back: ") + r.reason);
            } else {
                c.note(QStringLiteral("step %1 failed (%2 of %3): %4")
                           .arg(stepNumber)
                           .arg(r.failedChecks)
                           .arg(r.analysis.failureThreshold)
                           .arg(summary));
            }
            break;
        case AnalysisVerdict::Inconclusive:
            c.note(QStringLiteral("step %1 inconclusive, holding at %2 %: %3").arg(stepNumber).arg(r.weight).arg(summary));
            break;
        }
        return Done{};
    });
    if (stepped && *stepped && verdict != AnalysisVerdict::Inconclusive)
        m_windowStart.insert(o.id, current);
    if (stepped && *stepped)
        wakeIn(qint64(o.intervalSeconds) * 1000);
    return stepped;
}

} // namespace ServeDeck
