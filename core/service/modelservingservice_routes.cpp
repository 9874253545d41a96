// ModelServingService: route weights, route states, sync; revisions and their conditions.
#include "modelservingservice.h"
#include "modelservingservice_p.h"

#include <QJsonArray>
#include <QSet>

#include "domain/clock.h"
#include "store/repository.h"

namespace ServeDeck {

using namespace detail;

Result<QList<Route>> ModelServingService::updateRoutes(const QString &ref, const QList<RouteWeight> &weights)
{
    if (weights.isEmpty())
        return invalid(QStringLiteral("routes"), QStringLiteral("must name at least one route"));
    QUuid endpointId;
    auto updated = m_repository.transaction<QList<Route>>([&]() -> Result<QList<Route>> {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        endpointId = endpoint->id;
        auto routes = m_repository.routes(endpointId);
        if (!routes)
            return routes.error();
        QSet<QUuid> seen;
        for (const RouteWeight &w : weights) {
            if (seen.contains(w.routeId))
                return invalid(QStringLiteral("routes"),
                               QStringLiteral("route %1 is named twice").arg(idText(w.routeId)));
            seen.insert(w.routeId);
            if (w.weight < 0 || w.weight > 100)
                return invalid(QStringLiteral("routes.weight"),
                               QStringLiteral("route %1: weight %2 is outside 0-100").arg(idText(w.routeId)).arg(w.weight));
            auto it = std::find_if(routes->begin(), routes->end(), [&](const Route &r) { return r.id == w.routeId; });
            if (it == routes->end())
                return makeError(ErrorType::NotFound,
                                 QStringLiteral("route %1 is not a route of '%2'").arg(idText(w.routeId), endpoint->name),
                                 {{QStringLiteral("route_id"), idText(w.routeId)}});
            if (!it->isActive())
                return invalid(QStringLiteral("routes"), QStringLiteral("route %1 is %2 and takes no traffic")
                                                             .arg(idText(w.routeId), routeStatusName(it->status)));
            it->weight = w.weight;
            it->updatedAt = m_clock.now();
        }
        // Only HEALTHY routes take traffic: while any is HEALTHY, one of them must keep a weight, or
        // nothing would serve. Before any is, weights may be set ahead on the ones starting up.
        int healthyWeight = 0;
        int activeWeight = 0;
        bool anyHealthy = false;
        for (const Route &r : *routes) {
            anyHealthy = anyHealthy || r.status == RouteStatus::Healthy;
            healthyWeight += r.status == RouteStatus::Healthy ? r.weight : 0;
            activeWeight += r.isActive() ? r.weight : 0;
        }
        if ((anyHealthy ? healthyWeight : activeWeight) == 0)
            return invalid(QStringLiteral("routes.weight"),
                           anyHealthy ? QStringLiteral("at least one HEALTHY route must keep a weight above 0")
                                      : QStringLiteral("at least one route must keep a weight above 0"));
        for (const Route &r : *routes) {
            if (seen.contains(r.id)) {
                if (auto u = m_repository.updateRoute(r); !u)
                    return u.error();
            }
        }
        return *routes;
    });
    if (updated)
        Q_EMIT routesChanged(endpointId);
    return updated;
}

Result<Route> ModelServingService::deleteRoute(const QString &ref, const QUuid &routeId)
{
    QUuid endpointId;
    auto removed = m_repository.transaction<Route>([&]() -> Result<Route> {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        Endpoint e = *endpoint;
        endpointId = e.id;
        auto routes = m_repository.routes(e.id);
        if (!routes)
            return routes.error();
        auto it = std::find_if(routes->begin(), routes->end(), [&](const Route &r) { return r.id == routeId; });
        if (it == routes->end())
            return makeError(ErrorType::NotFound,
                             QStringLiteral("route %1 is not a route of '%2'").arg(idText(routeId), e.name),
                             {{QStringLiteral("route_id"), idText(routeId)}});
        Route route = *it;
        if (route.status == RouteStatus::Terminating)
            return route;
        // The route goes and the desired count follows, or the reconciler would start a replacement.
        if (route.isActive() && e.replicas > 0) {
            e.replicas -= 1;
            e.updatedAt = m_clock.now();
            if (auto r = m_repository.updateEndpoint(e); !r)
                return r.error();
        }
        route.status = RouteStatus::Terminating;
        route.updatedAt = m_clock.now();
        if (auto r = m_repository.updateRoute(route); !r)
            return r.error();
        return route;
    });
    if (removed) {
        Q_EMIT routesChanged(endpointId);
        Q_EMIT endpointChanged(endpointId);
    }
    return removed;
}

Result<QList<Route>> ModelServingService::forceSync(const QString &ref)
{
    auto endpoint = resolve(ref);
    if (!endpoint)
        return endpoint.error();
    auto routes = m_repository.routes(endpoint->id);
    if (!routes)
        return routes.error();
    QList<Route> serving;
    std::copy_if(routes->begin(), routes->end(), std::back_inserter(serving),
                 [](const Route &r) { return r.status == RouteStatus::Healthy; });
    Q_EMIT syncRequested(endpoint->id);
    return serving;
}

Result<QList<Revision>> ModelServingService::revisions(const QString &ref)
{
    auto endpoint = resolve(ref);
    if (!endpoint)
        return endpoint.error();
    return m_repository.revisions(endpoint->id);
}

Result<Revision> ModelServingService::revision(const QString &ref, const QString &revisionRef)
{
    auto endpoint = resolve(ref);
    if (!endpoint)
        return endpoint.error();
    auto all = m_repository.revisions(endpoint->id);
    if (!all)
        return all.error();
    auto index = findRevision(*endpoint, *all, revisionRef);
    if (!index)
        return index.error();
    return all->at(*index);
}

Result<qsizetype> ModelServingService::findRevision(const Endpoint &endpoint, const QList<Revision> &all,
                                                    const QString &revisionRef) const
{
    const QUuid id = QUuid::fromString(revisionRef);
    QList<qsizetype> found;
    for (qsizetype i = 0; i < all.size(); ++i) {
        const Revision &r = all.at(i);
        if (id.isNull() ? r.modelVersion == revisionRef : r.id == id)
            found << i;
    }
    const QJsonObject details{{QStringLiteral("endpoint"), endpoint.name}, {QStringLiteral("revision"), revisionRef}};
    if (found.isEmpty())
        return makeError(ErrorType::NotFound, QStringLiteral("'%1' has no revision '%2'").arg(endpoint.name, revisionRef),
                         details);
    if (found.size() > 1) {
        // Modify with the same version and another folder makes a second revision of that version.
        QJsonArray ids;
        for (const qsizetype i : found)
            ids.append(idText(all.at(i).id));
        QJsonObject ambiguous = details;
        ambiguous.insert(QStringLiteral("revision_ids"), ids);
        return makeError(ErrorType::InvalidArgument,
                         QStringLiteral("%1 revisions of '%2' have model version '%3'; name one by its revision_id")
                             .arg(found.size())
                             .arg(endpoint.name, revisionRef),
                         ambiguous);
    }
    return found.first();
}

Result<Revision> ModelServingService::modifyRevision(const QString &ref, const QString &revisionRef,
                                                     const RevisionChanges &changes)
{
    // Checked before the transaction: a condition that came from elsewhere than the API's reader.
    if (changes.matchHeader && *changes.matchHeader) {
        auto checked = HeaderMatch::parse((*changes.matchHeader)->text());
        if (!checked)
            return checked.error();
    }
    bool changed = false;
    auto modified = m_repository.transaction<Revision>([&]() -> Result<Revision> {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        if (!endpoint->isLive())
            return makeError(ErrorType::InvalidArgument,
                             QStringLiteral("endpoint '%1' is %2 and can no longer be modified")
                                 .arg(endpoint->name, lifecycleName(endpoint->lifecycle)));
        auto all = m_repository.revisions(endpoint->id);
        if (!all)
            return all.error();
        auto index = findRevision(*endpoint, *all, revisionRef);
        if (!index)
            return index.error();
        Revision &revision = all.value()[*index];
        const Revision before = revision;
        if (changes.matchHeader)
            revision.matchHeader = *changes.matchHeader;
        if (changes.mode)
            revision.mode = *changes.mode;
        if (changes.replicas) {
            if (auto err = checkReplicas(*changes.replicas))
                return *err;
            if (revision.id == endpoint->currentRevisionId)
                return invalid(QStringLiteral("replicas"),
                               QStringLiteral("'%1' is the current revision: its count is the endpoint's (scale it)")
                                   .arg(revision.modelVersion));
            auto latest = m_repository.rollouts(endpoint->id, 1);
            if (!latest)
                return latest.error();
            if (!latest->isEmpty() && latest->constFirst().inProgress()
                && latest->constFirst().toRevisionId == revision.id)
                return makeError(ErrorType::RolloutInProgress,
                                 QStringLiteral("revision '%1' is being rolled out; its rollout sets its replicas")
                                     .arg(revision.modelVersion));
            const int more = *changes.replicas - revision.replicas;
            const ResourceSlots available = m_config.capacity.total - allocated();
            if (more > 0 && !(endpoint->resourceSlots * more).fitsIn(available))
                return makeError(ErrorType::ResourceLimitExceeded,
                                 QStringLiteral("%1 more replica(s) exceed the capacity left: %2 fit")
                                     .arg(more)
                                     .arg(replicasThatFit(endpoint->resourceSlots, available)),
                                 capacityDetails(endpoint->resourceSlots, more, available, m_config.capacity.total));
            revision.replicas = *changes.replicas;
        }
        // Shadows never answer: with every revision a shadow, nothing would.
        const bool anyServes = std::any_of(all->cbegin(), all->cend(),
                                           [](const Revision &r) { return r.mode == RevisionMode::Serve; });
        if (!anyServes)
            return invalid(QStringLiteral("mode"),
                           QStringLiteral("revision '%1' is the last one of '%2' that serves; a shadow never answers")
                               .arg(before.modelVersion, endpoint->name));
        changed = revision.matchHeader != before.matchHeader || revision.mode != before.mode
            || revision.replicas != before.replicas;
        if (changed) {
            if (auto r = m_repository.updateRevision(revision); !r)
                return r.error();
        }
        return revision;
    });
    if (modified && changed)
        Q_EMIT endpointChanged(modified->endpointId);
    return modified;
}

Result<Route> ModelServingService::updateRouteState(const QUuid &routeId, RouteStatus status, const QString &replicaId,
                                                    const QString &agentId)
{
    auto updated = m_repository.transaction<Route>([&]() -> Result<Route> {
        auto route = m_repository.route(routeId);
        if (!route)
            return route.error();
        if (!route->has_value())
            return makeError(ErrorType::NotFound, QStringLiteral("route %1 not found").arg(idText(routeId)));
        Route r = **route;
        // A route being drained stays so: a late health report must not bring it back.
        if (r.status == RouteStatus::Terminating && status != RouteStatus::Terminating)
            return r;
        r.status = status;
        if (!replicaId.isEmpty())
            r.replicaId = replicaId;
        if (!agentId.isEmpty())
            r.agentId = agentId;
        r.updatedAt = m_clock.now();
        if (auto u = m_repository.updateRoute(r); !u)
            return u.error();
        return r;
    });
    if (updated) {
        Q_EMIT routesChanged(updated->endpointId);
        Q_EMIT endpointChanged(updated->endpointId);
    }
    return updated;
}

} // namespace ServeDeck
