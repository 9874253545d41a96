#include "proxy/proxyworker.h"

#include <algorithm>
#include <cerrno>
#include <utility>

#include <sys/socket.h>
#include <unistd.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QVarLengthArray>

#include "domain/serviceerror.h"
#include "proxy/clientconnection.h"
#include "proxy/outlierejector.h"
#include "proxy/proxyshared.h"
#include "proxy/routecircuit.h"
#include "proxy/shadowexchange.h"
#include "proxy/upstreamconnection.h"

namespace ServeDeck {

namespace {

// Idle upstream connections are closed after this long: below the 5 s keep-alive timeout of
// common Python servers (uvicorn), so we rarely reuse one the upstream is closing. Where an
// upstream closes sooner, ClientConnection retries the request once on a fresh connection.
constexpr qint64 kPoolIdleMs = 4000;
// After an accept error (EMFILE, ECONNABORTED), accepting resumes this much later: soon enough
// to go on serving, late enough not to spin while descriptors are short.
constexpr int kAcceptRetryMs = 100;
// Connections one worker takes per turn of its loop. One: every worker wakes for a new
// connection, so a burst (500 clients connecting at once) is shared out instead of landing on
// whichever worker woke first, which then serves most of them while the other idles.
constexpr int kAcceptBatch = 1;

using ProxyHttp::errorResponse;

int sweepInterval(const ProxyServer::Options &options)
{
    // An eighth of the shortest timeout: deadlines fire at most 12.5% late. One timer per
    // worker instead of one per request keeps timer bookkeeping off the request path.
    int shortest = 1000;
    for (const int timeout :
         {options.connectTimeoutMs, options.readTimeoutMs, options.idleTimeoutMs, options.headTimeoutMs,
          options.jobHandoffTimeoutMs}) {
        if (timeout > 0)
            shortest = std::min(shortest, timeout);
    }
    return std::clamp(shortest / 8, 5, 250);
}

} // namespace

ProxyWorker::ProxyWorker(ProxyShared &shared, int index)
    : m_shared(shared)
    , m_sweepTimer(this)  // a child, so that moveToThread() takes it along
    , m_routing(shared, m_stats)
    , m_connections(*this, shared, index)
    , m_held(*this, shared)
    , m_jobs(*this, shared, index)
    , m_authorizer(shared.signer)
{
    setObjectName(QStringLiteral("proxy-worker-%1").arg(index));
    connect(&m_sweepTimer, &QTimer::timeout, this, &ProxyWorker::sweep);
}

ProxyWorker::~ProxyWorker()
{
    stop();
}

bool ProxyWorker::start(qintptr listeningSocket, QString *error)
{
    m_sweepTimer.setInterval(sweepInterval(m_shared.options));
    m_dispatcher = EpollDispatcher::current();
    if (!m_dispatcher) {
        *error = QStringLiteral("a proxy worker runs on an EpollDispatcher thread");
        return false;
    }
    // Level-triggered: every worker watches the one listening socket, and each takes a share.
    if (!m_dispatcher->watch(int(listeningSocket), this, false)) {
        *error = QStringLiteral("epoll_ctl on the listening socket: %1").arg(qt_error_string(errno));
        return false;
    }
    m_listening = int(listeningSocket);
    return true;
}

void ProxyWorker::stop()
{
    m_stopping = true;
    m_sweepTimer.stop();
    if (m_listening >= 0) {
        m_dispatcher->unwatch(m_listening);
        ::close(std::exchange(m_listening, -1));
    }
    // Copied: ending a connection removes it from m_clients.
    const std::unordered_set<ClientConnection *> clients = std::exchange(m_clients, {});
    m_shared.clientConnections.fetch_sub(int(clients.size()), std::memory_order_relaxed);
    for (ClientConnection *client : clients)
        client->abortNow();
    const std::unordered_set<ShadowExchange *> shadows = m_shadows;
    for (ShadowExchange *shadow : shadows)
        shadow->abort();
    m_connections.closeAll();
}

const ProxyServer::Options &ProxyWorker::options() const
{
    return m_shared.options;
}

qint64 ProxyWorker::nowMs() const
{
    return m_shared.nowMs();
}

qint64 ProxyWorker::nowNs() const
{
    return m_shared.nowNs();
}

void ProxyWorker::descriptorReady(std::uint32_t events)
{
    Q_UNUSED(events);
    acceptConnections();
}

void ProxyWorker::acceptConnections()
{
    // One per turn (kAcceptBatch): the rest wake this or another worker on the next one.
    for (int i = 0; i < kAcceptBatch && m_listening >= 0; ++i) {
        sockaddr_storage peer{};
        socklen_t length = sizeof peer;
        const int fd = ::accept4(m_listening, reinterpret_cast<sockaddr *>(&peer), &length,
                                 SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK && !m_stopping) {
                // Out of descriptors or memory: the socket stays readable, so stop watching it
                // for a while instead of spinning, and listen again shortly.
                m_dispatcher->unwatch(m_listening);
                QTimer::singleShot(kAcceptRetryMs, this, [this] {
                    if (m_listening >= 0 && !m_stopping)
                        m_dispatcher->watch(m_listening, this, false);
                });
            }
            break;
        }
        // Past the cap a connection is closed at once: a client opening many must not take the
        // memory and descriptors the others need.
        const int cap = m_shared.options.maxClientConnections;
        const int open = m_shared.clientConnections.fetch_add(1, std::memory_order_relaxed);
        if (m_stopping || (cap > 0 && open >= cap)) {
            m_shared.clientConnections.fetch_sub(1, std::memory_order_relaxed);
            ::close(fd);
            continue;
        }
        m_clients.insert(new ClientConnection(this, fd, QHostAddress(reinterpret_cast<const sockaddr *>(&peer))));
        bump(m_openConnections, 1);
    }
    ensureSweeping();
}

