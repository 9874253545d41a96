// The proxy's job intake: requests with `Prefer: respond-async` and the /_jobs/{id} lookups,
// handed to a handler on this (the owning) thread that stands in for the control side. A real
// ProxyServer on loopback, raw client sockets (so every header sent is the test's), a scripted
// upstream for what is forwarded, and a manual clock for the hand-off timeout.
#include <functional>
#include <memory>
#include <optional>

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTest>

#include "auth/tokensigner.h"
#include "proxy/proxyjobcall.h"
#include "proxy/proxyserver.h"
#include "proxytestsupport.h"
#include "support/manualmonotonicclock.h"

using namespace ServeDeck;
using namespace ProxyTest;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kJobId = "0123456789abcdef0123456789abcdef";

// One client connection written to and read from by hand.
class RawClient
{
public:
    bool open(quint16 port)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        return m_socket.waitForConnected(kHttpMs);
    }
    void write(const QByteArray &bytes) { m_socket.write(bytes); }
    std::optional<RawResponse> read()
    {
        // The head as sent is kept too: the parsed one keeps only the last of repeated fields.
        [[maybe_unused]] const bool headCame = QTest::qWaitFor([this] {
            m_buffer.append(m_socket.readAll());
            return m_buffer.contains("\r\n\r\n") || m_socket.state() != QAbstractSocket::ConnectedState;
        }, kHttpMs);
        m_head = m_buffer.left(m_buffer.indexOf("\r\n\r\n"));
        return readRawResponse(m_socket, m_buffer);
    }
    const QByteArray &head() const { return m_head; }
    std::optional<RawResponse> take() { return takeRawResponse(m_socket, m_buffer); }
    QTcpSocket &socket() { return m_socket; }

private:
    QTcpSocket m_socket;
    QByteArray m_buffer;
    QByteArray m_head;
};

QByteArray request(const QByteArray &method, const QByteArray &target, const QList<QByteArray> &headers,
                   const QByteArray &body = {})
{
    QByteArray out = method + ' ' + target + " HTTP/1.1\r\nHost: proxy.test\r\n";
    for (const QByteArray &header : headers)
        out += header + "\r\n";
    if (!body.isEmpty() || method == "POST")
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    return out + "\r\n" + body;
}

QJsonObject errorOf(const RawResponse &response)
{
    return QJsonDocument::fromJson(response.body).object().value(u"error"_s).toObject();
}

QByteArray rejected(const char *reason, int count)
{
    return "servedeck_proxy_rejected_total{reason=\"" + QByteArray(reason) + "\"} " + QByteArray::number(count) + '\n';
}

} // namespace

class TestProxyJobs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void submissionIsHandedOff();
    void preferIsParsedStrictly_data();
    void preferIsParsedStrictly();
    void frontDoorSubmission();
    void privateEndpointWithoutTokenIsRefusedBeforeHandoff_data();
    void privateEndpointWithoutTokenIsRefusedBeforeHandoff();
    void bodyOverTheLimitIs413();
    void fullHandoffIs503AtOnce();
    void noReplyIs503AfterTheTimeout();
    void clientClosingBeforeTheReplyIsHarmless();
    void lookupsAnswerOnlyWhoMayCallTheEndpoint_data();
    void lookupsAnswerOnlyWhoMayCallTheEndpoint();
    void badLookupsAreRefusedWithoutHandoff_data();
    void badLookupsAreRefusedWithoutHandoff();
    void withoutHandlerPreferIsForwarded();

private:
    struct Call
    {
        ProxyJobCall call;
        std::function<void(ProxyJobReply)> reply;
    };
    void startProxy(ProxyServer::Options options = {}, bool withHandler = true);
    QByteArray token(const QString &kind = {});
    static ProxyJobReply accepted(const QByteArray &id);
    void advance(qint64 ms);
    QByteArray metrics() const { return m_proxy->metricsText(); }

    std::shared_ptr<ManualMonotonicClock> m_clock;
    std::shared_ptr<const TokenSigner> m_signer;
    std::unique_ptr<ScriptedUpstream> m_upstream;
    std::unique_ptr<ProxyServer> m_proxy;
    QUuid m_publicId;
    QUuid m_privateId;
    QList<Call> m_calls;
    // What the handler answers at once; none: it holds the reply (in m_calls) for the test.
    std::optional<ProxyJobReply> m_autoReply;
};

