// Scale to zero on the job backlog, end to end: a real plane in-process with its sampler and
// autoscaler running, an endpoint of demo replicas at zero with the rule `jobs_queued > 0`
// (min 0, max 1, short delays). A submitted job wakes it through the rule (not the proxy's wake:
// the dispatcher sends nothing without a HEALTHY route), runs, and the endpoint goes back to zero.
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "autoscale/autoscaler.h"
#include "jobs/jobqueue.h"
#include "jobtestsupport.h"
#include "plane/controlplane.h"
#include "proxy/proxyserver.h"
#include "service/endpointmetricssampler.h"
#include "service/modelservingservice.h"
#include "support/replicaprocesses.h"
#include "support/require.h"
#include "support/testplane.h"

using namespace ServeDeck;
using namespace ReplicaProcesses;

namespace {
constexpr int kWaitMs = 60000;
}

class TestJobAutoscale final : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ControlPlane> m_plane;

    ModelServingService &service() { return m_plane->service(); }
    int replicas(const QString &name) { return service().endpointInfo(name)->endpoint.replicas; }
    int healthy(const QString &name)
    {
        const QList<Route> list = service().endpointInfo(name)->routes;
        const auto isHealthy = [](const Route &r) { return r.status == RouteStatus::Healthy; };
        return int(std::count_if(list.begin(), list.end(), isHealthy));
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        ControlPlaneOptions options = TestPlane::options(m_dir->filePath(QStringLiteral("data")));
        options.autoscaleIntervalMs = 250;
        options.jobLeaseSeconds = 2;
        const QString error = TestPlane::start(m_plane, options);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void cleanup()
    {
        m_plane.reset();
        m_dir.reset();
    }

    void jobWakesAnEndpointAtZeroAndItGoesBack()
    {
        CreateEndpointRequest r;
        r.name = QStringLiteral("nightly");
        r.modelVersion = QStringLiteral("v1");
        r.modelFolder = QStringLiteral("iris-v1");
        r.resourceSlots = {0.25, qint64(256) << 20, 0};
        r.replicas = 0;
        r.isPublic = true;
        const Endpoint e = require(service().createEndpoint(r), "create endpoint");
        QCOMPARE(replicas(e.name), 0);

        AutoScalingRule rule;
        rule.source = MetricSource::Proxy;
        rule.metric = QStringLiteral("jobs_queued");
        rule.comparator = Comparator::GreaterThan;
        rule.threshold = 0;
        rule.stepSize = 1;
        rule.minReplicas = 0;
        rule.maxReplicas = 1;
        rule.scaleUpDelay = 0;
        rule.scaleDownDelay = 2;
        rule.cooldown = 1;
        QVERIFY(service().createAutoScalingRule(e.name, rule).ok());

        QList<int> timeline{0};
        connect(&service(), &ModelServingService::scaled, this,
                [&](const ScaleEvent &event) { timeline << event.after; });
        int woken = 0;
        m_plane->proxy()->setWakeHandler([&woken](const QUuid &) { ++woken; });

        // Nothing queued: it stays at zero.
        QSignalSpy sampled(m_plane->metrics(), &EndpointMetricsSampler::sampled);
        QVERIFY(sampled.wait(kWaitMs) && sampled.wait(kWaitMs));
        QCOMPARE(replicas(e.name), 0);

        JobRequest request;
        request.endpointId = e.id;
        request.path = "/predict";
        request.headers = {{"Content-Type", "application/json"}};
        request.body = R"({"features":[5.1,3.5,1.4,0.2]})";
        request.submittedBy = QStringLiteral("admin");
        const auto submitted = m_plane->jobs()->submit(request);
        QVERIFY2(submitted.ok(), describeResult(submitted).constData());
        const QString id = submitted->job.id;

        QTRY_COMPARE_WITH_TIMEOUT(replicas(e.name), 1, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(require(m_plane->jobs()->job(id), "job").state, JobState::Succeeded, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(replicas(e.name), 0, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(healthy(e.name), 0, kWaitMs);

        const Job done = require(m_plane->jobs()->job(id), "job");
        QCOMPARE(done.attempts, 1);
        QCOMPARE(done.resultStatus, 200);
        QCOMPARE(timeline, (QList<int>{0, 1, 0}));
        QCOMPARE(m_plane->autoscaler()->upCount(e.id), 1);
        QCOMPARE(m_plane->autoscaler()->downCount(e.id), 1);
        // The rule woke it: no request ever reached the proxy for an endpoint at zero.
        QCOMPARE(woken, 0);
        const auto events = service().scaleEvents(e.name);
        QVERIFY(events.ok());
        QCOMPARE(events->size(), 2);
        for (const ScaleEvent &event : *events)
            QVERIFY2(!event.ruleId.isEmpty(), qPrintable(event.reason));
    }
};

QTEST_GUILESS_MAIN(TestJobAutoscale)
#include "test_jobautoscale.moc"
