// Autoscaling end to end: real demo replicas behind the real proxy, load driven through the proxy,
// the real sampler and autoscaler deciding on what the proxy counted. Delays are short (seconds)
// so the trace runs in real time; the pure-logic suites cover long windows with a manual clock.
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "plane/controlplane.h"
#include "autoscale/autoscaler.h"
#include "service/endpointmetricssampler.h"
#include "service/modelservingservice.h"
#include "support/replicaprocesses.h"

using namespace ServeDeck;
using namespace ReplicaProcesses;

namespace {
constexpr int kWaitMs = 30000;
}

class TestAutoscaling final : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ControlPlane> m_plane;
    QNetworkAccessManager m_network;
    int m_sent = 0;
    int m_ok = 0;
    QList<int> m_failures;  // statuses other than 200

    ModelServingService &service() { return m_plane->service(); }
    int replicas(const QString &name) { return service().endpointInfo(name)->endpoint.replicas; }
    int healthy(const QString &name)
    {
        int n = 0;
        const auto info = service().endpointInfo(name);  // a named value: the loop must not outlive it
        for (const Route &r : info->routes)
            n += r.status == RouteStatus::Healthy ? 1 : 0;
        return n;
    }

    // An iris-v1 endpoint of half-core replicas, with its place in contention for capacity.
    Result<Endpoint> createHalfCore(const QString &name, int replicas, int priority, bool allowPreemption)
    {
        CreateEndpointRequest r;
        r.name = name;
        r.modelVersion = QStringLiteral("v1");
        r.modelFolder = QStringLiteral("iris-v1");
        r.resourceSlots = {0.5, qint64(256) << 20, 0};
        r.replicas = replicas;
        r.priority = priority;
        r.queueWhenFull = true;
        r.allowPreemption = allowPreemption;
        return service().createEndpoint(r);
    }
    int pendingOf(const QString &name)
    {
        int n = 0;
        const auto queue = service().pendingQueue();
        for (const QueueEntry &q : *queue)
            n += q.endpointName == name ? 1 : 0;
        return n;
    }

    // A public iris-v1 endpoint with one small replica.
    Result<Endpoint> createDemo(const QString &name)
    {
        CreateEndpointRequest r;
        r.name = name;
        r.modelVersion = QStringLiteral("v1");
        r.modelFolder = QStringLiteral("iris-v1");
        r.resourceSlots = {0.25, qint64(256) << 20, 0};
        r.isPublic = true;
        return service().createEndpoint(r);
    }

    // Sends `rate` requests per second through the proxy for `ms`, paced by a timer; every
    // answer is counted, so a request lost while replicas come and go shows up.
    void drive(const QString &url, int rate, int ms)
    {
        QTimer pace;
        pace.setInterval(1000 / rate);
        QElapsedTimer clock;
        clock.start();
        connect(&pace, &QTimer::timeout, this, [&] {
            QNetworkRequest request(QUrl(url + QStringLiteral("/predict")));
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
            request.setTransferTimeout(10000);
            QNetworkReply *reply = m_network.post(request, QByteArrayLiteral(R"({"features":[5.1,3.5,1.4,0.2]})"));
            ++m_sent;
            connect(reply, &QNetworkReply::finished, this, [this, reply] {
                reply->deleteLater();
                const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                if (status == 200)
                    ++m_ok;
                else
                    m_failures << status;
            });
        });
        pace.start();
        QTRY_VERIFY_WITH_TIMEOUT(clock.elapsed() >= ms, ms + 5000);
        pace.stop();
        QTRY_COMPARE_WITH_TIMEOUT(m_ok + int(m_failures.size()), m_sent, kWaitMs);
    }

    void startPlane(const QString &capacity)
    {
        m_plane.reset();
        m_dir = std::make_unique<QTemporaryDir>();
        ControlPlaneOptions options;
        options.dataDir = m_dir->filePath(QStringLiteral("data"));
        options.serveApi = false;
        options.capacity = capacity;
        options.modelRoots = {sourceModels()};
        options.reconcileIntervalMs = 200;
        options.autoscaleIntervalMs = 250;
        m_plane = std::make_unique<ControlPlane>();
        auto started = m_plane->start(options);
        QVERIFY2(started.ok(), started ? "" : qPrintable(started.error().message));
        m_sent = m_ok = 0;
        m_failures.clear();
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init() { startPlane(QStringLiteral("cpu=16,memory=32G")); }

    void cleanup()
    {
        m_plane.reset();
        m_dir.reset();
    }

    // Low -> high -> low against a target of 20 requests/s per replica: up to ceil(50/20) = 3
    // replicas while 50/s flow, back to the minimum after the down window, never past the
    // bounds, and every request answered 200 throughout.
    void loadStepScalesOutAndBackIn()
    {
        const auto created = createDemo(QStringLiteral("auto"));
        QVERIFY(created.ok());
        QTRY_COMPARE_WITH_TIMEOUT(healthy(QStringLiteral("auto")), 1, kWaitMs);

        AutoScalingRule rule;
        rule.source = MetricSource::Proxy;
        rule.metric = QStringLiteral("requests_per_second");
        rule.comparator = Comparator::GreaterThan;
        rule.threshold = 5;
        rule.targetPerReplica = 20;
        rule.minReplicas = 1;
        rule.maxReplicas = 3;
        rule.scaleUpDelay = 0;
        rule.scaleDownDelay = 3;
        rule.cooldown = 1;
        QVERIFY(service().createAutoScalingRule(QStringLiteral("auto"), rule).ok());

        QList<int> timeline{replicas(QStringLiteral("auto"))};
        connect(&service(), &ModelServingService::scaled, this, [&](const ScaleEvent &e) { timeline << e.after; });

        drive(created->url, 50, 4000);
        QCOMPARE(replicas(QStringLiteral("auto")), 3);
        QTRY_COMPARE_WITH_TIMEOUT(healthy(QStringLiteral("auto")), 3, kWaitMs);
        // Idle: the rate falls to 0, which wants 0 replicas but the rule's minimum is 1.
        QTRY_COMPARE_WITH_TIMEOUT(replicas(QStringLiteral("auto")), 1, kWaitMs);

        QVERIFY2(m_failures.isEmpty(), qPrintable(QStringLiteral("%1 failed: %2").arg(m_failures.size()).arg(m_failures.value(0))));
        QCOMPARE(m_ok, m_sent);
        // Up only, then down only: no flapping, and never outside [1, 3].
        const qsizetype peak = timeline.indexOf(3);
        QVERIFY2(peak > 0, qPrintable(QString::number(timeline.size())));
        for (qsizetype i = 1; i < timeline.size(); ++i) {
            QVERIFY(timeline[i] >= 1 && timeline[i] <= 3);
            if (i <= peak)
                QVERIFY(timeline[i] > timeline[i - 1]);
            else
                QVERIFY(timeline[i] < timeline[i - 1]);
        }
        QCOMPARE(m_plane->autoscaler()->downCount(created->id), int(timeline.size() - 1 - peak));
        QCOMPARE(m_plane->autoscaler()->upCount(created->id), int(peak));

        // Every decision is a scale event with its rule, metric value and reason.
        const auto events = service().scaleEvents(QStringLiteral("auto"));
        QVERIFY(events.ok());
        QCOMPARE(events->size(), timeline.size() - 1);
        for (const ScaleEvent &e : *events) {
            QVERIFY(!e.ruleId.isEmpty());
            QVERIFY(e.metricValue.has_value());
            QVERIFY(!e.reason.isEmpty());
        }
    }

    // The sampler's view of the same traffic: rates and percentiles come from the proxy's counters.
    void loadIsSampledFromTheProxy()
    {
        const auto created = createDemo(QStringLiteral("sampled"));
        QVERIFY(created.ok());
        QTRY_COMPARE_WITH_TIMEOUT(healthy(QStringLiteral("sampled")), 1, kWaitMs);
        drive(created->url, 40, 2000);
        // The next sample sees every answered request.
        QTRY_COMPARE_WITH_TIMEOUT(m_plane->metrics()->latest(created->id).value_or(EndpointLoad{}).requestsTotal, qint64(m_sent), kWaitMs);
        const auto load = m_plane->metrics()->latest(created->id);
        QVERIFY(load->p95Ms.has_value() || load->requestsPerSecond == 0);
        const auto info = service().endpointInfo(QStringLiteral("sampled"), true);
        QCOMPARE(info->metrics->requests, qint64(m_sent));
        // A pushed CUSTOM metric is what a rule on it reads, and a bad one is refused.
        QVERIFY(service().pushMetric(QStringLiteral("sampled"), QStringLiteral("queue_depth"), 7).ok());
        QCOMPARE(m_plane->metrics()->value(created->id, MetricSource::Custom, QStringLiteral("queue_depth")), std::optional<double>(7));
        QCOMPARE(service().pushMetric(QStringLiteral("sampled"), QStringLiteral("bad name"), 1).error().type, ErrorType::InvalidArgument);
        // The demo server's own /metrics, scraped for an INFERENCE_FRAMEWORK rule.
        QVERIFY(!m_plane->metrics()->value(created->id, MetricSource::InferenceFramework, QStringLiteral("servedeck_model_requests_total")));
        QTRY_VERIFY_WITH_TIMEOUT(m_plane->metrics()
                                         ->value(created->id, MetricSource::InferenceFramework, QStringLiteral("servedeck_model_requests_total"))
                                         .value_or(0)
                                     >= m_sent,
                                 kWaitMs);
    }

    // Scale to zero and back: idle for the set time, the endpoint goes to 0 replicas; the next
    // request is held by the proxy, wakes it, and is answered by the new replica.
    void idleEndpointSleepsAndARequestWakesIt()
    {
        const auto created = createDemo(QStringLiteral("sleepy"));
        QVERIFY(created.ok());
        QTRY_COMPARE_WITH_TIMEOUT(healthy(QStringLiteral("sleepy")), 1, kWaitMs);
        const auto idle = service().setAutoscaleSettings(QStringLiteral("sleepy"), std::nullopt, 2);
        QVERIFY2(idle.ok(), idle ? "" : qPrintable(idle.error().message));
        QTRY_COMPARE_WITH_TIMEOUT(replicas(QStringLiteral("sleepy")), 0, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(healthy(QStringLiteral("sleepy")), 0, kWaitMs);
        QVERIFY(service().scaleEvents(QStringLiteral("sleepy"))->first().reason.contains(QStringLiteral("idle")));

        const QJsonObject answer = predictAt(m_network, QUrl(created->url + QStringLiteral("/predict")), kWaitMs);
        QCOMPARE(answer.value(QStringLiteral("prediction")).toString(), QStringLiteral("setosa"));
        QCOMPARE(replicas(QStringLiteral("sleepy")), 1);
        QCOMPARE(m_plane->autoscaler()->upCount(created->id), 1);
    }

    // Schedules and scale-to-zero settings are stored, validated, and reach the autoscaler.
    void settingsAreStoredAndValidated()
    {
        QVERIFY(createDemo(QStringLiteral("scheduled")).ok());
        const auto bad = service().setAutoscaleSettings(QStringLiteral("scheduled"), QStringLiteral("mon-fri 25:00-26:00 min=3"), std::nullopt);
        QCOMPARE(bad.error().type, ErrorType::InvalidArgument);
        QCOMPARE(service().autoscaleSettings(QStringLiteral("scheduled"))->schedule, QString());
        // Every day, all day: a floor of 2 applies at once.
        QVERIFY(service().setAutoscaleSettings(QStringLiteral("scheduled"), QStringLiteral("daily 00:00-24:00 min=2"), 600).ok());
        QTRY_COMPARE_WITH_TIMEOUT(replicas(QStringLiteral("scheduled")), 2, kWaitMs);
        const auto stored = service().autoscaleSettings(QStringLiteral("scheduled"));
        QCOMPARE(stored->idleTimeoutSeconds, 600);
        QCOMPARE(service().scaleEvents(QStringLiteral("scheduled"))->first().after, 2);
    }
    // With room for two replicas, a third asked for by a rule waits PENDING (the spec's manual
    // scale-out is still refused) and starts, on a real replica, once another endpoint frees room.
    void ruleScaleOutWaitsPendingUntilRoomFrees()
    {
        startPlane(QStringLiteral("cpu=1,memory=4G"));  // two replicas of cpu 0.5
        CreateEndpointRequest keep;
        keep.name = QStringLiteral("keep");
        keep.modelVersion = QStringLiteral("v1");
        keep.modelFolder = QStringLiteral("iris-v1");
        keep.resourceSlots = {0.5, qint64(256) << 20, 0};
        QVERIFY(service().createEndpoint(keep).ok());
        CreateEndpointRequest grow = keep;
        grow.name = QStringLiteral("grow");
        QVERIFY(service().createEndpoint(grow).ok());
        QTRY_COMPARE_WITH_TIMEOUT(healthy(QStringLiteral("keep")), 1, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(healthy(QStringLiteral("grow")), 1, kWaitMs);
        QCOMPARE(service().scaleReplicas(QStringLiteral("grow"), 2).error().type, ErrorType::ResourceLimitExceeded);

        AutoScalingRule rule;
        rule.source = MetricSource::Custom;
        rule.metric = QStringLiteral("queue_depth");
        rule.comparator = Comparator::GreaterThan;
        rule.threshold = 5;
        rule.stepSize = 1;
        rule.minReplicas = 1;
        rule.maxReplicas = 2;
        rule.scaleUpDelay = 0;
        rule.scaleDownDelay = 600;
        rule.cooldown = 0;
        QVERIFY(service().createAutoScalingRule(QStringLiteral("grow"), rule).ok());
        QVERIFY(service().pushMetric(QStringLiteral("grow"), QStringLiteral("queue_depth"), 10).ok());

        QTRY_COMPARE_WITH_TIMEOUT(replicas(QStringLiteral("grow")), 2, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(service().pendingQueue()->size(), 1, kWaitMs);
        const QueueEntry waiting = service().pendingQueue()->first();
        QCOMPARE(waiting.endpointName, QStringLiteral("grow"));
        QCOMPARE(waiting.route.status, RouteStatus::Pending);
        QCOMPARE(waiting.route.pendingReason, QStringLiteral("needs cpu 0.5, 0 free"));
        QVERIFY(waiting.route.pendingSince.isValid());
        QCOMPARE(healthy(QStringLiteral("grow")), 1);
        QVERIFY(service().listErrors(QStringLiteral("grow"))->isEmpty());  // waiting is not failing

        // Room frees: the waiting replica starts, and serves.
        QVERIFY(service().scaleReplicas(QStringLiteral("keep"), 0).ok());
        QTRY_COMPARE_WITH_TIMEOUT(healthy(QStringLiteral("grow")), 2, kWaitMs);
        QVERIFY(service().pendingQueue()->isEmpty());
        const auto info = service().endpointInfo(QStringLiteral("grow"));
        QVERIFY(std::any_of(info->routes.begin(), info->routes.end(), [&](const Route &r) { return r.id == waiting.route.id; }));
    }
    // Two replicas wait; when room for one frees, the higher priority starts though it waited less.
    void pendingReplicasStartInPriorityOrder()
    {
        startPlane(QStringLiteral("cpu=1,memory=4G"));
        QVERIFY(createHalfCore(QStringLiteral("blocker"), 2, 0, false).ok());
        QVERIFY(createHalfCore(QStringLiteral("mid"), 0, 1, false).ok());
        QVERIFY(createHalfCore(QStringLiteral("top"), 0, 3, false).ok());
        QTRY_COMPARE_WITH_TIMEOUT(healthy(QStringLiteral("blocker")), 2, kWaitMs);
        QVERIFY(service().scaleReplicas(QStringLiteral("mid"), 1).ok());
        QTRY_COMPARE_WITH_TIMEOUT(pendingOf(QStringLiteral("mid")), 1, kWaitMs);
        QVERIFY(service().scaleReplicas(QStringLiteral("top"), 1).ok());
        QTRY_COMPARE_WITH_TIMEOUT(pendingOf(QStringLiteral("top")), 1, kWaitMs);
        QCOMPARE(service().pendingQueue()->first().endpointName, QStringLiteral("top"));

        QVERIFY(service().scaleReplicas(QStringLiteral("blocker"), 1).ok());
        QTRY_COMPARE_WITH_TIMEOUT(healthy(QStringLiteral("top")), 1, kWaitMs);
        QCOMPARE(pendingOf(QStringLiteral("mid")), 1);
        QCOMPARE(healthy(QStringLiteral("mid")), 0);
        QVERIFY(service().scaleReplicas(QStringLiteral("blocker"), 0).ok());
        QTRY_COMPARE_WITH_TIMEOUT(healthy(QStringLiteral("mid")), 1, kWaitMs);
        QVERIFY(service().pendingQueue()->isEmpty());
    }

    // A higher priority stops just one replica of an endpoint that allows it (never of one at
    // equal priority), which waits in the queue again with a Preempted record naming who took it.
    void preemptionStopsOnlyWhatIsAllowed()
    {
        startPlane(QStringLiteral("cpu=1,memory=4G"));
        QVERIFY(createHalfCore(QStringLiteral("spare"), 2, 0, true).ok());
        QVERIFY(createHalfCore(QStringLiteral("peer"), 0, 0, false).ok());
        QVERIFY(createHalfCore(QStringLiteral("urgent"), 0, 5, false).ok());
        QTRY_COMPARE_WITH_TIMEOUT(healthy(QStringLiteral("spare")), 2, kWaitMs);

        QVERIFY(service().scaleReplicas(QStringLiteral("peer"), 1).ok());
        QTRY_COMPARE_WITH_TIMEOUT(pendingOf(QStringLiteral("peer")), 1, kWaitMs);
        QVERIFY(service().listErrors(QStringLiteral("spare"), 10, QStringLiteral("Preempted"))->isEmpty());

        QVERIFY(service().scaleReplicas(QStringLiteral("urgent"), 1).ok());
        QTRY_COMPARE_WITH_TIMEOUT(healthy(QStringLiteral("urgent")), 1, kWaitMs);
        const auto preempted = service().listErrors(QStringLiteral("spare"), 10, QStringLiteral("Preempted"));
        QCOMPARE(preempted->size(), 1);
        QVERIFY2(preempted->first().message.contains(QStringLiteral("'urgent'")), qPrintable(preempted->first().message));
        QTRY_COMPARE_WITH_TIMEOUT(pendingOf(QStringLiteral("spare")), 1, kWaitMs);
        QCOMPARE(healthy(QStringLiteral("spare")), 1);
        QCOMPARE(replicas(QStringLiteral("spare")), 2);  // it still wants both
        QCOMPARE(pendingOf(QStringLiteral("peer")), 1);
    }
};

QTEST_MAIN(TestAutoscaling)
#include "test_autoscaling.moc"
