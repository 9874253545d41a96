#pragma once

#include <functional>

#include <QObject>
#include <QTimer>

#include "domain/result.h"
#include "domain/route.h"

namespace ServeDeck {

class Clock;
class Repository;

// scale_services: keeps each endpoint's active routes at its desired replica count.
// One pass: clean zombie routes, terminate drained DESTROYING endpoints, drain surplus routes
// (UNHEALTHY first), create missing ones (unless the retry limit is hit). Store changes of a
// pass are one transaction; the events go out after it commits.
class Reconciler final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Reconciler)

public:
    struct Pass
    {
        QList<QUuid> created;      // RouteCreated: a replica must start for each
        QList<QUuid> draining;     // routes marked TERMINATING: their replicas must stop
        QList<QUuid> zombies;      // TERMINATING routes whose replica is gone, now deleted
        QList<QUuid> terminated;   // endpoints that reached TERMINATED
        QList<QUuid> skippedForRetries;
        QList<QUuid> touchedEndpoints;
    };

    // Tells whether a route's replica still runs; without agents no route has one.
    using ReplicaProbe = std::function<bool(const Route &)>;

    Reconciler(Repository &repository, Clock &clock, int maxRetries, QObject *parent = nullptr);

    void setReplicaProbe(ReplicaProbe probe);
    Result<Pass> runOnce();

    // Runs on a tick and, coalesced, soon after any change is signalled.
    void start(int intervalMs = 1000);
    void scheduleSoon();

Q_SIGNALS:
    void routeCreated(const QUuid &routeId);
    void routeDrainRequested(const QUuid &routeId);
    void endpointChanged(const QUuid &endpointId);
    void routesChanged(const QUuid &endpointId);
    void passFailed(const QString &message);

private:
    Repository &m_repository;
    Clock &m_clock;
    int m_maxRetries;
    ReplicaProbe m_probe;
    QTimer m_tick;
    QTimer m_soon;
};

} // namespace ServeDeck
