#pragma once

#include <memory>

#include <QHostAddress>
#include <QList>
#include <QMessageAuthenticationCode>
#include <QMutex>
#include <QMutexLocker>
#include <QThread>
#include <QUrl>

#include "http/httpserver.h"

namespace ServeDeck {

// A webhook's far end for tests: a real HTTP server on loopback that keeps every request and
// answers each with the next status of its script (200 once the script runs out). With a
// thread of its own it answers while the test blocks (on a ctl child, say), so a sender's
// timeout never depends on what the test is doing.
class WebhookReceiver
{
public:
    enum class Thread { Caller, Own };

    explicit WebhookReceiver(Thread thread = Thread::Caller)
    {
        if (thread == Thread::Caller) {
            m_server = std::make_unique<HttpServer>([this](const HttpRequest &r) { return answer(r); });
            return;
        }
        m_thread = std::make_unique<QThread>();
        m_thread->start();
        m_context = std::make_unique<QObject>();
        m_context->moveToThread(m_thread.get());
        // Made and destroyed on its thread: its sockets and timers belong there.
        QMetaObject::invokeMethod(m_context.get(), [this] {
            m_server = std::make_unique<HttpServer>([this](const HttpRequest &r) { return answer(r); });
        }, Qt::BlockingQueuedConnection);
    }

    ~WebhookReceiver()
    {
        if (!m_thread)
            return;
        QMetaObject::invokeMethod(m_context.get(), [this] { m_server.reset(); }, Qt::BlockingQueuedConnection);
        m_thread->quit();
        m_thread->wait();
    }

    bool listen()
    {
        bool ok = false;
        const auto start = [this, &ok] {
            ok = m_server->listen(QHostAddress::LocalHost, 0);
            m_port = m_server->serverPort();
        };
        if (m_thread)
            QMetaObject::invokeMethod(m_context.get(), start, Qt::BlockingQueuedConnection);
        else
            start();
        return ok;
    }
    QUrl url(const QString &path = QStringLiteral("/hook")) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path));
    }
    void script(QList<int> statuses)
    {
        const QMutexLocker lock(&m_mutex);
        m_script = std::move(statuses);
    }
    void setAnswer(QByteArray body)
    {
        const QMutexLocker lock(&m_mutex);
        m_answer = std::move(body);
    }
    QList<HttpRequest> requests() const
    {
        const QMutexLocker lock(&m_mutex);
        return m_requests;
    }

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
    HttpResponse answer(const HttpRequest &request)
    {
        const QMutexLocker lock(&m_mutex);
        m_requests.append(request);
        const int status = m_script.isEmpty() ? 200 : m_script.takeFirst();
        return HttpResponse::text(status, m_answer);
    }

    std::unique_ptr<QThread> m_thread;
    std::unique_ptr<QObject> m_context;
    std::unique_ptr<HttpServer> m_server;
    quint16 m_port = 0;
    mutable QMutex m_mutex;
    QList<HttpRequest> m_requests;
    QList<int> m_script;
    QByteArray m_answer = "ok\n";
};

} // namespace ServeDeck
