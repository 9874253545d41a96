// The sampler's arithmetic: percentiles from cumulative latency buckets, as Prometheus computes them.
#include <QTest>

#include "service/endpointmetricssampler.h"

using namespace ServeDeck;

class TestEndpointMetricsSampler final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void quantile_data()
    {
        QTest::addColumn<QList<quint64>>("cumulative");  // bounds 0.01, 0.1, 1 s, then +Inf
        QTest::addColumn<double>("q");
        QTest::addColumn<double>("expectedMs");
        QTest::newRow("all in the first bucket, median") << QList<quint64>{10, 10, 10, 10} << 0.5 << 5.0;
        QTest::newRow("p95 in the second bucket") << QList<quint64>{50, 100, 100, 100} << 0.95 << 91.0;
        QTest::newRow("p99 interpolated in the third") << QList<quint64>{0, 0, 100, 100} << 0.99 << 991.0;
        QTest::newRow("beyond the last bound") << QList<quint64>{0, 0, 0, 10} << 0.5 << 1000.0;
    }

    void quantile()
    {
        QFETCH(QList<quint64>, cumulative);
        QFETCH(double, q);
        QFETCH(double, expectedMs);
        const auto ms = histogramQuantileMs({0.01, 0.1, 1.0}, cumulative, q);
        QVERIFY(ms.has_value());
        QVERIFY2(qAbs(*ms - expectedMs) < 1e-6, qPrintable(QString::number(*ms)));
    }

    void noRequestsNoQuantile()
    {
        QVERIFY(!histogramQuantileMs({0.01, 0.1, 1.0}, {0, 0, 0, 0}, 0.95));
        QVERIFY(!histogramQuantileMs({0.01, 0.1, 1.0}, {1, 2}, 0.95));  // shapes that do not match
    }
};

QTEST_APPLESS_MAIN(TestEndpointMetricsSampler)
#include "test_endpointmetricssampler.moc"
