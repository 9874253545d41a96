// Every case of sections 1-8 of the functional spec, against the service itself.
#include <QJsonArray>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "auth/tokensigner.h"
#include "support/manualclock.h"
#include "support/servicefixture.h"
#include "service/modelservingservice.h"
#include "store/repository.h"
#include "support/require.h"

using namespace ServeDeck;

namespace {

const QByteArray kKey(32, 'k');

QString demoModels()
{
    return qEnvironmentVariable("SERVEDECK_SOURCE_DIR") + QStringLiteral("/resources/models");
}

CreateEndpointRequest sentiment(int replicas = 2)
{
    CreateEndpointRequest r;
    r.name = QStringLiteral("sentiment-analyzer");
    r.modelVersion = QStringLiteral("v1.0");
    r.modelFolder = QStringLiteral("iris-v1");
    r.runtimeVariant = QStringLiteral("custom");
    r.resourceSlots = {2, qint64(4) << 30, 0};
    r.resourceGroup = QStringLiteral("default");
    r.replicas = replicas;
    r.isPublic = false;
    return r;
}

void writeFile(const QString &path, const QByteArray &content)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
}

} // namespace

class TestModelServingService final : public QObject
{
    Q_OBJECT

private:
    ServiceFixture m_fx;

    ModelServingService &service() { return *m_fx.service; }

    Endpoint create(const CreateEndpointRequest &request)
    {
        return require(m_fx.service->createEndpoint(request), "create");
    }

    // Routes as the agent would leave them: the reconciler is not part of this suite.
    QList<Route> addRoutes(const Endpoint &e, QList<RouteStatus> statuses, int weight = 100)
    {
        QList<Route> out;
        for (RouteStatus status : statuses) {
            Route r;
            r.id = QUuid::createUuid();
            r.endpointId = e.id;
            r.revisionId = e.currentRevisionId;
            r.status = status;
            r.weight = weight;
            r.createdAt = r.updatedAt = m_fx.clock->now();
            m_fx.clock->advance(1);
            require(m_fx.repository->insertRoute(r), "insert route");
            out << r;
        }
        return out;
    }

    QString missingFilesFolder()
    {
        const QString folder = m_fx.dir->filePath(QStringLiteral("incomplete-model"));
        QDir().mkpath(folder + QStringLiteral("/weights"));
        writeFile(folder + QStringLiteral("/model-definition.yaml"),
                  "models:\n"
                  "  - name: incomplete\n"
                  "    model_path: /models/weights\n"
                  "    files: [model.safetensors, tokenizer.json, config.json]\n"
                  "    service:\n"
                  "      start_command: [python3, serve.py]\n"
                  "      port: 8000\n");
        writeFile(folder + QStringLiteral("/weights/config.json"), "{}");
        return folder;
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        const QString failed = m_fx.open(ServiceFixture::defaultConfig(), kKey);
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }

    void cleanup() { m_fx.close(); }

    // 1.1 a normal deployment answers with the endpoint, its URL and PROVISIONING.
    void createNormal()
    {
        QSignalSpy changed(&service(), &ModelServingService::endpointChanged);
        const Endpoint e = create(sentiment());
        QCOMPARE(e.name, QStringLiteral("sentiment-analyzer"));
        QCOMPARE(e.url, QStringLiteral("http://127.0.0.1:7480/sentiment-analyzer"));
        QCOMPARE(e.replicas, 2);
        QCOMPARE(e.lifecycle, EndpointLifecycle::Created);
        QCOMPARE(e.modelFolder, demoModels() + QStringLiteral("/iris-v1"));
        QCOMPARE(changed.count(), 1);
        auto info = service().endpointInfo(QStringLiteral("sentiment-analyzer"));
        QVERIFY(info.ok());
        QCOMPARE(info->status, EndpointStatus::Provisioning);
        QCOMPARE(info->revisions.size(), 1);
        QCOMPARE(info->revisions.first().modelVersion, QStringLiteral("v1.0"));
        QCOMPARE(info->endpoint.currentRevisionId, info->revisions.first().id);
    }

    // 1.2 a folder with model-definition.toml deploys like a YAML one.
    void createFromTomlDefinition()
    {
        CreateEndpointRequest r = sentiment(1);
        r.modelFolder = QStringLiteral("iris-v2");
        const DryRunReport report = service().dryRun(r);
        QVERIFY(report.valid);
        QVERIFY(report.definition.has_value());
        QVERIFY(report.definition->sourceFile.endsWith(QStringLiteral("model-definition.toml")));
        QCOMPARE(report.definition->models.first().name, QStringLiteral("iris-classifier"));
        QVERIFY(report.definition->models.first().service.has_value());
        QVERIFY(service().createEndpoint(r).ok());
    }

    void createRejects_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("folder");
        QTest::addColumn<double>("cpu");
        QTest::addColumn<QString>("memory");
        QTest::addColumn<int>("replicas");
        QTest::addColumn<QString>("runtime");
        QTest::addColumn<QString>("error");

