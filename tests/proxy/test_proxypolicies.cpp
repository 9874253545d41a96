// End-to-end: what the routing snapshot asks of the proxy beyond weights. Header conditions,
// shadow copies, the circuit breaker (connections, pending requests, requests per connection,
// outlier ejection), wake from zero and upstream error reports; each against real upstreams on
// loopback (servedeck-model-server children, or scripted ones in this process where a fault
// must come on cue). Every wait is bounded, and every count asserted is exact.
#include <algorithm>
#include <memory>
#include <optional>

#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include "proxy/proxyserver.h"
#include "proxytestsupport.h"

using namespace ServeDeck;
using namespace ProxyTest;
using namespace Qt::StringLiterals;

namespace {

// Requests per direction in the condition test: enough that a leak of one in a hundred shows.
constexpr int kConditionRequests = 200;

// One keep-alive connection written to and read from by hand: its requests all reach one
// worker, in order, so round-robin and per-connection counts are exact.
class RawConnection
{
public:
    bool open(quint16 port)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        return m_socket.waitForConnected(kHttpMs);
    }

    void write(const QByteArray &method, const QByteArray &path, const Headers &headers = {})
    {
        QByteArray request = method + ' ' + path + " HTTP/1.1\r\nHost: proxy\r\n";
        for (const auto &[name, value] : headers)
            request += name + ": " + value + "\r\n";
        m_socket.write(request + "\r\n");
    }

    std::optional<RawResponse> request(const QByteArray &method, const QByteArray &path, const Headers &headers = {})
    {
        write(method, path, headers);
        return readRawResponse(m_socket, m_buffer);
    }

    // The response, if a whole one has arrived; never waits.
    std::optional<RawResponse> take() { return takeRawResponse(m_socket, m_buffer); }

private:
    QTcpSocket m_socket;
    QByteArray m_buffer;
};

QString errorTypeOf(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object().value(u"error"_s).toObject().value(u"type"_s).toString();
}

QJsonObject errorDetailsOf(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object().value(u"error"_s).toObject().value(u"details"_s).toObject();
}

RevisionPolicy condition(const QUuid &revision, const QByteArray &name, const QByteArray &value)
{
    RevisionPolicy policy;
    policy.revisionId = revision;
    policy.matchHeaderName = name;
    policy.matchHeaderValue = value;
    return policy;
}

RevisionPolicy shadowOf(const QUuid &revision)
{
    RevisionPolicy policy;
    policy.revisionId = revision;
    policy.shadow = true;
    return policy;
}

RouteTarget routeOf(const QUuid &revision, quint16 port, const QString &version, int weight)
{
    RouteTarget target = routeTo(port, version, weight);
    target.revisionId = revision;
    return target;
}

EndpointTable tableNamed(const QString &name)
{
    EndpointTable table;
    table.endpointId = QUuid::createUuid();
    table.name = name;
    table.isPublic = true;
    return table;
}

} // namespace

class TestProxyPolicies : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    // Condition-based serving
    void headerConditionSelectsTheRevision();
    void matchWithoutHealthyRouteNeverFallsThrough();
    // Shadow A/B
    void shadowGetsACopyOfEveryRequest();
    void slowShadowNeverHoldsTheClient();
    // Circuit breaker
    void floodOverPendingIsRefusedFast();
    void pendingRequestGivesUpInTime();
    void connectionCarriesAtMostMaxRequests_data();
    void connectionCarriesAtMostMaxRequests();
    void failingRouteIsEjectedAndComesBack();
    void ejectionsStayWithinMaxPercent_data();
    void ejectionsStayWithinMaxPercent();
    // Upstream failures
    void upstreamErrorsAreReportedOncePerWindow();
    // Wake from zero
    void heldRequestGoesOutWhenTheReplicaWakes();
    void heldRequestTimesOut();
    void heldRequestsAreBounded();
    void scaledToZeroWithoutWakeHandlerIsRefused();

private:
    ProxyServer &startProxy(ProxyServer::Options options = {});
    void publish(const QList<EndpointTable> &tables);

    ModelServer m_v1;
    ModelServer m_v2;
    ModelServer m_spare;
    Client m_client;
    std::unique_ptr<ProxyServer> m_proxy;  // each test's own
    quint64 m_version = 0;
};

void TestProxyPolicies::initTestCase()
{
    QVERIFY2(QFileInfo::exists(modelServerBinary()), "servedeck-model-server must be built first");
    QVERIFY(m_v1.start(u"iris-v1"_s, u"v1"_s));
    QVERIFY(m_v2.start(u"iris-v2"_s, u"v2"_s));
    QVERIFY(m_spare.start(u"iris-v2"_s, u"v3"_s));
}

void TestProxyPolicies::cleanup()
{
    m_proxy.reset();
}

ProxyServer &TestProxyPolicies::startProxy(ProxyServer::Options options)
{
    m_proxy = std::make_unique<ProxyServer>(options, nullptr);
    if (!m_proxy->listen(QHostAddress::LocalHost, 0))
        qWarning("proxy: %s", qPrintable(m_proxy->errorString()));
    return *m_proxy;
}

