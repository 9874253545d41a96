// The proxy's OpenAI front door and its counters of OpenAI-style answers, end to end: a
// ProxyServer on loopback in front of real servedeck-model-server children in their --openai
// mode. Streams are read as they arrive; every wait is bounded and nothing sleeps.
#include <memory>
#include <optional>

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTemporaryDir>
#include <QTest>

#include "auth/tokensigner.h"
#include "domain/clock.h"
#include "proxy/proxyserver.h"
#include "proxytestsupport.h"
#include "service/endpointmetricssampler.h"
#include "store/repository.h"

using namespace ServeDeck;
using namespace ProxyTest;
using namespace Qt::StringLiterals;

namespace {

// The demo server's pace: its first token after kTtftMs, then kTokensPerSecond.
constexpr int kTtftMs = 60;
constexpr int kTokensPerSecond = 100;
constexpr int kMaxTokens = 8;

// An answer read as it arrived: its `data:` payloads in order, and when the first and the last
// bytes of its body came (ms since the request was sent).
struct Streamed
{
    int status = 0;
    QByteArray route;
    QByteArray contentType;
    QByteArray body;
    QList<QByteArray> events;  // the payloads of its `data:` lines
    qint64 firstBodyMs = -1;
    qint64 finishedMs = -1;
    int reads = 0;  // readyRead signals that brought body bytes

    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QJsonObject error() const { return json().value(u"error"_s).toObject(); }
    int contentChunks() const
    {
        int n = 0;
        for (const QByteArray &event : events) {
            const QJsonArray choices = QJsonDocument::fromJson(event).object().value(u"choices"_s).toArray();
            for (const QJsonValue &choice : choices) {
                const QJsonObject c = choice.toObject();
                if (!c.value(u"delta"_s).toObject().value(u"content"_s).toString().isEmpty()
                    || !c.value(u"text"_s).toString().isEmpty()) {
                    ++n;
                }
            }
        }
        return n;
    }
};

QByteArray chatBody(const QString &model, bool stream, int maxTokens = kMaxTokens)
{
    return QJsonDocument(QJsonObject{{u"model"_s, model},
                                     {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"hi"_s}}}},
                                     {u"stream"_s, stream},
                                     {u"max_tokens"_s, maxTokens}})
        .toJson(QJsonDocument::Compact);
}

} // namespace

class TestFrontDoor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void streamsThroughTheProxy_data();
    void streamsThroughTheProxy();
    void unknownModelIs404InOpenAiShape();
    void badBodyIs400InOpenAiShape_data();
    void badBodyIs400InOpenAiShape();
    void otherMethodsAndPaths();
    void modelsListWhatTheTokenMayCall();
    void privateEndpointAtTheFrontDoorNeedsItsToken();
    void streamsAreCountedAndSampled();
    void plainAnswersAreNotCounted();

private:
    void publish();
    EndpointTable &endpoint(const QString &name, bool isPublic = true, const QStringList &aliases = {});
    QByteArray token(const QString &endpointName);
    Streamed post(const QString &path, const QByteArray &body, const Headers &headers = {}, const QByteArray &method = "POST");

    ModelServer m_chat;    // answers to the model "chat"
    ModelServer m_secure;  // answers to "secure"
    std::shared_ptr<const TokenSigner> m_signer;
    std::unique_ptr<ProxyServer> m_proxy;
    quint16 m_port = 0;
    QNetworkAccessManager m_manager;
    QHash<QString, EndpointTable> m_endpoints;
    quint64 m_version = 0;
};

void TestFrontDoor::initTestCase()
{
    QVERIFY2(QFileInfo::exists(modelServerBinary()), "servedeck-model-server must be built first");
    const QStringList pace{u"--openai"_s, u"--ttft-ms"_s, QString::number(kTtftMs), u"--tokens-per-second"_s,
                           QString::number(kTokensPerSecond)};
    QVERIFY(m_chat.start(u"iris-v1"_s, u"v1"_s, pace + QStringList{u"--served-model-name"_s, u"chat"_s}));
    QVERIFY(m_secure.start(u"iris-v1"_s, u"v1"_s, pace + QStringList{u"--served-model-name"_s, u"secure"_s}));

    m_signer = std::make_shared<const TokenSigner>(QByteArrayLiteral("0123456789abcdef0123456789abcdef"));
    ProxyServer::Options options;
    options.workerThreads = 2;
    options.maxBodyBytes = kMaxBody;
    m_proxy = std::make_unique<ProxyServer>(options, m_signer);
    QVERIFY2(m_proxy->listen(QHostAddress::LocalHost, 0), qPrintable(m_proxy->errorString()));
    m_port = m_proxy->serverPort();
    m_manager.setProxy(QNetworkProxy::NoProxy);

    endpoint(u"chat"_s, true, {u"assistant"_s}).routes = {routeTo(m_chat.port(), u"v1"_s, 1)};
    endpoint(u"secure"_s, false, {u"vault"_s}).routes = {routeTo(m_secure.port(), u"v1"_s, 1)};
    endpoint(u"hidden"_s, false).routes = {routeTo(m_secure.port(), u"v1"_s, 1)};
    publish();
}

