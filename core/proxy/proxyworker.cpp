#include "proxy/proxyworker.h"

#include <algorithm>
#include <utility>

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTcpServer>
#include <QTcpSocket>
#include <QVarLengthArray>

#include "auth/tokensigner.h"
#include "domain/serviceerror.h"
#include "proxy/clientconnection.h"
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
// Counters of routes that left the snapshot are kept, so that a route which flaps out of
// HEALTHY and back keeps counting from where it was; only beyond this many are they dropped.
constexpr std::size_t kMaxRetainedRouteStats = 4096;

using ProxyHttp::equalsIgnoringCase;
using ProxyHttp::errorResponse;

int sweepInterval(const ProxyServer::Options &options)
{
    // An eighth of the shortest timeout: deadlines fire at most 12.5% late. One timer per
    // worker instead of one per request keeps timer bookkeeping off the request path.
    int shortest = 1000;
    for (const int timeout : {options.connectTimeoutMs, options.readTimeoutMs, options.idleTimeoutMs}) {
        if (timeout > 0)
            shortest = std::min(shortest, timeout);
    }
    return std::clamp(shortest / 8, 5, 250);
}

QByteArray authorityOf(const QString &host, quint16 port)
{
    QByteArray authority = host.toUtf8();
    if (authority.contains(':'))
        authority = '[' + authority + ']';  // an IPv6 literal
    authority.append(':');
    ProxyHttp::appendNumber(authority, port);
    return authority;
}

bool sameRoute(const RouteBinding &binding, const RouteTarget &target)
{
    return binding.routeId == target.routeId && binding.weight == target.weight && binding.port == target.port
        && binding.host == target.host && binding.revisionText == target.modelVersion.toUtf8();
}

quint64 workerBit(int index)
{
    return quint64(1) << index;
}

// Posted rather than called: the caller may be deep inside a connection's callbacks.
template<typename Function>
void post(QObject *target, Function function)
{
    QMetaObject::invokeMethod(target, std::move(function), Qt::QueuedConnection);
}

} // namespace

ProxyWorker::ProxyWorker(ProxyShared &shared, int index)
    : m_shared(shared)
    , m_index(index)
    , m_sweepTimer(this)  // a child, so that moveToThread() takes it along
{
    m_clock.start();
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
    m_server = new QTcpServer(this);
    if (!m_server->setSocketDescriptor(listeningSocket)) {
        *error = m_server->errorString();
        return false;
    }
    connect(m_server, &QTcpServer::newConnection, this, &ProxyWorker::acceptConnections);
    return true;
}

void ProxyWorker::stop()
{
    m_stopping = true;
    m_sweepTimer.stop();
    if (m_server)
        m_server->close();
    // Copied: ending a connection removes it from m_clients.
    const std::unordered_set<ClientConnection *> clients = std::exchange(m_clients, {});
    for (ClientConnection *client : clients)
        client->abortNow();
    const std::unordered_set<ShadowExchange *> shadows = m_shadows;
    for (ShadowExchange *shadow : shadows)
        shadow->abort();
    m_pool.closeAll();
}

const ProxyServer::Options &ProxyWorker::options() const
{
    return m_shared.options;
}

void ProxyWorker::acceptConnections()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        if (m_stopping) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        m_clients.insert(new ClientConnection(this, socket));
        bump(m_openConnections, 1);
    }
    ensureSweeping();
}

void ProxyWorker::forget(ClientConnection *client)
{
    if (m_clients.erase(client) > 0)
        bump(m_openConnections, -1);
}

UpstreamConnection *ProxyWorker::openUpstream(const RouteBinding &route)
{
    if (!RouteCircuit::tryAcquire(route.circuit->connections, route.policy.maxConnections))
        return nullptr;
    ensureSweeping();
    return new UpstreamConnection(this, &m_pool, route, m_clock);
}

