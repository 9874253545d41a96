#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <optional>
#include <unordered_set>
#include <vector>

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QTimer>
#include <QUuid>

#include "proxy/connectionbroker.h"
#include "proxy/frontdoor.h"
#include "proxy/heldrequestqueue.h"
#include "proxy/jobhandoff.h"
#include "http/proxyhttp.h"
#include "net/epolldispatcher.h"
#include "proxy/proxyserver.h"
#include "proxy/requestauthorizer.h"
#include "proxy/routebinding.h"
#include "proxy/routestats.h"
#include "proxy/routestatstable.h"
#include "proxy/routingview.h"
#include "proxy/upstreamfailure.h"

namespace ServeDeck {

class ClientConnection;
class ShadowExchange;
class UpstreamConnection;
struct EndpointCircuit;
struct ProxyShared;
struct ShadowComparison;

// One proxy thread: its own watch on the shared listening socket and its client connections, wired to its parts (the
// routing view, the connection broker and pool, the held requests, the token check, the
// counters) and deciding
// where each request goes (dispatch). Everything but the counters and the circuits is touched
// by this thread only; the counters are written by it and read by anyone; the circuits (a
// route's connections, waiting requests, ejection) are shared by every worker through atomics.
class ProxyWorker final : public QObject, private EpollDispatcher::Watcher
{
public:
    ProxyWorker(ProxyShared &shared, int index);
    ~ProxyWorker() override;

    // In the worker's thread (run by an EpollDispatcher): serve the listening socket, taking it /
    // stop serving and drop every connection.
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
    // A request taken as a job (Prefer: respond-async): what its submission needs.
    struct JobIntake
    {
        QUuid endpointId;
        QString submittedBy;  // the token's id, or "public"
    };
    // again: the same request once more (a held one): not counted a second time.
    // job: the request is to become a job: checked as any request up to its token (the endpoint
    // exists, the token and address may call it), then neither routed nor held; with no answer
    // set, job says where it goes.
    Dispatch dispatch(QByteArrayView method, QByteArrayView path, const HeaderList &headers,
                      const QHostAddress &peer, bool again = false, JobIntake *job = nullptr);
    // A request at the front door (call is not None): to the endpoint its body's model names,
    // through the same checks as dispatch(). When the model was an alias, rewrittenBody is the
    // body to send instead (the model set to the endpoint's name).
    Dispatch frontDoor(FrontDoor::Call call, QByteArrayView method, QByteArrayView path, QByteArrayView body,
                       const HeaderList &headers, const QHostAddress &peer, bool again, QByteArray *rewrittenBody,
                       JobIntake *job = nullptr);
    // A request the proxy answers itself without dispatch() (the job lookups), for the totals.
    void countRequest() { bump(m_requestsTotal, 1); }

    // The token check alone, for a request whose head is read and body is not: a refusal for
    // a private endpoint's request without a valid token (counted as dispatch() would), so it
    // is refused before "100 Continue" and before its body is read. dispatch() checks again.
    std::optional<LocalResponse> refuseAtHead(QByteArrayView path, const HeaderList &headers, const QHostAddress &peer);

    // Upstream connections: see ConnectionBroker.
    using Acquired = ConnectionBroker::Acquired;
    Acquired acquire(ClientConnection *client, const RouteBinding &route, bool allowPooled,
                     UpstreamConnection **connection, bool *fresh);
    void stopWaiting(ClientConnection *client, const RouteBinding &route);
    void recycle(UpstreamConnection *connection);
    // From UpstreamConnection::close(): the slot is free; requests waiting for it are told.
    void connectionEnded(std::shared_ptr<RouteCircuit> circuit);
    ConnectionBroker &connections() { return m_connections; }

    // Requests for an endpoint that wakes from zero: see HeldRequestQueue.
    std::optional<LocalResponse> hold(ClientConnection *client, const std::shared_ptr<EndpointCircuit> &endpoint,
                                      const QByteArray &endpointName);
    void unhold(ClientConnection *client, EndpointCircuit &endpoint);
    int heldCount() const { return m_held.count(); }
    // A snapshot was published: held requests look for a route again.
    void retryHeld();

