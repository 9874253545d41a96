#include "repository.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

#include "schema.h"
#include "sqldialect.h"
#include "sqlvalue.h"
#include "storelog.h"

namespace ServeDeck {

namespace {

using SqlValue::fromMs;
using SqlValue::idOrNull;
using SqlValue::idText;
using SqlValue::ms;
using SqlValue::nonNullText;

QVariant ms(const std::optional<QDateTime> &t)
{
    return t ? ms(*t) : QVariant(QMetaType::fromType<qint64>());
}

std::optional<QDateTime> optionalFromMs(const QVariant &v)
{
    if (v.isNull())
        return std::nullopt;
    return fromMs(v);
}

QVariant nullableInt(const std::optional<int> &v)
{
    return v ? QVariant(*v) : QVariant(QMetaType::fromType<int>());
}

// NULL: no latency target.
QVariant latencyTargetValue(const Endpoint &e)
{
    return e.latencyTargetMs ? QVariant(*e.latencyTargetMs) : QVariant(QMetaType::fromType<int>());
}

// NULL: the endpoint takes the default (rules queue, manual actions do not).
QVariant queueWhenFullValue(const Endpoint &e)
{
    return e.queueWhenFull ? QVariant(*e.queueWhenFull ? 1 : 0) : QVariant(QMetaType::fromType<int>());
}

QString jsonText(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QString jsonText(const QStringList &list)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact));
}

QStringList stringList(const QVariant &v)
{
    QStringList out;
    const auto array = QJsonDocument::fromJson(v.toString().toUtf8()).array();
    for (const auto &item : array)
        out << item.toString();
    return out;
}

ServiceError sqlError(const QSqlError &error, const QString &what)
{
    return makeError(ErrorType::StorageError, QStringLiteral("%1: %2").arg(what, error.text()),
                     {{QStringLiteral("native_code"), error.nativeErrorCode()}});
}

Result<QSqlQuery> run(const QString &connection, const QString &sql, const QVariantList &binds = {})
{
    QSqlQuery q(QSqlDatabase::database(connection, false));
    q.setForwardOnly(true);
    // Without binds, run as it is: PostgreSQL prepares no DDL, and QPSQL's prepared statement
    // costs two more round trips (PREPARE, DEALLOCATE).
    if (binds.isEmpty()) {
        if (!q.exec(sql))
            return sqlError(q.lastError(), QStringLiteral("query"));
        return q;
    }
    if (!q.prepare(sql))
        return sqlError(q.lastError(), QStringLiteral("prepare"));
    for (const auto &b : binds)
        q.addBindValue(b);
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("query"));
    return q;
}

Result<Done> runChecked(const QString &connection, const QString &sql, const QVariantList &binds,
                        const QString &notFoundWhat = {})
{
    auto q = run(connection, sql, binds);
    if (!q)
        return q.error();
    if (!notFoundWhat.isEmpty() && q.value().numRowsAffected() == 0)
        return makeError(ErrorType::NotFound, notFoundWhat + QStringLiteral(" not found"));
    return Done{};
}

ServiceError transactionError(const QSqlDatabase &db, const QString &what)
{
    return sqlError(db.lastError(), what);
}

// SQLite: BEGIN IMMEDIATE takes the write lock up front, so two processes never deadlock
// upgrading a read lock. PostgreSQL: READ COMMITTED (its default), through the driver, so that
// commit() learns of a transaction an earlier statement aborted (PostgreSQL answers COMMIT
// there with ROLLBACK, and QPSQL reports that as a failure). A connection the server dropped
// (a restart, a cut) is opened again once per transaction: the next transaction after a loss
// recovers, a server still down fails it as StorageError.
Result<Done> startTransaction(const QString &connection, bool postgres)
{
    if (!postgres) {
        if (auto q = run(connection, QStringLiteral("BEGIN IMMEDIATE")); !q)
            return q.error();
        return Done{};
    }
    QSqlDatabase db = QSqlDatabase::database(connection, false);
    if (!db.transaction()) {
        qCWarning(lcStore, "cannot begin a transaction (%s): connecting to the database again",
                  qUtf8Printable(db.lastError().text()));
        db.close();
        if (!db.open())
            return transactionError(db, QStringLiteral("reconnect"));
        if (!db.transaction())
            return transactionError(db, QStringLiteral("begin"));
    }
    // What BEGIN IMMEDIATE is on SQLite: one writing transaction at a time, whichever process.
    // The services read, decide and write back whole rows (an endpoint, a route, a job) inside
    // transaction(); under READ COMMITTED alone two consoles would overwrite each other's change
    // or both take the same job or name. Held until COMMIT or ROLLBACK; a wait is bounded as
    // SQLite's busy timeout is (then StorageError).
    const QString writerLock = QStringLiteral("SET LOCAL lock_timeout = '%1ms'; SELECT pg_advisory_xact_lock(%2, %3)")
                                   .arg(SqlDialect::kWriterLockTimeoutMs)
                                   .arg(SqlDialect::kLockSpace)
                                   .arg(SqlDialect::kWriterLock);
    if (auto locked = run(connection, writerLock); !locked) {
        db.rollback();
        return locked.error();
    }
    return Done{};
}

Result<Done> commitTransaction(const QString &connection, bool postgres)
{
    if (!postgres) {
        if (auto q = run(connection, QStringLiteral("COMMIT")); !q) {
            // A failed COMMIT leaves the transaction open; nothing more can be reported than the first error.
            static_cast<void>(run(connection, QStringLiteral("ROLLBACK")));
            return q.error();
        }
        return Done{};
    }
    QSqlDatabase db = QSqlDatabase::database(connection, false);
    if (db.commit())
        return Done{};
    const ServiceError error = transactionError(db, QStringLiteral("commit"));
    db.rollback();
    return error;
}

Result<Done> rollbackTransaction(const QString &connection, bool postgres)
{
    if (!postgres) {
        if (auto q = run(connection, QStringLiteral("ROLLBACK")); !q)
            return q.error();
        return Done{};
    }
    QSqlDatabase db = QSqlDatabase::database(connection, false);
    if (!db.rollback())
        return transactionError(db, QStringLiteral("rollback"));
    return Done{};
}

// Row mappers read by position, in the order of the k...Columns lists: a lookup by name per field
// per row was most of a large reconciler pass.
const QString kEndpointColumns = QStringLiteral(
    "id, name, model_version, model_folder, runtime_variant, resource_slots, resource_group, replicas, "
    "public, lifecycle, retries, url, current_revision_id, created_at, updated_at, cb_max_connections, "
    "cb_max_pending_requests, cb_max_requests_per_connection, cb_consecutive_errors, cb_base_ejection_seconds, "
    "cb_max_ejection_percent, priority, queue_when_full, allow_preemption, latency_target_ms, job_concurrency");
const QString kRevisionColumns = QStringLiteral(
    "id, endpoint_id, number, model_version, model_folder, runtime_variant, created_at, match_header_name, "
    "match_header_value, mode, replicas");
const QString kRouteColumns = QStringLiteral(
    "id, endpoint_id, revision_id, status, weight, replica_id, agent_id, created_at, updated_at, pending_reason, "
    "pending_since, pending_retry_at");

Endpoint endpointFrom(const QSqlQuery &q)
{
    Endpoint e;
    e.id = QUuid::fromString(q.value(0).toString());
    e.name = q.value(1).toString();
    e.modelVersion = q.value(2).toString();
    e.modelFolder = q.value(3).toString();
    e.runtimeVariant = q.value(4).toString();
    if (auto parsed = ResourceSlots::fromJson(QJsonDocument::fromJson(q.value(5).toString().toUtf8()).object()))
        e.resourceSlots = *parsed;
    e.resourceGroup = q.value(6).toString();
    e.replicas = q.value(7).toInt();
    e.isPublic = q.value(8).toBool();
    e.lifecycle = lifecycleFromName(q.value(9).toString()).value_or(EndpointLifecycle::Created);
    e.retries = q.value(10).toInt();
    e.url = q.value(11).toString();
    e.currentRevisionId = QUuid::fromString(q.value(12).toString());
    e.createdAt = fromMs(q.value(13));
    e.updatedAt = fromMs(q.value(14));
    e.circuitBreaker.maxConnections = q.value(15).toInt();
    e.circuitBreaker.maxPendingRequests = q.value(16).toInt();
    e.circuitBreaker.maxRequestsPerConnection = q.value(17).toInt();
    e.circuitBreaker.consecutiveErrors = q.value(18).toInt();
    e.circuitBreaker.baseEjectionSeconds = q.value(19).toInt();
    e.circuitBreaker.maxEjectionPercent = q.value(20).toInt();
    e.priority = q.value(21).toInt();
    if (!q.value(22).isNull())
        e.queueWhenFull = q.value(22).toBool();
    e.allowPreemption = q.value(23).toBool();
    if (!q.value(24).isNull())
        e.latencyTargetMs = q.value(24).toInt();
    e.jobConcurrency = q.value(25).toInt();
    return e;
}

