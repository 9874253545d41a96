// AutoscalerReplay: the real Autoscaler replayed over generated histories.
#include <QTest>

#include "usage/autoscalerreplay.h"
#include "usage/scalingadvisor.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

const QDateTime kStart(QDate(2026, 11, 2), QTime(6, 0), Qt::UTC);

// Minute samples; rate(minute) gives each one's requests/s. The first records one replica.
QList<UsageSample> history(int minutes, const std::function<double(int)> &rate)
{
    QList<UsageSample> out;
    for (int i = 0; i < minutes; ++i) {
        UsageSample s;
        s.start = kStart.addSecs(qint64(i) * 60);
        s.requestsPerSecond = rate(i);
        s.requests = qint64(s.requestsPerSecond * 60);
        s.replicas = s.desiredReplicas = 1;
        out << s;
    }
    return out;
}

Endpoint endpoint()
{
    Endpoint e;
    e.id = QUuid::createUuid();
    e.name = u"chat"_s;
    e.modelVersion = u"v1"_s;
    e.modelFolder = u"/models/chat"_s;
    e.lifecycle = EndpointLifecycle::Ready;
    e.replicas = 1;
    return e;
}

// Scale to ceil(requests/s / 10) replicas, out after 30 s, in after a 60 s window, 60 s cooldown.
AutoScalingRule targetRule(const QUuid &endpointId)
{
    AutoScalingRule rule;
    rule.id = QUuid::createUuid();
    rule.endpointId = endpointId;
    rule.source = MetricSource::Proxy;
    rule.metric = u"requests_per_second"_s;
    rule.comparator = Comparator::GreaterThan;
    rule.threshold = 0;
    rule.targetPerReplica = 10;
    rule.minReplicas = 1;
    rule.maxReplicas = 6;
    rule.scaleUpDelay = 30;
    rule.scaleDownDelay = 60;
    rule.cooldown = 60;
    rule.createdAt = rule.updatedAt = kStart;
    return rule;
}

// 6 h: 50 requests/s for 3 minutes, 5 for 3 minutes, over and over.
QList<UsageSample> noisy()
{
    return history(360, [](int minute) { return (minute / 3) % 2 == 0 ? 50.0 : 5.0; });
}

// 6 h: 5 requests/s, 50 from the second hour to the fourth, 5 again.
QList<UsageSample> calm()
{
    return history(360, [](int minute) { return minute >= 120 && minute < 240 ? 50.0 : 5.0; });
}

} // namespace

class TestAutoscalerReplay : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void calmHistoryScalesOutOnceAndBackOnce()
    {
        const Endpoint e = endpoint();
        const AutoScalingRule rule = targetRule(e.id);
        auto outcome = AutoscalerReplay::run(e, {rule}, AutoscaleSettings{}, calm());
        QVERIFY2(outcome, qPrintable(outcome ? QString() : outcome.error().message));
        QCOMPARE(outcome->steps, qint64(360 * 60 / AutoscalerReplay::kStepSeconds));
        QCOMPARE(outcome->decisions.size(), 2);
        const auto &out = outcome->decisions[0];
        const auto &in = outcome->decisions[1];
        QCOMPARE(out.before, 1);
        QCOMPARE(out.after, 5);
        QCOMPARE(out.ruleId, rule.id.toString(QUuid::WithoutBraces));
        // The wish held for the scale-up delay after the load came at 08:00.
        QCOMPARE(out.time, kStart.addSecs(2 * 3600 + 30));
        QCOMPARE(in.after, 1);
        QVERIFY(in.time > kStart.addSecs(4 * 3600));
        const auto flaps = AutoscalerReplay::flaps(*outcome, {rule});
        QCOMPARE(flaps.size(), 1);
        QCOMPARE(flaps.first().changes, 2);
        QCOMPARE(flaps.first().reversals, 0);
        QVERIFY(!flaps.first().flaps());
    }

    void noisyHistoryReportsItsReversals()
    {
        const Endpoint e = endpoint();
        const AutoScalingRule rule = targetRule(e.id);
        auto outcome = AutoscalerReplay::run(e, {rule}, AutoscaleSettings{}, noisy());
        QVERIFY(outcome);
        const auto flaps = AutoscalerReplay::flaps(*outcome, {rule});
        QCOMPARE(flaps.first().windowSeconds, qint64(240));
        // Every 3-minute swing is followed: out, in, out, ... each within 240 s of the one before.
        QVERIFY2(flaps.first().changes >= 100, qPrintable(QString::number(flaps.first().changes)));
        QCOMPARE(flaps.first().reversals, flaps.first().changes - 1);
        QCOMPARE(flaps.first().reversalTimes.size(), flaps.first().reversals);
        QVERIFY(flaps.first().flaps());
        for (qsizetype i = 1; i < outcome->decisions.size(); ++i)
            QVERIFY(outcome->decisions[i - 1].time <= outcome->decisions[i].time);
    }

    void theAdvisorWarnsOfAFlappingRuleOnly()
    {
        ScalingAdvisor::Input in;
        in.endpoint = endpoint();
        in.rules << targetRule(in.endpoint.id);
        in.zone = QTimeZone::utc();
        in.samples = noisy();
        auto report = ScalingAdvisor::advise(in);
        QVERIFY(report);
        QCOMPARE(report->recommendations.size(), 1);
        const Recommendation &r = report->recommendations.first();
        QCOMPARE(r.kind, Recommendation::kFlappingRule);
        QVERIFY(r.isWarning());
        QCOMPARE(r.evidence[u"reversals"_s].toInt(), int(r.times.size()));
        QVERIFY2(r.explanation.contains(u"would have scaled %1 times, %2 of them reversals"_s
                                            .arg(r.evidence[u"changes"_s].toInt())
                                            .arg(r.evidence[u"reversals"_s].toInt())),
                 qPrintable(r.explanation));
        QVERIFY(r.explanation.contains(u"Mon 06:"_s));

        in.samples = calm();
        report = ScalingAdvisor::advise(in);
        QVERIFY(report);
        QVERIFY(report->recommendations.isEmpty());
    }

    void theReplayKeepsTheEndpointsSettings()
    {
        // No request from the second hour: with a 5 min idle timeout the same code goes to zero,
        // and a request at the fourth hour wakes it.
        const Endpoint e = endpoint();
        AutoscaleSettings settings;
        settings.idleTimeoutSeconds = 300;
        auto samples = history(240, [](int minute) { return minute < 60 || minute >= 180 ? 5.0 : 0.0; });
        auto outcome = AutoscalerReplay::run(e, {targetRule(e.id)}, settings, samples);
        QVERIFY(outcome);
        QCOMPARE(outcome->decisions.size(), 2);
        QCOMPARE(outcome->decisions[0].after, 0);
        QCOMPARE(outcome->decisions[0].reason, u"idle for 300 s"_s);
        QVERIFY(outcome->decisions[0].time >= kStart.addSecs(3600 + 300));
        QCOMPARE(outcome->decisions[1].before, 0);
        QCOMPARE(outcome->decisions[1].after, 1);
        QCOMPARE(outcome->decisions[1].time, kStart.addSecs(3 * 3600));
    }
};

QTEST_GUILESS_MAIN(TestAutoscalerReplay)
#include "test_autoscalerreplay.moc"
