#pragma once

#include <array>
#include <atomic>

#include <QString>
#include <QUuid>

namespace ServeDeck {

// Upper bounds (seconds) of the latency histogram; an implicit +Inf bucket follows. From
// 1 ms (an in-memory model on loopback) to 30 s (the default read timeout).
inline constexpr std::array<double, 14> kLatencyBucketBounds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                             0.25,  0.5,    1,     2.5,  5,     10,   30};

// Why the proxy answered a request itself instead of an upstream answering it.
enum class RejectReason {
    NoRoute,
    Unauthorized,
    Forbidden,
    UpstreamError,
    Timeout,
    BadRequest,
    PayloadTooLarge,
    CircuitOpen,  // the circuit breaker: pending requests full, or waited too long for a connection
    WakeTimeout,  // held for a scaled-to-zero endpoint, and no replica came in time
    JobQueueFull,  // a job call found the hand-off full, or had no reply in time
    Count
};
const char *rejectReasonName(RejectReason reason);

// One route's counters in one worker. Only that worker writes them, so a change is a
// plain relaxed load and store, never a locked read-modify-write and never a cache line
// that another worker writes too; any thread may read them (routeCounters(), /metrics).
class RouteStats
{
public:
    RouteStats(QUuid routeId, QString endpointName, QString modelVersion);

    void started();                       // requests + 1, in flight + 1
    void finished(qint64 nanos, bool error);  // in flight - 1, latency observed, errors + 1 if error
    // An OpenAI-style answer's tokens (CompletionMeter): its time to first token (streams only,
    // negative: none), its tokens, and the pair its tokens per second are made of.
    void generated(qint64 firstTokenNanos, quint64 tokens, quint64 decodeTokens, qint64 decodeNanos);

    const QUuid routeId;
    // Labels for /metrics, fixed when the route is first seen by this worker.
    const QString endpointName;
    const QString modelVersion;

    std::atomic<quint64> requests{0};
    std::atomic<quint64> errors{0};
    std::atomic<quint64> inFlight{0};
    std::atomic<quint64> latencyNanos{0};
    std::array<std::atomic<quint64>, kLatencyBucketBounds.size() + 1> buckets{};  // not cumulative
    // OpenAI-style answers: time to first token (the latency buckets' bounds), generated tokens.
    std::atomic<quint64> ttftNanos{0};
    std::array<std::atomic<quint64>, kLatencyBucketBounds.size() + 1> ttftBuckets{};  // not cumulative
    std::atomic<quint64> tokens{0};
    std::atomic<quint64> decodeTokens{0};
    std::atomic<quint64> decodeNanos{0};

private:
    static void add(std::atomic<quint64> &counter, quint64 amount)
    {
        counter.store(counter.load(std::memory_order_relaxed) + amount, std::memory_order_relaxed);
    }
};

// One endpoint's shadow traffic in one worker: the copies sent to its shadow revisions and how
// their answers compared with the primary's. Written by that worker only, like RouteStats.
class ShadowStats
{
public:
    ShadowStats(QUuid endpointId, QString endpointName);

    void sent();                           // requests + 1, in flight + 1
    void dropped() { add(droppedCopies, 1); }
    void answered(qint64 nanos, bool error);  // in flight - 1, latency observed, errors + 1 if error
    void compared(bool differed);

    const QUuid endpointId;
    const QString endpointName;

    std::atomic<quint64> requests{0};
    std::atomic<quint64> errors{0};
    std::atomic<quint64> droppedCopies{0};
    std::atomic<quint64> comparisons{0};
    std::atomic<quint64> mismatches{0};
    std::atomic<quint64> inFlight{0};
    std::atomic<quint64> latencyNanos{0};
    std::array<std::atomic<quint64>, kLatencyBucketBounds.size() + 1> buckets{};  // not cumulative

private:
    static void add(std::atomic<quint64> &counter, quint64 amount)
    {
        counter.store(counter.load(std::memory_order_relaxed) + amount, std::memory_order_relaxed);
    }
};

} // namespace ServeDeck
