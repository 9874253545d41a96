// servedeck ctl: a thin client of the control API. Every verb is one API call; answers
// print as tables, or as the API's JSON with --json. Exit codes: 0 ok, 1 the API said no,
// 2 usage, 3 no answer from the API.
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTextStream>
#include <QUrlQuery>

#include "api/apiclient.h"
#include "commandline.h"

namespace {

using ServeDeck::ApiClient;
using ServeDeck::ApiResponse;

constexpr int kOk = 0;
constexpr int kApiError = 1;
constexpr int kUsage = 2;
constexpr int kNoAnswer = 3;

const char kHelp[] =
    "usage: servedeck ctl [--api URL] [--token-file F] [--data-dir D] [--json] <verb> ...\n"
    "  health | list | agents\n"
    "  create NAME --version V --folder F [--replicas N] [--cpu C] [--memory M] [--gpu G]\n"
    "         [--runtime R] [--group G] [--public]\n"
    "  dry-run NAME --version V --folder F [...same options as create]\n"
    "  info SVC [--metrics]           delete SVC            sync SVC\n"
    "  modify SVC [--name N] [--version V] [--folder F] [--replicas N] [--cpu C] [--memory M]\n"
    "             [--runtime R] [--group G] [--public true|false]\n"
    "  scale SVC N\n"
    "  routes SVC | routes SVC set ROUTE=WEIGHT... | routes SVC delete ROUTE\n"
    "  revisions SVC | revisions SVC set REVISION [--match-header 'NAME: VALUE'|none] [--mode serve|shadow]\n"
    "  rules SVC | rules SVC create --metric M --threshold T [--source S] [--comparator OP]\n"
    "             [--step N] [--target-per-replica X] [--min N] [--max N] [--up-delay S]\n"
    "             [--down-delay S] [--cooldown S]\n"
    "  rules SVC modify RULE [same options] | rules SVC delete RULE\n"
    "  token SVC [--scope inference|read-only|admin] [--expiry SECONDS|none] [--allow-ip CIDR]... [--out FILE]\n"
    "  tokens SVC | tokens SVC revoke TOKEN_ID\n"
    "  errors [SVC] [--limit N] [--type T] | errors SVC clear\n"
    "  scale-events SVC [--limit N]           what scaled, when and why, with UP/DOWN counts\n"
    "  autoscaling SVC [--schedule TEXT] [--idle-timeout SECONDS]\n"
    "                                         replica floors by time (\"mon-fri 09:00-18:00 min=3\"), scale to zero\n"
    "  metric SVC NAME VALUE                  push a CUSTOM metric value for rules to act on\n"
    "The API address and admin token come from --api/--token-file, SERVEDECK_API/SERVEDECK_TOKEN_FILE,\n"
    "or the files `servedeck serve` leaves in its data dir.\n";

// Options of the form --key value (repeatable) and bare --flags; everything else is positional.
struct Args
{
    QStringList positional;
    QMultiHash<QString, QString> options;
    QSet<QString> flags;

