#include "jobs/jobdispatcher.h"

#include <algorithm>
#include <utility>

#include <QDateTime>
#include <QPointer>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include "auth/tokenclaims.h"
#include "auth/tokensigner.h"
#include "domain/clock.h"
#include "http/proxyhttp.h"
#include "jobs/jobdispatchlog.h"
#include "jobs/jobqueue.h"
#include "traffic/requestsender.h"

namespace ServeDeck {

namespace {

// A token lives long enough to be checked when its request reaches the proxy (at once, on
// loopback), not long enough to be worth stealing; the proxy checks it only at the start.
constexpr int kTokenSeconds = 60;
// Claimed in one transaction at most (JobQueue::claim's bound); the rest on the next pass.
constexpr int kMaxClaim = 1000;

// The proxy's own answers (no route, circuit open, upstream refused or timed out, held past a
// wake) carry its Server header; a model's 503 passes through with the model's headers.
bool isProxysOwnFailure(const TrafficAnswer &answer)
{
    if (answer.status != 502 && answer.status != 503 && answer.status != 504)
        return false;
    return ProxyHttp::headerValue(answer.headers, "server") == "servedeck";
}

// What is kept of the answer's head: the model's headers, not what describes the hop or what
// the proxy added (the route and revision are kept as the job's own fields).
JobHeaders keptHeaders(const HeaderList &headers)
{
    const QList<QByteArray> options = ProxyHttp::connectionOptions(headers);
    JobHeaders kept;
    for (const auto &[name, value] : headers) {
        if (ProxyHttp::isHopByHop(name) || ProxyHttp::containsIgnoringCase(options, name)
            || ProxyHttp::equalsIgnoringCase(name, "content-length")
            || name.toLower().startsWith("x-servedeck-"))
            continue;
        kept.append({name, value});
    }
    return kept;
}

} // namespace

struct JobDispatcher::Private
{
    // One job's request in flight.
    struct Running
    {
        QString jobId;
        QUuid endpointId;
        bool aborted = false;  // the queue already gave the job its final state
    };

    Private(JobQueue &queue_, Clock &clock_, std::shared_ptr<const TokenSigner> signer_, Options options_)
        : queue(queue_)
        , clock(clock_)
        , signer(std::move(signer_))
        , options(options_)
        , owner(QUuid::createUuid().toString(QUuid::Id128))
    {
    }