void TestProxyPolicies::publish(const QList<EndpointTable> &tables)
{
    auto snapshot = std::make_shared<RoutingSnapshot>();
    snapshot->version = ++m_version;
    for (const EndpointTable &table : tables)
        snapshot->endpoints.insert(table.name, table);
    m_proxy->publish(std::move(snapshot));
}

// `target: mountain` goes to the mountain revision's routes, by weight; everything else to the
// revision without a condition. Not one request crosses over.
void TestProxyPolicies::headerConditionSelectsTheRevision()
{
    ProxyServer &proxy = startProxy();
    const QUuid plain = QUuid::createUuid();
    const QUuid mountain = QUuid::createUuid();
    EndpointTable table = tableNamed(u"plants"_s);
    table.revisions = {condition(mountain, "target", "mountain")};
    table.routes = {routeOf(plain, m_v1.port(), u"imagenet"_s, 100), routeOf(mountain, m_v2.port(), u"mountain"_s, 75),
                    routeOf(mountain, m_spare.port(), u"mountain"_s, 25)};
    publish({table});
    const QByteArray plainRoute = idText(table.routes[0].routeId);
    const QSet<QByteArray> mountainRoutes{idText(table.routes[1].routeId), idText(table.routes[2].routeId)};

    // Matching: the value exactly, the name in any case, surrounding spaces aside.
    for (const QByteArray &header : {QByteArray("target"), QByteArray("Target"), QByteArray("TARGET")}) {
        const QList<Reply> replies = m_client.sendMany(proxy.serverPort(), kConditionRequests, u"/plants/health"_s,
                                                       {{header, " mountain "}});
        QHash<QByteArray, int> counts = countByRoute(replies);
        int toMountain = 0;
        for (const QByteArray &route : mountainRoutes)
            toMountain += counts.value(route);
        QCOMPARE(toMountain, kConditionRequests);
        QCOMPARE(counts.value(plainRoute), 0);
        for (const Reply &reply : replies) {
            QCOMPARE(reply.status, 200);
            QCOMPARE(reply.revision, QByteArray("mountain"));
        }
        // 75/25 among the mountain routes (smooth round-robin per worker: off by a few at most).
        const int first = counts.value(idText(table.routes[1].routeId));
        QVERIFY2(qAbs(first - kConditionRequests * 3 / 4) <= 8, qPrintable(u"%1 of %2"_s.arg(first).arg(kConditionRequests)));
    }

    // Not matching: no header, another value, another case of the value, another header.
    const QList<Headers> others{{}, {{"target", "sea"}}, {{"target", "Mountain"}}, {{"x-target", "mountain"}}};
    for (const Headers &headers : others) {
        const QList<Reply> replies = m_client.sendMany(proxy.serverPort(), kConditionRequests, u"/plants/health"_s, headers);
        const QHash<QByteArray, int> counts = countByRoute(replies);
        QCOMPARE(counts.value(plainRoute), kConditionRequests);
        for (const Reply &reply : replies)
            QCOMPARE(reply.revision, QByteArray("imagenet"));
    }
}

// A request that matches a revision whose routes are all down gets 503, never another revision.
void TestProxyPolicies::matchWithoutHealthyRouteNeverFallsThrough()
{
    ProxyServer &proxy = startProxy();
    const QUuid plain = QUuid::createUuid();
    const QUuid mountain = QUuid::createUuid();
    EndpointTable table = tableNamed(u"plants"_s);
    table.revisions = {condition(mountain, "target", "mountain")};
    table.routes = {routeOf(plain, m_v1.port(), u"imagenet"_s, 100)};  // the mountain revision has no HEALTHY route
    publish({table});

    const QList<Reply> replies = m_client.sendMany(proxy.serverPort(), 20, u"/plants/health"_s, {{"target", "mountain"}});
    for (const Reply &reply : replies) {
        QCOMPARE(reply.status, 503);
        QCOMPARE(reply.errorType(), u"NoHealthyRoute"_s);
        QVERIFY(reply.route.isEmpty());
        QCOMPARE(reply.json()[u"error"_s].toObject()[u"details"_s].toObject()[u"match_header"_s].toString(),
                 u"target: mountain"_s);
    }
    QCOMPARE(m_client.send(proxy.serverPort(), "GET", u"/plants/health"_s).status, 200);
}

