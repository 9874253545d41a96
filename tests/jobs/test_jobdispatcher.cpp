// The job dispatcher end to end: a real plane in-process (store in a temporary folder, proxy on
// loopback), real replicas of the demo model server under the embedded agent, jobs submitted to
// its JobQueue and run through the proxy. Waits are bounded (QTRY_*_WITH_TIMEOUT).
#include <csignal>

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "domain/route.h"
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
constexpr int kPerReplica = 4;

} // namespace

class TestJobDispatcher final : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ControlPlane> m_plane;
    QNetworkAccessManager m_network;

    ModelServingService &service() { return m_plane->service(); }
    JobQueue &queue() { return *m_plane->jobs(); }

    QList<Route> routes(const QString &name) { return service().endpointInfo(name)->routes; }
    int healthy(const QString &name)
    {
        const QList<Route> list = routes(name);
        const auto isHealthy = [](const Route &r) { return r.status == RouteStatus::Healthy; };
        return int(std::count_if(list.begin(), list.end(), isHealthy));
    }

    // An endpoint of iris-v1 replicas answering each /predict `latencyMs` later, HEALTHY and in
    // the proxy's routing before it returns.
    Endpoint createSlow(const QString &name, int replicas, int latencyMs, bool isPublic = true,
                        const QStringList &moreFaults = {}, int jobConcurrency = 0)
    {
        CreateEndpointRequest r;
        r.name = name;
        r.modelVersion = QStringLiteral("v1");
        const QStringList faults = QStringList{QStringLiteral("--latency-ms"), QString::number(latencyMs)} + moreFaults;
        r.modelFolder = writeFaultyFolder(m_dir->filePath(name), faults);
        r.resourceSlots = {0.25, qint64(256) << 20, 0};
        r.replicas = replicas;
        r.isPublic = isPublic;
        r.jobConcurrency = jobConcurrency;
        const Endpoint e = require(service().createEndpoint(r), "create endpoint");
        waitRouted(e, replicas);
        return e;
    }

    void waitRouted(const Endpoint &e, int replicas)
    {
        QTRY_COMPARE_WITH_TIMEOUT(healthy(e.name), replicas, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(routedCount(e.id), replicas, kWaitMs);
    }

    int routedCount(const QUuid &endpointId) const
    {
        const auto snapshot = m_plane->proxy()->snapshot();
        for (const EndpointTable &table : snapshot->endpoints) {
            if (table.endpointId == endpointId)
                return int(table.routes.size());
        }
        return 0;
    }

    JobRequest predictJob(const Endpoint &e, int maxAttempts = 3) const
    {
        JobRequest r;
        r.endpointId = e.id;
        r.method = "POST";
        r.path = "/predict";
        r.headers = {{"Content-Type", "application/json"}};
        r.body = R"({"features":[5.1,3.5,1.4,0.2]})";
        r.maxAttempts = maxAttempts;
        r.submittedBy = QStringLiteral("admin");
        return r;
    }

    Job submit(const JobRequest &request)
    {
        auto submitted = queue().submit(request);
        if (!submitted)
            qFatal("submit: %s", describeResult(submitted).constData());
        return submitted->job;
    }

    Job jobNow(const QString &id) { return require(queue().job(id), "read job"); }

    quint64 proxyInFlight(const QList<Route> &list) const
    {
        const auto counters = m_plane->proxy()->routeCounters();
        quint64 n = 0;
        for (const Route &r : list)
            n += counters.value(r.id).inFlight;
        return n;
    }

    quint64 proxyRequests(const QList<Route> &list) const
    {
        const auto counters = m_plane->proxy()->routeCounters();
        quint64 n = 0;
        for (const Route &r : list)
            n += counters.value(r.id).requests;
        return n;
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
        options.jobConcurrencyPerReplica = kPerReplica;
        const QString error = TestPlane::start(m_plane, options);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(m_plane->jobs());
        QVERIFY(m_plane->jobDispatcher());
    }

    void cleanup()
    {
        m_plane.reset();
        m_dir.reset();
    }

    // 500 jobs on 2 replicas: every one SUCCEEDED on its first attempt, the proxy saw exactly
    // 500 requests, and never more than 2 x 4 were in flight (the dispatcher's count reaches
    // the limit and stops there; the proxy's own count, sampled all along, agrees).
    void fiveHundredJobsRunOnceWithinTheLimit()
    {
        const Endpoint e = createSlow(QStringLiteral("batch"), 2, 20);
        const QList<Route> serving = routes(e.name);
        QCOMPARE(serving.size(), 2);
        const int limit = 2 * kPerReplica;

        quint64 proxyMax = 0;
        QTimer sampler;
        sampler.setInterval(2);
        connect(&sampler, &QTimer::timeout, this, [&] { proxyMax = std::max(proxyMax, proxyInFlight(serving)); });
        sampler.start();

        QStringList ids;
        for (int i = 0; i < 500; ++i)
            ids << submit(predictJob(e)).id;
        QTRY_COMPARE_WITH_TIMEOUT(queue().stateCounts(e.id).value(JobState::Succeeded), 500, kWaitMs);
        sampler.stop();

        JobFilter filter;
        filter.endpointId = e.id;
        filter.limit = 1000;
        const QList<Job> jobs = require(queue().jobs(filter), "list jobs");
        QCOMPARE(jobs.size(), 500);
        QSet<QUuid> routeIds;
        for (const Route &r : serving)
            routeIds.insert(r.id);
        for (const Job &job : jobs) {
            QCOMPARE(job.state, JobState::Succeeded);
            QCOMPARE(job.attempts, 1);
            QCOMPARE(job.resultStatus, 200);
            QVERIFY2(routeIds.contains(job.routeId), qPrintable(job.routeId.toString()));
            QCOMPARE(job.modelVersion, QStringLiteral("v1"));
        }
        QCOMPARE(proxyRequests(serving), quint64(500));
        QCOMPARE(m_plane->jobDispatcher()->maxInFlight(e.id), limit);
        QVERIFY2(proxyMax > 0 && proxyMax <= quint64(limit), qPrintable(QString::number(proxyMax)));
        QCOMPARE(m_plane->jobDispatcher()->inFlight(e.id), 0);

        // The answer is kept as the model gave it.
        const JobResult result = require(queue().result(ids.first()), "result");
        QCOMPARE(result.status, 200);
        const QJsonObject answer = QJsonDocument::fromJson(result.body).object();
        QCOMPARE(answer.value(QStringLiteral("model_version")).toString(), QStringLiteral("v1"));
        QVERIFY(!ProxyHttp::headerValue(result.headers, "content-type").isEmpty());
    }

    void anEndpointsOwnConcurrencyCapsItsJobs_data()
    {
        QTest::addColumn<int>("atCreate");
        QTest::addColumn<int>("byModify");
        QTest::addColumn<int>("expected");
        QTest::newRow("1 at create") << 1 << -1 << 1;
        QTest::newRow("2 by modify") << 1 << 2 << 2;
        QTest::newRow("back to the default by modify") << 3 << 0 << 2 * kPerReplica;
    }

    // An endpoint's own job concurrency replaces HEALTHY replicas x per replica: on 2 replicas
    // (room for 8) never more than it are in flight, by the dispatcher's count and the proxy's.
    // A modify takes effect on a plane that has already run the endpoint's jobs by the old value.
    void anEndpointsOwnConcurrencyCapsItsJobs()
    {
        QFETCH(int, atCreate);
        QFETCH(int, byModify);
        QFETCH(int, expected);
        const Endpoint e = createSlow(QStringLiteral("capped"), 2, 20, true, {}, atCreate);
        if (byModify >= 0) {
            for (int i = 0; i < 3; ++i)
                submit(predictJob(e));
            QTRY_COMPARE_WITH_TIMEOUT(queue().stateCounts(e.id).value(JobState::Succeeded), 3, kWaitMs);
            QCOMPARE(m_plane->jobDispatcher()->concurrency(e.id), atCreate);
            ModifyEndpointRequest change;
            change.jobConcurrency = byModify;
            require(service().modifyEndpoint(e.name, change), "modify endpoint");
        }
        const QList<Route> serving = routes(e.name);
        QCOMPARE(serving.size(), 2);

        quint64 proxyMax = 0;
        QTimer sampler;
        sampler.setInterval(2);
        connect(&sampler, &QTimer::timeout, this, [&] { proxyMax = std::max(proxyMax, proxyInFlight(serving)); });
        sampler.start();
        constexpr int kJobs = 120;
        const int before = queue().stateCounts(e.id).value(JobState::Succeeded);
        for (int i = 0; i < kJobs; ++i)
            submit(predictJob(e));
        QTRY_COMPARE_WITH_TIMEOUT(queue().stateCounts(e.id).value(JobState::Succeeded), before + kJobs, kWaitMs);
        sampler.stop();

        QCOMPARE(m_plane->jobDispatcher()->concurrency(e.id), expected);
        QCOMPARE(m_plane->jobDispatcher()->maxInFlight(e.id), expected);
        QVERIFY2(proxyMax > 0 && proxyMax <= quint64(expected), qPrintable(QString::number(proxyMax)));
        QCOMPARE(proxyRequests(serving), quint64(before + kJobs));
    }

    // The replica running a job is killed mid-request: the proxy's 502 is a failed attempt, the
    // job is queued again and succeeds on the replacement replica, on its second attempt.
    void jobOfAKilledReplicaIsRetried()
    {
        const Endpoint e = createSlow(QStringLiteral("fragile"), 1, 3000);
        const Route victim = routes(e.name).constFirst();
        const Job job = submit(predictJob(e, 5));
        QTRY_COMPARE_WITH_TIMEOUT(proxyInFlight({victim}), quint64(1), kWaitMs);
        QCOMPARE(jobNow(job.id).state, JobState::Running);
        QCOMPARE(::kill(pid_t(pidOf(victim)), SIGKILL), 0);

        QTRY_COMPARE_WITH_TIMEOUT(jobNow(job.id).state, JobState::Succeeded, kWaitMs);
        const Job done = jobNow(job.id);
        QCOMPARE(done.attempts, 2);
        QCOMPARE(done.resultStatus, 200);
        QVERIFY(done.routeId != victim.id);
    }

    // Cancelling a running job aborts its request: the proxy sees its client go (its in-flight
    // count falls long before the model would have answered), nothing is stored, the slot is free.
    void cancelAbortsTheRunningRequest()
    {
        const Endpoint e = createSlow(QStringLiteral("sleepy"), 1, 60000);
        const QList<Route> serving = routes(e.name);
        const Job job = submit(predictJob(e));
        QTRY_COMPARE_WITH_TIMEOUT(proxyInFlight(serving), quint64(1), kWaitMs);
        QCOMPARE(m_plane->jobDispatcher()->inFlight(e.id), 1);

        const auto cancelled = queue().cancel(job.id);
        QVERIFY2(cancelled.ok(), describeResult(cancelled).constData());
        QCOMPARE(cancelled->state, JobState::Cancelled);
        QCOMPARE(m_plane->jobDispatcher()->inFlight(e.id), 0);
        QTRY_COMPARE_WITH_TIMEOUT(proxyInFlight(serving), quint64(0), 20000);

        const Job after = jobNow(job.id);
        QCOMPARE(after.state, JobState::Cancelled);
        QCOMPARE(after.resultStatus, 0);
        const auto result = queue().result(job.id);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().type, ErrorType::InvalidJobState);
    }

    // A job that runs longer than its lease (2 s here) keeps it: the dispatcher renews it every
    // lease/3, so it is neither taken back nor run twice.
    void aLongJobKeepsItsLease()
    {
        const Endpoint e = createSlow(QStringLiteral("long"), 1, 5000);
        const Job job = submit(predictJob(e));
        QTRY_COMPARE_WITH_TIMEOUT(jobNow(job.id).state, JobState::Succeeded, kWaitMs);
        QCOMPARE(jobNow(job.id).attempts, 1);
        QCOMPARE(proxyRequests(routes(e.name)), quint64(1));
    }

    // The model's own error is an answer: the job FAILED at once with it kept, not retried.
    void aModelErrorFailsTheJobWithItsAnswer()
    {
        const Endpoint e = createSlow(QStringLiteral("broken"), 1, 0, true,
                                      {QStringLiteral("--fail-percent"), QStringLiteral("100")});
        const Job job = submit(predictJob(e));
        QTRY_COMPARE_WITH_TIMEOUT(jobNow(job.id).state, JobState::Failed, kWaitMs);
        const Job failed = jobNow(job.id);
        QCOMPARE(failed.attempts, 1);
        QCOMPARE(failed.resultStatus, 500);
        const JobResult result = require(queue().result(job.id), "result");
        QCOMPARE(result.status, 500);
        QVERIFY2(result.body.contains("fail-percent"), result.body.constData());
    }

    // A private endpoint refuses a request without a token; its jobs succeed on the token the
    // dispatcher signs for each request.
    void privateEndpointJobsSucceed()
    {
        const Endpoint e = createSlow(QStringLiteral("private"), 1, 0, false);
        QNetworkRequest direct(QUrl(QStringLiteral("http://%1/private/predict").arg(m_plane->proxyAddress())));
        direct.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        QNetworkReply *reply = m_network.post(direct, QByteArrayLiteral(R"({"features":[5.1,3.5,1.4,0.2]})"));
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), kWaitMs);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 401);
        reply->deleteLater();

        QStringList ids;
        for (int i = 0; i < 3; ++i)
            ids << submit(predictJob(e)).id;
        QTRY_COMPARE_WITH_TIMEOUT(queue().stateCounts(e.id).value(JobState::Succeeded), 3, kWaitMs);
        for (const QString &id : std::as_const(ids)) {
            QCOMPARE(jobNow(id).resultStatus, 200);
            QCOMPARE(jobNow(id).attempts, 1);
        }
    }
};

QTEST_GUILESS_MAIN(TestJobDispatcher)
#include "test_jobdispatcher.moc"
