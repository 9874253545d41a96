#include "notificationsources.h"

#include "domain/clock.h"
#include "notify/notifier.h"

namespace ServeDeck {

NotificationSources::NotificationSources(Notifier &notifier, Clock &clock, QObject *parent)
    : QObject(parent), m_notifier(notifier), m_clock(clock)
{
}

NotificationEvent NotificationSources::eventFor(const QString &kind, NotificationSeverity severity,
                                                const QUuid &endpointId, const QString &endpointName,
                                                const QString &subject) const
{
    NotificationEvent e;
    e.kind = kind;
    e.severity = severity;
    e.time = e.lastTime = m_clock.now().toUTC();
    e.endpointId = endpointId;
    e.endpointName = endpointName;
    e.subject = subject;
    return e;
}

void NotificationSources::errorRecorded(const ErrorRecord &record, const QString &endpointName)
{
    static const QHash<QString, NotificationSeverity> replicaFailures{
        {QStringLiteral("OOMKilled"), NotificationSeverity::Critical},
        {QStringLiteral("CudaOutOfMemory"), NotificationSeverity::Critical},
        {QStringLiteral("Crashed"), NotificationSeverity::Warning},
        {QStringLiteral("StartFailed"), NotificationSeverity::Warning},
    };
    const QString name = endpointName.isEmpty() ? record.endpointId.toString(QUuid::WithoutBraces) : endpointName;
    if (record.type == u"AgentLost") {
        // One record per route the agent ran: the agent is lost once.
        if (record.agentId.isEmpty() || m_lostAgents.contains(record.agentId))
            return;
        m_lostAgents.insert(record.agentId);
        NotificationEvent e = eventFor(record.type, NotificationSeverity::Critical, {}, {}, record.agentId);
        e.errorId = record.id;
        e.title = QStringLiteral("agent %1 lost").arg(record.agentId);
        e.text = record.message;
        m_notifier.raise(e);
        return;
    }
    const auto severity = replicaFailures.constFind(record.type);
    if (severity == replicaFailures.cend())
        return;
    // Keyed by endpoint, not replica: a crash loop replaces the replica each time, and it is one
    // loop to the operator. The replica is named in the text.
    NotificationEvent e = eventFor(record.type, *severity, record.endpointId, name, {});
    e.errorId = record.id;
    const QString replica = record.replicaId.isEmpty() ? record.routeId : record.replicaId;
    e.title = QStringLiteral("%1: replica %2").arg(name, record.type);
    QStringList lines{QStringLiteral("Replica %1 of %2: %3").arg(replica, name, record.message.left(500))};
    if (record.exitCode)
        lines << QStringLiteral("Exit code %1").arg(*record.exitCode);
    if (record.signal)
        lines << QStringLiteral("Signal %1").arg(*record.signal);
    if (!record.agentId.isEmpty())
        lines << QStringLiteral("Agent %1").arg(record.agentId);
    e.text = lines.join(u'\n');
    m_notifier.raise(e);
}

void NotificationSources::agentJoined(const QString &agentId)
{
    if (!m_lostAgents.remove(agentId))
        return;  // a first join, or one never lost
    NotificationEvent e = eventFor(QStringLiteral("AgentRejoined"), NotificationSeverity::Info, {}, {}, agentId);
    e.title = QStringLiteral("agent %1 rejoined").arg(agentId);
    e.text = QStringLiteral("Agent %1 is back; its replicas are placed again as capacity allows.").arg(agentId);
    m_notifier.raise(e);
}

void NotificationSources::rolloutChanged(const QUuid &endpointId, const QString &endpointName, const QUuid &rolloutId,
                                         RolloutPhase phase)
{
    const auto previous = m_rolloutPhases.constFind(rolloutId);
    const bool changed = previous == m_rolloutPhases.cend() || *previous != phase;
    m_rolloutPhases.insert(rolloutId, phase);
    if (!changed || (phase != RolloutPhase::Aborted && phase != RolloutPhase::RolledBack))
        return;
    const bool aborted = phase == RolloutPhase::Aborted;
    NotificationEvent e = eventFor(aborted ? QStringLiteral("RolloutAborted") : QStringLiteral("RolloutRolledBack"),
                                   aborted ? NotificationSeverity::Warning : NotificationSeverity::Critical, endpointId,
                                   endpointName, rolloutId.toString(QUuid::WithoutBraces));
    e.title = aborted ? QStringLiteral("%1: rollout aborted").arg(endpointName)
                      : QStringLiteral("%1: rollout rolled back").arg(endpointName);
    e.text = QStringLiteral("Rollout %1 of %2 is %3; the previous revision serves.")
                 .arg(e.subject, endpointName, rolloutPhaseName(phase));
    m_notifier.raise(e);
}

void NotificationSources::endpointSampled(const EndpointState &s)
{
    const QDateTime now = m_clock.now().toUTC();

    // The reconciler stops retrying past the limit: an edge, raised once until retries reset.
    if (s.maxRetries >= 0 && s.retries > s.maxRetries) {
        if (!m_retryLimitRaised.contains(s.endpointId)) {
            m_retryLimitRaised.insert(s.endpointId);
            NotificationEvent e = eventFor(QStringLiteral("RetryLimitReached"), NotificationSeverity::Critical,
                                           s.endpointId, s.endpointName, {});
            e.title = QStringLiteral("%1: retry limit reached").arg(s.endpointName);
            e.text = QStringLiteral("%1 replicas failed to start %2 times (limit %3); no more are started until it is"
                                    " changed or scaled.")
                         .arg(s.endpointName)
                         .arg(s.retries)
                         .arg(s.maxRetries);
            m_notifier.raise(e);
        }
    } else {
        m_retryLimitRaised.remove(s.endpointId);
    }

    if (s.desiredReplicas > 0 && s.healthyRoutes == 0) {
        const QDateTime since = m_noHealthySince.value(s.endpointId, now);
        m_noHealthySince.insert(s.endpointId, since);
        if (since.secsTo(now) >= m_noHealthyGraceSeconds && !m_noHealthyRaised.contains(s.endpointId)) {
            m_noHealthyRaised.insert(s.endpointId);
            NotificationEvent e = eventFor(QStringLiteral("NoHealthyRoute"), NotificationSeverity::Critical,
                                           s.endpointId, s.endpointName, {});
            e.time = since;
            e.title = QStringLiteral("%1: no healthy replica").arg(s.endpointName);
            e.text = QStringLiteral("%1 should serve with %2 replicas and has had none healthy since %3 UTC.")
                         .arg(s.endpointName)
                         .arg(s.desiredReplicas)
                         .arg(since.toString(QStringLiteral("HH:mm:ss")));
            m_notifier.raise(e);
        }
    } else {
        m_noHealthySince.remove(s.endpointId);
        m_noHealthyRaised.remove(s.endpointId);
    }

    const QSet<QString> before = m_openCircuits.value(s.endpointId);
    for (const QString &route : s.openCircuits) {
        if (before.contains(route))
            continue;
        NotificationEvent e = eventFor(QStringLiteral("CircuitOpened"), NotificationSeverity::Warning, s.endpointId,
                                       s.endpointName, route);
        e.title = QStringLiteral("%1: circuit opened").arg(s.endpointName);
        e.text = QStringLiteral("The proxy ejected route %1 of %2 after consecutive failures.").arg(route, s.endpointName);
        m_notifier.raise(e);
    }
    m_openCircuits.insert(s.endpointId, s.openCircuits);

    evaluateAlerts(s, now);
}

void NotificationSources::evaluateAlerts(const EndpointState &s, const QDateTime &now)
{
    auto rules = m_notifier.alertRules(s.endpointId);
    if (!rules)
        return;
    QHash<QString, QDateTime> &since = m_alertSince[s.endpointId];
    QSet<QString> &firing = m_alertFiring[s.endpointId];
    QSet<QString> known;
    for (const AlertRule &rule : std::as_const(*rules)) {
        known.insert(rule.id);
        const auto value = s.metrics.constFind(rule.metric);
        // No data (no requests in the interval) is not a breach; it clears the rule too.
        const bool holds = value != s.metrics.cend()
            && (rule.comparator == u">" ? *value > rule.threshold : *value < rule.threshold);
        if (!holds) {
            since.remove(rule.id);
            firing.remove(rule.id);
            continue;
        }
        const QDateTime start = since.value(rule.id, now);
        since.insert(rule.id, start);
        if (firing.contains(rule.id) || start.secsTo(now) < rule.forSeconds)
            continue;
        firing.insert(rule.id);
        NotificationEvent e = eventFor(QStringLiteral("AlertFiring"), rule.severity, s.endpointId, s.endpointName, rule.id);
        e.time = start;
        const QString condition = QStringLiteral("%1 %2 %3").arg(rule.metric, rule.comparator).arg(rule.threshold);
        e.title = QStringLiteral("%1: %2").arg(s.endpointName, condition);
        e.text = QStringLiteral("%1 has been %2 %3 for %4 s (now %5), since %6 UTC.")
                     .arg(rule.metric, rule.comparator)
                     .arg(rule.threshold)
                     .arg(start.secsTo(now))
                     .arg(*value)
                     .arg(start.toString(QStringLiteral("HH:mm:ss")));
        m_notifier.raise(e);
    }
    // Rules removed meanwhile leave nothing behind.
    for (auto it = since.begin(); it != since.end();)
        it = known.contains(it.key()) ? std::next(it) : since.erase(it);
    firing.intersect(known);
}

void NotificationSources::endpointRemoved(const QUuid &endpointId)
{
    m_alertSince.remove(endpointId);
    m_alertFiring.remove(endpointId);
    m_noHealthySince.remove(endpointId);
    m_noHealthyRaised.remove(endpointId);
    m_retryLimitRaised.remove(endpointId);
    m_openCircuits.remove(endpointId);
}

} // namespace ServeDeck
