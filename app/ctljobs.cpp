// servedeck ctl jobs: asynchronous jobs. submit (and --wait for the outcome with a progress
// line, as the seed's single-model test does), list, get, result (the model's answer, byte for
// byte), cancel, retry, per-revision stats and retention. A command that names only a job id
// finds its endpoint through GET /v1/jobs/{id}.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <utility>

#include <unistd.h>

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>
#include <QTextStream>
#include <QThread>
#include <QUrl>
#include <QUrlQuery>

#include "api/apiclient.h"
#include "ctlverb.h"
#include "traffic/tryrequest.h"

using ServeDeck::ApiClient;
using ServeDeck::ApiResponse;

namespace {

using namespace CtlVerb;

// A body given on the command line or in a file is read up to the queue's default limit and a
// little more, so the API (not ctl) says what is too large.
constexpr qsizetype kMaxBodyBytes = 8 * 1024 * 1024 + 1;
constexpr double kDefaultWaitMs = 10 * 60 * 1000.0;
// Polls are cheap (one indexed read); a job's outcome shows within half a second.
constexpr unsigned long kPollMs = 500;

int usage(QTextStream &err, const QString &why)
{
    err << "servedeck ctl jobs: " << why << '\n'
        << "usage: servedeck ctl jobs submit SVC [--path /predict] [--method POST] [--data JSON | --data-file F]\n"
           "           [--header 'K: V']... [--priority N] [--idempotency-key K] [--deadline 10m] [--max-attempts N]\n"
           "           [--wait [--timeout 10m]]\n"
           "       servedeck ctl jobs list [SVC] [--state S] [--since 1h] [--until 10m] [--limit N] [--json]\n"
           "       servedeck ctl jobs get|cancel|retry ID [--json]\n"
           "       servedeck ctl jobs result ID [--output F]\n"
           "       servedeck ctl jobs stats [SVC] [--since 24h] [--until 1h] [--json]\n"
           "       servedeck ctl jobs retention [--max-age-days N] [--max-count N] [--json]\n"
           "--since and --until: back from now (90m, 24h, 7d, 2w) or an ISO 8601 time\n";
    return kUsage;
}

// Each whole-number option given goes into `body` under its JSON field; the usage error of the
// first that is not a whole number, empty when all are.
QString insertWholeNumbers(const QMultiHash<QString, QString> &options,
                           std::initializer_list<std::pair<QString, QString>> optionFields, QJsonObject &body)
{
    for (const auto &[option, field] : optionFields) {
        if (!options.contains(option))
            continue;
        bool ok = false;
        const int n = options.value(option).toInt(&ok);
        if (!ok)
            return QStringLiteral("--%1 takes a whole number").arg(option);
        body.insert(field, n);
    }
    return {};
}

QString encoded(const QString &text)
{
    return QString::fromUtf8(QUrl::toPercentEncoding(text));
}

QString cell(const QString &text, int width)
{
    return text.leftJustified(width) + u' ';
}

QString msText(const QJsonValue &v)
{
    return v.isDouble() ? QString::number(v.toDouble(), 'f', 0) : QStringLiteral("-");
}

QString jobPath(const QJsonObject &job)
{
    return servicePath(job.value(QStringLiteral("endpoint")).toString()) + QStringLiteral("/jobs/")
        + encoded(job.value(QStringLiteral("id")).toString());
}

// The job named by id, from any endpoint; on failure the exit code to stop with.
std::optional<int> findJob(ApiClient &client, const QString &id, QJsonObject *job, QTextStream &err)
{
    static const QRegularExpression form(QStringLiteral("^[0-9a-f]{32}$"));
    if (!form.match(id).hasMatch()) {
        err << "servedeck ctl jobs: '" << id.left(64) << "' is not a job id (32 hex characters)\n";
        return kUsage;
    }
    const ApiResponse r = client.get(QStringLiteral("/v1/jobs/") + id);
    if (!r.ok())
        return apiFailure(r, QStringLiteral("jobs"), err);
    *job = r.body.object().value(QStringLiteral("job")).toObject();
    return std::nullopt;
}

void printJob(QTextStream &out, const QJsonObject &job)
{
    const QStringList order { QStringLiteral("id"), QStringLiteral("endpoint"), QStringLiteral("state"),
        QStringLiteral("method"), QStringLiteral("path"), QStringLiteral("priority"), QStringLiteral("attempts"),
        QStringLiteral("max_attempts"), QStringLiteral("idempotency_key"), QStringLiteral("deadline"),
        QStringLiteral("queued_at"), QStringLiteral("started_at"), QStringLiteral("finished_at"),
        QStringLiteral("next_attempt_at"), QStringLiteral("queue_ms"), QStringLiteral("run_ms"),
        QStringLiteral("model_version"), QStringLiteral("route_id"), QStringLiteral("result_status"),
        QStringLiteral("result_bytes"), QStringLiteral("error"), QStringLiteral("submitted_by") };
    for (const QString &key : order) {
        const QJsonValue v = job.value(key);
        if (v.isUndefined())
            continue;
        QString text = v.isDouble() ? QString::number(v.toDouble(), 'g', 15) : v.toString();
        if (text.isEmpty())
            text = QStringLiteral("-");
        out << QString(key + u':').leftJustified(17) << text << '\n';
    }
}

// "RUNNING  attempt 1/3  12.5s"
QString progressLine(const QJsonObject &job, qint64 elapsedMs)
{
    return QStringLiteral("%1  attempt %2/%3  %4s")
        .arg(job.value(QStringLiteral("state")).toString().leftJustified(9))
        .arg(job.value(QStringLiteral("attempts")).toInt())
        .arg(job.value(QStringLiteral("max_attempts")).toInt())
        .arg(double(elapsedMs) / 1000.0, 0, 'f', 1);
}

bool isFinal(const QString &state)
{
    return state == u"SUCCEEDED" || state == u"FAILED" || state == u"CANCELLED" || state == u"EXPIRED";
}

// Polls the job until a final state: one line rewritten in place on a terminal, a line per
// change otherwise (a log keeps every step, not a wall of carriage returns).
int waitFor(ApiClient &client, const QString &path, double timeoutMs, QTextStream &out, QTextStream &err)
{
    const bool terminal = ::isatty(STDOUT_FILENO) == 1;
    QElapsedTimer elapsed;
    elapsed.start();
    QString shown;
    qsizetype shownWidth = 0;
    QJsonObject job;
    for (;;) {
        const ApiResponse r = client.get(path);
        if (!r.ok()) {
            if (terminal && shownWidth > 0)
                out << '\n';
            return apiFailure(r, QStringLiteral("jobs"), err);
        }
        job = r.body.object().value(QStringLiteral("job")).toObject();
        const QString state = job.value(QStringLiteral("state")).toString();
        const QString line = progressLine(job, elapsed.elapsed());
        if (terminal) {
            out << '\r' << line.leftJustified(shownWidth);
            shownWidth = line.size();
            out.flush();
        } else if (line.section(QStringLiteral("  "), 0, 1) != shown) {
            out << line << '\n';
            out.flush();
            shown = line.section(QStringLiteral("  "), 0, 1);
        }
        if (isFinal(state))
            break;
        if (double(elapsed.elapsed()) >= timeoutMs) {
            if (terminal)
                out << '\n';
            err << "servedeck ctl jobs: still " << state << " after " << elapsed.elapsed() / 1000
                << " s (--timeout); it goes on: servedeck ctl jobs get " << job.value(QStringLiteral("id")).toString()
                << '\n';
            return kWatchTimedOut;
        }
        QThread::msleep(kPollMs);
    }
    if (terminal)
        out << '\n';
    const QString state = job.value(QStringLiteral("state")).toString();
    const QJsonValue status = job.value(QStringLiteral("result_status"));
    out << "Job " << job.value(QStringLiteral("id")).toString() << ' ' << state;
    if (status.isDouble() && status.toInt() > 0)
        out << ": status " << status.toInt() << ", " << job.value(QStringLiteral("result_bytes")).toInteger()
            << " bytes";
    if (const QString why = job.value(QStringLiteral("error")).toString(); !why.isEmpty() && state != u"SUCCEEDED")
        out << " (" << why << ')';
    out << '\n';
    return state == u"SUCCEEDED" ? kOk : kFailed;
}

int runSubmit(ApiClient &client, const QStringList &positional, const QMultiHash<QString, QString> &options,
              const QSet<QString> &flags, QTextStream &out, QTextStream &err)
{
    if (positional.size() != 3)
        return usage(err, QStringLiteral("submit takes one SVC"));
    const QString svc = positional[2];
    QJsonObject body{{QStringLiteral("method"), options.value(QStringLiteral("method"), QStringLiteral("POST"))},
                     {QStringLiteral("path"), options.value(QStringLiteral("path"), QStringLiteral("/predict"))}};
    if (options.contains(QStringLiteral("data")) && options.contains(QStringLiteral("data-file")))
        return usage(err, QStringLiteral("--data or --data-file, not both"));
    QByteArray data;
    bool hasData = false;
    if (options.contains(QStringLiteral("data"))) {
        data = options.value(QStringLiteral("data")).toUtf8();
        hasData = true;
    } else if (options.contains(QStringLiteral("data-file"))) {
        QFile f(options.value(QStringLiteral("data-file")));
        if (!f.open(QIODevice::ReadOnly)) {
            err << "servedeck ctl jobs: cannot read " << f.fileName() << ": " << f.errorString() << '\n';
            return kUsage;
        }
        data = f.read(kMaxBodyBytes);
        hasData = true;
    }
    // The bytes as given, whatever they are: base64 keeps them exact through the JSON request.
    if (hasData)
        body.insert(QStringLiteral("body_base64"), QString::fromLatin1(data.toBase64()));
    QStringList given = options.values(QStringLiteral("header"));
    std::reverse(given.begin(), given.end());  // in the order given
    QJsonObject headers;
    for (const QString &text : std::as_const(given)) {
        const auto header = ServeDeck::TryRequest::parseHeader(text);
        if (!header)
            return usage(err, header.error().message);
        headers.insert(QString::fromLatin1(header->first).toLower(), QString::fromUtf8(header->second));
    }
    if (hasData && !headers.contains(QStringLiteral("content-type")))
        headers.insert(QStringLiteral("content-type"), QStringLiteral("application/json"));
    body.insert(QStringLiteral("headers"), headers);
    const QString badNumber = insertWholeNumbers(options,
                                                 {{QStringLiteral("priority"), QStringLiteral("priority")},
                                                  {QStringLiteral("max-attempts"), QStringLiteral("max_attempts")}},
                                                 body);
    if (!badNumber.isEmpty())
        return usage(err, badNumber);
    if (options.contains(QStringLiteral("idempotency-key")))
        body.insert(QStringLiteral("idempotency_key"), options.value(QStringLiteral("idempotency-key")));
    if (options.contains(QStringLiteral("deadline"))) {
        const auto ms = durationMs(options.value(QStringLiteral("deadline")));
        if (!ms || *ms < 1000)
            return usage(err, QStringLiteral("--deadline takes a duration of a second or more (90s, 10m, 2h)"));
        body.insert(QStringLiteral("deadline_seconds"), std::ceil(*ms / 1000.0));
    }
    double timeoutMs = kDefaultWaitMs;
    if (options.contains(QStringLiteral("timeout"))) {
        const auto ms = durationMs(options.value(QStringLiteral("timeout")));
        if (!ms || !flags.contains(QStringLiteral("wait")))
            return usage(err, QStringLiteral("--timeout takes a duration (30s, 10m), with --wait"));
        timeoutMs = *ms;
    }
    const ApiResponse r = client.send("POST", servicePath(svc) + QStringLiteral("/jobs"), body);
    const bool json = flags.contains(QStringLiteral("json"));
    if (!r.ok()) {
        if (json && r.status != 0)
            out << r.body.toJson(QJsonDocument::Indented);
        return apiFailure(r, QStringLiteral("jobs submit"), err);
    }
    const QJsonObject job = r.body.object().value(QStringLiteral("job")).toObject();
    const QString id = job.value(QStringLiteral("id")).toString();
    if (json && !flags.contains(QStringLiteral("wait"))) {
        out << r.body.toJson(QJsonDocument::Indented);
        return kOk;
    }
    if (r.status == 200)
        out << "Job " << id << " submitted (before: the idempotency key named it)\n";
    else
        out << "Job " << id << " submitted\n";
    out.flush();
    if (!flags.contains(QStringLiteral("wait")))
        return kOk;
    return waitFor(client, jobPath(job), timeoutMs, out, err);
}

int runList(ApiClient &client, const QStringList &positional, const QMultiHash<QString, QString> &options,
            const QSet<QString> &flags, QTextStream &out, QTextStream &err)
{
    if (positional.size() > 3)
        return usage(err, QStringLiteral("list takes at most one SVC"));
    QUrlQuery query;
    for (const QString &name : {QStringLiteral("state"), QStringLiteral("since"), QStringLiteral("until"),
                                QStringLiteral("limit")}) {
        if (options.contains(name))
            query.addQueryItem(name, encoded(options.value(name)));
    }
    if (positional.size() == 3)
        query.addQueryItem(QStringLiteral("service"), encoded(positional[2]));
    QString path = QStringLiteral("/v1/jobs");
    if (!query.isEmpty())
        path += u'?' + query.query(QUrl::FullyEncoded);
    const ApiResponse r = client.get(path);
    if (!r.ok())
        return apiFailure(r, QStringLiteral("jobs list"), err);
    if (flags.contains(QStringLiteral("json"))) {
        out << r.body.toJson(QJsonDocument::Indented);
        return kOk;
    }
    const QJsonArray jobs = r.body.object().value(QStringLiteral("jobs")).toArray();
    if (jobs.isEmpty()) {
        out << "no jobs\n";
        return kOk;
    }
    out << cell(QStringLiteral("ID"), 32) << cell(QStringLiteral("ENDPOINT"), 16) << cell(QStringLiteral("STATE"), 9)
        << cell(QStringLiteral("ATTEMPTS"), 8) << cell(QStringLiteral("QUEUED"), 24)
        << cell(QStringLiteral("QUEUE-MS"), 8) << cell(QStringLiteral("RUN-MS"), 8) << "STATUS\n";
    for (const QJsonValue &item : jobs) {
        const QJsonObject job = item.toObject();
        const QJsonValue status = job.value(QStringLiteral("result_status"));
        out << cell(job.value(QStringLiteral("id")).toString(), 32)
            << cell(job.value(QStringLiteral("endpoint")).toString(), 16)
            << cell(job.value(QStringLiteral("state")).toString(), 9)
            << cell(QStringLiteral("%1/%2")
                        .arg(job.value(QStringLiteral("attempts")).toInt())
                        .arg(job.value(QStringLiteral("max_attempts")).toInt()),
                   8)
            << cell(job.value(QStringLiteral("queued_at")).toString(), 24)
            << cell(msText(job.value(QStringLiteral("queue_ms"))), 8)
            << cell(msText(job.value(QStringLiteral("run_ms"))), 8)
            << (status.toInt() > 0 ? QString::number(status.toInt()) : QStringLiteral("-")) << '\n';
    }
    return kOk;
}

// The model's answer exactly as stored: to --output (0600, replaced whole) or to stdout.
int runResult(ApiClient &client, const QStringList &positional, const QMultiHash<QString, QString> &options,
              QTextStream &out, QTextStream &err)
{
    if (positional.size() != 3)
        return usage(err, QStringLiteral("result takes one job ID"));
    QJsonObject job;
    if (const auto stop = findJob(client, positional[2], &job, err))
        return *stop;
    const ApiResponse r = client.get(jobPath(job) + QStringLiteral("/result"));
    // The stored answer carries the job's id; anything else is the API's own refusal.
    const bool stored = std::any_of(r.headers.cbegin(), r.headers.cend(), [](const auto &h) {
        return h.first.compare("X-ServeDeck-Job-Id", Qt::CaseInsensitive) == 0;
    });
    if (!stored)
        return apiFailure(r, QStringLiteral("jobs result"), err);
    if (options.contains(QStringLiteral("output"))) {
        QSaveFile file(options.value(QStringLiteral("output")));
        if (!file.open(QIODevice::WriteOnly) || file.write(r.raw) != r.raw.size() || !file.commit()) {
            err << "servedeck ctl jobs: cannot write " << file.fileName() << ": " << file.errorString() << '\n';
            return kFailed;
        }
        err << "status " << r.status << ", " << r.raw.size() << " bytes written to " << file.fileName() << '\n';
    } else {
        out.flush();
        QFile stdoutFile;
        if (!stdoutFile.open(stdout, QIODevice::WriteOnly) || stdoutFile.write(r.raw) != r.raw.size()) {
            err << "servedeck ctl jobs: cannot write the answer to stdout\n";
            return kFailed;
        }
        stdoutFile.flush();
    }
    // The answer is the model's, whatever it said; a script still learns whether it was a success.
    return r.status >= 200 && r.status < 300 ? kOk : kFailed;
}

int runAction(ApiClient &client, const QString &action, const QStringList &positional, const QSet<QString> &flags,
              QTextStream &out, QTextStream &err)
{
    if (positional.size() != 3)
        return usage(err, QStringLiteral("%1 takes one job ID").arg(action));
    QJsonObject job;
    if (const auto stop = findJob(client, positional[2], &job, err))
        return *stop;
    if (action == u"get") {
        if (flags.contains(QStringLiteral("json")))
            out << QJsonDocument(QJsonObject{{QStringLiteral("job"), job}}).toJson(QJsonDocument::Indented);
        else
            printJob(out, job);
        return kOk;
    }
    const ApiResponse r = client.send("POST", jobPath(job) + u'/' + action, QByteArray());
    if (!r.ok())
        return apiFailure(r, QStringLiteral("jobs ") + action, err);
    if (flags.contains(QStringLiteral("json"))) {
        out << r.body.toJson(QJsonDocument::Indented);
        return kOk;
    }
    const QJsonObject after = r.body.object().value(QStringLiteral("job")).toObject();
    out << "Job " << after.value(QStringLiteral("id")).toString() << ' '
        << after.value(QStringLiteral("state")).toString();
    if (action == u"retry")
        out << " again (attempt " << after.value(QStringLiteral("attempts")).toInt() + 1 << " of "
            << after.value(QStringLiteral("max_attempts")).toInt() << ')';
    out << '\n';
    return kOk;
}

int runStats(ApiClient &client, const QStringList &positional, const QMultiHash<QString, QString> &options,
             const QSet<QString> &flags, QTextStream &out, QTextStream &err)
{
    if (positional.size() > 3)
        return usage(err, QStringLiteral("stats takes at most one SVC"));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("since"), encoded(options.value(QStringLiteral("since"), QStringLiteral("24h"))));
    if (options.contains(QStringLiteral("until")))
        query.addQueryItem(QStringLiteral("until"), encoded(options.value(QStringLiteral("until"))));
    if (positional.size() == 3)
        query.addQueryItem(QStringLiteral("service"), encoded(positional[2]));
    const ApiResponse r = client.get(QStringLiteral("/v1/jobs/stats?") + query.query(QUrl::FullyEncoded));
    if (!r.ok())
        return apiFailure(r, QStringLiteral("jobs stats"), err);
    if (flags.contains(QStringLiteral("json"))) {
        out << r.body.toJson(QJsonDocument::Indented);
        return kOk;
    }
    const QJsonObject o = r.body.object();
    out << "jobs finished from " << o.value(QStringLiteral("since")).toString() << " to "
        << o.value(QStringLiteral("until")).toString() << '\n';
    out << cell(QStringLiteral("ENDPOINT"), 16) << cell(QStringLiteral("REVISION"), 16)
        << cell(QStringLiteral("COUNT"), 7) << cell(QStringLiteral("SUCCESS%"), 8)
        << cell(QStringLiteral("QUEUE-MEAN"), 10) << cell(QStringLiteral("QUEUE-P95"), 9)
        << cell(QStringLiteral("RUN-MEAN"), 8) << "RUN-P95\n";
    const QJsonArray rows = o.value(QStringLiteral("rows")).toArray();
    for (const QJsonValue &item : rows) {
        const QJsonObject row = item.toObject();
        const QString version = row.value(QStringLiteral("model_version")).toString();
        out << cell(row.value(QStringLiteral("endpoint")).toString(), 16)
            << cell(version.isEmpty() ? QStringLiteral("-") : version, 16)
            << cell(QString::number(row.value(QStringLiteral("count")).toInteger()), 7)
            << cell(QString::number(row.value(QStringLiteral("success_ratio")).toDouble() * 100.0, 'f', 1), 8)
            << cell(msText(row.value(QStringLiteral("queue_mean_ms"))), 10)
            << cell(msText(row.value(QStringLiteral("queue_p95_ms"))), 9)
            << cell(msText(row.value(QStringLiteral("run_mean_ms"))), 8)
            << msText(row.value(QStringLiteral("run_p95_ms"))) << '\n';
    }
    if (rows.isEmpty())
        out << "no finished jobs in that time\n";
    out << "(times in ms)\n";
    return kOk;
}

