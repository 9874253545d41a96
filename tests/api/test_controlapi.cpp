#include <algorithm>
#include <cmath>
#include <memory>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTest>
#include <QUuid>

#include <QTcpServer>

#include "apitestsupport.h"
#include "proxy/proxyserver.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

QJsonObject simpleBody(const QString &name, int replicas, const QString &cpu = u"1"_s, const QString &memory = u"1G"_s,
    const QString &folder = u"iris-v1"_s)
{
    return { { u"name"_s, name }, { u"model_version"_s, u"v1"_s }, { u"model_folder"_s, folder },
        { u"resource_slots"_s, QJsonObject { { u"cpu"_s, cpu }, { u"memory"_s, memory } } },
        { u"replicas"_s, replicas } };
}

QJsonObject slotsJson(const QString &cpu, const QString &memory)
{
    return { { u"cpu"_s, cpu }, { u"memory"_s, memory } };
}

QStringList stringsOf(const QJsonValue &v)
{
    QStringList out;
    const QJsonArray array = v.toArray();
    for (const QJsonValue &item : array)
        out << item.toString();
    return out;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

QByteArray base64UrlDecode(const QByteArray &part)
{
    return QByteArray::fromBase64(part, QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QDateTime timeOf(const QJsonValue &v)
{
    return QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
}

// JSON numbers compare by value whether they were written as 70 or 70.0.
bool sameJson(const QJsonValue &a, const QJsonValue &b)
{
    if (a.isDouble() && b.isDouble())
        return a.toDouble() == b.toDouble();
    return a == b;
}

QString pathOf(const QString &pattern, const QString &svc)
{
    return pattern.arg(svc);
}

} // namespace

class TestControlApi final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    // 1. Create
    void createsService();
    void acceptsSpecFieldAliases_data();
    void acceptsSpecFieldAliases();
    void createsFromTomlFolder();
    void rejectsInsufficientResources();
    void rejectsDuplicateNameAndVersion();
    void createsPublicEndpoint();
    // 2. Dry run
    void dryRunReportsEstimate();
    void dryRunReportsEveryProblem();
    void dryRunListsEveryMissingFile_data();
    void dryRunListsEveryMissingFile();
    void dryRunShowsThePresetCommand();
    // 3. Scale
    void scalesUpDownAndToZero();
    void scaleDownCountsRoutesToDrain();
    void refusesScaleBeyondCapacity();
    // 4. Autoscaling rules
    void createsAutoscalingRule_data();
    void createsAutoscalingRule();
    void rejectsConflictingRule();
    void modifiesAndDeletesRule();
    // 5. Routes
    void updatesRouteWeights_data();
    void updatesRouteWeights();
    void rejectsBadRouteWeights_data();
    void rejectsBadRouteWeights();
    void deletesRouteAndSyncs();
    // 6. Tokens
    void generatesToken_data();
    void generatesToken();
    void rejectsBadTokenRequest_data();
    void rejectsBadTokenRequest();
    void revokesToken();
    // 7. Errors
    void listsRecentErrors();
    void filtersErrorsByType();
    void clearsErrors();
    // 8. Info
    void returnsServiceInfo();
    void returnsServiceInfoWithMetrics();
    // The rest of the surface
    void modifiesEndpoint();
    // The data plane's policies
    void setsRevisionConditionAndMode();
    void circuitBreakerThroughRest();
    void publishesPoliciesToTheProxy();
    void recordsUpstreamErrorsFromTheProxy();
    void deletesEndpoint();
    void listsAgents();
    void queueSettingsRoundTrip();
    void healthNeedsNoToken();
    void retentionIsSettable();
    void servesPrometheusMetrics();

private:
    // The new endpoint's id, or empty (with the answer logged) when the create failed.
    QString create(const QJsonObject &body);
    QJsonObject info(const QString &svc);
    QJsonArray servicesList();
    std::optional<Endpoint> endpoint(const QString &id);
    bool recordError(const QString &svc, const QString &type, const QDateTime &time, const QString &message);

    std::unique_ptr<ApiTest::Plane> m_env;
};

void TestControlApi::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY2(QFileInfo::exists(ApiTest::irisV1() + u"/model-definition.yaml"_s),
        "SERVEDECK_SOURCE_DIR must point at the source tree (resources/models)");
}

void TestControlApi::init()
{
    m_env = std::make_unique<ApiTest::Plane>();
    const auto started = m_env->start();
    QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().message));
}

void TestControlApi::cleanup()
{
    m_env.reset();
}

QString TestControlApi::create(const QJsonObject &body)
{
    const ApiResponse r = m_env->api().send("POST", u"/v1/services"_s, body);
    if (r.status != 201) {
        qWarning("create failed with %d: %s", r.status, r.body.toJson(QJsonDocument::Compact).constData());
        return QString();
    }
    return r.body.object().value(u"id"_s).toString();
}

QJsonObject TestControlApi::info(const QString &svc)
{
    const ApiResponse r = m_env->api().get(u"/v1/services/"_s + svc);
    return r.status == 200 ? r.body.object() : QJsonObject();
}

QJsonArray TestControlApi::servicesList()
{
    return m_env->api().get(u"/v1/services"_s).body.object().value(u"services"_s).toArray();
}

std::optional<Endpoint> TestControlApi::endpoint(const QString &id)
{
    auto found = m_env->repository().endpointById(QUuid::fromString(id));
    return found ? *found : std::nullopt;
}

bool TestControlApi::recordError(const QString &svc, const QString &type, const QDateTime &time, const QString &message)
{
    ErrorRecord record;
    record.endpointId = QUuid::fromString(svc);
    record.time = time;
    record.type = type;
    record.message = message;
    record.replicaId = u"replica-1"_s;
    record.exitCode = type == u"OOMKilled" ? std::optional<int>(137) : std::nullopt;
    return m_env->service().recordError(record).ok();
}

// 1.1: the spec's request, in the spec's own field names.
void TestControlApi::createsService()
{
    const ApiResponse r = m_env->api().send("POST", u"/v1/services"_s, ApiTest::specCreateBody());
    QCOMPARE(r.status, 201);
    const QJsonObject o = r.body.object();
    QVERIFY(!QUuid::fromString(o[u"id"_s].toString()).isNull());
    QCOMPARE(o[u"name"_s].toString(), u"sentiment-analyzer"_s);
    QCOMPARE(o[u"model_version"_s].toString(), u"v1.0"_s);
    QCOMPARE(o[u"model_folder"_s].toString(), QDir::cleanPath(ApiTest::irisV1()));
    QCOMPARE(o[u"runtime_variant"_s].toString(), u"custom"_s);
    QCOMPARE(o[u"resource_group"_s].toString(), u"default"_s);
    QCOMPARE(o[u"resource_slots"_s].toObject(), slotsJson(u"2"_s, u"4G"_s));
    QCOMPARE(o[u"replicas"_s].toInt(), 2);
    QCOMPARE(o[u"public"_s].toBool(true), false);
    QCOMPARE(o[u"status"_s].toString(), u"PROVISIONING"_s);
    QCOMPARE(o[u"lifecycle"_s].toString(), u"CREATED"_s);
    QCOMPARE(o[u"url"_s].toString(), m_env->proxyBaseUrl() + u"/sentiment-analyzer"_s);
    QCOMPARE(o[u"revisions"_s].toArray().size(), 1);
    QCOMPARE(o[u"revisions"_s].toArray().first().toObject()[u"revision_id"_s].toString(),
        o[u"current_revision_id"_s].toString());
    QCOMPARE(o[u"routes"_s].toArray().size(), 0);
    QVERIFY(timeOf(o[u"created_at"_s]).isValid());

    const QJsonArray services = servicesList();
    QCOMPARE(services.size(), 1);
    QCOMPARE(services.first().toObject()[u"id"_s].toString(), o[u"id"_s].toString());
    // By name or by id: the same endpoint.
    QCOMPARE(info(u"sentiment-analyzer"_s)[u"id"_s].toString(), o[u"id"_s].toString());

    // The url is the proxy's. A private endpoint wants a token first; with one, and no HEALTHY
    // replica yet (no reconciler here), it says so instead of hanging.
    const ApiTest::RawReply withoutToken = m_env->sendTo(QUrl(o[u"url"_s].toString()), "GET", {}, {});
    QCOMPARE(withoutToken.status, 401);
    QCOMPARE(withoutToken.errorType(), u"Unauthorized"_s);
    auto token = m_env->plane().service().generateToken(u"sentiment-analyzer"_s, {});
    QVERIFY(token.ok());
    const ApiTest::RawReply viaProxy = m_env->sendTo(QUrl(o[u"url"_s].toString()), "GET", {}, "Bearer " + token->token);
    QCOMPARE(viaProxy.status, 503);
    QCOMPARE(viaProxy.errorType(), u"NoHealthyRoute"_s);
}

void TestControlApi::acceptsSpecFieldAliases_data()
{
    QTest::addColumn<QString>("nameKey");
    QTest::addColumn<QString>("folderKey");
    QTest::addColumn<QString>("replicasKey");
    QTest::addColumn<QString>("publicKey");

    QTest::newRow("primary names") << u"name"_s << u"model_folder"_s << u"replicas"_s << u"public"_s;
    QTest::newRow("spec names") << u"model_name"_s << u"vfolder_id"_s << u"desired_session_count"_s
                                << u"open_to_public"_s;
    QTest::newRow("service_name, model_id") << u"service_name"_s << u"model_id"_s << u"replicas"_s << u"public"_s;
}

void TestControlApi::acceptsSpecFieldAliases()
{
    QFETCH(QString, nameKey);
    QFETCH(QString, folderKey);
    QFETCH(QString, replicasKey);
    QFETCH(QString, publicKey);

    const QJsonObject body { { nameKey, u"alias-model"_s }, { u"model_version"_s, u"v3"_s },
        { folderKey, u"iris-v1"_s }, { replicasKey, 3 }, { publicKey, true } };
    const ApiResponse r = m_env->api().send("POST", u"/v1/services"_s, body);
    QCOMPARE(r.status, 201);
    const QJsonObject o = r.body.object();
    QCOMPARE(o[u"name"_s].toString(), u"alias-model"_s);
    QCOMPARE(o[u"model_folder"_s].toString(), QDir::cleanPath(ApiTest::irisV1()));
    QCOMPARE(o[u"replicas"_s].toInt(), 3);
    QCOMPARE(o[u"public"_s].toBool(), true);
    // Defaults for what the body left out.
    QCOMPARE(o[u"runtime_variant"_s].toString(), u"custom"_s);
    QCOMPARE(o[u"resource_group"_s].toString(), u"default"_s);
    QCOMPARE(o[u"resource_slots"_s].toObject(), slotsJson(u"1"_s, u"1G"_s));
}

// 1.2: a folder with model-definition.toml, given as an absolute path.
void TestControlApi::createsFromTomlFolder()
{
    const QString folder = QDir::cleanPath(ApiTest::irisV2());
    QJsonObject body = simpleBody(u"iris-toml"_s, 1, u"1"_s, u"1G"_s, folder);

    const ApiResponse dry = m_env->api().send("POST", u"/v1/services/dry-run"_s, body);
    QCOMPARE(dry.status, 200);
    const QJsonObject report = dry.body.object();
    QCOMPARE(report[u"valid"_s].toBool(), true);
    const QJsonObject definition = report[u"model_definition"_s].toObject();
    QVERIFY2(definition[u"file"_s].toString().endsWith(u"model-definition.toml"_s),
        qPrintable(definition[u"file"_s].toString()));
    const QJsonArray models = definition[u"models"_s].toArray();
    QCOMPARE(models.size(), 1);
    const QJsonObject model = models.first().toObject();
    QCOMPARE(model[u"name"_s].toString(), u"iris-classifier"_s);
    QCOMPARE(model[u"model_path"_s].toString(), u"/models"_s);
    QCOMPARE(model[u"port"_s].toInt(), 8000);
    QCOMPARE(model[u"start_command"_s].toArray().first().toString(), u"servedeck-model-server"_s);
    QCOMPARE(model[u"health_check"_s].toObject()[u"path"_s].toString(), u"/health"_s);
    QCOMPARE(model[u"health_check"_s].toObject()[u"max_retries"_s].toInt(), 3);

    const ApiResponse r = m_env->api().send("POST", u"/v1/services"_s, body);
    QCOMPARE(r.status, 201);
    QCOMPARE(r.body.object()[u"model_folder"_s].toString(), folder);
    QCOMPARE(r.body.object()[u"status"_s].toString(), u"PROVISIONING"_s);
}

