#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QUuid>

namespace ServeDeck {

// The notifications core's rows, in the store's terms (core/notify maps them to its own types).

// A channel: what it is by kind, its settings as JSON, and a webhook's signing secret (read by
// the Notifier only, to sign; never answered over the API).
struct NotificationChannelRecord
{
    QString id;
    QString name;
    QString kind;    // desktop | webhook | command
    QString config;  // JSON object: url, argv, event_kinds, min_severity, endpoint_id, quiet_period_seconds, enabled
    QByteArray secret;
    QDateTime createdAt;
};

struct AlertRuleRecord
{
    QString id;
    QUuid endpointId;
    QString metric;
    QString comparator;  // ">" | "<"
    double threshold = 0;
    int forSeconds = 0;
    QString severity;
    QDateTime createdAt;
};

struct NotificationDeliveryRecord
{
    qint64 id = 0;
    QString channelId;
    QString channelName;
    QString eventKind;
    QUuid endpointId;
    QDateTime time;
    int attempt = 1;
    bool ok = false;
    QString outcome;
    QString title;
    int count = 1;
};

} // namespace ServeDeck
