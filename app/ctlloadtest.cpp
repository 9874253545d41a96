// servedeck ctl loadtest: runs core/traffic's LoadTest in this process against an endpoint's own
// URL (read from the API, with a short-lived inference token for a private endpoint), shows a
// live line, prints the figures and targets, and stores the run through the API. Exit codes as
// the other verbs, plus 1 when a target failed.
#include <functional>
#include <optional>

#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMultiHash>
#include <QSet>
#include <QTextStream>
#include <QUrl>
#include <QUrlQuery>

#include <unistd.h>

#include "api/apiclient.h"
#include "ctltarget.h"
#include "ctlverb.h"
#include "traffic/loadtest.h"

namespace {

using namespace ServeDeck;
using namespace CtlVerb;

// A token minted for a run lives this much past its end (duration + timeout).
constexpr qint64 kTokenSlackSeconds = 60;
constexpr qsizetype kMaxDataFileBytes = LoadTestSettings::kMaxBodyBytes;
const QByteArray kDefaultBody = QByteArrayLiteral(R"({"features":[5.1,3.5,1.4,0.2]})");

struct Context
{
    const QStringList &positional;
    const QMultiHash<QString, QString> &options;
    const QSet<QString> &flags;
    ApiClient &client;
    QTextStream &out;
    QTextStream &err;

    bool has(const QString &key) const { return options.contains(key) || flags.contains(key); }
    QString value(const QString &key) const { return options.value(key); }
    // Repeatable options in the order given (QMultiHash keeps the last first).
    QStringList values(const QString &key) const
    {
        const QStringList v = options.values(key);
        return QStringList(v.rbegin(), v.rend());
    }
    bool json() const { return flags.contains(QStringLiteral("json")); }
};

QString pathPart(const QString &text)
{
    return QString::fromUtf8(QUrl::toPercentEncoding(text));
}

// As every verb prints a refusal; with --json the API's own answer goes to stdout as well.
int apiFailure(Context &c, const ApiResponse &r)
{
    if (r.status != 0 && c.json())
        c.out << r.body.toJson(QJsonDocument::Indented);
    return CtlVerb::apiFailure(r, QStringLiteral("loadtest"), c.err);
}

int badSetting(Context &c, const ServiceError &error)
{
    c.err << "error: " << error.typeName() << ": " << error.message << '\n';
    return kUsage;
}

// A time option in milliseconds. Nonsense gives the text back, so that the settings' own
// check names the field.
QJsonValue msOrText(const QString &text)
{
    const std::optional<double> ms = durationMs(text);
    return ms ? QJsonValue(*ms) : QJsonValue(text);
}

QJsonValue number(const QString &text)
{
    bool ok = false;
    const double n = text.toDouble(&ok);
    return ok ? QJsonValue(n) : QJsonValue(text);
}

QString ms(qint64 ns)
{
    const double value = double(ns) / 1e6;
    if (value >= 1000)
        return QString::number(value / 1000, 'f', 2) + u's';
    return QString::number(value, 'f', 1) + QStringLiteral("ms");
}

QString percent(double ratio)
{
    return QString::number(ratio * 100, 'f', 2) + u'%';
}

// The live line: rewritten in place on a terminal, a plain line a second otherwise.
class ProgressLine
{
public:
    ProgressLine(QTextStream &stream, bool terminal)
        : m_stream(stream)
        , m_terminal(terminal)
    {
    }

