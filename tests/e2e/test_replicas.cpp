// Replicas as real processes: the embedded agent starts the demo model server for every route the
// reconciler creates, probes it, holds it to its memory limit and reports how it ended.
#include <csignal>
#include <functional>
#include <sched.h>

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QStandardPaths>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "agent/localagent.h"
#include "agent/replicaprocess.h"
#include "plane/controlplane.h"
#include "proxy/proxyserver.h"
#include "scheduler/reconciler.h"
#include "service/modelservingservice.h"
#include "store/repository.h"
#include "support/replicaprocesses.h"
#include "support/require.h"
#include "support/testplane.h"

using namespace ServeDeck;
using namespace ReplicaProcesses;

namespace {

// Bounded waits: a replica starts in well under a second; the limit only covers a loaded CI machine.
constexpr int kWaitMs = 20000;

} // namespace

class TestReplicas final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ControlPlane> m_plane;
    QNetworkAccessManager m_network;

    ModelServingService &service() { return m_plane->service(); }

    QList<Route> routes(const QString &name)
    {
        auto info = service().endpointInfo(name);
        return info ? info->routes : QList<Route>();
    }

    int count(const QString &name, RouteStatus status)
    {
        const auto list = routes(name);
        return int(std::count_if(list.begin(), list.end(), [&](const Route &r) { return r.status == status; }));
    }

    Endpoint create(const QString &name, const QString &folder, int replicas, const QString &memory = QStringLiteral("512M"))
    {
        CreateEndpointRequest r;
        r.name = name;
        r.modelVersion = QStringLiteral("v1");
        r.modelFolder = folder;
        r.resourceSlots = {0.5, *parseMemorySize(memory), 0};
        r.replicas = replicas;
        auto e = service().createEndpoint(r);
        if (!e)
            qFatal("create %s: %s", qPrintable(name), qPrintable(e.error().message));
        return *e;
    }

    QString faultyFolder(const QString &name, const QStringList &extraArgs)
    {
        return writeFaultyFolder(m_dir->filePath(name), extraArgs);
    }

    QJsonObject predict(quint16 port) { return ReplicaProcesses::predict(m_network, port, kWaitMs); }

    // A failed query is not "no errors": callers check the result and fail with its type and
    // message (QVERIFY2(r, qPrintable(failureOf(r)))).
    Result<QList<ErrorRecord>> errorsOf(const QString &name, const QString &type = {})
    {
        return service().listErrors(name, 100, type);
    }

    template<typename T>
    static QString failureOf(const Result<T> &result)
    {
        return result ? QString() : result.error().typeName() + QStringLiteral(": ") + result.error().message;
    }

    // Polls the endpoint's errors (of `type`) until `wanted` holds for them, bounded by kWaitMs,
    // and leaves them in `seen`. Returns why it failed, empty when `wanted` held; a failed query
    // ends the wait at once with its type and message.
    QString waitForErrors(const QString &name, const QString &type, const std::function<bool(const QList<ErrorRecord> &)> &wanted,
                          QList<ErrorRecord> &seen)
    {
        QDeadlineTimer deadline(kWaitMs);
        for (;;) {
            auto errors = errorsOf(name, type);
            if (!errors)
                return QStringLiteral("listing errors failed: ") + failureOf(errors);
            seen = *errors;
            if (wanted(seen))
                return {};
            if (deadline.hasExpired())
                break;
            QTest::qWait(20);
        }
        QStringList types;
        for (const ErrorRecord &e : seen)
            types << e.type;
        return QStringLiteral("not as wanted after %1 ms: %2 has %3 error(s) of type '%4': %5")
            .arg(kWaitMs)
            .arg(name)
            .arg(seen.size())
            .arg(type, types.join(QStringLiteral(", ")));
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        const QString error = TestPlane::start(m_plane, TestPlane::options(m_dir->filePath(QStringLiteral("data"))));
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void cleanup()
    {
        m_plane.reset();
        m_dir.reset();
    }

    void twoReplicasServePredictions()
    {
        create(QStringLiteral("iris"), QStringLiteral("iris-v1"), 2);
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("iris"), RouteStatus::Healthy), 2, kWaitMs);
        QCOMPARE(m_plane->agent()->replicaCount(), 2);
        QSet<qint64> pids;
        for (const Route &r : routes(QStringLiteral("iris"))) {
            QVERIFY2(processAlive(pidOf(r)), qPrintable(r.replicaId));
            QCOMPARE(r.agentId, QStringLiteral("local"));
            pids.insert(pidOf(r));
            const QJsonObject answer = predict(portOf(r));
            QCOMPARE(answer.value(QStringLiteral("model_version")).toString(), QStringLiteral("v1"));
            QCOMPARE(answer.value(QStringLiteral("prediction")).toString(), QStringLiteral("setosa"));
            QVERIFY(m_plane->agent()->replica(r.id)->coldStartMs() >= 0);
        }
        QCOMPARE(pids.size(), 2);
        QCOMPARE(service().endpointInfo(QStringLiteral("iris"))->status, EndpointStatus::Healthy);
        // What the agent reports: the configured capacity and each replica with what it uses.
        const AgentStatus status = m_plane->agent()->status();
        QCOMPARE(status.capacity.total.cpu, 16.0);
        QCOMPARE(status.replicas.size(), 2);
        for (const ReplicaStatus &r : status.replicas) {
            QCOMPARE(r.state, QStringLiteral("HEALTHY"));
            QVERIFY(pids.contains(r.pid));
            QVERIFY(r.residentBytes > 0);
            QVERIFY(r.coldStartMs >= 0);
        }
        QTRY_COMPARE_WITH_TIMEOUT(service().endpointInfo(QStringLiteral("iris"))->endpoint.lifecycle, EndpointLifecycle::Ready, kWaitMs);
    }

    void scaleTwoFiveOneZero()
    {
        create(QStringLiteral("iris"), QStringLiteral("iris-v1"), 2);
        for (int target : {5, 1, 0}) {
            QVERIFY(service().scaleReplicas(QStringLiteral("iris"), target).ok());
            QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("iris"), RouteStatus::Healthy), target, kWaitMs);
            QTRY_COMPARE_WITH_TIMEOUT(m_plane->agent()->replicaCount(), target, kWaitMs);
            QTRY_COMPARE_WITH_TIMEOUT(int(routes(QStringLiteral("iris")).size()), target, kWaitMs);
        }
        // At zero the endpoint stays, serving nothing.
        auto info = service().endpointInfo(QStringLiteral("iris"));
        QCOMPARE(info->status, EndpointStatus::ScaledToZero);
        QVERIFY(info->endpoint.isLive());
        auto errors = errorsOf(QStringLiteral("iris"));
        QVERIFY2(errors, qPrintable(failureOf(errors)));
        QVERIFY(errors->isEmpty());
    }

    void killedReplicaIsRecordedAndReplaced()
    {
        create(QStringLiteral("iris"), QStringLiteral("iris-v1"), 2);
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("iris"), RouteStatus::Healthy), 2, kWaitMs);
        const Route victim = routes(QStringLiteral("iris")).first();
        QSignalSpy changed(&service(), &ModelServingService::routesChanged);
        QCOMPARE(::kill(pid_t(pidOf(victim)), SIGKILL), 0);

        QList<ErrorRecord> crashed;
        const QString waited = waitForErrors(QStringLiteral("iris"), QStringLiteral("Crashed"),
                                             [](const QList<ErrorRecord> &l) { return l.size() == 1; }, crashed);
        QVERIFY2(waited.isEmpty(), qPrintable(waited));
        const ErrorRecord error = crashed.first();
        QCOMPARE(error.signal, std::optional<int>(SIGKILL));
        QCOMPARE(error.routeId, victim.id.toString(QUuid::WithoutBraces));
        QCOMPARE(error.agentId, QStringLiteral("local"));
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("iris"), RouteStatus::Healthy), 2, kWaitMs);
        const auto now = routes(QStringLiteral("iris"));
        QVERIFY(std::none_of(now.begin(), now.end(), [&](const Route &r) { return r.id == victim.id; }));
        // A crash after serving does not count against the retry limit.
        QCOMPARE(service().endpointInfo(QStringLiteral("iris"))->endpoint.retries, 0);
    }

    void memoryLimitIsEnforced()
    {
        create(QStringLiteral("hungry"), faultyFolder(QStringLiteral("hungry"), {QStringLiteral("--grow-memory-mb"), QStringLiteral("64")}),
               1, QStringLiteral("128M"));
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("hungry"), RouteStatus::Healthy), 1, kWaitMs);
        const Route r = routes(QStringLiteral("hungry")).first();
        for (int i = 0; i < 4 && processAlive(pidOf(r)); ++i)
            predict(portOf(r));
        QList<ErrorRecord> killed;
        const QString waited = waitForErrors(QStringLiteral("hungry"), QStringLiteral("OOMKilled"),
                                             [](const QList<ErrorRecord> &l) { return l.size() == 1; }, killed);
        QVERIFY2(waited.isEmpty(), qPrintable(waited));
        const ErrorRecord error = killed.first();
        QVERIFY2(error.message.contains(QStringLiteral("limit of 128 MiB")), qPrintable(error.message));
        QCOMPARE(error.signal, std::optional<int>(SIGKILL));
        QVERIFY(!processAlive(pidOf(r)));
    }

    void failingStartStopsAtTheRetryLimit()
    {
        const Endpoint e = create(QStringLiteral("broken"), faultyFolder(QStringLiteral("broken"), {QStringLiteral("--exit-code-at-start"), QStringLiteral("3")}), 1);
        const int maxRetries = service().config().maxRetries;
        QTRY_COMPARE_WITH_TIMEOUT(service().endpointInfo(QStringLiteral("broken"))->endpoint.retries, maxRetries + 1, kWaitMs);
        auto failed = errorsOf(QStringLiteral("broken"), QStringLiteral("StartFailed"));
        QVERIFY2(failed, qPrintable(failureOf(failed)));
        const int attempts = int(failed->size());
        QCOMPARE(attempts, maxRetries + 1);
        QCOMPARE(failed->first().exitCode, std::optional<int>(3));
        // Past the limit nothing more is tried. The passes are run here, so they surely ran (a
        // fixed wait would also pass with a stalled reconciler): each one skips the endpoint for
        // its retries and creates no route; events run in between, and no attempt is recorded.
        for (int pass = 0; pass < 5; ++pass) {
            auto p = m_plane->reconciler()->runOnce();
            QVERIFY2(p, qPrintable(failureOf(p)));
            QVERIFY2(p->skippedForRetries.contains(e.id), qPrintable(QString::number(pass)));
            QVERIFY2(p->created.isEmpty(), qPrintable(QString::number(pass)));
            QCoreApplication::processEvents();
        }
        QCOMPARE(m_plane->agent()->replicaCount(), 0);
        auto after = errorsOf(QStringLiteral("broken"));
        QVERIFY2(after, qPrintable(failureOf(after)));
        QCOMPARE(int(after->size()), attempts);
        // Failed starts and nothing healthy: it says so, not "still provisioning".
        QCOMPARE(service().endpointInfo(QStringLiteral("broken"))->status, EndpointStatus::Unhealthy);
        // Clearing the error lets it try again: the old errors are gone, the retry counter is back
        // at zero, and a new failed start is recorded (one that was not there before clearing).
        QSet<qint64> before;
        for (const ErrorRecord &r : *after)
            before.insert(r.id);
        auto cleared = service().clearErrors(e.name);
        QVERIFY2(cleared, qPrintable(failureOf(cleared)));
        QCOMPARE(*cleared, attempts);
        QCOMPARE(service().endpointInfo(QStringLiteral("broken"))->endpoint.retries, 0);
        QList<ErrorRecord> again;
        const QString waited = waitForErrors(QStringLiteral("broken"), QStringLiteral("StartFailed"), [&](const QList<ErrorRecord> &l) {
            return !l.isEmpty() && std::none_of(l.begin(), l.end(), [&](const ErrorRecord &r) { return before.contains(r.id); });
        }, again);
        QVERIFY2(waited.isEmpty(), qPrintable(waited));
    }

    void cudaOutOfMemoryIsRecognisedInTheLog()
    {
        create(QStringLiteral("gpu-hungry"), faultyFolder(QStringLiteral("gpu"), {QStringLiteral("--log-cuda-oom")}), 1);
        QList<ErrorRecord> oom;
        const QString waited = waitForErrors(QStringLiteral("gpu-hungry"), QStringLiteral("CudaOutOfMemory"),
                                             [](const QList<ErrorRecord> &l) { return !l.isEmpty(); }, oom);
        QVERIFY2(waited.isEmpty(), qPrintable(waited));
        const ErrorRecord error = oom.first();
        QVERIFY2(error.logTail.contains(QStringLiteral("CUDA out of memory")), qPrintable(error.logTail));
    }

    void deleteStopsEveryProcess()
    {
        const Endpoint e = create(QStringLiteral("iris"), QStringLiteral("iris-v1"), 3);
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("iris"), RouteStatus::Healthy), 3, kWaitMs);
        QList<qint64> pids;
        for (const Route &r : routes(QStringLiteral("iris")))
            pids << pidOf(r);
        QVERIFY(service().deleteEndpoint(QStringLiteral("iris")).ok());
        QTRY_COMPARE_WITH_TIMEOUT((*m_plane->repository().endpointById(e.id))->lifecycle, EndpointLifecycle::Terminated, kWaitMs);
        QCOMPARE(m_plane->agent()->replicaCount(), 0);
        for (qint64 pid : pids)
            QVERIFY2(!processAlive(pid), qPrintable(QString::number(pid)));
        // A graceful stop is not an error.
        auto errors = service().listErrors({}, 100);
        QVERIFY2(errors, qPrintable(failureOf(errors)));
        QVERIFY(errors->isEmpty());
    }

    void cpuReplicasArePinnedToCoresOfTheirOwn()
    {
        // Two one-core replicas on a machine with at least two usable cores: each is pinned to
        // one core, and not the same one.
        cpu_set_t allowed;
        CPU_ZERO(&allowed);
        QCOMPARE(::sched_getaffinity(0, sizeof(allowed), &allowed), 0);
        // A capability of the machine, not its speed: with one core there is nothing to tell apart.
        if (CPU_COUNT(&allowed) < 2)
            QSKIP(qPrintable(QStringLiteral("needs two usable CPU cores to pin two replicas apart; this process may use %1")
                                 .arg(CPU_COUNT(&allowed))));
        const auto coresOf = [](const Route &r) {
            QFile f(QStringLiteral("/proc/%1/status").arg(pidOf(r)));
            if (!f.open(QIODevice::ReadOnly))
                return QString();
            for (const QByteArray &line : f.readAll().split('\n')) {
                if (line.startsWith("Cpus_allowed_list:"))
                    return QString::fromLatin1(line.mid(18).trimmed());
            }
            return QString();
        };
        CreateEndpointRequest r;
        r.name = QStringLiteral("pinned");
        r.modelVersion = QStringLiteral("v1");
        r.modelFolder = QStringLiteral("iris-v1");
        r.resourceSlots = {1, qint64(512) << 20, 0};
        r.replicas = 2;
        QVERIFY(service().createEndpoint(r).ok());
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("pinned"), RouteStatus::Healthy), 2, kWaitMs);
        QStringList cores;
        for (const Route &route : routes(QStringLiteral("pinned")))
            cores << coresOf(route);
        QCOMPARE(cores.size(), 2);
        for (const QString &c : cores)
            QVERIFY2(!c.isEmpty() && !c.contains(u'-') && !c.contains(u','), qPrintable(c));
        QVERIFY2(cores[0] != cores[1], qPrintable(cores.join(u' ')));
    }

    void gpuReplicasGetTheirOwnDevices()
    {
        // Two devices by configuration (this machine may have none): each GPU replica gets one of
        // its own through CUDA_VISIBLE_DEVICES, a CPU replica gets none, and a third does not fit.
        m_plane.reset();
        ControlPlaneOptions options = TestPlane::options(m_dir->filePath(QStringLiteral("gpu-data")));
        options.capacity = QStringLiteral("cpu=16,memory=32G,gpu=2");
        const QString error = TestPlane::start(m_plane, options);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const auto environ = [](qint64 pid) {
            QFile f(QStringLiteral("/proc/%1/environ").arg(pid));
            return f.open(QIODevice::ReadOnly) ? f.readAll().split('\0') : QList<QByteArray>();
        };
        const auto visibleDevices = [&](const Route &r) {
            for (const QByteArray &kv : environ(pidOf(r))) {
                if (kv.startsWith("CUDA_VISIBLE_DEVICES="))
                    return QString::fromLatin1(kv.mid(21));
            }
            return QStringLiteral("<unset>");
        };

        CreateEndpointRequest gpu;
        gpu.name = QStringLiteral("gpu-model");
        gpu.modelVersion = QStringLiteral("v1");
        gpu.modelFolder = QStringLiteral("iris-v1");
        gpu.resourceSlots = {1, qint64(512) << 20, 1};
        gpu.replicas = 2;
        QVERIFY(service().createEndpoint(gpu).ok());
        create(QStringLiteral("cpu-model"), QStringLiteral("iris-v1"), 1);
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("gpu-model"), RouteStatus::Healthy), 2, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("cpu-model"), RouteStatus::Healthy), 1, kWaitMs);

        QStringList devices;
        for (const Route &r : routes(QStringLiteral("gpu-model")))
            devices << visibleDevices(r);
        devices.sort();
        QCOMPARE(devices, (QStringList{QStringLiteral("0"), QStringLiteral("1")}));
        QCOMPARE(visibleDevices(routes(QStringLiteral("cpu-model")).first()), QString());
        for (const ReplicaStatus &r : m_plane->agent()->status().replicas)
            QCOMPARE(r.gpus.size(), r.routeId == routes(QStringLiteral("cpu-model")).first().id ? 0 : 1);
        QCOMPARE(service().scaleReplicas(QStringLiteral("gpu-model"), 3).error().type, ErrorType::ResourceLimitExceeded);

        // A replacement reuses the device its crashed predecessor freed.
        const Route victim = routes(QStringLiteral("gpu-model")).first();
        const QString freed = visibleDevices(victim);
        QCOMPARE(::kill(pid_t(pidOf(victim)), SIGKILL), 0);
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
            const auto now = routes(QStringLiteral("gpu-model"));
            return count(QStringLiteral("gpu-model"), RouteStatus::Healthy) == 2
                && std::none_of(now.begin(), now.end(), [&](const Route &r) { return r.id == victim.id; });
        }()), kWaitMs);
        QStringList after;
        for (const Route &r : routes(QStringLiteral("gpu-model")))
            after << visibleDevices(r);
        QVERIFY2(after.contains(freed), qPrintable(after.join(u',')));
    }

    // Scaling in drains: the replica stops only once the request the proxy already sent it is
    // answered, so a slow request in flight never fails because its replica went away.
    void drainWaitsForTheRequestInFlight()
    {
        CreateEndpointRequest r;
        r.name = QStringLiteral("slow");
        r.modelVersion = QStringLiteral("v1");
        r.modelFolder = faultyFolder(QStringLiteral("slow"), {QStringLiteral("--latency-ms"), QStringLiteral("1500")});
        r.resourceSlots = {0.5, qint64(512) << 20, 0};
        r.replicas = 1;
        r.isPublic = true;
        const Endpoint e = require(service().createEndpoint(r), "create");
        QTRY_COMPARE_WITH_TIMEOUT(count(e.name, RouteStatus::Healthy), 1, kWaitMs);
        const Route route = routes(e.name).constFirst();
        QNetworkRequest request(QUrl(QStringLiteral("http://%1/slow/predict").arg(m_plane->proxyAddress())));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setTransferTimeout(kWaitMs);
        QNetworkReply *reply = m_network.post(request, QByteArrayLiteral(R"({"features":[5.1,3.5,1.4,0.2]})"));
        QTRY_COMPARE_WITH_TIMEOUT(m_plane->proxy()->routeCounters().value(route.id).inFlight, quint64(1), kWaitMs);
        QVERIFY(service().scaleReplicas(e.name, 0).ok());
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), kWaitMs);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(QJsonDocument::fromJson(reply->readAll()).object().value(QStringLiteral("model_version")).toString(),
                 QStringLiteral("v1"));
        reply->deleteLater();
        // And then it goes.
        QTRY_VERIFY_WITH_TIMEOUT(!processAlive(pidOf(route)), kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(routes(e.name).size(), 0, kWaitMs);
    }

    void restartReplacesReplicasWithoutDuplicates()
    {
        create(QStringLiteral("iris"), QStringLiteral("iris-v1"), 2);
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("iris"), RouteStatus::Healthy), 2, kWaitMs);
        QList<qint64> before;
        for (const Route &r : routes(QStringLiteral("iris")))
            before << pidOf(r);
        // The console goes away and comes back on the same data dir.
        m_plane.reset();
        for (qint64 pid : before)
            QTRY_VERIFY_WITH_TIMEOUT(!processAlive(pid), kWaitMs);
        const QString error = TestPlane::start(m_plane, TestPlane::options(m_dir->filePath(QStringLiteral("data"))));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        // The stored HEALTHY routes name replicas that died with the old console: they are replaced.
        const auto fresh = [&] {
            const auto list = routes(QStringLiteral("iris"));
            return std::count_if(list.begin(), list.end(), [&](const Route &r) {
                return r.status == RouteStatus::Healthy && processAlive(pidOf(r)) && !before.contains(pidOf(r));
            });
        };
        QTRY_COMPARE_WITH_TIMEOUT(fresh(), qsizetype(2), kWaitMs);
        QCOMPARE(int(routes(QStringLiteral("iris")).size()), 2);
        QCOMPARE(m_plane->agent()->replicaCount(), 2);
    }
};

QTEST_GUILESS_MAIN(TestReplicas)
#include "test_replicas.moc"
