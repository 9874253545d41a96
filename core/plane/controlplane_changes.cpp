// Issue 18: a plane on a shared PostgreSQL store follows what other consoles commit. The change
// feed says which tables changed; this works out what that means here, against what it saw last:
// the proxy's routing is published again, caches are read again, the leader's loops look at once,
// and sharedChanges() carries the views' events (ControlClient re-emits them). What this plane
// did itself it has said already; re-saying it (a reload) is harmless, and additive events
// (errors, scale events) are told once by their id.

#include "controlplane.h"

#include <QCryptographicHash>
#include <QDataStream>
#include <QHash>
#include <QSet>

#include "agent/agentgateway.h"
#include "jobs/jobqueue.h"
#include "notify/notifier.h"
#include "plane/planelog.h"
#include "scheduler/reconciler.h"
#include "service/modelservingservice.h"
#include "service/rolloutcontroller.h"
#include "service/routingpublisher.h"
#include "store/changefeed.h"
#include "store/repository.h"

namespace ServeDeck {

namespace {

// How far back each look reaches: the newest errors, scale events per endpoint and jobs. A burst
// beyond this between two looks (100 ms apart) shows at the views' next reload.
constexpr int kTail = 200;

bool touches(const QSet<QString> &tables, std::initializer_list<const char *> names)
{
    for (const char *name : names) {
        if (tables.contains(QLatin1String(name)))
            return true;
    }
    return false;
}

template<typename... Fields>
QByteArray fingerprint(const Fields &...fields)
{
    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    (out << ... << fields);
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha1);
}

QByteArray fingerprintOf(const Endpoint &e)
{
    return fingerprint(e.name, e.replicas, lifecycleName(e.lifecycle), e.currentRevisionId, e.updatedAt.toMSecsSinceEpoch(),
                       e.priority, e.latencyTargetMs.value_or(-1), e.url);
}

QByteArray fingerprintOf(const Job &j)
{
    return fingerprint(jobStateName(j.state), j.attempts, j.startedAt.toMSecsSinceEpoch(),
                       j.finishedAt.toMSecsSinceEpoch(), j.nextAttemptAt.toMSecsSinceEpoch());
}

template<typename T>
void warnIfFailed(const Result<T> &result, const char *what)
{
    if (!result)
        qCWarning(lcPlane, "following the shared store: %s: %s", what, qPrintable(result.error().message));
}

} // namespace

// What the plane saw at its last look: the views hear only of what differs.
struct ControlPlane::ChangeState
{
    QHash<QUuid, QByteArray> endpoints;  // live endpoints, by id
    QHash<QUuid, QByteArray> routes;     // each endpoint's routes together
    QSet<qint64> errors;                 // ids of errors already told (or there before)
    QSet<qint64> scaleEvents;            // ids of scale events already told (or there before)
    QHash<QString, bool> revoked;        // agent id -> its credential is revoked
    QHash<QString, QByteArray> jobs;     // the newest jobs, by id
    QSet<QUuid> withErrors;              // endpoints with an error in the newest ones
};

Result<Done> ControlPlane::startChangeFeed()
{
    if (!m_repository->isPostgres())
        return Done{};  // one console per SQLite file: nobody else to follow
    m_changeState = std::make_shared<ChangeState>();
    // What this plane says itself is known already: not told again when the feed reports it.
    const std::weak_ptr<ChangeState> state = m_changeState;
    connect(m_service.get(), &ModelServingService::errorRecorded, this, [state](const ErrorRecord &record) {
        if (auto s = state.lock())
            s->errors.insert(record.id);
    });
    connect(m_service.get(), &ModelServingService::scaled, this, [state](const ScaleEvent &event) {
        if (auto s = state.lock())
            s->scaleEvents.insert(event.id);
    });
    m_changeFeed = new ChangeFeed(m_repository->location(), this);
    connect(m_changeFeed, &ChangeFeed::changed, this, [this](const QSet<QString> &tables) { followSharedChanges(tables); });
    // The server came back (a restart, a cut): the store's own connection died with the feed's,
    // and only a transaction opens it again; a console that only reads (an idle follower) would
    // keep failing its reads. An empty transaction opens it now, before the reload that follows.
    connect(m_changeFeed, &ChangeFeed::reconnected, this, [this] {
        if (auto reopened = m_repository->transaction<Done>([] { return Result<Done>(Done{}); }); !reopened)
            qCWarning(lcPlane, "the store did not reconnect with the change feed: %s",
                      qUtf8Printable(reopened.error().message));
    });
    if (auto started = m_changeFeed->start(); !started)
        return started;
    // Listening first, then the base the first change is compared with: a change committed in
    // between is in the base and heard again, never lost.
    followSharedChanges(QSet<QString>(m_changeFeed->tables().cbegin(), m_changeFeed->tables().cend()), false);
    return Done{};
}

