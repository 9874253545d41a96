// ControlApiServer: asynchronous jobs (issue 17). POST/GET /v1/services/{svc}/jobs, GET .../jobs/{job},
// GET .../jobs/{job}/result, POST .../jobs/{job}/cancel|retry, GET /v1/jobs/{job} (any endpoint's, for
// clients that hold only the id), GET /v1/jobs[?service=] (a list across endpoints), GET /v1/jobs/stats,
// GET/PUT /v1/jobs/retention and GET /v1/jobs/counts. Jobs are the JobQueue's; their JSON is jobjson's.
#include "controlapiserver.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

#include "api/controlapicall.h"
#include "http/httpresponse.h"
#include "jobs/jobjson.h"
#include "jobs/jobqueue.h"
#include "service/modelservingservice.h"
#include "usage/usagereporter.h"

namespace ServeDeck {

namespace {

constexpr int kDefaultListLimit = 200;
constexpr int kMaxListLimit = 1000;
// A key is reported back at most this long in an error: the rest is the client's own text.
constexpr qsizetype kEchoedKeyChars = 64;

ServiceError badField(const QString &field, const QString &why)
{
    return makeError(ErrorType::InvalidArgument, QStringLiteral("%1: %2").arg(field, why),
                     {{QStringLiteral("field"), field}});
}

HttpResponse jobReply(const Job &job, int status = 200)
{
    return HttpResponse::json(status, QJsonDocument(QJsonObject{{QStringLiteral("job"), jobToJson(job)}}));
}

// A whole number within [lo, hi] as JSON gives it (a double): 3.5, "3" and 1e300 are refused.
Result<int> wholeField(const QJsonValue &v, const QString &field, int lo, int hi)
{
    const double d = v.toDouble();
    if (!v.isDouble() || !std::isfinite(d) || d != std::floor(d) || d < lo || d > hi)
        return badField(field, QStringLiteral("a whole number from %1 to %2").arg(lo).arg(hi));
    return int(d);
}

// Compact JSON text of any JSON value, a scalar too (QJsonDocument holds only objects and arrays).
QByteArray compactJson(const QJsonValue &v)
{
    if (v.isObject())
        return QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact);
    if (v.isArray())
        return QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact);
    const QByteArray wrapped = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
    return wrapped.sliced(1, wrapped.size() - 2);
}

