#include "traffic/latencyhistogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include <QJsonArray>

namespace ServeDeck {

namespace {

// Microseconds: below kLinear each has a bucket; above, each power of two has kHalf buckets.
constexpr int kSubBits = 8;
constexpr quint64 kLinear = quint64(1) << kSubBits;  // 256
constexpr quint64 kHalf = kLinear / 2;                // 128
constexpr quint64 kMaxMicros = (quint64(1) << 32) - 1;  // ~71 minutes
constexpr int kMaxShift = 32 - kSubBits + 1;
constexpr qsizetype kBucketCount = qsizetype(kLinear + kMaxShift * kHalf);
constexpr qint64 kNsPerUs = 1000;

qsizetype indexOf(quint64 us)
{
    if (us < kLinear)
        return qsizetype(us);
    const int shift = std::bit_width(us) - kSubBits;  // us >> shift is in [128, 256)
    return qsizetype(kLinear + quint64(shift - 1) * kHalf + ((us >> shift) - kHalf));
}

// [low, high) in microseconds.
std::pair<quint64, quint64> boundsOf(qsizetype index)
{
    if (quint64(index) < kLinear)
        return {quint64(index), quint64(index) + 1};
    const quint64 rest = quint64(index) - kLinear;
    const int shift = int(rest / kHalf) + 1;
    const quint64 low = (kHalf + rest % kHalf) << shift;
    return {low, low + (quint64(1) << shift)};
}

} // namespace

void LatencyHistogram::record(qint64 ns)
{
    ns = std::max<qint64>(ns, 0);
    const quint64 us = std::min(quint64(ns / kNsPerUs), kMaxMicros);
    if (m_counts.empty())
        m_counts.assign(size_t(kBucketCount), 0);
    ++m_counts[size_t(indexOf(us))];
    m_minNs = m_count == 0 ? ns : std::min(m_minNs, ns);
    m_maxNs = std::max(m_maxNs, ns);
    m_sumNs += double(ns);
    ++m_count;
}

void LatencyHistogram::merge(const LatencyHistogram &other)
{
    if (other.m_count == 0)
        return;
    if (m_counts.empty())
        m_counts.assign(size_t(kBucketCount), 0);
    for (size_t i = 0; i < other.m_counts.size(); ++i)
        m_counts[i] += other.m_counts[i];
    m_minNs = m_count == 0 ? other.m_minNs : std::min(m_minNs, other.m_minNs);
    m_maxNs = std::max(m_maxNs, other.m_maxNs);
    m_sumNs += other.m_sumNs;
    m_count += other.m_count;
}

void LatencyHistogram::clear()
{
    *this = LatencyHistogram();
}

qint64 LatencyHistogram::meanNs() const
{
    return m_count ? qint64(m_sumNs / double(m_count)) : 0;
}

qint64 LatencyHistogram::percentileNs(double p) const
{
    if (m_count == 0)
        return 0;
    if (p >= 100)
        return m_maxNs;
    const quint64 rank = std::max<quint64>(1, quint64(std::ceil(std::max(p, 0.0) / 100.0 * double(m_count))));
    quint64 seen = 0;
    for (size_t i = 0; i < m_counts.size(); ++i) {
        seen += m_counts[i];
        if (seen >= rank) {
            const auto [low, high] = boundsOf(qsizetype(i));
            // A microsecond bucket is its value; a wider one reads as its middle. Either stays
            // inside what was seen.
            const qint64 middle = i < kLinear ? qint64(low * kNsPerUs) : qint64((low + high) * kNsPerUs / 2);
            return std::clamp(middle, m_minNs, m_maxNs);
        }
    }
    return m_maxNs;
}

quint64 LatencyHistogram::countAtLeast(qint64 ns) const
{
    if (m_count == 0)
        return 0;
    const quint64 us = std::min(quint64(std::max<qint64>(ns, 0) / kNsPerUs), kMaxMicros);
    quint64 n = 0;
    for (size_t i = size_t(indexOf(us)); i < m_counts.size(); ++i)
        n += m_counts[i];
    return n;
}

QList<LatencyHistogram::Bucket> LatencyHistogram::buckets() const
{
    QList<Bucket> out;
    for (size_t i = 0; i < m_counts.size(); ++i) {
        if (m_counts[i] == 0)
            continue;
        const auto [low, high] = boundsOf(qsizetype(i));
        out.append({qint64(low) * kNsPerUs, qint64(high) * kNsPerUs, m_counts[i]});
    }
    return out;
}

QJsonObject LatencyHistogram::toJson() const
{
    QJsonArray buckets;
    for (size_t i = 0; i < m_counts.size(); ++i) {
        if (m_counts[i] != 0)
            buckets.append(QJsonArray{qint64(i), qint64(m_counts[i])});
    }
    return {{QStringLiteral("count"), qint64(m_count)},
            {QStringLiteral("min_ns"), minNs()},
            {QStringLiteral("max_ns"), m_maxNs},
            {QStringLiteral("sum_ns"), m_sumNs},
            {QStringLiteral("buckets"), buckets}};
}

std::optional<LatencyHistogram> LatencyHistogram::fromJson(const QJsonObject &json)
{
    LatencyHistogram histogram;
    const QJsonArray buckets = json.value(QStringLiteral("buckets")).toArray();
    if (buckets.size() > kBucketCount)
        return std::nullopt;
    quint64 total = 0;
    for (const QJsonValue &value : buckets) {
        const QJsonArray pair = value.toArray();
        if (pair.size() != 2 || !pair.at(0).isDouble() || !pair.at(1).isDouble())
            return std::nullopt;
        const qint64 index = pair.at(0).toInteger(-1);
        const qint64 count = pair.at(1).toInteger(-1);
        if (index < 0 || index >= kBucketCount || count < 0)
            return std::nullopt;
        if (histogram.m_counts.empty())
            histogram.m_counts.assign(size_t(kBucketCount), 0);
        histogram.m_counts[size_t(index)] += quint64(count);
        total += quint64(count);
    }
    if (qint64(total) != json.value(QStringLiteral("count")).toInteger(-1))
        return std::nullopt;
    histogram.m_count = total;
    histogram.m_minNs = std::max<qint64>(0, json.value(QStringLiteral("min_ns")).toInteger());
    histogram.m_maxNs = std::max<qint64>(histogram.m_minNs, json.value(QStringLiteral("max_ns")).toInteger());
    histogram.m_sumNs = std::max(0.0, json.value(QStringLiteral("sum_ns")).toDouble());
    return histogram;
}

} // namespace ServeDeck
