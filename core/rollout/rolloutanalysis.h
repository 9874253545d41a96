#pragma once

#include <optional>

#include <QDateTime>
#include <QList>

#include "domain/rollout.h"

namespace ServeDeck {

// One revision's traffic as the proxy counted it, summed over its routes. Cumulative, like the
// proxy's counters: a window is the difference of two samples (since()).
struct RevisionCounters
{
    qint64 requests = 0;
    qint64 errors = 0;
    // Cumulative buckets: [i] counts requests that took at most bounds[i] seconds; the last
    // entry (+Inf) counts them all. Empty: no request seen.
    QList<quint64> latencyBuckets;

    // The window from `earlier` to this sample. A route that vanished takes its counts with it,
    // so any field may go backwards: each is clamped at 0 (errors also at the requests left).
    RevisionCounters since(const RevisionCounters &earlier) const;
};

// Compares a canary with the stable revision over the same window (never against a fixed
// number only), and says how sure it is: too few requests is Inconclusive, and a difference
// within what chance explains is not a failure.
class RolloutAnalysis
{
public:
    // bounds: the proxy's latency bucket bounds in seconds (ProxyServer::latencyBucketBounds()).
    explicit RolloutAnalysis(QList<double> bucketBounds);

    // Every check of one step (success_rate, p95_ms, p99_ms), then the step's overall verdict
    // (check "step"): FAIL if any check failed, else INCONCLUSIVE if any was, else PASS.
    // Each check carries both sides' n, values and the effect (none where a value is missing,
    // or for a latency whose stable value is 0 ms); the step carries the n and a one-line
    // summary in its note.
    QList<AnalysisDecision> analyse(int step, const QDateTime &at, const RevisionCounters &canary,
                                    const RevisionCounters &stable, const AnalysisThresholds &thresholds) const;

    // The q-quantile (0..1) in milliseconds, interpolated within its bucket as Prometheus'
    // histogram_quantile does; none without requests or with buckets that do not fit the bounds.
    std::optional<double> quantileMs(double q, const RevisionCounters &counters) const;

private:
    AnalysisDecision errorRateCheck(const RevisionCounters &canary, const RevisionCounters &stable,
                                    const AnalysisThresholds &thresholds) const;
    AnalysisDecision latencyCheck(const QString &check, double q, const RevisionCounters &canary,
                                  const RevisionCounters &stable, const AnalysisThresholds &thresholds) const;

    QList<double> m_bounds;
};

} // namespace ServeDeck