        // 1.3: cpu 100, memory 1TB, 10 replicas on an 8-core, 16 GiB workstation.
        QTest::newRow("1.3 insufficient resources") << "big-model" << "v1" << "iris-v1" << 100.0 << "1TB" << 10 << "custom" << "InsufficientResources";
        QTest::newRow("replicas beyond free capacity") << "wide" << "v1" << "iris-v1" << 2.0 << "4G" << 5 << "custom" << "InsufficientResources";
        QTest::newRow("name with capitals") << "Sentiment" << "v1" << "iris-v1" << 1.0 << "1G" << 1 << "custom" << "InvalidArgument";
        QTest::newRow("name empty") << "" << "v1" << "iris-v1" << 1.0 << "1G" << 1 << "custom" << "InvalidArgument";
        QTest::newRow("version empty") << "m" << "" << "iris-v1" << 1.0 << "1G" << 1 << "custom" << "InvalidArgument";
        QTest::newRow("negative replicas") << "m" << "v1" << "iris-v1" << 1.0 << "1G" << -1 << "custom" << "InvalidArgument";
        QTest::newRow("unknown runtime") << "m" << "v1" << "iris-v1" << 1.0 << "1G" << 1 << "tensorflow-magic" << "InvalidArgument";
        QTest::newRow("zero cpu") << "m" << "v1" << "iris-v1" << 0.0 << "1G" << 1 << "custom" << "InvalidArgument";
        QTest::newRow("folder missing") << "m" << "v1" << "no-such-folder" << 1.0 << "1G" << 1 << "custom" << "ModelFileNotFound";
    }

    void createRejects()
    {
        QFETCH(QString, name);
        QFETCH(QString, version);
        QFETCH(QString, folder);
        QFETCH(double, cpu);
        QFETCH(QString, memory);
        QFETCH(int, replicas);
        QFETCH(QString, runtime);
        QFETCH(QString, error);
        CreateEndpointRequest r;
        r.name = name;
        r.modelVersion = version;
        r.modelFolder = folder;
        r.resourceSlots.cpu = cpu;
        r.resourceSlots.memoryBytes = *parseMemorySize(memory);
        r.replicas = replicas;
        r.runtimeVariant = runtime;
        auto created = service().createEndpoint(r);
        QVERIFY(!created.ok());
        QCOMPARE(created.error().typeName(), error);
        QVERIFY(!created.error().message.isEmpty());
        QVERIFY(service().listEndpoints()->isEmpty());
    }

    void insufficientResourcesSaysWhatFits()
    {
        CreateEndpointRequest r = sentiment(10);
        r.resourceSlots = {100, qint64(1) << 40, 0};
        auto created = service().createEndpoint(r);
        QCOMPARE(created.error().type, ErrorType::InsufficientResources);
        QCOMPARE(created.error().details.value(QStringLiteral("max_replicas_that_fit")).toInt(), 0);
        QCOMPARE(created.error().details.value(QStringLiteral("requested_replicas")).toInt(), 10);
    }

    // Asked to queue when full, a create past the free room is taken (the rest waits PENDING);
    // a replica bigger than the whole capacity is refused all the same, and nothing is stored.
    void aCreateThatQueuesWhenFullIsTaken()
    {
        CreateEndpointRequest r = sentiment(5);
        r.resourceSlots = {2, qint64(4) << 30, 0};
        QCOMPARE(service().createEndpoint(r).error().type, ErrorType::InsufficientResources);
        r.queueWhenFull = false;
        QCOMPARE(service().createEndpoint(r).error().type, ErrorType::InsufficientResources);
        QVERIFY(!service().dryRun(r).valid);
        QVERIFY(service().listEndpoints()->isEmpty());

        r.queueWhenFull = true;
        r.resourceSlots = {100, qint64(4) << 30, 0};
        QCOMPARE(service().createEndpoint(r).error().type, ErrorType::InsufficientResources);
        QVERIFY(service().listEndpoints()->isEmpty());

        r.resourceSlots = {2, qint64(4) << 30, 0};
        QVERIFY(service().dryRun(r).valid);  // dry-run judges it as create does
        const Endpoint queued = require(service().createEndpoint(r), "create");
        QCOMPARE(queued.replicas, 5);
        QCOMPARE(queued.queueWhenFull, std::optional<bool>(true));
    }

    // 1.4 the same model name and version twice.
    void createDuplicate()
    {
        create(sentiment());
        auto again = service().createEndpoint(sentiment());
        QCOMPARE(again.error().type, ErrorType::ModelAlreadyExists);
        QCOMPARE(again.error().details.value(QStringLiteral("existing_version")).toString(), QStringLiteral("v1.0"));

        // Another version of the same model is not a conflict: it becomes the endpoint's next
        // revision, by a rolling rollout; the stable revision serves until that succeeds.
        CreateEndpointRequest v2 = sentiment();
        v2.modelVersion = QStringLiteral("v2.0");
        v2.modelFolder = QStringLiteral("iris-v2");
        auto other = service().createEndpoint(v2);
        QVERIFY2(other.ok(), other ? "" : qPrintable(other.error().message));
        QCOMPARE(service().listEndpoints()->size(), 1);
        auto info = service().endpointInfo(v2.name);
        QCOMPARE(info->revisions.size(), 2);
        QCOMPARE(info->revisions.last().modelVersion, QStringLiteral("v2.0"));
        QCOMPARE(info->endpoint.modelVersion, QStringLiteral("v1.0"));
        QVERIFY(info->rollout.has_value());
        QCOMPARE(info->rollout->strategy, RolloutStrategy::Rolling);
        QCOMPARE(info->rollout->phase, RolloutPhase::Progressing);
        QCOMPARE(info->rollout->toRevisionId, info->revisions.last().id);
        // v1.0 again, and v2.0 again, are the same pair: a conflict.
        QCOMPARE(service().createEndpoint(sentiment()).error().type, ErrorType::ModelAlreadyExists);
        QCOMPARE(service().createEndpoint(v2).error().type, ErrorType::ModelAlreadyExists);
        QCOMPARE(service().endpointInfo(v2.name)->revisions.size(), 2);
    }

    // 1.5 a public endpoint with three sessions.
    void createPublic()
    {
        CreateEndpointRequest r = sentiment(3);
        r.resourceSlots = {1, qint64(1) << 30, 0};
        r.isPublic = true;
        const Endpoint e = create(r);
        QVERIFY(e.isPublic);
        QCOMPARE(e.replicas, 3);
        QVERIFY(e.url.startsWith(QStringLiteral("http://")));
    }

    // 2.1 a dry run validates and estimates without storing anything.
    void dryRunValid()
    {
        create(sentiment(1));
        CreateEndpointRequest r = sentiment(2);
        r.name = QStringLiteral("candidate");
        const DryRunReport report = service().dryRun(r);
        QVERIFY(report.valid);
        QVERIFY(report.problems.isEmpty());
        QCOMPARE(report.perReplica, (ResourceSlots{2, qint64(4) << 30, 0}));
        QCOMPARE(report.total, (ResourceSlots{4, qint64(8) << 30, 0}));
        QCOMPARE(report.available, (ResourceSlots{6, qint64(12) << 30, 0}));
        QCOMPARE(service().listEndpoints()->size(), 1);
    }

    // 2.2 every missing model file is named, and all other problems come along.
    void dryRunMissingFiles()
    {
        CreateEndpointRequest r = sentiment(1);
        r.modelFolder = missingFilesFolder();
        const DryRunReport report = service().dryRun(r);
        QVERIFY(!report.valid);
        QCOMPARE(report.problems.size(), 1);
        const ServiceError &e = report.problems.first();
        QCOMPARE(e.type, ErrorType::ModelFileNotFound);
        QStringList missing;
        for (const auto &f : e.details.value(QStringLiteral("missing_files")).toArray())
            missing << f.toString();
        QCOMPARE(missing, (QStringList{QStringLiteral("weights/model.safetensors"), QStringLiteral("weights/tokenizer.json")}));

        auto created = service().createEndpoint(r);
        QCOMPARE(created.error().type, ErrorType::ModelFileNotFound);
    }

    void dryRunCollectsEveryProblem()
    {
        CreateEndpointRequest r = sentiment(50);
        r.name = QStringLiteral("Bad Name");
        r.modelFolder = missingFilesFolder();
        const DryRunReport report = service().dryRun(r);
        QVERIFY(!report.valid);
        QStringList types;
        for (const auto &p : report.problems)
            types << p.typeName();
        QVERIFY2(types.contains(QStringLiteral("InvalidArgument")), qPrintable(types.join(u',')));
        QVERIFY2(types.contains(QStringLiteral("ModelFileNotFound")), qPrintable(types.join(u',')));
        QVERIFY2(types.contains(QStringLiteral("InsufficientResources")), qPrintable(types.join(u',')));
    }

    // A bare folder for a runtime preset: the command it would run, every missing file, and a
    // program that is nowhere to be found, each named.
    void dryRunPresetNamesMissingFilesAndProgram()
    {
        const QString folder = m_fx.dir->filePath(QStringLiteral("bare"));
        QDir().mkpath(folder);
        writeFile(folder + QStringLiteral("/README.md"), "weights to come\n");
        CreateEndpointRequest r = sentiment(1);
        r.modelFolder = folder;
        r.runtimeVariant = QStringLiteral("vllm");
        QTemporaryDir nothing;
        const QByteArray path = qgetenv("PATH");
        qputenv("PATH", nothing.path().toUtf8());
        const DryRunReport report = service().dryRun(r);
        auto created = service().createEndpoint(r);
        qputenv("PATH", path);
        QVERIFY(!report.valid);
        QStringList types;
        for (const auto &p : report.problems)
            types << p.typeName();
        QCOMPARE(types, (QStringList{QStringLiteral("ModelFileNotFound"), QStringLiteral("RuntimeNotFound")}));
        QStringList missing;
        for (const auto &f : report.problems.first().details.value(QStringLiteral("missing_files")).toArray())
            missing << f.toString();
        QCOMPARE(missing, (QStringList{QStringLiteral("config.json"), QStringLiteral("*.safetensors")}));
        QVERIFY(report.problems.last().message.contains(QStringLiteral("vllm serve ") + folder + QStringLiteral(" --port $PORT")));
        QVERIFY(report.launch);
        QCOMPARE(report.launch->commandLine(), QStringLiteral("vllm serve %1 --port $PORT --served-model-name %2").arg(folder, r.name));
        QCOMPARE(created.error().type, ErrorType::ModelFileNotFound);
        QVERIFY(service().listEndpoints()->isEmpty());
    }

    // A console that lets remote agents join may not have the runtime a GPU machine has: a
    // program missing here is shown, and refuses nothing.
    void missingProgramRefusesNothingWhereRemoteAgentsMayRunIt()
    {
        const QString folder = m_fx.dir->filePath(QStringLiteral("gguf"));
        QDir().mkpath(folder);
        writeFile(folder + QStringLiteral("/tiny-q4.gguf"), "GGUF");
        ServiceConfig config = service().config();
        config.remoteAgents = true;
        ModelServingService remote(*m_fx.repository, *m_fx.signer, config, *m_fx.clock);
        CreateEndpointRequest r = sentiment(1);
        r.modelFolder = folder;
        r.runtimeVariant = QStringLiteral("llama-cpp");
        QTemporaryDir nothing;
        const QByteArray path = qgetenv("PATH");
        qputenv("PATH", nothing.path().toUtf8());
        const DryRunReport here = service().dryRun(r);
        const DryRunReport withAgents = remote.dryRun(r);
        auto created = remote.createEndpoint(r);
        qputenv("PATH", path);
        QVERIFY(!here.valid);
        QVERIFY2(withAgents.valid, withAgents.problems.isEmpty() ? "" : qPrintable(withAgents.problems.first().message));
        QVERIFY(withAgents.launch);
        QVERIFY(withAgents.launch->programPath.isEmpty());  // still shown as not found here
        QVERIFY2(created.ok(), created ? "" : qPrintable(created.error().message));
    }

    void dryRunBrokenDefinitionNamesTheLine()
    {
        const QString folder = m_fx.dir->filePath(QStringLiteral("broken"));
        QDir().mkpath(folder);
        writeFile(folder + QStringLiteral("/model-definition.yaml"),
                  "models:\n  - name: m\n    model_path: /models\n    service:\n      start_command: x\n      port: many\n");
        CreateEndpointRequest r = sentiment(1);
        r.modelFolder = folder;
        const DryRunReport report = service().dryRun(r);
        QCOMPARE(report.problems.size(), 1);
        QCOMPARE(report.problems.first().type, ErrorType::InvalidModelDefinition);
        QVERIFY2(report.problems.first().message.contains(QStringLiteral(":6:")), qPrintable(report.problems.first().message));
        QVERIFY(report.problems.first().message.contains(QStringLiteral("port")));
    }

    // 3.1-3.4 manual scaling of a running endpoint.
    void scale_data()
    {
        QTest::addColumn<int>("target");
        QTest::addColumn<QString>("state");
        QTest::addColumn<QString>("error");
        QTest::addColumn<QString>("status");
        QTest::newRow("3.1 up 2 -> 3") << 3 << "SCALING" << "" << "DEGRADED";
        QTest::newRow("3.1 up 2 -> 4 (at capacity)") << 4 << "SCALING" << "" << "DEGRADED";
        QTest::newRow("3.2 down 2 -> 1") << 1 << "SCALING" << "" << "HEALTHY";
        QTest::newRow("3.3 zero") << 0 << "SCALING" << "" << "SCALED_TO_ZERO";
        QTest::newRow("same count") << 2 << "STEADY" << "" << "HEALTHY";
        QTest::newRow("3.4 beyond capacity") << 100 << "" << "ResourceLimitExceeded" << "HEALTHY";
        QTest::newRow("one past capacity") << 5 << "" << "ResourceLimitExceeded" << "HEALTHY";
        QTest::newRow("negative") << -1 << "" << "InvalidArgument" << "HEALTHY";
    }

    void scale()
    {
        QFETCH(int, target);
        QFETCH(QString, state);
        QFETCH(QString, error);
        QFETCH(QString, status);
        const Endpoint e = create(sentiment(2));
        addRoutes(e, {RouteStatus::Healthy, RouteStatus::Healthy});
        QSignalSpy scaled(&service(), &ModelServingService::scaled);

        auto result = service().scaleReplicas(e.id.toString(), target);
        auto info = service().endpointInfo(e.name);
        QCOMPARE(endpointStatusName(info->status), status);
        if (!error.isEmpty()) {
            QCOMPARE(result.error().typeName(), error);
            QCOMPARE(info->endpoint.replicas, 2);
            QCOMPARE(scaled.count(), 0);
            return;
        }
        QVERIFY(result.ok());
        QCOMPARE(result->state, state);
        QCOMPARE(result->previous, 2);
        QCOMPARE(result->target, target);
        QCOMPARE(result->activeRoutes, 2);
        QCOMPARE(info->endpoint.replicas, target);
        // 3.3: the endpoint stays, only its replicas go.
        QCOMPARE(info->endpoint.lifecycle, EndpointLifecycle::Created);
        QCOMPARE(scaled.count(), target == 2 ? 0 : 1);
        if (target != 2) {
            const auto event = scaled.first().first().value<ScaleEvent>();
            QCOMPARE(event.direction(), target > 2 ? QStringLiteral("UP") : QStringLiteral("DOWN"));
            QCOMPARE(event.reason, QStringLiteral("manual"));
        }
    }

    void resourceLimitSaysHowManyFit()
    {
        const Endpoint e = create(sentiment(2));
        auto result = service().scaleReplicas(e.name, 100);
        QCOMPARE(result.error().type, ErrorType::ResourceLimitExceeded);
        QCOMPARE(result.error().details.value(QStringLiteral("max_replicas_that_fit")).toInt(), 4);
    }

    // 4.1-4.4 autoscaling rules.
    void createRule_data()
    {
        QTest::addColumn<QString>("metric");
        QTest::addColumn<QString>("source");  // empty: the default for the metric
        QTest::addColumn<double>("threshold");
        QTest::addColumn<double>("targetPerReplica");  // 0: none
        QTest::addColumn<int>("minReplicas");
        QTest::addColumn<int>("maxReplicas");
        QTest::addColumn<int>("upDelay");
        QTest::addColumn<int>("downDelay");
        QTest::addColumn<QString>("expectedSource");
        QTest::addColumn<QString>("condition");
        QTest::addColumn<QString>("error");

        QTest::newRow("4.1 cpu") << "cpu_utilization" << "" << 70.0 << 0.0 << 2 << 10 << 60 << 300 << "KERNEL"
                                 << "scale out by 1 when cpu_utilization > 70" << "";
        QTest::newRow("4.2 rps per replica") << "requests_per_second" << "" << 100.0 << 50.0 << 2 << 10 << 60 << 300 << "PROXY"
                                             << "scale to ceil(requests_per_second / 50) replicas when requests_per_second > 100" << "";
        QTest::newRow("4.3 custom queue length") << "queue_length" << "custom" << 20.0 << 0.0 << 2 << 10 << 60 << 300 << "CUSTOM"
                                                 << "scale out by 1 when queue_length > 20" << "";
        QTest::newRow("min above max") << "cpu_utilization" << "" << 70.0 << 0.0 << 5 << 2 << 60 << 300 << "" << "" << "InvalidArgument";
        QTest::newRow("negative delay") << "cpu_utilization" << "" << 70.0 << 0.0 << 1 << 2 << -1 << 300 << "" << "" << "InvalidArgument";
        QTest::newRow("bad metric name") << "cpu utilization" << "" << 70.0 << 0.0 << 1 << 2 << 60 << 300 << "" << "" << "InvalidArgument";
        QTest::newRow("negative target") << "requests_per_second" << "" << 100.0 << -5.0 << 1 << 2 << 60 << 300 << "" << "" << "InvalidArgument";
    }

    void createRule()
    {
        QFETCH(QString, metric);
        QFETCH(QString, source);
        QFETCH(double, threshold);
        QFETCH(double, targetPerReplica);
        QFETCH(int, minReplicas);
        QFETCH(int, maxReplicas);
        QFETCH(int, upDelay);
        QFETCH(int, downDelay);
        QFETCH(QString, expectedSource);
        QFETCH(QString, condition);
        QFETCH(QString, error);
        const Endpoint e = create(sentiment(2));
        AutoScalingRule rule;
        rule.metric = metric;
        rule.source = source.isEmpty() ? defaultSourceFor(metric) : *metricSourceFromName(source);
        rule.threshold = threshold;
        if (targetPerReplica != 0)
            rule.targetPerReplica = targetPerReplica;
        rule.minReplicas = minReplicas;
        rule.maxReplicas = maxReplicas;
        rule.scaleUpDelay = upDelay;
        rule.scaleDownDelay = downDelay;
        auto created = service().createAutoScalingRule(e.name, rule);
        if (!error.isEmpty()) {
            QCOMPARE(created.error().typeName(), error);
            QVERIFY(service().autoScalingRules(e.name)->isEmpty());
            return;
        }
        QVERIFY(created.ok());
        QCOMPARE(metricSourceName(created->source), expectedSource);
        QCOMPARE(created->condition(), condition);
        QCOMPARE(created->scaleUpDelay, upDelay);
        QCOMPARE(created->scaleDownDelay, downDelay);
        const auto stored = service().autoScalingRules(e.name);
        QCOMPARE(stored->size(), 1);
        QCOMPARE(stored->first().condition(), condition);
    }

    // 4.4 a rule that fights an existing one.
    void conflictingRules_data()
    {
        QTest::addColumn<QString>("metric");
        QTest::addColumn<int>("minReplicas");
        QTest::addColumn<int>("maxReplicas");
        QTest::addColumn<bool>("conflicts");
        QTest::newRow("same metric") << "cpu_utilization" << 2 << 10 << true;
        QTest::newRow("same metric, other bounds") << "cpu_utilization" << 1 << 4 << true;
        QTest::newRow("other metric, other bounds") << "requests_per_second" << 1 << 20 << true;
        QTest::newRow("other metric, same bounds") << "requests_per_second" << 2 << 10 << false;
    }

    void conflictingRules()
    {
        QFETCH(QString, metric);
        QFETCH(int, minReplicas);
        QFETCH(int, maxReplicas);
        QFETCH(bool, conflicts);
        const Endpoint e = create(sentiment(2));
        AutoScalingRule first;
        first.metric = QStringLiteral("cpu_utilization");
        first.threshold = 70;
        first.minReplicas = 2;
        first.maxReplicas = 10;
        auto existing = service().createAutoScalingRule(e.name, first);
        QVERIFY(existing.ok());
        AutoScalingRule second;
        second.metric = metric;
        second.source = defaultSourceFor(metric);
        second.threshold = 80;
        second.minReplicas = minReplicas;
        second.maxReplicas = maxReplicas;
        auto created = service().createAutoScalingRule(e.name, second);
        QCOMPARE(!created.ok(), conflicts);
        if (conflicts) {
            QCOMPARE(created.error().type, ErrorType::ConflictingRules);
            QCOMPARE(created.error().details.value(QStringLiteral("existing_rule_id")).toString(),
                     existing->id.toString(QUuid::WithoutBraces));
            QCOMPARE(service().autoScalingRules(e.name)->size(), 1);
        }
    }

    void modifyAndDeleteRule()
    {
        const Endpoint e = create(sentiment(2));
        AutoScalingRule rule;
        rule.metric = QStringLiteral("cpu_utilization");
        rule.threshold = 70;
        rule.minReplicas = 2;
        rule.maxReplicas = 10;
        auto created = service().createAutoScalingRule(e.name, rule);
        AutoScalingRuleChanges changes;
        changes.threshold = 85;
        changes.comparator = Comparator::GreaterOrEqual;
        auto modified = service().modifyAutoScalingRule(e.name, created->id, changes);
        QVERIFY(modified.ok());
        QCOMPARE(modified->condition(), QStringLiteral("scale out by 1 when cpu_utilization >= 85"));
        AutoScalingRuleChanges bad;
        bad.minReplicas = 20;
        QCOMPARE(service().modifyAutoScalingRule(e.name, created->id, bad).error().type, ErrorType::InvalidArgument);
        QCOMPARE(service().autoScalingRules(e.name)->first().threshold, 85.0);
        QCOMPARE(service().modifyAutoScalingRule(e.name, QUuid::createUuid(), changes).error().type, ErrorType::NotFound);
        QVERIFY(service().deleteAutoScalingRule(e.name, created->id).ok());
        QVERIFY(service().autoScalingRules(e.name)->isEmpty());
        QCOMPARE(service().deleteAutoScalingRule(e.name, created->id).error().type, ErrorType::NotFound);
    }

    // 5.1-5.3 traffic splits across routes.
    void updateRoutes_data()
    {
        QTest::addColumn<int>("first");
        QTest::addColumn<int>("second");
        QTest::newRow("5.1 A/B 70/30") << 70 << 30;
        QTest::newRow("5.2 canary 95/5") << 95 << 5;
        QTest::newRow("5.3 blue-green 0/100") << 0 << 100;
    }

    void updateRoutes()
    {
        QFETCH(int, first);
        QFETCH(int, second);
        const Endpoint e = create(sentiment(2));
        const auto routes = addRoutes(e, {RouteStatus::Healthy, RouteStatus::Healthy});
        QSignalSpy changed(&service(), &ModelServingService::routesChanged);
        auto updated = service().updateRoutes(e.name, {{routes[0].id, first}, {routes[1].id, second}});
        QVERIFY(updated.ok());
        QCOMPARE(changed.count(), 1);
        auto info = service().endpointInfo(e.name);
        QCOMPARE(info->routes[0].weight, first);
        QCOMPARE(info->routes[1].weight, second);
        // Blue-green: the old route keeps running (weight 0) for an instant rollback.
        QCOMPARE(info->routes[0].status, RouteStatus::Healthy);
    }

    void updateRoutesRejects_data()
    {
        QTest::addColumn<int>("weight");
        QTest::addColumn<bool>("unknownRoute");
        QTest::addColumn<bool>("terminating");
        QTest::addColumn<QString>("error");
        QTest::newRow("weight above 100") << 101 << false << false << "InvalidArgument";
        QTest::newRow("negative weight") << -1 << false << false << "InvalidArgument";
        QTest::newRow("all traffic to nowhere") << 0 << false << false << "InvalidArgument";
        QTest::newRow("route of another endpoint") << 50 << true << false << "NotFound";
        QTest::newRow("terminating route") << 50 << false << true << "InvalidArgument";
    }

    void updateRoutesRejects()
    {
        QFETCH(int, weight);
        QFETCH(bool, unknownRoute);
        QFETCH(bool, terminating);
        QFETCH(QString, error);
        const Endpoint e = create(sentiment(1));
        auto routes = addRoutes(e, {terminating ? RouteStatus::Terminating : RouteStatus::Healthy});
        const QUuid id = unknownRoute ? QUuid::createUuid() : routes[0].id;
        auto updated = service().updateRoutes(e.name, {{id, weight}});
        QCOMPARE(updated.error().typeName(), error);
        QCOMPARE(service().endpointInfo(e.name)->routes[0].weight, 100);
    }

    void deleteRoute()
    {
        const Endpoint e = create(sentiment(2));
        const auto routes = addRoutes(e, {RouteStatus::Healthy, RouteStatus::Unhealthy});
        auto removed = service().deleteRoute(e.name, routes[1].id);
        QVERIFY(removed.ok());
        QCOMPARE(removed->status, RouteStatus::Terminating);
        auto info = service().endpointInfo(e.name);
        QCOMPARE(info->endpoint.replicas, 1);
        QCOMPARE(info->status, EndpointStatus::Healthy);
        QCOMPARE(service().deleteRoute(e.name, QUuid::createUuid()).error().type, ErrorType::NotFound);
    }

    void forceSyncPublishesHealthyRoutes()
    {
        const Endpoint e = create(sentiment(2));
        addRoutes(e, {RouteStatus::Healthy, RouteStatus::Provisioning});
        QSignalSpy sync(&service(), &ModelServingService::syncRequested);
        auto synced = service().forceSync(e.name);
        QVERIFY(synced.ok());
        QCOMPARE(synced->size(), 1);
        QCOMPARE(sync.count(), 1);
        QCOMPARE(service().forceSync(QStringLiteral("nope")).error().type, ErrorType::NotFound);
    }

    // 6.1-6.3 tokens: signed, scoped, expiring or not, IP-restricted.
    void generateToken_data()
    {
        QTest::addColumn<QString>("scope");
        QTest::addColumn<qint64>("expiry");  // -1: none
        QTest::addColumn<QStringList>("allowedIps");
        QTest::addColumn<QString>("error");
        QTest::newRow("6.1 inference for a day") << "inference" << qint64(86400) << QStringList() << "";
        QTest::newRow("6.2 admin without expiry") << "admin" << qint64(-1) << QStringList() << "";
        QTest::newRow("6.3 read-only from one subnet") << "read-only" << qint64(3600) << QStringList{QStringLiteral("192.168.1.0/24")} << "";
        QTest::newRow("unknown scope") << "root" << qint64(60) << QStringList() << "InvalidArgument";
        QTest::newRow("zero expiry") << "inference" << qint64(0) << QStringList() << "InvalidArgument";
        QTest::newRow("bad CIDR") << "inference" << qint64(60) << QStringList{QStringLiteral("192.168.1.0/33")} << "InvalidArgument";
    }

    void generateToken()
    {
        QFETCH(QString, scope);
        QFETCH(qint64, expiry);
        QFETCH(QStringList, allowedIps);
        QFETCH(QString, error);
        const Endpoint e = create(sentiment(1));
        TokenRequest request;
        request.scope = scope;
        if (expiry >= 0)
            request.expirySeconds = expiry;
        request.allowedIps = allowedIps;
        auto token = service().generateToken(e.name, request);
        if (!error.isEmpty()) {
            QCOMPARE(token.error().typeName(), error);
            QVERIFY(service().listTokens(e.name)->isEmpty());
            return;
        }
        QVERIFY(token.ok());
        QCOMPARE(token->token.count('.'), 2);
        QCOMPARE(token->grant.scope, scope);
        QCOMPARE(token->grant.expiresAt.has_value(), expiry >= 0);
        if (expiry >= 0)
            QCOMPARE(token->grant.createdAt.secsTo(*token->grant.expiresAt), expiry);
        QCOMPARE(token->grant.allowedIps, allowedIps);

        // The token itself verifies with the signing key and carries the same claims.
        const auto peer = allowedIps.isEmpty() ? QHostAddress(QStringLiteral("10.0.0.1")) : QHostAddress(QStringLiteral("192.168.1.7"));
        const auto verdict = m_fx.signer->verify(token->token, e.id.toString(QUuid::WithoutBraces), *tokenScopeFromName(scope),
                                              peer, m_fx.clock->now());
        QVERIFY2(verdict.claims.has_value(), qPrintable(verdict.reason));
        QCOMPARE(verdict.claims->tokenId, token->grant.id);
        if (!allowedIps.isEmpty()) {
            const auto outside = m_fx.signer->verify(token->token, e.id.toString(QUuid::WithoutBraces), *tokenScopeFromName(scope),
                                                  QHostAddress(QStringLiteral("10.0.0.1")), m_fx.clock->now());
            QCOMPARE(outside.rejection, TokenSigner::Rejection::AddressNotAllowed);
        }
        if (expiry >= 0) {
            const auto later = m_fx.signer->verify(token->token, e.id.toString(QUuid::WithoutBraces), *tokenScopeFromName(scope),
                                                peer, m_fx.clock->now().addSecs(expiry + 1));
            QCOMPARE(later.rejection, TokenSigner::Rejection::Expired);
        }
        // What is stored is the grant, never the token.
        const auto grants = service().listTokens(e.name);
        QCOMPARE(grants->size(), 1);
        QCOMPARE(grants->first().id, token->grant.id);
    }

    void revokeToken()
    {
        const Endpoint e = create(sentiment(1));
        auto token = service().generateToken(e.name, {});
        QVERIFY(token.ok());
        auto revoked = service().revokeToken(e.name, token->grant.id);
        QVERIFY(revoked.ok());
        QVERIFY(revoked->revokedAt.has_value());
        QVERIFY(service().listTokens(e.name)->first().revokedAt.has_value());
        QCOMPARE(service().revokeToken(e.name, QStringLiteral("nope")).error().type, ErrorType::NotFound);
    }

    // 7.1-7.2 the error history.
    void listErrors_data()
    {
        QTest::addColumn<int>("limit");
        QTest::addColumn<QString>("type");
        QTest::addColumn<int>("expected");
        QTest::addColumn<QString>("error");
        QTest::newRow("7.1 latest ten") << 10 << "" << 10 << "";
        QTest::newRow("all fifteen") << 50 << "" << 15 << "";
        QTest::newRow("7.2 only OOMKilled") << 50 << "OOMKilled" << 5 << "";
        QTest::newRow("OOMKilled, two") << 2 << "OOMKilled" << 2 << "";
        QTest::newRow("unknown type") << 10 << "Gremlins" << 0 << "InvalidArgument";
        QTest::newRow("zero limit") << 0 << "" << 0 << "InvalidArgument";
    }

    void listErrors()
    {
        QFETCH(int, limit);
        QFETCH(QString, type);
        QFETCH(int, expected);
        QFETCH(QString, error);
        const Endpoint e = create(sentiment(1));
        const QStringList kinds{QStringLiteral("OOMKilled"), QStringLiteral("CrashLoop"), QStringLiteral("StartFailed")};
        for (int i = 0; i < 15; ++i) {
            ErrorRecord r;
            r.endpointId = e.id;
            r.type = kinds[i % 3];
            r.message = QStringLiteral("failure %1").arg(i);
            r.exitCode = 137;
            r.signal = 9;
            r.time = m_fx.clock->now();
            m_fx.clock->advance(10);
            QVERIFY(service().recordError(r).ok());
        }
        auto errors = service().listErrors(e.name, limit, type);
        if (!error.isEmpty()) {
            QCOMPARE(errors.error().typeName(), error);
            return;
        }
        QCOMPARE(errors->size(), expected);
        // Newest first, each with time, type and message.
        for (qsizetype i = 1; i < errors->size(); ++i)
            QVERIFY(errors->at(i - 1).time > errors->at(i).time);
        for (const ErrorRecord &r : *errors) {
            QVERIFY(type.isEmpty() || r.type == type);
            QVERIFY(r.time.isValid());
            QVERIFY(!r.message.isEmpty());
            QCOMPARE(r.exitCode, std::optional<int>(137));
        }
        if (type.isEmpty() && limit == 10)
            QCOMPARE(errors->first().message, QStringLiteral("failure 14"));
    }

    void clearErrorsResetsRetries()
    {
        Endpoint e = create(sentiment(1));
        e.retries = 6;
        QVERIFY(m_fx.repository->updateEndpoint(e).ok());
        ErrorRecord r;
        r.endpointId = e.id;
        r.type = QStringLiteral("StartFailed");
        r.message = QStringLiteral("exit 1");
        QVERIFY(service().recordError(r).ok());
        QSignalSpy cleared(&service(), &ModelServingService::errorsCleared);
        auto count = service().clearErrors(e.name);
        QCOMPARE(*count, 1);
        QCOMPARE(cleared.count(), 1);
        QVERIFY(service().listErrors(e.name)->isEmpty());
        QCOMPARE(service().endpointInfo(e.name)->endpoint.retries, 0);
    }

    // 8.1-8.2 the full picture of one endpoint.
    void endpointInfo()
    {
        const Endpoint e = create(sentiment(2));
        addRoutes(e, {RouteStatus::Healthy, RouteStatus::Provisioning});
        auto info = service().endpointInfo(e.id.toString());
        QVERIFY(info.ok());
        QCOMPARE(info->endpoint.url, e.url);
        QCOMPARE(info->status, EndpointStatus::Degraded);
        QCOMPARE(info->routes.size(), 2);
        QCOMPARE(info->allocated, (ResourceSlots{4, qint64(8) << 30, 0}));
        QVERIFY(!info->metrics.has_value());
        QCOMPARE(service().endpointInfo(QStringLiteral("missing")).error().type, ErrorType::NotFound);

        service().setMetricsSource([](const QUuid &) {
            EndpointMetrics metrics;
            metrics.requests = 200;
            metrics.errors = 10;
            metrics.meanLatencyMs = 12.5;
            return metrics;
        });
        auto withMetrics = service().endpointInfo(e.name, true);
        QVERIFY(withMetrics->metrics.has_value());
        QCOMPARE(withMetrics->metrics->requests, 200);
        QCOMPARE(withMetrics->metrics->errorRate(), 0.05);
        QCOMPARE(withMetrics->metrics->meanLatencyMs, std::optional<double>(12.5));
    }

    void modifyEndpoint()
    {
        const Endpoint e = create(sentiment(1));
        ModifyEndpointRequest newModel;
        newModel.modelVersion = QStringLiteral("v2.0");
        newModel.modelFolder = QStringLiteral("iris-v2");
        auto modified = service().modifyEndpoint(e.name, newModel);
        QVERIFY2(modified.ok(), modified ? "" : qPrintable(modified.error().message));
        QCOMPARE(modified->revisions.size(), 2);
        QCOMPARE(modified->revisions.last().number, 2);
        // A new version is rolled out, not swapped in: v1 stays current until the rollout succeeds.
        QCOMPARE(modified->endpoint.currentRevisionId, modified->revisions.first().id);
        QCOMPARE(modified->endpoint.modelVersion, QStringLiteral("v1.0"));
        QVERIFY(modified->rollout.has_value());
        QCOMPARE(modified->rollout->toRevisionId, modified->revisions.last().id);
        QCOMPARE(service().actOnRollout(e.name, QStringLiteral("current"), RolloutAction::Abort)->rollout.phase,
                 RolloutPhase::Aborted);

        ModifyEndpointRequest rename;
        rename.name = QStringLiteral("sentiment-v2");
        auto renamed = service().modifyEndpoint(e.name, rename);
        QCOMPARE(renamed->endpoint.url, QStringLiteral("http://127.0.0.1:7480/sentiment-v2"));

        ModifyEndpointRequest tooMany;
        tooMany.replicas = 9;
        QCOMPARE(service().modifyEndpoint(QStringLiteral("sentiment-v2"), tooMany).error().type,
                 ErrorType::ResourceLimitExceeded);
        ModifyEndpointRequest missingFolder;
        missingFolder.modelFolder = missingFilesFolder();
        QCOMPARE(service().modifyEndpoint(QStringLiteral("sentiment-v2"), missingFolder).error().type,
                 ErrorType::ModelFileNotFound);
        // Nothing of the failed modifications stuck.
        auto info = service().endpointInfo(QStringLiteral("sentiment-v2"));
        QCOMPARE(info->endpoint.replicas, 1);
        QCOMPARE(info->revisions.size(), 2);
    }

    void deleteEndpoint()
    {
        const Endpoint e = create(sentiment(2));
        addRoutes(e, {RouteStatus::Healthy, RouteStatus::Healthy});
        auto deleted = service().deleteEndpoint(e.name);
        QVERIFY(deleted.ok());
        QCOMPARE(deleted->lifecycle, EndpointLifecycle::Destroying);
        auto info = service().endpointInfo(e.id.toString());
        QCOMPARE(info->status, EndpointStatus::Destroying);
        QCOMPARE(info->endpoint.replicas, 0);
        for (const Route &r : info->routes)
            QCOMPARE(r.status, RouteStatus::Terminating);
        QVERIFY(service().deleteEndpoint(e.name).ok());
        QCOMPARE(service().scaleReplicas(e.name, 1).error().type, ErrorType::InvalidArgument);
        QCOMPARE(service().deleteEndpoint(QStringLiteral("never-was")).error().type, ErrorType::NotFound);
        // Its capacity is free again.
        QCOMPARE(service().allocated(), ResourceSlots{});
    }
};

QTEST_GUILESS_MAIN(TestModelServingService)
#include "test_modelservingservice.moc"
