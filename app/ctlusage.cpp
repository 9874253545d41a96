// servedeck ctl usage: an endpoint's usage report (a text table, --json or --csv, the CSV the
// API writes), the prices its cost is computed with, and how long samples are kept.
#include <cmath>
#include <optional>

#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <QUrlQuery>

#include "api/apiclient.h"
#include "ctlverb.h"
#include "usage/usagereport.h"

using ServeDeck::ApiClient;
using ServeDeck::ApiResponse;
using ServeDeck::UsageFigures;
using ServeDeck::UsageReport;

namespace {

using namespace CtlVerb;

int usageError(QTextStream &err, const QString &why)
{
    err << "servedeck ctl usage: " << why << '\n'
        << "usage: servedeck ctl usage SVC [--since 7d|24h|ISO] [--json|--csv]\n"
           "       servedeck ctl usage prices [--cpu-hour X|none] [--gpu-hour Y|none] [--currency EUR]\n"
           "       servedeck ctl usage retention [--minute-days N] [--hour-days N]\n";
    return kUsage;
}

int refused(const ApiResponse &r, bool json, QTextStream &out, QTextStream &err)
{
    if (r.status != 0 && json)
        out << r.body.toJson(QJsonDocument::Indented);
    return apiFailure(r, QStringLiteral("usage"), err);
}

QString hours(double h)
{
    return QString::number(h, 'f', 2);
}

QString cell(const QString &text, int width)
{
    return text.leftJustified(width) + u' ';
}

void printFigures(QTextStream &out, const QString &revision, const QString &version, const UsageFigures &f)
{
    out << cell(revision, 9) << cell(version.left(16), 16) << cell(hours(f.replicaHours), 10) << cell(hours(f.cpuHours), 9)
        << cell(hours(f.memoryGiBHours), 10) << cell(hours(f.gpuHours()), 8)
        << cell(f.requests ? QString::number(*f.requests) : QStringLiteral("-"), 10)
        << cell(f.errors ? QString::number(*f.errors) : QStringLiteral("-"), 8)
        << (f.cost ? QString::number(*f.cost, 'f', 2) : QStringLiteral("-")) << '\n';
}

void printReport(QTextStream &out, const UsageReport &r)
{
    out << "usage of " << r.endpointName << " from " << r.since.toString(Qt::ISODate) << " to "
        << r.until.toString(Qt::ISODate) << '\n';
    out << cell(QStringLiteral("REVISION"), 9) << cell(QStringLiteral("VERSION"), 16) << cell(QStringLiteral("REPLICA-H"), 10)
        << cell(QStringLiteral("CPU-H"), 9) << cell(QStringLiteral("MEM-GIB-H"), 10) << cell(QStringLiteral("GPU-H"), 8)
        << cell(QStringLiteral("REQUESTS"), 10) << cell(QStringLiteral("ERRORS"), 8) << "COST";
    if (!r.prices.currency.isEmpty())
        out << " (" << r.prices.currency << ')';
    out << '\n';
    for (const auto &row : r.revisions)
        printFigures(out, row.number > 0 ? QString::number(row.number) : QStringLiteral("-"), row.modelVersion, row.figures);
    printFigures(out, QStringLiteral("total"), QString(), r.total);
    for (auto it = r.total.gpuHoursByDevice.cbegin(); it != r.total.gpuHoursByDevice.cend(); ++it)
        out << "GPU " << it.key() << ": " << hours(it.value()) << " GPU-hours\n";
    if (!r.total.cost)
        out << "no prices set: servedeck ctl usage prices --cpu-hour X --gpu-hour Y --currency EUR\n";
    // A total can exceed its revisions' sum: a request the proxy could not route has no revision.
    out << "the hour-of-week matrix (--json) is in " << r.timeZone << '\n';
}

QJsonValue priceValue(const QString &text, bool *ok)
{
    *ok = true;
    if (text == u"none")
        return QJsonValue(QJsonValue::Null);
    const double v = text.toDouble(ok);
    return *ok ? QJsonValue(v) : QJsonValue();
}

int runPrices(ApiClient &client, const QMultiHash<QString, QString> &options, bool json, QTextStream &out,
              QTextStream &err)
{
    const ApiResponse current = client.get(QStringLiteral("/v1/usage/prices"));
    if (!current.ok())
        return refused(current, json, out, err);
    QJsonObject prices = current.body.object();
    const bool change = options.contains(QStringLiteral("cpu-hour")) || options.contains(QStringLiteral("gpu-hour"))
        || options.contains(QStringLiteral("currency"));
    if (change) {
        // The fields given replace the current ones; the API checks the values.
        for (const auto &[option, field] : {std::pair{QStringLiteral("cpu-hour"), QStringLiteral("cpu_hour")},
                                            std::pair{QStringLiteral("gpu-hour"), QStringLiteral("gpu_hour")}}) {
            if (!options.contains(option))
                continue;
            bool ok = false;
            const QJsonValue v = priceValue(options.value(option), &ok);
            if (!ok)
                return usageError(err, QStringLiteral("--%1 takes a number or none").arg(option));
            prices.insert(field, v);
        }
        if (options.contains(QStringLiteral("currency")))
            prices.insert(QStringLiteral("currency"), options.value(QStringLiteral("currency")));
        const ApiResponse saved = client.send("PUT", QStringLiteral("/v1/usage/prices"), prices);
        if (!saved.ok())
            return refused(saved, json, out, err);
        prices = saved.body.object();
    }
    if (json) {
        out << QJsonDocument(prices).toJson(QJsonDocument::Indented);
        return kOk;
    }
    const auto show = [&prices](const QString &key) {
        const QJsonValue v = prices.value(key);
        return v.isDouble() ? QString::number(v.toDouble()) : QStringLiteral("none");
    };
    const QString currency = prices.value(QStringLiteral("currency")).toString();
    out << "cpu-hour: " << show(QStringLiteral("cpu_hour")) << '\n'
        << "gpu-hour: " << show(QStringLiteral("gpu_hour")) << '\n'
        << "currency: " << (currency.isEmpty() ? QStringLiteral("none") : currency) << '\n';
    return kOk;
}

int runRetention(ApiClient &client, const QMultiHash<QString, QString> &options, bool json, QTextStream &out,
                 QTextStream &err)
{
    const ApiResponse current = client.get(QStringLiteral("/v1/usage/retention"));
    if (!current.ok())
        return refused(current, json, out, err);
    QJsonObject retention = current.body.object();
    bool changed = false;
    for (const auto &[option, field] : {std::pair{QStringLiteral("minute-days"), QStringLiteral("minute_days")},
                                        std::pair{QStringLiteral("hour-days"), QStringLiteral("hour_days")}}) {
        if (!options.contains(option))
            continue;
        bool ok = false;
        const int days = options.value(option).toInt(&ok);
        if (!ok)
            return usageError(err, QStringLiteral("--%1 takes a whole number of days").arg(option));
        retention.insert(field, days);
        changed = true;
    }
    if (changed) {
        const ApiResponse saved = client.send("PUT", QStringLiteral("/v1/usage/retention"), retention);
        if (!saved.ok())
            return refused(saved, json, out, err);
        retention = saved.body.object();
    }
    if (json)
        out << QJsonDocument(retention).toJson(QJsonDocument::Indented);
    else
        out << "minutes kept: " << retention.value(QStringLiteral("minute_days")).toInt() << " days\n"
            << "hours kept: " << retention.value(QStringLiteral("hour_days")).toInt() << " days\n";
    return kOk;
}

} // namespace

