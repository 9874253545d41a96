#include "jobqueue.h"

#include <algorithm>
#include <cmath>

#include <QJsonArray>
#include <QRandomGenerator>

#include "domain/clock.h"
#include "jobrequestcheck.h"
#include "jobresultfile.h"
#include "jobslog.h"
#include "store/repository.h"

namespace ServeDeck {

namespace {

constexpr int kMaxClaim = 1000;
constexpr int kMaxRenew = 10000;
constexpr int kRecoverBatch = 1000;
constexpr int kPruneBatch = 10000;
constexpr int kCancelBatch = 10000;
constexpr int kMaxStatsRows = 100000;
constexpr qsizetype kMaxReason = 1024;
constexpr qsizetype kMaxOwner = 128;
constexpr qint64 kMaxBackoffSeconds = 60;

QString newJobId()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(words), sizeof words).toHex());
}

bool isJobId(const QString &id)
{
    if (id.size() != 32)
        return false;
    return std::all_of(id.begin(), id.end(), [](QChar c) {
        return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f');
    });
}

ServiceError jobNotFound()
{
    return makeError(ErrorType::NotFound, QStringLiteral("job not found"));
}

ServiceError invalid(const QString &field, const QString &why)
{
    return makeError(ErrorType::InvalidArgument, QStringLiteral("%1: %2").arg(field, why),
                     {{QStringLiteral("field"), field}});
}

ServiceError wrongState(const Job &job, const QString &what)
{
    return makeError(ErrorType::InvalidJobState,
                     QStringLiteral("job %1 is %2: %3").arg(job.id, jobStateName(job.state), what),
                     {{QStringLiteral("state"), jobStateName(job.state)}});
}

// 1 s, 2 s, 4 s, ... up to 60 s, after the attempts-th attempt failed.
qint64 backoffSeconds(int attempts)
{
    const int exponent = std::clamp(attempts - 1, 0, 6);
    return std::min<qint64>(qint64(1) << exponent, kMaxBackoffSeconds);
}

QString boundedReason(const QString &reason)
{
    const QString text = reason.trimmed().isEmpty() ? QStringLiteral("the attempt failed") : reason.trimmed();
    return text.left(kMaxReason);
}

std::optional<double> mean(const QList<double> &values)
{
    if (values.isEmpty())
        return std::nullopt;
    double sum = 0;
    for (const double v : values)
        sum += v;
    return sum / double(values.size());
}

// Nearest rank.
std::optional<double> p95(QList<double> values)
{
    if (values.isEmpty())
        return std::nullopt;
    std::sort(values.begin(), values.end());
    const auto rank = qsizetype(std::ceil(0.95 * double(values.size())));
    return values[std::clamp<qsizetype>(rank, 1, values.size()) - 1];
}

} // namespace

struct JobQueue::Private
{
    Repository &repository;
    Clock &clock;
    QString resultsDir;
    Limits limits;
    QHash<QUuid, QHash<JobState, int>> counts;  // by endpoint and state, as stored

    // What one committed action changed: counts to move, signals to send, files to delete.
    struct Change
    {
        Job job;
        std::optional<JobState> from;  // none: a new job
        bool abort = false;
    };
    struct Effects
    {
        QList<Change> changes;
        QStringList filesToRemove;
    };

    void move(const QUuid &endpointId, std::optional<JobState> from, std::optional<JobState> to)
    {
        auto &byState = counts[endpointId];
        if (from)
            byState[*from] = std::max(0, byState.value(*from) - 1);
        if (to)
            byState[*to] += 1;
    }

    // A failed attempt (or a lease taken back): QUEUED after a backoff while attempts remain,
    // else FAILED saying why.
    void failAttempt(Job &job, const QString &reason, const QDateTime &now) const
    {
        job.leaseOwner.clear();
        job.leaseExpiresAt = {};
        if (job.attempts < job.maxAttempts) {
            job.state = JobState::Queued;
            job.nextAttemptAt = now.addSecs(backoffSeconds(job.attempts));
            job.error = reason;
        } else {
            job.state = JobState::Failed;
            job.finishedAt = now;
            job.error = QStringLiteral("%1 (no attempts left: %2 of %3 made)")
                            .arg(reason)
                            .arg(job.attempts)
                            .arg(job.maxAttempts);
        }
    }