ProxyWorker::Acquired ProxyWorker::acquire(ClientConnection *client, const RouteBinding &route, bool allowPooled,
                                           UpstreamConnection **connection, bool *fresh)
{
    *fresh = false;
    if (allowPooled && (*connection = m_pool.take(route.poolKey)))
        return Acquired::Connection;
    *fresh = true;
    if ((*connection = openUpstream(route)))
        return Acquired::Connection;

    RouteCircuit &circuit = *route.circuit;
    if (!RouteCircuit::tryAcquire(circuit.pending, route.policy.maxPendingRequests)) {
        circuit.overflows.fetch_add(1, std::memory_order_relaxed);
        return Acquired::Full;
    }
    std::deque<ClientConnection *> &queue = m_waiting[&circuit];
    queue.push_back(client);
    circuit.waitingWorkers.fetch_or(workerBit(m_index));
    // The waiter's half of the handshake in RouteCircuit: a slot given back before our
    // pending + 1 was visible is found by this second try.
    if ((*connection = openUpstream(route))) {
        stopWaiting(client, route);
        return Acquired::Connection;
    }
    // Idle connections of the route in other workers hold slots that nobody uses: each worker
    // lets one go, which frees a slot for this request. (A worker that pools a connection later
    // sees pending > 0 and closes it instead: see recycle().)
    for (ProxyWorker *other : m_shared.workers) {
        if (other != this) {
            std::shared_ptr<RouteCircuit> held = route.circuit;
            post(other, [other, held] { other->releaseIdle(held); });
        }
    }
    ensureSweeping();
    return Acquired::Queued;
}

void ProxyWorker::stopWaiting(ClientConnection *client, const RouteBinding &route)
{
    RouteCircuit *circuit = route.circuit.get();
    const auto it = m_waiting.find(circuit);
    if (it == m_waiting.end())
        return;
    const auto found = std::find(it->begin(), it->end(), client);
    if (found == it->end())
        return;
    it->erase(found);
    circuit->pending.fetch_sub(1);
    if (it->empty()) {
        m_waiting.erase(it);
        circuit->waitingWorkers.fetch_and(~workerBit(m_index));
    }
}

ClientConnection *ProxyWorker::takeWaiter(RouteCircuit *circuit)
{
    const auto it = m_waiting.find(circuit);
    if (it == m_waiting.end())
        return nullptr;
    ClientConnection *client = it->front();
    it->pop_front();
    circuit->pending.fetch_sub(1);
    if (it->empty()) {
        m_waiting.erase(it);
        circuit->waitingWorkers.fetch_and(~workerBit(m_index));
    }
    return client;
}

void ProxyWorker::recycle(UpstreamConnection *connection)
{
    RouteCircuit *circuit = connection->circuit();
    if (ClientConnection *waiter = takeWaiter(circuit)) {
        waiter->useConnection(connection, false);
        return;
    }
    // Requests of this route wait in another worker: the slot serves them better than our pool.
    if (circuit->pending.load() > 0) {
        connection->close();
        return;
    }
    m_pool.give(connection);
}

void ProxyWorker::connectionEnded(std::shared_ptr<RouteCircuit> circuit)
{
    // The closer's half of the handshake in RouteCircuit: the slot first, then who waits.
    circuit->connections.fetch_sub(1);
    if (m_stopping || circuit->pending.load() == 0)
        return;
    const quint64 waiting = circuit->waitingWorkers.load();
    for (std::size_t i = 0; i < m_shared.workers.size(); ++i) {
        if (waiting & workerBit(int(i))) {
            ProxyWorker *worker = m_shared.workers[i];
            post(worker, [worker, circuit] { worker->serveWaiters(circuit); });
        }
    }
}

void ProxyWorker::serveWaiters(const std::shared_ptr<RouteCircuit> &circuit)
{
    // Looked up again each round: handing a connection over may answer and end other requests.
    for (;;) {
        const auto it = m_waiting.constFind(circuit.get());
        if (it == m_waiting.cend() || it->empty())
            return;
        ClientConnection *client = it->front();
        const std::shared_ptr<const RouteBinding> route = client->waitingRoute();
        bool fresh = false;
        UpstreamConnection *connection = m_pool.take(route->poolKey);
        if (!connection) {
            connection = openUpstream(*route);
            fresh = true;
        }
        if (!connection)
            return;  // another worker's request took the slot first
        takeWaiter(circuit.get());
        client->useConnection(connection, fresh);
    }
}