    QString value(const QString &key, const QString &fallback = {}) const { return options.value(key, fallback); }
    bool has(const QString &key) const { return options.contains(key) || flags.contains(key); }
};

const QSet<QString> kFlags{QStringLiteral("json"), QStringLiteral("metrics"), QStringLiteral("help")};

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
const QStringList kServiceKeys{QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("model_version"),
                               QStringLiteral("model_folder"), QStringLiteral("runtime_variant"), QStringLiteral("status"),
                               QStringLiteral("lifecycle"), QStringLiteral("replicas"), QStringLiteral("active_replicas"),
                               QStringLiteral("healthy_replicas"), QStringLiteral("resource_slots"),
                               QStringLiteral("resource_group"), QStringLiteral("public"), QStringLiteral("url"),
                               QStringLiteral("retries"), QStringLiteral("resource_usage"), QStringLiteral("metrics"),
                               QStringLiteral("created_at")};

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
    QJsonObject slots;
    for (const char *slot : {"cpu", "memory", "gpu"}) {
        if (a.options.contains(QLatin1String(slot)))
            slots.insert(QLatin1String(slot), a.value(QLatin1String(slot)));
    }
    if (!slots.isEmpty())
        body.insert(QStringLiteral("resource_slots"), slots);
    if (a.flags.contains(QStringLiteral("public")))
        body.insert(QStringLiteral("public"), true);
    else if (a.options.contains(QStringLiteral("public")))
        body.insert(QStringLiteral("public"), a.value(QStringLiteral("public")) == u"true");
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

QString svcPath(const QString &svc)
{
    return QStringLiteral("/v1/services/") + QString::fromUtf8(QUrl::toPercentEncoding(svc));
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
    if (a.positional.isEmpty() || a.flags.contains(QStringLiteral("help")) || a.positional[0] == u"help") {
        (a.positional.isEmpty() ? err : out) << kHelp;
        return a.positional.isEmpty() ? kUsage : kOk;
    }

    const QString dataDir = a.value(QStringLiteral("data-dir"), defaultDataDir());
    QString api = a.value(QStringLiteral("api"), qEnvironmentVariable("SERVEDECK_API"));
    if (api.isEmpty())
        api = readTextFile(QDir(dataDir).filePath(QStringLiteral("api.address")));
    if (api.isEmpty())
        api = QStringLiteral("http://127.0.0.1:7470");
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
    ApiClient client(QUrl(api), token.toUtf8());
    const bool json = a.flags.contains(QStringLiteral("json"));
    const QString verb = a.positional[0];
    const QString svc = a.positional.value(1);
    const QString sub = a.positional.value(2);
    auto need = [&](qsizetype count) {
        if (a.positional.size() >= count)
            return true;
        err << "servedeck ctl " << verb << ": missing arguments\n" << kHelp;
        return false;
    };

    ApiResponse r;
    std::function<void(const QJsonObject &)> show = [&](const QJsonObject &o) { printObject(out, o, o.keys()); };
    if (verb == u"health") {
        r = client.get(QStringLiteral("/v1/health"));
    } else if (verb == u"list") {
        r = client.get(QStringLiteral("/v1/services"));
        show = [&](const QJsonObject &o) { printTable(out, o.value(QStringLiteral("services")).toArray(), kServiceColumns); };
    } else if (verb == u"agents") {
        r = client.get(QStringLiteral("/v1/agents"));
        show = [&](const QJsonObject &o) {
            printTable(out, o.value(QStringLiteral("agents")).toArray(),
                       {{QStringLiteral("agent_id"), QStringLiteral("AGENT")}, {QStringLiteral("kind"), QStringLiteral("KIND")},
                        {QStringLiteral("capacity"), QStringLiteral("CAPACITY")},
                        {QStringLiteral("allocated"), QStringLiteral("ALLOCATED")}});
        };
    } else if (verb == u"create" || verb == u"dry-run") {
        if (!need(2))
            return kUsage;
        const bool dry = verb == u"dry-run";
        r = client.send("POST", dry ? QStringLiteral("/v1/services/dry-run") : QStringLiteral("/v1/services"),
                        serviceBody(a, true));
        if (dry) {
            show = [&](const QJsonObject &o) {
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
            };
        } else {
            show = [&](const QJsonObject &o) { printObject(out, o, kServiceKeys); };
        }
    } else if (verb == u"info") {
        if (!need(2))
            return kUsage;
        r = client.get(svcPath(svc) + (a.flags.contains(QStringLiteral("metrics")) ? QStringLiteral("?include_metrics=true") : QString()));
        show = [&](const QJsonObject &o) {
            printObject(out, o, kServiceKeys);
            out << '\n';
            printTable(out, o.value(QStringLiteral("routes")).toArray(), kRouteColumns);
        };
    } else if (verb == u"modify") {
        if (!need(2))
            return kUsage;
        r = client.send("PATCH", svcPath(svc), serviceBody(a, false));
        show = [&](const QJsonObject &o) { printObject(out, o, kServiceKeys); };
    } else if (verb == u"delete") {
        if (!need(2))
            return kUsage;
        r = client.send("DELETE", svcPath(svc));
        show = [&](const QJsonObject &o) { printObject(out, o, kServiceKeys); };
    } else if (verb == u"scale") {
        if (!need(3))
            return kUsage;
        bool ok = false;
        const int n = sub.toInt(&ok);
        if (!ok) {
            err << "servedeck ctl scale: '" << sub << "' is not a replica count\n";
            return kUsage;
        }
        r = client.send("POST", svcPath(svc) + QStringLiteral("/scale"), QJsonObject{{QStringLiteral("replicas"), n}});
        show = [&](const QJsonObject &o) {
            printObject(out, o, {QStringLiteral("state"), QStringLiteral("previous_replicas"), QStringLiteral("target_replicas"),
                                 QStringLiteral("active_replicas"), QStringLiteral("replicas_to_create"),
                                 QStringLiteral("replicas_to_drain")});
        };
    } else if (verb == u"sync") {
        if (!need(2))
            return kUsage;
        r = client.send("POST", svcPath(svc) + QStringLiteral("/sync"));
        show = [&](const QJsonObject &o) { printTable(out, o.value(QStringLiteral("routes")).toArray(), kRouteColumns); };
    } else if (verb == u"routes") {
        if (!need(2))
            return kUsage;
        show = [&](const QJsonObject &o) { printTable(out, o.value(QStringLiteral("routes")).toArray(), kRouteColumns); };
        if (sub.isEmpty()) {
            r = client.get(svcPath(svc) + QStringLiteral("/routes"));
        } else if (sub == u"set") {
            QJsonArray routes;
            for (const QString &pair : a.positional.mid(3)) {
                const auto kv = pair.split(u'=');
                if (kv.size() != 2) {
                    err << "servedeck ctl routes set: expected ROUTE=WEIGHT, got " << pair << '\n';
                    return kUsage;
                }
                routes.append(QJsonObject{{QStringLiteral("route_id"), kv[0]}, {QStringLiteral("weight"), kv[1].toInt()}});
            }
            r = client.send("PUT", svcPath(svc) + QStringLiteral("/routes"), QJsonObject{{QStringLiteral("routes"), routes}});
        } else if (sub == u"delete" && need(4)) {
            r = client.send("DELETE", svcPath(svc) + QStringLiteral("/routes/") + a.positional[3]);
            show = [&](const QJsonObject &o) { printObject(out, o, o.keys()); };
        } else {
            return kUsage;
        }
    } else if (verb == u"revisions") {
        if (!need(2))
            return kUsage;
        if (sub.isEmpty()) {
            r = client.get(svcPath(svc) + QStringLiteral("/revisions"));
            show = [&](const QJsonObject &o) { printTable(out, o.value(QStringLiteral("revisions")).toArray(), kRevisionColumns); };
        } else if (sub == u"set" && need(4)) {
            QJsonObject body;
            if (a.options.contains(QStringLiteral("match-header"))) {
                const QString match = a.value(QStringLiteral("match-header"));
                body.insert(QStringLiteral("match_header"), match == u"none" ? QJsonValue() : QJsonValue(match));
            }
            if (a.options.contains(QStringLiteral("mode")))
                body.insert(QStringLiteral("mode"), a.value(QStringLiteral("mode")));
            r = client.send("PATCH", svcPath(svc) + QStringLiteral("/revisions/") + QString::fromLatin1(QUrl::toPercentEncoding(a.positional[3])),
                            body);
            show = [&](const QJsonObject &o) { printTable(out, QJsonArray{o}, kRevisionColumns); };
        } else {
            return kUsage;
        }
    } else if (verb == u"rules") {
        if (!need(2))
            return kUsage;
        const QString base = svcPath(svc) + QStringLiteral("/autoscaling-rules");
        show = [&](const QJsonObject &o) { printObject(out, o, o.keys()); };
        if (sub.isEmpty()) {
            r = client.get(base);
            show = [&](const QJsonObject &o) {
                printTable(out, o.value(QStringLiteral("autoscaling_rules")).toArray(), kRuleColumns);
            };
        } else if (sub == u"create") {
            r = client.send("POST", base, ruleBody(a));
        } else if (sub == u"modify" && need(4)) {
            r = client.send("PATCH", base + u'/' + a.positional[3], ruleBody(a));
        } else if (sub == u"delete" && need(4)) {
            r = client.send("DELETE", base + u'/' + a.positional[3]);
        } else {
            return kUsage;
        }
    } else if (verb == u"token") {
        if (!need(2))
            return kUsage;
        QJsonObject body{{QStringLiteral("scope"), a.value(QStringLiteral("scope"), QStringLiteral("inference"))}};
        if (a.options.contains(QStringLiteral("expiry"))) {
            const QString expiry = a.value(QStringLiteral("expiry"));
            body.insert(QStringLiteral("expiry"), expiry == u"none" || expiry == u"null" ? QJsonValue() : QJsonValue(expiry.toLongLong()));
        }
        const QStringList ips = a.options.values(QStringLiteral("allow-ip"));
        if (!ips.isEmpty())
            body.insert(QStringLiteral("allowed_ips"), QJsonArray::fromStringList(QStringList(ips.rbegin(), ips.rend())));
        r = client.send("POST", svcPath(svc) + QStringLiteral("/tokens"), body);
        const QString outFile = a.value(QStringLiteral("out"));
        if (r.ok() && !outFile.isEmpty()) {
            QSaveFile f(outFile);
            if (!f.open(QIODevice::WriteOnly) || !f.setPermissions(QFile::ReadOwner | QFile::WriteOwner)
                || f.write(r.body.object().value(QStringLiteral("token")).toString().toUtf8() + '\n') < 0 || !f.commit()) {
                err << "servedeck ctl token: cannot write " << outFile << ": " << f.errorString() << '\n';
                return kApiError;
            }
        }
    } else if (verb == u"tokens") {
        if (!need(2))
            return kUsage;
        if (sub == u"revoke" && need(4)) {
            r = client.send("DELETE", svcPath(svc) + QStringLiteral("/tokens/") + a.positional[3]);
        } else {
            r = client.get(svcPath(svc) + QStringLiteral("/tokens"));
            show = [&](const QJsonObject &o) { printTable(out, o.value(QStringLiteral("tokens")).toArray(), kTokenColumns); };
        }
    } else if (verb == u"errors") {
        if (sub == u"clear") {
            r = client.send("DELETE", svcPath(svc) + QStringLiteral("/errors"));
        } else {
            QUrlQuery query;
            if (a.options.contains(QStringLiteral("limit")))
                query.addQueryItem(QStringLiteral("limit"), a.value(QStringLiteral("limit")));
            if (a.options.contains(QStringLiteral("type")))
                query.addQueryItem(QStringLiteral("type"), a.value(QStringLiteral("type")));
            const QString path = (svc.isEmpty() ? QStringLiteral("/v1/errors") : svcPath(svc) + QStringLiteral("/errors"))
                + (query.isEmpty() ? QString() : u'?' + query.toString(QUrl::FullyEncoded));
            r = client.get(path);
            show = [&](const QJsonObject &o) { printTable(out, o.value(QStringLiteral("errors")).toArray(), kErrorColumns); };
        }
    } else if (verb == u"scale-events") {
        if (!need(2))
            return kUsage;
        QString path = svcPath(svc) + QStringLiteral("/scale-events");
        if (a.options.contains(QStringLiteral("limit")))
            path += QStringLiteral("?limit=") + a.value(QStringLiteral("limit"));
        r = client.get(path);
        show = [&](const QJsonObject &o) {
            out << "UP " << o.value(QStringLiteral("up")).toInt() << "  DOWN " << o.value(QStringLiteral("down")).toInt() << '\n';
            printTable(out, o.value(QStringLiteral("events")).toArray(),
                       {{QStringLiteral("time"), QStringLiteral("TIME")}, {QStringLiteral("direction"), QStringLiteral("DIR")},
                        {QStringLiteral("replicas_before"), QStringLiteral("FROM")}, {QStringLiteral("replicas_after"), QStringLiteral("TO")},
                        {QStringLiteral("metric_value"), QStringLiteral("VALUE")}, {QStringLiteral("reason"), QStringLiteral("REASON")}});
        };
    } else if (verb == u"autoscaling") {
        if (!need(2))
            return kUsage;
        QJsonObject body;
        if (a.options.contains(QStringLiteral("schedule")))
            body.insert(QStringLiteral("schedule"), a.value(QStringLiteral("schedule")));
        if (a.options.contains(QStringLiteral("idle-timeout"))) {
            bool ok = false;
            const int seconds = a.value(QStringLiteral("idle-timeout")).toInt(&ok);
            if (!ok) {
                err << "servedeck ctl autoscaling: --idle-timeout '" << a.value(QStringLiteral("idle-timeout")) << "' is not a number\n";
                return kUsage;
            }
            body.insert(QStringLiteral("idle_timeout"), seconds);
        }
        r = body.isEmpty() ? client.get(svcPath(svc) + QStringLiteral("/autoscaling"))
                           : client.send("PUT", svcPath(svc) + QStringLiteral("/autoscaling"), body);
    } else if (verb == u"metric") {
        if (!need(4))
            return kUsage;
        bool ok = false;
        const double value = a.positional[3].toDouble(&ok);
        if (!ok) {
            err << "servedeck ctl metric: '" << a.positional[3] << "' is not a number\n";
            return kUsage;
        }
        r = client.send("POST", svcPath(svc) + QStringLiteral("/metrics"),
                        QJsonObject{{QStringLiteral("name"), sub}, {QStringLiteral("value"), value}});
    } else {
        err << "servedeck ctl: unknown verb '" << verb << "'\n" << kHelp;
        return kUsage;
    }

    if (r.status == 0) {
        err << "servedeck ctl: no answer from " << api << ": " << r.transportError << '\n';
        return kNoAnswer;
    }
    if (json) {
        out << r.body.toJson(QJsonDocument::Indented);
    } else if (r.ok()) {
        show(r.body.object());
    }
    if (const auto e = r.error()) {
        if (!json) {
            err << "error: " << e->typeName() << ": " << e->message << '\n';
            for (const auto &f : e->details.value(QStringLiteral("missing_files")).toArray())
                err << "  missing: " << f.toString() << '\n';
        }
        return kApiError;
    }
    // A dry-run that found problems answers 200 but is not a success for scripts.
    if (verb == u"dry-run" && !r.body.object().value(QStringLiteral("valid")).toBool())
        return kApiError;
    return kOk;
}
