// ScalingPolicy and IdlePolicy: one rule's decisions, evaluation by evaluation, on a moved clock.
#include <cmath>
#include <functional>

#include <QTest>

#include "autoscale/idlepolicy.h"
#include "autoscale/scalingpolicy.h"
#include "support/manualclock.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;
using Vote = ScalingDecision::Vote;

namespace {

constexpr int kInterval = 15;  // seconds between evaluations, as the autoscaler's default pass

AutoScalingRule thresholdRule(Comparator comparator, double threshold, int step, int min = 1, int max = 10)
{
    AutoScalingRule r;
    r.id = QUuid::createUuid();
    r.metric = QStringLiteral("cpu_utilization");
    r.comparator = comparator;
    r.threshold = threshold;
    r.stepSize = step;
    r.minReplicas = min;
    r.maxReplicas = max;
    r.scaleUpDelay = 0;
    r.scaleDownDelay = 0;
    r.cooldown = 0;
    return r;
}

// The spec's 4.2: requests_per_second, threshold 100, target_per_replica 50.
AutoScalingRule targetRule(double perReplica = 50, double threshold = 100, int min = 1, int max = 10)
{
    AutoScalingRule r = thresholdRule(Comparator::GreaterThan, threshold, 0, min, max);
    r.source = MetricSource::Proxy;
    r.metric = QStringLiteral("requests_per_second");
    r.targetPerReplica = perReplica;
    return r;
}

QString voteName(Vote vote)
{
    switch (vote) {
    case Vote::Abstain:
        return QStringLiteral("abstain");
    case Vote::Hold:
        return QStringLiteral("hold");
    case Vote::Out:
        return QStringLiteral("out");
    case Vote::In:
        return QStringLiteral("in");
    }
    return {};
}

// Load as a function of the seconds since the start; nullopt is a missing sample.
using Load = std::function<std::optional<double>(int)>;

// Piecewise constant load: {from second, value}, in order.
Load steps(QList<std::pair<int, double>> segments)
{
    return [segments](int t) -> std::optional<double> {
        double value = segments.first().second;
        for (const auto &[from, v] : segments) {
            if (t >= from)
                value = v;
        }
        return value;
    };
}

// Deterministic noise in [-1, 1]: the same run every time, different at every step.
double noise(int t)
{
    quint32 x = quint32(t) * 2654435761u + 12345u;
    x ^= x >> 13;
    x *= 0x5bd1e995u;
    x ^= x >> 15;
    return double(x % 2001) / 1000.0 - 1.0;
}

struct Run
{
    QStringList timeline;  // "t:before->after"
    int minSeen = 1 << 30;
    int maxSeen = -1;
    QList<std::pair<int, int>> changes;  // (t, direction)
};

// Evaluates every kInterval seconds from 0 to `until`, applying each change at once as the
// autoscaler's actuator would, and records when the count changed.
Run simulate(const AutoScalingRule &rule, int start, const Load &load, int until, std::optional<int> floor = {})
{
    ManualClock clock;
    const QDateTime t0 = clock.now();
    ScalingPolicy policy(rule);
    Run run;
    int current = start;
    for (int t = 0; t <= until; t += kInterval) {
        clock.set(t0.addSecs(t));
        const ScalingDecision d = policy.evaluate(clock.now(), current, load(t), floor);
        if (d.target) {
            run.timeline << QStringLiteral("%1:%2->%3").arg(t).arg(current).arg(*d.target);
            run.changes.append({t, *d.target > current ? 1 : -1});
            current = *d.target;
            policy.noteChange(clock.now());
        }
        run.minSeen = std::min(run.minSeen, current);
        run.maxSeen = std::max(run.maxSeen, current);
    }
    return run;
}

// A flap is a reversal of direction sooner than the window that should have prevented it.
int flaps(const Run &run, int window)
{
    int count = 0;
    for (qsizetype i = 1; i < run.changes.size(); ++i) {
        if (run.changes[i].second != run.changes[i - 1].second && run.changes[i].first - run.changes[i - 1].first < window)
            ++count;
    }
    return count;
}

} // namespace

Q_DECLARE_METATYPE(ServeDeck::AutoScalingRule)
Q_DECLARE_METATYPE(Load)