void ProxyWorker::forget(ClientConnection *client)
{
    if (m_clients.erase(client) > 0) {
        bump(m_openConnections, -1);
        m_shared.clientConnections.fetch_sub(1, std::memory_order_relaxed);
    }
}

ProxyWorker::Acquired ProxyWorker::acquire(ClientConnection *client, const RouteBinding &route, bool allowPooled,
                                           UpstreamConnection **connection, bool *fresh)
{
    return m_connections.acquire(client, route, allowPooled, connection, fresh);
}

void ProxyWorker::stopWaiting(ClientConnection *client, const RouteBinding &route)
{
    m_connections.stopWaiting(client, route);
}

void ProxyWorker::recycle(UpstreamConnection *connection)
{
    m_connections.recycle(connection);
}

void ProxyWorker::connectionEnded(std::shared_ptr<RouteCircuit> circuit)
{
    m_connections.connectionEnded(circuit, m_stopping);
}

std::optional<LocalResponse> ProxyWorker::hold(ClientConnection *client, const std::shared_ptr<EndpointCircuit> &endpoint,
                                               const QByteArray &endpointName)
{
    return m_held.hold(client, endpoint, endpointName, m_routing.generation());
}

void ProxyWorker::unhold(ClientConnection *client, EndpointCircuit &endpoint)
{
    m_held.unhold(client, endpoint);
}

void ProxyWorker::retryHeld()
{
    m_routing.refresh();
    m_held.retry();
}

bool ProxyWorker::jobsEnabled() const
{
    return m_shared.jobsEnabled.load(std::memory_order_relaxed);
}

bool ProxyWorker::mayReadJob(const QUuid &endpointId, const HeaderList &headers, const QHostAddress &peer)
{
    m_routing.refresh();
    const RoutingSnapshot *snapshot = m_routing.snapshot();
    const EndpointTable *table = nullptr;
    if (snapshot) {
        // By id, for the one job looked up: a scan of the endpoints, off the forwarding path.
        for (const EndpointTable &candidate : snapshot->endpoints) {
            if (candidate.endpointId == endpointId) {
                table = &candidate;
                break;
            }
        }
    }
    if (!table) {
        reject(RejectReason::NoRoute);  // its endpoint is gone: nobody can be checked against it
        return false;
    }
    if (table->isPublic)
        return true;
    if (std::optional<RequestAuthorizer::Refusal> refusal = m_authorizer.check(
            endpointId.toString(QUuid::WithoutBraces), &snapshot->revokedTokenIds, headers, peer)) {
        reject(refusal->reason);
        return false;
    }
    return true;
}

