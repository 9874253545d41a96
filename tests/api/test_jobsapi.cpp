// The jobs REST API against an in-process control plane whose replicas are real demo model
// servers, over loopback: a job submitted runs to SUCCEEDED and its result is the model's answer
// byte for byte; an idempotency key returns the first job; every bad input is a typed error that
// leaves the job list and the counts as they were; a queued job (an endpoint at 0 replicas) and a
// running one (a slow model) are cancelled; a FAILED one is retried and succeeds; stats and
// retention read and change.
#include <memory>

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

#include "api/apiclient.h"
#include "jobs/jobqueue.h"
#include "plane/controlplane.h"
#include "service/modelservingservice.h"
#include "support/replicaprocesses.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

// A replica starts in about a second; the margin is for a loaded 2-core debug build.
constexpr int kHealthyMs = 60000;
constexpr int kJobMs = 30000;
constexpr int kReplyMs = 30000;
// The slow model answers this much later: long enough to be caught RUNNING and cancelled.
constexpr int kSlowMs = 20000;

QJsonObject predictBody()
{
    return {{u"features"_s, QJsonArray{5.1, 3.5, 1.4, 0.2}}};
}

} // namespace

class TestJobsApi final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void submittedJobSucceedsWithTheModelsAnswer();
    void idempotencyKeyReturnsTheFirstJob();
    void badInputIsTypedAndStoresNothing_data();
    void badInputIsTypedAndStoresNothing();
    void bodyOverTheQueuesLimitIsRefused();
    void aJobUnderAnotherServiceIsNotFound();
    void queuedJobIsCancelled();
    void runningJobIsCancelled();
    void failedJobIsRetriedAndSucceeds();
    void retryOfADeletedEndpointsJobIsRefused();
    void jobConcurrencyIsSetOnCreateAndModify();
    void badJobConcurrencyIsTypedAndStoresNothing_data();
    void badJobConcurrencyIsTypedAndStoresNothing();
    void statsCountFinishedJobs();
    void retentionReadsAndChanges();

private:
    ApiResponse submit(const QString &svc, const QJsonObject &body);
    ApiResponse submitRaw(const QString &svc, const QByteArray &body);
    QJsonObject job(const QString &svc, const QString &id);
    QString state(const QString &svc, const QString &id);
    // Every job and the counts as the API shows them: equal snapshots mean nothing was stored.
    QByteArray snapshot();
    bool waitHealthy(const QString &name, int routes);
    void create(const QString &name, const QString &folder, int replicas);

    QTemporaryDir m_dir;
    std::unique_ptr<ControlPlane> m_plane;
    std::unique_ptr<ApiClient> m_api;
};

void TestJobsApi::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    ControlPlaneOptions options;
    options.dataDir = m_dir.filePath(u"data"_s);
    options.capacity = u"cpu=16,memory=32G"_s;
    options.modelRoots = {ReplicaProcesses::sourceModels()};
    options.reconcileIntervalMs = 200;
    m_plane = std::make_unique<ControlPlane>();
    auto started = m_plane->start(options);
    QVERIFY2(started, started ? "" : qPrintable(started.error().message));
    QVERIFY(m_plane->api());
    m_api = std::make_unique<ApiClient>(QUrl(u"http://"_s + m_plane->apiAddress()), m_plane->adminToken(), kReplyMs);

    create(u"iris"_s, u"iris-v1"_s, 1);
    create(u"slow"_s, ReplicaProcesses::writeFaultyFolder(m_dir.filePath(u"slow-model"_s),
                                                           {u"--latency-ms"_s, QString::number(kSlowMs)}), 1);
    // Every second /predict is a 500 (the model server's fail-percent spreads them evenly: the
    // 1st answers, the 2nd fails, ...): a job fails, and its retry, the next request, succeeds.
    create(u"flaky"_s, ReplicaProcesses::writeFaultyFolder(m_dir.filePath(u"flaky-model"_s),
                                                            {u"--fail-percent"_s, u"50"_s}), 1);
    // No replicas and no rule to wake it: its jobs stay QUEUED.
    create(u"idle"_s, u"iris-v1"_s, 0);
    QVERIFY(waitHealthy(u"iris"_s, 1));
    QVERIFY(waitHealthy(u"slow"_s, 1));
    QVERIFY(waitHealthy(u"flaky"_s, 1));
}