// Every request served is copied to the shadow revision; clients only ever see the primary's
// answers, and the answers that differ are counted exactly.
void TestProxyPolicies::shadowGetsACopyOfEveryRequest()
{
    ProxyServer &proxy = startProxy();
    ScriptedUpstream primary;
    primary.response = plainAnswer("answer");
    ScriptedUpstream shadow;
    shadow.respond = [](const QByteArray &request) {
        if (request.contains(" /differ/"))
            return plainAnswer("ANSWER");  // same length, other bytes
        if (request.contains(" /status/"))
            return plainAnswer("answer", 201);
        return plainAnswer("answer");
    };
    const QUuid live = QUuid::createUuid();
    const QUuid candidate = QUuid::createUuid();
    EndpointTable table = tableNamed(u"mirror"_s);
    table.revisions = {shadowOf(candidate)};
    table.routes = {routeOf(live, primary.port(), u"live"_s, 100), routeOf(candidate, shadow.port(), u"candidate"_s, 100)};
    publish({table});

    constexpr int kSame = 40;
    constexpr int kDiffer = 15;
    constexpr int kStatus = 5;
    QList<QNetworkReply *> pending;
    for (int i = 0; i < kSame + kDiffer + kStatus; ++i) {
        const QString kind = i < kSame ? u"same"_s : i < kSame + kDiffer ? u"differ"_s : u"status"_s;
        pending.append(m_client.start(proxy.serverPort(), "GET", u"/mirror/%1/%2"_s.arg(kind).arg(i)));
    }
    QVERIFY(QTest::qWaitFor([&] { return std::all_of(pending.cbegin(), pending.cend(), [](auto *r) { return r->isFinished(); }); },
                            kBulkMs));
    for (QNetworkReply *r : pending) {
        const Reply reply = Client::collect(r);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.body, QByteArray("answer"));
        QCOMPARE(reply.revision, QByteArray("live"));
        QCOMPARE(reply.route, idText(table.routes[0].routeId));
    }

    constexpr int kTotal = kSame + kDiffer + kStatus;
    QCOMPARE(primary.requests.size(), kTotal);
    QTRY_COMPARE_WITH_TIMEOUT(shadow.requests.size(), kTotal, kHttpMs);
    for (const QByteArray &request : shadow.requests) {
        QVERIFY2(request.toLower().contains("\r\nx-servedeck-shadow: 1\r\n"), request.constData());
        QVERIFY2(request.toLower().contains(QByteArray("\r\nhost: 127.0.0.1:" + QByteArray::number(shadow.port()) + "\r\n")),
                 request.constData());
    }
    QTRY_COMPARE_WITH_TIMEOUT(proxy.shadowCounters().value(table.endpointId).comparisons, quint64(kTotal), kHttpMs);
    const ProxyServer::ShadowCounters counters = proxy.shadowCounters().value(table.endpointId);
    QCOMPARE(counters.requests, quint64(kTotal));
    QCOMPARE(counters.mismatches, quint64(kDiffer + kStatus));
    QCOMPARE(counters.errors, quint64(0));
    QCOMPARE(counters.dropped, quint64(0));
    QCOMPARE(counters.inFlight, quint64(0));
    QCOMPARE(counters.latencyBuckets.value(ProxyServer::latencyBucketBounds().size()), quint64(kTotal));
    // The shadow route never shows up as a route that served.
    QCOMPARE(proxy.routeCounters().value(table.routes[1].routeId).requests, quint64(0));
    const QByteArray metrics = m_client.send(proxy.serverPort(), "GET", u"/metrics"_s).body;
    QVERIFY(metrics.contains("servedeck_proxy_shadow_requests_total{endpoint=\"mirror\"} 60\n"));
    QVERIFY(metrics.contains("servedeck_proxy_shadow_mismatches_total{endpoint=\"mirror\"} 20\n"));
    QVERIFY(metrics.contains("servedeck_proxy_shadow_dropped_total{endpoint=\"mirror\"} 0\n"));
}

// A shadow that never answers costs the client nothing: its copies fill the in-flight limit,
// and every copy after that is dropped and counted.
void TestProxyPolicies::slowShadowNeverHoldsTheClient()
{
    ProxyServer::Options options;
    options.maxShadowInFlight = 4;
    options.shadowTimeoutMs = 60000;  // longer than this test: no copy ends while it runs
    ProxyServer &proxy = startProxy(options);
    ScriptedUpstream silent;
    silent.respond = [](const QByteArray &) { return QByteArray(); };
    const QUuid live = QUuid::createUuid();
    const QUuid candidate = QUuid::createUuid();
    EndpointTable table = tableNamed(u"mirror"_s);
    table.revisions = {shadowOf(candidate)};
    table.routes = {routeOf(live, m_v1.port(), u"v1"_s, 100), routeOf(candidate, silent.port(), u"candidate"_s, 100)};
    publish({table});

    constexpr int kRequests = 20;
    QElapsedTimer total;
    total.start();
    qint64 slowest = 0;
    for (int i = 0; i < kRequests; ++i) {
        QElapsedTimer one;
        one.start();
        const Reply reply = m_client.send(proxy.serverPort(), "POST", u"/mirror/predict"_s, R"({"features":[5.1,3.5,1.4,0.2]})");
        slowest = std::max(slowest, one.elapsed());
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.revision, QByteArray("v1"));
    }
    qInfo("%d requests in %lld ms, the slowest %lld ms", kRequests, total.elapsed(), slowest);
    QVERIFY2(slowest < 2000, qPrintable(u"a request took %1 ms"_s.arg(slowest)));

    QTRY_COMPARE_WITH_TIMEOUT(silent.requests.size(), 4, kHttpMs);
    const ProxyServer::ShadowCounters counters = proxy.shadowCounters().value(table.endpointId);
    QCOMPARE(counters.requests, quint64(4));
    QCOMPARE(counters.inFlight, quint64(4));
    QCOMPARE(counters.dropped, quint64(kRequests - 4));
    QCOMPARE(counters.comparisons, quint64(0));
    QCOMPARE(silent.requests.size(), 4);  // and no more arrived late
}

