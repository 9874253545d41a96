// Per-agent credentials on the agent channel, with real sockets on loopback and real processes:
// the agent runs nothing before an authenticated welcome (against a fake plane that sends a start
// first), keeps the credential it is issued in a 0600 file and joins with it from then on; the
// plane refuses another agent's credential, a join token for an id that has joined, and a
// revoked agent, which it cuts off at once.
#include <memory>

#include <sys/stat.h>

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

#include "agent/agentprotocol.h"
#include "agent/joinstring.h"
#include "api/apiclient.h"
#include "agent/remoteagentconnection.h"
#include "agent/remoteagentrunner.h"
#include "plane/controlplane.h"
#include "service/modelservingservice.h"
#include "service/replicadeployer.h"
#include "store/repository.h"
#include "support/replicaprocesses.h"

using namespace ServeDeck;
using namespace ReplicaProcesses;
using namespace Qt::StringLiterals;

namespace {

// Bounded waits: a join takes well under a second; the rest is CI headroom.
constexpr int kWaitMs = 20000;

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// A plane as an attacker on the path would be one: it answers the agent's connection and says
// whatever it likes, in the order it likes.
class FakePlane final : public QObject
{
public:
    FakePlane()
    {
        connect(&m_server, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *socket = m_server.nextPendingConnection()) {
                socket->setParent(this);
                m_socket = socket;
                ++m_connections;
                connect(socket, &QWebSocket::textMessageReceived, this, [this](const QString &frame) {
                    if (auto message = AgentProtocol::decode(frame))
                        m_received.append(*message);
                });
                if (m_onConnect)
                    m_onConnect(socket);
            }
        });
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QUrl url() const { return QUrl(u"ws://127.0.0.1:%1"_s.arg(m_server.serverPort())); }
    void send(const QJsonObject &message) { m_socket->sendTextMessage(AgentProtocol::encode(message)); }
    QList<QJsonObject> received(const QString &type) const
    {
        QList<QJsonObject> out;
        for (const QJsonObject &m : m_received) {
            if (m.value(u"type"_s).toString() == type)
                out << m;
        }
        return out;
    }
    bool hasFrameFor(const QString &type, const QUuid &routeId) const
    {
        const QString id = routeId.toString(QUuid::WithoutBraces);
        const auto frames = received(type);
        return std::any_of(frames.begin(), frames.end(),
                           [&](const QJsonObject &m) { return m.value(u"route_id"_s).toString() == id; });
    }

    QWebSocketServer m_server{u"fake-plane"_s, QWebSocketServer::NonSecureMode};
    QWebSocket *m_socket = nullptr;
    int m_connections = 0;
    QList<QJsonObject> m_received;
    std::function<void(QWebSocket *)> m_onConnect;
};

// A replica that leaves a mark when it starts: proof that it ran, whatever the agent reports.
QJsonObject startCommand(const QUuid &routeId, const QString &marker)
{
    ReplicaSpec spec;
    spec.routeId = routeId;
    spec.endpointId = QUuid::createUuid();
    spec.program = u"/bin/sh"_s;
    spec.arguments = {u"-c"_s, u"touch '%1'; exec sleep 30"_s.arg(marker)};
    spec.gracePeriodMs = 1000;
    return AgentProtocol::message(u"start"_s, {{u"spec"_s, AgentProtocol::toJson(spec)}});
}

} // namespace