void TestJobsApi::cleanupTestCase()
{
    m_api.reset();
    m_plane.reset();
}

void TestJobsApi::create(const QString &name, const QString &folder, int replicas)
{
    CreateEndpointRequest r;
    r.name = name;
    r.modelVersion = u"v1"_s;
    r.modelFolder = folder;
    r.replicas = replicas;
    r.isPublic = true;
    r.resourceSlots = ResourceSlots{0.5, qint64(256) << 20, 0};
    auto created = m_plane->service().createEndpoint(r);
    QVERIFY2(created, created ? "" : qPrintable(created.error().message));
}

bool TestJobsApi::waitHealthy(const QString &name, int routes)
{
    return QTest::qWaitFor([&] {
        const auto info = m_plane->service().endpointInfo(name);
        return info && std::count_if(info->routes.cbegin(), info->routes.cend(),
                                     [](const Route &r) { return r.status == RouteStatus::Healthy; }) >= routes;
    }, kHealthyMs);
}

ApiResponse TestJobsApi::submit(const QString &svc, const QJsonObject &body)
{
    return m_api->send("POST", u"/v1/services/"_s + svc + u"/jobs"_s, body);
}

ApiResponse TestJobsApi::submitRaw(const QString &svc, const QByteArray &body)
{
    return m_api->send("POST", u"/v1/services/"_s + svc + u"/jobs"_s, body);
}

QJsonObject TestJobsApi::job(const QString &svc, const QString &id)
{
    return m_api->get(u"/v1/services/"_s + svc + u"/jobs/"_s + id).body.object().value(u"job"_s).toObject();
}

QString TestJobsApi::state(const QString &svc, const QString &id)
{
    return job(svc, id).value(u"state"_s).toString();
}

QByteArray TestJobsApi::snapshot()
{
    const ApiResponse list = m_api->get(u"/v1/jobs?limit=1000"_s);
    const ApiResponse counts = m_api->get(u"/v1/jobs/counts"_s);
    if (!list.ok() || !counts.ok())
        return "snapshot failed: " + QByteArray::number(list.status) + ' ' + QByteArray::number(counts.status);
    return list.raw + '\n' + counts.raw;
}

void TestJobsApi::submittedJobSucceedsWithTheModelsAnswer()
{
    const ApiResponse r = submit(u"iris"_s,
        { { u"method"_s, u"POST"_s }, { u"path"_s, u"/predict"_s }, { u"body"_s, predictBody() }, { u"priority"_s, 5 },
            { u"deadline_seconds"_s, 600 }, { u"max_attempts"_s, 3 } });
    QCOMPARE(r.status, 202);
    const QJsonObject submitted = r.body.object().value(u"job"_s).toObject();
    const QString id = submitted.value(u"id"_s).toString();
    QCOMPARE(id.size(), 32);
    QCOMPARE(submitted.value(u"endpoint"_s).toString(), u"iris"_s);
    QCOMPARE(submitted.value(u"priority"_s).toInt(), 5);
    QTRY_COMPARE_WITH_TIMEOUT(state(u"iris"_s, id), u"SUCCEEDED"_s, kJobMs);
    const QJsonObject done = job(u"iris"_s, id);
    QCOMPARE(done.value(u"attempts"_s).toInt(), 1);
    QCOMPARE(done.value(u"result_status"_s).toInt(), 200);
    QCOMPARE(done.value(u"model_version"_s).toString(), u"v1"_s);
    // The same job by its id alone.
    QCOMPARE(m_api->get(u"/v1/jobs/"_s + id).body.object().value(u"job"_s).toObject().value(u"state"_s).toString(),
             u"SUCCEEDED"_s);

    // The answer as the model gave it: the same bytes a direct request gets (the demo model is
    // deterministic), its status and content type.
    const ApiResponse result = m_api->get(u"/v1/services/iris/jobs/"_s + id + u"/result"_s);
    QCOMPARE(result.status, 200);
    QNetworkAccessManager network;
    QNetworkRequest direct(QUrl(u"http://"_s + m_plane->proxyAddress() + u"/iris/predict"_s));
    direct.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    direct.setTransferTimeout(kReplyMs);
    std::unique_ptr<QNetworkReply> reply(
        network.post(direct, QJsonDocument(predictBody()).toJson(QJsonDocument::Compact)));
    QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), kReplyMs);
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    const QByteArray directBody = reply->readAll();
    QVERIFY(!directBody.isEmpty());
    QCOMPARE(result.raw, directBody);
    QCOMPARE(done.value(u"result_bytes"_s).toInteger(), directBody.size());
    bool jsonType = false;
    for (const auto &[name, value] : result.headers)
        jsonType = jsonType || (name.toLower() == "content-type" && value.startsWith("application/json"));
    QVERIFY(jsonType);

    // Listed, newest first, and filtered by state.
    const QJsonArray listed = m_api->get(u"/v1/services/iris/jobs?state=SUCCEEDED&since=1h"_s).body.object()
                                  .value(u"jobs"_s).toArray();
    QVERIFY(!listed.isEmpty());
    QCOMPARE(listed.first().toObject().value(u"id"_s).toString(), id);
    QVERIFY(m_api->get(u"/v1/services/iris/jobs?state=QUEUED"_s).body.object().value(u"jobs"_s).toArray().isEmpty());
}

