#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>
#include <QUuid>

#include "auth/tokensigner.h"
#include "proxy/monotonicclock.h"
#include "proxy/proxyjobcall.h"
#include "proxy/routingsnapshot.h"
#include "proxy/upstreamfailure.h"

namespace ServeDeck {

struct ProxyShared;
class ProxyWorker;
class JobHandoffSlot;
class RouteCircuit;

// The data plane: an HTTP/1.1 reverse proxy that sends `METHOD /<endpoint>/<rest>` to one of
// the endpoint's published routes as `METHOD /<rest>`. It runs on its own worker threads (one
// event loop each, all accepting on the one listening socket); the owning thread only publishes routing
// snapshots, samples counters and runs the handlers below.
//
// Per endpoint it applies what the snapshot says: header conditions (a revision that matches
// `name: value` takes those requests; the others go to revisions without a condition), shadow
// revisions (a copy of every request served, sent asynchronously and compared, never
// answering), a circuit breaker (connection and pending limits per route, requests per
// connection, outlier ejection) and wake from zero (requests to a scaled-to-zero endpoint are
// held while the wake handler brings a replica up).
//
// At its root it is also an OpenAI-compatible front door (FrontDoor): POST /v1/chat/completions,
// /v1/completions and /v1/embeddings go to the endpoint the body's `model` names (or an alias of
// it) through all of the above, and GET /v1/models lists what the caller's token may call. Of
// OpenAI-style answers (an event stream, or a completion's JSON) it counts time to first token
// and tokens (CompletionMeter); other answers are passed on unread.
//
// With a job handler (setJobHandler), a request with `Prefer: respond-async` becomes a job: it is
// checked as any request is, then handed whole to the owning thread, and its connection waits for
// the reply without blocking its worker; GET/DELETE /_jobs/{id} are handed off the same way
// (JobHandoff, JobRequest).
class ProxyServer final : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        int workerThreads = 2;
        qsizetype maxHeaderBytes = 16 * 1024;
        qsizetype maxBodyBytes = 8 * 1024 * 1024;
        int connectTimeoutMs = 2000;
        int readTimeoutMs = 30000;
        int idleTimeoutMs = 60000;
        // From a request's first byte to the end of its head, however slowly the bytes come
        // (slowloris); 0: no such bound.
        int headTimeoutMs = 10000;
        // Client connections open at once on this listener, every worker together; more are
        // closed as they arrive, so idle connections cannot take every descriptor. 0: no cap.
        int maxClientConnections = 4096;
        // A request waiting for a connection (max_connections reached) is refused after this.
        int pendingTimeoutMs = 10000;
        // Shadow copies: at most this many awaiting their answer per endpoint (more are dropped),
        // each for at most this long.
        int maxShadowInFlight = 64;
        int shadowTimeoutMs = 10000;
        // Requests to a scaled-to-zero endpoint: held at most this long, at most this many per endpoint.
        int wakeTimeoutMs = 30000;
        int maxHeldRequests = 256;
        // At most one upstream error report per route in this window; the rest are counted into the next.
        int errorReportWindowMs = 10000;
        // Job calls (setJobHandler) awaiting the owning thread's reply, every worker together;
        // beyond it a call is refused at once (503 QueueFull, Retry-After: 1), so a slow control
        // side cannot make the proxy buffer without bound.
        int maxJobHandoffs = 1024;
        // A job call with no reply by then is answered 503 QueueFull; its late reply is dropped.
        // 0: no such bound (the slot still bounds how many wait).
        int jobHandoffTimeoutMs = 10000;
        // What every timeout and window above is measured on; null: the steady clock. Tests move
        // a manual one instead of sleeping.
        std::shared_ptr<const MonotonicClock> clock;
    };

    // signer may be null: then private endpoints are refused 401.
    ProxyServer(Options options, std::shared_ptr<const TokenSigner> signer, QObject *parent = nullptr);
    ~ProxyServer() override;  // stops the workers cleanly

    bool listen(const QHostAddress &address, quint16 port);  // port 0 picks a free one
    quint16 serverPort() const;
    QString errorString() const;

    // Callable from the owning thread at any time; lock-free for readers. Requests that
    // already chose a route finish on it; the next request sees the new snapshot.
    void publish(std::shared_ptr<const RoutingSnapshot> snapshot);
    std::shared_ptr<const RoutingSnapshot> snapshot() const;

    struct RouteCounters
    {
        quint64 requests = 0, errors = 0, inFlight = 0;
        // Cumulative, as Prometheus buckets: [i] counts requests that took at most
        // latencyBucketBounds()[i] seconds; the last entry (+Inf) counts them all.
        QList<quint64> latencyBuckets;
        double latencySumSeconds = 0;
        // OpenAI-style answers (an event stream, or JSON with usage): time to first token of the
        // streams (cumulative, the latency bounds), tokens generated, and tokens per second as
        // decodeTokens over decodeSeconds (a stream's after its first token; a JSON answer's whole).
        QList<quint64> ttftBuckets;
        double ttftSumSeconds = 0;
        quint64 tokens = 0;
        quint64 decodeTokens = 0;
        double decodeSeconds = 0;
    };
    // A consistent-enough sample, for /metrics, the autoscaler and charts. errors counts
    // upstream 5xx answers and requests the proxy failed (502/504) after choosing the route.
    QHash<QUuid, RouteCounters> routeCounters() const;
    static QList<double> latencyBucketBounds();

    // Shadow traffic per endpoint (by endpoint id).
    struct ShadowCounters
    {
        quint64 requests = 0;     // copies sent
        quint64 errors = 0;       // copies without a valid answer (refused, reset, timed out) or answered 5xx
        quint64 dropped = 0;      // copies not sent: too many in flight, or no shadow route could take one
        quint64 comparisons = 0;  // copies whose answer was compared with the primary's
        quint64 mismatches = 0;   // of those, answers that differed in status or body
        quint64 inFlight = 0;
        QList<quint64> latencyBuckets;  // cumulative, as RouteCounters
        double latencySumSeconds = 0;
    };
    QHash<QUuid, ShadowCounters> shadowCounters() const;

    // The circuit breaker of each route the proxy knows (by route id).
    enum class CircuitState { Closed, Ejected };
    static QString circuitStateName(CircuitState state);  // "closed", "ejected"
    struct RouteCircuitStatus
    {
        QUuid endpointId;
        CircuitState state = CircuitState::Closed;
        qint64 ejectedForMs = 0;  // left of the current ejection
        int timesEjected = 0;
        int consecutiveFailures = 0;
        int connections = 0;  // open upstream connections, every worker
        int pending = 0;      // requests waiting for one
        quint64 ejections = 0;
        quint64 overflows = 0;  // requests refused 503 CircuitOpen
    };
    QHash<QUuid, RouteCircuitStatus> routeCircuits() const;

    // Upstream failures (502: refused, reset, malformed; 504: timed out), for the error list.
    struct UpstreamErrorReport
    {
        QUuid endpointId;
        QString endpointName;
        QUuid routeId;
        QString modelVersion;
        UpstreamFailure failure = UpstreamFailure::ConnectFailed;  // the latest failure's kind
        QString type;  // upstreamFailureName() of the latest failure: ProxyUpstreamError or Timeout
        int status = 0;
        QString message;    // the latest failure's
        quint64 count = 0;  // failures this report stands for: those since the route's previous report
    };
    // Called on the owning thread, at most once per route per Options::errorReportWindowMs:
    // the first failure of a quiet route at once, later ones summed into one report when the
    // window ends. So a flood of failures writes one record per route per window.
    void setUpstreamErrorHandler(std::function<void(const UpstreamErrorReport &)> handler);
    // Called on the owning thread when a request arrives for an endpoint whose desired replica
    // count is 0: once per wake (again only if Options::wakeTimeoutMs passes without a route).
    // Without a handler such requests are refused at once with 503 NoHealthyRoute.
    void setWakeHandler(std::function<void(const QUuid &endpointId)> handler);
    // Called on the owning thread for a request with `Prefer: respond-async` to an endpoint (its
    // token, address and size checked as for forwarding) and for GET/DELETE /_jobs/{id}. Without
    // a handler the preference is ignored (the request is forwarded) and /_jobs/... is 404.
    void setJobHandler(ProxyJobHandler handler);

    // Checks every worker's deadlines now rather than at their next timer tick, and returns when
    // they are done: for one who moved Options::clock and wants what expired ended at once.
    void checkDeadlinesNow();

    // Prometheus text: per endpoint/route requests_total, errors_total, in_flight, duration
    // histogram, circuit state, connections, pending, ejections; per endpoint shadow counters;
    // plus proxy totals (rejected by reason: no_route, unauthorized, forbidden, upstream_error,
    // timeout, bad_request, payload_too_large, circuit_open, wake_timeout, job_queue_full; held
    // requests; job calls in flight).
    QByteArray metricsText() const;

