// Autoscaler: passes over a real store on a temporary SQLite file, a moved clock, a metrics
// reader the test answers and an actuator that records what it is asked (and, as the service
// would, writes the new count).
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "autoscale/autoscaler.h"
#include "store/repository.h"
#include "support/autoscalerfixture.h"
#include "support/require.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr int kInterval = 15;  // seconds between passes, as Autoscaler::kDefaultIntervalMs

struct Actuation
{
    QUuid endpointId;
    int target = 0;
    ScaleCause cause;
    qint64 at = 0;  // seconds since the test's start
};

QString idText(const QUuid &id)
{
    return id.toString(QUuid::WithoutBraces);
}

} // namespace

class TestAutoscaler final : public QObject, public AutoscalerFixture
{
    Q_OBJECT

public:
    TestAutoscaler() : AutoscalerFixture(kInterval) {}

private:
    QList<Actuation> m_calls;
    bool m_accept = true;

    void setRps(const Endpoint &e, std::optional<double> value)
    {
        setMetric(e, MetricSource::Proxy, u"requests_per_second"_s, value);
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        const QString error = open();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_calls.clear();
        m_accept = true;
        m_autoscaler->setActuator([this](const QUuid &id, int target, const ScaleCause &cause) {
            m_calls << Actuation{id, target, cause, elapsed()};
            if (!m_accept)
                return false;
            setReplicas(id, target);
            return true;
        });
    }

    void cleanup() { close(); }

    // The verification guide's run: low, medium, high, low load on a GPU workload; UP=2, DOWN=1.
    void guideScenarios()
    {
        const Endpoint e = addEndpoint(u"gpu-test-workload"_s, 1);
        const AutoScalingRule rule = addRule(e, MetricSource::Kernel, u"gpu_utilization"_s, Comparator::GreaterThan, 60,
                                             0, 60.0, 1, 5, 30, 300, 60);
        QSignalSpy decided(m_autoscaler.get(), &Autoscaler::decided);
        const QStringList timeline = runUntil(1800, [&](qint64 t) {
            const double load = t < 180 ? 5 : t < 600 ? 100 : t < 1020 ? 170 : 30;
            setMetric(e, MetricSource::Kernel, u"gpu_utilization"_s, load);
        });
        QCOMPARE(timeline, (QStringList{u"210:1->2"_s, u"630:2->3"_s, u"1320:3->1"_s}));
        QCOMPARE(m_autoscaler->upCount(e.id), 2);
        QCOMPARE(m_autoscaler->downCount(e.id), 1);
        QCOMPARE(replicas(e), 1);

        QCOMPARE(m_calls.size(), 3);
        QCOMPARE(m_calls[0].endpointId, e.id);
        QCOMPARE(m_calls[0].cause.ruleId, idText(rule.id));
        QCOMPARE(m_calls[0].cause.metricValue, std::optional<double>(100));
        QCOMPARE(m_calls[0].cause.reason, u"gpu_utilization 100 needs ceil(100 / 60) = 2 replicas, held 30 s"_s);
        QCOMPARE(m_calls[2].cause.metricValue, std::optional<double>(30));
        QVERIFY2(m_calls[2].cause.reason.endsWith(u", for 300 s"_s), qPrintable(m_calls[2].cause.reason));

        QCOMPARE(decided.size(), 3);
        QCOMPARE(decided[1][0].toUuid(), e.id);
        QCOMPARE(decided[1][1].toInt(), 2);
        QCOMPARE(decided[1][2].toInt(), 3);
        QCOMPARE(decided[1][3].toString(), m_calls[1].cause.reason);

        // The rule's own source and metric were asked for, once a pass, and kept in a window.
        QCOMPARE(m_reads.size(), 1800 / kInterval + 1);
        QCOMPARE(m_reads.first(), key(e.id, MetricSource::Kernel, u"gpu_utilization"_s));
        const MetricWindow *window = m_autoscaler->metricWindow(e.id, MetricSource::Kernel, u"gpu_utilization"_s);
        QVERIFY(window);
        QCOMPARE(window->latest(), std::optional<double>(30));
        QCOMPARE(*window->maximum(m_clock->now(), 3600), 170.0);
        // The autoscaler only reads the store: the scale events are the actuator's (service's) to write.
        QVERIFY(m_repository->scaleEvents(e.id, 10)->isEmpty());
    }

