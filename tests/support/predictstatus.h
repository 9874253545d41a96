#pragma once

// The HTTP status of one iris prediction through a plane's proxy, with a bearer token or none:
// what the token suites compare (401 refused at the token, anything else got past it).
#include <QByteArray>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QString>
#include <QUrl>

// proxyAddress is host:port; 0 when no reply came within timeoutMs.
inline int predictStatus(QNetworkAccessManager &network, const QString &proxyAddress, const QByteArray &token,
                         int timeoutMs)
{
    QNetworkRequest request(QUrl(QStringLiteral("http://%1/iris/predict").arg(proxyAddress)));
    request.setTransferTimeout(timeoutMs);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token);
    QNetworkReply *reply = network.post(request, QByteArray(R"({"inputs":[[1,2,3,4]]})"));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status;
}
