// servedeck ctl: a thin client of the control API. Every verb is one API call; answers
// print as tables, or as the API's JSON with --json. Exit codes: 0 ok, 1 the API said no (or a
// watched rollout ended without succeeding), 2 usage, 3 no answer from the API, 4 a watch's
// --timeout passed first. The verbs are one table (verbs()), and `ctl help` is written from it.
#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QThread>
#include <QTextStream>
#include <QUrlQuery>

#include "api/apiclient.h"
#include "api/controlapiserver.h"
#include "commandline.h"
#include "ctlverb.h"

// app/ctltry.cpp
int runCtlTry(ServeDeck::ApiClient &client, const QStringList &positional, const QMultiHash<QString, QString> &options,
              const QSet<QString> &flags, QTextStream &out, QTextStream &err);
// app/ctlloadtest.cpp
int runCtlLoadTest(const QStringList &positional, const QMultiHash<QString, QString> &options,
                   const QSet<QString> &flags, ServeDeck::ApiClient &client, QTextStream &out, QTextStream &err);
// app/ctlsimulate.cpp
int runCtlSimulate(ServeDeck::ApiClient &client, const QStringList &positional, const QMultiHash<QString, QString> &options,
                   const QSet<QString> &flags, QTextStream &out, QTextStream &err);
// app/ctlnotifications.cpp, app/ctlalerts.cpp
int runCtlNotifications(ServeDeck::ApiClient &client, const QStringList &positional,
                        const QMultiHash<QString, QString> &options, const QSet<QString> &flags, QTextStream &out,
                        QTextStream &err);
int runCtlAlerts(ServeDeck::ApiClient &client, const QStringList &positional, const QMultiHash<QString, QString> &options,
                 const QSet<QString> &flags, QTextStream &out, QTextStream &err);
// app/ctlusage.cpp
int runCtlUsage(ServeDeck::ApiClient &client, const QStringList &positional, const QMultiHash<QString, QString> &options,
                const QSet<QString> &flags, QTextStream &out, QTextStream &err);
// app/ctlrecommend.cpp
int runCtlRecommend(ServeDeck::ApiClient &client, const QStringList &positional, const QMultiHash<QString, QString> &options,
                    const QSet<QString> &flags, QTextStream &out, QTextStream &err);
// app/ctljobs.cpp
int runCtlJobs(ServeDeck::ApiClient &client, const QStringList &positional, const QMultiHash<QString, QString> &options,
               const QSet<QString> &flags, QTextStream &out, QTextStream &err);
// app/ctlplane.cpp
int runCtlPlane(ServeDeck::ApiClient &client, const QStringList &positional, const QMultiHash<QString, QString> &options,
                const QSet<QString> &flags, QTextStream &out, QTextStream &err);

namespace {

using ServeDeck::ApiClient;
using ServeDeck::ApiResponse;
using CtlVerb::kFailed;
using CtlVerb::kNoAnswer;
using CtlVerb::kOk;
using CtlVerb::kUsage;
using CtlVerb::kWatchTimedOut;
using CtlVerb::servicePath;

// Options of the form --key value (repeatable) and bare --flags; everything else is positional.
struct Args
{
    QStringList positional;
    QMultiHash<QString, QString> options;
    QSet<QString> flags;

    QString value(const QString &key, const QString &fallback = {}) const { return options.value(key, fallback); }
    bool has(const QString &key) const { return options.contains(key) || flags.contains(key); }
};

const QSet<QString> kFlags{QStringLiteral("json"), QStringLiteral("metrics"), QStringLiteral("help"),
                           QStringLiteral("watch"), QStringLiteral("poisson"), QStringLiteral("no-store"),
                           QStringLiteral("csv"), QStringLiteral("stream"), QStringLiteral("random-interval"),
                           QStringLiteral("wait")};

Args parseArgs(const QStringList &arguments, QString *error)
{
    Args args;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &a = arguments[i];
        if (!a.startsWith(QStringLiteral("--"))) {
            args.positional << a;
            continue;
        }
        QString key = a.mid(2);
        const auto eq = key.indexOf(u'=');
        if (eq >= 0) {
            args.options.insert(key.left(eq), key.mid(eq + 1));
        } else if (kFlags.contains(key) || (key == u"public" && (i + 1 >= arguments.size() || arguments[i + 1].startsWith(u'-')
                                                                   || (arguments[i + 1] != u"true" && arguments[i + 1] != u"false")))) {
            args.flags.insert(key);
        } else if (i + 1 < arguments.size()) {
            args.options.insert(key, arguments[++i]);
        } else {
            *error = QStringLiteral("--%1 needs a value").arg(key);
        }
    }
    return args;
}

QString cell(const QJsonValue &v, bool nested = false)
{
    if (v.isString())
        return v.toString();
    if (v.isBool())
        return v.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 10);
    if (v.isNull() || v.isUndefined())
        return QStringLiteral("-");
    if (v.isObject()) {
        QStringList parts;
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            parts << it.key() + u'=' + cell(it.value(), true);
        const QString joined = parts.join(QStringLiteral(", "));
        return nested ? u'(' + joined + u')' : joined;
    }
    QStringList parts;
    for (const auto &item : v.toArray())
        parts << cell(item);
    return parts.join(u',');
}

void printTable(QTextStream &out, const QJsonArray &rows, const QList<std::pair<QString, QString>> &columns)
{
    QList<QStringList> cells;
    QList<qsizetype> widths;
    for (const auto &[key, title] : columns)
        widths << title.size();
    for (const auto &row : rows) {
        QStringList line;
        for (qsizetype c = 0; c < columns.size(); ++c) {
            line << cell(row.toObject().value(columns[c].first));
            widths[c] = std::max(widths[c], line.last().size());
        }
        cells << line;
    }
    auto print = [&](const QStringList &line) {
        QString text;
        for (qsizetype c = 0; c < line.size(); ++c)
            text += c + 1 < line.size() ? line[c].leftJustified(widths[c] + 2) : line[c];
        out << text << '\n';
    };
    QStringList titles;
    for (const auto &column : columns)
        titles << column.second;
    print(titles);
    for (const auto &line : cells)
        print(line);
}

void printObject(QTextStream &out, const QJsonObject &o, const QStringList &keys)
{
    qsizetype width = 0;
    for (const QString &k : keys)
        width = std::max(width, k.size());
    for (const QString &k : keys) {
        if (o.contains(k))
            out << QString(k + u':').leftJustified(width + 2) << cell(o.value(k)) << '\n';
    }
}

const QList<std::pair<QString, QString>> kServiceColumns{
    {QStringLiteral("name"), QStringLiteral("NAME")},           {QStringLiteral("model_version"), QStringLiteral("VERSION")},
    {QStringLiteral("status"), QStringLiteral("STATUS")},       {QStringLiteral("replicas"), QStringLiteral("DESIRED")},
    {QStringLiteral("healthy_replicas"), QStringLiteral("HEALTHY")}, {QStringLiteral("url"), QStringLiteral("URL")},
    {QStringLiteral("id"), QStringLiteral("ID")}};
const QList<std::pair<QString, QString>> kRouteColumns{
    {QStringLiteral("route_id"), QStringLiteral("ROUTE")}, {QStringLiteral("status"), QStringLiteral("STATUS")},
    {QStringLiteral("weight"), QStringLiteral("WEIGHT")},  {QStringLiteral("traffic_share"), QStringLiteral("SHARE")},
    {QStringLiteral("revision_id"), QStringLiteral("REVISION")}, {QStringLiteral("agent_id"), QStringLiteral("AGENT")}};
const QList<std::pair<QString, QString>> kRevisionColumns{
    {QStringLiteral("revision_id"), QStringLiteral("REVISION")}, {QStringLiteral("number"), QStringLiteral("#")},
    {QStringLiteral("model_version"), QStringLiteral("VERSION")}, {QStringLiteral("mode"), QStringLiteral("MODE")},
    {QStringLiteral("match_header"), QStringLiteral("MATCH_HEADER")},
    {QStringLiteral("healthy_routes"), QStringLiteral("HEALTHY")}, {QStringLiteral("active_routes"), QStringLiteral("ACTIVE")}};