    // A live job ended by the queue (CANCELLED or EXPIRED): stored, and its change noted; a
    // RUNNING one's attempt is aborted.
    Result<Done> endLiveJob(Job &job, JobState state, const QString &reason, const QDateTime &now,
                            Effects &effects) const
    {
        const JobState from = job.state;
        job.state = state;
        job.finishedAt = now;
        job.leaseOwner.clear();
        job.leaseExpiresAt = {};
        job.nextAttemptAt = {};
        job.error = reason;
        if (auto updated = repository.updateJob(job); !updated)
            return updated.error();
        effects.changes.append({job, from, from == JobState::Running});
        return Done{};
    }

    // After the commit: counts follow the store, then files go and signals are sent.
    void publish(JobQueue &queue, const Effects &effects)
    {
        QList<QUuid> queuedEndpoints;
        for (const auto &change : effects.changes) {
            move(change.job.endpointId, change.from, change.job.state);
            if (change.job.state == JobState::Queued && !queuedEndpoints.contains(change.job.endpointId))
                queuedEndpoints.append(change.job.endpointId);
        }
        for (const QString &file : effects.filesToRemove)
            JobResultFile::remove(resultsDir, file);
        for (const auto &change : effects.changes) {
            if (change.abort)
                Q_EMIT queue.abortRequested(change.job.id);
            Q_EMIT queue.jobChanged(change.job);
        }
        for (const QUuid &endpointId : queuedEndpoints)
            Q_EMIT queue.jobsQueued(endpointId);
    }

    Result<Job> runningJobOf(const QString &id, const QString &owner)
    {
        if (!isJobId(id))
            return jobNotFound();
        auto found = repository.jobById(id);
        if (!found)
            return found.error();
        if (!*found)
            return jobNotFound();
        const Job &job = **found;
        if (job.state != JobState::Running)
            return wrongState(job, QStringLiteral("only a RUNNING job is renewed or finished"));
        if (owner.isEmpty() || job.leaseOwner != owner)
            return makeError(ErrorType::InvalidJobState,
                             QStringLiteral("job %1 is leased to another dispatcher (its lease was taken back)")
                                 .arg(id),
                             {{QStringLiteral("state"), jobStateName(job.state)}});
        return job;
    }
};

Result<Done> JobQueue::recount()
{
    auto counts = d->repository.jobCounts();
    if (!counts)
        return counts.error();
    d->counts = counts.value();
    return Done{};
}

JobQueue::JobQueue(Repository &repository, Clock &clock, QString resultsDir, QObject *parent)
    : QObject(parent)
    , d(new Private{repository, clock, std::move(resultsDir), {}, {}})
{
    if (auto counts = d->repository.jobCounts())
        d->counts = counts.value();
    else
        qCWarning(lcJobs, "cannot count the stored jobs: %s", qPrintable(counts.error().message));
    // Before any answer of this queue is written: a file no job names is a crash's leftover.
    if (auto named = d->repository.jobResultFiles()) {
        if (const int removed = JobResultFile::removeLeftovers(d->resultsDir, named.value()); removed > 0)
            qCInfo(lcJobs, "deleted %d job answer files no job names (left by a crash)", removed);
    } else {
        qCWarning(lcJobs, "cannot list the job answer files: %s", qPrintable(named.error().message));
    }
}

JobQueue::~JobQueue() = default;

void JobQueue::setLimits(const Limits &limits)
{
    d->limits = limits;
}

const JobQueue::Limits &JobQueue::limits() const
{
    return d->limits;
}