// max_connections 2, max_pending_requests 3: of 20 simultaneous requests 2 go out, 3 wait and
// 15 are refused at once with 503 CircuitOpen. When the upstream answers, the 5 are served,
// and afterwards requests pass as before.
void TestProxyPolicies::floodOverPendingIsRefusedFast()
{
    ProxyServer::Options options;
    options.pendingTimeoutMs = 60000;
    ProxyServer &proxy = startProxy(options);
    ScriptedUpstream upstream;
    upstream.response = plainAnswer("ok");
    upstream.holding = true;
    EndpointTable table = tableNamed(u"guarded"_s);
    table.circuitBreaker.maxConnections = 2;
    table.circuitBreaker.maxPendingRequests = 3;
    table.routes = {routeTo(upstream.port(), u"v1"_s, 100)};
    publish({table});
    const QUuid routeId = table.routes[0].routeId;

    constexpr int kFlood = 20;
    std::vector<std::unique_ptr<RawConnection>> clients;
    for (int i = 0; i < kFlood; ++i) {
        clients.push_back(std::make_unique<RawConnection>());
        QVERIFY(clients.back()->open(proxy.serverPort()));
    }
    QElapsedTimer timer;
    timer.start();
    for (const auto &client : clients)
        client->write("GET", "/guarded/work");

    QHash<int, std::optional<RawResponse>> answered;
    const auto collect = [&] {
        for (int i = 0; i < kFlood; ++i) {
            if (!answered.value(i)) {
                if (auto response = clients[std::size_t(i)]->take())
                    answered.insert(i, response);
            }
        }
        return std::count_if(answered.cbegin(), answered.cend(), [](const auto &r) { return r.has_value(); });
    };
    QVERIFY(QTest::qWaitFor([&] { return collect() == kFlood - 5 && upstream.requests.size() == 2; }, kHttpMs));
    const qint64 refusedWithin = timer.elapsed();
    qInfo("15 refusals within %lld ms", refusedWithin);
    QVERIFY2(refusedWithin < 5000, "refusals must not wait for the upstream");
    for (const auto &response : std::as_const(answered)) {
        QCOMPARE(response->status, 503);
        QCOMPARE(errorTypeOf(response->body), u"CircuitOpen"_s);
        QCOMPARE(response->headers.value("x-servedeck-circuit"), QByteArray("max_pending_requests"));
        QCOMPARE(response->headers.value("x-servedeck-route"), idText(routeId));
        QCOMPARE(errorDetailsOf(response->body)[u"reason"_s].toString(), u"max_pending_requests"_s);
    }
    ProxyServer::RouteCircuitStatus circuit = proxy.routeCircuits().value(routeId);
    QCOMPARE(circuit.connections, 2);
    QCOMPARE(circuit.pending, 3);
    QCOMPARE(circuit.overflows, quint64(kFlood - 5));
    QCOMPARE(upstream.accepted, 2);

    upstream.release();
    QVERIFY(QTest::qWaitFor([&] { return collect() == kFlood; }, kHttpMs));
    int served = 0;
    for (const auto &response : std::as_const(answered))
        served += response->status == 200 ? 1 : 0;
    QCOMPARE(served, 5);
    QCOMPARE(upstream.requests.size(), 5);
    circuit = proxy.routeCircuits().value(routeId);
    QCOMPARE(circuit.pending, 0);
    QVERIFY(circuit.connections <= 2);

    // After the flood: normal service for a load within the limits (one request at a time).
    for (int i = 0; i < 30; ++i)
        QCOMPARE(m_client.send(proxy.serverPort(), "GET", u"/guarded/work"_s).status, 200);
    QCOMPARE(upstream.requests.size(), 35);
    QVERIFY(proxy.routeCircuits().value(routeId).connections <= 2);
    QVERIFY(proxy.metricsText().contains("servedeck_proxy_rejected_total{reason=\"circuit_open\"} 15\n"));
}

