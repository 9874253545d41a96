#pragma once

#include <memory>

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QThread>
#include <QUrl>

namespace ServeDeck {

class DemoTrafficWorker;

// The demo's traffic: POSTs at a steady rate to one URL, on a thread of its own (never the GUI
// thread), counting every answer by status and by the revision the proxy names. Bounded: at most
// kMaxInFlight requests wait at once (the rest are counted as skipped), each ends within its
// timeout, and the rate is capped.
class DemoTraffic final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DemoTraffic)

public:
    static constexpr int kMaxRate = 200;
    static constexpr int kMaxInFlight = 64;
    static constexpr int kTimeoutMs = 5000;

    struct Counts
    {
        qint64 sent = 0;
        qint64 ok = 0;       // 2xx
        qint64 failed = 0;   // anything else, or no answer
        qint64 skipped = 0;  // not sent: too many still waiting
        QHash<QByteArray, qint64> byRevision;  // 2xx answers by X-ServeDeck-Revision
        QString lastFailure;
    };

    explicit DemoTraffic(QObject *parent = nullptr);
    ~DemoTraffic() override;  // stops and waits for its thread

    void start(const QUrl &url, const QByteArray &body, int ratePerSecond);
    void stop();
    bool isRunning() const { return m_worker != nullptr; }
    // Safe from any thread.
    Counts counts() const;
    void resetCounts();

private:
    friend class DemoTrafficWorker;
    mutable QMutex m_mutex;
    Counts m_counts;
    QThread m_thread;
    QObject *m_anchor = new QObject;  // lives on m_thread: what the destructor waits on
    DemoTrafficWorker *m_worker = nullptr;  // lives on m_thread
};

} // namespace ServeDeck