void ProxyWorker::startShadow(const std::shared_ptr<const RouteBinding> &route,
                              const std::shared_ptr<EndpointCircuit> &endpoint,
                              const std::shared_ptr<ShadowComparison> &comparison, const QByteArray &request,
                              bool headRequest)
{
    if (!RouteCircuit::tryAcquire(endpoint->shadowInFlight, options().maxShadowInFlight)) {
        comparison->stats->dropped();
        return;
    }
    // A shadow never waits for a connection: it takes an idle one or a free slot, or it is dropped.
    bool fresh = false;
    UpstreamConnection *connection = m_connections.take(*route, &fresh);
    if (!connection) {
        endpoint->shadowInFlight.fetch_sub(1);
        comparison->stats->dropped();
        return;
    }
    auto *shadow = new ShadowExchange(this, route, endpoint, comparison);
    m_shadows.insert(shadow);
    ensureSweeping();
    shadow->start(connection, fresh, request, headRequest);
}

void ProxyWorker::forgetShadow(ShadowExchange *shadow)
{
    m_shadows.erase(shadow);
}

void ProxyWorker::recordOutcome(const RouteBinding &route, bool failure)
{
    if (!OutlierEjector::recordOutcome(route, failure))
        return;
    const qint64 now = m_shared.nowNs();
    // The endpoint's routes as this worker has them bound: max_ejection_percent is of those.
    if (const RoutingView::Endpoint *view = m_routing.bound(route.endpointName))
        OutlierEjector::tryEject(route, view->routes, *view->circuit, now);
}

void ProxyWorker::reportUpstreamFailure(const RouteBinding &route, UpstreamFailure failure, const QString &message)
{
    RouteCircuit &circuit = *route.circuit;
    bool post = false;
    {
        const std::lock_guard lock(circuit.reportMutex);
        RouteCircuit::Unreported &u = circuit.unreported;
        ++u.count;
        u.failure = failure;
        u.message = message;
        u.endpointName = route.stats->endpointName;
        u.modelVersion = route.stats->modelVersion;
        // One call on its way per route at a time: a flood costs the owning thread one event.
        post = !std::exchange(u.queued, true);
    }
    if (post) {
        ProxyServer *server = m_shared.server;
        std::shared_ptr<RouteCircuit> held = route.circuit;
        QMetaObject::invokeMethod(server, [server, held] { server->takeUpstreamErrors(held); }, Qt::QueuedConnection);
    }
}

void ProxyWorker::ensureSweeping()
{
    if (!m_sweepTimer.isActive() && !m_stopping)
        m_sweepTimer.start();
}

void ProxyWorker::sweep()
{
    const qint64 now = nowMs();
    // Collected first: a deadline may end a connection, which edits m_clients.
    QVarLengthArray<ClientConnection *, 64> clients;
    for (ClientConnection *client : m_clients)
        clients.append(client);
    for (ClientConnection *client : clients) {
        if (m_clients.count(client))  // an earlier one's answer may have ended it
            client->checkDeadlines(now);
    }
    QVarLengthArray<ShadowExchange *, 16> shadows;
    for (ShadowExchange *shadow : m_shadows)
        shadows.append(shadow);
    for (ShadowExchange *shadow : shadows) {
        if (m_shadows.count(shadow))
            shadow->checkDeadline(now);
    }
    m_connections.closeIdleBefore(now - kPoolIdleMs);
    if (m_clients.empty() && !m_connections.hasIdle() && m_shadows.empty())
        m_sweepTimer.stop();  // nothing to watch: an idle proxy does not wake up
}

void ProxyWorker::reject(RejectReason reason)
{
    bump(m_rejected[std::size_t(reason)], 1);
}

quint64 ProxyWorker::rejected(RejectReason reason) const
{
    return m_rejected[std::size_t(reason)].load(std::memory_order_relaxed);
}

qsizetype ProxyWorker::pick(RoutingView::Endpoint &endpoint, RoutingView::Group &group, QByteArrayView stickyKey,
                            qint64 nowNs)
{
    // No ejection anywhere in the endpoint (the common case): no route's state is read.
    if (endpoint.circuit->ejected.load(std::memory_order_relaxed) == 0)
        return stickyKey.isEmpty() ? group.picker.next() : group.picker.sticky(stickyKey);
    OutlierEjector::endExpired(endpoint.routes, *endpoint.circuit, nowNs);
    const auto eligible = [&group, nowNs](qsizetype i) { return !group.routes[std::size_t(i)]->circuit->isEjected(nowNs); };
    return stickyKey.isEmpty() ? group.picker.next(eligible) : group.picker.sticky(stickyKey, eligible);
}

