// servedeck ctl plane status: this node of the plane and who leads it (GET /v1/plane).
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include "api/apiclient.h"
#include "ctlverb.h"

using ServeDeck::ApiClient;
using ServeDeck::ApiResponse;

namespace {

using namespace CtlVerb;

int usageError(QTextStream &err, const QString &why)
{
    err << "servedeck ctl plane: " << why << '\n' << "usage: servedeck ctl plane status [--json]\n";
    return kUsage;
}

} // namespace

int runCtlPlane(ApiClient &client, const QStringList &positional, const QMultiHash<QString, QString> &options,
                const QSet<QString> &flags, QTextStream &out, QTextStream &err)
{
    if (positional.size() != 2 || positional[1] != u"status")
        return usageError(err, QStringLiteral("say `status`"));
    Q_UNUSED(options);
    const ApiResponse r = client.get(QStringLiteral("/v1/plane"));
    if (!r.ok())
        return apiFailure(r, QStringLiteral("plane"), err);
    if (flags.contains(QStringLiteral("json"))) {
        out << r.body.toJson(QJsonDocument::Indented);
        return kOk;
    }
    const QJsonObject p = r.body.object();
    const auto text = [&p](const char *key) { return p.value(QLatin1String(key)).toString(); };
    out << "node:      " << text("node_name") << " (" << text("node_id") << ")\n";
    out << "role:      " << text("role") << '\n';
    out << "database:  " << text("database") << (p.value(QStringLiteral("shared")).toBool() ? "" : " (not shared)") << '\n';
    const QString leader = text("leader_name");
    out << "leader:    " << (leader.isEmpty() ? QStringLiteral("none yet") : leader + QStringLiteral(" (") + text("leader_id") + u')')
        << '\n';
    out << "epoch:     " << p.value(QStringLiteral("epoch")).toInteger() << '\n';
    if (p.contains(QStringLiteral("lease_age_ms")))
        out << "lease age: " << p.value(QStringLiteral("lease_age_ms")).toInteger() << " ms\n";
    if (!p.value(QStringLiteral("connected")).toBool(true))
        out << "election:  not connected" << (text("error").isEmpty() ? QString() : QStringLiteral(": ") + text("error"))
            << '\n';
    else if (!text("error").isEmpty())
        out << "last error: " << text("error") << '\n';
    return kOk;
}
