#include "jobjson.h"

namespace ServeDeck {

namespace {

QJsonValue timeValue(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
}

QJsonValue idValue(const QUuid &id)
{
    return id.isNull() ? QJsonValue() : QJsonValue(id.toString(QUuid::WithoutBraces));
}

QJsonValue textOrNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue() : QJsonValue(s);
}

QJsonValue msBetween(const QDateTime &from, const QDateTime &to)
{
    return from.isValid() && to.isValid() ? QJsonValue(double(from.msecsTo(to))) : QJsonValue();
}

QJsonValue optionalNumber(const std::optional<double> &v)
{
    return v ? QJsonValue(*v) : QJsonValue();
}

} // namespace

QJsonObject jobToJson(const Job &job)
{
    return QJsonObject{
        {QStringLiteral("id"), job.id},
        {QStringLiteral("endpoint_id"), idValue(job.endpointId)},
        {QStringLiteral("endpoint"), job.endpointName},
        {QStringLiteral("state"), jobStateName(job.state)},
        {QStringLiteral("method"), QString::fromLatin1(job.method)},
        {QStringLiteral("path"), QString::fromLatin1(job.path)},
        {QStringLiteral("priority"), job.priority},
        {QStringLiteral("idempotency_key"), textOrNull(job.idempotencyKey)},
        {QStringLiteral("deadline"), timeValue(job.deadline)},
        {QStringLiteral("attempts"), job.attempts},
        {QStringLiteral("max_attempts"), job.maxAttempts},
        {QStringLiteral("queued_at"), timeValue(job.queuedAt)},
        {QStringLiteral("started_at"), timeValue(job.startedAt)},
        {QStringLiteral("finished_at"), timeValue(job.finishedAt)},
        {QStringLiteral("next_attempt_at"), timeValue(job.nextAttemptAt)},
        {QStringLiteral("route_id"), idValue(job.routeId)},
        {QStringLiteral("model_version"), textOrNull(job.modelVersion)},
        {QStringLiteral("result_status"), job.resultStatus == 0 ? QJsonValue() : QJsonValue(job.resultStatus)},
        {QStringLiteral("result_bytes"), double(job.resultBytes)},
        {QStringLiteral("error"), textOrNull(job.error)},
        {QStringLiteral("submitted_by"), textOrNull(job.submittedBy)},
        {QStringLiteral("queue_ms"), msBetween(job.queuedAt, job.startedAt)},
        // Null until it finished (a live job has no finishedAt); startedAt is the latest attempt's.
        {QStringLiteral("run_ms"), msBetween(job.startedAt, job.finishedAt)},
    };
}

QJsonObject jobStatsRowToJson(const JobStatsRow &row)
{
    return QJsonObject{
        {QStringLiteral("endpoint_id"), idValue(row.endpointId)},
        {QStringLiteral("endpoint"), row.endpointName},
        {QStringLiteral("model_version"), textOrNull(row.modelVersion)},
        {QStringLiteral("count"), double(row.count)},
        {QStringLiteral("succeeded"), double(row.succeeded)},
        {QStringLiteral("failed"), double(row.failed)},
        {QStringLiteral("cancelled"), double(row.cancelled)},
        {QStringLiteral("expired"), double(row.expired)},
        {QStringLiteral("success_ratio"), row.successRatio},
        {QStringLiteral("queue_mean_ms"), optionalNumber(row.queueMeanMs)},
        {QStringLiteral("queue_p95_ms"), optionalNumber(row.queueP95Ms)},
        {QStringLiteral("run_mean_ms"), optionalNumber(row.runMeanMs)},
        {QStringLiteral("run_p95_ms"), optionalNumber(row.runP95Ms)},
        {QStringLiteral("retries"), double(row.retries)},
    };
}

QJsonObject jobRetentionToJson(const JobRetention &retention)
{
    return QJsonObject{{QStringLiteral("max_age_days"), retention.maxAgeDays},
                       {QStringLiteral("max_count"), retention.maxCount}};
}

QJsonObject jobStateCountsToJson(const QHash<JobState, int> &counts)
{
    QJsonObject out;
    for (const JobState state : allJobStates())
        out.insert(jobStateName(state), counts.value(state, 0));
    return out;
}

} // namespace ServeDeck
