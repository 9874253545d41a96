#include "reconciler.h"

#include <algorithm>

#include <QHash>
#include <QJsonDocument>
#include <QSet>

#include "domain/clock.h"
#include "domain/endpoint.h"
#include "domain/rollout.h"
#include "store/repository.h"

namespace ServeDeck {

namespace {

// Which surplus route goes first on scale-down: the failing ones, then those not serving yet.
int drainOrder(RouteStatus status)
{
    switch (status) {
    case RouteStatus::Pending:
        return -1;
    case RouteStatus::Unhealthy:
        return 0;
    case RouteStatus::Provisioning:
        return 1;
    default:
        return 2;
    }
}

// "needs cpu 2, 1 free": each kind of slot that is short.
QString shortfall(const ResourceSlots &need, const ResourceSlots &free)
{
    const auto amount = [](double n) { return QString::number(std::max(0.0, n), 'g', 6); };
    QStringList parts;
    if (need.cpu > free.cpu)
        parts << QStringLiteral("cpu %1, %2 free").arg(amount(need.cpu), amount(free.cpu));
    if (need.memoryBytes > free.memoryBytes)
        parts << QStringLiteral("memory %1, %2 free")
                     .arg(formatMemorySize(need.memoryBytes), formatMemorySize(std::max<qint64>(0, free.memoryBytes)));
    if (need.gpu > free.gpu)
        parts << QStringLiteral("gpu %1, %2 free").arg(amount(need.gpu), amount(free.gpu));
    if (parts.isEmpty())  // a kind of slot not named above
        parts << QStringLiteral("%1, %2 free")
                     .arg(QString::fromUtf8(QJsonDocument(need.toJson()).toJson(QJsonDocument::Compact)),
                          QString::fromUtf8(QJsonDocument(free.toJson()).toJson(QJsonDocument::Compact)));
    return QStringLiteral("needs ") + parts.join(QStringLiteral("; "));
}

// Does stopping a replica of `victim` slots bring `need` closer to fitting in `free`?
bool helps(const ResourceSlots &victim, const ResourceSlots &need, const ResourceSlots &free)
{
    const bool named = need.cpu > free.cpu || need.memoryBytes > free.memoryBytes || need.gpu > free.gpu;
    if (!named)
        return true;
    return (need.cpu > free.cpu && victim.cpu > 0) || (need.memoryBytes > free.memoryBytes && victim.memoryBytes > 0)
        || (need.gpu > free.gpu && victim.gpu > 0);
}

} // namespace

Reconciler::Reconciler(Repository &repository, Clock &clock, int maxRetries, QObject *parent)
    : QObject(parent)
    , m_repository(repository)
    , m_clock(clock)
    , m_maxRetries(maxRetries)
    , m_probe([](const Route &route) { return !route.replicaId.isEmpty(); })
{
    connect(&m_tick, &QTimer::timeout, this, [this] { static_cast<void>(runOnce()); });
    m_soon.setSingleShot(true);
    // Many changes in one event-loop turn (a burst of API calls) become one pass.
    m_soon.setInterval(0);
    connect(&m_soon, &QTimer::timeout, this, [this] { static_cast<void>(runOnce()); });
}

void Reconciler::setReplicaProbe(ReplicaProbe probe)
{
    m_probe = std::move(probe);
}

void Reconciler::start(int intervalMs)
{
    m_stopped = false;
    m_tick.start(intervalMs);
    scheduleSoon();
}

void Reconciler::stop()
{
    m_stopped = true;
    m_tick.stop();
    m_soon.stop();
}

void Reconciler::scheduleSoon()
{
    if (!m_stopped && !m_soon.isActive())
        m_soon.start();
}

Result<Reconciler::Pass> Reconciler::runOnce()
{
    QList<ErrorRecord> records;
    auto pass = m_repository.transaction<Pass>([&]() -> Result<Pass> {
        records.clear();
        Pass p;
        const QDateTime now = m_clock.now();

        // Zombie: its replica is gone, and it was either draining or had one started (a crash, a
        // failed start). Deleting it is what lets a replacement be created below.
        auto withReplicas = m_repository.routesWithReplicas();
        if (!withReplicas)
            return withReplicas.error();
        QSet<QUuid> changed;
        for (const Route &r : *withReplicas) {
            if (m_probe(r)) {
                // Draining but still running: ask again. Stopping is idempotent, and this way a
                // route marked TERMINATING anywhere (delete, delete route) gets its replica stopped.
                if (r.status == RouteStatus::Terminating)
                    p.draining << r.id;
                continue;
            }
            if (auto d = m_repository.deleteRoute(r.id); !d)
                return d.error();
            p.zombies << r.id;
            p.touchedEndpoints << r.endpointId;
            changed.insert(r.endpointId);
        }

        // Counts aggregated by SQLite say which endpoints have work; only those are loaded whole.
        auto counts = m_repository.endpointRouteCounts();
        if (!counts)
            return counts.error();
        QList<QUuid> work;
        for (const EndpointRouteCounts &c : *counts) {
            if (!c.settled() || changed.contains(c.id))
                work << c.id;
        }
        QHash<QUuid, Rollout> rolloutOf;
        if (!work.isEmpty()) {
            auto shaping = m_repository.shapingRollouts();
            if (!shaping)
                return shaping.error();
            for (const Rollout &o : *shaping)
                rolloutOf.insert(o.endpointId, o);
        }

        auto drain = [&](Route r) -> Result<Done> {
            // A queued route has no replica to stop: it just leaves the queue.
            if (r.status == RouteStatus::Pending)
                return m_repository.deleteRoute(r.id);
            r.status = RouteStatus::Terminating;
            r.updatedAt = now;
            if (auto u = m_repository.updateRoute(r); !u)
                return u.error();
            p.draining << r.id;
            return Done{};
        };

        for (const QUuid &id : work) {
            auto loaded = m_repository.endpointById(id);
            if (!loaded)
                return loaded.error();
            auto routes = m_repository.routes(id);
            if (!routes)
                return routes.error();
            if (!loaded->has_value())
                continue;
            Endpoint e = **loaded;
            const QList<Route> &mine = *routes;
            QList<Route> active;
            std::copy_if(mine.begin(), mine.end(), std::back_inserter(active), [](const Route &r) { return r.isActive(); });

            if (e.lifecycle == EndpointLifecycle::Destroying) {
                const bool drained = std::none_of(mine.begin(), mine.end(), [](const Route &r) {
                    return r.status != RouteStatus::FailedToStart;
                });
                if (drained) {
                    for (const Route &r : mine) {
                        if (auto d = m_repository.deleteRoute(r.id); !d)
                            return d.error();
                    }
                    e.lifecycle = EndpointLifecycle::Terminated;
                    e.updatedAt = now;
                    if (auto u = m_repository.updateEndpoint(e); !u)
                        return u.error();
                    p.terminated << e.id;
                    p.touchedEndpoints << e.id;
                } else {
                    // Routes of a dying endpoint that are still active drain now.
                    for (const Route &r : active) {
                        if (auto d = drain(r); !d)
                            return d.error();
                    }
                    if (!active.isEmpty())
                        p.touchedEndpoints << e.id;
                }
                continue;
            }
            if (!e.isLive())
                continue;

            if (e.lifecycle == EndpointLifecycle::Created
                && std::any_of(active.begin(), active.end(), [](const Route &r) { return r.status == RouteStatus::Healthy; })) {
                e.lifecycle = EndpointLifecycle::Ready;
                e.updatedAt = now;
                if (auto u = m_repository.updateEndpoint(e); !u)
                    return u.error();
                p.touchedEndpoints << e.id;
            }

            // Each revision is kept at its own count: the current one at the endpoint's, the
            // others at theirs, and the two a rollout shapes at what its plan says now.
            auto revisions = m_repository.revisions(e.id);
            if (!revisions)
                return revisions.error();
            QHash<QUuid, int> desired;
            for (const Revision &r : *revisions)
                desired.insert(r.id, r.id == e.currentRevisionId ? e.replicas : r.replicas);
            const auto rollout = rolloutOf.constFind(e.id);
            bool rolling = false;
            bool targetBlocked = false;
            if (rollout != rolloutOf.cend()) {
                const int targetHealthy = int(std::count_if(active.begin(), active.end(), [&](const Route &r) {
                    return r.revisionId == rollout->toRevisionId && r.status == RouteStatus::Healthy;
                }));
                const RolloutPlan plan = planRollout(*rollout, e.replicas, targetHealthy, now);
                if (plan.affectsRevisions) {
                    desired.insert(rollout->fromRevisionId, plan.stableReplicas);
                    desired.insert(rollout->toRevisionId, plan.targetReplicas);
                    rolling = rollout->strategy == RolloutStrategy::Rolling;
                    // Failed replicas of the new revision count against the rollout, which rolls
                    // back at its limit; meanwhile no more are started.
                    targetBlocked = rollout->inProgress() && rollout->failures > rollout->maxFailures;
                }
            }

            QHash<QUuid, QList<Route>> activeOf;
            for (const Route &r : active)
                activeOf[r.revisionId].append(r);
            // Surplus first, so a replica's place is freed before another is asked for.
            QList<QUuid> order = desired.keys();
            for (auto it = activeOf.cbegin(); it != activeOf.cend(); ++it) {
                if (!desired.contains(it.key()))
                    order << it.key();
            }
            std::sort(order.begin(), order.end());
            bool touched = false;
            for (const QUuid &revisionId : std::as_const(order)) {
                QList<Route> mineOfRevision = activeOf.value(revisionId);
                const int want = desired.value(revisionId, 0);
                if (mineOfRevision.size() <= want)
                    continue;
                std::stable_sort(mineOfRevision.begin(), mineOfRevision.end(), [](const Route &a, const Route &b) {
                    if (drainOrder(a.status) != drainOrder(b.status))
                        return drainOrder(a.status) < drainOrder(b.status);
                    return a.createdAt > b.createdAt;  // the newest of equals goes first
                });
                for (qsizetype i = 0; i < mineOfRevision.size() - want; ++i) {
                    if (auto d = drain(mineOfRevision[i]); !d)
                        return d.error();
                }
                touched = true;
            }
            for (const QUuid &revisionId : std::as_const(order)) {
                const QList<Route> mineOfRevision = activeOf.value(revisionId);
                const int want = desired.value(revisionId, 0);
                if (mineOfRevision.size() >= want)
                    continue;
                const bool isTarget = rollout != rolloutOf.cend() && revisionId == rollout->toRevisionId
                    && rollout->inProgress();
                if (isTarget ? targetBlocked : e.retries > m_maxRetries) {
                    p.skippedForRetries << e.id;
                    continue;
                }
                // A new route takes the weight its revision's routes have. A rolling rollout's
                // new routes take the stable ones' (traffic follows the HEALTHY replicas); the
                // current revision's first route takes 100; another revision's starts dark, so
                // it gets no traffic before the operator (or its rollout's plan) gives it some.
                int weight = revisionId == e.currentRevisionId ? 100 : 0;
                const QUuid like = mineOfRevision.isEmpty() && rolling ? rollout->fromRevisionId : revisionId;
                for (const Route &r : active) {
                    if (r.revisionId == like) {
                        weight = r.weight;
                        break;
                    }
                }
                if (mineOfRevision.isEmpty() && rolling && weight == 0)
                    weight = 100;
                for (qsizetype i = mineOfRevision.size(); i < want; ++i) {
                    Route r;
                    r.id = QUuid::createUuid();
                    r.endpointId = e.id;
                    r.revisionId = revisionId;
                    // With a capacity to share, every new route joins the queue, which admits it
                    // below (this pass) if it fits and nothing ahead of it waits for the room.
                    r.status = m_capacity ? RouteStatus::Pending : RouteStatus::Provisioning;
                    r.weight = weight;
                    r.createdAt = r.updatedAt = now;
                    if (m_capacity)
                        r.pendingSince = now;
                    if (auto ins = m_repository.insertRoute(r); !ins)
                        return ins.error();
                    if (!m_capacity)
                        p.created << r.id;
                }
                touched = true;
            }
            if (touched)
                p.touchedEndpoints << e.id;
        }
        if (m_capacity) {
            if (auto admitted = admitPending(p, records, now); !admitted)
                return admitted.error();
        }
        return p;
    });
    if (!pass) {
        Q_EMIT passFailed(pass.error().message);
        return pass;
    }
    const QSet<QUuid> touched(pass->touchedEndpoints.begin(), pass->touchedEndpoints.end());
    for (const QUuid &id : touched) {
        Q_EMIT routesChanged(id);
        Q_EMIT endpointChanged(id);
    }
    // A drained route leaves the data plane first (routesChanged above republishes the routing
    // table on the event loop's next turn); the deployer stops its replica once the requests
    // already sent to it are answered (ReplicaDeployer::drain).
    for (const ErrorRecord &record : std::as_const(records))
        Q_EMIT errorRecorded(record);
    for (const QUuid &id : pass->draining)
        Q_EMIT routeDrainRequested(id);
    for (const QUuid &id : pass->created)
        Q_EMIT routeCreated(id);
    return pass;
}

// The queue: every PENDING route, by its endpoint's priority (higher first), then by how long it
// has waited. Each starts if its slots fit what the routes holding capacity leave free. One that
// does not fit does not block those behind it (a smaller replica may start in the room left), with
// one exception: once replicas are stopping for it (preempted, or draining anyway), that room is
// reserved for it, so what is freed for a higher-priority replica is not taken by a lower one.
// Preemption: a pending replica whose endpoint outranks others may stop just enough of their
// replicas, newest and lowest priority first, and only of endpoints that allow it; never equal
// priority. Their endpoints still want them, so the next pass queues replacements.
Result<Done> Reconciler::admitPending(Pass &p, QList<ErrorRecord> &records, const QDateTime &now)
{
    auto any = m_repository.hasPendingRoutes();
    if (!any)
        return any.error();
    if (!*any)
        return Done{};
    auto routes = m_repository.allRoutes();
    if (!routes)
        return routes.error();
    auto endpoints = m_repository.endpoints();
    if (!endpoints)
        return endpoints.error();
    QHash<QUuid, Endpoint> endpointOf;
    for (const Endpoint &e : *endpoints)
        endpointOf.insert(e.id, e);

    // One replica's share, always as a product (slots * 1): that is the form the capacity
    // arithmetic counts in (a replica that shares a device by memory takes no device of its own).
    const auto share = [](const Endpoint &e) { return e.resourceSlots * 1; };
    ResourceSlots held;
    ResourceSlots releasing;  // held by replicas that are stopping
    QList<Route> queue;
    QList<Route> running;     // preemption candidates
    for (const Route &r : *routes) {
        const auto e = endpointOf.constFind(r.endpointId);
        if (e == endpointOf.cend())
            continue;
        if (r.holdsCapacity())
            held = held + share(*e);
        if (r.status == RouteStatus::Terminating)
            releasing = releasing + share(*e);
        else if (r.status == RouteStatus::Pending && e->isLive())
            queue << r;
        else if (r.holdsCapacity() && e->isLive())
            running << r;
    }
    std::stable_sort(queue.begin(), queue.end(), [&](const Route &a, const Route &b) {
        const int pa = endpointOf.value(a.endpointId).priority;
        const int pb = endpointOf.value(b.endpointId).priority;
        if (pa != pb)
            return pa > pb;
        if (a.pendingSince != b.pendingSince)
            return a.pendingSince < b.pendingSince;
        return a.createdAt < b.createdAt;
    });
    // Newest of the lowest priority goes first.
    std::stable_sort(running.begin(), running.end(), [&](const Route &a, const Route &b) {
        const int pa = endpointOf.value(a.endpointId).priority;
        const int pb = endpointOf.value(b.endpointId).priority;
        if (pa != pb)
            return pa < pb;
        return a.createdAt > b.createdAt;
    });

    ResourceSlots free = *m_capacity - held;
    QSet<QUuid> stopped;
    for (Route r : std::as_const(queue)) {
        const Endpoint &e = endpointOf[r.endpointId];
        const ResourceSlots need = share(e);
        QString reason;
        // An agent refused it a moment ago: its own reason stands until it may be offered again.
        const bool agentRefused = r.retryAt.isValid() && now < r.retryAt;
        if (need.fitsIn(free) && agentRefused) {
            p.pending << r.id;
            continue;
        }
        if (need.fitsIn(free)) {
            r.status = RouteStatus::Provisioning;
            r.pendingReason.clear();
            r.pendingSince = {};
            r.retryAt = {};
            r.updatedAt = now;
            if (auto u = m_repository.updateRoute(r); !u)
                return u.error();
            free = free - need;
            p.created << r.id;
            p.touchedEndpoints << e.id;
            continue;
        }
        if (need.fitsIn(free + releasing)) {
            reason = shortfall(need, free) + QStringLiteral(" (replicas are stopping for it)");
        } else {
            QList<Route> victims;
            ResourceSlots freed;
            for (const Route &v : std::as_const(running)) {
                if (stopped.contains(v.id))
                    continue;
                const Endpoint &ve = endpointOf[v.endpointId];
                if (ve.priority >= e.priority)
                    break;  // sorted by priority: none after this one is lower
                if (!ve.allowPreemption || !helps(share(ve), need, free + releasing + freed))
                    continue;
                victims << v;
                freed = freed + share(ve);
                if (need.fitsIn(free + releasing + freed))
                    break;
            }
            if (!need.fitsIn(free + releasing + freed)) {
                reason = shortfall(need, free);
            } else {
                QStringList names;
                for (Route v : std::as_const(victims)) {
                    const Endpoint &ve = endpointOf[v.endpointId];
                    stopped.insert(v.id);
                    ErrorRecord record;
                    record.time = now;
                    record.endpointId = v.endpointId;
                    record.routeId = v.id.toString(QUuid::WithoutBraces);
                    record.replicaId = v.replicaId;
                    record.agentId = v.agentId;
                    record.type = QStringLiteral("Preempted");
                    record.message = QStringLiteral("stopped for endpoint '%1' (priority %2 over %3); it waits in the queue again")
                                         .arg(e.name)
                                         .arg(e.priority)
                                         .arg(ve.priority);
                    auto id = m_repository.insertError(record);
                    if (!id)
                        return id.error();
                    record.id = *id;
                    records << record;
                    v.status = RouteStatus::Terminating;
                    v.updatedAt = now;
                    if (auto u = m_repository.updateRoute(v); !u)
                        return u.error();
                    p.draining << v.id;
                    p.preempted << v.id;
                    p.touchedEndpoints << v.endpointId;
                    names << ve.name;
                }
                releasing = releasing + freed;
                names.removeDuplicates();
                reason = shortfall(need, free)
                    + QStringLiteral(" (preempting %1 replica(s) of %2)").arg(victims.size()).arg(names.join(QStringLiteral(", ")));
            }
        }
        // Room that is being freed is this replica's: nothing behind it takes it meanwhile.
        if (need.fitsIn(free + releasing))
            free = free - need;  // short in some kind for now: what is stopping makes it up
        p.pending << r.id;
        if (r.pendingReason != reason) {
            r.pendingReason = reason;
            r.updatedAt = now;
            if (!r.pendingSince.isValid())
                r.pendingSince = now;
            if (auto u = m_repository.updateRoute(r); !u)
                return u.error();
            p.touchedEndpoints << e.id;
        }
    }
    return Done{};
}

} // namespace ServeDeck
