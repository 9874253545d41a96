#pragma once

#include <optional>
#include <vector>

#include <QJsonObject>
#include <QList>

namespace ServeDeck {

// Durations in an HDR-style log-linear histogram: exact to the microsecond below 256 µs, then
// 128 buckets per power of two, so every value is kept within 1 % of itself (a bucket is at
// most 1/128 of its lower bound wide; a percentile reads the bucket's middle). Values are
// clamped to [0, ~71 minutes]; memory is at most ~3,500 counters, allocated on first use.
class LatencyHistogram
{
public:
    static constexpr double kRelativeResolution = 0.01;

    void record(qint64 ns);
    void merge(const LatencyHistogram &other);
    void clear();

    quint64 count() const { return m_count; }
    qint64 minNs() const { return m_count ? m_minNs : 0; }
    qint64 maxNs() const { return m_maxNs; }
    qint64 meanNs() const;
    // The value at or below which p % of the recorded ones are (0 < p <= 100), within the
    // resolution; p = 100 is the exact maximum. 0 when empty.
    qint64 percentileNs(double p) const;
    // Values at or above ns (within the resolution of the bucket ns falls in).
    quint64 countAtLeast(qint64 ns) const;

    struct Bucket
    {
        qint64 lowNs = 0;   // inclusive
        qint64 highNs = 0;  // exclusive
        quint64 count = 0;
    };
    // The buckets that hold anything, in order.
    QList<Bucket> buckets() const;

    // {"count":..,"min_ns":..,"max_ns":..,"sum_ns":..,"buckets":[[index,count],...]}
    QJsonObject toJson() const;
    static std::optional<LatencyHistogram> fromJson(const QJsonObject &json);

private:
    std::vector<quint64> m_counts;
    quint64 m_count = 0;
    qint64 m_minNs = 0;
    qint64 m_maxNs = 0;
    double m_sumNs = 0;
};

} // namespace ServeDeck