// 1.3
void TestControlApi::rejectsInsufficientResources()
{
    QJsonObject body = ApiTest::specCreateBody(u"huge-model"_s);
    body[u"resource_slots"_s] = slotsJson(u"100"_s, u"1TB"_s);
    body[u"replicas"_s] = 10;
    const QByteArray before = m_env->storeDump();

    const ApiResponse r = m_env->api().send("POST", u"/v1/services"_s, body);
    QCOMPARE(r.status, 507);
    const auto error = r.error();
    QVERIFY(error);
    QCOMPARE(error->typeName(), u"InsufficientResources"_s);
    QVERIFY(!error->message.isEmpty());
    QCOMPARE(error->details[u"requested_replicas"_s].toInt(), 10);
    QCOMPARE(error->details[u"max_replicas_that_fit"_s].toInt(), 0);
    QCOMPARE(error->details[u"total"_s].toObject(), slotsJson(u"8"_s, u"16G"_s));
    QCOMPARE(servicesList().size(), 0);
    QCOMPARE(m_env->storeDump(), before);
}

// 1.4
void TestControlApi::rejectsDuplicateNameAndVersion()
{
    const QString first = create(ApiTest::specCreateBody(u"existing-model"_s, u"v1.0"_s));
    QVERIFY(!first.isEmpty());
    const QByteArray before = m_env->storeDump();

    const ApiResponse r
        = m_env->api().send("POST", u"/v1/services"_s, ApiTest::specCreateBody(u"existing-model"_s, u"v1.0"_s));
    QCOMPARE(r.status, 409);
    QCOMPARE(r.error()->typeName(), u"ModelAlreadyExists"_s);
    QCOMPARE(r.error()->details[u"endpoint_id"_s].toString(), first);
    QCOMPARE(r.error()->details[u"existing_version"_s].toString(), u"v1.0"_s);
    QCOMPARE(servicesList().size(), 1);
    QCOMPARE(m_env->storeDump(), before);
}

// 1.5
void TestControlApi::createsPublicEndpoint()
{
    const QJsonObject body { { u"model_name"_s, u"public-model"_s }, { u"model_version"_s, u"v1"_s },
        { u"vfolder_id"_s, u"iris-v1"_s }, { u"public"_s, true }, { u"desired_session_count"_s, 3 } };
    const ApiResponse r = m_env->api().send("POST", u"/v1/services"_s, body);
    QCOMPARE(r.status, 201);
    const QJsonObject o = r.body.object();
    QCOMPARE(o[u"public"_s].toBool(), true);
    QCOMPARE(o[u"replicas"_s].toInt(), 3);
    QCOMPARE(o[u"url"_s].toString(), m_env->proxyBaseUrl() + u"/public-model"_s);
    QVERIFY(QUrl(o[u"url"_s].toString()).isValid());
    const QJsonObject again = info(o[u"id"_s].toString());
    QCOMPARE(again[u"public"_s].toBool(), true);
    QCOMPARE(again[u"replicas"_s].toInt(), 3);
}

// 2.1
void TestControlApi::dryRunReportsEstimate()
{
    const QByteArray before = m_env->storeDump();
    const ApiResponse r = m_env->api().send("POST", u"/v1/services/dry-run"_s, ApiTest::specCreateBody());
    QCOMPARE(r.status, 200);
    const QJsonObject report = r.body.object();
    QCOMPARE(report[u"valid"_s].toBool(), true);
    QCOMPARE(report[u"errors"_s].toArray().size(), 0);
    QCOMPARE(report[u"model_folder"_s].toString(), QDir::cleanPath(ApiTest::irisV1()));
    const QJsonObject estimate = report[u"resource_estimate"_s].toObject();
    QCOMPARE(estimate[u"per_replica"_s].toObject(), slotsJson(u"2"_s, u"4G"_s));
    QCOMPARE(estimate[u"total"_s].toObject(), slotsJson(u"4"_s, u"8G"_s));
    QCOMPARE(estimate[u"available"_s].toObject(), slotsJson(u"8"_s, u"16G"_s));
    QVERIFY(report[u"model_definition"_s].toObject()[u"file"_s].toString().endsWith(u"model-definition.yaml"_s));
    // A dry run deploys nothing.
    QCOMPARE(servicesList().size(), 0);
    QCOMPARE(m_env->storeDump(), before);

    // The same request that does not fit is reported, not refused.
    QJsonObject huge = ApiTest::specCreateBody();
    huge[u"resource_slots"_s] = slotsJson(u"100"_s, u"1TB"_s);
    huge[u"replicas"_s] = 10;
    const ApiResponse tooBig = m_env->api().send("POST", u"/v1/services/dry-run"_s, huge);
    QCOMPARE(tooBig.status, 200);
    QCOMPARE(tooBig.body.object()[u"valid"_s].toBool(true), false);
    const QJsonArray problems = tooBig.body.object()[u"errors"_s].toArray();
    QVERIFY(std::any_of(problems.begin(), problems.end(),
        [](const QJsonValue &p) { return p.toObject()[u"type"_s].toString() == u"InsufficientResources"; }));
}

// 2.1: every problem at once, so one dry run is enough to fix a request.
void TestControlApi::dryRunReportsEveryProblem()
{
    QVERIFY(!create(simpleBody(u"taken"_s, 1)).isEmpty());
    const QByteArray before = m_env->storeDump();

    const auto problemsOf = [this](const QJsonObject &body) {
        QStringList out;
        const ApiResponse r = m_env->api().send("POST", u"/v1/services/dry-run"_s, body);
        if (r.status != 200 || r.body.object()[u"valid"_s].toBool(true))
            return QStringList { u"unexpected answer %1"_s.arg(r.status) };
        const QJsonArray problems = r.body.object()[u"errors"_s].toArray();
        for (const QJsonValue &p : problems) {
            const QJsonObject e = p.toObject();
            const QString field = e[u"details"_s].toObject()[u"field"_s].toString();
            out << e[u"type"_s].toString() + (field.isEmpty() ? QString() : u':' + field);
        }
        out.sort();
        return out;
    };

    QJsonObject body = simpleBody(u"Not_A_Name"_s, 2, u"100"_s, u"1G"_s, u"no-such-folder"_s);
    body[u"runtime_variant"_s] = u"tensorflow"_s;
    QCOMPARE(problemsOf(body),
        (QStringList { u"InsufficientResources"_s, u"InvalidArgument:name"_s, u"InvalidArgument:runtime_variant"_s,
            u"ModelFileNotFound"_s }));
    QCOMPARE(problemsOf(simpleBody(u"taken"_s, 1)), QStringList { u"ModelAlreadyExists"_s });
    QCOMPARE(m_env->storeDump(), before);
}

void TestControlApi::dryRunListsEveryMissingFile_data()
{
    QTest::addColumn<QByteArray>("definition"); // empty: no definition file at all
    QTest::addColumn<QStringList>("present");
    QTest::addColumn<QStringList>("missing");

    QTest::newRow("files of two models") << QByteArrayLiteral(
        "models:\n"
        "  - name: \"classifier\"\n"
        "    model_path: \"/models\"\n"
        "    files: [\"weights.bin\", \"tokenizer.json\", \"config/params.json\", \"present.txt\"]\n"
        "  - name: \"reranker\"\n"
        "    model_path: \"/models/reranker\"\n"
        "    files: [\"model.onnx\", \"vocab.txt\"]\n")
                                         << QStringList { u"present.txt"_s }
                                         << QStringList { u"weights.bin"_s, u"tokenizer.json"_s,
                                                u"config/params.json"_s, u"reranker"_s, u"reranker/model.onnx"_s,
                                                u"reranker/vocab.txt"_s };
    QTest::newRow("some present") << QByteArrayLiteral("models:\n"
                                                       "  - name: \"classifier\"\n"
                                                       "    model_path: \"/models/weights\"\n"
                                                       "    files: [\"a.bin\", \"b.bin\", \"c.bin\"]\n")
                                  << QStringList { u"weights/b.bin"_s }
                                  << QStringList { u"weights/a.bin"_s, u"weights/c.bin"_s };
    QTest::newRow("no definition file") << QByteArray() << QStringList { u"weights.bin"_s }
                                        << QStringList { u"model-definition.yaml"_s, u"model-definition.yml"_s,
                                               u"model-definition.toml"_s };
}

// A bare folder for a runtime preset: the command line it would run and what the folder lacks.
void TestControlApi::dryRunShowsThePresetCommand()
{
    const QString folder = QDir::cleanPath(m_env->tempPath(u"bare-gguf"_s));
    QVERIFY(QDir().mkpath(folder));
    QJsonObject body = simpleBody(u"tiny-llama"_s, 1, u"1"_s, u"1G"_s, folder);
    body[u"runtime_variant"_s] = u"llama-cpp"_s;
    const ApiResponse r = m_env->api().send("POST", u"/v1/services/dry-run"_s, body);
    QCOMPARE(r.status, 200);
    const QJsonObject report = r.body.object();
    QCOMPARE(report[u"valid"_s].toBool(true), false);
    const QJsonObject launch = report[u"launch"_s].toObject();
    QCOMPARE(launch[u"runtime_variant"_s].toString(), u"llama-cpp"_s);
    QCOMPARE(launch[u"program"_s].toString(), u"llama-server"_s);
    QCOMPARE(launch[u"command_line"_s].toString(), u"llama-server -m '%1/*.gguf' --port $PORT --metrics --alias tiny-llama"_s.arg(folder));
    QCOMPARE(stringsOf(launch[u"missing_files"_s]), QStringList{u"*.gguf"_s});
    QCOMPARE(launch[u"health_check"_s].toObject()[u"loading_status_code"_s].toInt(), 503);
    QStringList types;
    for (const QJsonValue &p : report[u"errors"_s].toArray())
        types << p.toObject()[u"type"_s].toString();
    QVERIFY2(types.contains(u"ModelFileNotFound"_s), qPrintable(types.join(u',')));
}

// 2.2: every missing file is named, not just the first.
void TestControlApi::dryRunListsEveryMissingFile()
{
    QFETCH(QByteArray, definition);
    QFETCH(QStringList, present);
    QFETCH(QStringList, missing);

    const QString folder = m_env->tempPath(u"incomplete-model"_s);
    QVERIFY(QDir().mkpath(folder));
    if (!definition.isEmpty()) {
        QFile file(folder + u"/model-definition.yaml"_s);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QVERIFY(file.write(definition) == definition.size());
    }
    for (const QString &relative : std::as_const(present)) {
        const QString path = QDir(folder).filePath(relative);
        QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("x");
    }
    const QJsonObject body = simpleBody(u"incomplete"_s, 1, u"1"_s, u"1G"_s, folder);
    const QByteArray before = m_env->storeDump();

    const ApiResponse r = m_env->api().send("POST", u"/v1/services/dry-run"_s, body);
    QCOMPARE(r.status, 200);
    const QJsonObject report = r.body.object();
    QCOMPARE(report[u"valid"_s].toBool(true), false);
    const QJsonArray problems = report[u"errors"_s].toArray();
    QCOMPARE(problems.size(), 1);
    const QJsonObject problem = problems.first().toObject();
    QCOMPARE(problem[u"type"_s].toString(), u"ModelFileNotFound"_s);
    QVERIFY(!problem[u"message"_s].toString().isEmpty());
    QCOMPARE(sorted(stringsOf(problem[u"details"_s].toObject()[u"missing_files"_s])), sorted(missing));
    // The estimate is still there for a request that cannot deploy.
    QCOMPARE(report[u"resource_estimate"_s].toObject()[u"total"_s].toObject(), slotsJson(u"1"_s, u"1G"_s));

    // Deploying it for real is refused with the same list, and nothing is stored.
    const ApiResponse created = m_env->api().send("POST", u"/v1/services"_s, body);
    QCOMPARE(created.status, 422);
    QCOMPARE(created.error()->typeName(), u"ModelFileNotFound"_s);
    QCOMPARE(sorted(stringsOf(created.error()->details[u"missing_files"_s])), sorted(missing));
    QCOMPARE(m_env->storeDump(), before);
}

