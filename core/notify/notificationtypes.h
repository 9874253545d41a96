#pragma once

#include <optional>

#include <QDateTime>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <QUuid>

namespace ServeDeck {

enum class NotificationSeverity { Info, Warning, Critical };
QString severityName(NotificationSeverity severity);  // "info" | "warning" | "critical"
std::optional<NotificationSeverity> severityFromName(const QString &name);

enum class ChannelKind { Desktop, Webhook, Command };
QString channelKindName(ChannelKind kind);  // "desktop" | "webhook" | "command"
std::optional<ChannelKind> channelKindFromName(const QString &name);

// Event kinds (NotificationEvent::kind): OOMKilled, CudaOutOfMemory, Crashed, StartFailed, RetryLimitReached,
// NoHealthyRoute, AgentLost, AgentRejoined, RolloutAborted, RolloutRolledBack, CircuitOpened, AlertFiring, Test
QStringList notificationEventKinds();

struct NotificationEvent
{
    QString kind;
    NotificationSeverity severity = NotificationSeverity::Warning;
    QDateTime time;      // first occurrence in its group
    QDateTime lastTime;  // last occurrence in its group
    int count = 1;       // occurrences grouped into this one notification
    QUuid endpointId;    // null for agent events
    QString endpointName;
    QString subject;     // route / replica / agent / rule id the event is about
    qint64 errorId = 0;  // the ErrorRecord it came from, 0 if none (the console opens it)
    QString title;       // one line
    QString text;        // operator-readable, a few lines
};

struct NotificationChannel
{
    QString id;
    QString name;
    ChannelKind kind = ChannelKind::Webhook;
    QUrl url;                // webhook: http(s) only
    bool hasSecret = false;  // webhook: a signing secret is set (the secret itself is never read back)
    QStringList argv;        // command: program + args, no shell
    QStringList eventKinds;  // empty: every kind
    NotificationSeverity minSeverity = NotificationSeverity::Info;
    QUuid endpointId;  // null: every endpoint
    int quietPeriodSeconds = 300;
    bool enabled = true;
    QDateTime createdAt;
};

struct NotificationDelivery
{
    qint64 id = 0;
    QString channelId;
    QString channelName;
    QString eventKind;
    QUuid endpointId;
    QDateTime time;
    int attempt = 1;
    bool ok = false;
    QString outcome;  // "200", "timeout", "exit 3", ...
    QString title;
    int count = 1;
};

// "p95_ms > 200 for 60s" per endpoint.
struct AlertRule
{
    QString id;
    QUuid endpointId;
    QString metric;      // error_rate | p95_ms | p99_ms | requests_per_second | ttft_p95_ms
    QString comparator;  // ">" | "<"  (explicit inequality, as autoscaling rules)
    double threshold = 0;
    int forSeconds = 60;
    NotificationSeverity severity = NotificationSeverity::Warning;
    QDateTime createdAt;
};

} // namespace ServeDeck

Q_DECLARE_METATYPE(ServeDeck::NotificationEvent)
Q_DECLARE_METATYPE(ServeDeck::NotificationDelivery)
