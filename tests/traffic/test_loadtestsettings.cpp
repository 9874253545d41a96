// The load test's inputs as hostile text: targets parse or are refused, and settings are
// validated field by field with InvalidArgument naming the field. The arrival schedules are
// checked exactly against their formulas (no clock).
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include "traffic/arrivalschedule.h"
#include "traffic/loadtestresult.h"
#include "traffic/loadtestsettings.h"
#include "traffic/loadtesttarget.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

QJsonObject baseSettings()
{
    return {{u"endpoint"_s, u"iris"_s},
            {u"url"_s, u"http://127.0.0.1:8080/iris/predict"_s},
            {u"mode"_s, u"rate"_s},
            {u"rate"_s, 100},
            {u"duration_ms"_s, 2000}};
}

} // namespace

class TestLoadTestSettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesTargets_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("metric");
        QTest::addColumn<double>("percentile");
        QTest::addColumn<bool>("below");
        QTest::addColumn<double>("threshold");
        QTest::addColumn<QString>("canonical");
        using M = LoadTestTarget::Metric;
        QTest::newRow("p95") << u"p95<200ms"_s << int(M::Latency) << 95.0 << true << 200.0 << u"p95<200ms"_s;
        QTest::newRow("p99 in s") << u"p99 < 1s"_s << int(M::Latency) << 99.0 << true << 1000.0 << u"p99<1000ms"_s;
        QTest::newRow("p99.9 in us") << u"p99.9<500us"_s << int(M::Latency) << 99.9 << true << 0.5 << u"p99.9<0.5ms"_s;
        QTest::newRow("rps") << u"rps>30"_s << int(M::Throughput) << 0.0 << false << 30.0 << u"rps>30"_s;
        QTest::newRow("success") << u"success>95%"_s << int(M::SuccessRatio) << 0.0 << false << 95.0 << u"success>95%"_s;
        QTest::newRow("errors") << u"errors<1"_s << int(M::ErrorRatio) << 0.0 << true << 1.0 << u"errors<1%"_s;
        QTest::newRow("ttft") << u"ttft_p95<500ms"_s << int(M::TimeToFirstToken) << 95.0 << true << 500.0
                              << u"ttft_p95<500ms"_s;
        QTest::newRow("itl") << u"itl_p50<40ms"_s << int(M::InterTokenLatency) << 50.0 << true << 40.0 << u"itl_p50<40ms"_s;
        QTest::newRow("tps") << u"tps>20"_s << int(M::TokensPerSecond) << 0.0 << false << 20.0 << u"tps>20"_s;
    }

    void parsesTargets()
    {
        QFETCH(QString, text);
        QFETCH(int, metric);
        QFETCH(double, percentile);
        QFETCH(bool, below);
        QFETCH(double, threshold);
        QFETCH(QString, canonical);
        const Result<LoadTestTarget> target = LoadTestTarget::parse(text);
        QVERIFY2(target, qPrintable(target ? QString() : target.error().message));
        QCOMPARE(int(target->metric), metric);
        QCOMPARE(target->percentile, percentile);
        QCOMPARE(target->comparison == LoadTestTarget::Comparison::Below, below);
        QCOMPARE(target->threshold, threshold);
        QCOMPARE(target->text(), canonical);
        QCOMPARE(LoadTestTarget::parse(target->text())->text(), canonical);
    }

    void refusesTargets_data()
    {
        QTest::addColumn<QString>("text");
        for (const QString &bad : {u""_s, u"p95"_s, u"p95<200"_s, u"p95<200kg"_s, u"p100<1s"_s, u"p0<1s"_s,
                                   u"rps>30ms"_s, u"success>101%"_s, u"p95=200ms"_s, u"latency<200ms"_s,
                                   u"p95<-1ms"_s, u"p95<200ms; rm -rf"_s, QString(100, u'9')})
            QTest::newRow(qPrintable(bad.left(20))) << bad;
    }

    void refusesTargets()
    {
        QFETCH(QString, text);
        const Result<LoadTestTarget> target = LoadTestTarget::parse(text);
        QVERIFY(!target);
        QCOMPARE(target.error().type, ErrorType::InvalidArgument);
        QCOMPARE(target.error().details.value(u"field"_s).toString(), u"targets"_s);
    }

    void readsGoodSettings()
    {
        QJsonObject json = baseSettings();
        json.insert(u"headers"_s, QJsonArray{QJsonObject{{u"name"_s, u"Authorization"_s}, {u"value"_s, u"Bearer x"_s}}});
        json.insert(u"body"_s, u"{\"features\":[1,2,3,4]}"_s);
        json.insert(u"targets"_s, QJsonArray{u"p99<1s"_s});
        const Result<LoadTestSettings> settings = LoadTestSettings::fromJson(json);
        QVERIFY2(settings, qPrintable(settings ? QString() : settings.error().message));
        QCOMPARE(settings->rate, 100.0);
        QCOMPARE(settings->durationMs, 2000);
        QCOMPARE(settings->headers.size(), 1);
        QCOMPARE(settings->targets.size(), 1);
        const Result<LoadTestSettings> again = LoadTestSettings::fromJson(settings->toJson());
        QVERIFY(again);
        QCOMPARE(again->toJson(), settings->toJson());
        // Without targets, the seed's three.
        const Result<LoadTestSettings> defaults = LoadTestSettings::fromJson(baseSettings());
        QCOMPARE(defaults->targets.size(), 3);
        // A non-loopback URL is the endpoint's own.
        QJsonObject remote = baseSettings();
        remote.insert(u"url"_s, u"http://10.1.2.3:9000/iris/predict"_s);
        QVERIFY(LoadTestSettings::fromJson(remote, QUrl(u"http://10.1.2.3:9000/iris"_s)));
    }

    void refusesBadSettings_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("named");
        QTest::newRow("rate 0") << u"rate"_s << QJsonValue(0) << u"rate"_s;
        QTest::newRow("rate above the cap") << u"rate"_s << QJsonValue(LoadTestSettings::kMaxRate + 1) << u"rate"_s;
        QTest::newRow("rate not a number") << u"rate"_s << QJsonValue(u"fast"_s) << u"rate"_s;
        QTest::newRow("negative duration") << u"duration_ms"_s << QJsonValue(-1000) << u"duration_ms"_s;
        QTest::newRow("zero duration") << u"duration_ms"_s << QJsonValue(0) << u"duration_ms"_s;
        QTest::newRow("duration above the cap") << u"duration_ms"_s
                                                << QJsonValue(double(LoadTestSettings::kMaxDurationMs) + 1)
                                                << u"duration_ms"_s;
        QTest::newRow("target does not parse") << u"targets"_s << QJsonValue(QJsonArray{u"p95<fast"_s}) << u"targets"_s;
        QTest::newRow("url elsewhere") << u"url"_s << QJsonValue(u"http://example.com/predict"_s) << u"url"_s;
        QTest::newRow("url https") << u"url"_s << QJsonValue(u"https://127.0.0.1/predict"_s) << u"url"_s;
        QTest::newRow("url with user") << u"url"_s << QJsonValue(u"http://u:p@127.0.0.1/predict"_s) << u"url"_s;
        QTest::newRow("mode unknown") << u"mode"_s << QJsonValue(u"burst"_s) << u"mode"_s;
        QTest::newRow("header injection") << u"headers"_s
                                          << QJsonValue(QJsonArray{QJsonObject{{u"name"_s, u"X-A"_s},
                                                                               {u"value"_s, u"1\r\nX-B: 2"_s}}})
                                          << u"headers"_s;
        QTest::newRow("body too large") << u"body"_s << QJsonValue(QString(LoadTestSettings::kMaxBodyBytes + 1, u'x'))
                                        << u"body"_s;
        QTest::newRow("concurrency 0") << u"concurrency"_s << QJsonValue(0) << u"concurrency"_s;
        QTest::newRow("total in open loop") << u"total_requests"_s << QJsonValue(50) << u"total_requests"_s;
        QTest::newRow("unknown field") << u"rat"_s << QJsonValue(5) << u"rat"_s;
    }

    void refusesBadSettings()
    {
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        QFETCH(QString, named);
        QJsonObject json = baseSettings();
        json.insert(field, value);
        const Result<LoadTestSettings> settings = LoadTestSettings::fromJson(json);
        QVERIFY(!settings);
        QCOMPARE(settings.error().type, ErrorType::InvalidArgument);
        QCOMPARE(settings.error().details.value(u"field"_s).toString(), named);
    }

    void closedLoopByCount()
    {
        QJsonObject json = baseSettings();
        json.remove(u"rate"_s);
        json.remove(u"duration_ms"_s);
        json.insert(u"mode"_s, u"closed"_s);
        json.insert(u"concurrency"_s, 10);
        json.insert(u"total_requests"_s, 50);
        const Result<LoadTestSettings> settings = LoadTestSettings::fromJson(json);
        QVERIFY2(settings, qPrintable(settings ? QString() : settings.error().message));
        QCOMPARE(settings->concurrency, 10);
        QCOMPARE(settings->totalRequests, 50);
        QVERIFY(settings->durationMs > 0);
    }

    void fixedRateScheduleIsEvenlySpaced()
    {
        LoadTestSettings settings;
        settings.mode = LoadTestSettings::Mode::Rate;
        settings.rate = 200;
        settings.durationMs = 1000;
        ArrivalSchedule schedule(settings);
        QList<qint64> times;
        while (const std::optional<qint64> at = schedule.next())
            times.append(*at);
        QCOMPARE(times.size(), 200);
        for (qsizetype i = 0; i < times.size(); ++i)
            QCOMPARE(times.at(i), qint64(i) * 5000000);
    }

    void rampScheduleFollowsTheRatesIntegral()
    {
        // From 10/s to 50/s over 2 s: 10·2 + 40·2/2 = 60 requests; in the first second
        // 10 + 20·1²/2... = from·t + (to−from)·t²/(2D) = 10 + 10 = 20.
        LoadTestSettings settings;
        settings.mode = LoadTestSettings::Mode::Ramp;
        settings.rampFrom = 10;
        settings.rampTo = 50;
        settings.durationMs = 2000;
        ArrivalSchedule schedule(settings);
        QList<qint64> times;
        while (const std::optional<qint64> at = schedule.next())
            times.append(*at);
        QCOMPARE(times.size(), 60);
        QCOMPARE(std::count_if(times.cbegin(), times.cend(), [](qint64 t) { return t < 1000000000; }), 20);
        QVERIFY(std::is_sorted(times.cbegin(), times.cend()));
        QCOMPARE(schedule.rateAt(0), 10.0);
        QCOMPARE(schedule.rateAt(1000000000), 30.0);
        // Falling ramps too: 50 → 10 is the same count, denser first.
        settings.rampFrom = 50;
        settings.rampTo = 10;
        ArrivalSchedule falling(settings);
        int n = 0;
        int firstSecond = 0;
        while (const std::optional<qint64> at = falling.next()) {
            ++n;
            firstSecond += *at < 1000000000 ? 1 : 0;
        }
        QCOMPARE(n, 60);
        QCOMPARE(firstSecond, 40);
    }

    void poissonScheduleIsSeededWithTheMeanRate()
    {
        LoadTestSettings settings;
        settings.mode = LoadTestSettings::Mode::Poisson;
        settings.rate = 1000;
        settings.durationMs = 10000;
        settings.seed = 42;
        ArrivalSchedule a(settings);
        ArrivalSchedule b(settings);
        int n = 0;
        while (const std::optional<qint64> at = a.next()) {
            QCOMPARE(b.next(), at);
            ++n;
        }
        // 10,000 expected; a Poisson count's sd is 100: 5 sd either side.
        QVERIFY2(n > 9500 && n < 10500, qPrintable(QString::number(n)));
        settings.seed = 43;
        ArrivalSchedule other(settings);
        other.next();
        QVERIFY(other.next() != ArrivalSchedule(LoadTestSettings(settings)).next());
    }

    void resultRoundTripsAndRefusesNonsense()
    {
        LoadTestResult result;
        result.settings = *LoadTestSettings::fromJson(baseSettings());
        result.elapsedNs = 2000000000;
        result.sent = 200;
        result.total.answered = 200;
        result.total.succeeded = 190;
        result.total.statuses = {{200, 190}, {500, 10}};
        for (int i = 1; i <= 200; ++i)
            result.total.latency.record(qint64(i) * 1000000);
        result.byRevision.insert("v1", result.total);
        result.byRoute.insert("=cmd|' /C calc'!A0", result.total);
        result.evaluateTargets();
        // rps 100 > 30 passes; p95 ≈ 190 ms < 200 passes; success 95 % is not > 95 %.
        QCOMPARE(result.targets.size(), 3);
        QVERIFY(result.targets.at(0).passed);
        QVERIFY(result.targets.at(1).passed);
        QVERIFY(!result.targets.at(2).passed);
        QVERIFY(!result.passed());
        const Result<LoadTestResult> back = LoadTestResult::fromJson(result.toJson());
        QVERIFY2(back, qPrintable(back ? QString() : back.error().message));
        QCOMPARE(back->toJson(), result.toJson());
        const QByteArray csv = result.toCsv();
        QCOMPARE(csv.count('\n'), 4);  // header, total, one route, one revision
        QVERIFY(csv.contains("\"'=cmd|' /C calc'!A0\""));
        QJsonObject bad = result.toJson();
        bad.insert(u"version"_s, 99);
        QVERIFY(!LoadTestResult::fromJson(bad));
        bad = result.toJson();
        QJsonObject total = bad.value(u"total"_s).toObject();
        total.insert(u"succeeded"_s, 1000);
        bad.insert(u"total"_s, total);
        QVERIFY(!LoadTestResult::fromJson(bad));
    }
};

QTEST_GUILESS_MAIN(TestLoadTestSettings)
#include "test_loadtestsettings.moc"
