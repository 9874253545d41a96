#pragma once

#include <QByteArray>
#include <QJsonObject>

#include "notify/notificationtypes.h"

namespace ServeDeck {

// What a webhook and a command receive for an event: one JSON shape for both.
class NotificationPayload
{
public:
    // {"text": "<one line, Slack-compatible>", "event": {kind, severity, endpoint, endpoint_id, subject,
    //  count, time, last_time, title, text, error_id}}
    static QJsonObject toJson(const NotificationEvent &event);
    static QByteArray body(const NotificationEvent &event);
    // The one-liner: "[critical] title", and "(x19 since 10:05 UTC)" for a group.
    static QString oneLine(const NotificationEvent &event);
    // "sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">": what X-ServeDeck-Signature carries.
    static QByteArray signature(const QByteArray &secret, qint64 timestamp, const QByteArray &body);
};

} // namespace ServeDeck
