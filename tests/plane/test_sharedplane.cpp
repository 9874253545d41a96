#include <csignal>
#include <memory>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "support/postgresserver.h"
#include "support/servechild.h"

using namespace ServeChildSupport;

namespace {

constexpr int kCtlMs = 15000;
constexpr int kLeaseMs = 3000;  // the election's default
// A first election, or a takeover after kill -9: the lease, a poll, a ctl call, on a loaded runner.
constexpr int kElectedMs = 4 * kLeaseMs;
// Two demo replicas start, become HEALTHY (a second or two each, idle).
constexpr int kHealthyMs = 60000;

// One node of a plane on PostgreSQL: a serve child with a data dir of its own.
struct Node
{
    QTemporaryDir dir;
    std::unique_ptr<ServeChild> serve;

    bool start(const QString &database, QString *why)
    {
        serve = std::make_unique<ServeChild>(dir.path(), QStringLiteral("cpu=8,memory=16G"),
                                             QStringList{QStringLiteral("--database"), database});
        return serve->start(why);
    }
    QJsonObject plane(const QString &ctlData) const
    {
        return serve->ctl({QStringLiteral("plane"), QStringLiteral("status"), QStringLiteral("--json")}, ctlData, kCtlMs)
            .json();
    }
    QString role(const QString &ctlData) const { return plane(ctlData).value(QStringLiteral("role")).toString(); }
};

// The endpoint's routes as ctl lists them: status -> count, and the agents of the HEALTHY ones.
struct RouteCount
{
    int healthy = 0;
    int active = 0;  // anything but TERMINATING / FAILED
    QStringList healthyAgents;
};

RouteCount routesOf(const ServeChild &serve, const QString &name, const QString &ctlData)
{
    RouteCount count;
    const CtlResult r = serve.ctl({QStringLiteral("--json"), QStringLiteral("routes"), name}, ctlData, kCtlMs);
    for (const QJsonValue &value : r.json().value(QStringLiteral("routes")).toArray()) {
        const QJsonObject route = value.toObject();
        const QString status = route.value(QStringLiteral("status")).toString();
        if (status == u"HEALTHY") {
            ++count.healthy;
            count.healthyAgents << route.value(QStringLiteral("agent_id")).toString();
        }
        if (status != u"TERMINATING" && status != u"FAILED")
            ++count.active;
    }
    return count;
}

// The processes whose parent is `pid` (a serve's replicas are its children), from /proc.
int childrenOf(qint64 pid)
{
    int count = 0;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(entry));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        // "pid (comm) state ppid ...": the name may hold spaces and parentheses, the last ')' ends it.
        const QByteArray line = stat.readAll();
        const QList<QByteArray> rest = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (rest.size() > 1 && rest[1].toLongLong() == pid)
            ++count;
    }
    return count;
}

} // namespace

// The plane's leadership as its surfaces say it, through real `servedeck serve` children.
class TestSharedPlane : public QObject
{
    Q_OBJECT

    PostgresServer m_server;
    QTemporaryDir m_scratch;
    QString m_ctlData;

    // A fresh database for a case, on the suite's one server (started on first use).
    QString freshDatabase()
    {
        QString error;
        if (!m_server.isRunning() && !m_server.start(&error))
            return QString();
        const QString name = m_server.createUniqueDatabase(&error);
        return name.isEmpty() ? QString() : m_server.url(name);
    }