Result<QStringList> aliasesOf(const QString &connectionName, const QUuid &endpointId)
{
    auto q = run(connectionName, QStringLiteral("SELECT alias FROM endpoint_aliases WHERE endpoint_id=? ORDER BY position"),
                 {idText(endpointId)});
    if (!q)
        return q.error();
    QStringList out;
    while (q.value().next())
        out << q.value().value(0).toString();
    return out;
}

Route routeFrom(const QSqlQuery &q)
{
    Route r;
    r.id = QUuid::fromString(q.value(0).toString());
    r.endpointId = QUuid::fromString(q.value(1).toString());
    r.revisionId = QUuid::fromString(q.value(2).toString());
    r.status = routeStatusFromName(q.value(3).toString()).value_or(RouteStatus::Provisioning);
    r.weight = q.value(4).toInt();
    r.replicaId = q.value(5).toString();
    r.agentId = q.value(6).toString();
    r.createdAt = fromMs(q.value(7));
    r.updatedAt = fromMs(q.value(8));
    r.pendingReason = q.value(9).toString();
    if (!q.value(10).isNull())
        r.pendingSince = fromMs(q.value(10));
    if (!q.value(11).isNull())
        r.retryAt = fromMs(q.value(11));
    return r;
}

Revision revisionFrom(const QSqlQuery &q)
{
    Revision r;
    r.id = QUuid::fromString(q.value(0).toString());
    r.endpointId = QUuid::fromString(q.value(1).toString());
    r.number = q.value(2).toInt();
    r.modelVersion = q.value(3).toString();
    r.modelFolder = q.value(4).toString();
    r.runtimeVariant = q.value(5).toString();
    r.createdAt = fromMs(q.value(6));
    if (!q.value(7).isNull())
        r.matchHeader = HeaderMatch{q.value(7).toString(), q.value(8).toString()};
    r.mode = revisionModeFromName(q.value(9).toString()).value_or(RevisionMode::Serve);
    r.replicas = q.value(10).toInt();
    return r;
}

QVariant nullableText(const std::optional<QString> &text)
{
    return text ? QVariant(*text) : QVariant(QMetaType::fromType<QString>());
}

AutoScalingRule ruleFrom(const QSqlQuery &q)
{
    AutoScalingRule r;
    r.id = QUuid::fromString(q.value(QStringLiteral("id")).toString());
    r.endpointId = QUuid::fromString(q.value(QStringLiteral("endpoint_id")).toString());
    r.source = metricSourceFromName(q.value(QStringLiteral("metric_source")).toString()).value_or(MetricSource::Kernel);
    r.metric = q.value(QStringLiteral("metric")).toString();
    r.comparator = comparatorFromText(q.value(QStringLiteral("comparator")).toString()).value_or(Comparator::GreaterThan);
    r.threshold = q.value(QStringLiteral("threshold")).toDouble();
    r.stepSize = q.value(QStringLiteral("step_size")).toInt();
    const auto target = q.value(QStringLiteral("target_per_replica"));
    if (!target.isNull())
        r.targetPerReplica = target.toDouble();
    r.minReplicas = q.value(QStringLiteral("min_replicas")).toInt();
    r.maxReplicas = q.value(QStringLiteral("max_replicas")).toInt();
    r.scaleUpDelay = q.value(QStringLiteral("scale_up_delay")).toInt();
    r.scaleDownDelay = q.value(QStringLiteral("scale_down_delay")).toInt();
    r.cooldown = q.value(QStringLiteral("cooldown")).toInt();
    r.createdAt = fromMs(q.value(QStringLiteral("created_at")));
    r.updatedAt = fromMs(q.value(QStringLiteral("updated_at")));
    return r;
}

template<typename T, typename Map>
Result<QList<T>> collect(Result<QSqlQuery> q, Map map)
{
    if (!q)
        return q.error();
    QList<T> out;
    while (q.value().next())
        out.append(map(q.value()));
    return out;
}

} // namespace