// 3.1-3.3
void TestControlApi::scalesUpDownAndToZero()
{
    const QString id = create(simpleBody(u"scaler"_s, 2));
    QVERIFY(!id.isEmpty());
    const QString scalePath = pathOf(u"/v1/services/%1/scale"_s, id);

    ApiResponse r = m_env->api().send("POST", scalePath, QJsonObject { { u"target_replicas"_s, 5 } });
    QCOMPARE(r.status, 200);
    QJsonObject o = r.body.object();
    QCOMPARE(o[u"state"_s].toString(), u"SCALING"_s);
    QCOMPARE(o[u"previous_replicas"_s].toInt(), 2);
    QCOMPARE(o[u"target_replicas"_s].toInt(), 5);
    QCOMPARE(o[u"replicas_to_create"_s].toInt(), 5);
    QCOMPARE(o[u"endpoint"_s].toObject()[u"replicas"_s].toInt(), 5);
    QCOMPARE(info(id)[u"replicas"_s].toInt(), 5);

    r = m_env->api().send("POST", scalePath, QJsonObject { { u"replicas"_s, 1 } });
    QCOMPARE(r.status, 200);
    o = r.body.object();
    QCOMPARE(o[u"previous_replicas"_s].toInt(), 5);
    QCOMPARE(o[u"target_replicas"_s].toInt(), 1);
    QCOMPARE(o[u"endpoint"_s].toObject()[u"replicas"_s].toInt(), 1);
    QCOMPARE(info(id)[u"replicas"_s].toInt(), 1);

    r = m_env->api().send(
        "POST", pathOf(u"/v1/services/%1/scale"_s, u"scaler"_s), QJsonObject { { u"replicas"_s, 0 } });
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.object()[u"endpoint"_s].toObject()[u"replicas"_s].toInt(-1), 0);
    // The endpoint stays, with its url, and says it is scaled to zero.
    const QJsonObject zero = info(id);
    QCOMPARE(zero[u"id"_s].toString(), id);
    QCOMPARE(zero[u"replicas"_s].toInt(-1), 0);
    QCOMPARE(zero[u"status"_s].toString(), u"SCALED_TO_ZERO"_s);
    QCOMPARE(zero[u"lifecycle"_s].toString(), u"CREATED"_s);
    QCOMPARE(zero[u"url"_s].toString(), m_env->proxyBaseUrl() + u"/scaler"_s);
    QCOMPARE(servicesList().size(), 1);

    // Every manual change is on record.
    const auto events = m_env->repository().scaleEvents(QUuid::fromString(id), 10);
    QVERIFY(events);
    QCOMPARE(events->size(), 3);
    QCOMPARE(events->first().after, 0);
    QCOMPARE(events->first().reason, u"manual"_s);
}

// 3.2 with live replicas: the ones above the target are drained.
void TestControlApi::scaleDownCountsRoutesToDrain()
{
    const QString id = create(simpleBody(u"drainer"_s, 3));
    QVERIFY(!id.isEmpty());
    const auto e = endpoint(id);
    QVERIFY(e);
    for (int i = 0; i < 3; ++i)
        QVERIFY(m_env->repository().insertRoute(ApiTest::healthyRoute(*e, 100, u"replica-%1"_s.arg(i))).ok());
    QCOMPARE(info(id)[u"status"_s].toString(), u"HEALTHY"_s);

    const ApiResponse r
        = m_env->api().send("POST", pathOf(u"/v1/services/%1/scale"_s, id), QJsonObject { { u"replicas"_s, 1 } });
    QCOMPARE(r.status, 200);
    const QJsonObject o = r.body.object();
    QCOMPARE(o[u"state"_s].toString(), u"SCALING"_s);
    QCOMPARE(o[u"active_replicas"_s].toInt(), 3);
    QCOMPARE(o[u"replicas_to_drain"_s].toInt(), 2);
    QCOMPARE(o[u"replicas_to_create"_s].toInt(), 0);

    // Scaling to what already runs is steady.
    const ApiResponse steady
        = m_env->api().send("POST", pathOf(u"/v1/services/%1/scale"_s, id), QJsonObject { { u"replicas"_s, 3 } });
    QCOMPARE(steady.status, 200);
    QCOMPARE(steady.body.object()[u"state"_s].toString(), u"STEADY"_s);
}

// 3.4
void TestControlApi::refusesScaleBeyondCapacity()
{
    const QString id = create(simpleBody(u"bounded"_s, 2));
    QVERIFY(!id.isEmpty());
    const QByteArray before = m_env->storeDump();

    const ApiResponse r
        = m_env->api().send("POST", pathOf(u"/v1/services/%1/scale"_s, id), QJsonObject { { u"replicas"_s, 100 } });
    QCOMPARE(r.status, 409);
    QCOMPARE(r.error()->typeName(), u"ResourceLimitExceeded"_s);
    QCOMPARE(r.error()->details[u"requested_replicas"_s].toInt(), 100);
    QCOMPARE(r.error()->details[u"max_replicas_that_fit"_s].toInt(), 8);
    QCOMPARE(info(id)[u"replicas"_s].toInt(), 2);
    QCOMPARE(m_env->storeDump(), before);

    // Above the hard cap is a bad request, not a capacity question.
    const ApiResponse absurd
        = m_env->api().send("POST", pathOf(u"/v1/services/%1/scale"_s, id), QJsonObject { { u"replicas"_s, 1001 } });
    QCOMPARE(absurd.status, 400);
    QCOMPARE(absurd.error()->typeName(), u"InvalidArgument"_s);
    QCOMPARE(m_env->storeDump(), before);
}

void TestControlApi::createsAutoscalingRule_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("inequality");
    QTest::addColumn<QJsonValue>("targetPerReplica");

    QTest::newRow("4.1 cpu") << QJsonObject { { u"metric"_s, u"cpu_utilization"_s }, { u"threshold"_s, 70 },
        { u"min_replicas"_s, 2 }, { u"max_replicas"_s, 10 }, { u"scale_up_delay"_s, 60 },
        { u"scale_down_delay"_s, 300 } }
                             << u"KERNEL"_s << u"cpu_utilization > 70"_s << QJsonValue();
    QTest::newRow("4.2 requests per second") << QJsonObject { { u"metric"_s, u"requests_per_second"_s },
        { u"threshold"_s, 100 }, { u"target_per_replica"_s, 50 } }
                                             << u"PROXY"_s << u"requests_per_second > 100"_s << QJsonValue(50);
    QTest::newRow("4.3 custom metric") << QJsonObject { { u"metric"_s, u"queue_length"_s },
        { u"metric_source"_s, u"custom"_s }, { u"threshold"_s, 20 } }
                                       << u"CUSTOM"_s << u"queue_length > 20"_s << QJsonValue();
    QTest::newRow("explicit comparator") << QJsonObject { { u"metric"_s, u"gpu_utilization"_s },
        { u"comparator"_s, u">="_s }, { u"threshold"_s, 85.5 }, { u"step_size"_s, 2 }, { u"cooldown"_s, 120 } }
                                         << u"KERNEL"_s << u"gpu_utilization >= 85.5"_s << QJsonValue();
}

// 4.1-4.3
void TestControlApi::createsAutoscalingRule()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, source);
    QFETCH(QString, inequality);
    QFETCH(QJsonValue, targetPerReplica);

    const QString id = create(simpleBody(u"model-endpoint"_s, 2));
    QVERIFY(!id.isEmpty());
    const QString rulesPath = pathOf(u"/v1/services/%1/autoscaling-rules"_s, id);

    const ApiResponse r = m_env->api().send("POST", rulesPath, body);
    QCOMPARE(r.status, 201);
    const QJsonObject rule = r.body.object();
    QVERIFY(!QUuid::fromString(rule[u"rule_id"_s].toString()).isNull());
    QCOMPARE(rule[u"endpoint_id"_s].toString(), id);
    QCOMPARE(rule[u"metric_source"_s].toString(), source);
    // Every field asked for comes back as given.
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (it.key() == u"metric_source")
            continue;
        QVERIFY2(sameJson(rule[it.key()], it.value()),
            qPrintable(it.key() + u": "_s + QString::fromUtf8(QJsonDocument(rule).toJson(QJsonDocument::Compact))));
    }
    QVERIFY(sameJson(rule[u"target_per_replica"_s], targetPerReplica));
    // The condition is an explicit inequality, never a bare threshold.
    const QString condition = rule[u"condition"_s].toString();
    QVERIFY2(condition.contains(inequality), qPrintable(condition));
    if (targetPerReplica.isDouble())
        QVERIFY2(condition.contains(QString::number(targetPerReplica.toDouble())), qPrintable(condition));

    const ApiResponse listed = m_env->api().get(rulesPath);
    QCOMPARE(listed.status, 200);
    const QJsonArray rules = listed.body.object()[u"autoscaling_rules"_s].toArray();
    QCOMPARE(rules.size(), 1);
    QCOMPARE(rules.first().toObject(), rule);
    QCOMPARE(info(id)[u"autoscaling_rules"_s].toArray().size(), 1);
}

// 4.4
void TestControlApi::rejectsConflictingRule()
{
    const QString id = create(simpleBody(u"model-endpoint"_s, 2));
    QVERIFY(!id.isEmpty());
    const QString rulesPath = pathOf(u"/v1/services/%1/autoscaling-rules"_s, id);
    const ApiResponse first = m_env->api().send("POST", rulesPath,
        QJsonObject { { u"metric"_s, u"cpu_utilization"_s }, { u"threshold"_s, 70 }, { u"min_replicas"_s, 2 },
            { u"max_replicas"_s, 10 } });
    QCOMPARE(first.status, 201);
    const QString firstId = first.body.object()[u"rule_id"_s].toString();
    const QByteArray before = m_env->storeDump();

    const ApiResponse second = m_env->api().send("POST", rulesPath,
        QJsonObject { { u"metric"_s, u"cpu_utilization"_s }, { u"threshold"_s, 90 }, { u"min_replicas"_s, 2 },
            { u"max_replicas"_s, 10 } });
    QCOMPARE(second.status, 409);
    QCOMPARE(second.error()->typeName(), u"ConflictingRules"_s);
    QCOMPARE(second.error()->details[u"existing_rule_id"_s].toString(), firstId);
    QVERIFY(second.error()->message.contains(firstId));
    QCOMPARE(m_env->api().get(rulesPath).body.object()[u"autoscaling_rules"_s].toArray().size(), 1);
    QCOMPARE(m_env->storeDump(), before);
}

void TestControlApi::modifiesAndDeletesRule()
{
    const QString id = create(simpleBody(u"model-endpoint"_s, 2));
    QVERIFY(!id.isEmpty());
    const QString rulesPath = pathOf(u"/v1/services/%1/autoscaling-rules"_s, id);
    const ApiResponse created = m_env->api().send("POST", rulesPath,
        QJsonObject { { u"metric"_s, u"cpu_utilization"_s }, { u"threshold"_s, 70 }, { u"min_replicas"_s, 2 },
            { u"max_replicas"_s, 10 } });
    QCOMPARE(created.status, 201);
    const QString ruleId = created.body.object()[u"rule_id"_s].toString();
    const QString rulePath = rulesPath + u'/' + ruleId;

    const ApiResponse modified = m_env->api().send("PATCH", rulePath,
        QJsonObject { { u"threshold"_s, 85 }, { u"max_replicas"_s, 12 }, { u"comparator"_s, u">="_s } });
    QCOMPARE(modified.status, 200);
    const QJsonObject rule = modified.body.object();
    QCOMPARE(rule[u"rule_id"_s].toString(), ruleId);
    QCOMPARE(rule[u"threshold"_s].toDouble(), 85.0);
    QCOMPARE(rule[u"max_replicas"_s].toInt(), 12);
    QCOMPARE(rule[u"min_replicas"_s].toInt(), 2); // untouched
    QCOMPARE(rule[u"metric"_s].toString(), u"cpu_utilization"_s);
    QVERIFY2(rule[u"condition"_s].toString().contains(u"cpu_utilization >= 85"_s),
        qPrintable(rule[u"condition"_s].toString()));
    QVERIFY(timeOf(rule[u"updated_at"_s]) >= timeOf(rule[u"created_at"_s]));
    QCOMPARE(m_env->api().get(rulesPath).body.object()[u"autoscaling_rules"_s].toArray().first().toObject(), rule);

    // Moving another rule onto the same metric conflicts like creating it would.
    const ApiResponse other = m_env->api().send("POST", rulesPath,
        QJsonObject { { u"metric"_s, u"memory_utilization"_s }, { u"threshold"_s, 80 }, { u"min_replicas"_s, 2 },
            { u"max_replicas"_s, 12 } });
    QCOMPARE(other.status, 201);
    const QString otherPath = rulesPath + u'/' + other.body.object()[u"rule_id"_s].toString();
    const QByteArray beforeConflict = m_env->storeDump();
    const ApiResponse clash
        = m_env->api().send("PATCH", otherPath, QJsonObject { { u"metric"_s, u"cpu_utilization"_s } });
    QCOMPARE(clash.status, 409);
    QCOMPARE(clash.error()->typeName(), u"ConflictingRules"_s);
    QCOMPARE(clash.error()->details[u"existing_rule_id"_s].toString(), ruleId);
    QCOMPARE(m_env->storeDump(), beforeConflict);
    QCOMPARE(m_env->api().send("DELETE", otherPath).status, 200);

    const ApiResponse deleted = m_env->api().send("DELETE", rulePath);
    QCOMPARE(deleted.status, 200);
    QCOMPARE(deleted.body.object()[u"rule_id"_s].toString(), ruleId);
    QCOMPARE(m_env->api().get(rulesPath).body.object()[u"autoscaling_rules"_s].toArray().size(), 0);

    const ApiResponse again = m_env->api().send("DELETE", rulePath);
    QCOMPARE(again.status, 404);
    QCOMPARE(again.error()->typeName(), u"NotFound"_s);
    const ApiResponse patchGone = m_env->api().send("PATCH", rulePath, QJsonObject { { u"threshold"_s, 1 } });
    QCOMPARE(patchGone.status, 404);
    QCOMPARE(patchGone.error()->typeName(), u"NotFound"_s);
}

