// Remote agents as real `servedeck agent` processes joining an in-process control plane over a
// WebSocket: the join token, replicas placed on them, crashes, lost agents and rejoining.
#include <csignal>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkInterface>
#include <QNetworkReply>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "agent/remoteagentconnection.h"
#include "plane/controlplane.h"
#include "scheduler/reconciler.h"
#include "service/modelservingservice.h"
#include "service/replicadeployer.h"
#include "store/repository.h"
#include "support/replicaprocesses.h"

using namespace ServeDeck;
using namespace ReplicaProcesses;

namespace {

// Bounded waits: an agent joins and a replica starts in about a second; the rest is CI headroom.
constexpr int kWaitMs = 20000;

} // namespace

class TestRemoteAgents final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ControlPlane> m_plane;
    std::vector<std::unique_ptr<QProcess>> m_agents;
    QNetworkAccessManager m_network;

    ModelServingService &service() { return m_plane->service(); }

    QProcess *startAgent(const QString &agentId, const QString &tokenFile, const QStringList &extra = {})
    {
        auto process = std::make_unique<QProcess>();
        process->setProgram(qEnvironmentVariable("SERVEDECK_BIN_DIR") + QStringLiteral("/servedeck"));
        process->setArguments(QStringList{QStringLiteral("agent"), QStringLiteral("--connect"), QStringLiteral("ws://") + m_plane->agentsAddress(),
                               QStringLiteral("--token"), tokenFile, QStringLiteral("--agent-id"), agentId,
                               QStringLiteral("--capacity"), QStringLiteral("cpu=8,memory=16G")} + extra);
        process->start();
        if (!process->waitForStarted(kWaitMs))
            qFatal("cannot start servedeck agent: %s", qPrintable(process->errorString()));
        m_agents.push_back(std::move(process));
        return m_agents.back().get();
    }

    // The plane's connection for an agent that is currently joined.
    RemoteAgentConnection *remote(const QString &agentId)
    {
        for (AgentConnector *agent : m_plane->deployer()->agents()) {
            if (agent->agentId() == agentId)
                return qobject_cast<RemoteAgentConnection *>(agent);
        }
        return nullptr;
    }

    bool joined(const QString &agentId)
    {
        RemoteAgentConnection *connection = remote(agentId);
        return connection && connection->isConnected();
    }

    QList<Route> routes(const QString &name)
    {
        auto info = service().endpointInfo(name);
        return info ? info->routes : QList<Route>();
    }

    int count(const QString &name, RouteStatus status, const QString &agentId = {})
    {
        const auto list = routes(name);
        return int(std::count_if(list.begin(), list.end(), [&](const Route &r) {
            return r.status == status && (agentId.isEmpty() || r.agentId == agentId);
        }));
    }

    void create(const QString &name, int replicas)
    {
        CreateEndpointRequest r;
        r.name = name;
        r.modelVersion = QStringLiteral("v1");
        r.modelFolder = QStringLiteral("iris-v1");
        r.resourceSlots = {0.5, *parseMemorySize(QStringLiteral("512M")), 0};
        r.replicas = replicas;
        auto e = service().createEndpoint(r);
        if (!e)
            qFatal("create %s: %s", qPrintable(name), qPrintable(e.error().message));
    }

    QJsonObject predict(quint16 port) { return ReplicaProcesses::predict(m_network, port, kWaitMs); }

    // The local addresses (hex, as the kernel writes them) of the sockets listening on a port.
    static QList<QByteArray> listeningAddresses(const QString &table, quint16 port)
    {
        QFile file(table);
        if (!file.open(QIODevice::ReadOnly))
            qFatal("cannot read %s", qPrintable(table));
        constexpr char kListen[] = "0A";
        QList<QByteArray> addresses;
        const QList<QByteArray> lines = file.readAll().split('\n');
        for (const QByteArray &line : lines.mid(1)) {
            const QList<QByteArray> fields = line.simplified().split(' ');
            if (fields.size() < 4)
                continue;
            const QList<QByteArray> local = fields.at(1).split(':');
            if (local.size() == 2 && local.at(1).toUShort(nullptr, 16) == port && fields.at(3) == kListen)
                addresses.append(local.at(0));
        }
        return addresses;
    }

    // A listing that fails fails the test: "no errors" must never stand for "could not look".
    QList<ErrorRecord> errorsOf(const QString &name, const QString &type = {})
    {
        auto errors = service().listErrors(name, 100, type);
        if (!errors) {
            QTest::qFail(qPrintable(QStringLiteral("listing errors of %1 failed: %2: %3").arg(name, errors.error().typeName(), errors.error().message)),
                         __FILE__, __LINE__);
            return {};
        }
        return *errors;
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        ControlPlaneOptions options;
        options.dataDir = m_dir->filePath(QStringLiteral("data"));
        options.serveApi = false;
        options.capacity = QStringLiteral("cpu=16,memory=32G");
        options.modelRoots = {sourceModels()};
        options.reconcileIntervalMs = 200;
        options.listenForAgents = true;
        options.runLocalAgent = false;
        m_plane = std::make_unique<ControlPlane>();
        auto started = m_plane->start(options);
        QVERIFY2(started.ok(), started ? "" : qPrintable(started.error().message));
        QVERIFY(!m_plane->agentsAddress().isEmpty());
        QVERIFY(QFile::exists(m_plane->agentJoinTokenFile()));
    }

    void cleanup()
    {
        for (auto &agent : m_agents) {
            if (agent->state() == QProcess::NotRunning)
                continue;
            agent->terminate();
            if (!agent->waitForFinished(10000))
                agent->kill();
            agent->waitForFinished(5000);
        }
        m_agents.clear();
        m_plane.reset();
        m_dir.reset();
    }

    void wrongTokenIsRejected()
    {
        const QString badToken = m_dir->filePath(QStringLiteral("bad.token"));
        QFile file(badToken);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(64, 'a') + '\n');
        file.close();
        QProcess *agent = startAgent(QStringLiteral("remote-a"), badToken);
        QByteArray errors;
        // It keeps retrying (backoff 0.2, 0.4, 0.8 s ...): several rejections and still running.
        QTRY_VERIFY_WITH_TIMEOUT((errors += agent->readAllStandardError()).count("rejected") >= 2, kWaitMs);
        QCOMPARE(agent->state(), QProcess::Running);
        QVERIFY(m_plane->deployer()->agents().isEmpty());
        QVERIFY(!agent->readAllStandardOutput().contains("connected="));
    }

    void replicasRunOnARemoteAgent()
    {
        QProcess *agent = startAgent(QStringLiteral("remote-a"), m_plane->agentJoinTokenFile());
        QTRY_VERIFY_WITH_TIMEOUT(joined(QStringLiteral("remote-a")), kWaitMs);
        QByteArray out;
        QTRY_VERIFY2_WITH_TIMEOUT((out += agent->readAllStandardOutput()).contains("connected=ws://"), out.constData(), kWaitMs);
        RemoteAgentConnection *connection = remote(QStringLiteral("remote-a"));
        QCOMPARE(connection->status().capacity.total.cpu, 8.0);

        create(QStringLiteral("iris"), 2);
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("iris"), RouteStatus::Healthy, QStringLiteral("remote-a")), 2, kWaitMs);
        QCOMPARE(connection->replicaCount(), 2);
        QSet<qint64> pids;
        for (const Route &r : routes(QStringLiteral("iris"))) {
            // The route carries the agent's own replica id (agent:pid:port) once the agent reported it.
            const QString replicaId = connection->replicaId(r.id);
            QCOMPARE(r.replicaId, replicaId);
            QVERIFY2(replicaId.startsWith(QStringLiteral("remote-a:")) && processAlive(pidOf(replicaId)), qPrintable(replicaId));
            pids.insert(pidOf(replicaId));
            const QJsonObject answer = predict(portOf(replicaId));
            QCOMPARE(answer.value(QStringLiteral("prediction")).toString(), QStringLiteral("setosa"));
        }
        QCOMPARE(pids.size(), 2);
        // The heartbeat carries what each replica uses.
        QTRY_COMPARE_WITH_TIMEOUT(int(connection->status().replicas.size()), 2, kWaitMs);

        // A replica killed on the agent: Crashed is recorded and a replacement comes up.
        const Route victim = routes(QStringLiteral("iris")).first();
        QCOMPARE(::kill(pid_t(pidOf(connection->replicaId(victim.id))), SIGKILL), 0);
        QTRY_COMPARE_WITH_TIMEOUT(errorsOf(QStringLiteral("iris"), QStringLiteral("Crashed")).size(), 1, kWaitMs);
        const ErrorRecord error = errorsOf(QStringLiteral("iris"), QStringLiteral("Crashed")).first();
        QCOMPARE(error.signal, std::optional<int>(SIGKILL));
        QCOMPARE(error.agentId, QStringLiteral("remote-a"));
        QCOMPARE(error.routeId, victim.id.toString(QUuid::WithoutBraces));
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("iris"), RouteStatus::Healthy, QStringLiteral("remote-a")), 2, kWaitMs);
        const auto now = routes(QStringLiteral("iris"));
        QVERIFY(std::none_of(now.begin(), now.end(), [&](const Route &r) { return r.id == victim.id; }));

        // SIGTERM: the agent stops its replicas and exits cleanly.
        const QList<qint64> running(pids.begin(), pids.end());
        agent->terminate();
        QVERIFY(agent->waitForFinished(kWaitMs));
        QCOMPARE(agent->exitStatus(), QProcess::NormalExit);
        QCOMPARE(agent->exitCode(), 0);
        for (const Route &r : now)
            QTRY_VERIFY_WITH_TIMEOUT(!processAlive(pidOf(connection->replicaId(r.id))) || connection->replicaId(r.id).isEmpty(), kWaitMs);
    }

    void replicasAreReachedOnlyThroughTheRelay()
    {
        // The agent keeps its model folders elsewhere: its replicas run from its own copy. They
        // listen on its loopback only, and the proxy reaches them through the plane's relay
        // listener over the agent channel, never at the port the agent runs them on.
        const QString root = m_dir->filePath(QStringLiteral("agent-models"));
        const QString copy = root + QStringLiteral("/iris-v1");
        QVERIFY(QDir().mkpath(copy));
        for (const QString &file : QDir(sourceModels() + QStringLiteral("/iris-v1")).entryList(QDir::Files))
            QVERIFY(QFile::copy(sourceModels() + QStringLiteral("/iris-v1/") + file, copy + u'/' + file));
        startAgent(QStringLiteral("remote-b"), m_plane->agentJoinTokenFile(), {QStringLiteral("--model-root"), root});
        QTRY_VERIFY_WITH_TIMEOUT(joined(QStringLiteral("remote-b")), kWaitMs);
        RemoteAgentConnection *connection = remote(QStringLiteral("remote-b"));
        QCOMPARE(connection->replicaHost(), QStringLiteral("127.0.0.1"));

        CreateEndpointRequest request;
        request.name = QStringLiteral("far");
        request.modelVersion = QStringLiteral("v1");
        request.modelFolder = QStringLiteral("iris-v1");
        request.resourceSlots = {0.5, *parseMemorySize(QStringLiteral("512M")), 0};
        request.isPublic = true;  // inference without a token
        QVERIFY(service().createEndpoint(request).ok());
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("far"), RouteStatus::Healthy, QStringLiteral("remote-b")), 1, kWaitMs);
        const Route route = routes(QStringLiteral("far")).first();
        QCOMPARE(QFileInfo(QStringLiteral("/proc/%1/cwd").arg(pidOf(route))).canonicalFilePath(), QFileInfo(copy).canonicalFilePath());

        // Where the replica really listens, as the agent's heartbeat reports it.
        QTRY_COMPARE_WITH_TIMEOUT(int(connection->status().replicas.size()), 1, kWaitMs);
        const quint16 ownPort = connection->status().replicas.first().port;
        QVERIFY(ownPort != 0);
        // The route's address is the plane's relay listener, not the agent's port.
        QCOMPARE(portOf(route), connection->relay().port(route.id));
        QVERIFY(portOf(route) != ownPort);

        // Bound on 127.0.0.1 alone: every listening socket on its port is, none on IPv6, and
        // another address of this machine does not answer.
        const QList<QByteArray> listening = listeningAddresses(QStringLiteral("/proc/net/tcp"), ownPort);
        QVERIFY2(!listening.isEmpty(), "the replica's port is not listening at all");
        for (const QByteArray &address : listening)
            QCOMPARE(address, QByteArray("0100007F"));
        QVERIFY(listeningAddresses(QStringLiteral("/proc/net/tcp6"), ownPort).isEmpty());
        QTcpSocket elsewhere;
        elsewhere.connectToHost(QHostAddress(QStringLiteral("127.0.0.2")), ownPort);
        QVERIFY(!elsewhere.waitForConnected(kWaitMs));
        QCOMPARE(elsewhere.error(), QAbstractSocket::ConnectionRefusedError);
        // Nor does any address of this machine's network interfaces (where it has some).
        for (const QHostAddress &address : QNetworkInterface::allAddresses()) {
            if (address.isLoopback() || address.isLinkLocal())
                continue;
            QTcpSocket fromTheNetwork;
            fromTheNetwork.connectToHost(address, ownPort);
            QVERIFY2(!fromTheNetwork.waitForConnected(kWaitMs), qPrintable(address.toString()));
        }

        const QString url = service().endpointInfo(QStringLiteral("far"))->endpoint.url;
        QTRY_COMPARE_WITH_TIMEOUT(ReplicaProcesses::predictAt(m_network, QUrl(url + QStringLiteral("/predict")), kWaitMs)
                                      .value(QStringLiteral("prediction"))
                                      .toString(),
                                  QStringLiteral("setosa"), kWaitMs);
    }

    // The agent's behaviour tests, on a remote agent: over its memory limit is OOMKilled, a start
    // command that fails is StartFailed and stops at the retry limit.
    void remoteFailuresAreTypedLikeLocalOnes()
    {
        startAgent(QStringLiteral("remote-a"), m_plane->agentJoinTokenFile());
        QTRY_VERIFY_WITH_TIMEOUT(joined(QStringLiteral("remote-a")), kWaitMs);

        CreateEndpointRequest hungry;
        hungry.name = QStringLiteral("hungry");
        hungry.modelVersion = QStringLiteral("v1");
        hungry.modelFolder = writeFaultyFolder(m_dir->filePath(QStringLiteral("hungry")),
                                               {QStringLiteral("--grow-memory-mb"), QStringLiteral("64")});
        hungry.resourceSlots = {0.5, *parseMemorySize(QStringLiteral("128M")), 0};
        QVERIFY(service().createEndpoint(hungry).ok());
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("hungry"), RouteStatus::Healthy, QStringLiteral("remote-a")), 1, kWaitMs);
        const Route r = routes(QStringLiteral("hungry")).first();
        for (int i = 0; i < 4 && processAlive(pidOf(r)); ++i)
            predict(portOf(r));
        QTRY_COMPARE_WITH_TIMEOUT(errorsOf(QStringLiteral("hungry"), QStringLiteral("OOMKilled")).size(), 1, kWaitMs);
        const ErrorRecord oom = errorsOf(QStringLiteral("hungry"), QStringLiteral("OOMKilled")).first();
        QCOMPARE(oom.agentId, QStringLiteral("remote-a"));
        QCOMPARE(oom.signal, std::optional<int>(SIGKILL));
        QVERIFY2(!oom.logTail.isEmpty(), "the agent sends the log tail along");

        CreateEndpointRequest broken = hungry;
        broken.name = QStringLiteral("broken");
        broken.modelFolder = writeFaultyFolder(m_dir->filePath(QStringLiteral("broken")),
                                               {QStringLiteral("--exit-code-at-start"), QStringLiteral("3")});
        QVERIFY(service().createEndpoint(broken).ok());
        const int maxRetries = service().config().maxRetries;
        QTRY_COMPARE_WITH_TIMEOUT(service().endpointInfo(QStringLiteral("broken"))->endpoint.retries, maxRetries + 1, kWaitMs);
        const auto failed = errorsOf(QStringLiteral("broken"), QStringLiteral("StartFailed"));
        QCOMPARE(int(failed.size()), maxRetries + 1);
        QCOMPARE(failed.first().exitCode, std::optional<int>(3));
        QCOMPARE(failed.first().agentId, QStringLiteral("remote-a"));
        // Past the limit nothing more is tried. The passes are run here, so they surely ran (a
        // fixed wait would also pass with a stalled reconciler), with the agent's events between.
        const QUuid brokenId = service().endpointInfo(QStringLiteral("broken"))->endpoint.id;
        for (int pass = 0; pass < 5; ++pass) {
            auto p = m_plane->reconciler()->runOnce();
            QVERIFY2(p, qPrintable(p ? QString() : p.error().message));
            QVERIFY2(p->skippedForRetries.contains(brokenId), qPrintable(QString::number(pass)));
            QVERIFY2(p->created.isEmpty(), qPrintable(QString::number(pass)));
            QCoreApplication::processEvents();
        }
        QCOMPARE(int(errorsOf(QStringLiteral("broken"), QStringLiteral("StartFailed")).size()), maxRetries + 1);
    }

    void lostAgentIsReplacedAndRejoins()
    {
        QProcess *agentA = startAgent(QStringLiteral("remote-a"), m_plane->agentJoinTokenFile());
        startAgent(QStringLiteral("remote-b"), m_plane->agentJoinTokenFile());
        QTRY_VERIFY_WITH_TIMEOUT(joined(QStringLiteral("remote-a")) && joined(QStringLiteral("remote-b")), kWaitMs);
        create(QStringLiteral("iris"), 2);
        // The fewest-replicas rule puts one on each.
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("iris"), RouteStatus::Healthy, QStringLiteral("remote-a")), 1, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("iris"), RouteStatus::Healthy, QStringLiteral("remote-b")), 1, kWaitMs);
        RemoteAgentConnection *connectionA = remote(QStringLiteral("remote-a"));
        const QList<Route> placed = routes(QStringLiteral("iris"));
        const auto onAIt = std::find_if(placed.begin(), placed.end(), [](const Route &r) { return r.agentId == u"remote-a"; });
        QVERIFY(onAIt != placed.end());
        const Route onA = *onAIt;
        const qint64 replicaOnA = pidOf(connectionA->replicaId(onA.id));
        QVERIFY(processAlive(replicaOnA));

        QCOMPARE(::kill(pid_t(agentA->processId()), SIGKILL), 0);
        QVERIFY(agentA->waitForFinished(kWaitMs));
        // Its replica dies with it (PDEATHSIG); the plane notices after the grace period.
        QTRY_VERIFY_WITH_TIMEOUT(!processAlive(replicaOnA), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!errorsOf(QStringLiteral("iris"), QStringLiteral("AgentLost")).isEmpty(), kWaitMs);
        QCOMPARE(errorsOf(QStringLiteral("iris"), QStringLiteral("AgentLost")).first().agentId, QStringLiteral("remote-a"));
        QVERIFY(!connectionA->isConnected());
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("iris"), RouteStatus::Healthy, QStringLiteral("remote-b")), 2, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(int(routes(QStringLiteral("iris")).size()), 2, kWaitMs);

        // The same id again: the same connection, connected, running nothing stale.
        startAgent(QStringLiteral("remote-a"), m_plane->agentJoinTokenFile());
        QTRY_VERIFY_WITH_TIMEOUT(joined(QStringLiteral("remote-a")), kWaitMs);
        QCOMPARE(remote(QStringLiteral("remote-a")), connectionA);
        QCOMPARE(connectionA->replicaCount(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(connectionA->status().agentId == u"remote-a" && connectionA->status().capacity.total.cpu == 8.0, kWaitMs);
        // Three more heartbeats, each reporting nothing running there (a fixed wait would also
        // pass if no report came at all).
        const quint64 reportsBefore = connectionA->statusReports();
        for (quint64 n = 1; n <= 3; ++n) {
            QTRY_VERIFY_WITH_TIMEOUT(connectionA->statusReports() >= reportsBefore + n, kWaitMs);
            QVERIFY(connectionA->status().replicas.isEmpty());
        }
        QCOMPARE(count(QStringLiteral("iris"), RouteStatus::Healthy, QStringLiteral("remote-b")), 2);
    }

    void frozenAgentsStaleReplicasAreStopped()
    {
        QProcess *agent = startAgent(QStringLiteral("remote-a"), m_plane->agentJoinTokenFile());
        QTRY_VERIFY_WITH_TIMEOUT(joined(QStringLiteral("remote-a")), kWaitMs);
        create(QStringLiteral("iris"), 1);
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("iris"), RouteStatus::Healthy, QStringLiteral("remote-a")), 1, kWaitMs);
        // A second agent takes the replacement while remote-a is away.
        startAgent(QStringLiteral("remote-b"), m_plane->agentJoinTokenFile());
        QTRY_VERIFY_WITH_TIMEOUT(joined(QStringLiteral("remote-b")), kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("iris"), RouteStatus::Healthy, QStringLiteral("remote-a")), 1, kWaitMs);
        RemoteAgentConnection *connection = remote(QStringLiteral("remote-a"));
        const qint64 replica = pidOf(connection->replicaId(routes(QStringLiteral("iris")).first().id));
        QVERIFY(processAlive(replica));

        // Frozen past the grace period: lost, though its replica still runs.
        QCOMPARE(::kill(pid_t(agent->processId()), SIGSTOP), 0);
        QTRY_VERIFY_WITH_TIMEOUT(!errorsOf(QStringLiteral("iris"), QStringLiteral("AgentLost")).isEmpty(), kWaitMs);
        QVERIFY(!connection->isConnected());
        QVERIFY(processAlive(replica));
        // Thawed, it rejoins and reports the old replica; the plane no longer wants it and stops it.
        QCOMPARE(::kill(pid_t(agent->processId()), SIGCONT), 0);
        QTRY_VERIFY_WITH_TIMEOUT(joined(QStringLiteral("remote-a")), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!processAlive(replica), kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("iris"), RouteStatus::Healthy, QStringLiteral("remote-b")), 1, kWaitMs);
        QCOMPARE(connection->replicaCount(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(int(routes(QStringLiteral("iris")).size()), 1, kWaitMs);
    }
};

QTEST_GUILESS_MAIN(TestRemoteAgents)
#include "test_remoteagents.moc"
