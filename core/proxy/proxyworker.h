#pragma once

#include <array>
#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_set>
#include <vector>

#include <QByteArray>
#include <QByteArrayView>
#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QTimer>
#include <QUuid>

#include "http/proxyhttp.h"
#include "proxy/proxyserver.h"
#include "proxy/routebinding.h"
#include "proxy/routepicker.h"
#include "proxy/routestats.h"
#include "proxy/upstreampool.h"

class QTcpServer;

namespace ServeDeck {

class ClientConnection;
class RouteCircuit;
class ShadowExchange;
class UpstreamConnection;
struct EndpointCircuit;
struct ProxyShared;
struct ShadowComparison;

// One proxy thread: its own accepting socket, client connections, upstream pool, view of
// the routing snapshot and counters. Everything but the counters and the circuits is touched
// by this thread only; the counters are written by it and read by anyone; the circuits (a
// route's connections, waiting requests, ejection) are shared by every worker through atomics.
class ProxyWorker final : public QObject
{
public:
    ProxyWorker(ProxyShared &shared, int index);
    ~ProxyWorker() override;

    // In the worker's thread: serve the listening socket / stop serving and drop every connection.
    bool start(qintptr listeningSocket, QString *error);
    void stop();

    // What to do with one request: answer it here, hold it (its endpoint wakes from zero), or
    // forward it (to rest, on route, with a copy to each of shadows).
    struct Dispatch
    {
        std::optional<LocalResponse> answer;
        std::shared_ptr<const RouteBinding> route;
        std::vector<std::shared_ptr<const RouteBinding>> shadows;
        std::shared_ptr<ShadowStats> shadowStats;
        std::shared_ptr<EndpointCircuit> endpoint;
        QByteArrayView rest;  // the path after /<endpoint>, a view into the path given
        bool isPublic = true;
        bool hold = false;
        QByteArray endpointName;  // when held
    };
    // again: the same request once more (a held one): not counted a second time.
    Dispatch dispatch(QByteArrayView method, QByteArrayView path, const HeaderList &headers,
                      const QHostAddress &peer, bool again = false);

    // A connection for a request on route: an idle one, a new one, or (max_connections
    // reached) a place in the route's queue, until a connection is handed to the request
    // (ClientConnection::useConnection) or it gives up (stopWaiting). Full: the queue is too.
    enum class Acquired { Connection, Queued, Full };
    Acquired acquire(ClientConnection *client, const RouteBinding &route, bool allowPooled,
                     UpstreamConnection **connection, bool *fresh);
    void stopWaiting(ClientConnection *client, const RouteBinding &route);
    // A connection whose answer is complete and that may carry another request: to a request
    // waiting for one, else to the pool (or closed, when a request elsewhere waits for the slot).
    void recycle(UpstreamConnection *connection);
    // From UpstreamConnection::close(): the slot is free; requests waiting for it are told.
    void connectionEnded(std::shared_ptr<RouteCircuit> circuit);

    // Requests for an endpoint that wakes from zero: held (asking the wake handler once), or
    // refused with the answer given when the endpoint holds Options::maxHeldRequests already.
    std::optional<LocalResponse> hold(ClientConnection *client, const std::shared_ptr<EndpointCircuit> &endpoint,
                                      const QByteArray &endpointName);
    void unhold(ClientConnection *client, EndpointCircuit &endpoint);
    int heldCount() const { return m_heldCount.load(); }
    // A snapshot was published: held requests look for a route again.
    void retryHeld();

    // One copy of a request to a shadow route; dropped (and counted) when the endpoint has too
    // many in flight or the route allows no more connections.
    void startShadow(const std::shared_ptr<const RouteBinding> &route, const std::shared_ptr<EndpointCircuit> &endpoint,
                     const std::shared_ptr<ShadowComparison> &comparison, const QByteArray &request, bool headRequest);
    void forgetShadow(ShadowExchange *shadow);

    // Outlier detection: a 5xx answer or a failed exchange is a failure, any other answer a success.
    void recordOutcome(const RouteBinding &route, bool failure);
    // A 502 or 504, for the owning thread's error reports.
    void reportUpstreamFailure(const RouteBinding &route, int status, const QString &type, const QString &message);

    void reject(RejectReason reason);
    void forget(ClientConnection *client);
    const ProxyServer::Options &options() const;
    qint64 nowMs() const { return m_clock.elapsed(); }
    qint64 nowNs() const { return m_clock.nsecsElapsed(); }

