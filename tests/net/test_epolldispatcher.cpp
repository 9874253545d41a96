// EpollDispatcher as the main thread's Qt event dispatcher: timers, posted and cross-thread
// events, Qt's socket notifiers and direct watchers all work on it, as the proxy's workers need.
#include <atomic>
#include <thread>

#include <QCoreApplication>
#include <QPointer>
#include <QSocketNotifier>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/epolldispatcher.h"

using namespace ServeDeck;

namespace {

// A connected pair of local stream sockets, closed at the end of the scope.
struct SocketPair
{
    int fd[2] = {-1, -1};
    SocketPair() { ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fd); }
    ~SocketPair()
    {
        for (const int f : fd) {
            if (f >= 0)
                ::close(f);
        }
    }
    void send(const char *bytes) const { QVERIFY(::write(fd[1], bytes, qstrlen(bytes)) > 0); }
};

class CountingWatcher final : public EpollDispatcher::Watcher
{
public:
    void descriptorReady(std::uint32_t events) override
    {
        ++calls;
        lastEvents = events;
        if (onReady)
            onReady();
    }
    int calls = 0;
    std::uint32_t lastEvents = 0;
    std::function<void()> onReady;
};

} // namespace

class TestEpollDispatcher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void isTheMainThreadsDispatcher()
    {
        QVERIFY(EpollDispatcher::current() != nullptr);
        QCOMPARE(QAbstractEventDispatcher::instance(), EpollDispatcher::current());
    }

    void singleShotAndRepeatingTimers()
    {
        int single = 0;
        QTimer::singleShot(20, this, [&] { ++single; });
        QTimer repeating;
        int ticks = 0;
        connect(&repeating, &QTimer::timeout, this, [&] { ++ticks; });
        repeating.start(5);
        QVERIFY(repeating.remainingTime() >= 0 && repeating.remainingTime() <= 5);
        QTRY_COMPARE(single, 1);
        QTRY_VERIFY(ticks >= 3);
        repeating.stop();
        const int stoppedAt = ticks;
        // Stopped means stopped: a later turn of the loop fires nothing.
        int later = 0;
        QTimer::singleShot(30, this, [&] { ++later; });
        QTRY_COMPARE(later, 1);
        QCOMPARE(ticks, stoppedAt);
        QCOMPARE(single, 1);
    }

    void zeroTimerAndDeleteLater()
    {
        int zero = 0;
        QTimer::singleShot(0, this, [&] { ++zero; });
        QPointer<QObject> doomed = new QObject;
        doomed->deleteLater();
        QTRY_COMPARE(zero, 1);
        QTRY_VERIFY(doomed.isNull());
    }

    void wokenByAnotherThread()
    {
        // The loop blocks in epoll_wait with nothing else due but the rescue timer: only the
        // eventfd can wake it in time for an event posted from another thread.
        std::atomic<bool> delivered{false};
        bool rescued = false;
        QTimer rescue;  // stopped with the scope, unlike a singleShot that would outlive `rescued`
        rescue.setSingleShot(true);
        connect(&rescue, &QTimer::timeout, this, [&] { rescued = true; });
        rescue.start(3000);
        std::thread poster([this, &delivered] {
            QThread::msleep(50);
            QMetaObject::invokeMethod(this, [&delivered] { delivered = true; }, Qt::QueuedConnection);
        });
        while (!delivered.load() && !rescued)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        poster.join();
        QVERIFY(delivered.load());
        QVERIFY2(!rescued, "the posted event waited for a timer instead of waking the loop");
    }

    void socketNotifierFires()
    {
        SocketPair pair;
        QSocketNotifier notifier(pair.fd[0], QSocketNotifier::Read);
        int activations = 0;
        connect(&notifier, &QSocketNotifier::activated, this, [&] {
            ++activations;
            char buffer[16];
            while (::read(pair.fd[0], buffer, sizeof buffer) > 0) {
            }
        });
        pair.send("x");
        QTRY_COMPARE(activations, 1);
        pair.send("y");
        QTRY_COMPARE(activations, 2);
        notifier.setEnabled(false);
        pair.send("z");
        QTest::qWait(50);  // a disabled notifier must stay silent: nothing to wait for
        QCOMPARE(activations, 2);
    }

    void watcherIsEdgeTriggered()
    {
        SocketPair pair;
        CountingWatcher watcher;
        QVERIFY(EpollDispatcher::current()->watch(pair.fd[0], &watcher));
        QTRY_VERIFY(watcher.calls >= 1);  // writable at once
        const int initial = watcher.calls;
        pair.send("hello");
        QTRY_COMPARE(watcher.calls, initial + 1);
        QVERIFY(watcher.lastEvents & EPOLLIN);
        // Not read: no second call for the same bytes.
        QTest::qWait(50);
        QCOMPARE(watcher.calls, initial + 1);
        ::close(pair.fd[1]);
        pair.fd[1] = -1;
        QTRY_COMPARE(watcher.calls, initial + 2);
        QVERIFY(watcher.lastEvents & EPOLLRDHUP);
        EpollDispatcher::current()->unwatch(pair.fd[0]);
    }

    void unwatchedInTheSameBatchIsNotCalled()
    {
        // Both become ready in one epoll_wait; whichever runs first unwatches the other, which
        // must then not be called with its stale event.
        SocketPair first;
        SocketPair second;
        CountingWatcher a;
        CountingWatcher b;
        EpollDispatcher *dispatcher = EpollDispatcher::current();
        QVERIFY(dispatcher->watch(first.fd[0], &a));
        QVERIFY(dispatcher->watch(second.fd[0], &b));
        QTRY_VERIFY(a.calls >= 1 && b.calls >= 1);  // writable at once
        a.calls = b.calls = 0;
        a.onReady = [&] { dispatcher->unwatch(second.fd[0]); };
        b.onReady = [&] { dispatcher->unwatch(first.fd[0]); };
        first.send("1");
        second.send("2");
        QCoreApplication::processEvents();
        QTRY_COMPARE(a.calls + b.calls, 1);
        dispatcher->unwatch(first.fd[0]);
        dispatcher->unwatch(second.fd[0]);
    }
};

int main(int argc, char **argv)
{
    // Before the application: the main thread runs on it from the start, as a worker does.
    QCoreApplication::setEventDispatcher(new EpollDispatcher);
    QCoreApplication app(argc, argv);
    TestEpollDispatcher test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_epolldispatcher.moc"
