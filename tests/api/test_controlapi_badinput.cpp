#include <memory>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTest>
#include <QUuid>

#include "apitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

// Over HttpServer's 1 MiB body limit by a margin that no framing overhead can hide.
constexpr qsizetype kOversizedBody = 1024 * 1024 + 4096;

// Placeholders in paths and bodies, filled in from the fixture of each run.
const QByteArray kSvc = QByteArrayLiteral("{svc}");
const QByteArray kRule = QByteArrayLiteral("{rule}");
const QByteArray kRoute = QByteArrayLiteral("{route}");
const QByteArray kToken = QByteArrayLiteral("{token}");
const QByteArray kUnknownId = QByteArrayLiteral("{unknown-id}");
// A second endpoint with a canary rollout in progress, and that rollout.
const QByteArray kRolling = QByteArrayLiteral("{rolling}");
const QByteArray kRollout = QByteArrayLiteral("{rollout}");
// A body marker: replaced by a valid create request padded beyond the body limit.
const QByteArray kOversizedCreate = QByteArrayLiteral("<oversized create>");
const QByteArray kOversizedScale = QByteArrayLiteral("<oversized scale>");

enum class Auth { Admin, None, WrongToken, WrongSameLength, EmptyBearer, BasicScheme };

QByteArray validCreate(const QByteArray &name)
{
    return QByteArrayLiteral(R"({"name":")") + name
        + QByteArrayLiteral(R"(","model_version":"v1","model_folder":"iris-v1","replicas":1)");
}

} // namespace

Q_DECLARE_METATYPE(Auth)

// Requests that must be refused whole: the right status, a typed JSON error, and no trace in the store.
class TestControlApiBadInput final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void refusesWithoutSideEffects_data();
    void refusesWithoutSideEffects();
    void refusalsAreCounted();
    void tokenIsCheckedBeforeContinue_data();
    void tokenIsCheckedBeforeContinue();

private:
    QByteArray restSnapshot();
    QByteArray fill(QByteArray text) const;

    std::unique_ptr<ApiTest::Plane> m_env;
    QString m_svc;
    QString m_rule;
    QString m_route;
    QString m_token;
    QString m_unknownId;
    QString m_rolling;
    QString m_rollout;
};

void TestControlApiBadInput::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

// A populated endpoint, so that a refused request has something it could have damaged.
void TestControlApiBadInput::init()
{
    m_env = std::make_unique<ApiTest::Plane>();
    const auto started = m_env->start();
    QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().message));

    ApiResponse r = m_env->api().send("POST", u"/v1/services"_s,
        QByteArrayLiteral(R"({"name":"steady","model_version":"v1","model_folder":"iris-v1",)"
                          R"("resource_slots":{"cpu":"1","memory":"1G"},"replicas":2})"));
    QCOMPARE(r.status, 201);
    m_svc = r.body.object()[u"id"_s].toString();

    auto endpoint = m_env->repository().endpointById(QUuid::fromString(m_svc));
    QVERIFY(endpoint && endpoint->has_value());
    const Route a = ApiTest::healthyRoute(**endpoint, 70, u"replica-a"_s);
    const Route b = ApiTest::healthyRoute(**endpoint, 30, u"replica-b"_s);
    QVERIFY(m_env->repository().insertRoute(a).ok());
    QVERIFY(m_env->repository().insertRoute(b).ok());
    m_route = a.id.toString(QUuid::WithoutBraces);

    r = m_env->api().send("POST", u"/v1/services/%1/autoscaling-rules"_s.arg(m_svc),
        QByteArrayLiteral(R"({"metric":"cpu_utilization","threshold":70,"min_replicas":2,"max_replicas":10})"));
    QCOMPARE(r.status, 201);
    m_rule = r.body.object()[u"rule_id"_s].toString();

    r = m_env->api().send(
        "POST", u"/v1/services/%1/tokens"_s.arg(m_svc), QByteArrayLiteral(R"({"scope":"inference"})"));
    QCOMPARE(r.status, 201);
    m_token = r.body.object()[u"token_id"_s].toString();

    ErrorRecord error;
    error.endpointId = QUuid::fromString(m_svc);
    error.type = u"OOMKilled"_s;
    error.message = u"killed"_s;
    QVERIFY(m_env->service().recordError(error).ok());

    m_unknownId = QUuid::createUuid().toString(QUuid::WithoutBraces);

    r = m_env->api().send("POST", u"/v1/services"_s,
        QByteArrayLiteral(R"({"name":"rolling","model_version":"v1","model_folder":"iris-v1",)"
                          R"("resource_slots":{"cpu":"1","memory":"1G"},"replicas":1})"));
    QCOMPARE(r.status, 201);
    m_rolling = r.body.object()[u"id"_s].toString();
    r = m_env->api().send("POST", u"/v1/services/%1/rollouts"_s.arg(m_rolling),
        QByteArrayLiteral(R"({"strategy":"canary","model_version":"v2","model_folder":"iris-v2","weight":20})"));
    QCOMPARE(r.status, 201);
    m_rollout = r.body.object()[u"rollout_id"_s].toString();
}

void TestControlApiBadInput::cleanup()
{
    m_env.reset();
}

QByteArray TestControlApiBadInput::fill(QByteArray text) const
{
    return text.replace(kSvc, m_svc.toLatin1())
        .replace(kRule, m_rule.toLatin1())
        .replace(kRoute, m_route.toLatin1())
        .replace(kToken, m_token.toLatin1())
        .replace(kUnknownId, m_unknownId.toLatin1())
        .replace(kRolling, m_rolling.toLatin1())
        .replace(kRollout, m_rollout.toLatin1());
}

// What the API itself shows of the store.
QByteArray TestControlApiBadInput::restSnapshot()
{
    QByteArray out;
    for (const QString &path :
        { u"/v1/services"_s, u"/v1/services/%1"_s.arg(m_svc), u"/v1/services/%1/autoscaling-rules"_s.arg(m_svc),
            u"/v1/services/%1/routes"_s.arg(m_svc), u"/v1/services/%1/tokens"_s.arg(m_svc),
            u"/v1/services/%1/errors?limit=1000"_s.arg(m_svc), u"/v1/errors?limit=1000"_s, u"/v1/agents"_s,
            u"/v1/services/%1/revisions"_s.arg(m_svc), u"/v1/services/%1/rollouts?limit=1000"_s.arg(m_svc),
            u"/v1/services/%1"_s.arg(m_rolling), u"/v1/services/%1/revisions"_s.arg(m_rolling),
            u"/v1/services/%1/rollouts?limit=1000"_s.arg(m_rolling), u"/v1/settings/retention"_s }) {
        const ApiResponse r = m_env->api().get(path);
        out += path.toUtf8() + ' ' + QByteArray::number(r.status) + ' ' + r.body.toJson(QJsonDocument::Compact) + '\n';
    }
    return out;
}

