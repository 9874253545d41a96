#include "controlapiserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

#include <openssl/crypto.h>

#include "api/jsoncodec.h"
#include "http/httpserver.h"
#include "service/modelservingservice.h"

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
    case ErrorType::ResourceLimitExceeded:
        return 409;
    case ErrorType::PayloadTooLarge:
        return 413;
    case ErrorType::ModelFileNotFound:
    case ErrorType::InvalidModelDefinition:
        return 422;
    case ErrorType::InsufficientResources:
        return 507;
    case ErrorType::StorageError:
        return 500;
    case ErrorType::NoHealthyRoute:
    case ErrorType::CircuitOpen:
        return 503;
    }
    return 500;
}

namespace {

HttpResponse fail(const ServiceError &error)
{
    return HttpResponse::json(httpStatusFor(error.type), QJsonDocument(JsonCodec::toJson(error)));
}

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
        return fail(result.error());
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

Result<int> intParam(const QUrlQuery &query, const QString &name, int fallback)
{
    if (!query.hasQueryItem(name))
        return fallback;
    bool ok = false;
    const int v = query.queryItemValue(name).toInt(&ok);
    if (!ok)
        return makeError(ErrorType::InvalidArgument, QStringLiteral("%1: expected an integer").arg(name),
                         {{QStringLiteral("field"), name}});
    return v;
}

QUuid uuidParam(const QByteArray &text)
{
    return QUuid::fromString(QString::fromUtf8(text));
}

HttpResponse methodNotAllowed(const QByteArray &allowed)
{
    HttpResponse r = fail(ErrorType::InvalidArgument, QStringLiteral("method not allowed here; allowed: ") +
                                                          QString::fromLatin1(allowed), 405);
    r.headers.append({QByteArrayLiteral("Allow"), allowed});
    return r;
}

} // namespace