Result<JobQueue::Submitted> JobQueue::submit(const JobRequest &request)
{
    auto checked = checkedJobRequest(request, d->limits.maxBodyBytes);
    if (!checked)
        return checked.error();
    const JobRequest &r = checked.value();
    if (r.endpointId.isNull())
        return makeError(ErrorType::NotFound, QStringLiteral("endpoint not found"));
    auto endpoint = d->repository.endpointById(r.endpointId);
    if (!endpoint)
        return endpoint.error();
    if (!*endpoint || (*endpoint)->lifecycle == EndpointLifecycle::Terminated
        || (*endpoint)->lifecycle == EndpointLifecycle::Destroying)
        return makeError(ErrorType::NotFound, QStringLiteral("endpoint not found"));

    const QDateTime now = d->clock.now();
    Job job;
    job.id = newJobId();
    job.endpointId = r.endpointId;
    job.endpointName = (*endpoint)->name;
    job.state = JobState::Queued;
    job.method = r.method;
    job.path = r.path;
    job.headers = r.headers;
    job.bodyBytes = r.body.size();
    job.priority = r.priority;
    job.idempotencyKey = r.idempotencyKey;
    if (r.deadlineSeconds)
        job.deadline = now.addSecs(*r.deadlineSeconds);
    job.maxAttempts = r.maxAttempts;
    job.queuedAt = now;
    job.submittedBy = r.submittedBy;

    // A repeated key answers with its first job only for the same request (method, path, body):
    // another request under a key already used is a client's mistake, never silently the old job.
    const auto sameRequestOrRefused = [&](const Job &first, const JobRequest &again) -> Result<Submitted> {
        auto firstBody = d->repository.jobBody(first.id);
        if (!firstBody)
            return firstBody.error();
        if (first.method == again.method && first.path == again.path && *firstBody && **firstBody == again.body)
            return Submitted{first, false};
        return makeError(ErrorType::IdempotencyKeyReused,
                         QStringLiteral("idempotency key %1 was used for another request (job %2)")
                             .arg(again.idempotencyKey, first.id),
                         {{QStringLiteral("job_id"), first.id}});
    };
    auto submitted = d->repository.transaction<Submitted>([&]() -> Result<Submitted> {
        if (!job.idempotencyKey.isEmpty()) {
            auto existing = d->repository.jobByIdempotencyKey(job.endpointId, job.idempotencyKey);
            if (!existing)
                return existing.error();
            if (*existing)
                return sameRequestOrRefused(**existing, r);
        }
        if (queuedCount(job.endpointId) >= d->limits.maxQueuedPerEndpoint)
            return makeError(ErrorType::QueueFull,
                             QStringLiteral("endpoint %1 has %2 jobs queued already")
                                 .arg(job.endpointName)
                                 .arg(d->limits.maxQueuedPerEndpoint),
                             {{QStringLiteral("limit"), d->limits.maxQueuedPerEndpoint}});
        auto inserted = d->repository.insertJob(job, r.body);
        if (!inserted)
            return inserted.error();
        if (!*inserted) {
            // The UNIQUE index found the key taken after all: the stored job is the answer.
            auto existing = d->repository.jobByIdempotencyKey(job.endpointId, job.idempotencyKey);
            if (!existing)
                return existing.error();
            if (!*existing)
                return makeError(ErrorType::StorageError, QStringLiteral("job insert ignored without a conflict"));
            return sameRequestOrRefused(**existing, r);
        }
        return Submitted{job, true};
    });
    if (!submitted)
        return submitted.error();
    if (submitted->created)
        d->publish(*this, {{{submitted->job, std::nullopt, false}}, {}});
    return submitted;
}

Result<Job> JobQueue::job(const QString &id)
{
    if (!isJobId(id))
        return jobNotFound();
    auto found = d->repository.jobById(id);
    if (!found)
        return found.error();
    if (!*found)
        return jobNotFound();
    return **found;
}

Result<QList<Job>> JobQueue::jobs(const JobFilter &filter)
{
    if (filter.limit < 1 || filter.limit > 10000)
        return invalid(QStringLiteral("limit"), QStringLiteral("from 1 to 10000"));
    if (filter.since.isValid() && filter.until.isValid() && filter.since >= filter.until)
        return invalid(QStringLiteral("since"), QStringLiteral("must be before until"));
    return d->repository.jobs(filter);
}

Result<QByteArray> JobQueue::body(const QString &id)
{
    if (!isJobId(id))
        return jobNotFound();
    auto found = d->repository.jobBody(id);
    if (!found)
        return found.error();
    if (!*found)
        return jobNotFound();
    return **found;
}

