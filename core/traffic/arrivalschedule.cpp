#include "traffic/arrivalschedule.h"

#include <cmath>

namespace ServeDeck {

namespace {

constexpr double kNsPerSecond = 1e9;

} // namespace

ArrivalSchedule::ArrivalSchedule(const LoadTestSettings &settings)
    : m_mode(settings.mode)
    , m_rate(settings.rate)
    , m_from(settings.rampFrom)
    , m_to(settings.rampTo)
    , m_durationNs(settings.durationMs * 1000 * 1000)
    , m_random(settings.seed)
{
}

double ArrivalSchedule::rateAt(qint64 ns) const
{
    if (m_mode != LoadTestSettings::Mode::Ramp)
        return m_rate;
    const double t = std::clamp(double(ns) / double(std::max<qint64>(m_durationNs, 1)), 0.0, 1.0);
    return m_from + (m_to - m_from) * t;
}

std::optional<qint64> ArrivalSchedule::next()
{
    double atNs = 0;
    switch (m_mode) {
    case LoadTestSettings::Mode::Closed:
        return std::nullopt;
    case LoadTestSettings::Mode::Rate:
        atNs = double(m_index) * kNsPerSecond / m_rate;
        break;
    case LoadTestSettings::Mode::Poisson: {
        if (m_index > 0) {
            std::exponential_distribution<double> gap(m_rate);
            m_poissonNs += gap(m_random) * kNsPerSecond;
        }
        atNs = m_poissonNs;
        break;
    }
    case LoadTestSettings::Mode::Ramp: {
        // Requests so far at time t (s), D the duration: N(t) = from·t + (to − from)·t²/(2D).
        // The i-th request is at N(t) = i, the positive root of that quadratic.
        const double d = double(m_durationNs) / kNsPerSecond;
        const double a = (m_to - m_from) / (2 * d);
        const double i = double(m_index);
        const double t = std::abs(a) < 1e-12 ? i / m_from : (-m_from + std::sqrt(m_from * m_from + 4 * a * i)) / (2 * a);
        if (!std::isfinite(t))
            return std::nullopt;  // a falling ramp never reaches this many
        atNs = t * kNsPerSecond;
        break;
    }
    }
    if (atNs >= double(m_durationNs))
        return std::nullopt;
    ++m_index;
    return qint64(atNs);
}

} // namespace ServeDeck
