#include "controlapiserver.h"

#include <algorithm>

#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QRegularExpression>
#include <QUrlQuery>

#include <openssl/crypto.h>

#include "api/controlapicall.h"
#include "api/jsoncodec.h"
#include "api/requestfields.h"
#include "http/httpserver.h"
#include "service/modelservingservice.h"
#include "traffic/loadtestresult.h"

namespace ServeDeck {

int httpStatusFor(ErrorType type)
{
    switch (type) {
    case ErrorType::InvalidArgument:
        return 400;
    case ErrorType::Unauthorized:
        return 401;
    case ErrorType::Forbidden:
        return 403;
    case ErrorType::NotFound:
        return 404;
    case ErrorType::ModelAlreadyExists:
    case ErrorType::ConflictingRules:
    case ErrorType::RolloutInProgress:
    case ErrorType::ResourceLimitExceeded:
    case ErrorType::InvalidJobState:
    case ErrorType::StaleLeader:
        return 409;
    case ErrorType::PayloadTooLarge:
        return 413;
    case ErrorType::ModelFileNotFound:
    case ErrorType::InvalidModelDefinition:
    case ErrorType::RuntimeNotFound:
    case ErrorType::IdempotencyKeyReused:
        return 422;
    case ErrorType::InsufficientResources:
        return 507;
    case ErrorType::StorageError:
        return 500;
    case ErrorType::NoHealthyRoute:
    case ErrorType::CircuitOpen:
    case ErrorType::QueueFull:
        return 503;
    }
    return 500;
}

HttpResponse apiErrorResponse(const ServiceError &error)
{
    return HttpResponse::json(httpStatusFor(error.type), QJsonDocument(JsonCodec::toJson(error)));
}

namespace {

HttpResponse fail(ErrorType type, const QString &message, int status = 0)
{
    const ServiceError error = makeError(type, message);
    return HttpResponse::json(status ? status : httpStatusFor(type), QJsonDocument(JsonCodec::toJson(error)));
}

HttpResponse reply(const QJsonObject &body, int status = 200)
{
    return HttpResponse::json(status, QJsonDocument(body));
}

template<typename T, typename F>
HttpResponse replyWith(const Result<T> &result, F toBody, int status = 200)
{
    if (!result)
        return apiErrorResponse(result.error());
    return reply(toBody(result.value()), status);
}

template<typename T>
QJsonArray arrayOf(const QList<T> &items)
{
    QJsonArray out;
    for (const T &item : items)
        out.append(JsonCodec::toJson(item));
    return out;
}

Result<QJsonObject> jsonBody(const HttpRequest &request)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError)
        return makeError(ErrorType::InvalidArgument,
                         QStringLiteral("malformed JSON at offset %1: %2").arg(error.offset).arg(error.errorString()),
                         {{QStringLiteral("offset"), error.offset}});
    if (!doc.isObject())
        return makeError(ErrorType::InvalidArgument, QStringLiteral("the body must be a JSON object"));
    return doc.object();
}

// The request's JSON body through one of JsonCodec's decoders: a body that is not a JSON object
// and a field the decoder refuses come back alike, as the typed error.
template<typename Decode>
auto decodedBody(const HttpRequest &request, Decode decode) -> decltype(decode(QJsonObject()))
{
    auto body = jsonBody(request);
    if (!body)
        return body.error();
    return decode(*body);
}

Result<bool> flag(const QUrlQuery &query, const QString &name)
{
    if (!query.hasQueryItem(name))
        return false;
    const QString v = query.queryItemValue(name).toLower();
    if (v == u"true" || v == u"1" || v.isEmpty())
        return true;
    if (v == u"false" || v == u"0")
        return false;
    return makeError(ErrorType::InvalidArgument, QStringLiteral("%1: expected true or false").arg(name),
                     {{QStringLiteral("field"), name}});
}

// Every list that takes ?limit= bounds it the same way: 0, negatives (SQLite's LIMIT -1 is
// "every row"), non-numbers and anything past the cap are refused, never clamped.
constexpr int kMaxListLimit = 1000;

Result<int> limitParam(const QUrlQuery &query, int fallback)
{
    const QString name = QStringLiteral("limit");
    if (!query.hasQueryItem(name))
        return fallback;
    // Digits only: no sign, spaces or hex that a lenient toInt() would take.
    const QString text = query.queryItemValue(name);
    const bool digits = !text.isEmpty() && text.size() <= 9
        && std::all_of(text.begin(), text.end(), [](QChar c) { return c >= u'0' && c <= u'9'; });
    const int limit = digits ? text.toInt() : 0;
    if (limit < 1 || limit > kMaxListLimit) {
        return makeError(ErrorType::InvalidArgument, QStringLiteral("limit: must be between 1 and %1").arg(kMaxListLimit),
                         {{QStringLiteral("field"), name}});
    }
    return limit;
}

QUuid uuidParam(const QByteArray &text)
{
    return QUuid::fromString(QString::fromUtf8(text));
}

// A Prometheus label value: backslash, quote and newline escaped (names are DNS labels, but
// nothing stored is trusted to stay one).
QByteArray labelValue(const QString &text)
{
    QByteArray out;
    for (const char c : text.toUtf8()) {
        if (c == '\\' || c == '"')
            out += '\\';
        out += c == '\n' ? QByteArrayLiteral("\\n") : QByteArray(1, c);
    }
    return out;
}

HttpResponse methodNotAllowed(const QByteArray &allowed)
{
    HttpResponse r = fail(ErrorType::InvalidArgument, QStringLiteral("method not allowed here; allowed: ") +
                                                          QString::fromLatin1(allowed), 405);
    r.headers.append({QByteArrayLiteral("Allow"), allowed});
    return r;
}

