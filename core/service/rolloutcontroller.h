#pragma once

#include <functional>

#include <QHash>
#include <QObject>
#include <QTimer>

#include "domain/endpoint.h"
#include "domain/result.h"
#include "rollout/rolloutanalysis.h"

namespace ServeDeck {

class Clock;
class ModelServingService;
class Repository;

// Moves rollouts on by themselves: a rolling or promoted rollout succeeds once the new revision
// has all its replicas HEALTHY; a blue-green one switches then, and its old set is scaled to zero
// when the rollback window ends; a progressive one is analysed at each interval and steps on,
// holds or rolls back. Any rollout rolls back when its new revision's replicas fail past the
// limit or are not HEALTHY by the progress deadline. Each change goes through the service, as
// an operator's would, so it is one transaction with its events.
class RolloutController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RolloutController)

public:
    // Cumulative counters per route, as the proxy keeps them.
    using CounterSource = std::function<QHash<QUuid, RevisionCounters>()>;

    RolloutController(ModelServingService &service, Repository &repository, Clock &clock,
                      QList<double> latencyBucketBounds, QObject *parent = nullptr);

    void setCounterSource(CounterSource source) { m_counters = std::move(source); }
    // Runs on a tick and, coalesced, soon after any change is signalled.
    void start(int intervalMs = 1000);
    void scheduleSoon();
    // No pass until start() again (a plane's node that stopped leading, issue 18).
    void stop();
    // One look at every rollout that shapes anything; the count of rollouts it changed.
    Result<int> runOnce();

Q_SIGNALS:
    void passFailed(const QString &message);

private:
    struct Window
    {
        RevisionCounters canary;
        RevisionCounters stable;
    };

    Result<bool> step(const Rollout &rollout);
    void wakeIn(qint64 ms);  // a pass then, or sooner
    QString failureReport(const Rollout &rollout, const Endpoint &endpoint);
    Window sample(const Rollout &rollout) const;

    ModelServingService &m_service;
    Repository &m_repository;
    Clock &m_clock;
    RolloutAnalysis m_analysis;
    CounterSource m_counters;
    QHash<QUuid, QUuid> m_revisionOfRoute;  // every route seen: its counts stay its revision's after it goes
    QHash<QUuid, Window> m_windowStart;     // by rollout: the counters when its analysis window began
    QHash<QUuid, QDateTime> m_shortSince;   // by rollout: since when its new revision lacks HEALTHY replicas
    QTimer m_tick;
    QTimer m_soon;
    QTimer m_due;  // the next progressive step's end, to the millisecond
    bool m_stopped = false;
};

} // namespace ServeDeck