void TestJobsApi::idempotencyKeyReturnsTheFirstJob()
{
    const QJsonObject body { { u"path"_s, u"/predict"_s }, { u"body"_s, predictBody() },
        { u"idempotency_key"_s, u"order-4711"_s } };
    const ApiResponse first = submit(u"iris"_s, body);
    QCOMPARE(first.status, 202);
    const QString id = first.body.object().value(u"job"_s).toObject().value(u"id"_s).toString();
    const ApiResponse second = submit(u"iris"_s, body);
    QCOMPARE(second.status, 200);
    QCOMPARE(second.body.object().value(u"job"_s).toObject().value(u"id"_s).toString(), id);
    QTRY_COMPARE_WITH_TIMEOUT(state(u"iris"_s, id), u"SUCCEEDED"_s, kJobMs);
    // Finished, the key still names it; the list holds one job for it.
    const ApiResponse third = submit(u"iris"_s, body);
    QCOMPARE(third.status, 200);
    QCOMPARE(third.body.object().value(u"job"_s).toObject().value(u"id"_s).toString(), id);
    // Another body under the same key: 422, naming the first job.
    QJsonObject other = body;
    other.insert(u"body"_s, QJsonObject{{u"features"_s, QJsonArray{1, 2, 3, 4}}});
    const ApiResponse reused = submit(u"iris"_s, other);
    QCOMPARE(reused.status, 422);
    const QJsonObject error = reused.body.object().value(u"error"_s).toObject();
    QCOMPARE(error.value(u"type"_s).toString(), u"IdempotencyKeyReused"_s);
    QCOMPARE(error.value(u"details"_s).toObject().value(u"job_id"_s).toString(), id);
    int withKey = 0;
    for (const QJsonValue &j : m_api->get(u"/v1/services/iris/jobs"_s).body.object().value(u"jobs"_s).toArray())
        withKey += j.toObject().value(u"idempotency_key"_s).toString() == u"order-4711"_s ? 1 : 0;
    QCOMPARE(withKey, 1);
}

