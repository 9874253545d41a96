#include "http/httpresponse.h"

#include <QJsonDocument>

namespace ServeDeck {

HttpResponse HttpResponse::json(int status, const QJsonDocument &doc)
{
    HttpResponse response;
    response.status = status;
    response.headers.emplaceBack(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
    response.body = doc.toJson(QJsonDocument::Compact);
    return response;
}

HttpResponse HttpResponse::text(int status, QByteArray body, QByteArray contentType)
{
    HttpResponse response;
    response.status = status;
    response.headers.emplaceBack(QByteArrayLiteral("Content-Type"), std::move(contentType));
    response.body = std::move(body);
    return response;
}

} // namespace ServeDeck