    // Any thread.
    struct RouteSample
    {
        ProxyServer::RouteCounters counters;
        QString endpointName;
        QString modelVersion;
    };
    void collect(QHash<QUuid, RouteSample> &into) const;
    struct ShadowSample
    {
        ProxyServer::ShadowCounters counters;
        QString endpointName;
    };
    void collectShadows(QHash<QUuid, ShadowSample> &into) const;
    quint64 rejected(RejectReason reason) const;
    quint64 requestsTotal() const { return m_requestsTotal.load(std::memory_order_relaxed); }
    quint64 openConnections() const { return m_openConnections.load(std::memory_order_relaxed); }

private:
    // Routes of an endpoint that requests of one kind go to: the revisions without a condition,
    // those of one condition, or one shadow revision.
    struct RouteGroup
    {
        QByteArray headerName;
        QByteArray headerValue;
        QUuid revisionId;  // of a shadow group
        std::vector<std::shared_ptr<const RouteBinding>> routes;
        RoutePicker picker;
    };
    // This worker's view of one EndpointTable.
    struct EndpointRoutes
    {
        quint64 generation = 0;  // of the snapshot it was last checked against
        QString endpointIdText;
        bool isPublic = false;
        int desiredReplicas = 1;
        QList<RevisionPolicy> revisions;
        CircuitBreakerPolicy policy;
        std::vector<std::shared_ptr<const RouteBinding>> routes;  // all of them, in the table's order
        RouteGroup serving;
        std::vector<RouteGroup> conditions;
        std::vector<RouteGroup> shadows;
        std::shared_ptr<EndpointCircuit> circuit;
        std::shared_ptr<ShadowStats> shadowStats;  // when it has shadows
    };

    void refreshSnapshot();
    EndpointRoutes *resolve(QByteArrayView name);
    void rebind(EndpointRoutes &view, const EndpointTable &table);
    RouteStats *statsFor(const RouteTarget &target, const QString &endpointName);
    std::shared_ptr<ShadowStats> shadowStatsFor(const EndpointTable &table);
    void pruneStats();
    std::optional<LocalResponse> authorize(const EndpointRoutes &endpoint, const HeaderList &headers,
                                           const QHostAddress &peer);
    LocalResponse localAnswer(QByteArrayView method, QByteArrayView path);
    bool shouldHold(const EndpointRoutes &endpoint, qint64 nowNs) const;
    qsizetype pick(EndpointRoutes &endpoint, RouteGroup &group, QByteArrayView stickyKey, qint64 nowNs);
    void endExpiredEjections(const EndpointRoutes &endpoint, qint64 nowNs);
    void tryEject(const RouteBinding &route);
    UpstreamConnection *openUpstream(const RouteBinding &route);
    ClientConnection *takeWaiter(RouteCircuit *circuit);
    void serveWaiters(const std::shared_ptr<RouteCircuit> &circuit);
    void releaseIdle(const std::shared_ptr<RouteCircuit> &circuit);
    void acceptConnections();
    void sweep();
    void ensureSweeping();
    static void bump(std::atomic<quint64> &counter, qint64 delta)
    {
        counter.store(counter.load(std::memory_order_relaxed) + quint64(delta), std::memory_order_relaxed);
    }

    ProxyShared &m_shared;
    const int m_index;
    QElapsedTimer m_clock;
    QTcpServer *m_server = nullptr;
    QTimer m_sweepTimer;
    std::unordered_set<ClientConnection *> m_clients;
    UpstreamPool m_pool;
    std::shared_ptr<const RoutingSnapshot> m_snapshot;
    quint64 m_generation = ~quint64(0);  // none seen yet
    QHash<QByteArray, EndpointRoutes> m_endpoints;  // by endpoint name, UTF-8

    // Requests waiting for a connection, per route, first come first served. The key is kept
    // alive by the waiting requests' route bindings.
    QHash<RouteCircuit *, std::deque<ClientConnection *>> m_waiting;
    std::vector<ClientConnection *> m_held;  // in arrival order
    std::atomic<int> m_heldCount{0};  // read by the owning thread on publish
    std::unordered_set<ShadowExchange *> m_shadows;

    // The maps are locked (by this worker only to insert or prune); the counters are atomics.
    mutable std::mutex m_statsMutex;
    std::map<QUuid, std::unique_ptr<RouteStats>> m_stats;
    std::map<QUuid, std::shared_ptr<ShadowStats>> m_shadowStats;  // by endpoint id
    std::array<std::atomic<quint64>, std::size_t(RejectReason::Count)> m_rejected{};
    std::atomic<quint64> m_requestsTotal{0};
    std::atomic<quint64> m_openConnections{0};
    bool m_stopping = false;
};

} // namespace ServeDeck
