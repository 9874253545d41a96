// MetricWindow: samples bounded by age and by count, and the queries the autoscaler and charts ask.
#include <QTest>

#include "autoscale/metricwindow.h"

using namespace ServeDeck;

namespace {
const QDateTime kT0(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC);
}

class TestMetricWindow final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyWindowAnswersNothing()
    {
        const MetricWindow w;
        QVERIFY(w.isEmpty());
        QVERIFY(!w.latest());
        QVERIFY(!w.latestTime());
        QVERIFY(!w.average(kT0, 60));
        QVERIFY(!w.maximum(kT0, 60));
    }

    void queriesOverTheLastSeconds_data()
    {
        QTest::addColumn<int>("seconds");
        QTest::addColumn<double>("average");  // -1: none
        QTest::addColumn<double>("maximum");
        // Samples at t = 0, 10, 20, 30, 40 with values 10, 50, 20, 40, 30; asked at t = 40.
        QTest::newRow("0 s: the sample taken now") << 0 << 30.0 << 30.0;
        QTest::newRow("10 s: both ends count") << 10 << 35.0 << 40.0;
        QTest::newRow("25 s") << 25 << 30.0 << 40.0;
        QTest::newRow("30 s") << 30 << 35.0 << 50.0;
        QTest::newRow("everything") << 3600 << 30.0 << 50.0;
    }

    void queriesOverTheLastSeconds()
    {
        QFETCH(int, seconds);
        QFETCH(double, average);
        QFETCH(double, maximum);
        MetricWindow w;
        const double values[] = {10, 50, 20, 40, 30};
        for (int i = 0; i < 5; ++i)
            QVERIFY(w.add(kT0.addSecs(10 * i), values[i]));
        QCOMPARE(w.size(), 5);
        QCOMPARE(*w.latest(), 30.0);
        QCOMPARE(*w.latestTime(), kT0.addSecs(40));
        QCOMPARE(*w.average(kT0.addSecs(40), seconds), average);
        QCOMPARE(*w.maximum(kT0.addSecs(40), seconds), maximum);
    }

    void queriesIgnoreSamplesAfterNow()
    {
        MetricWindow w;
        QVERIFY(w.add(kT0, 1));
        QVERIFY(w.add(kT0.addSecs(100), 99));
        QCOMPARE(*w.maximum(kT0.addSecs(50), 60), 1.0);
        QVERIFY(!w.average(kT0.addSecs(50), 10));
    }

    void boundedByAge()
    {
        MetricWindow w(60, 1000);
        for (int t = 0; t <= 300; t += 10)
            QVERIFY(w.add(kT0.addSecs(t), t));
        // Samples older than 60 s before the newest are gone: 240 .. 300 remain.
        QCOMPARE(w.size(), 7);
        QCOMPARE(*w.oldestTime(), kT0.addSecs(240));
        QCOMPARE(*w.average(kT0.addSecs(300), 3600), 270.0);
    }

    void boundedByCount()
    {
        MetricWindow w(3600, 4);
        for (int t = 0; t < 10; ++t)
            QVERIFY(w.add(kT0.addSecs(t), t));
        QCOMPARE(w.size(), 4);
        QCOMPARE(*w.oldestTime(), kT0.addSecs(6));
        QCOMPARE(*w.maximum(kT0.addSecs(9), 3600), 9.0);
        QCOMPARE(*w.average(kT0.addSecs(9), 3600), 7.5);
    }

    void defaultCapsAreNamed()
    {
        MetricWindow w;
        for (int i = 0; i < MetricWindow::kDefaultMaxSamples + 50; ++i)
            QVERIFY(w.add(kT0.addSecs(i), i));
        QCOMPARE(w.size(), MetricWindow::kDefaultMaxSamples);
    }

    void refusesSamplesOutOfOrder()
    {
        MetricWindow w;
        QVERIFY(w.add(kT0.addSecs(10), 1));
        QVERIFY(!w.add(kT0.addSecs(5), 2));
        QVERIFY(w.add(kT0.addSecs(10), 3));  // the same instant is fine
        QCOMPARE(w.size(), 2);
        QCOMPARE(*w.latest(), 3.0);
        w.clear();
        QVERIFY(w.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestMetricWindow)
#include "test_metricwindow.moc"
