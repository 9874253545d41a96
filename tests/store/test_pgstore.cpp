// The store on a real PostgreSQL server (always: this suite has no SQLite variant): what only a
// shared server brings. The server goes away under a writer and comes back (a fast restart, a
// crash); two processes (here: threads, each with its own connection) migrate a new database at
// once and write the same row at once.
#include <latch>
#include <memory>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <QDeadlineTimer>
#include <QDir>
#include <QScopeGuard>
#include <QSet>
#include <QSqlDatabase>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUuid>

#include "store/repository.h"
#include "store/schema.h"
#include "support/testendpoint.h"
#include "support/teststore.h"
#include "support/verifyok.h"

using namespace ServeDeck;

namespace {

const QDateTime kT0(QDate(2026, 3, 1), QTime(9, 30), Qt::UTC);

Result<Done> openAt(Repository &repository, const QString &location)
{
    const auto parsed = StoreLocation::parse(location);
    if (!parsed)
        return parsed.error();
    return repository.open(*parsed);
}

// After a SIGKILL the old backends hold the shared memory for a moment, and a new postmaster
// refuses to start beside them: tried again, bounded by time.
bool restartServer(PostgresServer &server, QString *error)
{
    const QDeadlineTimer deadline(60000);
    while (!server.restart(error)) {
        if (deadline.hasExpired())
            return false;
        QThread::msleep(200);
    }
    return true;
}

Result<Done> insertIn(Repository &repository, const Endpoint &e)
{
    return repository.transaction<Done>([&] { return repository.insertEndpoint(e); });
}

// This process's TCP sockets whose peer is port on loopback, by descriptor.
QSet<int> socketsTo(int port)
{
    QSet<int> found;
    const QStringList entries = QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System);
    for (const QString &entry : entries) {
        const int fd = entry.toInt();
        struct stat info {};
        if (::fstat(fd, &info) != 0 || !S_ISSOCK(info.st_mode))
            continue;
        sockaddr_storage peer{};
        socklen_t length = sizeof peer;
        if (::getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &length) != 0 || peer.ss_family != AF_INET)
            continue;
        if (ntohs(reinterpret_cast<const sockaddr_in *>(&peer)->sin_port) == port)
            found.insert(fd);
    }
    return found;
}

int socketOption(int fd, int level, int name)
{
    int value = -1;
    socklen_t length = sizeof value;
    return ::getsockopt(fd, level, name, &value, &length) == 0 ? value : -1;
}

} // namespace

class TestPgStore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void serverRestartedUnderAWriterLosesNothingCommitted_data();
    void serverRestartedUnderAWriterLosesNothingCommitted();
    void twoProcessesMigrateANewDatabaseAtOnce();
    void writersOnTwoConnectionsTakeTurns();
    void workThatIgnoresAFailedStatementDoesNotCommit();
    void connectionsCarryNetworkTimeouts_data();
    void connectionsCarryNetworkTimeouts();

private:
    QTemporaryDir m_dir;
    QString m_location;
};

void TestPgStore::initTestCase()
{
    QVERIFY(TestStore::usePostgres());
    QVERIFY2(TestStore::server(), qPrintable(TestStore::lastError()));
}

void TestPgStore::init()
{
    PostgresServer *server = TestStore::server();
    QVERIFY(server);
    if (!server->isRunning()) {  // a case that failed half-way left it stopped
        QString error;
        QVERIFY2(restartServer(*server, &error), qPrintable(error));
    }
    m_location = TestStore::location(m_dir);
    QVERIFY2(!m_location.isEmpty(), qPrintable(TestStore::lastError()));
}

void TestPgStore::serverRestartedUnderAWriterLosesNothingCommitted_data()
{
    QTest::addColumn<bool>("crash");
    QTest::newRow("fast shutdown") << false;
    QTest::newRow("postmaster killed") << true;
}