    // Two nodes on a fresh database: a started and leading, then b started (its role is the caller's
    // to wait for). A failed step fails the calling test.
    void startLeaderThenSecond(Node &a, Node &b, QString *database)
    {
        *database = freshDatabase();
        QVERIFY2(!database->isEmpty(), qPrintable(m_server.log()));
        QString why;
        QVERIFY2(a.start(*database, &why), qPrintable(why));
        QVERIFY(QTest::qWaitFor([&] { return a.role(m_ctlData) == u"leader"; }, kElectedMs));
        QVERIFY2(b.start(*database, &why), qPrintable(why));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_scratch.isValid());
        m_ctlData = m_scratch.filePath(QStringLiteral("ctl-data"));
        QVERIFY(QDir().mkpath(m_ctlData));
    }

    // Two serve processes on one database: one leads; kill -9 of it, and the other takes over and
    // brings the endpoint back to exactly its replicas on its own agent; the old one, restarted, follows.
    void killedLeaderIsReplacedWithoutDoubles()
    {
        Node a;
        Node b;
        QString database;
        startLeaderThenSecond(a, b, &database);
        if (QTest::currentTestFailed())
            return;
        const QString aId = a.plane(m_ctlData).value(QStringLiteral("node_id")).toString();
        QVERIFY(QTest::qWaitFor([&] { return b.plane(m_ctlData).value(QStringLiteral("leader_id")).toString() == aId; },
                                kElectedMs));
        QCOMPARE(b.role(m_ctlData), QStringLiteral("follower"));

        QStringList create = createIrisArguments();
        create[create.indexOf(QStringLiteral("--replicas")) + 1] = QStringLiteral("2");
        const CtlResult created = a.serve->ctl(create, m_ctlData, kCtlMs);
        QVERIFY2(created.exitCode == 0, created.describe());
        QVERIFY(a.serve->waitHealthy(QStringLiteral("iris"), 2, m_ctlData, kCtlMs, kHealthyMs));
        // The follower reads the same store: the routes, on the leader's agent.
        RouteCount seen = routesOf(*b.serve, QStringLiteral("iris"), m_ctlData);
        QCOMPARE(seen.healthy, 2);
        QCOMPARE(seen.healthyAgents, (QStringList{QStringLiteral("local-") + aId, QStringLiteral("local-") + aId}));

        a.serve->process().kill();  // SIGKILL: its replicas die with it (PDEATHSIG)
        QVERIFY(a.serve->process().waitForFinished(kCtlMs));
        const QString bId = b.plane(m_ctlData).value(QStringLiteral("node_id")).toString();
        QVERIFY(QTest::qWaitFor([&] { return b.role(m_ctlData) == u"leader"; }, kElectedMs));
        QCOMPARE(b.plane(m_ctlData).value(QStringLiteral("epoch")).toInteger(), 2);
        QVERIFY(b.serve->waitHealthy(QStringLiteral("iris"), 2, m_ctlData, kCtlMs, kHealthyMs));
        // Exactly two, both on the new leader's agent, nothing else active: none doubled.
        QVERIFY(QTest::qWaitFor([&] {
            seen = routesOf(*b.serve, QStringLiteral("iris"), m_ctlData);
            return seen.active == 2;
        }, kHealthyMs));
        QCOMPARE(seen.healthy, 2);
        QCOMPARE(seen.healthyAgents, (QStringList{QStringLiteral("local-") + bId, QStringLiteral("local-") + bId}));

        // The old leader, restarted, follows.
        QString why;
        QVERIFY2(a.start(database, &why), qPrintable(why));
        QVERIFY(QTest::qWaitFor([&] { return a.plane(m_ctlData).value(QStringLiteral("leader_id")).toString() == bId; },
                                kElectedMs));
        QCOMPARE(a.role(m_ctlData), QStringLiteral("follower"));
        QCOMPARE(routesOf(*b.serve, QStringLiteral("iris"), m_ctlData).active, 2);
    }

    // A leader frozen past its lease (SIGSTOP) and resumed: the other leads meanwhile, and the
    // resumed one follows and changes nothing (test_fencing shows the store refusing its writes).
    void frozenLeaderResumesAsFollower()
    {
        Node a;
        Node b;
        QString database;
        startLeaderThenSecond(a, b, &database);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(QTest::qWaitFor([&] { return b.role(m_ctlData) == u"follower"; }, kElectedMs));
        const CtlResult created = a.serve->ctl(createIrisArguments(), m_ctlData, kCtlMs);
        QVERIFY2(created.exitCode == 0, created.describe());
        QVERIFY(a.serve->waitHealthy(QStringLiteral("iris"), 1, m_ctlData, kCtlMs, kHealthyMs));

        const auto pid = pid_t(a.serve->process().processId());
        QVERIFY(childrenOf(pid) >= 1);  // its replica
        QCOMPARE(::kill(pid, SIGSTOP), 0);
        const QString bId = b.plane(m_ctlData).value(QStringLiteral("node_id")).toString();
        const bool tookOver = QTest::qWaitFor([&] { return b.role(m_ctlData) == u"leader"; }, kElectedMs);
        // The new leader replaces the frozen one's replica on its own agent before it resumes.
        const bool replaced = tookOver && b.serve->waitHealthy(QStringLiteral("iris"), 1, m_ctlData, kCtlMs, kHealthyMs);
        ::kill(pid, SIGCONT);
        QVERIFY(tookOver);
        QVERIFY(replaced);
        QCOMPARE(b.plane(m_ctlData).value(QStringLiteral("epoch")).toInteger(), 2);

        QVERIFY(QTest::qWaitFor([&] {
            const QJsonObject p = a.plane(m_ctlData);
            return p.value(QStringLiteral("role")).toString() == u"follower"
                && p.value(QStringLiteral("leader_id")).toString() == bId;
        }, kElectedMs));
        // Following, it stops what its agent ran: no replica is left behind on the old leader.
        QVERIFY(QTest::qWaitFor([&] { return childrenOf(pid) == 0; }, kElectedMs));
        // One replica, on the leader's agent: the resumed node neither kept nor restarted one.
        QVERIFY(QTest::qWaitFor([&] {
            const RouteCount seen = routesOf(*b.serve, QStringLiteral("iris"), m_ctlData);
            return seen.active == 1 && seen.healthy == 1 && seen.healthyAgents.first() == u"local-" + bId;
        }, kHealthyMs));
    }

    // A console of its own (SQLite) leads itself at epoch 1, as every console always did.
    void sqliteNodeLeadsItself()
    {
        QTemporaryDir dataDir;
        QTemporaryDir scratch;
        QString why;
        auto server = startedServeChild(dataDir, scratch, &why);
        QVERIFY2(server, qPrintable(why));
        const QString ctlData = scratch.filePath(QStringLiteral("ctl-data"));

        const CtlResult json = server->ctl({QStringLiteral("plane"), QStringLiteral("status"), QStringLiteral("--json")},
                                           ctlData, kCtlMs);
        QVERIFY2(json.exitCode == 0, json.describe());
        const QJsonObject plane = json.json();
        QCOMPARE(plane.value(QStringLiteral("role")).toString(), QStringLiteral("leader"));
        QCOMPARE(plane.value(QStringLiteral("epoch")).toInteger(), 1);
        QCOMPARE(plane.value(QStringLiteral("shared")).toBool(true), false);
        const QString nodeId = plane.value(QStringLiteral("node_id")).toString();
        QCOMPARE(nodeId.size(), 16);
        QCOMPARE(plane.value(QStringLiteral("leader_id")).toString(), nodeId);

        const CtlResult text = server->ctl({QStringLiteral("plane"), QStringLiteral("status")}, ctlData, kCtlMs);
        QVERIFY2(text.exitCode == 0, text.describe());
        QVERIFY2(text.out.contains(QStringLiteral("role:      leader\n")), text.describe());
        QVERIFY2(text.out.contains(QStringLiteral("epoch:     1\n")), text.describe());

        // Only `status`: anything else is a usage error, as every verb's.
        const CtlResult wrong = server->ctl({QStringLiteral("plane"), QStringLiteral("lead")}, ctlData, kCtlMs);
        QCOMPARE(wrong.exitCode, 2);

        // The node keeps its id across restarts: it is the same node.
        server->stop();
        ServeChild restarted(dataDir.path());
        QVERIFY2(restarted.start(&why), qPrintable(why));
        const CtlResult again = restarted.ctl({QStringLiteral("plane"), QStringLiteral("status"), QStringLiteral("--json")},
                                            ctlData, kCtlMs);
        QCOMPARE(again.json().value(QStringLiteral("node_id")).toString(), nodeId);
    }
};

QTEST_GUILESS_MAIN(TestSharedPlane)
#include "test_sharedplane.moc"