void TestControlApi::updatesRouteWeights_data()
{
    QTest::addColumn<QString>("idKey");
    QTest::addColumn<int>("first");
    QTest::addColumn<int>("second");
    QTest::addColumn<double>("firstShare");
    QTest::addColumn<double>("secondShare");

    QTest::newRow("5.1 weighted 70/30") << u"route_id"_s << 70 << 30 << 0.7 << 0.3;
    QTest::newRow("5.2 canary 95/5, spec's instance_id") << u"instance_id"_s << 95 << 5 << 0.95 << 0.05;
    QTest::newRow("5.3 blue-green 0/100") << u"route_id"_s << 0 << 100 << 0.0 << 1.0;
}

// 5.x: weights on HEALTHY routes written by "agents" straight into the store.
void TestControlApi::updatesRouteWeights()
{
    QFETCH(QString, idKey);
    QFETCH(int, first);
    QFETCH(int, second);
    QFETCH(double, firstShare);
    QFETCH(double, secondShare);

    const QString id = create(simpleBody(u"model-endpoint"_s, 2));
    QVERIFY(!id.isEmpty());
    const auto e = endpoint(id);
    QVERIFY(e);
    const Route a = ApiTest::healthyRoute(*e, 100, u"replica-a"_s);
    const Route b = ApiTest::healthyRoute(*e, 100, u"replica-b"_s);
    QVERIFY(m_env->repository().insertRoute(a).ok());
    QVERIFY(m_env->repository().insertRoute(b).ok());
    const QString aId = a.id.toString(QUuid::WithoutBraces);
    const QString bId = b.id.toString(QUuid::WithoutBraces);
    const QString routesPath = pathOf(u"/v1/services/%1/routes"_s, id);

    const auto shares = [&](const QJsonArray &routes) {
        QHash<QString, double> out;
        for (const QJsonValue &v : routes)
            out.insert(v.toObject()[u"route_id"_s].toString(), v.toObject()[u"traffic_share"_s].toDouble(-1));
        return out;
    };
    const auto near = [](double x, double y) { return std::abs(x - y) < 1e-9; };

    ApiResponse r = m_env->api().get(routesPath);
    QCOMPARE(r.status, 200);
    QJsonArray routes = r.body.object()[u"routes"_s].toArray();
    QCOMPARE(routes.size(), 2);
    QCOMPARE(routes.first().toObject()[u"status"_s].toString(), u"HEALTHY"_s);
    QVERIFY(near(shares(routes).value(aId), 0.5));

    const QJsonObject body { { u"routes"_s,
        QJsonArray { QJsonObject { { idKey, aId }, { u"weight"_s, first } },
            QJsonObject { { idKey, bId }, { u"weight"_s, second } } } } };
    r = m_env->api().send("PUT", routesPath, body);
    QCOMPARE(r.status, 200);
    routes = r.body.object()[u"routes"_s].toArray();
    QCOMPARE(routes.size(), 2);
    QVERIFY2(near(shares(routes).value(aId), firstShare), qPrintable(QString::number(shares(routes).value(aId))));
    QVERIFY2(near(shares(routes).value(bId), secondShare), qPrintable(QString::number(shares(routes).value(bId))));

    // Stored, not just echoed.
    routes = m_env->api().get(routesPath).body.object()[u"routes"_s].toArray();
    for (const QJsonValue &v : std::as_const(routes)) {
        const QJsonObject route = v.toObject();
        QCOMPARE(route[u"weight"_s].toInt(), route[u"route_id"_s].toString() == aId ? first : second);
    }
    QVERIFY(near(shares(routes).value(aId), firstShare));
    QVERIFY(near(shares(info(id)[u"routes"_s].toArray()).value(bId), secondShare));
}

void TestControlApi::rejectsBadRouteWeights_data()
{
    // {A} and {B} are the endpoint's routes, {X} a route id it does not have.
    QTest::addColumn<QString>("body");
    QTest::addColumn<bool>("provisioningReplica"); // a third replica still starting, weight 100
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");

    QTest::newRow("unknown route id")
        << uR"({"routes":[{"route_id":"{A}","weight":50},{"route_id":"{X}","weight":50}]})"_s << false << 404
        << u"NotFound"_s;
    QTest::newRow("weight 101") << uR"({"routes":[{"route_id":"{A}","weight":101}]})"_s << false << 400
                                << u"InvalidArgument"_s;
    QTest::newRow("negative weight") << uR"({"routes":[{"route_id":"{A}","weight":-1}]})"_s << false << 400
                                     << u"InvalidArgument"_s;
    QTest::newRow("all weights 0") << uR"({"routes":[{"route_id":"{A}","weight":0},{"route_id":"{B}","weight":0}]})"_s
                                   << false << 400 << u"InvalidArgument"_s;
    // Only HEALTHY routes take traffic: a replica that is still starting does not keep the endpoint serving.
    QTest::newRow("all HEALTHY weights 0, one replica PROVISIONING")
        << uR"({"routes":[{"route_id":"{A}","weight":0},{"route_id":"{B}","weight":0}]})"_s << true << 400
        << u"InvalidArgument"_s;
    QTest::newRow("route named twice")
        << uR"({"routes":[{"route_id":"{A}","weight":10},{"route_id":"{A}","weight":20}]})"_s << false << 400
        << u"InvalidArgument"_s;
    QTest::newRow("not a route id") << uR"({"routes":[{"route_id":"inst-1","weight":10}]})"_s << false << 400
                                    << u"InvalidArgument"_s;
    QTest::newRow("no routes") << uR"({"routes":[]})"_s << false << 400 << u"InvalidArgument"_s;
    QTest::newRow("weight as text") << uR"({"routes":[{"route_id":"{A}","weight":"70"}]})"_s << false << 400
                                    << u"InvalidArgument"_s;
}

void TestControlApi::rejectsBadRouteWeights()
{
    QFETCH(QString, body);
    QFETCH(bool, provisioningReplica);
    QFETCH(int, status);
    QFETCH(QString, type);

    const QString id = create(simpleBody(u"model-endpoint"_s, 3));
    QVERIFY(!id.isEmpty());
    const auto e = endpoint(id);
    QVERIFY(e);
    const Route a = ApiTest::healthyRoute(*e, 70, u"replica-a"_s);
    const Route b = ApiTest::healthyRoute(*e, 30, u"replica-b"_s);
    QVERIFY(m_env->repository().insertRoute(a).ok());
    QVERIFY(m_env->repository().insertRoute(b).ok());
    if (provisioningReplica) {
        Route starting = ApiTest::healthyRoute(*e, 100, u"replica-c"_s);
        starting.status = RouteStatus::Provisioning;
        QVERIFY(m_env->repository().insertRoute(starting).ok());
    }
    body.replace(u"{A}"_s, a.id.toString(QUuid::WithoutBraces))
        .replace(u"{B}"_s, b.id.toString(QUuid::WithoutBraces))
        .replace(u"{X}"_s, QUuid::createUuid().toString(QUuid::WithoutBraces));
    const QString routesPath = pathOf(u"/v1/services/%1/routes"_s, id);
    const QJsonObject routesBefore = m_env->api().get(routesPath).body.object();
    const QByteArray before = m_env->storeDump();

    const ApiResponse r = m_env->api().send("PUT", routesPath, body.toUtf8());
    QCOMPARE(r.status, status);
    QCOMPARE(r.error()->typeName(), type);
    QVERIFY(!r.error()->message.isEmpty());
    QCOMPARE(m_env->api().get(routesPath).body.object(), routesBefore);
    QCOMPARE(m_env->storeDump(), before);
}

void TestControlApi::deletesRouteAndSyncs()
{
    const QString id = create(simpleBody(u"model-endpoint"_s, 3));
    QVERIFY(!id.isEmpty());
    const auto e = endpoint(id);
    QVERIFY(e);
    const Route a = ApiTest::healthyRoute(*e, 50, u"replica-a"_s);
    const Route b = ApiTest::healthyRoute(*e, 50, u"replica-b"_s);
    Route c = ApiTest::healthyRoute(*e, 100, u"replica-c"_s);
    c.status = RouteStatus::Provisioning;
    for (const Route &r : { a, b, c })
        QVERIFY(m_env->repository().insertRoute(r).ok());
    const QString aId = a.id.toString(QUuid::WithoutBraces);

    // Force sync hands the proxy the routes that serve: the HEALTHY ones.
    ApiResponse r = m_env->api().send("POST", pathOf(u"/v1/services/%1/sync"_s, id));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.object()[u"synced"_s].toBool(), true);
    QCOMPARE(r.body.object()[u"routes"_s].toArray().size(), 2);

    r = m_env->api().send("DELETE", pathOf(u"/v1/services/%1/routes/"_s, id) + aId);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.object()[u"route_id"_s].toString(), aId);
    QCOMPARE(r.body.object()[u"status"_s].toString(), u"TERMINATING"_s);
    // The desired count follows, or a replacement would be started.
    QJsonObject o = info(id);
    QCOMPARE(o[u"replicas"_s].toInt(), 2);
    QCOMPARE(o[u"active_replicas"_s].toInt(), 2);
    r = m_env->api().send("POST", pathOf(u"/v1/services/%1/sync"_s, id));
    QCOMPARE(r.body.object()[u"routes"_s].toArray().size(), 1);
    QCOMPARE(r.body.object()[u"routes"_s].toArray().first().toObject()[u"route_id"_s].toString(),
        b.id.toString(QUuid::WithoutBraces));

    // Deleting it again changes nothing more.
    r = m_env->api().send("DELETE", pathOf(u"/v1/services/%1/routes/"_s, id) + aId);
    QCOMPARE(r.status, 200);
    QCOMPARE(info(id)[u"replicas"_s].toInt(), 2);
    r = m_env->api().send("DELETE", pathOf(u"/v1/services/%1/routes/not-a-route"_s, id));
    QCOMPARE(r.status, 400);
    QCOMPARE(r.error()->typeName(), u"InvalidArgument"_s);
}

