#pragma once

#include <optional>

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>
#include <QUuid>

namespace ServeDeck {

// An asynchronous inference job: one request to an endpoint, queued, run through the proxy
// like any request, its answer kept. QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED | EXPIRED;
// a RUNNING job whose attempt failed (or whose lease ran out) is QUEUED again until its attempts
// are spent.
enum class JobState { Queued, Running, Succeeded, Failed, Cancelled, Expired };
QString jobStateName(JobState state);  // "QUEUED", "RUNNING", ...
std::optional<JobState> jobStateFromName(const QString &name);
QList<JobState> allJobStates();
bool isFinalJobState(JobState state);

using JobHeaders = QList<QPair<QByteArray, QByteArray>>;

// What a client asks for (proxy: `Prefer: respond-async`; API: POST /v1/services/{svc}/jobs).
struct JobRequest
{
    QUuid endpointId;
    QByteArray method = "POST";
    QByteArray path = "/";     // under the endpoint ("/predict"), origin-form, as the model sees it
    JobHeaders headers;        // passed to the model; hop-by-hop, Authorization and Prefer are not kept
    QByteArray body;
    int priority = 0;          // -100..100, higher first; FIFO within one priority
    QString idempotencyKey;    // empty: none; else 1..255 printable ASCII, unique per endpoint
    std::optional<int> deadlineSeconds;  // from submission; > 0; past it the job is EXPIRED
    int maxAttempts = 3;       // 1..10
    QString submittedBy;       // "admin", or the token's id
};

struct Job
{
    QString id;  // 32 lower-case hex characters, random
    QUuid endpointId;
    QString endpointName;
    JobState state = JobState::Queued;
    QByteArray method;
    QByteArray path;
    JobHeaders headers;
    qint64 bodyBytes = 0;  // the request body is read on its own (JobQueue::body)
    int priority = 0;
    QString idempotencyKey;
    QDateTime deadline;  // null: none
    int attempts = 0;    // attempts started (a retry counts)
    int maxAttempts = 3;
    QDateTime queuedAt;     // submission
    QDateTime startedAt;    // the latest attempt's start
    QDateTime finishedAt;   // when it reached a final state
    QDateTime nextAttemptAt;  // QUEUED after a failed attempt: not before this (backoff)
    QString leaseOwner;       // RUNNING: the dispatcher running it
    QDateTime leaseExpiresAt;
    QUuid routeId;          // the route (and so the revision) that answered the latest attempt
    QString modelVersion;
    int resultStatus = 0;   // the model's HTTP status, 0 before an answer
    qint64 resultBytes = 0;
    QString error;          // why FAILED / EXPIRED / CANCELLED, or the last failed attempt's reason
    QString submittedBy;
};

// The model's answer as it gave it.
struct JobResult
{
    int status = 0;
    JobHeaders headers;
    QByteArray body;
};

struct JobFilter
{
    QUuid endpointId;  // null: every endpoint
    std::optional<JobState> state;
    QDateTime since;   // queuedAt >= since; null: no bound
    QDateTime until;   // queuedAt < until; null: no bound
    int limit = 200;   // newest first, 1..10000
};

// Per endpoint and revision over a time range, as the seed's per-model SQL reports.
struct JobStatsRow
{
    QUuid endpointId;
    QString endpointName;
    QString modelVersion;  // empty: jobs that never reached a route
    qint64 count = 0;      // jobs in a final state
    qint64 succeeded = 0, failed = 0, cancelled = 0, expired = 0;
    double successRatio = 0;  // succeeded / count
    std::optional<double> queueMeanMs, queueP95Ms;  // queuedAt -> startedAt
    std::optional<double> runMeanMs, runP95Ms;      // startedAt -> finishedAt
    qint64 retries = 0;    // attempts beyond the first
};

struct JobRetention
{
    int maxAgeDays = 7;        // final jobs older than this are deleted; 1..365
    int maxCount = 100000;     // at most this many final jobs are kept (oldest go first); 100..10,000,000
};

} // namespace ServeDeck

Q_DECLARE_METATYPE(ServeDeck::Job)
