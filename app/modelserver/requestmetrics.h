#pragma once

#include <array>

#include <QByteArray>
#include <QMap>
#include <QString>

namespace ServeDeck {

// The model server's Prometheus metrics for /predict: answers by status, a latency
// histogram, the requests in flight and those waiting out added latency.
class RequestMetrics final
{
public:
    // Upper bounds in seconds, Prometheus' usual spread from 1 ms to 10 s; +Inf is implicit.
    static constexpr std::array<double, 13> kBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                     0.25,  0.5,    1.0,   2.5,  5.0,   10.0};

    void requestStarted() { ++m_inFlight; }
    void requestFinished(int status, double seconds);
    void waitStarted() { ++m_queued; }
    void waitFinished() { --m_queued; }

    int inFlight() const { return m_inFlight; }
    int queueLength() const { return m_queued; }

    // The text exposition format, with servedeck_model_info{version=...} 1.
    QByteArray render(const QString &version) const;

private:
    QMap<int, quint64> m_byStatus;
    std::array<quint64, kBuckets.size()> m_bucketCounts{};  // not cumulative; summed on render
    quint64 m_count = 0;
    double m_sum = 0;
    int m_inFlight = 0;
    int m_queued = 0;
};

} // namespace ServeDeck
