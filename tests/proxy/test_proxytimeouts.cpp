// The proxy's connect, read and idle timeouts, reached by moving its clock (Options::clock)
// instead of waiting for them: each is shown not to fire a millisecond early and to fire on
// time. The timeouts are minutes long, far beyond any wait here, so only the clock can reach
// them. Real sockets on loopback; the upstreams are scripted in this process.
#include <memory>
#include <optional>

#include <QScopeGuard>
#include <QTcpSocket>
#include <QTest>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proxy/proxyserver.h"
#include "proxytestsupport.h"
#include "support/manualmonotonicclock.h"

using namespace ServeDeck;
using namespace ProxyTest;
using namespace Qt::StringLiterals;

namespace {

// One client connection written to and read from by hand.
class RawClient
{
public:
    bool open(quint16 port)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        return m_socket.waitForConnected(kHttpMs);
    }
    void get(const QByteArray &path) { m_socket.write("GET " + path + " HTTP/1.1\r\nHost: proxy\r\n\r\n"); }
    std::optional<RawResponse> take() { return takeRawResponse(m_socket, m_buffer); }
    QTcpSocket &socket() { return m_socket; }

private:
    QTcpSocket m_socket;
    QByteArray m_buffer;
};

QJsonObject errorOf(const RawResponse &response)
{
    return QJsonDocument::fromJson(response.body).object().value(u"error"_s).toObject();
}

QByteArray rejected(const char *reason, int count)
{
    return "servedeck_proxy_rejected_total{reason=\"" + QByteArray(reason) + "\"} " + QByteArray::number(count) + '\n';
}

} // namespace

class TestProxyTimeouts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void silentUpstreamIs504AfterReadTimeout();
    void upstreamThatStopsMidAnswerIsCut();
    void hangingConnectIs504AfterConnectTimeout();
    void idleClientIsClosed();

private:
    ProxyServer &startProxy(ProxyServer::Options options, quint16 upstreamPort, const QString &endpoint);
    void advance(qint64 ms);

    std::shared_ptr<ManualMonotonicClock> m_clock;
    std::unique_ptr<ProxyServer> m_proxy;
    QUuid m_routeId;
};

void TestProxyTimeouts::init()
{
    m_clock = std::make_shared<ManualMonotonicClock>();
}

void TestProxyTimeouts::cleanup()
{
    m_proxy.reset();
}

ProxyServer &TestProxyTimeouts::startProxy(ProxyServer::Options options, quint16 upstreamPort, const QString &endpoint)
{
    options.workerThreads = 1;
    options.clock = m_clock;
    m_proxy = std::make_unique<ProxyServer>(options, nullptr);
    if (!m_proxy->listen(QHostAddress::LocalHost, 0))
        qWarning("proxy: %s", qPrintable(m_proxy->errorString()));
    auto snapshot = std::make_shared<RoutingSnapshot>();
    EndpointTable table;
    table.endpointId = QUuid::createUuid();
    table.name = endpoint;
    table.isPublic = true;
    table.routes = {routeTo(upstreamPort, u"v1"_s, 1)};
    m_routeId = table.routes[0].routeId;
    snapshot->endpoints.insert(table.name, table);
    m_proxy->publish(snapshot);
    return *m_proxy;
}

void TestProxyTimeouts::advance(qint64 ms)
{
    m_clock->advanceMs(ms);
    m_proxy->checkDeadlinesNow();
}

void TestProxyTimeouts::silentUpstreamIs504AfterReadTimeout()
{
    // Silent on /predict only: the same upstream answers /health.
    ScriptedUpstream silent;
    silent.respond = [](const QByteArray &request) {
        return request.startsWith("GET /health ") ? plainAnswer("ok") : QByteArray();
    };
    ProxyServer::Options options;
    options.readTimeoutMs = 120000;
    options.idleTimeoutMs = 1000000;
    ProxyServer &proxy = startProxy(options, silent.port(), u"slow"_s);

    RawClient client;
    QVERIFY(client.open(proxy.serverPort()));
    client.get("/slow/predict");
    QTRY_COMPARE_WITH_TIMEOUT(silent.requests.size(), 1, kHttpMs);
    advance(119999);
    QVERIFY(!client.take());
    QCOMPARE(proxy.routeCounters().value(m_routeId).inFlight, quint64(1));
    QVERIFY(proxy.metricsText().contains(rejected("timeout", 0)));

    advance(1);
    std::optional<RawResponse> response;
    QVERIFY(QTest::qWaitFor([&] { return bool(response = client.take()); }, kHttpMs));
    QCOMPARE(response->status, 504);
    QCOMPARE(errorOf(*response)[u"type"_s].toString(), u"Timeout"_s);
    QVERIFY2(errorOf(*response)[u"message"_s].toString().contains(u"did not answer within 120000 ms"_s),
             qPrintable(errorOf(*response)[u"message"_s].toString()));
    QVERIFY(proxy.metricsText().contains(rejected("timeout", 1)));
    ProxyServer::RouteCounters counters = proxy.routeCounters().value(m_routeId);
    QCOMPARE(counters.requests, quint64(1));
    QCOMPARE(counters.errors, quint64(1));
    QCOMPARE(counters.inFlight, quint64(0));

    // The timeout ended that exchange only: the route still serves, and counts it a success.
    client.get("/slow/health");
    response.reset();
    QVERIFY(QTest::qWaitFor([&] { return bool(response = client.take()); }, kHttpMs));
    QCOMPARE(response->status, 200);
    counters = proxy.routeCounters().value(m_routeId);
    QCOMPARE(counters.requests, quint64(2));
    QCOMPARE(counters.errors, quint64(1));
}