void ControlPlane::followSharedChanges(const QSet<QString> &tables, bool tell)
{
    ChangeState &state = *m_changeState;
    SharedChanges out;

    // The data plane: routing is built from the store, as after a change made here.
    if (touches(tables, {"endpoints", "revisions", "routes", "endpoint_aliases", "token_grants"}))
        m_routing->schedule();
    // The leader's loops (a follower has none running) look now rather than at their next tick.
    if (m_reconciler && touches(tables, {"endpoints", "revisions", "routes", "rollouts", "autoscaling_rules"}))
        m_reconciler->scheduleSoon();
    if (m_rollouts && touches(tables, {"routes", "rollouts"}))
        m_rollouts->scheduleSoon();

    // Caches.
    if (touches(tables, {"history_retention"}))
        warnIfFailed(m_repository->reloadHistoryRetention(), "history retention");
    if (m_notifier && touches(tables, {"alert_rules"}))
        m_notifier->forgetCachedRules();
    if (touches(tables, {"autoscale_settings"})) {
        auto settings = m_repository->autoscaleSettings();
        warnIfFailed(settings, "autoscale settings");
        for (const AutoscaleSettings &s : settings ? *settings : QList<AutoscaleSettings>()) {
            applyAutoscaleSettings(s);
            if (tell)
                Q_EMIT m_service->autoscaleSettingsChanged(s);
        }
    }

    // Endpoints: new or changed, removed (gone or terminated).
    QList<QUuid> live;
    const bool endpointsTouched =
        touches(tables, {"endpoints", "revisions", "endpoint_aliases", "autoscale_settings"});
    if (endpointsTouched || touches(tables, {"routes", "autoscaling_rules", "token_grants", "rollouts",
                                             "rollout_events", "rollout_decisions", "scale_events"})) {
        auto endpoints = m_repository->endpoints();
        warnIfFailed(endpoints, "endpoints");
        if (endpoints) {
            QHash<QUuid, QByteArray> now;
            for (const Endpoint &e : std::as_const(*endpoints)) {
                live.append(e.id);
                now.insert(e.id, fingerprintOf(e));
                // Revisions and aliases are read with the endpoint: any of theirs reloads every one.
                if (state.endpoints.value(e.id) != now.value(e.id)
                    || touches(tables, {"revisions", "endpoint_aliases", "autoscale_settings"}))
                    out.endpointsChanged.append(e.id);
            }
            for (auto it = state.endpoints.cbegin(); it != state.endpoints.cend(); ++it) {
                if (!now.contains(it.key()))
                    out.endpointsRemoved.append(it.key());
            }
            state.endpoints = now;
        }
    }
    if (touches(tables, {"routes"})) {
        auto routes = m_repository->allRoutes();
        warnIfFailed(routes, "routes");
        if (routes) {
            QHash<QUuid, QByteArray> now;
            QHash<QUuid, QByteArray> rows;
            for (const Route &r : std::as_const(*routes))
                rows[r.endpointId] += fingerprint(r.id, routeStatusName(r.status), r.weight, r.replicaId, r.agentId,
                                                  r.updatedAt.toMSecsSinceEpoch());
            for (auto it = rows.cbegin(); it != rows.cend(); ++it)
                now.insert(it.key(), QCryptographicHash::hash(it.value(), QCryptographicHash::Sha1));
            QSet<QUuid> endpoints(live.cbegin(), live.cend());
            for (auto it = state.routes.cbegin(); it != state.routes.cend(); ++it)
                endpoints.insert(it.key());
            for (auto it = now.cbegin(); it != now.cend(); ++it)
                endpoints.insert(it.key());
            for (const QUuid &id : std::as_const(endpoints)) {
                if (state.routes.value(id) != now.value(id))
                    out.routesChanged.append(id);
            }
            state.routes = now;
        }
    }
    // What views show of one endpoint at a time: each live endpoint is told, the view reloads its own.
    if (touches(tables, {"autoscaling_rules"}))
        out.rulesChanged = live;
    if (touches(tables, {"token_grants"}))
        out.tokensChanged = live;
    // One query per kind, never one per endpoint: at 10,000 endpoints that is 10,000 round trips
    // on the control thread.
    if (touches(tables, {"rollouts", "rollout_events", "rollout_decisions"})) {
        auto latest = m_repository->latestRolloutIds();
        warnIfFailed(latest, "rollouts");
        if (latest) {
            for (const QUuid &id : std::as_const(live)) {
                if (const auto it = latest->constFind(id); it != latest->cend())
                    out.rolloutsChanged.append({id, it.value()});
            }
        }
    }

    // Errors and scale events: each new one once, oldest first; an endpoint's errors all gone: cleared.
    if (touches(tables, {"errors"})) {
        auto errors = m_repository->errors(QUuid(), kTail);
        warnIfFailed(errors, "errors");
        if (errors) {
            QSet<qint64> now;
            QSet<QUuid> withErrors;
            for (auto it = errors->crbegin(); it != errors->crend(); ++it) {
                now.insert(it->id);
                withErrors.insert(it->endpointId);
                if (!state.errors.contains(it->id))
                    out.errorsRecorded.append(*it);
            }
            // Out of the newest ones is not cleared: only an endpoint that has none left.
            for (const QUuid &id : std::as_const(state.withErrors)) {
                if (withErrors.contains(id))
                    continue;
                if (auto left = m_repository->errors(id, 1); left && left->isEmpty())
                    out.errorsCleared.append(id);
            }
            state.errors = now;
            state.withErrors = withErrors;
        }
    }
    if (touches(tables, {"scale_events"})) {
        auto events = m_repository->scaleEvents(QUuid(), kTail);
        warnIfFailed(events, "scale events");
        if (events) {
            const QSet<QUuid> liveSet(live.cbegin(), live.cend());
            QSet<qint64> now;
            for (auto it = events->crbegin(); it != events->crend(); ++it) {
                now.insert(it->id);
                if (!state.scaleEvents.contains(it->id) && liveSet.contains(it->endpointId))
                    out.scaleEvents.append(*it);
            }
            state.scaleEvents = now;
        }
    }

    // Agents: a credential revoked at another console cuts the agent off here too.
    if (touches(tables, {"agent_credentials"})) {
        auto credentials = m_repository->agentCredentials();
        warnIfFailed(credentials, "agent credentials");
        for (const AgentCredential &c : credentials ? *credentials : QList<AgentCredential>()) {
            const bool revoked = c.revokedAt.has_value();
            if (revoked && !state.revoked.value(c.agentId, false)) {
                out.agentsRevoked.append(c.agentId);
                if (m_gateway && tell)
                    m_gateway->disconnectAgent(c.agentId, QStringLiteral("agent credential revoked"));
            }
            state.revoked.insert(c.agentId, revoked);
        }
    }

    // Jobs: the queue's live counts are read again (the dispatcher and the autoscaler use them),
    // work queued elsewhere is looked at, and the newest jobs that changed are told.
    if (m_jobs && touches(tables, {"jobs"})) {
        warnIfFailed(m_jobs->recount(), "job counts");
        if (tell) {
            const QHash<QUuid, int> queued = m_jobs->queuedCounts();
            for (auto it = queued.cbegin(); it != queued.cend(); ++it) {
                if (it.value() > 0)
                    Q_EMIT m_jobs->jobsQueued(it.key());
            }
        }
        JobFilter newest;
        newest.limit = kTail;
        auto jobs = m_jobs->jobs(newest);
        warnIfFailed(jobs, "jobs");
        if (jobs) {
            QHash<QString, QByteArray> now;
            for (auto it = jobs->crbegin(); it != jobs->crend(); ++it) {
                now.insert(it->id, fingerprintOf(*it));
                if (state.jobs.value(it->id) != now.value(it->id))
                    out.jobsChanged.append(*it);
            }
            state.jobs = now;
        }
    }

    if (tell && !out.isEmpty())
        Q_EMIT sharedChanges(out);
}

} // namespace ServeDeck