void TestJobsApi::badInputIsTypedAndStoresNothing_data()
{
    QTest::addColumn<QString>("svc");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("field");  // empty: not checked

    const auto json = [](const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); };
    const QJsonObject ok{{u"path"_s, u"/predict"_s}, {u"body"_s, predictBody()}};
    const auto with = [&ok](const QString &key, const QJsonValue &v) {
        QJsonObject o = ok;
        o.insert(key, v);
        return o;
    };
    QTest::newRow("unknown endpoint") << u"nope"_s << json(ok) << 404 << u"NotFound"_s << QString();
    QTest::newRow("negative deadline") << u"iris"_s << json(with(u"deadline_seconds"_s, -5)) << 400
                                       << u"InvalidArgument"_s << QString();
    QTest::newRow("key longer than 255") << u"iris"_s << json(with(u"idempotency_key"_s, QString(256, u'k'))) << 400
                                         << u"InvalidArgument"_s << QString();
    QTest::newRow("key with a control character")
        << u"iris"_s << json(with(u"idempotency_key"_s, u"a\u0001b"_s)) << 400 << u"InvalidArgument"_s << QString();
    QTest::newRow("key with a newline") << u"iris"_s << json(with(u"idempotency_key"_s, u"a\nb"_s)) << 400
                                        << u"InvalidArgument"_s << QString();
    QTest::newRow("unknown field") << u"iris"_s << json(with(u"colour"_s, u"red"_s)) << 400 << u"InvalidArgument"_s
                                   << u"colour"_s;
    QTest::newRow("both body forms") << u"iris"_s << json(with(u"body_base64"_s, u"e30="_s)) << 400
                                     << u"InvalidArgument"_s << u"body_base64"_s;
    QTest::newRow("bad base64") << u"iris"_s << json({{u"body_base64"_s, u"@@@"_s}}) << 400 << u"InvalidArgument"_s
                                << u"body_base64"_s;
    QTest::newRow("priority a string") << u"iris"_s << json(with(u"priority"_s, u"high"_s)) << 400
                                       << u"InvalidArgument"_s << u"priority"_s;
    QTest::newRow("priority a fraction") << u"iris"_s << json(with(u"priority"_s, 1.5)) << 400 << u"InvalidArgument"_s
                                         << u"priority"_s;
    QTest::newRow("max attempts 0") << u"iris"_s << json(with(u"max_attempts"_s, 0)) << 400 << u"InvalidArgument"_s
                                    << QString();
    QTest::newRow("headers not an object") << u"iris"_s << json(with(u"headers"_s, QJsonArray{u"a"_s})) << 400
                                           << u"InvalidArgument"_s << u"headers"_s;
    QTest::newRow("path a number") << u"iris"_s << json(with(u"path"_s, 7)) << 400 << u"InvalidArgument"_s << u"path"_s;
    QTest::newRow("path with a space") << u"iris"_s << json(with(u"path"_s, u"/pre dict"_s)) << 400
                                       << u"InvalidArgument"_s << QString();
    QTest::newRow("not JSON") << u"iris"_s << QByteArray("{\"path\":") << 400 << u"InvalidArgument"_s << QString();
    QTest::newRow("an array") << u"iris"_s << QByteArray("[]") << 400 << u"InvalidArgument"_s << QString();
    // Over what the API reads of a request (1 MiB), the queue's limit being higher.
    const QByteArray large(1024 * 1024 + 1, 'x');
    QTest::newRow("body over the limit") << u"iris"_s
                                         << json({{u"path"_s, u"/predict"_s},
                                                  {u"body_base64"_s, QString::fromLatin1(large.toBase64())}})
                                         << 413 << u"PayloadTooLarge"_s << QString();
}

void TestJobsApi::badInputIsTypedAndStoresNothing()
{
    QFETCH(QString, svc);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, type);
    QFETCH(QString, field);
    const QByteArray before = snapshot();
    QVERIFY(!before.startsWith("snapshot failed"));
    const ApiResponse r = submitRaw(svc, body);
    QCOMPARE(r.status, status);
    const QJsonObject error = r.body.object().value(u"error"_s).toObject();
    QCOMPARE(error.value(u"type"_s).toString(), type);
    if (!field.isEmpty())
        QCOMPARE(error.value(u"details"_s).toObject().value(u"field"_s).toString(), field);
    QCOMPARE(snapshot(), before);
}

// Below what the API reads, above what the queue takes: the queue's PayloadTooLarge, typed.
void TestJobsApi::bodyOverTheQueuesLimitIsRefused()
{
    JobQueue *queue = m_plane->jobs();
    QVERIFY(queue);
    const JobQueue::Limits saved = queue->limits();
    JobQueue::Limits small = saved;
    small.maxBodyBytes = 1000;
    queue->setLimits(small);
    const QByteArray before = snapshot();
    const auto body = [](qsizetype size) {
        return QJsonObject { { u"path"_s, u"/predict"_s },
            { u"body_base64"_s, QString::fromLatin1(QByteArray(size, 'x').toBase64()) } };
    };
    const ApiResponse refused = submit(u"idle"_s, body(1001));
    queue->setLimits(saved);
    QCOMPARE(refused.status, 413);
    QCOMPARE(refused.error()->type, ErrorType::PayloadTooLarge);
    QCOMPARE(snapshot(), before);
    // At the limit it is taken.
    queue->setLimits(small);
    const ApiResponse taken = submit(u"idle"_s, body(1000));
    queue->setLimits(saved);
    QCOMPARE(taken.status, 202);
    const QString id = taken.body.object().value(u"job"_s).toObject().value(u"id"_s).toString();
    QCOMPARE(job(u"idle"_s, id).value(u"state"_s).toString(), u"QUEUED"_s);
    QCOMPARE(m_api->send("POST", u"/v1/services/idle/jobs/"_s + id + u"/cancel"_s).status, 200);
}

