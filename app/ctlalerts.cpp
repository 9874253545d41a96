// servedeck ctl alerts: an endpoint's alert rules, "p95_ms > 200 for 60s" as operators write them.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <QUrl>

#include "api/apiclient.h"
#include "ctlverb.h"

using ServeDeck::ApiClient;
using ServeDeck::ApiResponse;

namespace {

using namespace CtlVerb;

int usage(QTextStream &err, const QString &why)
{
    err << "servedeck ctl alerts: " << why << " (servedeck ctl help)\n";
    return kUsage;
}

} // namespace

int runCtlAlerts(ApiClient &client, const QStringList &positional, const QMultiHash<QString, QString> &options,
                 const QSet<QString> &flags, QTextStream &out, QTextStream &err)
{
    if (positional.size() < 2)
        return usage(err, QStringLiteral("missing SVC"));
    const QString rulesPath = servicePath(positional.at(1)) + QStringLiteral("/alert-rules");
    const QString sub = positional.value(2, QStringLiteral("list"));
    const bool json = flags.contains(QStringLiteral("json"));
    ApiResponse r;
    if (sub == u"list") {
        r = client.get(rulesPath);
        if (!r.ok())
            return apiFailure(r, QStringLiteral("alerts"), err);
        if (json) {
            out << r.body.toJson(QJsonDocument::Indented);
            return kOk;
        }
        out << QStringLiteral("RULE").leftJustified(38) << QStringLiteral("SEVERITY").leftJustified(10) << "CONDITION\n";
        for (const QJsonValue &v : r.body.object().value(QStringLiteral("alert_rules")).toArray()) {
            const QJsonObject o = v.toObject();
            out << o.value(QStringLiteral("id")).toString().leftJustified(38)
                << o.value(QStringLiteral("severity")).toString().leftJustified(10)
                << o.value(QStringLiteral("condition")).toString() << '\n';
        }
        return kOk;
    }
    if (sub == u"add") {
        if (positional.size() != 4)
            return usage(err, QStringLiteral("add takes one condition, quoted: \"p95_ms > 200 for 60s\""));
        QJsonObject body{{QStringLiteral("condition"), positional.at(3)}};
        if (options.contains(QStringLiteral("severity")))
            body.insert(QStringLiteral("severity"), options.value(QStringLiteral("severity")));
        r = client.send("POST", rulesPath, body);
        if (!r.ok())
            return apiFailure(r, QStringLiteral("alerts"), err);
        if (json)
            out << r.body.toJson(QJsonDocument::Indented);
        else
            out << "added " << r.body.object().value(QStringLiteral("id")).toString() << ": "
                << r.body.object().value(QStringLiteral("condition")).toString() << '\n';
        return kOk;
    }
    if (sub == u"remove") {
        if (positional.size() != 4)
            return usage(err, QStringLiteral("remove needs one RULE id"));
        r = client.send("DELETE", rulesPath + u'/' + QString::fromUtf8(QUrl::toPercentEncoding(positional.at(3))));
        if (!r.ok())
            return apiFailure(r, QStringLiteral("alerts"), err);
        if (json)
            out << r.body.toJson(QJsonDocument::Indented);
        else
            out << "removed " << positional.at(3) << '\n';
        return kOk;
    }
    return usage(err, QStringLiteral("unknown subcommand '%1': list, add or remove").arg(sub));
}
