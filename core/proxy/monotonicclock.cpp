#include "proxy/monotonicclock.h"

#include <chrono>

namespace ServeDeck {

namespace {

class SteadyClock final : public MonotonicClock
{
public:
    qint64 nowNs() const override
    {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }
};

} // namespace

const MonotonicClock &MonotonicClock::steady()
{
    static const SteadyClock clock;
    return clock;
}

} // namespace ServeDeck