const QList<std::pair<QString, QString>> kRuleColumns{
    {QStringLiteral("rule_id"), QStringLiteral("RULE")},          {QStringLiteral("metric_source"), QStringLiteral("SOURCE")},
    {QStringLiteral("condition"), QStringLiteral("CONDITION")},   {QStringLiteral("min_replicas"), QStringLiteral("MIN")},
    {QStringLiteral("max_replicas"), QStringLiteral("MAX")},      {QStringLiteral("scale_up_delay"), QStringLiteral("UP_DELAY")},
    {QStringLiteral("scale_down_delay"), QStringLiteral("DOWN_DELAY")}};
const QList<std::pair<QString, QString>> kErrorColumns{
    {QStringLiteral("time"), QStringLiteral("TIME")}, {QStringLiteral("type"), QStringLiteral("TYPE")},
    {QStringLiteral("endpoint_id"), QStringLiteral("ENDPOINT")}, {QStringLiteral("exit_code"), QStringLiteral("EXIT")},
    {QStringLiteral("signal"), QStringLiteral("SIGNAL")}, {QStringLiteral("message"), QStringLiteral("MESSAGE")}};
const QList<std::pair<QString, QString>> kTokenColumns{
    {QStringLiteral("token_id"), QStringLiteral("TOKEN")}, {QStringLiteral("scope"), QStringLiteral("SCOPE")},
    {QStringLiteral("expires_at"), QStringLiteral("EXPIRES")}, {QStringLiteral("allowed_ips"), QStringLiteral("ALLOWED_IPS")},
    {QStringLiteral("revoked_at"), QStringLiteral("REVOKED")}};
const QStringList kServiceKeys{QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("aliases"),
                               QStringLiteral("model_version"),
                               QStringLiteral("model_folder"), QStringLiteral("runtime_variant"), QStringLiteral("status"),
                               QStringLiteral("lifecycle"), QStringLiteral("replicas"), QStringLiteral("active_replicas"),
                               QStringLiteral("healthy_replicas"), QStringLiteral("resource_slots"),
                               QStringLiteral("resource_group"), QStringLiteral("public"), QStringLiteral("url"),
                               QStringLiteral("retries"), QStringLiteral("priority"), QStringLiteral("queue_when_full"),
                               QStringLiteral("allow_preemption"), QStringLiteral("latency_target_ms"),
                               QStringLiteral("job_concurrency"), QStringLiteral("resource_usage"), QStringLiteral("metrics"),
                               QStringLiteral("created_at")};

// "ID (canary, v1 -> v2, PROGRESSING, weight 10%)": an endpoint's rollout in one line.
QString rolloutSummary(const QJsonObject &r)
{
    return QStringLiteral("%1 (%2, %3 -> %4, %5, weight %6%)")
        .arg(r.value(QStringLiteral("rollout_id")).toString(), r.value(QStringLiteral("strategy")).toString(),
             r.value(QStringLiteral("from_version")).toString(), r.value(QStringLiteral("to_version")).toString(),
             r.value(QStringLiteral("phase")).toString(), cell(r.value(QStringLiteral("weight"))));
}

// An endpoint as create and modify answer it, and the rollout they started, if they did.
void printEndpoint(QTextStream &out, const QJsonObject &o)
{
    printObject(out, o, kServiceKeys);
    if (!o.value(QStringLiteral("rollout_started")).toBool())
        return;
    out << "rollout started: " << rolloutSummary(o.value(QStringLiteral("rollout")).toObject())
        << "; follow it with: rollout status " << o.value(QStringLiteral("name")).toString() << " --watch\n";
}

// A number given on the command line goes to the API as a number when it reads as
// one and as the text otherwise, so that the API (the one judge of a request) refuses it by name.
QJsonValue numberOrText(const QString &text)
{
    bool ok = false;
    const qlonglong n = text.toLongLong(&ok);
    if (ok)
        return QJsonValue(qint64(n));
    const double d = text.toDouble(&ok);
    return ok ? QJsonValue(d) : QJsonValue(text);
}

QJsonObject serviceBody(const Args &a, bool forCreate)
{
    QJsonObject body;
    if (forCreate && a.positional.size() > 1)
        body.insert(QStringLiteral("name"), a.positional[1]);
    const std::pair<const char *, const char *> strings[] = {{"name", "name"},      {"version", "model_version"},
                                                             {"folder", "model_folder"}, {"runtime", "runtime_variant"},
                                                             {"group", "resource_group"}};
    for (const auto &[option, field] : strings) {
        if (a.options.contains(QLatin1String(option)) && !(forCreate && QLatin1String(option) == QLatin1String("name")))
            body.insert(QLatin1String(field), a.value(QLatin1String(option)));
    }
    if (a.options.contains(QStringLiteral("replicas")))
        body.insert(QStringLiteral("replicas"), a.value(QStringLiteral("replicas")).toInt());
    // How a new version in modify rolls out; create refuses them by name.
    if (a.options.contains(QStringLiteral("strategy")))
        body.insert(QStringLiteral("strategy"), a.value(QStringLiteral("strategy")));
    if (a.options.contains(QStringLiteral("canary-weight")))
        body.insert(QStringLiteral("canary_weight"), numberOrText(a.value(QStringLiteral("canary-weight"))));
    QJsonObject slots;
    for (const char *slot : {"cpu", "memory", "gpu"}) {
        if (a.options.contains(QLatin1String(slot)))
            slots.insert(QLatin1String(slot), a.value(QLatin1String(slot)));
    }
    // Device memory per replica ("24G"); the API judges it, as the other slots.
    if (forCreate && a.options.contains(QStringLiteral("gpu-memory")))
        slots.insert(QStringLiteral("gpu_memory"), a.value(QStringLiteral("gpu-memory")));
    if (!slots.isEmpty())
        body.insert(QStringLiteral("resource_slots"), slots);
    if (a.flags.contains(QStringLiteral("public")))
        body.insert(QStringLiteral("public"), true);
    else if (a.options.contains(QStringLiteral("public")))
        body.insert(QStringLiteral("public"), a.value(QStringLiteral("public")) == u"true");
    // --alias, repeatable: every one given (in order) replaces the endpoint's; --alias '' clears them.
    if (a.options.contains(QStringLiteral("alias"))) {
        QStringList given = a.options.values(QStringLiteral("alias"));
        std::reverse(given.begin(), given.end());  // QMultiHash keeps the last given first
        given.removeAll(QString());
        body.insert(QStringLiteral("aliases"), QJsonArray::fromStringList(given));
    }
    // Contention for capacity. Anything but true/false/default goes as text, for the API to refuse by name.
    if (a.options.contains(QStringLiteral("priority")))
        body.insert(QStringLiteral("priority"), numberOrText(a.value(QStringLiteral("priority"))));
    // The p95 goal in ms; "none" clears it. Anything else goes as text, for the API to refuse by name.
    if (a.options.contains(QStringLiteral("latency-target-ms"))) {
        const QString v = a.value(QStringLiteral("latency-target-ms"));
        body.insert(QStringLiteral("latency_target_ms"), v == u"none" ? QJsonValue(QJsonValue::Null) : numberOrText(v));
    }
    // Jobs run at once; 0 or "default": the plane's per-replica formula. Anything else goes as
    // text, for the API to refuse by name.
    if (a.options.contains(QStringLiteral("job-concurrency"))) {
        const QString v = a.value(QStringLiteral("job-concurrency"));
        body.insert(QStringLiteral("job_concurrency"), v == u"default" ? QJsonValue(0) : numberOrText(v));
    }
    for (const auto &[option, field] : {std::pair{"queue-when-full", "queue_when_full"},
                                        std::pair{"allow-preemption", "allow_preemption"}}) {
        if (!a.options.contains(QLatin1String(option)))
            continue;
        const QString v = a.value(QLatin1String(option));
        if (v == u"true" || v == u"false")
            body.insert(QLatin1String(field), v == u"true");
        else if (v == u"default" && QLatin1String(option) == QLatin1String("queue-when-full"))
            body.insert(QLatin1String(field), QJsonValue::Null);
        else
            body.insert(QLatin1String(field), v);
    }
    return body;
}

