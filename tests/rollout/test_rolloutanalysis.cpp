// The canary analysis: canary against stable over the same window, Inconclusive on too little
// data, a failure only when the difference is both large and beyond chance.
#include <cmath>

#include <QTest>

#include "rollout/rolloutanalysis.h"

using namespace Qt::StringLiterals;
using namespace ServeDeck;

namespace {

// The proxy's bounds (core/proxy/routestats.h), in seconds: 1 ms .. 30 s, then +Inf.
const QList<double> kBounds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

// Indices into kBounds: the bucket (bound[i-1], bound[i]].
constexpr int kUpTo2_5Ms = 1;
constexpr int kUpTo5Ms = 2;
constexpr int kUpTo50Ms = 5;
constexpr int kUpTo100Ms = 6;
constexpr int kUpTo250Ms = 7;
constexpr int kUpTo500Ms = 8;
constexpr int kNoLatency = -1;

// `requests` requests with `errors` of them failed, all taking a time in bucket `bucket`.
RevisionCounters counters(qint64 requests, qint64 errors, int bucket)
{
    RevisionCounters c;
    c.requests = requests;
    c.errors = errors;
    if (bucket >= 0) {
        for (qsizetype i = 0; i <= kBounds.size(); ++i)
            c.latencyBuckets.append(i < bucket ? 0 : quint64(requests));
    }
    return c;
}

RevisionCounters cumulative(QList<quint64> buckets)
{
    RevisionCounters c;
    c.requests = buckets.isEmpty() ? 0 : qint64(buckets.last());
    c.latencyBuckets = std::move(buckets);
    return c;
}

const AnalysisDecision *find(const QList<AnalysisDecision> &decisions, const QString &check)
{
    for (const AnalysisDecision &d : decisions) {
        if (d.check == check)
            return &d;
    }
    return nullptr;
}

QString describe(const QList<AnalysisDecision> &decisions)
{
    QStringList lines;
    for (const AnalysisDecision &d : decisions)
        lines << d.check + u' ' + analysisVerdictName(d.verdict) + u": "_s + d.note;
    return lines.join(u'\n');
}

} // namespace

class TestRolloutAnalysis final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void analyse_data();
    void analyse();
    void failureCarriesTheNumbers();
    void tooFewRequestsNeverPassesOrFails();
    void stableLatencyOfZero_data();
    void stableLatencyOfZero();
    void quantile_data();
    void quantile();
    void since_data();
    void since();
};

