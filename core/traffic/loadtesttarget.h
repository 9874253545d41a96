#pragma once

#include <QList>
#include <QString>

#include "domain/result.h"

namespace ServeDeck {

// One pass/fail line of a load test, as the seed's suite has them: "rps>30", "p95<200ms",
// "success>95%", "p99.9<1s", "ttft_p95<500ms", "itl_p99<50ms", "tps>20" (decode tokens per
// second), "errors<1%". Strict grammar: metric, < or >, a number, the metric's unit.
struct LoadTestTarget
{
    enum class Metric {
        Throughput,         // answers per second
        SuccessRatio,       // % of requests answered 2xx
        ErrorRatio,         // % of requests not answered 2xx
        Latency,            // percentile, ms
        TimeToFirstToken,   // percentile, ms
        InterTokenLatency,  // percentile, ms
        TokensPerSecond,    // decode tokens per second
    };
    enum class Comparison { Below, Above };

    Metric metric = Metric::Latency;
    double percentile = 0;  // for the percentile metrics: 50, 95, 99.9, ...
    Comparison comparison = Comparison::Below;
    double threshold = 0;   // ms for times, % for ratios, per second for rates

    static Result<LoadTestTarget> parse(const QString &text);
    // The seed's: throughput > 30 RPS, p95 < 200 ms, success > 95 %.
    static QList<LoadTestTarget> defaults();
    // Canonical text, which parse() reads back.
    QString text() const;
    bool passes(double actual) const { return comparison == Comparison::Below ? actual < threshold : actual > threshold; }
};

} // namespace ServeDeck