class TestAgentCredentials final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ControlPlane> m_plane;
    std::vector<std::unique_ptr<RemoteAgentRunner>> m_runners;

    void startPlane(bool serveApi = false)
    {
        ControlPlaneOptions options;
        options.dataDir = m_dir->filePath(u"data"_s);
        options.serveApi = serveApi;
        options.capacity = u"cpu=16,memory=32G"_s;
        options.modelRoots = {sourceModels()};
        options.reconcileIntervalMs = 200;
        options.listenForAgents = true;
        options.runLocalAgent = false;
        m_plane = std::make_unique<ControlPlane>();
        auto started = m_plane->start(options);
        QVERIFY2(started.ok(), started ? "" : qPrintable(started.error().message));
    }

    QJsonObject agentRow(const QJsonArray &agents, const QString &agentId)
    {
        for (const QJsonValue &v : agents) {
            if (v.toObject().value(u"agent_id"_s).toString() == agentId)
                return v.toObject();
        }
        return {};
    }

    // `servedeck ctl` against this plane; its exit code, what it printed and what it complained.
    std::tuple<int, QByteArray, QByteArray> ctl(const QStringList &arguments)
    {
        // The plane answers on this thread: wait with its event loop running, not blocked.
        QProcess process;
        QSignalSpy finished(&process, &QProcess::finished);
        process.start(qEnvironmentVariable("SERVEDECK_BIN_DIR") + u"/servedeck"_s,
                      QStringList{u"ctl"_s, u"--api"_s, u"http://"_s + m_plane->apiAddress(), u"--token-file"_s,
                                  m_plane->adminTokenFile()}
                          + arguments);
        if (!finished.wait(kWaitMs) || process.exitStatus() != QProcess::NormalExit)
            return {-1, process.readAllStandardOutput(), "ctl did not finish: " + process.errorString().toUtf8()};
        return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
    }

    QByteArray joinToken() const { return readFile(m_plane->agentJoinTokenFile()).trimmed(); }
    QString stateDir(const QString &name) const { return m_dir->filePath(u"state-"_s + name); }

    RemoteAgentRunner *startRunner(const QString &agentId, const QString &state, const QByteArray &token)
    {
        // Over TLS, pinned through the plane's join string; the token is the test's to choose.
        const auto join = JoinString::parse(m_plane->agentJoinString());
        if (!join)
            qFatal("no join string: %s", qPrintable(join.error().message));
        auto runner = std::make_unique<RemoteAgentRunner>(join->url(), token, agentId);
        runner->setPinnedSha256(join->sha256());
        runner->setStateDir(state);
        runner->setCapacityOverride(*Capacity::parse(u"cpu=8,memory=16G"_s));
        runner->start();
        m_runners.push_back(std::move(runner));
        return m_runners.back().get();
    }

    RemoteAgentConnection *remote(const QString &agentId) const
    {
        for (AgentConnector *agent : m_plane->deployer()->agents()) {
            if (agent->agentId() == agentId)
                return qobject_cast<RemoteAgentConnection *>(agent);
        }
        return nullptr;
    }

    bool joined(const QString &agentId) const
    {
        RemoteAgentConnection *connection = remote(agentId);
        return connection && connection->isConnected();
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void cleanup()
    {
        m_runners.clear();
        m_plane.reset();
        m_dir.reset();
    }

    void commandBeforeWelcomeIsNotRun()
    {
        FakePlane plane;
        QVERIFY(plane.listen());
        const QUuid early = QUuid::createUuid();
        const QUuid late = QUuid::createUuid();
        const QString earlyMark = m_dir->filePath(u"early"_s);
        const QString lateMark = m_dir->filePath(u"late"_s);
        // The peer tells the agent to start a replica the moment it connects, before any welcome.
        plane.m_onConnect = [&](QWebSocket *socket) {
            socket->sendTextMessage(AgentProtocol::encode(startCommand(early, earlyMark)));
        };
        RemoteAgentRunner runner(plane.url(), "join-secret", u"edge-1"_s);
        runner.setInsecure(true);  // the fake plane speaks plain ws://
        runner.setStateDir(stateDir(u"edge"_s));
        QSignalSpy welcomed(&runner, &RemoteAgentRunner::welcomed);
        runner.start();
        QTRY_VERIFY_WITH_TIMEOUT(!plane.received(u"hello"_s).isEmpty(), kWaitMs);

        // Welcomed, the same start is obeyed: proof that the agent does run what a plane that
        // accepted it sends, and that it heard the early one first (frames arrive in order).
        plane.send(AgentProtocol::message(u"welcome"_s));
        QVERIFY(welcomed.wait(kWaitMs));
        plane.send(startCommand(late, lateMark));
        QTRY_VERIFY_WITH_TIMEOUT(plane.hasFrameFor(u"started"_s, late), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(lateMark), kWaitMs);
        QVERIFY(runner.agent().isRunning(late));

        QVERIFY(!runner.agent().isRunning(early));
        QVERIFY(!plane.hasFrameFor(u"started"_s, early));
        QVERIFY(!plane.hasFrameFor(u"start_failed"_s, early));
        QVERIFY(!QFile::exists(earlyMark));
        QCOMPARE(runner.agent().replicaCount(), 1);
    }

    void issuedCredentialIsKeptAndReplacesTheJoinToken()
    {
        FakePlane plane;
        QVERIFY(plane.listen());
        const QByteArray credential = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde";
        plane.m_onConnect = [&](QWebSocket *) {};
        const QString state = stateDir(u"kept"_s);
        {
            RemoteAgentRunner runner(plane.url(), "join-secret", u"edge-1"_s);
            runner.setInsecure(true);  // the fake plane speaks plain ws://
            runner.setStateDir(state);
            QSignalSpy welcomed(&runner, &RemoteAgentRunner::welcomed);
            runner.start();
            QTRY_COMPARE_WITH_TIMEOUT(plane.received(u"hello"_s).size(), 1, kWaitMs);
            const QJsonObject first = plane.received(u"hello"_s).first();
            QCOMPARE(first.value(u"token"_s).toString(), u"join-secret"_s);
            QVERIFY(!first.contains(u"credential"_s));

            plane.send(AgentProtocol::message(u"welcome"_s, {{u"credential"_s, QString::fromLatin1(credential)}}));
            QVERIFY(welcomed.wait(kWaitMs));
            const QString file = runner.credentialFile();
            QCOMPARE(file, state + u"/edge-1.credential"_s);
            QTRY_COMPARE_WITH_TIMEOUT(readFile(file).trimmed(), credential, kWaitMs);
            struct stat info{};
            QCOMPARE(::stat(QFile::encodeName(file).constData(), &info), 0);
            QCOMPARE(info.st_mode & 0777, mode_t(0600));
            QCOMPARE(::stat(QFile::encodeName(state).constData(), &info), 0);
            QCOMPARE(info.st_mode & 0777, mode_t(0700));

            // The connection drops: the agent comes back with its credential, not the join token.
            plane.m_socket->close();
            QTRY_COMPARE_WITH_TIMEOUT(plane.received(u"hello"_s).size(), 2, kWaitMs);
            const QJsonObject second = plane.received(u"hello"_s).last();
            QCOMPARE(second.value(u"credential"_s).toString().toLatin1(), credential);
            QVERIFY(!second.contains(u"token"_s));
        }
        // A restarted agent reads it from its state dir.
        RemoteAgentRunner restarted(plane.url(), "join-secret", u"edge-1"_s);
        restarted.setInsecure(true);  // the fake plane speaks plain ws://
        restarted.setStateDir(state);
        restarted.start();
        QTRY_COMPARE_WITH_TIMEOUT(plane.received(u"hello"_s).size(), 3, kWaitMs);
        QCOMPARE(plane.received(u"hello"_s).last().value(u"credential"_s).toString().toLatin1(), credential);
        QVERIFY(!plane.received(u"hello"_s).last().contains(u"token"_s));
    }

    void malformedCredentialInAWelcomeIsNotKept()
    {
        FakePlane plane;
        QVERIFY(plane.listen());
        RemoteAgentRunner runner(plane.url(), "join-secret", u"edge-1"_s);
        runner.setInsecure(true);  // the fake plane speaks plain ws://
        runner.setStateDir(stateDir(u"odd"_s));
        QSignalSpy welcomed(&runner, &RemoteAgentRunner::welcomed);
        runner.start();
        QTRY_COMPARE_WITH_TIMEOUT(plane.received(u"hello"_s).size(), 1, kWaitMs);
        plane.send(AgentProtocol::message(u"welcome"_s, {{u"credential"_s, QString(u"x\ny"_s + QString(5000, u'A'))}}));
        QVERIFY(welcomed.wait(kWaitMs));
        plane.m_socket->close();
        QTRY_COMPARE_WITH_TIMEOUT(plane.received(u"hello"_s).size(), 2, kWaitMs);
        // Nothing kept: it still joins with the join token.
        QCOMPARE(plane.received(u"hello"_s).last().value(u"token"_s).toString(), u"join-secret"_s);
        QVERIFY(!plane.received(u"hello"_s).last().contains(u"credential"_s));
        QVERIFY(!QFile::exists(runner.credentialFile()));
    }

    void planeKeepsOnlyAHashOfTheCredential()
    {
        startPlane();
        RemoteAgentRunner *runner = startRunner(u"remote-a"_s, stateDir(u"a"_s), joinToken());
        QTRY_VERIFY_WITH_TIMEOUT(joined(u"remote-a"_s), kWaitMs);
        // 32 random bytes, base64url; the agent writes it once the welcome is in.
        QTRY_COMPARE_WITH_TIMEOUT(readFile(runner->credentialFile()).trimmed().size(), 43, kWaitMs);
        const QByteArray credential = readFile(runner->credentialFile()).trimmed();
        auto stored = m_plane->repository().agentCredential(u"remote-a"_s);
        QVERIFY(stored && stored->has_value());
        QCOMPARE((*stored)->secretSha256, QCryptographicHash::hash(credential, QCryptographicHash::Sha256));
        QVERIFY(!(*stored)->isRevoked());
        QVERIFY(!readFile(m_plane->repository().databasePath()).contains(credential));
    }

    void anotherAgentsCredentialOrTheJoinTokenCannotTakeAnIdentity()
    {
        startPlane();
        startRunner(u"remote-a"_s, stateDir(u"a"_s), joinToken());
        RemoteAgentRunner *b = startRunner(u"remote-b"_s, stateDir(u"b"_s), joinToken());
        QTRY_VERIFY_WITH_TIMEOUT(joined(u"remote-a"_s) && joined(u"remote-b"_s), kWaitMs);
        RemoteAgentConnection *a = remote(u"remote-a"_s);

        // remote-b's credential, presented as remote-a (once remote-b has written it down).
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(b->credentialFile()), kWaitMs);
        const QString stolen = stateDir(u"stolen"_s);
        QVERIFY(QDir().mkpath(stolen));
        QVERIFY(QFile::copy(b->credentialFile(), stolen + u"/remote-a.credential"_s));
        RemoteAgentRunner *impostor = startRunner(u"remote-a"_s, stolen, QByteArray());
        QSignalSpy refused(impostor, &RemoteAgentRunner::rejected);
        QVERIFY(refused.wait(kWaitMs));
        QCOMPARE(refused.first().first().toString(), u"wrong credential"_s);

        // The join token for an id that has joined: refused too.
        RemoteAgentRunner *withToken = startRunner(u"remote-a"_s, stateDir(u"fresh"_s), joinToken());
        QSignalSpy refusedToken(withToken, &RemoteAgentRunner::rejected);
        QVERIFY(refusedToken.wait(kWaitMs));
        QVERIFY2(refusedToken.first().first().toString().contains(u"must present its own credential"_s),
                 qPrintable(refusedToken.first().first().toString()));
        QVERIFY(!QFile::exists(withToken->credentialFile()));

        // The real remote-a kept its connection all along and still reports.
        QCOMPARE(remote(u"remote-a"_s), a);
        QVERIFY(a->isConnected());
        const quint64 reports = a->statusReports();
        QTRY_VERIFY_WITH_TIMEOUT(a->statusReports() > reports + 1, kWaitMs);
        QVERIFY(a->isConnected());
    }

    void revokedAgentIsCutOffAndCannotRejoin()
    {
        startPlane();
        RemoteAgentRunner *runner = startRunner(u"remote-a"_s, stateDir(u"a"_s), joinToken());
        QSignalSpy rejected(runner, &RemoteAgentRunner::rejected);
        QTRY_VERIFY_WITH_TIMEOUT(joined(u"remote-a"_s), kWaitMs);
        CreateEndpointRequest r;
        r.name = u"iris"_s;
        r.modelVersion = u"v1"_s;
        r.modelFolder = u"iris-v1"_s;
        r.resourceSlots = {0.5, *parseMemorySize(u"512M"_s), 0};
        r.replicas = 1;
        auto created = m_plane->service().createEndpoint(r);
        QVERIFY2(created, created ? "" : qPrintable(created.error().message));
        const auto healthyRoute = [this]() -> std::optional<Route> {
            auto info = m_plane->service().endpointInfo(u"iris"_s);
            if (info) {
                for (const Route &route : info->routes) {
                    if (route.status == RouteStatus::Healthy && route.agentId == u"remote-a")
                        return route;
                }
            }
            return std::nullopt;
        };
        QTRY_VERIFY_WITH_TIMEOUT(healthyRoute().has_value(), kWaitMs);
        const qint64 replica = pidOf(remote(u"remote-a"_s)->replicaId(healthyRoute()->id));
        QVERIFY(processAlive(replica));

        auto revoked = m_plane->service().revokeAgent(u"remote-a"_s);
        QVERIFY2(revoked, revoked ? "" : qPrintable(revoked.error().message));
        QVERIFY(!revoked->wasRevokedAlready);
        QVERIFY(revoked->credential.isRevoked());
        // Cut off now, though it keeps sending heartbeats: it does not wait out a grace period.
        QTRY_VERIFY_WITH_TIMEOUT(!joined(u"remote-a"_s), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!rejected.isEmpty(), kWaitMs);
        QCOMPARE(rejected.first().first().toString(), u"agent credential revoked"_s);
        // Its replica counts as lost, and the agent stops it.
        QTRY_VERIFY_WITH_TIMEOUT(
            [this] {
                auto errors = m_plane->service().listErrors(u"iris"_s, 10, u"AgentLost"_s);
                return errors && !errors->isEmpty() && errors->first().agentId == u"remote-a";
            }(),
            kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!processAlive(replica), kWaitMs);

        // It tries again with its credential (the runner reconnects) and is refused each time.
        QTRY_VERIFY_WITH_TIMEOUT(rejected.size() >= 3, kWaitMs);
        for (const auto &reason : std::as_const(rejected))
            QCOMPARE(reason.first().toString(), u"agent credential revoked"_s);
        // Nor does the join token let that id back in.
        RemoteAgentRunner *withToken = startRunner(u"remote-a"_s, stateDir(u"fresh"_s), joinToken());
        QSignalSpy refusedToken(withToken, &RemoteAgentRunner::rejected);
        QVERIFY(refusedToken.wait(kWaitMs));
        QCOMPARE(refusedToken.first().first().toString(), u"agent credential revoked"_s);
        QVERIFY(!joined(u"remote-a"_s));

        // Revoking again changes nothing and says so.
        auto again = m_plane->service().revokeAgent(u"remote-a"_s);
        QVERIFY(again && again->wasRevokedAlready);
        QCOMPARE(again->credential.revokedAt, revoked->credential.revokedAt);
        auto unknown = m_plane->service().revokeAgent(u"never-joined"_s);
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().type, ErrorType::NotFound);
        auto malformed = m_plane->service().revokeAgent(u"../etc"_s);
        QVERIFY(!malformed);
        QCOMPARE(malformed.error().type, ErrorType::InvalidArgument);

        // GET /v1/agents still lists it, revoked.
        const QJsonArray agents = m_plane->agentsReport();
        const auto row = std::find_if(agents.begin(), agents.end(), [](const QJsonValue &v) {
            return v.toObject().value(u"agent_id"_s).toString() == u"remote-a";
        });
        QVERIFY(row != agents.end());
        QVERIFY(row->toObject().value(u"revoked"_s).toBool());
        QVERIFY(!row->toObject().value(u"connected"_s).toBool());
        QVERIFY(!row->toObject().value(u"credential_issued_at"_s).toString().isEmpty());
    }

    // The gateway's side: nothing but a hello it accepts gets a socket to a connection.
    void gatewayRefusesAnythingButAnAcceptedHello_data()
    {
        QTest::addColumn<QByteArray>("frame");  // "binary:" + payload: a binary frame
        QTest::addColumn<QString>("reason");
        const auto hello = [](const QJsonObject &fields) {
            return QJsonDocument(AgentProtocol::message(u"hello"_s, fields)).toJson(QJsonDocument::Compact);
        };
        QTest::newRow("status first") << QByteArray(R"({"type":"status","agent_id":"x","replicas":[]})")
                                      << u"expected a hello"_s;
        QTest::newRow("started first") << QByteArray(R"({"type":"started","route_id":"r","replica_id":"x"})")
                                       << u"expected a hello"_s;
        QTest::newRow("not json") << QByteArray("hello") << u"expected a hello"_s;
        QTest::newRow("binary frame") << QByteArray("binary:hello") << u"expected a hello"_s;
        QTest::newRow("no token") << hello({{u"agent_id"_s, u"edge-9"_s}}) << u"wrong join token"_s;
        QTest::newRow("id with a slash") << hello({{u"agent_id"_s, u"../etc"_s}, {u"token"_s, u"JOIN"_s}})
                                         << u"hello names no valid agent_id"_s;
        QTest::newRow("id too long") << hello({{u"agent_id"_s, QString(65, u'a')}, {u"token"_s, u"JOIN"_s}})
                                     << u"hello names no valid agent_id"_s;
        QTest::newRow("made-up credential") << hello({{u"agent_id"_s, u"edge-9"_s}, {u"credential"_s, QString(43, u'A')}})
                                            << u"wrong credential"_s;
        // A credential wins over the join token: the token cannot stand in for a wrong one.
        QTest::newRow("wrong credential with the token")
            << hello({{u"agent_id"_s, u"edge-9"_s}, {u"credential"_s, u"nope"_s}, {u"token"_s, u"JOIN"_s}})
            << u"wrong credential"_s;
    }

    void gatewayRefusesAnythingButAnAcceptedHello()
    {
        QFETCH(QByteArray, frame);
        QFETCH(QString, reason);
        startPlane();
        frame.replace("JOIN", joinToken());
        QWebSocket socket;
        QSignalSpy connected(&socket, &QWebSocket::connected);
        QSignalSpy disconnected(&socket, &QWebSocket::disconnected);
        QList<QJsonObject> answers;
        connect(&socket, &QWebSocket::textMessageReceived, this, [&](const QString &text) {
            if (auto m = AgentProtocol::decode(text))
                answers << *m;
        });
        // What is refused here is the first frame, not the certificate: any certificate will do.
        connect(&socket, &QWebSocket::sslErrors, &socket, [&socket] { socket.ignoreSslErrors(); });
        socket.open(QUrl(u"wss://"_s + m_plane->agentsAddress()));
        QVERIFY(connected.wait(kWaitMs));
        if (frame.startsWith("binary:"))
            socket.sendBinaryMessage(frame.mid(7));
        else
            socket.sendTextMessage(QString::fromUtf8(frame));
        QVERIFY(disconnected.wait(kWaitMs));
        QCOMPARE(answers.size(), 1);
        QCOMPARE(answers.first().value(u"type"_s).toString(), u"rejected"_s);
        QCOMPARE(answers.first().value(u"reason"_s).toString(), reason);
        QVERIFY(m_plane->deployer()->agents().isEmpty());
        auto credentials = m_plane->repository().agentCredentials();
        QVERIFY(credentials && credentials->isEmpty());
    }

    void revokeOverRestAndCtl()
    {
        startPlane(true);
        startRunner(u"remote-a"_s, stateDir(u"a"_s), joinToken());
        startRunner(u"remote-b"_s, stateDir(u"b"_s), joinToken());
        QTRY_VERIFY_WITH_TIMEOUT(joined(u"remote-a"_s) && joined(u"remote-b"_s), kWaitMs);
        ApiClient api(QUrl(u"http://"_s + m_plane->apiAddress()), m_plane->adminToken(), kWaitMs);

        ApiResponse r = api.send("POST", u"/v1/agents/remote-a/revoke"_s);
        QCOMPARE(r.status, 200);
        QJsonObject body = r.body.object();
        QCOMPARE(body.value(u"agent_id"_s).toString(), u"remote-a"_s);
        QVERIFY(body.value(u"revoked"_s).toBool());
        QVERIFY(!body.value(u"already_revoked"_s).toBool());
        const QString revokedAt = body.value(u"revoked_at"_s).toString();
        QVERIFY(!revokedAt.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(!joined(u"remote-a"_s), kWaitMs);
        QVERIFY(joined(u"remote-b"_s));
        // Twice: 200 again, nothing changes, and it says it was revoked already.
        r = api.send("POST", u"/v1/agents/remote-a/revoke"_s);
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.object().value(u"already_revoked"_s).toBool());
        QCOMPARE(r.body.object().value(u"revoked_at"_s).toString(), revokedAt);

        r = api.send("POST", u"/v1/agents/never-joined/revoke"_s);
        QCOMPARE(r.status, 404);
        QCOMPARE(r.body.object().value(u"error"_s).toObject().value(u"type"_s).toString(), u"NotFound"_s);
        r = api.send("POST", u"/v1/agents/bad%20id/revoke"_s);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.body.object().value(u"error"_s).toObject().value(u"type"_s).toString(), u"InvalidArgument"_s);
        r = api.send("GET", u"/v1/agents/remote-b/revoke"_s);
        QCOMPARE(r.status, 405);
        ApiClient stranger(QUrl(u"http://"_s + m_plane->apiAddress()), QByteArray(64, 'x'), kWaitMs);
        QCOMPARE(stranger.send("POST", u"/v1/agents/remote-b/revoke"_s).status, 401);
        QVERIFY(joined(u"remote-b"_s));

        r = api.get(u"/v1/agents"_s);
        QCOMPARE(r.status, 200);
        const QJsonArray agents = r.body.object().value(u"agents"_s).toArray();
        const QJsonObject a = agentRow(agents, u"remote-a"_s);
        QVERIFY(a.value(u"revoked"_s).toBool());
        QVERIFY(!a.value(u"connected"_s).toBool());
        QCOMPARE(a.value(u"revoked_at"_s).toString(), revokedAt);
        const QJsonObject b = agentRow(agents, u"remote-b"_s);
        QVERIFY(!b.isEmpty());
        QVERIFY(!b.value(u"revoked"_s).toBool());
        QVERIFY(b.value(u"connected"_s).toBool());
        QVERIFY(!b.value(u"credential_issued_at"_s).toString().isEmpty());

        // The same through `servedeck ctl`.
        auto [code, out, err] = ctl({u"agents"_s, u"revoke"_s, u"remote-b"_s});
        QCOMPARE(code, 0);
        QVERIFY2(out.startsWith("agent remote-b revoked at ") && out.contains("cut off now"), out.constData());
        QTRY_VERIFY_WITH_TIMEOUT(!joined(u"remote-b"_s), kWaitMs);
        std::tie(code, out, err) = ctl({u"agents"_s, u"revoke"_s, u"remote-b"_s});
        QCOMPARE(code, 0);
        QVERIFY2(out.startsWith("agent remote-b was revoked already, at "), out.constData());
        std::tie(code, out, err) = ctl({u"agents"_s, u"revoke"_s, u"never-joined"_s});
        QCOMPARE(code, 1);
        QVERIFY2(err.contains("error: NotFound: agent never-joined has no credential"), err.constData());
        std::tie(code, out, err) = ctl({u"agents"_s});
        QCOMPARE(code, 0);
        QVERIFY2(out.contains("REVOKED"), out.constData());
        const QList<QByteArray> lines = out.split('\n');
        const auto line = [&](const QByteArray &agent) {
            const auto it = std::find_if(lines.begin(), lines.end(), [&](const QByteArray &l) { return l.startsWith(QByteArray(agent + ' ')); });
            return it == lines.end() ? QByteArray() : *it;
        };
        QVERIFY2(line("remote-a").trimmed().endsWith("yes"), out.constData());
        QVERIFY2(line("remote-b").trimmed().endsWith("yes"), out.constData());
    }
};

QTEST_GUILESS_MAIN(TestAgentCredentials)
#include "test_agentcredentials.moc"
