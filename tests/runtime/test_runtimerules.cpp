// A runtime's own metrics driving rules, end to end: a stand-in of the runtime (a script named as
// its program, serving its health path and its /metrics with the runtime's names) started by the
// real plane from a bare model folder; the real sampler scrapes it, the real autoscaler scales on
// a normalized name or the runtime's own. And the time a loading replica has spent starting, as
// the control API reports it.
#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "api/apiclient.h"
#include "autoscale/autoscaler.h"
#include "plane/controlplane.h"
#include "runtime/runtimepreset.h"
#include "service/modelservingservice.h"
#include "runtimestandin.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr int kWaitMs = 30000;

// The program each preset runs.
QString programOf(const QString &variant)
{
    return RuntimePreset::find(variant)->command.constFirst();
}

} // namespace

class TestRuntimeRules final : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QTemporaryDir> m_bin;  // the tools dir: stand-ins of the runtimes
    std::unique_ptr<ControlPlane> m_plane;

    ModelServingService &service() { return m_plane->service(); }
    int replicas(const QString &name) { return service().endpointInfo(name)->endpoint.replicas; }
    int healthy(const QString &name)
    {
        int n = 0;
        const auto info = service().endpointInfo(name);
        for (const Route &r : info->routes)
            n += r.status == RouteStatus::Healthy ? 1 : 0;
        return n;
    }
    QJsonObject restInfo(const QString &name)
    {
        ApiClient client(QUrl(u"http://"_s + m_plane->apiAddress()), m_plane->adminToken());
        const ApiResponse response = client.get(u"/v1/services/"_s + name);
        if (!response.ok())
            qWarning("GET %s: %d %s", qPrintable(name), response.status, qPrintable(response.transportError));
        return response.body.object();
    }

    // An endpoint of the variant on a bare folder, its runtime's stand-in in the tools dir.
    Result<Endpoint> createWith(const QString &name, const QString &variant, const RuntimeStandIn &standIn)
    {
        const QString folder = m_dir->filePath(name);
        for (const QString &file : completeLayout(variant)) {
            if (!touch(folder + u'/' + file))
                return makeError(ErrorType::InvalidArgument, u"cannot write %1 in the model folder"_s.arg(file));
        }
        if (!standIn.writeTo(m_bin->filePath(programOf(variant))))
            return makeError(ErrorType::InvalidArgument, u"cannot write the stand-in"_s);
        CreateEndpointRequest r;
        r.name = name;
        r.modelVersion = u"v1"_s;
        r.modelFolder = folder;
        r.runtimeVariant = variant;
        r.resourceSlots = {0.25, qint64(256) << 20, 0};
        r.isPublic = true;
        return service().createEndpoint(r);
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_bin = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid() && m_bin->isValid());
        ControlPlaneOptions options;
        options.dataDir = m_dir->filePath(u"data"_s);
        options.capacity = u"cpu=16,memory=32G"_s;
        options.toolsDirs = {m_bin->path()};
        options.reconcileIntervalMs = 200;
        options.autoscaleIntervalMs = 250;
        options.signingKeyFromFile = true;
        m_plane = std::make_unique<ControlPlane>();
        auto started = m_plane->start(options);
        QVERIFY2(started.ok(), started ? "" : qPrintable(started.error().message));
    }

    void cleanup()
    {
        m_plane.reset();
        m_bin.reset();
        m_dir.reset();
    }

    // A rule on queue_depth reads what the runtime calls it (vLLM's waiting requests, Triton's
    // pending count on its own metrics port); a rule on the runtime's own name reads it too.
    void aRuleOnTheRuntimesMetricScales_data()
    {
        QTest::addColumn<QString>("variant");
        QTest::addColumn<QString>("metric");
        QTest::addColumn<QString>("metricsText");
        const QString vllm = u"# HELP vllm:num_requests_waiting Number of requests waiting to be processed.\n"
                             "# TYPE vllm:num_requests_waiting gauge\n"
                             "vllm:num_requests_waiting{engine=\"0\",model_name=\"tiny\"} 7.0\n"
                             "# TYPE vllm:num_requests_running gauge\n"
                             "vllm:num_requests_running{engine=\"0\",model_name=\"tiny\"} 1.0\n"_s;
        QTest::newRow("vllm, queue_depth") << u"vllm"_s << u"queue_depth"_s << vllm;
        QTest::newRow("vllm, its own name") << u"vllm"_s << u"vllm:num_requests_waiting"_s << vllm;
        QTest::newRow("triton, queue_depth") << u"triton"_s << u"queue_depth"_s
                                             << u"# TYPE nv_inference_pending_request_count gauge\n"
                                                "nv_inference_pending_request_count{model=\"classifier\",version=\"1\"} 4\n"
                                                "nv_inference_pending_request_count{model=\"tokenizer\",version=\"1\"} 3\n"_s;
    }

    void aRuleOnTheRuntimesMetricScales()
    {
        QFETCH(QString, variant);
        QFETCH(QString, metric);
        QFETCH(QString, metricsText);
        const auto preset = RuntimePreset::find(variant);
        QVERIFY(preset);
        RuntimeStandIn standIn;
        standIn.record = m_dir->filePath(u"record.json"_s);
        standIn.healthPath = preset->healthCheck.path;
        standIn.loadingStatus = preset->loadingStatusCode;
        standIn.metricsPath = preset->metricsPath;
        standIn.metricsText = metricsText;
        standIn.metricsPortVariable = preset->metricsPort;
        const auto created = createWith(u"llm"_s, variant, standIn);
        QVERIFY2(created.ok(), created.ok() ? "" : qPrintable(created.error().message));
        QTRY_COMPARE_WITH_TIMEOUT(healthy(u"llm"_s), 1, kWaitMs);

        AutoScalingRule rule;
        rule.source = defaultSourceFor(metric);
        QCOMPARE(rule.source, MetricSource::InferenceFramework);
        rule.metric = metric;
        rule.comparator = Comparator::GreaterThan;
        rule.threshold = 5;
        rule.stepSize = 1;
        rule.minReplicas = 1;
        rule.maxReplicas = 2;
        rule.scaleUpDelay = 0;
        rule.scaleDownDelay = 600;
        rule.cooldown = 600;
        QVERIFY(service().createAutoScalingRule(u"llm"_s, rule).ok());

        QTRY_COMPARE_WITH_TIMEOUT(replicas(u"llm"_s), 2, kWaitMs);
        const auto events = service().scaleEvents(u"llm"_s);
        QVERIFY(events.ok());
        QCOMPARE(events->size(), 1);
        QCOMPARE(events->constFirst().metricValue, std::optional<double>(7));  // summed over series
        QTRY_COMPARE_WITH_TIMEOUT(healthy(u"llm"_s), 2, kWaitMs);

        // The API says what the runtime offers under each normalized name.
        const QJsonObject info = restInfo(u"llm"_s);
        const QJsonArray offered = info.value(u"runtime_metrics"_s).toArray();
        QCOMPARE(offered.size(), preset->metrics.size());
        QCOMPARE(offered.at(0).toObject().value(u"normalized"_s).toString(), u"queue_depth"_s);
        QCOMPARE(offered.at(0).toObject().value(u"names"_s).toArray().at(0).toString(),
                 preset->metrics.constFirst().names.constFirst());
        QVERIFY(!info.contains(u"metrics_note"_s));
    }

    // Ollama exports no Prometheus metrics: the API says so instead of offering any.
    void ollamaSaysItHasNoMetrics()
    {
        RuntimeStandIn standIn;
        standIn.record = m_dir->filePath(u"record.json"_s);
        standIn.healthPath = u"/"_s;
        standIn.readyBody = u"Ollama is running"_s;
        QVERIFY(createWith(u"chat"_s, u"ollama"_s, standIn).ok());
        const QJsonObject info = restInfo(u"chat"_s);
        QVERIFY(info.contains(u"runtime_metrics"_s));
        QCOMPARE(info.value(u"runtime_metrics"_s).toArray().size(), 0);
        QVERIFY(info.value(u"metrics_note"_s).toString().contains(u"no Prometheus metrics"_s));
        // The list says the same of it.
        ApiClient client(QUrl(u"http://"_s + m_plane->apiAddress()), m_plane->adminToken());
        const ApiResponse list = client.get(u"/v1/services"_s);
        QVERIFY(list.ok());
        const QJsonArray services = list.body.object().value(u"services"_s).toArray();
        QCOMPARE(services.size(), 1);
        QCOMPARE(services.at(0).toObject().value(u"metrics_note"_s), info.value(u"metrics_note"_s));
    }

    // A replica answering the runtime's "still loading" is starting, and the API says since when
    // and for how long, growing while it loads.
    void startingTimeShowsWhileTheRuntimeLoads()
    {
        const auto preset = RuntimePreset::find(u"llama-cpp"_s);
        RuntimeStandIn standIn;
        standIn.record = m_dir->filePath(u"record.json"_s);
        standIn.healthPath = preset->healthCheck.path;
        standIn.loadingStatus = 503;
        standIn.loadSeconds = 600;
        const auto created = createWith(u"big"_s, u"llama-cpp"_s, standIn);
        QVERIFY2(created.ok(), created.ok() ? "" : qPrintable(created.error().message));

        const auto startingRoute = [this]() -> QJsonObject {
            for (const QJsonValue &r : restInfo(u"big"_s).value(u"routes"_s).toArray()) {
                if (r.toObject().contains(u"starting_for_s"_s) && r.toObject().value(u"loading"_s).toBool())
                    return r.toObject();
            }
            return {};
        };
        QTRY_VERIFY_WITH_TIMEOUT(!startingRoute().isEmpty(), kWaitMs);
        const QJsonObject first = startingRoute();
        QCOMPARE(first.value(u"status"_s).toString(), u"PROVISIONING"_s);
        const QDateTime since = QDateTime::fromString(first.value(u"starting_since"_s).toString(), Qt::ISODateWithMs);
        QVERIFY2(since.isValid(), qPrintable(first.value(u"starting_since"_s).toString()));
        QVERIFY(since <= QDateTime::currentDateTimeUtc());
        QVERIFY(since.secsTo(QDateTime::currentDateTimeUtc()) < 60);
        // It keeps counting from the same start while the runtime loads.
        QTRY_VERIFY_WITH_TIMEOUT(startingRoute().value(u"starting_for_s"_s).toInteger() >= 2, 10000);
        const QJsonObject later = startingRoute();
        const QDateTime laterSince = QDateTime::fromString(later.value(u"starting_since"_s).toString(), Qt::ISODateWithMs);
        QVERIFY2(qAbs(laterSince.msecsTo(since)) < 1000, qPrintable(later.value(u"starting_since"_s).toString()));
        QCOMPARE(healthy(u"big"_s), 0);
    }
};

QTEST_GUILESS_MAIN(TestRuntimeRules)
#include "test_runtimerules.moc"
