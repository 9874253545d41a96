#pragma once

#include <utility>

#include <QDateTime>

#include "domain/clock.h"

namespace ServeDeck {

// The test double for Clock: time stands still until a test moves it, so nothing waits for
// minutes of autoscaler windows, cooldowns or token expiry. It lives with the tests, not in
// core: no product code may run on a clock that only a test moves.
class ManualClock final : public Clock
{
public:
    explicit ManualClock(QDateTime start = QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC))
        : m_now(std::move(start))
    {
    }
    QDateTime now() const override { return m_now; }
    void advance(qint64 seconds) { m_now = m_now.addSecs(seconds); }
    void set(QDateTime time) { m_now = std::move(time); }

private:
    QDateTime m_now;
};

} // namespace ServeDeck