ControlApiServer::ControlApiServer(ModelServingService &service, QByteArray adminToken, QObject *parent)
    : QObject(parent)
    , m_service(service)
    , m_adminToken(std::move(adminToken))
    , m_http(new HttpServer([this](const HttpRequest &request) { return handle(request); }, this))
{
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

HttpResponse ControlApiServer::handle(const HttpRequest &request)
{
    QList<QByteArray> parts = request.path.split('/');
    parts.removeAll(QByteArray());
    HttpResponse response;
    const bool open = (parts == QList<QByteArray>{"v1", "health"}) || (parts == QList<QByteArray>{"metrics"});
    const QByteArray auth = request.header("Authorization");
    // The scheme name is case-insensitive (RFC 9110 11.1).
    const QByteArray presented = auth.size() > 7 && auth.first(7).toLower() == "bearer " ? auth.mid(7).trimmed() : QByteArray();
    if (!open && auth.isEmpty()) {
        response = fail(ErrorType::Unauthorized, QStringLiteral("this API needs the admin token: Authorization: Bearer <token>"));
    } else if (!open && (presented.size() != m_adminToken.size()
                         || CRYPTO_memcmp(presented.constData(), m_adminToken.constData(), size_t(m_adminToken.size())) != 0)) {
        response = fail(ErrorType::Unauthorized, QStringLiteral("the admin token is not valid"));
    } else {
        response = route(request, parts);
    }
    ++m_responsesByStatus[response.status];
    return response;
}

HttpResponse ControlApiServer::route(const HttpRequest &request, const QList<QByteArray> &parts)
{
    const QByteArray &method = request.method;
    const bool openRoute = parts == QList<QByteArray>{"metrics"} || parts == QList<QByteArray>{"v1", "health"};
    if (openRoute && method != "GET" && method != "HEAD")
        return methodNotAllowed("GET, HEAD");
    if (parts == QList<QByteArray>{"metrics"})
        return HttpResponse::text(200, metricsText(), "text/plain; version=0.0.4; charset=utf-8");
    if (parts.size() < 2 || parts[0] != "v1")
        return fail(ErrorType::NotFound, QStringLiteral("no such API route: ") + QString::fromUtf8(request.path));

    if (parts.size() == 2 && parts[1] == "health") {
        return reply({{QStringLiteral("status"), QStringLiteral("ok")},
                      {QStringLiteral("version"), QStringLiteral(SERVEDECK_VERSION)}});
    }
    if (parts.size() == 2 && parts[1] == "agents") {
        if (method != "GET")
            return methodNotAllowed("GET");
        if (m_agentsReport)
            return reply({{QStringLiteral("agents"), m_agentsReport()}});
        // Without an agent, capacity is the locally configured one.
        const QJsonObject local{{QStringLiteral("agent_id"), QStringLiteral("local")},
                                {QStringLiteral("kind"), QStringLiteral("configured")},
                                {QStringLiteral("capacity"), m_service.config().capacity.total.toJson()},
                                {QStringLiteral("allocated"), m_service.allocated().toJson()}};
        return reply({{QStringLiteral("agents"), QJsonArray{local}}});
    }
    if (parts.size() == 2 && parts[1] == "errors") {
        if (method != "GET")
            return methodNotAllowed("GET");
        const QUrlQuery &q = request.query;
        auto limit = intParam(q, QStringLiteral("limit"), 50);
        if (!limit)
            return fail(limit.error());
        return replyWith(m_service.listErrors({}, *limit, q.queryItemValue(QStringLiteral("type"))),
                         [](const auto &list) { return QJsonObject{{QStringLiteral("errors"), arrayOf(list)}}; });
    }
    if (parts[1] != "services")
        return fail(ErrorType::NotFound, QStringLiteral("no such API route: ") + QString::fromUtf8(request.path));

    if (parts.size() == 2) {
        if (method == "GET")
            return replyWith(m_service.listEndpoints(),
                             [](const auto &list) { return QJsonObject{{QStringLiteral("services"), arrayOf(list)}}; });
        if (method != "POST")
            return methodNotAllowed("GET, POST");
        auto body = jsonBody(request);
        if (!body)
            return fail(body.error());
        auto create = JsonCodec::createRequest(*body);
        if (!create)
            return fail(create.error());
        auto created = m_service.createEndpoint(*create);
        if (!created)
            return fail(created.error());
        return replyWith(m_service.endpointInfo(created->id.toString(QUuid::WithoutBraces)),
                         [](const EndpointInfo &info) { return JsonCodec::toJson(info); }, 201);
    }
    if (parts.size() == 3 && parts[2] == "dry-run") {
        if (method != "POST")
            return methodNotAllowed("POST");
        auto body = jsonBody(request);
        if (!body)
            return fail(body.error());
        auto create = JsonCodec::createRequest(*body);
        if (!create)
            return fail(create.error());
        return reply(JsonCodec::toJson(m_service.dryRun(*create)));
    }

    const QString svc = QString::fromUtf8(parts[2]);
    if (parts.size() == 3) {
        if (method == "GET") {
            auto metrics = flag(request.query, QStringLiteral("include_metrics"));
            if (!metrics)
                return fail(metrics.error());
            return replyWith(m_service.endpointInfo(svc, *metrics), [](const EndpointInfo &i) { return JsonCodec::toJson(i); });
        }
        if (method == "DELETE")
            return replyWith(m_service.deleteEndpoint(svc), [](const Endpoint &e) { return JsonCodec::toJson(e); });
        if (method == "PATCH") {
            auto body = jsonBody(request);
            if (!body)
                return fail(body.error());
            auto modify = JsonCodec::modifyRequest(*body);
            if (!modify)
                return fail(modify.error());
            return replyWith(m_service.modifyEndpoint(svc, *modify), [](const EndpointInfo &i) { return JsonCodec::toJson(i); });
        }
        return methodNotAllowed("GET, PATCH, DELETE");
    }

    const QByteArray &sub = parts[3];
    if (sub == "scale" && parts.size() == 4) {
        if (method != "POST")
            return methodNotAllowed("POST");
        auto body = jsonBody(request);
        if (!body)
            return fail(body.error());
        auto replicas = JsonCodec::scaleRequest(*body);
        if (!replicas)
            return fail(replicas.error());
        return replyWith(m_service.scaleReplicas(svc, *replicas), [](const ScaleResult &r) { return JsonCodec::toJson(r); });
    }
    if (sub == "sync" && parts.size() == 4) {
        if (method != "POST")
            return methodNotAllowed("POST");
        return replyWith(m_service.forceSync(svc), [](const QList<Route> &routes) {
            return QJsonObject{{QStringLiteral("synced"), true}, {QStringLiteral("routes"), JsonCodec::routesToJson(routes)}};
        });
    }
    if (sub == "routes") {
        if (parts.size() == 4) {
            if (method == "GET") {
                auto info = m_service.endpointInfo(svc);
                return replyWith(info, [](const EndpointInfo &i) {
                    return QJsonObject{{QStringLiteral("routes"), JsonCodec::routesToJson(i.routes)}};
                });
            }
            if (method != "PUT")
                return methodNotAllowed("GET, PUT");
            auto body = jsonBody(request);
            if (!body)
                return fail(body.error());
            auto weights = JsonCodec::routeWeights(*body);
            if (!weights)
                return fail(weights.error());
            return replyWith(m_service.updateRoutes(svc, *weights), [](const QList<Route> &routes) {
                return QJsonObject{{QStringLiteral("routes"), JsonCodec::routesToJson(routes)}};
            });
        }
        if (parts.size() == 5) {
            if (method != "DELETE")
                return methodNotAllowed("DELETE");
            const QUuid routeId = uuidParam(parts[4]);
            if (routeId.isNull())
                return fail(ErrorType::InvalidArgument, QStringLiteral("'%1' is not a route id").arg(QString::fromUtf8(parts[4])));
            return replyWith(m_service.deleteRoute(svc, routeId), [](const Route &r) { return JsonCodec::toJson(r); });
        }
    }
    if (sub == "revisions") {
        if (parts.size() == 4) {
            if (method != "GET")
                return methodNotAllowed("GET");
            return replyWith(m_service.endpointInfo(svc), [](const EndpointInfo &info) {
                return QJsonObject{{QStringLiteral("revisions"), JsonCodec::revisionsToJson(info.revisions, info.routes)}};
            });
        }
        if (parts.size() == 5) {
            const QString revision = QString::fromUtf8(QByteArray::fromPercentEncoding(parts[4]));
            Result<Revision> found = makeError(ErrorType::InvalidArgument, QString());
            if (method == "GET") {
                found = m_service.revision(svc, revision);
            } else if (method == "PATCH") {
                auto body = jsonBody(request);
                if (!body)
                    return fail(body.error());
                auto changes = JsonCodec::revisionChanges(*body);
                if (!changes)
                    return fail(changes.error());
                found = m_service.modifyRevision(svc, revision, *changes);
            } else {
                return methodNotAllowed("GET, PATCH");
            }
            if (!found)
                return fail(found.error());
            return replyWith(m_service.endpointInfo(svc), [&found](const EndpointInfo &info) {
                return JsonCodec::toJson(*found, info.routes);
            });
        }
    }
    if (sub == "autoscaling-rules") {
        if (parts.size() == 4) {
            if (method == "GET")
                return replyWith(m_service.autoScalingRules(svc), [](const auto &rules) {
                    return QJsonObject{{QStringLiteral("autoscaling_rules"), arrayOf(rules)}};
                });
            if (method != "POST")
                return methodNotAllowed("GET, POST");
            auto body = jsonBody(request);
            if (!body)
                return fail(body.error());
            auto rule = JsonCodec::ruleRequest(*body);
            if (!rule)
                return fail(rule.error());
            return replyWith(m_service.createAutoScalingRule(svc, *rule),
                             [](const AutoScalingRule &r) { return JsonCodec::toJson(r); }, 201);
        }
        if (parts.size() == 5) {
            const QUuid ruleId = uuidParam(parts[4]);
            if (ruleId.isNull())
                return fail(ErrorType::InvalidArgument, QStringLiteral("'%1' is not a rule id").arg(QString::fromUtf8(parts[4])));
            if (method == "DELETE")
                return replyWith(m_service.deleteAutoScalingRule(svc, ruleId),
                                 [](const AutoScalingRule &r) { return JsonCodec::toJson(r); });
            if (method != "PATCH")
                return methodNotAllowed("PATCH, DELETE");
            auto body = jsonBody(request);
            if (!body)
                return fail(body.error());
            auto changes = JsonCodec::ruleChanges(*body);
            if (!changes)
                return fail(changes.error());
            return replyWith(m_service.modifyAutoScalingRule(svc, ruleId, *changes),
                             [](const AutoScalingRule &r) { return JsonCodec::toJson(r); });
        }
    }
    if (sub == "tokens") {
        if (parts.size() == 4) {
            if (method == "GET")
                return replyWith(m_service.listTokens(svc),
                                 [](const auto &list) { return QJsonObject{{QStringLiteral("tokens"), arrayOf(list)}}; });
            if (method != "POST")
                return methodNotAllowed("GET, POST");
            auto body = jsonBody(request);
            if (!body)
                return fail(body.error());
            auto token = JsonCodec::tokenRequest(*body);
            if (!token)
                return fail(token.error());
            return replyWith(m_service.generateToken(svc, *token), [](const GeneratedToken &t) {
                QJsonObject o = JsonCodec::toJson(t.grant);
                o.insert(QStringLiteral("token"), QString::fromLatin1(t.token));
                return o;
            }, 201);
        }
        if (parts.size() == 5) {
            if (method != "DELETE")
                return methodNotAllowed("DELETE");
            return replyWith(m_service.revokeToken(svc, QString::fromUtf8(parts[4])),
                             [](const TokenGrant &g) { return JsonCodec::toJson(g); });
        }
    }
    if (sub == "scale-events" && parts.size() == 4) {
        if (method != "GET")
            return methodNotAllowed("GET");
        auto limit = intParam(request.query, QStringLiteral("limit"), 100);
        if (!limit)
            return fail(limit.error());
        return replyWith(m_service.scaleEvents(svc, *limit), [](const QList<ScaleEvent> &events) {
            QJsonArray list;
            int up = 0, down = 0;
            for (const ScaleEvent &e : events) {
                list.append(JsonCodec::toJson(e));
                (e.after > e.before ? up : down) += 1;
            }
            return QJsonObject{{QStringLiteral("events"), list}, {QStringLiteral("up"), up}, {QStringLiteral("down"), down}};
        });
    }
    if (sub == "autoscaling" && parts.size() == 4) {
        if (method == "GET")
            return replyWith(m_service.autoscaleSettings(svc), [](const AutoscaleSettings &s) { return JsonCodec::toJson(s); });
        if (method != "PUT" && method != "PATCH")
            return methodNotAllowed("GET, PUT, PATCH");
        auto body = jsonBody(request);
        if (!body)
            return fail(body.error());
        auto change = JsonCodec::autoscaleSettingsRequest(*body);
        if (!change)
            return fail(change.error());
        return replyWith(m_service.setAutoscaleSettings(svc, change->schedule, change->idleTimeoutSeconds),
                         [](const AutoscaleSettings &s) { return JsonCodec::toJson(s); });
    }
    if (sub == "metrics" && parts.size() == 4) {
        if (method != "POST")
            return methodNotAllowed("POST");
        auto body = jsonBody(request);
        if (!body)
            return fail(body.error());
        auto pushed = JsonCodec::pushedMetric(*body);
        if (!pushed)
            return fail(pushed.error());
        return replyWith(m_service.pushMetric(svc, pushed->name, pushed->value),
                         [&](const Done &) { return QJsonObject{{QStringLiteral("accepted"), true}}; }, 202);
    }
    if (sub == "errors" && parts.size() == 4) {
        if (method == "DELETE")
            return replyWith(m_service.clearErrors(svc), [](int n) { return QJsonObject{{QStringLiteral("cleared"), n}}; });
        if (method != "GET")
            return methodNotAllowed("GET, DELETE");
        const QUrlQuery &q = request.query;
        auto limit = intParam(q, QStringLiteral("limit"), 50);
        if (!limit)
            return fail(limit.error());
        const QString type = q.hasQueryItem(QStringLiteral("error_type")) ? q.queryItemValue(QStringLiteral("error_type"))
                                                                          : q.queryItemValue(QStringLiteral("type"));
        return replyWith(m_service.listErrors(svc, *limit, type),
                         [](const auto &list) { return QJsonObject{{QStringLiteral("errors"), arrayOf(list)}}; });
    }
    return fail(ErrorType::NotFound, QStringLiteral("no such API route: ") + QString::fromUtf8(request.path));
}

QByteArray ControlApiServer::metricsText()
{
    QByteArray out;
    out += "# HELP servedeck_endpoints Endpoints by status.\n# TYPE servedeck_endpoints gauge\n";
    QHash<QString, int> byStatus;
    if (auto list = m_service.listEndpoints()) {
        for (const EndpointInfo &info : *list)
            ++byStatus[endpointStatusName(info.status)];
    }
    for (auto it = byStatus.cbegin(); it != byStatus.cend(); ++it)
        out += "servedeck_endpoints{status=\"" + it.key().toLatin1() + "\"} " + QByteArray::number(it.value()) + '\n';
    out += "# HELP servedeck_api_responses_total Control API responses by status code.\n"
           "# TYPE servedeck_api_responses_total counter\n";
    for (auto it = m_responsesByStatus.cbegin(); it != m_responsesByStatus.cend(); ++it)
        out += "servedeck_api_responses_total{code=\"" + QByteArray::number(it.key()) + "\"} " + QByteArray::number(it.value()) + '\n';
    return out;
}

} // namespace ServeDeck
