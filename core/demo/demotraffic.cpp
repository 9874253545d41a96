#include "demotraffic.h"

#include <algorithm>

#include <QMutexLocker>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

namespace ServeDeck {

// Lives on the traffic thread: the timer, the network access and the replies are all made there.
class DemoTrafficWorker final : public QObject
{
public:
    DemoTrafficWorker(DemoTraffic &owner, QUrl url, QByteArray body, int rate)
        : m_owner(owner)
        , m_url(std::move(url))
        , m_body(std::move(body))
        , m_rate(rate)
    {
    }

    void begin()
    {
        m_network = new QNetworkAccessManager(this);
        // Straight to the plane's own proxy: an HTTP proxy from the environment must not see it.
        m_network->setProxy(QNetworkProxy::NoProxy);
        m_pace = new QTimer(this);
        m_pace->setTimerType(Qt::PreciseTimer);
        m_pace->setInterval(std::max(1, 1000 / m_rate));
        connect(m_pace, &QTimer::timeout, this, &DemoTrafficWorker::sendOne);
        m_pace->start();
    }

    void halt()
    {
        if (m_pace)
            m_pace->stop();
        // Replies still open end now, as failures nobody counts: the traffic is over.
        m_halted = true;
        const auto replies = findChildren<QNetworkReply *>();
        for (QNetworkReply *reply : replies)
            reply->abort();
    }

private:
    void sendOne()
    {
        if (m_inFlight >= DemoTraffic::kMaxInFlight) {
            QMutexLocker lock(&m_owner.m_mutex);
            ++m_owner.m_counts.skipped;
            return;
        }
        QNetworkRequest request(m_url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setTransferTimeout(DemoTraffic::kTimeoutMs);
        QNetworkReply *reply = m_network->post(request, m_body);
        reply->setParent(this);
        ++m_inFlight;
        {
            QMutexLocker lock(&m_owner.m_mutex);
            ++m_owner.m_counts.sent;
        }
        connect(reply, &QNetworkReply::finished, this, [this, reply] {
            reply->deleteLater();
            --m_inFlight;
            if (m_halted)
                return;
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            QMutexLocker lock(&m_owner.m_mutex);
            DemoTraffic::Counts &c = m_owner.m_counts;
            if (status >= 200 && status < 300) {
                ++c.ok;
                ++c.byRevision[reply->rawHeader(QByteArrayLiteral("X-ServeDeck-Revision"))];
            } else {
                ++c.failed;
                c.lastFailure = status > 0 ? QStringLiteral("HTTP %1").arg(status) : reply->errorString();
            }
        });
    }

    DemoTraffic &m_owner;
    const QUrl m_url;
    const QByteArray m_body;
    const int m_rate;
    QNetworkAccessManager *m_network = nullptr;
    QTimer *m_pace = nullptr;
    int m_inFlight = 0;
    bool m_halted = false;
};

DemoTraffic::DemoTraffic(QObject *parent)
    : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("demo traffic"));
    m_anchor->moveToThread(&m_thread);
}

DemoTraffic::~DemoTraffic()
{
    stop();
    // The halts queued before this no-op have run once it returns: after it, nothing on the
    // traffic thread touches the counts (the workers' deleteLater runs as the thread ends).
    if (m_thread.isRunning())
        QMetaObject::invokeMethod(m_anchor, [] {}, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete m_anchor;
}

void DemoTraffic::start(const QUrl &url, const QByteArray &body, int ratePerSecond)
{
    stop();
    resetCounts();
    if (!m_thread.isRunning())
        m_thread.start();
    m_worker = new DemoTrafficWorker(*this, url, body, std::clamp(ratePerSecond, 1, kMaxRate));
    m_worker->moveToThread(&m_thread);
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->begin(); }, Qt::QueuedConnection);
}

void DemoTraffic::stop()
{
    if (!m_worker)
        return;
    // Queued: the worker stops and goes on its own thread; the caller does not wait for it.
    QMetaObject::invokeMethod(
        m_worker,
        [w = m_worker] {
            w->halt();
            w->deleteLater();
        },
        Qt::QueuedConnection);
    m_worker = nullptr;
}

DemoTraffic::Counts DemoTraffic::counts() const
{
    QMutexLocker lock(&m_mutex);
    return m_counts;
}

void DemoTraffic::resetCounts()
{
    QMutexLocker lock(&m_mutex);
    m_counts = {};
}

} // namespace ServeDeck
