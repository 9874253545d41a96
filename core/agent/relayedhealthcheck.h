#pragma once

#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QUrl>

class QNetworkReply;

namespace ServeDeck {

// The plane's own health check of a remote replica, through its relay listener: an agent's
// "healthy" is a claim, and this is the evidence the plane acts on. Bounded: a deadline per try,
// the answer read up to kMaxBodyBytes, no redirect followed, a few tries a short while apart.
// Its connection goes with it: none is left open, holding a relay stream, once it is done.
class RelayedHealthCheck final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RelayedHealthCheck)

public:
    static constexpr qint64 kMaxBodyBytes = 64 * 1024;
    static constexpr int kTries = 3;
    static constexpr int kRetryMs = 200;

    RelayedHealthCheck(QUrl url, int expectedStatus, int timeoutMs, QObject *parent = nullptr);
    ~RelayedHealthCheck() override;

    void start();

Q_SIGNALS:
    // Once: passed, or the last try's failure.
    void finished(bool ok, const QString &detail);

private:
    void attempt();
    void onFinished(QNetworkReply *reply);

    QNetworkAccessManager m_network;
    QUrl m_url;
    int m_expectedStatus;
    int m_timeoutMs;
    int m_tries = 0;
    qint64 m_bodyBytes = 0;
    QPointer<QNetworkReply> m_reply;
};

} // namespace ServeDeck
