#pragma once

#include <optional>

#include <QDateTime>
#include <QList>
#include <QUuid>

namespace ServeDeck {

// How a rollout moves an endpoint from its stable revision to a new one.
// Rolling: surge new replicas, traffic follows the HEALTHY replicas, old ones drain.
// BlueGreen: the whole new set comes up dark, then all traffic switches at once; the old set
// stays warm for a rollback window. Canary: the operator sets the new revision's share and
// promotes or aborts. Progressive: steps of share, each analysed against the stable revision.
enum class RolloutStrategy { Rolling, BlueGreen, Canary, Progressive };
QString rolloutStrategyName(RolloutStrategy strategy);  // "rolling", "blue-green", "canary", "progressive"
std::optional<RolloutStrategy> rolloutStrategyFromName(const QString &name);

// Progressing and Paused are in progress. Promoting: a promoted canary finishes as a rolling
// update. Succeeded: the new revision is the stable one. Aborted: by
// the operator. RolledBack: by itself (failed replicas, failed analysis, missed deadline) or by
// a rollback after success; the stable revision serves everything again.
enum class RolloutPhase { Progressing, Paused, Promoting, Succeeded, Aborted, RolledBack };
QString rolloutPhaseName(RolloutPhase phase);  // "PROGRESSING", ...
std::optional<RolloutPhase> rolloutPhaseFromName(const QString &name);

enum class AnalysisVerdict { Pass, Fail, Inconclusive };
QString analysisVerdictName(AnalysisVerdict verdict);  // "PASS", "FAIL", "INCONCLUSIVE"
std::optional<AnalysisVerdict> analysisVerdictFromName(const QString &name);

// What a progressive step's analysis compares, canary against stable over the same window.
struct AnalysisThresholds
{
    int minRequests = 20;             // per revision and window; fewer: Inconclusive, the step holds
    double maxErrorRateIncrease = 0.01;  // canary error rate minus stable's, in [0, 1]
    double maxLatencyRatio = 1.5;     // canary p95 (and p99) over stable's
    double minLatencyIncreaseMs = 10;  // a slower canary fails only past this too: buckets are coarse
    int failureThreshold = 2;         // failed steps before the rollout rolls back

    friend bool operator==(const AnalysisThresholds &, const AnalysisThresholds &) = default;
};

// One check of one step, with the numbers it was decided on.
struct AnalysisDecision
{
    int step = 0;
    QDateTime at;
    QString check;  // "success_rate", "p95_ms", "p99_ms", or "step" for the step's overall verdict
    qint64 canaryRequests = 0;
    qint64 stableRequests = 0;
    std::optional<double> canaryValue;
    std::optional<double> stableValue;
    std::optional<double> effect;  // canary minus stable (rates), canary over stable (latencies)
    AnalysisVerdict verdict = AnalysisVerdict::Inconclusive;
    QString note;
};

// A phase change, a step or a weight change: the rollout's timeline.
struct RolloutEvent
{
    QDateTime at;
    RolloutPhase phase = RolloutPhase::Progressing;
    int step = 0;
    int weight = 0;  // the new revision's share of traffic after the event
    QString message;
};

struct Rollout
{
    QUuid id;
    QUuid endpointId;
    QUuid fromRevisionId;  // the stable revision when it began
    QUuid toRevisionId;
    RolloutStrategy strategy = RolloutStrategy::Rolling;
    RolloutPhase phase = RolloutPhase::Progressing;
    QList<int> steps;     // progressive: increasing shares in 1..100; canary: its one share
    int stepIndex = 0;
    int intervalSeconds = 60;
    int weight = 0;       // the new revision's share now (canary, progressive, promoting)
    int maxSurgePercent = 25;
    int maxUnavailable = 0;
    int rollbackWindowSeconds = 600;  // blue-green: how long the old set stays warm
    int progressDeadlineSeconds = 600;  // the new revision must be HEALTHY by then, or it rolls back
    int maxFailures = 5;   // the new revision's failed replicas before it rolls back
    int failures = 0;
    int failedChecks = 0;
    AnalysisThresholds analysis;
    QString reason;        // why it ended as it did, or a note on how it runs (no room to surge)
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime stepStartedAt;
    QDateTime finishedAt;
    QDateTime warmUntil;   // blue-green after the switch: the old set is kept until then

    bool inProgress() const
    {
        return phase == RolloutPhase::Progressing || phase == RolloutPhase::Paused || phase == RolloutPhase::Promoting;
    }
};

// What a rollout asks of the reconciler and the data plane at one moment: replicas for each
// side and the new revision's share of traffic (none: in proportion to HEALTHY replicas).
struct RolloutPlan
{
    int stableReplicas = 0;  // of fromRevisionId
    int targetReplicas = 0;  // of toRevisionId
    std::optional<int> targetWeight;
    bool affectsRevisions = false;  // false: the rollout no longer shapes anything
};

// desired: the endpoint's replica count; targetHealthy: HEALTHY routes of the new revision.
RolloutPlan planRollout(const Rollout &rollout, int desired, int targetHealthy, const QDateTime &now);

} // namespace ServeDeck
