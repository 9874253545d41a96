#include "metricwindow.h"

#include <algorithm>

namespace ServeDeck {

MetricWindow::MetricWindow(qint64 maxAgeSeconds, int maxSamples)
    : m_maxAgeMs(std::max<qint64>(maxAgeSeconds, 0) * 1000)
    , m_maxSamples(std::max(maxSamples, 1))
{
}

bool MetricWindow::add(const QDateTime &time, double value)
{
    const qint64 ms = time.toMSecsSinceEpoch();
    if (!m_samples.empty() && ms < m_samples.back().ms)
        return false;
    m_samples.push_back({ms, value});
    while (m_samples.front().ms < ms - m_maxAgeMs)
        m_samples.pop_front();
    while (m_samples.size() > std::size_t(m_maxSamples))
        m_samples.pop_front();
    return true;
}

std::optional<double> MetricWindow::latest() const
{
    if (m_samples.empty())
        return std::nullopt;
    return m_samples.back().value;
}

std::optional<QDateTime> MetricWindow::latestTime() const
{
    if (m_samples.empty())
        return std::nullopt;
    return QDateTime::fromMSecsSinceEpoch(m_samples.back().ms, Qt::UTC);
}

std::optional<QDateTime> MetricWindow::oldestTime() const
{
    if (m_samples.empty())
        return std::nullopt;
    return QDateTime::fromMSecsSinceEpoch(m_samples.front().ms, Qt::UTC);
}

template<typename Fold>
bool MetricWindow::foldOver(const QDateTime &now, qint64 seconds, Fold &&fold) const
{
    const qint64 end = now.toMSecsSinceEpoch();
    const qint64 begin = end - std::max<qint64>(seconds, 0) * 1000;
    // Newest first: the window is at the back, so the walk stops as soon as it leaves it.
    bool any = false;
    for (auto it = m_samples.rbegin(); it != m_samples.rend() && it->ms >= begin; ++it) {
        if (it->ms > end)
            continue;
        fold(it->value);
        any = true;
    }
    return any;
}

std::optional<double> MetricWindow::average(const QDateTime &now, qint64 seconds) const
{
    double sum = 0;
    int count = 0;
    if (!foldOver(now, seconds, [&](double v) {
            sum += v;
            ++count;
        }))
        return std::nullopt;
    return sum / count;
}

std::optional<double> MetricWindow::maximum(const QDateTime &now, qint64 seconds) const
{
    std::optional<double> best;
    foldOver(now, seconds, [&](double v) { best = best ? std::max(*best, v) : v; });
    return best;
}

} // namespace ServeDeck