void TestControlApi::generatesToken_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("scope");
    QTest::addColumn<qint64>("expirySeconds"); // -1: never expires
    QTest::addColumn<QStringList>("allowedIps");

    QTest::newRow("6.1 a day, inference") << QJsonObject { { u"expiry"_s, 86400 }, { u"scope"_s, u"inference"_s } }
                                          << u"inference"_s << qint64(86400) << QStringList();
    QTest::newRow("6.2 no expiry, admin")
        << QJsonObject { { u"expiry"_s, QJsonValue::Null }, { u"scope"_s, u"admin"_s } } << u"admin"_s << qint64(-1)
        << QStringList();
    QTest::newRow("6.3 read-only from one subnet")
        << QJsonObject { { u"scope"_s, u"read-only"_s }, { u"allowed_ips"_s, QJsonArray { u"192.168.1.0/24"_s } } }
        << u"read-only"_s << qint64(86400) << QStringList { u"192.168.1.0/24"_s };
    QTest::newRow("host bits cleared, IPv6")
        << QJsonObject { { u"scope"_s, u"inference"_s }, { u"expiry"_s, 60 },
               { u"allowed_ips"_s, QJsonArray { u"10.1.2.3/8"_s, u"2001:db8::1/32"_s } } }
        << u"inference"_s << qint64(60) << QStringList { u"10.0.0.0/8"_s, u"2001:db8::/32"_s };
}

// 6.x
void TestControlApi::generatesToken()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, scope);
    QFETCH(qint64, expirySeconds);
    QFETCH(QStringList, allowedIps);

    const QString id = create(simpleBody(u"private-endpoint"_s, 1));
    QVERIFY(!id.isEmpty());
    const QDateTime requestedAt = QDateTime::currentDateTimeUtc();
    const ApiResponse r = m_env->api().send("POST", pathOf(u"/v1/services/%1/tokens"_s, id), body);
    QCOMPARE(r.status, 201);
    const QJsonObject o = r.body.object();

    // A JWT: header.payload.signature, base64url.
    const QByteArray token = o[u"token"_s].toString().toLatin1();
    const QList<QByteArray> parts = token.split('.');
    QCOMPARE(parts.size(), 3);
    for (const QByteArray &part : parts)
        QVERIFY(!part.isEmpty());
    const QJsonObject header = QJsonDocument::fromJson(base64UrlDecode(parts[0])).object();
    QCOMPARE(header[u"typ"_s].toString(), u"JWT"_s);
    QCOMPARE(header[u"alg"_s].toString(), u"HS256"_s);
    const QJsonObject payload = QJsonDocument::fromJson(base64UrlDecode(parts[1])).object();
    QCOMPARE(payload[u"sub"_s].toString(), id);
    QCOMPARE(payload[u"scope"_s].toString(), scope);
    QCOMPARE(payload[u"jti"_s].toString(), o[u"token_id"_s].toString());

    QCOMPARE(o[u"scope"_s].toString(), scope);
    QCOMPARE(o[u"endpoint_id"_s].toString(), id);
    QCOMPARE(stringsOf(o[u"allowed_ips"_s]), allowedIps);
    const QDateTime createdAt = timeOf(o[u"created_at"_s]);
    QVERIFY(createdAt.isValid());
    if (expirySeconds < 0) {
        QVERIFY2(o[u"expires_at"_s].isNull(), qPrintable(o[u"expires_at"_s].toString()));
        QVERIFY(!payload.contains(u"exp"_s));
    } else {
        const QDateTime expiresAt = timeOf(o[u"expires_at"_s]);
        QVERIFY(expiresAt.isValid());
        QCOMPARE(createdAt.secsTo(expiresAt), expirySeconds);
        // About a day from now (the clock may tick between request and issue).
        QVERIFY(std::abs(requestedAt.secsTo(expiresAt) - expirySeconds) <= 60);
        QCOMPARE(payload[u"exp"_s].toInteger(), expiresAt.toSecsSinceEpoch());
    }
    if (!allowedIps.isEmpty())
        QCOMPARE(stringsOf(payload[u"ips"_s]), allowedIps);

    // Listed as a grant, never with the token itself.
    const ApiResponse listed = m_env->api().get(pathOf(u"/v1/services/%1/tokens"_s, id));
    QCOMPARE(listed.status, 200);
    const QJsonArray tokens = listed.body.object()[u"tokens"_s].toArray();
    QCOMPARE(tokens.size(), 1);
    QCOMPARE(tokens.first().toObject()[u"token_id"_s].toString(), o[u"token_id"_s].toString());
    QVERIFY(!tokens.first().toObject().contains(u"token"_s));
}

void TestControlApi::rejectsBadTokenRequest_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("field");

    QTest::newRow("unknown scope") << QJsonObject { { u"scope"_s, u"superuser"_s } } << u"scope"_s;
    QTest::newRow("scope not a string") << QJsonObject { { u"scope"_s, 1 } } << u"scope"_s;
    QTest::newRow("prefix over 32") << QJsonObject { { u"scope"_s, u"read-only"_s },
        { u"allowed_ips"_s, QJsonArray { u"192.168.1.0/33"_s } } }
                                    << QString();
    QTest::newRow("not an address") << QJsonObject {
        { u"allowed_ips"_s, QJsonArray { u"192.168.1.0/24"_s, u"not-an-ip"_s } }
    } << QString();
    QTest::newRow("allowed_ips a string")
        << QJsonObject { { u"allowed_ips"_s, u"192.168.1.0/24"_s } } << u"allowed_ips"_s;
    QTest::newRow("expiry 0") << QJsonObject { { u"expiry"_s, 0 } } << u"expiry"_s;
    QTest::newRow("expiry negative") << QJsonObject { { u"expiry"_s, -60 } } << u"expiry"_s;
    QTest::newRow("expiry over ten years") << QJsonObject { { u"expiry"_s, 400000000 } } << u"expiry"_s;
}

void TestControlApi::rejectsBadTokenRequest()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, field);

    const QString id = create(simpleBody(u"private-endpoint"_s, 1));
    QVERIFY(!id.isEmpty());
    const QByteArray before = m_env->storeDump();
    const ApiResponse r = m_env->api().send("POST", pathOf(u"/v1/services/%1/tokens"_s, id), body);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.error()->typeName(), u"InvalidArgument"_s);
    QVERIFY(!r.error()->message.isEmpty());
    if (!field.isEmpty())
        QCOMPARE(r.error()->details[u"field"_s].toString(), field);
    QCOMPARE(m_env->api().get(pathOf(u"/v1/services/%1/tokens"_s, id)).body.object()[u"tokens"_s].toArray().size(), 0);
    QCOMPARE(m_env->storeDump(), before);
}

void TestControlApi::revokesToken()
{
    const QString id = create(simpleBody(u"private-endpoint"_s, 1));
    QVERIFY(!id.isEmpty());
    const QString tokensPath = pathOf(u"/v1/services/%1/tokens"_s, id);
    const ApiResponse issued = m_env->api().send("POST", tokensPath, QJsonObject { { u"scope"_s, u"inference"_s } });
    QCOMPARE(issued.status, 201);
    const QString tokenId = issued.body.object()[u"token_id"_s].toString();
    QVERIFY(issued.body.object()[u"revoked_at"_s].isNull());

    ApiResponse r = m_env->api().send("DELETE", tokensPath + u'/' + tokenId);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.object()[u"token_id"_s].toString(), tokenId);
    const QDateTime revokedAt = timeOf(r.body.object()[u"revoked_at"_s]);
    QVERIFY(revokedAt.isValid());
    const QJsonObject listed = m_env->api().get(tokensPath).body.object()[u"tokens"_s].toArray().first().toObject();
    QCOMPARE(timeOf(listed[u"revoked_at"_s]), revokedAt);

    // Revoking twice keeps the first revocation time.
    r = m_env->api().send("DELETE", tokensPath + u'/' + tokenId);
    QCOMPARE(r.status, 200);
    QCOMPARE(timeOf(r.body.object()[u"revoked_at"_s]), revokedAt);
}

// 7.1
void TestControlApi::listsRecentErrors()
{
    const QString id = create(simpleBody(u"failing-endpoint"_s, 1));
    const QString other = create(simpleBody(u"other-endpoint"_s, 1));
    QVERIFY(!id.isEmpty() && !other.isEmpty());
    const QStringList kinds { u"OOMKilled"_s, u"CrashLoop"_s, u"HealthCheckFailed"_s };
    const QDateTime base = QDateTime::currentDateTimeUtc().addSecs(-3600);
    for (int i = 0; i < 15; ++i)
        QVERIFY(recordError(id, kinds[i % kinds.size()], base.addSecs(i * 10), u"failure %1"_s.arg(i)));
    QVERIFY(recordError(other, u"Timeout"_s, base.addSecs(1000), u"elsewhere"_s));

    const ApiResponse r = m_env->api().get(pathOf(u"/v1/services/%1/errors?limit=10"_s, id));
    QCOMPARE(r.status, 200);
    const QJsonArray errors = r.body.object()[u"errors"_s].toArray();
    QCOMPARE(errors.size(), 10);
    // The newest ten, newest first, each with time, type and message.
    for (int i = 0; i < errors.size(); ++i) {
        const QJsonObject e = errors[i].toObject();
        const int n = 14 - i;
        QCOMPARE(e[u"message"_s].toString(), u"failure %1"_s.arg(n));
        QCOMPARE(e[u"type"_s].toString(), kinds[n % kinds.size()]);
        QCOMPARE(timeOf(e[u"time"_s]), base.addSecs(n * 10));
        QCOMPARE(e[u"endpoint_id"_s].toString(), id);
        QVERIFY(e[u"error_id"_s].toInteger() > 0);
        QCOMPARE(e[u"replica_id"_s].toString(), u"replica-1"_s);
        if (e[u"type"_s].toString() == u"OOMKilled")
            QCOMPARE(e[u"exit_code"_s].toInt(), 137);
        else
            QVERIFY(e[u"exit_code"_s].isNull());
    }

    // Without a limit: all of this endpoint's, none of the other's.
    QCOMPARE(m_env->api().get(pathOf(u"/v1/services/%1/errors"_s, id)).body.object()[u"errors"_s].toArray().size(), 15);
    QCOMPARE(m_env->api().get(u"/v1/errors?limit=100"_s).body.object()[u"errors"_s].toArray().size(), 16);

    for (const QString &bad : { u"0"_s, u"-1"_s, u"1001"_s, u"ten"_s }) {
        const ApiResponse refused = m_env->api().get(pathOf(u"/v1/services/%1/errors?limit="_s, id) + bad);
        QCOMPARE(refused.status, 400);
        QCOMPARE(refused.error()->typeName(), u"InvalidArgument"_s);
    }
}

// 7.2
void TestControlApi::filtersErrorsByType()
{
    const QString id = create(simpleBody(u"failing-endpoint"_s, 1));
    const QString other = create(simpleBody(u"other-endpoint"_s, 1));
    QVERIFY(!id.isEmpty() && !other.isEmpty());
    const QDateTime base = QDateTime::currentDateTimeUtc().addSecs(-600);
    const QStringList types { u"OOMKilled"_s, u"CrashLoop"_s, u"OOMKilled"_s, u"HealthCheckFailed"_s, u"OOMKilled"_s,
        u"CrashLoop"_s, u"Timeout"_s };
    for (int i = 0; i < types.size(); ++i)
        QVERIFY(recordError(id, types[i], base.addSecs(i), types[i] + u" #"_s + QString::number(i)));
    QVERIFY(recordError(other, u"OOMKilled"_s, base.addSecs(100), u"other OOM"_s));

    const auto typesIn = [](const ApiResponse &r) {
        QStringList out;
        const QJsonArray errors = r.body.object()[u"errors"_s].toArray();
        for (const QJsonValue &e : errors)
            out << e.toObject()[u"type"_s].toString();
        return out;
    };
    const QStringList threeOom { u"OOMKilled"_s, u"OOMKilled"_s, u"OOMKilled"_s };

    ApiResponse r = m_env->api().get(pathOf(u"/v1/services/%1/errors?type=OOMKilled"_s, id));
    QCOMPARE(r.status, 200);
    QCOMPARE(typesIn(r), threeOom);
    // The spec's own parameter name.
    r = m_env->api().get(pathOf(u"/v1/services/%1/errors?error_type=OOMKilled"_s, id));
    QCOMPARE(r.status, 200);
    QCOMPARE(typesIn(r), threeOom);
    r = m_env->api().get(pathOf(u"/v1/services/%1/errors?type=CrashLoop&limit=1"_s, id));
    QCOMPARE(typesIn(r), QStringList { u"CrashLoop"_s });
    QCOMPARE(r.body.object()[u"errors"_s].toArray().first().toObject()[u"message"_s].toString(), u"CrashLoop #5"_s);
    // A known kind with no records is an empty list, not an error.
    r = m_env->api().get(pathOf(u"/v1/services/%1/errors?type=CudaOutOfMemory"_s, id));
    QCOMPARE(r.status, 200);
    QCOMPARE(typesIn(r), QStringList());
    // Across endpoints.
    r = m_env->api().get(u"/v1/errors?type=OOMKilled"_s);
    QCOMPARE(r.status, 200);
    QCOMPARE(typesIn(r).size(), 4);
    QCOMPARE(typesIn(r).count(u"OOMKilled"_s), 4);

    for (const QString &path : { pathOf(u"/v1/services/%1/errors?type=OutOfCheese"_s, id),
             pathOf(u"/v1/services/%1/errors?type=oomkilled"_s, id), u"/v1/errors?type=OutOfCheese"_s }) {
        const ApiResponse refused = m_env->api().get(path);
        QVERIFY2(refused.status == 400, qPrintable(path));
        QCOMPARE(refused.error()->typeName(), u"InvalidArgument"_s);
        QCOMPARE(refused.error()->details[u"field"_s].toString(), u"type"_s);
    }
}

