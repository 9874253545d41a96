#include "net/epolldispatcher.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <limits>

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimerEvent>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace ServeDeck {

namespace {

// Events fetched per epoll_wait: enough for a worker's share of a burst; more wait for the next turn.
constexpr int kMaxEvents = 256;
// epoll_event.data carries the descriptor and its entry's generation (see Entry).
constexpr std::uint64_t kWakeToken = std::numeric_limits<std::uint64_t>::max();

thread_local EpollDispatcher *t_current = nullptr;

std::uint64_t tokenOf(int fd, std::uint32_t generation)
{
    return (std::uint64_t(generation) << 32) | std::uint32_t(fd);
}

} // namespace

EpollDispatcher::EpollDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
    , m_epoll(::epoll_create1(EPOLL_CLOEXEC))
    , m_wakeFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
    if (m_epoll < 0 || m_wakeFd < 0)
        qFatal("EpollDispatcher: epoll_create1 or eventfd failed (errno %d)", errno);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = kWakeToken;
    if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &event) != 0)
        qFatal("EpollDispatcher: epoll_ctl on its eventfd failed (errno %d)", errno);
}

EpollDispatcher::~EpollDispatcher()
{
    if (t_current == this)
        t_current = nullptr;
    ::close(m_wakeFd);
    ::close(m_epoll);
}

EpollDispatcher *EpollDispatcher::current()
{
    return t_current;
}

void EpollDispatcher::startingUp()
{
    t_current = this;
}

void EpollDispatcher::closingDown()
{
    if (t_current == this)
        t_current = nullptr;
}

qint64 EpollDispatcher::nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

EpollDispatcher::Entry &EpollDispatcher::entry(int fd)
{
    if (std::size_t(fd) >= m_entries.size())
        m_entries.resize(std::max<std::size_t>(std::size_t(fd) + 1, m_entries.size() * 2));
    return m_entries[std::size_t(fd)];
}

bool EpollDispatcher::watch(int fd, Watcher *watcher, bool edge)
{
    Entry &e = entry(fd);
    Q_ASSERT(!e.registered);
    epoll_event event{};
    event.events = edge ? EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET : EPOLLIN;
    event.data.u64 = tokenOf(fd, e.generation);
    if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event) != 0)
        return false;
    e.watcher = watcher;
    e.registered = true;
    return true;
}

void EpollDispatcher::unwatch(int fd)
{
    if (fd < 0 || std::size_t(fd) >= m_entries.size())
        return;
    Entry &e = m_entries[std::size_t(fd)];
    if (!e.registered || !e.watcher)
        return;
    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
    const std::uint32_t next = e.generation + 1;
    e = Entry{};
    e.generation = next;
}

void EpollDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    Entry &e = entry(fd);
    Q_ASSERT(!e.watcher);
    switch (notifier->type()) {
    case QSocketNotifier::Read:
        e.read = notifier;
        break;
    case QSocketNotifier::Write:
        e.write = notifier;
        break;
    case QSocketNotifier::Exception:
        e.exception = notifier;
        break;
    }
    updateNotifiers(fd);
}

void EpollDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    if (fd < 0 || std::size_t(fd) >= m_entries.size())
        return;
    Entry &e = m_entries[std::size_t(fd)];
    if (e.read == notifier)
        e.read = nullptr;
    else if (e.write == notifier)
        e.write = nullptr;
    else if (e.exception == notifier)
        e.exception = nullptr;
    updateNotifiers(fd);
}

// Qt's notifiers are level-triggered, as Qt's own dispatchers are.
void EpollDispatcher::updateNotifiers(int fd)
{
    Entry &e = m_entries[std::size_t(fd)];
    std::uint32_t events = 0;
    if (e.read)
        events |= EPOLLIN;
    if (e.write)
        events |= EPOLLOUT;
    if (e.exception)
        events |= EPOLLPRI;
    if (events == 0) {
        if (e.registered)
            ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
        const std::uint32_t next = e.generation + 1;
        e = Entry{};
        e.generation = next;
        return;
    }
    epoll_event event{};
    event.events = events;
    event.data.u64 = tokenOf(fd, e.generation);
    if (::epoll_ctl(m_epoll, e.registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event) == 0)
        e.registered = true;
    else
        qWarning("EpollDispatcher: epoll_ctl failed for descriptor %d (errno %d)", fd, errno);
}

void EpollDispatcher::dispatchNotifiers(int fd, std::uint32_t generation, std::uint32_t events)
{
    // Each delivery may unregister or delete the others: look the entry up again every time.
    const auto current = [&](QSocketNotifier *Entry::*which) -> QSocketNotifier * {
        const Entry &e = m_entries[std::size_t(fd)];
        return e.generation == generation ? e.*which : nullptr;
    };
    QEvent event(QEvent::SockAct);
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) {
        if (QSocketNotifier *n = current(&Entry::read))
            QCoreApplication::sendEvent(n, &event);
    }
    if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) {
        if (QSocketNotifier *n = current(&Entry::write))
            QCoreApplication::sendEvent(n, &event);
    }
    if (events & EPOLLPRI) {
        if (QSocketNotifier *n = current(&Entry::exception))
            QCoreApplication::sendEvent(n, &event);
    }
}

void EpollDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object)
{
    m_timers.push_back(Timer{timerId, std::max<qint64>(interval, 0), timerType, object, nowMs() + interval});
}

bool EpollDispatcher::unregisterTimer(int timerId)
{
    const auto it = std::find_if(m_timers.begin(), m_timers.end(), [&](const Timer &t) { return t.id == timerId; });
    if (it == m_timers.end())
        return false;
    m_timers.erase(it);
    return true;
}

bool EpollDispatcher::unregisterTimers(QObject *object)
{
    const auto removed = std::erase_if(m_timers, [&](const Timer &t) { return t.object == object; });
    return removed > 0;
}

QList<QAbstractEventDispatcher::TimerInfo> EpollDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> timers;
    for (const Timer &t : m_timers) {
        if (t.object == object)
            timers.append(TimerInfo(t.id, int(t.intervalMs), t.type));
    }
    return timers;
}

int EpollDispatcher::remainingTime(int timerId)
{
    for (const Timer &t : m_timers) {
        if (t.id == timerId)
            return int(std::max<qint64>(t.dueMs - nowMs(), 0));
    }
    return -1;
}

int EpollDispatcher::waitTimeoutMs() const
{
    qint64 earliest = std::numeric_limits<qint64>::max();
    for (const Timer &t : m_timers) {
        if (!t.firing)
            earliest = std::min(earliest, t.dueMs);
    }
    if (earliest == std::numeric_limits<qint64>::max())
        return -1;
    return int(std::clamp<qint64>(earliest - nowMs(), 0, std::numeric_limits<int>::max()));
}

bool EpollDispatcher::fireTimers()
{
    const qint64 now = nowMs();
    // Swapped out: a handler's nested event loop fires timers with a scratch of its own.
    std::vector<int> due;
    due.swap(m_dueTimers);
    due.clear();
    for (const Timer &t : m_timers) {
        if (!t.firing && t.dueMs <= now)
            due.push_back(t.id);
    }
    // Handlers may start, stop or delete timers (their own or others'): find each again by id.
    for (const int id : due) {
        auto it = std::find_if(m_timers.begin(), m_timers.end(), [&](const Timer &t) { return t.id == id; });
        if (it == m_timers.end() || it->firing)
            continue;
        // A late turn does not make up for missed intervals: the next is one interval from now.
        it->dueMs = std::max(it->dueMs + it->intervalMs, now);
        it->firing = true;
        QObject *object = it->object;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(object, &event);
        it = std::find_if(m_timers.begin(), m_timers.end(), [&](const Timer &t) { return t.id == id; });
        if (it != m_timers.end())
            it->firing = false;
    }
    const bool fired = !due.empty();
    m_dueTimers.swap(due);
    return fired;
}

void EpollDispatcher::wakeUp()
{
    if (t_current == this) {
        m_localWake = true;  // this thread is not blocked: it just must not block before the event
        return;
    }
    if (!m_woken.exchange(true, std::memory_order_acq_rel)) {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto written = ::write(m_wakeFd, &one, sizeof one);
    }
}

void EpollDispatcher::interrupt()
{
    m_interrupted.store(true, std::memory_order_release);
    if (t_current == this) {
        m_localWake = true;
        return;
    }
    wakeUp();
}

bool EpollDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    // ExcludeSocketNotifiers is not honoured: edge-triggered events cannot be put off (nothing on
    // a proxy worker runs a nested loop that asks for it).
    Q_EMIT awake();
    m_localWake = false;
    QCoreApplication::sendPostedEvents();

    int timeout = 0;
    if ((flags & QEventLoop::WaitForMoreEvents) && !m_localWake
        && !m_interrupted.exchange(false, std::memory_order_acq_rel))
        timeout = waitTimeoutMs();
    if (timeout != 0)
        Q_EMIT aboutToBlock();

    epoll_event events[kMaxEvents];
    int ready = ::epoll_wait(m_epoll, events, kMaxEvents, timeout);
    if (ready < 0)
        ready = 0;  // EINTR
    if (timeout != 0)
        Q_EMIT awake();

    bool handled = false;
    bool posted = false;
    for (int i = 0; i < ready; ++i) {
        const std::uint64_t token = events[i].data.u64;
        if (token == kWakeToken) {
            std::uint64_t count = 0;
            [[maybe_unused]] const auto read = ::read(m_wakeFd, &count, sizeof count);
            m_woken.store(false, std::memory_order_release);
            posted = true;
            continue;
        }
        const int fd = int(std::uint32_t(token));
        const auto generation = std::uint32_t(token >> 32);
        if (std::size_t(fd) >= m_entries.size())
            continue;
        const Entry &e = m_entries[std::size_t(fd)];
        if (e.generation != generation || !e.registered)
            continue;  // unwatched (and perhaps reused) since this batch was fetched
        handled = true;
        if (e.watcher)
            e.watcher->descriptorReady(events[i].events);
        else
            dispatchNotifiers(fd, generation, events[i].events);
    }
    if (fireTimers())
        handled = true;
    if (posted) {
        // What another thread posted is delivered in this turn: a caller waiting for "more
        // events" must not block again with them still queued.
        QCoreApplication::sendPostedEvents();
        handled = true;
    }
    return handled;
}

} // namespace ServeDeck