void TestProxyJobs::init()
{
    m_clock = std::make_shared<ManualMonotonicClock>();
    m_signer = std::make_shared<const TokenSigner>(QByteArrayLiteral("0123456789abcdef0123456789abcdef"));
    m_upstream = std::make_unique<ScriptedUpstream>();
    m_upstream->response = plainAnswer("forwarded");
    m_calls.clear();
    m_autoReply = accepted(kJobId);
}

void TestProxyJobs::cleanup()
{
    m_proxy.reset();
    m_calls.clear();  // reply functions held past the proxy: harmless
    m_upstream.reset();
}

void TestProxyJobs::startProxy(ProxyServer::Options options, bool withHandler)
{
    options.workerThreads = 2;
    options.clock = m_clock;
    m_proxy = std::make_unique<ProxyServer>(options, m_signer);
    QVERIFY2(m_proxy->listen(QHostAddress::LocalHost, 0), qPrintable(m_proxy->errorString()));
    auto snapshot = std::make_shared<RoutingSnapshot>();
    snapshot->version = 1;
    EndpointTable open;
    open.endpointId = QUuid::createUuid();
    open.name = u"iris"_s;
    open.isPublic = true;
    open.aliases = {u"iris-latest"_s};
    open.routes = {routeTo(m_upstream->port(), u"v1"_s, 1)};
    m_publicId = open.endpointId;
    EndpointTable secure = open;
    secure.endpointId = QUuid::createUuid();
    secure.name = u"secure"_s;
    secure.isPublic = false;
    secure.aliases = {};
    // Scaled to zero, without a route: a job is still taken (it waits in the queue, not here).
    secure.routes = {};
    secure.desiredReplicas = 0;
    m_privateId = secure.endpointId;
    snapshot->endpoints.insert(open.name, open);
    snapshot->endpoints.insert(secure.name, secure);
    snapshot->aliases.insert(u"iris-latest"_s, open.name);
    m_proxy->publish(snapshot);
    if (withHandler) {
        m_proxy->setJobHandler([this](ProxyJobCall call, std::function<void(ProxyJobReply)> reply) {
            if (m_autoReply) {
                reply(*m_autoReply);
                m_calls.append({std::move(call), {}});
            } else {
                m_calls.append({std::move(call), std::move(reply)});
            }
        });
    }
}

QByteArray TestProxyJobs::token(const QString &kind)
{
    const QDateTime now = QDateTime::fromSecsSinceEpoch(QDateTime::currentSecsSinceEpoch(), Qt::UTC);
    TokenClaims claims;
    claims.tokenId = u"token-"_s + kind;
    claims.endpointId = m_privateId.toString(QUuid::WithoutBraces);
    claims.scope = TokenScope::Inference;
    claims.issuedAt = now;
    claims.expiresAt = now.addSecs(3600);
    if (kind == u"otherendpoint")
        claims.endpointId = m_publicId.toString(QUuid::WithoutBraces);
    else if (kind == u"elsewhere")
        claims.allowedIps = {u"10.0.0.0/8"_s};
    return "Authorization: Bearer " + m_signer->sign(claims);
}

ProxyJobReply TestProxyJobs::accepted(const QByteArray &id)
{
    ProxyJobReply reply;
    reply.response.status = 202;
    reply.response.contentType = "application/json";
    reply.response.body = R"({"job":{"id":")" + id + R"(","state":"QUEUED"}})";
    reply.response.headers = {{"Location", "/_jobs/" + id}, {"Preference-Applied", "respond-async"}};
    return reply;
}

void TestProxyJobs::advance(qint64 ms)
{
    m_clock->advanceMs(ms);
    m_proxy->checkDeadlinesNow();
}