QList<QByteArray> segmentsOf(const QByteArray &path)
{
    QList<QByteArray> parts = path.split('/');
    parts.removeAll(QByteArray());
    return parts;
}

bool isParameter(const QByteArray &segment)
{
    return segment.size() > 2 && segment.startsWith('{') && segment.endsWith('}');
}

// A revision (its id or its model version) is percent-decoded once more on top of HttpServer's
// decoding of the path, as it always was; the other segments are not.
QString revisionParam(const QByteArray &segment)
{
    return QString::fromUtf8(QByteArray::fromPercentEncoding(segment));
}

Result<QUuid> ruleIdParam(const QByteArray &text)
{
    const QUuid ruleId = uuidParam(text);
    if (ruleId.isNull())
        return makeError(ErrorType::InvalidArgument, QStringLiteral("'%1' is not a rule id").arg(QString::fromUtf8(text)));
    return ruleId;
}

} // namespace

ControlApiServer::ControlApiServer(ModelServingService &service, QByteArray adminToken, QObject *parent)
    : QObject(parent)
    , m_service(service)
    , m_adminToken(std::move(adminToken))
    , m_http(new HttpServer([this](const HttpRequest &request) { return handle(request); }, this))
{
    // The token is checked again at the head, before "100 Continue" and before the body is
    // read: whoever lacks it cannot make the API take a megabyte per request.
    m_http->setHeadCheck([this](const HttpRequest &head) { return refuseAtHead(head); });
    connect(&m_service, &ModelServingService::rolloutChanged, this, &ControlApiServer::noteRolloutPhase);
    connect(&m_service, &ModelServingService::endpointRemoved, this, [this](const QUuid &id) { m_rolloutPhases.remove(id); });
}

ControlApiServer::~ControlApiServer() = default;

bool ControlApiServer::listen(const QHostAddress &address, quint16 port)
{
    return m_http->listen(address, port);
}

quint16 ControlApiServer::port() const
{
    return m_http->serverPort();
}

QString ControlApiServer::errorString() const
{
    return m_http->errorString();
}

struct ControlApiServer::ApiRoute
{
    QByteArray method;
    QList<QByteArray> pattern;  // path segments; "{name}" takes any one segment as `name`
    HttpResponse (ControlApiServer::*handler)(const Call &);
    bool open = false;  // answered without the admin token
};

