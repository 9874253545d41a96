// The control API's notifications: channels, their deliveries and test sends under
// /v1/notifications, and each endpoint's alert rules under /v1/services/{svc}/alert-rules.
// The webhook secret goes in (POST) and never comes out: a channel answers has_secret only.
#include "controlapiserver.h"

#include <algorithm>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "api/controlapicall.h"
#include "api/requestfields.h"
#include "http/httprequest.h"
#include "http/httpresponse.h"
#include "notify/alertcondition.h"
#include "notify/notificationpayload.h"
#include "notify/notifier.h"
#include "service/modelservingservice.h"

namespace ServeDeck {

namespace {

constexpr int kMaxDeliveries = 1000;

HttpResponse answer(const QJsonObject &body, int status = 200)
{
    return HttpResponse::json(status, QJsonDocument(body));
}

// The value as JSON with `status`, or the error that kept it.
template<typename T, typename ToJson>
HttpResponse answerWith(const Result<T> &result, ToJson toJson, int status = 200)
{
    if (!result)
        return apiErrorResponse(result.error());
    return answer(toJson(*result), status);
}

// {"<key>": [each item as JSON]}, or the error that kept the list.
template<typename T, typename ToJson>
HttpResponse answerList(const Result<QList<T>> &list, const QString &key, ToJson toJson)
{
    if (!list)
        return apiErrorResponse(list.error());
    QJsonArray out;
    for (const T &item : *list)
        out.append(toJson(item));
    return answer({{key, out}});
}

QString timeText(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QString idText(const QUuid &id)
{
    return id.isNull() ? QString() : id.toString(QUuid::WithoutBraces);
}

QJsonObject channelJson(const NotificationChannel &c)
{
    QJsonObject o{{QStringLiteral("id"), c.id},
                  {QStringLiteral("name"), c.name},
                  {QStringLiteral("kind"), channelKindName(c.kind)},
                  {QStringLiteral("events"), QJsonArray::fromStringList(c.eventKinds)},
                  {QStringLiteral("min_severity"), severityName(c.minSeverity)},
                  {QStringLiteral("endpoint_id"), idText(c.endpointId)},
                  {QStringLiteral("quiet_period_seconds"), c.quietPeriodSeconds},
                  {QStringLiteral("enabled"), c.enabled},
                  {QStringLiteral("created_at"), timeText(c.createdAt)}};
    if (c.kind == ChannelKind::Webhook) {
        o.insert(QStringLiteral("url"), c.url.toString(QUrl::FullyEncoded));
        o.insert(QStringLiteral("has_secret"), c.hasSecret);
    }
    if (c.kind == ChannelKind::Command)
        o.insert(QStringLiteral("argv"), QJsonArray::fromStringList(c.argv));
    return o;
}

QJsonObject deliveryJson(const NotificationDelivery &d)
{
    return {{QStringLiteral("id"), d.id},
            {QStringLiteral("channel_id"), d.channelId},
            {QStringLiteral("channel"), d.channelName},
            {QStringLiteral("event_kind"), d.eventKind},
            {QStringLiteral("endpoint_id"), idText(d.endpointId)},
            {QStringLiteral("time"), timeText(d.time)},
            {QStringLiteral("attempt"), d.attempt},
            {QStringLiteral("ok"), d.ok},
            {QStringLiteral("outcome"), d.outcome},
            {QStringLiteral("title"), d.title},
            {QStringLiteral("count"), d.count}};
}

QJsonObject ruleJson(const AlertRule &r)
{
    return {{QStringLiteral("id"), r.id},
            {QStringLiteral("endpoint_id"), idText(r.endpointId)},
            {QStringLiteral("metric"), r.metric},
            {QStringLiteral("comparator"), r.comparator},
            {QStringLiteral("threshold"), r.threshold},
            {QStringLiteral("for_seconds"), r.forSeconds},
            {QStringLiteral("severity"), severityName(r.severity)},
            {QStringLiteral("condition"), AlertCondition::text(r)},
            {QStringLiteral("created_at"), timeText(r.createdAt)}};
}

Result<QJsonObject> bodyObject(const HttpRequest &request)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return makeError(ErrorType::InvalidArgument, QStringLiteral("the body must be a JSON object"));
    return doc.object();
}

ServiceError noNotifier()
{
    return makeError(ErrorType::NotFound, QStringLiteral("this server keeps no notifications"));
}

ServiceError invalidField(const QString &field, const QString &message)
{
    return makeError(ErrorType::InvalidArgument, message, {{QStringLiteral("field"), field}});
}

// Digits only, 1..kMaxDeliveries: no sign, spaces or hex that a lenient toInt() would take.
Result<int> limitOf(const QUrlQuery &query, int fallback)
{
    if (!query.hasQueryItem(QStringLiteral("limit")))
        return fallback;
    const QString text = query.queryItemValue(QStringLiteral("limit"));
    const bool digits = !text.isEmpty() && text.size() <= 9
        && std::all_of(text.begin(), text.end(), [](QChar c) { return c >= u'0' && c <= u'9'; });
    const int limit = digits ? text.toInt() : 0;
    if (limit < 1 || limit > kMaxDeliveries)
        return invalidField(QStringLiteral("limit"), QStringLiteral("limit: a whole number from 1 to %1").arg(kMaxDeliveries));
    return limit;
}

} // namespace

Result<QUuid> ControlApiServer::endpointIdOf(const QString &svc)
{
    auto info = m_service.endpointInfo(svc);
    if (!info)
        return info.error();
    return info->endpoint.id;
}

std::optional<HttpResponse> ControlApiServer::withoutNotifier() const
{
    if (m_notifier)
        return std::nullopt;
    return apiErrorResponse(noNotifier());
}

Result<QJsonObject> ControlApiServer::notifierRequestBody(const HttpRequest &request) const
{
    if (!m_notifier)
        return noNotifier();
    return bodyObject(request);
}

HttpResponse ControlApiServer::listChannels(const Call &)
{
    if (auto refused = withoutNotifier())
        return *refused;
    return answerList(m_notifier->channels(), QStringLiteral("channels"), channelJson);
}

HttpResponse ControlApiServer::addChannel(const Call &call)
{
    auto body = notifierRequestBody(call.request);
    if (!body)
        return apiErrorResponse(body.error());
    RequestFields fields(*body);
    NotificationChannel c;
    c.name = fields.string({"name"}, true).value_or(QString());
    const QString kind = fields.string({"kind"}).value_or(QStringLiteral("webhook"));
    const QString url = fields.string({"url"}).value_or(QString());
    const QByteArray secret = fields.string({"secret"}).value_or(QString()).toUtf8();
    c.argv = fields.stringList({"argv"}).value_or(QStringList());
    c.eventKinds = fields.stringList({"events", "event_kinds"}).value_or(QStringList());
    const QString severity = fields.string({"min_severity"}).value_or(QStringLiteral("info"));
    const QString endpoint = fields.string({"endpoint", "endpoint_id"}).value_or(QString());
    c.quietPeriodSeconds = int(fields.integer({"quiet_period_seconds", "quiet"}, -1, Notifier::kMaxQuietPeriodSeconds + 1)
                                   .value_or(300));
    c.enabled = fields.boolean({"enabled"}).value_or(true);
    if (auto problem = fields.finish())
        return apiErrorResponse(*problem);
    const auto parsedKind = channelKindFromName(kind);
    if (!parsedKind)
        return apiErrorResponse(
            invalidField(QStringLiteral("kind"), QStringLiteral("kind: desktop, webhook or command")));
    c.kind = *parsedKind;
    const auto parsedSeverity = severityFromName(severity);
    if (!parsedSeverity)
        return apiErrorResponse(
            invalidField(QStringLiteral("min_severity"), QStringLiteral("min_severity: info, warning or critical")));
    c.minSeverity = *parsedSeverity;
    if (!url.isEmpty()) {
        c.url = QUrl(url, QUrl::StrictMode);
        if (!c.url.isValid())
            return apiErrorResponse(invalidField(QStringLiteral("url"), QStringLiteral("url: not a valid URL")));
    }
    if (!endpoint.isEmpty()) {
        auto id = endpointIdOf(endpoint);
        if (!id)
            return apiErrorResponse(id.error());
        c.endpointId = *id;
    }
    return answerWith(m_notifier->addChannel(c, secret), channelJson, 201);
}

HttpResponse ControlApiServer::removeChannel(const Call &call)
{
    if (auto refused = withoutNotifier())
        return *refused;
    const QString channel = QString::fromUtf8(call.segments.value("channel"));
    auto removed = m_notifier->removeChannel(channel);
    if (!removed)
        return apiErrorResponse(removed.error());
    return answer({{QStringLiteral("removed"), channel}});
}

HttpResponse ControlApiServer::testChannel(const Call &call)
{
    if (auto refused = withoutNotifier())
        return *refused;
    // Accepted: the delivery itself (and its retries) shows in the deliveries.
    return answerWith(m_notifier->sendTest(QString::fromUtf8(call.segments.value("channel"))),
                      NotificationPayload::toJson, 202);
}

HttpResponse ControlApiServer::listDeliveries(const Call &call)
{
    if (auto refused = withoutNotifier())
        return *refused;
    auto limit = limitOf(call.request.query, 200);
    if (!limit)
        return apiErrorResponse(limit.error());
    return answerList(m_notifier->deliveries(*limit, call.request.query.queryItemValue(QStringLiteral("channel"))),
                      QStringLiteral("deliveries"), deliveryJson);
}

HttpResponse ControlApiServer::listAlertRules(const Call &call)
{
    if (auto refused = withoutNotifier())
        return *refused;
    auto endpointId = endpointIdOf(call.svc());
    if (!endpointId)
        return apiErrorResponse(endpointId.error());
    return answerList(m_notifier->alertRules(*endpointId), QStringLiteral("alert_rules"), ruleJson);
}

HttpResponse ControlApiServer::addAlertRule(const Call &call)
{
    auto body = notifierRequestBody(call.request);
    if (!body)
        return apiErrorResponse(body.error());
    // Either the condition as written ("p95_ms > 200 for 60s") or its parts.
    RequestFields fields(*body);
    const auto condition = fields.string({"condition"});
    const auto metric = fields.string({"metric"});
    const auto comparator = fields.string({"comparator"});
    const auto threshold = fields.number({"threshold"});
    const auto forSeconds = fields.integer({"for_seconds"}, -1, 86401);
    const QString severity = fields.string({"severity"}).value_or(QStringLiteral("warning"));
    if (auto problem = fields.finish())
        return apiErrorResponse(*problem);
    AlertRule rule;
    if (condition) {
        if (metric || comparator || threshold || forSeconds)
            return apiErrorResponse(invalidField(QStringLiteral("condition"),
                                                 QStringLiteral("give the condition or its parts, not both")));
        auto parsed = AlertCondition::parse(*condition);
        if (!parsed)
            return apiErrorResponse(parsed.error());
        rule = *parsed;
    } else {
        if (!metric || !comparator || !threshold)
            return apiErrorResponse(invalidField(QStringLiteral("condition"),
                                                 QStringLiteral("an alert rule needs a condition, or metric, comparator and threshold")));
        rule.metric = *metric;
        rule.comparator = *comparator;
        rule.threshold = *threshold;
        rule.forSeconds = int(forSeconds.value_or(60));
    }
    const auto parsedSeverity = severityFromName(severity);
    if (!parsedSeverity)
        return apiErrorResponse(
            invalidField(QStringLiteral("severity"), QStringLiteral("severity: info, warning or critical")));
    rule.severity = *parsedSeverity;
    auto endpointId = endpointIdOf(call.svc());
    if (!endpointId)
        return apiErrorResponse(endpointId.error());
    rule.endpointId = *endpointId;
    return answerWith(m_notifier->addAlertRule(rule), ruleJson, 201);
}

HttpResponse ControlApiServer::removeAlertRule(const Call &call)
{
    if (auto refused = withoutNotifier())
        return *refused;
    auto endpointId = endpointIdOf(call.svc());
    if (!endpointId)
        return apiErrorResponse(endpointId.error());
    const QString ruleId = QString::fromUtf8(call.segments.value("rule"));
    auto removed = m_notifier->removeAlertRule(*endpointId, ruleId);
    if (!removed)
        return apiErrorResponse(removed.error());
    return answer({{QStringLiteral("removed"), ruleId}});
}

} // namespace ServeDeck
