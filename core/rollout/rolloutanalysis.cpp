#include "rolloutanalysis.h"

#include <algorithm>
#include <cmath>
#include <utility>

using namespace Qt::StringLiterals;

namespace ServeDeck {

namespace {

// One-sided, 95 %: a canary is called worse only when chance would explain its excess
// errors less than one time in twenty.
constexpr double kSignificance = 0.05;
// Below this expected count in any cell of the 2x2 table the normal approximation of the
// z-test is poor (the usual rule of thumb), and Fisher's exact test is used instead.
constexpr double kMinExpectedForZ = 5.0;

struct Significance
{
    double pValue = 1.0;
    QString test;  // how it was computed, for the note
};

double logChoose(double n, double k)
{
    return std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1);
}

// Is the canary's error rate greater than the stable one's beyond chance?
// Table: canary a errors of nc, stable c errors of ns.
// - Large counts: one-sided two-proportion z-test with the pooled rate (H0: equal rates).
// - Any expected cell below 5: Fisher's exact test, one-sided: with the margins fixed, the
//   canary's errors follow a hypergeometric law; p = P(X >= a). Its support has at most
//   min(K, N-K, nc, ns) + 1 points, and a small expected cell bounds one of those products
//   (K * nc < 5 N, ...), so it has at most sqrt(5 N) + 1 terms.
Significance canaryWorse(qint64 a, qint64 nc, qint64 c, qint64 ns)
{
    const double N = double(nc) + double(ns);
    const double K = double(a) + double(c);  // errors on both sides
    const double expected[] = {K * double(nc) / N, K * double(ns) / N, (N - K) * double(nc) / N,
                               (N - K) * double(ns) / N};
    if (*std::min_element(std::begin(expected), std::end(expected)) >= kMinExpectedForZ) {
        const double pooled = K / N;
        const double se = std::sqrt(pooled * (1 - pooled) * (1.0 / double(nc) + 1.0 / double(ns)));
        const double z = (double(a) / double(nc) - double(c) / double(ns)) / se;
        return {0.5 * std::erfc(z / std::sqrt(2.0)), u"z-test, z = %1"_s.arg(z, 0, 'f', 2)};
    }

    const double n = double(nc);
    const double highest = std::min(K, n);
    const double logTotal = logChoose(N, n);
    double p = 0;
    for (double x = double(a); x <= highest; ++x)
        p += std::exp(logChoose(K, x) + logChoose(N - K, n - x) - logTotal);
    return {std::min(p, 1.0), u"Fisher's exact test"_s};
}

QString percent(double rate)
{
    return QString::number(rate * 100, 'f', 2) + u'%';
}

QString milliseconds(double ms)
{
    return QString::number(ms, 'f', 1) + u" ms"_s;
}

// Nothing is decided on fewer requests than this on either side: never PASS on no data, and
// never FAIL on a handful. A threshold below 1 still asks for one request.
std::optional<QString> tooFew(const RevisionCounters &canary, const RevisionCounters &stable,
                              const AnalysisThresholds &thresholds)
{
    const qint64 minimum = std::max(1, thresholds.minRequests);
    if (canary.requests >= minimum && stable.requests >= minimum)
        return std::nullopt;
    return u"too few requests: canary %1, stable %2 (at least %3 each); holding"_s.arg(canary.requests)
        .arg(stable.requests)
        .arg(minimum);
}

} // namespace

RevisionCounters RevisionCounters::since(const RevisionCounters &earlier) const
{
    RevisionCounters window;
    window.requests = std::max<qint64>(0, requests - earlier.requests);
    window.errors = std::clamp<qint64>(errors - earlier.errors, 0, window.requests);
    if (earlier.latencyBuckets.isEmpty()) {
        window.latencyBuckets = latencyBuckets;
    } else if (latencyBuckets.size() == earlier.latencyBuckets.size()) {
        window.latencyBuckets.reserve(latencyBuckets.size());
        for (qsizetype i = 0; i < latencyBuckets.size(); ++i) {
            const quint64 now = latencyBuckets[i];
            const quint64 before = earlier.latencyBuckets[i];
            window.latencyBuckets.append(now > before ? now - before : 0);
        }
    }
    // Buckets of another layout cannot be subtracted: no latency for this window, rather than a
    // made-up one (the latency checks are then Inconclusive).
    return window;
}

RolloutAnalysis::RolloutAnalysis(QList<double> bucketBounds)
    : m_bounds(std::move(bucketBounds))
{
}

