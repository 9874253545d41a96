#pragma once

#include <QtGlobal>

namespace ServeDeck {

// The proxy's time for deadlines and durations: connect, read and idle timeouts, the wait
// for a connection, held requests, shadow copies, ejections, error report windows and
// latencies. Timers still fire on the workers' event loops; this clock decides what is due,
// so a test can move it instead of sleeping. Read from every worker thread at once.
class MonotonicClock
{
public:
    virtual ~MonotonicClock() = default;
    // Nanoseconds from an arbitrary start; never goes back.
    virtual qint64 nowNs() const = 0;
    qint64 nowMs() const { return nowNs() / 1000000; }

    // std::chrono::steady_clock.
    static const MonotonicClock &steady();
};

} // namespace ServeDeck
