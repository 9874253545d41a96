// Remote agents on a shared plane (issue 18), on a real PostgreSQL server: one join string for
// every console of the plane; an agent given a follower's join string is sent to the leader, runs
// its replica, and follows the plane to the next leader.
#include <memory>

#include <QProcess>
#include <QScopeGuard>

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "agent/agentconnector.h"
#include "agent/joinstring.h"
#include "agent/remoteagentrunner.h"
#include "plane/controlplane.h"
#include "plane/leaderelection.h"
#include "service/modelservingservice.h"
#include "service/replicadeployer.h"
#include "store/repository.h"
#include "support/postgresserver.h"
#include "support/servechild.h"
#include "support/testplane.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr int kWaitMs = 20000;
// Demo replicas start and turn HEALTHY in a second or two; the margin is for a loaded machine.
constexpr int kHealthyMs = 60000;

bool hasConnectedAgent(const ControlPlane &plane, const QString &agentId)
{
    if (!plane.deployer())
        return false;
    const QList<AgentConnector *> agents = plane.deployer()->agents();
    return std::any_of(agents.cbegin(), agents.cend(),
                       [&agentId](const AgentConnector *a) { return a->agentId() == agentId && a->isConnected(); });
}

// The endpoint's HEALTHY routes on @p agentId, as the shared store says.
int healthyOn(ControlPlane &plane, const QUuid &endpointId, const QString &agentId)
{
    auto routes = plane.repository().routes(endpointId);
    if (!routes)
        return -1;
    return int(std::count_if(routes->cbegin(), routes->cend(), [&agentId](const Route &r) {
        return r.agentId == agentId && r.status == RouteStatus::Healthy;
    }));
}

// The endpoint's routes, for a failure's message.
QByteArray describeRoutes(ControlPlane &plane, const QUuid &endpointId)
{
    QByteArray out;
    auto routes = plane.repository().routes(endpointId);
    for (const Route &r : routes ? *routes : QList<Route>())
        out += routeStatusName(r.status).toUtf8() + " on '" + r.agentId.toUtf8() + "'; ";
    return out;
}

} // namespace

class TestSharedAgents final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void oneJoinStringForThePlane();
    void aFollowersAgentEndsUpAtTheLeader();
    void aLeaderThatStepsDownSendsItsAgentsOn();

private:
    static ControlPlaneOptions options(const QString &dataDir, const QString &url);
    // A runner that joins the gateway listening at @p port with @p join's token and pin.
    static std::unique_ptr<RemoteAgentRunner> runner(const JoinString &join, quint16 port, const QString &agentId);
    // Two in-process consoles on one new database (the planes go before their folders).
    struct Consoles
    {
        QTemporaryDir dataA;
        QTemporaryDir dataB;
        std::unique_ptr<ControlPlane> a;
        std::unique_ptr<ControlPlane> b;
    };
    // a, leading, then b. A failed step fails the caller.
    void startLeaderAndFollower(Consoles &consoles);

    PostgresServer m_pg;
};

void TestSharedAgents::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QString error;
    QVERIFY2(m_pg.start(&error), qPrintable(error));
}

void TestSharedAgents::cleanupTestCase()
{
    m_pg.stop();
}

ControlPlaneOptions TestSharedAgents::options(const QString &dataDir, const QString &url)
{
    ControlPlaneOptions o = TestPlane::options(dataDir);
    o.database = url;
    o.signingKeyFromFile = true;
    o.runLocalAgent = false;  // the remote agents are the plane's only ones
    o.autoscaleIntervalMs = 0;
    o.listenForAgents = true;  // over TLS with the plane's certificate
    return o;
}

std::unique_ptr<RemoteAgentRunner> TestSharedAgents::runner(const JoinString &join, quint16 port, const QString &agentId)
{
    auto runner = std::make_unique<RemoteAgentRunner>(QUrl(u"wss://127.0.0.1:%1"_s.arg(port)), join.token(), agentId);
    runner->setPinnedSha256(join.sha256());
    runner->setCapacityOverride(*Capacity::parse(u"cpu=4,memory=8G"_s));
    return runner;
}