// Looked up top to bottom: the first row whose pattern matches the path names the resource, and
// the rows with that same pattern say which methods it takes. A literal row therefore comes before
// a {parameter} row that would match it too (dry-run before {svc}).
const QList<ControlApiServer::ApiRoute> &ControlApiServer::routeTable()
{
    using S = ControlApiServer;
    static const QList<ApiRoute> table = [] {
        const struct
        {
            const char *method;
            const char *path;
            HttpResponse (S::*handler)(const Call &);
            bool open;
        } rows[] = {
            {"GET", "/metrics", &S::metrics, true},
            {"HEAD", "/metrics", &S::metrics, true},
            {"GET", "/v1/health", &S::health, true},
            {"HEAD", "/v1/health", &S::health, true},
            {"GET", "/v1/agents", &S::agents, false},
            {"POST", "/v1/agents/{agent_id}/revoke", &S::revokeAgent, false},
            {"GET", "/v1/errors", &S::allErrors, false},
            {"GET", "/v1/loadtests", &S::listLoadTests, false},
            {"POST", "/v1/loadtests", &S::recordLoadTest, false},
            {"GET", "/v1/loadtests/{run}", &S::loadTest, false},
            {"DELETE", "/v1/loadtests/{run}", &S::deleteLoadTest, false},
            {"GET", "/v1/settings/retention", &S::retention, false},
            {"PUT", "/v1/settings/retention", &S::setRetention, false},
            {"GET", "/v1/services", &S::listEndpoints, false},
            {"POST", "/v1/services", &S::createEndpoint, false},
            {"POST", "/v1/services/dry-run", &S::dryRun, false},
            {"GET", "/v1/services/{svc}", &S::endpointInfo, false},
            {"PATCH", "/v1/services/{svc}", &S::modifyEndpoint, false},
            {"DELETE", "/v1/services/{svc}", &S::deleteEndpoint, false},
            {"POST", "/v1/services/{svc}/scale", &S::scale, false},
            {"POST", "/v1/services/{svc}/sync", &S::sync, false},
            {"GET", "/v1/services/{svc}/routes", &S::listRoutes, false},
            {"PUT", "/v1/services/{svc}/routes", &S::setRouteWeights, false},
            {"DELETE", "/v1/services/{svc}/routes/{route_id}", &S::deleteRoute, false},
            {"GET", "/v1/services/{svc}/revisions", &S::listRevisions, false},
            {"GET", "/v1/services/{svc}/revisions/{revision}", &S::revision, false},
            {"PATCH", "/v1/services/{svc}/revisions/{revision}", &S::modifyRevision, false},
            {"GET", "/v1/services/{svc}/autoscaling-rules", &S::listRules, false},
            {"POST", "/v1/services/{svc}/autoscaling-rules", &S::createRule, false},
            {"PATCH", "/v1/services/{svc}/autoscaling-rules/{rule_id}", &S::modifyRule, false},
            {"DELETE", "/v1/services/{svc}/autoscaling-rules/{rule_id}", &S::deleteRule, false},
            {"GET", "/v1/services/{svc}/tokens", &S::listTokens, false},
            {"POST", "/v1/services/{svc}/tokens", &S::generateToken, false},
            {"DELETE", "/v1/services/{svc}/tokens/{token_id}", &S::revokeToken, false},
            {"GET", "/v1/services/{svc}/scale-events", &S::scaleEvents, false},
            {"GET", "/v1/services/{svc}/autoscaling", &S::autoscaleSettings, false},
            {"PUT", "/v1/services/{svc}/autoscaling", &S::setAutoscaleSettings, false},
            {"PATCH", "/v1/services/{svc}/autoscaling", &S::setAutoscaleSettings, false},
            {"POST", "/v1/services/{svc}/metrics", &S::pushMetric, false},
            {"GET", "/v1/services/{svc}/errors", &S::endpointErrors, false},
            {"DELETE", "/v1/services/{svc}/errors", &S::clearErrors, false},
            {"GET", "/v1/services/{svc}/rollouts", &S::listRollouts, false},
            {"POST", "/v1/services/{svc}/rollouts", &S::startRollout, false},
            {"GET", "/v1/services/{svc}/rollouts/{rollout}", &S::rollout, false},
            {"POST", "/v1/services/{svc}/rollouts/{rollout}/promote", &S::promoteRollout, false},
            {"POST", "/v1/services/{svc}/rollouts/{rollout}/pause", &S::pauseRollout, false},
            {"POST", "/v1/services/{svc}/rollouts/{rollout}/resume", &S::resumeRollout, false},
            {"POST", "/v1/services/{svc}/rollouts/{rollout}/abort", &S::abortRollout, false},
            {"POST", "/v1/services/{svc}/rollouts/{rollout}/rollback", &S::rollbackRollout, false},
            {"PUT", "/v1/services/{svc}/rollouts/{rollout}/weight", &S::setRolloutWeight, false},
            // Notifications: the literal deliveries row before {channel}.
            {"GET", "/v1/notifications", &S::listChannels, false},
            {"POST", "/v1/notifications", &S::addChannel, false},
            {"GET", "/v1/notifications/deliveries", &S::listDeliveries, false},
            {"DELETE", "/v1/notifications/{channel}", &S::removeChannel, false},
            {"POST", "/v1/notifications/{channel}/test", &S::testChannel, false},
            {"GET", "/v1/services/{svc}/alert-rules", &S::listAlertRules, false},
            {"POST", "/v1/services/{svc}/alert-rules", &S::addAlertRule, false},
            {"DELETE", "/v1/services/{svc}/alert-rules/{rule}", &S::removeAlertRule, false},
            {"GET", "/v1/services/{svc}/usage", &S::usage, false},
            {"GET", "/v1/usage/prices", &S::usagePrices, false},
            {"PUT", "/v1/usage/prices", &S::setUsagePrices, false},
            {"GET", "/v1/usage/retention", &S::usageRetention, false},
            {"PUT", "/v1/usage/retention", &S::setUsageRetention, false},
            // Scaling recommendations.
            {"GET", "/v1/services/{svc}/recommendations", &S::recommendations, false},
            {"POST", "/v1/services/{svc}/recommendations/{number}/apply", &S::applyRecommendation, false},
            // Jobs: the literal /v1/jobs rows before /v1/jobs/{job}.
            {"POST", "/v1/services/{svc}/jobs", &S::submitJob, false},
            {"GET", "/v1/services/{svc}/jobs", &S::listJobs, false},
            {"GET", "/v1/services/{svc}/jobs/{job}", &S::jobInfo, false},
            {"GET", "/v1/services/{svc}/jobs/{job}/result", &S::jobResult, false},
            {"POST", "/v1/services/{svc}/jobs/{job}/cancel", &S::cancelJob, false},
            {"POST", "/v1/services/{svc}/jobs/{job}/retry", &S::retryJob, false},
            {"GET", "/v1/jobs", &S::listAllJobs, false},
            {"GET", "/v1/jobs/stats", &S::jobStats, false},
            {"GET", "/v1/jobs/retention", &S::jobRetention, false},
            {"PUT", "/v1/jobs/retention", &S::setJobRetention, false},
            {"GET", "/v1/jobs/counts", &S::jobCounts, false},
            {"GET", "/v1/jobs/{job}", &S::anyJob, false},
            // The shared plane (issue 18): who leads.
            {"GET", "/v1/plane", &S::plane, false},
        };
        QList<ApiRoute> out;
        for (const auto &row : rows)
            out.append({QByteArray(row.method), segmentsOf(row.path), row.handler, row.open});
        return out;
    }();
    return table;
}

const ControlApiServer::ApiRoute *ControlApiServer::resourceFor(const QList<QByteArray> &parts, Call &call)
{
    for (const ApiRoute &route : routeTable()) {
        if (route.pattern.size() != parts.size())
            continue;
        QHash<QByteArray, QByteArray> segments;
        bool matches = true;
        for (qsizetype i = 0; matches && i < parts.size(); ++i) {
            const QByteArray &want = route.pattern[i];
            if (isParameter(want))
                segments.insert(want.sliced(1, want.size() - 2), parts[i]);
            else
                matches = want == parts[i];
        }
        if (matches) {
            call.segments = std::move(segments);
            return &route;
        }
    }
    return nullptr;
}

HttpResponse ControlApiServer::handle(const HttpRequest &request)
{
    Call call{request, {}};
    const ApiRoute *resource = resourceFor(segmentsOf(request.path), call);
    std::optional<HttpResponse> refusal = refusedWithoutToken(request, resource);
    HttpResponse response = refusal ? std::move(*refusal) : dispatch(call, resource);
    if (!refusal && m_beforeAnswer && request.method != "GET" && request.method != "HEAD")
        m_beforeAnswer();
    ++m_responsesByStatus[response.status];
    return response;
}