Result<JobResult> JobQueue::result(const QString &id)
{
    auto found = job(id);
    if (!found)
        return found.error();
    if (found->resultStatus == 0)
        return wrongState(*found, QStringLiteral("it has no answer"));
    auto stored = d->repository.jobResult(id);
    if (!stored)
        return stored.error();
    if (!*stored || (*stored)->status == 0)
        return wrongState(*found, QStringLiteral("it has no answer"));
    JobResult out;
    out.status = (*stored)->status;
    out.headers = (*stored)->headers;
    if ((*stored)->file.isEmpty()) {
        out.body = (*stored)->body;
    } else {
        auto body = JobResultFile::read(d->resultsDir, (*stored)->file, (*stored)->bytes);
        if (!body)
            return body.error();
        out.body = body.value();
    }
    return out;
}

Result<Job> JobQueue::cancel(const QString &id)
{
    Private::Effects effects;
    auto done = d->repository.transaction<Job>([&]() -> Result<Job> {
        auto found = job(id);
        if (!found)
            return found.error();
        Job job = found.value();
        if (isFinalJobState(job.state))
            return wrongState(job, QStringLiteral("a finished job is not cancelled"));
        const auto ended =
            d->endLiveJob(job, JobState::Cancelled, QStringLiteral("cancelled"), d->clock.now(), effects);
        if (!ended)
            return ended.error();
        return job;
    });
    if (done)
        d->publish(*this, effects);
    return done;
}

Result<int> JobQueue::cancelEndpointJobs(const QUuid &endpointId, const QString &reason)
{
    Private::Effects effects;
    auto done = d->repository.transaction<int>([&]() -> Result<int> {
        auto live = d->repository.liveJobs(endpointId, kCancelBatch);
        if (!live)
            return live.error();
        const QDateTime now = d->clock.now();
        for (Job job : live.value()) {
            const auto ended = d->endLiveJob(job, JobState::Cancelled, boundedReason(reason), now, effects);
            if (!ended)
                return ended.error();
        }
        return int(live->size());
    });
    if (done)
        d->publish(*this, effects);
    return done;
}

Result<Job> JobQueue::retry(const QString &id)
{
    Private::Effects effects;
    auto done = d->repository.transaction<Job>([&]() -> Result<Job> {
        auto found = job(id);
        if (!found)
            return found.error();
        Job job = found.value();
        if (job.state != JobState::Failed && job.state != JobState::Expired && job.state != JobState::Cancelled)
            return wrongState(job, QStringLiteral("only a FAILED, EXPIRED or CANCELLED job is retried"));
        // A job of a deleted (or deleting) endpoint would sit QUEUED with nothing to run it
        // until the next start cancels it again: refuse it, as a conflict with the endpoint's
        // state rather than "not found", since the job itself is there to read.
        auto endpoint = d->repository.endpointById(job.endpointId);
        if (!endpoint)
            return endpoint.error();
        if (!*endpoint || (*endpoint)->lifecycle == EndpointLifecycle::Terminated
            || (*endpoint)->lifecycle == EndpointLifecycle::Destroying) {
            ServiceError error = wrongState(
                job, QStringLiteral("its endpoint %1 was deleted, so the job cannot be retried").arg(job.endpointName));
            error.details.insert(QStringLiteral("reason"), QStringLiteral("endpoint_deleted"));
            error.details.insert(QStringLiteral("endpoint_id"), job.endpointId.toString(QUuid::WithoutBraces));
            return error;
        }
        if (queuedCount(job.endpointId) >= d->limits.maxQueuedPerEndpoint)
            return makeError(ErrorType::QueueFull, QStringLiteral("endpoint %1 has %2 jobs queued already")
                                                       .arg(job.endpointName)
                                                       .arg(d->limits.maxQueuedPerEndpoint));
        auto stored = d->repository.jobResult(id);
        if (!stored)
            return stored.error();
        const QDateTime now = d->clock.now();
        const JobState from = job.state;
        job.state = JobState::Queued;
        job.maxAttempts = job.attempts + 1;
        // The same time budget as at submission, counted from now: an expired job would
        // otherwise expire again at once.
        if (job.deadline.isValid())
            job.deadline = now.addMSecs(std::max<qint64>(1000, job.queuedAt.msecsTo(job.deadline)));
        job.finishedAt = {};
        job.nextAttemptAt = {};
        job.resultStatus = 0;
        job.resultBytes = 0;
        if (auto updated = d->repository.updateJob(job, JobStoredResult{}); !updated)
            return updated.error();
        if (*stored && !(*stored)->file.isEmpty())
            effects.filesToRemove << (*stored)->file;
        effects.changes.append({job, from, false});
        return job;
    });
    if (done)
        d->publish(*this, effects);
    return done;
}