int runCtlUsage(ApiClient &client, const QStringList &positional, const QMultiHash<QString, QString> &options,
                const QSet<QString> &flags, QTextStream &out, QTextStream &err)
{
    const bool json = flags.contains(QStringLiteral("json"));
    const bool csv = flags.contains(QStringLiteral("csv"));
    if (positional.size() != 2)
        return usageError(err, QStringLiteral("takes one SVC (or prices)"));
    if (json && csv)
        return usageError(err, QStringLiteral("--json or --csv, not both"));
    if (positional.at(1) == u"prices")
        return runPrices(client, options, json, out, err);
    if (positional.at(1) == u"retention")
        return runRetention(client, options, json, out, err);
    QUrlQuery query;
    if (options.contains(QStringLiteral("since")))
        query.addQueryItem(QStringLiteral("since"),
                           QString::fromUtf8(QUrl::toPercentEncoding(options.value(QStringLiteral("since")))));
    QString path = servicePath(positional.at(1)) + QStringLiteral("/usage");
    if (!query.isEmpty())
        path += u'?' + query.query(QUrl::FullyEncoded);
    const ApiResponse r = client.get(path);
    if (!r.ok())
        return refused(r, json, out, err);
    if (json) {
        out << r.body.toJson(QJsonDocument::Indented);
        return kOk;
    }
    const auto report = UsageReport::fromJson(r.body.object());
    if (!report) {
        err << "servedeck ctl usage: the API's answer is not a usage report\n";
        return kFailed;
    }
    if (csv)
        out << QString::fromUtf8(report->toCsv());
    else
        printReport(out, *report);
    return kOk;
}
