#include <cmath>
#include <numbers>

#include <QJsonObject>
#include <QTest>

#include "traffic/trafficpattern.h"

using namespace ServeDeck;

namespace {

TrafficPattern pattern(TrafficPattern::Kind kind, double min, double max, qint64 periodMs, quint64 seed = 0)
{
    const Result<TrafficPattern> p = TrafficPattern::make(kind, min, max, periodMs, seed);
    return p.ok() ? *p : TrafficPattern{};
}

} // namespace

class TestTrafficPattern : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void formula_data();
    void formula();
    void staysWithinBounds_data();
    void staysWithinBounds();
    void randomWalk();
    void fromJson();
    void invalid_data();
    void invalid();
};

using Kind = TrafficPattern::Kind;

// Each curve at chosen times against its formula (README, "Traffic simulator"): min 5, max 85,
// period 120 s unless the row says otherwise.
void TestTrafficPattern::formula_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<double>("expected");

    const auto row = [](const char *name, Kind kind, qint64 ms, double expected) {
        QTest::newRow(name) << int(kind) << ms << expected;
    };
    row("constant at 0", Kind::Constant, 0, 85);
    row("constant later", Kind::Constant, 3600000, 85);
    // linear: min + (max - min) * (t mod P) / P, a sawtooth.
    row("linear start", Kind::Linear, 0, 5);
    row("linear quarter", Kind::Linear, 30000, 25);
    row("linear half", Kind::Linear, 60000, 45);
    row("linear just before the end", Kind::Linear, 119999, 5 + 80 * 119999.0 / 120000);
    row("linear starts again", Kind::Linear, 120000, 5);
    row("linear second period", Kind::Linear, 150000, 25);
    // seasonal: min + (max - min) * (1 + sin(2 pi t / P)) / 2.
    row("seasonal start (middle)", Kind::Seasonal, 0, 45);
    row("seasonal peak", Kind::Seasonal, 30000, 85);
    row("seasonal middle again", Kind::Seasonal, 60000, 45);
    row("seasonal trough", Kind::Seasonal, 90000, 5);
    row("seasonal next peak", Kind::Seasonal, 150000, 85);
    row("seasonal eighth", Kind::Seasonal, 15000, 5 + 80 * (1 + std::sin(std::numbers::pi / 4)) / 2);
    // exponential: min * (max / min)^((t mod P) / P).
    row("exponential start", Kind::Exponential, 0, 5);
    row("exponential half", Kind::Exponential, 60000, 5 * std::sqrt(17.0));
    row("exponential quarter", Kind::Exponential, 30000, 5 * std::pow(17.0, 0.25));
    row("exponential starts again", Kind::Exponential, 120000, 5);
    // cyclical: min + (max - min) * (1 - |2 u - 1|), u = (t mod P) / P: a triangle.
    row("cyclical start", Kind::Cyclical, 0, 5);
    row("cyclical quarter", Kind::Cyclical, 30000, 45);
    row("cyclical middle (peak)", Kind::Cyclical, 60000, 85);
    row("cyclical three quarters", Kind::Cyclical, 90000, 45);
    row("cyclical next period", Kind::Cyclical, 120000, 5);
    row("cyclical before time 0", Kind::Cyclical, -5000, 5);
}

void TestTrafficPattern::formula()
{
    QFETCH(int, kind);
    QFETCH(qint64, ms);
    QFETCH(double, expected);

    const Result<TrafficPattern> p = TrafficPattern::make(Kind(kind), 5, 85, 120000, 7);
    QVERIFY2(p.ok(), qPrintable(p.ok() ? QString() : p.error().message));
    const double rate = p->rateAt(ms);
    QVERIFY2(std::abs(rate - expected) < 1e-9, qPrintable(QStringLiteral("%1 != %2").arg(rate).arg(expected)));
}

void TestTrafficPattern::staysWithinBounds_data()
{
    QTest::addColumn<int>("kind");
    for (Kind kind : {Kind::Constant, Kind::Linear, Kind::Seasonal, Kind::RandomWalk, Kind::Exponential, Kind::Cyclical})
        QTest::newRow(qPrintable(TrafficPattern::kindName(kind))) << int(kind);
}

