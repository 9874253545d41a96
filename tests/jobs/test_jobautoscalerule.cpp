// The autoscaler on the job backlog (PROXY jobs_queued) and pushed CUSTOM values: rules on
// metrics that exist without replicas act at zero. Passes over a real store on a temporary
// SQLite file, a manual clock, a metrics reader the test answers and an actuator that writes
// the new count as the service would.
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "autoscale/autoscaler.h"
#include "store/repository.h"
#include "support/manualclock.h"
#include "support/require.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr int kInterval = 1;  // seconds between passes

QString key(const QUuid &endpointId, MetricSource source, const QString &metric)
{
    return endpointId.toString() + u'/' + metricSourceName(source) + u'/' + metric;
}

} // namespace

class TestJobAutoscaleRule final : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Repository> m_repository;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<Autoscaler> m_autoscaler;
    QDateTime m_t0;
    QHash<QString, double> m_metrics;
    QList<ScaleCause> m_causes;

    qint64 elapsed() const { return m_t0.secsTo(m_clock->now()); }

    Endpoint addEndpoint(const QString &name, int replicas)
    {
        Endpoint e;
        e.id = QUuid::createUuid();
        e.name = name;
        e.modelVersion = u"v1"_s;
        e.modelFolder = u"iris-v1"_s;
        e.runtimeVariant = u"custom"_s;
        e.resourceGroup = u"default"_s;
        e.replicas = replicas;
        e.lifecycle = EndpointLifecycle::Ready;
        e.url = u"http://127.0.0.1:8080/"_s + name;
        e.createdAt = e.updatedAt = m_clock->now();
        require(m_repository->insertEndpoint(e), "insert endpoint");
        return e;
    }

    AutoScalingRule addRule(const Endpoint &e, MetricSource source, const QString &metric, Comparator comparator,
                            double threshold, int step, std::optional<double> perReplica, int min, int max,
                            int upDelay, int downDelay, int cooldown)
    {
        AutoScalingRule r;
        r.id = QUuid::createUuid();
        r.endpointId = e.id;
        r.source = source;
        r.metric = metric;
        r.comparator = comparator;
        r.threshold = threshold;
        r.stepSize = step;
        r.targetPerReplica = perReplica;
        r.minReplicas = min;
        r.maxReplicas = max;
        r.scaleUpDelay = upDelay;
        r.scaleDownDelay = downDelay;
        r.cooldown = cooldown;
        r.createdAt = r.updatedAt = m_clock->now();
        require(m_repository->insertRule(r), "insert rule");
        return r;
    }

    void setMetric(const Endpoint &e, MetricSource source, const QString &metric, std::optional<double> value)
    {
        if (value)
            m_metrics.insert(key(e.id, source, metric), *value);
        else
            m_metrics.remove(key(e.id, source, metric));
    }
    void setBacklog(const Endpoint &e, std::optional<double> value)
    {
        setMetric(e, MetricSource::Proxy, Autoscaler::kJobsMetric, value);
    }

    int replicas(const Endpoint &e) { return require(m_repository->endpointById(e.id), "read endpoint")->replicas; }

    // One pass a second until `seconds` from the start, `load(t)` before each; the changes as
    // "t:before->after".
    QStringList runUntil(qint64 seconds, const std::function<void(qint64)> &load = {})
    {
        QStringList timeline;
        for (; elapsed() <= seconds; m_clock->advance(kInterval)) {
            if (load)
                load(elapsed());
            const auto pass = m_autoscaler->evaluateOnce();
            if (!pass.ok())
                qFatal("pass failed: %s", qPrintable(pass.error().message));
            for (const AutoscaleDecision &d : *pass) {
                if (d.applied)
                    timeline << u"%1:%2->%3"_s.arg(elapsed()).arg(d.before).arg(d.after);
            }
        }
        m_clock->advance(-kInterval);  // stay at the last pass's time
        return timeline;
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_repository = std::make_unique<Repository>();
        QVERIFY(m_repository->open(m_dir->filePath(u"db.sqlite"_s)).ok());
        m_clock = std::make_unique<ManualClock>();
        m_t0 = m_clock->now();
        m_metrics.clear();
        m_causes.clear();
        m_autoscaler = std::make_unique<Autoscaler>(*m_repository, *m_clock);
        m_autoscaler->setMetricsReader([this](const QUuid &id, MetricSource source, const QString &metric) {
            const auto it = m_metrics.constFind(key(id, source, metric));
            return it == m_metrics.cend() ? std::nullopt : std::optional<double>(*it);
        });
        m_autoscaler->setActuator([this](const QUuid &id, int target, const ScaleCause &cause) {
            m_causes << cause;
            Endpoint stored = *require(m_repository->endpointById(id), "read endpoint");
            stored.replicas = target;
            require(m_repository->updateEndpoint(stored), "update endpoint");
            return true;
        });
    }

    void cleanup()
    {
        m_autoscaler.reset();
        m_repository.reset();
        m_dir.reset();
    }

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
        addRule(e, MetricSource::Proxy, Autoscaler::kJobsMetric, Comparator::GreaterThan, 0, 1, std::nullopt, 0, 1, 3, 10,
                0);
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
        addRule(capped, MetricSource::Proxy, Autoscaler::kJobsMetric, Comparator::GreaterThan, 0, 0, 1.0, 0, 2, 0, 60, 0);
        setBacklog(capped, 50);
        QCOMPARE(runUntil(7), QStringList{u"6:0->2"_s});
    }

    // A pushed CUSTOM value exists without replicas too: a rule on it wakes an endpoint at zero.
    void customMetricWakesFromZero()
    {
        const Endpoint e = addEndpoint(u"pushed"_s, 0);
        addRule(e, MetricSource::Custom, u"backlog"_s, Comparator::GreaterOrEqual, 10, 2, std::nullopt, 0, 4, 0, 60, 60);
        setMetric(e, MetricSource::Custom, u"backlog"_s, 3);
        QCOMPARE(runUntil(3), QStringList{});
        setMetric(e, MetricSource::Custom, u"backlog"_s, 12);
        QCOMPARE(runUntil(4), QStringList{u"3:0->2"_s});
    }
};

QTEST_GUILESS_MAIN(TestJobAutoscaleRule)
#include "test_jobautoscalerule.moc"
