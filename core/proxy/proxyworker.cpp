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

} // namespace

ProxyWorker::ProxyWorker(const ProxyShared &shared, int index)
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

UpstreamConnection *ProxyWorker::newUpstream(const QByteArray &authority)
{
    ensureSweeping();
    return new UpstreamConnection(&m_pool, authority, m_clock, this);
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
    for (ClientConnection *client : clients)
        client->checkDeadlines(now);
    m_pool.closeIdleBefore(now - kPoolIdleMs);
    if (m_clients.empty() && m_pool.isEmpty())
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
    view.endpointIdText = table.endpointId.toString(QUuid::WithoutBraces);

    // Unchanged routes keep their bindings and the round-robin position, so that a
    // snapshot published for another endpoint does not disturb this one's split.
    bool same = view.routes.size() == std::size_t(table.routes.size());
    for (qsizetype i = 0; same && i < table.routes.size(); ++i)
        same = sameRoute(*view.routes[std::size_t(i)], table.routes[i]);
    if (same)
        return;

    std::vector<std::shared_ptr<const RouteBinding>> routes;
    std::vector<int> weights;
    std::vector<quint64> keys;
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
        binding->stats = statsFor(target, table.name);
        weights.push_back(target.weight);
        keys.push_back(RoutePicker::hash(target.routeId.toRfc4122()));
        routes.push_back(std::move(binding));
    }
    view.routes = std::move(routes);
    view.picker = RoutePicker(weights, keys);
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

ProxyWorker::Dispatch ProxyWorker::dispatch(QByteArrayView method, QByteArrayView path, const HeaderList &headers,
                                            const QHostAddress &peer)
{
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
    if (endpoint->routes.empty()) {
        reject(RejectReason::NoRoute);
        result.answer = errorResponse(503, errorTypeName(ErrorType::NoHealthyRoute),
                                      QStringLiteral("endpoint '%1' has no healthy route").arg(QString::fromUtf8(name)),
                                      {{QStringLiteral("endpoint"), QString::fromUtf8(name)}});
        return result;
    }

    QByteArrayView stickyKey = ProxyHttp::headerValue(headers, "x-servedeck-sticky");
    if (stickyKey.isEmpty())
        stickyKey = ProxyHttp::headerValue(headers, "x-user-id");
    const qsizetype index = stickyKey.isEmpty() ? endpoint->picker.next() : endpoint->picker.sticky(stickyKey);
    result.route = endpoint->routes[std::size_t(index)];
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