void TestJobsApi::aJobUnderAnotherServiceIsNotFound()
{
    const ApiResponse r = submit(u"iris"_s, {{u"path"_s, u"/predict"_s}, {u"body"_s, predictBody()}});
    QCOMPARE(r.status, 202);
    const QString id = r.body.object().value(u"job"_s).toObject().value(u"id"_s).toString();
    // Finished first, so that nothing changes under the look.
    QTRY_COMPARE_WITH_TIMEOUT(state(u"iris"_s, id), u"SUCCEEDED"_s, kJobMs);
    const QByteArray before = snapshot();
    const QStringList paths{u"/v1/services/slow/jobs/"_s + id, u"/v1/services/slow/jobs/"_s + id + u"/result"_s,
                            u"/v1/services/iris/jobs/0123456789abcdef0123456789abcdef"_s,
                            u"/v1/services/iris/jobs/not-an-id"_s, u"/v1/jobs/0123456789abcdef0123456789abcdef"_s};
    for (const QString &path : paths) {
        const ApiResponse got = m_api->get(path);
        QVERIFY2(got.status == 404 && got.error()->type == ErrorType::NotFound, qPrintable(path));
    }
    for (const QString &action : {u"cancel"_s, u"retry"_s}) {
        const ApiResponse got = m_api->send("POST", u"/v1/services/slow/jobs/"_s + id + u'/' + action);
        QVERIFY2(got.status == 404, qPrintable(action));
    }
    QCOMPARE(snapshot(), before);
}

void TestJobsApi::queuedJobIsCancelled()
{
    const int cancelledBefore = m_api->get(u"/v1/jobs/counts?service=idle"_s)
                                    .body.object()
                                    .value(u"counts"_s)
                                    .toObject()
                                    .value(u"CANCELLED"_s)
                                    .toInt();
    const ApiResponse r = submit(u"idle"_s, {{u"path"_s, u"/predict"_s}, {u"body"_s, predictBody()}});
    QCOMPARE(r.status, 202);
    const QString id = r.body.object().value(u"job"_s).toObject().value(u"id"_s).toString();
    QCOMPARE(state(u"idle"_s, id), u"QUEUED"_s);
    QCOMPARE(m_api->get(u"/v1/jobs/counts?service=idle"_s).body.object().value(u"counts"_s).toObject()
                 .value(u"QUEUED"_s).toInt(), 1);
    // No result yet: the job has no answer.
    QCOMPARE(m_api->get(u"/v1/services/idle/jobs/"_s + id + u"/result"_s).status, 409);
    const ApiResponse cancelled = m_api->send("POST", u"/v1/services/idle/jobs/"_s + id + u"/cancel"_s);
    QCOMPARE(cancelled.status, 200);
    QCOMPARE(cancelled.body.object().value(u"job"_s).toObject().value(u"state"_s).toString(), u"CANCELLED"_s);
    QCOMPARE(state(u"idle"_s, id), u"CANCELLED"_s);
    QCOMPARE(job(u"idle"_s, id).value(u"attempts"_s).toInt(), 0);
    const QJsonObject counts
        = m_api->get(u"/v1/jobs/counts?service=idle"_s).body.object().value(u"counts"_s).toObject();
    QCOMPARE(counts.value(u"QUEUED"_s).toInt(), 0);
    QCOMPARE(counts.value(u"CANCELLED"_s).toInt(), cancelledBefore + 1);
    // Final: a second cancel is refused.
    const ApiResponse again = m_api->send("POST", u"/v1/services/idle/jobs/"_s + id + u"/cancel"_s);
    QCOMPARE(again.status, 409);
    QCOMPARE(again.error()->type, ErrorType::InvalidJobState);
}