void TestControlApi::clearsErrors()
{
    const QString id = create(simpleBody(u"failing-endpoint"_s, 1));
    const QString other = create(simpleBody(u"other-endpoint"_s, 1));
    QVERIFY(!id.isEmpty() && !other.isEmpty());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (int i = 0; i < 4; ++i)
        QVERIFY(recordError(id, u"CrashLoop"_s, now.addSecs(-i), u"crash"_s));
    QVERIFY(recordError(other, u"OOMKilled"_s, now, u"oom"_s));
    // A failing endpoint has used up retries; clearing gives them back.
    auto e = endpoint(id);
    QVERIFY(e);
    e->retries = 3;
    QVERIFY(m_env->repository().updateEndpoint(*e).ok());

    ApiResponse r = m_env->api().send("DELETE", pathOf(u"/v1/services/%1/errors"_s, id));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.object()[u"cleared"_s].toInt(), 4);
    QCOMPARE(m_env->api().get(pathOf(u"/v1/services/%1/errors"_s, id)).body.object()[u"errors"_s].toArray().size(), 0);
    QCOMPARE(
        m_env->api().get(pathOf(u"/v1/services/%1/errors"_s, other)).body.object()[u"errors"_s].toArray().size(), 1);
    QCOMPARE(info(id)[u"retries"_s].toInt(-1), 0);

    r = m_env->api().send("DELETE", pathOf(u"/v1/services/%1/errors"_s, u"failing-endpoint"_s));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.object()[u"cleared"_s].toInt(-1), 0);
}

// 8.1
void TestControlApi::returnsServiceInfo()
{
    const QString id = create(ApiTest::specCreateBody(u"running-endpoint"_s));
    QVERIFY(!id.isEmpty());

    QJsonObject o = info(id);
    QCOMPARE(o[u"id"_s].toString(), id);
    QCOMPARE(o[u"url"_s].toString(), m_env->proxyBaseUrl() + u"/running-endpoint"_s);
    QCOMPARE(o[u"status"_s].toString(), u"PROVISIONING"_s);
    QCOMPARE(o[u"replicas"_s].toInt(), 2);
    QCOMPARE(o[u"active_replicas"_s].toInt(-1), 0);
    QCOMPARE(o[u"healthy_replicas"_s].toInt(-1), 0);
    QCOMPARE(o[u"model_version"_s].toString(), u"v1.0"_s);
    QCOMPARE(o[u"runtime_variant"_s].toString(), u"custom"_s);
    QCOMPARE(o[u"resource_group"_s].toString(), u"default"_s);
    QCOMPARE(o[u"resource_slots"_s].toObject(), slotsJson(u"2"_s, u"4G"_s));
    QCOMPARE(o[u"resource_usage"_s].toObject()[u"per_replica"_s].toObject(), slotsJson(u"2"_s, u"4G"_s));
    QCOMPARE(o[u"resource_usage"_s].toObject()[u"allocated"_s].toObject(), slotsJson(u"0"_s, u"0"_s));
    QVERIFY(o[u"routes"_s].isArray());
    QVERIFY(o[u"autoscaling_rules"_s].isArray());
    QCOMPARE(o[u"revisions"_s].toArray().size(), 1);
    QVERIFY(!o.contains(u"metrics"_s));
    // How to call it, from iris-v1's model definition.
    const QJsonObject request = o[u"request"_s].toObject();
    QCOMPARE(request[u"path"_s].toString(), u"/predict"_s);
    QCOMPARE(QJsonDocument::fromJson(request[u"example"_s].toString().toUtf8())[u"features"_s].toArray().size(), 4);
    QCOMPARE(request[u"input_field"_s].toString(), u"features"_s);
    QCOMPARE(request[u"input_shape"_s].toArray(), QJsonArray{4});
    QCOMPARE(request[u"input_range"_s].toArray().size(), 2);

    // With replicas running the same call shows them and what they use.
    const auto e = endpoint(id);
    QVERIFY(e);
    QVERIFY(m_env->repository().insertRoute(ApiTest::healthyRoute(*e, 100, u"replica-1"_s)).ok());
    QVERIFY(m_env->repository().insertRoute(ApiTest::healthyRoute(*e, 100, u"replica-2"_s)).ok());
    o = info(u"running-endpoint"_s);
    QCOMPARE(o[u"status"_s].toString(), u"HEALTHY"_s);
    QCOMPARE(o[u"active_replicas"_s].toInt(), 2);
    QCOMPARE(o[u"healthy_replicas"_s].toInt(), 2);
    QCOMPARE(o[u"routes"_s].toArray().size(), 2);
    QCOMPARE(o[u"resource_usage"_s].toObject()[u"allocated"_s].toObject(), slotsJson(u"4"_s, u"8G"_s));

    const ApiResponse missing = m_env->api().get(u"/v1/services/no-such-endpoint"_s);
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.error()->typeName(), u"NotFound"_s);
}

// 8.2
void TestControlApi::returnsServiceInfoWithMetrics()
{
    const QString id = create(ApiTest::specCreateBody(u"running-endpoint"_s));
    QVERIFY(!id.isEmpty());

    // Nothing measured yet: zeros and no mean latency.
    ApiResponse r = m_env->api().get(pathOf(u"/v1/services/%1?include_metrics=true"_s, id));
    QCOMPARE(r.status, 200);
    QJsonObject metrics = r.body.object()[u"metrics"_s].toObject();
    QCOMPARE(metrics[u"requests"_s].toInt(-1), 0);
    QCOMPARE(metrics[u"error_rate"_s].toDouble(-1), 0.0);
    QVERIFY(metrics.contains(u"mean_latency_ms"_s));
    QVERIFY(metrics[u"mean_latency_ms"_s].isNull());

    QUuid asked;
    m_env->service().setMetricsSource([&asked](const QUuid &endpointId) {
        asked = endpointId;
        EndpointMetrics m;
        m.requests = 200;
        m.errors = 10;
        m.meanLatencyMs = 42.5;
        return m;
    });
    r = m_env->api().get(pathOf(u"/v1/services/%1?include_metrics=true"_s, id));
    QCOMPARE(r.status, 200);
    QCOMPARE(asked, QUuid::fromString(id));
    metrics = r.body.object()[u"metrics"_s].toObject();
    QCOMPARE(metrics[u"requests"_s].toInt(), 200);
    QCOMPARE(metrics[u"errors"_s].toInt(), 10);
    QCOMPARE(metrics[u"error_rate"_s].toDouble(), 0.05);
    QCOMPARE(metrics[u"mean_latency_ms"_s].toDouble(), 42.5);
    QCOMPARE(r.body.object()[u"id"_s].toString(), id);

    // Asked not to, it does not include them.
    r = m_env->api().get(pathOf(u"/v1/services/%1?include_metrics=false"_s, id));
    QCOMPARE(r.status, 200);
    QVERIFY(!r.body.object().contains(u"metrics"_s));
    r = m_env->api().get(pathOf(u"/v1/services/%1?include_metrics=perhaps"_s, id));
    QCOMPARE(r.status, 400);
    QCOMPARE(r.error()->typeName(), u"InvalidArgument"_s);
}

void TestControlApi::modifiesEndpoint()
{
    const QString id = create(simpleBody(u"evolving"_s, 2));
    QVERIFY(!id.isEmpty());
    const QString path = u"/v1/services/"_s + id;

    ApiResponse r = m_env->api().send("PATCH", path, QJsonObject { { u"replicas"_s, 3 }, { u"public"_s, true } });
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.object()[u"replicas"_s].toInt(), 3);
    QCOMPARE(r.body.object()[u"public"_s].toBool(), true);

    QCOMPARE(r.body.object()[u"rollout_started"_s].toBool(true), false);

    // A new model makes a new revision and a rolling rollout to it; the first revision stays the
    // stable one, serving, until the rollout succeeds.
    const QString firstRevision = info(id)[u"current_revision_id"_s].toString();
    r = m_env->api().send(
        "PATCH", path, QJsonObject { { u"model_version"_s, u"v2"_s }, { u"model_folder"_s, u"iris-v2"_s } });
    QVERIFY2(r.status == 200, r.body.toJson(QJsonDocument::Compact).constData());
    QCOMPARE(r.body.object()[u"rollout_started"_s].toBool(), true);
    const QJsonObject rollout = r.body.object()[u"rollout"_s].toObject();
    QCOMPARE(rollout[u"strategy"_s].toString(), u"rolling"_s);
    QCOMPARE(rollout[u"phase"_s].toString(), u"PROGRESSING"_s);
    QCOMPARE(rollout[u"from_version"_s].toString(), u"v1"_s);
    QCOMPARE(rollout[u"to_version"_s].toString(), u"v2"_s);
    QJsonObject o = info(id);
    QCOMPARE(o[u"model_version"_s].toString(), u"v1"_s);
    QCOMPARE(o[u"model_folder"_s].toString(), QDir::cleanPath(ApiTest::irisV1()));
    const QJsonArray revisions = o[u"revisions"_s].toArray();
    QCOMPARE(revisions.size(), 2);
    QCOMPARE(revisions[0].toObject()[u"revision_id"_s].toString(), firstRevision);
    QCOMPARE(revisions[1].toObject()[u"number"_s].toInt(), 2);
    QCOMPARE(o[u"current_revision_id"_s].toString(), firstRevision);
    QCOMPARE(rollout[u"from_revision_id"_s].toString(), firstRevision);
    QCOMPARE(rollout[u"to_revision_id"_s].toString(), revisions[1].toObject()[u"revision_id"_s].toString());
    QCOMPARE(o[u"rollout"_s].toObject()[u"rollout_id"_s].toString(), rollout[u"rollout_id"_s].toString());

    // A new name moves the url with it.
    r = m_env->api().send("PATCH", path, QJsonObject { { u"name"_s, u"renamed"_s } });
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.object()[u"url"_s].toString(), m_env->proxyBaseUrl() + u"/renamed"_s);
    QCOMPARE(m_env->api().get(u"/v1/services/evolving"_s).status, 404);
    QCOMPARE(info(u"renamed"_s)[u"id"_s].toString(), id);

    // Refused changes leave everything as it was.
    const QByteArray before = m_env->storeDump();
    r = m_env->api().send("PATCH", path, QJsonObject { { u"replicas"_s, 100 } });
    QCOMPARE(r.status, 409);
    QCOMPARE(r.error()->typeName(), u"ResourceLimitExceeded"_s);
    QVERIFY(!create(simpleBody(u"neighbour"_s, 1)).isEmpty());
    const QByteArray withNeighbour = m_env->storeDump();
    r = m_env->api().send("PATCH", path, QJsonObject { { u"name"_s, u"neighbour"_s } });
    QCOMPARE(r.status, 409);
    QCOMPARE(r.error()->typeName(), u"ModelAlreadyExists"_s);
    r = m_env->api().send("PATCH", path, QJsonObject { { u"name"_s, u"Not A DNS Label"_s } });
    QCOMPARE(r.status, 400);
    QCOMPARE(r.error()->typeName(), u"InvalidArgument"_s);
    QCOMPARE(m_env->storeDump(), withNeighbour);
    QVERIFY(before != withNeighbour);
}