QJsonObject ruleBody(const Args &a)
{
    QJsonObject body;
    const std::pair<const char *, const char *> strings[] = {{"metric", "metric"}, {"source", "metric_source"},
                                                             {"comparator", "comparator"}};
    for (const auto &[option, field] : strings) {
        if (a.options.contains(QLatin1String(option)))
            body.insert(QLatin1String(field), a.value(QLatin1String(option)));
    }
    const std::pair<const char *, const char *> numbers[] = {
        {"threshold", "threshold"}, {"step", "step_size"},       {"target-per-replica", "target_per_replica"},
        {"min", "min_replicas"},    {"max", "max_replicas"},      {"up-delay", "scale_up_delay"},
        {"down-delay", "scale_down_delay"}, {"cooldown", "cooldown"}};
    for (const auto &[option, field] : numbers) {
        if (a.options.contains(QLatin1String(option)))
            body.insert(QLatin1String(field), a.value(QLatin1String(option)).toDouble());
    }
    return body;
}

QString readTextFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()).trimmed() : QString();
}

enum class Proof { Proven, NoAnswer, Refused };

// Before the admin token goes to an address nobody named on the command line (a data dir's
// api.address may be stale, and another program may listen there now), the listener proves it
// is the console: it answers a fresh nonce with HMAC-SHA256(admin token, nonce). Nothing
// secret is sent for that; *why says what went wrong.
Proof proveConsole(const QUrl &api, const QByteArray &token, QString *why)
{
    QByteArray nonce(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(nonce.data()), nonce.size() / 4);
    nonce = nonce.toHex();
    QUrl url = api.resolved(QUrl(QStringLiteral("/v1/health")));
    url.setQuery(QStringLiteral("nonce=") + QString::fromLatin1(nonce));

    QNetworkAccessManager network;
    QNetworkRequest request(url);
    // Answered by the console at once; a listener that stalls is not trusted either.
    request.setTransferTimeout(10000);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    std::unique_ptr<QNetworkReply> reply(network.get(request));
    QEventLoop loop;
    QObject::connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0) {
        *why = reply->errorString();
        return Proof::NoAnswer;
    }
    const QByteArray proof =
        QJsonDocument::fromJson(reply->read(64 * 1024)).object().value(QStringLiteral("proof")).toString().toLatin1();
    const QByteArray expected = ServeDeck::ControlApiServer::healthProof(token, nonce);
    if (status != 200 || proof.isEmpty()) {
        *why = QStringLiteral("it answered /v1/health with status %1 and no proof that it holds the admin token").arg(status);
        return Proof::Refused;
    }
    if (proof != expected) {
        *why = QStringLiteral("its proof does not match the admin token");
        return Proof::Refused;
    }
    return Proof::Proven;
}


// One verb being run: its arguments, the API call it made and how to print the answer.
struct CtlCall
{
    const Args &a;
    ApiClient &client;
    QTextStream &out;
    QTextStream &err;
    QString verb;
    QString svc;  // the first argument after the verb
    QString sub;  // the second
    ApiResponse r;
    std::function<void(const QJsonObject &)> show;
    bool validOnly = false;  // a 200 whose "valid" is false is still a refusal (dry-run)

    // At least `count` positional arguments, the verb included; says so with the usage if not.
    bool need(qsizetype count);
};

// A handler makes its API call into CtlCall::r, or returns the exit code to stop with.
using VerbHandler = std::optional<int> (*)(CtlCall &);

struct Verb
{
    const char *name;
    const char *usage;    // the forms after "servedeck ctl", continuation lines start with spaces
    const char *summary;
    VerbHandler run;      // null for help, which needs no API
};

const QList<Verb> &verbs();

QString helpText()
{
    // Summaries start in this column; after a usage too long for that, on a line of their own.
    constexpr qsizetype kSummaryColumn = 42;
    QString text = QStringLiteral("usage: servedeck ctl [--api URL] [--token-file F] [--data-dir D] [--json] <verb> ...\n");
    for (const Verb &verb : verbs()) {
        const QStringList lines = QString::fromLatin1(verb.usage).split(u'\n');
        const QString summary = QString::fromLatin1(verb.summary);
        const QString first = QStringLiteral("  ") + lines.first();
        const bool summaryFits = first.size() < kSummaryColumn - 1;
        text += (summaryFits ? first.leftJustified(kSummaryColumn) + summary : first) + u'\n';
        for (const QString &line : lines.mid(1))
            text += QStringLiteral("  ") + line + u'\n';
        if (!summaryFits)
            text += QString(kSummaryColumn, u' ') + summary + u'\n';
    }
    text += QStringLiteral("The API address and admin token come from --api/--token-file, SERVEDECK_API/SERVEDECK_TOKEN_FILE,\n"
                           "or the files `servedeck serve` leaves in its data dir. An address read from the data dir\n"
                           "must prove it is that console (a nonce answered with the admin token's HMAC) before the\n"
                           "token is sent to it.\n");
    return text;
}

bool CtlCall::need(qsizetype count)
{
    if (a.positional.size() >= count)
        return true;
    err << "servedeck ctl " << verb << ": missing arguments\n" << helpText();
    return false;
}

std::optional<int> runHealth(CtlCall &c)
{
    c.r = c.client.get(QStringLiteral("/v1/health"));
    return std::nullopt;
}

std::optional<int> runList(CtlCall &c)
{
    c.r = c.client.get(QStringLiteral("/v1/services"));
    c.show = [&c](const QJsonObject &o) { printTable(c.out, o.value(QStringLiteral("services")).toArray(), kServiceColumns); };
    return std::nullopt;
}

std::optional<int> runAgents(CtlCall &c)
{
    if (c.svc == u"revoke") {
        if (!c.need(3))
            return kUsage;
        c.r = c.client.send("POST", QStringLiteral("/v1/agents/") + QString::fromUtf8(QUrl::toPercentEncoding(c.sub))
                                        + QStringLiteral("/revoke"));
        c.show = [&c](const QJsonObject &o) {
            const QString agent = o.value(QStringLiteral("agent_id")).toString();
            const QString when = o.value(QStringLiteral("revoked_at")).toString();
            if (o.value(QStringLiteral("already_revoked")).toBool())
                c.out << "agent " << agent << " was revoked already, at " << when << '\n';
            else
                c.out << "agent " << agent << " revoked at " << when
                      << ": cut off now; its replicas are replaced elsewhere, and it cannot join again under this id\n";
        };
        return std::nullopt;
    }
    c.r = c.client.get(QStringLiteral("/v1/agents"));
    c.show = [&c](const QJsonObject &o) {
        printTable(c.out, o.value(QStringLiteral("agents")).toArray(),
                   {{QStringLiteral("agent_id"), QStringLiteral("AGENT")}, {QStringLiteral("kind"), QStringLiteral("KIND")},
                    {QStringLiteral("capacity"), QStringLiteral("CAPACITY")},
                    {QStringLiteral("allocated"), QStringLiteral("ALLOCATED")},
                    {QStringLiteral("revoked"), QStringLiteral("REVOKED")}});
        // Replicas waiting for room, in the order they will start.
        const QJsonArray queue = o.value(QStringLiteral("queue")).toArray();
        c.out << "\npending queue: " << queue.size() << (queue.size() == 1 ? " replica waits\n" : " replicas wait\n");
        if (!queue.isEmpty())
            printTable(c.out, queue,
                       {{QStringLiteral("position"), QStringLiteral("#")}, {QStringLiteral("endpoint"), QStringLiteral("ENDPOINT")},
                        {QStringLiteral("priority"), QStringLiteral("PRIORITY")},
                        {QStringLiteral("waiting_since"), QStringLiteral("WAITING_SINCE")},
                        {QStringLiteral("reason"), QStringLiteral("WHY")}});
    };
    return std::nullopt;
}

std::optional<int> runCreate(CtlCall &c)
{
    if (!c.need(2))
        return kUsage;
    c.r = c.client.send("POST", QStringLiteral("/v1/services"), serviceBody(c.a, true));
    c.show = [&c](const QJsonObject &o) { printEndpoint(c.out, o); };
    return std::nullopt;
}