void ProxyWorker::releaseIdle(const std::shared_ptr<RouteCircuit> &circuit)
{
    if (circuit->pending.load() > 0)
        m_pool.closeOneOf(circuit.get());
}

std::optional<LocalResponse> ProxyWorker::hold(ClientConnection *client, const std::shared_ptr<EndpointCircuit> &endpoint,
                                               const QByteArray &endpointName)
{
    const int limit = options().maxHeldRequests;
    if (!RouteCircuit::tryAcquire(endpoint->held, limit)) {
        reject(RejectReason::NoRoute);
        const QString name = QString::fromUtf8(endpointName);
        return errorResponse(503, errorTypeName(ErrorType::NoHealthyRoute),
                             QStringLiteral("endpoint '%1' is waking from zero and already holds %2 requests")
                                 .arg(name)
                                 .arg(limit),
                             {{QStringLiteral("endpoint"), name}, {QStringLiteral("reason"), QStringLiteral("held_full")}});
    }
    m_held.push_back(client);
    // Held against the snapshot this worker has; if a newer one was published meanwhile, the
    // publisher may have read the count before this increment and not asked us to look again.
    // Both sides are sequentially consistent (count then generation here, generation then count
    // there), so one of them sees the other.
    m_heldCount.fetch_add(1);
    if (m_shared.generation.load() != m_generation)
        post(this, [this] { retryHeld(); });
    // Asked once per wake; again only when a whole hold time passed without a route.
    const qint64 now = std::max<qint64>(m_shared.nowNs(), 1);
    const qint64 timeout = qint64(options().wakeTimeoutMs) * 1000000;
    qint64 asked = endpoint->wakeAskedNs.load();
    if ((asked == 0 || now - asked >= timeout) && endpoint->wakeAskedNs.compare_exchange_strong(asked, now)) {
        endpoint->wakes.fetch_add(1, std::memory_order_relaxed);
        ProxyServer *server = m_shared.server;
        const QUuid id = endpoint->endpointId;
        post(server, [server, id] { server->wakeRequested(id); });
    }
    ensureSweeping();
    return std::nullopt;
}

void ProxyWorker::unhold(ClientConnection *client, EndpointCircuit &endpoint)
{
    const auto found = std::find(m_held.begin(), m_held.end(), client);
    if (found == m_held.end())
        return;
    m_held.erase(found);
    endpoint.held.fetch_sub(1);
    m_heldCount.fetch_sub(1, std::memory_order_relaxed);
}

void ProxyWorker::retryHeld()
{
    refreshSnapshot();
    // In arrival order; each may leave the list (forwarded) or stay (still no route).
    const std::vector<ClientConnection *> held = m_held;
    for (ClientConnection *client : held) {
        if (std::find(m_held.cbegin(), m_held.cend(), client) != m_held.cend())
            client->retryHeld();
    }
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
    UpstreamConnection *connection = m_pool.take(route->poolKey);
    if (!connection) {
        connection = openUpstream(*route);
        fresh = true;
    }
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
    RouteCircuit &circuit = *route.circuit;
    if (!failure) {
        // A read of a line that only failures write: successes cost no shared write.
        if (circuit.consecutiveFailures.load(std::memory_order_relaxed) != 0)
            circuit.consecutiveFailures.store(0, std::memory_order_relaxed);
        return;
    }
    const int run = circuit.consecutiveFailures.fetch_add(1) + 1;
    const int limit = route.policy.consecutiveErrors;
    if (limit > 0 && run >= limit)
        tryEject(route);
}