private:
    friend class ProxyWorker;
    friend class HeldRequestQueue;
    friend class JobHandoff;
    struct Worker;
    struct ReportThrottle
    {
        qint64 lastReportMs = -1;  // on the proxy's clock; -1: never
        std::optional<UpstreamErrorReport> waiting;
    };

    void stopWorkers();
    // On the owning thread, posted by workers.
    void takeUpstreamErrors(const std::shared_ptr<RouteCircuit> &circuit);
    void wakeRequested(const QUuid &endpointId);
    void flushErrorReports();
    // A worker's job call, on the owning thread; the reply goes back to that worker by ticket.
    void runJobCall(int workerIndex, quint64 ticket, ProxyJobCall call, std::shared_ptr<JobHandoffSlot> slot);
    void deliverJobReply(int workerIndex, quint64 ticket, ProxyJobReply reply);

    std::unique_ptr<ProxyShared> m_shared;
    std::vector<std::unique_ptr<Worker>> m_workers;
    quint16 m_port = 0;
    QString m_errorString;
    std::function<void(const UpstreamErrorReport &)> m_upstreamErrorHandler;
    std::function<void(const QUuid &)> m_wakeHandler;
    ProxyJobHandler m_jobHandler;
    QHash<QUuid, ReportThrottle> m_throttle;
    QTimer m_reportTimer;
};

} // namespace ServeDeck