void TestFrontDoor::cleanupTestCase()
{
    m_proxy.reset();
}

void TestFrontDoor::publish()
{
    auto snapshot = std::make_shared<RoutingSnapshot>();
    snapshot->version = ++m_version;
    snapshot->endpoints = m_endpoints;
    for (const EndpointTable &table : std::as_const(m_endpoints)) {
        for (const QString &alias : table.aliases)
            snapshot->aliases.insert(alias, table.name);
    }
    m_proxy->publish(std::move(snapshot));
}

EndpointTable &TestFrontDoor::endpoint(const QString &name, bool isPublic, const QStringList &aliases)
{
    EndpointTable &table = m_endpoints[name];
    if (table.endpointId.isNull())
        table.endpointId = QUuid::createUuid();
    table.name = name;
    table.isPublic = isPublic;
    table.aliases = aliases;
    return table;
}

QByteArray TestFrontDoor::token(const QString &endpointName)
{
    const QDateTime now = QDateTime::fromSecsSinceEpoch(QDateTime::currentSecsSinceEpoch(), Qt::UTC);
    TokenClaims claims;
    claims.tokenId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    claims.endpointId = m_endpoints[endpointName].endpointId.toString(QUuid::WithoutBraces);
    claims.scope = TokenScope::Inference;
    claims.issuedAt = now;
    claims.expiresAt = now.addSecs(3600);
    return m_signer->sign(claims);
}

Streamed TestFrontDoor::post(const QString &path, const QByteArray &body, const Headers &headers, const QByteArray &method)
{
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_port).arg(path)));
    request.setTransferTimeout(kHttpMs);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QElapsedTimer timer;
    timer.start();
    QNetworkReply *reply = m_manager.sendCustomRequest(request, method, body);
    Streamed result;
    QObject::connect(reply, &QNetworkReply::readyRead, reply, [&result, &timer, reply] {
        const QByteArray bytes = reply->readAll();
        if (bytes.isEmpty())
            return;
        if (result.firstBodyMs < 0)
            result.firstBodyMs = timer.elapsed();
        ++result.reads;
        result.body += bytes;
    });
    if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, kHttpMs + 5000)) {
        reply->abort();
        reply->deleteLater();
        return result;
    }
    result.finishedMs = timer.elapsed();
    result.body += reply->readAll();
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.route = reply->rawHeader("X-ServeDeck-Route");
    result.contentType = reply->rawHeader("Content-Type");
    for (const QByteArray &line : result.body.split('\n')) {
        if (line.startsWith("data: "))
            result.events.append(line.mid(6).trimmed());
    }
    reply->deleteLater();
    return result;
}

void TestFrontDoor::streamsThroughTheProxy_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("model");
    QTest::newRow("at the endpoint's URL") << u"/chat/v1/chat/completions"_s << u"chat"_s;
    QTest::newRow("front door, by name") << u"/v1/chat/completions"_s << u"chat"_s;
    QTest::newRow("front door, by alias") << u"/v1/chat/completions"_s << u"assistant"_s;
}

// A streamed completion arrives chunk by chunk as the demo server makes it (not held until the
// end), every content chunk in order, and `data: [DONE]` last.
void TestFrontDoor::streamsThroughTheProxy()
{
    QFETCH(QString, path);
    QFETCH(QString, model);

    constexpr int kTokens = 16;
    const Streamed answer = post(path, chatBody(model, true, kTokens));
    QCOMPARE(answer.status, 200);
    QVERIFY(answer.contentType.startsWith("text/event-stream"));
    QCOMPARE(answer.route, idText(m_endpoints[u"chat"_s].routes[0].routeId));
    QCOMPARE(answer.contentChunks(), kTokens);
    QVERIFY(!answer.events.isEmpty());
    QCOMPARE(answer.events.last(), QByteArray("[DONE]"));
    QCOMPARE(answer.events.count("[DONE]"), 1);
    // The replica answers to its own name: an alias was rewritten to it on the way.
    QCOMPARE(QJsonDocument::fromJson(answer.events.first()).object().value(u"model"_s).toString(), u"chat"_s);
    // Streamed: the tokens after the first take (kTokens - 1) / kTokensPerSecond = 150 ms to come;
    // a proxy that held the answer until its end would hand it over at once.
    QVERIFY2(answer.reads >= 2, qPrintable(QString::number(answer.reads)));
    const qint64 spread = answer.finishedMs - answer.firstBodyMs;
    QVERIFY2(spread >= 75, qPrintable(u"body spread over %1 ms"_s.arg(spread)));
}