// Condition-based serving and shadow A/B: what a revision serves is set per revision.
void TestControlApi::setsRevisionConditionAndMode()
{
    const QString id = create(simpleBody(u"plants"_s, 1));
    QVERIFY(!id.isEmpty());
    // A second revision beside the stable one: a rollout to it, aborted, leaves it there.
    ApiResponse r = m_env->api().send("PATCH", u"/v1/services/plants"_s,
        QJsonObject { { u"model_version"_s, u"mountain"_s }, { u"model_folder"_s, u"iris-v2"_s } });
    QCOMPARE(r.status, 200);
    QCOMPARE(m_env->api().send("POST", u"/v1/services/plants/rollouts/current/abort"_s).status, 200);

    r = m_env->api().get(u"/v1/services/plants/revisions"_s);
    QCOMPARE(r.status, 200);
    QJsonArray revisions = r.body.object()[u"revisions"_s].toArray();
    QCOMPARE(revisions.size(), 2);
    const QString mountainId = revisions[1].toObject()[u"revision_id"_s].toString();
    auto endpointNow = endpoint(id);
    QVERIFY(endpointNow);
    Route onMountain = ApiTest::healthyRoute(*endpointNow, 0, u"local:1:40001"_s);
    onMountain.revisionId = QUuid::fromString(mountainId);
    QVERIFY(m_env->repository().insertRoute(onMountain).ok());

    r = m_env->api().get(u"/v1/services/plants/revisions"_s);
    QCOMPARE(r.status, 200);
    revisions = r.body.object()[u"revisions"_s].toArray();
    QCOMPARE(revisions.size(), 2);
    for (const QJsonValue &v : revisions) {
        QVERIFY(v.toObject()[u"match_header"_s].isNull());
        QCOMPARE(v.toObject()[u"mode"_s].toString(), u"serve"_s);
    }
    QCOMPARE(revisions[1].toObject()[u"active_routes"_s].toInt(), 1);
    QCOMPARE(revisions[1].toObject()[u"healthy_routes"_s].toInt(), 1);
    QCOMPARE(revisions[0].toObject()[u"active_routes"_s].toInt(), 0);

    // By model version; the name is read case-insensitively and stored lower-case, the value as given.
    r = m_env->api().send("PATCH", u"/v1/services/plants/revisions/mountain"_s,
        QJsonObject { { u"match_header"_s, u"Target:  Mountain "_s } });
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.object()[u"match_header"_s].toString(), u"target: Mountain"_s);
    QCOMPARE(r.body.object()[u"mode"_s].toString(), u"serve"_s);
    QCOMPARE(r.body.object()[u"revision_id"_s].toString(), mountainId);
    auto stored = m_env->repository().revision(QUuid::fromString(mountainId));
    QVERIFY(stored && stored->has_value() && (*stored)->matchHeader);
    QCOMPARE((*stored)->matchHeader->name, u"target"_s);
    QCOMPARE((*stored)->matchHeader->value, u"Mountain"_s);

    // By revision id, both fields at once; GET by either name agrees.
    r = m_env->api().send("PATCH", u"/v1/services/%1/revisions/%2"_s.arg(id, mountainId),
        QJsonObject { { u"match_header"_s, QJsonValue() }, { u"mode"_s, u"shadow"_s } });
    QCOMPARE(r.status, 200);
    QVERIFY(r.body.object()[u"match_header"_s].isNull());
    QCOMPARE(r.body.object()[u"mode"_s].toString(), u"shadow"_s);
    for (const QString &name : { u"mountain"_s, mountainId }) {
        r = m_env->api().get(u"/v1/services/plants/revisions/"_s + name);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.object()[u"mode"_s].toString(), u"shadow"_s);
        QCOMPARE(r.body.object()[u"model_version"_s].toString(), u"mountain"_s);
    }
    // Info shows the same.
    revisions = info(id)[u"revisions"_s].toArray();
    QCOMPARE(revisions[1].toObject()[u"mode"_s].toString(), u"shadow"_s);

    // A shadow outside any rollout has its own replica count; a mistyped one changes nothing.
    r = m_env->api().send("PATCH", u"/v1/services/plants/revisions/mountain"_s, QJsonObject { { u"replicas"_s, 2 } });
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.object()[u"replicas"_s].toInt(), 2);
    QCOMPARE((*m_env->repository().revision(QUuid::fromString(mountainId)))->replicas, 2);
    const QByteArray twoShadows = m_env->storeDump();
    for (const QJsonValue &bad : { QJsonValue(u"two"_s), QJsonValue(-1), QJsonValue(1001), QJsonValue(1.5) }) {
        r = m_env->api().send("PATCH", u"/v1/services/plants/revisions/mountain"_s, QJsonObject { { u"replicas"_s, bad } });
        QCOMPARE(r.status, 400);
        QCOMPARE(r.error()->details[u"field"_s].toString(), u"replicas"_s);
    }
    QCOMPARE(m_env->storeDump(), twoShadows);

    // The other revision is now the only one serving: it cannot become a shadow too.
    const QByteArray before = m_env->storeDump();
    r = m_env->api().send("PATCH", u"/v1/services/plants/revisions/v1"_s, QJsonObject { { u"mode"_s, u"shadow"_s } });
    QCOMPARE(r.status, 400);
    QCOMPARE(r.error()->typeName(), u"InvalidArgument"_s);
    QCOMPARE(r.error()->details[u"field"_s].toString(), u"mode"_s);
    QCOMPARE(m_env->storeDump(), before);

    // Another revision of an existing version makes the version ambiguous: the id still works.
    r = m_env->api().send("PATCH", u"/v1/services/plants"_s,
        QJsonObject { { u"model_version"_s, u"mountain"_s }, { u"model_folder"_s, u"iris-v1"_s } });
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.object()[u"rollout_started"_s].toBool(), true);
    QCOMPARE(info(id)[u"revisions"_s].toArray().size(), 3);
    const QByteArray withThird = m_env->storeDump();
    r = m_env->api().send(
        "PATCH", u"/v1/services/plants/revisions/mountain"_s, QJsonObject { { u"mode"_s, u"serve"_s } });
    QCOMPARE(r.status, 400);
    QCOMPARE(r.error()->details[u"revision_ids"_s].toArray().size(), 2);
    QCOMPARE(m_env->storeDump(), withThird);
    r = m_env->api().send("PATCH", u"/v1/services/plants/revisions/%1"_s.arg(mountainId),
        QJsonObject { { u"mode"_s, u"serve"_s }, { u"match_header"_s, u"target: mountain"_s } });
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.object()[u"match_header"_s].toString(), u"target: mountain"_s);
}

void TestControlApi::circuitBreakerThroughRest()
{
    // Absent: Istio-like defaults.
    QString id = create(simpleBody(u"defaults"_s, 1));
    QVERIFY(!id.isEmpty());
    const QJsonObject defaults { { u"max_connections"_s, 100 }, { u"max_pending_requests"_s, 100 },
        { u"max_requests_per_connection"_s, 0 }, { u"consecutive_errors"_s, 5 }, { u"base_ejection_seconds"_s, 30 },
        { u"max_ejection_percent"_s, 50 } };
    QCOMPARE(info(id)[u"circuit_breaker"_s].toObject(), defaults);

    // Some fields on create: the rest keep their defaults.
    QJsonObject body = simpleBody(u"guarded"_s, 1);
    body.insert(u"circuit_breaker"_s,
        QJsonObject { { u"max_connections"_s, 2 }, { u"consecutive_errors"_s, 3 }, { u"max_ejection_percent"_s, 100 } });
    id = create(body);
    QVERIFY(!id.isEmpty());
    QJsonObject expected = defaults;
    expected[u"max_connections"_s] = 2;
    expected[u"consecutive_errors"_s] = 3;
    expected[u"max_ejection_percent"_s] = 100;
    QCOMPARE(info(id)[u"circuit_breaker"_s].toObject(), expected);

    // PATCH changes the fields it names and keeps the others.
    ApiResponse r = m_env->api().send("PATCH", u"/v1/services/guarded"_s,
        QJsonObject { { u"circuit_breaker"_s,
            QJsonObject { { u"max_pending_requests"_s, 0 }, { u"max_requests_per_connection"_s, 10 } } } });
    QCOMPARE(r.status, 200);
    expected[u"max_pending_requests"_s] = 0;
    expected[u"max_requests_per_connection"_s] = 10;
    QCOMPARE(r.body.object()[u"circuit_breaker"_s].toObject(), expected);
    const auto stored = endpoint(id);
    QVERIFY(stored);
    QCOMPARE(stored->circuitBreaker.maxConnections, 2);
    QCOMPARE(stored->circuitBreaker.maxPendingRequests, 0);
    QCOMPARE(stored->circuitBreaker.maxRequestsPerConnection, 10);
    QCOMPARE(stored->circuitBreaker.consecutiveErrors, 3);
    QCOMPARE(stored->circuitBreaker.baseEjectionSeconds, 30);
    QCOMPARE(stored->circuitBreaker.maxEjectionPercent, 100);

    // The list and dry-run read the same field.
    const QJsonArray list = servicesList();
    QVERIFY(std::any_of(list.begin(), list.end(), [&](const QJsonValue &v) {
        return v.toObject()[u"circuit_breaker"_s].toObject() == expected;
    }));
    body = simpleBody(u"dry"_s, 1);
    body.insert(u"circuit_breaker"_s, QJsonObject { { u"max_ejection_percent"_s, 120 } });
    r = m_env->api().send("POST", u"/v1/services/dry-run"_s, body);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.error()->details[u"field"_s].toString(), u"circuit_breaker.max_ejection_percent"_s);
}

// What the service stores reaches the data plane's snapshot: conditions, modes, the breaker,
// and the desired replica count that wake from zero looks at.
void TestControlApi::publishesPoliciesToTheProxy()
{
    QJsonObject body = simpleBody(u"published"_s, 1);
    body.insert(u"circuit_breaker"_s,
        QJsonObject { { u"max_connections"_s, 7 }, { u"max_pending_requests"_s, 0 },
            { u"max_requests_per_connection"_s, 9 }, { u"consecutive_errors"_s, 4 },
            { u"base_ejection_seconds"_s, 12 }, { u"max_ejection_percent"_s, 30 } });
    const QString id = create(body);
    QVERIFY(!id.isEmpty());
    ApiResponse r = m_env->api().send("PATCH", u"/v1/services/published"_s,
        QJsonObject { { u"model_version"_s, u"v2"_s }, { u"model_folder"_s, u"iris-v2"_s } });
    QCOMPARE(r.status, 200);
    // Kept beside the stable revision (its rollout aborted), it can take a header condition.
    r = m_env->api().send("POST", u"/v1/services/published/rollouts/current/abort"_s);
    QCOMPARE(r.status, 200);
    r = m_env->api().send("PATCH", u"/v1/services/published/revisions/v2"_s,
        QJsonObject { { u"match_header"_s, u"Target: mountain"_s } });
    QCOMPARE(r.status, 200);
    const QString v2 = r.body.object()[u"revision_id"_s].toString();
    r = m_env->api().send("POST", u"/v1/services/published/scale"_s, QJsonObject { { u"replicas"_s, 0 } });
    QCOMPARE(r.status, 200);

    ProxyServer *proxy = m_env->plane().proxy();
    const auto table = [proxy] {
        const auto snapshot = proxy->snapshot();
        return snapshot ? snapshot->endpoints.value(u"published"_s) : EndpointTable();
    };
    QTRY_COMPARE_WITH_TIMEOUT(table().desiredReplicas, 0, ApiTest::kReplyTimeoutMs);
    const EndpointTable published = table();
    QCOMPARE(published.endpointId, QUuid::fromString(id));
    const CircuitBreakerPolicy &breaker = published.circuitBreaker;
    QCOMPARE(breaker.maxConnections, 7);
    QCOMPARE(breaker.maxPendingRequests, 0);
    QCOMPARE(breaker.maxRequestsPerConnection, 9);
    QCOMPARE(breaker.consecutiveErrors, 4);
    QCOMPARE(breaker.baseEjectionMs, qint64(12000));
    QCOMPARE(breaker.maxEjectionPercent, 30);
    QCOMPARE(published.revisions.size(), 2);
    const auto policy = std::find_if(published.revisions.cbegin(), published.revisions.cend(),
        [&v2](const RevisionPolicy &p) { return p.revisionId == QUuid::fromString(v2); });
    QVERIFY(policy != published.revisions.cend());
    QCOMPARE(policy->matchHeaderName, QByteArray("target"));
    QCOMPARE(policy->matchHeaderValue, QByteArray("mountain"));
    QVERIFY(!policy->shadow);

    r = m_env->api().send(
        "PATCH", u"/v1/services/published/revisions/%1"_s.arg(v2), QJsonObject { { u"mode"_s, u"shadow"_s } });
    QCOMPARE(r.status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(table().revisions.cbegin(), table().revisions.cend(),
                                 [&v2](const RevisionPolicy &p) { return p.revisionId == QUuid::fromString(v2) && p.shadow; }),
        ApiTest::kReplyTimeoutMs);
}

