#include "notificationtypes.h"

namespace ServeDeck {

QString severityName(NotificationSeverity severity)
{
    switch (severity) {
    case NotificationSeverity::Info:
        return QStringLiteral("info");
    case NotificationSeverity::Warning:
        return QStringLiteral("warning");
    case NotificationSeverity::Critical:
        return QStringLiteral("critical");
    }
    return QStringLiteral("warning");
}

std::optional<NotificationSeverity> severityFromName(const QString &name)
{
    for (auto severity : {NotificationSeverity::Info, NotificationSeverity::Warning, NotificationSeverity::Critical}) {
        if (severityName(severity) == name)
            return severity;
    }
    return std::nullopt;
}

QString channelKindName(ChannelKind kind)
{
    switch (kind) {
    case ChannelKind::Desktop:
        return QStringLiteral("desktop");
    case ChannelKind::Webhook:
        return QStringLiteral("webhook");
    case ChannelKind::Command:
        return QStringLiteral("command");
    }
    return QStringLiteral("webhook");
}

std::optional<ChannelKind> channelKindFromName(const QString &name)
{
    for (auto kind : {ChannelKind::Desktop, ChannelKind::Webhook, ChannelKind::Command}) {
        if (channelKindName(kind) == name)
            return kind;
    }
    return std::nullopt;
}

QStringList notificationEventKinds()
{
    return {QStringLiteral("OOMKilled"),       QStringLiteral("CudaOutOfMemory"),   QStringLiteral("Crashed"),
            QStringLiteral("StartFailed"),     QStringLiteral("RetryLimitReached"), QStringLiteral("NoHealthyRoute"),
            QStringLiteral("AgentLost"),       QStringLiteral("AgentRejoined"),     QStringLiteral("RolloutAborted"),
            QStringLiteral("RolloutRolledBack"), QStringLiteral("CircuitOpened"),   QStringLiteral("AlertFiring"),
            QStringLiteral("Test")};
}

} // namespace ServeDeck