int JobQueue::queuedCount(const QUuid &endpointId) const
{
    return d->counts.value(endpointId).value(JobState::Queued);
}

QHash<QUuid, int> JobQueue::queuedCounts() const
{
    QHash<QUuid, int> out;
    for (auto it = d->counts.cbegin(); it != d->counts.cend(); ++it)
        out.insert(it.key(), it.value().value(JobState::Queued));
    return out;
}

QHash<JobState, int> JobQueue::stateCounts(const QUuid &endpointId) const
{
    QHash<JobState, int> out;
    for (const JobState state : allJobStates())
        out.insert(state, 0);
    for (auto it = d->counts.cbegin(); it != d->counts.cend(); ++it) {
        if (!endpointId.isNull() && it.key() != endpointId)
            continue;
        for (auto s = it.value().cbegin(); s != it.value().cend(); ++s)
            out[s.key()] += s.value();
    }
    return out;
}

int JobQueue::runningCount(const QUuid &endpointId) const
{
    return d->counts.value(endpointId).value(JobState::Running);
}

Result<QList<JobStatsRow>> JobQueue::stats(const QDateTime &since, const QDateTime &until, const QUuid &endpointId)
{
    if (since.isValid() && until.isValid() && since >= until)
        return invalid(QStringLiteral("since"), QStringLiteral("must be before until"));
    auto samples = d->repository.jobStatsSamples(since, until, endpointId, kMaxStatsRows);
    if (!samples)
        return samples.error();
    struct Group
    {
        JobStatsRow row;
        QList<double> queueMs, runMs;
    };
    QList<Group> groups;
    QHash<QPair<QUuid, QString>, qsizetype> index;
    for (const JobStatsSample &s : samples.value()) {
        const auto key = qMakePair(s.endpointId, s.modelVersion);
        auto it = index.find(key);
        if (it == index.end()) {
            Group g;
            g.row.endpointId = s.endpointId;
            g.row.endpointName = s.endpointName;
            g.row.modelVersion = s.modelVersion;
            groups.append(g);
            it = index.insert(key, groups.size() - 1);
        }
        Group &g = groups[it.value()];
        ++g.row.count;
        switch (s.state) {
        case JobState::Succeeded: ++g.row.succeeded; break;
        case JobState::Failed: ++g.row.failed; break;
        case JobState::Cancelled: ++g.row.cancelled; break;
        case JobState::Expired: ++g.row.expired; break;
        case JobState::Queued:
        case JobState::Running: break;
        }
        g.row.retries += std::max(0, s.attempts - 1);
        if (s.startedAt.isValid()) {
            g.queueMs.append(double(s.queuedAt.msecsTo(s.startedAt)));
            g.runMs.append(double(s.startedAt.msecsTo(s.finishedAt)));
        }
    }
    QList<JobStatsRow> out;
    for (Group &g : groups) {
        g.row.successRatio = g.row.count > 0 ? double(g.row.succeeded) / double(g.row.count) : 0;
        g.row.queueMeanMs = mean(g.queueMs);
        g.row.queueP95Ms = p95(g.queueMs);
        g.row.runMeanMs = mean(g.runMs);
        g.row.runP95Ms = p95(g.runMs);
        out.append(g.row);
    }
    std::sort(out.begin(), out.end(), [](const JobStatsRow &a, const JobStatsRow &b) {
        return std::tie(a.endpointName, a.modelVersion) < std::tie(b.endpointName, b.modelVersion);
    });
    return out;
}

Result<JobRetention> JobQueue::retention()
{
    auto stored = d->repository.jobRetention();
    if (!stored)
        return stored.error();
    return stored->value_or(JobRetention{});
}