    // Job calls to the owning thread (ProxyServer::setJobHandler): see JobHandoff.
    bool jobsEnabled() const;
    JobHandoff &jobs() { return m_jobs; }
    // May a request with headers, from peer, see a job of endpointId? As a request to that
    // endpoint would be let in: a public one, or a valid token for it. A refusal is counted.
    bool mayReadJob(const QUuid &endpointId, const HeaderList &headers, const QHostAddress &peer);

    // One copy of a request to a shadow route; dropped (and counted) when the endpoint has too
    // many in flight or the route allows no more connections.
    void startShadow(const std::shared_ptr<const RouteBinding> &route, const std::shared_ptr<EndpointCircuit> &endpoint,
                     const std::shared_ptr<ShadowComparison> &comparison, const QByteArray &request, bool headRequest);
    void forgetShadow(ShadowExchange *shadow);

    // Outlier detection (OutlierEjector): a 5xx answer or a failed exchange is a failure, any
    // other answer a success.
    void recordOutcome(const RouteBinding &route, bool failure);
    // A 502 or 504, for the owning thread's error reports.
    void reportUpstreamFailure(const RouteBinding &route, UpstreamFailure failure, const QString &message);

    void reject(RejectReason reason);
    void forget(ClientConnection *client);
    const ProxyServer::Options &options() const;
    // On the proxy's clock (Options::clock).
    qint64 nowMs() const;
    qint64 nowNs() const;
    // A connection, request or copy has a deadline: the sweep runs until none is left.
    void ensureSweeping();
    // Ends what is past its deadline on the proxy's clock; run by a timer, and on demand.
    void sweep();

    // Any thread.
    using RouteSample = RouteStatsTable::RouteSample;
    void collect(QHash<QUuid, RouteSample> &into) const { m_stats.collect(into); }
    using ShadowSample = RouteStatsTable::ShadowSample;
    void collectShadows(QHash<QUuid, ShadowSample> &into) const { m_stats.collectShadows(into); }
    quint64 rejected(RejectReason reason) const;
    quint64 requestsTotal() const { return m_requestsTotal.load(std::memory_order_relaxed); }
    quint64 openConnections() const { return m_openConnections.load(std::memory_order_relaxed); }

private:
    // The endpoint a path names (its first segment, percent-decoded); null for none.
    RoutingView::Endpoint *endpointOf(QByteArrayView path, QByteArrayView *name, QByteArray *decoded,
                                      QByteArrayView *rest);
    LocalResponse localAnswer(QByteArrayView method, QByteArrayView path);
    Dispatch dispatchTo(RoutingView::Endpoint &endpoint, QByteArrayView name, const HeaderList &headers,
                        const QHostAddress &peer, Dispatch result, JobIntake *job);
    // GET /v1/models: the endpoints (and aliases) the caller's token may call.
    LocalResponse models(const HeaderList &headers, const QHostAddress &peer);
    qsizetype pick(RoutingView::Endpoint &endpoint, RoutingView::Group &group, QByteArrayView stickyKey, qint64 nowNs);
    void descriptorReady(std::uint32_t events) override;  // the listening socket
    void acceptConnections();
    static void bump(std::atomic<quint64> &counter, qint64 delta)
    {
        counter.store(counter.load(std::memory_order_relaxed) + quint64(delta), std::memory_order_relaxed);
    }

    ProxyShared &m_shared;
    EpollDispatcher *m_dispatcher = nullptr;  // this thread's
    int m_listening = -1;  // this worker's descriptor of the listening socket
    QTimer m_sweepTimer;
    std::unordered_set<ClientConnection *> m_clients;
    std::unordered_set<ShadowExchange *> m_shadows;
    RouteStatsTable m_stats;
    RoutingView m_routing;
    ConnectionBroker m_connections;
    HeldRequestQueue m_held;
    JobHandoff m_jobs;
    RequestAuthorizer m_authorizer;

    std::array<std::atomic<quint64>, std::size_t(RejectReason::Count)> m_rejected{};
    std::atomic<quint64> m_requestsTotal{0};
    std::atomic<quint64> m_openConnections{0};
    bool m_stopping = false;
};

} // namespace ServeDeck
