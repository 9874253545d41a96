// Runtime presets: the command each one runs from a bare model folder, its readiness while the
// runtime loads, and the files a dry run finds missing.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include "agent/localagent.h"
#include "agent/replicaprocess.h"
#include "runtime/launchplan.h"
#include "runtime/runtimepreset.h"
#include "service/replicadeployer.h"
#include "runtimestandin.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr int kTimeoutMs = 20000;

quint16 freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}


} // namespace

class TestRuntimePresets : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_bin;  // the tools dir holding the stand-ins

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_bin.isValid());
        QVERIFY(QFileInfo(u"/usr/bin/python3"_s).isExecutable());
    }

    void everyVariantHasAPresetOrADefinition()
    {
        const QStringList variants = RuntimePreset::variants();
        for (const char *name : {"custom", "cmd", "vllm", "llama-cpp", "huggingface-tgi", "triton", "sglang", "nim", "ollama"})
            QVERIFY2(variants.contains(QString::fromLatin1(name)), name);
        QCOMPARE(RuntimePreset::all().size(), 7);
        QVERIFY(!RuntimePreset::find(u"custom"_s));
        const auto ollama = RuntimePreset::find(u"ollama"_s);
        QVERIFY(ollama);
        QVERIFY(ollama->metrics.isEmpty());
        QVERIFY(!ollama->metricsNote.isEmpty());  // says so, rather than showing nothing
        const auto vllm = RuntimePreset::find(u"vllm"_s);
        QVERIFY(vllm);
        QCOMPARE(vllm->metrics.constFirst().normalized, u"queue_depth"_s);
        QCOMPARE(vllm->metrics.constLast().names, (QStringList{u"vllm:kv_cache_usage_perc"_s, u"vllm:gpu_cache_usage_perc"_s}));
    }

    void startsFromABareFolder_data()
    {
        QTest::addColumn<QString>("variant");
        QTest::addColumn<QString>("program");
        // {folder}, {gguf} and {port} are filled in by the test.
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QStringList>("environment");  // NAME=value
        QTest::addColumn<bool>("listensWhileLoading");

        QTest::newRow("vllm") << u"vllm"_s << u"vllm"_s
                              << QStringList{u"serve"_s, u"{folder}"_s, u"--port"_s, u"{port}"_s,
                                             u"--tensor-parallel-size"_s, u"2"_s}
                              << QStringList{} << false;
        QTest::newRow("llama.cpp") << u"llama-cpp"_s << u"llama-server"_s
                                   << QStringList{u"-m"_s, u"{gguf}"_s, u"--port"_s, u"{port}"_s, u"--metrics"_s,
                                                  u"--n-gpu-layers"_s, u"999"_s}
                                   << QStringList{} << true;
        QTest::newRow("tgi") << u"huggingface-tgi"_s << u"text-generation-launcher"_s
                             << QStringList{u"--model-id"_s, u"{folder}"_s, u"--port"_s, u"{port}"_s, u"--num-shard"_s, u"2"_s}
                             << QStringList{} << true;
        QTest::newRow("triton") << u"triton"_s << u"tritonserver"_s
                                << QStringList{u"--model-repository={folder}"_s, u"--http-port"_s, u"{port}"_s,
                                               u"--grpc-port"_s, u"{grpc}"_s, u"--metrics-port"_s, u"{metrics}"_s}
                                << QStringList{u"GRPC_PORT={grpc}"_s, u"METRICS_PORT={metrics}"_s} << true;
        QTest::newRow("sglang") << u"sglang"_s << u"python3"_s
                                << QStringList{u"-m"_s, u"sglang.launch_server"_s, u"--model-path"_s, u"{folder}"_s,
                                               u"--port"_s, u"{port}"_s, u"--enable-metrics"_s, u"--tp"_s, u"2"_s}
                                << QStringList{} << true;
        QTest::newRow("nim") << u"nim"_s << u"nim-serve"_s << QStringList{u"--tensor-parallel-size"_s, u"2"_s}
                             << QStringList{u"NIM_MODEL_PATH={folder}"_s, u"NIM_SERVER_PORT={port}"_s} << true;
        QTest::newRow("ollama") << u"ollama"_s << u"ollama"_s << QStringList{u"serve"_s}
                                << QStringList{u"OLLAMA_HOST=127.0.0.1:{port}"_s, u"OLLAMA_MODELS={folder}"_s} << false;
    }

    void startsFromABareFolder()
    {
        QFETCH(QString, variant);
        QFETCH(QString, program);
        QFETCH(QStringList, arguments);
        QFETCH(QStringList, environment);
        QFETCH(bool, listensWhileLoading);

        const auto preset = RuntimePreset::find(variant);
        QVERIFY(preset);
        QTemporaryDir folder;
        QTemporaryDir records;
        QVERIFY(folder.isValid() && records.isValid());
        for (const QString &file : completeLayout(variant))
            QVERIFY(touch(folder.filePath(file)));
        const QString record = records.filePath(program + u".json"_s);
        const double loadSeconds = 1.5;
        const QString script = m_bin.filePath(program);
        RuntimeStandIn standIn;
        standIn.record = record;
        standIn.healthPath = preset->healthCheck.path;
        standIn.loadingStatus = listensWhileLoading ? preset->loadingStatusCode : 0;
        standIn.loadSeconds = loadSeconds;
        standIn.readyBody = preset->readyBody.isEmpty() ? u"{}"_s : preset->readyBody;
        QVERIFY(standIn.writeTo(script));

        auto plan = LaunchPlan::forFolder(variant, folder.path(), 2, {m_bin.path()});
        QVERIFY2(plan.ok(), plan.ok() ? "" : qPrintable(plan.error().message));
        QVERIFY2(plan->missingFiles.isEmpty(), qPrintable(plan->missingFiles.join(u", ")));
        QCOMPARE(plan->program, program);
        QCOMPARE(plan->programPath, script);
        QVERIFY(plan->inToolsDir);
        QVERIFY(plan->commandFromPreset);

        ReplicaSpec spec = ReplicaDeployer::specFrom(*plan, 2);
        QCOMPARE(spec.program, script);
        QCOMPARE(spec.startTimeoutMs, qint64(preset->startTimeoutS) * 1000);
        // A health budget shorter than the load: only the preset's start timeout keeps a loading
        // runtime starting rather than failed (readiness is not liveness).
        QVERIFY(spec.healthCheck);
        spec.healthCheck->interval = 0.2;
        spec.healthCheck->maxRetries = 0;
        spec.healthCheck->maxWaitTime = 0.3;
        spec.routeId = QUuid::createUuid();

        QNetworkAccessManager network;
        ReplicaProcess replica(spec, network);
        QSignalSpy healthy(&replica, &ReplicaProcess::becameHealthy);
        QSignalSpy exited(&replica, &ReplicaProcess::exited);
        const quint16 port = freePort();
        QVERIFY(port != 0);
        // Extra ports (Triton's gRPC and metrics) as the agent would give them.
        QHash<QString, quint16> extraPorts;
        for (const QString &name : std::as_const(spec.extraPorts))
            extraPorts.insert(name, quint16(port + 1 + extraPorts.size()));
        replica.start(port, extraPorts);

        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(record), kTimeoutMs);
        if (listensWhileLoading) {
            // It answered "still loading" at least once, and is starting, not failing.
            QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(record + u".loading"_s), kTimeoutMs);
            QCOMPARE(replica.state(), ReplicaProcess::State::Starting);
            QTRY_VERIFY_WITH_TIMEOUT(replica.isLoading() || !healthy.isEmpty(), kTimeoutMs);
        }
        QVERIFY(!healthy.isEmpty() || healthy.wait(kTimeoutMs));
        QVERIFY2(exited.isEmpty(), exited.isEmpty() ? "" : qPrintable(exited.constFirst().constFirst().value<ReplicaExit>().message));
        QVERIFY(replica.coldStartMs() >= qint64(loadSeconds * 1000));
        QCOMPARE(replica.state(), ReplicaProcess::State::Healthy);

        QFile recorded(record);
        QVERIFY(recorded.open(QIODevice::ReadOnly));
        const QJsonObject called = QJsonDocument::fromJson(recorded.readAll()).object();
        const auto fill = [&](QString text) {
            text.replace(u"{folder}"_s, folder.path());
            text.replace(u"{gguf}"_s, folder.filePath(u"model-q4_k_m.gguf"_s));
            text.replace(u"{port}"_s, QString::number(port));
            text.replace(u"{grpc}"_s, QString::number(extraPorts.value(u"GRPC_PORT"_s)));
            text.replace(u"{metrics}"_s, QString::number(extraPorts.value(u"METRICS_PORT"_s)));
            return text;
        };
        QStringList expected;
        for (const QString &arg : std::as_const(arguments))
            expected << fill(arg);
        QStringList argv;
        for (const QJsonValue &arg : called.value(u"argv"_s).toArray())
            argv << arg.toString();
        QCOMPARE(argv, expected);
        const QJsonObject env = called.value(u"env"_s).toObject();
        QCOMPARE(env.value(u"PORT"_s).toString(), QString::number(port));
        QCOMPARE(env.value(u"MODEL_PATH"_s).toString(), folder.path());
        for (const QString &pair : std::as_const(environment)) {
            const QString name = pair.section(u'=', 0, 0);
            QCOMPARE(env.value(name).toString(), fill(pair.section(u'=', 1)));
        }
        QCOMPARE(called.value(u"cwd"_s).toString(), QDir(folder.path()).canonicalPath());

        replica.stop();
        QTRY_VERIFY_WITH_TIMEOUT(!exited.isEmpty(), kTimeoutMs);
    }

    void loadingPastTheStartTimeoutIsATimeout()
    {
        const auto preset = RuntimePreset::find(u"llama-cpp"_s);
        QVERIFY(preset);
        QTemporaryDir folder;
        QTemporaryDir bin;
        QTemporaryDir records;
        QVERIFY(touch(folder.filePath(u"model.gguf"_s)));
        RuntimeStandIn standIn;
        standIn.record = records.filePath(u"llama-server.json"_s);
        standIn.healthPath = preset->healthCheck.path;
        standIn.loadingStatus = 503;
        standIn.loadSeconds = 600;
        QVERIFY(standIn.writeTo(bin.filePath(u"llama-server"_s)));

        auto plan = LaunchPlan::forFolder(u"llama-cpp"_s, folder.path(), 0, {bin.path()});
        QVERIFY(plan.ok());
        ReplicaSpec spec = ReplicaDeployer::specFrom(*plan, 0);
        spec.routeId = QUuid::createUuid();
        spec.startTimeoutMs = 1500;
        QNetworkAccessManager network;
        ReplicaProcess replica(spec, network);
        QSignalSpy healthy(&replica, &ReplicaProcess::becameHealthy);
        QSignalSpy exited(&replica, &ReplicaProcess::exited);
        replica.start(freePort());
        QVERIFY(exited.wait(kTimeoutMs));
        QVERIFY(healthy.isEmpty());
        const ReplicaExit exit = exited.constFirst().constFirst().value<ReplicaExit>();
        QCOMPARE(exit.errorKind.value_or(QString()), u"Timeout"_s);
        QVERIFY2(exit.message.contains(u"still loading"_s), qPrintable(exit.message));
    }

    void dryRunNamesEveryMissingFile_data()
    {
        QTest::addColumn<QString>("variant");
        QTest::addColumn<QStringList>("missing");
        const QStringList hf{u"config.json"_s, u"*.safetensors"_s};
        QTest::newRow("vllm") << u"vllm"_s << hf;
        QTest::newRow("llama.cpp") << u"llama-cpp"_s << QStringList{u"*.gguf"_s};
        QTest::newRow("tgi") << u"huggingface-tgi"_s << hf;
        QTest::newRow("triton") << u"triton"_s << QStringList{u"*/config.pbtxt"_s, u"*/[0-9]*"_s};
        QTest::newRow("sglang") << u"sglang"_s << hf;
        QTest::newRow("nim") << u"nim"_s << hf;
        QTest::newRow("ollama") << u"ollama"_s << QStringList{u"manifests"_s, u"blobs"_s};
    }

    void dryRunNamesEveryMissingFile()
    {
        QFETCH(QString, variant);
        QFETCH(QStringList, missing);
        QTemporaryDir folder;
        // Something that is not the weights, so the folder is not simply empty.
        QVERIFY(touch(folder.filePath(u"README.md"_s)));
        auto plan = LaunchPlan::forFolder(variant, folder.path(), 1, {});
        QVERIFY(plan.ok());
        QCOMPARE(plan->missingFiles, missing);
        const auto error = plan->missingFilesError();
        QVERIFY(error);
        QCOMPARE(error->type, ErrorType::ModelFileNotFound);
        QStringList named;
        for (const QJsonValue &f : error->details.value(u"missing_files"_s).toArray())
            named << f.toString();
        QCOMPARE(named, missing);
        for (const QString &file : missing)
            QVERIFY2(error->message.contains(file), qPrintable(error->message));
        // The command line is still shown, so the operator sees what would run.
        QVERIFY(plan->commandLine().startsWith(RuntimePreset::find(variant)->command.constFirst())
                || plan->commandLine().contains(u"nim-serve"_s) || plan->commandLine().contains(u"ollama serve"_s));
    }

    void aMissingProgramIsNamedWithItsCommand()
    {
        QTemporaryDir folder;
        QTemporaryDir emptyTools;
        QVERIFY(touch(folder.filePath(u"model.gguf"_s)));
        const QByteArray path = qgetenv("PATH");
        qputenv("PATH", emptyTools.path().toUtf8());
        auto plan = LaunchPlan::forFolder(u"llama-cpp"_s, folder.path(), 0, {emptyTools.path()});
        qputenv("PATH", path);
        QVERIFY(plan.ok());
        QVERIFY(plan->programPath.isEmpty());
        const auto error = plan->missingProgramError();
        QVERIFY(error);
        QCOMPARE(error->type, ErrorType::RuntimeNotFound);
        QCOMPARE(error->details.value(u"program"_s).toString(), u"llama-server"_s);
        QCOMPARE(error->details.value(u"command_line"_s).toString(),
                 u"llama-server -m %1 --port $PORT --metrics"_s.arg(folder.filePath(u"model.gguf"_s)));
    }

    void programsAreFoundOnPath()
    {
        QTemporaryDir folder;
        QTemporaryDir onPath;
        QVERIFY(touch(folder.filePath(u"config.json"_s)));
        QVERIFY(touch(folder.filePath(u"model.safetensors"_s)));
        QFile vllm(onPath.filePath(u"vllm"_s));
        QVERIFY(vllm.open(QIODevice::WriteOnly));
        vllm.write("#!/bin/sh\n");
        vllm.close();
        QVERIFY(vllm.setPermissions(QFile::ReadOwner | QFile::ExeOwner));
        const QByteArray path = qgetenv("PATH");
        qputenv("PATH", onPath.path().toUtf8());
        auto plan = LaunchPlan::forFolder(u"vllm"_s, folder.path(), 0, {});
        qputenv("PATH", path);
        QVERIFY(plan.ok());
        QCOMPARE(plan->programPath, vllm.fileName());
        QVERIFY(!plan->inToolsDir);  // each agent finds a PATH program itself
        QVERIFY(!plan->missingProgramError());
        QCOMPARE(ReplicaDeployer::specFrom(*plan, 0).program, u"vllm"_s);
    }

    // Triton's gRPC and metrics ports: the agent gives each a free port of its own, in the
    // arguments and the environment, reports them, and the metrics are served on the one named.
    void theAgentGivesTritonItsOwnPorts()
    {
        QTemporaryDir folder;
        QTemporaryDir bin;
        QTemporaryDir records;
        QVERIFY(folder.isValid() && bin.isValid() && records.isValid());
        for (const QString &file : completeLayout(u"triton"_s))
            QVERIFY(touch(folder.filePath(file)));
        const auto preset = RuntimePreset::find(u"triton"_s);
        QVERIFY(preset);
        QCOMPARE(preset->metricsPort, u"METRICS_PORT"_s);
        RuntimeStandIn standIn;
        standIn.record = records.filePath(u"tritonserver.json"_s);
        standIn.healthPath = preset->healthCheck.path;
        standIn.loadingStatus = preset->loadingStatusCode;
        standIn.metricsText = u"nv_inference_pending_request_count{model=\"classifier\",version=\"1\"} 4\n"_s;
        standIn.metricsPortVariable = preset->metricsPort;
        QVERIFY(standIn.writeTo(bin.filePath(u"tritonserver"_s)));

        auto plan = LaunchPlan::forFolder(u"triton"_s, folder.path(), 0, {bin.path()});
        QVERIFY(plan.ok());
        QCOMPARE(plan->extraPorts, (QStringList{u"GRPC_PORT"_s, u"METRICS_PORT"_s}));
        ReplicaSpec spec = ReplicaDeployer::specFrom(*plan, 0);
        spec.routeId = QUuid::createUuid();
        LocalAgent agent(u"ports"_s);
        QSignalSpy healthy(&agent, &LocalAgent::replicaHealthy);
        auto started = agent.start(spec);
        QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().message));
        QVERIFY(healthy.wait(kTimeoutMs));

        QFile recorded(standIn.record);
        QVERIFY(recorded.open(QIODevice::ReadOnly));
        const QJsonObject called = QJsonDocument::fromJson(recorded.readAll()).object();
        QStringList argv;
        for (const QJsonValue &arg : called.value(u"argv"_s).toArray())
            argv << arg.toString();
        QCOMPARE(argv.size(), 7);
        const QJsonObject env = called.value(u"env"_s).toObject();
        const QString http = argv.at(argv.indexOf(u"--http-port"_s) + 1);
        const QString grpc = argv.at(argv.indexOf(u"--grpc-port"_s) + 1);
        const QString metrics = argv.at(argv.indexOf(u"--metrics-port"_s) + 1);
        QCOMPARE(QSet<QString>({http, grpc, metrics}).size(), 3);  // three ports, none shared
        QCOMPARE(env.value(u"PORT"_s).toString(), http);
        QCOMPARE(env.value(u"GRPC_PORT"_s).toString(), grpc);
        QCOMPARE(env.value(u"METRICS_PORT"_s).toString(), metrics);
        QVERIFY(started->endsWith(u':' + http));

        const AgentStatus status = agent.status();
        QCOMPARE(status.replicas.size(), 1);
        QCOMPARE(status.replicas.constFirst().extraPorts.value(u"GRPC_PORT"_s), grpc.toUShort());
        QCOMPARE(status.replicas.constFirst().extraPorts.value(u"METRICS_PORT"_s), metrics.toUShort());
        QCOMPARE(status.replicas.constFirst().startingForMs, qint64(-1));  // healthy: past starting

        // Its metrics answer on the metrics port (and only there, as Triton's).
        QNetworkAccessManager network;
        for (const QString &port : {metrics, http}) {
            QNetworkReply *reply = network.get(QNetworkRequest(QUrl(u"http://127.0.0.1:%1/metrics"_s.arg(port))));
            QSignalSpy done(reply, &QNetworkReply::finished);
            QVERIFY(done.wait(kTimeoutMs));
            QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), port == metrics ? 200 : 404);
            reply->deleteLater();
        }

        QSignalSpy exited(&agent, &LocalAgent::replicaExited);
        agent.stop(spec.routeId);
        QVERIFY(exited.wait(kTimeoutMs));
    }

    // An extra port is named like an environment variable the runtime reads, never one that
    // could change how the process runs.
    void extraPortNamesAreChecked_data()
    {
        QTest::addColumn<QStringList>("names");
        QTest::newRow("a loader variable") << QStringList{u"LD_PRELOAD"_s};
        QTest::newRow("PORT itself") << QStringList{u"PORT"_s};
        QTest::newRow("twice") << QStringList{u"GRPC_PORT"_s, u"GRPC_PORT"_s};
        QTest::newRow("lower case") << QStringList{u"grpc_port"_s};
        QTest::newRow("too many") << QStringList{u"A_PORT"_s, u"B_PORT"_s, u"C_PORT"_s, u"D_PORT"_s, u"E_PORT"_s};
    }

    void extraPortNamesAreChecked()
    {
        QFETCH(QStringList, names);
        ReplicaSpec spec;
        spec.routeId = QUuid::createUuid();
        spec.program = u"/bin/true"_s;
        spec.extraPorts = names;
        LocalAgent agent(u"names"_s);
        const auto started = agent.start(spec);
        QVERIFY(!started.ok());
        QCOMPARE(started.error().type, ErrorType::InvalidArgument);
        QVERIFY(!agent.isRunning(spec.routeId));
    }

    // The proxy's OpenAI front door sends the endpoint's name as `model`: each runtime that
    // checks the name is told to answer to it (an argument or, for NIM, its environment).
    void theRuntimeAnswersToTheEndpointsName_data()
    {
        QTest::addColumn<QString>("variant");
        QTest::addColumn<QStringList>("arguments");  // that follow the command
        QTest::addColumn<QString>("environment");    // NAME=value, or empty
        QTest::newRow("vllm") << u"vllm"_s << QStringList{u"--served-model-name"_s, u"chat-x"_s} << QString();
        QTest::newRow("llama.cpp") << u"llama-cpp"_s << QStringList{u"--alias"_s, u"chat-x"_s} << QString();
        QTest::newRow("sglang") << u"sglang"_s << QStringList{u"--served-model-name"_s, u"chat-x"_s} << QString();
        QTest::newRow("nim") << u"nim"_s << QStringList{} << u"NIM_SERVED_MODEL_NAME=chat-x"_s;
    }

    void theRuntimeAnswersToTheEndpointsName()
    {
        QFETCH(QString, variant);
        QFETCH(QStringList, arguments);
        QFETCH(QString, environment);
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        for (const QString &file : completeLayout(variant))
            QVERIFY(touch(folder.filePath(file)));
        const auto preset = RuntimePreset::find(variant);
        QVERIFY(preset);

        auto named = LaunchPlan::forFolder(variant, folder.path(), 0, {}, u"chat-x"_s);
        QVERIFY(named.ok());
        if (!arguments.isEmpty())
            QCOMPARE(named->arguments.mid(named->arguments.size() - arguments.size()), arguments);
        QStringList env;
        for (const auto &[name, value] : named->environment)
            env << name + u'=' + value;
        if (!environment.isEmpty())
            QVERIFY2(env.contains(environment), qPrintable(env.join(u' ')));

        // Without a name (a plan made before there is an endpoint) nothing names the model.
        auto unnamed = LaunchPlan::forFolder(variant, folder.path(), 0, {});
        QVERIFY(unnamed.ok());
        QCOMPARE(unnamed->arguments.size(), named->arguments.size() - arguments.size());
        for (const auto &[name, value] : unnamed->environment)
            QVERIFY2(!value.contains(u'{'), qPrintable(name + u'=' + value));
        QCOMPARE(unnamed->environment.size() + (environment.isEmpty() ? 0 : 1), named->environment.size());
    }

    void aDefinitionOverridesThePresetFieldByField()
    {
        QTemporaryDir folder;
        QVERIFY(touch(folder.filePath(u"weights/model.gguf"_s)));
        QFile definition(folder.filePath(u"model-definition.yaml"_s));
        QVERIFY(definition.open(QIODevice::WriteOnly));
        // A model_path but no service: the preset's command, on the definition's model folder.
        definition.write("models:\n  - name: tiny\n    model_path: /models/weights\n");
        definition.close();
        auto plan = LaunchPlan::forFolder(u"llama-cpp"_s, folder.path(), 0, {});
        QVERIFY2(plan.ok(), plan.ok() ? "" : qPrintable(plan.error().message));
        QCOMPARE(plan->missingFiles, QStringList{});
        QCOMPARE(plan->foundFiles, QStringList{u"weights/model.gguf"_s});
        QCOMPARE(plan->arguments.mid(0, 2), (QStringList{u"-m"_s, folder.filePath(u"weights/model.gguf"_s)}));
        QCOMPARE(plan->healthCheck->path, u"/health"_s);

        // A service: its command and health check replace the preset's; the preset's readiness stays.
        QVERIFY(definition.open(QIODevice::WriteOnly | QIODevice::Truncate));
        definition.write("models:\n  - name: tiny\n    model_path: /models/weights\n    service:\n"
                         "      start_command: [\"llama-server\", \"-m\", \"/models/weights/model.gguf\", \"-c\", \"4096\"]\n"
                         "      port: 8080\n      health_check:\n        path: /ready\n");
        definition.close();
        plan = LaunchPlan::forFolder(u"llama-cpp"_s, folder.path(), 0, {});
        QVERIFY(plan.ok());
        QVERIFY(!plan->commandFromPreset);
        QCOMPARE(plan->arguments, (QStringList{u"-m"_s, folder.filePath(u"weights/model.gguf"_s), u"-c"_s, u"4096"_s}));
        QCOMPARE(plan->healthCheck->path, u"/ready"_s);
        QCOMPARE(plan->loadingStatusCode, 503);
    }
};

QTEST_GUILESS_MAIN(TestRuntimePresets)
#include "test_runtimepresets.moc"
