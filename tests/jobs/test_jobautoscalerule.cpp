// The autoscaler on the job backlog (PROXY jobs_queued) and pushed CUSTOM values: rules on
// metrics that exist without replicas act at zero. Passes over a real store on a temporary
// SQLite file, a manual clock, a metrics reader the test answers and an actuator that writes
// the new count as the service would.
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

constexpr int kInterval = 1;  // seconds between passes

} // namespace

class TestJobAutoscaleRule final : public QObject, public AutoscalerFixture
{
    Q_OBJECT

public:
    TestJobAutoscaleRule() : AutoscalerFixture(kInterval) {}

private:
    QList<ScaleCause> m_causes;

    void setBacklog(const Endpoint &e, std::optional<double> value)
    {
        setMetric(e, MetricSource::Proxy, Autoscaler::kJobsMetric, value);
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        const QString error = open();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_causes.clear();
        m_autoscaler->setActuator([this](const QUuid &id, int target, const ScaleCause &cause) {
            m_causes << cause;
            setReplicas(id, target);
            return true;
        });
    }

    void cleanup() { close(); }

    // `jobs_queued > 0` min 0 max 1: a job at zero wakes it after the up delay (its cooldown
    // does not hold a wake back), the backlog (running jobs too) keeps it up, and an empty
    // backlog for the down delay takes it back to zero.
    void backlogWakesFromZeroAndEmptyBacklogReturnsToZero()
    {
        const Endpoint e = addEndpoint(u"batch"_s, 0);
        const AutoScalingRule rule = addRule(e, MetricSource::Proxy, Autoscaler::kJobsMetric, Comparator::GreaterThan,
                                             0, 1, std::nullopt, 0, 1, 2, 5, 60);
        setBacklog(e, 0);
        QCOMPARE(runUntil(10), QStringList{});
        QCOMPARE(replicas(e), 0);

        // A job arrives at t=11: it must hold 2 s, so t=13.
        const auto backlog = [&](qint64 t) {
            if (t >= 11 && t < 30)
                setBacklog(e, t < 20 ? 1 : 2);  // queued, then running and another queued
            else
                setBacklog(e, 0);
        };
        QCOMPARE(runUntil(29, backlog), QStringList{u"13:0->1"_s});
        QCOMPARE(m_causes.size(), 1);
        QCOMPARE(m_causes[0].ruleId, rule.id.toString(QUuid::WithoutBraces));
        QCOMPARE(m_causes[0].metricValue, std::optional<double>(1));
        QVERIFY2(m_causes[0].reason.contains(u"at zero replicas"_s), qPrintable(m_causes[0].reason));

        // Empty from t=30: the 5 s window, and the 60 s cooldown from t=13 -> t=73.
        QCOMPARE(runUntil(80, backlog), QStringList{u"73:1->0"_s});
        QCOMPARE(m_causes.size(), 2);
        QVERIFY2(m_causes[1].reason.contains(u"no job queued or running"_s), qPrintable(m_causes[1].reason));

        // The next job wakes it again at once past the cooldown (a wake waits for no cooldown).
        QCOMPARE(runUntil(90, [&](qint64 t) { setBacklog(e, t >= 85 ? 1 : 0); }), QStringList{u"87:0->1"_s});
        QCOMPARE(m_autoscaler->upCount(e.id), 2);
        QCOMPARE(m_autoscaler->downCount(e.id), 1);
    }

    // A blip shorter than the up delay wakes nothing; a backlog that empties before the down
    // window is over keeps the replica.
    void delaysHoldAtZeroAndAtOne()
    {
        const Endpoint e = addEndpoint(u"patient"_s, 0);
        addRule(e, MetricSource::Proxy, Autoscaler::kJobsMetric, Comparator::GreaterThan, 0, 1, std::nullopt, 0, 1,
                3, 10, 0);
        QCOMPARE(runUntil(10, [&](qint64 t) { setBacklog(e, t == 5 || t == 6 ? 1 : 0); }), QStringList{});
        QCOMPARE(runUntil(30, [&](qint64 t) { setBacklog(e, t >= 20 ? 1 : 0); }), QStringList{u"23:0->1"_s});
        // Empty for 9 s, busy again, then empty for good from t=41: down at 51.
        QCOMPARE(runUntil(60, [&](qint64 t) { setBacklog(e, t >= 31 && t < 40 ? 0 : t < 41 ? 1 : 0); }),
                 QStringList{u"51:1->0"_s});
    }

    // Target mode at zero: ceil(backlog / per replica) within the bounds; a request-rate rule on
    // the same endpoint still waits for the proxy's wake at zero; a missing sample wakes nothing.
    void targetModeAndOtherMetricsAtZero()
    {
        const Endpoint e = addEndpoint(u"wide"_s, 0);
        addRule(e, MetricSource::Proxy, Autoscaler::kJobsMetric, Comparator::GreaterThan, 0, 0, 4.0, 0, 3, 0, 60, 0);
        addRule(e, MetricSource::Proxy, u"requests_per_second"_s, Comparator::GreaterThan, 1, 1, std::nullopt, 0, 5,
                0, 60, 0);
        setMetric(e, MetricSource::Proxy, u"requests_per_second"_s, 100);
        setBacklog(e, std::nullopt);
        QCOMPARE(runUntil(5), QStringList{});
        setMetric(e, MetricSource::Proxy, u"requests_per_second"_s, 0);
        setBacklog(e, 9);  // ceil(9 / 4) = 3, from the pass at t=5 again
        QCOMPARE(runUntil(6), QStringList{u"5:0->3"_s});

        const Endpoint capped = addEndpoint(u"capped"_s, 0);
        addRule(capped, MetricSource::Proxy, Autoscaler::kJobsMetric, Comparator::GreaterThan, 0, 0, 1.0, 0, 2, 0, 60,
                0);
        setBacklog(capped, 50);
        QCOMPARE(runUntil(7), QStringList{u"6:0->2"_s});
    }

    // A pushed CUSTOM value exists without replicas too: a rule on it wakes an endpoint at zero.
    void customMetricWakesFromZero()
    {
        const Endpoint e = addEndpoint(u"pushed"_s, 0);
        addRule(e, MetricSource::Custom, u"backlog"_s, Comparator::GreaterOrEqual, 10, 2, std::nullopt, 0, 4, 0, 60,
                60);
        setMetric(e, MetricSource::Custom, u"backlog"_s, 3);
        QCOMPARE(runUntil(3), QStringList{});
        setMetric(e, MetricSource::Custom, u"backlog"_s, 12);
        QCOMPARE(runUntil(4), QStringList{u"3:0->2"_s});
    }
};

QTEST_GUILESS_MAIN(TestJobAutoscaleRule)
#include "test_jobautoscalerule.moc"