void TestRolloutAnalysis::analyse_data()
{
    QTest::addColumn<qint64>("canaryRequests");
    QTest::addColumn<qint64>("canaryErrors");
    QTest::addColumn<int>("canaryBucket");
    QTest::addColumn<qint64>("stableRequests");
    QTest::addColumn<qint64>("stableErrors");
    QTest::addColumn<int>("stableBucket");
    // Verdicts of success_rate, p95_ms, p99_ms and the step, in that order.
    QTest::addColumn<QStringList>("verdicts");
    // A check whose note must contain the text below.
    QTest::addColumn<QString>("check");
    QTest::addColumn<QString>("noteHas");

    const QStringList allPass{u"PASS"_s, u"PASS"_s, u"PASS"_s, u"PASS"_s};
    QTest::newRow("identical revisions") << qint64(1000) << qint64(5) << kUpTo50Ms << qint64(1000) << qint64(5)
                                         << kUpTo50Ms << allPass << u"success_rate"_s << u"+0.00 pp, within"_s;
    QTest::newRow("canary better") << qint64(1000) << qint64(0) << kUpTo5Ms << qint64(1000) << qint64(50) << kUpTo50Ms
                                   << allPass << u"success_rate"_s << u"-5.00 pp"_s;
    QTest::newRow("error regression")
        << qint64(200) << qint64(20) << kUpTo50Ms << qint64(3800) << qint64(4) << kUpTo50Ms
        << QStringList{u"FAIL"_s, u"PASS"_s, u"PASS"_s, u"FAIL"_s} << u"success_rate"_s
        << u"error rate canary 10.00% (20/200) vs stable 0.11% (4/3800): +9.89 pp > +1.00 pp allowed, significant "
           "(Fisher's exact test"_s;
    QTest::newRow("error regression, large counts")
        << qint64(1000) << qint64(30) << kUpTo50Ms << qint64(9000) << qint64(90) << kUpTo50Ms
        << QStringList{u"FAIL"_s, u"PASS"_s, u"PASS"_s, u"FAIL"_s} << u"success_rate"_s << u"significant (z-test"_s;
    QTest::newRow("tiny canary sample")
        << qint64(10) << qint64(5) << kUpTo250Ms << qint64(1000) << qint64(0) << kUpTo50Ms
        << QStringList{u"INCONCLUSIVE"_s, u"INCONCLUSIVE"_s, u"INCONCLUSIVE"_s, u"INCONCLUSIVE"_s} << u"p95_ms"_s
        << u"too few requests: canary 10, stable 1000 (at least 20 each)"_s;
    QTest::newRow("tiny stable sample")
        << qint64(1000) << qint64(0) << kUpTo50Ms << qint64(19) << qint64(0) << kUpTo50Ms
        << QStringList{u"INCONCLUSIVE"_s, u"INCONCLUSIVE"_s, u"INCONCLUSIVE"_s, u"INCONCLUSIVE"_s} << u"success_rate"_s
        << u"canary 1000, stable 19 (at least 20 each)"_s;
    // 4 % against 0 % is past the 1 % allowed, but one error in 25 is what chance does
    // (Fisher: p = 0.5): hold, neither pass nor fail.
    QTest::newRow("1 error in 25, not significant")
        << qint64(25) << qint64(1) << kUpTo50Ms << qint64(25) << qint64(0) << kUpTo50Ms
        << QStringList{u"INCONCLUSIVE"_s, u"PASS"_s, u"PASS"_s, u"INCONCLUSIVE"_s} << u"success_rate"_s
        << u"+4.00 pp > +1.00 pp allowed but not significant (Fisher's exact test, p = 0.5); holding"_s;
    // 2 % against 0.8 % on 500 each: z = 1.61, p = 0.053, just short of significance.
    QTest::newRow("large counts, not significant")
        << qint64(500) << qint64(10) << kUpTo50Ms << qint64(500) << qint64(4) << kUpTo50Ms
        << QStringList{u"INCONCLUSIVE"_s, u"PASS"_s, u"PASS"_s, u"INCONCLUSIVE"_s} << u"success_rate"_s
        << u"not significant (z-test, z = 1.61, p = 0.053)"_s;
    // p95 4.875 ms against 2.425 ms: twice as slow, but 2.45 ms is within the buckets' coarseness.
    QTest::newRow("p95 ratio past the limit, increase within it")
        << qint64(500) << qint64(0) << kUpTo5Ms << qint64(500) << qint64(0) << kUpTo2_5Ms << allPass << u"p95_ms"_s
        << u"p95 canary 4.9 ms vs stable 2.4 ms: x2.01 but only +"_s;
    QTest::newRow("p95 ratio past the limit, increase within it: why")
        << qint64(500) << qint64(0) << kUpTo5Ms << qint64(500) << qint64(0) << kUpTo2_5Ms << allPass << u"p95_ms"_s
        << u"ms, within the buckets' coarseness (limits x1.50 and +10.0 ms)"_s;
    // p95 487.5 ms against 97.5 ms.
    QTest::newRow("latency regression")
        << qint64(500) << qint64(0) << kUpTo500Ms << qint64(500) << qint64(0) << kUpTo100Ms
        << QStringList{u"PASS"_s, u"FAIL"_s, u"FAIL"_s, u"FAIL"_s} << u"p95_ms"_s
        << u"p95 canary 487.5 ms vs stable 97.5 ms: x5.00, +390.0 ms, beyond limits x1.50 and +10.0 ms"_s;
    QTest::newRow("no latency recorded")
        << qint64(500) << qint64(0) << kNoLatency << qint64(500) << qint64(0) << kUpTo50Ms
        << QStringList{u"PASS"_s, u"INCONCLUSIVE"_s, u"INCONCLUSIVE"_s, u"INCONCLUSIVE"_s} << u"p99_ms"_s
        << u"p99: no latency recorded for the canary; holding"_s;
    // A failure outweighs an inconclusive check.
    QTest::newRow("fail beats inconclusive")
        << qint64(25) << qint64(1) << kUpTo250Ms << qint64(25) << qint64(0) << kUpTo50Ms
        << QStringList{u"INCONCLUSIVE"_s, u"FAIL"_s, u"FAIL"_s, u"FAIL"_s} << u"step"_s
        << u"FAIL: success_rate INCONCLUSIVE, p95_ms FAIL, p99_ms FAIL; canary 25 / stable 25 requests"_s;
    QTest::newRow("inconclusive beats pass")
        << qint64(25) << qint64(1) << kUpTo50Ms << qint64(25) << qint64(0) << kUpTo50Ms
        << QStringList{u"INCONCLUSIVE"_s, u"PASS"_s, u"PASS"_s, u"INCONCLUSIVE"_s} << u"step"_s
        << u"INCONCLUSIVE: success_rate INCONCLUSIVE, p95_ms PASS, p99_ms PASS; canary 25 / stable 25 requests"_s;
}

