#include "requestmetrics.h"

#include <algorithm>

namespace ServeDeck {

namespace {

QByteArray labelValue(const QString &value)
{
    // The exposition format escapes backslash, double quote and newline in label values.
    QByteArray escaped = value.toUtf8();
    escaped.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    return escaped;
}

} // namespace

void RequestMetrics::requestFinished(int status, double seconds)
{
    --m_inFlight;
    ++m_byStatus[status];
    ++m_count;
    m_sum += seconds;
    const auto bucket = std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds);  // le: seconds <= bound
    if (bucket != kBuckets.end())
        ++m_bucketCounts[static_cast<std::size_t>(bucket - kBuckets.begin())];
}

QByteArray RequestMetrics::render(const QString &version) const
{
    QByteArray out;
    out.reserve(2048);
    out += "# HELP servedeck_model_requests_total Prediction requests answered, by HTTP status.\n"
           "# TYPE servedeck_model_requests_total counter\n";
    for (auto it = m_byStatus.cbegin(); it != m_byStatus.cend(); ++it)
        out += "servedeck_model_requests_total{status=\"" + QByteArray::number(it.key()) + "\"} "
            + QByteArray::number(it.value()) + '\n';

    out += "# HELP servedeck_model_in_flight Prediction requests being handled now.\n"
           "# TYPE servedeck_model_in_flight gauge\n"
           "servedeck_model_in_flight "
        + QByteArray::number(m_inFlight) + '\n';
    out += "# HELP servedeck_model_queue_length Prediction requests waiting out the added latency.\n"
           "# TYPE servedeck_model_queue_length gauge\n"
           "servedeck_model_queue_length "
        + QByteArray::number(m_queued) + '\n';

    out += "# HELP servedeck_model_request_duration_seconds Time from a prediction request to its answer.\n"
           "# TYPE servedeck_model_request_duration_seconds histogram\n";
    quint64 cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += m_bucketCounts[i];
        out += "servedeck_model_request_duration_seconds_bucket{le=\"" + QByteArray::number(kBuckets[i], 'g', 6)
            + "\"} " + QByteArray::number(cumulative) + '\n';
    }
    out += "servedeck_model_request_duration_seconds_bucket{le=\"+Inf\"} " + QByteArray::number(m_count) + '\n';
    out += "servedeck_model_request_duration_seconds_sum " + QByteArray::number(m_sum, 'g', 12) + '\n';
    out += "servedeck_model_request_duration_seconds_count " + QByteArray::number(m_count) + '\n';

    out += "# HELP servedeck_model_info The model version this server answers with.\n"
           "# TYPE servedeck_model_info gauge\n"
           "servedeck_model_info{version=\""
        + labelValue(version) + "\"} 1\n";
    return out;
}

} // namespace ServeDeck