void TestJobsApi::runningJobIsCancelled()
{
    const ApiResponse r = submit(u"slow"_s, {{u"path"_s, u"/predict"_s}, {u"body"_s, predictBody()}});
    QCOMPARE(r.status, 202);
    const QString id = r.body.object().value(u"job"_s).toObject().value(u"id"_s).toString();
    QTRY_COMPARE_WITH_TIMEOUT(state(u"slow"_s, id), u"RUNNING"_s, kJobMs);
    const ApiResponse cancelled = m_api->send("POST", u"/v1/services/slow/jobs/"_s + id + u"/cancel"_s);
    QCOMPARE(cancelled.status, 200);
    QCOMPARE(cancelled.body.object().value(u"job"_s).toObject().value(u"state"_s).toString(), u"CANCELLED"_s);
    // It stays CANCELLED (the aborted request does not finish it) and keeps no answer.
    QCOMPARE(state(u"slow"_s, id), u"CANCELLED"_s);
    QCOMPARE(m_api->get(u"/v1/services/slow/jobs/"_s + id + u"/result"_s).status, 409);
}

void TestJobsApi::failedJobIsRetriedAndSucceeds()
{
    const QJsonObject body{{u"path"_s, u"/predict"_s}, {u"body"_s, predictBody()}, {u"max_attempts"_s, 1}};
    // The model's 1st /predict answers and its 2nd fails: the first job succeeds, the second fails.
    const ApiResponse first = submit(u"flaky"_s, body);
    QCOMPARE(first.status, 202);
    const QString firstId = first.body.object().value(u"job"_s).toObject().value(u"id"_s).toString();
    QTRY_COMPARE_WITH_TIMEOUT(state(u"flaky"_s, firstId), u"SUCCEEDED"_s, kJobMs);
    const ApiResponse second = submit(u"flaky"_s, body);
    QCOMPARE(second.status, 202);
    const QString id = second.body.object().value(u"job"_s).toObject().value(u"id"_s).toString();
    QTRY_COMPARE_WITH_TIMEOUT(state(u"flaky"_s, id), u"FAILED"_s, kJobMs);
    QCOMPARE(job(u"flaky"_s, id).value(u"attempts"_s).toInt(), 1);
    QCOMPARE(job(u"flaky"_s, id).value(u"result_status"_s).toInt(), 500);
    // The failed answer is kept as the model gave it.
    const ApiResponse failedAnswer = m_api->get(u"/v1/services/flaky/jobs/"_s + id + u"/result"_s);
    QCOMPARE(failedAnswer.status, 500);
    QVERIFY(failedAnswer.raw.contains("fault injected"));
    // A SUCCEEDED job is not retried.
    QCOMPARE(m_api->send("POST", u"/v1/services/flaky/jobs/"_s + firstId + u"/retry"_s).status, 409);

    const ApiResponse retried = m_api->send("POST", u"/v1/services/flaky/jobs/"_s + id + u"/retry"_s);
    QCOMPARE(retried.status, 200);
    QCOMPARE(retried.body.object().value(u"job"_s).toObject().value(u"state"_s).toString(), u"QUEUED"_s);
    QTRY_COMPARE_WITH_TIMEOUT(state(u"flaky"_s, id), u"SUCCEEDED"_s, kJobMs);
    const QJsonObject done = job(u"flaky"_s, id);
    QCOMPARE(done.value(u"attempts"_s).toInt(), 2);
    QCOMPARE(done.value(u"result_status"_s).toInt(), 200);
    QCOMPARE(m_api->get(u"/v1/services/flaky/jobs/"_s + id + u"/result"_s).status, 200);
}

