#include <memory>
#include <optional>
#include <stdexcept>

#include <QCryptographicHash>
#include <QRegularExpression>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include "store/repository.h"
#include "store/schema.h"
#include "store/sqldialect.h"
#include "support/testendpoint.h"
#include "support/teststore.h"
#include "support/verifyok.h"

using namespace ServeDeck;

Q_DECLARE_METATYPE(ServeDeck::Endpoint)
Q_DECLARE_METATYPE(ServeDeck::Route)
Q_DECLARE_METATYPE(ServeDeck::AutoScalingRule)
Q_DECLARE_METATYPE(ServeDeck::TokenGrant)
Q_DECLARE_METATYPE(ServeDeck::ErrorRecord)
Q_DECLARE_METATYPE(ServeDeck::ScaleEvent)

namespace {

const QDateTime kT0(QDate(2026, 3, 1), QTime(9, 30, 15, 123), Qt::UTC);
constexpr qint64 KiB = qint64(1) << 10;
constexpr qint64 MiB = qint64(1) << 20;
constexpr qint64 GiB = qint64(1) << 30;
constexpr qint64 TiB = qint64(1) << 40;

// A comparison helper reports through QTest; the caller stops at the first failure.
#define CHECK(call)                          \
    do {                                     \
        call;                                \
        if (QTest::currentTestFailed())      \
            return;                          \
    } while (false)

QString show(const std::optional<int> &v)
{
    return v ? QString::number(*v) : QStringLiteral("none");
}

QString show(const std::optional<double> &v)
{
    return v ? QString::number(*v, 'g', 17) : QStringLiteral("none");
}

QString show(const std::optional<QDateTime> &v)
{
    return v ? v->toUTC().toString(Qt::ISODateWithMs) : QStringLiteral("none");
}

// SQL on one named connection; failures are warned about and read as "no rows".
class SqlRunner
{
public:
    explicit SqlRunner(QString connection)
        : m_connection(std::move(connection))
    {
    }

    bool exec(const QString &sql, const QVariantList &binds = {}) const
    {
        QSqlQuery q(QSqlDatabase::database(m_connection, false));
        return prepareAndExec(q, sql, binds);
    }

    // The first column of every row.
    QVariantList column(const QString &sql, const QVariantList &binds = {}) const
    {
        QVariantList out;
        QSqlQuery q(QSqlDatabase::database(m_connection, false));
        if (!prepareAndExec(q, sql, binds))
            return out;
        while (q.next())
            out << q.value(0);
        return out;
    }

    QVariant scalar(const QString &sql, const QVariantList &binds = {}) const
    {
        const QVariantList values = column(sql, binds);
        return values.isEmpty() ? QVariant() : values.first();
    }

    qint64 count(const QString &table) const
    {
        return scalar(QStringLiteral("SELECT COUNT(*) FROM ") + table).toLongLong();
    }

    const QString &connectionName() const { return m_connection; }

private:
    static bool prepareAndExec(QSqlQuery &q, const QString &sql, const QVariantList &binds)
    {
        if (binds.isEmpty()) {  // PostgreSQL prepares no DDL
            if (!q.exec(sql)) {
                qWarning("exec %s: %s", qUtf8Printable(sql), qUtf8Printable(q.lastError().text()));
                return false;
            }
            return true;
        }
        if (!q.prepare(sql)) {
            qWarning("prepare %s: %s", qUtf8Printable(sql), qUtf8Printable(q.lastError().text()));
            return false;
        }
        for (const QVariant &b : binds)
            q.addBindValue(b);
        if (!q.exec()) {
            qWarning("exec %s: %s", qUtf8Printable(sql), qUtf8Printable(q.lastError().text()));
            return false;
        }
        return true;
    }

    QString m_connection;
};

// A connection of its own to the same store: it sees only what was committed.
class SideConnection final : public SqlRunner
{
    Q_DISABLE_COPY_MOVE(SideConnection)

public:
    explicit SideConnection(const QString &location)
        : SqlRunner(QStringLiteral("side-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
    {
        const auto parsed = StoreLocation::parse(location);
        m_open = parsed && parsed->openConnection(connectionName()).ok();
    }

    ~SideConnection()
    {
        {
            auto db = QSqlDatabase::database(connectionName(), false);
            db.close();
        }
        QSqlDatabase::removeDatabase(connectionName());
    }

    bool isOpen() const { return m_open; }

private:
    bool m_open = false;
};

// The repository's own connection, found by its file: per-connection settings
// (foreign_keys, synchronous) and raw deletes must go through it.
SqlRunner repositoryConnection(const Repository &repository)
{
    const QStringList names = QSqlDatabase::connectionNames();
    for (const QString &name : names) {
        if (name.startsWith(QStringLiteral("side-")))
            continue;
        const QString database = repository.isPostgres() ? repository.location().database : repository.databasePath();
        if (QSqlDatabase::database(name, false).databaseName() == database)
            return SqlRunner(name);
    }
    qWarning("no connection is open on %s", qUtf8Printable(repository.location().displayName()));
    return SqlRunner(QString());
}

Endpoint makeEndpoint(const QString &name, EndpointLifecycle lifecycle = EndpointLifecycle::Created)
{
    Endpoint e = testEndpoint(name, kT0, ResourceSlots{1, GiB, 0});
    e.lifecycle = lifecycle;
    return e;
}

Revision makeRevision(const Endpoint &e, int number)
{
    return testRevision(e, number, kT0.addSecs(number));
}

AutoScalingRule makeRule(const Endpoint &e)
{
    AutoScalingRule r;
    r.id = QUuid::createUuid();
    r.endpointId = e.id;
    r.metric = QStringLiteral("cpu_utilization");
    r.threshold = 80;
    r.maxReplicas = 4;
    r.createdAt = r.updatedAt = kT0;
    return r;
}

ErrorRecord makeErrorRecord(const Endpoint &e, const QDateTime &time, const QString &type = QStringLiteral("CrashLoop"))
{
    ErrorRecord r;
    r.time = time;
    r.endpointId = e.id;
    r.type = type;
    r.message = QStringLiteral("replica exited");
    r.exitCode = 1;
    return r;
}

void compareEndpoint(const Endpoint &actual, const Endpoint &expected)
{
    QCOMPARE(actual.id, expected.id);
    QCOMPARE(actual.name, expected.name);
    QCOMPARE(actual.modelVersion, expected.modelVersion);
    QCOMPARE(actual.modelFolder, expected.modelFolder);
    QCOMPARE(actual.runtimeVariant, expected.runtimeVariant);
    QCOMPARE(actual.resourceSlots.cpu, expected.resourceSlots.cpu);
    QCOMPARE(actual.resourceSlots.memoryBytes, expected.resourceSlots.memoryBytes);
    QCOMPARE(actual.resourceSlots.gpu, expected.resourceSlots.gpu);
    QCOMPARE(actual.resourceGroup, expected.resourceGroup);
    QCOMPARE(actual.replicas, expected.replicas);
    QCOMPARE(actual.isPublic, expected.isPublic);
    QCOMPARE(lifecycleName(actual.lifecycle), lifecycleName(expected.lifecycle));
    QCOMPARE(actual.retries, expected.retries);
    QCOMPARE(actual.url, expected.url);
    QCOMPARE(actual.currentRevisionId, expected.currentRevisionId);
    QCOMPARE(actual.createdAt, expected.createdAt);
    QCOMPARE(actual.updatedAt, expected.updatedAt);
    QCOMPARE(actual.circuitBreaker.toJson(), expected.circuitBreaker.toJson());
    QCOMPARE(actual.priority, expected.priority);
    QCOMPARE(actual.queueWhenFull, expected.queueWhenFull);
    QCOMPARE(actual.allowPreemption, expected.allowPreemption);
}

void compareRevision(const Revision &actual, const Revision &expected)
{
    QCOMPARE(actual.id, expected.id);
    QCOMPARE(actual.endpointId, expected.endpointId);
    QCOMPARE(actual.number, expected.number);
    QCOMPARE(actual.modelVersion, expected.modelVersion);
    QCOMPARE(actual.modelFolder, expected.modelFolder);
    QCOMPARE(actual.runtimeVariant, expected.runtimeVariant);
    QCOMPARE(actual.createdAt, expected.createdAt);
    QCOMPARE(actual.matchHeader.has_value(), expected.matchHeader.has_value());
    if (expected.matchHeader)
        QCOMPARE(actual.matchHeader->text(), expected.matchHeader->text());
    QCOMPARE(revisionModeName(actual.mode), revisionModeName(expected.mode));
}

void compareRoute(const Route &actual, const Route &expected)
{
    QCOMPARE(actual.id, expected.id);
    QCOMPARE(actual.endpointId, expected.endpointId);
    QCOMPARE(actual.revisionId, expected.revisionId);
    QCOMPARE(routeStatusName(actual.status), routeStatusName(expected.status));
    QCOMPARE(actual.weight, expected.weight);
    QCOMPARE(actual.replicaId, expected.replicaId);
    QCOMPARE(actual.agentId, expected.agentId);
    QCOMPARE(actual.createdAt, expected.createdAt);
    QCOMPARE(actual.updatedAt, expected.updatedAt);
    QCOMPARE(actual.pendingReason, expected.pendingReason);
    QCOMPARE(actual.pendingSince, expected.pendingSince);
    QCOMPARE(actual.retryAt, expected.retryAt);
}

void compareRule(const AutoScalingRule &actual, const AutoScalingRule &expected)
{
    QCOMPARE(actual.id, expected.id);
    QCOMPARE(actual.endpointId, expected.endpointId);
    QCOMPARE(metricSourceName(actual.source), metricSourceName(expected.source));
    QCOMPARE(actual.metric, expected.metric);
    QCOMPARE(comparatorName(actual.comparator), comparatorName(expected.comparator));
    QCOMPARE(actual.threshold, expected.threshold);
    QCOMPARE(actual.stepSize, expected.stepSize);
    QCOMPARE(show(actual.targetPerReplica), show(expected.targetPerReplica));
    QCOMPARE(actual.minReplicas, expected.minReplicas);
    QCOMPARE(actual.maxReplicas, expected.maxReplicas);
    QCOMPARE(actual.scaleUpDelay, expected.scaleUpDelay);
    QCOMPARE(actual.scaleDownDelay, expected.scaleDownDelay);
    QCOMPARE(actual.cooldown, expected.cooldown);
    QCOMPARE(actual.createdAt, expected.createdAt);
    QCOMPARE(actual.updatedAt, expected.updatedAt);
    QCOMPARE(actual.condition(), expected.condition());
}

void compareGrant(const TokenGrant &actual, const TokenGrant &expected)
{
    QCOMPARE(actual.id, expected.id);
    QCOMPARE(actual.endpointId, expected.endpointId);
    QCOMPARE(actual.scope, expected.scope);
    QCOMPARE(show(actual.expiresAt), show(expected.expiresAt));
    QCOMPARE(actual.allowedIps, expected.allowedIps);
    QCOMPARE(actual.createdAt, expected.createdAt);
    QCOMPARE(show(actual.revokedAt), show(expected.revokedAt));
}

void compareErrorRecord(const ErrorRecord &actual, const ErrorRecord &expected)
{
    QCOMPARE(actual.id, expected.id);
    QCOMPARE(actual.time, expected.time);
    QCOMPARE(actual.endpointId, expected.endpointId);
    QCOMPARE(actual.routeId, expected.routeId);
    QCOMPARE(actual.replicaId, expected.replicaId);
    QCOMPARE(actual.agentId, expected.agentId);
    QCOMPARE(actual.type, expected.type);
    QCOMPARE(actual.message, expected.message);
    QCOMPARE(show(actual.exitCode), show(expected.exitCode));
    QCOMPARE(show(actual.signal), show(expected.signal));
    QCOMPARE(actual.logTail, expected.logTail);
}

void compareScaleEvent(const ScaleEvent &actual, const ScaleEvent &expected)
{
    QCOMPARE(actual.id, expected.id);
    QCOMPARE(actual.time, expected.time);
    QCOMPARE(actual.endpointId, expected.endpointId);
    QCOMPARE(actual.ruleId, expected.ruleId);
    QCOMPARE(actual.before, expected.before);
    QCOMPARE(actual.after, expected.after);
    QCOMPARE(show(actual.metricValue), show(expected.metricValue));
    QCOMPARE(actual.reason, expected.reason);
    QCOMPARE(actual.direction(), expected.direction());
}

} // namespace

class TestRepository final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void freshDatabaseGetsEveryMigration();
    void reopeningDoesNotRerunMigrations();
    void walAndForeignKeysAreOn();
    void newerSchemaIsRefused_data();
    void newerSchemaIsRefused();
    void sqliteRunsTheMigrationsAsWrittenBefore();
    void postgresMigrationsUseItsOwnTypes();

