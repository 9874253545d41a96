#include "proxy/routestats.h"

#include <algorithm>
#include <utility>

namespace ServeDeck {

const char *rejectReasonName(RejectReason reason)
{
    switch (reason) {
    case RejectReason::NoRoute: return "no_route";
    case RejectReason::Unauthorized: return "unauthorized";
    case RejectReason::Forbidden: return "forbidden";
    case RejectReason::UpstreamError: return "upstream_error";
    case RejectReason::Timeout: return "timeout";
    case RejectReason::BadRequest: return "bad_request";
    case RejectReason::PayloadTooLarge: return "payload_too_large";
    case RejectReason::CircuitOpen: return "circuit_open";
    case RejectReason::WakeTimeout: return "wake_timeout";
    case RejectReason::JobQueueFull: return "job_queue_full";
    case RejectReason::Count: break;
    }
    return "unknown";
}

RouteStats::RouteStats(QUuid id, QString endpoint, QString version)
    : routeId(id)
    , endpointName(std::move(endpoint))
    , modelVersion(std::move(version))
{
}

void RouteStats::started()
{
    add(requests, 1);
    add(inFlight, 1);
}

namespace {

std::size_t bucketOf(quint64 nanos)
{
    const double seconds = double(nanos) / 1e9;
    const auto bound = std::lower_bound(kLatencyBucketBounds.begin(), kLatencyBucketBounds.end(), seconds);
    return static_cast<std::size_t>(bound - kLatencyBucketBounds.begin());
}

} // namespace

void RouteStats::finished(qint64 nanos, bool error)
{
    inFlight.store(inFlight.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
    if (error)
        add(errors, 1);
    const auto elapsed = static_cast<quint64>(std::max<qint64>(nanos, 0));
    add(latencyNanos, elapsed);
    add(buckets[bucketOf(elapsed)], 1);
}

void RouteStats::generated(qint64 firstTokenNanos, quint64 generatedTokens, quint64 rateTokens, qint64 rateNanos)
{
    if (firstTokenNanos >= 0) {
        add(ttftNanos, quint64(firstTokenNanos));
        add(ttftBuckets[bucketOf(quint64(firstTokenNanos))], 1);
    }
    add(tokens, generatedTokens);
    if (rateTokens > 0 && rateNanos > 0) {
        add(decodeTokens, rateTokens);
        add(decodeNanos, quint64(rateNanos));
    }
}

ShadowStats::ShadowStats(QUuid id, QString name)
    : endpointId(id)
    , endpointName(std::move(name))
{
}

void ShadowStats::sent()
{
    add(requests, 1);
    add(inFlight, 1);
}

void ShadowStats::answered(qint64 nanos, bool error)
{
    inFlight.store(inFlight.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
    if (error)
        add(errors, 1);
    const auto elapsed = static_cast<quint64>(std::max<qint64>(nanos, 0));
    add(latencyNanos, elapsed);
    add(buckets[bucketOf(elapsed)], 1);
}

void ShadowStats::compared(bool differed)
{
    add(comparisons, 1);
    if (differed)
        add(mismatches, 1);
}

} // namespace ServeDeck