ProxyWorker::Dispatch ProxyWorker::dispatch(QByteArrayView method, QByteArrayView path, const HeaderList &headers,
                                            const QHostAddress &peer, bool again, JobIntake *job)
{
    if (!again)
        bump(m_requestsTotal, 1);
    m_routing.refresh();
    Dispatch result;
    if (path == "/metrics" || path == "/healthz") {
        result.answer = localAnswer(method, path);
        return result;
    }

    QByteArrayView name;
    QByteArray decoded;
    RoutingView::Endpoint *endpoint = endpointOf(path, &name, &decoded, &result.rest);
    if (name.isEmpty()) {
        reject(RejectReason::NoRoute);
        result.answer = errorResponse(404, errorTypeName(ErrorType::NotFound),
                                      QStringLiteral("name an endpoint: /<endpoint>/<path>"));
        return result;
    }
    if (!endpoint) {
        reject(RejectReason::NoRoute);
        result.answer = errorResponse(404, errorTypeName(ErrorType::NotFound),
                                      QStringLiteral("no endpoint named '%1'").arg(QString::fromUtf8(name)),
                                      {{QStringLiteral("endpoint"), QString::fromUtf8(name)}});
        return result;
    }
    return dispatchTo(*endpoint, name, headers, peer, std::move(result), job);
}

ProxyWorker::Dispatch ProxyWorker::dispatchTo(RoutingView::Endpoint &target, QByteArrayView name, const HeaderList &headers,
                                              const QHostAddress &peer, Dispatch result, JobIntake *job)
{
    RoutingView::Endpoint *endpoint = &target;
    result.isPublic = endpoint->isPublic;
    if (!endpoint->isPublic) {
        const QSet<QString> *revoked = m_routing.snapshot() ? &m_routing.snapshot()->revokedTokenIds : nullptr;
        if (std::optional<RequestAuthorizer::Refusal> refusal =
                m_authorizer.check(endpoint->endpointIdText, revoked, headers, peer, job ? &job->submittedBy : nullptr)) {
            reject(refusal->reason);
            result.answer = std::move(refusal->response);
            return result;
        }
    }
    result.endpoint = endpoint->circuit;
    if (job) {
        // A job waits in the queue, not here: no route is needed now, and a scaled-to-zero
        // endpoint wakes on its queue length rather than by holding this request.
        job->endpointId = endpoint->circuit->endpointId;
        if (endpoint->isPublic)
            job->submittedBy = QStringLiteral("public");
        return result;
    }

    // Condition-based serving: the first condition the request matches takes it; otherwise the
    // revisions without a condition do.
    RoutingView::Group *group = &RoutingView::groupFor(*endpoint, headers);
    const qint64 now = m_shared.nowNs();
    if (group->routes.empty()) {
        if (endpoint->routes.empty() && m_held.shouldHold(endpoint->desiredReplicas, *endpoint->circuit, now)) {
            result.hold = true;
            result.endpointName = QByteArray(name.data(), name.size());
            return result;
        }
        reject(RejectReason::NoRoute);
        const QString endpointName = QString::fromUtf8(name);
        QJsonObject details{{QStringLiteral("endpoint"), endpointName}};
        QString message = QStringLiteral("endpoint '%1' has no healthy route").arg(endpointName);
        if (!group->headerName.isEmpty()) {
            const QString condition = QString::fromUtf8(group->headerName + ": " + group->headerValue);
            details.insert(QStringLiteral("match_header"), condition);
            message = QStringLiteral("endpoint '%1' has no healthy route for requests with %2").arg(endpointName, condition);
        } else if (endpoint->desiredReplicas == 0) {
            details.insert(QStringLiteral("reason"), QStringLiteral("scaled_to_zero"));
            message = QStringLiteral("endpoint '%1' is scaled to zero").arg(endpointName);
        }
        result.answer = errorResponse(503, errorTypeName(ErrorType::NoHealthyRoute), message, details);
        return result;
    }

    QByteArrayView stickyKey = ProxyHttp::headerValue(headers, "x-servedeck-sticky");
    if (stickyKey.isEmpty())
        stickyKey = ProxyHttp::headerValue(headers, "x-user-id");
    const qsizetype index = pick(*endpoint, *group, stickyKey, now);
    if (index < 0) {
        reject(RejectReason::CircuitOpen);
        const QString endpointName = QString::fromUtf8(name);
        result.answer = errorResponse(503, errorTypeName(ErrorType::CircuitOpen),
                                      QStringLiteral("every route of '%1' that could take this request is ejected "
                                                     "after failing in a row")
                                          .arg(endpointName),
                                      {{QStringLiteral("endpoint"), endpointName},
                                       {QStringLiteral("reason"), QStringLiteral("outlier_ejection")}});
        result.answer->headers.emplaceBack(QByteArrayLiteral("X-ServeDeck-Circuit"), QByteArrayLiteral("outlier_ejection"));
        return result;
    }
    result.route = group->routes[std::size_t(index)];

    // Shadow A/B: one route of each shadow revision gets a copy, whatever the condition.
    for (RoutingView::Group &shadow : endpoint->shadows) {
        if (shadow.routes.empty())
            continue;
        const qsizetype chosen = pick(*endpoint, shadow, {}, now);
        if (chosen < 0)
            endpoint->shadowStats->dropped();  // every route of it is ejected
        else
            result.shadows.push_back(shadow.routes[std::size_t(chosen)]);
    }
    if (!result.shadows.empty())
        result.shadowStats = endpoint->shadowStats;
    return result;
}