    void show(const LoadTestProgress &p)
    {
        const QString line = QStringLiteral("[%1s%2] sent %3 (%4/s)  answered %5 (%6/s)  failed %7  in flight %8  "
                                            "p50 %9  p95 %10  p99 %11  late %12")
                                 .arg(QString::number(double(p.elapsedMs) / 1000, 'f', 1))
                                 .arg(p.durationMs > 0 ? u'/' + QString::number(double(p.durationMs) / 1000, 'f', 0) + u's'
                                                       : QString())
                                 .arg(p.sent)
                                 .arg(QString::number(p.sendRate, 'f', 0))
                                 .arg(p.answered)
                                 .arg(QString::number(p.answerRate, 'f', 0))
                                 .arg(p.failed)
                                 .arg(p.inFlight)
                                 .arg(ms(p.p50Ns), ms(p.p95Ns), ms(p.p99Ns))
                                 .arg(p.late);
        if (m_terminal) {
            m_stream << '\r' << line.leftJustified(m_width) << Qt::flush;
            m_width = std::max(m_width, line.size());
            m_open = true;
        } else if (p.elapsedMs / 1000 != m_lastSecond) {
            m_lastSecond = p.elapsedMs / 1000;
            m_stream << line << '\n' << Qt::flush;
        }
    }
    void end()
    {
        if (m_open)
            m_stream << '\n' << Qt::flush;
        m_open = false;
    }

private:
    QTextStream &m_stream;
    bool m_terminal;
    qsizetype m_width = 0;
    qint64 m_lastSecond = -1;
    bool m_open = false;
};

void printStatsRow(QTextStream &out, const QString &name, const LoadTestStats &stats, qint64 elapsedNs)
{
    const double seconds = double(std::max<qint64>(elapsedNs, 1)) / 1e9;
    const LatencyHistogram &l = stats.latency;
    out << name.leftJustified(22) << QString::number(stats.answered).rightJustified(9)
        << percent(stats.successRatio()).rightJustified(9)
        << QString::number(double(stats.answered) / seconds, 'f', 1).rightJustified(9);
    for (const double p : {50.0, 90.0, 95.0, 99.0, 99.9, 100.0})
        out << ms(l.percentileNs(p)).rightJustified(10);
    out << '\n';
}

void printResult(QTextStream &out, const LoadTestResult &r)
{
    const LoadTestSettings &s = r.settings;
    QString how;
    switch (s.mode) {
    case LoadTestSettings::Mode::Rate:
        how = QStringLiteral("open loop at %1/s").arg(s.rate);
        break;
    case LoadTestSettings::Mode::Poisson:
        how = QStringLiteral("open loop, Poisson at %1/s").arg(s.rate);
        break;
    case LoadTestSettings::Mode::Ramp:
        how = QStringLiteral("open loop, ramp %1/s to %2/s").arg(s.rampFrom).arg(s.rampTo);
        break;
    case LoadTestSettings::Mode::Closed:
        how = QStringLiteral("closed loop at concurrency %1").arg(s.concurrency);
        break;
    }
    out << s.endpoint << ": " << r.sent << " requests in " << QString::number(double(r.elapsedNs) / 1e9, 'f', 1)
        << " s (" << how << ")" << (r.cancelled ? ", CANCELLED" : "") << '\n';
    out << "throughput " << QString::number(r.throughput(), 'f', 1) << " req/s, success " << percent(r.total.successRatio())
        << ", late starts " << r.late << " (worst " << ms(r.lateness.maxNs()) << ")\n";
    out << "latency from each request's scheduled start\n";
    out << QStringLiteral("").leftJustified(22) << QStringLiteral("ANSWERED").rightJustified(9)
        << QStringLiteral("SUCCESS").rightJustified(9) << QStringLiteral("RPS").rightJustified(9);
    for (const char *title : {"P50", "P90", "P95", "P99", "P99.9", "MAX"})
        out << QString::fromLatin1(title).rightJustified(10);
    out << '\n';
    printStatsRow(out, QStringLiteral("all"), r.total, r.elapsedNs);
    for (auto it = r.byRevision.cbegin(); it != r.byRevision.cend(); ++it)
        printStatsRow(out, QStringLiteral("revision ") + (it.key().isEmpty() ? QStringLiteral("-") : QString::fromUtf8(it.key())),
                      it.value(), r.elapsedNs);
    for (auto it = r.byRoute.cbegin(); it != r.byRoute.cend(); ++it)
        printStatsRow(out, QStringLiteral("route ") + (it.key().isEmpty() ? QStringLiteral("-") : QString::fromUtf8(it.key()).left(16)),
                      it.value(), r.elapsedNs);
    QStringList statuses;
    for (auto it = r.total.statuses.cbegin(); it != r.total.statuses.cend(); ++it)
        statuses << QStringLiteral("%1=%2").arg(it.key() ? QString::number(it.key()) : QStringLiteral("none")).arg(it.value());
    out << "statuses: " << statuses.join(u' ') << '\n';
    if (!r.total.errors.isEmpty()) {
        QStringList errors;
        for (auto it = r.total.errors.cbegin(); it != r.total.errors.cend(); ++it)
            errors << QStringLiteral("%1=%2").arg(it.key()).arg(it.value());
        out << "errors: " << errors.join(QStringLiteral(", ")) << '\n';
    }
    if (r.total.timeToFirstToken.count() > 0) {
        out << "streaming: time to first token p50 " << ms(r.total.timeToFirstToken.percentileNs(50)) << " p95 "
            << ms(r.total.timeToFirstToken.percentileNs(95)) << ", inter-token p50 "
            << ms(r.total.interTokenLatency.percentileNs(50)) << " p95 " << ms(r.total.interTokenLatency.percentileNs(95))
            << ", " << QString::number(r.total.tokensPerSecond(), 'f', 1) << " tokens/s, " << r.total.tokens
            << " tokens\n";
    }
    out << "targets:\n";
    for (const LoadTestTargetOutcome &t : r.targets) {
        out << "  " << (t.passed ? "PASS " : "FAIL ") << t.target.text() << "  (measured "
            << (t.actual ? QString::number(*t.actual, 'f', 2) : QStringLiteral("nothing")) << ")\n";
    }
    out << (r.passed() ? "PASSED" : "FAILED") << '\n';
}

// The settings from the command line and the endpoint, as the JSON LoadTestSettings reads.
std::optional<QJsonObject> settingsJson(Context &c, const QString &endpoint, const QString &baseUrl,
                                        const QJsonObject &hints, int *exitCode)
{
    QJsonObject s{{QStringLiteral("endpoint"), endpoint}};
    const QString path = c.has(QStringLiteral("path")) ? c.value(QStringLiteral("path"))
                                                       : hints.value(QStringLiteral("path")).toString(QStringLiteral("/predict"));
    if (!path.startsWith(u'/')) {
        *exitCode = badSetting(c, makeError(ErrorType::InvalidArgument, QStringLiteral("path: must start with /"),
                                            {{QStringLiteral("field"), QStringLiteral("path")}}));
        return std::nullopt;
    }
    s.insert(QStringLiteral("url"), QString(baseUrl + path));

    QByteArray body = hints.value(QStringLiteral("example")).toString().toUtf8();
    if (body.isEmpty())
        body = kDefaultBody;
    if (c.has(QStringLiteral("data"))) {
        const QString data = c.value(QStringLiteral("data"));
        if (data.startsWith(u'@')) {
            QFile file(data.mid(1));
            if (!file.open(QIODevice::ReadOnly)) {
                c.err << "servedeck ctl loadtest: cannot read " << data.mid(1) << ": " << file.errorString() << '\n';
                *exitCode = kUsage;
                return std::nullopt;
            }
            body = file.read(kMaxDataFileBytes + 1);  // one more: the settings refuse it by size
        } else {
            body = data.toUtf8();
        }
    }
    s.insert(QStringLiteral("body"), QString::fromUtf8(body));

    QJsonArray headers{QJsonObject{{QStringLiteral("name"), QStringLiteral("Content-Type")},
                                   {QStringLiteral("value"), QStringLiteral("application/json")}}};
    for (const QString &header : c.values(QStringLiteral("header"))) {
        const qsizetype colon = header.indexOf(u':');
        if (colon <= 0) {
            *exitCode = badSetting(c, makeError(ErrorType::InvalidArgument, QStringLiteral("headers: expected 'Name: value'"),
                                                {{QStringLiteral("field"), QStringLiteral("headers")}}));
            return std::nullopt;
        }
        headers.append(QJsonObject{{QStringLiteral("name"), header.left(colon).trimmed()},
                                   {QStringLiteral("value"), header.mid(colon + 1).trimmed()}});
    }
    s.insert(QStringLiteral("headers"), headers);

    // The mode: a ramp, Poisson or a fixed rate when a rate is given; else a closed loop, by
    // default the seed's suite (50 requests at concurrency 10).
    if (c.has(QStringLiteral("ramp"))) {
        const QStringList parts = c.value(QStringLiteral("ramp")).split(u':');
        s.insert(QStringLiteral("mode"), QStringLiteral("ramp"));
        s.insert(QStringLiteral("ramp_from"), number(parts.value(0)));
        s.insert(QStringLiteral("ramp_to"), parts.size() == 2 ? number(parts.value(1)) : QJsonValue(QStringLiteral("FROM:TO")));
    } else if (c.has(QStringLiteral("rate"))) {
        s.insert(QStringLiteral("mode"), c.flags.contains(QStringLiteral("poisson")) ? QStringLiteral("poisson") : QStringLiteral("rate"));
        s.insert(QStringLiteral("rate"), number(c.value(QStringLiteral("rate"))));
    } else {
        s.insert(QStringLiteral("mode"), QStringLiteral("closed"));
        s.insert(QStringLiteral("concurrency"), c.has(QStringLiteral("concurrency")) ? number(c.value(QStringLiteral("concurrency"))) : QJsonValue(10));
        if (c.has(QStringLiteral("requests")))
            s.insert(QStringLiteral("total_requests"), number(c.value(QStringLiteral("requests"))));
        else if (!c.has(QStringLiteral("duration")))
            s.insert(QStringLiteral("total_requests"), 50);
    }
    if (s.value(QStringLiteral("mode")).toString() != u"closed"
        && (c.has(QStringLiteral("concurrency")) || c.has(QStringLiteral("requests")))) {
        *exitCode = badSetting(c, makeError(ErrorType::InvalidArgument,
                                            QStringLiteral("concurrency: --concurrency and --requests are for the closed "
                                                           "loop, without --rate or --ramp"),
                                            {{QStringLiteral("field"), QStringLiteral("concurrency")}}));
        return std::nullopt;
    }
    if (c.has(QStringLiteral("duration")))
        s.insert(QStringLiteral("duration_ms"), msOrText(c.value(QStringLiteral("duration"))));
    else if (s.value(QStringLiteral("mode")).toString() != u"closed")
        s.insert(QStringLiteral("duration_ms"), 10000);
    if (c.has(QStringLiteral("timeout")))
        s.insert(QStringLiteral("timeout_ms"), msOrText(c.value(QStringLiteral("timeout"))));
    if (c.has(QStringLiteral("connections")))
        s.insert(QStringLiteral("max_connections"), number(c.value(QStringLiteral("connections"))));
    const QStringList targets = c.values(QStringLiteral("target"));
    if (!targets.isEmpty())
        s.insert(QStringLiteral("targets"), QJsonArray::fromStringList(targets));
    if (c.flags.contains(QStringLiteral("stream")))
        s.insert(QStringLiteral("streaming"), true);
    return s;
}

int runLoadTest(Context &c, const QString &svc)
{
    CtlTarget target(c.client, svc);
    if (const ApiResponse info = target.resolve(); !info.ok())
        return apiFailure(c, info);
    const QString name = target.name();
    if (target.url().isEmpty()) {
        c.err << "servedeck ctl loadtest: " << svc << " has no URL yet\n";
        return kFailed;
    }
    int exitCode = kOk;
    std::optional<QJsonObject> json = settingsJson(c, name, target.url(), target.requestHints(), &exitCode);
    if (!json)
        return exitCode;
    // Checked before anything is minted or sent: the endpoint's own URL is the one non-loopback origin.
    Result<LoadTestSettings> settings = LoadTestSettings::fromJson(*json, target.origin());
    if (!settings)
        return badSetting(c, settings.error());

    if (!target.isPublic()) {
        const qint64 expiry = (settings->durationMs + settings->timeoutMs) / 1000 + kTokenSlackSeconds;
        if (const ApiResponse token = target.mintToken(expiry); !token.ok())
            return apiFailure(c, token);
        settings->headers.append(target.authorization());
    }

    // The live line goes where a person watches: stdout, or stderr when stdout carries JSON.
    QTextStream &live = c.json() ? c.err : c.out;
    ProgressLine line(live, ::isatty(c.json() ? STDERR_FILENO : STDOUT_FILENO) == 1);
    LoadTest test(*settings);
    std::optional<LoadTestResult> result;
    QEventLoop loop;
    QObject::connect(&test, &LoadTest::progress, &loop, [&line](const LoadTestProgress &p) { line.show(p); });
    QObject::connect(&test, &LoadTest::finished, &loop, [&](const LoadTestResult &r) {
        result = r;
        loop.quit();
    });
    test.start();
    if (!result)
        loop.exec();
    line.end();
    // The stored copy never carries the minted token.
    result->settings.headers.removeIf([](const auto &h) { return h.first == "Authorization"; });

    QString storedId;
    int storeExit = kOk;
    if (!c.flags.contains(QStringLiteral("no-store"))) {
        const ApiResponse stored = c.client.send("POST", QStringLiteral("/v1/loadtests"),
                                                 QJsonObject{{QStringLiteral("endpoint"), name},
                                                             {QStringLiteral("result"), result->toJson()}});
        if (stored.ok()) {
            storedId = stored.body.object().value(QStringLiteral("id")).toString();
        } else {
            storeExit = stored.status == 0 ? kNoAnswer : kFailed;
            if (const auto e = stored.error())
                c.err << "servedeck ctl loadtest: the run was not stored: " << e->typeName() << ": " << e->message << '\n';
        }
    }
    if (c.json()) {
        QJsonObject o = result->toJson();
        if (!storedId.isEmpty())
            o.insert(QStringLiteral("id"), storedId);
        c.out << QJsonDocument(o).toJson(QJsonDocument::Indented);
    } else {
        printResult(c.out, *result);
        if (!storedId.isEmpty())
            c.out << "stored as " << storedId << '\n';
    }
    if (!result->passed())
        return kFailed;
    return storeExit;
}

int runList(Context &c)
{
    QUrlQuery query;
    if (c.positional.size() > 2)
        query.addQueryItem(QStringLiteral("endpoint"), c.positional.at(2));
    if (c.has(QStringLiteral("limit")))
        query.addQueryItem(QStringLiteral("limit"), c.value(QStringLiteral("limit")));
    const QString q = query.isEmpty() ? QString() : u'?' + query.toString(QUrl::FullyEncoded);
    const ApiResponse r = c.client.get(QStringLiteral("/v1/loadtests") + q);
    if (!r.ok())
        return apiFailure(c, r);
    if (c.json()) {
        c.out << r.body.toJson(QJsonDocument::Indented);
        return kOk;
    }
    c.out << QStringLiteral("ID").leftJustified(38) << QStringLiteral("ENDPOINT").leftJustified(16)
          << QStringLiteral("WHEN").leftJustified(26) << QStringLiteral("MODE").leftJustified(8)
          << QStringLiteral("SENT").rightJustified(8) << QStringLiteral("RPS").rightJustified(9)
          << QStringLiteral("SUCCESS").rightJustified(9) << QStringLiteral("P95").rightJustified(10) << "  RESULT\n";
    for (const QJsonValue &value : r.body.object().value(QStringLiteral("load_tests")).toArray()) {
        const QJsonObject o = value.toObject();
        const QJsonObject s = o.value(QStringLiteral("summary")).toObject();
        c.out << o.value(QStringLiteral("id")).toString().leftJustified(38)
              << o.value(QStringLiteral("endpoint")).toString().leftJustified(16)
              << o.value(QStringLiteral("created_at")).toString().leftJustified(26)
              << s.value(QStringLiteral("mode")).toString().leftJustified(8)
              << QString::number(s.value(QStringLiteral("sent")).toInteger()).rightJustified(8)
              << QString::number(s.value(QStringLiteral("throughput")).toDouble(), 'f', 1).rightJustified(9)
              << percent(s.value(QStringLiteral("success_ratio")).toDouble()).rightJustified(9)
              << ms(qint64(s.value(QStringLiteral("p95_ms")).toDouble() * 1e6)).rightJustified(10) << "  "
              << (o.value(QStringLiteral("passed")).toBool() ? "PASS" : "FAIL") << '\n';
    }
    return kOk;
}

std::optional<LoadTestResult> fetchRun(Context &c, const QString &id, int *exitCode)
{
    const ApiResponse r = c.client.get(QStringLiteral("/v1/loadtests/") + pathPart(id));
    if (!r.ok()) {
        *exitCode = apiFailure(c, r);
        return std::nullopt;
    }
    Result<LoadTestResult> result = LoadTestResult::fromJson(r.body.object().value(QStringLiteral("result")).toObject());
    if (!result) {
        c.err << "error: " << result.error().typeName() << ": " << result.error().message << '\n';
        *exitCode = kFailed;
        return std::nullopt;
    }
    return *result;
}

int runShow(Context &c)
{
    if (c.positional.size() < 3) {
        c.err << "usage: servedeck ctl loadtest show ID [--csv] [--json]\n";
        return kUsage;
    }
    int exitCode = kOk;
    const std::optional<LoadTestResult> result = fetchRun(c, c.positional.at(2), &exitCode);
    if (!result)
        return exitCode;
    if (c.flags.contains(QStringLiteral("csv")))
        c.out << QString::fromUtf8(result->toCsv());
    else if (c.json())
        c.out << QJsonDocument(result->toJson()).toJson(QJsonDocument::Indented);
    else
        printResult(c.out, *result);
    return kOk;
}

int runCompare(Context &c)
{
    if (c.positional.size() < 4) {
        c.err << "usage: servedeck ctl loadtest compare ID ID\n";
        return kUsage;
    }
    int exitCode = kOk;
    const std::optional<LoadTestResult> a = fetchRun(c, c.positional.at(2), &exitCode);
    if (!a)
        return exitCode;
    const std::optional<LoadTestResult> b = fetchRun(c, c.positional.at(3), &exitCode);
    if (!b)
        return exitCode;
    if (c.json()) {
        c.out << QJsonDocument(QJsonArray{a->toJson(), b->toJson()}).toJson(QJsonDocument::Indented);
        return kOk;
    }
    struct Row
    {
        const char *name;
        std::function<double(const LoadTestResult &)> value;
        bool time;
    };
    const auto pct = [](double p) {
        return [p](const LoadTestResult &r) { return double(r.total.latency.percentileNs(p)) / 1e6; };
    };
    const QList<Row> rows{
        {"sent", [](const LoadTestResult &r) { return double(r.sent); }, false},
        {"throughput (req/s)", [](const LoadTestResult &r) { return r.throughput(); }, false},
        {"success (%)", [](const LoadTestResult &r) { return r.total.successRatio() * 100; }, false},
        {"late starts", [](const LoadTestResult &r) { return double(r.late); }, false},
        {"p50 (ms)", pct(50), true},
        {"p90 (ms)", pct(90), true},
        {"p95 (ms)", pct(95), true},
        {"p99 (ms)", pct(99), true},
        {"p99.9 (ms)", pct(99.9), true},
        {"max (ms)", pct(100), true},
        {"ttft p95 (ms)", [](const LoadTestResult &r) { return double(r.total.timeToFirstToken.percentileNs(95)) / 1e6; }, true},
        {"tokens/s", [](const LoadTestResult &r) { return r.total.tokensPerSecond(); }, false},
    };
    c.out << QStringLiteral("").leftJustified(20) << c.positional.at(2).left(8).rightJustified(12)
          << c.positional.at(3).left(8).rightJustified(12) << QStringLiteral("CHANGE").rightJustified(10) << '\n';
    for (const Row &row : rows) {
        const double x = row.value(*a);
        const double y = row.value(*b);
        const QString change = x != 0 ? QString::number((y - x) / x * 100, 'f', 1) + u'%' : QStringLiteral("-");
        c.out << QString::fromLatin1(row.name).leftJustified(20) << QString::number(x, 'f', 2).rightJustified(12)
              << QString::number(y, 'f', 2).rightJustified(12) << change.rightJustified(10) << '\n';
    }
    c.out << QStringLiteral("passed").leftJustified(20) << QString::fromLatin1(a->passed() ? "yes" : "no").rightJustified(12)
          << QString::fromLatin1(b->passed() ? "yes" : "no").rightJustified(12) << '\n';
    return kOk;
}

} // namespace

int runCtlLoadTest(const QStringList &positional, const QMultiHash<QString, QString> &options,
                   const QSet<QString> &flags, ServeDeck::ApiClient &client, QTextStream &out, QTextStream &err)
{
    Context c{positional, options, flags, client, out, err};
    const QString sub = positional.value(1);
    if (sub.isEmpty()) {
        err << "usage: servedeck ctl loadtest SVC [options] | list [SVC] | show ID [--csv] | compare ID ID\n";
        return kUsage;
    }
    if (sub == u"list")
        return runList(c);
    if (sub == u"show")
        return runShow(c);
    if (sub == u"compare")
        return runCompare(c);
    return runLoadTest(c, sub);
}
