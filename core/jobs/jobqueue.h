#pragma once

#include <memory>

#include <QHash>
#include <QObject>
#include <QString>

#include "domain/job.h"
#include "domain/result.h"

namespace ServeDeck {

class Clock;
class Repository;

// The jobs an endpoint was given to run later, kept in the store (control thread). Everything
// a client or operator does to a job (submit, read, cancel, retry) and everything a dispatcher
// does (claim, renew, finish) goes through here, each one transaction, so a crash at any point
// leaves every job in a state the next start can go on from.
class JobQueue final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobQueue)

public:
    struct Limits
    {
        qsizetype maxBodyBytes = 8 * 1024 * 1024;      // a request body above this is PayloadTooLarge
        qsizetype inlineResultBytes = 64 * 1024;       // answers above this go to <resultsDir>/<id>.body (0600)
        qsizetype maxResultBytes = 64 * 1024 * 1024;   // an answer above this fails the attempt
        int leaseSeconds = 30;                         // a RUNNING job not renewed this long is taken back
        int maxQueuedPerEndpoint = 100000;             // more is QueueFull
        int perReplicaConcurrency = 4;                 // default job concurrency = HEALTHY replicas x this
    };

    struct Submitted
    {
        Job job;
        bool created = true;  // false: the idempotency key named an existing job, returned as it is
    };

    JobQueue(Repository &repository, Clock &clock, QString resultsDir, QObject *parent = nullptr);
    ~JobQueue() override;

    void setLimits(const Limits &limits);
    const Limits &limits() const;

    // Validates everything first (InvalidArgument naming the field in details "field",
    // PayloadTooLarge, NotFound for an unknown, terminated or destroying endpoint, QueueFull):
    // on any error nothing is stored. Hop-by-hop headers, Authorization, Prefer, Host and
    // Content-Length are dropped. A key already used on the endpoint answers its job (created
    // false), before any QueueFull.
    Result<Submitted> submit(const JobRequest &request);
    Result<Job> job(const QString &id);  // NotFound for an unknown (or malformed) id
    Result<QList<Job>> jobs(const JobFilter &filter);  // InvalidArgument: limit, or since not before until
    Result<QByteArray> body(const QString &id);
    // InvalidJobState while the job has no answer (QUEUED, RUNNING, or final without one).
    Result<JobResult> result(const QString &id);
    // QUEUED -> CANCELLED at once; RUNNING -> CANCELLED, and abortRequested() tells the
    // dispatcher to drop its request. A final job is InvalidJobState.
    Result<Job> cancel(const QString &id);
    // Every QUEUED and RUNNING job of an endpoint -> CANCELLED with reason (a running one:
    // abortRequested), at most 10,000 per call; returns how many. For an endpoint that goes
    // away: its jobs would otherwise wait for a replica that never comes.
    Result<int> cancelEndpointJobs(const QUuid &endpointId, const QString &reason);
    // FAILED / EXPIRED / CANCELLED -> QUEUED as a new attempt (one more allowed); else InvalidJobState,
    // as for a job whose endpoint was deleted (details "reason": "endpoint_deleted").
    // Its answer is dropped (file too); a deadline gets the submission's budget again, from now.
    Result<Job> retry(const QString &id);

    // Live counts, from memory (kept current by every change here): per endpoint QUEUED jobs
    // (the autoscaler's jobs_queued, the dashboard's queue), and per state.
    int queuedCount(const QUuid &endpointId) const;
    QHash<QUuid, int> queuedCounts() const;
    QHash<JobState, int> stateCounts(const QUuid &endpointId = {}) const;
    int runningCount(const QUuid &endpointId) const;
    // The counts read from the store again: another console of a shared store changed jobs (issue 18).
    Result<Done> recount();

    // Final jobs whose finishedAt is in [since, until) (null: no bound), by endpoint then
    // revision; the newest 100,000 of them at most. InvalidArgument when since is not before until.
    Result<QList<JobStatsRow>> stats(const QDateTime &since, const QDateTime &until, const QUuid &endpointId = {});
    Result<JobRetention> retention();
    Result<JobRetention> setRetention(const JobRetention &retention);  // bounds: InvalidArgument, nothing stored
    // Deletes what retention says (rows and result files), at most 10,000 per call (call again
    // while it returns that many); returns how many.
    Result<int> prune();

    // The dispatcher's side. owner names the dispatcher (one per process); a job is only
    // renewed or finished by the owner that claimed it, so a dispatcher whose lease was taken
    // back cannot overwrite the new attempt.
    // Up to max QUEUED jobs of the endpoint whose nextAttemptAt is due, highest priority then
    // oldest first: RUNNING, attempts + 1, startedAt now, leased to owner. Jobs past their
    // deadline are not claimed. max 1..1000, owner 1..128 characters.
    Result<QList<Job>> claim(const QUuid &endpointId, int max, const QString &owner);
    // Each id held by owner gets a full lease from now. Ids it no longer holds (cancelled,
    // expired, taken back) are left as they are and named in the InvalidJobState's details
    // "ids"; the others are renewed all the same.
    Result<Done> renewLeases(const QStringList &ids, const QString &owner);
    // An answer arrived: SUCCEEDED for 2xx, else FAILED; the answer is kept either way. A body
    // over Limits::maxResultBytes is attemptFailed("answer too large") instead. A status
    // outside 100..599 is InvalidArgument.
    Result<Job> complete(const QString &id, const QString &owner, const JobResult &result, const QUuid &routeId,
                         const QString &modelVersion);
    // No answer (or a 502/503/504 from the proxy): QUEUED again after a backoff (1 s, 2 s, 4 s,
    // ... up to 60 s) while attempts remain, else FAILED with reason.
    Result<Job> attemptFailed(const QString &id, const QString &owner, const QString &reason);
    // RUNNING jobs whose lease expired (their dispatcher died) go back as attemptFailed does;
    // QUEUED and RUNNING jobs past their deadline become EXPIRED (a running one: abortRequested).
    // Returns how many changed (at most 1,000 of each kind per call). Called by the dispatcher
    // on its tick and once at start.
    Result<int> recover();

Q_SIGNALS:
    void jobChanged(const ServeDeck::Job &job);      // every state change and submission
    void jobsQueued(const QUuid &endpointId);        // work is waiting: the dispatcher looks
    void abortRequested(const QString &jobId);       // a RUNNING job was cancelled or expired

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace ServeDeck
