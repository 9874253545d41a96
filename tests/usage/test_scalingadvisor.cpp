// ScalingAdvisor over synthetic histories: generated minute samples, no store, no sleeping.
#include <functional>

#include <QRandomGenerator>
#include <QTest>

#include "usage/scalingadvisor.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

const QDate kMonday(2026, 11, 2);

// Minute samples from `from` for `minutes`, each filled by `fill` (given the sample's UTC time).
QList<UsageSample> history(const QDateTime &from, int minutes, const std::function<void(const QDateTime &, UsageSample &)> &fill)
{
    QList<UsageSample> out;
    out.reserve(minutes);
    for (int i = 0; i < minutes; ++i) {
        UsageSample s;
        s.start = from.addSecs(qint64(i) * 60);
        s.seconds = 60;
        fill(s.start, s);
        out << s;
    }
    return out;
}

void load(UsageSample &s, double rps, int replicas, std::optional<double> p95 = 50.0)
{
    s.requestsPerSecond = rps;
    s.requests = qint64(rps * s.seconds);
    s.replicas = replicas;
    s.desiredReplicas = replicas;
    s.p95Ms = rps > 0 ? p95 : std::nullopt;
}

// withRule: a requests/s rule by steps (which the advisor also replays: only where it matters,
// as a replay of days takes seconds in a debug build).
ScalingAdvisor::Input input(QList<UsageSample> samples, bool withRule = false)
{
    ScalingAdvisor::Input in;
    in.endpoint.id = QUuid::createUuid();
    in.endpoint.name = u"chat"_s;
    in.endpoint.replicas = 1;
    in.endpoint.lifecycle = EndpointLifecycle::Ready;
    AutoScalingRule rule;
    rule.id = QUuid::createUuid();
    rule.endpointId = in.endpoint.id;
    rule.source = MetricSource::Proxy;
    rule.metric = u"requests_per_second"_s;
    rule.threshold = 20;
    rule.minReplicas = 1;
    rule.maxReplicas = 8;
    if (withRule)
        in.rules << rule;
    in.settings.endpointId = in.endpoint.id;
    in.samples = std::move(samples);
    in.now = in.samples.isEmpty() ? QDateTime(kMonday, QTime(0, 0), Qt::UTC)
                                  : in.samples.last().start.addSecs(60);
    in.zone = QTimeZone::utc();
    return in;
}

QList<Recommendation> ofKind(const ScalingAdvisor::Report &report, const QString &kind)
{
    QList<Recommendation> out;
    for (const Recommendation &r : report.recommendations) {
        if (r.kind == kind)
            out << r;
    }
    return out;
}

ScalingAdvisor::Report advise(const ScalingAdvisor::Input &in)
{
    auto report = ScalingAdvisor::advise(in);
    if (!report)
        qFatal("advise failed: %s", qPrintable(report.error().message));
    return *report;
}

// Two weeks from Monday 00:00: weekdays 09:00-18:00 at 40 requests/s, scaled out to `peak` by
// 09:06 (p95 above 200 ms while it grew on 4 of the 5 last weekdays), 2 requests/s otherwise.
QList<UsageSample> officeHours(int peak)
{
    return history(QDateTime(kMonday, QTime(0, 0), Qt::UTC), 14 * 1440, [peak](const QDateTime &t, UsageSample &s) {
        const int minute = t.time().hour() * 60 + t.time().minute();
        const bool weekday = t.date().dayOfWeek() <= 5;
        if (!weekday || minute < 9 * 60 || minute >= 18 * 60) {
            // The rule brings the count back in a few minutes after the load goes.
            load(s, 2, weekday && minute >= 18 * 60 && minute < 18 * 60 + 5 ? peak : 1);
            return;
        }
        const int into = minute - 9 * 60;
        const int replicas = into < 3 ? 1 : into < 6 ? std::max(1, peak - 1) : peak;
        const bool slowDay = t.date().day() != 9;  // Monday 9 November kept its p95
        load(s, 40, replicas, into >= 5 && into < 7 && slowDay ? 320.0 : 80.0);
    });
}

} // namespace

