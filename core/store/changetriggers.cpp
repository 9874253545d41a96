#include "store/changetriggers.h"

#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

namespace ServeDeck {

namespace {

const QString kFunction = QStringLiteral("servedeck_notify_change");
const QString kTrigger = QStringLiteral("servedeck_changes");

// Table names are ours (sharedTables() or a test's), but they go into DDL unquoted: plain only.
bool isPlainIdentifier(const QString &name)
{
    static const QRegularExpression plain(QStringLiteral("^[a-z_][a-z0-9_]{0,62}$"));
    return plain.match(name).hasMatch();
}

} // namespace

QString ChangeTriggers::channel()
{
    return QStringLiteral("servedeck_changes");
}

const QStringList &ChangeTriggers::sharedTables()
{
    static const QStringList tables{
        QStringLiteral("endpoints"),          QStringLiteral("revisions"),
        QStringLiteral("routes"),             QStringLiteral("endpoint_aliases"),
        QStringLiteral("autoscaling_rules"),  QStringLiteral("autoscale_settings"),
        QStringLiteral("token_grants"),       QStringLiteral("errors"),
        QStringLiteral("scale_events"),       QStringLiteral("rollouts"),
        QStringLiteral("rollout_decisions"),  QStringLiteral("rollout_events"),
        QStringLiteral("agent_credentials"),  QStringLiteral("history_retention"),
        QStringLiteral("load_tests"),         QStringLiteral("notification_channels"),
        QStringLiteral("alert_rules"),        QStringLiteral("notification_deliveries"),
        QStringLiteral("usage_prices"),       QStringLiteral("usage_retention"),
        QStringLiteral("jobs"),               QStringLiteral("job_settings"),
    };
    return tables;
}

Result<Done> ChangeTriggers::install(QSqlDatabase &db, const QStringList &tables)
{
    if (db.driverName() != QLatin1String("QPSQL"))
        return makeError(ErrorType::InvalidArgument, QStringLiteral("change triggers are PostgreSQL's only"));
    for (const QString &table : tables) {
        if (!isPlainIdentifier(table))
            return makeError(ErrorType::InvalidArgument, QStringLiteral("not a plain table name: %1").arg(table));
    }
    QStringList statements{
        // Its own key pair (the two-integer form): no clash with the leader election's lock.
        QStringLiteral("SELECT pg_advisory_xact_lock(hashtext('servedeck'), hashtext('change_triggers'))"),
        // DROP TRIGGER IF EXISTS says NOTICE on a first install: not worth a line in every log.
        QStringLiteral("SET LOCAL client_min_messages = warning"),
        // A statement that changed no row says nothing: a reconciler's idle UPDATE would otherwise
        // reload every console at each pass (statement-level triggers fire on zero rows too).
        QStringLiteral("CREATE OR REPLACE FUNCTION %1() RETURNS trigger LANGUAGE plpgsql AS $body$ BEGIN"
                       " IF TG_OP = 'TRUNCATE' THEN PERFORM pg_notify('%2', TG_TABLE_NAME);"
                       " ELSIF EXISTS (SELECT 1 FROM changed_rows) THEN PERFORM pg_notify('%2', TG_TABLE_NAME);"
                       " END IF; RETURN NULL; END $body$")
            .arg(kFunction, channel()),
    };
    // A transition table belongs to one event: a trigger for each.
    struct Event
    {
        const char *suffix;
        const char *when;
        const char *referencing;
    };
    static constexpr Event events[]{{"ins", "INSERT", "REFERENCING NEW TABLE AS changed_rows"},
                                    {"upd", "UPDATE", "REFERENCING NEW TABLE AS changed_rows"},
                                    {"del", "DELETE", "REFERENCING OLD TABLE AS changed_rows"},
                                    {"trunc", "TRUNCATE", ""}};
    QStringList triggers;
    QStringList quotedTables;
    for (const QString &table : tables) {
        quotedTables << u'\'' + table + u'\'';  // plain identifiers, checked above
        for (const Event &event : events) {
            const QString name = kTrigger + u'_' + QLatin1String(event.suffix);
            triggers << QStringLiteral("DROP TRIGGER IF EXISTS %1 ON %2").arg(name, table)
                     << QStringLiteral("CREATE TRIGGER %1 AFTER %2 ON %3 %4 FOR EACH STATEMENT EXECUTE FUNCTION %5()")
                            .arg(name, QLatin1String(event.when), table, QLatin1String(event.referencing), kFunction);
        }
    }
    if (!db.transaction())
        return makeError(ErrorType::StorageError,
                         QStringLiteral("change triggers: no transaction: %1").arg(db.lastError().text()));
    QSqlQuery query(db);
    const auto failed = [&query, &db]() -> ServiceError {
        const QString error = query.lastError().text();
        query.finish();
        db.rollback();
        return makeError(ErrorType::StorageError, QStringLiteral("change triggers: %1").arg(error));
    };
    // DROP TRIGGER locks its table against every reader and writer: a console starting beside a
    // busy plane waits at most this long (then fails its start) rather than stall everyone.
    if (!query.exec(QStringLiteral("SET LOCAL lock_timeout = '5s'")))
        return failed();
    for (const QString &sql : std::as_const(statements)) {
        if (!query.exec(sql))
            return failed();
    }
    // Every console starts here: where the whole set is in place already, leave the live tables alone.
    const QString present =
        QStringLiteral("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
                       " AND t.tgfoid = '%1'::regproc AND c.relname IN (%2)")
            .arg(kFunction, quotedTables.join(u','));
    if (!query.exec(present) || !query.next())
        return failed();
    const bool installed = query.value(0).toLongLong() == qint64(tables.size()) * qint64(std::size(events));
    query.finish();
    if (!installed) {
        for (const QString &sql : std::as_const(triggers)) {
            if (!query.exec(sql))
                return failed();
        }
    }
    query.finish();
    if (!db.commit()) {
        const QString error = db.lastError().text();
        db.rollback();
        return makeError(ErrorType::StorageError, QStringLiteral("change triggers: commit: %1").arg(error));
    }
    return Done{};
}

} // namespace ServeDeck
