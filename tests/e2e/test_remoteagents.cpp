// Remote agents as real `servedeck agent` processes joining an in-process control plane over a
// TLS WebSocket with a join string: the join token, the pinned certificate, what a sniffer on the
// path sees, frame bounds, replicas placed on them, crashes, lost agents and rejoining.
#include <csignal>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkInterface>
#include <QNetworkReply>
#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "agent/agentprotocol.h"
#include "agent/joinstring.h"
#include "agent/remoteagentconnection.h"
#include "plane/controlplane.h"
#include "scheduler/reconciler.h"
#include "service/modelservingservice.h"
#include "service/replicadeployer.h"
#include "store/repository.h"
#include "support/replicaprocesses.h"
#include "support/tcprelay.h"

using namespace ServeDeck;
using namespace ReplicaProcesses;

namespace {

// Bounded waits: an agent joins and a replica starts in about a second; the rest is CI headroom.
constexpr int kWaitMs = 20000;

// The process's resident memory, from the kernel's own count.
qint64 residentBytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        qFatal("cannot read /proc/self/status");
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong() * 1024;
    }
    qFatal("no VmRSS in /proc/self/status");
}

// What a sniffer reads from a plain WebSocket client's bytes: the payloads of its frames,
// unmasked (client frames are XOR-masked, which hides nothing). Empty when the bytes do not
// start with the plain HTTP upgrade, as on a TLS channel.
QByteArray unmaskedClientPayloads(const QByteArray &bytes)
{
    if (!bytes.startsWith("GET "))
        return {};
    QByteArray out;
    qsizetype at = bytes.indexOf("\r\n\r\n");
    if (at < 0)
        return {};
    at += 4;
    const auto byte = [&](qsizetype i) { return quint8(bytes.at(i)); };
    while (at + 2 <= bytes.size()) {
        quint64 length = byte(at + 1) & 0x7f;
        const bool masked = byte(at + 1) & 0x80;
        qsizetype header = 2;
        const int extra = length == 126 ? 2 : length == 127 ? 8 : 0;
        if (extra > 0) {
            if (at + 2 + extra > bytes.size())
                break;
            length = 0;
            for (int i = 0; i < extra; ++i)
                length = (length << 8) | byte(at + 2 + i);
            header += extra;
        }
        const qsizetype key = at + header;
        header += masked ? 4 : 0;
        if (at + header + qsizetype(length) > bytes.size())
            break;
        for (quint64 i = 0; i < length; ++i)
            out.append(char(byte(at + header + qsizetype(i)) ^ (masked ? byte(key + qsizetype(i % 4)) : 0)));
        at += header + qsizetype(length);
    }
    return out;
}

