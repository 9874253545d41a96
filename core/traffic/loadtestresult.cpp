#include "traffic/loadtestresult.h"

#include <QJsonArray>

#include "traffic/requestsender.h"

namespace ServeDeck {

namespace {

constexpr double kNsPerMs = 1e6;
constexpr int kFormatVersion = 1;

double ms(qint64 ns)
{
    return double(ns) / kNsPerMs;
}

QJsonObject summary(const LatencyHistogram &histogram)
{
    return {{QStringLiteral("count"), qint64(histogram.count())},
            {QStringLiteral("min_ms"), ms(histogram.minNs())},
            {QStringLiteral("mean_ms"), ms(histogram.meanNs())},
            {QStringLiteral("p50_ms"), ms(histogram.percentileNs(50))},
            {QStringLiteral("p90_ms"), ms(histogram.percentileNs(90))},
            {QStringLiteral("p95_ms"), ms(histogram.percentileNs(95))},
            {QStringLiteral("p99_ms"), ms(histogram.percentileNs(99))},
            {QStringLiteral("p999_ms"), ms(histogram.percentileNs(99.9))},
            {QStringLiteral("max_ms"), ms(histogram.maxNs())},
            {QStringLiteral("histogram"), histogram.toJson()}};
}

std::optional<LatencyHistogram> histogramOf(const QJsonObject &json, const QString &field)
{
    if (!json.contains(field))
        return LatencyHistogram();
    return LatencyHistogram::fromJson(json.value(field).toObject().value(QStringLiteral("histogram")).toObject());
}

ServiceError badResult(const QString &what)
{
    return makeError(ErrorType::InvalidArgument, QStringLiteral("result: %1").arg(what),
                     {{QStringLiteral("field"), QStringLiteral("result")}});
}

// A spreadsheet must not run what a server put in a header: quoted, and a leading formula
// character defused.
QByteArray csvField(const QByteArray &text)
{
    QByteArray out = text;
    if (!out.isEmpty() && QByteArrayView("=+-@\t\r").contains(out.front()))
        out.prepend('\'');
    out.replace('"', "\"\"");
    return '"' + out + '"';
}

QByteArray csvNumber(double value)
{
    return QByteArray::number(value, 'f', 3);
}

QJsonObject groupsToJson(const QMap<QByteArray, LoadTestStats> &groups, qint64 elapsedNs)
{
    QJsonObject out;
    for (auto it = groups.cbegin(); it != groups.cend(); ++it)
        out.insert(QString::fromUtf8(it.key()), it.value().toJson(elapsedNs));
    return out;
}

std::optional<QMap<QByteArray, LoadTestStats>> groupsFromJson(const QJsonObject &json)
{
    if (json.size() > LoadTestResult::kMaxGroups + 1)
        return std::nullopt;
    QMap<QByteArray, LoadTestStats> out;
    for (auto it = json.begin(); it != json.end(); ++it) {
        std::optional<LoadTestStats> stats = LoadTestStats::fromJson(it.value().toObject());
        if (!stats)
            return std::nullopt;
        out.insert(it.key().toUtf8(), *stats);
    }
    return out;
}

} // namespace

void LoadTestStats::add(const TrafficAnswer &answer)
{
    ++answered;
    ++statuses[answer.status];
    if (answer.status >= 200 && answer.status < 300)
        ++succeeded;
    if (!answer.error.isEmpty()) {
        const QString kind = errors.contains(answer.error) || errors.size() < LoadTestResult::kMaxErrorKinds
            ? answer.error.left(128)
            : QStringLiteral("other");
        ++errors[kind];
    }
    latency.record(answer.doneNs - answer.scheduledNs);
    if (answer.firstTokenNs)
        timeToFirstToken.record(*answer.firstTokenNs - answer.sentNs);
    for (qsizetype i = 1; i < answer.tokenTimesNs.size(); ++i)
        interTokenLatency.record(answer.tokenTimesNs.at(i) - answer.tokenTimesNs.at(i - 1));
    tokens += answer.tokens;
    decodeTokens += answer.decodeTokens;
    decodeNanos += answer.decodeNanos;
}

void LoadTestStats::merge(const LoadTestStats &other)
{
    answered += other.answered;
    succeeded += other.succeeded;
    for (auto it = other.statuses.cbegin(); it != other.statuses.cend(); ++it)
        statuses[it.key()] += it.value();
    for (auto it = other.errors.cbegin(); it != other.errors.cend(); ++it)
        errors[it.key()] += it.value();
    latency.merge(other.latency);
    timeToFirstToken.merge(other.timeToFirstToken);
    interTokenLatency.merge(other.interTokenLatency);
    tokens += other.tokens;
    decodeTokens += other.decodeTokens;
    decodeNanos += other.decodeNanos;
}

QJsonObject LoadTestStats::toJson(qint64 elapsedNs) const
{
    QJsonObject statusCounts;
    for (auto it = statuses.cbegin(); it != statuses.cend(); ++it)
        statusCounts.insert(QString::number(it.key()), qint64(it.value()));
    QJsonObject errorCounts;
    for (auto it = errors.cbegin(); it != errors.cend(); ++it)
        errorCounts.insert(it.key(), qint64(it.value()));
    QJsonObject json{{QStringLiteral("answered"), qint64(answered)},
                     {QStringLiteral("succeeded"), qint64(succeeded)},
                     {QStringLiteral("success_ratio"), successRatio()},
                     {QStringLiteral("rps"), elapsedNs > 0 ? double(answered) * 1e9 / double(elapsedNs) : 0.0},
                     {QStringLiteral("statuses"), statusCounts},
                     {QStringLiteral("errors"), errorCounts},
                     {QStringLiteral("latency"), summary(latency)}};
    if (tokens > 0 || timeToFirstToken.count() > 0) {
        json.insert(QStringLiteral("ttft"), summary(timeToFirstToken));
        json.insert(QStringLiteral("itl"), summary(interTokenLatency));
        json.insert(QStringLiteral("tokens"), qint64(tokens));
        json.insert(QStringLiteral("decode_tokens"), qint64(decodeTokens));
        json.insert(QStringLiteral("decode_ns"), decodeNanos);
        json.insert(QStringLiteral("tokens_per_second"), tokensPerSecond());
    }
    return json;
}

std::optional<LoadTestStats> LoadTestStats::fromJson(const QJsonObject &json)
{
    LoadTestStats stats;
    stats.answered = quint64(std::max<qint64>(0, json.value(QStringLiteral("answered")).toInteger()));
    stats.succeeded = quint64(std::max<qint64>(0, json.value(QStringLiteral("succeeded")).toInteger()));
    if (stats.succeeded > stats.answered)
        return std::nullopt;
    const QJsonObject statuses = json.value(QStringLiteral("statuses")).toObject();
    if (statuses.size() > 100)
        return std::nullopt;
    for (auto it = statuses.begin(); it != statuses.end(); ++it) {
        bool ok = false;
        const int status = it.key().toInt(&ok);
        if (!ok || status < 0 || status > 999)
            return std::nullopt;
        stats.statuses.insert(status, quint64(std::max<qint64>(0, it.value().toInteger())));
    }
    const QJsonObject errors = json.value(QStringLiteral("errors")).toObject();
    if (errors.size() > LoadTestResult::kMaxErrorKinds + 1)
        return std::nullopt;
    for (auto it = errors.begin(); it != errors.end(); ++it)
        stats.errors.insert(it.key().left(128), quint64(std::max<qint64>(0, it.value().toInteger())));
    const std::optional<LatencyHistogram> latency = histogramOf(json, QStringLiteral("latency"));
    const std::optional<LatencyHistogram> ttft = histogramOf(json, QStringLiteral("ttft"));
    const std::optional<LatencyHistogram> itl = histogramOf(json, QStringLiteral("itl"));
    if (!latency || !ttft || !itl)
        return std::nullopt;
    stats.latency = *latency;
    stats.timeToFirstToken = *ttft;
    stats.interTokenLatency = *itl;
    stats.tokens = quint64(std::max<qint64>(0, json.value(QStringLiteral("tokens")).toInteger()));
    stats.decodeTokens = quint64(std::max<qint64>(0, json.value(QStringLiteral("decode_tokens")).toInteger()));
    stats.decodeNanos = std::max<qint64>(0, json.value(QStringLiteral("decode_ns")).toInteger());
    return stats;
}

double LoadTestResult::throughput() const
{
    return elapsedNs > 0 ? double(total.answered) * 1e9 / double(elapsedNs) : 0.0;
}

bool LoadTestResult::passed() const
{
    return !cancelled && std::all_of(targets.cbegin(), targets.cend(), [](const auto &t) { return t.passed; });
}

std::optional<double> LoadTestResult::measure(const LoadTestTarget &target) const
{
    using Metric = LoadTestTarget::Metric;
    switch (target.metric) {
    case Metric::Throughput:
        return throughput();
    case Metric::SuccessRatio:
        return total.answered ? std::optional(total.successRatio() * 100) : std::nullopt;
    case Metric::ErrorRatio:
        return total.answered ? std::optional(100 - total.successRatio() * 100) : std::nullopt;
    case Metric::Latency:
        return total.latency.count() ? std::optional(ms(total.latency.percentileNs(target.percentile))) : std::nullopt;
    case Metric::TimeToFirstToken:
        return total.timeToFirstToken.count()
            ? std::optional(ms(total.timeToFirstToken.percentileNs(target.percentile)))
            : std::nullopt;
    case Metric::InterTokenLatency:
        return total.interTokenLatency.count()
            ? std::optional(ms(total.interTokenLatency.percentileNs(target.percentile)))
            : std::nullopt;
    case Metric::TokensPerSecond:
        return total.decodeNanos > 0 ? std::optional(total.tokensPerSecond()) : std::nullopt;
    }
    return std::nullopt;
}

void LoadTestResult::evaluateTargets()
{
    targets.clear();
    for (const LoadTestTarget &target : settings.targets) {
        LoadTestTargetOutcome outcome;
        outcome.target = target;
        outcome.actual = measure(target);
        outcome.passed = outcome.actual && target.passes(*outcome.actual);
        targets.append(outcome);
    }
}

QJsonObject LoadTestResult::toJson() const
{
    QJsonArray intervalList;
    for (const LoadTestInterval &interval : intervals)
        intervalList.append(QJsonObject{{QStringLiteral("start_ms"), interval.startMs},
                                        {QStringLiteral("sent"), qint64(interval.sent)},
                                        {QStringLiteral("answered"), qint64(interval.answered)},
                                        {QStringLiteral("failed"), qint64(interval.failed)},
                                        {QStringLiteral("late"), qint64(interval.late)},
                                        {QStringLiteral("p50_ms"), ms(interval.p50Ns)},
                                        {QStringLiteral("p95_ms"), ms(interval.p95Ns)},
                                        {QStringLiteral("p99_ms"), ms(interval.p99Ns)},
                                        {QStringLiteral("max_ms"), ms(interval.maxNs)}});
    QJsonArray targetList;
    for (const LoadTestTargetOutcome &outcome : targets) {
        QJsonObject entry{{QStringLiteral("target"), outcome.target.text()}, {QStringLiteral("passed"), outcome.passed}};
        entry.insert(QStringLiteral("actual"), outcome.actual ? QJsonValue(*outcome.actual) : QJsonValue());
        targetList.append(entry);
    }
    return {{QStringLiteral("version"), kFormatVersion},
            {QStringLiteral("settings"), settings.toJson()},
            {QStringLiteral("started_at"), startedAt.toUTC().toString(Qt::ISODateWithMs)},
            {QStringLiteral("elapsed_ns"), elapsedNs},
            {QStringLiteral("cancelled"), cancelled},
            {QStringLiteral("sent"), qint64(sent)},
            {QStringLiteral("late"), qint64(late)},
            {QStringLiteral("lateness"), summary(lateness)},
            {QStringLiteral("throughput"), throughput()},
            {QStringLiteral("total"), total.toJson(elapsedNs)},
            {QStringLiteral("by_route"), groupsToJson(byRoute, elapsedNs)},
            {QStringLiteral("by_revision"), groupsToJson(byRevision, elapsedNs)},
            {QStringLiteral("intervals"), intervalList},
            {QStringLiteral("targets"), targetList},
            {QStringLiteral("passed"), passed()}};
}

Result<LoadTestResult> LoadTestResult::fromJson(const QJsonObject &json)
{
    if (json.value(QStringLiteral("version")).toInt() != kFormatVersion)
        return badResult(QStringLiteral("unknown version"));
    LoadTestResult result;
    const QJsonObject settings = json.value(QStringLiteral("settings")).toObject();
    // The run happened: its URL was checked then, so it is its own origin now.
    Result<LoadTestSettings> parsed
        = LoadTestSettings::fromJson(settings, QUrl(settings.value(QStringLiteral("url")).toString()));
    if (!parsed)
        return parsed.error();
    result.settings = *parsed;
    result.startedAt = QDateTime::fromString(json.value(QStringLiteral("started_at")).toString(), Qt::ISODateWithMs);
    result.elapsedNs = std::max<qint64>(0, json.value(QStringLiteral("elapsed_ns")).toInteger());
    result.cancelled = json.value(QStringLiteral("cancelled")).toBool();
    result.sent = quint64(std::max<qint64>(0, json.value(QStringLiteral("sent")).toInteger()));
    result.late = quint64(std::max<qint64>(0, json.value(QStringLiteral("late")).toInteger()));
    const std::optional<LatencyHistogram> lateness = histogramOf(json, QStringLiteral("lateness"));
    const std::optional<LoadTestStats> total = LoadTestStats::fromJson(json.value(QStringLiteral("total")).toObject());
    const auto byRoute = groupsFromJson(json.value(QStringLiteral("by_route")).toObject());
    const auto byRevision = groupsFromJson(json.value(QStringLiteral("by_revision")).toObject());
    if (!lateness || !total || !byRoute || !byRevision)
        return badResult(QStringLiteral("malformed figures"));
    result.lateness = *lateness;
    result.total = *total;
    result.byRoute = *byRoute;
    result.byRevision = *byRevision;
    const QJsonArray intervals = json.value(QStringLiteral("intervals")).toArray();
    if (intervals.size() > kMaxIntervals)
        return badResult(QStringLiteral("too many intervals"));
    for (const QJsonValue &value : intervals) {
        const QJsonObject o = value.toObject();
        LoadTestInterval interval;
        interval.startMs = o.value(QStringLiteral("start_ms")).toInteger();
        interval.sent = quint64(std::max<qint64>(0, o.value(QStringLiteral("sent")).toInteger()));
        interval.answered = quint64(std::max<qint64>(0, o.value(QStringLiteral("answered")).toInteger()));
        interval.failed = quint64(std::max<qint64>(0, o.value(QStringLiteral("failed")).toInteger()));
        interval.late = quint64(std::max<qint64>(0, o.value(QStringLiteral("late")).toInteger()));
        interval.p50Ns = qint64(o.value(QStringLiteral("p50_ms")).toDouble() * kNsPerMs);
        interval.p95Ns = qint64(o.value(QStringLiteral("p95_ms")).toDouble() * kNsPerMs);
        interval.p99Ns = qint64(o.value(QStringLiteral("p99_ms")).toDouble() * kNsPerMs);
        interval.maxNs = qint64(o.value(QStringLiteral("max_ms")).toDouble() * kNsPerMs);
        result.intervals.append(interval);
    }
    result.evaluateTargets();
    return result;
}

QByteArray LoadTestResult::toCsv() const
{
    QByteArray out = "scope,name,answered,succeeded,success_ratio,rps,p50_ms,p90_ms,p95_ms,p99_ms,p999_ms,max_ms,"
                     "ttft_p50_ms,ttft_p95_ms,itl_p50_ms,tokens_per_second\n";
    const auto row = [&](const QByteArray &scope, const QByteArray &name, const LoadTestStats &stats) {
        const double seconds = double(elapsedNs) / 1e9;
        out += scope + ',' + csvField(name) + ',' + QByteArray::number(stats.answered) + ','
            + QByteArray::number(stats.succeeded) + ',' + csvNumber(stats.successRatio()) + ','
            + csvNumber(seconds > 0 ? double(stats.answered) / seconds : 0) + ',';
        for (const double p : {50.0, 90.0, 95.0, 99.0, 99.9, 100.0})
            out += csvNumber(ms(stats.latency.percentileNs(p))) + ',';
        out += csvNumber(ms(stats.timeToFirstToken.percentileNs(50))) + ','
            + csvNumber(ms(stats.timeToFirstToken.percentileNs(95))) + ','
            + csvNumber(ms(stats.interTokenLatency.percentileNs(50))) + ',' + csvNumber(stats.tokensPerSecond()) + '\n';
    };
    row("total", settings.endpoint.toUtf8(), total);
    for (auto it = byRoute.cbegin(); it != byRoute.cend(); ++it)
        row("route", it.key(), it.value());
    for (auto it = byRevision.cbegin(); it != byRevision.cend(); ++it)
        row("revision", it.key(), it.value());
    return out;
}

} // namespace ServeDeck