    JobQueue &queue;
    Clock &clock;
    std::shared_ptr<const TokenSigner> signer;
    Options options;
    QString owner;
    EndpointSource endpoints;
    RequestSender *sender = nullptr;
    QTimer *tick = nullptr;
    QTimer *renew = nullptr;
    bool passQueued = false;
    bool started = false;  // between start() and stop(): queued jobs are sent
    QHash<quint64, Running> running;  // by request id
    QHash<QString, quint64> requestOf;  // by job id
    QHash<QUuid, int> inFlight;
    QHash<QUuid, int> maxInFlight;
    QHash<QUuid, int> concurrency;  // as the last pass computed it
};

JobDispatcher::JobDispatcher(JobQueue &queue, Clock &clock, QString proxyHost, quint16 proxyPort,
                             std::shared_ptr<const TokenSigner> signer, Options options, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(queue, clock, std::move(signer), options))
{
    RequestSender::Options senderOptions;
    senderOptions.maxConnections = std::max(1, options.maxConnections);
    senderOptions.timeoutMs = std::max(1, options.defaultTimeoutMs);
    // Whole answers: a job's result is the model's answer as it gave it, up to the queue's bound
    // (a longer one fails the attempt, as the queue says).
    const qsizetype maxResult = queue.limits().maxResultBytes;
    senderOptions.keepBodyBytes = maxResult;
    senderOptions.maxAnswerBytes = maxResult;
    senderOptions.keepHeaders = true;
    d->sender = new RequestSender(std::move(proxyHost), proxyPort, senderOptions, this);
    connect(d->sender, &RequestSender::finished, this, &JobDispatcher::answered);

    d->tick = new QTimer(this);
    d->tick->setInterval(std::max(10, options.tickMs));
    connect(d->tick, &QTimer::timeout, this, [this] {
        // With no job QUEUED or RUNNING (the queue's counts, in memory, loaded from the store at
        // its start) there is no lease or deadline to look at: an idle plane reads nothing.
        const QHash<JobState, int> counts = d->queue.stateCounts();
        if (counts.value(JobState::Queued) + counts.value(JobState::Running) == 0)
            return;
        // Leases that ran out and deadlines that passed, then whatever became due.
        if (auto recovered = d->queue.recover(); !recovered)
            qCWarning(lcJobDispatch, "recovering jobs: %s", qPrintable(recovered.error().message));
        pass();
    });
    // A third of the lease: two renewals may be lost (a busy loop, a slow disk) before the lease runs out.
    d->renew = new QTimer(this);
    d->renew->setInterval(std::max(1, queue.limits().leaseSeconds) * 1000 / 3);
    connect(d->renew, &QTimer::timeout, this, &JobDispatcher::renewLeases);

    connect(&queue, &JobQueue::jobsQueued, this, &JobDispatcher::dispatchSoon);
    connect(&queue, &JobQueue::abortRequested, this, &JobDispatcher::abortJob);
}

JobDispatcher::~JobDispatcher()
{
    // Requests still out end with the process or this plane: their leases run out and the next
    // start (or another dispatcher) runs them again.
    disconnect(d->sender, nullptr, this, nullptr);
}

void JobDispatcher::setEndpointSource(EndpointSource source)
{
    d->endpoints = std::move(source);
}

void JobDispatcher::start()
{
    if (auto recovered = d->queue.recover(); !recovered)
        qCWarning(lcJobDispatch, "recovering jobs: %s", qPrintable(recovered.error().message));
    d->started = true;
    d->tick->start();
    d->renew->start();
    dispatchSoon();
}

void JobDispatcher::stop()
{
    d->started = false;
    d->tick->stop();
    // d->renew goes on: the leases of requests still out are kept until they end, so that nobody
    // runs those jobs a second time meanwhile.
}

QString JobDispatcher::ownerId() const
{
    return d->owner;
}

int JobDispatcher::inFlight(const QUuid &endpointId) const
{
    return d->inFlight.value(endpointId);
}

int JobDispatcher::maxInFlight(const QUuid &endpointId) const
{
    return d->maxInFlight.value(endpointId);
}

int JobDispatcher::concurrency(const QUuid &endpointId) const
{
    return d->concurrency.value(endpointId);
}

void JobDispatcher::dispatchSoon()
{
    if (d->passQueued)
        return;
    d->passQueued = true;
    QMetaObject::invokeMethod(this, &JobDispatcher::pass, Qt::QueuedConnection);
}

void JobDispatcher::pass()
{
    d->passQueued = false;
    if (!d->started)
        return;
    const QHash<QUuid, int> queued = d->queue.queuedCounts();
    if (queued.isEmpty() || !d->endpoints)
        return;
    const QHash<QUuid, EndpointView> views = d->endpoints();
    const int perReplica = std::max(1, d->queue.limits().perReplicaConcurrency);
    for (auto it = queued.cbegin(); it != queued.cend(); ++it) {
        if (it.value() <= 0)
            continue;
        const QUuid endpointId = it.key();
        const auto view = views.constFind(endpointId);
        int limit = 0;
        if (view != views.cend() && view->healthyRoutes > 0)
            limit = view->jobConcurrency > 0 ? view->jobConcurrency : view->healthyRoutes * perReplica;
        d->concurrency.insert(endpointId, limit);
        const int room = std::min({limit - d->inFlight.value(endpointId), it.value(), kMaxClaim});
        if (room <= 0)
            continue;
        auto claimed = d->queue.claim(endpointId, room, d->owner);
        if (!claimed) {
            qCWarning(lcJobDispatch, "claiming jobs of %s: %s", qPrintable(endpointId.toString()),
                      qPrintable(claimed.error().message));
            continue;
        }
        for (const Job &job : std::as_const(*claimed)) {
            auto body = d->queue.body(job.id);
            if (!body) {
                // Unreadable now (the disk): the attempt fails and is retried after its backoff.
                if (auto failed = d->queue.attemptFailed(job.id, d->owner, body.error().message); !failed)
                    qCWarning(lcJobDispatch, "job %s: %s", qPrintable(job.id), qPrintable(failed.error().message));
                continue;
            }
            TrafficRequest request;
            request.method = job.method;
            request.path = '/' + view->name.toUtf8() + job.path;
            request.headers = job.headers;
            request.body = std::move(*body);
            if (!view->isPublic && d->signer) {
                // Signed per request and never stored: it opens this one endpoint, for inference, briefly.
                TokenClaims claims;
                claims.tokenId = QUuid::createUuid().toString(QUuid::WithoutBraces);
                claims.endpointId = endpointId.toString(QUuid::WithoutBraces);
                claims.scope = TokenScope::Inference;
                const QDateTime now = d->clock.now().toUTC();
                claims.issuedAt = now.addMSecs(-now.time().msec());
                claims.expiresAt = claims.issuedAt.addSecs(kTokenSeconds);
                request.headers.append({QByteArrayLiteral("Authorization"), "Bearer " + d->signer->sign(claims)});
            }
            int timeoutMs = d->options.defaultTimeoutMs;
            if (job.deadline.isValid()) {
                // Past the deadline the queue expires the job anyway; the request need not outlive it.
                const qint64 left = d->clock.now().msecsTo(job.deadline);
                timeoutMs = int(std::clamp<qint64>(left, 1, timeoutMs));
            }
            request.timeoutMs = timeoutMs;
            const quint64 requestId = d->sender->send(std::move(request), d->sender->nowNs());
            d->running.insert(requestId, {job.id, endpointId, false});
            d->requestOf.insert(job.id, requestId);
            const int now = ++d->inFlight[endpointId];
            if (now > d->maxInFlight.value(endpointId))
                d->maxInFlight.insert(endpointId, now);
        }
    }
}

void JobDispatcher::renewLeases()
{
    if (d->requestOf.isEmpty())
        return;
    QStringList ids;
    for (const Private::Running &r : std::as_const(d->running)) {
        if (!r.aborted)
            ids << r.jobId;
    }
    auto renewed = d->queue.renewLeases(ids, d->owner);
    // InvalidJobState: some were cancelled, expired or taken back meanwhile; the others were renewed.
    if (!renewed && renewed.error().type != ErrorType::InvalidJobState)
        qCWarning(lcJobDispatch, "renewing leases: %s", qPrintable(renewed.error().message));
}

void JobDispatcher::abortJob(const QString &jobId)
{
    const auto it = d->requestOf.constFind(jobId);
    if (it == d->requestOf.cend())
        return;
    const quint64 requestId = *it;
    d->running[requestId].aborted = true;
    // Closing its connection is what tells the model to stop; the answer is not waited for.
    d->sender->abort(requestId);
}

void JobDispatcher::answered(const TrafficAnswer &answer)
{
    const auto found = d->running.constFind(answer.id);
    if (found == d->running.cend())
        return;
    const Private::Running run = *found;
    d->running.erase(found);
    d->requestOf.remove(run.jobId);
    if (--d->inFlight[run.endpointId] <= 0)
        d->inFlight.remove(run.endpointId);
    // The slot is free: the next job need not wait for the tick.
    dispatchSoon();
    if (run.aborted)
        return;  // cancelled or expired: the queue has its final state already

    const QUuid routeId = QUuid::fromString(QLatin1StringView(answer.routeId));
    const QString modelVersion = QString::fromUtf8(answer.revision);
    if (answer.status == 0 || isProxysOwnFailure(answer)) {
        // No answer from the model, or the proxy could not reach one: the job is run again later.
        const QString reason = answer.status == 0
            ? answer.error
            : QStringLiteral("the proxy answered %1: %2")
                  .arg(answer.status)
                  .arg(QString::fromUtf8(answer.body.left(512)));
        if (auto failed = d->queue.attemptFailed(run.jobId, d->owner, reason); !failed)
            qCDebug(lcJobDispatch, "job %s: %s", qPrintable(run.jobId), qPrintable(failed.error().message));
    } else {
        JobResult result;
        result.status = answer.status;
        result.headers = keptHeaders(answer.headers);
        result.body = answer.body;
        // Refused when the job is no longer ours (its lease was taken back): the new attempt decides.
        if (auto completed = d->queue.complete(run.jobId, d->owner, result, routeId, modelVersion); !completed)
            qCDebug(lcJobDispatch, "job %s: %s", qPrintable(run.jobId), qPrintable(completed.error().message));
    }
    Q_EMIT attemptEnded(run.jobId);
}

} // namespace ServeDeck