Repository::Repository()
    : m_connectionName(QStringLiteral("servedeck-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
{
}

Repository::~Repository()
{
    {
        auto db = QSqlDatabase::database(m_connectionName, false);
        if (db.isValid())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

Result<Done> Repository::open(const StoreLocation &location)
{
    m_location = location;
    if (location.isPostgres()) {
        // A console stopped inside a transaction (SIGSTOP, a suspended laptop) holds the writers'
        // lock and, as the leader, the lease row's share lock for as long as it stays stopped:
        // every console's writes and any takeover would wait on it, and it would commit when it
        // resumed. The server ends such a session after 5 s (above the 3 s lease; no transaction
        // here idles between its statements for nearly that long), so nothing it wrote commits.
        StoreLocation session = location;
        session.connectOptions += QLatin1String(session.connectOptions.isEmpty() ? "" : ";")
            + QStringLiteral("options='-c idle_in_transaction_session_timeout=5000'");
        if (auto opened = session.openConnection(m_connectionName); !opened)
            return opened;
    } else {
        const QString &databasePath = location.path;
        QDir().mkpath(QFileInfo(databasePath).absolutePath());
        auto db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
        db.setDatabaseName(databasePath);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open())
            return sqlError(db.lastError(), QStringLiteral("cannot open %1").arg(databasePath));
        // WAL keeps readers off the writer's back; FULL sync makes each commit durable, not just atomic.
        for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=FULL"}) {
            if (auto q = run(m_connectionName, QString::fromLatin1(pragma)); !q)
                return q.error();
        }
    }
    if (auto migrated = migrate(); !migrated)
        return migrated;
    if (auto loaded = loadHistoryRetention(); !loaded)
        return loaded;
    // What piled up while nothing pruned (a retention made shorter, a long stop) goes at start.
    if (auto pruned = pruneHistory(QDateTime::currentDateTimeUtc()); !pruned)
        return pruned.error();
    return Done{};
}

Result<Done> Repository::loadHistoryRetention()
{
    auto q = run(m_connectionName,
                 QStringLiteral("SELECT max_age_days, max_rows_per_endpoint FROM history_retention WHERE id = 1"));
    if (!q)
        return q.error();
    HistoryRetention retention;
    if (q.value().next()) {
        retention.maxAgeDays = q.value().value(0).toInt();
        retention.maxRowsPerEndpoint = q.value().value(1).toInt();
    }
    m_retention = retention;
    return Done{};
}

Result<Done> Repository::saveHistoryRetention(const HistoryRetention &retention, const QDateTime &now)
{
    if (!retention.isValid())
        return makeError(ErrorType::InvalidArgument, QStringLiteral("retention out of range"));
    const HistoryRetention before = m_retention;
    m_retention = retention;  // what the prune below applies
    auto saved = transaction<Done>([&]() -> Result<Done> {
        auto stored = runChecked(
            m_connectionName,
            QStringLiteral("INSERT INTO history_retention(id, max_age_days, max_rows_per_endpoint, updated_at)"
                           " VALUES(1, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET max_age_days = excluded.max_age_days,"
                           " max_rows_per_endpoint = excluded.max_rows_per_endpoint, updated_at = excluded.updated_at"),
            {retention.maxAgeDays, retention.maxRowsPerEndpoint, QDateTime::currentMSecsSinceEpoch()});
        if (!stored)
            return stored;
        if (auto pruned = pruneHistory(now); !pruned)
            return pruned.error();
        return Done{};
    });
    if (!saved)
        m_retention = before;  // rolled back: the stored one stays in force
    return saved;
}

Result<int> Repository::pruneHistory(const QDateTime &now)
{
    int removed = 0;
    for (const QString &table : {QStringLiteral("errors"), QStringLiteral("scale_events")}) {
        auto pruned = pruneTable(table, QString(), now);
        if (!pruned)
            return pruned.error();
        removed += *pruned;
    }
    m_errorsSincePrune.clear();
    m_eventsSincePrune.clear();
    return removed;
}

Result<int> Repository::pruneTable(const QString &table, const QString &endpointId, const QDateTime &now)
{
    const QDateTime reference = now.isValid() ? now : QDateTime::currentDateTimeUtc();
    const qint64 cutoff = reference.addDays(-m_retention.maxAgeDays).toMSecsSinceEpoch();
    int removed = 0;
    // By age: through the (endpoint_id, created_at) index when one endpoint is named.
    const QString byAge = endpointId.isEmpty()
        ? QStringLiteral("DELETE FROM %1 WHERE created_at < ?").arg(table)
        : QStringLiteral("DELETE FROM %1 WHERE endpoint_id = ? AND created_at < ?").arg(table);
    auto aged = run(m_connectionName, byAge, endpointId.isEmpty() ? QVariantList{cutoff} : QVariantList{endpointId, cutoff});
    if (!aged)
        return aged.error();
    removed += aged.value().numRowsAffected();

    // By count: an endpoint keeps its newest rows (by insertion order).
    QStringList endpoints{endpointId};
    if (endpointId.isEmpty()) {
        endpoints.clear();
        auto over = run(m_connectionName, QStringLiteral("SELECT endpoint_id FROM %1 GROUP BY endpoint_id HAVING COUNT(*) > ?")
                                              .arg(table),
                        {m_retention.maxRowsPerEndpoint});
        if (!over)
            return over.error();
        while (over.value().next())
            endpoints << over.value().value(0).toString();
    }
    for (const QString &id : std::as_const(endpoints)) {
        auto counted = run(m_connectionName,
                           QStringLiteral("DELETE FROM %1 WHERE endpoint_id = ? AND id <= (SELECT id FROM %1"
                                          " WHERE endpoint_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)")
                               .arg(table),
                           {id, id, m_retention.maxRowsPerEndpoint});
        if (!counted)
            return counted.error();
        removed += counted.value().numRowsAffected();
    }
    if (removed > 0)
        qCInfo(lcStore, "pruned %d rows of %s past the retention (%d days, %d rows per endpoint)", removed,
               qUtf8Printable(table), m_retention.maxAgeDays, m_retention.maxRowsPerEndpoint);
    return removed;
}

Result<Done> Repository::notePruneDue(QHash<QString, int> &counts, const QString &table, const QString &endpointId,
                                      const QDateTime &now)
{
    int &count = counts[endpointId];
    if (++count < kPruneBatch)
        return Done{};
    count = 0;
    auto pruned = pruneTable(table, endpointId, now);
    if (!pruned)
        return pruned.error();
    return Done{};
}

int Repository::schemaVersion() const
{
    auto q = run(m_connectionName, QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    return q && q.value().next() ? q.value().value(0).toInt() : 0;
}

Result<Done> Repository::migrate()
{
    const SqlDialect dialect(isPostgres() ? SqlDialect::Engine::Postgres : SqlDialect::Engine::Sqlite);
    // Two processes that start on a new PostgreSQL database at once: one migrates, the other then
    // finds it done. (SQLite's BEGIN IMMEDIATE serialises the steps; a second process's failing
    // CREATE TABLE there would show in its migration's error.)
    if (isPostgres()) {
        if (auto locked = run(m_connectionName, QStringLiteral("SELECT pg_advisory_lock(?, ?)"),
                              {SqlDialect::kLockSpace, SqlDialect::kMigrationLock});
            !locked)
            return locked.error();
    }
    const auto migrated = migrateSteps(dialect);
    if (isPostgres()) {
        if (auto unlocked = run(m_connectionName, QStringLiteral("SELECT pg_advisory_unlock(?, ?)"),
                                {SqlDialect::kLockSpace, SqlDialect::kMigrationLock});
            !unlocked && migrated)
            return unlocked.error();
    }
    return migrated;
}

Result<Done> Repository::migrateSteps(const SqlDialect &dialect)
{
    // PostgreSQL notices (to stderr) every IF NOT EXISTS that finds the table: asked first.
    bool versionTableExists = false;
    if (isPostgres()) {
        auto exists = run(m_connectionName, QStringLiteral("SELECT to_regclass('schema_migrations') IS NOT NULL"));
        if (!exists)
            return exists.error();
        versionTableExists = exists.value().next() && exists.value().value(0).toBool();
    }
    if (!versionTableExists) {
        if (auto q = run(m_connectionName, dialect.schemaVersionTable()); !q)
            return q.error();
    }
    const int current = schemaVersion();
    const auto &steps = schemaMigrations();
    if (current > int(steps.size()))
        return makeError(ErrorType::StorageError,
                         QStringLiteral("database schema version %1 is newer than this ServeDeck (%2)")
                             .arg(current)
                             .arg(steps.size()));
    for (int version = current + 1; version <= int(steps.size()); ++version) {
        auto applied = transaction<Done>([&]() -> Result<Done> {
            for (const QString &sql : steps[version - 1]) {
                if (auto q = run(m_connectionName, dialect.expand(sql)); !q)
                    return makeError(ErrorType::StorageError,
                                     QStringLiteral("migration %1 failed: %2").arg(version).arg(q.error().message));
            }
            return runChecked(m_connectionName,
                              QStringLiteral("INSERT INTO schema_migrations(version, applied_at) VALUES(?, ?)"),
                              {version, QDateTime::currentMSecsSinceEpoch()});
        });
        if (!applied)
            return applied.error();
    }
    return Done{};
}

Result<Done> Repository::begin()
{
    if (m_depth++ > 0)
        return Done{};
    // IMMEDIATE on SQLite; on PostgreSQL, READ COMMITTED and the writer lock (startTransaction says why).
    if (auto q = startTransaction(m_connectionName, isPostgres()); !q) {
        m_depth = 0;
        return q.error();
    }
    if (auto fenced = checkFencing(); !fenced) {
        static_cast<void>(rollbackTransaction(m_connectionName, isPostgres()));
        m_depth = 0;
        return fenced.error();
    }
    return Done{};
}

Result<Done> Repository::commit()
{
    if (--m_depth > 0)
        return Done{};
    if (auto q = commitTransaction(m_connectionName, isPostgres()); !q)
        return q.error();
    return Done{};
}

void Repository::rollback()
{
    // An inner failure propagates its error outward, so only the outermost level rolls back.
    if (--m_depth > 0)
        return;
    if (auto q = rollbackTransaction(m_connectionName, isPostgres()); !q)
        qCWarning(lcStore, "rollback failed: %s", qPrintable(q.error().message));
}

Result<Done> Repository::insertEndpoint(const Endpoint &e)
{
    return runChecked(m_connectionName,
                      QStringLiteral("INSERT INTO endpoints(") + kEndpointColumns
                          + QStringLiteral(") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
                      {idText(e.id), e.name, e.modelVersion, e.modelFolder, e.runtimeVariant,
                       jsonText(e.resourceSlots.toJson()), e.resourceGroup, e.replicas, e.isPublic ? 1 : 0,
                       lifecycleName(e.lifecycle), e.retries, e.url, idOrNull(e.currentRevisionId), ms(e.createdAt),
                       ms(e.updatedAt), e.circuitBreaker.maxConnections, e.circuitBreaker.maxPendingRequests,
                       e.circuitBreaker.maxRequestsPerConnection, e.circuitBreaker.consecutiveErrors,
                       e.circuitBreaker.baseEjectionSeconds, e.circuitBreaker.maxEjectionPercent, e.priority,
                       queueWhenFullValue(e), e.allowPreemption ? 1 : 0, latencyTargetValue(e), e.jobConcurrency});
}

Result<Done> Repository::updateEndpoint(const Endpoint &e)
{
    return runChecked(m_connectionName,
                      QStringLiteral("UPDATE endpoints SET name=?, model_version=?, model_folder=?, runtime_variant=?, "
                                     "resource_slots=?, resource_group=?, replicas=?, public=?, lifecycle=?, retries=?, "
                                     "url=?, current_revision_id=?, updated_at=?, cb_max_connections=?, "
                                     "cb_max_pending_requests=?, cb_max_requests_per_connection=?, "
                                     "cb_consecutive_errors=?, cb_base_ejection_seconds=?, cb_max_ejection_percent=?, priority=?, "
                                     "queue_when_full=?, allow_preemption=?, latency_target_ms=?, job_concurrency=? WHERE id=?"),
                      {e.name, e.modelVersion, e.modelFolder, e.runtimeVariant, jsonText(e.resourceSlots.toJson()),
                       e.resourceGroup, e.replicas, e.isPublic ? 1 : 0, lifecycleName(e.lifecycle), e.retries, e.url,
                       idOrNull(e.currentRevisionId), ms(e.updatedAt), e.circuitBreaker.maxConnections,
                       e.circuitBreaker.maxPendingRequests, e.circuitBreaker.maxRequestsPerConnection,
                       e.circuitBreaker.consecutiveErrors, e.circuitBreaker.baseEjectionSeconds,
                       e.circuitBreaker.maxEjectionPercent, e.priority, queueWhenFullValue(e),
                       e.allowPreemption ? 1 : 0, latencyTargetValue(e), e.jobConcurrency, idText(e.id)},
                      QStringLiteral("endpoint"));
}

Result<std::optional<Endpoint>> Repository::endpointById(const QUuid &id)
{
    auto list = collect<Endpoint>(
        run(m_connectionName, QStringLiteral("SELECT ") + kEndpointColumns + QStringLiteral(" FROM endpoints WHERE id=?"),
            {idText(id)}),
        endpointFrom);
    if (!list)
        return list.error();
    if (list->isEmpty())
        return std::optional<Endpoint>();
    if (auto aliases = aliasesOf(m_connectionName, list->first().id); !aliases)
        return aliases.error();
    else
        list.value().first().aliases = *aliases;
    return std::optional<Endpoint>(list->first());
}

Result<std::optional<Endpoint>> Repository::liveEndpointByName(const QString &name)
{
    auto list = collect<Endpoint>(run(m_connectionName,
                                      QStringLiteral("SELECT ") + kEndpointColumns
                                          + QStringLiteral(" FROM endpoints WHERE name=? AND lifecycle<>'TERMINATED'"),
                                      {name}),
                                  endpointFrom);
    if (!list)
        return list.error();
    if (list->isEmpty())
        return std::optional<Endpoint>();
    if (auto aliases = aliasesOf(m_connectionName, list->first().id); !aliases)
        return aliases.error();
    else
        list.value().first().aliases = *aliases;
    return std::optional<Endpoint>(list->first());
}

Result<QList<Endpoint>> Repository::endpoints(bool includeTerminated)
{
    const QString where = includeTerminated ? QString() : QStringLiteral(" WHERE lifecycle<>'TERMINATED'");
    auto list = collect<Endpoint>(
        run(m_connectionName, QStringLiteral("SELECT ") + kEndpointColumns + QStringLiteral(" FROM endpoints") + where
                                  + QStringLiteral(" ORDER BY created_at, name")),
        endpointFrom);
    if (!list)
        return list.error();
    auto aliases = endpointAliases();
    if (!aliases)
        return aliases.error();
    if (!aliases->isEmpty()) {
        for (Endpoint &e : list.value())
            e.aliases = aliases->value(e.id);
    }
    return list;
}

Result<Done> Repository::setEndpointAliases(const QUuid &endpointId, const QStringList &aliases)
{
    if (auto q = run(m_connectionName, QStringLiteral("DELETE FROM endpoint_aliases WHERE endpoint_id=?"), {idText(endpointId)});
        !q) {
        return q.error();
    }
    for (qsizetype i = 0; i < aliases.size(); ++i) {
        if (auto q = run(m_connectionName,
                         QStringLiteral("INSERT INTO endpoint_aliases(alias, endpoint_id, position) VALUES(?,?,?)"),
                         {aliases[i], idText(endpointId), int(i)});
            !q) {
            return q.error();
        }
    }
    return Done{};
}

Result<QHash<QUuid, QStringList>> Repository::endpointAliases()
{
    auto q = run(m_connectionName, QStringLiteral("SELECT endpoint_id, alias FROM endpoint_aliases ORDER BY endpoint_id, position"));
    if (!q)
        return q.error();
    QHash<QUuid, QStringList> out;
    while (q.value().next())
        out[QUuid::fromString(q.value().value(0).toString())].append(q.value().value(1).toString());
    return out;
}

Result<std::optional<QUuid>> Repository::endpointOfAlias(const QString &alias)
{
    auto q = run(m_connectionName, QStringLiteral("SELECT endpoint_id FROM endpoint_aliases WHERE alias=?"), {alias});
    if (!q)
        return q.error();
    if (!q.value().next())
        return std::optional<QUuid>();
    return std::optional<QUuid>(QUuid::fromString(q.value().value(0).toString()));
}

Result<int> Repository::rebaseEndpointUrls(const QString &proxyBaseUrl)
{
    auto q = run(m_connectionName, QStringLiteral("UPDATE endpoints SET url = ? || '/' || name WHERE url <> ? || '/' || name"),
                 {proxyBaseUrl, proxyBaseUrl});
    if (!q)
        return q.error();
    return q.value().numRowsAffected();
}

Result<Done> Repository::insertRevision(const Revision &r)
{
    const std::optional<QString> name = r.matchHeader ? std::optional(r.matchHeader->name) : std::nullopt;
    const std::optional<QString> value = r.matchHeader ? std::optional(r.matchHeader->value) : std::nullopt;
    return runChecked(m_connectionName,
                      QStringLiteral("INSERT INTO revisions(") + kRevisionColumns
                          + QStringLiteral(") VALUES(?,?,?,?,?,?,?,?,?,?,?)"),
                      {idText(r.id), idText(r.endpointId), r.number, r.modelVersion, r.modelFolder, r.runtimeVariant,
                       ms(r.createdAt), nullableText(name), nullableText(value), revisionModeName(r.mode), r.replicas});
}

Result<Done> Repository::updateRevision(const Revision &r)
{
    const std::optional<QString> name = r.matchHeader ? std::optional(r.matchHeader->name) : std::nullopt;
    const std::optional<QString> value = r.matchHeader ? std::optional(r.matchHeader->value) : std::nullopt;
    return runChecked(m_connectionName,
                      QStringLiteral("UPDATE revisions SET match_header_name=?, match_header_value=?, mode=?, replicas=? WHERE id=?"),
                      {nullableText(name), nullableText(value), revisionModeName(r.mode), r.replicas, idText(r.id)},
                      QStringLiteral("revision"));
}

Result<QList<Revision>> Repository::revisions(const QUuid &endpointId)
{
    return collect<Revision>(run(m_connectionName,
                                 QStringLiteral("SELECT ") + kRevisionColumns
                                     + QStringLiteral(" FROM revisions WHERE endpoint_id=? ORDER BY number"),
                                 {idText(endpointId)}),
                             revisionFrom);
}

Result<QHash<QUuid, Revision>> Repository::revisionsById()
{
    auto list = collect<Revision>(run(m_connectionName, QStringLiteral("SELECT ") + kRevisionColumns
                                                            + QStringLiteral(" FROM revisions")),
                                  revisionFrom);
    if (!list)
        return list.error();
    QHash<QUuid, Revision> out;
    out.reserve(list->size());
    for (Revision &r : list.value())
        out.insert(r.id, std::move(r));
    return out;
}

Result<QHash<QUuid, QString>> Repository::revisionVersions()
{
    auto q = run(m_connectionName, QStringLiteral("SELECT id, model_version FROM revisions"));
    if (!q)
        return q.error();
    QHash<QUuid, QString> out;
    while (q.value().next())
        out.insert(QUuid::fromString(q.value().value(0).toString()), q.value().value(1).toString());
    return out;
}

Result<Done> Repository::insertRoute(const Route &r)
{
    return runChecked(m_connectionName,
                      QStringLiteral("INSERT INTO routes(id, endpoint_id, revision_id, status, weight, replica_id, "
                                     "agent_id, created_at, updated_at, pending_reason, pending_since, pending_retry_at) "
                                     "VALUES(?,?,?,?,?,?,?,?,?,?,?,?)"),
                      {idText(r.id), idText(r.endpointId), idOrNull(r.revisionId), routeStatusName(r.status), r.weight,
                       r.replicaId, r.agentId, ms(r.createdAt), ms(r.updatedAt), nonNullText(r.pendingReason),
                       ms(r.pendingSince), ms(r.retryAt)});
}

Result<Done> Repository::updateRoute(const Route &r)
{
    return runChecked(m_connectionName,
                      QStringLiteral("UPDATE routes SET status=?, weight=?, replica_id=?, agent_id=?, updated_at=?, "
                                     "pending_reason=?, pending_since=?, pending_retry_at=? WHERE id=?"),
                      {routeStatusName(r.status), r.weight, r.replicaId, r.agentId, ms(r.updatedAt), nonNullText(r.pendingReason),
                       ms(r.pendingSince), ms(r.retryAt), idText(r.id)},
                      QStringLiteral("route"));
}

Result<Done> Repository::deleteRoute(const QUuid &routeId)
{
    return runChecked(m_connectionName, QStringLiteral("DELETE FROM routes WHERE id=?"), {idText(routeId)},
                      QStringLiteral("route"));
}

Result<std::optional<Route>> Repository::route(const QUuid &routeId)
{
    auto list = collect<Route>(run(m_connectionName, QStringLiteral("SELECT ") + kRouteColumns + QStringLiteral(" FROM routes WHERE id=?"), {idText(routeId)}),
                               routeFrom);
    if (!list)
        return list.error();
    return list->isEmpty() ? std::nullopt : std::optional<Route>(list->first());
}

Result<std::optional<Revision>> Repository::revision(const QUuid &revisionId)
{
    auto list = collect<Revision>(
        run(m_connectionName, QStringLiteral("SELECT ") + kRevisionColumns + QStringLiteral(" FROM revisions WHERE id=?"),
            {idText(revisionId)}),
        revisionFrom);
    if (!list)
        return list.error();
    return list->isEmpty() ? std::nullopt : std::optional<Revision>(list->first());
}

Result<QList<Route>> Repository::routes(const QUuid &endpointId)
{
    return collect<Route>(run(m_connectionName,
                              QStringLiteral("SELECT ") + kRouteColumns + QStringLiteral(" FROM routes WHERE endpoint_id=? ORDER BY created_at, id"),
                              {idText(endpointId)}),
                          routeFrom);
}

Result<QList<Route>> Repository::allRoutes()
{
    return collect<Route>(run(m_connectionName, QStringLiteral("SELECT ") + kRouteColumns + QStringLiteral(" FROM routes ORDER BY created_at, id")),
                          routeFrom);
}

Result<QHash<QUuid, QList<Route>>> Repository::routesByEndpoint()
{
    // No ORDER BY: sorting every route in SQL on each pass costs more than ordering the small groups here.
    auto routes = collect<Route>(run(m_connectionName, QStringLiteral("SELECT ") + kRouteColumns + QStringLiteral(" FROM routes")),
                                 routeFrom);
    if (!routes)
        return routes.error();
    QHash<QUuid, QList<Route>> grouped;
    for (Route &r : routes.value())
        grouped[r.endpointId].append(std::move(r));
    for (QList<Route> &group : grouped) {
        std::sort(group.begin(), group.end(), [](const Route &a, const Route &b) {
            return a.createdAt != b.createdAt ? a.createdAt < b.createdAt : a.id < b.id;
        });
    }
    return grouped;
}

Result<QList<EndpointRouteCounts>> Repository::endpointRouteCounts()
{
    return collect<EndpointRouteCounts>(
        run(m_connectionName,
            QStringLiteral(
                "SELECT e.id, e.replicas, e.lifecycle, COALESCE(c.active, 0), COALESCE(c.healthy, 0),"
                " COALESCE(c.total, 0), COALESCE(cur.active, 0),"
                " (SELECT COUNT(*) FROM revisions v WHERE v.endpoint_id = e.id"
                "  AND (e.current_revision_id IS NULL OR v.id <> e.current_revision_id)"
                "  AND v.replicas <> (SELECT COUNT(*) FROM routes r WHERE r.revision_id = v.id"
                "   AND r.status IN ('PROVISIONING','HEALTHY','UNHEALTHY','PENDING'))),"
                " EXISTS (SELECT 1 FROM rollouts o WHERE o.endpoint_id = e.id"
                "  AND (o.phase IN ('PROGRESSING','PAUSED','PROMOTING') OR o.warm_until IS NOT NULL))"
                " FROM endpoints e LEFT JOIN"
                " (SELECT endpoint_id, COUNT(CASE WHEN status IN ('PROVISIONING','HEALTHY','UNHEALTHY','PENDING')"
                "  THEN 1 END) AS active, COUNT(CASE WHEN status = 'HEALTHY' THEN 1 END) AS healthy, COUNT(*) AS total"
                "  FROM routes GROUP BY endpoint_id) c"
                " ON c.endpoint_id = e.id LEFT JOIN"
                " (SELECT revision_id, COUNT(*) AS active FROM routes"
                "  WHERE status IN ('PROVISIONING','HEALTHY','UNHEALTHY','PENDING') GROUP BY revision_id) cur"
                " ON cur.revision_id = e.current_revision_id WHERE e.lifecycle <> 'TERMINATED'")),
        [](const QSqlQuery &q) {
            EndpointRouteCounts c{QUuid::fromString(q.value(0).toString()), q.value(1).toInt(),
                                  lifecycleFromName(q.value(2).toString()).value_or(EndpointLifecycle::Created),
                                  q.value(3).toInt(), q.value(4).toInt(), q.value(5).toInt()};
            c.currentActive = q.value(6).toInt();
            c.revisionsOffCount = q.value(7).toInt();
            c.shapedByRollout = q.value(8).toBool();
            return c;
        });
}

Result<bool> Repository::hasPendingRoutes()
{
    auto q = run(m_connectionName, QStringLiteral("SELECT EXISTS (SELECT 1 FROM routes WHERE status = 'PENDING')"));
    if (!q)
        return q.error();
    return q.value().next() && q.value().value(0).toBool();
}

Result<QList<Route>> Repository::routesWithReplicas()
{
    return collect<Route>(run(m_connectionName, QStringLiteral("SELECT id, endpoint_id, status, replica_id, agent_id FROM routes"
                                                               " WHERE status = 'TERMINATING' OR replica_id <> ''")),
                          [](const QSqlQuery &q) {
                              Route r;
                              r.id = QUuid::fromString(q.value(0).toString());
                              r.endpointId = QUuid::fromString(q.value(1).toString());
                              r.status = routeStatusFromName(q.value(2).toString()).value_or(RouteStatus::Provisioning);
                              r.replicaId = q.value(3).toString();
                              r.agentId = q.value(4).toString();
                              return r;
                          });
}

Result<Done> Repository::insertRule(const AutoScalingRule &r)
{
    return runChecked(
        m_connectionName,
        QStringLiteral("INSERT INTO autoscaling_rules(id, endpoint_id, metric_source, metric, comparator, threshold, "
                       "step_size, target_per_replica, min_replicas, max_replicas, scale_up_delay, scale_down_delay, "
                       "cooldown, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
        {idText(r.id), idText(r.endpointId), metricSourceName(r.source), r.metric, comparatorName(r.comparator),
         r.threshold, r.stepSize,
         r.targetPerReplica ? QVariant(*r.targetPerReplica) : QVariant(QMetaType::fromType<double>()),
         r.minReplicas, r.maxReplicas, r.scaleUpDelay, r.scaleDownDelay, r.cooldown, ms(r.createdAt),
         ms(r.updatedAt)});
}

Result<Done> Repository::updateRule(const AutoScalingRule &r)
{
    return runChecked(
        m_connectionName,
        QStringLiteral("UPDATE autoscaling_rules SET metric_source=?, metric=?, comparator=?, threshold=?, "
                       "step_size=?, target_per_replica=?, min_replicas=?, max_replicas=?, scale_up_delay=?, "
                       "scale_down_delay=?, cooldown=?, updated_at=? WHERE id=?"),
        {metricSourceName(r.source), r.metric, comparatorName(r.comparator), r.threshold, r.stepSize,
         r.targetPerReplica ? QVariant(*r.targetPerReplica) : QVariant(QMetaType::fromType<double>()),
         r.minReplicas, r.maxReplicas, r.scaleUpDelay, r.scaleDownDelay, r.cooldown, ms(r.updatedAt), idText(r.id)},
        QStringLiteral("autoscaling rule"));
}

Result<Done> Repository::deleteRule(const QUuid &ruleId)
{
    return runChecked(m_connectionName, QStringLiteral("DELETE FROM autoscaling_rules WHERE id=?"), {idText(ruleId)},
                      QStringLiteral("autoscaling rule"));
}

Result<QList<AutoScalingRule>> Repository::rules(const QUuid &endpointId)
{
    return collect<AutoScalingRule>(
        run(m_connectionName,
            QStringLiteral("SELECT * FROM autoscaling_rules WHERE endpoint_id=? ORDER BY created_at, id"),
            {idText(endpointId)}),
        ruleFrom);
}

Result<Done> Repository::insertTokenGrant(const TokenGrant &g)
{
    return runChecked(m_connectionName,
                      QStringLiteral("INSERT INTO token_grants(id, endpoint_id, scope, expires_at, allowed_ips, "
                                     "created_at, revoked_at) VALUES(?,?,?,?,?,?,?)"),
                      {g.id, idText(g.endpointId), g.scope, ms(g.expiresAt), jsonText(g.allowedIps), ms(g.createdAt),
                       ms(g.revokedAt)});
}

Result<Done> Repository::revokeTokenGrant(const QString &tokenId, const QDateTime &when)
{
    return runChecked(m_connectionName,
                      QStringLiteral("UPDATE token_grants SET revoked_at=? WHERE id=? AND revoked_at IS NULL"),
                      {ms(when), tokenId}, QStringLiteral("active token"));
}

Result<QList<TokenGrant>> Repository::tokenGrants(const QUuid &endpointId)
{
    return collect<TokenGrant>(
        run(m_connectionName,
            QStringLiteral("SELECT id, endpoint_id, scope, expires_at, allowed_ips, created_at, revoked_at "
                           "FROM token_grants WHERE endpoint_id=? ORDER BY created_at, id"),
            {idText(endpointId)}),
        [](const QSqlQuery &q) {
            return TokenGrant{q.value(0).toString(), QUuid::fromString(q.value(1).toString()), q.value(2).toString(),
                              optionalFromMs(q.value(3)),  stringList(q.value(4)),
                              fromMs(q.value(5)),          optionalFromMs(q.value(6))};
        });
}

Result<QStringList> Repository::revokedTokenIds()
{
    auto q = run(m_connectionName, QStringLiteral("SELECT id FROM token_grants WHERE revoked_at IS NOT NULL"));
    if (!q)
        return q.error();
    QStringList out;
    while (q.value().next())
        out << q.value().value(0).toString();
    return out;
}

namespace {

AgentCredential agentCredentialFrom(const QSqlQuery &q)
{
    return AgentCredential{q.value(0).toString(), q.value(1).toByteArray(), fromMs(q.value(2)), optionalFromMs(q.value(3))};
}

} // namespace

Result<Done> Repository::insertAgentCredential(const AgentCredential &c)
{
    return runChecked(m_connectionName,
                      QStringLiteral("INSERT INTO agent_credentials(agent_id, secret_sha256, issued_at, revoked_at) "
                                     "VALUES(?,?,?,?)"),
                      {c.agentId, c.secretSha256, ms(c.issuedAt), ms(c.revokedAt)});
}

Result<std::optional<AgentCredential>> Repository::agentCredential(const QString &agentId)
{
    auto q = run(m_connectionName,
                 QStringLiteral("SELECT agent_id, secret_sha256, issued_at, revoked_at FROM agent_credentials "
                                "WHERE agent_id=?"),
                 {agentId});
    if (!q)
        return q.error();
    if (!q.value().next())
        return std::optional<AgentCredential>();
    return std::optional<AgentCredential>(agentCredentialFrom(q.value()));
}

Result<QList<AgentCredential>> Repository::agentCredentials()
{
    return collect<AgentCredential>(
        run(m_connectionName, QStringLiteral("SELECT agent_id, secret_sha256, issued_at, revoked_at "
                                             "FROM agent_credentials ORDER BY agent_id")),
        agentCredentialFrom);
}

Result<Done> Repository::revokeAgentCredential(const QString &agentId, const QDateTime &when)
{
    return runChecked(m_connectionName,
                      QStringLiteral("UPDATE agent_credentials SET revoked_at=? WHERE agent_id=? AND revoked_at IS NULL"),
                      {ms(when), agentId}, QStringLiteral("live agent credential"));
}

Result<qint64> Repository::insertError(const ErrorRecord &r)
{
    auto q = run(m_connectionName,
                 QStringLiteral("INSERT INTO errors(endpoint_id, route_id, replica_id, agent_id, type, message, "
                                "exit_code, signal, log_tail, created_at) VALUES(?,?,?,?,?,?,?,?,?,?) RETURNING id"),
                 {idText(r.endpointId), r.routeId, r.replicaId, r.agentId, r.type, r.message, nullableInt(r.exitCode),
                  nullableInt(r.signal), r.logTail, ms(r.time)});
    if (!q)
        return q.error();
    if (!q.value().next())
        return makeError(ErrorType::StorageError, QStringLiteral("the error's insert returned no id"));
    const qint64 id = q.value().value(0).toLongLong();
    if (auto pruned = notePruneDue(m_errorsSincePrune, QStringLiteral("errors"), idText(r.endpointId), r.time); !pruned)
        return pruned.error();
    return id;
}

Result<QList<ErrorRecord>> Repository::errors(const QUuid &endpointId, int limit, const QString &type)
{
    QString sql = QStringLiteral("SELECT id, created_at, endpoint_id, route_id, replica_id, agent_id, type, message, "
                                 "exit_code, signal, log_tail FROM errors WHERE 1=1");
    QVariantList binds;
    if (!endpointId.isNull()) {
        sql += QStringLiteral(" AND endpoint_id=?");
        binds << idText(endpointId);
    }
    if (!type.isEmpty()) {
        sql += QStringLiteral(" AND type=?");
        binds << type;
    }
    sql += QStringLiteral(" ORDER BY created_at DESC, id DESC LIMIT ?");
    binds << limit;
    return collect<ErrorRecord>(run(m_connectionName, sql, binds), [](const QSqlQuery &q) {
        ErrorRecord r;
        r.id = q.value(0).toLongLong();
        r.time = fromMs(q.value(1));
        r.endpointId = QUuid::fromString(q.value(2).toString());
        r.routeId = q.value(3).toString();
        r.replicaId = q.value(4).toString();
        r.agentId = q.value(5).toString();
        r.type = q.value(6).toString();
        r.message = q.value(7).toString();
        if (!q.value(8).isNull())
            r.exitCode = q.value(8).toInt();
        if (!q.value(9).isNull())
            r.signal = q.value(9).toInt();
        r.logTail = q.value(10).toString();
        return r;
    });
}

Result<int> Repository::clearErrors(const QUuid &endpointId)
{
    auto q = run(m_connectionName, QStringLiteral("DELETE FROM errors WHERE endpoint_id=?"), {idText(endpointId)});
    if (!q)
        return q.error();
    return q.value().numRowsAffected();
}

Result<Done> Repository::saveAutoscaleSettings(const AutoscaleSettings &s)
{
    auto q = run(m_connectionName,
                 QStringLiteral("INSERT INTO autoscale_settings(endpoint_id, schedule, idle_timeout, updated_at) VALUES(?,?,?,?) "
                                "ON CONFLICT(endpoint_id) DO UPDATE SET schedule=excluded.schedule, "
                                "idle_timeout=excluded.idle_timeout, updated_at=excluded.updated_at"),
                 {idText(s.endpointId), s.schedule.isNull() ? QStringLiteral("") : s.schedule, s.idleTimeoutSeconds, ms(s.updatedAt)});  // never NULL
    if (!q)
        return q.error();
    return Done{};
}

Result<QList<AutoscaleSettings>> Repository::autoscaleSettings()
{
    return collect<AutoscaleSettings>(
        run(m_connectionName, QStringLiteral("SELECT endpoint_id, schedule, idle_timeout, updated_at FROM autoscale_settings")),
        [](const QSqlQuery &q) {
            AutoscaleSettings s;
            s.endpointId = QUuid::fromString(q.value(0).toString());
            s.schedule = q.value(1).toString();
            s.idleTimeoutSeconds = q.value(2).toInt();
            s.updatedAt = fromMs(q.value(3));
            return s;
        });
}

Result<Done> Repository::insertLoadTest(const LoadTestRecord &r)
{
    if (auto q = run(m_connectionName,
                     QStringLiteral("INSERT INTO load_tests(id, endpoint_id, endpoint_name, created_at, passed, summary, "
                                    "result) VALUES(?,?,?,?,?,?,?)"),
                     {idText(r.id), idText(r.endpointId), r.endpointName, ms(r.createdAt), r.passed ? 1 : 0,
                      jsonText(r.summary), QString::fromUtf8(r.result)});
        !q)
        return q.error();
    // Bounded history: the endpoint's oldest runs past the cap go.
    return runChecked(m_connectionName,
                      QStringLiteral("DELETE FROM load_tests WHERE endpoint_id=? AND id NOT IN (SELECT id FROM load_tests"
                                     " WHERE endpoint_id=? ORDER BY created_at DESC, id DESC LIMIT ?)"),
                      {idText(r.endpointId), idText(r.endpointId), kMaxLoadTestsPerEndpoint});
}

namespace {

// The newest `limit` rows of one endpoint, or of every endpoint for a null id (sql ends in its FROM).
void newestOf(QString &sql, QVariantList &binds, const QUuid &endpointId, int limit)
{
    if (!endpointId.isNull()) {
        sql += QStringLiteral(" WHERE endpoint_id=?");
        binds << idText(endpointId);
    }
    sql += QStringLiteral(" ORDER BY created_at DESC, id DESC LIMIT ?");
    binds << limit;
}

LoadTestRecord loadTestRow(const QSqlQuery &q, bool withResult)
{
    LoadTestRecord r;
    r.id = QUuid::fromString(q.value(0).toString());
    r.endpointId = QUuid::fromString(q.value(1).toString());
    r.endpointName = q.value(2).toString();
    r.createdAt = fromMs(q.value(3));
    r.passed = q.value(4).toInt() != 0;
    r.summary = QJsonDocument::fromJson(q.value(5).toString().toUtf8()).object();
    if (withResult)
        r.result = q.value(6).toString().toUtf8();
    return r;
}

} // namespace

Result<QList<LoadTestRecord>> Repository::loadTests(const QUuid &endpointId, int limit)
{
    QString sql = QStringLiteral("SELECT id, endpoint_id, endpoint_name, created_at, passed, summary FROM load_tests");
    QVariantList binds;
    newestOf(sql, binds, endpointId, limit);
    return collect<LoadTestRecord>(run(m_connectionName, sql, binds),
                                   [](const QSqlQuery &q) { return loadTestRow(q, false); });
}

Result<std::optional<LoadTestRecord>> Repository::loadTest(const QUuid &id)
{
    auto q = run(m_connectionName,
                 QStringLiteral("SELECT id, endpoint_id, endpoint_name, created_at, passed, summary, result FROM load_tests"
                                " WHERE id=?"),
                 {idText(id)});
    if (!q)
        return q.error();
    if (!q.value().next())
        return std::optional<LoadTestRecord>();
    return std::optional<LoadTestRecord>(loadTestRow(q.value(), true));
}

Result<bool> Repository::deleteLoadTest(const QUuid &id)
{
    auto q = run(m_connectionName, QStringLiteral("DELETE FROM load_tests WHERE id=?"), {idText(id)});
    if (!q)
        return q.error();
    return q.value().numRowsAffected() > 0;
}

Result<qint64> Repository::insertScaleEvent(const ScaleEvent &e)
{
    auto q = run(m_connectionName,
                 QStringLiteral("INSERT INTO scale_events(endpoint_id, rule_id, replicas_before, replicas_after, "
                                "metric_value, reason, created_at) VALUES(?,?,?,?,?,?,?) RETURNING id"),
                 {idText(e.endpointId), e.ruleId, e.before, e.after,
                  e.metricValue ? QVariant(*e.metricValue) : QVariant(QMetaType::fromType<double>()), e.reason,
                  ms(e.time)});
    if (!q)
        return q.error();
    if (!q.value().next())
        return makeError(ErrorType::StorageError, QStringLiteral("the scale event's insert returned no id"));
    const qint64 id = q.value().value(0).toLongLong();
    if (auto pruned = notePruneDue(m_eventsSincePrune, QStringLiteral("scale_events"), idText(e.endpointId), e.time);
        !pruned)
        return pruned.error();
    return id;
}

Result<QList<ScaleEvent>> Repository::scaleEvents(const QUuid &endpointId, int limit)
{
    QString sql = QStringLiteral("SELECT id, created_at, endpoint_id, rule_id, replicas_before, replicas_after, "
                                 "metric_value, reason FROM scale_events");
    QVariantList binds;
    newestOf(sql, binds, endpointId, limit);
    return collect<ScaleEvent>(
        run(m_connectionName, sql, binds),
        [](const QSqlQuery &q) {
            ScaleEvent e;
            e.id = q.value(0).toLongLong();
            e.time = fromMs(q.value(1));
            e.endpointId = QUuid::fromString(q.value(2).toString());
            e.ruleId = q.value(3).toString();
            e.before = q.value(4).toInt();
            e.after = q.value(5).toInt();
            if (!q.value(6).isNull())
                e.metricValue = q.value(6).toDouble();
            e.reason = q.value(7).toString();
            return e;
        });
}

namespace {

const QString kRolloutColumns = QStringLiteral(
    "id, endpoint_id, from_revision_id, to_revision_id, strategy, phase, steps, step_index, interval_seconds, "
    "weight, max_surge_percent, max_unavailable, rollback_window_seconds, progress_deadline_seconds, max_failures, "
    "failures, failed_checks, min_requests, max_error_rate_increase, max_latency_ratio, min_latency_increase_ms, "
    "failure_threshold, reason, created_at, updated_at, step_started_at, finished_at, warm_until");

QString stepsText(const QList<int> &steps)
{
    QStringList parts;
    for (int step : steps)
        parts << QString::number(step);
    // Never a null string: that binds as NULL.
    return steps.isEmpty() ? QStringLiteral("") : parts.join(u',');
}

QList<int> stepsFrom(const QString &text)
{
    QList<int> steps;
    for (const QString &part : text.split(u',', Qt::SkipEmptyParts))
        steps << part.toInt();
    return steps;
}

// A null QString binds as NULL; the text columns are NOT NULL, empty when there is nothing.
QString text(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

QVariantList rolloutBinds(const Rollout &o)
{
    return {idText(o.id), idText(o.endpointId), idText(o.fromRevisionId), idText(o.toRevisionId),
            rolloutStrategyName(o.strategy), rolloutPhaseName(o.phase), stepsText(o.steps), o.stepIndex,
            o.intervalSeconds, o.weight, o.maxSurgePercent, o.maxUnavailable, o.rollbackWindowSeconds,
            o.progressDeadlineSeconds, o.maxFailures, o.failures, o.failedChecks, o.analysis.minRequests,
            o.analysis.maxErrorRateIncrease, o.analysis.maxLatencyRatio, o.analysis.minLatencyIncreaseMs,
            o.analysis.failureThreshold, text(o.reason), ms(o.createdAt), ms(o.updatedAt), ms(o.stepStartedAt),
            ms(o.finishedAt), ms(o.warmUntil)};
}

Rollout rolloutFrom(const QSqlQuery &q)
{
    Rollout o;
    o.id = QUuid::fromString(q.value(0).toString());
    o.endpointId = QUuid::fromString(q.value(1).toString());
    o.fromRevisionId = QUuid::fromString(q.value(2).toString());
    o.toRevisionId = QUuid::fromString(q.value(3).toString());
    o.strategy = rolloutStrategyFromName(q.value(4).toString()).value_or(RolloutStrategy::Rolling);
    o.phase = rolloutPhaseFromName(q.value(5).toString()).value_or(RolloutPhase::Aborted);
    o.steps = stepsFrom(q.value(6).toString());
    o.stepIndex = q.value(7).toInt();
    o.intervalSeconds = q.value(8).toInt();
    o.weight = q.value(9).toInt();
    o.maxSurgePercent = q.value(10).toInt();
    o.maxUnavailable = q.value(11).toInt();
    o.rollbackWindowSeconds = q.value(12).toInt();
    o.progressDeadlineSeconds = q.value(13).toInt();
    o.maxFailures = q.value(14).toInt();
    o.failures = q.value(15).toInt();
    o.failedChecks = q.value(16).toInt();
    o.analysis.minRequests = q.value(17).toInt();
    o.analysis.maxErrorRateIncrease = q.value(18).toDouble();
    o.analysis.maxLatencyRatio = q.value(19).toDouble();
    o.analysis.minLatencyIncreaseMs = q.value(20).toDouble();
    o.analysis.failureThreshold = q.value(21).toInt();
    o.reason = q.value(22).toString();
    o.createdAt = fromMs(q.value(23));
    o.updatedAt = fromMs(q.value(24));
    o.stepStartedAt = fromMs(q.value(25));
    o.finishedAt = fromMs(q.value(26));
    o.warmUntil = fromMs(q.value(27));
    return o;
}

QVariant nullableDouble(const std::optional<double> &v)
{
    return v ? QVariant(*v) : QVariant(QMetaType::fromType<double>());
}

std::optional<double> optionalDouble(const QVariant &v)
{
    return v.isNull() ? std::nullopt : std::optional<double>(v.toDouble());
}

} // namespace

Result<Done> Repository::insertRollout(const Rollout &rollout)
{
    return runChecked(m_connectionName,
                      QStringLiteral("INSERT INTO rollouts(") + kRolloutColumns
                          + QStringLiteral(") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
                      rolloutBinds(rollout));
}

Result<Done> Repository::updateRollout(const Rollout &rollout)
{
    QVariantList binds = rolloutBinds(rollout);
    binds.append(binds.takeFirst());  // the id goes last, in WHERE
    QString assignments;
    const QStringList columns = kRolloutColumns.split(QStringLiteral(", "));
    for (qsizetype i = 1; i < columns.size(); ++i)
        assignments += (i > 1 ? QStringLiteral(", ") : QString()) + columns[i] + QStringLiteral("=?");
    return runChecked(m_connectionName, QStringLiteral("UPDATE rollouts SET ") + assignments + QStringLiteral(" WHERE id=?"),
                      binds, QStringLiteral("rollout"));
}

Result<std::optional<Rollout>> Repository::rollout(const QUuid &rolloutId)
{
    auto list = collect<Rollout>(run(m_connectionName,
                                     QStringLiteral("SELECT ") + kRolloutColumns + QStringLiteral(" FROM rollouts WHERE id=?"),
                                     {idText(rolloutId)}),
                                 rolloutFrom);
    if (!list)
        return list.error();
    if (list->isEmpty())
        return std::optional<Rollout>();
    return std::optional<Rollout>(list->constFirst());
}

Result<QList<Rollout>> Repository::rollouts(const QUuid &endpointId, int limit)
{
    return collect<Rollout>(run(m_connectionName,
                                QStringLiteral("SELECT ") + kRolloutColumns
                                    + QStringLiteral(" FROM rollouts WHERE endpoint_id=? ORDER BY created_at DESC, rowid DESC LIMIT ?"),
                                {idText(endpointId), limit}),
                            rolloutFrom);
}

Result<QHash<QUuid, QUuid>> Repository::latestRolloutIds()
{
    auto q = run(m_connectionName,
                 QStringLiteral("SELECT endpoint_id, id FROM (SELECT endpoint_id, id, ROW_NUMBER() OVER"
                                " (PARTITION BY endpoint_id ORDER BY created_at DESC, rowid DESC) AS n FROM rollouts)"
                                " AS ranked WHERE n = 1"));
    if (!q)
        return q.error();
    QHash<QUuid, QUuid> latest;
    while (q->next())
        latest.insert(QUuid::fromString(q->value(0).toString()), QUuid::fromString(q->value(1).toString()));
    return latest;
}

Result<QList<Rollout>> Repository::shapingRollouts()
{
    return collect<Rollout>(run(m_connectionName,
                                QStringLiteral("SELECT ") + kRolloutColumns
                                    + QStringLiteral(" FROM rollouts WHERE phase IN ('PROGRESSING','PAUSED','PROMOTING')"
                                                     " OR warm_until IS NOT NULL")),
                            rolloutFrom);
}

Result<Done> Repository::insertRolloutDecision(const QUuid &rolloutId, const AnalysisDecision &d)
{
    return runChecked(m_connectionName,
                      QStringLiteral("INSERT INTO rollout_decisions(rollout_id, step, check_name, canary_requests, "
                                     "stable_requests, canary_value, stable_value, effect, verdict, note, created_at) "
                                     "VALUES(?,?,?,?,?,?,?,?,?,?,?)"),
                      {idText(rolloutId), d.step, d.check, d.canaryRequests, d.stableRequests,
                       nullableDouble(d.canaryValue), nullableDouble(d.stableValue), nullableDouble(d.effect),
                       analysisVerdictName(d.verdict), text(d.note), ms(d.at)});
}

Result<QList<AnalysisDecision>> Repository::rolloutDecisions(const QUuid &rolloutId)
{
    return collect<AnalysisDecision>(
        run(m_connectionName,
            QStringLiteral("SELECT step, check_name, canary_requests, stable_requests, canary_value, stable_value, "
                           "effect, verdict, note, created_at FROM rollout_decisions WHERE rollout_id=? ORDER BY id"),
            {idText(rolloutId)}),
        [](const QSqlQuery &q) {
            AnalysisDecision d;
            d.step = q.value(0).toInt();
            d.check = q.value(1).toString();
            d.canaryRequests = q.value(2).toLongLong();
            d.stableRequests = q.value(3).toLongLong();
            d.canaryValue = optionalDouble(q.value(4));
            d.stableValue = optionalDouble(q.value(5));
            d.effect = optionalDouble(q.value(6));
            d.verdict = analysisVerdictFromName(q.value(7).toString()).value_or(AnalysisVerdict::Inconclusive);
            d.note = q.value(8).toString();
            d.at = fromMs(q.value(9));
            return d;
        });
}

Result<Done> Repository::insertRolloutEvent(const QUuid &rolloutId, const RolloutEvent &e)
{
    return runChecked(m_connectionName,
                      QStringLiteral("INSERT INTO rollout_events(rollout_id, phase, step, weight, message, created_at) "
                                     "VALUES(?,?,?,?,?,?)"),
                      {idText(rolloutId), rolloutPhaseName(e.phase), e.step, e.weight, text(e.message), ms(e.at)});
}

Result<QList<RolloutEvent>> Repository::rolloutEvents(const QUuid &rolloutId)
{
    return collect<RolloutEvent>(
        run(m_connectionName,
            QStringLiteral("SELECT phase, step, weight, message, created_at FROM rollout_events WHERE rollout_id=? ORDER BY id"),
            {idText(rolloutId)}),
        [](const QSqlQuery &q) {
            RolloutEvent e;
            e.phase = rolloutPhaseFromName(q.value(0).toString()).value_or(RolloutPhase::Progressing);
            e.step = q.value(1).toInt();
            e.weight = q.value(2).toInt();
            e.message = q.value(3).toString();
            e.at = fromMs(q.value(4));
            return e;
        });
}

} // namespace ServeDeck
