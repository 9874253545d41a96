#pragma once

#include <memory>
#include <vector>

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QString>
#include <QUuid>

#include "auth/tokensigner.h"
#include "proxy/routingsnapshot.h"

namespace ServeDeck {

struct ProxyShared;
class ProxyWorker;

// The data plane: an HTTP/1.1 reverse proxy that sends `METHOD /<endpoint>/<rest>` to one of
// the endpoint's published routes as `METHOD /<rest>`. It runs on its own worker threads (one
// event loop and one accepting socket each); the owning thread only publishes routing
// snapshots and samples counters.
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
    };
    // A consistent-enough sample, for /metrics, the autoscaler and charts. errors counts
    // upstream 5xx answers and requests the proxy failed (502/504) after choosing the route.
    QHash<QUuid, RouteCounters> routeCounters() const;
    static QList<double> latencyBucketBounds();

    // Prometheus text: per endpoint/route requests_total, errors_total, in_flight, duration
    // histogram; plus proxy totals (rejected by reason: no_route, unauthorized, forbidden,
    // upstream_error, timeout, bad_request, payload_too_large).
    QByteArray metricsText() const;

private:
    struct Worker;

    void stopWorkers();

    std::unique_ptr<ProxyShared> m_shared;
    std::vector<std::unique_ptr<Worker>> m_workers;
    quint16 m_port = 0;
    QString m_errorString;
};

} // namespace ServeDeck