std::optional<int> runDryRun(CtlCall &c)
{
    if (!c.need(2))
        return kUsage;
    c.r = c.client.send("POST", QStringLiteral("/v1/services/dry-run"), serviceBody(c.a, true));
    c.validOnly = true;
    c.show = [&c](const QJsonObject &o) {
        QTextStream &out = c.out;
        out << (o.value(QStringLiteral("valid")).toBool() ? "valid" : "INVALID") << '\n';
        printObject(out, o.value(QStringLiteral("resource_estimate")).toObject(),
                    {QStringLiteral("per_replica"), QStringLiteral("total"), QStringLiteral("available")});
        for (const auto &e : o.value(QStringLiteral("errors")).toArray()) {
            const QJsonObject eo = e.toObject();
            out << "error: " << eo.value(QStringLiteral("type")).toString() << ": "
                << eo.value(QStringLiteral("message")).toString() << '\n';
            for (const auto &f : eo.value(QStringLiteral("details")).toObject().value(QStringLiteral("missing_files")).toArray())
                out << "  missing: " << f.toString() << '\n';
        }
        // What a replica would run, and what of the folder it found.
        if (const QJsonObject launch = o.value(QStringLiteral("launch")).toObject(); !launch.isEmpty()) {
            out << "runtime:  " << launch.value(QStringLiteral("runtime_variant")).toString() << '\n';
            out << "command:  " << launch.value(QStringLiteral("command_line")).toString() << '\n';
            const QJsonValue path = launch.value(QStringLiteral("program_path"));
            out << "program:  " << (path.isString() ? path.toString() : QStringLiteral("NOT FOUND on PATH or in a tools dir")) << '\n';
            for (const auto &f : launch.value(QStringLiteral("found_files")).toArray())
                out << "  found: " << f.toString() << '\n';
            for (const auto &f : launch.value(QStringLiteral("missing_files")).toArray())
                out << "  missing: " << f.toString() << '\n';
        }
    };
    return std::nullopt;
}

std::optional<int> runInfo(CtlCall &c)
{
    if (!c.need(2))
        return kUsage;
    c.r = c.client.get(servicePath(c.svc) + (c.a.flags.contains(QStringLiteral("metrics")) ? QStringLiteral("?include_metrics=true") : QString()));
    c.show = [&c](const QJsonObject &o) {
        printObject(c.out, o, kServiceKeys);
        if (o.contains(QStringLiteral("rollout")))
            c.out << "rollout:          " << rolloutSummary(o.value(QStringLiteral("rollout")).toObject()) << '\n';
        // What rules can read from the runtime: normalized name (the runtime's names).
        QStringList metrics;
        for (const QJsonValue &m : o.value(QStringLiteral("runtime_metrics")).toArray()) {
            QStringList names;
            for (const QJsonValue &n : m.toObject().value(QStringLiteral("names")).toArray())
                names << n.toString();
            metrics << m.toObject().value(QStringLiteral("normalized")).toString() + QStringLiteral(" (")
                           + names.join(QStringLiteral(", ")) + u')';
        }
        if (!metrics.isEmpty())
            c.out << "runtime_metrics:  " << metrics.join(QStringLiteral("; ")) << '\n';
        if (o.contains(QStringLiteral("metrics_note")))
            c.out << "metrics_note:     " << o.value(QStringLiteral("metrics_note")).toString() << '\n';
        c.out << '\n';
        // A replica still starting says for how long, as "STARTING 1 min 20 s (loading)".
        QJsonArray routes = o.value(QStringLiteral("routes")).toArray();
        for (qsizetype i = 0; i < routes.size(); ++i) {
            QJsonObject route = routes[i].toObject();
            if (!route.contains(QStringLiteral("starting_for_s")))
                continue;
            const qint64 s = route.value(QStringLiteral("starting_for_s")).toInteger();
            QString text = s >= 60 ? QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60) : QStringLiteral("%1 s").arg(s);
            if (route.value(QStringLiteral("loading")).toBool())
                text += QStringLiteral(" (loading)");
            route.insert(QStringLiteral("starting"), text);
            routes[i] = route;
        }
        QList<std::pair<QString, QString>> columns = kRouteColumns;
        columns.append({QStringLiteral("starting"), QStringLiteral("STARTING")});
        printTable(c.out, routes, columns);
    };
    return std::nullopt;
}

std::optional<int> runModify(CtlCall &c)
{
    if (!c.need(2))
        return kUsage;
    c.r = c.client.send("PATCH", servicePath(c.svc), serviceBody(c.a, false));
    c.show = [&c](const QJsonObject &o) { printEndpoint(c.out, o); };
    return std::nullopt;
}

std::optional<int> runDelete(CtlCall &c)
{
    if (!c.need(2))
        return kUsage;
    c.r = c.client.send("DELETE", servicePath(c.svc));
    c.show = [&c](const QJsonObject &o) { printObject(c.out, o, kServiceKeys); };
    return std::nullopt;
}

std::optional<int> runScale(CtlCall &c)
{
    if (!c.need(3))
        return kUsage;
    bool ok = false;
    const int n = c.sub.toInt(&ok);
    if (!ok) {
        c.err << "servedeck ctl scale: '" << c.sub << "' is not a replica count\n";
        return kUsage;
    }
    c.r = c.client.send("POST", servicePath(c.svc) + QStringLiteral("/scale"), QJsonObject{{QStringLiteral("replicas"), n}});
    c.show = [&c](const QJsonObject &o) {
        printObject(c.out, o, {QStringLiteral("state"), QStringLiteral("previous_replicas"), QStringLiteral("target_replicas"),
                               QStringLiteral("active_replicas"), QStringLiteral("replicas_to_create"),
                               QStringLiteral("replicas_to_drain")});
    };
    return std::nullopt;
}

std::optional<int> runSync(CtlCall &c)
{
    if (!c.need(2))
        return kUsage;
    c.r = c.client.send("POST", servicePath(c.svc) + QStringLiteral("/sync"));
    c.show = [&c](const QJsonObject &o) { printTable(c.out, o.value(QStringLiteral("routes")).toArray(), kRouteColumns); };
    return std::nullopt;
}

std::optional<int> runRoutes(CtlCall &c)
{
    if (!c.need(2))
        return kUsage;
    c.show = [&c](const QJsonObject &o) { printTable(c.out, o.value(QStringLiteral("routes")).toArray(), kRouteColumns); };
    if (c.sub.isEmpty()) {
        c.r = c.client.get(servicePath(c.svc) + QStringLiteral("/routes"));
    } else if (c.sub == u"set") {
        QJsonArray routes;
        for (const QString &pair : c.a.positional.mid(3)) {
            const auto kv = pair.split(u'=');
            if (kv.size() != 2) {
                c.err << "servedeck ctl routes set: expected ROUTE=WEIGHT, got " << pair << '\n';
                return kUsage;
            }
            routes.append(QJsonObject{{QStringLiteral("route_id"), kv[0]}, {QStringLiteral("weight"), kv[1].toInt()}});
        }
        c.r = c.client.send("PUT", servicePath(c.svc) + QStringLiteral("/routes"), QJsonObject{{QStringLiteral("routes"), routes}});
    } else if (c.sub == u"delete" && c.need(4)) {
        c.r = c.client.send("DELETE", servicePath(c.svc) + QStringLiteral("/routes/") + c.a.positional[3]);
        c.show = [&c](const QJsonObject &o) { printObject(c.out, o, o.keys()); };
    } else {
        return kUsage;
    }
    return std::nullopt;
}

std::optional<int> runRevisions(CtlCall &c)
{
    if (!c.need(2))
        return kUsage;
    if (c.sub.isEmpty()) {
        c.r = c.client.get(servicePath(c.svc) + QStringLiteral("/revisions"));
        c.show = [&c](const QJsonObject &o) { printTable(c.out, o.value(QStringLiteral("revisions")).toArray(), kRevisionColumns); };
    } else if (c.sub == u"set" && c.need(4)) {
        QJsonObject body;
        if (c.a.options.contains(QStringLiteral("match-header"))) {
            const QString match = c.a.value(QStringLiteral("match-header"));
            body.insert(QStringLiteral("match_header"), match == u"none" ? QJsonValue() : QJsonValue(match));
        }
        if (c.a.options.contains(QStringLiteral("mode")))
            body.insert(QStringLiteral("mode"), c.a.value(QStringLiteral("mode")));
        c.r = c.client.send("PATCH", servicePath(c.svc) + QStringLiteral("/revisions/") + QString::fromLatin1(QUrl::toPercentEncoding(c.a.positional[3])),
                            body);
        c.show = [&c](const QJsonObject &o) { printTable(c.out, QJsonArray{o}, kRevisionColumns); };
    } else {
        return kUsage;
    }
    return std::nullopt;
}

