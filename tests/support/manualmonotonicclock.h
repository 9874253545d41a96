#pragma once

#include <atomic>

#include "proxy/monotonicclock.h"

// A MonotonicClock that moves only when the test moves it, so a timeout is reached by
// advancing it instead of sleeping. Read by the proxy's worker threads: the time is an atomic.
class ManualMonotonicClock final : public ServeDeck::MonotonicClock
{
public:
    // Not 0: the proxy takes 0 for "never" in places (a wake not asked, a route not ejected).
    static constexpr qint64 kStartNs = qint64(1000) * 1000 * 1000 * 1000;

    qint64 nowNs() const override { return m_ns.load(); }
    void advanceMs(qint64 ms) { m_ns.fetch_add(ms * 1000000); }

private:
    std::atomic<qint64> m_ns{kStartNs};
};