// Deleting an endpoint cancels its jobs; a retry would queue one again where nothing runs it or
// ends it before the next start: refused, naming why, and nothing changes.
void TestJobsApi::retryOfADeletedEndpointsJobIsRefused()
{
    create(u"gone"_s, u"iris-v1"_s, 0);
    const QString endpointId = m_api->get(u"/v1/services/gone"_s).body.object().value(u"id"_s).toString();
    QVERIFY(!endpointId.isEmpty());
    const ApiResponse r = submit(u"gone"_s, {{u"path"_s, u"/predict"_s}, {u"body"_s, predictBody()}});
    QCOMPARE(r.status, 202);
    const QString id = r.body.object().value(u"job"_s).toObject().value(u"id"_s).toString();
    QCOMPARE(m_api->send("DELETE", u"/v1/services/gone"_s).status, 200);
    const auto stateById = [&] {
        return m_api->get(u"/v1/jobs/"_s + id).body.object().value(u"job"_s).toObject().value(u"state"_s).toString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(stateById(), u"CANCELLED"_s, kJobMs);
    const QByteArray before = snapshot();

    const ApiResponse retried = m_api->send("POST", u"/v1/services/"_s + endpointId + u"/jobs/"_s + id + u"/retry"_s);
    QCOMPARE(retried.status, 409);
    QVERIFY(retried.error());
    QCOMPARE(retried.error()->type, ErrorType::InvalidJobState);
    QVERIFY2(retried.error()->message.contains(u"was deleted"_s), qPrintable(retried.error()->message));
    QCOMPARE(retried.error()->details.value(u"reason"_s).toString(), u"endpoint_deleted"_s);
    QCOMPARE(stateById(), u"CANCELLED"_s);
    QCOMPARE(snapshot(), before);
}

// job_concurrency: given at create, changed by modify, shown by info; 0 is the default formula.
void TestJobsApi::jobConcurrencyIsSetOnCreateAndModify()
{
    QJsonObject body{{u"name"_s, u"capped"_s},       {u"model_version"_s, u"v1"_s}, {u"model_folder"_s, u"iris-v1"_s},
                     {u"replicas"_s, 0},            {u"public"_s, true},
                     {u"resource_slots"_s, QJsonObject{{u"cpu"_s, 0.5}, {u"memory"_s, u"256M"_s}}},
                     {u"job_concurrency"_s, 3}};
    const ApiResponse created = m_api->send("POST", u"/v1/services"_s, body);
    QVERIFY2(created.status == 200 || created.status == 201, created.raw.constData());
    QCOMPARE(created.body.object().value(u"job_concurrency"_s).toInt(-1), 3);
    QCOMPARE(m_api->get(u"/v1/services/capped"_s).body.object().value(u"job_concurrency"_s).toInt(-1), 3);
    // The core holds it, not only the answer.
    QCOMPARE(m_plane->service().endpointInfo(u"capped"_s)->endpoint.jobConcurrency, 3);

    const ApiResponse modified = m_api->send("PATCH", u"/v1/services/capped"_s, QJsonObject{{u"job_concurrency"_s, 1}});
    QCOMPARE(modified.status, 200);
    QCOMPARE(m_api->get(u"/v1/services/capped"_s).body.object().value(u"job_concurrency"_s).toInt(-1), 1);
    QCOMPARE(m_plane->service().endpointInfo(u"capped"_s)->endpoint.jobConcurrency, 1);
    QCOMPARE(m_api->send("PATCH", u"/v1/services/capped"_s, QJsonObject{{u"job_concurrency"_s, 0}}).status, 200);
    QCOMPARE(m_api->get(u"/v1/services/capped"_s).body.object().value(u"job_concurrency"_s).toInt(-1), 0);
    // An endpoint created without it has the default.
    QCOMPARE(m_api->get(u"/v1/services/iris"_s).body.object().value(u"job_concurrency"_s).toInt(-1), 0);
}

void TestJobsApi::badJobConcurrencyIsTypedAndStoresNothing_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::newRow("negative") << QJsonValue(-1);
    QTest::newRow("over 10000") << QJsonValue(10001);
    QTest::newRow("text") << QJsonValue(u"two"_s);
    QTest::newRow("fraction") << QJsonValue(1.5);
    QTest::newRow("boolean") << QJsonValue(true);
}

