#pragma once

#include <QList>
#include <QString>
#include <QUuid>

#include "service/modelservingservice.h"

namespace ServeDeck {

// Traffic split by revision over per-route weights. The proxy picks among an endpoint's HEALTHY
// routes in proportion to their weights; operators think in revisions ("v1 95 %, v2 5 %"). A
// revision's weight is what its routes' weights add up to; setting it spreads it over them.
namespace TrafficSplit {

struct RevisionShare
{
    QUuid revisionId;
    int number = 0;
    QString version;
    QList<QUuid> routes;  // its active routes (not terminating, not failed), oldest first
    int healthyRoutes = 0;
    int weight = 0;  // the sum of its active routes' weights

    // Takes traffic only once one of its routes is HEALTHY.
    bool isReady() const { return healthyRoutes > 0; }
};

// The endpoint's revisions that have an active route, oldest first.
QList<RevisionShare> revisions(const EndpointInfo &info);

// Each revision's percentage of the summed weights, rounded so the whole adds up to 100 (largest
// remainders); all 0 when every weight is 0.
QList<int> percentages(const QList<RevisionShare> &revisions);

// Route weights that give revision i the weight weights[i] (0..100), spread evenly over its
// routes, the remainder one each to its oldest: 95 over two routes is 48 + 47.
QList<RouteWeight> routeWeights(const QList<RevisionShare> &revisions, const QList<int> &weights);

// Every active route's current weight: what undo restores.
QList<RouteWeight> currentWeights(const EndpointInfo &info);

// What the operator calls revision i: its model version, or "v1 (#2)" where two shown revisions
// share a version (a new model folder under the same version).
QString label(const QList<RevisionShare> &revisions, qsizetype i);

// "v1 95 % · v2 5 %".
QString describe(const QList<RevisionShare> &revisions, const QList<int> &percentages);

} // namespace TrafficSplit

} // namespace ServeDeck
