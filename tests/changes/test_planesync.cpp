#include <memory>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "jobs/jobqueue.h"
#include "plane/controlclient.h"
#include "plane/controlplane.h"
#include "store/changefeed.h"
#include "store/repository.h"
#include "support/postgresserver.h"
#include "support/replicaprocesses.h"
#include "support/testplane.h"

using namespace ServeDeck;

namespace {

constexpr int kWaitMs = 30000;  // replicas start in about a second; this bounds a stall on a loaded runner

struct Reply
{
    int status = 0;
    QJsonObject body;
};

// An iris endpoint with no replica, created through plane's service.
Result<Endpoint> createIdleIris(ControlPlane &plane, const QString &name)
{
    CreateEndpointRequest r;
    r.name = name;
    r.modelVersion = QStringLiteral("v1");
    r.modelFolder = QStringLiteral("iris-v1");
    r.resourceSlots = {0.5, *parseMemorySize(QStringLiteral("512M")), 0};
    r.replicas = 0;
    return plane.service().createEndpoint(r);
}

// What the control API's POST /v1/services takes for a public demo iris endpoint.
QJsonObject irisCreateBody(const QString &name, int replicas)
{
    return {{QStringLiteral("model_name"), name},
            {QStringLiteral("model_version"), QStringLiteral("v1")},
            {QStringLiteral("vfolder_id"), QStringLiteral("iris-v1")},
            {QStringLiteral("runtime_variant"), QStringLiteral("custom")},
            {QStringLiteral("resource_slots"),
             QJsonObject{{QStringLiteral("cpu"), QStringLiteral("0.5")}, {QStringLiteral("memory"), QStringLiteral("512M")}}},
            {QStringLiteral("replicas"), replicas},
            {QStringLiteral("public"), true}};
}

} // namespace

// Two control planes on one PostgreSQL database, as two consoles: what one's API does, the other
// lists, routes and tells its views, because the change feed tells it (there is no polling).
class TestPlaneSync final : public QObject
{
    Q_OBJECT

private:
    PostgresServer m_server;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ControlPlane> m_first;   // runs the reconciler and the replicas
    std::unique_ptr<ControlPlane> m_second;  // no reconciler: follows only
    QNetworkAccessManager m_network;