class TestScalingAdvisor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void weekdayOfficeHoursGiveAScheduleFloor_data()
    {
        QTest::addColumn<int>("peak");
        QTest::newRow("peak 3") << 3;
        QTest::newRow("peak 5") << 5;
    }
    void weekdayOfficeHoursGiveAScheduleFloor()
    {
        QFETCH(int, peak);
        ScalingAdvisor::Input in = input(officeHours(peak));
        in.endpoint.latencyTargetMs = 200;
        const auto report = advise(in);
        const auto floors = ofKind(report, Recommendation::kScheduleFloor);
        QCOMPARE(floors.size(), 1);
        const Recommendation &r = floors.first();
        QCOMPARE(r.number, 1);
        QCOMPARE(r.change.schedule.value_or(QString()), u"mon-fri 09:00-18:00 min=%1"_s.arg(peak));
        QVERIFY(!r.isWarning());
        QCOMPARE(r.evidence[u"floor"_s].toInt(), peak);
        QCOMPARE(r.evidence[u"weekdays_seen"_s].toInt(), 5);
        QCOMPARE(r.evidence[u"days_regular"_s].toInt(), 5);
        QCOMPARE(r.evidence[u"p95_over_target_days"_s].toInt(), 4);
        QCOMPARE(r.evidence[u"samples"_s].toInt(), 5 * 1440);
        QCOMPARE(r.evidence[u"busy_requests_per_second"_s].toDouble(), 40.0);
        QCOMPARE(r.evidence[u"rest_requests_per_second"_s].toDouble(), 2.0);
        QVERIFY2(r.explanation.contains(u"p95 rose above 200 ms at 09:05 on 4 of the last 5 weekdays"_s),
                 qPrintable(r.explanation));
    }

    void anExistingScheduleIsKeptAndExtended()
    {
        ScalingAdvisor::Input in = input(officeHours(3));
        in.settings.schedule = u"sat 10:00-12:00 min=1"_s;
        const auto floors = ofKind(advise(in), Recommendation::kScheduleFloor);
        QCOMPARE(floors.size(), 1);
        QCOMPARE(floors.first().change.schedule.value_or(QString()), u"sat 10:00-12:00 min=1; mon-fri 09:00-18:00 min=3"_s);
        // A floor already in force there: nothing to gain.
        in.settings.schedule = u"mon-fri 08:00-19:00 min=3"_s;
        QVERIFY(ofKind(advise(in), Recommendation::kScheduleFloor).isEmpty());
        // Nor where a rule's minimum keeps as many.
        in = input(officeHours(3).mid(7 * 1440), true);
        QCOMPARE(ofKind(advise(in), Recommendation::kScheduleFloor).size(), 1);
        in.rules.first().minReplicas = 3;
        QVERIFY(ofKind(advise(in), Recommendation::kScheduleFloor).isEmpty());
    }

    void noScheduleWithoutRegularWeekdayLoad_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::newRow("weekend only") << u"weekend"_s;
        QTest::newRow("random") << u"random"_s;
        QTest::newRow("four weekdays") << u"short"_s;
    }
    void noScheduleWithoutRegularWeekdayLoad()
    {
        QFETCH(QString, pattern);
        QRandomGenerator random(16);
        QList<UsageSample> samples;
        if (pattern == u"weekend") {
            samples = history(QDateTime(kMonday, QTime(0, 0), Qt::UTC), 14 * 1440, [](const QDateTime &t, UsageSample &s) {
                const bool busy = t.date().dayOfWeek() >= 6 && t.time().hour() >= 9 && t.time().hour() < 18;
                load(s, busy ? 40 : 2, busy ? 3 : 1);
            });
        } else if (pattern == u"random") {
            // Each hour its own random rate and count: busy hours, but never the same ones.
            QList<double> rates;
            QList<int> counts;
            for (int hour = 0; hour < 14 * 24; ++hour) {
                rates << random.bounded(40.0);
                counts << 1 + int(random.bounded(4));
            }
            const QDateTime from(kMonday, QTime(0, 0), Qt::UTC);
            samples = history(from, 14 * 1440, [&](const QDateTime &t, UsageSample &s) {
                const auto hour = qsizetype(from.secsTo(t) / 3600);
                load(s, rates[hour], counts[hour]);
            });
        } else {
            // Office hours, but only four weekdays recorded (Tuesday to Friday).
            samples = officeHours(3).mid(1440, 4 * 1440);
        }
        const auto report = advise(input(samples));
        QVERIFY(ofKind(report, Recommendation::kScheduleFloor).isEmpty());
        if (pattern == u"short")
            QVERIFY2(report.notes.join(u'\n').contains(u"needs 5 weekdays of samples, has 4"_s), qPrintable(report.notes.join(u'\n')));
    }

    void idleNightsGiveAnIdleTimeout_data()
    {
        QTest::addColumn<std::optional<int>>("coldStart");
        QTest::addColumn<int>("timeout");
        QTest::newRow("default") << std::optional<int>() << 900;
        QTest::newRow("slow cold start") << std::optional<int>(1200) << 1200;
    }
    void idleNightsGiveAnIdleTimeout()
    {
        QFETCH(std::optional<int>, coldStart);
        QFETCH(int, timeout);
        // Seven days from 08:00: busy 08:00-20:00, idle 20:00-08:00 with 2 replicas held.
        auto samples = history(QDateTime(kMonday, QTime(8, 0), Qt::UTC), 7 * 1440, [](const QDateTime &t, UsageSample &s) {
            const int hour = t.time().hour();
            load(s, hour >= 8 && hour < 20 ? 10 : 0, 2);
        });
        ScalingAdvisor::Input in = input(samples);
        in.coldStartSeconds = coldStart;
        const auto idle = ofKind(advise(in), Recommendation::kIdleTimeout);
        QCOMPARE(idle.size(), 1);
        const Recommendation &r = idle.first();
        QCOMPARE(r.change.idleTimeoutSeconds.value_or(-1), timeout);
        QCOMPARE(r.evidence[u"idle_stretches"_s].toInt(), 7);
        QCOMPARE(r.evidence[u"typical_start"_s].toString(), u"20:00"_s);
        QCOMPARE(r.evidence[u"typical_end"_s].toString(), u"08:00"_s);
        // Each night: 12 h idle, of which all but the timeout would have run no replica.
        QCOMPARE(r.evidence[u"replica_hours_saved"_s].toDouble(), 7 * 2 * (12.0 - timeout / 3600.0));
        QVERIFY2(r.explanation.contains(u"from 20:00 to 08:00"_s), qPrintable(r.explanation));
    }

    void noIdleTimeoutWithoutIdleHeldReplicas_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::newRow("always busy") << u"busy"_s;
        QTest::newRow("idle at zero replicas") << u"zero"_s;
        QTest::newRow("already on") << u"on"_s;
        // Idle nights, but every other hour unrecorded: a gap tells nothing, so no stretch is long.
        QTest::newRow("gaps") << u"gaps"_s;
    }
    void noIdleTimeoutWithoutIdleHeldReplicas()
    {
        QFETCH(QString, pattern);
        auto samples = history(QDateTime(kMonday, QTime(8, 0), Qt::UTC), 7 * 1440, [&](const QDateTime &t, UsageSample &s) {
            const bool night = t.time().hour() < 8 || t.time().hour() >= 20;
            if (pattern == u"busy")
                load(s, 10, 2);
            else
                load(s, night ? 0 : 10, night && pattern == u"zero" ? 0 : 2);
        });
        if (pattern == u"gaps")
            samples.removeIf([](const UsageSample &s) { return s.start.time().hour() % 2 == 1; });
        ScalingAdvisor::Input in = input(samples);
        if (pattern == u"on")
            in.settings.idleTimeoutSeconds = 600;
        QVERIFY(ofKind(advise(in), Recommendation::kIdleTimeout).isEmpty());
    }

    void targetPerReplicaFromMinutesWithinTheLatencyTarget()
    {
        // 60 minutes within 200 ms at 1..60 requests/s per replica (2 replicas), and 20 over it
        // at 100 per replica, which must not count.
        QList<UsageSample> samples;
        const QDateTime from(kMonday, QTime(10, 0), Qt::UTC);
        for (int i = 0; i < 80; ++i) {
            UsageSample s;
            s.start = from.addSecs(qint64(i) * 60);
            const bool within = i < 60;
            load(s, within ? 2.0 * (i + 1) : 200.0, 2, within ? 150.0 : 400.0);
            s.requests = qint64(s.requestsPerSecond * 60);
            samples << s;
        }
        ScalingAdvisor::Input in = input(samples, true);
        in.endpoint.latencyTargetMs = 200;
        in.rules.first().targetPerReplica = 10;
        auto targets = ofKind(advise(in), Recommendation::kTargetPerReplica);
        QCOMPARE(targets.size(), 1);
        // The 90th percentile (nearest rank) of 1..60 is 54; 80 % of it is 43.2.
        QCOMPARE(targets.first().evidence[u"sustained_per_replica"_s].toDouble(), 54.0);
        QCOMPARE(targets.first().change.targetPerReplica.value_or(0), 43.2);
        QCOMPARE(targets.first().change.ruleId, in.rules.first().id);
        QCOMPARE(targets.first().evidence[u"samples_over_target"_s].toInt(), 20);

        // A rule that targets about that already: nothing to say.
        in.rules.first().targetPerReplica = 45;
        QVERIFY(ofKind(advise(in), Recommendation::kTargetPerReplica).isEmpty());

        // No rule on requests/s: said, with nothing to apply.
        in.rules.first().metric = u"cpu_utilization"_s;
        targets = ofKind(advise(in), Recommendation::kTargetPerReplica);
        QCOMPARE(targets.size(), 1);
        QVERIFY(targets.first().isWarning());

        // No latency target: no recommendation, and a note that says why.
        in.endpoint.latencyTargetMs.reset();
        const auto report = advise(in);
        QVERIFY(ofKind(report, Recommendation::kTargetPerReplica).isEmpty());
        QVERIFY(report.notes.join(u'\n').contains(u"no latency target"_s));
    }

    void numbersFollowTheKinds()
    {
        // Office hours with idle nights, a latency target: schedule, idle, target, in that order.
        auto samples = officeHours(3);
        for (UsageSample &s : samples) {
            const int hour = s.start.time().hour();
            if (hour < 7 || hour >= 21)
                load(s, 0, 1);
        }
        ScalingAdvisor::Input in = input(samples, true);
        in.endpoint.latencyTargetMs = 200;
        const auto report = advise(in);
        QStringList kinds;
        for (const Recommendation &r : report.recommendations) {
            QCOMPARE(r.number, int(kinds.size() + 1));
            kinds << r.kind;
        }
        QVERIFY2(kinds.size() == 3, qPrintable(kinds.join(u',') + u'\n' + report.notes.join(u'\n')));
        QCOMPARE(kinds, (QStringList{Recommendation::kScheduleFloor, Recommendation::kIdleTimeout,
                                     Recommendation::kTargetPerReplica}));
    }
};

QTEST_GUILESS_MAIN(TestScalingAdvisor)
#include "test_scalingadvisor.moc"