void ProxyWorker::tryEject(const RouteBinding &route)
{
    RouteCircuit &circuit = *route.circuit;
    const qint64 now = m_shared.nowNs();
    if (circuit.isEjected(now))
        return;
    // The endpoint's routes as this worker has them bound: max_ejection_percent is of those.
    const auto it = m_endpoints.constFind(route.endpointName);
    if (it == m_endpoints.cend())
        return;
    const EndpointRoutes &view = it.value();
    if (std::none_of(view.routes.cbegin(), view.routes.cend(),
                     [&route](const auto &bound) { return bound->circuit == route.circuit; })) {
        return;  // rebound since: the route left the endpoint
    }
    endExpiredEjections(view, now);
    EndpointCircuit &endpoint = *view.circuit;
    const int allowed = int(qint64(route.policy.maxEjectionPercent) * qint64(view.routes.size()) / 100);
    if (!RouteCircuit::tryAcquire(endpoint.ejected, allowed))
        return;
    const qint64 base = std::max<qint64>(route.policy.baseEjectionMs, 1) * 1000000;
    qint64 expected = 0;
    if (!circuit.ejectedUntilNs.compare_exchange_strong(expected, now + base)) {
        endpoint.ejected.fetch_sub(1);  // another worker ejected it a moment ago
        return;
    }
    // base × times ejected: a route that keeps failing stays out longer each time.
    const int times = circuit.timesEjected.fetch_add(1) + 1;
    qint64 provisional = now + base;
    circuit.ejectedUntilNs.compare_exchange_strong(provisional, now + base * times);
    circuit.consecutiveFailures.store(0);
    circuit.ejections.fetch_add(1, std::memory_order_relaxed);
}

void ProxyWorker::endExpiredEjections(const EndpointRoutes &endpoint, qint64 nowNs)
{
    if (endpoint.circuit->ejected.load() == 0)
        return;
    for (const std::shared_ptr<const RouteBinding> &route : endpoint.routes) {
        if (route->circuit->endExpiredEjection(nowNs))
            endpoint.circuit->ejected.fetch_sub(1);
    }
}