std::optional<double> RolloutAnalysis::quantileMs(double q, const RevisionCounters &counters) const
{
    if (std::isnan(q) || m_bounds.isEmpty() || counters.latencyBuckets.size() != m_bounds.size() + 1)
        return std::nullopt;
    q = std::clamp(q, 0.0, 1.0);
    // A window's buckets can lose cumulativeness when routes vanish (since() clamps each one);
    // like Prometheus' ensureMonotonic, a bucket counts at least what the ones below it do.
    QList<double> cumulative;
    cumulative.reserve(counters.latencyBuckets.size());
    double highest = 0;
    for (const quint64 count : counters.latencyBuckets) {
        highest = std::max(highest, double(count));
        cumulative.append(highest);
    }
    const double total = cumulative.last();
    if (total <= 0)
        return std::nullopt;

    const double rank = q * total;
    qsizetype bucket = 0;
    while (cumulative[bucket] < rank || cumulative[bucket] <= 0)
        ++bucket;  // ends at the +Inf bucket at the latest: it holds `total` >= rank
    if (bucket == m_bounds.size())  // the +Inf bucket: the best that can be said is its lower edge
        return m_bounds.last() * 1000.0;
    const double upper = m_bounds[bucket];
    if (bucket == 0 && upper <= 0)
        return upper * 1000.0;
    const double lower = bucket == 0 ? 0.0 : m_bounds[bucket - 1];
    const double below = bucket == 0 ? 0.0 : cumulative[bucket - 1];
    const double inBucket = cumulative[bucket] - below;  // > 0: below < rank <= cumulative, or rank is 0
    return (lower + (upper - lower) * (rank - below) / inBucket) * 1000.0;
}

QList<AnalysisDecision> RolloutAnalysis::analyse(int step, const QDateTime &at, const RevisionCounters &canary,
                                                 const RevisionCounters &stable,
                                                 const AnalysisThresholds &thresholds) const
{
    QList<AnalysisDecision> decisions{
        errorRateCheck(canary, stable, thresholds),
        latencyCheck(u"p95_ms"_s, 0.95, canary, stable, thresholds),
        latencyCheck(u"p99_ms"_s, 0.99, canary, stable, thresholds),
    };

    AnalysisDecision overall;
    overall.check = u"step"_s;
    overall.canaryRequests = canary.requests;
    overall.stableRequests = stable.requests;
    const auto any = [&](AnalysisVerdict verdict) {
        return std::any_of(decisions.cbegin(), decisions.cend(),
                           [verdict](const AnalysisDecision &d) { return d.verdict == verdict; });
    };
    overall.verdict = any(AnalysisVerdict::Fail)           ? AnalysisVerdict::Fail
                      : any(AnalysisVerdict::Inconclusive) ? AnalysisVerdict::Inconclusive
                                                           : AnalysisVerdict::Pass;
    QStringList checks;
    for (const AnalysisDecision &d : std::as_const(decisions))
        checks << d.check + u' ' + analysisVerdictName(d.verdict);
    overall.note = u"%1: %2; canary %3 / stable %4 requests"_s.arg(analysisVerdictName(overall.verdict),
                                                                   checks.join(u", "_s))
                       .arg(canary.requests)
                       .arg(stable.requests);
    decisions.append(overall);

    for (AnalysisDecision &d : decisions) {
        d.step = step;
        d.at = at;
    }
    return decisions;
}

