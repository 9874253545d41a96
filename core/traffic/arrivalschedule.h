#pragma once

#include <optional>
#include <random>

#include "traffic/loadtestsettings.h"

namespace ServeDeck {

// When each request of an open-loop run is due, from the run's start: a fixed rate (i / rate),
// a ramp (rate linear in time from rampFrom to rampTo over the duration: the i-th request is
// where the rate's integral reaches i) or Poisson (exponential gaps at the mean rate, from the
// seed). Pure arithmetic: no clock, so tests check it exactly.
class ArrivalSchedule
{
public:
    explicit ArrivalSchedule(const LoadTestSettings &settings);

    // The next request's start in ns from the run's start; none once past the duration.
    std::optional<qint64> next();
    // The rate at a time, for displays and tests.
    double rateAt(qint64 ns) const;

private:
    LoadTestSettings::Mode m_mode;
    double m_rate;
    double m_from;
    double m_to;
    qint64 m_durationNs;
    quint64 m_index = 0;
    double m_poissonNs = 0;
    std::mt19937_64 m_random;
};

} // namespace ServeDeck