void TestJobsApi::badJobConcurrencyIsTypedAndStoresNothing()
{
    QFETCH(QJsonValue, value);
    const QString updatedBefore = m_api->get(u"/v1/services/iris"_s).body.object().value(u"updated_at"_s).toString();
    QVERIFY(!updatedBefore.isEmpty());
    const ApiResponse modified = m_api->send("PATCH", u"/v1/services/iris"_s, QJsonObject{{u"job_concurrency"_s, value}});
    QCOMPARE(modified.status, 400);
    QVERIFY(modified.error());
    QCOMPARE(modified.error()->type, ErrorType::InvalidArgument);
    QVERIFY2(modified.error()->message.contains(u"job_concurrency"_s), qPrintable(modified.error()->message));
    QCOMPARE(m_plane->service().endpointInfo(u"iris"_s)->endpoint.jobConcurrency, 0);
    QCOMPARE(m_api->get(u"/v1/services/iris"_s).body.object().value(u"updated_at"_s).toString(), updatedBefore);

    const QJsonObject body{{u"name"_s, u"refused"_s}, {u"model_version"_s, u"v1"_s}, {u"model_folder"_s, u"iris-v1"_s},
                           {u"replicas"_s, 0},        {u"job_concurrency"_s, value}};
    const ApiResponse created = m_api->send("POST", u"/v1/services"_s, body);
    QCOMPARE(created.status, 400);
    QCOMPARE(created.error()->type, ErrorType::InvalidArgument);
    QCOMPARE(m_api->get(u"/v1/services/refused"_s).status, 404);
}

void TestJobsApi::statsCountFinishedJobs()
{
    const ApiResponse all = m_api->get(u"/v1/jobs/stats?since=1h"_s);
    QCOMPARE(all.status, 200);
    const QJsonArray rows = all.body.object().value(u"rows"_s).toArray();
    QVERIFY(!rows.isEmpty());
    const ApiResponse one = m_api->get(u"/v1/jobs/stats?since=1h&service=flaky"_s);
    QCOMPARE(one.status, 200);
    const QJsonArray flaky = one.body.object().value(u"rows"_s).toArray();
    // Both flaky jobs ran on v1 and ended SUCCEEDED (one after its retry).
    qint64 count = 0;
    for (const QJsonValue &row : flaky) {
        QCOMPARE(row.toObject().value(u"endpoint"_s).toString(), u"flaky"_s);
        count += row.toObject().value(u"count"_s).toInteger();
    }
    QCOMPARE(count, 2);
    QCOMPARE(flaky.size(), 1);
    QCOMPARE(flaky.first().toObject().value(u"success_ratio"_s).toDouble(), 1.0);
    QVERIFY(flaky.first().toObject().value(u"run_p95_ms"_s).isDouble());
    // The one "since" grammar, and an unknown service.
    QCOMPARE(m_api->get(u"/v1/jobs/stats?since=yesterday"_s).status, 400);
    QCOMPARE(m_api->get(u"/v1/jobs/stats?until=-3d"_s).status, 400);
    QCOMPARE(m_api->get(u"/v1/jobs/stats?service=nope"_s).status, 404);
}

void TestJobsApi::retentionReadsAndChanges()
{
    const ApiResponse initial = m_api->get(u"/v1/jobs/retention"_s);
    QCOMPARE(initial.status, 200);
    QCOMPARE(initial.body.object().value(u"max_age_days"_s).toInt(), 7);
    QCOMPARE(initial.body.object().value(u"max_count"_s).toInt(), 100000);
    const ApiResponse changed = m_api->send("PUT", u"/v1/jobs/retention"_s, QJsonObject{{u"max_age_days"_s, 3}});
    QCOMPARE(changed.status, 200);
    QCOMPARE(changed.body.object().value(u"max_age_days"_s).toInt(), 3);
    QCOMPARE(changed.body.object().value(u"max_count"_s).toInt(), 100000);
    for (const QJsonObject &bad : {QJsonObject{{u"max_age_days"_s, 0}}, QJsonObject{{u"max_count"_s, 5}},
                                   QJsonObject{{u"max_age_days"_s, u"3"_s}}, QJsonObject{{u"keep"_s, 1}}}) {
        const ApiResponse refused = m_api->send("PUT", u"/v1/jobs/retention"_s, bad);
        QCOMPARE(refused.status, 400);
        QCOMPARE(refused.error()->type, ErrorType::InvalidArgument);
    }
    const ApiResponse after = m_api->get(u"/v1/jobs/retention"_s);
    QCOMPARE(after.body.object().value(u"max_age_days"_s).toInt(), 3);
    QCOMPARE(after.body.object().value(u"max_count"_s).toInt(), 100000);
}

QTEST_GUILESS_MAIN(TestJobsApi)
#include "test_jobsapi.moc"
