#pragma once

#include <optional>

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QUrl>

#include "domain/serviceerror.h"

namespace ServeDeck {

struct ApiResponse
{
    int status = 0;  // 0: no HTTP answer at all (see transportError)
    QJsonDocument body;
    QString transportError;
    QByteArray raw;  // the body as it came, for answers that are not the API's JSON (a job's result)
    QList<std::pair<QByteArray, QByteArray>> headers;  // as they came

    bool ok() const { return status >= 200 && status < 300; }
    // The typed error of a non-2xx answer, or a synthetic one for a transport failure.
    std::optional<ServiceError> error() const;
};

// A small blocking client of the control API for the command line and tests. It spins a
// local event loop, so it also works against a server living on the same thread.
class ApiClient final
{
    Q_DISABLE_COPY_MOVE(ApiClient)

public:
    ApiClient(QUrl baseUrl, QByteArray adminToken, int timeoutMs = 30000);

    ApiResponse send(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body = {});
    ApiResponse send(const QByteArray &method, const QString &pathAndQuery, const QJsonObject &body);
    ApiResponse get(const QString &pathAndQuery) { return send("GET", pathAndQuery); }

private:
    QNetworkAccessManager m_network;
    QUrl m_base;
    QByteArray m_token;
    int m_timeoutMs;
};

} // namespace ServeDeck