void TestRolloutAnalysis::analyse()
{
    QFETCH(qint64, canaryRequests);
    QFETCH(qint64, canaryErrors);
    QFETCH(int, canaryBucket);
    QFETCH(qint64, stableRequests);
    QFETCH(qint64, stableErrors);
    QFETCH(int, stableBucket);
    QFETCH(QStringList, verdicts);
    QFETCH(QString, check);
    QFETCH(QString, noteHas);

    const RolloutAnalysis analysis(kBounds);
    const QDateTime at = QDateTime::fromSecsSinceEpoch(1'800'000'000, Qt::UTC);
    const QList<AnalysisDecision> decisions =
        analysis.analyse(3, at, counters(canaryRequests, canaryErrors, canaryBucket),
                         counters(stableRequests, stableErrors, stableBucket), AnalysisThresholds());

    const QStringList checks{u"success_rate"_s, u"p95_ms"_s, u"p99_ms"_s, u"step"_s};
    QCOMPARE(decisions.size(), checks.size());
    for (qsizetype i = 0; i < checks.size(); ++i) {
        const AnalysisDecision &d = decisions[i];
        QCOMPARE(d.check, checks[i]);
        QVERIFY2(analysisVerdictName(d.verdict) == verdicts[i], qPrintable(describe(decisions)));
        QCOMPARE(d.step, 3);
        QCOMPARE(d.at, at);
        QCOMPARE(d.canaryRequests, canaryRequests);
        QCOMPARE(d.stableRequests, stableRequests);
        QVERIFY2(!d.note.isEmpty(), qPrintable(d.check));
    }
    const AnalysisDecision *named = find(decisions, check);
    QVERIFY(named);
    QVERIFY2(named->note.contains(noteHas), qPrintable(named->note));
}

void TestRolloutAnalysis::failureCarriesTheNumbers()
{
    const RolloutAnalysis analysis(kBounds);
    const QList<AnalysisDecision> decisions =
        analysis.analyse(1, QDateTime(), counters(200, 20, kUpTo250Ms), counters(3800, 4, kUpTo50Ms), {});

    const AnalysisDecision *rate = find(decisions, u"success_rate"_s);
    QVERIFY(rate);
    QCOMPARE(rate->verdict, AnalysisVerdict::Fail);
    QVERIFY(rate->canaryValue && rate->stableValue && rate->effect);
    QCOMPARE(*rate->canaryValue, 0.1);
    QCOMPARE(*rate->stableValue, 4.0 / 3800);
    QCOMPARE(*rate->effect, 0.1 - 4.0 / 3800);

    // Hand-computed from the buckets: canary 100 + 150 * 0.95, stable 25 + 25 * 0.95.
    const AnalysisDecision *p95 = find(decisions, u"p95_ms"_s);
    QVERIFY(p95);
    QCOMPARE(p95->verdict, AnalysisVerdict::Fail);
    QVERIFY(p95->canaryValue && p95->stableValue && p95->effect);
    QCOMPARE(*p95->canaryValue, 242.5);
    QCOMPARE(*p95->stableValue, 48.75);
    QCOMPARE(*p95->effect, 242.5 / 48.75);
    const AnalysisDecision *p99 = find(decisions, u"p99_ms"_s);
    QVERIFY(p99 && p99->canaryValue && p99->stableValue);
    QCOMPARE(*p99->canaryValue, 100 + 150 * 0.99);
    QCOMPARE(*p99->stableValue, 25 + 25 * 0.99);

    const AnalysisDecision *step = find(decisions, u"step"_s);
    QVERIFY(step);
    QCOMPARE(step->verdict, AnalysisVerdict::Fail);
    QCOMPARE(step->canaryRequests, qint64(200));
    QCOMPARE(step->stableRequests, qint64(3800));
    QVERIFY2(step->note.startsWith(u"FAIL: success_rate FAIL, p95_ms FAIL, p99_ms FAIL"_s), qPrintable(step->note));
}

void TestRolloutAnalysis::tooFewRequestsNeverPassesOrFails()
{
    const RolloutAnalysis analysis(kBounds);
    AnalysisThresholds thresholds;
    // Even a threshold of 0 asks for one request: no data is never a pass.
    thresholds.minRequests = 0;
    const QList<AnalysisDecision> none = analysis.analyse(1, QDateTime(), {}, {}, thresholds);
    for (const AnalysisDecision &d : none)
        QVERIFY2(d.verdict == AnalysisVerdict::Inconclusive, qPrintable(describe(none)));
    QVERIFY2(find(none, u"success_rate"_s)->note.contains(u"canary 0, stable 0 (at least 1 each)"_s),
             qPrintable(describe(none)));
    // The values known are still recorded: the stable side's rate and latency.
    const QList<AnalysisDecision> oneSided =
        analysis.analyse(1, QDateTime(), counters(5, 5, kUpTo250Ms), counters(100, 1, kUpTo50Ms), {});
    const AnalysisDecision *rate = find(oneSided, u"success_rate"_s);
    QCOMPARE(rate->verdict, AnalysisVerdict::Inconclusive);
    QVERIFY(rate->canaryValue && rate->stableValue);
    QCOMPARE(*rate->canaryValue, 1.0);
    QCOMPARE(*rate->stableValue, 0.01);
    QCOMPARE(find(oneSided, u"step"_s)->verdict, AnalysisVerdict::Inconclusive);
}

void TestRolloutAnalysis::stableLatencyOfZero_data()
{
    QTest::addColumn<int>("canaryBucket");
    QTest::addColumn<QString>("verdict");
    QTest::addColumn<QString>("noteHas");

    // Bounds 0 s, 10 ms, 50 ms: the stable revision answers everything within the 0 bucket.
    QTest::newRow("canary 0 ms") << 0 << u"PASS"_s << u"p95 canary 0.0 ms vs stable 0.0 ms: no ratio to 0 ms, +0.0 ms"_s;
    QTest::newRow("canary 9.5 ms") << 1 << u"PASS"_s << u"no ratio to 0 ms but only +9.5 ms"_s;
    QTest::newRow("canary 48 ms") << 2 << u"FAIL"_s << u"no ratio to 0 ms, +48.0 ms, beyond"_s;
}

void TestRolloutAnalysis::stableLatencyOfZero()
{
    QFETCH(int, canaryBucket);
    QFETCH(QString, verdict);
    QFETCH(QString, noteHas);

    const RolloutAnalysis analysis({0.0, 0.01, 0.05});
    const auto side = [](int bucket) {
        RevisionCounters c;
        c.requests = 100;
        for (int i = 0; i < 4; ++i)
            c.latencyBuckets.append(i < bucket ? 0 : 100);
        return c;
    };
    const std::optional<double> stableP95 = analysis.quantileMs(0.95, side(0));
    QVERIFY(stableP95);
    QCOMPARE(*stableP95, 0.0);
    const QList<AnalysisDecision> decisions = analysis.analyse(1, QDateTime(), side(canaryBucket), side(0), {});
    const AnalysisDecision *p95 = find(decisions, u"p95_ms"_s);
    QVERIFY(p95);
    QCOMPARE(analysisVerdictName(p95->verdict), verdict);
    QVERIFY2(!p95->effect, "no ratio to a stable 0");
    QVERIFY2(p95->note.contains(noteHas), qPrintable(p95->note));
}

void TestRolloutAnalysis::quantile_data()
{
    QTest::addColumn<QList<quint64>>("buckets");  // cumulative, one per bound and +Inf
    QTest::addColumn<double>("q");
    QTest::addColumn<double>("expectedMs");  // NaN: none

    const double none = std::nan("");
    //                          1ms 2.5 5   10  25  50  100 250 500 1s  2.5 5   10  30  +Inf
    QTest::newRow("middle of one bucket") << QList<quint64>{0, 0, 0, 0, 0, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10}
                                          << 0.5 << 37.5;
    // rank 95 of 100: 45 of the 50 in (1, 2.5] ms.
    QTest::newRow("p95 across two buckets")
        << QList<quint64>{50, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100} << 0.95 << 2.35;
    QTest::newRow("rank on a bucket's upper edge")
        << QList<quint64>{50, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100} << 0.5 << 1.0;
    QTest::newRow("p99 below the outlier")
        << QList<quint64>{99, 99, 99, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100} << 0.99 << 1.0;
    QTest::newRow("p100 is the outlier's upper bound")
        << QList<quint64>{99, 99, 99, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100} << 1.0 << 10.0;
    QTest::newRow("q 0: the first non-empty bucket's lower edge")
        << QList<quint64>{0, 0, 0, 0, 0, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10} << 0.0 << 25.0;
    QTest::newRow("+Inf: the highest finite bound")
        << QList<quint64>{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7} << 0.95 << 30000.0;
    // rank 9.5 of 10: 4.5 of the 5 in (100, 250] ms.
    QTest::newRow("interpolated, uneven")
        << QList<quint64>{0, 0, 0, 0, 0, 2, 5, 10, 10, 10, 10, 10, 10, 10, 10} << 0.95 << 235.0;
    // A window whose 5 ms bucket fell below the 2.5 ms one (a route vanished): counted as 6.
    QTest::newRow("not monotonic") << QList<quint64>{0, 6, 2, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10} << 0.8
                                   << 7.5;
    QTest::newRow("no requests") << QList<quint64>(15, 0) << 0.95 << none;
    QTest::newRow("no buckets") << QList<quint64>() << 0.95 << none;
    QTest::newRow("buckets of another layout") << QList<quint64>{5, 10} << 0.95 << none;
}

void TestRolloutAnalysis::quantile()
{
    QFETCH(QList<quint64>, buckets);
    QFETCH(double, q);
    QFETCH(double, expectedMs);

    const RolloutAnalysis analysis(kBounds);
    const std::optional<double> ms = analysis.quantileMs(q, cumulative(buckets));
    if (std::isnan(expectedMs)) {
        QVERIFY2(!ms, qPrintable(QString::number(ms.value_or(-1))));
        return;
    }
    QVERIFY(ms);
    QVERIFY2(std::abs(*ms - expectedMs) < 1e-9, qPrintable(u"%1 ms, expected %2"_s.arg(*ms).arg(expectedMs)));
}

void TestRolloutAnalysis::since_data()
{
    QTest::addColumn<qint64>("requests");
    QTest::addColumn<qint64>("errors");
    QTest::addColumn<QList<quint64>>("buckets");
    QTest::addColumn<qint64>("earlierRequests");
    QTest::addColumn<qint64>("earlierErrors");
    QTest::addColumn<QList<quint64>>("earlierBuckets");
    QTest::addColumn<qint64>("windowRequests");
    QTest::addColumn<qint64>("windowErrors");
    QTest::addColumn<QList<quint64>>("windowBuckets");

    using B = QList<quint64>;
    QTest::newRow("growing") << qint64(100) << qint64(10) << B{50, 90, 100} << qint64(40) << qint64(4)
                             << B{20, 35, 40} << qint64(60) << qint64(6) << B{30, 55, 60};
    // A busy route vanished: everything went backwards.
    QTest::newRow("all backwards") << qint64(30) << qint64(5) << B{10, 20, 30} << qint64(100) << qint64(2)
                                   << B{50, 90, 100} << qint64(0) << qint64(0) << B{0, 0, 0};
    // Some fields back, some forward: each clamped alone, errors also to the requests left.
    QTest::newRow("mixed") << qint64(120) << qint64(1) << B{10, 100, 120} << qint64(100) << qint64(5)
                           << B{40, 60, 100} << qint64(20) << qint64(0) << B{0, 40, 20};
    QTest::newRow("errors beyond the requests") << qint64(105) << qint64(50) << B{} << qint64(100) << qint64(10)
                                                << B{} << qint64(5) << qint64(5) << B{};
    QTest::newRow("first sample") << qint64(10) << qint64(1) << B{4, 10, 10} << qint64(0) << qint64(0) << B{}
                                  << qint64(10) << qint64(1) << B{4, 10, 10};
    QTest::newRow("another bucket layout") << qint64(10) << qint64(1) << B{4, 10, 10} << qint64(5) << qint64(0)
                                           << B{5, 5} << qint64(5) << qint64(1) << B{};
}

void TestRolloutAnalysis::since()
{
    QFETCH(qint64, requests);
    QFETCH(qint64, errors);
    QFETCH(QList<quint64>, buckets);
    QFETCH(qint64, earlierRequests);
    QFETCH(qint64, earlierErrors);
    QFETCH(QList<quint64>, earlierBuckets);
    QFETCH(qint64, windowRequests);
    QFETCH(qint64, windowErrors);
    QFETCH(QList<quint64>, windowBuckets);

    const RevisionCounters now{requests, errors, buckets};
    const RevisionCounters earlier{earlierRequests, earlierErrors, earlierBuckets};
    const RevisionCounters window = now.since(earlier);
    QCOMPARE(window.requests, windowRequests);
    QCOMPARE(window.errors, windowErrors);
    QCOMPARE(window.latencyBuckets, windowBuckets);
}

QTEST_GUILESS_MAIN(TestRolloutAnalysis)
#include "test_rolloutanalysis.moc"