int runRetention(ApiClient &client, const QMultiHash<QString, QString> &options, const QSet<QString> &flags,
                 QTextStream &out, QTextStream &err)
{
    QJsonObject change;
    const QString badNumber = insertWholeNumbers(options,
                                                 {{QStringLiteral("max-age-days"), QStringLiteral("max_age_days")},
                                                  {QStringLiteral("max-count"), QStringLiteral("max_count")}},
                                                 change);
    if (!badNumber.isEmpty())
        return usage(err, badNumber);
    const ApiResponse r = change.isEmpty() ? client.get(QStringLiteral("/v1/jobs/retention"))
                                           : client.send("PUT", QStringLiteral("/v1/jobs/retention"), change);
    if (!r.ok())
        return apiFailure(r, QStringLiteral("jobs retention"), err);
    if (flags.contains(QStringLiteral("json"))) {
        out << r.body.toJson(QJsonDocument::Indented);
        return kOk;
    }
    const QJsonObject o = r.body.object();
    out << "finished jobs kept: " << o.value(QStringLiteral("max_age_days")).toInt() << " days, at most "
        << o.value(QStringLiteral("max_count")).toInteger() << '\n';
    return kOk;
}

} // namespace

int runCtlJobs(ApiClient &client, const QStringList &positional, const QMultiHash<QString, QString> &options,
               const QSet<QString> &flags, QTextStream &out, QTextStream &err)
{
    const QString sub = positional.value(1);
    if (sub == u"submit")
        return runSubmit(client, positional, options, flags, out, err);
    if (sub == u"list")
        return runList(client, positional, options, flags, out, err);
    if (sub == u"get" || sub == u"cancel" || sub == u"retry")
        return runAction(client, sub, positional, flags, out, err);
    if (sub == u"result")
        return runResult(client, positional, options, out, err);
    if (sub == u"stats")
        return runStats(client, positional, options, flags, out, err);
    if (sub == u"retention")
        return runRetention(client, options, flags, out, err);
    return usage(err,
        sub.isEmpty() ? QStringLiteral("which command?") : QStringLiteral("unknown command '%1'").arg(sub.left(32)));
}