AnalysisDecision RolloutAnalysis::errorRateCheck(const RevisionCounters &canary, const RevisionCounters &stable,
                                                 const AnalysisThresholds &thresholds) const
{
    AnalysisDecision d;
    d.check = u"success_rate"_s;
    d.canaryRequests = canary.requests;
    d.stableRequests = stable.requests;
    // Counts from outside: errors within [0, requests], whatever they say.
    const qint64 canaryErrors = std::clamp<qint64>(canary.errors, 0, std::max<qint64>(0, canary.requests));
    const qint64 stableErrors = std::clamp<qint64>(stable.errors, 0, std::max<qint64>(0, stable.requests));
    if (canary.requests > 0)
        d.canaryValue = double(canaryErrors) / double(canary.requests);
    if (stable.requests > 0)
        d.stableValue = double(stableErrors) / double(stable.requests);
    if (d.canaryValue && d.stableValue)
        d.effect = *d.canaryValue - *d.stableValue;

    if (const std::optional<QString> few = tooFew(canary, stable, thresholds)) {
        d.verdict = AnalysisVerdict::Inconclusive;
        d.note = u"error rate: "_s + *few;
        return d;
    }

    // One pass of arg(): the percentages carry '%' signs that a chain of arg() would rescan.
    const QString rates = u"error rate canary %1 (%2/%3) vs stable %4 (%5/%6): %7 pp"_s.arg(
        percent(*d.canaryValue), QString::number(canaryErrors), QString::number(canary.requests),
        percent(*d.stableValue), QString::number(stableErrors), QString::number(stable.requests),
        (*d.effect >= 0 ? u"+"_s : QString()) + QString::number(*d.effect * 100, 'f', 2));
    const QString allowed = u"+%1 pp"_s.arg(thresholds.maxErrorRateIncrease * 100, 0, 'f', 2);
    if (!(*d.effect > thresholds.maxErrorRateIncrease)) {
        d.verdict = AnalysisVerdict::Pass;
        d.note = rates + u", within "_s + allowed;
        return d;
    }
    const Significance s = canaryWorse(canaryErrors, canary.requests, stableErrors, stable.requests);
    const QString test = u"%1, p = %2"_s.arg(s.test, QString::number(s.pValue, 'g', 2));
    if (s.pValue < kSignificance) {
        d.verdict = AnalysisVerdict::Fail;
        d.note = u"%1 > %2 allowed, significant (%3)"_s.arg(rates, allowed, test);
    } else {
        d.verdict = AnalysisVerdict::Inconclusive;
        d.note = u"%1 > %2 allowed but not significant (%3); holding for more requests"_s.arg(rates, allowed, test);
    }
    return d;
}

AnalysisDecision RolloutAnalysis::latencyCheck(const QString &check, double q, const RevisionCounters &canary,
                                               const RevisionCounters &stable,
                                               const AnalysisThresholds &thresholds) const
{
    AnalysisDecision d;
    d.check = check;
    d.canaryRequests = canary.requests;
    d.stableRequests = stable.requests;
    d.canaryValue = quantileMs(q, canary);
    d.stableValue = quantileMs(q, stable);
    if (d.canaryValue && d.stableValue && *d.stableValue > 0)
        d.effect = *d.canaryValue / *d.stableValue;

    const QString name = u"p%1"_s.arg(qRound(q * 100));
    if (const std::optional<QString> few = tooFew(canary, stable, thresholds)) {
        d.verdict = AnalysisVerdict::Inconclusive;
        d.note = name + u": "_s + *few;
        return d;
    }
    if (!d.canaryValue || !d.stableValue) {
        d.verdict = AnalysisVerdict::Inconclusive;
        d.note = u"%1: no latency recorded for %2; holding"_s.arg(
            name, !d.canaryValue && !d.stableValue ? u"either revision"_s
                  : !d.canaryValue                 ? u"the canary"_s
                                                   : u"the stable revision"_s);
        return d;
    }

    const double increase = *d.canaryValue - *d.stableValue;
    const QString values = u"%1 canary %2 vs stable %3"_s.arg(name, milliseconds(*d.canaryValue),
                                                              milliseconds(*d.stableValue));
    const QString limits = u"limits x%1 and +%2"_s.arg(thresholds.maxLatencyRatio, 0, 'f', 2)
                               .arg(milliseconds(thresholds.minLatencyIncreaseMs));
    const QString delta = u"%1%2"_s.arg(increase >= 0 ? u"+"_s : QString(), milliseconds(increase));
    const bool slowerBeyondNoise = increase > thresholds.minLatencyIncreaseMs;
    // A stable quantile of 0 has no ratio: any slower canary exceeds every ratio, and the
    // absolute increase alone decides.
    const bool ratioExceeded = d.effect ? *d.effect > thresholds.maxLatencyRatio : increase > 0;
    const QString ratio = d.effect ? u"x"_s + QString::number(*d.effect, 'f', 2) : u"no ratio to 0 ms"_s;
    if (ratioExceeded && slowerBeyondNoise) {
        d.verdict = AnalysisVerdict::Fail;
        d.note = u"%1: %2, %3, beyond %4"_s.arg(values, ratio, delta, limits);
    } else {
        d.verdict = AnalysisVerdict::Pass;
        d.note = ratioExceeded ? u"%1: %2 but only %3, within the buckets' coarseness (%4)"_s.arg(values, ratio, delta,
                                                                                                  limits)
                               : u"%1: %2, %3, within %4"_s.arg(values, ratio, delta, limits);
    }
    return d;
}

} // namespace ServeDeck