std::optional<int> runRules(CtlCall &c)
{
    if (!c.need(2))
        return kUsage;
    const QString base = servicePath(c.svc) + QStringLiteral("/autoscaling-rules");
    if (c.sub.isEmpty()) {
        c.r = c.client.get(base);
        c.show = [&c](const QJsonObject &o) {
            printTable(c.out, o.value(QStringLiteral("autoscaling_rules")).toArray(), kRuleColumns);
        };
    } else if (c.sub == u"create") {
        c.r = c.client.send("POST", base, ruleBody(c.a));
    } else if (c.sub == u"modify" && c.need(4)) {
        c.r = c.client.send("PATCH", base + u'/' + c.a.positional[3], ruleBody(c.a));
    } else if (c.sub == u"delete" && c.need(4)) {
        c.r = c.client.send("DELETE", base + u'/' + c.a.positional[3]);
    } else {
        return kUsage;
    }
    return std::nullopt;
}

std::optional<int> runToken(CtlCall &c)
{
    if (!c.need(2))
        return kUsage;
    const Args &a = c.a;
    QJsonObject body{{QStringLiteral("scope"), a.value(QStringLiteral("scope"), QStringLiteral("inference"))}};
    if (a.options.contains(QStringLiteral("expiry"))) {
        const QString expiry = a.value(QStringLiteral("expiry"));
        body.insert(QStringLiteral("expiry"), expiry == u"none" || expiry == u"null" ? QJsonValue() : QJsonValue(expiry.toLongLong()));
    }
    const QStringList ips = a.options.values(QStringLiteral("allow-ip"));
    if (!ips.isEmpty())
        body.insert(QStringLiteral("allowed_ips"), QJsonArray::fromStringList(QStringList(ips.rbegin(), ips.rend())));
    c.r = c.client.send("POST", servicePath(c.svc) + QStringLiteral("/tokens"), body);
    const QString outFile = a.value(QStringLiteral("out"));
    if (c.r.ok() && !outFile.isEmpty()) {
        QSaveFile f(outFile);
        if (!f.open(QIODevice::WriteOnly) || !f.setPermissions(QFile::ReadOwner | QFile::WriteOwner)
            || f.write(c.r.body.object().value(QStringLiteral("token")).toString().toUtf8() + '\n') < 0 || !f.commit()) {
            c.err << "servedeck ctl token: cannot write " << outFile << ": " << f.errorString() << '\n';
            return kFailed;
        }
    }
    return std::nullopt;
}

std::optional<int> runTokens(CtlCall &c)
{
    if (!c.need(2))
        return kUsage;
    if (c.sub == u"revoke" && c.need(4)) {
        c.r = c.client.send("DELETE", servicePath(c.svc) + QStringLiteral("/tokens/") + c.a.positional[3]);
    } else {
        c.r = c.client.get(servicePath(c.svc) + QStringLiteral("/tokens"));
        c.show = [&c](const QJsonObject &o) { printTable(c.out, o.value(QStringLiteral("tokens")).toArray(), kTokenColumns); };
    }
    return std::nullopt;
}

std::optional<int> runErrors(CtlCall &c)
{
    if (c.sub == u"clear") {
        c.r = c.client.send("DELETE", servicePath(c.svc) + QStringLiteral("/errors"));
        return std::nullopt;
    }
    QUrlQuery query;
    if (c.a.options.contains(QStringLiteral("limit")))
        query.addQueryItem(QStringLiteral("limit"), c.a.value(QStringLiteral("limit")));
    if (c.a.options.contains(QStringLiteral("type")))
        query.addQueryItem(QStringLiteral("type"), c.a.value(QStringLiteral("type")));
    const QString path = (c.svc.isEmpty() ? QStringLiteral("/v1/errors") : servicePath(c.svc) + QStringLiteral("/errors"))
        + (query.isEmpty() ? QString() : u'?' + query.toString(QUrl::FullyEncoded));
    c.r = c.client.get(path);
    c.show = [&c](const QJsonObject &o) { printTable(c.out, o.value(QStringLiteral("errors")).toArray(), kErrorColumns); };
    return std::nullopt;
}

std::optional<int> runScaleEvents(CtlCall &c)
{
    if (!c.need(2))
        return kUsage;
    QString path = servicePath(c.svc) + QStringLiteral("/scale-events");
    if (c.a.options.contains(QStringLiteral("limit")))
        path += QStringLiteral("?limit=") + c.a.value(QStringLiteral("limit"));
    c.r = c.client.get(path);
    c.show = [&c](const QJsonObject &o) {
        c.out << "UP " << o.value(QStringLiteral("up")).toInt() << "  DOWN " << o.value(QStringLiteral("down")).toInt() << '\n';
        printTable(c.out, o.value(QStringLiteral("events")).toArray(),
                   {{QStringLiteral("time"), QStringLiteral("TIME")}, {QStringLiteral("direction"), QStringLiteral("DIR")},
                    {QStringLiteral("replicas_before"), QStringLiteral("FROM")}, {QStringLiteral("replicas_after"), QStringLiteral("TO")},
                    {QStringLiteral("metric_value"), QStringLiteral("VALUE")}, {QStringLiteral("reason"), QStringLiteral("REASON")}});
    };
    return std::nullopt;
}

std::optional<int> runAutoscaling(CtlCall &c)
{
    if (!c.need(2))
        return kUsage;
    QJsonObject body;
    if (c.a.options.contains(QStringLiteral("schedule")))
        body.insert(QStringLiteral("schedule"), c.a.value(QStringLiteral("schedule")));
    if (c.a.options.contains(QStringLiteral("idle-timeout"))) {
        bool ok = false;
        const int seconds = c.a.value(QStringLiteral("idle-timeout")).toInt(&ok);
        if (!ok) {
            c.err << "servedeck ctl autoscaling: --idle-timeout '" << c.a.value(QStringLiteral("idle-timeout")) << "' is not a number\n";
            return kUsage;
        }
        body.insert(QStringLiteral("idle_timeout"), seconds);
    }
    c.r = body.isEmpty() ? c.client.get(servicePath(c.svc) + QStringLiteral("/autoscaling"))
                         : c.client.send("PUT", servicePath(c.svc) + QStringLiteral("/autoscaling"), body);
    return std::nullopt;
}

// retention [--days N] [--rows N]: shows the errors and scale-events retention, or changes it.
std::optional<int> runRetention(CtlCall &c)
{
    QJsonObject body;
    for (const auto &[option, field] : {std::pair{QStringLiteral("days"), QStringLiteral("max_age_days")},
                                        std::pair{QStringLiteral("rows"), QStringLiteral("max_rows_per_endpoint")}}) {
        if (!c.a.options.contains(option))
            continue;
        bool ok = false;
        const int value = c.a.value(option).toInt(&ok);
        if (!ok) {
            c.err << "servedeck ctl retention: --" << option << " '" << c.a.value(option) << "' is not a number\n";
            return kUsage;
        }
        body.insert(field, value);
    }
    c.r = body.isEmpty() ? c.client.get(QStringLiteral("/v1/settings/retention"))
                         : c.client.send("PUT", QStringLiteral("/v1/settings/retention"), body);
    return std::nullopt;
}

std::optional<int> runMetric(CtlCall &c)
{
    if (!c.need(4))
        return kUsage;
    bool ok = false;
    const double value = c.a.positional[3].toDouble(&ok);
    if (!ok) {
        c.err << "servedeck ctl metric: '" << c.a.positional[3] << "' is not a number\n";
        return kUsage;
    }
    c.r = c.client.send("POST", servicePath(c.svc) + QStringLiteral("/metrics"),
                        QJsonObject{{QStringLiteral("name"), c.sub}, {QStringLiteral("value"), value}});
    return std::nullopt;
}