    void endpointRoundTrip_data();
    void endpointRoundTrip();
    void endpointUpdateRoundTrip();
    void revisionRoundTrip();
    void revisionPolicyUpdate();
    void migrationThreeKeepsOlderRows();
    void routeRoundTrip_data();
    void routeRoundTrip();
    void ruleRoundTrip_data();
    void ruleRoundTrip();
    void ruleUpdateAndDelete();
    void tokenGrantRoundTrip_data();
    void tokenGrantRoundTrip();
    void agentCredentialRoundTrip();
    void errorRecordRoundTrip_data();
    void errorRecordRoundTrip();
    void errorQueries();
    void scaleEventRoundTrip_data();
    void scaleEventRoundTrip();
    void scaleEventsOfEveryEndpointNewestFirst();
    void latestRolloutOfEachEndpoint();
    void historyIsPrunedByCountAsRowsAreAdded();
    void historyIsPrunedByAge();
    void retentionIsKeptAndAppliedAtOpen();

    void liveNameIsUnique_data();
    void liveNameIsUnique();
    void terminatingFreesTheName();
    void deletingAnEndpointCascades();

    void transactionCommits();
    void transactionRollsBack_data();
    void transactionRollsBack();
    void transactionRollsBackOnAnyException();
    void nestedTransactionsCommitOnlyAtTheOutermostLevel();

private:
    // The store's location text: a SQLite file, or (the _pg variant) a PostgreSQL database URL.
    QString databasePath() const { return m_location; }
    static Result<Done> openStore(Repository &repository, const QString &location)
    {
        const auto parsed = StoreLocation::parse(location);
        if (!parsed)
            return parsed.error();
        return repository.open(*parsed);
    }
    Repository &repo() { return *m_repository; }

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_location;
    std::unique_ptr<Repository> m_repository;
};

void TestRepository::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_location = TestStore::location(*m_dir);
    QVERIFY2(!m_location.isEmpty(), qPrintable(TestStore::lastError()));
    m_repository = std::make_unique<Repository>();
    auto opened = openStore(*m_repository, databasePath());
    VERIFY_OK(opened);
}

void TestRepository::cleanup()
{
    m_repository.reset();
    m_dir.reset();
}

void TestRepository::freshDatabaseGetsEveryMigration()
{
    const int migrations = int(schemaMigrations().size());
    QVERIFY(migrations >= 1);
    QCOMPARE(repo().schemaVersion(), migrations);
    QCOMPARE(repo().isPostgres(), TestStore::usePostgres());
    QCOMPARE(repo().location().displayName(), StoreLocation::parse(databasePath())->displayName());

    SideConnection side(databasePath());
    QVERIFY(side.isOpen());
    QVariantList expectedVersions;
    for (int v = 1; v <= migrations; ++v)
        expectedVersions << v;
    const QVariantList versions = side.column(QStringLiteral("SELECT version FROM schema_migrations ORDER BY version"));
    QCOMPARE(versions.size(), expectedVersions.size());
    for (int i = 0; i < versions.size(); ++i)
        QCOMPARE(versions.at(i).toInt(), expectedVersions.at(i).toInt());

    const bool pg = TestStore::usePostgres();
    const QVariantList tables = side.column(
        pg ? QStringLiteral("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
           : QStringLiteral("SELECT name FROM sqlite_master WHERE type='table'"));
    for (const char *table :
         {"endpoints", "revisions", "routes", "autoscaling_rules", "token_grants", "errors", "scale_events"})
        QVERIFY2(tables.contains(QString::fromLatin1(table)), table);
    const QVariantList indexes =
        side.column(pg ? QStringLiteral("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
                       : QStringLiteral("SELECT name FROM sqlite_master WHERE type='index'"));
    QVERIFY(indexes.contains(QStringLiteral("endpoints_live_name")));
}

void TestRepository::reopeningDoesNotRerunMigrations()
{
    const Endpoint e = makeEndpoint(QStringLiteral("kept"));
    VERIFY_OK(repo().insertEndpoint(e));

    const QString migrationsSql =
        QStringLiteral("SELECT version || ':' || applied_at FROM schema_migrations ORDER BY version");
    QVariantList before;
    {
        SideConnection side(databasePath());
        before = side.column(migrationsSql);
    }
    QCOMPARE(before.size(), qsizetype(schemaMigrations().size()));

    for (int round = 0; round < 2; ++round) {
        m_repository = std::make_unique<Repository>();
        VERIFY_OK(openStore(*m_repository, databasePath()));
        QCOMPARE(repo().schemaVersion(), int(schemaMigrations().size()));
        SideConnection side(databasePath());
        QCOMPARE(side.column(migrationsSql), before);
    }
    const auto found = repo().endpointById(e.id);
    VERIFY_OK(found);
    QVERIFY(found->has_value());
    CHECK(compareEndpoint(**found, e));
}

void TestRepository::walAndForeignKeysAreOn()
{
    SideConnection side(databasePath());
    QVERIFY(side.isOpen());
    if (!TestStore::usePostgres()) {
        // journal_mode=WAL is stored in the file, so an independent connection reports it.
        QCOMPARE(side.scalar(QStringLiteral("PRAGMA journal_mode")).toString().toLower(), QStringLiteral("wal"));
        QVERIFY(QFileInfo::exists(databasePath() + QStringLiteral("-wal")));

        // foreign_keys and synchronous are per connection: ask the repository's own.
        const SqlRunner own = repositoryConnection(repo());
        QCOMPARE(own.scalar(QStringLiteral("PRAGMA foreign_keys")).toInt(), 1);
        QCOMPARE(own.scalar(QStringLiteral("PRAGMA synchronous")).toInt(), 2);  // FULL
    }
    // PostgreSQL has no PRAGMAs: its foreign keys always hold, as the rest shows.

    // ... and they act: children of a missing endpoint are refused.
    const Endpoint ghost = makeEndpoint(QStringLiteral("ghost"));
    const auto rule = repo().insertRule(makeRule(ghost));
    QVERIFY(!rule.ok());
    QCOMPARE(rule.error().typeName(), QStringLiteral("StorageError"));
    const auto error = repo().insertError(makeErrorRecord(ghost, kT0));
    QVERIFY(!error.ok());
    QCOMPARE(error.error().typeName(), QStringLiteral("StorageError"));
    const auto revision = repo().insertRevision(makeRevision(ghost, 1));
    QVERIFY(!revision.ok());
    QCOMPARE(side.count(QStringLiteral("autoscaling_rules")), 0);
    QCOMPARE(side.count(QStringLiteral("errors")), 0);
    QCOMPARE(side.count(QStringLiteral("revisions")), 0);
}

void TestRepository::newerSchemaIsRefused_data()
{
    QTest::addColumn<int>("ahead");
    QTest::newRow("one version ahead") << 1;
    QTest::newRow("far ahead") << 40;
}

void TestRepository::newerSchemaIsRefused()
{
    QFETCH(int, ahead);
    const int known = int(schemaMigrations().size());
    const int newer = known + ahead;
    VERIFY_OK(repo().insertEndpoint(makeEndpoint(QStringLiteral("from-the-future"))));
    m_repository.reset();
    {
        SideConnection side(databasePath());
        QVERIFY(side.exec(QStringLiteral("INSERT INTO schema_migrations(version, applied_at) VALUES(?, ?)"),
                          {newer, QDateTime::currentMSecsSinceEpoch()}));
    }

    Repository older;
    const auto opened = openStore(older, databasePath());
    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().typeName(), QStringLiteral("StorageError"));
    QVERIFY2(opened.error().message.contains(QString::number(newer)), qPrintable(opened.error().message));

    // Refusing touches nothing: the newer version and the data stay as they were.
    SideConnection side(databasePath());
    QCOMPARE(side.scalar(QStringLiteral("SELECT MAX(version) FROM schema_migrations")).toInt(), newer);
    QCOMPARE(side.count(QStringLiteral("schema_migrations")), qint64(known + 1));
    QCOMPARE(side.count(QStringLiteral("endpoints")), 1);
}

// Databases in the field ran migrations 1 to 15 as they were written before the dialect's tokens:
// their SQLite expansion must be that text, byte for byte (its SHA-256, taken from the old code).
void TestRepository::sqliteRunsTheMigrationsAsWrittenBefore()
{
    constexpr std::size_t kWrittenBefore = 15;
    QVERIFY(schemaMigrations().size() >= kWrittenBefore);
    const SqlDialect sqlite(SqlDialect::Engine::Sqlite);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (std::size_t i = 0; i < kWrittenBefore; ++i) {
        for (const QString &sql : schemaMigrations()[i]) {
            hash.addData(sqlite.expand(sql).toUtf8());
            hash.addData("\n");
        }
        hash.addData("--\n");
    }
    QCOMPARE(hash.result().toHex(), QByteArrayLiteral("6e2fbae423d6bf68ae529d71725d569253efaf0ad2198b74f88ee6d7e747d8ff"));
    QCOMPARE(sqlite.schemaVersionTable(),
             QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at "
                            "INTEGER NOT NULL)"));
}

