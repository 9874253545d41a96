#include "scalingpolicy.h"

#include <algorithm>
#include <cmath>

namespace ServeDeck {

namespace {

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

QString number(double value)
{
    return QString::number(value);
}

QString replicasText(int count)
{
    return count == 1 ? QStringLiteral("1 replica") : QStringLiteral("%1 replicas").arg(count);
}

} // namespace

ScalingPolicy::ScalingPolicy(AutoScalingRule rule, double tolerance)
    : m_rule(std::move(rule))
    , m_tolerance(std::max(0.0, tolerance))
{
}

void ScalingPolicy::noteChange(const QDateTime &when)
{
    m_lastChangeMs = when.toMSecsSinceEpoch();
    m_upSinceMs.reset();
}

void ScalingPolicy::reset()
{
    m_history.clear();
    m_upSinceMs.reset();
    m_lastChangeMs.reset();
}

int ScalingPolicy::recommend(int current, double value, int low, int high, QString &why, bool &opinion) const
{
    opinion = true;
    const QString condition =
        m_rule.metric + u' ' + number(value) + u' ' + comparatorSymbol(m_rule.comparator) + u' ' + number(m_rule.threshold);
    const bool met = holds(m_rule.comparator, value, m_rule.threshold);

    auto bounded = [&](double wanted, const QString &asked) {
        if (wanted > high) {
            why = asked + QStringLiteral(", capped at the maximum %1").arg(high);
            return high;
        }
        if (wanted < low) {
            why = asked + QStringLiteral(", raised to the minimum %1").arg(low);
            return low;
        }
        why = asked;
        return int(wanted);
    };

    if (m_rule.targetPerReplica && *m_rule.targetPerReplica > 0) {
        const double perReplica = *m_rule.targetPerReplica;
        const double ratio = value / (double(current) * perReplica);
        // The epsilon keeps a value exactly on the band's edge (110 of 100 at 10%) inside it.
        if (std::abs(ratio - 1) <= m_tolerance + 1e-9) {
            why = QStringLiteral("%1 %2 is within %3% of %4 per replica on %5")
                      .arg(m_rule.metric, number(value), number(m_tolerance * 100), number(perReplica),
                           replicasText(current));
            return current;
        }
        // The epsilon keeps 0.6 / 0.2 = 3.0000000000000004 from asking for a fourth replica.
        const double quotient = value / perReplica;
        const double needed = std::max(0.0, std::ceil(quotient - 1e-9 * std::max(1.0, std::abs(quotient))));
        const QString asked = QStringLiteral("%1 %2 needs ceil(%2 / %3) = %4")
                                  .arg(m_rule.metric, number(value), number(perReplica),
                                       replicasText(int(std::min(needed, 1e9))));
        const int wanted = bounded(needed, asked);
        if (wanted > current && !met) {
            why = QStringLiteral("%1 %2 does not meet %3 %4: no scale-out")
                      .arg(m_rule.metric, number(value), comparatorSymbol(m_rule.comparator), number(m_rule.threshold));
            return current;
        }
        return wanted;
    }

    if (!met || m_rule.stepSize == 0) {
        opinion = false;
        why = QStringLiteral("%1 %2 does not meet %3 %4")
                  .arg(m_rule.metric, number(value), comparatorSymbol(m_rule.comparator), number(m_rule.threshold));
        return current;
    }
    const QString verb = m_rule.stepSize > 0 ? QStringLiteral("scale out") : QStringLiteral("scale in");
    return bounded(double(current) + m_rule.stepSize,
                   QStringLiteral("%1: %2 by %3").arg(condition, verb).arg(std::abs(m_rule.stepSize)));
}

void ScalingPolicy::remember(qint64 ms, int replicas)
{
    m_history.push_back({ms, replicas});
    // Keep the one recommendation in force at the start of the longest window, and what follows.
    const qint64 longest = qint64(std::max({m_rule.scaleUpDelay, m_rule.scaleDownDelay, 0})) * 1000;
    while (m_history.size() >= 2 && m_history[1].ms <= ms - longest)
        m_history.pop_front();
    while (m_history.size() > std::size_t(kMaxHistory))
        m_history.pop_front();
}

std::optional<int> ScalingPolicy::extremeSince(qint64 fromMs, bool highest) const
{
    // A recommendation stays in force until the next, so the window also takes the last one made
    // at or before its start; without one the history does not reach back far enough to judge.
    std::optional<int> best;
    for (auto it = m_history.rbegin(); it != m_history.rend(); ++it) {
        best = !best ? it->replicas : highest ? std::max(*best, it->replicas) : std::min(*best, it->replicas);
        if (it->ms <= fromMs)
            return best;
    }
    return std::nullopt;
}

ScalingDecision ScalingPolicy::evaluate(const QDateTime &now, int current, std::optional<double> value,
                                        std::optional<int> floor)
{
    using Vote = ScalingDecision::Vote;
    const qint64 ms = now.toMSecsSinceEpoch();
    const int high = std::max({m_rule.maxReplicas, m_rule.minReplicas, 0});
    int low = std::max(m_rule.minReplicas, 0);
    const bool floorRaises = floor && *floor > low;
    if (floorRaises)
        low = std::min(*floor, high);

    if (current <= 0) {
        // Nothing runs to measure; waking from zero is the proxy's call, not a rule's.
        m_history.clear();
        m_upSinceMs.reset();
        return {Vote::Abstain, std::nullopt, QStringLiteral("at zero replicas: waits for a request to wake it")};
    }
    if (current < low || current > high) {
        // Bounds are not a reaction to a noisy signal, so they wait for no delay and no cooldown.
        m_history.clear();
        m_upSinceMs.reset();
        if (current < low)
            return {Vote::Out, low,
                    QStringLiteral("%1 is below the %2 %3")
                        .arg(replicasText(current), floorRaises ? QStringLiteral("schedule floor") : QStringLiteral("minimum"))
                        .arg(low)};
        return {Vote::In, high, QStringLiteral("%1 is above the maximum %2").arg(replicasText(current)).arg(high)};
    }
    if (!value || !std::isfinite(*value)) {
        // Unknown load neither continues a wish to scale out nor lets the count fall.
        m_upSinceMs.reset();
        remember(ms, current);
        return {Vote::Hold, std::nullopt, QStringLiteral("no sample of %1").arg(m_rule.metric)};
    }

    QString why;
    bool opinion = true;
    const int wanted = recommend(current, *value, low, high, why, opinion);
    remember(ms, wanted);
    if (wanted > current) {
        if (!m_upSinceMs)
            m_upSinceMs = ms;
    } else {
        m_upSinceMs.reset();
    }
    if (wanted == current)
        return {opinion ? Vote::Hold : Vote::Abstain, std::nullopt, why};

    ScalingDecision decision;
    if (wanted > current) {
        const qint64 delayMs = qint64(std::max(m_rule.scaleUpDelay, 0)) * 1000;
        const qint64 heldMs = ms - *m_upSinceMs;
        if (heldMs < delayMs)
            return {Vote::Hold, std::nullopt,
                    QStringLiteral("%1; held %2 of %3 s").arg(why).arg(heldMs / 1000).arg(delayMs / 1000)};
        const int lowest = extremeSince(ms - delayMs, false).value_or(wanted);
        decision = {Vote::Out, std::clamp(lowest, current + 1, wanted),
                    delayMs > 0 ? QStringLiteral("%1, held %2 s").arg(why).arg(delayMs / 1000) : why};
    } else {
        const qint64 windowMs = qint64(std::max(m_rule.scaleDownDelay, 0)) * 1000;
        const std::optional<int> highest = extremeSince(ms - windowMs, true);
        if (!highest || *highest >= current)
            return {Vote::Hold, std::nullopt,
                    QStringLiteral("%1; scale-in waits for the %2 s window").arg(why).arg(windowMs / 1000)};
        QString reason = windowMs > 0 ? QStringLiteral("%1, for %2 s").arg(why).arg(windowMs / 1000) : why;
        if (*highest != wanted)
            reason += QStringLiteral("; the most asked for in that time is %1").arg(*highest);
        decision = {Vote::In, *highest, reason};
    }

    const qint64 cooldownMs = qint64(std::max(m_rule.cooldown, 0)) * 1000;
    if (m_lastChangeMs && ms - *m_lastChangeMs < cooldownMs)
        return {Vote::Hold, std::nullopt,
                QStringLiteral("%1; cooldown: %2 s left").arg(why).arg((cooldownMs - (ms - *m_lastChangeMs) + 999) / 1000)};
    return decision;
}

} // namespace ServeDeck