void TestControlApiBadInput::refusesWithoutSideEffects_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<Auth>("auth");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("field"); // details.field when the refusal names one

    const auto row = [](const char *name, const QByteArray &method, const QByteArray &path, const QByteArray &body,
                         int status, const QString &type, const QString &field = QString(), Auth auth = Auth::Admin) {
        QTest::newRow(name) << method << path << body << auth << status << type << field;
    };
    const QString bad = u"InvalidArgument"_s;
    const QString notFound = u"NotFound"_s;
    const QString unauthorized = u"Unauthorized"_s;

    // Malformed JSON
    row("malformed: create cut short", "POST", "/v1/services", R"({"name":"x",)", 400, bad);
    row("malformed: trailing garbage", "POST", "/v1/services", validCreate("garbage") + "} and more", 400, bad);
    row("malformed: unquoted key", "POST", "/v1/services/{svc}/scale", "{replicas: 3}", 400, bad);
    row("malformed: rule patch", "PATCH", "/v1/services/{svc}/autoscaling-rules/{rule}", R"({"threshold":})", 400, bad);
    row("malformed: routes", "PUT", "/v1/services/{svc}/routes", R"({"routes":[)", 400, bad);
    row("malformed: single quotes", "POST", "/v1/services/{svc}/tokens", "{'scope':'admin'}", 400, bad);
    row("malformed: empty create body", "POST", "/v1/services", "", 400, bad);
    row("malformed: empty scale body", "POST", "/v1/services/{svc}/scale", "", 400, bad);
    row("malformed: invalid UTF-8", "POST", "/v1/services",
        QByteArrayLiteral("{\"name\":\"caf\xc3\x28\",\"model_version\":\"v1\",\"model_folder\":\"iris-v1\"}"), 400,
        bad);
    // JSON, but not an object
    row("not an object: array create", "POST", "/v1/services", "[" + validCreate("in-array") + "}]", 400, bad);
    row("not an object: array dry-run", "POST", "/v1/services/dry-run", "[]", 400, bad);
    row("not an object: array scale", "POST", "/v1/services/{svc}/scale", "[3]", 400, bad);
    row("not an object: array rule", "POST", "/v1/services/{svc}/autoscaling-rules",
        R"([{"metric":"memory_utilization","threshold":80}])", 400, bad);
    row("not an object: string token", "POST", "/v1/services/{svc}/tokens", R"("inference")", 400, bad);
    row("not an object: number scale", "POST", "/v1/services/{svc}/scale", "5", 400, bad);
    row("not an object: null modify", "PATCH", "/v1/services/{svc}", "null", 400, bad);
    // Unknown fields: a typo must not pass silently
    row("unknown field: create replicaz", "POST", "/v1/services", validCreate("typo-model") + R"(,"replicaz":3})", 400,
        bad, u"replicaz"_s);
    row("unknown field: dry-run", "POST", "/v1/services/dry-run", validCreate("typo-model") + R"(,"dryrun":true})", 400,
        bad, u"dryrun"_s);
    row("unknown field: scale", "POST", "/v1/services/{svc}/scale", R"({"replicas":3,"force":true})", 400, bad,
        u"force"_s);
    row("unknown field: modify", "PATCH", "/v1/services/{svc}", R"({"replicaz":3})", 400, bad, u"replicaz"_s);
    // Contention for capacity: bounded, typed
    row("queue: priority above the bound, create", "POST", "/v1/services", validCreate("prio") + R"(,"priority":1001})",
        400, bad, u"priority"_s);
    row("queue: priority below the bound, modify", "PATCH", "/v1/services/{svc}", R"({"priority":-1001})", 400, bad,
        u"priority"_s);
    row("queue: priority not an integer, modify", "PATCH", "/v1/services/{svc}", R"({"priority":"high"})", 400, bad,
        u"priority"_s);
    row("queue: queue_when_full not a boolean, modify", "PATCH", "/v1/services/{svc}", R"({"queue_when_full":"yes"})",
        400, bad, u"queue_when_full"_s);
    row("queue: allow_preemption not a boolean, create", "POST", "/v1/services",
        validCreate("preempt") + R"(,"allow_preemption":1})", 400, bad, u"allow_preemption"_s);
    row("unknown field: rule", "POST", "/v1/services/{svc}/autoscaling-rules",
        R"({"metric":"memory_utilization","threshold":80,"min_replicas":2,"max_replicas":10,"treshold":81})", 400, bad,
        u"treshold"_s);
    row("unknown field: rule patch", "PATCH", "/v1/services/{svc}/autoscaling-rules/{rule}",
        R"({"threshold":75,"max_replica":12})", 400, bad, u"max_replica"_s);
    row("unknown field: token", "POST", "/v1/services/{svc}/tokens", R"({"scope":"inference","expires":3600})", 400,
        bad, u"expires"_s);
    row("unknown field: route item", "PUT", "/v1/services/{svc}/routes",
        R"({"routes":[{"route_id":"{route}","weight":50,"share":0.5}]})", 400, bad, u"routes[0].share"_s);
    row("unknown slot", "POST", "/v1/services",
        validCreate("slot-model") + R"(,"resource_slots":{"cpu":"1","memory":"1G","tpu":"1"}})", 400, bad,
        u"resource_slots.tpu"_s);
    row("one field named twice", "POST", "/v1/services", validCreate("twice") + R"(,"model_name":"twice"})", 400, bad,
        u"model_name"_s);
    // Mistyped fields
    row("mistyped: replicas \"two\"", "POST", "/v1/services",
        R"({"name":"typed","model_version":"v1","model_folder":"iris-v1","replicas":"two"})", 400, bad, u"replicas"_s);
    row("mistyped: replicas fraction", "POST", "/v1/services",
        R"({"name":"typed","model_version":"v1","model_folder":"iris-v1","replicas":2.5})", 400, bad, u"replicas"_s);
    row("mistyped: replicas negative", "POST", "/v1/services",
        R"({"name":"typed","model_version":"v1","model_folder":"iris-v1","replicas":-1})", 400, bad, u"replicas"_s);
    row("mistyped: public \"yes\"", "POST", "/v1/services", validCreate("typed") + R"(,"public":"yes"})", 400, bad,
        u"public"_s);
    row("mistyped: public 1", "POST", "/v1/services", validCreate("typed") + R"(,"public":1})", 400, bad, u"public"_s);
    row("mistyped: resource_slots string", "POST", "/v1/services",
        validCreate("typed") + R"(,"resource_slots":"cpu=2,memory=4G"})", 400, bad, u"resource_slots"_s);
    row("mistyped: resource_slots array", "POST", "/v1/services",
        validCreate("typed") + R"(,"resource_slots":["2","4G"]})", 400, bad, u"resource_slots"_s);
    row("mistyped: cpu not a number", "POST", "/v1/services",
        validCreate("typed") + R"(,"resource_slots":{"cpu":"lots","memory":"1G"}})", 400, bad, u"resource_slots.cpu"_s);
    row("mistyped: memory not a size", "POST", "/v1/services",
        validCreate("typed") + R"(,"resource_slots":{"cpu":"1","memory":"plenty"}})", 400, bad,
        u"resource_slots.memory"_s);
    row("mistyped: model_version number", "POST", "/v1/services",
        R"({"name":"typed","model_version":1.0,"model_folder":"iris-v1"})", 400, bad, u"model_version"_s);
    // model_version is every answer's X-ServeDeck-Revision: visible ASCII only, on each way in
    row("header-safe: CR LF in model_version, create", "POST", "/v1/services",
        R"({"name":"split","model_version":"v1\r\nSet-Cookie: a=b","model_folder":"iris-v1"})", 400, bad,
        u"model_version"_s);
    row("header-safe: LF in model_version, create", "POST", "/v1/services",
        R"({"name":"split","model_version":"v1\nX: y","model_folder":"iris-v1"})", 400, bad, u"model_version"_s);
    row("header-safe: space in model_version, create", "POST", "/v1/services",
        R"({"name":"split","model_version":"v 1","model_folder":"iris-v1"})", 400, bad, u"model_version"_s);
    row("header-safe: NUL in model_version, create", "POST", "/v1/services",
        R"({"name":"split","model_version":"v1\u0000","model_folder":"iris-v1"})", 400, bad, u"model_version"_s);
    row("header-safe: DEL in model_version, create", "POST", "/v1/services",
        R"({"name":"split","model_version":"v1\u007f","model_folder":"iris-v1"})", 400, bad, u"model_version"_s);
    row("header-safe: non-ASCII model_version, create", "POST", "/v1/services",
        R"({"name":"split","model_version":"v\u00e9","model_folder":"iris-v1"})", 400, bad, u"model_version"_s);
    row("header-safe: CR LF in model_version, modify", "PATCH", "/v1/services/{svc}",
        R"({"model_version":"v2\r\nSet-Cookie: a=b","model_folder":"iris-v2"})", 400, bad, u"model_version"_s);
    row("header-safe: CR LF in model_version, modify with a name", "PATCH", "/v1/services/{svc}",
        R"({"name":"renamed","model_version":"v2\r\n"})", 400, bad, u"model_version"_s);
    row("header-safe: CR LF in model_version, rollout", "POST", "/v1/services/{svc}/rollouts",
        R"({"model_version":"v2\r\nSet-Cookie: a=b","model_folder":"iris-v2"})", 400, bad, u"model_version"_s);
    row("header-safe: tab in model_version, rollout", "POST", "/v1/services/{svc}/rollouts",
        R"({"model_version":"v2\tx","model_folder":"iris-v2"})", 400, bad, u"model_version"_s);
    row("mistyped: scale replicas string", "POST", "/v1/services/{svc}/scale", R"({"replicas":"5"})", 400, bad,
        u"replicas"_s);
    row("mistyped: scale replicas bool", "POST", "/v1/services/{svc}/scale", R"({"replicas":true})", 400, bad,
        u"replicas"_s);
    row("mistyped: modify public", "PATCH", "/v1/services/{svc}", R"({"public":"no"})", 400, bad, u"public"_s);
    row("mistyped: modify replicas", "PATCH", "/v1/services/{svc}", R"({"replicas":"3"})", 400, bad, u"replicas"_s);
    row("mistyped: rule threshold", "POST", "/v1/services/{svc}/autoscaling-rules",
        R"({"metric":"memory_utilization","threshold":"80","min_replicas":2,"max_replicas":10})", 400, bad,
        u"threshold"_s);
    row("mistyped: rule min_replicas", "PATCH", "/v1/services/{svc}/autoscaling-rules/{rule}",
        R"({"min_replicas":"2"})", 400, bad, u"min_replicas"_s);
    row("mistyped: rule metric_source", "PATCH", "/v1/services/{svc}/autoscaling-rules/{rule}",
        R"({"metric_source":"telepathy"})", 400, bad, u"metric_source"_s);
    row("mistyped: token expiry", "POST", "/v1/services/{svc}/tokens", R"({"expiry":"1d"})", 400, bad, u"expiry"_s);
    row("mistyped: token allowed_ips", "POST", "/v1/services/{svc}/tokens", R"({"allowed_ips":[1921681]})", 400, bad,
        u"allowed_ips"_s);
    row("mistyped: routes object", "PUT", "/v1/services/{svc}/routes", R"({"routes":{"{route}":50}})", 400, bad,
        u"routes"_s);
    // Missing required fields
    row("missing: name", "POST", "/v1/services", R"({"model_version":"v1","model_folder":"iris-v1"})", 400, bad,
        u"name"_s);
    row("missing: name is null", "POST", "/v1/services",
        R"({"name":null,"model_version":"v1","model_folder":"iris-v1"})", 400, bad, u"name"_s);
    row("missing: model_version", "POST", "/v1/services", R"({"name":"partial","model_folder":"iris-v1"})", 400, bad,
        u"model_version"_s);
    row("missing: model_folder", "POST", "/v1/services", R"({"name":"partial","model_version":"v1"})", 400, bad,
        u"model_folder"_s);
    row("missing: everything", "POST", "/v1/services", "{}", 400, bad, u"name"_s);
    row("missing: scale replicas", "POST", "/v1/services/{svc}/scale", "{}", 400, bad, u"replicas"_s);
    row("missing: rule metric", "POST", "/v1/services/{svc}/autoscaling-rules", R"({"threshold":80})", 400, bad,
        u"metric"_s);
    row("missing: rule threshold", "POST", "/v1/services/{svc}/autoscaling-rules", R"({"metric":"memory_utilization"})",
        400, bad, u"threshold"_s);
    row("missing: routes", "PUT", "/v1/services/{svc}/routes", "{}", 400, bad, u"routes"_s);
    row("missing: route weight", "PUT", "/v1/services/{svc}/routes", R"({"routes":[{"route_id":"{route}"}]})", 400, bad,
        u"routes[0].weight"_s);
    row("missing: anything to modify", "PATCH", "/v1/services/{svc}", "{}", 400, bad);
    row("missing: anything to change in a rule", "PATCH", "/v1/services/{svc}/autoscaling-rules/{rule}", "{}", 400,
        bad);
    // Circuit breaker: typed, in range, no unknown fields
    row("breaker: not an object", "POST", "/v1/services", validCreate("cb") + R"(,"circuit_breaker":5})", 400, bad,
        u"circuit_breaker"_s);
    row("breaker: max_connections 0", "POST", "/v1/services",
        validCreate("cb") + R"(,"circuit_breaker":{"max_connections":0}})", 400, bad,
        u"circuit_breaker.max_connections"_s);
    row("breaker: max_ejection_percent 101", "POST", "/v1/services",
        validCreate("cb") + R"(,"circuit_breaker":{"max_ejection_percent":101}})", 400, bad,
        u"circuit_breaker.max_ejection_percent"_s);
    row("breaker: base_ejection_seconds 0", "POST", "/v1/services",
        validCreate("cb") + R"(,"circuit_breaker":{"base_ejection_seconds":0}})", 400, bad,
        u"circuit_breaker.base_ejection_seconds"_s);
    row("breaker: base_ejection_seconds string", "POST", "/v1/services",
        validCreate("cb") + R"(,"circuit_breaker":{"base_ejection_seconds":"30s"}})", 400, bad,
        u"circuit_breaker.base_ejection_seconds"_s);
    row("breaker: consecutive_errors fraction", "POST", "/v1/services",
        validCreate("cb") + R"(,"circuit_breaker":{"consecutive_errors":2.5}})", 400, bad,
        u"circuit_breaker.consecutive_errors"_s);
    row("breaker: unknown field", "POST", "/v1/services",
        validCreate("cb") + R"(,"circuit_breaker":{"max_conections":10}})", 400, bad,
        u"circuit_breaker.max_conections"_s);
    row("breaker: dry-run negative pending", "POST", "/v1/services/dry-run",
        validCreate("cb") + R"(,"circuit_breaker":{"max_pending_requests":-1}})", 400, bad,
        u"circuit_breaker.max_pending_requests"_s);
    row("breaker: modify negative pending", "PATCH", "/v1/services/{svc}",
        R"({"circuit_breaker":{"max_pending_requests":-1}})", 400, bad, u"circuit_breaker.max_pending_requests"_s);
    row("breaker: modify array", "PATCH", "/v1/services/{svc}", R"({"circuit_breaker":[100]})", 400, bad,
        u"circuit_breaker"_s);
    row("breaker: modify huge", "PATCH", "/v1/services/{svc}",
        R"({"circuit_breaker":{"max_requests_per_connection":1e12}})", 400, bad,
        u"circuit_breaker.max_requests_per_connection"_s);
    row("breaker: modify bool", "PATCH", "/v1/services/{svc}", R"({"circuit_breaker":{"max_connections":true}})",
        400, bad, u"circuit_breaker.max_connections"_s);
    // Revisions: header condition and mode
    row("revision: condition without colon", "PATCH", "/v1/services/{svc}/revisions/v1",
        R"({"match_header":"target mountain"})", 400, bad, u"match_header"_s);
    row("revision: space in header name", "PATCH", "/v1/services/{svc}/revisions/v1",
        R"({"match_header":"tar get: mountain"})", 400, bad, u"match_header"_s);
    row("revision: space before colon", "PATCH", "/v1/services/{svc}/revisions/v1",
        R"({"match_header":"target : mountain"})", 400, bad, u"match_header"_s);
    row("revision: empty header name", "PATCH", "/v1/services/{svc}/revisions/v1", R"({"match_header":": mountain"})",
        400, bad, u"match_header"_s);
    row("revision: empty value", "PATCH", "/v1/services/{svc}/revisions/v1", R"({"match_header":"target:   "})", 400,
        bad, u"match_header"_s);
    row("revision: control character in value", "PATCH", "/v1/services/{svc}/revisions/v1",
        R"({"match_header":"target: moun
tain"})", 400, bad, u"match_header"_s);
    row("revision: hop-by-hop header", "PATCH", "/v1/services/{svc}/revisions/v1",
        R"({"match_header":"Connection: close"})", 400, bad, u"match_header"_s);
    row("revision: condition not a string", "PATCH", "/v1/services/{svc}/revisions/v1",
        R"({"match_header":{"target":"mountain"}})", 400, bad, u"match_header"_s);
    row("revision: unknown mode", "PATCH", "/v1/services/{svc}/revisions/v1", R"({"mode":"mirror"})", 400, bad,
        u"mode"_s);
    row("revision: mode upper-case", "PATCH", "/v1/services/{svc}/revisions/v1", R"({"mode":"SHADOW"})", 400, bad,
        u"mode"_s);
    row("revision: mode not a string", "PATCH", "/v1/services/{svc}/revisions/v1", R"({"mode":1})", 400, bad,
        u"mode"_s);
    row("revision: unknown field", "PATCH", "/v1/services/{svc}/revisions/v1", R"({"weight":5})", 400, bad,
        u"weight"_s);
    row("revision: nothing to change", "PATCH", "/v1/services/{svc}/revisions/v1", "{}", 400, bad);
    row("revision: malformed", "PATCH", "/v1/services/{svc}/revisions/v1", R"({"mode":)", 400, bad);
    row("revision: last serving one to shadow", "PATCH", "/v1/services/{svc}/revisions/v1", R"({"mode":"shadow"})",
        400, bad, u"mode"_s);
    row("revision: unknown version", "PATCH", "/v1/services/{svc}/revisions/v9", R"({"mode":"serve"})", 404, notFound);
    row("revision: unknown id", "PATCH", "/v1/services/{svc}/revisions/{unknown-id}", R"({"mode":"serve"})", 404,
        notFound);
    row("revision: unknown version, GET", "GET", "/v1/services/{svc}/revisions/v9", "", 404, notFound);
    row("revision: unknown endpoint", "PATCH", "/v1/services/no-such-model/revisions/v1", R"({"mode":"serve"})", 404,
        notFound);
    row("revision: unknown endpoint, list", "GET", "/v1/services/no-such-model/revisions", "", 404, notFound);
    row("revision: wrong method on the list", "POST", "/v1/services/{svc}/revisions", R"({"mode":"serve"})", 405, bad);
    row("revision: wrong method on one", "DELETE", "/v1/services/{svc}/revisions/v1", "", 405, bad);
    row("revision: below a revision", "GET", "/v1/services/{svc}/revisions/v1/routes", "", 404, notFound);
    row("revision: no token", "PATCH", "/v1/services/{svc}/revisions/v1", R"({"mode":"serve"})", 401, unauthorized,
        {}, Auth::None);
    // Rollouts: typed, in range, one in progress at a time; {rolling} has a canary in progress
    const QByteArray v2 = R"("model_version":"v2","model_folder":"iris-v2")";
    const auto start = [&v2](const QByteArray &fields) {
        return QByteArray("{" + v2 + (fields.isEmpty() ? QByteArray() : QByteArray("," + fields)) + "}");
    };
    row("rollout: unknown strategy", "POST", "/v1/services/{svc}/rollouts", start(R"("strategy":"linear")"), 400, bad,
        u"strategy"_s);
    row("rollout: strategy upper-case", "POST", "/v1/services/{svc}/rollouts", start(R"("strategy":"CANARY")"), 400,
        bad, u"strategy"_s);
    row("rollout: strategy not a string", "POST", "/v1/services/{svc}/rollouts", start(R"("strategy":2)"), 400, bad,
        u"strategy"_s);
    row("rollout: steps a string", "POST", "/v1/services/{svc}/rollouts",
        start(R"("strategy":"progressive","steps":"5,25,50,100")"), 400, bad, u"steps"_s);
    row("rollout: steps with a string", "POST", "/v1/services/{svc}/rollouts",
        start(R"("strategy":"progressive","steps":[5,"25",100])"), 400, bad, u"steps"_s);
    row("rollout: steps with a fraction", "POST", "/v1/services/{svc}/rollouts",
        start(R"("strategy":"progressive","steps":[5,25.5,100])"), 400, bad, u"steps"_s);
    row("rollout: steps with null", "POST", "/v1/services/{svc}/rollouts",
        start(R"("strategy":"progressive","steps":[5,null,100])"), 400, bad, u"steps"_s);
    row("rollout: steps huge", "POST", "/v1/services/{svc}/rollouts",
        start(R"("strategy":"progressive","steps":[5,1e12])"), 400, bad, u"steps"_s);
    row("rollout: steps not increasing", "POST", "/v1/services/{svc}/rollouts",
        start(R"("strategy":"progressive","steps":[5,50,25,100])"), 400, bad, u"steps"_s);
    row("rollout: step repeated", "POST", "/v1/services/{svc}/rollouts",
        start(R"("strategy":"progressive","steps":[25,25,100])"), 400, bad, u"steps"_s);
    row("rollout: step 0", "POST", "/v1/services/{svc}/rollouts",
        start(R"("strategy":"progressive","steps":[0,50,100])"), 400, bad, u"steps"_s);
    row("rollout: step over 100", "POST", "/v1/services/{svc}/rollouts",
        start(R"("strategy":"progressive","steps":[5,101])"), 400, bad, u"steps"_s);
    row("rollout: no steps", "POST", "/v1/services/{svc}/rollouts", start(R"("strategy":"progressive","steps":[])"),
        400, bad, u"steps"_s);
    row("rollout: progressive without steps", "POST", "/v1/services/{svc}/rollouts", start(R"("strategy":"progressive")"),
        400, bad, u"steps"_s);
    row("rollout: steps on a canary", "POST", "/v1/services/{svc}/rollouts",
        start(R"("strategy":"canary","steps":[5,100])"), 400, bad, u"steps"_s);
    row("rollout: weight 101", "POST", "/v1/services/{svc}/rollouts", start(R"("strategy":"canary","weight":101)"), 400,
        bad, u"weight"_s);
    row("rollout: weight negative", "POST", "/v1/services/{svc}/rollouts", start(R"("strategy":"canary","weight":-5)"),
        400, bad, u"weight"_s);
    row("rollout: weight a string", "POST", "/v1/services/{svc}/rollouts", start(R"("strategy":"canary","weight":"10")"),
        400, bad, u"weight"_s);
    row("rollout: weight a fraction", "POST", "/v1/services/{svc}/rollouts",
        start(R"("strategy":"canary","weight":10.5)"), 400, bad, u"weight"_s);
    row("rollout: interval 0", "POST", "/v1/services/{svc}/rollouts", start(R"("interval_seconds":0)"), 400, bad,
        u"interval_seconds"_s);
    row("rollout: interval a string", "POST", "/v1/services/{svc}/rollouts", start(R"("interval_seconds":"60s")"), 400,
        bad, u"interval_seconds"_s);
    row("rollout: max surge 150", "POST", "/v1/services/{svc}/rollouts", start(R"("max_surge_percent":150)"), 400, bad,
        u"max_surge_percent"_s);
    row("rollout: no surge and none unavailable", "POST", "/v1/services/{svc}/rollouts",
        start(R"("max_surge_percent":0,"max_unavailable":0)"), 400, bad, u"max_surge_percent"_s);
    row("rollout: rollback window negative", "POST", "/v1/services/{svc}/rollouts",
        start(R"("rollback_window_seconds":-1)"), 400, bad, u"rollback_window_seconds"_s);
    row("rollout: deadline 0", "POST", "/v1/services/{svc}/rollouts", start(R"("progress_deadline_seconds":0)"), 400,
        bad, u"progress_deadline_seconds"_s);
    row("rollout: deadline huge", "POST", "/v1/services/{svc}/rollouts", start(R"("progress_deadline_seconds":1e15)"),
        400, bad, u"progress_deadline_seconds"_s);
    row("rollout: analysis not an object", "POST", "/v1/services/{svc}/rollouts", start(R"("analysis":[1])"), 400, bad,
        u"analysis"_s);
    row("rollout: analysis min_requests 0", "POST", "/v1/services/{svc}/rollouts",
        start(R"("analysis":{"min_requests":0})"), 400, bad, u"analysis.min_requests"_s);
    row("rollout: analysis error rate over 1", "POST", "/v1/services/{svc}/rollouts",
        start(R"("analysis":{"max_error_rate_increase":2})"), 400, bad, u"analysis.max_error_rate_increase"_s);
    row("rollout: analysis latency ratio a string", "POST", "/v1/services/{svc}/rollouts",
        start(R"("analysis":{"max_latency_ratio":"1.5"})"), 400, bad, u"analysis.max_latency_ratio"_s);
    row("rollout: analysis threshold fraction", "POST", "/v1/services/{svc}/rollouts",
        start(R"("analysis":{"failure_threshold":1.5})"), 400, bad, u"analysis.failure_threshold"_s);
    row("rollout: analysis unknown field", "POST", "/v1/services/{svc}/rollouts", start(R"("analysis":{"p95":2})"), 400,
        bad, u"analysis.p95"_s);
    row("rollout: unknown field", "POST", "/v1/services/{svc}/rollouts", start(R"("stratgy":"canary")"), 400, bad,
        u"stratgy"_s);
    row("rollout: model_version a number", "POST", "/v1/services/{svc}/rollouts",
        R"({"model_version":2,"model_folder":"iris-v2"})", 400, bad, u"model_version"_s);
    row("rollout: nothing to roll out", "POST", "/v1/services/{svc}/rollouts", R"({"strategy":"canary"})", 400, bad,
        u"model_version"_s);
    row("rollout: to the stable version", "POST", "/v1/services/{svc}/rollouts",
        R"({"model_version":"v1","model_folder":"iris-v1"})", 400, bad, u"model_version"_s);
    row("rollout: unknown revision", "POST", "/v1/services/{svc}/rollouts", R"({"revision":"v9"})", 404, notFound);
    row("rollout: malformed", "POST", "/v1/services/{svc}/rollouts", R"({"strategy":)", 400, bad);
    row("rollout: not an object", "POST", "/v1/services/{svc}/rollouts", "[]", 400, bad);
    row("rollout: one in progress", "POST", "/v1/services/{rolling}/rollouts", R"({"model_version":"v3"})", 409,
        u"RolloutInProgress"_s);
    row("rollout: one in progress, by modify", "PATCH", "/v1/services/{rolling}",
        R"({"model_version":"v3","model_folder":"iris-v2"})", 409, u"RolloutInProgress"_s);
    row("rollout: one in progress, by create", "POST", "/v1/services",
        R"({"name":"rolling","model_version":"v3","model_folder":"iris-v2"})", 409, u"RolloutInProgress"_s);
    row("rollout: unknown endpoint", "POST", "/v1/services/no-such-model/rollouts", start({}), 404, notFound);
    row("rollout: unknown endpoint, list", "GET", "/v1/services/no-such-model/rollouts", "", 404, notFound);
    row("rollout: limit 0", "GET", "/v1/services/{rolling}/rollouts?limit=0", "", 400, bad, u"limit"_s);
    row("rollout: limit not a number", "GET", "/v1/services/{rolling}/rollouts?limit=ten", "", 400, bad, u"limit"_s);
    // ?limit= on every list that takes one: never "every row" (SQLite's LIMIT -1), never clamped.
    for (const char *list : { "/v1/services/{svc}/errors", "/v1/errors", "/v1/services/{svc}/scale-events",
             "/v1/services/{rolling}/rollouts" }) {
        for (const char *limit : { "-1", "0", "1001", "ten", "", "+5", "0x10", "99999999999" }) {
            const QByteArray name = QByteArray("limit '") + limit + "': " + list;
            row(name.constData(), "GET", QByteArray(list) + "?limit=" + limit, "", 400, bad, u"limit"_s);
        }
    }
    row("retention: days 0", "PUT", "/v1/settings/retention", R"({"max_age_days":0})", 400, bad, u"max_age_days"_s);
    row("retention: days too many", "PUT", "/v1/settings/retention", R"({"max_age_days":3651})", 400, bad,
        u"max_age_days"_s);
    row("retention: days a string", "PUT", "/v1/settings/retention", R"({"max_age_days":"30"})", 400, bad,
        u"max_age_days"_s);
    row("retention: rows -1", "PUT", "/v1/settings/retention", R"({"max_rows_per_endpoint":-1})", 400, bad,
        u"max_rows_per_endpoint"_s);
    row("retention: rows under 100", "PUT", "/v1/settings/retention", R"({"max_rows_per_endpoint":99})", 400, bad,
        u"max_rows_per_endpoint"_s);
    row("retention: unknown field", "PUT", "/v1/settings/retention", R"({"max_age":30})", 400, bad, u"max_age"_s);
    row("retention: not an object", "PUT", "/v1/settings/retention", "[30]", 400, bad);
    row("retention: no token", "PUT", "/v1/settings/retention", R"({"max_age_days":1})", 401, unauthorized, {},
        Auth::None);
    row("retention: wrong method", "DELETE", "/v1/settings/retention", "", 405, bad);
    row("rollout: unknown id", "GET", "/v1/services/{rolling}/rollouts/{unknown-id}", "", 404, notFound);
    row("rollout: not an id", "GET", "/v1/services/{rolling}/rollouts/newest", "", 404, notFound);
    row("rollout: another endpoint's", "GET", "/v1/services/{svc}/rollouts/{rollout}", "", 404, notFound);
    row("rollout: no current one", "POST", "/v1/services/{svc}/rollouts/current/abort", "", 404, notFound);
    row("rollout: no latest one", "POST", "/v1/services/{svc}/rollouts/latest/rollback", "", 404, notFound);
    row("rollout: abort unknown id", "POST", "/v1/services/{rolling}/rollouts/{unknown-id}/abort", "", 404, notFound);
    row("rollout: resume while progressing", "POST", "/v1/services/{rolling}/rollouts/{rollout}/resume", "", 400, bad);
    row("rollout: weight 101", "PUT", "/v1/services/{rolling}/rollouts/current/weight", R"({"weight":101})", 400, bad,
        u"weight"_s);
    row("rollout: weight a string", "PUT", "/v1/services/{rolling}/rollouts/current/weight", R"({"weight":"50"})", 400,
        bad, u"weight"_s);
    row("rollout: weight missing", "PUT", "/v1/services/{rolling}/rollouts/current/weight", "{}", 400, bad, u"weight"_s);
    row("rollout: weight null", "PUT", "/v1/services/{rolling}/rollouts/current/weight", R"({"weight":null})", 400, bad,
        u"weight"_s);
    row("rollout: weight unknown field", "PUT", "/v1/services/{rolling}/rollouts/current/weight",
        R"({"weight":50,"share":0.5})", 400, bad, u"share"_s);
    row("rollout: weight, no current one", "PUT", "/v1/services/{svc}/rollouts/current/weight", R"({"weight":50})", 404,
        notFound);
    row("rollout: unknown action", "POST", "/v1/services/{rolling}/rollouts/current/restart", "", 404, notFound);
    row("rollout: wrong method on one", "DELETE", "/v1/services/{rolling}/rollouts/current", "", 405, bad);
    row("rollout: wrong method on an action", "GET", "/v1/services/{rolling}/rollouts/current/abort", "", 405, bad);
    row("rollout: wrong method on the weight", "POST", "/v1/services/{rolling}/rollouts/current/weight",
        R"({"weight":50})", 405, bad);
    row("rollout: no token", "POST", "/v1/services/{rolling}/rollouts/current/abort", "", 401, unauthorized, {},
        Auth::None);
    row("modify: unknown strategy", "PATCH", "/v1/services/{svc}", start(R"("strategy":"linear")"), 400, bad,
        u"strategy"_s);
    row("modify: strategy without a new version", "PATCH", "/v1/services/{svc}", R"({"strategy":"canary"})", 400, bad,
        u"strategy"_s);
    row("modify: canary_weight without a new version", "PATCH", "/v1/services/{svc}", R"({"canary_weight":10})", 400,
        bad, u"canary_weight"_s);
    row("modify: canary_weight 101", "PATCH", "/v1/services/{svc}", start(R"("strategy":"canary","canary_weight":101)"),
        400, bad, u"canary_weight"_s);
    row("modify: canary_weight a string", "PATCH", "/v1/services/{svc}",
        start(R"("strategy":"canary","canary_weight":"10")"), 400, bad, u"canary_weight"_s);
    row("modify: console's canaryWeight", "PATCH", "/v1/services/{svc}", start(R"("canaryWeight":10)"), 400, bad,
        u"canaryWeight"_s);
    row("create: another version, bad folder", "POST", "/v1/services",
        R"({"name":"steady","model_version":"v5","model_folder":"no-such-folder"})", 422, u"ModelFileNotFound"_s);
    // Too large
    row("oversized: create", "POST", "/v1/services", kOversizedCreate, 413, u"PayloadTooLarge"_s);
    row("oversized: scale", "POST", "/v1/services/{svc}/scale", kOversizedScale, 413, u"PayloadTooLarge"_s);
    // Unknown endpoint or sub-resource
    row("unknown endpoint: info", "GET", "/v1/services/no-such-model", "", 404, notFound);
    row("unknown endpoint: info by id", "GET", "/v1/services/{unknown-id}", "", 404, notFound);
    row("unknown endpoint: delete", "DELETE", "/v1/services/{unknown-id}", "", 404, notFound);
    row("unknown endpoint: modify", "PATCH", "/v1/services/no-such-model", R"({"replicas":1})", 404, notFound);
    row("unknown endpoint: scale", "POST", "/v1/services/no-such-model/scale", R"({"replicas":1})", 404, notFound);
    row("unknown endpoint: rule", "POST", "/v1/services/no-such-model/autoscaling-rules",
        R"({"metric":"cpu_utilization","threshold":70})", 404, notFound);
    row("unknown endpoint: token", "POST", "/v1/services/no-such-model/tokens", "{}", 404, notFound);
    row("unknown endpoint: clear errors", "DELETE", "/v1/services/no-such-model/errors", "", 404, notFound);
    row("unknown endpoint: routes", "PUT", "/v1/services/no-such-model/routes",
        R"({"routes":[{"route_id":"{route}","weight":50}]})", 404, notFound);
    row("unknown endpoint: sync", "POST", "/v1/services/no-such-model/sync", "", 404, notFound);
    row("unknown rule: patch", "PATCH", "/v1/services/{svc}/autoscaling-rules/{unknown-id}", R"({"threshold":1})", 404,
        notFound);
    row("unknown rule: delete", "DELETE", "/v1/services/{svc}/autoscaling-rules/{unknown-id}", "", 404, notFound);
    row("unknown route: delete", "DELETE", "/v1/services/{svc}/routes/{unknown-id}", "", 404, notFound);
    row("unknown route: weights", "PUT", "/v1/services/{svc}/routes",
        R"({"routes":[{"route_id":"{unknown-id}","weight":50}]})", 404, notFound);
    row("unknown token: revoke", "DELETE", "/v1/services/{svc}/tokens/{unknown-id}", "", 404, notFound);
    // Unknown API paths
    row("no route: /v1/nothing", "GET", "/v1/nothing", "", 404, notFound);
    row("no route: /v2/services", "GET", "/v2/services", "", 404, notFound);
    row("no route: /", "GET", "/", "", 404, notFound);
    row("no route: /v1", "GET", "/v1", "", 404, notFound);
    row("no route: service sub-resource", "GET", "/v1/services/{svc}/nonsense", "", 404, notFound);
    row("no route: below a route", "DELETE", "/v1/services/{svc}/routes/{route}/extra", "", 404, notFound);
    row("no route: below scale", "POST", "/v1/services/{svc}/scale/now", R"({"replicas":1})", 404, notFound);
    // Wrong methods
    row("wrong method: PUT services", "PUT", "/v1/services", validCreate("put-model") + "}", 405, bad);
    row("wrong method: DELETE services", "DELETE", "/v1/services", "", 405, bad);
    row("wrong method: DELETE agents", "DELETE", "/v1/agents", "", 405, bad);
    row("wrong method: POST errors", "POST", "/v1/errors", "{}", 405, bad);
    row("wrong method: GET dry-run", "GET", "/v1/services/dry-run", "", 405, bad);
    row("wrong method: PUT service", "PUT", "/v1/services/{svc}", R"({"replicas":1})", 405, bad);
    row("wrong method: GET scale", "GET", "/v1/services/{svc}/scale", "", 405, bad);
    row("wrong method: PATCH routes", "PATCH", "/v1/services/{svc}/routes", R"({"routes":[]})", 405, bad);
    row("wrong method: GET one route", "GET", "/v1/services/{svc}/routes/{route}", "", 405, bad);
    row("wrong method: PUT rule", "PUT", "/v1/services/{svc}/autoscaling-rules/{rule}", R"({"threshold":1})", 405, bad);
    row("wrong method: POST errors of one", "POST", "/v1/services/{svc}/errors", "{}", 405, bad);
    row("wrong method: PATCH token", "PATCH", "/v1/services/{svc}/tokens/{token}", "{}", 405, bad);
    // No or a wrong admin token: refused before anything is looked at
    row("no token: list", "GET", "/v1/services", "", 401, unauthorized, {}, Auth::None);
    row("no token: create", "POST", "/v1/services", validCreate("sneaky") + "}", 401, unauthorized, {}, Auth::None);
    row("no token: delete", "DELETE", "/v1/services/{svc}", "", 401, unauthorized, {}, Auth::None);
    row("no token: scale", "POST", "/v1/services/{svc}/scale", R"({"replicas":0})", 401, unauthorized, {}, Auth::None);
    row("no token: clear errors", "DELETE", "/v1/services/{svc}/errors", "", 401, unauthorized, {}, Auth::None);
    row("no token: new token", "POST", "/v1/services/{svc}/tokens", R"({"scope":"admin","expiry":null})", 401,
        unauthorized, {}, Auth::None);
    row("no token: agents", "GET", "/v1/agents", "", 401, unauthorized, {}, Auth::None);
    row("no token: unknown path", "GET", "/v1/nothing", "", 401, unauthorized, {}, Auth::None);
    row("wrong token: list", "GET", "/v1/services", "", 401, unauthorized, {}, Auth::WrongToken);
    row("wrong token: create", "POST", "/v1/services", validCreate("sneaky") + "}", 401, unauthorized, {},
        Auth::WrongToken);
    row("wrong token, same length: delete", "DELETE", "/v1/services/{svc}", "", 401, unauthorized, {},
        Auth::WrongSameLength);
    row("wrong token, same length: weights", "PUT", "/v1/services/{svc}/routes",
        R"({"routes":[{"route_id":"{route}","weight":10}]})", 401, unauthorized, {}, Auth::WrongSameLength);
    row("empty bearer: delete rule", "DELETE", "/v1/services/{svc}/autoscaling-rules/{rule}", "", 401, unauthorized, {},
        Auth::EmptyBearer);
    row("basic scheme: revoke token", "DELETE", "/v1/services/{svc}/tokens/{token}", "", 401, unauthorized, {},
        Auth::BasicScheme);
}