// Every token expands on PostgreSQL, and none of SQLite's own type words is left: INTEGER would be
// a 4-byte integer there (millisecond times overflow it), AUTOINCREMENT and BLOB do not exist.
void TestRepository::postgresMigrationsUseItsOwnTypes()
{
    const SqlDialect postgres(SqlDialect::Engine::Postgres);
    const QRegularExpression sqliteOnly(QStringLiteral("\\b(INTEGER|REAL|BLOB|AUTOINCREMENT)\\b|[{}]"));
    int statements = 0;
    for (const QStringList &migration : schemaMigrations()) {
        for (const QString &sql : migration) {
            const QString expanded = postgres.expand(sql);
            const auto match = sqliteOnly.match(expanded);
            QVERIFY2(!match.hasMatch(), qPrintable(match.captured(0) + QStringLiteral(" in ") + expanded));
            ++statements;
        }
    }
    QVERIFY(statements > 50);
    QCOMPARE(postgres.expand(QStringLiteral("x {id}, y {int}, z {real}, w {blob}{rowid} {unknown}")),
             QStringLiteral("x BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, y BIGINT, z DOUBLE PRECISION, "
                            "w BYTEA, rowid BIGINT GENERATED ALWAYS AS IDENTITY {unknown}"));
}

void TestRepository::endpointRoundTrip_data()
{
    QTest::addColumn<Endpoint>("endpoint");

    const auto row = [](const char *tag, const std::function<void(Endpoint &)> &change) {
        Endpoint e = makeEndpoint(QStringLiteral("ep-") + QString::fromLatin1(tag).replace(u' ', u'-'));
        change(e);
        QTest::newRow(tag) << e;
    };
    row("cpu only created", [](Endpoint &) {});
    row("fractional cpu and gpu ready public", [](Endpoint &e) {
        e.resourceSlots = ResourceSlots{0.25, 512 * MiB, 0.5};
        e.lifecycle = EndpointLifecycle::Ready;
        e.isPublic = true;
        e.replicas = 3;
        e.retries = 2;
        e.currentRevisionId = QUuid::createUuid();
        e.updatedAt = kT0.addMSecs(1500);
    });
    row("several gpus destroying", [](Endpoint &e) {
        e.resourceSlots = ResourceSlots{16, 64 * GiB, 4};
        e.lifecycle = EndpointLifecycle::Destroying;
        e.replicas = 0;
        e.runtimeVariant = QStringLiteral("vllm");
    });
    row("terminated", [](Endpoint &e) {
        e.lifecycle = EndpointLifecycle::Terminated;
        e.retries = 5;
        e.replicas = 0;
    });
    row("memory in bytes", [](Endpoint &e) { e.resourceSlots.memoryBytes = 1000; });
    row("memory not a whole KiB", [](Endpoint &e) { e.resourceSlots.memoryBytes = 123456789; });
    row("memory 1.5 TiB", [](Endpoint &e) { e.resourceSlots.memoryBytes = TiB + TiB / 2; });
    // 102401M: a whole number of MiB that is 100.0009765625 GiB, 13 significant digits.
    row("memory 100 GiB plus 1 MiB", [](Endpoint &e) { e.resourceSlots.memoryBytes = 100 * GiB + MiB; });
    row("memory 750 GiB plus 3 KiB", [](Endpoint &e) { e.resourceSlots.memoryBytes = 750 * GiB + 3 * KiB; });
    row("circuit breaker of its own", [](Endpoint &e) {
        e.circuitBreaker = CircuitBreakerSettings{7, 0, 3, 2, 1, 100};
    });
    row("unicode text", [](Endpoint &e) {
        e.resourceGroup = QStringLiteral("gpu-\u5712");
        e.modelVersion = QStringLiteral("2024.05-rc1 \u00e9t\u00e9");
        e.modelFolder = QStringLiteral("/srv/mod\u00e8les/it's \"quoted\"");
    });
}

void TestRepository::endpointRoundTrip()
{
    QFETCH(Endpoint, endpoint);
    VERIFY_OK(repo().insertEndpoint(endpoint));

    const auto found = repo().endpointById(endpoint.id);
    VERIFY_OK(found);
    QVERIFY(found->has_value());
    CHECK(compareEndpoint(**found, endpoint));

    const auto all = repo().endpoints(true);
    VERIFY_OK(all);
    QCOMPARE(all->size(), 1);
    CHECK(compareEndpoint(all->first(), endpoint));

    const auto live = repo().endpoints(false);
    VERIFY_OK(live);
    QCOMPARE(live->size(), endpoint.lifecycle == EndpointLifecycle::Terminated ? 0 : 1);

    const auto byName = repo().liveEndpointByName(endpoint.name);
    VERIFY_OK(byName);
    QCOMPARE(byName->has_value(), endpoint.lifecycle != EndpointLifecycle::Terminated);
}

void TestRepository::endpointUpdateRoundTrip()
{
    Endpoint e = makeEndpoint(QStringLiteral("before"));
    VERIFY_OK(repo().insertEndpoint(e));

    e.name = QStringLiteral("after");
    e.modelVersion = QStringLiteral("v2");
    e.modelFolder = QStringLiteral("/srv/models/iris-v2");
    e.runtimeVariant = QStringLiteral("sglang");
    e.resourceSlots = ResourceSlots{2.5, 3 * GiB, 1};
    e.resourceGroup = QStringLiteral("gpu");
    e.replicas = 7;
    e.isPublic = true;
    e.lifecycle = EndpointLifecycle::Ready;
    e.retries = 3;
    e.url = QStringLiteral("http://127.0.0.1:9090/after");
    e.currentRevisionId = QUuid::createUuid();
    e.circuitBreaker.maxPendingRequests = 0;
    e.circuitBreaker.maxEjectionPercent = 10;
    e.priority = -42;
    e.queueWhenFull = false;
    e.allowPreemption = true;
    e.updatedAt = kT0.addSecs(3600);
    VERIFY_OK(repo().updateEndpoint(e));

    const auto found = repo().endpointById(e.id);
    VERIFY_OK(found);
    QVERIFY(found->has_value());
    CHECK(compareEndpoint(**found, e));  // createdAt stays kT0

    const auto byOldName = repo().liveEndpointByName(QStringLiteral("before"));
    VERIFY_OK(byOldName);
    QVERIFY(!byOldName->has_value());

    const auto missing = repo().updateEndpoint(makeEndpoint(QStringLiteral("never-inserted")));
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().typeName(), QStringLiteral("NotFound"));
}

