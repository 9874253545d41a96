#include "rollout.h"

#include <algorithm>

#include "enumnames.h"

namespace ServeDeck {

namespace {
constexpr EnumNames<RolloutStrategy, 4> kStrategy{{{
    {RolloutStrategy::Rolling, "rolling"},
    {RolloutStrategy::BlueGreen, "blue-green"},
    {RolloutStrategy::Canary, "canary"},
    {RolloutStrategy::Progressive, "progressive"},
}}};
constexpr EnumNames<RolloutPhase, 6> kPhase{{{
    {RolloutPhase::Progressing, "PROGRESSING"},
    {RolloutPhase::Paused, "PAUSED"},
    {RolloutPhase::Promoting, "PROMOTING"},
    {RolloutPhase::Succeeded, "SUCCEEDED"},
    {RolloutPhase::Aborted, "ABORTED"},
    {RolloutPhase::RolledBack, "ROLLED_BACK"},
}}};
constexpr EnumNames<AnalysisVerdict, 3> kVerdict{{{
    {AnalysisVerdict::Pass, "PASS"},
    {AnalysisVerdict::Fail, "FAIL"},
    {AnalysisVerdict::Inconclusive, "INCONCLUSIVE"},
}}};

// Replicas of the new revision for a share of traffic: at least one, so a canary always has
// somewhere to go, and never more than the stable set.
int canaryReplicas(int desired, int weight)
{
    if (desired <= 0)
        return weight > 0 ? 1 : 0;
    return std::clamp((desired * weight + 99) / 100, 1, desired);
}
} // namespace

QString rolloutStrategyName(RolloutStrategy strategy)
{
    return kStrategy.name(strategy);
}

std::optional<RolloutStrategy> rolloutStrategyFromName(const QString &name)
{
    return kStrategy.parse(name);
}

QString rolloutPhaseName(RolloutPhase phase)
{
    return kPhase.name(phase);
}

std::optional<RolloutPhase> rolloutPhaseFromName(const QString &name)
{
    return kPhase.parse(name);
}

QString analysisVerdictName(AnalysisVerdict verdict)
{
    return kVerdict.name(verdict);
}

std::optional<AnalysisVerdict> analysisVerdictFromName(const QString &name)
{
    return kVerdict.parse(name);
}

RolloutPlan planRollout(const Rollout &rollout, int desired, int targetHealthy, const QDateTime &now)
{
    RolloutPlan plan;
    desired = std::max(desired, 0);
    targetHealthy = std::clamp(targetHealthy, 0, desired);
    // Kubernetes' arithmetic: never more than desired + surge replicas in all, never fewer
    // than desired - maxUnavailable HEALTHY ones; traffic follows the HEALTHY replicas.
    const auto rolling = [&](bool paused) {
        const int surge = (desired * std::clamp(rollout.maxSurgePercent, 0, 100) + 99) / 100;
        plan.stableReplicas = std::max(0, desired - targetHealthy - std::max(rollout.maxUnavailable, 0));
        plan.targetReplicas = paused ? targetHealthy : std::min(desired, desired + surge - plan.stableReplicas);
        plan.targetReplicas = std::max(plan.targetReplicas, targetHealthy);
    };
    switch (rollout.phase) {
    case RolloutPhase::Progressing:
    case RolloutPhase::Paused:
        plan.affectsRevisions = true;
        if (rollout.strategy == RolloutStrategy::Rolling) {
            rolling(rollout.phase == RolloutPhase::Paused);
        } else if (rollout.strategy == RolloutStrategy::BlueGreen) {
            plan.stableReplicas = desired;
            plan.targetReplicas = desired;
            plan.targetWeight = 0;
        } else {
            plan.stableReplicas = desired;
            plan.targetReplicas = canaryReplicas(desired, rollout.weight);
            plan.targetWeight = rollout.weight;
        }
        break;
    case RolloutPhase::Promoting:
        // A promoted canary finishes as a rolling update from where it stands: it needs no room
        // for a whole second set, and its replicas already serving count from the start.
        plan.affectsRevisions = true;
        rolling(false);
        break;
    case RolloutPhase::Succeeded:
        // The new revision is the stable one now; a blue-green's old set stays warm, dark.
        if (rollout.strategy == RolloutStrategy::BlueGreen && rollout.warmUntil.isValid() && now < rollout.warmUntil) {
            plan.affectsRevisions = true;
            plan.stableReplicas = desired;
            plan.targetReplicas = desired;
            plan.targetWeight = 100;
        }
        break;
    case RolloutPhase::Aborted:
    case RolloutPhase::RolledBack:
        break;
    }
    return plan;
}

} // namespace ServeDeck