// A request waiting for a connection waits at most pendingTimeoutMs, then gets 503 naming
// max_connections.
void TestProxyPolicies::pendingRequestGivesUpInTime()
{
    ProxyServer::Options options;
    options.pendingTimeoutMs = 300;
    ProxyServer &proxy = startProxy(options);
    ScriptedUpstream upstream;
    upstream.response = plainAnswer("ok");
    upstream.holding = true;
    EndpointTable table = tableNamed(u"narrow"_s);
    table.circuitBreaker.maxConnections = 1;
    table.circuitBreaker.maxPendingRequests = 1;
    table.routes = {routeTo(upstream.port(), u"v1"_s, 100)};
    publish({table});

    RawConnection first;
    RawConnection second;
    QVERIFY(first.open(proxy.serverPort()));
    QVERIFY(second.open(proxy.serverPort()));
    first.write("GET", "/narrow/a");
    QTRY_COMPARE_WITH_TIMEOUT(upstream.requests.size(), 1, kHttpMs);
    QElapsedTimer timer;
    timer.start();
    second.write("GET", "/narrow/b");
    std::optional<RawResponse> refused;
    QVERIFY(QTest::qWaitFor([&] { return bool(refused = second.take()); }, kHttpMs));
    const qint64 waited = timer.elapsed();
    QCOMPARE(refused->status, 503);
    QCOMPARE(refused->headers.value("x-servedeck-circuit"), QByteArray("max_connections"));
    QVERIFY2(waited >= 250 && waited < 5000, qPrintable(u"refused after %1 ms"_s.arg(waited)));
    QCOMPARE(proxy.routeCircuits().value(table.routes[0].routeId).pending, 0);

    upstream.release();
    std::optional<RawResponse> served;
    QVERIFY(QTest::qWaitFor([&] { return bool(served = first.take()); }, kHttpMs));
    QCOMPARE(served->status, 200);
    QCOMPARE(upstream.requests.size(), 1);
}

void TestProxyPolicies::connectionCarriesAtMostMaxRequests_data()
{
    QTest::addColumn<int>("limit");
    QTest::addColumn<int>("connections");
    QTest::newRow("unlimited") << 0 << 1;
    QTest::newRow("1 per connection") << 1 << 12;
    QTest::newRow("3 per connection") << 3 << 4;
    QTest::newRow("5 per connection") << 5 << 3;
}

// max_requests_per_connection: after that many answers the upstream connection is closed and
// the next request opens a new one (counted where the upstream accepts them).
void TestProxyPolicies::connectionCarriesAtMostMaxRequests()
{
    QFETCH(int, limit);
    QFETCH(int, connections);
    ProxyServer &proxy = startProxy();
    ScriptedUpstream upstream;
    upstream.response = plainAnswer("ok");
    EndpointTable table = tableNamed(u"recycled"_s);
    table.circuitBreaker.maxRequestsPerConnection = limit;
    table.routes = {routeTo(upstream.port(), u"v1"_s, 100)};
    publish({table});

    RawConnection client;
    QVERIFY(client.open(proxy.serverPort()));
    for (int i = 0; i < 12; ++i) {
        const std::optional<RawResponse> response = client.request("GET", "/recycled/x");
        QVERIFY(response);
        QCOMPARE(response->status, 200);
    }
    QCOMPARE(upstream.requests.size(), 12);
    QCOMPARE(upstream.accepted, connections);
}

// consecutive_errors 3: a route answering 500 three times in a row is ejected for the base
// time and gets nothing meanwhile; it comes back after, and a second ejection lasts twice as long.
void TestProxyPolicies::failingRouteIsEjectedAndComesBack()
{
    ProxyServer &proxy = startProxy();
    ScriptedUpstream failing;
    failing.response = plainAnswer("broken", 500);
    EndpointTable table = tableNamed(u"outlier"_s);
    table.circuitBreaker.consecutiveErrors = 3;
    table.circuitBreaker.baseEjectionMs = 2000;
    table.circuitBreaker.maxEjectionPercent = 50;
    table.routes = {routeTo(m_v1.port(), u"v1"_s, 1), routeTo(failing.port(), u"bad"_s, 1)};
    publish({table});
    const QUuid bad = table.routes[1].routeId;

    RawConnection client;
    QVERIFY(client.open(proxy.serverPort()));
    // Round-robin alternates: the sixth request at the latest is the third failure.
    int failures = 0;
    for (int i = 0; i < 6; ++i) {
        const std::optional<RawResponse> response = client.request("GET", "/outlier/health");
        QVERIFY(response);
        failures += response->status == 500 ? 1 : 0;
    }
    QCOMPARE(failures, 3);
    QCOMPARE(failing.requests.size(), 3);
    ProxyServer::RouteCircuitStatus circuit = proxy.routeCircuits().value(bad);
    QCOMPARE(circuit.state, ProxyServer::CircuitState::Ejected);
    QCOMPARE(circuit.timesEjected, 1);
    QCOMPARE(circuit.ejections, quint64(1));
    QVERIFY(circuit.ejectedForMs > 0 && circuit.ejectedForMs <= 2000);

    // Ejected: all traffic to the healthy route.
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < 20; ++i) {
        const std::optional<RawResponse> response = client.request("GET", "/outlier/health");
        QVERIFY(response);
        QCOMPARE(response->status, 200);
    }
    QVERIFY2(timer.elapsed() < 2000, "the requests must all fall within the ejection");
    QCOMPARE(failing.requests.size(), 3);
    const QByteArray metrics = proxy.metricsText();
    QVERIFY(metrics.contains(QByteArray("servedeck_proxy_route_ejected{endpoint=\"outlier\",route=\"" + idText(bad)
                                        + "\",revision=\"bad\"} 1\n")));

    // Back after the base time.
    QTRY_COMPARE_WITH_TIMEOUT(proxy.routeCircuits().value(bad).state, ProxyServer::CircuitState::Closed, 10000);
    failures = 0;
    for (int i = 0; i < 6; ++i) {
        const std::optional<RawResponse> response = client.request("GET", "/outlier/health");
        QVERIFY(response);
        failures += response->status == 500 ? 1 : 0;
    }
    QCOMPARE(failures, 3);
    QCOMPARE(failing.requests.size(), 6);
    circuit = proxy.routeCircuits().value(bad);
    QCOMPARE(circuit.state, ProxyServer::CircuitState::Ejected);
    QCOMPARE(circuit.timesEjected, 2);
    QVERIFY2(circuit.ejectedForMs > 2000 && circuit.ejectedForMs <= 4000,
             qPrintable(u"ejected for %1 ms"_s.arg(circuit.ejectedForMs)));
}

