// The plane's job handler behind the proxy, end to end: a real plane in-process, demo replicas,
// and HTTP on loopback as a client sends it. `Prefer: respond-async` submits (202, Location,
// Preference-Applied; an Idempotency-Key repeated gives the same job, 200), /_jobs/{id} reads
// the job, /_jobs/{id}/result gives the stored answer as the model gave it, DELETE cancels;
// an unknown id is 404 and a job of a private endpoint is 404 to a caller without its token.
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "jobs/jobdispatcher.h"
#include "jobs/jobqueue.h"
#include "jobtestsupport.h"
#include "plane/controlplane.h"
#include "proxy/proxyserver.h"
#include "service/modelservingservice.h"
#include "support/replicaprocesses.h"
#include "support/require.h"
#include "support/testplane.h"

using namespace ServeDeck;
using namespace ReplicaProcesses;

namespace {

constexpr int kWaitMs = 60000;
const QByteArray kSample = R"({"features":[5.1,3.5,1.4,0.2]})";

struct Answer
{
    int status = 0;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers;  // lower-case names
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QJsonObject job() const { return json().value(QStringLiteral("job")).toObject(); }
};

} // namespace

class TestJobDispatcherProxy final : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ControlPlane> m_plane;
    QNetworkAccessManager m_network;

    ModelServingService &service() { return m_plane->service(); }

    Endpoint create(const QString &name, int latencyMs, bool isPublic)
    {
        CreateEndpointRequest r;
        r.name = name;
        r.modelVersion = QStringLiteral("v1");
        r.modelFolder = writeFaultyFolder(m_dir->filePath(name),
                                          {QStringLiteral("--latency-ms"), QString::number(latencyMs)});
        r.resourceSlots = {0.25, qint64(256) << 20, 0};
        r.replicas = 1;
        r.isPublic = isPublic;
        return require(service().createEndpoint(r), "create endpoint");
    }

    int healthy(const QString &name)
    {
        const QList<Route> list = service().endpointInfo(name)->routes;
        const auto isHealthy = [](const Route &r) { return r.status == RouteStatus::Healthy; };
        return int(std::count_if(list.begin(), list.end(), isHealthy));
    }

    // One request, its answer whole; bounded by a transfer timeout.
    Answer call(const QByteArray &method, const QString &path, const QList<QPair<QByteArray, QByteArray>> &headers = {},
                const QByteArray &body = {})
    {
        QNetworkRequest request(QUrl(QStringLiteral("http://%1%2").arg(m_plane->proxyAddress(), path)));
        request.setTransferTimeout(kWaitMs);
        for (const auto &[name, value] : headers)
            request.setRawHeader(name, value);
        QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        Answer answer;
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer.body = reply->readAll();
        for (const auto &[name, value] : reply->rawHeaderPairs())
            answer.headers.insert(name.toLower(), value);
        reply->deleteLater();
        return answer;
    }

    Answer submit(const QString &endpoint, const QByteArray &idempotencyKey = {}, const QByteArray &body = kSample)
    {
        QList<QPair<QByteArray, QByteArray>> headers{{"Content-Type", "application/json"},
                                                     {"Prefer", "respond-async"}};
        if (!idempotencyKey.isEmpty())
            headers.append({"Idempotency-Key", idempotencyKey});
        return call("POST", u'/' + endpoint + QStringLiteral("/predict"), headers, body);
    }

    QString stateOf(const QString &id)
    {
        return call("GET", QStringLiteral("/_jobs/") + id).job().value(QStringLiteral("state")).toString();
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        ControlPlaneOptions options = TestPlane::options(m_dir->filePath(QStringLiteral("data")));
        options.autoscaleIntervalMs = 0;
        options.jobLeaseSeconds = 2;
        const QString error = TestPlane::start(m_plane, options);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void cleanup()
    {
        m_plane.reset();
        m_dir.reset();
    }

    void submitReadAndFetchTheResult()
    {
        const Endpoint e = create(QStringLiteral("iris"), 0, true);
        QTRY_COMPARE_WITH_TIMEOUT(healthy(e.name), 1, kWaitMs);

        const Answer accepted = submit(e.name, "order-17");
        QCOMPARE(accepted.status, 202);
        const QString id = accepted.job().value(QStringLiteral("id")).toString();
        QCOMPARE(id.size(), 32);
        QCOMPARE(accepted.headers.value("location"), "/_jobs/" + id.toLatin1());
        QCOMPARE(accepted.headers.value("preference-applied"), QByteArrayLiteral("respond-async"));
        QCOMPARE(accepted.job().value(QStringLiteral("endpoint")).toString(), e.name);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(id), QStringLiteral("SUCCEEDED"), kWaitMs);

        const Answer status = call("GET", QStringLiteral("/_jobs/") + id);
        QCOMPARE(status.status, 200);
        QCOMPARE(status.job().value(QStringLiteral("attempts")).toInt(), 1);
        QCOMPARE(status.job().value(QStringLiteral("model_version")).toString(), QStringLiteral("v1"));
        QCOMPARE(status.job().value(QStringLiteral("result_status")).toInt(), 200);

        // The answer as the model gave it, not wrapped.
        const Answer result = call("GET", QStringLiteral("/_jobs/%1/result").arg(id));
        QCOMPARE(result.status, 200);
        const QByteArray contentType = result.headers.value("content-type");
        QVERIFY2(contentType.startsWith("application/json"), contentType.constData());
        QCOMPARE(result.json().value(QStringLiteral("model_version")).toString(), QStringLiteral("v1"));
        QVERIFY2(!result.json().contains(QStringLiteral("job")), result.body.constData());

        // The same key again: the same job, 200.
        const Answer again = submit(e.name, "order-17");
        QCOMPARE(again.status, 200);
        QCOMPARE(again.job().value(QStringLiteral("id")).toString(), id);
        // The same key with another body: 422 IdempotencyKeyReused, and no second job.
        const Answer reused = submit(e.name, "order-17", R"({"features":[1,2,3,4]})");
        QCOMPARE(reused.status, 422);
        QCOMPARE(reused.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("type")).toString(),
                 QStringLiteral("IdempotencyKeyReused"));
        QCOMPARE(require(m_plane->jobs()->jobs(JobFilter{}), "jobs").size(), 1);

        // An unknown id is 404, never a pending job; a final job cannot be cancelled (409).
        const Answer unknown = call("GET", QStringLiteral("/_jobs/") + QString(32, u'a'));
        QCOMPARE(unknown.status, 404);
        QCOMPARE(unknown.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("type")).toString(),
                 QStringLiteral("NotFound"));
        QCOMPARE(call("DELETE", QStringLiteral("/_jobs/") + id).status, 409);
    }

    void cancelAndPrivateJobs()
    {
        const Endpoint slow = create(QStringLiteral("slow"), 60000, true);
        const Endpoint hidden = create(QStringLiteral("hidden"), 60000, false);
        QTRY_COMPARE_WITH_TIMEOUT(healthy(slow.name), 1, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(healthy(hidden.name), 1, kWaitMs);

        const Answer accepted = submit(slow.name);
        QCOMPARE(accepted.status, 202);
        const QString id = accepted.job().value(QStringLiteral("id")).toString();
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(id), QStringLiteral("RUNNING"), kWaitMs);
        // No answer yet: 409, the job's state named.
        const Answer early = call("GET", QStringLiteral("/_jobs/%1/result").arg(id));
        QCOMPARE(early.status, 409);
        const Answer cancelled = call("DELETE", QStringLiteral("/_jobs/") + id);
        QCOMPARE(cancelled.status, 200);
        QCOMPARE(cancelled.job().value(QStringLiteral("state")).toString(), QStringLiteral("CANCELLED"));
        QTRY_COMPARE_WITH_TIMEOUT(m_plane->jobDispatcher()->inFlight(slow.id), 0, kWaitMs);

        // A job of the private endpoint (submitted in-process) is not disclosed without its token.
        JobRequest request;
        request.endpointId = hidden.id;
        request.path = "/predict";
        request.body = kSample;
        request.submittedBy = QStringLiteral("admin");
        const auto hiddenJob = m_plane->jobs()->submit(request);
        QVERIFY2(hiddenJob.ok(), describeResult(hiddenJob).constData());
        const Answer refused = call("GET", QStringLiteral("/_jobs/") + hiddenJob->job.id);
        QCOMPARE(refused.status, 404);
        QVERIFY2(!refused.body.contains("hidden"), refused.body.constData());
    }
};

QTEST_GUILESS_MAIN(TestJobDispatcherProxy)
#include "test_jobdispatcherproxy.moc"