void TestRepository::revisionRoundTrip()
{
    const Endpoint e = makeEndpoint(QStringLiteral("revised"));
    const Endpoint other = makeEndpoint(QStringLiteral("other"));
    VERIFY_OK(repo().insertEndpoint(e));
    VERIFY_OK(repo().insertEndpoint(other));

    Revision second = makeRevision(e, 2);
    second.runtimeVariant = QStringLiteral("vllm");
    second.modelFolder = QStringLiteral("/srv/models/iris-v2");
    second.matchHeader = HeaderMatch{QStringLiteral("target"), QStringLiteral("mountain")};
    Revision third = makeRevision(e, 3);
    third.mode = RevisionMode::Shadow;
    const Revision first = makeRevision(e, 1);
    VERIFY_OK(repo().insertRevision(second));  // out of order on purpose: reads sort by number
    VERIFY_OK(repo().insertRevision(third));
    VERIFY_OK(repo().insertRevision(first));

    const auto revisions = repo().revisions(e.id);
    VERIFY_OK(revisions);
    QCOMPARE(revisions->size(), 3);
    const QList<Revision> expected{first, second, third};
    for (int i = 0; i < 3; ++i)
        CHECK(compareRevision(revisions->at(i), expected.at(i)));
    const auto byId = repo().revisionsById();
    VERIFY_OK(byId);
    QCOMPARE(byId->size(), 3);
    for (const Revision &r : expected)
        CHECK(compareRevision(byId->value(r.id), r));
    const auto one = repo().revision(second.id);
    VERIFY_OK(one);
    QVERIFY(one->has_value());
    CHECK(compareRevision(**one, second));

    const auto none = repo().revisions(other.id);
    VERIFY_OK(none);
    QVERIFY(none->isEmpty());

    // One number per endpoint; another endpoint may reuse it.
    const auto duplicate = repo().insertRevision(makeRevision(e, 1));
    QVERIFY(!duplicate.ok());
    QCOMPARE(duplicate.error().typeName(), QStringLiteral("StorageError"));
    VERIFY_OK(repo().insertRevision(makeRevision(other, 1)));
}

void TestRepository::revisionPolicyUpdate()
{
    const Endpoint e = makeEndpoint(QStringLiteral("policies"));
    VERIFY_OK(repo().insertEndpoint(e));
    Revision r = makeRevision(e, 1);
    VERIFY_OK(repo().insertRevision(r));

    r.matchHeader = HeaderMatch{QStringLiteral("x-tenant"), QStringLiteral("acme \u00e9")};
    r.mode = RevisionMode::Shadow;
    r.modelVersion = QStringLiteral("not written");  // only the policy columns change
    VERIFY_OK(repo().updateRevision(r));
    auto found = repo().revision(r.id);
    VERIFY_OK(found);
    QVERIFY(found->has_value());
    QCOMPARE((*found)->modelVersion, QStringLiteral("v1"));
    r.modelVersion = QStringLiteral("v1");
    CHECK(compareRevision(**found, r));

    r.matchHeader.reset();  // back to no condition: both columns NULL
    r.mode = RevisionMode::Serve;
    VERIFY_OK(repo().updateRevision(r));
    found = repo().revision(r.id);
    VERIFY_OK(found);
    CHECK(compareRevision(**found, r));
    SideConnection side(databasePath());
    QCOMPARE(side.scalar(QStringLiteral("SELECT COUNT(*) FROM revisions WHERE match_header_name IS NULL AND "
                                        "match_header_value IS NULL AND mode = 'serve'"))
                 .toInt(),
             1);

    Revision stranger = makeRevision(e, 2);
    const auto missing = repo().updateRevision(stranger);
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().typeName(), QStringLiteral("NotFound"));

    // The schema refuses a mode it does not know, whoever writes it.
    QVERIFY(!side.exec(QStringLiteral("UPDATE revisions SET mode = 'mirror'")));
    QVERIFY(!side.exec(QStringLiteral("UPDATE endpoints SET cb_max_ejection_percent = 101")));
    QVERIFY(!side.exec(QStringLiteral("UPDATE endpoints SET cb_max_connections = 0")));
}

void TestRepository::migrationThreeKeepsOlderRows()
{
    // A database as ServeDeck left it before migration 3: rows without the new columns.
    m_repository.reset();
    const QString path = TestStore::location(*m_dir, QStringLiteral("v2.db"));
    QVERIFY2(!path.isEmpty(), qPrintable(TestStore::lastError()));
    const SqlDialect dialect(TestStore::usePostgres() ? SqlDialect::Engine::Postgres : SqlDialect::Engine::Sqlite);
    const QString endpointId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QString revisionId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    {
        SideConnection old(path);
        QVERIFY(old.isOpen());
        QVERIFY(old.exec(dialect.schemaVersionTable()));
        for (int version = 1; version <= 2; ++version) {
            for (const QString &sql : schemaMigrations()[std::size_t(version - 1)])
                QVERIFY2(old.exec(dialect.expand(sql)), qPrintable(sql));
            QVERIFY(old.exec(QStringLiteral("INSERT INTO schema_migrations VALUES(?, 0)"), {version}));
        }
        QVERIFY(old.exec(QStringLiteral("INSERT INTO endpoints(id, name, model_version, model_folder, runtime_variant, "
                                        "resource_slots, resource_group, replicas, public, lifecycle, url, "
                                        "current_revision_id, created_at, updated_at) VALUES(?, 'old', 'v1', '/m', "
                                        "'custom', '{\"cpu\":\"1\",\"memory\":\"1G\"}', 'default', 1, 0, 'READY', "
                                        "'http://x/old', ?, 0, 0)"),
                         {endpointId, revisionId}));
        QVERIFY(old.exec(QStringLiteral("INSERT INTO revisions(id, endpoint_id, number, model_version, model_folder, "
                                        "runtime_variant, created_at) VALUES(?, ?, 1, 'v1', '/m', 'custom', 0)"),
                         {revisionId, endpointId}));
    }

    m_repository = std::make_unique<Repository>();
    VERIFY_OK(openStore(*m_repository, path));
    QCOMPARE(repo().schemaVersion(), int(schemaMigrations().size()));
    const auto endpoint = repo().endpointById(QUuid::fromString(endpointId));
    VERIFY_OK(endpoint);
    QVERIFY(endpoint->has_value());
    QCOMPARE((*endpoint)->name, QStringLiteral("old"));
    QCOMPARE((*endpoint)->circuitBreaker.toJson(), CircuitBreakerSettings().toJson());  // the defaults
    const auto revision = repo().revision(QUuid::fromString(revisionId));
    VERIFY_OK(revision);
    QVERIFY(revision->has_value());
    QVERIFY(!(*revision)->matchHeader);
    QCOMPARE(revisionModeName((*revision)->mode), QStringLiteral("serve"));
}

void TestRepository::routeRoundTrip_data()
{
    QTest::addColumn<Route>("route");
    QTest::addColumn<bool>("withRevision");

    const auto route = [](RouteStatus status, int weight, const QString &replica, const QString &agent) {
        Route r;
        r.id = QUuid::createUuid();
        r.status = status;
        r.weight = weight;
        r.replicaId = replica;
        r.agentId = agent;
        r.createdAt = kT0;
        r.updatedAt = kT0.addMSecs(250);
        return r;
    };
    QTest::newRow("provisioning, no replica yet") << route(RouteStatus::Provisioning, 100, {}, {}) << true;
    QTest::newRow("healthy, part of the traffic")
        << route(RouteStatus::Healthy, 37, QStringLiteral("replica-1"), QStringLiteral("agent-a")) << true;
    QTest::newRow("unhealthy, weight zero")
        << route(RouteStatus::Unhealthy, 0, QStringLiteral("replica-2"), QStringLiteral("agent-b")) << true;
    QTest::newRow("terminating")
        << route(RouteStatus::Terminating, 100, QStringLiteral("replica-3"), QStringLiteral("agent-a")) << true;
    QTest::newRow("failed to start, no revision")
        << route(RouteStatus::FailedToStart, 100, QStringLiteral("replica-4"), {}) << false;
    Route pending = route(RouteStatus::Pending, 100, {}, {});
    pending.pendingReason = QStringLiteral("needs cpu 2, 1 free");
    pending.pendingSince = kT0.addSecs(5);
    pending.retryAt = kT0.addSecs(10);
    QTest::newRow("pending, refused by an agent") << pending << true;
}

void TestRepository::routeRoundTrip()
{
    QFETCH(Route, route);
    QFETCH(bool, withRevision);

    const Endpoint e = makeEndpoint(QStringLiteral("routed"));
    const Revision revision = makeRevision(e, 1);
    VERIFY_OK(repo().insertEndpoint(e));
    VERIFY_OK(repo().insertRevision(revision));
    route.endpointId = e.id;
    if (withRevision)
        route.revisionId = revision.id;
    VERIFY_OK(repo().insertRoute(route));

    auto routes = repo().routes(e.id);
    VERIFY_OK(routes);
    QCOMPARE(routes->size(), 1);
    CHECK(compareRoute(routes->first(), route));
    const auto all = repo().allRoutes();
    VERIFY_OK(all);
    QCOMPARE(all->size(), 1);
    CHECK(compareRoute(all->first(), route));
    const auto pending = repo().hasPendingRoutes();
    VERIFY_OK(pending);
    QCOMPARE(*pending, route.status == RouteStatus::Pending);

    route.status = RouteStatus::Healthy;
    route.weight = 55;
    route.replicaId = QStringLiteral("replica-9");
    route.agentId = QStringLiteral("agent-z");
    route.updatedAt = kT0.addSecs(30);
    VERIFY_OK(repo().updateRoute(route));
    routes = repo().routes(e.id);
    VERIFY_OK(routes);
    QCOMPARE(routes->size(), 1);
    CHECK(compareRoute(routes->first(), route));

    VERIFY_OK(repo().deleteRoute(route.id));
    routes = repo().routes(e.id);
    VERIFY_OK(routes);
    QVERIFY(routes->isEmpty());
    const auto again = repo().deleteRoute(route.id);
    QVERIFY(!again.ok());
    QCOMPARE(again.error().typeName(), QStringLiteral("NotFound"));
    const auto update = repo().updateRoute(route);
    QVERIFY(!update.ok());
    QCOMPARE(update.error().typeName(), QStringLiteral("NotFound"));

    // A route names a revision that exists, or none.
    Route dangling = route;
    dangling.id = QUuid::createUuid();
    dangling.revisionId = QUuid::createUuid();
    QVERIFY(!repo().insertRoute(dangling).ok());
}