void TestProxyPolicies::ejectionsStayWithinMaxPercent_data()
{
    QTest::addColumn<int>("percent");
    QTest::addColumn<int>("ejected");
    QTest::addColumn<int>("answeredByUpstream");
    QTest::addColumn<int>("refused");

    QTest::newRow("0%: none") << 0 << 0 << 20 << 0;
    QTest::newRow("25%: one of four") << 25 << 1 << 20 << 0;
    QTest::newRow("50%: two of four") << 50 << 2 << 20 << 0;
    QTest::newRow("74%: still two") << 74 << 2 << 20 << 0;
    QTest::newRow("100%: all, then refused") << 100 << 4 << 4 << 16;
}

// Four routes that all fail (consecutive_errors 1): never more than max_ejection_percent of them
// are ejected at once; the rest keep taking traffic.
void TestProxyPolicies::ejectionsStayWithinMaxPercent()
{
    QFETCH(int, percent);
    QFETCH(int, ejected);
    QFETCH(int, answeredByUpstream);
    QFETCH(int, refused);
    ProxyServer &proxy = startProxy();
    ScriptedUpstream failing;
    failing.response = plainAnswer("broken", 503);
    EndpointTable table = tableNamed(u"failing"_s);
    table.circuitBreaker.consecutiveErrors = 1;
    table.circuitBreaker.baseEjectionMs = 60000;
    table.circuitBreaker.maxEjectionPercent = percent;
    for (int i = 0; i < 4; ++i)
        table.routes.append(routeTo(failing.port(), u"v1"_s, 1));
    publish({table});

    RawConnection client;
    QVERIFY(client.open(proxy.serverPort()));
    int fromUpstream = 0;
    int circuitOpen = 0;
    for (int i = 0; i < 20; ++i) {
        const std::optional<RawResponse> response = client.request("GET", "/failing/x");
        QVERIFY(response);
        if (response->headers.value("x-servedeck-circuit") == "outlier_ejection") {
            QCOMPARE(errorTypeOf(response->body), u"CircuitOpen"_s);
            ++circuitOpen;
        } else {
            QCOMPARE(response->body, QByteArray("broken"));
            ++fromUpstream;
        }
    }
    QCOMPARE(fromUpstream, answeredByUpstream);
    QCOMPARE(circuitOpen, refused);
    QCOMPARE(failing.requests.size(), answeredByUpstream);
    int nowEjected = 0;
    const QHash<QUuid, ProxyServer::RouteCircuitStatus> circuits = proxy.routeCircuits();
    for (const RouteTarget &route : table.routes)
        nowEjected += circuits.value(route.routeId).state == ProxyServer::CircuitState::Ejected ? 1 : 0;
    QCOMPARE(nowEjected, ejected);
}

