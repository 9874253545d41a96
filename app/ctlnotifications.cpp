// servedeck ctl notifications: the plane's notification channels (list, add, test, remove) and
// the log of their deliveries. A webhook's signing secret is read from a file (or stdin with
// --secret-file -), never taken from the command line, where other users' ps would see it.
#include <algorithm>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <QUrl>
#include <QUrlQuery>

#include "api/apiclient.h"
#include "ctlverb.h"

using ServeDeck::ApiClient;
using ServeDeck::ApiResponse;

namespace {

using namespace CtlVerb;

constexpr qint64 kMaxSecretBytes = 1024;

int usage(QTextStream &err, const QString &why)
{
    err << "servedeck ctl notifications: " << why << " (servedeck ctl help)\n";
    return kUsage;
}

QString text(const QJsonValue &v)
{
    if (v.isBool())
        return v.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 10);
    if (v.isArray()) {
        QStringList parts;
        for (const QJsonValue &item : v.toArray())
            parts << text(item);
        return parts.isEmpty() ? QStringLiteral("-") : parts.join(u',');
    }
    const QString s = v.toString();
    return s.isEmpty() ? QStringLiteral("-") : s;
}

void printRows(QTextStream &out, const QJsonArray &rows, const QList<std::pair<const char *, const char *>> &columns)
{
    QList<QStringList> lines;
    QStringList titles;
    QList<qsizetype> widths;
    for (const auto &[key, title] : columns) {
        titles << QLatin1String(title);
        widths << titles.last().size();
    }
    lines << titles;
    for (const QJsonValue &row : rows) {
        QStringList line;
        for (qsizetype c = 0; c < columns.size(); ++c) {
            line << text(row.toObject().value(QLatin1String(columns[c].first)));
            widths[c] = std::max(widths[c], line.last().size());
        }
        lines << line;
    }
    for (const QStringList &line : std::as_const(lines)) {
        QString row;
        for (qsizetype c = 0; c < line.size(); ++c)
            row += c + 1 < line.size() ? line[c].leftJustified(widths[c] + 2) : line[c];
        out << row << '\n';
    }
}

// The secret from a file, or stdin for "-": bounded, one trailing newline dropped.
std::optional<QByteArray> readSecret(const QString &path, QTextStream &err)
{
    QFile file;
    const bool opened = path == u"-" ? file.open(stdin, QIODevice::ReadOnly) : (file.setFileName(path), file.open(QIODevice::ReadOnly));
    if (!opened) {
        err << "servedeck ctl notifications: cannot read the secret from " << path << '\n';
        return std::nullopt;
    }
    QByteArray secret = file.read(kMaxSecretBytes + 2);
    if (secret.endsWith('\n'))
        secret.chop(1);
    if (secret.endsWith('\r'))
        secret.chop(1);
    if (secret.isEmpty() || secret.size() > kMaxSecretBytes) {
        err << "servedeck ctl notifications: the secret must be 1 to " << kMaxSecretBytes << " bytes\n";
        return std::nullopt;
    }
    return secret;
}

QString channelPath(const QString &channel)
{
    return QStringLiteral("/v1/notifications/") + QString::fromUtf8(QUrl::toPercentEncoding(channel));
}

} // namespace