void TestRepository::ruleRoundTrip_data()
{
    QTest::addColumn<AutoScalingRule>("rule");

    const auto rule = [](MetricSource source, const QString &metric, Comparator comparator, double threshold, int step,
                         std::optional<double> target, int min, int max) {
        AutoScalingRule r;
        r.id = QUuid::createUuid();
        r.source = source;
        r.metric = metric;
        r.comparator = comparator;
        r.threshold = threshold;
        r.stepSize = step;
        r.targetPerReplica = target;
        r.minReplicas = min;
        r.maxReplicas = max;
        r.createdAt = kT0;
        r.updatedAt = kT0.addSecs(1);
        return r;
    };
    QTest::newRow("step out, kernel, greater than")
        << rule(MetricSource::Kernel, QStringLiteral("cpu_utilization"), Comparator::GreaterThan, 80, 2, std::nullopt,
                1, 5);
    AutoScalingRule in = rule(MetricSource::Proxy, QStringLiteral("requests_per_second"), Comparator::LessThan, 5.5, -1,
                              std::nullopt, 0, 3);
    in.scaleUpDelay = in.scaleDownDelay = in.cooldown = 0;
    QTest::newRow("step in, proxy, less than, no delays") << in;
    QTest::newRow("target per replica, inference framework, at least")
        << rule(MetricSource::InferenceFramework, QStringLiteral("vllm:num_requests_running"),
                Comparator::GreaterOrEqual, 0, 1, 2.5, 1, 10);
    AutoScalingRule custom =
        rule(MetricSource::Custom, QStringLiteral("queue.depth"), Comparator::LessOrEqual, -3.25, 0, 0.75, 2, 1000);
    custom.scaleUpDelay = custom.scaleDownDelay = custom.cooldown = 86400;
    QTest::newRow("target per replica, custom, at most, longest delays") << custom;
}

void TestRepository::ruleRoundTrip()
{
    QFETCH(AutoScalingRule, rule);
    const Endpoint e = makeEndpoint(QStringLiteral("scaled"));
    VERIFY_OK(repo().insertEndpoint(e));
    rule.endpointId = e.id;
    VERIFY_OK(repo().insertRule(rule));

    const auto rules = repo().rules(e.id);
    VERIFY_OK(rules);
    QCOMPARE(rules->size(), 1);
    CHECK(compareRule(rules->first(), rule));
}

void TestRepository::ruleUpdateAndDelete()
{
    const Endpoint e = makeEndpoint(QStringLiteral("scaled"));
    VERIFY_OK(repo().insertEndpoint(e));
    AutoScalingRule rule = makeRule(e);
    rule.targetPerReplica = 40;
    VERIFY_OK(repo().insertRule(rule));

    // Clearing target_per_replica stores NULL, not 0.
    rule.targetPerReplica.reset();
    rule.source = MetricSource::Proxy;
    rule.metric = QStringLiteral("p95_latency_ms");
    rule.comparator = Comparator::GreaterOrEqual;
    rule.threshold = 250;
    rule.stepSize = 3;
    rule.minReplicas = 2;
    rule.maxReplicas = 9;
    rule.scaleUpDelay = 15;
    rule.scaleDownDelay = 600;
    rule.cooldown = 120;
    rule.updatedAt = kT0.addSecs(90);
    VERIFY_OK(repo().updateRule(rule));
    auto rules = repo().rules(e.id);
    VERIFY_OK(rules);
    QCOMPARE(rules->size(), 1);
    CHECK(compareRule(rules->first(), rule));

    rule.targetPerReplica = 12.5;
    VERIFY_OK(repo().updateRule(rule));
    rules = repo().rules(e.id);
    VERIFY_OK(rules);
    CHECK(compareRule(rules->first(), rule));

    // The schema's own checks hold even when the service is bypassed.
    AutoScalingRule inverted = rule;
    inverted.minReplicas = 5;
    inverted.maxReplicas = 4;
    QVERIFY(!repo().updateRule(inverted).ok());

    VERIFY_OK(repo().deleteRule(rule.id));
    rules = repo().rules(e.id);
    VERIFY_OK(rules);
    QVERIFY(rules->isEmpty());
    const auto again = repo().deleteRule(rule.id);
    QVERIFY(!again.ok());
    QCOMPARE(again.error().typeName(), QStringLiteral("NotFound"));
    const auto update = repo().updateRule(rule);
    QVERIFY(!update.ok());
    QCOMPARE(update.error().typeName(), QStringLiteral("NotFound"));
}

void TestRepository::agentCredentialRoundTrip()
{
    const QByteArray hash = QCryptographicHash::hash("secret", QCryptographicHash::Sha256);
    const AgentCredential credential{QStringLiteral("gpu-box"), hash, kT0, std::nullopt};
    VERIFY_OK(repo().insertAgentCredential(credential));
    // One credential per agent, never replaced.
    QVERIFY(!repo().insertAgentCredential({QStringLiteral("gpu-box"), hash, kT0.addSecs(5), std::nullopt}).ok());
    // Only a SHA-256 fits: anything else is refused by the table, not just by the code.
    QVERIFY(!repo().insertAgentCredential({QStringLiteral("short"), QByteArray("plain secret"), kT0, std::nullopt}).ok());

    auto found = repo().agentCredential(QStringLiteral("gpu-box"));
    VERIFY_OK(found);
    QVERIFY(found->has_value());
    QCOMPARE((*found)->secretSha256, hash);
    QCOMPARE((*found)->issuedAt, kT0);
    QVERIFY(!(*found)->isRevoked());
    auto none = repo().agentCredential(QStringLiteral("nobody"));
    VERIFY_OK(none);
    QVERIFY(!none->has_value());

    VERIFY_OK(repo().revokeAgentCredential(QStringLiteral("gpu-box"), kT0.addSecs(60)));
    // Revoking twice is refused and keeps the first time; an unknown agent is NotFound.
    const auto twice = repo().revokeAgentCredential(QStringLiteral("gpu-box"), kT0.addSecs(99));
    QVERIFY(!twice.ok());
    QCOMPARE(twice.error().typeName(), QStringLiteral("NotFound"));
    QCOMPARE(repo().revokeAgentCredential(QStringLiteral("nobody"), kT0).error().typeName(), QStringLiteral("NotFound"));
    auto all = repo().agentCredentials();
    VERIFY_OK(all);
    QCOMPARE(all->size(), 1);
    QCOMPARE(all->first().agentId, QStringLiteral("gpu-box"));
    QCOMPARE(all->first().revokedAt, std::optional<QDateTime>(kT0.addSecs(60)));
}

void TestRepository::tokenGrantRoundTrip_data()
{
    QTest::addColumn<TokenGrant>("grant");

    const auto grant = [](const QString &scope, std::optional<QDateTime> expires, const QStringList &ips,
                          std::optional<QDateTime> revoked = std::nullopt) {
        return TokenGrant{QUuid::createUuid().toString(QUuid::WithoutBraces), QUuid(), scope, expires, ips, kT0,
                          revoked};
    };
    QTest::newRow("no expiry, any address") << grant(QStringLiteral("inference"), std::nullopt, {});
    QTest::newRow("expiring, allow-listed")
        << grant(QStringLiteral("admin"), kT0.addSecs(3600),
                 {QStringLiteral("10.0.0.0/8"), QStringLiteral("192.168.1.7/32"), QStringLiteral("::1/128")});
    QTest::newRow("read-only for ten years")
        << grant(QStringLiteral("read-only"), kT0.addSecs(qint64(10) * 365 * 24 * 3600),
                 {QStringLiteral("127.0.0.1/32")});
    QTest::newRow("inserted already revoked")
        << grant(QStringLiteral("inference"), kT0.addSecs(60), {}, kT0.addSecs(30));
}

