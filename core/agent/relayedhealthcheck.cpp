#include "relayedhealthcheck.h"

#include <QNetworkProxy>
#include <QNetworkReply>
#include <QTimer>

namespace ServeDeck {

RelayedHealthCheck::RelayedHealthCheck(QUrl url, int expectedStatus, int timeoutMs, QObject *parent)
    : QObject(parent)
    , m_url(std::move(url))
    , m_expectedStatus(expectedStatus)
    , m_timeoutMs(timeoutMs)
{
    // Straight to the relay listener on loopback, never through a proxy.
    m_network.setProxy(QNetworkProxy::NoProxy);
}

RelayedHealthCheck::~RelayedHealthCheck()
{
    if (m_reply) {
        disconnect(m_reply, nullptr, this, nullptr);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

void RelayedHealthCheck::start()
{
    m_tries = 0;
    attempt();
}

void RelayedHealthCheck::attempt()
{
    ++m_tries;
    m_bodyBytes = 0;
    QNetworkRequest request(m_url);
    // A replica's redirect must not send the plane anywhere else.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(m_timeoutMs);
    QNetworkReply *reply = m_network.get(request);
    // Qt reads the answer on a thread of its own: without this it would take in all it can
    // before the count below sees any of it.
    reply->setReadBufferSize(kMaxBodyBytes);
    m_reply = reply;
    connect(reply, &QNetworkReply::readyRead, this, [this, reply] {
        m_bodyBytes += reply->readAll().size();
        if (m_bodyBytes > kMaxBodyBytes)
            reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onFinished(reply); });
    // The transfer time-out restarts with every byte; this one does not.
    QTimer::singleShot(m_timeoutMs, reply, &QNetworkReply::abort);
}

void RelayedHealthCheck::onFinished(QNetworkReply *reply)
{
    reply->deleteLater();
    m_reply.clear();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    QString detail;
    if (m_bodyBytes > kMaxBodyBytes)
        detail = QStringLiteral("the health answer is over %1 bytes").arg(kMaxBodyBytes);
    else if (status == 0)
        detail = reply->errorString();
    else if (status != m_expectedStatus)
        detail = QStringLiteral("health check answered %1, expected %2").arg(status).arg(m_expectedStatus);
    if (detail.isEmpty()) {
        Q_EMIT finished(true, {});
        return;
    }
    if (m_tries < kTries) {
        QTimer::singleShot(kRetryMs, this, &RelayedHealthCheck::attempt);
        return;
    }
    Q_EMIT finished(false, QStringLiteral("the plane's own health check through the relay failed %1 times: %2")
                               .arg(m_tries)
                               .arg(detail));
}

} // namespace ServeDeck