// Rollouts.
QJsonObject rolloutBody(const Args &a)
{
    QJsonObject body;
    const std::pair<const char *, const char *> strings[] = {{"version", "model_version"}, {"folder", "model_folder"},
                                                             {"revision", "revision"}, {"strategy", "strategy"}};
    for (const auto &[option, field] : strings) {
        if (a.options.contains(QLatin1String(option)))
            body.insert(QLatin1String(field), a.value(QLatin1String(option)));
    }
    const std::pair<const char *, const char *> numbers[] = {
        {"weight", "weight"}, {"interval", "interval_seconds"}, {"max-surge", "max_surge_percent"},
        {"max-unavailable", "max_unavailable"}, {"rollback-window", "rollback_window_seconds"},
        {"deadline", "progress_deadline_seconds"}};
    for (const auto &[option, field] : numbers) {
        if (a.options.contains(QLatin1String(option)))
            body.insert(QLatin1String(field), numberOrText(a.value(QLatin1String(option))));
    }
    if (a.options.contains(QStringLiteral("steps"))) {
        QJsonArray steps;
        for (const QString &step : a.value(QStringLiteral("steps")).split(u','))
            steps.append(numberOrText(step.trimmed()));
        body.insert(QStringLiteral("steps"), steps);
    }
    const std::pair<const char *, const char *> analysis[] = {
        {"min-requests", "min_requests"}, {"max-error-rate-increase", "max_error_rate_increase"},
        {"max-latency-ratio", "max_latency_ratio"}, {"min-latency-increase-ms", "min_latency_increase_ms"},
        {"failure-threshold", "failure_threshold"}};
    QJsonObject thresholds;
    for (const auto &[option, field] : analysis) {
        if (a.options.contains(QLatin1String(option)))
            thresholds.insert(QLatin1String(field), numberOrText(a.value(QLatin1String(option))));
    }
    if (!thresholds.isEmpty())
        body.insert(QStringLiteral("analysis"), thresholds);
    return body;
}

QString rolloutsPath(const QString &svc)
{
    return servicePath(svc) + QStringLiteral("/rollouts");
}

QString rolloutPath(const QString &svc, const QString &rollout)
{
    return rolloutsPath(svc) + u'/' + QString::fromUtf8(QUrl::toPercentEncoding(rollout));
}

// "step 2/4" of a progressive rollout; steps count from 1 here, from 0 in the API.
QString stepText(const QJsonValue &step, const QJsonArray &steps)
{
    const QString n = QString::number(step.toInt() + 1);
    return steps.isEmpty() ? n : n + u'/' + QString::number(steps.size());
}

// One line per event: when, the phase after it, the step (progressive only), the new version's share.
QString eventLine(const QJsonObject &e, bool stepped)
{
    const QString step = stepped ? QStringLiteral("step %1  ").arg(e.value(QStringLiteral("step")).toInt() + 1) : QString();
    return QStringLiteral("%1  event     %2  %3weight %4%  %5")
        .arg(cell(e.value(QStringLiteral("at"))), cell(e.value(QStringLiteral("phase"))), step,
             cell(e.value(QStringLiteral("weight"))), e.value(QStringLiteral("message")).toString());
}

QString decisionLine(const QJsonObject &d)
{
    QString line = QStringLiteral("%1  decision  step %2  %3  canary %4 (n=%5)  stable %6 (n=%7)  effect %8  %9")
                       .arg(cell(d.value(QStringLiteral("at"))), QString::number(d.value(QStringLiteral("step")).toInt() + 1),
                            cell(d.value(QStringLiteral("check"))), cell(d.value(QStringLiteral("canary_value"))),
                            cell(d.value(QStringLiteral("canary_requests"))), cell(d.value(QStringLiteral("stable_value"))),
                            cell(d.value(QStringLiteral("stable_requests"))), cell(d.value(QStringLiteral("effect"))),
                            cell(d.value(QStringLiteral("verdict"))));
    const QString note = d.value(QStringLiteral("note")).toString();
    return note.isEmpty() ? line : line + QStringLiteral("  ") + note;
}

void printRollout(QTextStream &out, const QJsonObject &o)
{
    QJsonObject shown = o;
    shown.insert(QStringLiteral("versions"), QString(o.value(QStringLiteral("from_version")).toString() + QStringLiteral(" -> ")
                                                         + o.value(QStringLiteral("to_version")).toString()));
    const bool stepped = !o.value(QStringLiteral("steps")).toArray().isEmpty();
    if (stepped)
        shown.insert(QStringLiteral("step"), stepText(o.value(QStringLiteral("step")), o.value(QStringLiteral("steps")).toArray()));
    else
        shown.remove(QStringLiteral("step"));
    printObject(out, shown,
                {QStringLiteral("rollout_id"), QStringLiteral("endpoint"), QStringLiteral("strategy"), QStringLiteral("phase"),
                 QStringLiteral("versions"), QStringLiteral("step"), QStringLiteral("weight"),
                 QStringLiteral("failures"), QStringLiteral("failed_checks"), QStringLiteral("reason"),
                 QStringLiteral("created_at"), QStringLiteral("finished_at")});
    for (const auto &e : o.value(QStringLiteral("events")).toArray())
        out << eventLine(e.toObject(), stepped) << '\n';
    for (const auto &d : o.value(QStringLiteral("decisions")).toArray())
        out << decisionLine(d.toObject()) << '\n';
}

const QList<std::pair<QString, QString>> kRolloutColumns{
    {QStringLiteral("rollout_id"), QStringLiteral("ROLLOUT")}, {QStringLiteral("strategy"), QStringLiteral("STRATEGY")},
    {QStringLiteral("phase"), QStringLiteral("PHASE")},        {QStringLiteral("from_version"), QStringLiteral("FROM")},
    {QStringLiteral("to_version"), QStringLiteral("TO")},      {QStringLiteral("weight"), QStringLiteral("WEIGHT")},
    {QStringLiteral("created_at"), QStringLiteral("STARTED")}, {QStringLiteral("finished_at"), QStringLiteral("FINISHED")},
    {QStringLiteral("reason"), QStringLiteral("REASON")}};

// A watch polls the rollout once a second: what a person reading it notices, and one small
// request a second for the API. The default bound outlasts the default progress deadline.
constexpr int kWatchPollMs = 1000;
constexpr int kDefaultWatchTimeoutSeconds = 1800;

// Prints the rollout, then every new event and decision as it is recorded, until the rollout
// is no longer in progress: 0 when it succeeded, 1 when it ended otherwise, 4 at --timeout.
int watchRollout(CtlCall &c, const QString &svc, const QString &rolloutRef)
{
    const bool json = c.a.flags.contains(QStringLiteral("json"));
    bool ok = true;
    const int timeoutSeconds = c.a.options.contains(QStringLiteral("timeout"))
        ? c.a.value(QStringLiteral("timeout")).toInt(&ok) : kDefaultWatchTimeoutSeconds;
    if (!ok || timeoutSeconds < 1) {
        c.err << "servedeck ctl rollout status: --timeout '" << c.a.value(QStringLiteral("timeout"))
              << "' is not a number of seconds\n";
        return kUsage;
    }
    const QDeadlineTimer deadline(qint64(timeoutSeconds) * 1000);
    QString path = rolloutPath(svc, rolloutRef);
    qsizetype eventsShown = 0;
    qsizetype decisionsShown = 0;
    for (bool first = true;; first = false) {
        const ApiResponse r = c.client.get(path);
        if (r.status == 0) {
            c.err << "servedeck ctl: no answer from the API: " << r.transportError << '\n';
            return kNoAnswer;
        }
        if (const auto e = r.error()) {
            if (json)
                c.out << r.body.toJson(QJsonDocument::Compact) << '\n';
            else
                c.err << "error: " << e->typeName() << ": " << e->message << '\n';
            return kFailed;
        }
        const QJsonObject o = r.body.object();
        if (first) {
            // "current" or "latest" is pinned to the rollout it named now: a newer one is not this one.
            path = rolloutPath(svc, o.value(QStringLiteral("rollout_id")).toString());
            if (!json)
                printRollout(c.out, o);  // with the events and decisions so far
        }
        const QJsonArray events = o.value(QStringLiteral("events")).toArray();
        const QJsonArray decisions = o.value(QStringLiteral("decisions")).toArray();
        for (; eventsShown < events.size(); ++eventsShown) {
            const QJsonObject e = events.at(eventsShown).toObject();
            if (json)
                c.out << QJsonDocument(QJsonObject{{QStringLiteral("event"), e}}).toJson(QJsonDocument::Compact) << '\n';
            else if (!first)
                c.out << eventLine(e, !o.value(QStringLiteral("steps")).toArray().isEmpty()) << '\n';
        }
        for (; decisionsShown < decisions.size(); ++decisionsShown) {
            const QJsonObject d = decisions.at(decisionsShown).toObject();
            if (json)
                c.out << QJsonDocument(QJsonObject{{QStringLiteral("decision"), d}}).toJson(QJsonDocument::Compact) << '\n';
            else if (!first)
                c.out << decisionLine(d) << '\n';
        }
        c.out.flush();
        if (!o.value(QStringLiteral("in_progress")).toBool()) {
            const QString phase = o.value(QStringLiteral("phase")).toString();
            if (json) {
                QJsonObject last = o;
                last.remove(QStringLiteral("events"));
                last.remove(QStringLiteral("decisions"));
                c.out << QJsonDocument(QJsonObject{{QStringLiteral("rollout"), last}}).toJson(QJsonDocument::Compact) << '\n';
            } else {
                c.out << "rollout " << o.value(QStringLiteral("rollout_id")).toString() << " ended " << phase;
                const QString reason = o.value(QStringLiteral("reason")).toString();
                c.out << (reason.isEmpty() ? QString() : QStringLiteral(": ") + reason) << '\n';
            }
            return phase == u"SUCCEEDED" ? kOk : kFailed;
        }
        if (deadline.remainingTime() < kWatchPollMs) {
            c.err << "servedeck ctl rollout status: still " << o.value(QStringLiteral("phase")).toString() << " after "
                  << timeoutSeconds << " s (--timeout)\n";
            return kWatchTimedOut;
        }
        QThread::msleep(kWatchPollMs);
    }
}