void TestRepository::tokenGrantRoundTrip()
{
    QFETCH(TokenGrant, grant);
    const Endpoint e = makeEndpoint(QStringLiteral("guarded"));
    VERIFY_OK(repo().insertEndpoint(e));
    grant.endpointId = e.id;
    VERIFY_OK(repo().insertTokenGrant(grant));

    auto grants = repo().tokenGrants(e.id);
    VERIFY_OK(grants);
    QCOMPARE(grants->size(), 1);
    CHECK(compareGrant(grants->first(), grant));

    const bool wasRevoked = grant.revokedAt.has_value();
    const auto revoked = repo().revokeTokenGrant(grant.id, kT0.addSecs(45));
    QCOMPARE(revoked.ok(), !wasRevoked);
    if (!wasRevoked)
        grant.revokedAt = kT0.addSecs(45);
    grants = repo().tokenGrants(e.id);
    VERIFY_OK(grants);
    CHECK(compareGrant(grants->first(), grant));

    // Revoking twice is refused and keeps the first time.
    const auto twice = repo().revokeTokenGrant(grant.id, kT0.addSecs(99));
    QVERIFY(!twice.ok());
    QCOMPARE(twice.error().typeName(), QStringLiteral("NotFound"));
    grants = repo().tokenGrants(e.id);
    VERIFY_OK(grants);
    CHECK(compareGrant(grants->first(), grant));
    QVERIFY(!repo().revokeTokenGrant(QStringLiteral("no-such-token"), kT0).ok());
}

void TestRepository::errorRecordRoundTrip_data()
{
    QTest::addColumn<ErrorRecord>("record");

    const auto record = [](const QString &type, std::optional<int> exitCode, std::optional<int> signal) {
        ErrorRecord r;
        r.time = kT0.addMSecs(7);
        r.type = type;
        r.message = type + QStringLiteral(" happened");
        r.exitCode = exitCode;
        r.signal = signal;
        return r;
    };
    ErrorRecord full = record(QStringLiteral("CrashLoop"), 137, 9);
    full.routeId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    full.replicaId = QStringLiteral("replica-1");
    full.agentId = QStringLiteral("agent-a");
    full.logTail = QStringLiteral("Traceback (most recent call last):\n  File \"serve.py\"\nKilled\n");
    QTest::newRow("exit code and signal, every id") << full;
    QTest::newRow("exit code only") << record(QStringLiteral("StartFailed"), 1, std::nullopt);
    QTest::newRow("exit code zero is not no exit code") << record(QStringLiteral("HealthCheckFailed"), 0, std::nullopt);
    QTest::newRow("signal only") << record(QStringLiteral("OOMKilled"), std::nullopt, 9);
    QTest::newRow("neither") << record(QStringLiteral("ProxyUpstreamError"), std::nullopt, std::nullopt);
}

void TestRepository::errorRecordRoundTrip()
{
    QFETCH(ErrorRecord, record);
    const Endpoint e = makeEndpoint(QStringLiteral("failing"));
    VERIFY_OK(repo().insertEndpoint(e));
    record.endpointId = e.id;
    const auto id = repo().insertError(record);
    VERIFY_OK(id);
    QVERIFY(*id > 0);
    record.id = *id;

    const auto errors = repo().errors(e.id, 10);
    VERIFY_OK(errors);
    QCOMPARE(errors->size(), 1);
    CHECK(compareErrorRecord(errors->first(), record));

    const auto byType = repo().errors(QUuid(), 10, record.type);
    VERIFY_OK(byType);
    QCOMPARE(byType->size(), 1);
    CHECK(compareErrorRecord(byType->first(), record));
    const auto otherType = repo().errors(e.id, 10, QStringLiteral("AgentLost"));
    VERIFY_OK(otherType);
    QVERIFY(otherType->isEmpty());
}

void TestRepository::errorQueries()
{
    const Endpoint a = makeEndpoint(QStringLiteral("a"));
    const Endpoint b = makeEndpoint(QStringLiteral("b"));
    VERIFY_OK(repo().insertEndpoint(a));
    VERIFY_OK(repo().insertEndpoint(b));
    QList<qint64> ids;
    for (int i = 0; i < 3; ++i) {
        const auto id = repo().insertError(
            makeErrorRecord(a, kT0.addSecs(i), i == 1 ? QStringLiteral("OOMKilled") : QStringLiteral("CrashLoop")));
        VERIFY_OK(id);
        ids << *id;
    }
    VERIFY_OK(repo().insertError(makeErrorRecord(b, kT0.addSecs(10), QStringLiteral("OOMKilled"))));

    auto errors = repo().errors(a.id, 10);
    VERIFY_OK(errors);
    QCOMPARE(errors->size(), 3);
    QCOMPARE(errors->at(0).id, ids.at(2));  // newest first
    QCOMPARE(errors->at(1).id, ids.at(1));
    QCOMPARE(errors->at(2).id, ids.at(0));

    errors = repo().errors(a.id, 2);
    VERIFY_OK(errors);
    QCOMPARE(errors->size(), 2);
    QCOMPARE(errors->at(0).id, ids.at(2));

    errors = repo().errors(QUuid(), 10);
    VERIFY_OK(errors);
    QCOMPARE(errors->size(), 4);
    errors = repo().errors(QUuid(), 10, QStringLiteral("OOMKilled"));
    VERIFY_OK(errors);
    QCOMPARE(errors->size(), 2);

    const auto cleared = repo().clearErrors(a.id);
    VERIFY_OK(cleared);
    QCOMPARE(*cleared, 3);
    errors = repo().errors(a.id, 10);
    VERIFY_OK(errors);
    QVERIFY(errors->isEmpty());
    errors = repo().errors(b.id, 10);
    VERIFY_OK(errors);
    QCOMPARE(errors->size(), 1);
    const auto again = repo().clearErrors(a.id);
    VERIFY_OK(again);
    QCOMPARE(*again, 0);
}

void TestRepository::scaleEventRoundTrip_data()
{
    QTest::addColumn<ScaleEvent>("event");

    const auto event = [](const QString &ruleId, int before, int after, std::optional<double> metric,
                          const QString &reason) {
        ScaleEvent e;
        e.time = kT0.addMSecs(321);
        e.ruleId = ruleId;
        e.before = before;
        e.after = after;
        e.metricValue = metric;
        e.reason = reason;
        return e;
    };
    QTest::newRow("manual up") << event({}, 1, 3, std::nullopt, QStringLiteral("manual"));
    QTest::newRow("rule down")
        << event(QUuid::createUuid().toString(QUuid::WithoutBraces), 4, 2, 0.5,
                 QStringLiteral("requests_per_second < 1 for 300 s"));
    QTest::newRow("to zero") << event({}, 2, 0, 0.0, QStringLiteral("idle"));
}

void TestRepository::scaleEventRoundTrip()
{
    QFETCH(ScaleEvent, event);
    const Endpoint e = makeEndpoint(QStringLiteral("elastic"));
    VERIFY_OK(repo().insertEndpoint(e));
    event.endpointId = e.id;
    const auto id = repo().insertScaleEvent(event);
    VERIFY_OK(id);
    QVERIFY(*id > 0);
    event.id = *id;

    const auto events = repo().scaleEvents(e.id, 10);
    VERIFY_OK(events);
    QCOMPARE(events->size(), 1);
    CHECK(compareScaleEvent(events->first(), event));
}

void TestRepository::liveNameIsUnique_data()
{
    QTest::addColumn<QString>("blocker");
    QTest::addColumn<bool>("nameIsFree");

    QTest::newRow("created") << QStringLiteral("CREATED") << false;
    QTest::newRow("ready") << QStringLiteral("READY") << false;
    QTest::newRow("destroying") << QStringLiteral("DESTROYING") << false;
    QTest::newRow("terminated") << QStringLiteral("TERMINATED") << true;
}

void TestRepository::liveNameIsUnique()
{
    QFETCH(QString, blocker);
    QFETCH(bool, nameIsFree);

    const Endpoint first = makeEndpoint(QStringLiteral("alpha"), *lifecycleFromName(blocker));
    VERIFY_OK(repo().insertEndpoint(first));
    const Endpoint second = makeEndpoint(QStringLiteral("alpha"), EndpointLifecycle::Ready);
    const auto inserted = repo().insertEndpoint(second);
    QCOMPARE(inserted.ok(), nameIsFree);
    if (!nameIsFree)
        QCOMPARE(inserted.error().typeName(), QStringLiteral("StorageError"));

    const auto live = repo().liveEndpointByName(QStringLiteral("alpha"));
    VERIFY_OK(live);
    QVERIFY(live->has_value());
    QCOMPARE((*live)->id, nameIsFree ? second.id : first.id);
    SideConnection side(databasePath());
    QCOMPARE(side.count(QStringLiteral("endpoints")), nameIsFree ? 2 : 1);
}

void TestRepository::terminatingFreesTheName()
{
    Endpoint old = makeEndpoint(QStringLiteral("alpha"), EndpointLifecycle::Ready);
    VERIFY_OK(repo().insertEndpoint(old));
    const Endpoint successor = makeEndpoint(QStringLiteral("alpha"));
    QVERIFY(!repo().insertEndpoint(successor).ok());

    old.lifecycle = EndpointLifecycle::Terminated;
    old.updatedAt = kT0.addSecs(60);
    VERIFY_OK(repo().updateEndpoint(old));
    VERIFY_OK(repo().insertEndpoint(successor));
    QVERIFY(!repo().insertEndpoint(makeEndpoint(QStringLiteral("alpha"))).ok());
    // Any number of terminated endpoints may share the name.
    VERIFY_OK(repo().insertEndpoint(makeEndpoint(QStringLiteral("alpha"), EndpointLifecycle::Terminated)));

    // Renaming into a live name is refused the same way.
    Endpoint beta = makeEndpoint(QStringLiteral("beta"));
    VERIFY_OK(repo().insertEndpoint(beta));
    beta.name = QStringLiteral("alpha");
    QVERIFY(!repo().updateEndpoint(beta).ok());

    const auto live = repo().liveEndpointByName(QStringLiteral("alpha"));
    VERIFY_OK(live);
    QVERIFY(live->has_value());
    QCOMPARE((*live)->id, successor.id);
    const auto liveOnes = repo().endpoints(false);
    VERIFY_OK(liveOnes);
    QCOMPARE(liveOnes->size(), 2);
    const auto all = repo().endpoints(true);
    VERIFY_OK(all);
    QCOMPARE(all->size(), 4);
}