// Every 250 ms over three periods (720 points): never outside [min, max], and both ends come
// near (a curve stuck at one rate would fail), except constant and the walk, which is checked apart.
void TestTrafficPattern::staysWithinBounds()
{
    QFETCH(int, kind);
    const TrafficPattern p = pattern(Kind(kind), 2, 50, 60000, 3);
    QCOMPARE(p.kind, Kind(kind));
    double lowest = 1e9;
    double highest = -1;
    int points = 0;
    for (qint64 ms = 0; ms < 180000; ms += 250, ++points) {
        const double rate = p.rateAt(ms);
        QVERIFY2(rate >= 2 && rate <= 50, qPrintable(QStringLiteral("%1 at %2 ms").arg(rate).arg(ms)));
        lowest = std::min(lowest, rate);
        highest = std::max(highest, rate);
    }
    QCOMPARE(points, 720);
    if (Kind(kind) == Kind::Constant) {
        QCOMPARE(lowest, 50.0);
        QCOMPARE(highest, 50.0);
    } else if (Kind(kind) != Kind::RandomWalk) {
        QVERIFY2(lowest < 2.5, qPrintable(QString::number(lowest)));
        QVERIFY2(highest > 47.5, qPrintable(QString::number(highest)));
    }
}

// From the middle, one step a second of at most (max - min) / 10, reflected at the bounds;
// the same seed gives the same walk.
void TestTrafficPattern::randomWalk()
{
    const TrafficPattern a = pattern(Kind::RandomWalk, 10, 110, 60000, 42);
    const TrafficPattern again = pattern(Kind::RandomWalk, 10, 110, 60000, 42);
    const TrafficPattern other = pattern(Kind::RandomWalk, 10, 110, 60000, 43);
    QCOMPARE(a.rateAt(0), 60.0);
    QCOMPARE(a.rateAt(999), 60.0);  // a step a second: constant in between
    int differs = 0;
    int moves = 0;
    double lowest = 1e9;
    double highest = -1;
    for (qint64 s = 1; s <= 2000; ++s) {
        const double rate = a.rateAt(s * 1000);
        const double before = a.rateAt((s - 1) * 1000);
        QVERIFY(rate >= 10 && rate <= 110);
        QVERIFY2(std::abs(rate - before) <= 10.0 + 1e-9, qPrintable(QStringLiteral("step %1").arg(s)));
        QCOMPARE(a.rateAt(s * 1000 + 500), rate);
        QCOMPARE(again.rateAt(s * 1000), rate);
        differs += other.rateAt(s * 1000) != rate ? 1 : 0;
        moves += rate != before ? 1 : 0;
        lowest = std::min(lowest, rate);
        highest = std::max(highest, rate);
    }
    QCOMPARE(moves, 2000);
    QVERIFY(differs > 1900);
    // 2000 steps of up to 10 wander across most of a range of 100.
    QVERIFY2(highest - lowest > 50, qPrintable(QStringLiteral("%1..%2").arg(lowest).arg(highest)));
}

void TestTrafficPattern::fromJson()
{
    const Result<TrafficPattern> p = TrafficPattern::fromJson(
        QJsonObject{{QStringLiteral("pattern"), QStringLiteral("seasonal")}, {QStringLiteral("min_rate"), 5},
                    {QStringLiteral("max_rate"), 80}, {QStringLiteral("period_ms"), 120000}, {QStringLiteral("seed"), 9}});
    QVERIFY2(p.ok(), qPrintable(p.ok() ? QString() : p.error().message));
    QCOMPARE(p->kind, Kind::Seasonal);
    QCOMPARE(p->minRate, 5.0);
    QCOMPARE(p->maxRate, 80.0);
    QCOMPARE(p->periodMs, 120000);
    QCOMPARE(p->seed, 9u);
    const Result<TrafficPattern> back = TrafficPattern::fromJson(p->toJson());
    QVERIFY(back.ok());
    QVERIFY(*back == *p);

    const Result<TrafficPattern> constant = TrafficPattern::fromJson(
        QJsonObject{{QStringLiteral("pattern"), QStringLiteral("constant")}, {QStringLiteral("max_rate"), 20}});
    QVERIFY(constant.ok());
    QCOMPARE(constant->rateAt(12345), 20.0);
}