ProxyWorker::Dispatch ProxyWorker::frontDoor(FrontDoor::Call call, QByteArrayView method, QByteArrayView path,
                                             QByteArrayView body, const HeaderList &headers, const QHostAddress &peer,
                                             bool again, QByteArray *rewrittenBody, JobIntake *job)
{
    if (!again)
        bump(m_requestsTotal, 1);
    m_routing.refresh();
    Dispatch result;
    const auto refuse = [this, &result](RejectReason reason, LocalResponse response) {
        reject(reason);
        result.answer = std::move(response);
        return std::move(result);
    };
    if (call == FrontDoor::Call::Unknown) {
        return refuse(RejectReason::NoRoute,
                      FrontDoor::error(404, QStringLiteral("no such route: the front door serves POST /v1/chat/completions, "
                                                           "/v1/completions, /v1/embeddings and GET /v1/models"),
                                       QStringLiteral("invalid_request_error"), {}, QStringLiteral("unknown_url")));
    }
    if (call == FrontDoor::Call::Models) {
        if (method != "GET" && method != "HEAD") {
            LocalResponse response = FrontDoor::error(405, QStringLiteral("/v1/models accepts GET and HEAD only"),
                                                      QStringLiteral("invalid_request_error"));
            response.headers.emplaceBack(QByteArrayLiteral("Allow"), QByteArrayLiteral("GET, HEAD"));
            return refuse(RejectReason::BadRequest, std::move(response));
        }
        result.answer = models(headers, peer);
        return result;
    }
    if (method != "POST") {
        LocalResponse response = FrontDoor::error(405, QStringLiteral("%1 accepts POST only").arg(QString::fromLatin1(path)),
                                                  QStringLiteral("invalid_request_error"));
        response.headers.emplaceBack(QByteArrayLiteral("Allow"), QByteArrayLiteral("POST"));
        return refuse(RejectReason::BadRequest, std::move(response));
    }
    LocalResponse refusal;
    std::optional<FrontDoor::Body> parsed = FrontDoor::readBody(body, &refusal);
    if (!parsed)
        return refuse(RejectReason::BadRequest, std::move(refusal));
    QByteArray name;
    RoutingView::Endpoint *endpoint = m_routing.resolveModel(parsed->model, &name);
    if (!endpoint)
        return refuse(RejectReason::NoRoute, FrontDoor::unknownModel(parsed->model));
    // The replica answers to the endpoint's name: an alias is the caller's, not the replica's.
    if (parsed->model.toUtf8() != name)
        *rewrittenBody = FrontDoor::withModel(std::move(parsed->object), QString::fromUtf8(name));
    result.rest = path;  // the replica sees the same path
    return dispatchTo(*endpoint, name, headers, peer, std::move(result), job);
}

