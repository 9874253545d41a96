// servedeck ctl recommend: an endpoint's scaling recommendations from its recorded usage, each
// with the data behind it; --apply N applies one (recomputed by the API first).
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTextStream>
#include <QUrl>

#include "api/apiclient.h"
#include "ctlverb.h"

using ServeDeck::ApiClient;
using ServeDeck::ApiResponse;

namespace {

using namespace CtlVerb;

constexpr qsizetype kWrapColumn = 96;

int usage(QTextStream &err, const QString &why)
{
    err << "servedeck ctl recommend: " << why << '\n'
        << "usage: servedeck ctl recommend SVC [--since 14d] [--json] [--apply N]\n";
    return kUsage;
}

// Words of `text` on lines of at most kWrapColumn, each after `indent`.
void printWrapped(QTextStream &out, const QString &text, const QString &indent)
{
    QString line;
    for (const QString &word : text.split(u' ', Qt::SkipEmptyParts)) {
        if (!line.isEmpty() && indent.size() + line.size() + 1 + word.size() > kWrapColumn) {
            out << indent << line << '\n';
            line.clear();
        }
        line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
    }
    if (!line.isEmpty())
        out << indent << line << '\n';
}

QString valueText(const QJsonValue &v)
{
    if (v.isDouble()) {
        const double d = v.toDouble();
        return d == double(qint64(d)) ? QString::number(qint64(d)) : QString::number(d, 'f', 2);
    }
    return v.toString();
}

QString changeText(const QJsonObject &change)
{
    QStringList parts;
    if (change.contains(QStringLiteral("schedule")))
        parts << QStringLiteral("schedule \"%1\"").arg(change.value(QStringLiteral("schedule")).toString());
    if (change.contains(QStringLiteral("idle_timeout")))
        parts << QStringLiteral("idle timeout %1 s").arg(valueText(change.value(QStringLiteral("idle_timeout"))));
    if (change.contains(QStringLiteral("target_per_replica")))
        parts << QStringLiteral("rule %1 target per replica %2")
                     .arg(change.value(QStringLiteral("rule_id")).toString(),
                          valueText(change.value(QStringLiteral("target_per_replica"))));
    return parts.join(QStringLiteral(", "));
}

void printRecommendation(QTextStream &out, const QJsonObject &r, const QString &svc, bool withHint)
{
    out << r.value(QStringLiteral("number")).toInt() << ". " << r.value(QStringLiteral("title")).toString() << "  ["
        << r.value(QStringLiteral("kind")).toString() << "]\n";
    printWrapped(out, r.value(QStringLiteral("explanation")).toString(), QStringLiteral("   "));
    const QJsonObject evidence = r.value(QStringLiteral("evidence")).toObject();
    QStringList facts;
    for (auto it = evidence.begin(); it != evidence.end(); ++it)
        facts << it.key() + u'=' + valueText(it.value());
    if (!facts.isEmpty())
        printWrapped(out, QStringLiteral("evidence: ") + facts.join(QStringLiteral(", ")), QStringLiteral("   "));
    const QJsonValue change = r.value(QStringLiteral("change"));
    if (change.isObject()) {
        out << "   change: " << changeText(change.toObject()) << '\n';
        if (withHint)
            out << "   apply: servedeck ctl recommend " << svc << " --apply " << r.value(QStringLiteral("number")).toInt()
                << '\n';
    } else {
        out << "   (a warning: nothing to apply)\n";
    }
}

} // namespace

int runCtlRecommend(ApiClient &client, const QStringList &positional, const QMultiHash<QString, QString> &options,
                    const QSet<QString> &flags, QTextStream &out, QTextStream &err)
{
    if (positional.size() != 2)
        return usage(err, QStringLiteral("name one endpoint"));
    const QString svc = positional[1];
    QString query;
    if (options.contains(QStringLiteral("since"))) {
        const QString since = options.value(QStringLiteral("since"));
        if (since.isEmpty())
            return usage(err, QStringLiteral("--since wants an age (90m, 36h, 14d, 2w) or an ISO 8601 time"));
        // The API judges it: its grammar is one place.
        query = QStringLiteral("?since=") + QString::fromUtf8(QUrl::toPercentEncoding(since));
    }
    const bool json = flags.contains(QStringLiteral("json"));
    if (options.contains(QStringLiteral("apply"))) {
        static const QRegularExpression number(QStringLiteral("^[1-9][0-9]{0,5}$"));
        const QString n = options.value(QStringLiteral("apply"));
        if (!number.match(n).hasMatch())
            return usage(err, QStringLiteral("--apply wants a recommendation's number (1, 2, ...)"));
        const ApiResponse r = client.send("POST", servicePath(svc) + QStringLiteral("/recommendations/") + n
                                                      + QStringLiteral("/apply") + query,
                                          QByteArray());
        if (!r.ok())
            return apiFailure(r, QStringLiteral("recommend"), err);
        if (json) {
            out << r.body.toJson(QJsonDocument::Indented);
            return kOk;
        }
        out << "applied:\n";
        printRecommendation(out, r.body.object().value(QStringLiteral("applied")).toObject(), svc, false);
        return kOk;
    }
    const ApiResponse r = client.get(servicePath(svc) + QStringLiteral("/recommendations") + query);
    if (!r.ok())
        return apiFailure(r, QStringLiteral("recommend"), err);
    if (json) {
        out << r.body.toJson(QJsonDocument::Indented);
        return kOk;
    }
    const QJsonArray list = r.body.object().value(QStringLiteral("recommendations")).toArray();
    if (list.isEmpty())
        out << "no recommendation for " << svc << '\n';
    for (const QJsonValue &item : list)
        printRecommendation(out, item.toObject(), svc, true);
    for (const QJsonValue &note : r.body.object().value(QStringLiteral("notes")).toArray())
        out << "note: " << note.toString() << '\n';
    return kOk;
}
