#include "http/httperror.h"

#include <QJsonDocument>

namespace ServeDeck {

QJsonObject HttpError::toJson(const QString &type, const QString &message, const QJsonObject &details)
{
    const QJsonObject error{
        {QStringLiteral("type"), type},
        {QStringLiteral("message"), message},
        {QStringLiteral("details"), details},
    };
    return QJsonObject{{QStringLiteral("error"), error}};
}

QByteArray HttpError::body(const QString &type, const QString &message, const QJsonObject &details)
{
    return QJsonDocument(toJson(type, message, details)).toJson(QJsonDocument::Compact);
}

} // namespace ServeDeck