void TestProxyJobs::submissionIsHandedOff()
{
    startProxy();
    RawClient client;
    QVERIFY(client.open(m_proxy->serverPort()));
    const QByteArray body = R"({"features":[[5.1,3.5,1.4,0.2]]})";
    client.write(request("POST", "/secure/v1/predict?verbose=1",
                         {token(u"a"_s), "Prefer: respond-async", "Idempotency-Key: key-1",
                          "Connection: keep-alive, X-Hop", "X-Hop: gone", "Keep-Alive: timeout=5",
                          "X-Forwarded-For: 10.9.9.9", "Expect: 100-continue", "Content-Type: application/json",
                          "X-Custom: kept"},
                         body));
    std::optional<RawResponse> response = client.read();
    QVERIFY(response);
    QCOMPARE(response->status, 100);  // Expect was answered here
    response = client.read();
    QVERIFY(response);
    QCOMPARE(response->status, 202);
    QCOMPARE(response->headers.value("location"), "/_jobs/" + kJobId);
    QCOMPARE(response->headers.value("preference-applied"), QByteArray("respond-async"));
    QCOMPARE(QJsonDocument::fromJson(response->body).object()[u"job"_s].toObject()[u"id"_s].toString(),
             QString::fromLatin1(kJobId));

    QCOMPARE(m_calls.size(), 1);
    const ProxyJobCall &call = m_calls[0].call;
    QCOMPARE(call.kind, ProxyJobCall::Kind::Submit);
    QCOMPARE(call.endpointId, m_privateId);
    QCOMPARE(call.method, QByteArray("POST"));
    QCOMPARE(call.path, QByteArray("/v1/predict?verbose=1"));
    const HeaderList expected{{"Content-Type", "application/json"}, {"X-Custom", "kept"}};
    QCOMPARE(call.headers, expected);
    QCOMPARE(call.body, body);
    QCOMPARE(call.idempotencyKey, QByteArray("key-1"));
    QCOMPARE(call.submittedBy, u"token-a"_s);
    QCOMPARE(call.peer, QHostAddress(QHostAddress::LocalHost));
    QVERIFY(call.jobId.isEmpty());
    QCOMPARE(m_upstream->requests.size(), 0);  // a job is not forwarded now

    // The connection carries on: a public endpoint's submission, without key or body.
    client.write(request("GET", "/iris", {"Prefer: respond-async"}));
    response = client.read();
    QVERIFY(response);
    QCOMPARE(response->status, 202);
    QCOMPARE(m_calls.size(), 2);
    QCOMPARE(m_calls[1].call.endpointId, m_publicId);
    QCOMPARE(m_calls[1].call.path, QByteArray("/"));
    QCOMPARE(m_calls[1].call.method, QByteArray("GET"));
    QCOMPARE(m_calls[1].call.submittedBy, u"public"_s);
    QVERIFY(m_calls[1].call.idempotencyKey.isNull());
    QVERIFY(m_calls[1].call.headers.isEmpty());

    // Two keys are no key.
    client.write(request("GET", "/iris/x", {"Prefer: respond-async", "Idempotency-Key: a", "Idempotency-Key: b"}));
    response = client.read();
    QVERIFY(response);
    QCOMPARE(response->status, 400);
    QCOMPARE(m_calls.size(), 2);
}

void TestProxyJobs::preferIsParsedStrictly_data()
{
    QTest::addColumn<QList<QByteArray>>("prefer");
    QTest::addColumn<bool>("job");
    QTest::newRow("alone") << QList<QByteArray>{"respond-async"} << true;
    QTest::newRow("after another") << QList<QByteArray>{"wait=5, respond-async"} << true;
    QTest::newRow("upper case") << QList<QByteArray>{"RESPOND-ASYNC"} << true;
    QTest::newRow("with parameters") << QList<QByteArray>{"respond-async; a=b ;c;d=\"x y\""} << true;
    QTest::newRow("empty elements") << QList<QByteArray>{" , respond-async ,"} << true;
    QTest::newRow("empty value") << QList<QByteArray>{"respond-async=\"\""} << true;
    QTest::newRow("second field") << QList<QByteArray>{"wait=5", "respond-async"} << true;
    QTest::newRow("other preference") << QList<QByteArray>{"wait=5, return=minimal"} << false;
    QTest::newRow("longer token") << QList<QByteArray>{"respond-asynchronously"} << false;
    QTest::newRow("a value") << QList<QByteArray>{"respond-async=yes"} << false;
    QTest::newRow("no word after =") << QList<QByteArray>{"respond-async="} << false;
    QTest::newRow("space inside") << QList<QByteArray>{"respond-async x"} << false;
    QTest::newRow("quoted token") << QList<QByteArray>{"\"respond-async\""} << false;
    QTest::newRow("unterminated quote") << QList<QByteArray>{"respond-async; a=\"x"} << false;
    QTest::newRow("malformed other field") << QList<QByteArray>{"respond-async", "wait=@"} << false;
    QTest::newRow("bad separator") << QList<QByteArray>{"wait=5; respond-async / x"} << false;
}

