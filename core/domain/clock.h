#pragma once

#include <QDateTime>

namespace ServeDeck {

// Everything time-based asks a Clock, so tests move time instead of sleeping (their
// ManualClock is in tests/support).
class Clock
{
public:
    virtual ~Clock() = default;
    virtual QDateTime now() const = 0;
    static Clock &system();
};

} // namespace ServeDeck