std::optional<int> runRollout(CtlCall &c)
{
    // rollout ACTION SVC [ARG]: the action is the verb's first argument here.
    const QString action = c.svc;
    const QString svc = c.sub;
    const QString arg = c.a.positional.value(3);
    if (!c.need(3))
        return kUsage;
    c.show = [&c](const QJsonObject &o) { printRollout(c.out, o); };
    if (action == u"start") {
        c.r = c.client.send("POST", rolloutsPath(svc), rolloutBody(c.a));
    } else if (action == u"status") {
        const QString ref = arg.isEmpty() ? QStringLiteral("latest") : arg;
        if (c.a.flags.contains(QStringLiteral("watch")))
            return watchRollout(c, svc, ref);
        c.r = c.client.get(rolloutPath(svc, ref));
    } else if (action == u"history") {
        QString path = rolloutsPath(svc);
        if (c.a.options.contains(QStringLiteral("limit")))
            path += QStringLiteral("?limit=") + QString::fromUtf8(QUrl::toPercentEncoding(c.a.value(QStringLiteral("limit"))));
        c.r = c.client.get(path);
        c.show = [&c](const QJsonObject &o) { printTable(c.out, o.value(QStringLiteral("rollouts")).toArray(), kRolloutColumns); };
    } else if (action == u"weight") {
        if (!c.need(4))
            return kUsage;
        const QString ref = c.a.positional.value(4, QStringLiteral("current"));
        c.r = c.client.send("PUT", rolloutPath(svc, ref) + QStringLiteral("/weight"),
                            QJsonObject{{QStringLiteral("weight"), numberOrText(arg)}});
    } else if (action == u"promote" || action == u"pause" || action == u"resume" || action == u"abort"
               || action == u"rollback") {
        const QString ref = !arg.isEmpty() ? arg : action == u"rollback" ? QStringLiteral("latest") : QStringLiteral("current");
        c.r = c.client.send("POST", rolloutPath(svc, ref) + u'/' + action);
    } else {
        c.err << "servedeck ctl rollout: unknown action '" << action << "'\n" << helpText();
        return kUsage;
    }
    return std::nullopt;
}

// The verbs in the order `ctl help` lists them.
const QList<Verb> &verbs()
{
    static const QList<Verb> table{
        {"health", "health", "is the API up, and its version", runHealth},
        {"list", "list", "every endpoint, one a line", runList},
        {"agents", "agents | agents revoke AGENT_ID",
         "agents, their capacity and what is allocated, the replicas waiting for room (the pending queue);\n"
         "revoke one (cut off, never to rejoin under that id)", runAgents},
        {"create",
         "create NAME --version V --folder F [--replicas N] [--cpu C] [--memory M] [--gpu G]\n"
         "       [--gpu-memory M] [--runtime R] [--group G] [--public] [--alias A]...\n"
         "       [--priority P] [--queue-when-full true|false|default] [--allow-preemption true|false]\n"
         "       [--latency-target-ms MS] [--job-concurrency N]",
         "deploy a model folder as an endpoint", runCreate},
        {"dry-run", "dry-run NAME --version V --folder F [...same options as create]",
         "check a create: every problem, and the resources it needs", runDryRun},
        {"info", "info SVC [--metrics]", "one endpoint and its routes", runInfo},
        {"modify",
         "modify SVC [--name N] [--version V] [--folder F] [--replicas N] [--cpu C] [--memory M]\n"
         "           [--runtime R] [--group G] [--public true|false] [--alias A]... (all of them; --alias '': none)\n"
         "           [--strategy rolling|blue-green|canary|progressive] [--canary-weight W]\n"
         "           [--priority P] [--queue-when-full true|false|default] [--allow-preemption true|false]\n"
         "           [--latency-target-ms MS|none] [--job-concurrency N|default]",
         "change an endpoint; a new version or folder is rolled out as a new revision", runModify},
        {"delete", "delete SVC", "drain and remove an endpoint", runDelete},
        {"sync", "sync SVC", "publish the healthy routes to the proxy again", runSync},
        {"scale", "scale SVC N", "set the desired replica count", runScale},
        {"routes", "routes SVC | routes SVC set ROUTE=WEIGHT... | routes SVC delete ROUTE",
         "routes and their weights; set the weights; drain one", runRoutes},
        {"revisions", "revisions SVC | revisions SVC set REVISION [--match-header 'NAME: VALUE'|none] [--mode serve|shadow]",
         "revisions; which requests one serves (a header condition, shadow)", runRevisions},
        {"rules",
         "rules SVC | rules SVC create --metric M --threshold T [--source S] [--comparator OP]\n"
         "           [--step N] [--target-per-replica X] [--min N] [--max N] [--up-delay S]\n"
         "           [--down-delay S] [--cooldown S]\n"
         "rules SVC modify RULE [same options] | rules SVC delete RULE",
         "autoscaling rules: list, create, modify, delete", runRules},
        {"token", "token SVC [--scope inference|read-only|admin] [--expiry SECONDS|none] [--allow-ip CIDR]... [--out FILE]",
         "issue an inference token (--out: to a file only its owner reads)", runToken},
        {"tokens", "tokens SVC | tokens SVC revoke TOKEN_ID", "the tokens issued; revoke one", runTokens},
        {"errors", "errors [SVC] [--limit N] [--type T] | errors SVC clear",
         "recent errors, of one endpoint or all; clear them", runErrors},
        {"scale-events", "scale-events SVC [--limit N]", "what scaled, when and why, with UP/DOWN counts", runScaleEvents},
        {"retention", "retention [--days N] [--rows N]",
         "how long errors and scale events are kept (days, rows per endpoint); change it", runRetention},
        {"autoscaling", "autoscaling SVC [--schedule TEXT] [--idle-timeout SECONDS]",
         "replica floors by time (\"mon-fri 09:00-18:00 min=3\"), scale to zero", runAutoscaling},
        {"metric", "metric SVC NAME VALUE", "push a CUSTOM metric value for rules to act on", runMetric},
        {"rollout",
         "rollout start SVC --version V [--folder F | --revision R] [--strategy rolling|blue-green|canary|progressive]\n"
         "        [--steps 5,25,50,100] [--interval S] [--weight W] [--max-surge P] [--max-unavailable N]\n"
         "        [--rollback-window S] [--deadline S] [--min-requests N] [--max-error-rate-increase X]\n"
         "        [--max-latency-ratio X] [--min-latency-increase-ms X] [--failure-threshold N]\n"
         "rollout status SVC [ROLLOUT] [--watch [--timeout S]] | rollout history SVC [--limit N]\n"
         "rollout promote|pause|resume|abort SVC [ROLLOUT] | rollout rollback SVC [ROLLOUT]\n"
         "rollout weight SVC W [ROLLOUT]                    (ROLLOUT: an id, current or latest)",
         "roll a new version out; follow it live (--watch); act on it", runRollout},
        {"try", "try SVC [--data JSON|@file] [--path P] [--header 'N: V']... [--method M]",
         "send one request (a private endpoint's with a short-lived token); status, route, revision, timings, answer",
         [](CtlCall &c) -> std::optional<int> { return runCtlTry(c.client, c.a.positional, c.a.options, c.a.flags, c.out, c.err); }},
        {"loadtest",
         "loadtest SVC [--rate R [--poisson] | --ramp FROM:TO | --concurrency N [--requests N]] [--duration 30s]\n"
         "        [--path P] [--data JSON|@file] [--header 'N: V']... [--target p95<200ms]... [--timeout 30s]\n"
         "        [--connections N] [--stream] [--no-store]\n"
         "loadtest list [SVC] [--limit N] | loadtest show ID [--csv] | loadtest compare ID ID",
         "load-test an endpoint from here (latency from each scheduled start); exit 1 when a target fails",
         [](CtlCall &c) -> std::optional<int> {
             return runCtlLoadTest(c.a.positional, c.a.options, c.a.flags, c.client, c.out, c.err);
         }},
        {"simulate",
         "simulate SVC --pattern constant|linear|seasonal|random_walk|exponential|cyclical --max-rate R\n"
         "        [--min-rate R] [--period 120s] [--interval 1s] [--random-interval] [--batch 1:4]\n"
         "        [--duration 10m] [--seed N] [--path /predict] [--data JSON]",
         "send it traffic in a pattern until Ctrl-C or --duration, a line per tick",
         [](CtlCall &c) -> std::optional<int> {
             return runCtlSimulate(c.client, c.a.positional, c.a.options, c.a.flags, c.out, c.err);
         }},
        {"notifications",
         "notifications [list] | notifications add --name N (--webhook URL [--secret-file F|-] | --kind desktop\n"
         "        | --command /abs/program [--arg A]... [-- ARGS...]) [--events K1,K2] [--min-severity S] [--endpoint SVC]\n"
         "        [--quiet SECONDS] | notifications test|remove CHANNEL | notifications deliveries [--channel C] [--limit N]",
         "where events are sent (webhooks signed with the secret, commands, the desktop); what was delivered",
         [](CtlCall &c) -> std::optional<int> {
             return runCtlNotifications(c.client, c.a.positional, c.a.options, c.a.flags, c.out, c.err);
         }},
        {"alerts", "alerts SVC [list] | alerts SVC add \"p95_ms > 200 for 60s\" [--severity S] | alerts SVC remove RULE",
         "alert rules: notify when a metric holds past a threshold",
         [](CtlCall &c) -> std::optional<int> {
             return runCtlAlerts(c.client, c.a.positional, c.a.options, c.a.flags, c.out, c.err);
         }},
        {"usage",
         "usage SVC [--since 7d|24h|ISO] [--json|--csv]\n"
         "usage prices [--cpu-hour X|none] [--gpu-hour Y|none] [--currency EUR]\n"
         "usage retention [--minute-days N] [--hour-days N]",
         "replica-, CPU- and GPU-hours, requests and cost per revision; prices; sample retention",
         [](CtlCall &c) -> std::optional<int> {
             return runCtlUsage(c.client, c.a.positional, c.a.options, c.a.flags, c.out, c.err);
         }},
        {"recommend", "recommend SVC [--since 14d] [--json] [--apply N]",
         "scaling recommendations from the recorded usage, each with its data; apply one",
         [](CtlCall &c) -> std::optional<int> {
             return runCtlRecommend(c.client, c.a.positional, c.a.options, c.a.flags, c.out, c.err);
         }},
        {"jobs",
         "jobs submit SVC [--path /predict] [--method POST] [--data JSON | --data-file F] [--header 'K: V']...\n"
         "        [--priority N] [--idempotency-key K] [--deadline 10m] [--max-attempts N] [--wait [--timeout 10m]]\n"
         "jobs list [SVC] [--state S] [--since 1h] | jobs get|cancel|retry ID | jobs result ID [--output F]\n"
         "jobs stats [SVC] [--since 24h] | jobs retention [--max-age-days N] [--max-count N]",
         "asynchronous jobs: submit (--wait: until done), follow, fetch the answer, cancel, retry; stats",
         [](CtlCall &c) -> std::optional<int> {
             return runCtlJobs(c.client, c.a.positional, c.a.options, c.a.flags, c.out, c.err);
         }},
        {"plane", "plane status [--json]", "this node of a shared plane, who leads it, the epoch and the lease's age",
         [](CtlCall &c) -> std::optional<int> {
             return runCtlPlane(c.client, c.a.positional, c.a.options, c.a.flags, c.out, c.err);
         }},
        {"help", "help", "this text", nullptr},
    };
    return table;
}

