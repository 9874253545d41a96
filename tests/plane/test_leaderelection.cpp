#include <csignal>
#include <memory>

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "plane/leaderelection.h"
#include "support/postgresserver.h"
#include "support/testelection.h"

using namespace ServeDeck;

namespace {

constexpr int kLeaseMs = 3000;
constexpr int kRenewMs = 1000;
// The first election: connect, create the lease table, take the lock (well under a second idle).
constexpr int kFirstLeaderMs = 10000;

// What one election said, in the order both said it: who led when.
struct Timeline
{
    QStringList events;  // "A+" elected, "A-" stepped down
    int leaders = 0;
    int maxLeaders = 0;

    void watch(LeaderElection &election, const QString &name)
    {
        leaders += election.isLeader() ? 1 : 0;
        maxLeaders = std::max(maxLeaders, leaders);
        QObject::connect(&election, &LeaderElection::leadershipChanged, &election, [this, name](bool leader, qint64) {
            events << name + (leader ? u'+' : u'-');
            leaders += leader ? 1 : -1;
            maxLeaders = std::max(maxLeaders, leaders);
        });
    }
};

} // namespace

class TestLeaderElection : public QObject
{
    Q_OBJECT

private:
    PostgresServer m_server;
    StoreLocation m_location;

    std::unique_ptr<LeaderElection> election(const QString &nodeId)
    {
        return testElection(m_location, nodeId, QStringLiteral("node ") + nodeId, kLeaseMs, kRenewMs);
    }

    // "a" elected first, then "b" started and following it; the timeline (if any) watches both
    // from before b starts. A failed wait fails the calling test.
    void startLeaderThenFollower(std::unique_ptr<LeaderElection> &a, std::unique_ptr<LeaderElection> &b,
                                 Timeline *timeline)
    {
        a = election(QStringLiteral("a"));
        a->start();
        QTRY_VERIFY_WITH_TIMEOUT(a->isLeader(), kFirstLeaderMs);
        b = election(QStringLiteral("b"));
        if (timeline) {
            timeline->watch(*a, QStringLiteral("A"));
            timeline->watch(*b, QStringLiteral("B"));
        }
        b->start();
        QTRY_COMPARE_WITH_TIMEOUT(b->state().leaderId, QStringLiteral("a"), 3 * kRenewMs);
    }

