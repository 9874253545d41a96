#pragma once

#include <functional>
#include <optional>

#include <QObject>
#include <QTimer>

#include "domain/errorrecord.h"
#include "domain/resourceslots.h"
#include "domain/result.h"
#include "domain/route.h"

namespace ServeDeck {

class Clock;
class Repository;

// scale_services: keeps each endpoint's active routes at its desired replica count.
// One pass: clean zombie routes, terminate drained DESTROYING endpoints, drain surplus routes
// (UNHEALTHY first), create missing ones (unless the retry limit is hit). Store changes of a
// pass are one transaction; the events go out after it commits.
// With a capacity set, a new route waits PENDING until its slots fit what the routes holding
// capacity leave; the queue (every endpoint's) starts in endpoint priority, then age, order, and
// a pending replica may preempt lower-priority endpoints that allow it (see admitPending).
class Reconciler final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Reconciler)

public:
    struct Pass
    {
        QList<QUuid> created;      // RouteCreated (or admitted from the queue): a replica must start for each
        QList<QUuid> pending;      // routes left PENDING in the queue
        QList<QUuid> preempted;    // routes drained so a higher-priority endpoint's replica fits
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
    // What all replicas share (the plane's accounting); unset: every wanted replica starts at once.
    void setCapacity(const ResourceSlots &total) { m_capacity = total; }
    Result<Pass> runOnce();

    // Runs on a tick and, coalesced, soon after any change is signalled.
    void start(int intervalMs = 1000);
    void scheduleSoon();
    // No pass until start() again (a plane's node that stopped leading, issue 18).
    void stop();

Q_SIGNALS:
    void routeCreated(const QUuid &routeId);
    void routeDrainRequested(const QUuid &routeId);
    void endpointChanged(const QUuid &endpointId);
    void routesChanged(const QUuid &endpointId);
    void passFailed(const QString &message);
    // A Preempted record, stored in the pass's transaction.
    void errorRecorded(const ServeDeck::ErrorRecord &record);

private:
    Result<Done> admitPending(Pass &p, QList<ErrorRecord> &records, const QDateTime &now);

    Repository &m_repository;
    Clock &m_clock;
    int m_maxRetries;
    ReplicaProbe m_probe;
    std::optional<ResourceSlots> m_capacity;
    QTimer m_tick;
    QTimer m_soon;
    bool m_stopped = false;
};

} // namespace ServeDeck
