#include "scalingadvisor.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>

#include "autoscale/replicaschedule.h"
#include "usage/autoscalerreplay.h"

namespace ServeDeck {

namespace {

const QString kRequestsMetric = QStringLiteral("requests_per_second");

QString hhmm(int minuteOfDay)
{
    return QStringLiteral("%1:%2").arg(minuteOfDay / 60, 2, 10, QLatin1Char('0')).arg(minuteOfDay % 60, 2, 10, QLatin1Char('0'));
}

QString rate(double value)
{
    return QString::number(value, 'f', value < 10 ? 2 : 1);
}

QString replicasText(int count)
{
    return count == 1 ? QStringLiteral("1 replica") : QStringLiteral("%1 replicas").arg(count);
}

template<typename T>
T median(QList<T> values)
{
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? T() : values[values.size() / 2];
}

// Nearest rank: the smallest value at least `share` of the values are at or under.
double percentile(QList<double> values, double share)
{
    std::sort(values.begin(), values.end());
    const qsizetype rank = std::clamp<qsizetype>(qsizetype(std::ceil(share * double(values.size()))), 1, values.size());
    return values[rank - 1];
}

struct HourStats
{
    double requestSeconds = 0;  // requests/s × seconds
    double seconds = 0;
    int maxDesired = -1;
    bool scaledOut = false;          // a scale event up in it
    std::optional<int> overTargetAt; // the first minute of the day p95 was above the target in it

