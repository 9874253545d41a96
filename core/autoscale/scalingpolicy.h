#pragma once

#include <deque>
#include <optional>

#include <QDateTime>
#include <QString>

#include "domain/autoscalingrule.h"

namespace ServeDeck {

// What one rule asks for on one evaluation.
struct ScalingDecision
{
    enum class Vote {
        Abstain,  // no opinion: a threshold rule whose condition does not hold, or an endpoint at zero
        Hold,     // keep the count: waiting for a delay, window or cooldown, or already right
        Out,
        In,
    };
    Vote vote = Vote::Abstain;
    std::optional<int> target;  // set exactly for Out and In
    QString reason;

    bool changes() const { return target.has_value(); }
};

// One autoscaling rule's decision logic and the little it must remember between evaluations
// (when a wish to scale out began, recent recommendations, the last change). Pure: it reads no
// clock, metric or store; the caller passes the time, the count and the value.
//
// - Threshold mode: while `value <comparator> threshold` holds, ask for current + stepSize.
// - Target mode (targetPerReplica set): ask for ceil(value / targetPerReplica), unless the value is
//   within the tolerance of what the current count serves. The rule's condition gates scaling
//   out only: below the threshold the rule may still bring the count back in, or a spike's
//   replicas would stay forever.
// - Scale-out waits until the wish has held continuously for scaleUpDelay, then takes the lowest
//   recommendation of that period (a one-sample peak does not set the size). Scale-in takes the
//   highest recommendation of the last scaleDownDelay seconds (Kubernetes HPA's stabilization
//   window), so a dip shorter than the window does nothing.
// - No metric-driven change within cooldown seconds of the endpoint's previous change.
// - The result stays within [minReplicas, maxReplicas]; a schedule floor raises the lower bound
//   (never above maxReplicas). A count outside the bounds is brought inside at once.
class ScalingPolicy
{
public:
    static constexpr double kDefaultTolerance = 0.1;  // Kubernetes HPA's default
    // Recommendations remembered at most; past it the oldest go and scale-in just waits longer.
    static constexpr int kMaxHistory = 4096;

    explicit ScalingPolicy(AutoScalingRule rule, double tolerance = kDefaultTolerance);

    const AutoScalingRule &rule() const { return m_rule; }
    double tolerance() const { return m_tolerance; }

    // `floor` is a schedule's minimum in force now, if any.
    ScalingDecision evaluate(const QDateTime &now, int current, std::optional<double> value,
                             std::optional<int> floor = std::nullopt);

    // The endpoint's count changed (by this rule, another rule, a schedule, a wake or an operator):
    // starts the cooldown and ends any wish to scale out, which was relative to the old count.
    void noteChange(const QDateTime &when);
    void reset();

private:
    struct Recommendation
    {
        qint64 ms;
        int replicas;
    };

    int recommend(int current, double value, int low, int high, QString &why, bool &opinion) const;
    void remember(qint64 ms, int replicas);
    std::optional<int> extremeSince(qint64 fromMs, bool highest) const;

    AutoScalingRule m_rule;
    double m_tolerance;
    std::deque<Recommendation> m_history;
    std::optional<qint64> m_upSinceMs;
    std::optional<qint64> m_lastChangeMs;
};

} // namespace ServeDeck