    // Several rules: the largest scale-out wins; scaling in needs every rule with an opinion.
    void multipleRules()
    {
        const Endpoint e = addEndpoint(u"multi"_s, 2);
        const auto cpu = addRule(e, MetricSource::Kernel, u"cpu_utilization"_s, Comparator::GreaterThan, 70, 1,
                                 std::nullopt, 1, 10);
        m_clock->advance(1);  // the store lists rules oldest first; a tie goes to the older
        const auto rps = addRule(e, MetricSource::Proxy, u"requests_per_second"_s, Comparator::GreaterThan, 0, 0, 50.0,
                                 1, 10);
        m_clock->advance(1);
        const auto queue = addRule(e, MetricSource::Custom, u"queue_length"_s, Comparator::GreaterThan, 0, 0, 10.0, 1, 10);
        struct Pass
        {
            double cpu, rps, queue;
            int after;  // -1: no change
            QUuid rule;
        };
        const QList<Pass> passes{
            {80, 250, 20, 5, rps.id},   // cpu +1 = 3, rps ceil(5) = 5, queue holds: 5
            {80, 250, 20, 6, cpu.id},   // cpu +1 = 6, rps holds, queue wants in: out wins
            {50, 100, 40, 4, queue.id}, // cpu abstains, rps wants 2, queue 4: in, as far as the most cautious
            {50, 100, 40, -1, {}},      // rps wants 2 but queue holds at 4: no
            {50, 100, 20, 2, rps.id},   // both want 2: the older rule is named
        };
        for (const Pass &p : passes) {
            setMetric(e, MetricSource::Kernel, u"cpu_utilization"_s, p.cpu);
            setRps(e, p.rps);
            setMetric(e, MetricSource::Custom, u"queue_length"_s, p.queue);
            const int before = replicas(e);
            const auto pass = m_autoscaler->evaluateOnce();
            QVERIFY(pass.ok());
            if (p.after < 0) {
                QVERIFY(pass->isEmpty());
                QCOMPARE(replicas(e), before);
            } else {
                QCOMPARE(pass->size(), 1);
                QCOMPARE(pass->first().before, before);
                QCOMPARE(pass->first().after, p.after);
                QCOMPARE(pass->first().cause.ruleId, idText(p.rule));
                QCOMPARE(replicas(e), p.after);
            }
            m_clock->advance(kInterval);
        }
        QCOMPARE(m_autoscaler->upCount(e.id), 2);
        QCOMPARE(m_autoscaler->downCount(e.id), 2);
    }

    void scheduleFloorWithoutRules()
    {
        const Endpoint e = addEndpoint(u"office"_s, 1);
        m_autoscaler->setSchedule(e.id, require(ReplicaSchedule::parse(u"mon-fri 09:00-18:00 min=3"_s), "schedule"));
        // 2026-01-05 is a Monday; the schedule reads local wall-clock time.
        m_clock->set(QDateTime(QDate(2026, 1, 5), QTime(8, 59)));
        QVERIFY(m_autoscaler->evaluateOnce()->isEmpty());
        m_clock->set(QDateTime(QDate(2026, 1, 5), QTime(9, 0)));
        const auto raised = m_autoscaler->evaluateOnce();
        QCOMPARE(raised->size(), 1);
        QCOMPARE(raised->first().after, 3);
        QCOMPARE(raised->first().cause.reason, u"1 replica is below the schedule floor 3"_s);
        QVERIFY(raised->first().cause.ruleId.isEmpty());
        QCOMPARE(replicas(e), 3);
        // When the floor lifts nothing lowers the count: that is the rules' job.
        m_clock->set(QDateTime(QDate(2026, 1, 5), QTime(18, 0)));
        QVERIFY(m_autoscaler->evaluateOnce()->isEmpty());
        QCOMPARE(replicas(e), 3);
        // An empty schedule removes it; an endpoint with nothing configured is left alone.
        setReplicas(e, 1);
        m_autoscaler->setSchedule(e.id, ReplicaSchedule());
        m_clock->set(QDateTime(QDate(2026, 1, 6), QTime(10, 0)));
        QVERIFY(m_autoscaler->evaluateOnce()->isEmpty());
        QCOMPARE(replicas(e), 1);
        QCOMPARE(m_autoscaler->upCount(e.id), 1);  // the counters last as long as the endpoint
    }

