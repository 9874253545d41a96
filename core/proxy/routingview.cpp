#include "proxy/routingview.h"

#include <algorithm>
#include <utility>

#include "http/proxyhttp.h"
#include "proxy/proxyshared.h"
#include "proxy/routecircuit.h"
#include "proxy/routestatstable.h"

namespace ServeDeck {

namespace {

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

RoutingView::RoutingView(ProxyShared &shared, RouteStatsTable &stats)
    : m_shared(shared)
    , m_stats(stats)
{
}

void RoutingView::refresh()
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
    m_stats.prune(snapshot);
}

const RoutingView::Endpoint *RoutingView::bound(const QByteArray &name) const
{
    const auto it = m_endpoints.constFind(name);
    return it == m_endpoints.cend() ? nullptr : &it.value();
}

RoutingView::Group &RoutingView::groupFor(Endpoint &endpoint, const HeaderList &headers)
{
    for (Group &condition : endpoint.conditions) {
        if (ProxyHttp::headerValue(headers, condition.headerName).trimmed() == condition.headerValue)
            return condition;
    }
    return endpoint.serving;
}

RoutingView::Endpoint *RoutingView::resolve(QByteArrayView name)
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
        it = m_endpoints.insert(QByteArray(name.data(), name.size()), Endpoint());
    rebind(it.value(), *table);
    return &it.value();
}

RoutingView::Endpoint *RoutingView::resolveModel(const QString &model, QByteArray *canonical)
{
    const RoutingSnapshot *snapshot = m_snapshot.get();
    if (!snapshot)
        return nullptr;
    QString name = model;
    if (!snapshot->endpoints.contains(model)) {
        const auto alias = snapshot->aliases.constFind(model);
        if (alias == snapshot->aliases.cend())
            return nullptr;
        name = alias.value();
    }
    *canonical = name.toUtf8();
    return resolve(*canonical);
}

void RoutingView::rebind(Endpoint &view, const EndpointTable &table)
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
        binding->stats = m_stats.route(target, table.name);
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
        Group group;
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
    view.shadowStats = view.shadows.empty() ? nullptr : m_stats.shadow(table);
}

} // namespace ServeDeck