void TestRepository::deletingAnEndpointCascades()
{
    const Endpoint doomed = makeEndpoint(QStringLiteral("doomed"));
    const Endpoint bystander = makeEndpoint(QStringLiteral("bystander"));
    for (const Endpoint &e : {doomed, bystander}) {
        VERIFY_OK(repo().insertEndpoint(e));
        const Revision revision = makeRevision(e, 1);
        VERIFY_OK(repo().insertRevision(revision));
        Route route;
        route.id = QUuid::createUuid();
        route.endpointId = e.id;
        route.revisionId = revision.id;  // routes point at revisions, which go too
        route.createdAt = route.updatedAt = kT0;
        VERIFY_OK(repo().insertRoute(route));
        VERIFY_OK(repo().insertRule(makeRule(e)));
        VERIFY_OK(repo().insertError(makeErrorRecord(e, kT0)));
        VERIFY_OK(repo().insertError(makeErrorRecord(e, kT0.addSecs(1))));
        ScaleEvent event;
        event.time = kT0;
        event.endpointId = e.id;
        event.after = 2;
        event.reason = QStringLiteral("manual");
        VERIFY_OK(repo().insertScaleEvent(event));
        VERIFY_OK(repo().insertTokenGrant(
            TokenGrant{QUuid::createUuid().toString(), e.id, QStringLiteral("inference"), std::nullopt, {}, kT0, {}}));
    }

    // The repository has no delete for endpoints; a raw delete on its connection shows what the schema does.
    const SqlRunner own = repositoryConnection(repo());
    QVERIFY(own.exec(QStringLiteral("DELETE FROM endpoints WHERE id=?"), {doomed.id.toString(QUuid::WithoutBraces)}));

    const auto found = repo().endpointById(doomed.id);
    VERIFY_OK(found);
    QVERIFY(!found->has_value());
    const auto routes = repo().routes(doomed.id);
    VERIFY_OK(routes);
    QVERIFY(routes->isEmpty());
    const auto rules = repo().rules(doomed.id);
    VERIFY_OK(rules);
    QVERIFY(rules->isEmpty());
    const auto errors = repo().errors(doomed.id, 10);
    VERIFY_OK(errors);
    QVERIFY(errors->isEmpty());
    const auto revisions = repo().revisions(doomed.id);
    VERIFY_OK(revisions);
    QVERIFY(revisions->isEmpty());
    const auto grants = repo().tokenGrants(doomed.id);
    VERIFY_OK(grants);
    QVERIFY(grants->isEmpty());
    const auto events = repo().scaleEvents(doomed.id, 10);
    VERIFY_OK(events);
    QVERIFY(events->isEmpty());

    SideConnection side(databasePath());
    for (const char *table :
         {"endpoints", "revisions", "routes", "autoscaling_rules", "token_grants", "scale_events"})
        QCOMPARE(side.count(QString::fromLatin1(table)), 1);
    QCOMPARE(side.count(QStringLiteral("errors")), 2);
    if (!TestStore::usePostgres())  // PostgreSQL checks every reference as it is written
        QVERIFY(side.column(QStringLiteral("PRAGMA foreign_key_check")).isEmpty());
}

void TestRepository::transactionCommits()
{
    SideConnection side(databasePath());
    const Endpoint e = makeEndpoint(QStringLiteral("committed"));
    qint64 seenInside = -1;
    const auto result = repo().transaction<int>([&]() -> Result<int> {
        if (auto r = repo().insertEndpoint(e); !r)
            return r.error();
        if (auto r = repo().insertRevision(makeRevision(e, 1)); !r)
            return r.error();
        if (auto r = repo().insertRule(makeRule(e)); !r)
            return r.error();
        seenInside = side.count(QStringLiteral("endpoints"));
        return 42;
    });
    VERIFY_OK(result);
    QCOMPARE(*result, 42);
    QCOMPARE(seenInside, 0);  // nothing leaks before the commit
    QCOMPARE(side.count(QStringLiteral("endpoints")), 1);
    QCOMPARE(side.count(QStringLiteral("revisions")), 1);
    QCOMPARE(side.count(QStringLiteral("autoscaling_rules")), 1);
}

void TestRepository::transactionRollsBack_data()
{
    QTest::addColumn<QString>("failure");
    QTest::addColumn<QString>("expectedType");
    QTest::addColumn<QString>("expectedMessage");

    QTest::newRow("work returns an error") << QStringLiteral("error") << QStringLiteral("InvalidArgument")
                                           << QStringLiteral("changed my mind");
    QTest::newRow("work throws std::exception") << QStringLiteral("throw") << QStringLiteral("StorageError")
                                                << QStringLiteral("disk on fire");
    QTest::newRow("last statement violates a constraint")
        << QStringLiteral("constraint") << QStringLiteral("StorageError") << QString();
}

void TestRepository::transactionRollsBack()
{
    QFETCH(QString, failure);
    QFETCH(QString, expectedType);
    QFETCH(QString, expectedMessage);

    const Endpoint e = makeEndpoint(QStringLiteral("rolled-back"));
    bool everythingWritten = false;
    const auto result = repo().transaction<Done>([&]() -> Result<Done> {
        if (auto r = repo().insertEndpoint(e); !r)
            return r.error();
        if (auto r = repo().insertRevision(makeRevision(e, 1)); !r)
            return r.error();
        if (auto r = repo().insertRule(makeRule(e)); !r)
            return r.error();
        if (auto r = repo().insertError(makeErrorRecord(e, kT0)); !r)
            return r.error();
        everythingWritten = true;
        if (failure == u"throw")
            throw std::runtime_error("disk on fire");
        if (failure == u"constraint")
            return repo().insertEndpoint(e);  // the same id again
        return ServeDeck::makeError(ErrorType::InvalidArgument, QStringLiteral("changed my mind"));
    });
    QVERIFY(everythingWritten);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().typeName(), expectedType);
    QVERIFY2(result.error().message.contains(expectedMessage), qPrintable(result.error().message));

    // Gone for the repository itself, not merely invisible to others.
    const auto found = repo().endpointById(e.id);
    VERIFY_OK(found);
    QVERIFY(!found->has_value());
    const auto errors = repo().errors(QUuid(), 10);
    VERIFY_OK(errors);
    QVERIFY(errors->isEmpty());
    SideConnection side(databasePath());
    for (const char *table : {"endpoints", "revisions", "autoscaling_rules", "errors"})
        QCOMPARE(side.count(QString::fromLatin1(table)), 0);

    // The failure left no transaction open: the next one commits for everyone to see.
    const Endpoint next = makeEndpoint(QStringLiteral("next"));
    VERIFY_OK(repo().transaction<Done>([&]() -> Result<Done> { return repo().insertEndpoint(next); }));
    QCOMPARE(side.column(QStringLiteral("SELECT name FROM endpoints")), QVariantList{QStringLiteral("next")});
}

void TestRepository::transactionRollsBackOnAnyException()
{
    // Work may call code that throws something other than std::exception. Passing it on or
    // turning it into an error are both fine; leaving the transaction open is not.
    const Endpoint e = makeEndpoint(QStringLiteral("thrown"));
    bool propagated = false;
    try {
        const auto result = repo().transaction<Done>([&]() -> Result<Done> {
            if (auto r = repo().insertEndpoint(e); !r)
                return r.error();
            throw 42;
        });
        QVERIFY(!result.ok());
    } catch (int) {
        propagated = true;
    }
    qDebug("the exception %s", propagated ? "was passed on" : "became an error");

    const auto found = repo().endpointById(e.id);
    VERIFY_OK(found);
    QVERIFY2(!found->has_value(), "the thrown work's endpoint is still there: its transaction was not rolled back");

    SideConnection side(databasePath());
    const Endpoint next = makeEndpoint(QStringLiteral("next"));
    VERIFY_OK(repo().transaction<Done>([&]() -> Result<Done> { return repo().insertEndpoint(next); }));
    QVERIFY2(side.count(QStringLiteral("endpoints")) == 1,
             "a transaction after the exception did not commit: the thrown one is still open");
}

void TestRepository::nestedTransactionsCommitOnlyAtTheOutermostLevel()
{
    SideConnection side(databasePath());
    const Endpoint a = makeEndpoint(QStringLiteral("a"));
    const Endpoint b = makeEndpoint(QStringLiteral("b"));
    qint64 seenAfterInner = -1;
    const auto outer = repo().transaction<Done>([&]() -> Result<Done> {
        const auto inner = repo().transaction<Done>([&]() -> Result<Done> { return repo().insertEndpoint(a); });
        if (!inner)
            return inner.error();
        seenAfterInner = side.count(QStringLiteral("endpoints"));
        return repo().insertEndpoint(b);
    });
    VERIFY_OK(outer);
    QCOMPARE(seenAfterInner, 0);
    QCOMPARE(side.count(QStringLiteral("endpoints")), 2);

    // An outer failure takes the inner, finished work with it.
    const Endpoint c = makeEndpoint(QStringLiteral("c"));
    const auto failing = repo().transaction<Done>([&]() -> Result<Done> {
        const auto inner = repo().transaction<Done>([&]() -> Result<Done> { return repo().insertEndpoint(c); });
        if (!inner)
            return inner.error();
        return ServeDeck::makeError(ErrorType::InvalidArgument, QStringLiteral("outer fails"));
    });
    QVERIFY(!failing.ok());
    const auto found = repo().endpointById(c.id);
    VERIFY_OK(found);
    QVERIFY(!found->has_value());
    QCOMPARE(side.count(QStringLiteral("endpoints")), 2);
}

