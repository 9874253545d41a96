#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QUuid>

#include "domain/autoscalingrule.h"
#include "domain/endpoint.h"
#include "domain/result.h"
#include "domain/usagesample.h"

namespace ServeDeck {

// Replays the real Autoscaler (core/autoscale, the same code that scales live endpoints) over
// recorded usage: a scratch in-memory store holds a copy of the endpoint and its rules, a clock
// the replay moves steps through the samples' time, the metrics answer from the sample covering
// that time, and the actuator records each decision and sets the copy's count. Nothing of the
// real store or endpoint is touched.
//
// Flapping, precisely: a change by a rule is a reversal when it goes the other way from the
// endpoint's previous change (whoever made it) and comes within the rule's flap window of it,
// window = 2 × (cooldown + the longer of its scale-up and scale-down delays). The quickest a rule
// can undo a change is its cooldown plus a delay; undoing it within twice that means the count
// never settled. A rule flaps when it has at least kMinReversals reversals in the replay.
class AutoscalerReplay
{
public:
    // The live autoscaler's pass interval, so the replay decides as often as it would have.
    static constexpr int kStepSeconds = 15;
    // Two days of 15 s passes: bounds one replay's work (each pass reads the scratch store, about
    // a quarter of a millisecond) whatever history it is given; the newest two days are replayed.
    static constexpr qint64 kMaxSteps = 2 * 24 * 3600 / kStepSeconds;
    static constexpr int kMinReversals = 3;

    struct Decision
    {
        QDateTime time;
        QString ruleId;  // empty: a schedule, idleness or a wake
        int before = 0;
        int after = 0;
        QString reason;
    };
    struct RuleFlaps
    {
        QUuid ruleId;
        QString condition;  // "requests_per_second > 10"
        int changes = 0;    // the rule's decisions
        int reversals = 0;
        qint64 windowSeconds = 0;
        QList<QDateTime> reversalTimes;
        bool flaps() const { return reversals >= kMinReversals; }
    };
    struct Outcome
    {
        QDateTime from;
        QDateTime to;
        qint64 steps = 0;
        QList<Decision> decisions;  // oldest first
    };

    // Samples oldest first. The replay covers the last kMaxSteps passes of them at most, starting
    // at the count the first of those samples records.
    static Result<Outcome> run(const Endpoint &endpoint, const QList<AutoScalingRule> &rules,
                               const AutoscaleSettings &settings, const QList<UsageSample> &samples);
    // Each rule's changes and reversals in an outcome, in the rules' order.
    static QList<RuleFlaps> flaps(const Outcome &outcome, const QList<AutoScalingRule> &rules);
    static qint64 flapWindowSeconds(const AutoScalingRule &rule);
};

} // namespace ServeDeck