// While the server is down a transaction and a read fail as StorageError (no crash, no hang);
// the first transaction after it is back opens a new connection and commits; every endpoint
// committed before, during and after is there, read by a fresh connection. (A killed
// postmaster's backends may still serve for a moment: a write then may commit, and counts.)
void TestPgStore::serverRestartedUnderAWriterLosesNothingCommitted()
{
    QFETCH(bool, crash);
    PostgresServer *server = TestStore::server();
    Repository repository;
    VERIFY_OK(openAt(repository, m_location));
    QSet<QUuid> committed;
    int failed = 0;
    constexpr int kWrites = 30;
    for (int i = 0; i < kWrites; ++i) {
        if (i == 10 || i == 20) {
            if (crash)
                server->kill();
            else
                server->stop();
            QVERIFY(!server->isRunning());
            const Endpoint lost = testEndpoint(QStringLiteral("down-%1").arg(i), kT0, ResourceSlots{1, 1 << 30, 0});
            const auto refused = insertIn(repository, lost);
            if (!crash || !refused.ok()) {
                QVERIFY(!refused.ok());
                QCOMPARE(refused.error().typeName(), QStringLiteral("StorageError"));
                ++failed;
            } else {
                committed.insert(lost.id);
            }
            if (!crash) {
                const auto unread = repository.endpoints(true);
                QVERIFY(!unread.ok());
                QCOMPARE(unread.error().typeName(), QStringLiteral("StorageError"));
            }
            QString error;
            QVERIFY2(restartServer(*server, &error), qPrintable(error));
        }
        const Endpoint e = testEndpoint(QStringLiteral("e-%1").arg(i), kT0, ResourceSlots{1, 1 << 30, 0});
        // The first transaction after the restart reconnects: one try, then it must commit.
        VERIFY_OK(insertIn(repository, e));
        committed.insert(e.id);
    }
    if (!crash)
        QCOMPARE(failed, 2);

    Repository fresh;
    VERIFY_OK(openAt(fresh, m_location));
    const auto all = fresh.endpoints(true);
    VERIFY_OK(all);
    QSet<QUuid> stored;
    for (const Endpoint &e : all.value())
        stored.insert(e.id);
    QVERIFY(committed.size() >= kWrites);
    QCOMPARE(stored, committed);
    // And the reconnected repository reads again outside a transaction too.
    const auto again = repository.endpoints(true);
    VERIFY_OK(again);
    QCOMPARE(again->size(), committed.size());
}

// Two `serve` processes started on one new database: one migrates, the other waits for it and
// finds the schema done (without the migration lock one fails on a table the other created).
void TestPgStore::twoProcessesMigrateANewDatabaseAtOnce()
{
    constexpr int kOpeners = 4;
    QString errors[kOpeners];
    int versions[kOpeners] = {};
    std::latch start(kOpeners);
    QList<QThread *> threads;
    for (int t = 0; t < kOpeners; ++t) {
        threads << QThread::create([&, t] {
            Repository repository;
            start.arrive_and_wait();
            if (auto opened = openAt(repository, m_location); !opened)
                errors[t] = opened.error().message;
            else
                versions[t] = repository.schemaVersion();
        });
        threads.last()->start();
    }
    for (QThread *thread : std::as_const(threads)) {
        QVERIFY(thread->wait(60000));
        delete thread;
    }
    for (int t = 0; t < kOpeners; ++t) {
        QVERIFY2(errors[t].isEmpty(), qPrintable(errors[t]));
        QCOMPARE(versions[t], int(schemaMigrations().size()));
    }
}

// Two consoles scaling one endpoint at once, each reading it and writing it back in a
// transaction (as the service does): every change counts, none overwrites another.
void TestPgStore::writersOnTwoConnectionsTakeTurns()
{
    Repository setup;
    VERIFY_OK(openAt(setup, m_location));
    Endpoint e = testEndpoint(QStringLiteral("contended"), kT0, ResourceSlots{1, 1 << 30, 0});
    e.replicas = 0;
    VERIFY_OK(insertIn(setup, e));

    constexpr int kWriters = 2;
    constexpr int kSteps = 40;
    QString errors[kWriters];
    std::latch start(kWriters);
    QList<QThread *> threads;
    for (int t = 0; t < kWriters; ++t) {
        threads << QThread::create([&, t] {
            Repository repository;
            if (auto opened = openAt(repository, m_location); !opened) {
                errors[t] = opened.error().message;
                start.count_down();
                return;
            }
            start.arrive_and_wait();
            for (int step = 0; step < kSteps; ++step) {
                auto done = repository.transaction<Done>([&]() -> Result<Done> {
                    auto found = repository.endpointById(e.id);
                    if (!found)
                        return found.error();
                    Endpoint current = found->value();
                    QThread::usleep(200);  // widen the window between the read and the write
                    current.replicas += 1;
                    return repository.updateEndpoint(current);
                });
                if (!done) {
                    errors[t] = done.error().message;
                    return;
                }
            }
        });
        threads.last()->start();
    }
    for (QThread *thread : std::as_const(threads)) {
        QVERIFY(thread->wait(120000));
        delete thread;
    }
    for (const QString &error : errors)
        QVERIFY2(error.isEmpty(), qPrintable(error));
    const auto stored = setup.endpointById(e.id);
    VERIFY_OK(stored);
    QCOMPARE(stored->value().replicas, kWriters * kSteps);
}