int runCtlNotifications(ApiClient &client, const QStringList &positional, const QMultiHash<QString, QString> &options,
                        const QSet<QString> &flags, QTextStream &out, QTextStream &err)
{
    const QString sub = positional.value(1, QStringLiteral("list"));
    const bool json = flags.contains(QStringLiteral("json"));
    ApiResponse r;
    if (sub == u"list") {
        r = client.get(QStringLiteral("/v1/notifications"));
        if (!r.ok())
            return apiFailure(r, QStringLiteral("notifications"), err);
        if (json)
            out << r.body.toJson(QJsonDocument::Indented);
        else
            printRows(out, r.body.object().value(QStringLiteral("channels")).toArray(),
                      {{"name", "NAME"}, {"kind", "KIND"}, {"url", "URL"}, {"argv", "COMMAND"}, {"has_secret", "SIGNED"},
                       {"events", "EVENTS"}, {"min_severity", "MIN"}, {"quiet_period_seconds", "QUIET_S"},
                       {"id", "ID"}});
        return kOk;
    }
    if (sub == u"add") {
        QJsonObject body;
        if (!options.contains(QStringLiteral("name")))
            return usage(err, QStringLiteral("add needs --name"));
        body.insert(QStringLiteral("name"), options.value(QStringLiteral("name")));
        const bool webhook = options.contains(QStringLiteral("webhook"));
        const bool command = options.contains(QStringLiteral("command"));
        const bool desktop = options.value(QStringLiteral("kind")) == u"desktop";
        if (int(webhook) + int(command) + int(desktop) != 1)
            return usage(err, QStringLiteral("add needs one of --webhook URL, --command PROGRAM [-- ARGS...] or --kind desktop"));
        if (webhook) {
            body.insert(QStringLiteral("kind"), QStringLiteral("webhook"));
            body.insert(QStringLiteral("url"), options.value(QStringLiteral("webhook")));
        } else if (command) {
            body.insert(QStringLiteral("kind"), QStringLiteral("command"));
            // The program, then --arg A... or what follows "--" (its first word is read as the
            // value of an option named "", the rest are positional; an argument that starts with
            // "--" goes as --arg=--x).
            QStringList argv{options.value(QStringLiteral("command"))};
            QStringList args = options.values(QStringLiteral("arg"));
            std::reverse(args.begin(), args.end());  // QMultiHash keeps the last given first
            argv << args;
            QStringList afterDashes = options.values(QString());
            std::reverse(afterDashes.begin(), afterDashes.end());
            argv << afterDashes << positional.mid(2);
            body.insert(QStringLiteral("argv"), QJsonArray::fromStringList(argv));
        } else {
            body.insert(QStringLiteral("kind"), QStringLiteral("desktop"));
        }
        if (!command && positional.size() > 2)
            return usage(err, QStringLiteral("unexpected '%1'").arg(positional.at(2)));
        if (options.contains(QStringLiteral("secret")))
            return usage(err, QStringLiteral("a secret is read from a file, never the command line: --secret-file F (- for stdin)"));
        if (options.contains(QStringLiteral("secret-file"))) {
            const auto secret = readSecret(options.value(QStringLiteral("secret-file")), err);
            if (!secret)
                return kUsage;
            body.insert(QStringLiteral("secret"), QString::fromUtf8(*secret));
        }
        if (options.contains(QStringLiteral("events")))
            body.insert(QStringLiteral("events"),
                        QJsonArray::fromStringList(options.value(QStringLiteral("events")).split(u',', Qt::SkipEmptyParts)));
        if (options.contains(QStringLiteral("min-severity")))
            body.insert(QStringLiteral("min_severity"), options.value(QStringLiteral("min-severity")));
        if (options.contains(QStringLiteral("endpoint")))
            body.insert(QStringLiteral("endpoint"), options.value(QStringLiteral("endpoint")));
        if (options.contains(QStringLiteral("quiet"))) {
            // A number goes as a number; anything else as text, for the API to refuse by name.
            bool ok = false;
            const qlonglong quiet = options.value(QStringLiteral("quiet")).toLongLong(&ok);
            body.insert(QStringLiteral("quiet_period_seconds"),
                        ok ? QJsonValue(qint64(quiet)) : QJsonValue(options.value(QStringLiteral("quiet"))));
        }
        r = client.send("POST", QStringLiteral("/v1/notifications"), body);
        if (!r.ok())
            return apiFailure(r, QStringLiteral("notifications"), err);
        const QJsonObject o = r.body.object();
        if (json)
            out << r.body.toJson(QJsonDocument::Indented);
        else
            out << "added " << o.value(QStringLiteral("kind")).toString() << " channel "
                << o.value(QStringLiteral("name")).toString() << " (" << o.value(QStringLiteral("id")).toString() << ")\n";
        return kOk;
    }
    if (sub == u"test" || sub == u"remove") {
        if (positional.size() != 3)
            return usage(err, QStringLiteral("%1 needs one CHANNEL (its name or id)").arg(sub));
        const QString channel = positional.at(2);
        r = sub == u"test" ? client.send("POST", channelPath(channel) + QStringLiteral("/test"))
                           : client.send("DELETE", channelPath(channel));
        if (!r.ok())
            return apiFailure(r, QStringLiteral("notifications"), err);
        if (json)
            out << r.body.toJson(QJsonDocument::Indented);
        else if (sub == u"test")
            out << "sent a test notification to " << channel << "; see: servedeck ctl notifications deliveries --channel "
                << channel << '\n';
        else
            out << "removed " << channel << '\n';
        return kOk;
    }
    if (sub == u"deliveries") {
        QUrlQuery query;
        if (options.contains(QStringLiteral("limit")))
            query.addQueryItem(QStringLiteral("limit"), options.value(QStringLiteral("limit")));
        if (options.contains(QStringLiteral("channel")))
            query.addQueryItem(QStringLiteral("channel"), options.value(QStringLiteral("channel")));
        QString path = QStringLiteral("/v1/notifications/deliveries");
        if (!query.isEmpty())
            path += u'?' + query.toString(QUrl::FullyEncoded);
        r = client.get(path);
        if (!r.ok())
            return apiFailure(r, QStringLiteral("notifications"), err);
        if (json)
            out << r.body.toJson(QJsonDocument::Indented);
        else
            printRows(out, r.body.object().value(QStringLiteral("deliveries")).toArray(),
                      {{"time", "TIME"}, {"channel", "CHANNEL"}, {"event_kind", "EVENT"}, {"count", "COUNT"},
                       {"attempt", "ATTEMPT"}, {"ok", "OK"}, {"outcome", "OUTCOME"}, {"title", "TITLE"}});
        return kOk;
    }
    return usage(err, QStringLiteral("unknown subcommand '%1': list, add, test, remove or deliveries").arg(sub));
}