std::optional<HttpResponse> ControlApiServer::refuseAtHead(const HttpRequest &head)
{
    Call call{head, {}};
    std::optional<HttpResponse> refusal = refusedWithoutToken(head, resourceFor(segmentsOf(head.path), call));
    if (refusal)
        ++m_responsesByStatus[refusal->status];
    return refusal;
}

std::optional<HttpResponse> ControlApiServer::refusedWithoutToken(const HttpRequest &request,
                                                                  const ApiRoute *resource) const
{
    if (resource && resource->open)
        return std::nullopt;
    const QByteArray auth = request.header("Authorization");
    // The scheme name is case-insensitive (RFC 9110 11.1).
    const QByteArray presented = auth.size() > 7 && auth.first(7).toLower() == "bearer " ? auth.mid(7).trimmed() : QByteArray();
    if (auth.isEmpty())
        return fail(ErrorType::Unauthorized, QStringLiteral("this API needs the admin token: Authorization: Bearer <token>"));
    if (presented.size() != m_adminToken.size()
        || CRYPTO_memcmp(presented.constData(), m_adminToken.constData(), size_t(m_adminToken.size())) != 0) {
        return fail(ErrorType::Unauthorized, QStringLiteral("the admin token is not valid"));
    }
    return std::nullopt;
}

HttpResponse ControlApiServer::dispatch(const Call &call, const ApiRoute *resource)
{
    if (!resource)
        return fail(ErrorType::NotFound, QStringLiteral("no such API route: ") + QString::fromUtf8(call.request.path));
    QList<QByteArray> allowed;
    for (const ApiRoute &route : routeTable()) {
        if (route.pattern != resource->pattern)
            continue;
        if (route.method == call.request.method)
            return (this->*route.handler)(call);
        allowed << route.method;
    }
    return methodNotAllowed(allowed.join(", "));
}

HttpResponse ControlApiServer::metrics(const Call &)
{
    return HttpResponse::text(200, metricsText(), "text/plain; version=0.0.4; charset=utf-8");
}

QByteArray ControlApiServer::healthProof(const QByteArray &adminToken, const QByteArray &nonce)
{
    return QMessageAuthenticationCode::hash(nonce, adminToken, QCryptographicHash::Sha256).toHex();
}

HttpResponse ControlApiServer::health(const Call &call)
{
    QJsonObject body{{QStringLiteral("status"), QStringLiteral("ok")},
                     {QStringLiteral("version"), QStringLiteral(SERVEDECK_VERSION)}};
    // ctl asks with a fresh nonce before it sends the admin token to an address it read from a
    // file: only the holder of the token can answer HMAC-SHA256(token, nonce). Bounded hex, so
    // the proof cannot be turned into an oracle for chosen messages of any size.
    const QUrlQuery &q = call.request.query;
    if (q.hasQueryItem(QStringLiteral("nonce"))) {
        const QByteArray nonce = q.queryItemValue(QStringLiteral("nonce"), QUrl::FullyDecoded).toLatin1();
        static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{32,128}$"));
        if (!hex.match(QString::fromLatin1(nonce)).hasMatch())
            return apiErrorResponse(makeError(ErrorType::InvalidArgument,
                                              QStringLiteral("nonce: must be 32-128 lower-case hex digits"),
                                              {{QStringLiteral("field"), QStringLiteral("nonce")}}));
        body.insert(QStringLiteral("proof"), QString::fromLatin1(healthProof(m_adminToken, nonce)));
    }
    return reply(body);
}

HttpResponse ControlApiServer::agents(const Call &)
{
    // The replicas waiting for room on them, in the order they will start.
    auto queue = m_service.pendingQueue();
    if (!queue)
        return apiErrorResponse(queue.error());
    if (m_agentsReport)
        return reply({{QStringLiteral("agents"), m_agentsReport()}, {QStringLiteral("queue"), JsonCodec::queueToJson(*queue)}});
    // Without an agent, capacity is the locally configured one.
    const QJsonObject local{{QStringLiteral("agent_id"), QStringLiteral("local")},
                            {QStringLiteral("kind"), QStringLiteral("configured")},
                            {QStringLiteral("capacity"), m_service.config().capacity.total.toJson()},
                            {QStringLiteral("allocated"), m_service.allocated().toJson()}};
    return reply({{QStringLiteral("agents"), QJsonArray{local}}, {QStringLiteral("queue"), JsonCodec::queueToJson(*queue)}});
}

HttpResponse ControlApiServer::revokeAgent(const Call &call)
{
    // Idempotent: revoking a revoked agent answers 200 with already_revoked, as revoking a token does.
    return replyWith(m_service.revokeAgent(QString::fromUtf8(call.segments.value("agent_id"))),
                     [](const AgentRevocation &r) { return JsonCodec::toJson(r); });
}

HttpResponse ControlApiServer::allErrors(const Call &call)
{
    const QUrlQuery &q = call.request.query;
    auto limit = limitParam(q, 50);
    if (!limit)
        return apiErrorResponse(limit.error());
    return replyWith(m_service.listErrors({}, *limit, q.queryItemValue(QStringLiteral("type"))),
                     [](const auto &list) { return QJsonObject{{QStringLiteral("errors"), arrayOf(list)}}; });
}

namespace {

// A stored load-test run; the figures only when asked for one run (lists stay small).
QJsonObject loadTestJson(const LoadTestRecord &record)
{
    QJsonObject o{{QStringLiteral("id"), record.id.toString(QUuid::WithoutBraces)},
                  {QStringLiteral("endpoint_id"), record.endpointId.toString(QUuid::WithoutBraces)},
                  {QStringLiteral("endpoint"), record.endpointName},
                  {QStringLiteral("created_at"), record.createdAt.toUTC().toString(Qt::ISODateWithMs)},
                  {QStringLiteral("passed"), record.passed},
                  {QStringLiteral("summary"), record.summary}};
    if (!record.result.isEmpty())
        o.insert(QStringLiteral("result"), QJsonDocument::fromJson(record.result).object());
    return o;
}

} // namespace