    // The pids of a node's election sessions, read on the maintenance side of the server.
    QList<qint64> backendsOf(const QString &nodeId)
    {
        QList<qint64> pids;
        const QString connection = QStringLiteral("probe");
        {
            auto opened = m_location.openConnection(connection);
            if (!opened)
                return pids;
            QSqlQuery q(QSqlDatabase::database(connection, false));
            q.prepare(QStringLiteral("SELECT pid FROM pg_stat_activity WHERE application_name = ?"));
            q.addBindValue(QString(QStringLiteral("servedeck:") + nodeId));
            if (q.exec()) {
                while (q.next())
                    pids << q.value(0).toLongLong();
            }
        }
        QSqlDatabase::removeDatabase(connection);
        return pids;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_server.start(&error), qPrintable(error));
    }

    void init()
    {
        QString error;
        const QString database = m_server.createUniqueDatabase(&error);
        QVERIFY2(!database.isEmpty(), qPrintable(error));
        auto location = StoreLocation::parse(m_server.url(database));
        QVERIFY2(location, qPrintable(location ? QString() : location.error().message));
        m_location = *location;
    }

    void sqliteAlwaysLeadsAtEpochOne()
    {
        QTemporaryDir dir;
        LeaderElection single(StoreLocation::sqlite(dir.filePath(QStringLiteral("s.db"))), {QStringLiteral("n1"), {}});
        QSignalSpy changed(&single, &LeaderElection::leadershipChanged);
        single.start();
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.at(0).at(0).toBool(), true);
        QCOMPARE(changed.at(0).at(1).toLongLong(), qint64(1));
        QVERIFY(single.isLeader());
        QCOMPARE(single.state().leaderId, QStringLiteral("n1"));
    }

    void exactlyOneLeads()
    {
        auto a = election(QStringLiteral("a"));
        auto b = election(QStringLiteral("b"));
        Timeline timeline;
        timeline.watch(*a, QStringLiteral("A"));
        timeline.watch(*b, QStringLiteral("B"));
        a->start();
        b->start();
        QTRY_VERIFY_WITH_TIMEOUT(a->isLeader() || b->isLeader(), kFirstLeaderMs);
        LeaderElection *leader = a->isLeader() ? a.get() : b.get();
        LeaderElection *follower = leader == a.get() ? b.get() : a.get();
        QCOMPARE(leader->epoch(), qint64(1));
        // The follower sees who leads, by the lease row (it polls each renewal period).
        QTRY_COMPARE_WITH_TIMEOUT(follower->state().leaderId, leader->options().nodeId, 3 * kRenewMs);
        QTRY_COMPARE_WITH_TIMEOUT(follower->state().leaderName, leader->options().nodeName, 3 * kRenewMs);
        QCOMPARE(follower->state().epoch, qint64(1));
        QVERIFY(follower->state().leaseAgeMs >= 0 && follower->state().leaseAgeMs <= kLeaseMs);
        // Past two leases the leader still leads (it renews) and the follower never took over.
        QSignalSpy leaderChanged(leader, &LeaderElection::leadershipChanged);
        QVERIFY(!leaderChanged.wait(2 * kLeaseMs));
        QVERIFY(leader->isLeader());
        QVERIFY(!follower->isLeader());
        QCOMPARE(timeline.maxLeaders, 1);
        QCOMPARE(timeline.events.size(), 1);
    }

    void killedSessionFailsOverWithinTheLease()
    {
        std::unique_ptr<LeaderElection> a;
        std::unique_ptr<LeaderElection> b;
        Timeline timeline;
        startLeaderThenFollower(a, b, &timeline);
        if (QTest::currentTestFailed())
            return;

        // The advisory lock goes with the session, silently: the leader must notice it by itself.
        const QList<qint64> sessions = backendsOf(QStringLiteral("a"));
        QCOMPARE(sessions.size(), 1);
        QString error;
        QVERIFY2(m_server.execute(QStringLiteral("SELECT pg_terminate_backend(%1)").arg(sessions.first()), &error),
                 qPrintable(error));
        QElapsedTimer sinceKill;
        sinceKill.start();
        QTRY_VERIFY_WITH_TIMEOUT(b->isLeader(), kLeaseMs + kRenewMs + 500);
        QVERIFY2(sinceKill.elapsed() <= kLeaseMs + kRenewMs + 500, QByteArray::number(sinceKill.elapsed()));
        QCOMPARE(b->epoch(), qint64(2));
        QVERIFY(!a->isLeader());
        // A stepped down before B was elected; then A follows B.
        QCOMPARE(timeline.events, (QStringList{QStringLiteral("A-"), QStringLiteral("B+")}));
        QCOMPARE(timeline.maxLeaders, 1);
        QTRY_COMPARE_WITH_TIMEOUT(a->state().leaderId, QStringLiteral("b"), 3 * kRenewMs);
        QCOMPARE(a->state().epoch, qint64(2));
    }

    void leaderThatCannotRenewStepsDownBeforeTheLeaseEnds()
    {
        std::unique_ptr<LeaderElection> a;
        std::unique_ptr<LeaderElection> b;
        Timeline timeline;
        startLeaderThenFollower(a, b, &timeline);
        if (QTest::currentTestFailed())
            return;

        // The leader's own backend frozen: its renewal hangs in libpq, past any statement_timeout
        // (the frozen server side enforces none). Only its own clock can make it step down.
        const QList<qint64> sessions = backendsOf(QStringLiteral("a"));
        QCOMPARE(sessions.size(), 1);
        const pid_t backend = pid_t(sessions.first());
        QCOMPARE(::kill(backend, SIGSTOP), 0);
        // isLeader() reads the clock itself and may turn false a moment before the watchdog's tick
        // says so: wait for what A told, within the lease.
        QTRY_COMPARE_WITH_TIMEOUT(timeline.events, QStringList{QStringLiteral("A-")}, kLeaseMs);
        QVERIFY(!a->isLeader());
        // It said so before anyone else could lead: B waits for the lock that the frozen session holds.
        QVERIFY(!b->isLeader());
        ::kill(backend, SIGCONT);
        // Resumed, the session is ended by B's takeover (or broken already), and B leads.
        QTRY_VERIFY_WITH_TIMEOUT(b->isLeader(), kLeaseMs + 3 * kRenewMs);
        QCOMPARE(b->epoch(), qint64(2));
        QCOMPARE(timeline.events, (QStringList{QStringLiteral("A-"), QStringLiteral("B+")}));
        QTRY_COMPARE_WITH_TIMEOUT(a->state().leaderId, QStringLiteral("b"), kLeaseMs + 3 * kRenewMs);
        QVERIFY(!a->isLeader());
    }

    void leaderThatStopsHandsOverAtOnce()
    {
        std::unique_ptr<LeaderElection> a;
        std::unique_ptr<LeaderElection> b;
        startLeaderThenFollower(a, b, nullptr);
        if (QTest::currentTestFailed())
            return;
        QElapsedTimer sinceStop;
        sinceStop.start();
        a.reset();  // resigns: the lease ends now, not when it runs out
        QTRY_VERIFY_WITH_TIMEOUT(b->isLeader(), 2 * kRenewMs + 500);
        QCOMPARE(b->epoch(), qint64(2));
    }
};

QTEST_GUILESS_MAIN(TestLeaderElection)
#include "test_leaderelection.moc"