class TestScalingPolicy final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // One evaluation, no delays: the threshold mode's comparator, step and bounds.
    void thresholdMode_data()
    {
        QTest::addColumn<QString>("comparator");
        QTest::addColumn<double>("threshold");
        QTest::addColumn<int>("step");
        QTest::addColumn<int>("min");
        QTest::addColumn<int>("max");
        QTest::addColumn<int>("current");
        QTest::addColumn<double>("value");  // NaN: no sample
        QTest::addColumn<QString>("vote");
        QTest::addColumn<int>("target");  // -1: none

        QTest::newRow("> holds: out by 1") << ">" << 70.0 << 1 << 1 << 10 << 2 << 85.0 << "out" << 3;
        QTest::newRow("> at the threshold does not hold") << ">" << 70.0 << 1 << 1 << 10 << 2 << 70.0 << "abstain" << -1;
        QTest::newRow(">= at the threshold holds") << ">=" << 70.0 << 1 << 1 << 10 << 2 << 70.0 << "out" << 3;
        QTest::newRow("< holds: in by 1") << "<" << 30.0 << -1 << 1 << 10 << 3 << 20.0 << "in" << 2;
        QTest::newRow("<= at the threshold holds") << "<=" << 30.0 << -1 << 1 << 10 << 3 << 30.0 << "in" << 2;
        QTest::newRow("< does not hold") << "<" << 30.0 << -1 << 1 << 10 << 3 << 40.0 << "abstain" << -1;
        QTest::newRow("step 3 capped at max") << ">" << 70.0 << 3 << 1 << 10 << 8 << 85.0 << "out" << 10;
        QTest::newRow("at max: holds") << ">" << 70.0 << 1 << 1 << 10 << 10 << 85.0 << "hold" << -1;
        QTest::newRow("step -2 raised to min") << "<" << 30.0 << -2 << 2 << 10 << 3 << 10.0 << "in" << 2;
        QTest::newRow("at min: holds") << "<" << 30.0 << -1 << 2 << 10 << 2 << 10.0 << "hold" << -1;
        QTest::newRow("above max: brought in whatever the value") << ">" << 70.0 << 1 << 1 << 10 << 12 << 85.0 << "in" << 10;
        QTest::newRow("below min: brought out whatever the value") << "<" << 30.0 << -1 << 3 << 10 << 1 << 5.0 << "out" << 3;
        QTest::newRow("at zero: waits for a wake") << ">" << 70.0 << 1 << 1 << 10 << 0 << 85.0 << "abstain" << -1;
        QTest::newRow("no sample: holds") << ">" << 70.0 << 1 << 1 << 10 << 2 << qQNaN() << "hold" << -1;
    }

    void thresholdMode()
    {
        QFETCH(QString, comparator);
        QFETCH(double, threshold);
        QFETCH(int, step);
        QFETCH(int, min);
        QFETCH(int, max);
        QFETCH(int, current);
        QFETCH(double, value);
        QFETCH(QString, vote);
        QFETCH(int, target);
        ScalingPolicy policy(thresholdRule(*comparatorFromText(comparator), threshold, step, min, max));
        const ScalingDecision d = policy.evaluate(ManualClock().now(), current,
                                                  std::isnan(value) ? std::nullopt : std::optional<double>(value));
        QCOMPARE(voteName(d.vote), vote);
        QCOMPARE(d.target.value_or(-1), target);
        QVERIFY(!d.reason.isEmpty());
    }

    void reasonsSayWhy()
    {
        const QDateTime now = ManualClock().now();
        ScalingPolicy out(thresholdRule(Comparator::GreaterThan, 70, 1));
        QCOMPARE(out.evaluate(now, 2, 85).reason, QStringLiteral("cpu_utilization 85 > 70: scale out by 1"));
        ScalingPolicy capped(thresholdRule(Comparator::GreaterThan, 70, 3));
        QCOMPARE(capped.evaluate(now, 8, 85).reason,
                 QStringLiteral("cpu_utilization 85 > 70: scale out by 3, capped at the maximum 10"));
        ScalingPolicy bounds(thresholdRule(Comparator::GreaterThan, 70, 1, 2, 4));
        QCOMPARE(bounds.evaluate(now, 5, 0).reason, QStringLiteral("5 replicas is above the maximum 4"));
        QCOMPARE(bounds.evaluate(now, 1, 0).reason, QStringLiteral("1 replica is below the minimum 2"));
        QCOMPARE(bounds.evaluate(now, 1, 0, 3).reason, QStringLiteral("1 replica is below the schedule floor 3"));
        ScalingPolicy target(targetRule());
        QCOMPARE(target.evaluate(now, 2, 180).reason,
                 QStringLiteral("requests_per_second 180 needs ceil(180 / 50) = 4 replicas"));
        QCOMPARE(target.evaluate(now, 2, 105).reason,
                 QStringLiteral("requests_per_second 105 is within 10% of 50 per replica on 2 replicas"));
    }

    // The spec's 4.2 rule: replicas = ceil(rps / 50), scaling out only above 100 rps.
    void targetMode_data()
    {
        QTest::addColumn<int>("current");
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("vote");
        QTest::addColumn<int>("target");

        QTest::newRow("exactly on target") << 2 << 100.0 << "hold" << -1;
        QTest::newRow("+9%: inside the band") << 2 << 109.0 << "hold" << -1;
        QTest::newRow("+11%: out to ceil(2.22)") << 2 << 111.0 << "out" << 3;
        QTest::newRow("-9%: inside the band") << 2 << 91.0 << "hold" << -1;
        QTest::newRow("-11%: ceil(1.78) is the count") << 2 << 89.0 << "hold" << -1;
        QTest::newRow("in to ceil(3)") << 4 << 150.0 << "in" << 3;
        QTest::newRow("needs 2 but not above the threshold") << 1 << 90.0 << "hold" << -1;
        QTest::newRow("above the threshold: out to ceil(2.02)") << 1 << 101.0 << "out" << 3;
        QTest::newRow("capped at max") << 2 << 1000.0 << "out" << 10;
        QTest::newRow("no load: in to min") << 3 << 0.0 << "in" << 1;
        QTest::newRow("below the threshold it may still scale in") << 4 << 60.0 << "in" << 2;
    }

    void targetMode()
    {
        QFETCH(int, current);
        QFETCH(double, value);
        QFETCH(QString, vote);
        QFETCH(int, target);
        ScalingPolicy policy(targetRule());
        const ScalingDecision d = policy.evaluate(ManualClock().now(), current, value);
        QCOMPARE(voteName(d.vote), vote);
        QCOMPARE(d.target.value_or(-1), target);
    }

    void toleranceBand_data()
    {
        QTest::addColumn<double>("tolerance");
        QTest::addColumn<double>("value");  // on 2 replicas of 50 each
        QTest::addColumn<int>("target");   // -1: none
        QTest::newRow("no band: +1% acts") << 0.0 << 101.0 << 3;
        QTest::newRow("no band: exact holds") << 0.0 << 100.0 << -1;
        QTest::newRow("10%: +10% holds") << 0.1 << 110.0 << -1;
        QTest::newRow("20%: +19% holds") << 0.2 << 119.0 << -1;
        QTest::newRow("20%: +21% acts") << 0.2 << 121.0 << 3;
        QTest::newRow("20%: -21% acts, but ceil(1.58) is the count") << 0.2 << 79.0 << -1;
    }

    void toleranceBand()
    {
        QFETCH(double, tolerance);
        QFETCH(double, value);
        QFETCH(int, target);
        ScalingPolicy policy(targetRule(50, 0), tolerance);
        QCOMPARE(policy.tolerance(), tolerance);
        QCOMPARE(policy.evaluate(ManualClock().now(), 2, value).target.value_or(-1), target);
    }

    void toleranceSheds()
    {
        // Outside the band the count is ceil(value / target): 105 rps keeps 3 replicas and sheds a fourth.
        ScalingPolicy policy(targetRule(50, 0), 0.05);
        QVERIFY(!policy.evaluate(ManualClock().now(), 3, 105).target);
        QCOMPARE(policy.evaluate(ManualClock().now(), 4, 105).target.value_or(-1), 3);
    }

    // scale_up_delay: the wish to scale out must hold for that long without a break.
    void upDelay_data()
    {
        QTest::addColumn<int>("delay");
        QTest::addColumn<Load>("load");
        QTest::addColumn<QStringList>("timeline");
        QTest::newRow("held 60 s") << 60 << steps({{0, 50}, {60, 90}}) << QStringList{u"120:2->3"_s};
        QTest::newRow("not held: 45 s only") << 60 << steps({{0, 50}, {60, 90}, {105, 50}}) << QStringList{};
        QTest::newRow("interrupted, then held again")
            << 60 << steps({{0, 50}, {60, 90}, {105, 50}, {120, 90}}) << QStringList{u"180:2->3"_s};
        QTest::newRow("a missing sample interrupts")
            << 60 << Load([](int t) -> std::optional<double> {
                   if (t == 90)
                       return std::nullopt;
                   return t < 60 ? 50 : 90;
               })
            << QStringList{u"165:2->3"_s};
        QTest::newRow("no delay: at once") << 0 << steps({{0, 50}, {60, 90}}) << QStringList{u"60:2->3"_s};
    }

    void upDelay()
    {
        QFETCH(int, delay);
        QFETCH(Load, load);
        QFETCH(QStringList, timeline);
        AutoScalingRule rule = thresholdRule(Comparator::GreaterThan, 70, 1, 1, 3);
        rule.scaleUpDelay = delay;
        rule.cooldown = 30;
        QCOMPARE(simulate(rule, 2, load, 200).timeline, timeline);
    }

    void upDelayTakesTheSustainedLevel()
    {
        // A peak inside the delay does not size the step: the lowest wish over the delay does.
        AutoScalingRule rule = targetRule(50, 0);
        rule.scaleUpDelay = 30;
        const Load load = steps({{0, 100}, {60, 160}, {75, 400}, {90, 160}});
        QCOMPARE(simulate(rule, 2, load, 120).timeline, QStringList{u"90:2->4"_s});
    }

    // scale_down_delay: the scale-in target is the highest recommendation of the window.
    void downWindow_data()
    {
        QTest::addColumn<Load>("load");
        QTest::addColumn<QStringList>("timeline");
        QTest::newRow("a dip shorter than the window does nothing")
            << steps({{0, 200}, {60, 100}, {300, 200}}) << QStringList{};
        QTest::newRow("a dip just as long as the window is not longer")
            << steps({{0, 200}, {60, 100}, {360, 200}}) << QStringList{};
        QTest::newRow("a sustained fall scales in after the window")
            << steps({{0, 200}, {60, 100}}) << QStringList{u"360:4->2"_s};
        QTest::newRow("in two steps: the window's highest first")
            << steps({{0, 200}, {60, 150}, {120, 100}}) << QStringList{u"360:4->3"_s, u"420:3->2"_s};
        QTest::newRow("a blip up inside the window starts it over")
            << steps({{0, 200}, {60, 100}, {195, 200}, {210, 100}}) << QStringList{u"510:4->2"_s};
    }

    void downWindow()
    {
        QFETCH(Load, load);
        QFETCH(QStringList, timeline);
        AutoScalingRule rule = targetRule(50, 0);
        rule.scaleDownDelay = 300;
        QCOMPARE(simulate(rule, 4, load, 900).timeline, timeline);
    }

    void downWindowWithSteps()
    {
        // A scale-in rule (cpu < 30: -1) must hold for the whole window before each step.
        AutoScalingRule rule = thresholdRule(Comparator::LessThan, 30, -1, 1, 10);
        rule.scaleDownDelay = 120;
        const Load load = steps({{0, 50}, {30, 10}});
        QCOMPARE(simulate(rule, 3, load, 400).timeline, (QStringList{u"150:3->2"_s, u"285:2->1"_s}));
    }

    void noHistoryNoScaleIn()
    {
        // A policy that has not yet seen a whole window does not scale in, however low the load.
        AutoScalingRule rule = targetRule(50, 0);
        rule.scaleDownDelay = 300;
        ScalingPolicy policy(rule);
        ManualClock clock;
        const ScalingDecision first = policy.evaluate(clock.now(), 4, 0);
        QCOMPARE(voteName(first.vote), QStringLiteral("hold"));
        QVERIFY(first.reason.endsWith(u"scale-in waits for the 300 s window"));
        clock.advance(299);
        QVERIFY(!policy.evaluate(clock.now(), 4, 0).target);
        clock.advance(1);
        QCOMPARE(policy.evaluate(clock.now(), 4, 0).target.value_or(-1), 1);
    }

    void cooldown_data()
    {
        QTest::addColumn<int>("cooldown");
        QTest::addColumn<QStringList>("timeline");
        QTest::newRow("none: every pass") << 0 << QStringList{u"0:1->2"_s, u"15:2->3"_s, u"30:3->4"_s};
        QTest::newRow("60 s") << 60 << QStringList{u"0:1->2"_s, u"60:2->3"_s, u"120:3->4"_s};
        QTest::newRow("50 s: the next pass after it") << 50 << QStringList{u"0:1->2"_s, u"60:2->3"_s, u"120:3->4"_s};
        QTest::newRow("longer than the run") << 600 << QStringList{u"0:1->2"_s};
    }

    void cooldown()
    {
        QFETCH(int, cooldown);
        QFETCH(QStringList, timeline);
        AutoScalingRule rule = thresholdRule(Comparator::GreaterThan, 70, 1, 1, 4);
        rule.cooldown = cooldown;
        QCOMPARE(simulate(rule, 1, steps({{0, 90}}), 150).timeline, timeline);
    }

    void cooldownHoldsScaleInAfterScaleOut()
    {
        AutoScalingRule rule = targetRule(50, 0);
        rule.cooldown = 120;
        const Load load = steps({{0, 100}, {30, 200}, {45, 50}});
        // Out at 30; the fall at 45 may act only when the cooldown ends at 150.
        QCOMPARE(simulate(rule, 2, load, 300).timeline, (QStringList{u"30:2->4"_s, u"150:4->1"_s}));

        ScalingPolicy policy(rule);
        ManualClock clock;
        policy.noteChange(clock.now());
        clock.advance(100);
        const ScalingDecision d = policy.evaluate(clock.now(), 2, 500);
        QCOMPARE(voteName(d.vote), QStringLiteral("hold"));
        QVERIFY2(d.reason.endsWith(u"cooldown: 20 s left"), qPrintable(d.reason));
    }

    void boundsNeverCrossed_data()
    {
        QTest::addColumn<AutoScalingRule>("rule");
        QTest::addColumn<int>("start");
        QTest::addColumn<int>("floor");  // -1: none
        QTest::addColumn<int>("low");    // the bounds from the first pass on
        QTest::addColumn<int>("high");
        const AutoScalingRule out = thresholdRule(Comparator::GreaterThan, 50, 3, 2, 7);
        const AutoScalingRule in = thresholdRule(Comparator::LessThan, 50, -2, 2, 7);
        const AutoScalingRule target = targetRule(10, 0, 2, 7);
        QTest::newRow("step out") << out << 4 << -1 << 2 << 7;
        QTest::newRow("step in") << in << 4 << -1 << 2 << 7;
        QTest::newRow("target") << target << 4 << -1 << 2 << 7;
        QTest::newRow("start above max") << target << 20 << -1 << 2 << 7;
        QTest::newRow("start below min") << target << 1 << -1 << 2 << 7;
        QTest::newRow("floor 5 raises min") << target << 2 << 5 << 5 << 7;
        QTest::newRow("floor above max stops at max") << target << 3 << 9 << 7 << 7;
    }

    void boundsNeverCrossed()
    {
        QFETCH(AutoScalingRule, rule);
        QFETCH(int, start);
        QFETCH(int, floor);
        QFETCH(int, low);
        QFETCH(int, high);
        // The load jumps anywhere between 0 and 200 on every pass, for an hour.
        const Load load = [](int t) { return std::optional<double>(100 + 100 * noise(t)); };
        const Run run = simulate(rule, start, load, 3600, floor < 0 ? std::nullopt : std::optional(floor));
        QVERIFY(!run.timeline.isEmpty());
        QVERIFY2(run.minSeen >= low, qPrintable(run.timeline.join(u' ')));
        QVERIFY2(run.maxSeen <= high, qPrintable(run.timeline.join(u' ')));
    }

    // The verification guide's scenarios: low (1 replica), medium (2), high (3), low again.
    // GPU utilisation summed over the replicas, 60% per replica; up after 30 s, down after 5 min.
    void guideScenarios()
    {
        AutoScalingRule rule = targetRule(60, 60, 1, 5);
        rule.metric = QStringLiteral("gpu_utilization");
        rule.source = MetricSource::Kernel;
        rule.scaleUpDelay = 30;
        rule.scaleDownDelay = 300;
        rule.cooldown = 60;
        const Load load = steps({{0, 5}, {180, 100}, {600, 170}, {1020, 30}});
        const Run run = simulate(rule, 1, load, 1800);
        QCOMPARE(run.timeline, (QStringList{u"210:1->2"_s, u"630:2->3"_s, u"1320:3->1"_s}));
        QCOMPARE(flaps(run, 300), 0);
    }

    // A square wave (2 min high, 2 min low) with +-8% noise: it scales out once, holds through the
    // low halves (shorter than the 5 min window), and scales in once after the wave ends.
    void squareWaveDoesNotFlap()
    {
        AutoScalingRule rule = targetRule(50, 0);
        rule.scaleUpDelay = 30;
        rule.scaleDownDelay = 300;
        rule.cooldown = 60;
        const Load load = [](int t) {
            const double level = t < 1800 && t % 240 < 120 ? 190 : 90;
            return std::optional<double>(level * (1 + 0.08 * noise(t)));
        };
        const Run run = simulate(rule, 2, load, 2700);
        QCOMPARE(run.timeline, (QStringList{u"30:2->4"_s, u"2100:4->2"_s}));
        QCOMPARE(flaps(run, 300), 0);
    }

    void noiseAroundTheTargetDoesNothing()
    {
        // 100 rps +-9% on 2 replicas of 50: always inside the band.
        AutoScalingRule rule = targetRule(50, 0);
        rule.scaleUpDelay = 0;
        rule.scaleDownDelay = 0;
        const Load load = [](int t) { return std::optional<double>(100 * (1 + 0.09 * noise(t))); };
        QCOMPARE(simulate(rule, 2, load, 3600).timeline, QStringList{});
    }

    void noiseAroundTheThresholdDoesNothing()
    {
        // cpu swings 68/72 around a 70 threshold: the wish never holds the 60 s the rule asks.
        AutoScalingRule rule = thresholdRule(Comparator::GreaterThan, 70, 1, 1, 10);
        rule.scaleUpDelay = 60;
        const Load load = [](int t) { return std::optional<double>((t / kInterval) % 4 == 3 ? 68 : 72); };
        QCOMPARE(simulate(rule, 2, load, 3600).timeline, QStringList{});
    }

    void spike_data()
    {
        QTest::addColumn<int>("upDelay");
        QTest::addColumn<QStringList>("timeline");
        QTest::newRow("a delay ignores it") << 30 << QStringList{};
        QTest::newRow("no delay: out, and back only after the window")
            << 0 << QStringList{u"600:2->10"_s, u"915:10->2"_s};
    }

    void spike()
    {
        QFETCH(int, upDelay);
        QFETCH(QStringList, timeline);
        AutoScalingRule rule = targetRule(50, 0);
        rule.scaleUpDelay = upDelay;
        rule.scaleDownDelay = 300;
        const Load load = [](int t) { return std::optional<double>(t == 600 ? 1000 : 100); };
        const Run run = simulate(rule, 2, load, 1800);
        QCOMPARE(run.timeline, timeline);
        QCOMPARE(flaps(run, 300), 0);
    }

    void resetForgetsEverything()
    {
        AutoScalingRule rule = targetRule(50, 0);
        rule.scaleUpDelay = 30;
        rule.cooldown = 600;
        ScalingPolicy policy(rule);
        ManualClock clock;
        QVERIFY(!policy.evaluate(clock.now(), 2, 300).target);
        clock.advance(30);
        QCOMPARE(policy.evaluate(clock.now(), 2, 300).target.value_or(-1), 6);
        policy.noteChange(clock.now());
        policy.reset();
        clock.advance(30);
        QVERIFY(!policy.evaluate(clock.now(), 2, 300).target);  // the wish starts over, no cooldown
        clock.advance(30);
        QCOMPARE(policy.evaluate(clock.now(), 2, 300).target.value_or(-1), 6);
    }

    // Scale to zero.
    void idlePolicy()
    {
        ManualClock clock;
        IdlePolicy idle(300);
        QVERIFY(idle.enabled());
        QCOMPARE(idle.reason(), QStringLiteral("idle for 300 s"));
        QVERIFY(!idle.isIdle(clock.now()));
        idle.observe(clock.now(), 0);  // quiet from here
        clock.advance(150);
        idle.observe(clock.now(), std::nullopt);  // a missing sample changes nothing
        clock.advance(149);
        idle.observe(clock.now(), 0);
        QVERIFY(!idle.isIdle(clock.now()));
        clock.advance(1);
        QVERIFY(idle.isIdle(clock.now()));

        idle.observe(clock.now(), 0.5);  // a request: not idle, and the count starts over
        QVERIFY(!idle.isIdle(clock.now()));
        idle.observe(clock.now(), 0);
        clock.advance(299);
        QVERIFY(!idle.isIdle(clock.now()));
        clock.advance(1);
        QVERIFY(idle.isIdle(clock.now()));
        idle.markActive();
        QVERIFY(!idle.isIdle(clock.now()));

        IdlePolicy off;
        QVERIFY(!off.enabled());
        off.observe(clock.now(), 0);
        clock.advance(86400);
        QVERIFY(!off.isIdle(clock.now()));
    }
};

QTEST_GUILESS_MAIN(TestScalingPolicy)
#include "test_scalingpolicy.moc"