// GET /v1/loadtests[?endpoint=SVC&limit=N]: newest first, summaries only.
HttpResponse ControlApiServer::listLoadTests(const Call &call)
{
    const QUrlQuery &q = call.request.query;
    auto limit = limitParam(q, 50);
    if (!limit)
        return apiErrorResponse(limit.error());
    return replyWith(m_service.listLoadTests(q.queryItemValue(QStringLiteral("endpoint")), *limit), [](const auto &list) {
        QJsonArray runs;
        for (const LoadTestRecord &record : list)
            runs.append(loadTestJson(record));
        return QJsonObject{{QStringLiteral("load_tests"), runs}};
    });
}

// POST /v1/loadtests {endpoint, result}: the run as the load generator reported it.
HttpResponse ControlApiServer::recordLoadTest(const Call &call)
{
    auto body = jsonBody(call.request);
    if (!body)
        return apiErrorResponse(body.error());
    static const QStringList known{QStringLiteral("endpoint"), QStringLiteral("result")};
    for (auto it = body->begin(); it != body->end(); ++it) {
        if (!known.contains(it.key()))
            return apiErrorResponse(makeError(ErrorType::InvalidArgument,
                                              QStringLiteral("%1: unknown field").arg(it.key().left(64)),
                                              {{QStringLiteral("field"), it.key().left(64)}}));
    }
    const QJsonValue endpoint = body->value(QStringLiteral("endpoint"));
    const QJsonValue result = body->value(QStringLiteral("result"));
    if (!endpoint.isString() || endpoint.toString().isEmpty())
        return apiErrorResponse(makeError(ErrorType::InvalidArgument, QStringLiteral("endpoint: required"),
                                          {{QStringLiteral("field"), QStringLiteral("endpoint")}}));
    if (!result.isObject())
        return apiErrorResponse(makeError(ErrorType::InvalidArgument, QStringLiteral("result: an object is required"),
                                          {{QStringLiteral("field"), QStringLiteral("result")}}));
    return replyWith(m_service.recordLoadTest(endpoint.toString(), result.toObject()),
                     [](const LoadTestRecord &record) {
                         LoadTestRecord listed = record;
                         listed.result.clear();
                         return loadTestJson(listed);
                     },
                     201);
}

// GET /v1/loadtests/{run}[?format=json|csv]
HttpResponse ControlApiServer::loadTest(const Call &call)
{
    const QString format = call.request.query.queryItemValue(QStringLiteral("format"));
    if (!format.isEmpty() && format != u"json" && format != u"csv")
        return apiErrorResponse(makeError(ErrorType::InvalidArgument, QStringLiteral("format: json or csv"),
                                          {{QStringLiteral("field"), QStringLiteral("format")}}));
    const Result<LoadTestRecord> record = m_service.loadTest(QString::fromUtf8(call.segments.value("run")));
    if (!record)
        return apiErrorResponse(record.error());
    if (format != u"csv")
        return reply(loadTestJson(*record));
    const Result<LoadTestResult> result = LoadTestResult::fromJson(QJsonDocument::fromJson(record->result).object());
    if (!result)
        return apiErrorResponse(result.error());
    return HttpResponse::text(200, result->toCsv(), "text/csv; charset=utf-8");
}

HttpResponse ControlApiServer::deleteLoadTest(const Call &call)
{
    const QString id = QString::fromUtf8(call.segments.value("run"));
    return replyWith(m_service.deleteLoadTest(id),
                     [&](const Done &) { return QJsonObject{{QStringLiteral("deleted"), id.left(64)}}; });
}

namespace {

QJsonObject retentionJson(const HistoryRetention &r)
{
    return {{QStringLiteral("max_age_days"), r.maxAgeDays}, {QStringLiteral("max_rows_per_endpoint"), r.maxRowsPerEndpoint}};
}

// {max_age_days?, max_rows_per_endpoint?}: what is left out stays as it is.
Result<HistoryRetention> retentionRequest(const QJsonObject &body, HistoryRetention current)
{
    RequestFields f(body);
    current.maxAgeDays = int(f.integer({"max_age_days"}, HistoryRetention::kMinAgeDays, HistoryRetention::kMaxAgeDays)
                                 .value_or(current.maxAgeDays));
    current.maxRowsPerEndpoint = int(f.integer({"max_rows_per_endpoint"}, HistoryRetention::kMinRows, HistoryRetention::kMaxRows)
                                         .value_or(current.maxRowsPerEndpoint));
    if (std::optional<ServiceError> error = f.finish())
        return *error;
    return current;
}

} // namespace

HttpResponse ControlApiServer::retention(const Call &)
{
    return reply(retentionJson(m_service.historyRetention()));
}

HttpResponse ControlApiServer::setRetention(const Call &call)
{
    auto wanted = decodedBody(call.request, [this](const QJsonObject &body) {
        return retentionRequest(body, m_service.historyRetention());
    });
    if (!wanted)
        return apiErrorResponse(wanted.error());
    return replyWith(m_service.setHistoryRetention(*wanted), retentionJson);
}

HttpResponse ControlApiServer::listEndpoints(const Call &)
{
    return replyWith(m_service.listEndpoints(),
                     [](const auto &list) { return QJsonObject{{QStringLiteral("services"), arrayOf(list)}}; });
}

