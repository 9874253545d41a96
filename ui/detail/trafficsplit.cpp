#include "trafficsplit.h"

#include <algorithm>
#include <numeric>

#include <QCoreApplication>

namespace ServeDeck::TrafficSplit {

QList<RevisionShare> revisions(const EndpointInfo &info)
{
    QList<Route> routes = info.routes;
    std::stable_sort(routes.begin(), routes.end(),
                     [](const Route &a, const Route &b) { return a.createdAt < b.createdAt; });
    QList<RevisionShare> shares;
    for (const Revision &revision : info.revisions) {
        RevisionShare share;
        share.revisionId = revision.id;
        share.number = revision.number;
        share.version = revision.modelVersion;
        for (const Route &route : std::as_const(routes)) {
            if (route.revisionId != revision.id || !route.isActive())
                continue;
            share.routes.append(route.id);
            share.weight += route.weight;
            share.healthyRoutes += route.status == RouteStatus::Healthy ? 1 : 0;
        }
        if (!share.routes.isEmpty())
            shares.append(share);
    }
    std::sort(shares.begin(), shares.end(),
              [](const RevisionShare &a, const RevisionShare &b) { return a.number < b.number; });
    return shares;
}

QList<int> percentages(const QList<RevisionShare> &revisions)
{
    const int total = std::accumulate(revisions.begin(), revisions.end(), 0,
                                      [](int sum, const RevisionShare &r) { return sum + r.weight; });
    QList<int> result(revisions.size(), 0);
    if (total <= 0)
        return result;
    QList<std::pair<int, qsizetype>> remainders;  // (remainder, index)
    int given = 0;
    for (qsizetype i = 0; i < revisions.size(); ++i) {
        result[i] = revisions.at(i).weight * 100 / total;
        given += result[i];
        remainders.append({revisions.at(i).weight * 100 % total, i});
    }
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](const auto &a, const auto &b) { return a.first > b.first; });
    for (qsizetype k = 0; given < 100 && k < remainders.size(); ++k, ++given)
        ++result[remainders.at(k).second];
    return result;
}

QList<RouteWeight> routeWeights(const QList<RevisionShare> &revisions, const QList<int> &weights)
{
    QList<RouteWeight> result;
    for (qsizetype i = 0; i < revisions.size() && i < weights.size(); ++i) {
        const QList<QUuid> &routes = revisions.at(i).routes;
        const int n = int(routes.size());
        const int weight = std::clamp(weights.at(i), 0, 100);
        for (int k = 0; k < n; ++k)
            result.append({routes.at(k), weight / n + (k < weight % n ? 1 : 0)});
    }
    return result;
}

QList<RouteWeight> currentWeights(const EndpointInfo &info)
{
    QList<RouteWeight> result;
    for (const Route &route : info.routes) {
        if (route.isActive())
            result.append({route.id, route.weight});
    }
    return result;
}

QString label(const QList<RevisionShare> &revisions, qsizetype i)
{
    const RevisionShare &r = revisions.at(i);
    const bool shared = std::any_of(revisions.begin(), revisions.end(), [&](const RevisionShare &other) {
        return other.revisionId != r.revisionId && other.version == r.version;
    });
    return shared ? QStringLiteral("%1 (#%2)").arg(r.version).arg(r.number) : r.version;
}

QString describe(const QList<RevisionShare> &revisions, const QList<int> &percentages)
{
    QStringList parts;
    for (qsizetype i = 0; i < revisions.size() && i < percentages.size(); ++i)
        parts << QCoreApplication::translate("ServeDeck::TrafficSplit", "%1 %2 %")
                     .arg(label(revisions, i))
                     .arg(percentages.at(i));
    return parts.join(QStringLiteral(" · "));
}

} // namespace ServeDeck::TrafficSplit