void TestProxyJobs::preferIsParsedStrictly()
{
    QFETCH(QList<QByteArray>, prefer);
    QFETCH(bool, job);
    startProxy();
    RawClient client;
    QVERIFY(client.open(m_proxy->serverPort()));
    QList<QByteArray> headers;
    for (const QByteArray &value : prefer)
        headers.append("Prefer: " + value);
    client.write(request("POST", "/iris/predict", headers, "{}"));
    const std::optional<RawResponse> response = client.read();
    QVERIFY(response);
    QCOMPARE(response->status, job ? 202 : 200);
    QCOMPARE(m_calls.size(), job ? 1 : 0);
    QCOMPARE(m_upstream->requests.size(), job ? 0 : 1);
    if (!job) {
        // Forwarded as today, the preference with it: the model may honour it.
        QVERIFY(m_upstream->requests[0].contains(QByteArray("\r\nPrefer: " + prefer[0] + "\r\n")));
        QCOMPARE(response->body, QByteArray("forwarded"));
    }
}

void TestProxyJobs::frontDoorSubmission()
{
    startProxy();
    RawClient client;
    QVERIFY(client.open(m_proxy->serverPort()));
    client.write(request("POST", "/v1/chat/completions", {"Prefer: respond-async", "Content-Type: application/json"},
                         R"({"model":"iris-latest","messages":[]})"));
    const std::optional<RawResponse> response = client.read();
    QVERIFY(response);
    QCOMPARE(response->status, 202);
    QCOMPARE(m_calls.size(), 1);
    const ProxyJobCall &call = m_calls[0].call;
    QCOMPARE(call.endpointId, m_publicId);
    QCOMPARE(call.path, QByteArray("/v1/chat/completions"));
    // The alias is the caller's: the job carries the body the replica would get.
    QCOMPARE(QJsonDocument::fromJson(call.body).object()[u"model"_s].toString(), u"iris"_s);
    QCOMPARE(m_upstream->requests.size(), 0);

    // The model list stays the proxy's own answer, preference or not.
    client.write(request("GET", "/v1/models", {"Prefer: respond-async"}));
    const std::optional<RawResponse> models = client.read();
    QVERIFY(models);
    QCOMPARE(models->status, 200);
    QCOMPARE(m_calls.size(), 1);
}

void TestProxyJobs::privateEndpointWithoutTokenIsRefusedBeforeHandoff_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("status");
    QTest::newRow("no token") << QString() << 401;
    QTest::newRow("another endpoint's token") << u"otherendpoint"_s << 403;
    QTest::newRow("address not allowed") << u"elsewhere"_s << 403;
}

void TestProxyJobs::privateEndpointWithoutTokenIsRefusedBeforeHandoff()
{
    QFETCH(QString, kind);
    QFETCH(int, status);
    startProxy();
    RawClient client;
    QVERIFY(client.open(m_proxy->serverPort()));
    QList<QByteArray> headers{"Prefer: respond-async"};
    if (!kind.isEmpty())
        headers.append(token(kind));
    client.write(request("POST", "/secure/predict", headers, "{}"));
    std::optional<RawResponse> response = client.read();
    QVERIFY(response);
    QCOMPARE(response->status, status);
    // Without a body too (no early refusal at the head: dispatch's check).
    RawClient second;
    QVERIFY(second.open(m_proxy->serverPort()));
    second.write(request("GET", "/secure/predict", headers));
    response = second.read();
    QVERIFY(response);
    QCOMPARE(response->status, status);
    // And an endpoint that does not exist.
    second.write(request("GET", "/nowhere/predict", {"Prefer: respond-async"}));
    response = second.read();
    QVERIFY(response);
    QCOMPARE(response->status, 404);
    QCOMPARE(m_calls.size(), 0);
}

void TestProxyJobs::bodyOverTheLimitIs413()
{
    ProxyServer::Options options;
    options.maxBodyBytes = 1024;
    startProxy(options);
    RawClient client;
    QVERIFY(client.open(m_proxy->serverPort()));
    client.write(request("POST", "/iris/predict", {"Prefer: respond-async"}, QByteArray(1025, 'x')));
    std::optional<RawResponse> response = client.read();
    QVERIFY(response);
    QCOMPARE(response->status, 413);
    QCOMPARE(m_calls.size(), 0);
    // At the limit it is taken whole.
    RawClient second;
    QVERIFY(second.open(m_proxy->serverPort()));
    second.write(request("POST", "/iris/predict", {"Prefer: respond-async"}, QByteArray(1024, 'y')));
    response = second.read();
    QVERIFY(response);
    QCOMPARE(response->status, 202);
    QCOMPARE(m_calls.size(), 1);
    QCOMPARE(m_calls[0].call.body, QByteArray(1024, 'y'));
}