HttpResponse ControlApiServer::createEndpoint(const Call &call)
{
    auto create = decodedBody(call.request, JsonCodec::createRequest);
    if (!create)
        return apiErrorResponse(create.error());
    // Another version of a served model is not a new endpoint but a rollout on that one (spec 1.4).
    const QUuid before = latestRolloutId(create->name);
    auto created = m_service.createEndpoint(*create);
    if (!created)
        return apiErrorResponse(created.error());
    const QString ref = created->id.toString(QUuid::WithoutBraces);
    const QUuid after = latestRolloutId(ref);
    return replyWith(m_service.endpointInfo(ref), [&](const EndpointInfo &info) {
        QJsonObject o = JsonCodec::toJson(info);
        o.insert(QStringLiteral("rollout_started"), after != before);
        return o;
    }, 201);
}

HttpResponse ControlApiServer::dryRun(const Call &call)
{
    auto create = decodedBody(call.request, JsonCodec::createRequest);
    if (!create)
        return apiErrorResponse(create.error());
    return reply(JsonCodec::toJson(m_service.dryRun(*create)));
}

HttpResponse ControlApiServer::endpointInfo(const Call &call)
{
    auto metrics = flag(call.request.query, QStringLiteral("include_metrics"));
    if (!metrics)
        return apiErrorResponse(metrics.error());
    return replyWith(m_service.endpointInfo(call.svc(), *metrics), [](const EndpointInfo &i) { return JsonCodec::toJson(i); });
}

HttpResponse ControlApiServer::modifyEndpoint(const Call &call)
{
    auto modify = decodedBody(call.request, JsonCodec::modifyRequest);
    if (!modify)
        return apiErrorResponse(modify.error());
    // A new version or folder starts a rollout; the answer says whether one did.
    const QUuid before = latestRolloutId(call.svc());
    auto modified = m_service.modifyEndpoint(call.svc(), *modify);
    if (!modified)
        return apiErrorResponse(modified.error());
    QJsonObject o = JsonCodec::toJson(*modified);
    o.insert(QStringLiteral("rollout_started"), modified->rollout && modified->rollout->id != before);
    return reply(o);
}

HttpResponse ControlApiServer::deleteEndpoint(const Call &call)
{
    return replyWith(m_service.deleteEndpoint(call.svc()), [](const Endpoint &e) { return JsonCodec::toJson(e); });
}

HttpResponse ControlApiServer::scale(const Call &call)
{
    auto replicas = decodedBody(call.request, JsonCodec::scaleRequest);
    if (!replicas)
        return apiErrorResponse(replicas.error());
    return replyWith(m_service.scaleReplicas(call.svc(), *replicas), [](const ScaleResult &r) { return JsonCodec::toJson(r); });
}

HttpResponse ControlApiServer::sync(const Call &call)
{
    return replyWith(m_service.forceSync(call.svc()), [](const QList<Route> &routes) {
        return QJsonObject{{QStringLiteral("synced"), true}, {QStringLiteral("routes"), JsonCodec::routesToJson(routes)}};
    });
}

HttpResponse ControlApiServer::listRoutes(const Call &call)
{
    return replyWith(m_service.endpointInfo(call.svc()), [](const EndpointInfo &i) {
        return QJsonObject{{QStringLiteral("routes"), JsonCodec::routesToJson(i.routes)}};
    });
}

HttpResponse ControlApiServer::setRouteWeights(const Call &call)
{
    auto weights = decodedBody(call.request, JsonCodec::routeWeights);
    if (!weights)
        return apiErrorResponse(weights.error());
    return replyWith(m_service.updateRoutes(call.svc(), *weights), [](const QList<Route> &routes) {
        return QJsonObject{{QStringLiteral("routes"), JsonCodec::routesToJson(routes)}};
    });
}

HttpResponse ControlApiServer::deleteRoute(const Call &call)
{
    const QByteArray text = call.segments.value("route_id");
    const QUuid routeId = uuidParam(text);
    if (routeId.isNull())
        return fail(ErrorType::InvalidArgument, QStringLiteral("'%1' is not a route id").arg(QString::fromUtf8(text)));
    return replyWith(m_service.deleteRoute(call.svc(), routeId), [](const Route &r) { return JsonCodec::toJson(r); });
}

HttpResponse ControlApiServer::listRevisions(const Call &call)
{
    return replyWith(m_service.endpointInfo(call.svc()), [](const EndpointInfo &info) {
        return QJsonObject{{QStringLiteral("revisions"), JsonCodec::revisionsToJson(info.revisions, info.routes)}};
    });
}

HttpResponse ControlApiServer::revision(const Call &call)
{
    const Result<Revision> found = m_service.revision(call.svc(), revisionParam(call.segments.value("revision")));
    if (!found)
        return apiErrorResponse(found.error());
    return replyWith(m_service.endpointInfo(call.svc()), [&found](const EndpointInfo &info) {
        return JsonCodec::toJson(*found, info.routes);
    });
}

HttpResponse ControlApiServer::modifyRevision(const Call &call)
{
    auto changes = decodedBody(call.request, JsonCodec::revisionChanges);
    if (!changes)
        return apiErrorResponse(changes.error());
    const Result<Revision> found =
        m_service.modifyRevision(call.svc(), revisionParam(call.segments.value("revision")), *changes);
    if (!found)
        return apiErrorResponse(found.error());
    return replyWith(m_service.endpointInfo(call.svc()), [&found](const EndpointInfo &info) {
        return JsonCodec::toJson(*found, info.routes);
    });
}

HttpResponse ControlApiServer::listRules(const Call &call)
{
    return replyWith(m_service.autoScalingRules(call.svc()), [](const auto &rules) {
        return QJsonObject{{QStringLiteral("autoscaling_rules"), arrayOf(rules)}};
    });
}

