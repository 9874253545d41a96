#pragma once

#include <QHash>
#include <QObject>
#include <QSet>

#include "domain/errorrecord.h"
#include "domain/rollout.h"
#include "notify/notificationtypes.h"

namespace ServeDeck {

class Clock;
class Notifier;

// What the plane observes, turned into NotificationEvents for the Notifier: it takes plain
// domain values (the plane wires the service's, gateway's, rollouts' and sampler's signals to
// it), so the translation is tested without a plane. Keeps the little state that turns levels
// into edges (a circuit that opens, an alert that starts firing, a route set with no healthy
// route for longer than the grace).
class NotificationSources : public QObject
{
    Q_OBJECT

public:
    NotificationSources(Notifier &notifier, Clock &clock, QObject *parent = nullptr);

    // OOMKilled, CudaOutOfMemory, Crashed, StartFailed and AgentLost records; others are ignored.
    void errorRecorded(const ErrorRecord &record, const QString &endpointName);
    // An agent that joins after it was lost.
    void agentJoined(const QString &agentId);
    void rolloutChanged(const QUuid &endpointId, const QString &endpointName, const QUuid &rolloutId,
                        RolloutPhase phase);

    // One endpoint's state at a sample: desired replicas, HEALTHY routes, retries against the limit.
    struct EndpointState
    {
        QUuid endpointId;
        QString endpointName;
        int desiredReplicas = 0;
        int healthyRoutes = 0;
        int retries = 0;
        int maxRetries = 0;
        QSet<QString> openCircuits;  // routes whose circuit is not closed
        // Alert metrics: error_rate, p95_ms, p99_ms, requests_per_second, ttft_p95_ms (absent: no data)
        QHash<QString, double> metrics;
    };
    void endpointSampled(const EndpointState &state);
    void endpointRemoved(const QUuid &endpointId);

    // How long an endpoint that should serve may have no HEALTHY route before NoHealthyRoute.
    void setNoHealthyRouteGraceSeconds(int seconds) { m_noHealthyGraceSeconds = seconds; }

private:
    void evaluateAlerts(const EndpointState &state, const QDateTime &now);
    NotificationEvent eventFor(const QString &kind, NotificationSeverity severity, const QUuid &endpointId,
                               const QString &endpointName, const QString &subject) const;

    Notifier &m_notifier;
    Clock &m_clock;
    int m_noHealthyGraceSeconds = 30;
    QSet<QString> m_lostAgents;
    QHash<QUuid, QHash<QString, QDateTime>> m_alertSince;  // endpoint → rule id → condition held since
    QHash<QUuid, QSet<QString>> m_alertFiring;             // raised, not cleared yet
    QHash<QUuid, QDateTime> m_noHealthySince;
    QSet<QUuid> m_noHealthyRaised;
    QSet<QUuid> m_retryLimitRaised;
    QHash<QUuid, QSet<QString>> m_openCircuits;
    QHash<QUuid, RolloutPhase> m_rolloutPhases;  // by rollout id: each phase is raised once
};

} // namespace ServeDeck
