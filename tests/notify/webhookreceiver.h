#pragma once

#include <QHostAddress>
#include <QList>
#include <QMessageAuthenticationCode>
#include <QUrl>

#include "http/httpserver.h"

namespace ServeDeck {

// A webhook's far end for tests: a real HTTP server on loopback that keeps every request and
// answers each with the next status of its script (200 once the script runs out).
class WebhookReceiver
{
public:
    WebhookReceiver()
        : m_server([this](const HttpRequest &request) {
              m_requests.append(request);
              const int status = m_script.isEmpty() ? 200 : m_script.takeFirst();
              return HttpResponse::text(status, m_answer);
          })
    {
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QUrl url(const QString &path = QStringLiteral("/hook")) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(path));
    }
    void script(QList<int> statuses) { m_script = std::move(statuses); }
    void setAnswer(QByteArray body) { m_answer = std::move(body); }
    const QList<HttpRequest> &requests() const { return m_requests; }

    // The test's own check of X-ServeDeck-Signature: HMAC-SHA256 of "<timestamp>.<body>".
    static bool signatureValid(const HttpRequest &request, const QByteArray &secret)
    {
        const QByteArray expected = "sha256="
            + QMessageAuthenticationCode::hash(request.header("X-ServeDeck-Timestamp") + '.' + request.body, secret,
                                               QCryptographicHash::Sha256)
                  .toHex();
        return !request.header("X-ServeDeck-Signature").isEmpty() && request.header("X-ServeDeck-Signature") == expected;
    }

private:
    HttpServer m_server;
    QList<HttpRequest> m_requests;
    QList<int> m_script;
    QByteArray m_answer = "ok\n";
};

} // namespace ServeDeck