// 502s and 504s reach the owning thread's handler at most once per route per window: the first
// at once, the rest of the window summed into one report when it ends. No failure is lost.
void TestProxyPolicies::upstreamErrorsAreReportedOncePerWindow()
{
    ProxyServer::Options options;
    options.errorReportWindowMs = 1500;
    options.readTimeoutMs = 200;
    ProxyServer &proxy = startProxy(options);
    QList<ProxyServer::UpstreamErrorReport> reports;
    QElapsedTimer clock;
    clock.start();
    QList<qint64> reportedAt;
    proxy.setUpstreamErrorHandler([&](const ProxyServer::UpstreamErrorReport &report) {
        reports.append(report);
        reportedAt.append(clock.elapsed());
    });
    ScriptedUpstream silent;
    silent.respond = [](const QByteArray &) { return QByteArray(); };
    EndpointTable refusing = tableNamed(u"refusing"_s);
    refusing.routes = {routeTo(deadPort(), u"v1"_s, 1)};
    EndpointTable slow = tableNamed(u"slow"_s);
    slow.routes = {routeTo(silent.port(), u"v2"_s, 1)};
    publish({refusing, slow});
    const QUuid refusingRoute = refusing.routes[0].routeId;
    const QUuid slowRoute = slow.routes[0].routeId;

    constexpr int kRefused = 8;
    QElapsedTimer burst;
    burst.start();
    for (int i = 0; i < kRefused; ++i) {
        const Reply reply = m_client.send(proxy.serverPort(), "GET", u"/refusing/health"_s);
        QCOMPARE(reply.status, 502);
        QCOMPARE(reply.errorType(), u"ProxyUpstreamError"_s);
    }
    for (int i = 0; i < 3; ++i) {
        const Reply reply = m_client.send(proxy.serverPort(), "GET", u"/slow/health"_s);
        QCOMPARE(reply.status, 504);
        QCOMPARE(reply.errorType(), u"Timeout"_s);
    }
    // However long the burst took (a loaded machine may need more than one window), what the
    // window promises is checked, bounded: each route's first failure reported at once and alone,
    // its reports at least a window apart, and their counts adding up to every failure.
    const qint64 burstMs = burst.elapsed();
    const qint64 burstEndedAt = clock.elapsed();

    const auto of = [&reports](const QUuid &route) {
        QList<ProxyServer::UpstreamErrorReport> out;
        for (const auto &report : std::as_const(reports)) {
            if (report.routeId == route)
                out.append(report);
        }
        return out;
    };
    const auto sum = [](const QList<ProxyServer::UpstreamErrorReport> &list) {
        quint64 total = 0;
        for (const auto &report : list)
            total += report.count;
        return total;
    };
    const auto timesOf = [&](const QUuid &route) {
        QList<qint64> out;
        for (qsizetype i = 0; i < reports.size(); ++i) {
            if (reports[i].routeId == route)
                out.append(reportedAt[i]);
        }
        return out;
    };
    // The first failure of each route, reported at once (before the burst was over), alone.
    QVERIFY(!of(refusingRoute).isEmpty());
    QVERIFY(!of(slowRoute).isEmpty());
    QVERIFY2(timesOf(refusingRoute).first() <= burstEndedAt, qPrintable(u"first report at %1 ms"_s.arg(timesOf(refusingRoute).first())));
    const ProxyServer::UpstreamErrorReport first = of(refusingRoute).first();
    QCOMPARE(first.count, quint64(1));
    QCOMPARE(first.type, u"ProxyUpstreamError"_s);
    QCOMPARE(first.status, 502);
    QCOMPARE(first.endpointId, refusing.endpointId);
    QCOMPARE(first.endpointName, u"refusing"_s);
    QCOMPARE(first.modelVersion, u"v1"_s);
    QVERIFY(!first.message.isEmpty());
    const ProxyServer::UpstreamErrorReport firstSlow = of(slowRoute).first();
    QCOMPARE(firstSlow.type, u"Timeout"_s);
    QCOMPARE(firstSlow.status, 504);
    QCOMPARE(firstSlow.count, quint64(1));

    // As windows end: the rest in later reports, none lost.
    QTRY_COMPARE_WITH_TIMEOUT(sum(of(refusingRoute)), quint64(kRefused), 10000 + int(burstMs));
    QTRY_COMPARE_WITH_TIMEOUT(sum(of(slowRoute)), quint64(3), 10000 + int(burstMs));
    for (const QUuid &route : {refusingRoute, slowRoute}) {
        const QList<qint64> at = timesOf(route);
        QVERIFY(at.size() >= 2);
        for (qsizetype i = 1; i < at.size(); ++i)
            QVERIFY2(at[i] - at[i - 1] >= options.errorReportWindowMs - 50, qPrintable(u"reports %1 ms apart"_s.arg(at[i] - at[i - 1])));
    }
    // A burst within one window: the whole rest in one report.
    if (burstMs < options.errorReportWindowMs) {
        QCOMPARE(of(refusingRoute).size(), 2);
        QCOMPARE(of(slowRoute).size(), 2);
        QCOMPARE(of(refusingRoute).last().count, quint64(kRefused - 1));
    }
}

// Scaled to zero: the first request is held, the wake handler runs once, and the answer comes
// from the replica the handler brought up.
void TestProxyPolicies::heldRequestGoesOutWhenTheReplicaWakes()
{
    ProxyServer::Options options;
    options.wakeTimeoutMs = 20000;
    ProxyServer &proxy = startProxy(options);
    EndpointTable table = tableNamed(u"sleepy"_s);
    table.desiredReplicas = 0;
    publish({table});

    ModelServer woken;
    int wakes = 0;
    QUuid wokenId;
    RouteTarget route;
    proxy.setWakeHandler([&](const QUuid &endpointId) {
        ++wakes;
        wokenId = endpointId;
        // As the autoscaler would: the desired count goes up first, the replica follows.
        EndpointTable scaling = table;
        scaling.desiredReplicas = 1;
        publish({scaling});
        QTimer::singleShot(0, m_proxy.get(), [&, scaling]() mutable {
            QVERIFY(woken.start(u"iris-v2"_s, u"v2"_s));
            route = routeTo(woken.port(), u"v2"_s, 1);
            scaling.routes = {route};
            publish({scaling});
        });
    });

    QElapsedTimer timer;
    timer.start();
    const QList<Reply> replies = m_client.sendMany(proxy.serverPort(), 3, u"/sleepy/health"_s);
    qInfo("answered after %lld ms", timer.elapsed());
    QCOMPARE(wakes, 1);
    QCOMPARE(wokenId, table.endpointId);
    for (const Reply &reply : replies) {
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.route, idText(route.routeId));  // a route that did not exist when it arrived
        QCOMPARE(reply.revision, QByteArray("v2"));
    }
    const QByteArray metrics = proxy.metricsText();
    QVERIFY(metrics.contains("servedeck_proxy_wakes_total 1\n"));
    QVERIFY(metrics.contains("servedeck_proxy_held_requests 0\n"));
    // Awake now: the next request goes straight through, and asks nothing.
    QCOMPARE(m_client.send(proxy.serverPort(), "GET", u"/sleepy/health"_s).status, 200);
    QCOMPARE(wakes, 1);
}