namespace {

ScaleEvent makeScaleEvent(const Endpoint &e, const QDateTime &time)
{
    ScaleEvent event;
    event.endpointId = e.id;
    event.before = 1;
    event.after = 2;
    event.reason = QStringLiteral("rule");
    event.time = time;
    return event;
}

} // namespace

// A crash-looping replica adds an error every few seconds: its endpoint keeps its newest rows
// (at most a prune batch more), the other endpoints keep all of theirs.
void TestRepository::historyIsPrunedByCountAsRowsAreAdded()
{
    const Endpoint looping = makeEndpoint(QStringLiteral("looping"));
    const Endpoint quiet = makeEndpoint(QStringLiteral("quiet"));
    VERIFY_OK(repo().insertEndpoint(looping));
    VERIFY_OK(repo().insertEndpoint(quiet));
    HistoryRetention retention;
    retention.maxRowsPerEndpoint = HistoryRetention::kMinRows;
    VERIFY_OK(repo().saveHistoryRetention(retention, kT0));

    for (int i = 0; i < 5; ++i) {
        VERIFY_OK(repo().insertError(makeErrorRecord(quiet, kT0.addSecs(i))));
        VERIFY_OK(repo().insertScaleEvent(makeScaleEvent(quiet, kT0.addSecs(i))));
    }
    const int added = retention.maxRowsPerEndpoint + 5 * Repository::kPruneBatch;
    // One transaction: the same statements, without a disk sync per row.
    VERIFY_OK(repo().transaction<Done>([&]() -> Result<Done> {
        for (int i = 0; i < added; ++i) {
            if (auto r = repo().insertError(makeErrorRecord(looping, kT0.addSecs(10 + i))); !r)
                return r.error();
            if (auto r = repo().insertScaleEvent(makeScaleEvent(looping, kT0.addSecs(10 + i))); !r)
                return r.error();
        }
        return Done{};
    }));
    const auto errors = repo().errors(looping.id, 1000000);
    VERIFY_OK(errors);
    QVERIFY2(errors->size() >= retention.maxRowsPerEndpoint, qPrintable(QString::number(errors->size())));
    QVERIFY2(errors->size() < retention.maxRowsPerEndpoint + Repository::kPruneBatch, qPrintable(QString::number(errors->size())));
    QCOMPARE(errors->constFirst().time, kT0.addSecs(10 + added - 1));  // the newest are the ones kept
    const auto events = repo().scaleEvents(looping.id, 1000000);
    VERIFY_OK(events);
    QVERIFY2(events->size() >= retention.maxRowsPerEndpoint, qPrintable(QString::number(events->size())));
    QVERIFY2(events->size() < retention.maxRowsPerEndpoint + Repository::kPruneBatch, qPrintable(QString::number(events->size())));
    QCOMPARE(repo().errors(quiet.id, 1000000)->size(), 5);
    QCOMPARE(repo().scaleEvents(quiet.id, 1000000)->size(), 5);
}

void TestRepository::historyIsPrunedByAge()
{
    const Endpoint e = makeEndpoint(QStringLiteral("aging"));
    VERIFY_OK(repo().insertEndpoint(e));
    for (const int daysAgo : {60, 31, 29, 1}) {
        VERIFY_OK(repo().insertError(makeErrorRecord(e, kT0.addDays(-daysAgo))));
        VERIFY_OK(repo().insertScaleEvent(makeScaleEvent(e, kT0.addDays(-daysAgo))));
    }
    HistoryRetention retention;
    retention.maxAgeDays = 30;
    VERIFY_OK(repo().saveHistoryRetention(retention, kT0));
    const auto errors = repo().errors(e.id, 100);
    VERIFY_OK(errors);
    QCOMPARE(errors->size(), 2);
    QCOMPARE(errors->constLast().time, kT0.addDays(-29));
    QCOMPARE(repo().scaleEvents(e.id, 100)->size(), 2);

    // Out of range: refused, and the one in force stays.
    retention.maxAgeDays = 0;
    QVERIFY(!repo().saveHistoryRetention(retention, kT0).ok());
    QCOMPARE(repo().historyRetention().maxAgeDays, 30);
}

void TestRepository::retentionIsKeptAndAppliedAtOpen()
{
    const Endpoint e = makeEndpoint(QStringLiteral("reopened"));
    VERIFY_OK(repo().insertEndpoint(e));
    HistoryRetention retention;
    retention.maxAgeDays = 7;
    retention.maxRowsPerEndpoint = 500;
    VERIFY_OK(repo().saveHistoryRetention(retention, kT0));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    VERIFY_OK(repo().insertError(makeErrorRecord(e, now.addDays(-8))));  // kept until the next prune
    VERIFY_OK(repo().insertError(makeErrorRecord(e, now.addDays(-6))));

    m_repository = std::make_unique<Repository>();
    VERIFY_OK(openStore(*m_repository, databasePath()));
    QCOMPARE(repo().historyRetention(), retention);
    const auto errors = repo().errors(e.id, 100);
    VERIFY_OK(errors);
    QCOMPARE(errors->size(), 1);
    QCOMPARE(errors->constFirst().time, now.addDays(-6));
}

// What the shared plane's follower reads on a change: every endpoint's scale events and each
// endpoint's newest rollout, one query each (not one per endpoint).
void TestRepository::scaleEventsOfEveryEndpointNewestFirst()
{
    const Endpoint a = makeEndpoint(QStringLiteral("scaled-a"));
    const Endpoint b = makeEndpoint(QStringLiteral("scaled-b"));
    VERIFY_OK(repo().insertEndpoint(a));
    VERIFY_OK(repo().insertEndpoint(b));
    VERIFY_OK(repo().insertScaleEvent(makeScaleEvent(a, kT0.addSecs(1))));
    VERIFY_OK(repo().insertScaleEvent(makeScaleEvent(b, kT0.addSecs(2))));
    VERIFY_OK(repo().insertScaleEvent(makeScaleEvent(a, kT0.addSecs(3))));
    const auto all = repo().scaleEvents(QUuid(), 10);
    VERIFY_OK(all);
    QCOMPARE(all->size(), 3);
    QCOMPARE(all->at(0).endpointId, a.id);
    QCOMPARE(all->at(0).time, kT0.addSecs(3));
    QCOMPARE(all->at(1).endpointId, b.id);
    QCOMPARE(all->at(2).time, kT0.addSecs(1));
    const auto newest = repo().scaleEvents(QUuid(), 2);
    VERIFY_OK(newest);
    QCOMPARE(newest->size(), 2);
    QCOMPARE(newest->at(1).endpointId, b.id);
    const auto onlyB = repo().scaleEvents(b.id, 10);
    VERIFY_OK(onlyB);
    QCOMPARE(onlyB->size(), 1);
}

void TestRepository::latestRolloutOfEachEndpoint()
{
    QList<Endpoint> endpoints;
    for (const QString &name : {QStringLiteral("rolled-a"), QStringLiteral("rolled-b"), QStringLiteral("never")}) {
        endpoints.append(makeEndpoint(name));
        VERIFY_OK(repo().insertEndpoint(endpoints.last()));
    }
    QList<Revision> revisions;
    for (const Endpoint &e : std::as_const(endpoints)) {
        for (int number : {1, 2}) {
            revisions.append(makeRevision(e, number));
            VERIFY_OK(repo().insertRevision(revisions.last()));
        }
    }
    const auto rollout = [&](int endpoint, int createdSecs) {
        Rollout r;
        r.id = QUuid::createUuid();
        r.endpointId = endpoints.at(endpoint).id;
        r.fromRevisionId = revisions.at(2 * endpoint).id;
        r.toRevisionId = revisions.at(2 * endpoint + 1).id;
        r.phase = RolloutPhase::Succeeded;
        r.steps = {100};
        r.createdAt = r.updatedAt = r.stepStartedAt = kT0.addSecs(createdSecs);
        return r;
    };
    const Rollout a1 = rollout(0, 10);
    const Rollout a2 = rollout(0, 20);
    const Rollout a3 = rollout(0, 20);  // the same time: the later row is the newer, as rollouts() says
    const Rollout b1 = rollout(1, 5);
    for (const Rollout &r : {a1, a3, b1})
        VERIFY_OK(repo().insertRollout(r));
    VERIFY_OK(repo().insertRollout(a2));  // inserted last: newest of the two at 20 s

    const auto latest = repo().latestRolloutIds();
    VERIFY_OK(latest);
    QCOMPARE(latest->size(), 2);
    QCOMPARE(latest->value(endpoints.at(0).id), a2.id);
    QCOMPARE(latest->value(endpoints.at(1).id), b1.id);
    QVERIFY(!latest->contains(endpoints.at(2).id));
    for (int i : {0, 1}) {
        const auto one = repo().rollouts(endpoints.at(i).id, 1);
        VERIFY_OK(one);
        QCOMPARE(latest->value(endpoints.at(i).id), one->first().id);
    }
}

QTEST_GUILESS_MAIN(TestRepository)
#include "test_repository.moc"
