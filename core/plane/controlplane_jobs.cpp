// The plane's asynchronous jobs: the queue in the store, the dispatcher that runs it through the
// proxy, the proxy's hand-off of `Prefer: respond-async` requests and /_jobs/{id}, and the
// backlog the autoscaler reads as jobs_queued. Runs once per plane, on the control thread.
#include "controlplane.h"

#include <algorithm>
#include <memory>

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include "api/controlapiserver.h"
#include "domain/clock.h"
#include "jobs/jobdispatcher.h"
#include "jobs/jobjson.h"
#include "jobs/jobqueue.h"
#include "plane/planelog.h"
#include "proxy/proxyserver.h"
#include "service/endpointmetricssampler.h"
#include "service/modelservingservice.h"
#include "store/repository.h"

namespace ServeDeck {

namespace {

// Finished jobs past their retention are deleted this often (and once at start): a prune is a
// couple of statements, and an hour late is nothing against retention counted in days.
constexpr int kPruneIntervalMs = 60 * 60 * 1000;

// Where the dispatcher reaches the proxy: loopback when it listens on every address.
QString proxyHost(const QHostAddress &listening)
{
    if (listening == QHostAddress::AnyIPv6)
        return QStringLiteral("::1");
    if (listening == QHostAddress::Any || listening == QHostAddress::AnyIPv4)
        return QStringLiteral("127.0.0.1");
    return listening.toString();
}

LocalResponse jsonResponse(int status, const QJsonObject &body)
{
    LocalResponse response;
    response.status = status;
    response.contentType = QByteArrayLiteral("application/json");
    response.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return response;
}

LocalResponse errorReply(const ServiceError &error)
{
    LocalResponse response =
        ProxyHttp::errorResponse(httpStatusFor(error.type), errorTypeName(error.type), error.message, error.details);
    if (error.type == ErrorType::QueueFull)
        response.headers.append({QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1")});
    return response;
}

QJsonObject jobBody(const Job &job)
{
    return {{QStringLiteral("job"), jobToJson(job)}};
}

// The stored answer as the model gave it; what described the hop to the dispatcher is not
// repeated, and the proxy frames the body itself.
LocalResponse storedAnswer(const JobResult &result)
{
    LocalResponse response;
    response.status = result.status;
    response.body = result.body;
    const QList<QByteArray> options = ProxyHttp::connectionOptions(result.headers);
    for (const auto &[name, value] : result.headers) {
        if (ProxyHttp::isHopByHop(name) || ProxyHttp::containsIgnoringCase(options, name)
            || ProxyHttp::equalsIgnoringCase(name, "content-length") || ProxyHttp::equalsIgnoringCase(name, "server"))
            continue;
        if (ProxyHttp::equalsIgnoringCase(name, "content-type")) {
            response.contentType = value;
            continue;
        }
        response.headers.append({name, value});
    }
    return response;
}

} // namespace

void ControlPlane::startJobs()
{
    m_jobs = std::make_unique<JobQueue>(*m_repository, Clock::system(),
                                        QDir(m_options.dataDir).filePath(QStringLiteral("job-results")));
    JobQueue::Limits limits = m_jobs->limits();
    limits.leaseSeconds = std::max(1, m_options.jobLeaseSeconds);
    limits.perReplicaConcurrency =
        std::clamp(m_options.jobConcurrencyPerReplica, 1, ControlPlaneOptions::kMaxJobConcurrencyPerReplica);
    m_jobs->setLimits(limits);

    const ProxyServer *proxy = m_proxy;
    Repository *repository = m_repository.get();
    // Each endpoint's own job concurrency, read from the store once after it changes (the
    // routing snapshot does not carry it) and only when a dispatch pass asks, so an idle plane
    // still reads nothing.
    auto concurrencies = std::make_shared<QHash<QUuid, int>>();
    connect(m_service.get(), &ModelServingService::endpointChanged, m_jobs.get(),
            [concurrencies](const QUuid &endpointId) { concurrencies->remove(endpointId); });
    // Another console of a shared plane changed it (issue 18): this one's service says nothing.
    connect(this, &ControlPlane::sharedChanges, m_jobs.get(), [concurrencies](const SharedChanges &changes) {
        for (const QUuid &id : changes.endpointsChanged + changes.endpointsRemoved)
            concurrencies->remove(id);
    });
    // What the dispatcher needs of each endpoint, from the routing the proxy serves now: a job
    // is sent only where a request would find a route.
    const auto endpointViews = [proxy, repository, concurrencies] {
        QHash<QUuid, JobDispatcher::EndpointView> views;
        const std::shared_ptr<const RoutingSnapshot> snapshot = proxy->snapshot();
        if (!snapshot)
            return views;
        for (const EndpointTable &table : snapshot->endpoints) {
            QSet<QUuid> shadows;
            for (const RevisionPolicy &revision : table.revisions) {
                if (revision.shadow)
                    shadows.insert(revision.revisionId);
            }
            int healthy = 0;
            for (const RouteTarget &route : table.routes)
                healthy += shadows.contains(route.revisionId) ? 0 : 1;
            auto known = concurrencies->constFind(table.endpointId);
            if (known == concurrencies->cend()) {
                auto endpoint = repository->endpointById(table.endpointId);
                if (!endpoint) {
                    qCWarning(lcPlane, "reading the job concurrency of %s: %s",
                              qPrintable(table.endpointId.toString()), qPrintable(endpoint.error().message));
                    views.insert(table.endpointId, {table.name, table.isPublic, healthy, 0});
                    continue;  // read again next pass
                }
                known = concurrencies->insert(table.endpointId, *endpoint ? (*endpoint)->jobConcurrency : 0);
            }
            views.insert(table.endpointId, {table.name, table.isPublic, healthy, known.value()});
        }
        return views;
    };
    m_jobDispatcher = std::make_unique<JobDispatcher>(*m_jobs, Clock::system(), proxyHost(m_options.proxyAddress),
                                                      m_proxy->serverPort(), m_signer, JobDispatcher::Options{});
    m_jobDispatcher->setEndpointSource(endpointViews);

    // jobs_queued: each endpoint's backlog (QUEUED + RUNNING), from the queue's live counts (no
    // store read): an endpoint that never had a job reads 0 as well.
    const QPointer<const JobQueue> jobs = m_jobs.get();
    if (m_metrics) {
        m_metrics->setJobsSource([jobs] {
            QHash<QUuid, int> backlog;
            if (!jobs)
                return backlog;
            const QHash<QUuid, int> queued = jobs->queuedCounts();
            for (auto it = queued.cbegin(); it != queued.cend(); ++it)
                backlog.insert(it.key(), it.value() + jobs->runningCount(it.key()));
            return backlog;
        });
    }

    // The proxy's job calls: it never opens the store, so each one is answered here, on the
    // control thread, once the queue's transaction is done.
    QPointer<JobQueue> queue = m_jobs.get();
    m_proxy->setJobHandler([queue](ProxyJobCall call, std::function<void(ProxyJobReply)> reply) {
        if (!queue) {
            reply({errorReply(makeError(ErrorType::QueueFull, QStringLiteral("the job queue is stopping"))), QUuid()});
            return;
        }
        switch (call.kind) {
        case ProxyJobCall::Kind::Submit: {
            JobRequest request;
            request.endpointId = call.endpointId;
            request.method = call.method;
            request.path = call.path;
            request.headers = call.headers;
            request.body = call.body;
            request.idempotencyKey = QString::fromLatin1(call.idempotencyKey);
            request.submittedBy = call.submittedBy;
            auto submitted = queue->submit(request);
            if (!submitted) {
                reply({errorReply(submitted.error()), QUuid()});
                return;
            }
            LocalResponse response = jsonResponse(submitted->created ? 202 : 200, jobBody(submitted->job));
            response.headers.append({QByteArrayLiteral("Location"), "/_jobs/" + submitted->job.id.toLatin1()});
            response.headers.append({QByteArrayLiteral("Preference-Applied"), QByteArrayLiteral("respond-async")});
            reply({response, QUuid()});
            return;
        }
        case ProxyJobCall::Kind::Status: {
            auto job = queue->job(call.jobId);
            if (!job) {
                reply({errorReply(job.error()), QUuid()});
                return;
            }
            reply({jsonResponse(200, jobBody(*job)), job->endpointId});
            return;
        }
        case ProxyJobCall::Kind::Result: {
            auto job = queue->job(call.jobId);
            if (!job) {
                reply({errorReply(job.error()), QUuid()});
                return;
            }
            auto result = queue->result(call.jobId);
            reply({result ? storedAnswer(*result) : errorReply(result.error()), job->endpointId});
            return;
        }
        case ProxyJobCall::Kind::Cancel: {
            auto job = queue->job(call.jobId);
            if (!job) {
                reply({errorReply(job.error()), QUuid()});
                return;
            }
            auto cancelled = queue->cancel(call.jobId);
            const LocalResponse response =
                cancelled ? jsonResponse(200, jobBody(*cancelled)) : errorReply(cancelled.error());
            reply({response, job->endpointId});
            return;
        }
        }
        reply({errorReply(makeError(ErrorType::InvalidArgument, QStringLiteral("unknown job call"))), QUuid()});
    });

    // An endpoint being deleted ends its queued and running jobs: no replica will come for them.
    const auto endJobsOfDeleted = [queue, repository](const QUuid &endpointId) {
        if (!queue || queue->queuedCount(endpointId) + queue->runningCount(endpointId) == 0)
            return;  // the common case, from memory: no store read
        auto endpoint = repository->endpointById(endpointId);
        if (!endpoint || (*endpoint && (*endpoint)->isLive()))
            return;
        if (auto ended = queue->cancelEndpointJobs(endpointId, QStringLiteral("the endpoint was deleted")); !ended)
            qCWarning(lcPlane, "ending the jobs of a deleted endpoint: %s", qPrintable(ended.error().message));
    };
    connect(m_service.get(), &ModelServingService::endpointChanged, m_jobs.get(), endJobsOfDeleted);
    const QHash<QUuid, int> known = m_jobs->queuedCounts();
    for (auto it = known.cbegin(); it != known.cend(); ++it)
        endJobsOfDeleted(it.key());

    if (auto pruned = isLeader() ? m_jobs->prune() : Result<int>(0); !pruned)
        qCWarning(lcPlane, "pruning jobs: %s", qPrintable(pruned.error().message));
    auto *prune = new QTimer(m_jobDispatcher.get());
    prune->setInterval(kPruneIntervalMs);
    connect(prune, &QTimer::timeout, m_jobs.get(), [this, queue] {
        if (auto pruned = queue && isLeader() ? queue->prune() : Result<int>(0); !pruned)
            qCWarning(lcPlane, "pruning jobs: %s", qPrintable(pruned.error().message));
    });
    prune->start();
    if (isLeader()) {  // else when this node is elected (controlplane_leadership.cpp)
        m_jobDispatcher->start();
        m_jobsDispatching = true;
    }
}

} // namespace ServeDeck