    bool seen() const { return seconds > 0; }
    double rate() const { return seconds > 0 ? requestSeconds / seconds : 0; }
};
using Day = std::array<HourStats, 24>;

int hoursSeen(const Day &day)
{
    return int(std::count_if(day.begin(), day.end(), [](const HourStats &h) { return h.seen(); }));
}

// Which hours of a day were busy (rate well above the day's usual hour) and scaled out in.
std::array<bool, 24> busyHours(const Day &day, bool *anyBusy = nullptr)
{
    QList<double> rates;
    double peak = 0;
    int minDesired = std::numeric_limits<int>::max();
    for (const HourStats &h : day) {
        if (!h.seen())
            continue;
        rates << h.rate();
        peak = std::max(peak, h.rate());
        if (h.maxDesired >= 0)
            minDesired = std::min(minDesired, h.maxDesired);
    }
    const double usual = median(rates);
    std::array<bool, 24> busy{};
    for (int hour = 0; hour < 24; ++hour) {
        const HourStats &h = day[std::size_t(hour)];
        const bool loaded = h.seen() && h.rate() > 0 && h.rate() >= ScalingAdvisor::kBusyFactor * usual
            && h.rate() >= ScalingAdvisor::kBusyShareOfPeak * peak;
        const bool grew = h.scaledOut || h.maxDesired > minDesired || h.overTargetAt.has_value();
        busy[std::size_t(hour)] = loaded && grew;
        if (anyBusy && busy[std::size_t(hour)])
            *anyBusy = true;
    }
    return busy;
}

struct Context
{
    const ScalingAdvisor::Input &in;
    ScalingAdvisor::Report &report;
};

void scheduleFloor(Context &c)
{
    const auto &in = c.in;
    std::map<QDate, Day> days;
    for (const UsageSample &s : in.samples) {
        const QDateTime local = s.start.toTimeZone(in.zone);
        HourStats &h = days[local.date()][std::size_t(local.time().hour())];
        h.requestSeconds += s.requestsPerSecond * s.seconds;
        h.seconds += s.seconds;
        h.maxDesired = std::max(h.maxDesired, s.desiredReplicas);
        if (in.endpoint.latencyTargetMs && s.p95Ms && *s.p95Ms > *in.endpoint.latencyTargetMs && !h.overTargetAt)
            h.overTargetAt = local.time().hour() * 60 + local.time().minute();
    }
    for (const ScaleEvent &e : in.scaleEvents) {
        if (e.after <= e.before)
            continue;
        const QDateTime local = e.time.toTimeZone(in.zone);
        if (auto it = days.find(local.date()); it != days.end())
            it->second[std::size_t(local.time().hour())].scaledOut = true;
    }
    QList<QDate> weekdays;
    QList<QDate> weekend;
    for (const auto &[date, day] : days) {
        if (hoursSeen(day) < ScalingAdvisor::kMinHoursPerDay)
            continue;
        (date.dayOfWeek() <= 5 ? weekdays : weekend) << date;
    }
    if (weekdays.size() < ScalingAdvisor::kScheduleDays) {
        c.report.notes << QStringLiteral("schedule floor: needs %1 weekdays of samples, has %2")
                              .arg(ScalingAdvisor::kScheduleDays)
                              .arg(weekdays.size());
        return;
    }
    weekdays = weekdays.mid(weekdays.size() - ScalingAdvisor::kScheduleDays);

    std::array<int, 24> regular{};
    for (const QDate &date : std::as_const(weekdays)) {
        const auto busy = busyHours(days[date]);
        for (int hour = 0; hour < 24; ++hour)
            regular[std::size_t(hour)] += busy[std::size_t(hour)] ? 1 : 0;
    }
    // The longest run of hours busy on enough of the days.
    int bestStart = -1, bestLength = 0;
    for (int hour = 0; hour < 24;) {
        if (regular[std::size_t(hour)] < ScalingAdvisor::kScheduleMinDays) {
            ++hour;
            continue;
        }
        int end = hour;
        while (end < 24 && regular[std::size_t(end)] >= ScalingAdvisor::kScheduleMinDays)
            ++end;
        if (end - hour > bestLength) {
            bestStart = hour;
            bestLength = end - hour;
        }
        hour = end;
    }
    if (bestStart < 0)
        return;
    const int bestEnd = bestStart + bestLength;

    QList<int> peaks;
    QList<int> overTargetAt;
    int daysRegular = 0;
    double busyRate = 0, busySeconds = 0, restRate = 0, restSeconds = 0;
    qsizetype sampleCount = 0;
    for (const QDate &date : std::as_const(weekdays)) {
        const Day &day = days[date];
        const auto busy = busyHours(day);
        int peak = 0;
        int busyInWindow = 0;
        std::optional<int> firstOver;
        for (int hour = 0; hour < 24; ++hour) {
            const HourStats &h = day[std::size_t(hour)];
            const bool inWindow = hour >= bestStart && hour < bestEnd;
            (inWindow ? busyRate : restRate) += h.requestSeconds;
            (inWindow ? busySeconds : restSeconds) += h.seconds;
            if (!inWindow)
                continue;
            peak = std::max(peak, h.maxDesired);
            busyInWindow += busy[std::size_t(hour)] ? 1 : 0;
            if (h.overTargetAt && !firstOver)
                firstOver = h.overTargetAt;
        }
        peaks << peak;
        if (2 * busyInWindow >= bestLength)
            ++daysRegular;
        if (firstOver)
            overTargetAt << *firstOver;
    }
    for (const UsageSample &s : in.samples) {
        if (weekdays.contains(s.start.toTimeZone(in.zone).date()))
            ++sampleCount;
    }
    const int floor = std::min(median(peaks), ReplicaSchedule::kMaxFloor);
    // Nothing to gain where the rules' minimum or the schedule in force already keeps that many.
    int kept = 0;
    for (const AutoScalingRule &rule : in.rules)
        kept = std::max(kept, rule.minReplicas);
    std::optional<ReplicaSchedule> existing;
    if (!in.settings.schedule.isEmpty()) {
        if (auto parsed = ReplicaSchedule::parse(in.settings.schedule)) {
            existing = *parsed;
            const QDateTime probe(weekdays.last(), QTime(bestStart, 0), in.zone);
            kept = std::max(kept, existing->floorAt(probe).value_or(0));
        }
    }
    if (floor <= kept || floor <= 0)
        return;

    // Every day, when the weekend's days were busy in the same hours too.
    bool everyDay = weekend.size() >= 2;
    for (qsizetype i = std::max<qsizetype>(0, weekend.size() - 2); everyDay && i < weekend.size(); ++i) {
        const auto busy = busyHours(days[weekend[i]]);
        int busyInWindow = 0;
        for (int hour = bestStart; hour < bestEnd; ++hour)
            busyInWindow += busy[std::size_t(hour)] ? 1 : 0;
        everyDay = 2 * busyInWindow >= bestLength;
    }
    const QString dayText = everyDay ? QStringLiteral("daily") : QStringLiteral("mon-fri");
    const QString entry =
        QStringLiteral("%1 %2-%3 min=%4").arg(dayText, hhmm(bestStart * 60), hhmm(bestEnd * 60)).arg(floor);
    const QString schedule = existing ? in.settings.schedule.trimmed() + QStringLiteral("; ") + entry : entry;
    if (!ReplicaSchedule::parse(schedule))
        return;  // the endpoint's own schedule text no longer parses: never make it worse

    Recommendation r;
    r.kind = Recommendation::kScheduleFloor;
    r.title = QStringLiteral("Keep %1 warm %2").arg(replicasText(floor), entry.section(QStringLiteral(" min="), 0, 0));
    const double busyMean = busySeconds > 0 ? busyRate / busySeconds : 0;
    const double restMean = restSeconds > 0 ? restRate / restSeconds : 0;
    r.explanation = QStringLiteral("On %1 of the last %2 weekdays requests rose to %3/s between %4 and %5 (%6/s the rest "
                                   "of the day) and the endpoint scaled out, to %7 (the median of the daily peaks).")
                        .arg(daysRegular)
                        .arg(weekdays.size())
                        .arg(rate(busyMean), hhmm(bestStart * 60), hhmm(bestEnd * 60), rate(restMean),
                             replicasText(floor));
    if (in.endpoint.latencyTargetMs && !overTargetAt.isEmpty())
        r.explanation += QStringLiteral(" p95 rose above %1 ms at %2 on %3 of the last %4 weekdays while scaling out.")
                             .arg(*in.endpoint.latencyTargetMs)
                             .arg(hhmm(median(overTargetAt)))
                             .arg(overTargetAt.size())
                             .arg(weekdays.size());
    r.explanation += QStringLiteral(" A floor of %1 there has them ready before the load arrives.").arg(floor);
    r.evidence = {{QStringLiteral("weekdays_seen"), int(weekdays.size())},
                  {QStringLiteral("days_regular"), daysRegular},
                  {QStringLiteral("window_start"), hhmm(bestStart * 60)},
                  {QStringLiteral("window_end"), hhmm(bestEnd * 60)},
                  {QStringLiteral("floor"), floor},
                  {QStringLiteral("busy_requests_per_second"), busyMean},
                  {QStringLiteral("rest_requests_per_second"), restMean},
                  {QStringLiteral("p95_over_target_days"), int(overTargetAt.size())},
                  {QStringLiteral("samples"), qint64(sampleCount)}};
    r.change.schedule = schedule;
    c.report.recommendations << r;
}

void idleTimeout(Context &c)
{
    const auto &in = c.in;
    if (in.samples.isEmpty())
        return;
    if (in.settings.idleTimeoutSeconds > 0) {
        c.report.notes << QStringLiteral("idle timeout: scale to zero is on already (%1 s)").arg(in.settings.idleTimeoutSeconds);
        return;
    }
    struct Stretch
    {
        QDateTime start, end;
        double replicaSeconds = 0;
    };
    QList<Stretch> stretches;
    std::optional<Stretch> open;
    auto close = [&] {
        if (open && open->start.secsTo(open->end) >= ScalingAdvisor::kMinIdleStretchSeconds)
            stretches << *open;
        open.reset();
    };
    for (const UsageSample &s : in.samples) {
        const double held = s.replicas > 0 ? s.replicas : double(std::max(s.desiredReplicas, 0));
        const bool idle = s.requests == 0 && held > 0;
        // A gap between samples tells nothing: it ends a stretch.
        if (open && (!idle || open->end != s.start))
            close();
        if (!idle)
            continue;
        if (!open)
            open = Stretch{s.start, s.start, 0};
        open->end = s.start.addSecs(s.seconds);
        open->replicaSeconds += held * s.seconds;
    }
    close();
    const qint64 spanSeconds = in.samples.first().start.secsTo(in.samples.last().start.addSecs(in.samples.last().seconds));
    const int spanDays = std::max(1, int(std::lround(double(spanSeconds) / 86400.0)));
    if (stretches.size() < std::max<qsizetype>(ScalingAdvisor::kMinIdleStretches, (spanDays + 1) / 2))
        return;

    const int timeout = std::max({ScalingAdvisor::kDefaultIdleTimeoutSeconds, in.coldStartSeconds.value_or(0),
                                  ScalingAdvisor::kMinIdleTimeoutSeconds});
    double savedReplicaHours = 0;
    double idleHours = 0;
    QList<int> starts, ends;
    for (const Stretch &s : std::as_const(stretches)) {
        const qint64 length = s.start.secsTo(s.end);
        idleHours += double(length) / 3600.0;
        const double meanHeld = s.replicaSeconds / double(length);
        savedReplicaHours += meanHeld * double(std::max<qint64>(0, length - timeout)) / 3600.0;
        const QTime from = s.start.toTimeZone(in.zone).time();
        const QTime to = s.end.toTimeZone(in.zone).time();
        starts << from.hour() * 60 + from.minute();
        ends << to.hour() * 60 + to.minute();
    }
    Recommendation r;
    r.kind = Recommendation::kIdleTimeout;
    r.title = QStringLiteral("Scale to zero after %1 min idle").arg(timeout / 60);
    r.explanation = QStringLiteral("No request came for %1 h or more on %2 of the last %3 days, typically from %4 to %5, "
                                   "while replicas stayed up. Scaling to zero after %6 min idle would have saved "
                                   "%7 replica-hours; the first request after it waits for a cold start.")
                        .arg(ScalingAdvisor::kMinIdleStretchSeconds / 3600)
                        .arg(stretches.size())
                        .arg(spanDays)
                        .arg(hhmm(median(starts) / 60 * 60), hhmm(median(ends) / 60 * 60))
                        .arg(timeout / 60)
                        .arg(QString::number(savedReplicaHours, 'f', 1));
    if (in.coldStartSeconds)
        r.explanation += QStringLiteral(" A replica took %1 s to start.").arg(*in.coldStartSeconds);
    r.evidence = {{QStringLiteral("idle_stretches"), int(stretches.size())},
                  {QStringLiteral("days"), spanDays},
                  {QStringLiteral("idle_hours"), idleHours},
                  {QStringLiteral("replica_hours_saved"), savedReplicaHours},
                  {QStringLiteral("typical_start"), hhmm(median(starts) / 60 * 60)},
                  {QStringLiteral("typical_end"), hhmm(median(ends) / 60 * 60)},
                  {QStringLiteral("idle_timeout_seconds"), timeout}};
    r.change.idleTimeoutSeconds = timeout;
    c.report.recommendations << r;
}

void targetPerReplica(Context &c)
{
    const auto &in = c.in;
    if (!in.endpoint.latencyTargetMs) {
        c.report.notes << QStringLiteral("target per replica: the endpoint has no latency target (latency_target_ms) "
                                         "to judge a replica's throughput by");
        return;
    }
    const int target = *in.endpoint.latencyTargetMs;
    QList<double> perReplica;
    int over = 0;
    for (const UsageSample &s : in.samples) {
        if (s.requests <= 0 || !s.p95Ms || s.replicas < 1)
            continue;
        if (*s.p95Ms <= target)
            perReplica << s.requestsPerSecond / s.replicas;
        else
            ++over;
    }
    if (perReplica.size() < ScalingAdvisor::kMinTargetSamples) {
        c.report.notes << QStringLiteral("target per replica: %1 samples with p95 within %2 ms, needs %3")
                              .arg(perReplica.size())
                              .arg(target)
                              .arg(ScalingAdvisor::kMinTargetSamples);
        return;
    }
    const double sustained = percentile(perReplica, ScalingAdvisor::kTargetPercentile);
    const double suggested = std::round(sustained * ScalingAdvisor::kTargetHeadroom * 100.0) / 100.0;
    if (suggested <= 0)
        return;
    const AutoScalingRule *rule = nullptr;
    for (const AutoScalingRule &candidate : in.rules) {
        if (candidate.metric == kRequestsMetric) {
            rule = &candidate;
            break;
        }
    }
    if (rule && rule->targetPerReplica
        && std::abs(*rule->targetPerReplica - suggested) <= ScalingAdvisor::kTargetTolerance * suggested)
        return;

    Recommendation r;
    r.kind = Recommendation::kTargetPerReplica;
    r.title = QStringLiteral("Target %1 requests/s per replica").arg(QString::number(suggested));
    r.explanation = QStringLiteral("In %1 samples with p95 at or under the %2 ms target a replica sustained %3 requests/s "
                                   "(the %4th percentile of requests/s per replica); %5 samples were over the target. "
                                   "%6 % of it leaves headroom: %7 requests/s per replica.")
                        .arg(perReplica.size())
                        .arg(target)
                        .arg(rate(sustained))
                        .arg(int(ScalingAdvisor::kTargetPercentile * 100))
                        .arg(over)
                        .arg(int(ScalingAdvisor::kTargetHeadroom * 100))
                        .arg(QString::number(suggested));
    if (rule) {
        r.explanation += rule->targetPerReplica
            ? QStringLiteral(" The requests_per_second rule targets %1 now.").arg(QString::number(*rule->targetPerReplica))
            : QStringLiteral(" The requests_per_second rule scales by steps now; this makes it scale to "
                             "ceil(requests/s / %1) replicas.")
                  .arg(QString::number(suggested));
        r.change.ruleId = rule->id;
        r.change.targetPerReplica = suggested;
    } else {
        r.explanation += QStringLiteral(" Add a requests_per_second rule with this target per replica.");
    }
    r.evidence = {{QStringLiteral("latency_target_ms"), target},
                  {QStringLiteral("samples_within_target"), int(perReplica.size())},
                  {QStringLiteral("samples_over_target"), over},
                  {QStringLiteral("sustained_per_replica"), sustained},
                  {QStringLiteral("target_per_replica"), suggested}};
    if (rule)
        r.evidence.insert(QStringLiteral("rule_id"), rule->id.toString(QUuid::WithoutBraces));
    c.report.recommendations << r;
}

Result<Done> flappingRules(Context &c)
{
    const auto &in = c.in;
    if (in.rules.isEmpty() || in.samples.isEmpty())
        return Done{};
    auto outcome = AutoscalerReplay::run(in.endpoint, in.rules, in.settings, in.samples);
    if (!outcome)
        return outcome.error();
    const double hours = double(outcome->from.secsTo(outcome->to)) / 3600.0;
    for (const AutoscalerReplay::RuleFlaps &f : AutoscalerReplay::flaps(*outcome, in.rules)) {
        if (!f.flaps())
            continue;
        const QString id = f.ruleId.toString(QUuid::WithoutBraces);
        QStringList times;
        for (const QDateTime &t : std::as_const(f.reversalTimes).mid(0, 10))
            times << t.toTimeZone(in.zone).toString(QStringLiteral("ddd HH:mm"));
        Recommendation r;
        r.kind = Recommendation::kFlappingRule;
        r.title = QStringLiteral("Rule %1 flaps").arg(id.left(8));
        r.explanation = QStringLiteral("Replayed over the recorded %1 h, rule %2 (%3) would have scaled %4 times, %5 of them "
                                       "reversals within %6 s of the change before (at %7%8). A longer scale-down delay or "
                                       "cooldown, or thresholds further apart, would let the count settle.")
                            .arg(QString::number(hours, 'f', 1), id.left(8), f.condition)
                            .arg(f.changes)
                            .arg(f.reversals)
                            .arg(f.windowSeconds)
                            .arg(times.join(QStringLiteral(", ")),
                                 f.reversalTimes.size() > times.size() ? QStringLiteral(", ...") : QString());
        r.evidence = {{QStringLiteral("rule_id"), id},
                      {QStringLiteral("changes"), f.changes},
                      {QStringLiteral("reversals"), f.reversals},
                      {QStringLiteral("window_seconds"), f.windowSeconds},
                      {QStringLiteral("replayed_hours"), hours},
                      {QStringLiteral("replay_steps"), outcome->steps}};
        r.times = f.reversalTimes;
        c.report.recommendations << r;
    }
    return Done{};
}

} // namespace

Result<ScalingAdvisor::Report> ScalingAdvisor::advise(const Input &given)
{
    Input input = given;
    if (input.now.isValid())
        input.samples.removeIf([&](const UsageSample &s) { return s.start >= input.now; });
    Report report;
    Context c{input, report};
    scheduleFloor(c);
    idleTimeout(c);
    targetPerReplica(c);
    if (auto replayed = flappingRules(c); !replayed)
        return replayed.error();
    // Stable numbers: by kind in kinds() order, each kind's in the order found.
    std::stable_sort(report.recommendations.begin(), report.recommendations.end(),
                     [](const Recommendation &a, const Recommendation &b) {
                         return Recommendation::kinds().indexOf(a.kind) < Recommendation::kinds().indexOf(b.kind);
                     });
    for (qsizetype i = 0; i < report.recommendations.size(); ++i)
        report.recommendations[i].number = int(i + 1);
    return report;
}

} // namespace ServeDeck