    void scheduleFloorWithRules()
    {
        // The floor raises the rule's minimum, never past its maximum, and wakes an endpoint at zero.
        const Endpoint capped = addEndpoint(u"capped"_s, 1);
        addRule(capped, MetricSource::Kernel, u"cpu_utilization"_s, Comparator::GreaterThan, 70, 1, std::nullopt, 1, 2);
        const Endpoint sleeping = addEndpoint(u"sleeping"_s, 0);
        addRule(sleeping, MetricSource::Kernel, u"cpu_utilization"_s, Comparator::GreaterThan, 70, 1, std::nullopt, 1, 5);
        const auto schedule = require(ReplicaSchedule::parse(u"daily 09:00-18:00 min=3"_s), "schedule");
        m_autoscaler->setSchedule(capped.id, schedule);
        m_autoscaler->setSchedule(sleeping.id, schedule);
        setMetric(capped, MetricSource::Kernel, u"cpu_utilization"_s, 10);

        m_clock->set(QDateTime(QDate(2026, 1, 10), QTime(8, 0)));
        QVERIFY(m_autoscaler->evaluateOnce()->isEmpty());
        m_clock->set(QDateTime(QDate(2026, 1, 10), QTime(9, 30)));
        QVERIFY(m_autoscaler->evaluateOnce().ok());
        QCOMPARE(replicas(capped), 2);
        QCOMPARE(replicas(sleeping), 3);
        QCOMPARE(m_calls.size(), 2);
        QCOMPARE(m_calls[0].cause.reason, u"1 replica is below the schedule floor 2"_s);
        QCOMPARE(m_calls[1].cause.reason, u"0 replicas is below the schedule floor 3"_s);
    }

    void idleScaleToZeroAndWake()
    {
        const Endpoint e = addEndpoint(u"idle"_s, 2);
        addRule(e, MetricSource::Proxy, u"requests_per_second"_s, Comparator::GreaterThan, 0, 0, 50.0, 2, 10);
        m_autoscaler->setIdleTimeout(e.id, 300);
        setRps(e, 0);
        // Quiet from the first pass; the rule's minimum 2 does not keep it up.
        QCOMPARE(runUntil(1200), QStringList{u"300:2->0"_s});
        QCOMPARE(m_calls.size(), 1);
        QCOMPARE(m_calls[0].cause.reason, u"idle for 300 s"_s);
        QVERIFY(m_calls[0].cause.ruleId.isEmpty());
        QCOMPARE(m_calls[0].cause.metricValue, std::optional<double>(0));
        QCOMPARE(m_autoscaler->downCount(e.id), 1);

        // The proxy gets a request: max(1, minReplicas) at once, with no delay.
        QSignalSpy decided(m_autoscaler.get(), &Autoscaler::decided);
        QVERIFY(m_autoscaler->wake(e.id));
        QCOMPARE(m_calls.size(), 2);
        QCOMPARE(m_calls[1].target, 2);
        QCOMPARE(m_calls[1].at, 1200);
        QCOMPARE(m_calls[1].cause.reason, u"woken by a request"_s);
        QCOMPARE(decided.size(), 1);
        QCOMPARE(m_autoscaler->upCount(e.id), 1);
        QCOMPARE(replicas(e), 2);
        QVERIFY(m_autoscaler->wake(e.id));  // already up: nothing asked
        QCOMPARE(m_calls.size(), 2);

        // Still no traffic: a whole quiet period from after the wake before it sleeps again.
        m_clock->advance(kInterval);
        QCOMPARE(runUntil(1800), QStringList{u"1515:2->0"_s});
        QVERIFY(!m_autoscaler->wake(QUuid::createUuid()));
    }

    void idleKeepsTheScheduleFloor()
    {
        const Endpoint e = addEndpoint(u"floored"_s, 2);
        m_autoscaler->setIdleTimeout(e.id, 60);
        m_autoscaler->setSchedule(e.id, require(ReplicaSchedule::parse(u"daily 00:00-24:00 min=1"_s), "schedule"));
        setRps(e, 0);
        QCOMPARE(runUntil(600), QStringList{});
        QCOMPARE(replicas(e), 2);
        // An operator's zero is woken to the floor.
        setReplicas(e, 0);
        m_clock->advance(kInterval);
        QCOMPARE(runUntil(630), QStringList{u"615:0->1"_s});
    }

    void trafficKeepsItAwake()
    {
        const Endpoint e = addEndpoint(u"busy"_s, 1);
        m_autoscaler->setIdleTimeout(e.id, 60);
        // A request every other minute resets the quiet period before it reaches 60 s.
        QCOMPARE(runUntil(900, [&](qint64 t) { setRps(e, t % 60 == 0 ? 1 : 0); }), QStringList{});
        // A missing sample proves nothing either way.
        QCOMPARE(runUntil(1200, [&](qint64) { setRps(e, std::nullopt); }), QStringList{});
        QCOMPARE(replicas(e), 1);
    }

    void manualScaleRestartsCooldown()
    {
        const Endpoint e = addEndpoint(u"manual"_s, 2);
        addRule(e, MetricSource::Proxy, u"requests_per_second"_s, Comparator::GreaterThan, 0, 0, 50.0, 1, 10, 0, 0, 120);
        setRps(e, 100);
        QCOMPARE(runUntil(0), QStringList{});
        setReplicas(e, 6);  // an operator scales out
        m_clock->advance(kInterval);
        // Seen at 15; the rule wants 2 at once but waits out the cooldown from then.
        QCOMPARE(runUntil(300), QStringList{u"135:6->2"_s});
    }