// A 502 through the proxy becomes a ProxyUpstreamError record of the endpoint and its route;
// a burst of them stays one record (the proxy reports a route at most once per 10 s).
void TestControlApi::recordsUpstreamErrorsFromTheProxy()
{
    QJsonObject body = simpleBody(u"flaky"_s, 1);
    body.insert(u"public"_s, true);
    const QString id = create(body);
    QVERIFY(!id.isEmpty());
    const auto e = endpoint(id);
    QVERIFY(e);
    quint16 dead = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        dead = probe.serverPort();
    }
    Route route = ApiTest::healthyRoute(*e, 100, QString());
    route.status = RouteStatus::Provisioning;
    QVERIFY(m_env->repository().insertRoute(route).ok());
    const QString replica = u"local:4242:%1"_s.arg(dead);
    QVERIFY(m_env->service().updateRouteState(route.id, RouteStatus::Healthy, replica, u"local"_s).ok());
    ProxyServer *proxy = m_env->plane().proxy();
    QTRY_COMPARE_WITH_TIMEOUT(proxy->snapshot()->endpoints.value(u"flaky"_s).routes.size(), qsizetype(1),
        ApiTest::kReplyTimeoutMs);

    const QUrl url(m_env->proxyBaseUrl() + u"/flaky/health"_s);
    ApiTest::RawReply reply = m_env->sendTo(url, "GET", {}, QByteArray());
    QCOMPARE(reply.status, 502);
    QCOMPARE(reply.errorType(), u"ProxyUpstreamError"_s);
    const auto errors = [this] {
        return m_env->api().get(u"/v1/services/flaky/errors?type=ProxyUpstreamError"_s).body.object()[u"errors"_s].toArray();
    };
    QTRY_COMPARE_WITH_TIMEOUT(errors().size(), qsizetype(1), ApiTest::kReplyTimeoutMs);
    const QJsonObject record = errors().first().toObject();
    QCOMPARE(record[u"route_id"_s].toString(), route.id.toString(QUuid::WithoutBraces));
    QCOMPARE(record[u"replica_id"_s].toString(), replica);
    QCOMPARE(record[u"agent_id"_s].toString(), u"local"_s);
    QCOMPARE(record[u"endpoint_id"_s].toString(), id);
    QVERIFY(!record[u"message"_s].toString().isEmpty());

    for (int i = 0; i < 5; ++i)
        QCOMPARE(m_env->sendTo(url, "GET", {}, QByteArray()).status, 502);
    // Each report would have been handled before its 502 came back: none was written.
    QCOMPARE(errors().size(), qsizetype(1));
    QCOMPARE(proxy->routeCounters().value(route.id).errors, quint64(6));

    // Info with metrics shows the route's circuit as the proxy has it.
    const QJsonObject metrics
        = m_env->api().get(u"/v1/services/flaky?include_metrics=true"_s).body.object()[u"metrics"_s].toObject();
    QCOMPARE(metrics[u"errors"_s].toInt(), 6);
    const QJsonArray circuits = metrics[u"circuits"_s].toArray();
    QCOMPARE(circuits.size(), 1);
    QCOMPARE(circuits[0].toObject()[u"route_id"_s].toString(), route.id.toString(QUuid::WithoutBraces));
    QCOMPARE(circuits[0].toObject()[u"state"_s].toString(), u"closed"_s);
    QCOMPARE(circuits[0].toObject()[u"pending"_s].toInt(), 0);
    QVERIFY(!metrics.contains(u"shadow"_s));  // it has never mirrored a request
}

void TestControlApi::deletesEndpoint()
{
    const QString id = create(ApiTest::specCreateBody(u"doomed"_s));
    QVERIFY(!id.isEmpty());
    const auto e = endpoint(id);
    QVERIFY(e);
    QVERIFY(m_env->repository().insertRoute(ApiTest::healthyRoute(*e, 100, u"replica-1"_s)).ok());

    const ApiResponse r = m_env->api().send("DELETE", u"/v1/services/doomed"_s);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.object()[u"id"_s].toString(), id);
    QCOMPARE(r.body.object()[u"lifecycle"_s].toString(), u"DESTROYING"_s);
    QCOMPARE(r.body.object()[u"replicas"_s].toInt(-1), 0);

    const QJsonObject after = info(id);
    QCOMPARE(after[u"status"_s].toString(), u"DESTROYING"_s);
    QCOMPARE(after[u"routes"_s].toArray().first().toObject()[u"status"_s].toString(), u"TERMINATING"_s);
    // Its resources are free again.
    const QJsonObject agent = m_env->api().get(u"/v1/agents"_s).body.object()[u"agents"_s].toArray().first().toObject();
    QCOMPARE(agent[u"allocated"_s].toObject(), slotsJson(u"0"_s, u"0"_s));

    // Deleting again is not an error; acting on it is.
    const ApiResponse again = m_env->api().send("DELETE", u"/v1/services/"_s + id);
    QCOMPARE(again.status, 200);
    QCOMPARE(again.body.object()[u"lifecycle"_s].toString(), u"DESTROYING"_s);
    const ApiResponse scale
        = m_env->api().send("POST", pathOf(u"/v1/services/%1/scale"_s, id), QJsonObject { { u"replicas"_s, 1 } });
    QCOMPARE(scale.status, 400);
    QCOMPARE(scale.error()->typeName(), u"InvalidArgument"_s);

    const ApiResponse unknown
        = m_env->api().send("DELETE", u"/v1/services/"_s + QUuid::createUuid().toString(QUuid::WithoutBraces));
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.error()->typeName(), u"NotFound"_s);
}

void TestControlApi::listsAgents()
{
    ApiResponse r = m_env->api().get(u"/v1/agents"_s);
    QCOMPARE(r.status, 200);
    QJsonArray agents = r.body.object()[u"agents"_s].toArray();
    QCOMPARE(agents.size(), 1);
    QJsonObject agent = agents.first().toObject();
    QCOMPARE(agent[u"agent_id"_s].toString(), u"local"_s);
    QCOMPARE(agent[u"capacity"_s].toObject(), slotsJson(u"8"_s, u"16G"_s));
    QCOMPARE(agent[u"allocated"_s].toObject(), slotsJson(u"0"_s, u"0"_s));
    QVERIFY(r.body.object()[u"queue"_s].isArray());
    QCOMPARE(r.body.object()[u"queue"_s].toArray().size(), 0);

    QVERIFY(!create(ApiTest::specCreateBody()).isEmpty()); // 2 x (2 cpu, 4G)
    agent = m_env->api().get(u"/v1/agents"_s).body.object()[u"agents"_s].toArray().first().toObject();
    QCOMPARE(agent[u"allocated"_s].toObject(), slotsJson(u"4"_s, u"8G"_s));
    QCOMPARE(agent[u"capacity"_s].toObject(), slotsJson(u"8"_s, u"16G"_s));
}

void TestControlApi::queueSettingsRoundTrip()
{
    QJsonObject body = ApiTest::specCreateBody();
    body[u"priority"_s] = 9;
    body[u"queue_when_full"_s] = false;
    body[u"allow_preemption"_s] = true;
    const QString id = create(body);
    QVERIFY(!id.isEmpty());
    QJsonObject info = m_env->api().get(pathOf(u"/v1/services/%1"_s, id)).body.object();
    QCOMPARE(info[u"priority"_s].toInt(), 9);
    QCOMPARE(info[u"queue_when_full"_s], QJsonValue(false));
    QCOMPARE(info[u"allow_preemption"_s], QJsonValue(true));

    // null: back to the default, which reads null.
    const ApiResponse patched = m_env->api().send("PATCH", pathOf(u"/v1/services/%1"_s, id),
                                                  QJsonObject{{u"queue_when_full"_s, QJsonValue::Null}, {u"priority"_s, -3}});
    QCOMPARE(patched.status, 200);
    info = m_env->api().get(pathOf(u"/v1/services/%1"_s, id)).body.object();
    QVERIFY(info[u"queue_when_full"_s].isNull());
    QCOMPARE(info[u"priority"_s].toInt(), -3);
    QCOMPARE(info[u"allow_preemption"_s], QJsonValue(true));
}

void TestControlApi::healthNeedsNoToken()
{
    const ApiTest::RawReply r = m_env->send("GET", u"/v1/health"_s, {}, QByteArray());
    QCOMPARE(r.status, 200);
    QVERIFY2(r.contentType.startsWith("application/json"), r.contentType.constData());
    QCOMPARE(r.json()[u"status"_s].toString(), u"ok"_s);
    QVERIFY(!r.json()[u"version"_s].toString().isEmpty());
    // A wrong token does not matter here either.
    QCOMPARE(m_env->send("GET", u"/v1/health"_s, {}, QByteArrayLiteral("Bearer nope")).status, 200);
    // Everything else does need it.
    QCOMPARE(m_env->send("GET", u"/v1/agents"_s, {}, QByteArray()).status, 401);
}

// The errors and scale-events retention: the defaults, a change, and its effect at once.
void TestControlApi::retentionIsSettable()
{
    ApiResponse r = m_env->api().get(u"/v1/settings/retention"_s);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.object()[u"max_age_days"_s].toInt(), 30);
    QCOMPARE(r.body.object()[u"max_rows_per_endpoint"_s].toInt(), 10000);

    const QString id = create(simpleBody(u"retained"_s, 1));
    QVERIFY(!id.isEmpty());
    for (int i = 0; i < 3; ++i) {
        ErrorRecord error;
        error.endpointId = QUuid::fromString(id);
        error.type = u"CrashLoop"_s;
        error.message = u"exited"_s;
        error.time = QDateTime::currentDateTimeUtc().addDays(-10 * i);  // now, 10 and 20 days ago
        QVERIFY(m_env->service().recordError(error).ok());
    }
    r = m_env->api().send("PUT", u"/v1/settings/retention"_s, QJsonObject{{u"max_age_days"_s, 15}});
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.object()[u"max_age_days"_s].toInt(), 15);
    QCOMPARE(r.body.object()[u"max_rows_per_endpoint"_s].toInt(), 10000);  // left as it was
    QCOMPARE(m_env->api().get(u"/v1/settings/retention"_s).body.object()[u"max_age_days"_s].toInt(), 15);
    const ApiResponse errors = m_env->api().get(pathOf(u"/v1/services/%1/errors"_s, id));
    QCOMPARE(errors.status, 200);
    QCOMPARE(errors.body.object()[u"errors"_s].toArray().size(), 2);  // the one 20 days old is gone
}

void TestControlApi::servesPrometheusMetrics()
{
    QVERIFY(!create(simpleBody(u"measured"_s, 1)).isEmpty());
    QCOMPARE(m_env->send("GET", u"/v1/services"_s, {}, QByteArray()).status, 401);

    const ApiTest::RawReply r = m_env->send("GET", u"/metrics"_s, {}, QByteArray());
    QCOMPARE(r.status, 200);
    QVERIFY2(r.contentType.startsWith("text/plain"), r.contentType.constData());
    const QByteArray text = r.body;
    QVERIFY2(text.contains("# TYPE servedeck_endpoints gauge\n"), text.constData());
    QVERIFY2(text.contains("servedeck_endpoints{status=\"PROVISIONING\"} 1\n"), text.constData());
    QVERIFY2(text.contains("# TYPE servedeck_api_responses_total counter\n"), text.constData());
    QVERIFY2(text.contains("servedeck_api_responses_total{code=\"201\"} 1\n"), text.constData());
    QVERIFY2(text.contains("servedeck_api_responses_total{code=\"401\"} 1\n"), text.constData());
    // Every sample line is "name{labels} value".
    const QList<QByteArray> lines = text.trimmed().split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith('#'))
            continue;
        const QList<QByteArray> fields = line.split(' ');
        QVERIFY2(fields.size() == 2, line.constData());
        bool ok = false;
        fields[1].toDouble(&ok);
        QVERIFY2(ok, line.constData());
    }
}

QTEST_GUILESS_MAIN(TestControlApi)
#include "test_controlapi.moc"
