#pragma once

#include <QHash>
#include <QObject>
#include <QUuid>

#include "domain/result.h"
#include "notify/notificationtypes.h"

class QNetworkAccessManager;
class QTimer;

namespace ServeDeck {

class Clock;
class Repository;

// The plane's notifications (control thread): channels, alert rules and the delivery log in the
// store; raise() dedupes and groups events per channel, then hands each to its channel (webhook,
// command, or desktopNotification() for the console).
class Notifier : public QObject
{
    Q_OBJECT

public:
    Notifier(Repository &repository, Clock &clock, QObject *parent = nullptr);
    ~Notifier() override;

    Result<QList<NotificationChannel>> channels();
    Result<NotificationChannel> addChannel(const NotificationChannel &channel, const QByteArray &secret = {});
    Result<Done> removeChannel(const QString &idOrName);
    Result<NotificationEvent> sendTest(const QString &idOrName);  // a sample, delivered like any event
    Result<QList<NotificationDelivery>> deliveries(int limit = 200, const QString &channelIdOrName = {});
    Result<QList<AlertRule>> alertRules(const QUuid &endpointId);
    Result<AlertRule> addAlertRule(const AlertRule &rule);
    Result<Done> removeAlertRule(const QUuid &endpointId, const QString &ruleId);

    void raise(NotificationEvent event);  // dedupe/group/quiet period, then each matching channel

    // One plane notifies: where several share a store, only the leader is active (issue 18
    // elects it). An inactive Notifier drops raised events.
    void setActive(bool active);
    bool isActive() const { return m_active; }

    // Webhook retry backoff base (1 s in production: 1 s, 2 s, 4 s), per-attempt timeouts and how
    // often held-back groups are checked: tests shorten them.
    void setRetryBaseMs(int ms) { m_retryBaseMs = ms; }
    void setWebhookTimeoutMs(int ms) { m_webhookTimeoutMs = ms; }
    void setCommandTimeoutMs(int ms) { m_commandTimeoutMs = ms; }
    void setFlushIntervalMs(int ms);

    // Deliveries under way: webhook requests in flight or waiting to be retried, commands running.
    // Zero means nothing more will be sent until an event is raised or a quiet period ends.
    int pendingDeliveries() const { return m_pending; }
    // Sends what the quiet periods that have ended hold back (the flush timer calls it).
    void flushGroups();
    // Alert rules changed at another console of a shared store (issue 18): read them again.
    void forgetCachedRules() { m_rules.clear(); }

    static constexpr int kMaxAttempts = 4;
    static constexpr int kMaxChannels = 100;
    static constexpr int kMaxQuietPeriodSeconds = 7 * 24 * 3600;
    static constexpr int kMaxAnswerBytes = 4096;  // of a webhook's answer or a command's output

Q_SIGNALS:
    void desktopNotification(const ServeDeck::NotificationEvent &event);  // for Desktop channels
    void delivered(const ServeDeck::NotificationDelivery &delivery);      // every delivery and failure

private:
    struct Group;
    struct Stored;
    Result<QList<Stored>> storedChannels();
    Result<Stored> findChannel(const QString &idOrName);
    void deliver(const Stored &channel, const NotificationEvent &event);
    void postWebhook(const QString &channelId, const NotificationEvent &event, int attempt);
    void runCommand(const Stored &channel, const NotificationEvent &event);
    void record(const NotificationChannel &channel, const NotificationEvent &event, int attempt, bool ok,
                const QString &outcome);

    Repository &m_repository;
    Clock &m_clock;
    QNetworkAccessManager *m_network = nullptr;
    QTimer *m_flushTimer = nullptr;
    QHash<QString, Group> m_groups;  // channel id + event key → what the quiet period holds back
    QHash<QUuid, QList<AlertRule>> m_rules;  // alertRules() by endpoint, dropped on each change
    bool m_active = true;
    int m_retryBaseMs = 1000;
    int m_webhookTimeoutMs = 5000;
    int m_commandTimeoutMs = 10000;
    int m_pending = 0;
};

} // namespace ServeDeck