    void refusedChangeIsAskedAgain()
    {
        const Endpoint e = addEndpoint(u"full"_s, 1);
        addRule(e, MetricSource::Kernel, u"cpu_utilization"_s, Comparator::GreaterThan, 70, 1, std::nullopt, 1, 5, 0, 0, 60);
        setMetric(e, MetricSource::Kernel, u"cpu_utilization"_s, 90);
        m_accept = false;
        QSignalSpy decided(m_autoscaler.get(), &Autoscaler::decided);
        const auto first = m_autoscaler->evaluateOnce();
        QCOMPARE(first->size(), 1);
        QVERIFY(!first->first().applied);
        QCOMPARE(m_autoscaler->upCount(e.id), 0);
        QCOMPARE(decided.size(), 0);
        m_clock->advance(kInterval);
        QCOMPARE(m_autoscaler->evaluateOnce()->size(), 1);
        QCOMPARE(m_calls.size(), 2);
        m_accept = true;
        m_clock->advance(kInterval);
        QVERIFY(m_autoscaler->evaluateOnce()->first().applied);
        QCOMPARE(m_autoscaler->upCount(e.id), 1);
        QCOMPARE(decided.size(), 1);
        QCOMPARE(replicas(e), 2);
        // The accepted change starts the cooldown; the refused ones did not.
        QCOMPARE(runUntil(120), (QStringList{u"90:2->3"_s}));
    }

    void onlyLiveEndpointsWithWorkArePassedOver()
    {
        const Endpoint plain = addEndpoint(u"plain"_s, 1);
        const Endpoint going = addEndpoint(u"going"_s, 1, EndpointLifecycle::Destroying);
        addRule(going, MetricSource::Kernel, u"cpu_utilization"_s, Comparator::GreaterThan, 70, 1, std::nullopt, 1, 5);
        setMetric(going, MetricSource::Kernel, u"cpu_utilization"_s, 90);
        setMetric(plain, MetricSource::Kernel, u"cpu_utilization"_s, 90);
        m_autoscaler->setIdleTimeout(going.id, 60);
        const auto pass = m_autoscaler->evaluateOnce();
        QVERIFY(pass.ok());
        QVERIFY(pass->isEmpty());
        QVERIFY(m_reads.isEmpty());
        QVERIFY(m_calls.isEmpty());
        // Nothing to read: nothing decided, nothing kept.
        const Endpoint quiet = addEndpoint(u"quiet"_s, 1);
        addRule(quiet, MetricSource::Kernel, u"cpu_utilization"_s, Comparator::GreaterThan, 70, 1, std::nullopt, 1, 5);
        QVERIFY(m_autoscaler->evaluateOnce()->isEmpty());
        QCOMPARE(m_reads, QStringList{key(quiet.id, MetricSource::Kernel, u"cpu_utilization"_s)});
        QVERIFY(!m_autoscaler->metricWindow(quiet.id, MetricSource::Kernel, u"cpu_utilization"_s));
    }

    void editedRuleStartsOver()
    {
        const Endpoint e = addEndpoint(u"edited"_s, 1);
        AutoScalingRule rule =
            addRule(e, MetricSource::Kernel, u"cpu_utilization"_s, Comparator::GreaterThan, 70, 1, std::nullopt, 1, 5, 60);
        setMetric(e, MetricSource::Kernel, u"cpu_utilization"_s, 90);
        QCOMPARE(runUntil(45), QStringList{});
        // Editing the rule drops its remembered wish: the 60 s start again from the edit.
        rule.threshold = 80;
        QVERIFY(m_repository->updateRule(rule).ok());
        m_clock->advance(kInterval);
        QCOMPARE(runUntil(150), QStringList{u"120:1->2"_s});
        // A deleted rule decides nothing more.
        QVERIFY(m_repository->deleteRule(rule.id).ok());
        m_clock->advance(kInterval);
        QCOMPARE(runUntil(600), QStringList{});
    }

    void timerDrivesPasses()
    {
        const Endpoint e = addEndpoint(u"timed"_s, 1);
        addRule(e, MetricSource::Kernel, u"cpu_utilization"_s, Comparator::GreaterThan, 70, 1, std::nullopt, 1, 5, 0, 0, 60);
        setMetric(e, MetricSource::Kernel, u"cpu_utilization"_s, 90);
        m_autoscaler->start(5);
        QTRY_COMPARE(m_calls.size(), 1);
        // The clock does not move, so the cooldown holds every later pass.
        QTRY_VERIFY(m_reads.size() >= 5);
        m_autoscaler->stop();
        QCOMPARE(m_calls.size(), 1);
        QCOMPARE(replicas(e), 2);
    }
};

QTEST_GUILESS_MAIN(TestAutoscaler)
#include "test_autoscaler.moc"