// No replica in time: 503 NoHealthyRoute saying so, after the hold time and not before.
void TestProxyPolicies::heldRequestTimesOut()
{
    ProxyServer::Options options;
    options.wakeTimeoutMs = 400;
    ProxyServer &proxy = startProxy(options);
    EndpointTable table = tableNamed(u"comatose"_s);
    table.desiredReplicas = 0;
    publish({table});
    int wakes = 0;
    proxy.setWakeHandler([&wakes](const QUuid &) { ++wakes; });

    QElapsedTimer timer;
    timer.start();
    const QList<Reply> replies = m_client.sendMany(proxy.serverPort(), 2, u"/comatose/predict"_s);
    const qint64 elapsed = timer.elapsed();
    for (const Reply &reply : replies) {
        QCOMPARE(reply.status, 503);
        QCOMPARE(reply.errorType(), u"NoHealthyRoute"_s);
        QVERIFY2(reply.errorMessage().contains(u"scaled to zero; no replica became healthy within 1 s"_s),
                 qPrintable(reply.errorMessage()));
        QCOMPARE(reply.json()[u"error"_s].toObject()[u"details"_s].toObject()[u"reason"_s].toString(), u"wake_timeout"_s);
    }
    QVERIFY2(elapsed >= 350 && elapsed < 5000, qPrintable(u"answered after %1 ms"_s.arg(elapsed)));
    QCOMPARE(wakes, 1);
    QVERIFY(proxy.metricsText().contains("servedeck_proxy_rejected_total{reason=\"wake_timeout\"} 2\n"));
}

// At most maxHeldRequests wait per endpoint; the others are refused at once.
void TestProxyPolicies::heldRequestsAreBounded()
{
    ProxyServer::Options options;
    options.wakeTimeoutMs = 1500;
    options.maxHeldRequests = 2;
    ProxyServer &proxy = startProxy(options);
    EndpointTable table = tableNamed(u"crowded"_s);
    table.desiredReplicas = 0;
    publish({table});
    int wakes = 0;
    proxy.setWakeHandler([&wakes](const QUuid &) { ++wakes; });

    std::vector<std::unique_ptr<RawConnection>> clients;
    for (int i = 0; i < 5; ++i) {
        clients.push_back(std::make_unique<RawConnection>());
        QVERIFY(clients.back()->open(proxy.serverPort()));
        clients.back()->write("GET", "/crowded/x");
    }
    QHash<int, RawResponse> answers;
    const auto collect = [&] {
        for (int i = 0; i < 5; ++i) {
            if (!answers.contains(i)) {
                if (auto response = clients[std::size_t(i)]->take())
                    answers.insert(i, *response);
            }
        }
        return answers.size();
    };
    QElapsedTimer timer;
    timer.start();
    QVERIFY(QTest::qWaitFor([&] { return collect() == 3; }, kHttpMs));
    QVERIFY2(timer.elapsed() < 1400, "the refusals must not wait for the hold time");
    for (const RawResponse &response : std::as_const(answers)) {
        QCOMPARE(response.status, 503);
        QCOMPARE(errorDetailsOf(response.body)[u"reason"_s].toString(), u"held_full"_s);
    }
    QVERIFY(QTest::qWaitFor([&] { return collect() == 5; }, kHttpMs));
    int timedOut = 0;
    for (const RawResponse &response : std::as_const(answers))
        timedOut += errorDetailsOf(response.body)[u"reason"_s].toString() == u"wake_timeout" ? 1 : 0;
    QCOMPARE(timedOut, 2);
    QCOMPARE(wakes, 1);
}

// Nobody to wake it: refused at once, as any endpoint without a HEALTHY route.
void TestProxyPolicies::scaledToZeroWithoutWakeHandlerIsRefused()
{
    ProxyServer &proxy = startProxy();
    EndpointTable table = tableNamed(u"idle"_s);
    table.desiredReplicas = 0;
    publish({table});
    QElapsedTimer timer;
    timer.start();
    const Reply reply = m_client.send(proxy.serverPort(), "GET", u"/idle/health"_s);
    QCOMPARE(reply.status, 503);
    QCOMPARE(reply.errorType(), u"NoHealthyRoute"_s);
    QCOMPARE(reply.json()[u"error"_s].toObject()[u"details"_s].toObject()[u"reason"_s].toString(), u"scaled_to_zero"_s);
    QVERIFY(timer.elapsed() < 2000);
}

QTEST_GUILESS_MAIN(TestProxyPolicies)
#include "test_proxypolicies.moc"
