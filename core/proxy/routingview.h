#pragma once

#include <memory>
#include <vector>

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QList>
#include <QString>
#include <QUuid>

#include "http/proxyhttp.h"
#include "proxy/routebinding.h"
#include "proxy/routepicker.h"
#include "proxy/routingsnapshot.h"

namespace ServeDeck {

class RouteStatsTable;
class ShadowStats;
struct EndpointCircuit;
struct ProxyShared;

// One worker's view of the published routing snapshot: per endpoint, its routes bound for this
// worker (RouteBinding) and split into the groups requests go to, each with its own picker.
// An endpoint is bound again only when its table changed, so a snapshot published for another
// endpoint does not disturb this one's round-robin. Used by its worker's thread only.
class RoutingView
{
public:
    // Routes of an endpoint that requests of one kind go to: the revisions without a condition,
    // those of one condition, or one shadow revision.
    struct Group
    {
        QByteArray headerName;
        QByteArray headerValue;
        QUuid revisionId;  // of a shadow group
        std::vector<std::shared_ptr<const RouteBinding>> routes;
        RoutePicker picker;
    };
    // This worker's view of one EndpointTable.
    struct Endpoint
    {
        quint64 generation = 0;  // of the snapshot it was last checked against
        QString endpointIdText;
        bool isPublic = false;
        int desiredReplicas = 1;
        QList<RevisionPolicy> revisions;
        CircuitBreakerPolicy policy;
        std::vector<std::shared_ptr<const RouteBinding>> routes;  // all of them, in the table's order
        Group serving;
        std::vector<Group> conditions;
        std::vector<Group> shadows;
        std::shared_ptr<EndpointCircuit> circuit;
        std::shared_ptr<ShadowStats> shadowStats;  // when it has shadows
    };

    RoutingView(ProxyShared &shared, RouteStatsTable &stats);

    // Takes the latest snapshot, when one was published since the last call.
    void refresh();
    // The endpoint named name (UTF-8, as in the request path), bound to the current snapshot;
    // null when it has none.
    Endpoint *resolve(QByteArrayView name);
    // The endpoint a front-door request's model names: an endpoint's name or one of its aliases.
    // canonical is set to the endpoint's name.
    Endpoint *resolveModel(const QString &model, QByteArray *canonical);
    // The group a request with headers goes to: the first condition it matches (the header's
    // value, trimmed, equal to the condition's), else the revisions without a condition. A
    // matched condition is taken even when it has no route: such a request never falls through.
    static Group &groupFor(Endpoint &endpoint, const HeaderList &headers);
    // The endpoint as bound now, not checked against the snapshot; null when not bound.
    const Endpoint *bound(const QByteArray &name) const;

    quint64 generation() const { return m_generation; }
    const RoutingSnapshot *snapshot() const { return m_snapshot.get(); }

private:
    void rebind(Endpoint &view, const EndpointTable &table);

    ProxyShared &m_shared;
    RouteStatsTable &m_stats;
    std::shared_ptr<const RoutingSnapshot> m_snapshot;
    quint64 m_generation = ~quint64(0);  // none seen yet
    QHash<QByteArray, Endpoint> m_endpoints;  // by endpoint name, UTF-8
};

} // namespace ServeDeck
