// Remote agents on a shared plane (issue 18), on a real PostgreSQL server: one join string for
// every console of the plane.
#include <memory>


#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "agent/agentconnector.h"
#include "agent/joinstring.h"
#include "agent/remoteagentrunner.h"
#include "plane/controlplane.h"
#include "service/replicadeployer.h"
#include "support/postgresserver.h"
#include "support/testplane.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr int kWaitMs = 20000;

bool hasConnectedAgent(const ControlPlane &plane, const QString &agentId)
{
    if (!plane.deployer())
        return false;
    const QList<AgentConnector *> agents = plane.deployer()->agents();
    return std::any_of(agents.cbegin(), agents.cend(),
                       [&agentId](const AgentConnector *a) { return a->agentId() == agentId && a->isConnected(); });
}

} // namespace

class TestSharedAgents final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void oneJoinStringForThePlane();

private:
    QString freshDatabase();
    static ControlPlaneOptions options(const QString &dataDir, const QString &url);
    // A runner that joins the gateway listening at @p port with @p join's token and pin.
    static std::unique_ptr<RemoteAgentRunner> runner(const JoinString &join, quint16 port, const QString &agentId);

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

QString TestSharedAgents::freshDatabase()
{
    QString error;
    const QString database = m_pg.createUniqueDatabase(&error);
    if (database.isEmpty())
        qFatal("cannot create a database: %s", qPrintable(error));
    return m_pg.url(database);
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

// The join string of either console admits a new agent at the other: the join token, like the
// certificate, is the plane's.
void TestSharedAgents::oneJoinStringForThePlane()
{
    QTemporaryDir dataA;
    QTemporaryDir dataB;
    const QString url = freshDatabase();
    std::unique_ptr<ControlPlane> a;
    QString error = TestPlane::start(a, options(dataA.path(), url));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(a->isLeader(), kWaitMs);
    std::unique_ptr<ControlPlane> b;
    error = TestPlane::start(b, options(dataB.path(), url));
    QVERIFY2(error.isEmpty(), qPrintable(error));

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

QTEST_GUILESS_MAIN(TestSharedAgents)
#include "test_sharedagents.moc"
