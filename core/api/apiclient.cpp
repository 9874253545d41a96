#include "apiclient.h"

#include <QEventLoop>
#include <QJsonObject>
#include <QNetworkReply>

namespace ServeDeck {

std::optional<ServiceError> ApiResponse::error() const
{
    if (ok())
        return std::nullopt;
    if (status == 0)
        return ServiceError{ErrorType::StorageError, QStringLiteral("no answer from the control API: ") + transportError, {}};
    const QJsonObject e = body.object().value(QStringLiteral("error")).toObject();
    ServiceError error;
    error.type = errorTypeFromName(e.value(QStringLiteral("type")).toString()).value_or(ErrorType::StorageError);
    error.message = e.value(QStringLiteral("message")).toString();
    error.details = e.value(QStringLiteral("details")).toObject();
    return error;
}

ApiClient::ApiClient(QUrl baseUrl, QByteArray adminToken, int timeoutMs)
    : m_base(std::move(baseUrl))
    , m_token(std::move(adminToken))
    , m_timeoutMs(timeoutMs)
{
}

ApiResponse ApiClient::send(const QByteArray &method, const QString &pathAndQuery, const QJsonObject &body)
{
    return send(method, pathAndQuery, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

ApiResponse ApiClient::send(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body)
{
    QNetworkRequest request(m_base.resolved(QUrl(pathAndQuery)));
    request.setRawHeader("Authorization", "Bearer " + m_token);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(m_timeoutMs);

    QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();

    ApiResponse response;
    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray data = reply->readAll();
    if (response.status == 0)
        response.transportError = reply->errorString();
    response.body = QJsonDocument::fromJson(data);
    response.raw = data;
    for (const auto &[name, value] : reply->rawHeaderPairs())
        response.headers.append({name, value});
    reply->deleteLater();
    return response;
}

} // namespace ServeDeck