const Verb *findVerb(const QString &name)
{
    for (const Verb &verb : verbs()) {
        if (name == QLatin1String(verb.name))
            return &verb;
    }
    return nullptr;
}

} // namespace

int runCtl(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QString parseError;
    const Args a = parseArgs(arguments, &parseError);
    if (!parseError.isEmpty()) {
        err << "servedeck ctl: " << parseError << '\n';
        return kUsage;
    }
    if (a.positional.isEmpty()) {
        err << helpText();
        return kUsage;
    }
    const Verb *verb = findVerb(a.positional[0]);
    if (a.flags.contains(QStringLiteral("help")) || (verb && !verb->run)) {
        out << helpText();
        return kOk;
    }
    if (!verb) {
        err << "servedeck ctl: unknown verb '" << a.positional[0] << "'\n" << helpText();
        return kUsage;
    }

    const QString dataDir = a.value(QStringLiteral("data-dir"), defaultDataDir());
    QString api = a.value(QStringLiteral("api"), qEnvironmentVariable("SERVEDECK_API"));
    // Named by the operator: trusted as given. Read from a file or assumed: proven first.
    const bool apiNamed = !api.isEmpty();
    QString apiSource = QStringLiteral("the default address");
    if (api.isEmpty()) {
        api = readTextFile(QDir(dataDir).filePath(QStringLiteral("api.address")));
        apiSource = QDir(dataDir).filePath(QStringLiteral("api.address"));
    }
    if (api.isEmpty()) {
        api = QStringLiteral("http://127.0.0.1:7470");
        apiSource = QStringLiteral("the default address");
    }
    if (!api.contains(QStringLiteral("://")))
        api.prepend(QStringLiteral("http://"));
    QString tokenFile = a.value(QStringLiteral("token-file"), qEnvironmentVariable("SERVEDECK_TOKEN_FILE"));
    if (tokenFile.isEmpty())
        tokenFile = QDir(dataDir).filePath(QStringLiteral("admin.token"));
    const QString token = readTextFile(tokenFile);
    if (token.isEmpty()) {
        err << "servedeck ctl: no admin token in " << tokenFile << " (give --token-file)\n";
        return kUsage;
    }
    if (!apiNamed) {
        QString why;
        switch (proveConsole(QUrl(api), token.toUtf8(), &why)) {
        case Proof::Proven:
            break;
        case Proof::NoAnswer:
            err << "servedeck ctl: no answer from " << api << ": " << why << '\n';
            return kNoAnswer;
        case Proof::Refused:
            err << "servedeck ctl: refusing to send the admin token to " << api << " (from " << apiSource
                << "): " << why << ". It is not the console of this data dir; if you trust it, name it with --api.\n";
            return kFailed;
        }
    }
    ApiClient client(QUrl(api), token.toUtf8());
    const bool json = a.flags.contains(QStringLiteral("json"));

    CtlCall call{a, client, out, err, a.positional[0], a.positional.value(1), a.positional.value(2), {}, {}, false};
    call.show = [&out](const QJsonObject &o) { printObject(out, o, o.keys()); };
    if (const auto stop = verb->run(call))
        return *stop;

    const ApiResponse &r = call.r;
    if (r.status == 0) {
        err << "servedeck ctl: no answer from " << api << ": " << r.transportError << '\n';
        return kNoAnswer;
    }
    if (json) {
        out << r.body.toJson(QJsonDocument::Indented);
    } else if (r.ok()) {
        call.show(r.body.object());
    }
    if (const auto e = r.error()) {
        if (!json) {
            err << "error: " << e->typeName() << ": " << e->message << '\n';
            for (const auto &f : e->details.value(QStringLiteral("missing_files")).toArray())
                err << "  missing: " << f.toString() << '\n';
        }
        return kFailed;
    }
    // A dry-run that found problems answers 200 but is not a success for scripts.
    if (call.validOnly && !r.body.object().value(QStringLiteral("valid")).toBool())
        return kFailed;
    return kOk;
}