void TestProxyJobs::fullHandoffIs503AtOnce()
{
    ProxyServer::Options options;
    options.maxJobHandoffs = 1;
    startProxy(options);
    m_autoReply.reset();  // the first call's reply is held
    RawClient first;
    QVERIFY(first.open(m_proxy->serverPort()));
    first.write(request("POST", "/iris/predict", {"Prefer: respond-async"}, "{}"));
    QTRY_COMPARE_WITH_TIMEOUT(m_calls.size(), 1, kHttpMs);
    QVERIFY(metrics().contains("servedeck_proxy_job_handoffs 1\n"));

    // Full: refused at once, while the first still waits; a lookup takes a slot too.
    RawClient second;
    QVERIFY(second.open(m_proxy->serverPort()));
    second.write(request("POST", "/iris/predict", {"Prefer: respond-async"}, "{}"));
    std::optional<RawResponse> refused = second.read();
    QVERIFY(refused);
    QCOMPARE(refused->status, 503);
    QCOMPARE(refused->headers.value("retry-after"), QByteArray("1"));
    QCOMPARE(errorOf(*refused)[u"type"_s].toString(), u"QueueFull"_s);
    second.write(request("GET", "/_jobs/" + kJobId, {}));
    refused = second.read();
    QVERIFY(refused);
    QCOMPARE(refused->status, 503);
    QCOMPARE(m_calls.size(), 1);
    QVERIFY(!first.take());
    QVERIFY(metrics().contains(rejected("job_queue_full", 2)));

    // The reply frees the slot.
    m_calls[0].reply(accepted(kJobId));
    std::optional<RawResponse> response = first.read();
    QVERIFY(response);
    QCOMPARE(response->status, 202);
    QVERIFY(metrics().contains("servedeck_proxy_job_handoffs 0\n"));
    m_autoReply = accepted(kJobId);
    second.write(request("POST", "/iris/predict", {"Prefer: respond-async"}, "{}"));
    response = second.read();
    QVERIFY(response);
    QCOMPARE(response->status, 202);
    QCOMPARE(m_calls.size(), 2);
}

void TestProxyJobs::noReplyIs503AfterTheTimeout()
{
    ProxyServer::Options options;
    options.jobHandoffTimeoutMs = 60000;  // beyond any wait here: only the clock reaches it
    startProxy(options);
    m_autoReply.reset();
    RawClient client;
    QVERIFY(client.open(m_proxy->serverPort()));
    client.write(request("POST", "/iris/predict", {"Prefer: respond-async"}, "{}"));
    QTRY_COMPARE_WITH_TIMEOUT(m_calls.size(), 1, kHttpMs);

    advance(59999);  // checkDeadlinesNow(): every worker has looked when it returns
    QVERIFY(metrics().contains(rejected("job_queue_full", 0)));
    QVERIFY(!client.take());
    advance(1);
    QVERIFY(metrics().contains(rejected("job_queue_full", 1)));
    std::optional<RawResponse> response = client.read();
    QVERIFY(response);
    QCOMPARE(response->status, 503);
    QCOMPARE(response->headers.value("retry-after"), QByteArray("1"));
    QCOMPARE(errorOf(*response)[u"type"_s].toString(), u"QueueFull"_s);

    // The late reply is dropped; the connection goes on with its next request and its own answer.
    ProxyJobReply late = accepted("ffffffffffffffffffffffffffffffff");
    m_calls[0].reply(late);
    QVERIFY(metrics().contains("servedeck_proxy_job_handoffs 0\n"));
    m_autoReply = accepted(kJobId);
    client.write(request("POST", "/iris/predict", {"Prefer: respond-async"}, "{}"));
    response = client.read();
    QVERIFY(response);
    QCOMPARE(response->status, 202);
    QCOMPARE(response->headers.value("location"), "/_jobs/" + kJobId);
    QVERIFY(!client.take());
}