void TestControlApiBadInput::refusesWithoutSideEffects()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, body);
    QFETCH(Auth, auth);
    QFETCH(int, status);
    QFETCH(QString, type);
    QFETCH(QString, field);

    if (body == kOversizedCreate) {
        // Valid JSON that would create an endpoint if the limit were not enforced.
        const QByteArray head = validCreate("oversized") + R"(,"resource_group":")";
        body = head + QByteArray(kOversizedBody - head.size() - 2, 'g') + "\"}";
    } else if (body == kOversizedScale) {
        const QByteArray head = R"({"replicas":5)";
        body = head + QByteArray(kOversizedBody - head.size() - 1, ' ') + '}';
    }
    body = fill(body);
    const QString target = QString::fromUtf8(fill(path));

    QByteArray authorization = m_env->adminAuthorization();
    switch (auth) {
    case Auth::Admin:
        break;
    case Auth::None:
        authorization.clear();
        break;
    case Auth::WrongToken:
        authorization = QByteArrayLiteral("Bearer not-the-admin-token");
        break;
    case Auth::WrongSameLength:
        authorization.back() = authorization.back() == '0' ? '1' : '0';
        break;
    case Auth::EmptyBearer:
        authorization = QByteArrayLiteral("Bearer ");
        break;
    case Auth::BasicScheme:
        authorization = QByteArrayLiteral("Basic ") + m_env->plane().adminToken();
        break;
    }

    const QByteArray storeBefore = m_env->storeDump();
    const QByteArray restBefore = restSnapshot();

    const ApiTest::RawReply r = m_env->send(method, target, body, authorization);
    QVERIFY2(r.status != 0, qPrintable(r.errorString));
    QCOMPARE(r.status, status);
    QVERIFY2(r.contentType.startsWith("application/json"), r.contentType.constData());

    // {"error":{"type":..., "message":..., "details":{...}}} and nothing else; details always.
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(r.body, &parseError);
    QVERIFY2(parseError.error == QJsonParseError::NoError && document.isObject(), r.body.constData());
    const QJsonObject root = document.object();
    QCOMPARE(root.keys(), QStringList { u"error"_s });
    const QJsonObject error = root[u"error"_s].toObject();
    QVERIFY2(root[u"error"_s].isObject(), r.body.constData());
    QVERIFY2(error[u"type"_s].isString(), r.body.constData());
    QCOMPARE(error[u"type"_s].toString(), type);
    QVERIFY2(error[u"message"_s].isString() && !error[u"message"_s].toString().isEmpty(), r.body.constData());
    QCOMPARE(error.keys(), (QStringList{u"details"_s, u"message"_s, u"type"_s}));
    QVERIFY2(error[u"details"_s].isObject(), r.body.constData());
    if (!field.isEmpty())
        QCOMPARE(error[u"details"_s].toObject()[u"field"_s].toString(), field);
    if (status == 405)
        QVERIFY2(!r.allow.isEmpty(), "a 405 names the allowed methods");
    if (status == 401)
        QVERIFY2(!r.body.contains(m_env->plane().adminToken()), "never echo the admin token");

    // Nothing changed, neither in the database nor in what the API shows of it.
    QCOMPARE(m_env->storeDump(), storeBefore);
    QCOMPARE(restSnapshot(), restBefore);
}

