// LatencyHistogram against known inputs: percentiles within the stated resolution, exact small
// values, merge, the bound on memory, and the JSON form (strict on the way back).
#include <random>

#include <QJsonArray>
#include <QTest>

#include "traffic/latencyhistogram.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kUs = 1000;
constexpr qint64 kMs = 1000 * kUs;

bool within(qint64 actual, qint64 expected, double resolution)
{
    return std::abs(double(actual - expected)) <= resolution * double(expected) + double(kUs);
}

} // namespace

class TestLatencyHistogram : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void percentilesOfAUniformRun()
    {
        // 1..100,000 µs once each: the p-th percentile is p·1000 µs.
        LatencyHistogram histogram;
        for (qint64 us = 1; us <= 100000; ++us)
            histogram.record(us * kUs);
        QCOMPARE(histogram.count(), quint64(100000));
        QCOMPARE(histogram.minNs(), kUs);
        QCOMPARE(histogram.maxNs(), 100 * kMs);
        for (const double p : {1.0, 10.0, 50.0, 90.0, 95.0, 99.0, 99.9}) {
            const qint64 expected = qint64(p * 1000) * kUs;
            const qint64 actual = histogram.percentileNs(p);
            QVERIFY2(within(actual, expected, LatencyHistogram::kRelativeResolution),
                     qPrintable(u"p%1: %2 ns, expected %3 ns"_s.arg(p).arg(actual).arg(expected)));
        }
        QCOMPARE(histogram.percentileNs(100), 100 * kMs);
        QVERIFY(within(histogram.meanNs(), 50000 * kUs, 0.001));
    }

    void percentilesOfARandomSampleAgainstSorting()
    {
        std::mt19937_64 random(7);
        std::lognormal_distribution<double> latency(std::log(20e6), 1.0);  // around 20 ms, long tail
        std::vector<qint64> values;
        LatencyHistogram histogram;
        for (int i = 0; i < 20000; ++i) {
            const qint64 ns = qint64(latency(random));
            values.push_back(ns);
            histogram.record(ns);
        }
        std::sort(values.begin(), values.end());
        for (const double p : {50.0, 90.0, 95.0, 99.0, 99.9}) {
            const qint64 expected = values[size_t(std::ceil(p / 100 * double(values.size()))) - 1];
            QVERIFY2(within(histogram.percentileNs(p), expected, LatencyHistogram::kRelativeResolution),
                     qPrintable(u"p%1: %2 vs %3"_s.arg(p).arg(histogram.percentileNs(p)).arg(expected)));
        }
        QCOMPARE(histogram.percentileNs(100), values.back());
    }

    void smallValuesAreExact()
    {
        LatencyHistogram histogram;
        for (const qint64 us : {3, 3, 3, 200})
            histogram.record(us * kUs);
        // The bucket of 3 µs is [3, 4) µs: its middle, clamped to what was seen, is 3 µs.
        QCOMPARE(histogram.percentileNs(50), 3 * kUs);
        QCOMPARE(histogram.percentileNs(75), 3 * kUs);
        QCOMPARE(histogram.percentileNs(99), 200 * kUs);
        QCOMPARE(histogram.countAtLeast(100 * kUs), quint64(1));
        QCOMPARE(histogram.buckets().size(), 2);
    }

    void clampsAndStaysBounded()
    {
        LatencyHistogram histogram;
        histogram.record(-5);
        histogram.record(std::numeric_limits<qint64>::max() / 2);
        for (qint64 ns = 1; ns < std::numeric_limits<qint64>::max() / 4; ns *= 3)
            histogram.record(ns);
        QCOMPARE(histogram.minNs(), 0);
        QVERIFY(histogram.toJson().value(u"buckets"_s).toArray().size() <= 3500);
        QVERIFY(histogram.percentileNs(50) > 0);
    }

    void mergesAsIfRecordedTogether()
    {
        LatencyHistogram a;
        LatencyHistogram b;
        LatencyHistogram both;
        for (qint64 i = 1; i <= 1000; ++i) {
            (i % 2 ? a : b).record(i * 37 * kUs);
            both.record(i * 37 * kUs);
        }
        a.merge(b);
        QCOMPARE(a.count(), both.count());
        QCOMPARE(a.minNs(), both.minNs());
        QCOMPARE(a.maxNs(), both.maxNs());
        for (const double p : {50.0, 99.0})
            QCOMPARE(a.percentileNs(p), both.percentileNs(p));
        LatencyHistogram empty;
        empty.merge(LatencyHistogram());
        QCOMPARE(empty.count(), quint64(0));
        QCOMPARE(empty.percentileNs(50), 0);
    }

    void roundTripsThroughJson()
    {
        LatencyHistogram histogram;
        for (qint64 i = 1; i <= 500; ++i)
            histogram.record(i * i * kUs);
        const std::optional<LatencyHistogram> back = LatencyHistogram::fromJson(histogram.toJson());
        QVERIFY(back);
        QCOMPARE(back->count(), histogram.count());
        QCOMPARE(back->percentileNs(95), histogram.percentileNs(95));
        QCOMPARE(back->maxNs(), histogram.maxNs());

        QJsonObject lying = histogram.toJson();
        lying.insert(u"count"_s, 3);
        QVERIFY(!LatencyHistogram::fromJson(lying));
        QJsonObject outOfRange = histogram.toJson();
        outOfRange.insert(u"buckets"_s, QJsonArray{QJsonArray{1000000, 1}});
        outOfRange.insert(u"count"_s, 1);
        QVERIFY(!LatencyHistogram::fromJson(outOfRange));
    }
};

QTEST_GUILESS_MAIN(TestLatencyHistogram)
#include "test_latencyhistogram.moc"
