#pragma once

#include <deque>
#include <optional>

#include <QDateTime>

namespace ServeDeck {

// The recent samples of one metric series. Bounded both by age and by count, so neither a long
// window nor a fast sampler can make it grow without limit.
class MetricWindow
{
public:
    static constexpr qint64 kDefaultMaxAgeSeconds = 3600;  // the longest view a chart or an operator asks for
    static constexpr int kDefaultMaxSamples = 720;         // an hour at one sample every 5 s

    explicit MetricWindow(qint64 maxAgeSeconds = kDefaultMaxAgeSeconds, int maxSamples = kDefaultMaxSamples);

    // Samples arrive in time order; one older than the newest is refused (returns false).
    bool add(const QDateTime &time, double value);
    void clear() { m_samples.clear(); }

    qsizetype size() const { return qsizetype(m_samples.size()); }
    bool isEmpty() const { return m_samples.empty(); }
    std::optional<double> latest() const;
    std::optional<QDateTime> latestTime() const;
    std::optional<QDateTime> oldestTime() const;

    // Over the samples taken in [now - seconds, now]; nullopt when there are none.
    std::optional<double> average(const QDateTime &now, qint64 seconds) const;
    std::optional<double> maximum(const QDateTime &now, qint64 seconds) const;

private:
    struct Sample
    {
        qint64 ms;
        double value;
    };
    template<typename Fold>
    bool foldOver(const QDateTime &now, qint64 seconds, Fold &&fold) const;

    qint64 m_maxAgeMs;
    int m_maxSamples;
    std::deque<Sample> m_samples;
};

} // namespace ServeDeck
