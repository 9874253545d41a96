#pragma once

#include <functional>
#include <map>
#include <optional>

#include <QHash>
#include <QObject>
#include <QTimer>
#include <QUuid>

#include "autoscale/idlepolicy.h"
#include "autoscale/metricwindow.h"
#include "autoscale/replicaschedule.h"
#include "autoscale/scalingpolicy.h"
#include "domain/errorrecord.h"
#include "domain/result.h"

namespace ServeDeck {

class Clock;
class Repository;

// One change the autoscaler asked for.
struct AutoscaleDecision
{
    QUuid endpointId;
    int before = 0;
    int after = 0;
    ScaleCause cause;      // ruleId empty for schedules, idleness and wakes
    bool applied = false;  // the actuator accepted it
};

// Drives autoscaling on the control thread: each pass reads the live endpoints and their rules,
// samples their metrics, lets each rule's ScalingPolicy decide and asks the actuator for the
// result. It only reads the store; every change goes through the actuator (the service).
//
// Per endpoint, in order: a count changed by someone else restarts the cooldown; an idle endpoint
// goes to zero (unless a schedule floor applies); an endpoint at zero waits for wake() or a floor;
// otherwise the rules vote.
class Autoscaler final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Autoscaler)

public:
    // Kubernetes HPA's sync period: short enough for a 30 s scale-up delay to be met within
    // one pass of it, long enough that sampling costs nothing.
    static constexpr int kDefaultIntervalMs = 15000;
    // The data plane's request rate: what idleness is judged by.
    static constexpr MetricSource kRequestSource = MetricSource::Proxy;
    static inline const QString kRequestMetric = QStringLiteral("requests_per_second");
    // The job backlog (PROXY jobs_queued): like pushed CUSTOM values, it exists without replicas,
    // so a rule on it wakes an endpoint at zero, and with no backlog left takes it back in.
    static inline const QString kJobsMetric = QStringLiteral("jobs_queued");

    using MetricsReader =
        std::function<std::optional<double>(const QUuid &endpointId, MetricSource source, const QString &metric)>;
    using Actuator = std::function<bool(const QUuid &endpointId, int target, const ScaleCause &cause)>;

    Autoscaler(Repository &repository, Clock &clock, QObject *parent = nullptr);

    void setMetricsReader(MetricsReader reader);
    void setActuator(Actuator actuator);
    // An empty schedule removes the endpoint's schedule; a timeout of 0 turns scale-to-zero off.
    void setSchedule(const QUuid &endpointId, const ReplicaSchedule &schedule);
    void setIdleTimeout(const QUuid &endpointId, int seconds);

    Result<QList<AutoscaleDecision>> evaluateOnce();
    void start(int intervalMs = kDefaultIntervalMs);
    void stop();

    int upCount(const QUuid &endpointId) const;
    int downCount(const QUuid &endpointId) const;
    // The samples taken of one of an endpoint's metrics; null when none was ever taken.
    const MetricWindow *metricWindow(const QUuid &endpointId, MetricSource source, const QString &metric) const;

public Q_SLOTS:
    // The proxy got a request for an endpoint at zero: ask at once for max(1, minReplicas, floor),
    // past any delay or cooldown. True when the endpoint has, or was just given, a replica.
    bool wake(const QUuid &endpointId);

Q_SIGNALS:
    void decided(const QUuid &endpointId, int before, int after, const QString &reason);
    void passFailed(const QString &message);

private:
    struct EndpointState
    {
        std::map<QUuid, ScalingPolicy> policies;  // by rule id
        std::optional<ReplicaSchedule> schedule;
        IdlePolicy idle;
        QHash<QString, MetricWindow> windows;  // by "SOURCE:metric"
        std::optional<int> lastSeen;           // the count after the previous pass or change
        std::optional<QDateTime> lastChange;   // for policies made after it (a rule added or edited)
        QHash<QUuid, QDateTime> wakeSince;     // by rule: at zero, since when its condition holds
        QHash<QUuid, QDateTime> emptySince;    // by rule: a backlog rule's backlog is empty since
        int up = 0;
        int down = 0;
    };

    std::optional<AutoscaleDecision> decide(EndpointState &state, const QUuid &endpointId, int current,
                                            const QList<AutoScalingRule> &rules);
    std::optional<AutoscaleDecision> decideAtZero(EndpointState &state, const QUuid &endpointId,
                                                  const QList<AutoScalingRule> &rules, std::optional<int> floor,
                                                  QHash<QString, std::optional<double>> &taken);
    std::optional<double> sample(EndpointState &state, const QUuid &endpointId, MetricSource source,
                                 const QString &metric, QHash<QString, std::optional<double>> &taken);
    bool apply(EndpointState &state, AutoscaleDecision &decision);
    void syncPolicies(EndpointState &state, const QList<AutoScalingRule> &rules);
    std::optional<int> floorNow(const EndpointState &state) const;

    Repository &m_repository;
    Clock &m_clock;
    MetricsReader m_reader;
    Actuator m_actuator;
    std::map<QUuid, EndpointState> m_states;
    QTimer m_tick;
};

} // namespace ServeDeck