void TestFrontDoor::unknownModelIs404InOpenAiShape()
{
    const Streamed answer = post(u"/v1/chat/completions"_s, chatBody(u"nobody"_s, true));
    QCOMPARE(answer.status, 404);
    const QJsonObject error = answer.error();
    QCOMPARE(error.value(u"type"_s).toString(), u"invalid_request_error"_s);
    QCOMPARE(error.value(u"code"_s).toString(), u"model_not_found"_s);
    QCOMPARE(error.value(u"param"_s).toString(), u"model"_s);
    QVERIFY(error.value(u"message"_s).toString().contains(u"nobody"_s));
    QVERIFY(answer.route.isEmpty());
}

void TestFrontDoor::badBodyIs400InOpenAiShape_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("param");
    QTest::newRow("not JSON") << QByteArray("{\"model\": \"chat\",") << QString();
    QTest::newRow("an array") << QByteArray("[\"chat\"]") << QString();
    QTest::newRow("empty") << QByteArray() << QString();
    QTest::newRow("no model") << QByteArray(R"({"messages":[]})") << u"model"_s;
    QTest::newRow("model not a string") << QByteArray(R"({"model":7})") << u"model"_s;
    QTest::newRow("empty model") << QByteArray(R"({"model":""})") << u"model"_s;
}

void TestFrontDoor::badBodyIs400InOpenAiShape()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, param);

    for (const QString &path : {u"/v1/chat/completions"_s, u"/v1/completions"_s, u"/v1/embeddings"_s}) {
        const Streamed answer = post(path, body);
        QCOMPARE(answer.status, 400);
        const QJsonObject error = answer.error();
        QCOMPARE(error.value(u"type"_s).toString(), u"invalid_request_error"_s);
        QVERIFY(!error.value(u"message"_s).toString().isEmpty());
        QVERIFY(error.contains(u"code"_s));
        QCOMPARE(error.value(u"param"_s).toString(), param);  // null reads as empty
        QVERIFY(answer.route.isEmpty());
    }
}

void TestFrontDoor::otherMethodsAndPaths()
{
    const Streamed get = post(u"/v1/chat/completions"_s, {}, {}, "GET");
    QCOMPARE(get.status, 405);
    QCOMPARE(get.error().value(u"type"_s).toString(), u"invalid_request_error"_s);
    const Streamed elsewhere = post(u"/v1/files"_s, chatBody(u"chat"_s, false));
    QCOMPARE(elsewhere.status, 404);
    QCOMPARE(elsewhere.error().value(u"code"_s).toString(), u"unknown_url"_s);
    const Streamed postModels = post(u"/v1/models"_s, "{}");
    QCOMPARE(postModels.status, 405);
}

// GET /v1/models: public endpoints (and their aliases) to everyone, a private one only to a
// token for it.
void TestFrontDoor::modelsListWhatTheTokenMayCall()
{
    const auto ids = [this](const Headers &headers) {
        const Streamed answer = post(u"/v1/models"_s, {}, headers, "GET");
        QStringList out;
        if (answer.status != 200 || answer.json().value(u"object"_s).toString() != u"list")
            return QStringList{u"(status %1) %2"_s.arg(answer.status).arg(QString::fromUtf8(answer.body))};
        for (const QJsonValue &model : answer.json().value(u"data"_s).toArray()) {
            if (model.toObject().value(u"object"_s).toString() != u"model")
                out << u"(not a model object)"_s;
            out << model.toObject().value(u"id"_s).toString() + u'>' + model.toObject().value(u"root"_s).toString();
        }
        return out;
    };
    const QStringList everyone{u"assistant>chat"_s, u"chat>chat"_s};
    QCOMPARE(ids({}), everyone);
    QCOMPARE(ids({{"Authorization", "Bearer " + token(u"secure"_s)}}),
             (QStringList{u"assistant>chat"_s, u"chat>chat"_s, u"secure>secure"_s, u"vault>secure"_s}));
    QCOMPARE(ids({{"Authorization", "Bearer " + token(u"hidden"_s)}}),
             (QStringList{u"assistant>chat"_s, u"chat>chat"_s, u"hidden>hidden"_s}));
    QCOMPARE(ids({{"Authorization", "Bearer not-a-token"}}), everyone);
}