Result<JobRetention> JobQueue::setRetention(const JobRetention &retention)
{
    if (retention.maxAgeDays < 1 || retention.maxAgeDays > 365)
        return invalid(QStringLiteral("max_age_days"), QStringLiteral("from 1 to 365"));
    if (retention.maxCount < 100 || retention.maxCount > 10000000)
        return invalid(QStringLiteral("max_count"), QStringLiteral("from 100 to 10,000,000"));
    auto saved = d->repository.transaction<Done>(
        [&]() -> Result<Done> { return d->repository.saveJobRetention(retention, d->clock.now()); });
    if (!saved)
        return saved.error();
    return retention;
}

Result<int> JobQueue::prune()
{
    auto kept = retention();
    if (!kept)
        return kept.error();
    QList<JobFileRef> deleted;
    auto done = d->repository.transaction<Done>([&]() -> Result<Done> {
        auto old = d->repository.finalJobsBefore(d->clock.now().addDays(-kept->maxAgeDays), kPruneBatch);
        if (!old)
            return old.error();
        for (const JobFileRef &ref : old.value()) {
            if (auto gone = d->repository.deleteJob(ref.id); !gone)
                return gone.error();
        }
        deleted = old.value();
        const int room = kPruneBatch - int(deleted.size());
        if (room <= 0)
            return Done{};
        auto beyond = d->repository.finalJobsBeyond(kept->maxCount, room);
        if (!beyond)
            return beyond.error();
        for (const JobFileRef &ref : beyond.value()) {
            if (auto gone = d->repository.deleteJob(ref.id); !gone)
                return gone.error();
        }
        deleted += beyond.value();
        return Done{};
    });
    if (!done)
        return done.error();
    for (const JobFileRef &ref : deleted) {
        d->move(ref.endpointId, ref.state, std::nullopt);
        if (!ref.file.isEmpty())
            JobResultFile::remove(d->resultsDir, ref.file);
    }
    return int(deleted.size());
}

Result<QList<Job>> JobQueue::claim(const QUuid &endpointId, int max, const QString &owner)
{
    if (max < 1 || max > kMaxClaim)
        return invalid(QStringLiteral("max"), QStringLiteral("from 1 to %1").arg(kMaxClaim));
    if (owner.isEmpty() || owner.size() > kMaxOwner)
        return invalid(QStringLiteral("owner"), QStringLiteral("1 to %1 characters").arg(kMaxOwner));
    Private::Effects effects;
    auto claimed = d->repository.transaction<QList<Job>>([&]() -> Result<QList<Job>> {
        const QDateTime now = d->clock.now();
        auto due = d->repository.dueJobs(endpointId, now, max);
        if (!due)
            return due.error();
        QList<Job> out;
        for (Job job : due.value()) {
            job.state = JobState::Running;
            job.attempts += 1;
            job.startedAt = now;
            job.nextAttemptAt = {};
            job.leaseOwner = owner;
            job.leaseExpiresAt = now.addSecs(d->limits.leaseSeconds);
            job.error.clear();
            if (auto updated = d->repository.updateJob(job); !updated)
                return updated.error();
            effects.changes.append({job, JobState::Queued, false});
            out.append(job);
        }
        return out;
    });
    if (claimed)
        d->publish(*this, effects);
    return claimed;
}

Result<Done> JobQueue::renewLeases(const QStringList &ids, const QString &owner)
{
    if (ids.size() > kMaxRenew)
        return invalid(QStringLiteral("ids"), QStringLiteral("at most %1").arg(kMaxRenew));
    QStringList notHeld;
    auto renewed = d->repository.transaction<Done>([&]() -> Result<Done> {
        const QDateTime expires = d->clock.now().addSecs(d->limits.leaseSeconds);
        for (const QString &id : ids) {
            auto running = d->runningJobOf(id, owner);
            if (!running) {
                if (running.error().type != ErrorType::StorageError) {
                    notHeld << id;
                    continue;
                }
                return running.error();
            }
            Job job = running.value();
            job.leaseExpiresAt = expires;
            if (auto updated = d->repository.updateJob(job); !updated)
                return updated.error();
        }
        return Done{};
    });
    if (!renewed)
        return renewed;
    if (!notHeld.isEmpty())
        return makeError(ErrorType::InvalidJobState,
                         QStringLiteral("%1 of the jobs are no longer RUNNING under this owner").arg(notHeld.size()),
                         {{QStringLiteral("ids"), QJsonArray::fromStringList(notHeld)}});
    return Done{};
}

