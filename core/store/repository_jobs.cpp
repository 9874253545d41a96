// The job queue's tables: jobs, job_bodies (request bodies, kept apart so that updating a job
// never rewrites its body) and job_settings (retention).
#include "repository.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include "sqlvalue.h"

namespace ServeDeck {

namespace {

using SqlValue::fromMs;
using SqlValue::idOrNull;
using SqlValue::ms;
using SqlValue::nonNullText;
using SqlValue::textOrNull;

// Headers as a JSON array of [name, value] pairs. Values are bytes (obs-text allowed), kept
// byte for byte as Latin-1 code points.
QString headersText(const JobHeaders &headers)
{
    QJsonArray array;
    for (const auto &[name, value] : headers)
        array.append(QJsonArray{QString::fromLatin1(name), QString::fromLatin1(value)});
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

JobHeaders headersFrom(const QVariant &v)
{
    JobHeaders out;
    const QJsonArray array = QJsonDocument::fromJson(v.toString().toUtf8()).array();
    for (const auto &item : array) {
        const QJsonArray pair = item.toArray();
        if (pair.size() == 2)
            out.append({pair[0].toString().toLatin1(), pair[1].toString().toLatin1()});
    }
    return out;
}

const QString kFinal = QStringLiteral("('SUCCEEDED','FAILED','CANCELLED','EXPIRED')");

// Row mapper by position, in the order of kJobColumns.
const QString kJobColumns = QStringLiteral(
    "j.id, j.endpoint_id, e.name, j.state, j.method, j.path, j.headers, j.body_bytes, j.priority, "
    "j.idempotency_key, j.deadline, j.attempts, j.max_attempts, j.queued_at, j.started_at, j.finished_at, "
    "j.next_attempt_at, j.lease_owner, j.lease_expires_at, j.route_id, j.model_version, j.result_status, "
    "j.result_bytes, j.error, j.submitted_by");
const QString kJobFrom = QStringLiteral(" FROM jobs j LEFT JOIN endpoints e ON e.id = j.endpoint_id");

Job jobFrom(const QSqlQuery &q)
{
    Job j;
    j.id = q.value(0).toString();
    j.endpointId = QUuid::fromString(q.value(1).toString());
    j.endpointName = q.value(2).toString();
    j.state = jobStateFromName(q.value(3).toString()).value_or(JobState::Failed);
    j.method = q.value(4).toString().toLatin1();
    j.path = q.value(5).toString().toLatin1();
    j.headers = headersFrom(q.value(6));
    j.bodyBytes = q.value(7).toLongLong();
    j.priority = q.value(8).toInt();
    j.idempotencyKey = q.value(9).toString();
    j.deadline = fromMs(q.value(10));
    j.attempts = q.value(11).toInt();
    j.maxAttempts = q.value(12).toInt();
    j.queuedAt = fromMs(q.value(13));
    j.startedAt = fromMs(q.value(14));
    j.finishedAt = fromMs(q.value(15));
    j.nextAttemptAt = fromMs(q.value(16));
    j.leaseOwner = q.value(17).toString();
    j.leaseExpiresAt = fromMs(q.value(18));
    j.routeId = QUuid::fromString(q.value(19).toString());
    j.modelVersion = q.value(20).toString();
    j.resultStatus = q.value(21).toInt();
    j.resultBytes = q.value(22).toLongLong();
    j.error = q.value(23).toString();
    j.submittedBy = q.value(24).toString();
    return j;
}

Result<QSqlQuery> exec(const QString &connection, const QString &sql, const QVariantList &binds = {})
{
    return SqlValue::exec(connection, QStringLiteral("jobs"), sql, binds);
}

// The jobs that `tail` (a WHERE clause and what follows it, or only the ORDER BY) selects.
Result<QList<Job>> jobsWhere(const QString &connection, const QString &tail, const QVariantList &binds)
{
    auto q = exec(connection, QStringLiteral("SELECT ") + kJobColumns + kJobFrom + tail, binds);
    if (!q)
        return q.error();
    QList<Job> out;
    while (q->next())
        out.append(jobFrom(q.value()));
    return out;
}

Result<std::optional<Job>> oneJob(const QString &connection, const QString &where, const QVariantList &binds)
{
    auto list = jobsWhere(connection, where, binds);
    if (!list)
        return list.error();
    if (list->isEmpty())
        return std::optional<Job>();
    return std::optional<Job>(list->first());
}

Result<QList<JobFileRef>> fileRefs(const QString &connection, const QString &sql, const QVariantList &binds)
{
    auto q = exec(connection, sql, binds);
    if (!q)
        return q.error();
    QList<JobFileRef> out;
    while (q->next())
        out.append({q->value(0).toString(), QUuid::fromString(q->value(1).toString()),
                    jobStateFromName(q->value(2).toString()).value_or(JobState::Failed), q->value(3).toString()});
    return out;
}

} // namespace

Result<bool> Repository::insertJob(const Job &j, const QByteArray &body)
{
    // seq: one more than the highest, read in this transaction (the write lock is held: SQLite's,
    // or on PostgreSQL the writer lock Repository::begin() takes).
    auto q = exec(m_connectionName,
                  QStringLiteral("INSERT INTO jobs(id, seq, endpoint_id, state, method, path, headers, body_bytes,"
                                 " priority, idempotency_key, deadline, attempts, max_attempts, queued_at,"
                                 " next_attempt_at, submitted_by)"
                                 " VALUES(?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM jobs), ?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                                 " ON CONFLICT (endpoint_id, idempotency_key) DO NOTHING"),
                  {j.id, idOrNull(j.endpointId), jobStateName(j.state), QString::fromLatin1(j.method),
                   QString::fromLatin1(j.path), headersText(j.headers), qint64(body.size()), j.priority,
                   textOrNull(j.idempotencyKey), ms(j.deadline), j.attempts, j.maxAttempts, ms(j.queuedAt),
                   ms(j.nextAttemptAt), nonNullText(j.submittedBy)});
    if (!q)
        return q.error();
    if (q->numRowsAffected() != 1)
        return false;
    if (!body.isEmpty()) {
        auto b = exec(m_connectionName, QStringLiteral("INSERT INTO job_bodies(job_id, body) VALUES(?, ?)"),
                      {j.id, body});
        if (!b)
            return b.error();
    }
    return true;
}

Result<std::optional<Job>> Repository::jobById(const QString &id)
{
    return oneJob(m_connectionName, QStringLiteral(" WHERE j.id = ?"), {id});
}

Result<std::optional<Job>> Repository::jobByIdempotencyKey(const QUuid &endpointId, const QString &key)
{
    return oneJob(m_connectionName, QStringLiteral(" WHERE j.endpoint_id = ? AND j.idempotency_key = ?"),
                  {idOrNull(endpointId), key});
}

Result<QList<Job>> Repository::jobs(const JobFilter &filter)
{
    QStringList where;
    QVariantList binds;
    if (!filter.endpointId.isNull()) {
        where << QStringLiteral("j.endpoint_id = ?");
        binds << idOrNull(filter.endpointId);
    }
    if (filter.state) {
        where << QStringLiteral("j.state = ?");
        binds << jobStateName(*filter.state);
    }
    if (filter.since.isValid()) {
        where << QStringLiteral("j.queued_at >= ?");
        binds << ms(filter.since);
    }
    if (filter.until.isValid()) {
        where << QStringLiteral("j.queued_at < ?");
        binds << ms(filter.until);
    }
    QString tail;
    if (!where.isEmpty())
        tail = QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
    tail += QStringLiteral(" ORDER BY j.queued_at DESC, j.seq DESC LIMIT ?");
    binds << filter.limit;
    return jobsWhere(m_connectionName, tail, binds);
}

Result<std::optional<QByteArray>> Repository::jobBody(const QString &id)
{
    auto q = exec(m_connectionName,
                  QStringLiteral("SELECT b.body FROM jobs j LEFT JOIN job_bodies b ON b.job_id = j.id WHERE j.id = ?"),
                  {id});
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<QByteArray>();
    const QVariant v = q->value(0);
    return std::optional<QByteArray>(v.isNull() ? QByteArray("") : v.toByteArray());
}

Result<std::optional<JobStoredResult>> Repository::jobResult(const QString &id)
{
    auto q = exec(m_connectionName,
                  QStringLiteral("SELECT result_status, result_headers, result_body, result_file, result_bytes"
                                 " FROM jobs WHERE id = ?"),
                  {id});
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<JobStoredResult>();
    JobStoredResult r;
    r.status = q->value(0).toInt();
    r.headers = headersFrom(q->value(1));
    r.body = q->value(2).toByteArray();
    r.file = q->value(3).toString();
    r.bytes = q->value(4).toLongLong();
    return std::optional<JobStoredResult>(r);
}

Result<Done> Repository::updateJob(const Job &j, const std::optional<JobStoredResult> &result)
{
    QString sql = QStringLiteral(
        "UPDATE jobs SET state=?, attempts=?, max_attempts=?, deadline=?, started_at=?, finished_at=?,"
        " next_attempt_at=?, lease_owner=?, lease_expires_at=?, route_id=?, model_version=?, error=?");
    QVariantList binds{jobStateName(j.state), j.attempts, j.maxAttempts, ms(j.deadline), ms(j.startedAt),
                       ms(j.finishedAt), ms(j.nextAttemptAt), textOrNull(j.leaseOwner), ms(j.leaseExpiresAt),
                       idOrNull(j.routeId), nonNullText(j.modelVersion), nonNullText(j.error)};
    if (result) {
        const bool any = result->status != 0;
        sql += QStringLiteral(", result_status=?, result_headers=?, result_body=?, result_file=?, result_bytes=?");
        binds << result->status
              << (any ? QVariant(headersText(result->headers)) : QVariant(QMetaType::fromType<QString>()))
              << (any && result->file.isEmpty() ? QVariant(result->body.isNull() ? QByteArray("") : result->body)
                                                : QVariant(QMetaType::fromType<QByteArray>()))
              << textOrNull(any ? result->file : QString()) << (any ? result->bytes : qint64(0));
    }
    sql += QStringLiteral(" WHERE id=?");
    binds << j.id;
    auto q = exec(m_connectionName, sql, binds);
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return makeError(ErrorType::NotFound, QStringLiteral("job not found"));
    return Done{};
}

Result<QList<Job>> Repository::dueJobs(const QUuid &endpointId, const QDateTime &now, int limit)
{
    return jobsWhere(m_connectionName,
                     QStringLiteral(" WHERE j.endpoint_id = ? AND j.state = 'QUEUED'"
                                    " AND (j.next_attempt_at IS NULL OR j.next_attempt_at <= ?)"
                                    " AND (j.deadline IS NULL OR j.deadline > ?)"
                                    " ORDER BY j.priority DESC, j.queued_at, j.seq LIMIT ?"),
                     {idOrNull(endpointId), ms(now), ms(now), limit});
}

Result<QList<Job>> Repository::jobsWithLeaseExpired(const QDateTime &now, int limit)
{
    return jobsWhere(m_connectionName,
                     QStringLiteral(" WHERE j.state = 'RUNNING' AND j.lease_expires_at < ?"
                                    " ORDER BY j.lease_expires_at LIMIT ?"),
                     {ms(now), limit});
}

Result<QList<Job>> Repository::jobsPastDeadline(const QDateTime &now, int limit)
{
    return jobsWhere(m_connectionName,
                     QStringLiteral(" WHERE j.deadline IS NOT NULL AND j.state IN ('QUEUED','RUNNING')"
                                    " AND j.deadline <= ? ORDER BY j.deadline LIMIT ?"),
                     {ms(now), limit});
}

Result<QList<Job>> Repository::liveJobs(const QUuid &endpointId, int limit)
{
    return jobsWhere(m_connectionName,
                     QStringLiteral(" WHERE j.endpoint_id = ? AND j.state IN ('QUEUED','RUNNING')"
                                    " ORDER BY j.queued_at, j.seq LIMIT ?"),
                     {idOrNull(endpointId), limit});
}

Result<QStringList> Repository::jobResultFiles()
{
    auto q = exec(m_connectionName, QStringLiteral("SELECT result_file FROM jobs WHERE result_file IS NOT NULL"));
    if (!q)
        return q.error();
    QStringList out;
    while (q->next())
        out << q->value(0).toString();
    return out;
}

Result<QHash<QUuid, QHash<JobState, int>>> Repository::jobCounts()
{
    auto q = exec(m_connectionName,
                  QStringLiteral("SELECT endpoint_id, state, COUNT(*) FROM jobs GROUP BY endpoint_id, state"));
    if (!q)
        return q.error();
    QHash<QUuid, QHash<JobState, int>> out;
    while (q->next()) {
        if (const auto state = jobStateFromName(q->value(1).toString()))
            out[QUuid::fromString(q->value(0).toString())][*state] = q->value(2).toInt();
    }
    return out;
}

Result<QList<JobStatsSample>> Repository::jobStatsSamples(const QDateTime &since, const QDateTime &until,
                                                          const QUuid &endpointId, int limit)
{
    QString sql = QStringLiteral(
                      "SELECT j.endpoint_id, e.name, j.model_version, j.state, j.queued_at, j.started_at,"
                      " j.finished_at, j.attempts")
        + kJobFrom + QStringLiteral(" WHERE j.finished_at IS NOT NULL AND j.state IN ") + kFinal;
    QVariantList binds;
    if (since.isValid()) {
        sql += QStringLiteral(" AND j.finished_at >= ?");
        binds << ms(since);
    }
    if (until.isValid()) {
        sql += QStringLiteral(" AND j.finished_at < ?");
        binds << ms(until);
    }
    if (!endpointId.isNull()) {
        sql += QStringLiteral(" AND j.endpoint_id = ?");
        binds << idOrNull(endpointId);
    }
    sql += QStringLiteral(" ORDER BY j.finished_at DESC LIMIT ?");
    binds << limit;
    auto q = exec(m_connectionName, sql, binds);
    if (!q)
        return q.error();
    QList<JobStatsSample> out;
    while (q->next()) {
        JobStatsSample s;
        s.endpointId = QUuid::fromString(q->value(0).toString());
        s.endpointName = q->value(1).toString();
        s.modelVersion = q->value(2).toString();
        s.state = jobStateFromName(q->value(3).toString()).value_or(JobState::Failed);
        s.queuedAt = fromMs(q->value(4));
        s.startedAt = fromMs(q->value(5));
        s.finishedAt = fromMs(q->value(6));
        s.attempts = q->value(7).toInt();
        out.append(s);
    }
    return out;
}

Result<std::optional<JobRetention>> Repository::jobRetention()
{
    auto q = exec(m_connectionName, QStringLiteral("SELECT max_age_days, max_count FROM job_settings WHERE id = 1"));
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<JobRetention>();
    JobRetention r;
    r.maxAgeDays = q->value(0).toInt();
    r.maxCount = q->value(1).toInt();
    return std::optional<JobRetention>(r);
}

Result<Done> Repository::saveJobRetention(const JobRetention &r, const QDateTime &now)
{
    auto q = exec(m_connectionName,
                  QStringLiteral("INSERT INTO job_settings(id, max_age_days, max_count, updated_at) VALUES(1, ?, ?, ?)"
                                 " ON CONFLICT (id) DO UPDATE SET max_age_days = excluded.max_age_days,"
                                 " max_count = excluded.max_count, updated_at = excluded.updated_at"),
                  {r.maxAgeDays, r.maxCount, ms(now)});
    if (!q)
        return q.error();
    return Done{};
}

Result<QList<JobFileRef>> Repository::finalJobsBefore(const QDateTime &cutoff, int limit)
{
    return fileRefs(m_connectionName,
                    QStringLiteral("SELECT id, endpoint_id, state, result_file FROM jobs"
                                   " WHERE finished_at IS NOT NULL AND finished_at < ? AND state IN ")
                        + kFinal + QStringLiteral(" ORDER BY finished_at LIMIT ?"),
                    {ms(cutoff), limit});
}

Result<QList<JobFileRef>> Repository::finalJobsBeyond(int keep, int limit)
{
    return fileRefs(m_connectionName,
                    QStringLiteral("SELECT id, endpoint_id, state, result_file FROM jobs"
                                   " WHERE finished_at IS NOT NULL AND state IN ")
                        + kFinal + QStringLiteral(" ORDER BY finished_at DESC, seq DESC LIMIT ? OFFSET ?"),
                    {limit, keep});
}

Result<Done> Repository::deleteJob(const QString &id)
{
    // The body goes first, by name: the reference's ON DELETE CASCADE needs foreign keys on.
    if (auto b = exec(m_connectionName, QStringLiteral("DELETE FROM job_bodies WHERE job_id = ?"), {id}); !b)
        return b.error();
    auto q = exec(m_connectionName, QStringLiteral("DELETE FROM jobs WHERE id = ?"), {id});
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return makeError(ErrorType::NotFound, QStringLiteral("job not found"));
    return Done{};
}

} // namespace ServeDeck
