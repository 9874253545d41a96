// ControlApiServer: usage and cost. GET /v1/services/{svc}/usage[?since=7d|24h|ISO&format=json|csv],
// GET and PUT /v1/usage/prices and /v1/usage/retention.
#include "controlapiserver.h"

#include <QJsonDocument>
#include <QUrlQuery>

#include "api/controlapicall.h"
#include "http/httpserver.h"
#include "service/modelservingservice.h"
#include "usage/usagereporter.h"

namespace ServeDeck {

namespace {

ServiceError badField(const QString &field, const QString &why)
{
    return makeError(ErrorType::InvalidArgument, QStringLiteral("%1: %2").arg(field, why),
                     {{QStringLiteral("field"), field}});
}

QJsonObject pricesJson(const UsagePrices &prices)
{
    const auto price = [](const std::optional<double> &v) { return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null); };
    return {{QStringLiteral("cpu_hour"), price(prices.cpuHour)},
            {QStringLiteral("gpu_hour"), price(prices.gpuHour)},
            {QStringLiteral("currency"), prices.currency}};
}

QJsonObject retentionJson(const UsageRetention &retention)
{
    return {{QStringLiteral("minute_days"), retention.minuteDays}, {QStringLiteral("hour_days"), retention.hourDays}};
}

// The body as a JSON object whose fields are all among `known`.
Result<QJsonObject> objectBody(const HttpRequest &request, const QStringList &known)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return makeError(ErrorType::InvalidArgument, QStringLiteral("the body must be a JSON object"));
    const QJsonObject body = doc.object();
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (!known.contains(it.key()))
            return badField(it.key().left(64), QStringLiteral("unknown field"));
    }
    return body;
}

// A price: a number or null (none); anything else names its field.
Result<std::optional<double>> priceField(const QJsonObject &body, const QString &field)
{
    const QJsonValue v = body.value(field);
    if (v.isUndefined() || v.isNull())
        return std::optional<double>();
    if (!v.isDouble())
        return badField(field, QStringLiteral("a number or null"));
    return std::optional<double>(v.toDouble());
}

} // namespace

HttpResponse ControlApiServer::usage(const Call &call)
{
    const QUrlQuery &q = call.request.query;
    const QString format = q.queryItemValue(QStringLiteral("format"));
    if (!format.isEmpty() && format != u"json" && format != u"csv")
        return apiErrorResponse(badField(QStringLiteral("format"), QStringLiteral("json or csv")));
    const auto since = UsageReporter::parseSince(q.queryItemValue(QStringLiteral("since"), QUrl::FullyDecoded),
                                                 QDateTime::currentDateTimeUtc());
    if (!since)
        return apiErrorResponse(since.error());
    const Result<UsageReport> report = m_service.usage(call.svc(), *since);
    if (!report)
        return apiErrorResponse(report.error());
    if (format == u"csv")
        return HttpResponse::text(200, report->toCsv(), "text/csv; charset=utf-8");
    return HttpResponse::json(200, QJsonDocument(report->toJson()));
}

HttpResponse ControlApiServer::usagePrices(const Call &)
{
    const Result<UsagePrices> prices = m_service.usagePrices();
    if (!prices)
        return apiErrorResponse(prices.error());
    return HttpResponse::json(200, QJsonDocument(pricesJson(*prices)));
}

// PUT replaces them all: a field left out is none.
HttpResponse ControlApiServer::setUsagePrices(const Call &call)
{
    const QStringList fields{QStringLiteral("cpu_hour"), QStringLiteral("gpu_hour"), QStringLiteral("currency")};
    const auto parsed = objectBody(call.request, fields);
    if (!parsed)
        return apiErrorResponse(parsed.error());
    const QJsonObject &body = *parsed;
    UsagePrices prices;
    auto cpu = priceField(body, QStringLiteral("cpu_hour"));
    if (!cpu)
        return apiErrorResponse(cpu.error());
    auto gpu = priceField(body, QStringLiteral("gpu_hour"));
    if (!gpu)
        return apiErrorResponse(gpu.error());
    prices.cpuHour = *cpu;
    prices.gpuHour = *gpu;
    const QJsonValue currency = body.value(QStringLiteral("currency"));
    if (!currency.isUndefined() && !currency.isNull() && !currency.isString())
        return apiErrorResponse(badField(QStringLiteral("currency"), QStringLiteral("a three-letter code")));
    prices.currency = currency.toString();
    const Result<UsagePrices> saved = m_service.setUsagePrices(prices);
    if (!saved)
        return apiErrorResponse(saved.error());
    return HttpResponse::json(200, QJsonDocument(pricesJson(*saved)));
}

HttpResponse ControlApiServer::usageRetention(const Call &)
{
    const Result<UsageRetention> retention = m_service.usageRetention();
    if (!retention)
        return apiErrorResponse(retention.error());
    return HttpResponse::json(200, QJsonDocument(retentionJson(*retention)));
}

// PUT: both periods, whole days.
HttpResponse ControlApiServer::setUsageRetention(const Call &call)
{
    const auto parsed = objectBody(call.request, {QStringLiteral("minute_days"), QStringLiteral("hour_days")});
    if (!parsed)
        return apiErrorResponse(parsed.error());
    UsageRetention retention;
    for (const auto &[field, target] : {std::pair{QStringLiteral("minute_days"), &retention.minuteDays},
                                        std::pair{QStringLiteral("hour_days"), &retention.hourDays}}) {
        const QJsonValue v = parsed->value(field);
        if (!v.isDouble() || v.toDouble() != double(v.toInt()))
            return apiErrorResponse(badField(field, QStringLiteral("a whole number of days")));
        *target = v.toInt();
    }
    const Result<UsageRetention> saved = m_service.setUsageRetention(retention);
    if (!saved)
        return apiErrorResponse(saved.error());
    return HttpResponse::json(200, QJsonDocument(retentionJson(*saved)));
}

} // namespace ServeDeck