Result<Job> JobQueue::complete(const QString &id, const QString &owner, const JobResult &result, const QUuid &routeId,
                               const QString &modelVersion)
{
    if (result.body.size() > d->limits.maxResultBytes)
        return attemptFailed(id, owner, QStringLiteral("answer too large"));
    if (result.status < 100 || result.status > 599)
        return invalid(QStringLiteral("status"), QStringLiteral("an HTTP status from 100 to 599"));
    Private::Effects effects;
    QString writtenFile;
    auto done = d->repository.transaction<Job>([&]() -> Result<Job> {
        auto running = d->runningJobOf(id, owner);
        if (!running)
            return running.error();
        Job job = running.value();
        JobStoredResult stored;
        stored.status = result.status;
        stored.headers = result.headers;
        stored.bytes = result.body.size();
        if (result.body.size() > d->limits.inlineResultBytes) {
            // On disk before the row that names it commits.
            stored.file = JobResultFile::fileName(id);
            if (auto written = JobResultFile::write(d->resultsDir, stored.file, result.body); !written)
                return written.error();
            writtenFile = stored.file;
        } else {
            stored.body = result.body;
        }
        const bool succeeded = result.status >= 200 && result.status < 300;
        job.state = succeeded ? JobState::Succeeded : JobState::Failed;
        job.finishedAt = d->clock.now();
        job.leaseOwner.clear();
        job.leaseExpiresAt = {};
        job.routeId = routeId;
        job.modelVersion = modelVersion;
        job.resultStatus = result.status;
        job.resultBytes = stored.bytes;
        job.error = succeeded ? QString() : QStringLiteral("the model answered HTTP %1").arg(result.status);
        if (auto updated = d->repository.updateJob(job, stored); !updated)
            return updated.error();
        effects.changes.append({job, JobState::Running, false});
        return job;
    });
    if (!done) {
        if (!writtenFile.isEmpty())
            JobResultFile::remove(d->resultsDir, writtenFile);
        return done;
    }
    d->publish(*this, effects);
    return done;
}

Result<Job> JobQueue::attemptFailed(const QString &id, const QString &owner, const QString &reason)
{
    Private::Effects effects;
    auto done = d->repository.transaction<Job>([&]() -> Result<Job> {
        auto running = d->runningJobOf(id, owner);
        if (!running)
            return running.error();
        Job job = running.value();
        d->failAttempt(job, boundedReason(reason), d->clock.now());
        if (auto updated = d->repository.updateJob(job); !updated)
            return updated.error();
        effects.changes.append({job, JobState::Running, false});
        return job;
    });
    if (done)
        d->publish(*this, effects);
    return done;
}

Result<int> JobQueue::recover()
{
    Private::Effects effects;
    auto done = d->repository.transaction<int>([&]() -> Result<int> {
        const QDateTime now = d->clock.now();
        // Deadlines first: a job past its deadline is not tried again, whatever its lease.
        auto late = d->repository.jobsPastDeadline(now, kRecoverBatch);
        if (!late)
            return late.error();
        for (Job job : late.value()) {
            const auto ended =
                d->endLiveJob(job, JobState::Expired, QStringLiteral("the deadline passed"), now, effects);
            if (!ended)
                return ended.error();
        }
        auto lapsed = d->repository.jobsWithLeaseExpired(now, kRecoverBatch);
        if (!lapsed)
            return lapsed.error();
        for (Job job : lapsed.value()) {
            d->failAttempt(job, QStringLiteral("the lease expired (its dispatcher stopped renewing it)"), now);
            if (auto updated = d->repository.updateJob(job); !updated)
                return updated.error();
            effects.changes.append({job, JobState::Running, false});
        }
        return int(effects.changes.size());
    });
    if (done)
        d->publish(*this, effects);
    return done;
}

} // namespace ServeDeck