void TestProxyJobs::clientClosingBeforeTheReplyIsHarmless()
{
    startProxy();
    m_autoReply.reset();
    {
        RawClient client;
        QVERIFY(client.open(m_proxy->serverPort()));
        client.write(request("POST", "/iris/predict", {"Prefer: respond-async"}, "{}"));
        QTRY_COMPARE_WITH_TIMEOUT(m_calls.size(), 1, kHttpMs);
        client.socket().abort();
    }
    QTRY_VERIFY_WITH_TIMEOUT(metrics().contains("servedeck_proxy_open_connections 0\n"), kHttpMs);
    m_calls[0].reply(accepted(kJobId));  // nobody to answer: dropped
    QVERIFY(metrics().contains("servedeck_proxy_job_handoffs 0\n"));

    m_autoReply = accepted(kJobId);
    RawClient next;
    QVERIFY(next.open(m_proxy->serverPort()));
    next.write(request("POST", "/iris/predict", {"Prefer: respond-async"}, "{}"));
    const std::optional<RawResponse> response = next.read();
    QVERIFY(response);
    QCOMPARE(response->status, 202);
    QCOMPARE(m_calls.size(), 2);
}

void TestProxyJobs::lookupsAnswerOnlyWhoMayCallTheEndpoint_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("suffix");
    QTest::addColumn<int>("kind");
    QTest::newRow("status") << QByteArray("GET") << QByteArray() << int(ProxyJobCall::Kind::Status);
    QTest::newRow("result") << QByteArray("GET") << QByteArray("/result") << int(ProxyJobCall::Kind::Result);
    QTest::newRow("cancel") << QByteArray("DELETE") << QByteArray() << int(ProxyJobCall::Kind::Cancel);
}

void TestProxyJobs::lookupsAnswerOnlyWhoMayCallTheEndpoint()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, suffix);
    QFETCH(int, kind);
    startProxy();
    ProxyJobReply reply;
    reply.endpointId = m_privateId;
    reply.response.status = 200;
    reply.response.contentType = "application/json";
    reply.response.body = R"({"answer":42})";
    // Stored headers as a model gave them: the proxy frames the answer itself.
    reply.response.headers = {{"Content-Length", "999"}, {"Connection", "close"}, {"X-Model", "iris"}};
    m_autoReply = reply;
    const QByteArray target = "/_jobs/" + kJobId + suffix;

    RawClient client;
    QVERIFY(client.open(m_proxy->serverPort()));
    const QList<QPair<QByteArray, QString>> refusedWith{{{}, u"none"_s},
                                                        {token(u"otherendpoint"_s), u"another endpoint's"_s},
                                                        {token(u"elsewhere"_s), u"address not allowed"_s}};
    for (const auto &[authorization, why] : refusedWith) {
        client.write(request(method, target, authorization.isEmpty() ? QList<QByteArray>{} : QList{authorization}));
        const std::optional<RawResponse> response = client.read();
        QVERIFY2(response, qPrintable(why));
        QCOMPARE(response->status, 404);
        QCOMPARE(errorOf(*response)[u"type"_s].toString(), u"NotFound"_s);
        QVERIFY2(!response->body.contains("42"), qPrintable(why));
    }
    // A cancel acts: the refused callers' DELETEs only read the job (Status), nothing was cancelled.
    const bool cancel = kind == int(ProxyJobCall::Kind::Cancel);
    QCOMPARE(m_calls.size(), 3);
    for (const Call &call : std::as_const(m_calls))
        QCOMPARE(int(call.call.kind), cancel ? int(ProxyJobCall::Kind::Status) : kind);

    client.write(request(method, target, {token(u"b"_s)}));
    std::optional<RawResponse> response = client.read();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(response->body, QByteArray(R"({"answer":42})"));
    QCOMPARE(response->headers.value("content-length"), QByteArray("13"));
    QCOMPARE(client.head().count("Content-Length:"), qsizetype(1));
    QVERIFY(!response->headers.contains("connection"));
    QCOMPARE(response->headers.value("x-model"), QByteArray("iris"));
    // An allowed cancel: the check's Status, then the Cancel itself.
    QCOMPARE(m_calls.size(), cancel ? 5 : 4);
    QCOMPARE(int(m_calls.last().call.kind), kind);
    for (const Call &call : std::as_const(m_calls))
        QCOMPARE(call.call.jobId, QString::fromLatin1(kJobId));
    // The connection stayed open (the stored Connection: close is not the proxy's).
    QCOMPARE(client.socket().state(), QAbstractSocket::ConnectedState);

    // A job of a public endpoint, or a reply naming none (an unknown id): answered as is.
    reply.endpointId = m_publicId;
    m_autoReply = reply;
    client.write(request(method, target, {}));
    response = client.read();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    ProxyJobReply unknown;
    unknown.response = ProxyHttp::errorResponse(404, u"NotFound"_s, u"no job"_s);
    m_autoReply = unknown;
    client.write(request(method, target, {}));
    response = client.read();
    QVERIFY(response);
    QCOMPARE(response->status, 404);
    // A cancel of a job the queue does not know goes no further than its check.
    QCOMPARE(m_calls.size(), cancel ? 8 : 6);
    QCOMPARE(int(m_calls.last().call.kind), cancel ? int(ProxyJobCall::Kind::Status) : kind);

    // A status that is no final answer is not passed on as one.
    ProxyJobReply interim;
    interim.response.status = 100;
    m_autoReply = interim;
    client.write(request(method, target, {}));
    response = client.read();
    QVERIFY(response);
    QCOMPARE(response->status, 502);
}