LocalResponse ProxyWorker::models(const HeaderList &headers, const QHostAddress &peer)
{
    QList<FrontDoor::Model> models;
    const RoutingSnapshot *snapshot = m_routing.snapshot();
    if (snapshot) {
        // Private endpoints only for a caller that brings a token at all: one check per private
        // endpoint is a signature check each, so an anonymous listing costs none.
        const bool hasToken = !ProxyHttp::headerValue(headers, "authorization").isEmpty();
        for (const EndpointTable &table : snapshot->endpoints) {
            if (!table.isPublic) {
                if (!hasToken
                    || m_authorizer.check(table.endpointId.toString(QUuid::WithoutBraces), &snapshot->revokedTokenIds,
                                          headers, peer)) {
                    continue;
                }
            }
            models.append({table.name, table.name});
            for (const QString &alias : table.aliases)
                models.append({alias, table.name});
        }
    }
    return FrontDoor::modelList(std::move(models));
}

RoutingView::Endpoint *ProxyWorker::endpointOf(QByteArrayView path, QByteArrayView *name, QByteArray *decoded,
                                               QByteArrayView *rest)
{
    // path starts with '/': ClientConnection checked it.
    const QByteArrayView afterSlash = path.sliced(1);
    const auto slash = std::find(afterSlash.begin(), afterSlash.end(), '/');
    const QByteArrayView segment = afterSlash.first(slash - afterSlash.begin());
    *rest = afterSlash.sliced(segment.size());
    const bool encoded = std::find(segment.begin(), segment.end(), '%') != segment.end();
    if (encoded)
        *decoded = QByteArray(segment.data(), segment.size()).percentDecoded();
    *name = encoded ? QByteArrayView(*decoded) : segment;
    return name->isEmpty() ? nullptr : m_routing.resolve(*name);
}

std::optional<LocalResponse> ProxyWorker::refuseAtHead(QByteArrayView path, const HeaderList &headers,
                                                       const QHostAddress &peer)
{
    // The front door's endpoint is named in the body, not read yet.
    if (path == "/metrics" || path == "/healthz" || FrontDoor::callOf(path) != FrontDoor::Call::None)
        return std::nullopt;
    m_routing.refresh();
    QByteArrayView name;
    QByteArray decoded;
    QByteArrayView rest;
    RoutingView::Endpoint *endpoint = endpointOf(path, &name, &decoded, &rest);
    if (!endpoint || endpoint->isPublic)
        return std::nullopt;  // dispatch() answers it as usual
    const QSet<QString> *revoked = m_routing.snapshot() ? &m_routing.snapshot()->revokedTokenIds : nullptr;
    std::optional<RequestAuthorizer::Refusal> refusal = m_authorizer.check(endpoint->endpointIdText, revoked, headers, peer);
    if (!refusal)
        return std::nullopt;
    bump(m_requestsTotal, 1);
    reject(refusal->reason);
    return std::move(refusal->response);
}

LocalResponse ProxyWorker::localAnswer(QByteArrayView method, QByteArrayView path)
{
    if (method != "GET" && method != "HEAD") {
        LocalResponse response = errorResponse(405, errorTypeName(ErrorType::InvalidArgument),
                                               QStringLiteral("%1 accepts GET and HEAD only").arg(QString::fromLatin1(path)));
        response.headers.emplaceBack(QByteArrayLiteral("Allow"), QByteArrayLiteral("GET, HEAD"));
        return response;
    }
    LocalResponse response;
    if (path == "/metrics") {
        response.contentType = QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8");
        response.body = m_shared.server->metricsText();
        return response;
    }
    const RoutingSnapshot *snapshot = m_routing.snapshot();
    const QJsonObject health{{QStringLiteral("status"), QStringLiteral("ok")},
                             {QStringLiteral("snapshot_version"), qint64(snapshot ? snapshot->version : 0)}};
    response.contentType = QByteArrayLiteral("application/json");
    response.body = QJsonDocument(health).toJson(QJsonDocument::Compact);
    return response;
}

} // namespace ServeDeck
