#include "usagereporter.h"

#include <algorithm>
#include <cmath>

#include <QHash>
#include <QRegularExpression>

#include "domain/clock.h"
#include "store/repository.h"

namespace ServeDeck {

namespace {

constexpr double kMsPerHour = 3600.0 * 1000.0;
constexpr double kGiB = double(qint64(1) << 30);

ServiceError badSince(const QString &text)
{
    return makeError(ErrorType::InvalidArgument,
                     QStringLiteral("since must be a duration such as 24h, 7d or 2w, or an ISO 8601 time before now,"
                                    " at most %1 days back")
                         .arg(UsageReporter::kMaxSinceDays),
                     {{QStringLiteral("field"), QStringLiteral("since")},
                      {QStringLiteral("length"), qint64(text.size())}});
}

void addCost(UsageFigures &f, const UsagePrices &prices)
{
    if (!prices.cpuHour && !prices.gpuHour)
        return;
    f.cost = f.cpuHours * prices.cpuHour.value_or(0) + f.gpuHours() * prices.gpuHour.value_or(0);
}

} // namespace

UsageReporter::UsageReporter(Repository &repository, Clock &clock, QTimeZone zone)
    : m_repository(repository)
    , m_clock(clock)
    , m_zone(std::move(zone))
{
}

Result<QDateTime> UsageReporter::parseSince(const QString &text, const QDateTime &now)
{
    if (text.isEmpty())
        return now.addDays(-7);
    if (text.size() > 64)
        return badSince(text);
    static const QRegularExpression duration(QStringLiteral("^([1-9][0-9]{0,5})([mhdw])$"));
    QDateTime since;
    if (const auto m = duration.match(text); m.hasMatch()) {
        const qint64 n = m.captured(1).toLongLong();
        const QChar unit = m.captured(2).front();
        const qint64 minutes = unit == u'm' ? n : unit == u'h' ? n * 60 : unit == u'd' ? n * 1440 : n * 1440 * 7;
        if (minutes > qint64(kMaxSinceDays) * 1440)
            return badSince(text);
        since = now.addSecs(-minutes * 60);
    } else {
        since = QDateTime::fromString(text, Qt::ISODateWithMs);
        if (!since.isValid())
            return badSince(text);
        if (since.timeSpec() == Qt::LocalTime)
            since.setTimeZone(QTimeZone::utc());
        since = since.toUTC();
        if (since >= now || since < now.addDays(-kMaxSinceDays))
            return badSince(text);
    }
    return since;
}

Result<UsageReport> UsageReporter::report(const Endpoint &endpoint, const QDateTime &since)
{
    const QDateTime now = m_clock.now().toUTC();
    if (!since.isValid() || since >= now)
        return badSince(QString());
    UsageReport report;
    report.endpointId = endpoint.id;
    report.endpointName = endpoint.name;
    report.since = since.toUTC();
    report.until = now;
    report.timeZone = QString::fromUtf8(m_zone.id());

    auto prices = m_repository.usagePrices();
    if (!prices)
        return prices.error();
    report.prices = *prices;

    auto revisions = m_repository.revisions(endpoint.id);
    if (!revisions)
        return revisions.error();
    auto intervals = m_repository.usageIntervals(endpoint.id, report.since, now);
    if (!intervals)
        return intervals.error();

    // Each interval clipped to the window; an open one runs to now.
    QHash<QUuid, UsageFigures> byRevision;
    for (const UsageInterval &i : std::as_const(*intervals)) {
        const QDateTime from = std::max(i.start, report.since);
        const QDateTime to = std::min(i.isOpen() ? now : i.end, now);
        if (to <= from)
            continue;
        const double hours = double(from.msecsTo(to)) / kMsPerHour;
        for (UsageFigures *f : {&byRevision[i.revisionId], &report.total}) {
            f->replicaHours += hours;
            f->cpuHours += i.cpuCores * hours;
            f->memoryGiBHours += double(i.memoryBytes) / kGiB * hours;
            if (i.gpuShare > 0) {
                if (i.gpuDevices.isEmpty()) {
                    f->gpuHoursByDevice[QStringLiteral("unassigned")] += i.gpuShare * hours;
                } else {
                    // A replica on several devices takes its share evenly from each.
                    const double each = i.gpuShare / double(i.gpuDevices.size());
                    for (const QString &device : i.gpuDevices)
                        f->gpuHoursByDevice[device] += each * hours;
                }
            }
        }
    }
    // Requests and errors per revision over the window, from the per-revision counts (buckets
    // that start in it, as the total's samples). The total stays the endpoint's samples: it
    // equals the revisions' sum only where every request had a route (the proxy counts a
    // request it could not route for the endpoint alone), and where the counts' table was
    // there for the whole window.
    auto counts = m_repository.usageRevisionCounts(endpoint.id, report.since, now);
    if (!counts)
        return counts.error();
    for (UsageFigures &f : byRevision) {
        f.requests = 0;
        f.errors = 0;
    }
    for (const UsageRevisionCount &c : std::as_const(*counts)) {
        UsageFigures &f = byRevision[c.revisionId];
        f.requests = f.requests.value_or(0) + c.requests;
        f.errors = f.errors.value_or(0) + c.errors;
    }
    for (const Revision &r : std::as_const(*revisions)) {
        if (!byRevision.contains(r.id))
            continue;
        UsageRevisionRow row{r.id, r.number, r.modelVersion, byRevision.take(r.id)};
        addCost(row.figures, report.prices);
        report.revisions.append(row);
    }
    // Routes whose revision is no longer known still count, under none.
    for (auto it = byRevision.cbegin(); it != byRevision.cend(); ++it) {
        UsageRevisionRow row{it.key(), 0, QString(), it.value()};
        addCost(row.figures, report.prices);
        report.revisions.append(row);
    }

    // The hour-of-week matrix over whole weeks back from now; requests over the window.
    const qint64 windowDays = std::max<qint64>(1, report.since.daysTo(now));
    report.weeks = int(std::clamp<qint64>((windowDays + 6) / 7, 1, kMaxWeeks));
    const QDateTime matrixFrom = std::min(report.since, now.addDays(-7 * report.weeks));
    auto samples = m_repository.usageSamples(endpoint.id, matrixFrom, now);
    if (!samples)
        return samples.error();
    QList<double> rpsSum(UsageReport::kHoursOfWeek, 0.0), replicasSum(UsageReport::kHoursOfWeek, 0.0),
        secondsSum(UsageReport::kHoursOfWeek, 0.0);
    report.samplesByHour = QList<int>(UsageReport::kHoursOfWeek, 0);
    qint64 requests = 0, errors = 0;
    const QDateTime weeksFrom = now.addDays(-7 * report.weeks);
    for (const UsageSample &s : std::as_const(*samples)) {
        if (s.start >= report.since) {
            requests += s.requests;
            errors += s.errors;
        }
        if (s.start < weeksFrom)
            continue;
        const QDateTime local = s.start.toTimeZone(m_zone);
        const int cell = (local.date().dayOfWeek() - 1) * 24 + local.time().hour();
        // Weighted by the bucket's length: an hour row weighs as its sixty minutes would.
        rpsSum[cell] += s.requestsPerSecond * s.seconds;
        replicasSum[cell] += s.replicas * s.seconds;
        secondsSum[cell] += s.seconds;
        ++report.samplesByHour[cell];
    }
    for (int cell = 0; cell < UsageReport::kHoursOfWeek; ++cell) {
        if (secondsSum[cell] > 0) {
            report.requestsPerSecondByHour.append(rpsSum[cell] / secondsSum[cell]);
            report.replicasByHour.append(replicasSum[cell] / secondsSum[cell]);
        } else {
            report.requestsPerSecondByHour.append(std::nullopt);
            report.replicasByHour.append(std::nullopt);
        }
    }
    report.total.requests = requests;
    report.total.errors = errors;
    addCost(report.total, report.prices);
    return report;
}

} // namespace ServeDeck
