#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace ServeDeck {

// The one shape of every ServeDeck error, from the control API and the proxy alike:
// {"error":{"type":T,"message":M,"details":{...}}}, details always present ({} when empty).
struct HttpError
{
    int status = 500;
    QString type;
    QString message;
    QJsonObject details;

    QJsonObject toJson() const { return toJson(type, message, details); }
    QByteArray body() const { return body(type, message, details); }

    static QJsonObject toJson(const QString &type, const QString &message, const QJsonObject &details = {});
    static QByteArray body(const QString &type, const QString &message, const QJsonObject &details = {});
};

} // namespace ServeDeck