HttpResponse ControlApiServer::createRule(const Call &call)
{
    auto rule = decodedBody(call.request, JsonCodec::ruleRequest);
    if (!rule)
        return apiErrorResponse(rule.error());
    return replyWith(m_service.createAutoScalingRule(call.svc(), *rule),
                     [](const AutoScalingRule &r) { return JsonCodec::toJson(r); }, 201);
}

HttpResponse ControlApiServer::modifyRule(const Call &call)
{
    const auto ruleId = ruleIdParam(call.segments.value("rule_id"));
    if (!ruleId)
        return apiErrorResponse(ruleId.error());
    auto changes = decodedBody(call.request, JsonCodec::ruleChanges);
    if (!changes)
        return apiErrorResponse(changes.error());
    return replyWith(m_service.modifyAutoScalingRule(call.svc(), *ruleId, *changes),
                     [](const AutoScalingRule &r) { return JsonCodec::toJson(r); });
}

HttpResponse ControlApiServer::deleteRule(const Call &call)
{
    const auto ruleId = ruleIdParam(call.segments.value("rule_id"));
    if (!ruleId)
        return apiErrorResponse(ruleId.error());
    return replyWith(m_service.deleteAutoScalingRule(call.svc(), *ruleId),
                     [](const AutoScalingRule &r) { return JsonCodec::toJson(r); });
}

HttpResponse ControlApiServer::listTokens(const Call &call)
{
    return replyWith(m_service.listTokens(call.svc()),
                     [](const auto &list) { return QJsonObject{{QStringLiteral("tokens"), arrayOf(list)}}; });
}

HttpResponse ControlApiServer::generateToken(const Call &call)
{
    auto token = decodedBody(call.request, JsonCodec::tokenRequest);
    if (!token)
        return apiErrorResponse(token.error());
    return replyWith(m_service.generateToken(call.svc(), *token), [](const GeneratedToken &t) {
        QJsonObject o = JsonCodec::toJson(t.grant);
        o.insert(QStringLiteral("token"), QString::fromLatin1(t.token));
        return o;
    }, 201);
}

HttpResponse ControlApiServer::revokeToken(const Call &call)
{
    return replyWith(m_service.revokeToken(call.svc(), QString::fromUtf8(call.segments.value("token_id"))),
                     [](const TokenGrant &g) { return JsonCodec::toJson(g); });
}

HttpResponse ControlApiServer::scaleEvents(const Call &call)
{
    auto limit = limitParam(call.request.query, 100);
    if (!limit)
        return apiErrorResponse(limit.error());
    return replyWith(m_service.scaleEvents(call.svc(), *limit), [](const QList<ScaleEvent> &events) {
        QJsonArray list;
        int up = 0, down = 0;
        for (const ScaleEvent &e : events) {
            list.append(JsonCodec::toJson(e));
            (e.after > e.before ? up : down) += 1;
        }
        return QJsonObject{{QStringLiteral("events"), list}, {QStringLiteral("up"), up}, {QStringLiteral("down"), down}};
    });
}

HttpResponse ControlApiServer::autoscaleSettings(const Call &call)
{
    return replyWith(m_service.autoscaleSettings(call.svc()), [](const AutoscaleSettings &s) { return JsonCodec::toJson(s); });
}

HttpResponse ControlApiServer::setAutoscaleSettings(const Call &call)
{
    auto change = decodedBody(call.request, JsonCodec::autoscaleSettingsRequest);
    if (!change)
        return apiErrorResponse(change.error());
    return replyWith(m_service.setAutoscaleSettings(call.svc(), change->schedule, change->idleTimeoutSeconds),
                     [](const AutoscaleSettings &s) { return JsonCodec::toJson(s); });
}

HttpResponse ControlApiServer::pushMetric(const Call &call)
{
    auto pushed = decodedBody(call.request, JsonCodec::pushedMetric);
    if (!pushed)
        return apiErrorResponse(pushed.error());
    return replyWith(m_service.pushMetric(call.svc(), pushed->name, pushed->value),
                     [&](const Done &) { return QJsonObject{{QStringLiteral("accepted"), true}}; }, 202);
}

HttpResponse ControlApiServer::endpointErrors(const Call &call)
{
    const QUrlQuery &q = call.request.query;
    auto limit = limitParam(q, 50);
    if (!limit)
        return apiErrorResponse(limit.error());
    const QString type = q.hasQueryItem(QStringLiteral("error_type")) ? q.queryItemValue(QStringLiteral("error_type"))
                                                                      : q.queryItemValue(QStringLiteral("type"));
    return replyWith(m_service.listErrors(call.svc(), *limit, type),
                     [](const auto &list) { return QJsonObject{{QStringLiteral("errors"), arrayOf(list)}}; });
}

HttpResponse ControlApiServer::clearErrors(const Call &call)
{
    return replyWith(m_service.clearErrors(call.svc()), [](int n) { return QJsonObject{{QStringLiteral("cleared"), n}}; });
}

QUuid ControlApiServer::latestRolloutId(const QString &svc)
{
    // No endpoint (yet), or none of its rollouts: a null id, which any new rollout differs from.
    const auto latest = m_service.rolloutInfo(svc, QStringLiteral("latest"));
    return latest ? latest->rollout.id : QUuid();
}

HttpResponse ControlApiServer::listRollouts(const Call &call)
{
    auto limit = limitParam(call.request.query, 20);
    if (!limit)
        return apiErrorResponse(limit.error());
    return replyWith(m_service.rollouts(call.svc(), *limit),
                     [](const auto &list) { return QJsonObject{{QStringLiteral("rollouts"), arrayOf(list)}}; });
}