void ProxyWorker::reportUpstreamFailure(const RouteBinding &route, int status, const QString &type,
                                        const QString &message)
{
    RouteCircuit &circuit = *route.circuit;
    bool post = false;
    {
        const std::lock_guard lock(circuit.reportMutex);
        RouteCircuit::Unreported &u = circuit.unreported;
        ++u.count;
        u.type = type;
        u.status = status;
        u.message = message;
        u.endpointName = route.stats->endpointName;
        u.modelVersion = route.stats->modelVersion;
        // One call on its way per route at a time: a flood costs the owning thread one event.
        post = !std::exchange(u.queued, true);
    }
    if (post) {
        ProxyServer *server = m_shared.server;
        std::shared_ptr<RouteCircuit> held = route.circuit;
        ServeDeck::post(server, [server, held] { server->takeUpstreamErrors(held); });
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
    m_pool.closeIdleBefore(now - kPoolIdleMs);
    if (m_clients.empty() && m_pool.isEmpty() && m_shadows.empty())
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

void ProxyWorker::refreshSnapshot()
{
    const quint64 generation = m_shared.generation.load(std::memory_order_acquire);
    if (generation == m_generation)
        return;
    m_generation = generation;
    m_snapshot = m_shared.snapshot.load(std::memory_order_acquire);
    // Views of endpoints that are gone; the others are checked again on their next request.
    const RoutingSnapshot *snapshot = m_snapshot.get();
    m_endpoints.removeIf([snapshot](const auto &entry) {
        return !snapshot || !snapshot->endpoints.contains(QString::fromUtf8(entry.key()));
    });
    pruneStats();
}

ProxyWorker::EndpointRoutes *ProxyWorker::resolve(QByteArrayView name)
{
    // fromRawData: no copy for the lookup, which is all most requests need.
    const QByteArray key = QByteArray::fromRawData(name.data(), name.size());
    auto it = m_endpoints.find(key);
    if (it != m_endpoints.end() && it->generation == m_generation)
        return &it.value();

    const EndpointTable *table = nullptr;
    if (const RoutingSnapshot *snapshot = m_snapshot.get()) {
        const auto found = snapshot->endpoints.constFind(QString::fromUtf8(name));
        if (found != snapshot->endpoints.cend())
            table = &found.value();
    }
    if (!table) {
        if (it != m_endpoints.end())
            m_endpoints.erase(it);
        return nullptr;
    }
    if (it == m_endpoints.end())
        it = m_endpoints.insert(QByteArray(name.data(), name.size()), EndpointRoutes());
    rebind(it.value(), *table);
    return &it.value();
}

void ProxyWorker::rebind(EndpointRoutes &view, const EndpointTable &table)
{
    view.generation = m_generation;
    view.isPublic = table.isPublic;
    view.desiredReplicas = table.desiredReplicas;
    view.endpointIdText = table.endpointId.toString(QUuid::WithoutBraces);
    if (!view.circuit || view.circuit->endpointId != table.endpointId)
        view.circuit = m_shared.circuits.endpoint(table.endpointId);

    // Unchanged routes keep their bindings and the round-robin position, so that a
    // snapshot published for another endpoint does not disturb this one's split.
    bool same = view.routes.size() == std::size_t(table.routes.size()) && view.revisions == table.revisions
        && view.policy == table.circuitBreaker;
    for (qsizetype i = 0; same && i < table.routes.size(); ++i)
        same = sameRoute(*view.routes[std::size_t(i)], table.routes[i]);
    if (same)
        return;
    view.revisions = table.revisions;
    view.policy = table.circuitBreaker;

    struct Building
    {
        QByteArray headerName;
        QByteArray headerValue;
        QUuid revisionId;
        std::vector<std::shared_ptr<const RouteBinding>> routes;
        std::vector<int> weights;
        std::vector<quint64> keys;
    };
    Building serving;
    std::vector<Building> conditions;  // in the order of the table's revisions
    std::vector<Building> shadows;
    QHash<QUuid, Building *> groupOf;
    // Every condition gets its group, routes or not: a request that matches must never fall
    // through to the revisions without one.
    conditions.reserve(std::size_t(table.revisions.size()));
    shadows.reserve(std::size_t(table.revisions.size()));
    for (const RevisionPolicy &policy : table.revisions) {
        if (policy.shadow) {
            shadows.push_back({{}, {}, policy.revisionId, {}, {}, {}});
            groupOf.insert(policy.revisionId, &shadows.back());
        } else if (!policy.matchHeaderName.isEmpty()) {
            auto existing = std::find_if(conditions.begin(), conditions.end(), [&policy](const Building &b) {
                return b.headerName == policy.matchHeaderName && b.headerValue == policy.matchHeaderValue;
            });
            if (existing == conditions.end()) {
                conditions.push_back({policy.matchHeaderName, policy.matchHeaderValue, {}, {}, {}, {}});
                existing = conditions.end() - 1;
            }
            groupOf.insert(policy.revisionId, &*existing);
        }
    }

    const QByteArray endpointName = table.name.toUtf8();
    std::vector<std::shared_ptr<const RouteBinding>> routes;
    routes.reserve(std::size_t(table.routes.size()));
    for (const RouteTarget &target : table.routes) {
        auto binding = std::make_shared<RouteBinding>();
        binding->routeId = target.routeId;
        binding->routeIdText = target.routeId.toByteArray(QUuid::WithoutBraces);
        binding->revisionText = target.modelVersion.toUtf8();
        binding->host = QString(target.host.constData(), target.host.size());  // a deep copy, see RouteBinding
        binding->address = QHostAddress(binding->host);
        binding->port = target.port;
        binding->weight = target.weight;
        binding->authority = authorityOf(binding->host, binding->port);
        binding->poolKey = binding->routeIdText + '@' + binding->authority;
        binding->endpointName = endpointName;
        binding->policy = table.circuitBreaker;
        binding->stats = statsFor(target, table.name);
        binding->circuit = m_shared.circuits.route(target.routeId, table.endpointId);
        binding->endpoint = view.circuit;
        Building *group = groupOf.value(target.revisionId, &serving);
        binding->shadow = group->revisionId == target.revisionId && !group->revisionId.isNull();
        group->weights.push_back(target.weight);
        group->keys.push_back(RoutePicker::hash(target.routeId.toRfc4122()));
        group->routes.push_back(binding);
        routes.push_back(std::move(binding));
    }
    const auto finish = [](Building &building) {
        RouteGroup group;
        group.headerName = std::move(building.headerName);
        group.headerValue = std::move(building.headerValue);
        group.revisionId = building.revisionId;
        group.picker = RoutePicker(building.weights, building.keys);
        group.routes = std::move(building.routes);
        return group;
    };
    view.routes = std::move(routes);
    view.serving = finish(serving);
    view.conditions.clear();
    for (Building &building : conditions)
        view.conditions.push_back(finish(building));
    view.shadows.clear();
    for (Building &building : shadows)
        view.shadows.push_back(finish(building));
    view.shadowStats = view.shadows.empty() ? nullptr : shadowStatsFor(table);
}

std::shared_ptr<ShadowStats> ProxyWorker::shadowStatsFor(const EndpointTable &table)
{
    const std::lock_guard lock(m_statsMutex);
    std::shared_ptr<ShadowStats> &stats = m_shadowStats[table.endpointId];
    if (!stats)
        stats = std::make_shared<ShadowStats>(table.endpointId, table.name);
    return stats;
}

RouteStats *ProxyWorker::statsFor(const RouteTarget &target, const QString &endpointName)
{
    const std::lock_guard lock(m_statsMutex);
    std::unique_ptr<RouteStats> &stats = m_stats[target.routeId];
    if (!stats)
        stats = std::make_unique<RouteStats>(target.routeId, endpointName, target.modelVersion);
    return stats.get();
}

void ProxyWorker::pruneStats()
{
    if (m_stats.size() <= kMaxRetainedRouteStats)
        return;
    QSet<QUuid> published;
    if (m_snapshot) {
        for (const EndpointTable &table : m_snapshot->endpoints) {
            for (const RouteTarget &target : table.routes)
                published.insert(target.routeId);
        }
    }
    // Bindings only point at published routes or at routes with requests in flight.
    const std::lock_guard lock(m_statsMutex);
    std::erase_if(m_stats, [&published](const auto &entry) {
        return !published.contains(entry.first) && entry.second->inFlight.load(std::memory_order_relaxed) == 0;
    });
}

void ProxyWorker::collect(QHash<QUuid, RouteSample> &into) const
{
    const std::lock_guard lock(m_statsMutex);
    for (const auto &[id, stats] : m_stats) {
        RouteSample &sample = into[id];
        if (sample.endpointName.isEmpty()) {
            sample.endpointName = stats->endpointName;
            sample.modelVersion = stats->modelVersion;
        }
        ProxyServer::RouteCounters &counters = sample.counters;
        counters.requests += stats->requests.load(std::memory_order_relaxed);
        counters.errors += stats->errors.load(std::memory_order_relaxed);
        counters.inFlight += stats->inFlight.load(std::memory_order_relaxed);
        counters.latencySumSeconds += double(stats->latencyNanos.load(std::memory_order_relaxed)) / 1e9;
        if (counters.latencyBuckets.isEmpty())
            counters.latencyBuckets.resize(qsizetype(stats->buckets.size()), 0);
        quint64 cumulative = 0;
        for (std::size_t i = 0; i < stats->buckets.size(); ++i) {
            cumulative += stats->buckets[i].load(std::memory_order_relaxed);
            counters.latencyBuckets[qsizetype(i)] += cumulative;
        }
    }
}

void ProxyWorker::collectShadows(QHash<QUuid, ShadowSample> &into) const
{
    const std::lock_guard lock(m_statsMutex);
    for (const auto &[id, stats] : m_shadowStats) {
        ShadowSample &sample = into[id];
        if (sample.endpointName.isEmpty())
            sample.endpointName = stats->endpointName;
        ProxyServer::ShadowCounters &c = sample.counters;
        c.requests += stats->requests.load(std::memory_order_relaxed);
        c.errors += stats->errors.load(std::memory_order_relaxed);
        c.dropped += stats->droppedCopies.load(std::memory_order_relaxed);
        c.comparisons += stats->comparisons.load(std::memory_order_relaxed);
        c.mismatches += stats->mismatches.load(std::memory_order_relaxed);
        c.inFlight += stats->inFlight.load(std::memory_order_relaxed);
        c.latencySumSeconds += double(stats->latencyNanos.load(std::memory_order_relaxed)) / 1e9;
        if (c.latencyBuckets.isEmpty())
            c.latencyBuckets.resize(qsizetype(stats->buckets.size()), 0);
        quint64 cumulative = 0;
        for (std::size_t i = 0; i < stats->buckets.size(); ++i) {
            cumulative += stats->buckets[i].load(std::memory_order_relaxed);
            c.latencyBuckets[qsizetype(i)] += cumulative;
        }
    }
}

bool ProxyWorker::shouldHold(const EndpointRoutes &endpoint, qint64 nowNs) const
{
    if (!m_shared.wakeEnabled.load(std::memory_order_relaxed))
        return false;  // nobody would wake it: refuse at once
    if (endpoint.desiredReplicas == 0)
        return true;
    // Scaled up by a wake, its replica not yet HEALTHY: later requests wait with the first ones.
    const qint64 asked = endpoint.circuit->wakeAskedNs.load(std::memory_order_relaxed);
    return asked != 0 && nowNs - asked < qint64(options().wakeTimeoutMs) * 1000000;
}

qsizetype ProxyWorker::pick(EndpointRoutes &endpoint, RouteGroup &group, QByteArrayView stickyKey, qint64 nowNs)
{
    // No ejection anywhere in the endpoint (the common case): no route's state is read.
    if (endpoint.circuit->ejected.load(std::memory_order_relaxed) == 0)
        return stickyKey.isEmpty() ? group.picker.next() : group.picker.sticky(stickyKey);
    endExpiredEjections(endpoint, nowNs);
    const auto eligible = [&group, nowNs](qsizetype i) { return !group.routes[std::size_t(i)]->circuit->isEjected(nowNs); };
    return stickyKey.isEmpty() ? group.picker.next(eligible) : group.picker.sticky(stickyKey, eligible);
}

ProxyWorker::Dispatch ProxyWorker::dispatch(QByteArrayView method, QByteArrayView path, const HeaderList &headers,
                                            const QHostAddress &peer, bool again)
{
    if (!again)
        bump(m_requestsTotal, 1);
    refreshSnapshot();
    Dispatch result;
    if (path == "/metrics" || path == "/healthz") {
        result.answer = localAnswer(method, path);
        return result;
    }

    // path starts with '/': ClientConnection checked it.
    const QByteArrayView afterSlash = path.sliced(1);
    const auto slash = std::find(afterSlash.begin(), afterSlash.end(), '/');
    const QByteArrayView segment = afterSlash.first(slash - afterSlash.begin());
    result.rest = afterSlash.sliced(segment.size());
    const bool encoded = std::find(segment.begin(), segment.end(), '%') != segment.end();
    const QByteArray decoded = encoded ? QByteArray(segment.data(), segment.size()).percentDecoded() : QByteArray();
    const QByteArrayView name = encoded ? QByteArrayView(decoded) : segment;

    if (name.isEmpty()) {
        reject(RejectReason::NoRoute);
        result.answer = errorResponse(404, errorTypeName(ErrorType::NotFound),
                                      QStringLiteral("name an endpoint: /<endpoint>/<path>"));
        return result;
    }
    EndpointRoutes *endpoint = resolve(name);
    if (!endpoint) {
        reject(RejectReason::NoRoute);
        result.answer = errorResponse(404, errorTypeName(ErrorType::NotFound),
                                      QStringLiteral("no endpoint named '%1'").arg(QString::fromUtf8(name)),
                                      {{QStringLiteral("endpoint"), QString::fromUtf8(name)}});
        return result;
    }
    result.isPublic = endpoint->isPublic;
    if (!endpoint->isPublic) {
        if (std::optional<LocalResponse> refusal = authorize(*endpoint, headers, peer)) {
            result.answer = std::move(refusal);
            return result;
        }
    }
    result.endpoint = endpoint->circuit;

    // Condition-based serving: the first condition the request matches takes it; otherwise the
    // revisions without a condition do.
    RouteGroup *group = &endpoint->serving;
    for (RouteGroup &condition : endpoint->conditions) {
        if (ProxyHttp::headerValue(headers, condition.headerName).trimmed() == condition.headerValue) {
            group = &condition;
            break;
        }
    }
    const qint64 now = m_shared.nowNs();
    if (group->routes.empty()) {
        if (endpoint->routes.empty() && shouldHold(*endpoint, now)) {
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
    for (RouteGroup &shadow : endpoint->shadows) {
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

std::optional<LocalResponse> ProxyWorker::authorize(const EndpointRoutes &endpoint, const HeaderList &headers,
                                                    const QHostAddress &peer)
{
    const auto refuse = [this](RejectReason reason, const QString &message, const QString &why) {
        const bool forbidden = reason == RejectReason::Forbidden;
        reject(reason);
        LocalResponse response = errorResponse(forbidden ? 403 : 401,
                                               errorTypeName(forbidden ? ErrorType::Forbidden : ErrorType::Unauthorized),
                                               message, {{QStringLiteral("reason"), why}});
        if (!forbidden)
            response.headers.emplaceBack(QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer realm=\"servedeck\""));
        return response;
    };

    const QByteArrayView authorization = ProxyHttp::headerValue(headers, "authorization").trimmed();
    const bool bearer = authorization.size() > 7 && equalsIgnoringCase(authorization.first(7), "bearer ");
    const QByteArrayView token = bearer ? authorization.sliced(7).trimmed() : QByteArrayView();
    if (token.isEmpty()) {
        return refuse(RejectReason::Unauthorized,
                      QStringLiteral("this endpoint requires a token: Authorization: Bearer <token>"),
                      QStringLiteral("Missing"));
    }
    if (!m_shared.signer) {
        return refuse(RejectReason::Unauthorized, QStringLiteral("this proxy has no key to verify tokens with"),
                      QStringLiteral("NoSigner"));
    }

    const TokenSigner::Verdict verdict = m_shared.signer->verify(token.toByteArray(), endpoint.endpointIdText,
                                                                 TokenScope::Inference, peer,
                                                                 QDateTime::currentDateTimeUtc());
    if (!verdict.accepted()) {
        const TokenSigner::Rejection rejection = verdict.rejection.value_or(TokenSigner::Rejection::Malformed);
        const QString name = TokenSigner::rejectionName(rejection);
        // The token is genuine but not for this: 403. Not a genuine (or no longer valid) token: 401.
        const bool forbidden = rejection == TokenSigner::Rejection::WrongEndpoint
            || rejection == TokenSigner::Rejection::WrongScope || rejection == TokenSigner::Rejection::AddressNotAllowed;
        return refuse(forbidden ? RejectReason::Forbidden : RejectReason::Unauthorized,
                      verdict.reason.isEmpty() ? name : name + QStringLiteral(": ") + verdict.reason, name);
    }
    if (m_snapshot && m_snapshot->revokedTokenIds.contains(verdict.claims->tokenId)) {
        return refuse(RejectReason::Unauthorized, QStringLiteral("Revoked: the token has been revoked"),
                      QStringLiteral("Revoked"));
    }
    return std::nullopt;
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
    const QJsonObject health{{QStringLiteral("status"), QStringLiteral("ok")},
                             {QStringLiteral("snapshot_version"), qint64(m_snapshot ? m_snapshot->version : 0)}};
    response.contentType = QByteArrayLiteral("application/json");
    response.body = QJsonDocument(health).toJson(QJsonDocument::Compact);
    return response;
}

} // namespace ServeDeck