bool hasHeader(const JobHeaders &headers, const QByteArray &name)
{
    return std::any_of(headers.cbegin(), headers.cend(),
                       [&name](const auto &h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
}

// The POST body as a JobRequest. Strict: an unknown field, a wrong type or both body forms is
// InvalidArgument naming the field; the values' ranges are the queue's to judge (one place).
Result<JobRequest> jobRequestFrom(const QByteArray &text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return makeError(ErrorType::InvalidArgument, QStringLiteral("the body must be a JSON object"));
    const QJsonObject o = doc.object();
    static const QStringList known{QStringLiteral("method"), QStringLiteral("path"), QStringLiteral("headers"),
                                   QStringLiteral("body"), QStringLiteral("body_base64"), QStringLiteral("priority"),
                                   QStringLiteral("idempotency_key"), QStringLiteral("deadline_seconds"),
                                   QStringLiteral("max_attempts")};
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!known.contains(it.key()))
            return badField(it.key().left(kEchoedKeyChars), QStringLiteral("unknown field"));
    }
    JobRequest request;
    request.submittedBy = QStringLiteral("admin");
    for (const auto &[field, target] : {std::pair{QStringLiteral("method"), &request.method},
                                        std::pair{QStringLiteral("path"), &request.path}}) {
        const QJsonValue v = o.value(field);
        if (v.isUndefined())
            continue;
        if (!v.isString())
            return badField(field, QStringLiteral("a string"));
        *target = v.toString().toUtf8();
    }
    if (const QJsonValue v = o.value(QStringLiteral("headers")); !v.isUndefined()) {
        if (!v.isObject())
            return badField(QStringLiteral("headers"), QStringLiteral("an object of name: value strings"));
        const QJsonObject headers = v.toObject();
        for (auto it = headers.begin(); it != headers.end(); ++it) {
            if (!it.value().isString())
                return badField(QStringLiteral("headers"), QStringLiteral("each value a string"));
            request.headers.append({it.key().toUtf8(), it.value().toString().toUtf8()});
        }
    }
    const bool jsonBody = o.contains(QStringLiteral("body"));
    const bool rawBody = o.contains(QStringLiteral("body_base64"));
    if (jsonBody && rawBody)
        return badField(QStringLiteral("body_base64"), QStringLiteral("give body or body_base64, not both"));
    if (jsonBody) {
        request.body = compactJson(o.value(QStringLiteral("body")));
        // A JSON body is JSON to the model too, unless the client said otherwise.
        if (!hasHeader(request.headers, "content-type"))
            request.headers.append({QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json")});
    } else if (rawBody) {
        const QJsonValue v = o.value(QStringLiteral("body_base64"));
        const auto decoded
            = QByteArray::fromBase64Encoding(v.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (!v.isString() || !decoded)
            return badField(QStringLiteral("body_base64"), QStringLiteral("standard base64 text"));
        request.body = *decoded;
    }
    if (const QJsonValue v = o.value(QStringLiteral("priority")); !v.isUndefined()) {
        // Wide here: the queue says what the range is.
        auto priority = wholeField(v, QStringLiteral("priority"), -1000000, 1000000);
        if (!priority)
            return priority.error();
        request.priority = *priority;
    }
    if (const QJsonValue v = o.value(QStringLiteral("idempotency_key")); !v.isUndefined() && !v.isNull()) {
        if (!v.isString())
            return badField(QStringLiteral("idempotency_key"), QStringLiteral("a string"));
        request.idempotencyKey = v.toString();
    }
    if (const QJsonValue v = o.value(QStringLiteral("deadline_seconds")); !v.isUndefined() && !v.isNull()) {
        auto deadline = wholeField(v, QStringLiteral("deadline_seconds"), std::numeric_limits<int>::min(),
                                   std::numeric_limits<int>::max());
        if (!deadline)
            return deadline.error();
        request.deadlineSeconds = *deadline;
    }
    if (const QJsonValue v = o.value(QStringLiteral("max_attempts")); !v.isUndefined()) {
        auto attempts = wholeField(v, QStringLiteral("max_attempts"), -1000000, 1000000);
        if (!attempts)
            return attempts.error();
        request.maxAttempts = *attempts;
    }
    return request;
}

// ?since= / ?until= in the one "since" grammar (UsageReporter::parseSince); absent: fallback.
Result<QDateTime> timeParam(const QUrlQuery &query, const QString &name, const QDateTime &fallback)
{
    if (!query.hasQueryItem(name))
        return fallback;
    const QString text = query.queryItemValue(name, QUrl::FullyDecoded);
    if (text.isEmpty())
        return fallback;
    auto parsed = UsageReporter::parseSince(text, QDateTime::currentDateTimeUtc());
    if (!parsed)
        return badField(name, parsed.error().message);
    return parsed;
}

Result<int> limitParam(const QUrlQuery &query)
{
    if (!query.hasQueryItem(QStringLiteral("limit")))
        return kDefaultListLimit;
    const QString text = query.queryItemValue(QStringLiteral("limit"));
    const bool digits = !text.isEmpty() && text.size() <= 9
        && std::all_of(text.begin(), text.end(), [](QChar c) { return c >= u'0' && c <= u'9'; });
    const int limit = digits ? text.toInt() : 0;
    if (limit < 1 || limit > kMaxListLimit)
        return badField(QStringLiteral("limit"), QStringLiteral("must be between 1 and %1").arg(kMaxListLimit));
    return limit;
}

// Headers the server frames itself, or that belong to one connection, are not passed on.
bool isFramingHeader(const QByteArray &name)
{
    static const QList<QByteArray> framing{"connection", "keep-alive", "proxy-connection", "transfer-encoding",
                                           "content-length", "te", "trailer", "upgrade"};
    return framing.contains(name.toLower());
}

} // namespace

std::optional<HttpResponse> ControlApiServer::withoutJobs() const
{
    if (m_jobs)
        return std::nullopt;
    return apiErrorResponse(makeError(ErrorType::NotFound, QStringLiteral("jobs are not run by this server")));
}

Result<Job> ControlApiServer::serviceJob(const Call &call)
{
    auto endpointId = endpointIdOf(call.svc());
    if (!endpointId)
        return endpointId.error();
    const QString id = QString::fromUtf8(call.segments.value("job"));
    auto job = m_jobs->job(id);
    if (!job)
        return job.error();
    // Another endpoint's job is not this one's: as unknown as an id that never was.
    if (job->endpointId != *endpointId)
        return makeError(
            ErrorType::NotFound, QStringLiteral("no job %1 on %2").arg(id.left(kEchoedKeyChars), call.svc()));
    return job;
}

HttpResponse ControlApiServer::submitJob(const Call &call)
{
    if (auto refused = withoutJobs())
        return *refused;
    auto endpointId = endpointIdOf(call.svc());
    if (!endpointId)
        return apiErrorResponse(endpointId.error());
    auto request = jobRequestFrom(call.request.body);
    if (!request)
        return apiErrorResponse(request.error());
    request->endpointId = *endpointId;
    const Result<JobQueue::Submitted> submitted = m_jobs->submit(*request);
    if (!submitted)
        return apiErrorResponse(submitted.error());
    // 202: taken, to be run; 200: the idempotency key named a job that was already there.
    HttpResponse response = jobReply(submitted->job, submitted->created ? 202 : 200);
    response.headers.append({QByteArrayLiteral("Location"),
                             QByteArrayLiteral("/v1/services/") + QUrl::toPercentEncoding(call.svc())
                                 + QByteArrayLiteral("/jobs/") + submitted->job.id.toLatin1()});
    return response;
}

HttpResponse ControlApiServer::listJobs(const Call &call)
{
    if (auto refused = withoutJobs())
        return *refused;
    auto endpointId = endpointIdOf(call.svc());
    if (!endpointId)
        return apiErrorResponse(endpointId.error());
    return jobList(call.request.query, *endpointId);
}

// Every endpoint's jobs, or one's (?service=), for clients that list across endpoints.
HttpResponse ControlApiServer::listAllJobs(const Call &call)
{
    if (auto refused = withoutJobs())
        return *refused;
    QUuid endpointId;
    if (const QString svc = call.request.query.queryItemValue(QStringLiteral("service"), QUrl::FullyDecoded);
        !svc.isEmpty()) {
        auto id = endpointIdOf(svc);
        if (!id)
            return apiErrorResponse(id.error());
        endpointId = *id;
    }
    return jobList(call.request.query, endpointId);
}

// ?state=&since=&until=&limit= over the endpoint's jobs (null: every endpoint's), newest first.
HttpResponse ControlApiServer::jobList(const QUrlQuery &q, const QUuid &endpointId)
{
    JobFilter filter;
    filter.endpointId = endpointId;
    if (const QString state = q.queryItemValue(QStringLiteral("state")); !state.isEmpty()) {
        filter.state = jobStateFromName(state.toUpper());
        if (!filter.state)
            return apiErrorResponse(badField(QStringLiteral("state"),
                QStringLiteral("one of QUEUED, RUNNING, SUCCEEDED, "
                               "FAILED, CANCELLED, EXPIRED")));
    }
    auto since = timeParam(q, QStringLiteral("since"), QDateTime());
    if (!since)
        return apiErrorResponse(since.error());
    auto until = timeParam(q, QStringLiteral("until"), QDateTime());
    if (!until)
        return apiErrorResponse(until.error());
    auto limit = limitParam(q);
    if (!limit)
        return apiErrorResponse(limit.error());
    filter.since = *since;
    filter.until = *until;
    filter.limit = *limit;
    const Result<QList<Job>> jobs = m_jobs->jobs(filter);
    if (!jobs)
        return apiErrorResponse(jobs.error());
    QJsonArray list;
    for (const Job &job : *jobs)
        list.append(jobToJson(job));
    return HttpResponse::json(200, QJsonDocument(QJsonObject{{QStringLiteral("jobs"), list}}));
}

HttpResponse ControlApiServer::jobInfo(const Call &call)
{
    if (auto refused = withoutJobs())
        return *refused;
    const Result<Job> job = serviceJob(call);
    return job ? jobReply(*job) : apiErrorResponse(job.error());
}

HttpResponse ControlApiServer::anyJob(const Call &call)
{
    if (auto refused = withoutJobs())
        return *refused;
    const Result<Job> job = m_jobs->job(QString::fromUtf8(call.segments.value("job")));
    return job ? jobReply(*job) : apiErrorResponse(job.error());
}

// The model's answer as it gave it: its status, its headers as stored and its body, byte for
// byte. X-ServeDeck-Job-Id tells a client it is the stored answer and not the API's own error.
HttpResponse ControlApiServer::jobResult(const Call &call)
{
    if (auto refused = withoutJobs())
        return *refused;
    const Result<Job> job = serviceJob(call);
    if (!job)
        return apiErrorResponse(job.error());
    const Result<JobResult> result = m_jobs->result(job->id);
    if (!result)
        return apiErrorResponse(result.error());
    HttpResponse response;
    response.status = result->status;
    for (const auto &[name, value] : result->headers) {
        if (!isFramingHeader(name))
            response.headers.append({name, value});
    }
    response.headers.append({QByteArrayLiteral("X-ServeDeck-Job-Id"), job->id.toLatin1()});
    response.body = result->body;
    return response;
}

HttpResponse ControlApiServer::cancelJob(const Call &call)
{
    if (auto refused = withoutJobs())
        return *refused;
    const Result<Job> job = serviceJob(call);
    if (!job)
        return apiErrorResponse(job.error());
    const Result<Job> cancelled = m_jobs->cancel(job->id);
    return cancelled ? jobReply(*cancelled) : apiErrorResponse(cancelled.error());
}

HttpResponse ControlApiServer::retryJob(const Call &call)
{
    if (auto refused = withoutJobs())
        return *refused;
    const Result<Job> job = serviceJob(call);
    if (!job)
        return apiErrorResponse(job.error());
    const Result<Job> retried = m_jobs->retry(job->id);
    return retried ? jobReply(*retried) : apiErrorResponse(retried.error());
}

// ?since= (default 7 days back), ?until= (default now) and ?service= (default every endpoint).
HttpResponse ControlApiServer::jobStats(const Call &call)
{
    if (auto refused = withoutJobs())
        return *refused;
    const QUrlQuery &q = call.request.query;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    auto since = timeParam(q, QStringLiteral("since"), now.addDays(-7));
    if (!since)
        return apiErrorResponse(since.error());
    auto until = timeParam(q, QStringLiteral("until"), now);
    if (!until)
        return apiErrorResponse(until.error());
    QUuid endpointId;
    if (const QString svc = q.queryItemValue(QStringLiteral("service"), QUrl::FullyDecoded); !svc.isEmpty()) {
        auto id = endpointIdOf(svc);
        if (!id)
            return apiErrorResponse(id.error());
        endpointId = *id;
    }
    const Result<QList<JobStatsRow>> rows = m_jobs->stats(*since, *until, endpointId);
    if (!rows)
        return apiErrorResponse(rows.error());
    QJsonArray list;
    for (const JobStatsRow &row : *rows)
        list.append(jobStatsRowToJson(row));
    return HttpResponse::json(200, QJsonDocument(QJsonObject{
                                       {QStringLiteral("since"), since->toUTC().toString(Qt::ISODateWithMs)},
                                       {QStringLiteral("until"), until->toUTC().toString(Qt::ISODateWithMs)},
                                       {QStringLiteral("rows"), list}}));
}

HttpResponse ControlApiServer::jobRetention(const Call &)
{
    if (auto refused = withoutJobs())
        return *refused;
    const Result<JobRetention> retention = m_jobs->retention();
    if (!retention)
        return apiErrorResponse(retention.error());
    return HttpResponse::json(200, QJsonDocument(jobRetentionToJson(*retention)));
}

// PUT: the fields given replace the current ones; the queue checks the bounds (nothing is
// stored when one is out of them).
HttpResponse ControlApiServer::setJobRetention(const Call &call)
{
    if (auto refused = withoutJobs())
        return *refused;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(call.request.body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return apiErrorResponse(
            makeError(ErrorType::InvalidArgument, QStringLiteral("the body must be a JSON object")));
    const QJsonObject body = doc.object();
    const QString ageField = QStringLiteral("max_age_days");
    const QString countField = QStringLiteral("max_count");
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (it.key() != ageField && it.key() != countField)
            return apiErrorResponse(badField(it.key().left(kEchoedKeyChars), QStringLiteral("unknown field")));
    }
    Result<JobRetention> retention = m_jobs->retention();
    if (!retention)
        return apiErrorResponse(retention.error());
    for (const auto &[field, target] : {std::pair{ageField, &retention->maxAgeDays},
                                        std::pair{countField, &retention->maxCount}}) {
        if (!body.contains(field))
            continue;
        auto value
            = wholeField(body.value(field), field, std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
        if (!value)
            return apiErrorResponse(value.error());
        *target = *value;
    }
    const Result<JobRetention> saved = m_jobs->setRetention(*retention);
    if (!saved)
        return apiErrorResponse(saved.error());
    return HttpResponse::json(200, QJsonDocument(jobRetentionToJson(*saved)));
}

// Live counts per state, of one endpoint (?service=) or all.
HttpResponse ControlApiServer::jobCounts(const Call &call)
{
    if (auto refused = withoutJobs())
        return *refused;
    QUuid endpointId;
    const QString svc = call.request.query.queryItemValue(QStringLiteral("service"), QUrl::FullyDecoded);
    if (!svc.isEmpty()) {
        auto id = endpointIdOf(svc);
        if (!id)
            return apiErrorResponse(id.error());
        endpointId = *id;
    }
    return HttpResponse::json(200,
        QJsonDocument(QJsonObject { { QStringLiteral("service"), svc.isEmpty() ? QJsonValue() : QJsonValue(svc) },
            { QStringLiteral("counts"), jobStateCountsToJson(m_jobs->stateCounts(endpointId)) } }));
}

} // namespace ServeDeck