void TestSharedAgents::startLeaderAndFollower(Consoles &consoles)
{
    const QString url = m_pg.uniqueDatabaseUrl();
    QString error = TestPlane::start(consoles.a, options(consoles.dataA.path(), url));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(consoles.a->isLeader(), kWaitMs);
    error = TestPlane::start(consoles.b, options(consoles.dataB.path(), url));
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

// The join string of either console admits a new agent at the other: the join token, like the
// certificate, is the plane's.
void TestSharedAgents::oneJoinStringForThePlane()
{
    Consoles consoles;
    startLeaderAndFollower(consoles);
    if (QTest::currentTestFailed())
        return;
    std::unique_ptr<ControlPlane> &a = consoles.a;
    std::unique_ptr<ControlPlane> &b = consoles.b;

    const auto joinA = JoinString::parse(a->agentJoinString());
    const auto joinB = JoinString::parse(b->agentJoinString());
    QVERIFY2(joinA && joinB, "both consoles give a join string");
    QCOMPARE(joinA->token(), joinB->token());
    QCOMPARE(joinA->sha256(), joinB->sha256());
    QCOMPARE(joinA->token().size(), 64);

    // B's join string at A's gateway.
    auto first = runner(*joinB, joinA->port(), u"gpu-1"_s);
    QSignalSpy firstRejected(first.get(), &RemoteAgentRunner::rejected);
    first->start();
    QTRY_VERIFY_WITH_TIMEOUT(hasConnectedAgent(*a, u"gpu-1"_s), kWaitMs);
    QCOMPARE(firstRejected.count(), 0);

    // A's join string at B's gateway, once B leads (a follower sends agents to the leader).
    const quint16 portB = joinB->port();
    a.reset();
    QTRY_VERIFY_WITH_TIMEOUT(b->isLeader(), kWaitMs);
    auto second = runner(*joinA, portB, u"gpu-2"_s);
    QSignalSpy secondRejected(second.get(), &RemoteAgentRunner::rejected);
    second->start();
    QTRY_VERIFY_WITH_TIMEOUT(hasConnectedAgent(*b, u"gpu-2"_s), kWaitMs);
    QCOMPARE(secondRejected.count(), 0);

    // And a token that is not the plane's is refused there.
    JoinString wrong = *JoinString::make(u"127.0.0.1"_s, portB, QByteArray(64, 'f'), joinA->sha256());
    auto third = runner(wrong, portB, u"gpu-3"_s);
    QSignalSpy thirdRejected(third.get(), &RemoteAgentRunner::rejected);
    third->start();
    QVERIFY(thirdRejected.wait(kWaitMs));
    QCOMPARE(thirdRejected.constFirst().constFirst().toString(), u"wrong join token"_s);
    QVERIFY(!hasConnectedAgent(*b, u"gpu-3"_s));
}

// A real `servedeck agent` given the follower's join string: the follower redirects it, the
// leader (a real `servedeck serve` child) admits it and its deployer starts one of the endpoint's
// two replicas there (the other on its own agent: the one running fewer takes the next). kill -9 of the leader: the agent tries the plane's
// other console, which leads by then, takes the agent and runs the replica on it.
void TestSharedAgents::aFollowersAgentEndsUpAtTheLeader()
{
    QVERIFY2(QFileInfo(ServeChildSupport::binary()).isExecutable(), "the built servedeck binary");
    QTemporaryDir dataA;
    QTemporaryDir dataB;
    QTemporaryDir agentState;
    const QString url = m_pg.uniqueDatabaseUrl();
    ServeChildSupport::ServeChild a(dataA.path(), u"cpu=8,memory=16G"_s,
                                    {u"--database"_s, url, u"--agents"_s, u"127.0.0.1:0"_s});
    QString error;
    QVERIFY2(a.start(&error), qPrintable(error));
    // The serve child leads before the in-process console starts.
    QVERIFY(QTest::qWaitFor([&] { return a.ctl({u"plane"_s, u"status"_s, u"--json"_s}, agentState.path(), kWaitMs)
                                          .json().value(u"role"_s).toString() == u"leader"_s; },
                            kWaitMs));
    std::unique_ptr<ControlPlane> b;
    error = TestPlane::start(b, options(dataB.path(), url));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(!b->election()->state().leaderId.isEmpty(), kWaitMs);
    QVERIFY(!b->isLeader());

    const QString joinB = b->agentJoinString();
    const QByteArray atB = "wss://127.0.0.1:" + QByteArray::number(JoinString::parse(joinB)->port());
    QProcess agent;
    agent.setProcessEnvironment(ServeChildSupport::childEnvironment(agentState.path()));
    agent.start(ServeChildSupport::binary(), {u"agent"_s, u"--join"_s, joinB, u"--agent-id"_s, u"gpu-r"_s, u"--state-dir"_s,
                                              agentState.path(), u"--capacity"_s, u"cpu=4,memory=8G"_s});
    QVERIFY(agent.waitForStarted(kWaitMs));
    // A failed check leaves no agent (nor its replicas) running.
    const auto stopAgent = qScopeGuard([&agent] {
        if (agent.state() != QProcess::NotRunning) {
            agent.kill();
            agent.waitForFinished(kWaitMs);
        }
    });
    QByteArray out;
    const auto said = [&agent, &out](const QByteArray &text) {
        out += agent.readAllStandardOutput();
        return out.contains(text);
    };
    QTRY_VERIFY_WITH_TIMEOUT(said("redirected=wss://127.0.0.1:"), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(said("connected=wss://127.0.0.1:"), kWaitMs);
    QVERIFY2(!out.contains(QByteArray("connected=" + atB)), out.constData());
    QVERIFY(!hasConnectedAgent(*b, u"gpu-r"_s));
    // Created through the follower once the agent is the leader's: the leader's deployer runs
    // one replica on it.
    auto endpoint = b->service().createEndpoint(TestPlane::irisRequest(u"iris"_s, 2));
    QVERIFY2(endpoint, qPrintable(endpoint ? QString() : endpoint.error().message));
    const QUuid endpointId = endpoint->id;

    QTRY_VERIFY2_WITH_TIMEOUT(healthyOn(*b, endpointId, u"gpu-r"_s) == 1, describeRoutes(*b, endpointId).constData(),
                              kHealthyMs);

    out.clear();
    a.process().kill();  // SIGKILL
    QVERIFY(a.process().waitForFinished(kWaitMs));
    QTRY_VERIFY_WITH_TIMEOUT(b->isLeader(), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(hasConnectedAgent(*b, u"gpu-r"_s), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(said("connected=" + atB), kWaitMs);
    // The new leader has no agent of its own: both replicas run on the agent, none doubled.
    QTRY_VERIFY2_WITH_TIMEOUT(healthyOn(*b, endpointId, u"gpu-r"_s) == 2, describeRoutes(*b, endpointId).constData(),
                              kHealthyMs);

    agent.terminate();
    QVERIFY(agent.waitForFinished(kWaitMs));
}

// The leader's election session is ended under it (as a cut would): it steps down, and its
// remote agent, at once let go without being refused, is sent on to the new leader with its
// replica still running; the former leader writes nothing about it (no AgentLost).
void TestSharedAgents::aLeaderThatStepsDownSendsItsAgentsOn()
{
    Consoles consoles;
    startLeaderAndFollower(consoles);
    if (QTest::currentTestFailed())
        return;
    std::unique_ptr<ControlPlane> &a = consoles.a;
    std::unique_ptr<ControlPlane> &b = consoles.b;

    const auto join = JoinString::parse(a->agentJoinString());
    QVERIFY(join);
    auto agent = runner(*join, join->port(), u"gpu-s"_s);
    QSignalSpy rejected(agent.get(), &RemoteAgentRunner::rejected);
    agent->start();
    QTRY_VERIFY_WITH_TIMEOUT(hasConnectedAgent(*a, u"gpu-s"_s), kWaitMs);
    auto endpoint = a->service().createEndpoint(TestPlane::irisRequest(u"iris"_s, 1));
    QVERIFY2(endpoint, qPrintable(endpoint ? QString() : endpoint.error().message));
    QTRY_VERIFY2_WITH_TIMEOUT(healthyOn(*a, endpoint->id, u"gpu-s"_s) == 1, describeRoutes(*a, endpoint->id).constData(),
                              kHealthyMs);

    const QString application = u"servedeck:"_s + a->nodeId();
    QString error;
    QVERIFY2(m_pg.execute(u"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '%1'"_s
                              .arg(application),
                          &error),
             qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(b->isLeader(), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(!a->isLeader(), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(hasConnectedAgent(*b, u"gpu-s"_s), kWaitMs);
    QVERIFY(!hasConnectedAgent(*a, u"gpu-s"_s));
    QCOMPARE(rejected.count(), 0);
    // Still served on the agent, now the new leader's.
    QTRY_VERIFY2_WITH_TIMEOUT(healthyOn(*b, endpoint->id, u"gpu-s"_s) >= 1, describeRoutes(*b, endpoint->id).constData(),
                              kHealthyMs);
    auto errors = b->repository().errors(endpoint->id, 100, u"AgentLost"_s);
    QVERIFY(errors);
    QVERIFY2(errors->isEmpty(), qPrintable(errors->isEmpty() ? QString() : errors->first().message));
}

QTEST_GUILESS_MAIN(TestSharedAgents)
#include "test_sharedagents.moc"