// PostgreSQL aborts a transaction at its first failed statement and answers a later COMMIT with
// ROLLBACK. Work that carries on past a failure it ignored must not look committed: the
// transaction reports StorageError, and nothing of it is stored.
void TestPgStore::workThatIgnoresAFailedStatementDoesNotCommit()
{
    Repository repository;
    VERIFY_OK(openAt(repository, m_location));
    const Endpoint first = testEndpoint(QStringLiteral("first"), kT0, ResourceSlots{1, 1 << 30, 0});
    const Endpoint twin = testEndpoint(QStringLiteral("first"), kT0, ResourceSlots{1, 1 << 30, 0});  // a live name again
    const auto result = repository.transaction<Done>([&]() -> Result<Done> {
        if (auto r = repository.insertEndpoint(first); !r)
            return r.error();
        static_cast<void>(repository.insertEndpoint(twin));  // fails on the unique name: ignored
        return Done{};
    });
    QVERIFY(!result.ok());
    QCOMPARE(result.error().typeName(), QStringLiteral("StorageError"));
    const auto stored = repository.endpoints(true);
    VERIFY_OK(stored);
    QVERIFY(stored->isEmpty());
    // The connection is usable at once: the next transaction commits.
    VERIFY_OK(insertIn(repository, first));
}


// A silent partition must not hold a statement for the kernel's 15 minutes: every store
// connection has keepalives and a TCP user timeout, read back from its socket; the URL's own
// values win.
void TestPgStore::connectionsCarryNetworkTimeouts_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("idle");
    QTest::addColumn<int>("interval");
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("userTimeout");
    QTest::newRow("defaults") << QString() << 15 << 5 << 3 << 20000;
    QTest::newRow("the URL's") << QStringLiteral("keepalives_idle=42&keepalives_interval=7&tcp_user_timeout=5000")
                               << 42 << 7 << 3 << 5000;
}

void TestPgStore::connectionsCarryNetworkTimeouts()
{
    QFETCH(QString, query);
    QFETCH(int, idle);
    QFETCH(int, interval);
    QFETCH(int, count);
    QFETCH(int, userTimeout);
    auto location = StoreLocation::parse(m_location + (query.isEmpty() ? QString() : u'?' + query));
    VERIFY_OK(location);
    const QSet<int> before = socketsTo(location->port);
    const QString name = QStringLiteral("timeouts-probe");
    VERIFY_OK(location->openConnection(name));
    const auto closeIt = qScopeGuard([&] { QSqlDatabase::removeDatabase(name); });
    const QSet<int> opened = socketsTo(location->port) - before;
    QCOMPARE(opened.size(), 1);
    const int fd = *opened.begin();
    QCOMPARE(socketOption(fd, SOL_SOCKET, SO_KEEPALIVE), 1);
    QCOMPARE(socketOption(fd, IPPROTO_TCP, TCP_KEEPIDLE), idle);
    QCOMPARE(socketOption(fd, IPPROTO_TCP, TCP_KEEPINTVL), interval);
    QCOMPARE(socketOption(fd, IPPROTO_TCP, TCP_KEEPCNT), count);
    QCOMPARE(socketOption(fd, IPPROTO_TCP, TCP_USER_TIMEOUT), userTimeout);
}

QTEST_GUILESS_MAIN(TestPgStore)
#include "test_pgstore.moc"