HttpResponse ControlApiServer::startRollout(const Call &call)
{
    auto request = decodedBody(call.request, JsonCodec::rolloutRequest);
    if (!request)
        return apiErrorResponse(request.error());
    return replyWith(m_service.startRollout(call.svc(), *request),
                     [](const RolloutInfo &info) { return JsonCodec::toJson(info); }, 201);
}

HttpResponse ControlApiServer::rollout(const Call &call)
{
    return replyWith(m_service.rolloutInfo(call.svc(), call.rollout()),
                     [](const RolloutInfo &info) { return JsonCodec::toJson(info); });
}

HttpResponse ControlApiServer::actOnRollout(const Call &call, RolloutAction action)
{
    return replyWith(m_service.actOnRollout(call.svc(), call.rollout(), action),
                     [](const RolloutInfo &info) { return JsonCodec::toJson(info); });
}

HttpResponse ControlApiServer::promoteRollout(const Call &call)
{
    return actOnRollout(call, RolloutAction::Promote);
}

HttpResponse ControlApiServer::pauseRollout(const Call &call)
{
    return actOnRollout(call, RolloutAction::Pause);
}

HttpResponse ControlApiServer::resumeRollout(const Call &call)
{
    return actOnRollout(call, RolloutAction::Resume);
}

HttpResponse ControlApiServer::abortRollout(const Call &call)
{
    return actOnRollout(call, RolloutAction::Abort);
}

HttpResponse ControlApiServer::rollbackRollout(const Call &call)
{
    return actOnRollout(call, RolloutAction::Rollback);
}

HttpResponse ControlApiServer::setRolloutWeight(const Call &call)
{
    auto weight = decodedBody(call.request, JsonCodec::rolloutWeight);
    if (!weight)
        return apiErrorResponse(weight.error());
    return replyWith(m_service.setRolloutWeight(call.svc(), call.rollout(), *weight),
                     [](const RolloutInfo &info) { return JsonCodec::toJson(info); });
}

void ControlApiServer::noteRolloutPhase(const QUuid &endpointId, const QUuid &rolloutId)
{
    const auto info = m_service.rolloutInfo(endpointId.toString(QUuid::WithoutBraces), rolloutId.toString(QUuid::WithoutBraces));
    if (!info)
        return;
    const QString phase = rolloutPhaseName(info->rollout.phase);
    // A rollout first seen counts as entering its phase: a new one starts PROGRESSING.
    const std::pair<QUuid, QString> now{rolloutId, phase};
    if (m_rolloutPhases.value(endpointId) == now)
        return;
    m_rolloutPhases.insert(endpointId, now);
    ++m_rolloutPhaseChanges[phase];
}

QByteArray ControlApiServer::metricsText()
{
    QByteArray out;
    out += "# HELP servedeck_endpoints Endpoints by status.\n# TYPE servedeck_endpoints gauge\n";
    QHash<QString, int> byStatus;
    QList<std::pair<QString, Rollout>> rollouts;  // endpoint name and its rollout in progress
    if (auto list = m_service.listEndpoints()) {
        for (const EndpointInfo &info : *list) {
            ++byStatus[endpointStatusName(info.status)];
            // The list leaves rollouts out; one lookup per endpoint, none found for most.
            if (auto current = m_service.rolloutInfo(info.endpoint.id.toString(QUuid::WithoutBraces), QStringLiteral("current")))
                rollouts.append({info.endpoint.name, current->rollout});
        }
    }
    for (auto it = byStatus.cbegin(); it != byStatus.cend(); ++it)
        out += "servedeck_endpoints{status=\"" + it.key().toLatin1() + "\"} " + QByteArray::number(it.value()) + '\n';
    out += "# HELP servedeck_rollout_in_progress Rollouts in progress, by endpoint, strategy and phase.\n"
           "# TYPE servedeck_rollout_in_progress gauge\n";
    for (const auto &[name, o] : std::as_const(rollouts))
        out += "servedeck_rollout_in_progress{endpoint=\"" + labelValue(name) + "\",strategy=\""
            + rolloutStrategyName(o.strategy).toLatin1() + "\",phase=\"" + rolloutPhaseName(o.phase).toLatin1() + "\"} 1\n";
    out += "# HELP servedeck_rollout_weight The new revision's share of traffic (percent) in a rollout in progress.\n"
           "# TYPE servedeck_rollout_weight gauge\n";
    for (const auto &[name, o] : std::as_const(rollouts))
        out += "servedeck_rollout_weight{endpoint=\"" + labelValue(name) + "\"} " + QByteArray::number(o.weight) + '\n';
    out += "# HELP servedeck_rollout_step The step (from 0) of a rollout in progress.\n"
           "# TYPE servedeck_rollout_step gauge\n";
    for (const auto &[name, o] : std::as_const(rollouts))
        out += "servedeck_rollout_step{endpoint=\"" + labelValue(name) + "\"} " + QByteArray::number(o.stepIndex) + '\n';
    out += "# HELP servedeck_rollout_phase_changes_total Rollout phase changes since start, by the phase entered.\n"
           "# TYPE servedeck_rollout_phase_changes_total counter\n";
    for (auto it = m_rolloutPhaseChanges.cbegin(); it != m_rolloutPhaseChanges.cend(); ++it)
        out += "servedeck_rollout_phase_changes_total{phase=\"" + it.key().toLatin1() + "\"} " + QByteArray::number(it.value())
            + '\n';
    out += "# HELP servedeck_api_responses_total Control API responses by status code.\n"
           "# TYPE servedeck_api_responses_total counter\n";
    for (auto it = m_responsesByStatus.cbegin(); it != m_responsesByStatus.cend(); ++it)
        out += "servedeck_api_responses_total{code=\"" + QByteArray::number(it.key()) + "\"} " + QByteArray::number(it.value()) + '\n';
    return out;
}

} // namespace ServeDeck
