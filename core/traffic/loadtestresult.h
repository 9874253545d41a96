#pragma once

#include <optional>

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

#include "domain/result.h"
#include "traffic/latencyhistogram.h"
#include "traffic/loadtestsettings.h"

namespace ServeDeck {

struct TrafficAnswer;

// The figures of one slice of a run: all of it, one route, or one revision.
struct LoadTestStats
{
    quint64 answered = 0;   // requests that ended (answer or error)
    quint64 succeeded = 0;  // 2xx
    QMap<int, quint64> statuses;      // HTTP status → count (0: no answer)
    QMap<QString, quint64> errors;    // error text → count (bounded: kMaxErrorKinds, then "other")
    LatencyHistogram latency;         // from each request's scheduled start
    // Streaming answers (vLLM's figures): time to first token from the request's send, time
    // between tokens, and the decode rate's parts.
    LatencyHistogram timeToFirstToken;
    LatencyHistogram interTokenLatency;
    quint64 tokens = 0;
    quint64 decodeTokens = 0;
    qint64 decodeNanos = 0;

    void add(const TrafficAnswer &answer);
    void merge(const LoadTestStats &other);
    double successRatio() const { return answered ? double(succeeded) / double(answered) : 0.0; }
    // Decode tokens per second over all streaming answers; 0 when none.
    double tokensPerSecond() const { return decodeNanos > 0 ? double(decodeTokens) * 1e9 / double(decodeNanos) : 0.0; }
    QJsonObject toJson(qint64 elapsedNs) const;
    static std::optional<LoadTestStats> fromJson(const QJsonObject &json);
};

// One second of a run (by scheduled start): what was sent, answered and how fast.
struct LoadTestInterval
{
    qint64 startMs = 0;  // from the run's start
    quint64 sent = 0;
    quint64 answered = 0;
    quint64 failed = 0;
    quint64 late = 0;
    qint64 p50Ns = 0;
    qint64 p95Ns = 0;
    qint64 p99Ns = 0;
    qint64 maxNs = 0;
};

struct LoadTestTargetOutcome
{
    LoadTestTarget target;
    std::optional<double> actual;  // none: nothing to measure it on (it fails)
    bool passed = false;
};

// What a run found. JSON (stored, exported, and what the console reads) and CSV (one row per
// slice) forms; fromJson() is strict, like every input.
struct LoadTestResult
{
    static constexpr qsizetype kMaxGroups = 32;      // routes or revisions kept apart, then "other"
    static constexpr qsizetype kMaxErrorKinds = 16;
    static constexpr qsizetype kMaxIntervals = 3700;  // a second each: the longest run and its tail

    LoadTestSettings settings;
    QDateTime startedAt;
    qint64 elapsedNs = 0;  // from the first scheduled start to the last answer
    bool cancelled = false;
    quint64 sent = 0;
    quint64 late = 0;                  // requests written later than scheduled (kLateNs or more)
    LatencyHistogram lateness;         // how late each request was written, all of them
    LoadTestStats total;
    QMap<QByteArray, LoadTestStats> byRoute;     // X-ServeDeck-Route ("" when none)
    QMap<QByteArray, LoadTestStats> byRevision;  // X-ServeDeck-Revision
    QList<LoadTestInterval> intervals;
    QList<LoadTestTargetOutcome> targets;

    static constexpr qint64 kLateNs = 10 * 1000 * 1000;

    double throughput() const;  // answered per second
    bool passed() const;        // every target passed (and the run was not cancelled)
    // Fills targets from settings.targets and the figures.
    void evaluateTargets();
    std::optional<double> measure(const LoadTestTarget &target) const;

    QJsonObject toJson() const;
    static Result<LoadTestResult> fromJson(const QJsonObject &json);
    // scope,name,answered,succeeded,success_ratio,rps,p50_ms,...: one row for all, then each route and revision.
    QByteArray toCsv() const;
};

} // namespace ServeDeck
