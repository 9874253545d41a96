#include "notificationpayload.h"

#include <QJsonDocument>
#include <QMessageAuthenticationCode>

namespace ServeDeck {

namespace {

QString isoTime(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

} // namespace

QString NotificationPayload::oneLine(const NotificationEvent &event)
{
    QString line = u'[' + severityName(event.severity) + QStringLiteral("] ") + event.title;
    if (event.count > 1)
        line += QStringLiteral(" (x%1 since %2 UTC)").arg(event.count).arg(event.time.toUTC().toString(QStringLiteral("HH:mm")));
    return line;
}

QJsonObject NotificationPayload::toJson(const NotificationEvent &event)
{
    const QJsonObject e{
        {QStringLiteral("kind"), event.kind},
        {QStringLiteral("severity"), severityName(event.severity)},
        {QStringLiteral("endpoint"), event.endpointName},
        {QStringLiteral("endpoint_id"), event.endpointId.isNull() ? QString() : event.endpointId.toString(QUuid::WithoutBraces)},
        {QStringLiteral("subject"), event.subject},
        {QStringLiteral("count"), event.count},
        {QStringLiteral("time"), isoTime(event.time)},
        {QStringLiteral("last_time"), isoTime(event.lastTime)},
        {QStringLiteral("title"), event.title},
        {QStringLiteral("text"), event.text},
        {QStringLiteral("error_id"), event.errorId},
    };
    return {{QStringLiteral("text"), oneLine(event)}, {QStringLiteral("event"), e}};
}

QByteArray NotificationPayload::body(const NotificationEvent &event)
{
    return QJsonDocument(toJson(event)).toJson(QJsonDocument::Compact);
}

QByteArray NotificationPayload::signature(const QByteArray &secret, qint64 timestamp, const QByteArray &body)
{
    const QByteArray message = QByteArray::number(timestamp) + '.' + body;
    return "sha256=" + QMessageAuthenticationCode::hash(message, secret, QCryptographicHash::Sha256).toHex();
}

} // namespace ServeDeck