void TestFrontDoor::privateEndpointAtTheFrontDoorNeedsItsToken()
{
    const Streamed anonymous = post(u"/v1/chat/completions"_s, chatBody(u"vault"_s, false));
    QCOMPARE(anonymous.status, 401);
    QVERIFY(anonymous.route.isEmpty());
    const Streamed otherToken =
        post(u"/v1/chat/completions"_s, chatBody(u"secure"_s, false), {{"Authorization", "Bearer " + token(u"hidden"_s)}});
    QCOMPARE(otherToken.status, 403);
    const Streamed allowed =
        post(u"/v1/chat/completions"_s, chatBody(u"vault"_s, false, 2), {{"Authorization", "Bearer " + token(u"secure"_s)}});
    QCOMPARE(allowed.status, 200);
    QCOMPARE(allowed.json().value(u"model"_s).toString(), u"secure"_s);
    QCOMPARE(allowed.json().value(u"usage"_s).toObject().value(u"completion_tokens"_s).toInt(), 2);
}

// Time to first token and tokens per second move with streamed requests, as the demo server
// paces them, in the proxy's counters, its /metrics and the sampler's PROXY metrics; a
// non-streamed completion adds its usage's tokens and no time to first token.
void TestFrontDoor::streamsAreCountedAndSampled()
{
    ModelServer counted;
    QVERIFY(counted.start(u"iris-v1"_s, u"v1"_s,
                          {u"--openai"_s, u"--served-model-name"_s, u"counted"_s, u"--ttft-ms"_s, QString::number(kTtftMs),
                           u"--tokens-per-second"_s, QString::number(kTokensPerSecond)}));
    EndpointTable &table = endpoint(u"counted"_s);
    table.routes = {routeTo(counted.port(), u"v1"_s, 1)};
    const QUuid routeId = table.routes[0].routeId;
    publish();

    // The sampler reads the proxy's counters of the route the store knows.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Repository repository;
    QVERIFY(repository.open(dir.filePath(u"servedeck.db"_s)).ok());
    Endpoint stored;
    stored.id = table.endpointId;
    stored.name = table.name;
    stored.modelVersion = u"v1"_s;
    stored.modelFolder = u"/srv/models/counted"_s;
    stored.runtimeVariant = u"vllm"_s;
    stored.resourceGroup = u"default"_s;
    stored.replicas = 1;
    stored.isPublic = true;
    stored.resourceSlots = ResourceSlots{1, 1024 * 1024 * 1024, 0};
    stored.url = u"http://127.0.0.1:%1/counted"_s.arg(m_port);
    stored.createdAt = stored.updatedAt = QDateTime::currentDateTimeUtc();
    const auto inserted = repository.insertEndpoint(stored);
    QVERIFY2(inserted.ok(), inserted.ok() ? "" : qPrintable(inserted.error().message));
    Route route;
    route.id = routeId;
    route.endpointId = stored.id;
    route.status = RouteStatus::Healthy;
    route.weight = 1;
    route.replicaId = u"local:1:%1"_s.arg(counted.port());
    route.agentId = u"local"_s;
    route.createdAt = route.updatedAt = QDateTime::currentDateTimeUtc();
    const auto routed = repository.insertRoute(route);
    QVERIFY2(routed.ok(), routed.ok() ? "" : qPrintable(routed.error().message));
    EndpointMetricsSampler sampler(repository, Clock::system());
    sampler.setTrafficSource([this] { return m_proxy->routeCounters(); });
    // A route has counters from its first request on: one that is not counted, before the base sample.
    QCOMPARE(post(u"/counted/health"_s, {}, {}, "GET").status, 200);
    QVERIFY(sampler.sample().ok());
    QVERIFY(!sampler.value(stored.id, MetricSource::Proxy, u"tokens_per_second"_s));  // nothing yet

    constexpr int kStreams = 3;
    for (int i = 0; i < kStreams; ++i) {
        const Streamed answer = post(u"/v1/chat/completions"_s, chatBody(u"counted"_s, true));
        QCOMPARE(answer.status, 200);
        QCOMPARE(answer.events.last(), QByteArray("[DONE]"));
    }
    // The counters are written by the worker as each answer ends, before its last byte goes out.
    const auto counters = [this, routeId] { return m_proxy->routeCounters().value(routeId); };
    QCOMPARE(counters().tokens, quint64(kStreams * kMaxTokens));
    QCOMPARE(counters().ttftBuckets.value(counters().ttftBuckets.size() - 1), quint64(kStreams));
    QCOMPARE(counters().decodeTokens, quint64(kStreams * (kMaxTokens - 1)));
    const double meanTtftMs = counters().ttftSumSeconds * 1000.0 / kStreams;
    QVERIFY2(meanTtftMs >= kTtftMs * 0.9, qPrintable(QString::number(meanTtftMs)));
    const double rate = double(counters().decodeTokens) / counters().decodeSeconds;
    QVERIFY2(rate > kTokensPerSecond * 0.4 && rate < kTokensPerSecond * 1.5, qPrintable(QString::number(rate)));

    const QByteArray metrics = m_proxy->metricsText();
    const QByteArray series = "servedeck_proxy_route_generated_tokens_total{endpoint=\"counted\",route=\"" + idText(routeId)
        + "\",revision=\"v1\"} " + QByteArray::number(kStreams * kMaxTokens) + '\n';
    QVERIFY2(metrics.contains(series), metrics.constData());
    const QByteArray ttftCount = "servedeck_proxy_route_time_to_first_token_seconds_count{endpoint=\"counted\",route=\""
        + idText(routeId) + "\",revision=\"v1\"} " + QByteArray::number(kStreams) + '\n';
    QVERIFY(metrics.contains(ttftCount));

    QVERIFY(sampler.sample().ok());
    const std::optional<double> ttft = sampler.value(stored.id, MetricSource::Proxy, u"ttft_ms"_s);
    QVERIFY(ttft);
    QVERIFY2(*ttft >= kTtftMs * 0.5, qPrintable(QString::number(*ttft)));  // interpolated within a bucket
    QVERIFY(sampler.value(stored.id, MetricSource::Proxy, u"ttft_p95_ms"_s));
    const std::optional<double> sampledRate = sampler.value(stored.id, MetricSource::Proxy, u"tokens_per_second"_s);
    QVERIFY(sampledRate);
    QVERIFY2(qAbs(*sampledRate - rate) < 1e-6, qPrintable(QString::number(*sampledRate)));
    QCOMPARE(defaultSourceFor(u"tokens_per_second"_s), MetricSource::Proxy);
    QCOMPARE(defaultSourceFor(u"ttft_ms"_s), MetricSource::Proxy);

    // Not streamed: the usage's tokens count, over the whole answer; no first token is timed.
    const Streamed whole = post(u"/counted/v1/chat/completions"_s, chatBody(u"counted"_s, false, 5));
    QCOMPARE(whole.status, 200);
    QCOMPARE(counters().tokens, quint64(kStreams * kMaxTokens + 5));
    QCOMPARE(counters().decodeTokens, quint64(kStreams * (kMaxTokens - 1) + 5));
    QCOMPARE(counters().ttftBuckets.value(counters().ttftBuckets.size() - 1), quint64(kStreams));
    m_endpoints.remove(u"counted"_s);
    publish();
}

// Answers that are no OpenAI stream (the plain path) leave the token counters alone.
void TestFrontDoor::plainAnswersAreNotCounted()
{
    const QUuid routeId = m_endpoints[u"chat"_s].routes[0].routeId;
    const ProxyServer::RouteCounters before = m_proxy->routeCounters().value(routeId);
    for (const QString &path : {u"/chat/v1/models"_s, u"/chat/health"_s, u"/chat/metrics"_s}) {
        const Streamed answer = post(path, {}, {}, "GET");
        QCOMPARE(answer.status, 200);
    }
    // A JSON answer to a call that is no completion is not read either.
    const Streamed notCompletion = post(u"/chat/v1/models"_s, chatBody(u"chat"_s, false), {}, "GET");
    QCOMPARE(notCompletion.status, 200);
    const ProxyServer::RouteCounters after = m_proxy->routeCounters().value(routeId);
    QCOMPARE(after.requests, before.requests + 4);
    QCOMPARE(after.tokens, before.tokens);
    QCOMPARE(after.decodeTokens, before.decodeTokens);
    QCOMPARE(after.ttftBuckets, before.ttftBuckets);
}

QTEST_GUILESS_MAIN(TestFrontDoor)
#include "test_frontdoor.moc"
