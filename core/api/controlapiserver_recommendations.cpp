// The control API's scaling recommendations: GET /v1/services/{svc}/recommendations[?since=] and
// POST /v1/services/{svc}/recommendations/{n}/apply[?since=].
#include "controlapiserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUrlQuery>

#include "api/controlapicall.h"
#include "http/httpserver.h"
#include "service/modelservingservice.h"
#include "usage/usagereporter.h"

namespace ServeDeck {

namespace {

QString timeText(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
}

QJsonObject toJson(const Recommendation &r)
{
    QJsonObject change;
    if (r.change.schedule)
        change.insert(QStringLiteral("schedule"), *r.change.schedule);
    if (r.change.idleTimeoutSeconds)
        change.insert(QStringLiteral("idle_timeout"), *r.change.idleTimeoutSeconds);
    if (r.change.targetPerReplica) {
        change.insert(QStringLiteral("rule_id"), r.change.ruleId.toString(QUuid::WithoutBraces));
        change.insert(QStringLiteral("target_per_replica"), *r.change.targetPerReplica);
    }
    QJsonArray times;
    for (const QDateTime &t : r.times)
        times.append(timeText(t));
    return {{QStringLiteral("number"), r.number},
            {QStringLiteral("kind"), r.kind},
            {QStringLiteral("title"), r.title},
            {QStringLiteral("explanation"), r.explanation},
            {QStringLiteral("evidence"), r.evidence},
            // null: a warning, nothing to apply
            {QStringLiteral("change"), r.isWarning() ? QJsonValue() : QJsonValue(change)},
            {QStringLiteral("times"), times}};
}

// ?since= as the usage report reads it (UsageReporter::parseSince). Absent: invalid, the
// service's default window.
Result<QDateTime> sinceParam(const QUrlQuery &query)
{
    if (!query.hasQueryItem(QStringLiteral("since")))
        return QDateTime();
    return UsageReporter::parseSince(query.queryItemValue(QStringLiteral("since"), QUrl::FullyDecoded),
                                     QDateTime::currentDateTimeUtc());
}

} // namespace

HttpResponse ControlApiServer::recommendations(const Call &call)
{
    auto since = sinceParam(call.request.query);
    if (!since)
        return apiErrorResponse(since.error());
    auto report = m_service.recommendationReport(call.svc(), *since);
    if (!report)
        return apiErrorResponse(report.error());
    QJsonArray list;
    for (const Recommendation &r : std::as_const(report->recommendations))
        list.append(toJson(r));
    return HttpResponse::json(200, QJsonDocument(QJsonObject{{QStringLiteral("recommendations"), list},
                                                             {QStringLiteral("notes"), QJsonArray::fromStringList(report->notes)}}));
}

HttpResponse ControlApiServer::applyRecommendation(const Call &call)
{
    const QString number = QString::fromUtf8(call.segments.value("number"));
    static const QRegularExpression digits(QStringLiteral("^[1-9][0-9]{0,5}$"));
    if (!digits.match(number).hasMatch())
        return apiErrorResponse(makeError(ErrorType::InvalidArgument,
                                          QStringLiteral("number: expected a recommendation's number (1, 2, ...)"),
                                          {{QStringLiteral("field"), QStringLiteral("number")}}));
    auto since = sinceParam(call.request.query);
    if (!since)
        return apiErrorResponse(since.error());
    auto applied = m_service.applyRecommendation(call.svc(), number.toInt(), *since);
    if (!applied)
        return apiErrorResponse(applied.error());
    return HttpResponse::json(200, QJsonDocument(QJsonObject{{QStringLiteral("applied"), toJson(*applied)}}));
}

} // namespace ServeDeck