// Refusals are answers like any other: the server keeps serving and counts them.
void TestControlApiBadInput::refusalsAreCounted()
{
    QCOMPARE(m_env->send("GET", u"/v1/nothing"_s).status, 404);
    QCOMPARE(m_env->send("POST", u"/v1/services"_s, QByteArrayLiteral("[]")).status, 400);
    QCOMPARE(m_env->send("GET", u"/v1/services"_s, {}, QByteArray()).status, 401);
    QCOMPARE(m_env->send("GET", u"/v1/services"_s).status, 200);

    const QByteArray text = m_env->send("GET", u"/metrics"_s, {}, QByteArray()).body;
    for (const char *line : { "servedeck_api_responses_total{code=\"404\"} 1\n",
             "servedeck_api_responses_total{code=\"400\"} 1\n", "servedeck_api_responses_total{code=\"401\"} 1\n" })
        QVERIFY2(text.contains(line), text.constData());
}

QTEST_GUILESS_MAIN(TestControlApiBadInput)
#include "test_controlapi_badinput.moc"

void TestControlApiBadInput::tokenIsCheckedBeforeContinue_data()
{
    QTest::addColumn<Auth>("auth");
    QTest::addColumn<int>("status");
    QTest::newRow("admin token") << Auth::Admin << 201;
    QTest::newRow("no token") << Auth::None << 401;
    QTest::newRow("wrong token") << Auth::WrongToken << 401;
}