void TestProxyJobs::badLookupsAreRefusedWithoutHandoff_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("allow");
    QTest::newRow("the root") << QByteArray("GET") << QByteArray("/_jobs") << 404 << QByteArray();
    QTest::newRow("no id") << QByteArray("GET") << QByteArray("/_jobs/") << 404 << QByteArray();
    QTest::newRow("upper case") << QByteArray("GET") << "/_jobs/" + kJobId.toUpper() << 404 << QByteArray();
    QTest::newRow("31 digits") << QByteArray("GET") << "/_jobs/" + kJobId.left(31) << 404 << QByteArray();
    QTest::newRow("33 digits") << QByteArray("GET") << "/_jobs/" + kJobId + '0' << 404 << QByteArray();
    QTest::newRow("not hex") << QByteArray("GET") << "/_jobs/" + kJobId.left(31) + 'g' << 404 << QByteArray();
    QTest::newRow("a uuid") << QByteArray("GET") << QByteArray("/_jobs/01234567-89ab-cdef-0123-456789abcdef") << 404
                            << QByteArray();
    QTest::newRow("trailing slash") << QByteArray("GET") << "/_jobs/" + kJobId + '/' << 404 << QByteArray();
    QTest::newRow("other leaf") << QByteArray("GET") << "/_jobs/" + kJobId + "/results" << 404 << QByteArray();
    QTest::newRow("deeper") << QByteArray("GET") << "/_jobs/" + kJobId + "/result/x" << 404 << QByteArray();
    QTest::newRow("post") << QByteArray("POST") << "/_jobs/" + kJobId << 405 << QByteArray("GET, DELETE");
    QTest::newRow("delete result") << QByteArray("DELETE") << "/_jobs/" + kJobId + "/result" << 405 << QByteArray("GET");
}

void TestProxyJobs::badLookupsAreRefusedWithoutHandoff()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    QFETCH(QByteArray, allow);
    startProxy();
    RawClient client;
    QVERIFY(client.open(m_proxy->serverPort()));
    client.write(request(method, target, {"Prefer: respond-async"}));
    const std::optional<RawResponse> response = client.read();
    QVERIFY(response);
    QCOMPARE(response->status, status);
    QCOMPARE(response->headers.value("allow"), allow);
    QCOMPARE(m_calls.size(), 0);
    QCOMPARE(m_upstream->requests.size(), 0);
}

void TestProxyJobs::withoutHandlerPreferIsForwarded()
{
    startProxy({}, false);
    RawClient client;
    QVERIFY(client.open(m_proxy->serverPort()));
    client.write(request("POST", "/iris/predict", {"Prefer: respond-async", "Idempotency-Key: k"}, "{}"));
    std::optional<RawResponse> response = client.read();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(response->body, QByteArray("forwarded"));
    QCOMPARE(m_upstream->requests.size(), 1);
    QVERIFY(m_upstream->requests[0].contains("\r\nPrefer: respond-async\r\n"));
    QVERIFY(m_upstream->requests[0].contains("\r\nIdempotency-Key: k\r\n"));

    client.write(request("GET", "/_jobs/" + kJobId, {}));
    response = client.read();
    QVERIFY(response);
    QCOMPARE(response->status, 404);
    QCOMPARE(errorOf(*response)[u"details"_s].toObject()[u"endpoint"_s].toString(), u"_jobs"_s);
    QCOMPARE(m_calls.size(), 0);
}

QTEST_MAIN(TestProxyJobs)
#include "test_proxyjobs.moc"
