#pragma once

#include <algorithm>

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <QUrl>

// A steady load of POST /predict through the proxy for the real-process suites: `perSecond`
// requests a second, paced by a precise timer, never more than `limit` in all. Every answer is
// kept, in the order the requests were sent, with the revision the proxy says served it
// (X-ServeDeck-Revision), so a request lost, failed or sent to the wrong version shows up.
class LoadSender
{
public:
    struct Answer
    {
        bool answered = false;
        int status = 0;  // 0: no HTTP answer (refused, reset, timed out)
        QByteArray revision;
        qint64 answeredAtMs = -1;  // on the sender's clock, from start()
        int order = -1;  // 0 for the first answer to arrive, 1 for the next...
        QString error;
    };

    LoadSender(QNetworkAccessManager &network, const QUrl &predictUrl)
        : m_network(network)
        , m_url(predictUrl)
    {
        m_pace.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_pace, &QTimer::timeout, &m_context, [this] { sendOne(); });
    }

    void start(int perSecond, int limit)
    {
        m_limit = limit;
        if (!m_clock.isValid())
            m_clock.start();
        m_pace.start(std::max(1, 1000 / std::max(1, perSecond)));
    }
    void stop() { m_pace.stop(); }
    bool running() const { return m_pace.isActive(); }

    int sent() const { return int(m_answers.size()); }
    int answered() const { return m_answered; }
    bool settled() const { return m_answered == sent(); }
    qint64 elapsedMs() const { return m_clock.isValid() ? m_clock.elapsed() : 0; }
    const QList<Answer> &answers() const { return m_answers; }

    // Answers from `from` on (in sending order) with this status and, if given, revision.
    int count(int status, const QByteArray &revision = {}, int from = 0) const
    {
        int n = 0;
        for (qsizetype i = from; i < m_answers.size(); ++i) {
            const Answer &a = m_answers[i];
            n += a.answered && a.status == status && (revision.isEmpty() || a.revision == revision) ? 1 : 0;
        }
        return n;
    }
    int countRevision(const QByteArray &revision, int from = 0) const
    {
        int n = 0;
        for (qsizetype i = from; i < m_answers.size(); ++i)
            n += m_answers[i].answered && m_answers[i].revision == revision ? 1 : 0;
        return n;
    }
    // The answers other than 200, for a failure message.
    QString failures() const
    {
        QStringList out;
        for (qsizetype i = 0; i < m_answers.size(); ++i) {
            const Answer &a = m_answers[i];
            if (a.answered && a.status != 200)
                out << QStringLiteral("#%1 %2 from '%3' %4").arg(i).arg(a.status).arg(QString::fromLatin1(a.revision), a.error);
        }
        return QStringLiteral("%1 failed: ").arg(out.size()) + out.mid(0, 5).join(QStringLiteral("; "));
    }

private:
    void sendOne()
    {
        if (sent() >= m_limit) {
            m_pace.stop();
            return;
        }
        QNetworkRequest request(m_url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setTransferTimeout(10000);
        QNetworkReply *reply = m_network.post(request, QByteArrayLiteral(R"({"features":[5.1,3.5,1.4,0.2]})"));
        const qsizetype index = m_answers.size();
        m_answers.append(Answer{});
        QObject::connect(reply, &QNetworkReply::finished, &m_context, [this, reply, index] {
            reply->deleteLater();
            Answer &a = m_answers[index];
            a.answered = true;
            a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            a.revision = reply->rawHeader(QByteArrayLiteral("X-ServeDeck-Revision"));
            a.answeredAtMs = m_clock.elapsed();
            a.order = m_answered;
            if (reply->error() != QNetworkReply::NoError)
                a.error = reply->errorString() + QStringLiteral(": ") + QString::fromUtf8(reply->read(300));
            ++m_answered;
        });
    }

    QNetworkAccessManager &m_network;
    const QUrl m_url;
    QObject m_context;  // the replies' handlers go with the sender
    QTimer m_pace;
    QElapsedTimer m_clock;
    QList<Answer> m_answers;
    int m_answered = 0;
    int m_limit = 0;
};