// A client that waits for "100 Continue" before its body learns that it has no valid admin
// token instead: no 100, the body never read, nothing stored.
void TestControlApiBadInput::tokenIsCheckedBeforeContinue()
{
    QFETCH(Auth, auth);
    QFETCH(int, status);

    const QByteArray body = validCreate("continued") + "}";
    QByteArray head = "POST /v1/services HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Type: application/json\r\n"
                      "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    if (auth == Auth::Admin)
        head += "Authorization: " + m_env->adminAuthorization() + "\r\n";
    else if (auth == Auth::WrongToken)
        head += "Authorization: Bearer not-the-admin-token\r\n";
    const QByteArray storeBefore = m_env->storeDump();

    QTcpSocket socket;
    const QUrl api = m_env->baseUrl();
    socket.connectToHost(api.host(), quint16(api.port()));
    QVERIFY(socket.waitForConnected(5000));
    socket.write(head + "\r\n");
    QByteArray received;
    const auto statusLine = [&socket, &received]() -> QByteArray {
        [[maybe_unused]] const bool whole = QTest::qWaitFor([&] {
            received += socket.readAll();
            return received.contains("\r\n\r\n") || socket.state() != QAbstractSocket::ConnectedState;
        }, 5000);
        received += socket.readAll();
        return received.left(received.indexOf("\r\n"));
    };
    const QByteArray first = statusLine();
    if (status != 201) {
        QCOMPARE(first, "HTTP/1.1 " + QByteArray::number(status) + " Unauthorized");
        QVERIFY(QTest::qWaitFor([&socket] { return socket.state() == QAbstractSocket::UnconnectedState; }, 5000));
        QCOMPARE(m_env->storeDump(), storeBefore);
        return;
    }
    QCOMPARE(first, QByteArray("HTTP/1.1 100 Continue"));
    received.clear();
    socket.write(body);
    QVERIFY(statusLine().startsWith("HTTP/1.1 201"));
}