// The read timeout counts from the upstream's last byte: an answer that stops half way is cut
// (the head is out, so closing the connection is the only signal left).
void TestProxyTimeouts::upstreamThatStopsMidAnswerIsCut()
{
    ScriptedUpstream stalling;
    stalling.respond = [](const QByteArray &) {
        return QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nhalf");
    };
    ProxyServer::Options options;
    options.readTimeoutMs = 120000;
    options.idleTimeoutMs = 1000000;
    ProxyServer &proxy = startProxy(options, stalling.port(), u"stalling"_s);

    RawClient client;
    QVERIFY(client.open(proxy.serverPort()));
    client.get("/stalling/x");
    QTRY_VERIFY_WITH_TIMEOUT(client.socket().bytesAvailable() > 0, kHttpMs);
    QVERIFY(client.socket().peek(64).startsWith("HTTP/1.1 200"));
    advance(119999);
    QCOMPARE(client.socket().state(), QAbstractSocket::ConnectedState);
    QCOMPARE(proxy.routeCounters().value(m_routeId).inFlight, quint64(1));
    advance(1);
    QTRY_COMPARE_WITH_TIMEOUT(client.socket().state(), QAbstractSocket::UnconnectedState, kHttpMs);
    QVERIFY(proxy.metricsText().contains(rejected("timeout", 1)));
    QCOMPARE(proxy.routeCounters().value(m_routeId).errors, quint64(1));
}

// A listening socket whose accept queue is full: Linux drops further SYNs, so a connect to it
// neither succeeds nor fails, and only the connect timeout ends it.
void TestProxyTimeouts::hangingConnectIs504AfterConnectTimeout()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    QVERIFY(fd >= 0);
    const auto closeFd = qScopeGuard([fd] { ::close(fd); });
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    QVERIFY(::bind(fd, reinterpret_cast<sockaddr *>(&address), length) == 0);
    QVERIFY(::listen(fd, 0) == 0);  // room for one connection not yet accepted
    QVERIFY(::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) == 0);
    const quint16 port = ntohs(address.sin_port);
    QTcpSocket filler;
    filler.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(filler.waitForConnected(kHttpMs));

    ProxyServer::Options options;
    options.connectTimeoutMs = 120000;
    options.readTimeoutMs = 600000;  // never reached here: an accepted connect would show as no answer
    options.idleTimeoutMs = 1000000;
    ProxyServer &proxy = startProxy(options, port, u"blackhole"_s);
    RawClient client;
    QVERIFY(client.open(proxy.serverPort()));
    client.get("/blackhole/health");
    QTRY_COMPARE_WITH_TIMEOUT(proxy.routeCircuits().value(m_routeId).connections, 1, kHttpMs);
    advance(119999);
    QVERIFY(!client.take());
    QVERIFY(proxy.metricsText().contains(rejected("timeout", 0)));

    advance(1);
    std::optional<RawResponse> response;
    QVERIFY2(QTest::qWaitFor([&] { return bool(response = client.take()); }, kHttpMs),
             "no answer: the kernel must have accepted the connect past the full backlog");
    QCOMPARE(response->status, 504);
    QCOMPARE(errorOf(*response)[u"type"_s].toString(), u"Timeout"_s);
    QVERIFY2(errorOf(*response)[u"message"_s].toString().contains(u"could not connect"_s),
             qPrintable(errorOf(*response)[u"message"_s].toString()));
    QTRY_COMPARE_WITH_TIMEOUT(proxy.routeCircuits().value(m_routeId).connections, 0, kHttpMs);
}

// A keep-alive client that sends nothing for idleTimeoutMs is closed.
void TestProxyTimeouts::idleClientIsClosed()
{
    ScriptedUpstream upstream;
    upstream.response = plainAnswer("ok");
    ProxyServer::Options options;
    options.idleTimeoutMs = 100000;
    ProxyServer &proxy = startProxy(options, upstream.port(), u"quiet"_s);

    RawClient client;
    QVERIFY(client.open(proxy.serverPort()));
    client.get("/quiet/x");
    std::optional<RawResponse> response;
    QVERIFY(QTest::qWaitFor([&] { return bool(response = client.take()); }, kHttpMs));
    QCOMPARE(response->status, 200);
    // Idle from its answer on: a millisecond short it stays open and still serves.
    advance(99999);
    QCOMPARE(client.socket().state(), QAbstractSocket::ConnectedState);
    QVERIFY(proxy.metricsText().contains("servedeck_proxy_open_connections 1\n"));
    client.get("/quiet/y");
    QVERIFY(QTest::qWaitFor([&] { return bool(response = client.take()); }, kHttpMs));
    QCOMPARE(response->status, 200);
    advance(99999);
    QCOMPARE(client.socket().state(), QAbstractSocket::ConnectedState);
    advance(1);
    QTRY_COMPARE_WITH_TIMEOUT(client.socket().state(), QAbstractSocket::UnconnectedState, kHttpMs);
    QTRY_VERIFY_WITH_TIMEOUT(proxy.metricsText().contains("servedeck_proxy_open_connections 0\n"), kHttpMs);
}

QTEST_GUILESS_MAIN(TestProxyTimeouts)
#include "test_proxytimeouts.moc"