void TestTrafficPattern::invalid_data()
{
    QTest::addColumn<QJsonObject>("json");
    QTest::addColumn<QString>("field");

    const auto seasonal = [](std::initializer_list<std::pair<QString, QJsonValue>> extra) {
        QJsonObject o{{QStringLiteral("pattern"), QStringLiteral("seasonal")}, {QStringLiteral("min_rate"), 5},
                      {QStringLiteral("max_rate"), 80}, {QStringLiteral("period_ms"), 120000}};
        for (const auto &[key, value] : extra)
            o.insert(key, value);
        return o;
    };
    QTest::newRow("unknown pattern") << seasonal({{QStringLiteral("pattern"), QStringLiteral("sine")}}) << QStringLiteral("pattern");
    QTest::newRow("pattern missing") << QJsonObject{{QStringLiteral("max_rate"), 5}} << QStringLiteral("pattern");
    QTest::newRow("max_rate missing") << QJsonObject{{QStringLiteral("pattern"), QStringLiteral("linear")}}
                                      << QStringLiteral("max_rate");
    QTest::newRow("max_rate zero") << seasonal({{QStringLiteral("min_rate"), 0}, {QStringLiteral("max_rate"), 0}})
                                   << QStringLiteral("max_rate");
    QTest::newRow("max_rate over the cap") << seasonal({{QStringLiteral("max_rate"), 5001}}) << QStringLiteral("max_rate");
    QTest::newRow("max_rate a string") << seasonal({{QStringLiteral("max_rate"), QStringLiteral("80")}})
                                       << QStringLiteral("max_rate");
    QTest::newRow("min_rate negative") << seasonal({{QStringLiteral("min_rate"), -1}}) << QStringLiteral("min_rate");
    QTest::newRow("min above max") << seasonal({{QStringLiteral("min_rate"), 90}}) << QStringLiteral("min_rate");
    QTest::newRow("min equals max") << seasonal({{QStringLiteral("min_rate"), 80}}) << QStringLiteral("min_rate");
    QTest::newRow("exponential from 0")
        << seasonal({{QStringLiteral("pattern"), QStringLiteral("exponential")}, {QStringLiteral("min_rate"), 0}})
        << QStringLiteral("min_rate");
    QTest::newRow("period too short") << seasonal({{QStringLiteral("period_ms"), 999}}) << QStringLiteral("period_ms");
    QTest::newRow("period negative") << seasonal({{QStringLiteral("period_ms"), -120000}}) << QStringLiteral("period_ms");
    QTest::newRow("period fractional") << seasonal({{QStringLiteral("period_ms"), 1500.5}}) << QStringLiteral("period_ms");
    QTest::newRow("period over a week") << seasonal({{QStringLiteral("period_ms"), 604800001.0}})
                                        << QStringLiteral("period_ms");
    QTest::newRow("seed negative") << seasonal({{QStringLiteral("seed"), -1}}) << QStringLiteral("seed");
    QTest::newRow("unknown field") << seasonal({{QStringLiteral("rate"), 5}}) << QStringLiteral("rate");
}

void TestTrafficPattern::invalid()
{
    QFETCH(QJsonObject, json);
    QFETCH(QString, field);
    const Result<TrafficPattern> p = TrafficPattern::fromJson(json);
    QVERIFY(!p.ok());
    QCOMPARE(p.error().type, ErrorType::InvalidArgument);
    QCOMPARE(p.error().details.value(QStringLiteral("field")).toString(), field);
}

QTEST_GUILESS_MAIN(TestTrafficPattern)
#include "test_trafficpattern.moc"