    Reply send(ControlPlane &plane, const QByteArray &method, const QString &path, const QJsonObject &body = {})
    {
        QNetworkRequest request(QUrl(QStringLiteral("http://%1%2").arg(plane.apiAddress(), path)));
        request.setRawHeader("Authorization", QByteArrayLiteral("Bearer ") + plane.adminToken());
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setTransferTimeout(kWaitMs);
        QNetworkReply *reply = m_network.sendCustomRequest(
            request, method, body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact));
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        reply->deleteLater();
        return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                QJsonDocument::fromJson(reply->readAll()).object()};
    }

    int healthyAt(ControlPlane &plane, const QString &id)
    {
        const Reply r = send(plane, "GET", QStringLiteral("/v1/services/") + id);
        return r.status == 200 ? r.body.value(QStringLiteral("healthy_replicas")).toInt() : -1;
    }

    // A prediction through the plane's proxy: the label, empty when it was not routed.
    QString predictThrough(ControlPlane &plane, const QString &endpoint)
    {
        const QJsonObject answer = ReplicaProcesses::predictAt(
            m_network, QUrl(QStringLiteral("http://%1/%2/predict").arg(plane.proxyAddress(), endpoint)), kWaitMs);
        return answer.value(QStringLiteral("prediction")).toString();
    }

    ControlPlaneOptions optionsFor(const QString &name, const QString &database)
    {
        ControlPlaneOptions o = TestPlane::options(m_dir->filePath(name));
        o.database = database;
        o.serveApi = true;
        o.signingKeyFromFile = true;
        return o;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QString error;
        QVERIFY2(m_server.start(&error), qPrintable(error));
    }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        QString error;
        const QString database = m_server.createUniqueDatabase(&error);
        QVERIFY2(!database.isEmpty(), qPrintable(error));
        const QString url = m_server.url(database);
        error = TestPlane::start(m_first, optionsFor(QStringLiteral("first"), url));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        ControlPlaneOptions second = optionsFor(QStringLiteral("second"), url);
        second.reconcileIntervalMs = 0;  // one reconciler per store
        second.autoscaleIntervalMs = 0;
        error = TestPlane::start(m_second, second);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(m_first->changeFeed() && m_first->changeFeed()->isListening());
        QVERIFY(m_second->changeFeed() && m_second->changeFeed()->isListening());
    }

    void cleanup()
    {
        m_second.reset();
        m_first.reset();
        m_dir.reset();
    }

    void createdAndScaledAtOneIsServedByTheOther()
    {
        ControlClient second(*m_second);
        QSignalSpy endpointChanged(&second, &ControlClient::endpointChanged);
        QSignalSpy routesChanged(&second, &ControlClient::routesChanged);

        const QJsonObject create = irisCreateBody(QStringLiteral("shared"), 1);
        const Reply created = send(*m_first, "POST", QStringLiteral("/v1/services"), create);
        QCOMPARE(created.status, 201);
        const QString id = created.body.value(QStringLiteral("id")).toString();
        QVERIFY(!id.isEmpty());

        // The other console lists it with its replica, routes to it, and told its views.
        QTRY_COMPARE_WITH_TIMEOUT(healthyAt(*m_second, id), 1, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(predictThrough(*m_second, QStringLiteral("shared")), QStringLiteral("setosa"), kWaitMs);
        QVERIFY(endpointChanged.contains(QVariantList{QUuid::fromString(id)}));
        QVERIFY(routesChanged.contains(QVariantList{QUuid::fromString(id)}));

        routesChanged.clear();
        const Reply scaled = send(*m_first, "POST", QStringLiteral("/v1/services/%1/scale").arg(id),
                                  {{QStringLiteral("replicas"), 2}});
        QCOMPARE(scaled.status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(healthyAt(*m_second, id), 2, kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(routesChanged.contains(QVariantList{QUuid::fromString(id)}), kWaitMs);
        QCOMPARE(predictThrough(*m_second, QStringLiteral("shared")), QStringLiteral("setosa"));

        // Deleted at the first: the second stops routing it and its views drop it.
        QSignalSpy removed(&second, &ControlClient::endpointRemoved);
        QCOMPARE(send(*m_first, "DELETE", QStringLiteral("/v1/services/") + id).status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(predictThrough(*m_second, QStringLiteral("shared")).isEmpty(), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(removed.contains(QVariantList{QUuid::fromString(id)}), kWaitMs);
    }

    // PostgreSQL restarted: each console's feed listens again, and an idle follower, which only
    // reads, reads again too (its store connection is opened anew when the feed comes back).
    void aRestartedServerIsFollowedAgain()
    {
        QString error;
        QVERIFY2(m_server.restart(&error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(m_first->changeFeed()->isListening() && m_second->changeFeed()->isListening(),
                                 kWaitMs);
        const QJsonObject create = irisCreateBody(QStringLiteral("after-restart"), 0);
        // Both read again (a list is a read outside any transaction), then a write through one is read
        // through the other.
        QTRY_COMPARE_WITH_TIMEOUT(send(*m_first, "GET", QStringLiteral("/v1/services")).status, 200, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(send(*m_second, "GET", QStringLiteral("/v1/services")).status, 200, kWaitMs);
        const Reply created = send(*m_first, "POST", QStringLiteral("/v1/services"), create);
        QVERIFY2(created.status == 201, QJsonDocument(created.body).toJson().constData());
        const QString id = created.body.value(QStringLiteral("id")).toString();
        QTRY_COMPARE_WITH_TIMEOUT(send(*m_second, "GET", QStringLiteral("/v1/services/") + id).status, 200, kWaitMs);
        QCOMPARE(send(*m_second, "GET", QStringLiteral("/v1/services/") + id)
                     .body.value(QStringLiteral("name")).toString(),
                 QStringLiteral("after-restart"));
    }

    void anErrorRecordedAtOneIsToldOnceAtTheOther()
    {
        ControlClient second(*m_second);
        QSignalSpy errors(&second, &ControlClient::errorRecorded);
        QSignalSpy tokens(&second, &ControlClient::tokensChanged);
        auto endpoint = createIdleIris(*m_first, QStringLiteral("noisy"));
        QVERIFY2(endpoint, endpoint ? "" : qPrintable(endpoint.error().message));
        ErrorRecord record;
        record.endpointId = endpoint->id;
        record.type = QStringLiteral("UpstreamTimeout");
        record.message = QStringLiteral("from the first console");
        QVERIFY(m_first->service().recordError(record));
        QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, kWaitMs);
        QCOMPARE(errors.at(0).at(0).value<ErrorRecord>().message, QStringLiteral("from the first console"));
        record.message = QStringLiteral("again");
        QVERIFY(m_first->service().recordError(record));
        QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 2, kWaitMs);
        QCOMPARE(errors.at(1).at(0).value<ErrorRecord>().message, QStringLiteral("again"));

        // Later changes (of errors too) do not tell them again.
        TokenRequest token;
        auto issued = m_first->service().generateToken(endpoint->id.toString(QUuid::WithoutBraces), token);
        QVERIFY2(issued, issued ? "" : qPrintable(issued.error().message));
        QSignalSpy cleared(&second, &ControlClient::errorsCleared);
        QVERIFY(m_first->service().clearErrors(endpoint->id.toString(QUuid::WithoutBraces)));
        QTRY_VERIFY_WITH_TIMEOUT(tokens.contains(QVariantList{endpoint->id}), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(cleared.contains(QVariantList{endpoint->id}), kWaitMs);
        QCOMPARE(errors.count(), 2);
    }

    // Scale events are read for every endpoint at once; each is told once, and not again at a
    // later change of the table (its older rows included).
    void aScaleAtOneIsToldOnceAtTheOther()
    {
        ControlClient second(*m_second);
        QSignalSpy scaled(&second, &ControlClient::scaled);
        auto quiet = createIdleIris(*m_first, QStringLiteral("quiet"));
        QVERIFY2(quiet, quiet ? "" : qPrintable(quiet.error().message));
        auto busy = createIdleIris(*m_first, QStringLiteral("busy"));
        QVERIFY2(busy, busy ? "" : qPrintable(busy.error().message));
        const QString busyId = busy->id.toString(QUuid::WithoutBraces);
        ScaleCause cause;
        cause.reason = QStringLiteral("from the first console");
        QVERIFY(m_first->service().scaleReplicas(busyId, 1, cause));
        QTRY_COMPARE_WITH_TIMEOUT(scaled.count(), 1, kWaitMs);
        const ScaleEvent told = scaled.at(0).at(0).value<ScaleEvent>();
        QCOMPARE(told.endpointId, busy->id);
        QCOMPARE(told.before, 0);
        QCOMPARE(told.after, 1);
        QCOMPARE(told.reason, QStringLiteral("from the first console"));
        QVERIFY(m_first->service().scaleReplicas(quiet->id.toString(QUuid::WithoutBraces), 1, cause));
        QVERIFY(m_first->service().scaleReplicas(busyId, 0, cause));
        QTRY_COMPARE_WITH_TIMEOUT(scaled.count(), 3, kWaitMs);
        QCOMPARE(scaled.at(1).at(0).value<ScaleEvent>().endpointId, quiet->id);
        QCOMPARE(scaled.at(2).at(0).value<ScaleEvent>().after, 0);
        // Told at the first too? It made them: never again through the feed.
        ControlClient first(*m_first);
        QSignalSpy firstScaled(&first, &ControlClient::scaled);
        QVERIFY(m_first->service().scaleReplicas(quiet->id.toString(QUuid::WithoutBraces), 0, cause));
        QTRY_COMPARE_WITH_TIMEOUT(scaled.count(), 4, kWaitMs);
        QCOMPARE(firstScaled.count(), 1);  // the service's own signal, once
        QCOMPARE(scaled.at(3).at(0).value<ScaleEvent>().endpointId, quiet->id);
    }

    void aJobQueuedAtOneIsCountedAtTheOther()
    {
        // No replica: the job waits, so only the feed can tell the first plane's queue of it.
        ControlClient first(*m_first);
        QSignalSpy jobs(&first, &ControlClient::jobChanged);
        auto endpoint = createIdleIris(*m_second, QStringLiteral("later"));
        QVERIFY2(endpoint, endpoint ? "" : qPrintable(endpoint.error().message));
        JobRequest job;
        job.endpointId = endpoint->id;
        job.path = "/predict";
        job.body = "{}";
        job.submittedBy = QStringLiteral("admin");
        auto submitted = m_second->jobs()->submit(job);
        QVERIFY2(submitted, submitted ? "" : qPrintable(submitted.error().message));
        QTRY_COMPARE_WITH_TIMEOUT(m_first->jobs()->queuedCount(endpoint->id), 1, kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!jobs.isEmpty(), kWaitMs);
        QCOMPARE(jobs.at(0).at(0).value<Job>().id, submitted->job.id);
    }

    void sqliteHasNoFeed()
    {
        std::unique_ptr<ControlPlane> plane;
        const QString error = TestPlane::start(plane, TestPlane::options(m_dir->filePath(QStringLiteral("solo"))));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(!plane->changeFeed());
    }
};

QTEST_MAIN(TestPlaneSync)
#include "test_planesync.moc"