// A WebSocket frame header as a client sends it: 64-bit length, masked with key 0 (so the
// payload goes as it is).
QByteArray frameHeader(quint8 finAndOpcode, quint64 length)
{
    QByteArray header;
    header.append(char(finAndOpcode));
    header.append(char(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8)
        header.append(char((length >> shift) & 0xff));
    header.append(4, '\0');
    return header;
}

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

    // `servedeck agent --join`; @p extra may replace the join with --insecure --connect --token.
    QProcess *startAgent(const QString &agentId, const QString &joinString, const QStringList &extra = {})
    {
        auto process = std::make_unique<QProcess>();
        process->setProgram(qEnvironmentVariable("SERVEDECK_BIN_DIR") + QStringLiteral("/servedeck"));
        const QStringList join = joinString.isEmpty() ? QStringList() : QStringList{QStringLiteral("--join"), joinString};
        process->setArguments(QStringList{QStringLiteral("agent")} + join
                              + QStringList{QStringLiteral("--agent-id"), agentId, QStringLiteral("--capacity"),
                                            QStringLiteral("cpu=8,memory=16G"),
                                            // Its credential, kept per agent id across restarts within the test.
                                            QStringLiteral("--state-dir"), m_dir->filePath(QStringLiteral("agent-state"))}
                              + extra);
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

    QString joinString() const { return m_plane->agentJoinString(); }

    // The same plane's join string, pointing at another port (a relay in between).
    QString joinStringVia(quint16 port)
    {
        const auto join = JoinString::parse(joinString());
        if (!join)
            qFatal("the plane's join string does not parse: %s", qPrintable(join.error().message));
        return JoinString::make(QStringLiteral("127.0.0.1"), port, join->token(), join->sha256())->toString();
    }

    ControlPlaneOptions options() const
    {
        ControlPlaneOptions options;
        options.dataDir = m_dir->filePath(QStringLiteral("data"));
        options.serveApi = false;
        options.capacity = QStringLiteral("cpu=16,memory=32G");
        options.modelRoots = {sourceModels()};
        options.reconcileIntervalMs = 200;
        options.listenForAgents = true;
        options.runLocalAgent = false;
        return options;
    }

    void startPlane(const ControlPlaneOptions &options)
    {
        m_plane.reset();
        m_plane = std::make_unique<ControlPlane>();
        auto started = m_plane->start(options);
        QVERIFY2(started.ok(), started ? "" : qPrintable(started.error().message));
        QVERIFY(!m_plane->agentsAddress().isEmpty());
        QVERIFY(QFile::exists(m_plane->agentJoinTokenFile()));
    }

    QByteArray processCommandLine(qint64 pid)
    {
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
        return cmdline.open(QIODevice::ReadOnly) ? cmdline.readAll() : QByteArray();
    }

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
        startPlane(options());
        QVERIFY(JoinString::parse(joinString()));
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
        const auto join = JoinString::parse(joinString());
        QVERIFY(join);
        const auto badToken = JoinString::make(join->host(), join->port(), QByteArray(64, 'a'), join->sha256());
        QVERIFY(badToken);
        QProcess *agent = startAgent(QStringLiteral("remote-a"), badToken->toString());
        QByteArray errors;
        // It keeps retrying (backoff 0.2, 0.4, 0.8 s ...): several rejections and still running.
        QTRY_VERIFY_WITH_TIMEOUT((errors += agent->readAllStandardError()).count("rejected") >= 2, kWaitMs);
        QCOMPARE(agent->state(), QProcess::Running);
        QVERIFY(m_plane->deployer()->agents().isEmpty());
        QVERIFY(!agent->readAllStandardOutput().contains("connected="));
    }

    void replicasRunOnARemoteAgent()
    {
        QProcess *agent = startAgent(QStringLiteral("remote-a"), joinString());
        QTRY_VERIFY_WITH_TIMEOUT(joined(QStringLiteral("remote-a")), kWaitMs);
        QByteArray out;
        QTRY_VERIFY2_WITH_TIMEOUT((out += agent->readAllStandardOutput()).contains("connected=wss://"), out.constData(), kWaitMs);
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
        startAgent(QStringLiteral("remote-b"), joinString(), {QStringLiteral("--model-root"), root});
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
        startAgent(QStringLiteral("remote-a"), joinString());
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
        QProcess *agentA = startAgent(QStringLiteral("remote-a"), joinString());
        startAgent(QStringLiteral("remote-b"), joinString());
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
        startAgent(QStringLiteral("remote-a"), joinString());
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
        QProcess *agent = startAgent(QStringLiteral("remote-a"), joinString());
        QTRY_VERIFY_WITH_TIMEOUT(joined(QStringLiteral("remote-a")), kWaitMs);
        create(QStringLiteral("iris"), 1);
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("iris"), RouteStatus::Healthy, QStringLiteral("remote-a")), 1, kWaitMs);
        // A second agent takes the replacement while remote-a is away.
        startAgent(QStringLiteral("remote-b"), joinString());
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
    // A relay on the path records every byte both ways while the plane starts a replica on the
    // agent. Over TLS it sees neither the join token nor the start command; on the insecure
    // channel (the control row) the same relay sees both, so the scan is known to look.
    void sniffedChannel_data()
    {
        QTest::addColumn<bool>("insecure");
        QTest::newRow("tls") << false;
        QTest::newRow("insecure control") << true;
    }

    void sniffedChannel()
    {
        QFETCH(bool, insecure);
        if (insecure) {
            ControlPlaneOptions plain = options();
            plain.agentsInsecure = true;
            startPlane(plain);
            QVERIFY(joinString().isEmpty());  // nothing to pin on a plain channel
        }
        const quint16 gatewayPort = quint16(m_plane->agentsAddress().section(u':', -1).toUInt());
        TcpRelay relay(gatewayPort);
        QVERIFY(relay.listen());
        QFile tokenFile(m_plane->agentJoinTokenFile());
        QVERIFY(tokenFile.open(QIODevice::ReadOnly));
        const QByteArray token = tokenFile.readAll().trimmed();
        QCOMPARE(token.size(), 64);
        QProcess *agent = insecure
            ? startAgent(QStringLiteral("remote-a"), QString(),
                         {QStringLiteral("--insecure"), QStringLiteral("--connect"), QStringLiteral("ws://127.0.0.1:%1").arg(relay.port()),
                          QStringLiteral("--token"), m_plane->agentJoinTokenFile()})
            : startAgent(QStringLiteral("remote-a"), joinStringVia(relay.port()));
        QTRY_VERIFY_WITH_TIMEOUT(joined(QStringLiteral("remote-a")), kWaitMs);
        create(QStringLiteral("iris"), 1);
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("iris"), RouteStatus::Healthy, QStringLiteral("remote-a")), 1, kWaitMs);
        const QByteArray commandLine = processCommandLine(pidOf(routes(QStringLiteral("iris")).first()));
        QVERIFY2(commandLine.contains("servedeck-model-server"), commandLine.constData());
        const QByteArray modelFolder = (sourceModels() + QStringLiteral("/iris-v1")).toUtf8();

        // It carried the whole conversation: the hello, the start, heartbeats both ways.
        QTRY_VERIFY_WITH_TIMEOUT(relay.upstream().size() > 512 && relay.downstream().size() > 512, kWaitMs);
        QCOMPARE(relay.connections(), 1);
        const QByteArray seen = relay.upstream() + relay.downstream() + unmaskedClientPayloads(relay.upstream());
        const QList<QByteArray> secrets{token, "\"start\"", "hello", "servedeck-model-server", modelFolder, "route_id"};
        for (const QByteArray &secret : secrets)
            QVERIFY2(seen.contains(secret) == insecure, secret.constData());
        QVERIFY(!seen.contains("start") || insecure);
        const QByteArray errors = agent->readAllStandardError();
        QVERIFY2(errors.contains("INSECURE: the agent channel is not encrypted or authenticated; for tests only") == insecure,
                 errors.constData());
        qInfo("relay recorded %lld bytes up, %lld down (%s)", qint64(relay.upstream().size()),
              qint64(relay.downstream().size()), insecure ? "plain" : "TLS");
    }

    // The join string names another certificate than the plane's: the agent refuses the plane
    // and never says hello (it holds the right token, so a hello would have joined it).
    void wrongFingerprintRefusesToJoin()
    {
        const auto join = JoinString::parse(joinString());
        QVERIFY(join);
        TcpRelay relay(join->port());
        QVERIFY(relay.listen());
        const auto wrong = JoinString::make(QStringLiteral("127.0.0.1"), relay.port(), join->token(), QByteArray(32, '\0'));
        QVERIFY(wrong);
        QProcess *agent = startAgent(QStringLiteral("remote-a"), wrong->toString());
        const QByteArray expected = "servedeck agent: refused: certificate fingerprint mismatch: expected " + QByteArray(64, '0')
            + ", got " + join->sha256().toHex();
        QByteArray errors;
        // It keeps trying, and is refused each time.
        QTRY_VERIFY2_WITH_TIMEOUT((errors += agent->readAllStandardError()).count(expected) >= 2, errors.constData(), kWaitMs);
        QVERIFY(relay.connections() >= 2);
        QCOMPARE(agent->state(), QProcess::Running);
        QVERIFY(m_plane->deployer()->agents().isEmpty());
        QVERIFY(!agent->readAllStandardOutput().contains("connected="));
    }

    void insecureIsAskedForAndLoud()
    {
        QProcess noFlag;
        noFlag.start(qEnvironmentVariable("SERVEDECK_BIN_DIR") + QStringLiteral("/servedeck"),
                     {QStringLiteral("agent"), QStringLiteral("--connect"), QStringLiteral("ws://127.0.0.1:1"), QStringLiteral("--token"),
                      m_plane->agentJoinTokenFile()});
        QVERIFY(noFlag.waitForFinished(kWaitMs));
        QCOMPARE(noFlag.exitCode(), 2);
        QVERIFY2(noFlag.readAllStandardError().contains("--connect and --token are for --insecure only"), "no reason given");

        QProcess badJoin;
        badJoin.start(qEnvironmentVariable("SERVEDECK_BIN_DIR") + QStringLiteral("/servedeck"),
                      {QStringLiteral("agent"), QStringLiteral("--join"),
                       QStringLiteral("servedeck://127.0.0.1:1?token=x&sha256=") + QString(64, u'0')});
        QVERIFY(badJoin.waitForFinished(kWaitMs));
        QCOMPARE(badJoin.exitCode(), 2);
        const QByteArray why = badJoin.readAllStandardError();
        QVERIFY2(why.contains("join string: the token must be 16 to 512 characters"), why.constData());
    }

    // --agents keeps its host: agents join on 127.0.0.2 while the API stays on 127.0.0.1.
    void agentsListenWhereTold()
    {
        ControlPlaneOptions apart = options();
        apart.serveApi = true;
        apart.apiAddress = QHostAddress(QStringLiteral("127.0.0.1"));
        apart.agentsAddress = QHostAddress(QStringLiteral("127.0.0.2"));
        startPlane(apart);
        QVERIFY2(m_plane->agentsAddress().startsWith(QStringLiteral("127.0.0.2:")), qPrintable(m_plane->agentsAddress()));
        QVERIFY2(m_plane->apiAddress().startsWith(QStringLiteral("127.0.0.1:")), qPrintable(m_plane->apiAddress()));
        const auto join = JoinString::parse(joinString());
        QVERIFY(join);
        QCOMPARE(join->host(), QStringLiteral("127.0.0.2"));
        QCOMPARE(m_plane->agentsAddress(), QStringLiteral("127.0.0.2:%1").arg(join->port()));
        // Nothing of ours on the API's host at that port.
        QTcpSocket probe;
        QSignalSpy failed(&probe, &QTcpSocket::errorOccurred);
        probe.connectToHost(QHostAddress(QStringLiteral("127.0.0.1")), join->port());
        QVERIFY(failed.wait(kWaitMs));
        QCOMPARE(probe.error(), QAbstractSocket::ConnectionRefusedError);

        startAgent(QStringLiteral("remote-a"), joinString());
        QTRY_VERIFY_WITH_TIMEOUT(joined(QStringLiteral("remote-a")), kWaitMs);
    }

    // A hostile client opens the channel (TLS, WebSocket upgrade) and announces a frame of 2 GiB,
    // or a message of 512 KiB frames without end, then streams bytes. It is cut off at once, the
    // plane's memory stays put and its API keeps answering.
    void hugeFramesAreCutOff_data()
    {
        QTest::addColumn<bool>("oneFrame");
        QTest::newRow("one frame announcing 2 GiB") << true;
        QTest::newRow("a message of 512 KiB frames without end") << false;
    }

    void hugeFramesAreCutOff()
    {
        QFETCH(bool, oneFrame);
        ControlPlaneOptions withApi = options();
        withApi.serveApi = true;
        startPlane(withApi);
        const auto join = JoinString::parse(joinString());
        QVERIFY(join);
        const qint64 before = residentBytes();

        QSslSocket socket;
        socket.setPeerVerifyMode(QSslSocket::VerifyNone);  // the attacker does not care who answers
        QSignalSpy encrypted(&socket, &QSslSocket::encrypted);
        socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), join->port());
        QVERIFY(encrypted.wait(kWaitMs));
        socket.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        QByteArray response;
        QTRY_VERIFY_WITH_TIMEOUT((response += socket.readAll()).contains("\r\n\r\n"), kWaitMs);
        QVERIFY2(response.startsWith("HTTP/1.1 101"), response.constData());

        // Just under Qt's own 2 GiB limit, so only the channel's cap can stop it.
        constexpr quint64 kAnnounced = 0x7fffff00;
        constexpr qint64 kFrameBytes = 512 * 1024;
        constexpr qint64 kStreamLimit = 256 * 1024 * 1024;
        const QByteArray chunk(64 * 1024, 'a');
        if (oneFrame)
            socket.write(frameHeader(0x01 | 0x80, kAnnounced));  // text, final
        qint64 sent = 0;
        QElapsedTimer streaming;
        streaming.start();
        QSignalSpy written(&socket, &QSslSocket::encryptedBytesWritten);
        while (socket.state() == QAbstractSocket::ConnectedState && sent < kStreamLimit && streaming.elapsed() < 4 * kWaitMs) {
            if (socket.bytesToWrite() + socket.encryptedBytesToWrite() > 1024 * 1024) {
                written.wait(50);  // the event loop runs meanwhile, the plane's included
                continue;
            }
            if (!oneFrame && sent % kFrameBytes == 0)
                socket.write(frameHeader(sent == 0 ? 0x01 : 0x00, quint64(kFrameBytes)));  // text, then continuations; none final
            socket.write(chunk);
            sent += chunk.size();
            QCoreApplication::processEvents();
        }
        QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, kWaitMs);
        const qint64 closedAfterMs = streaming.elapsed();
        QCoreApplication::processEvents();
        const qint64 after = residentBytes();
        qInfo("%s: %lld bytes sent when the stream ended, closed after %lld ms; VmRSS %lld -> %lld KiB (growth %lld KiB)",
              oneFrame ? "2 GiB frame" : "endless message", sent, closedAfterMs, before / 1024, after / 1024, (after - before) / 1024);
        QVERIFY2(sent < kStreamLimit, qPrintable(QString::number(sent)));
        QVERIFY2(after - before < 64 * 1024 * 1024, qPrintable(QString::number((after - before) / 1024)));

        QNetworkRequest request(QUrl(QStringLiteral("http://%1/v1/health").arg(m_plane->apiAddress())));
        std::unique_ptr<QNetworkReply> reply(m_network.get(request));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        QVERIFY(finished.wait(kWaitMs));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    }
    // `servedeck serve --agents` prints the join string an agent takes as it is; with
    // --agents-insecure it warns and prints none.
    void servePrintsTheJoinString_data()
    {
        QTest::addColumn<bool>("insecure");
        QTest::newRow("tls") << false;
        QTest::newRow("insecure") << true;
    }

    void servePrintsTheJoinString()
    {
        QFETCH(bool, insecure);
        m_plane.reset();  // the serve process owns its own data dir
        QProcess serve;
        serve.setProgram(qEnvironmentVariable("SERVEDECK_BIN_DIR") + QStringLiteral("/servedeck"));
        QStringList arguments{QStringLiteral("serve"), QStringLiteral("--data-dir"), m_dir->filePath(QStringLiteral("served")),
                              QStringLiteral("--api"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--proxy"),
                              QStringLiteral("127.0.0.1:0"), QStringLiteral("--agents"), QStringLiteral("127.0.0.1:0")};
        if (insecure)
            arguments << QStringLiteral("--agents-insecure");
        serve.setArguments(arguments);
        serve.start();
        auto stop = qScopeGuard([&serve] {
            serve.terminate();
            if (!serve.waitForFinished(10000))
                serve.kill();
        });
        QByteArray out;
        QTRY_VERIFY2_WITH_TIMEOUT((out += serve.readAllStandardOutput()).contains("signing_key="), out.constData(), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT((out += serve.readAllStandardOutput()).contains("agent_token_file="), kWaitMs);
        const QByteArray errors = serve.readAllStandardError();
        QCOMPARE(errors.contains("INSECURE: the agent channel is not encrypted or authenticated; for tests only"), insecure);
        if (insecure) {
            QVERIFY2(!out.contains("agent_join="), out.constData());
            return;
        }
        QString join;
        for (const QByteArray &line : out.split('\n')) {
            if (line.startsWith("agent_join="))
                join = QString::fromUtf8(line.mid(11));
        }
        const auto parsed = JoinString::parse(join);
        QVERIFY2(parsed, qPrintable(join));
        QCOMPARE(parsed->host(), QStringLiteral("127.0.0.1"));
        QVERIFY2(out.contains(QByteArray("agents=127.0.0.1:" + QByteArray::number(parsed->port()) + '\n')), out.constData());

        // As an agent takes it: from a file, so the token is not in the process list.
        const QString joinFile = m_dir->filePath(QStringLiteral("join.txt"));
        QFile file(joinFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(join.toUtf8() + '\n');
        file.close();
        QProcess *agent = startAgent(QStringLiteral("remote-a"), QString(), {QStringLiteral("--join-file"), joinFile});
        QByteArray agentOut;
        QTRY_VERIFY2_WITH_TIMEOUT((agentOut += agent->readAllStandardOutput()).contains("connected=wss://127.0.0.1:"),
                                  agent->readAllStandardError().constData(), kWaitMs);
        QVERIFY(!processCommandLine(agent->processId()).contains(parsed->token()));
    }
};

QTEST_GUILESS_MAIN(TestRemoteAgents)
#include "test_remoteagents.moc"
