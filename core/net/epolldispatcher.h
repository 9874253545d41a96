#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include <QAbstractEventDispatcher>

namespace ServeDeck {

// A Qt event dispatcher on Linux epoll, for the proxy's worker threads (QThread::setEventDispatcher).
// Qt's own dispatchers (glib's, or poll()) hand every descriptor to the kernel on every turn and
// toggle a socket's notifier on every read: at hundreds of connections that cost more than the
// requests did (perf: 32 % of the proxy in glib and QtCore's dispatch, 9 % in the kernel's poll).
// epoll reports only what is ready. Besides all a Qt dispatcher does (timers, posted events,
// socket notifiers, so QTimer, deleteLater and queued calls work as before), it lets a Watcher
// (TcpStream) watch a descriptor edge-triggered and be called directly, without a QEvent.
class EpollDispatcher final : public QAbstractEventDispatcher
{
public:
    class Watcher
    {
    public:
        // events: EPOLLIN, EPOLLOUT, EPOLLRDHUP, EPOLLHUP, EPOLLERR as epoll reported them.
        virtual void descriptorReady(std::uint32_t events) = 0;

    protected:
        ~Watcher() = default;
    };

    explicit EpollDispatcher(QObject *parent = nullptr);
    ~EpollDispatcher() override;

    // The calling thread's dispatcher when it is an EpollDispatcher whose loop has started; null otherwise.
    static EpollDispatcher *current();

    // Watches fd for input, output and the peer's close, edge-triggered (the watcher reads and
    // writes until EAGAIN); level-triggered for input only when edge is false (a listening socket
    // shared with other threads, so each takes a share). False with errno set when epoll refuses.
    bool watch(int fd, Watcher *watcher, bool edge = true);
    // Stops watching fd; events already fetched for it are dropped. Call before closing fd.
    void unwatch(int fd);

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;
    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;
    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;
    void wakeUp() override;
    void interrupt() override;
    void startingUp() override;
    void closingDown() override;

private:
    // What is registered for one descriptor: a Watcher, or Qt's notifiers.
    struct Entry
    {
        Watcher *watcher = nullptr;
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
        QSocketNotifier *exception = nullptr;
        // Bumped whenever the entry is cleared: an event fetched before the change (in the same
        // batch) carries the old value and is dropped.
        std::uint32_t generation = 0;
        bool registered = false;
    };
    struct Timer
    {
        int id;
        qint64 intervalMs;
        Qt::TimerType type;
        QObject *object;
        qint64 dueMs;
        bool firing = false;  // its QTimerEvent is being delivered: not again until it returns
    };

    Entry &entry(int fd);
    void updateNotifiers(int fd);
    void dispatchNotifiers(int fd, std::uint32_t generation, std::uint32_t events);
    bool fireTimers();
    int waitTimeoutMs() const;  // -1: no timer
    static qint64 nowMs();

    int m_epoll = -1;
    int m_wakeFd = -1;  // eventfd: another thread posted an event, or interrupt()
    std::vector<Entry> m_entries;  // by descriptor
    std::vector<Timer> m_timers;
    std::vector<int> m_dueTimers;  // scratch for fireTimers()
    std::atomic<bool> m_woken{false};  // m_wakeFd was written and not yet read
    std::atomic<bool> m_interrupted{false};
    bool m_localWake = false;  // this thread posted an event: do not block before sending it
};

} // namespace ServeDeck
