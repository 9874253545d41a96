#pragma once

#include <functional>
#include <memory>

#include <QHash>
#include <QObject>
#include <QString>
#include <QUuid>

namespace ServeDeck {

class Clock;
class JobQueue;
class TokenSigner;
struct TrafficAnswer;

// Runs the queue's jobs (control thread): claims what each endpoint may take now and sends each
// job through the proxy on loopback as `METHOD /<endpoint><path>`, like any client's request, so
// weights, tokens, circuit breakers and revisions apply; the answer (or its absence) goes back
// to the queue. Per endpoint at most its own job concurrency, else HEALTHY routes x
// JobQueue::Limits::perReplicaConcurrency, requests are in flight; with no HEALTHY route nothing
// is sent (an autoscaling rule on jobs_queued wakes an endpoint at zero).
class JobDispatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobDispatcher)

public:
    // What the dispatcher must know of an endpoint, from the proxy's routing.
    struct EndpointView
    {
        QString name;           // the proxy's first path segment
        bool isPublic = false;  // else each request carries a token the dispatcher signs
        int healthyRoutes = 0;  // routes that answer its traffic (shadow copies not counted)
        // The endpoint's own limit (Endpoint::jobConcurrency): at most this many at once while
        // it has a HEALTHY route; 0: healthyRoutes x the queue's perReplicaConcurrency.
        int jobConcurrency = 0;
    };
    using EndpointSource = std::function<QHash<QUuid, EndpointView>()>;

    struct Options
    {
        // How often the queue is looked at without a signal: due retries (backoff), expired
        // leases and deadlines, routes that became HEALTHY. Quarter of a second keeps a
        // retry's start close to its backoff without a busy loop.
        int tickMs = 250;
        // A job without a sooner deadline gets this long from sending to the end of its answer.
        // Jobs are for long work (batch scoring, long generations) that would not fit a client's
        // timeout; the proxy's read timeout already ends an upstream that goes silent, so this
        // only bounds one that keeps talking, and frees the slot of a request lost on the way.
        int defaultTimeoutMs = 10 * 60 * 1000;
        int maxConnections = 1024;  // to the proxy: above any endpoint's concurrency
    };

    JobDispatcher(JobQueue &queue, Clock &clock, QString proxyHost, quint16 proxyPort,
                  std::shared_ptr<const TokenSigner> signer, Options options, QObject *parent = nullptr);
    ~JobDispatcher() override;

    void setEndpointSource(EndpointSource source);
    // Recovers what a previous run left RUNNING, then follows the queue.
    void start();
    // Sends nothing more until start() again (a plane's node that stopped leading, issue 18);
    // requests already out end as they would, their leases renewed until then.
    void stop();

    QString ownerId() const;
    int inFlight(const QUuid &endpointId) const;
    // The most requests of the endpoint ever in flight at once (for tests).
    int maxInFlight(const QUuid &endpointId) const;
    // The endpoint's job concurrency now: HEALTHY routes x per-replica limit.
    int concurrency(const QUuid &endpointId) const;

public Q_SLOTS:
    // Looks at the queue once control returns to the event loop; calls coalesce.
    void dispatchSoon();

Q_SIGNALS:
    // One request ended and its outcome went to the queue (jobId: the job it ran).
    void attemptEnded(const QString &jobId);

private:
    void pass();
    void renewLeases();
    void answered(const TrafficAnswer &answer);
    void abortJob(const QString &jobId);

    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace ServeDeck
