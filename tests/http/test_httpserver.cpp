#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTcpSocket>
#include <array>

#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/httpresponsestream.h"
#include "http/httpserver.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr int kWaitMs = 5000;

struct RawResponse
{
    int status = 0;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    bool hasContentLength = false;

    QByteArray header(QByteArrayView name) const
    {
        for (const auto &[field, value] : headers) {
            if (name.compare(field, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

// Client over a raw QTcpSocket so that the bytes on the wire are exact. The
// response reader only understands what the server under test emits (status
// line, headers, Content-Length framing) and is strict about it.
class RawClient
{
public:
    bool connectTo(quint16 port)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, kWaitMs);
    }

    void send(QByteArrayView bytes)
    {
        m_socket.write(bytes.data(), bytes.size());
        m_socket.flush();
    }

    // Sends in small slices and lets the server run between them, so that
    // request lines, headers and chunks are split across reads.
    void sendFragmented(QByteArrayView bytes, qsizetype slice = 3)
    {
        for (qsizetype i = 0; i < bytes.size(); i += slice) {
            send(bytes.sliced(i, std::min(slice, bytes.size() - i)));
            QCoreApplication::processEvents();
        }
    }

    std::optional<RawResponse> read(bool headRequest = false)
    {
        std::optional<RawResponse> response;
        const bool arrived = QTest::qWaitFor([&] {
            m_buffer += m_socket.readAll();
            response = take(headRequest);
            return response.has_value();
        }, kWaitMs);
        Q_UNUSED(arrived);  // the empty optional says it
        return response;
    }

    bool waitClosed()
    {
        return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::UnconnectedState; }, kWaitMs);
    }

    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    QByteArray unread() { return m_buffer + m_socket.readAll(); }
    QTcpSocket &socket() { return m_socket; }

private:
    std::optional<RawResponse> take(bool headRequest)
    {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return std::nullopt;
        RawResponse response;
        const QList<QByteArray> lines = m_buffer.left(end).split('\n');
        const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
        if (statusLine.size() < 2 || statusLine.first() != "HTTP/1.1")
            return std::nullopt;
        response.status = statusLine.at(1).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            response.headers.emplaceBack(line.left(colon).trimmed(), line.mid(colon + 1).trimmed());
        }
        const QByteArray length = response.header("content-length");
        response.hasContentLength = !length.isEmpty();
        const bool noBody = headRequest || response.status < 200 || response.status == 204 || response.status == 304;
        const qsizetype bodySize = noBody ? 0 : length.toLongLong();
        if (m_buffer.size() < end + 4 + bodySize)
            return std::nullopt;
        response.body = m_buffer.mid(end + 4, bodySize);
        m_buffer.remove(0, end + 4 + bodySize);
        return response;
    }

    QTcpSocket m_socket;
    QByteArray m_buffer;
};

QByteArray get(const QByteArray &target, const QByteArray &extraHeaders = {})
{
    return "GET " + target + " HTTP/1.1\r\nHost: test\r\n" + extraHeaders + "\r\n";
}

QByteArray post(const QByteArray &target, const QByteArray &body)
{
    return "POST " + target + " HTTP/1.1\r\nHost: test\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\n\r\n" + body;
}

QJsonObject errorJson(const QString &type, const QString &message, const QJsonObject &details)
{
    return QJsonObject{{u"error"_s, QJsonObject{{u"type"_s, type}, {u"message"_s, message}, {u"details"_s, details}}}};
}

// How often testHandler ran: a refused request must never reach it.
int g_handlerCalls = 0;

// Routes used by the tests; everything else echoes the request as JSON.
HttpResponse testHandler(const HttpRequest &request)
{
    ++g_handlerCalls;
    if (request.path == "/boom")
        throw std::runtime_error("handler exploded");
    if (request.path == "/weird")
        throw 42;
    if (request.path == "/big") {
        const int size = request.query.queryItemValue(u"size"_s).toInt();
        const QByteArray fillParam = request.query.queryItemValue(u"fill"_s).toLatin1();
        const char fill = fillParam.isEmpty() ? 'x' : fillParam.front();
        return HttpResponse::text(200, QByteArray(size, fill));
    }
    if (request.path == "/nocontent")
        return HttpResponse{204, {}, QByteArray("ignored")};
    if (request.path == "/framing") {
        HttpResponse response = HttpResponse::text(200, "abc");
        response.headers.emplaceBack("Content-Length", "999");
        response.headers.emplaceBack("X-Evil", "a\r\nInjected: yes");
        response.headers.emplaceBack("X-Fine", "ok");
        return response;
    }
    if (request.path == "/close-please") {
        HttpResponse response = HttpResponse::text(200, "bye");
        response.headers.emplaceBack("Connection", "close");
        return response;
    }

    QJsonObject query;
    const auto items = request.query.queryItems(QUrl::FullyDecoded);
    for (const auto &[key, value] : items)
        query.insert(key, value);
    QJsonArray headers;
    for (const auto &[name, value] : request.headers)
        headers.append(QJsonArray{QString::fromLatin1(name), QString::fromLatin1(value)});
    return HttpResponse::json(200, QJsonDocument(QJsonObject{
        {u"method"_s, QString::fromLatin1(request.method)},
        {u"path"_s, QString::fromUtf8(request.path)},
        {u"query"_s, query},
        {u"headers"_s, headers},
        {u"contentType"_s, QString::fromLatin1(request.header("content-type"))},
        {u"body"_s, QString::fromUtf8(request.body)},
        {u"peer"_s, request.peer.toString()},
    }));
}

} // namespace

class TestHttpServer : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<HttpServer> startServer(const HttpServer::Limits &limits = {})
    {
        auto server = std::make_unique<HttpServer>(testHandler);
        server->setLimits(limits);
        if (!server->listen(QHostAddress::LocalHost, 0))
            return nullptr;
        return server;
    }

private Q_SLOTS:
    void jsonRoundTripWithNetworkAccessManager()
    {
        const auto server = startServer();
        QVERIFY(server);
        QVERIFY(server->serverPort() != 0);
        QCOMPARE(server->serverAddress(), QHostAddress(QHostAddress::LocalHost));

        QNetworkAccessManager manager;
        QNetworkRequest request(QUrl(u"http://127.0.0.1:%1/v1/services/echo?name=a%20b"_s.arg(server->serverPort())));
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        const QByteArray payload = QJsonDocument(QJsonObject{{u"model"_s, u"llama"_s}}).toJson(QJsonDocument::Compact);
        std::unique_ptr<QNetworkReply> reply(manager.post(request, payload));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        QVERIFY(finished.wait(kWaitMs));

        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(reply->rawHeader("Content-Type"), "application/json");
        QCOMPARE(reply->rawHeader("Server"), "servedeck");
        const QByteArray body = reply->readAll();
        QCOMPARE(reply->rawHeader("Content-Length").toLongLong(), body.size());
        const QJsonObject echo = QJsonDocument::fromJson(body).object();
        QCOMPARE(echo.value(u"method"_s).toString(), u"POST"_s);
        QCOMPARE(echo.value(u"path"_s).toString(), u"/v1/services/echo"_s);
        QCOMPARE(echo.value(u"query"_s).toObject().value(u"name"_s).toString(), u"a b"_s);
        QCOMPARE(echo.value(u"contentType"_s).toString(), u"application/json"_s);
        QCOMPARE(echo.value(u"peer"_s).toString(), u"127.0.0.1"_s);
        QCOMPARE(QJsonDocument::fromJson(echo.value(u"body"_s).toString().toUtf8()).object().value(u"model"_s).toString(),
                 u"llama"_s);
    }

    void bodyLimitSeenByNetworkAccessManager()
    {
        // QNAM uploads the whole body without waiting; it must still get the 413.
        HttpServer::Limits limits;
        limits.maxBodyBytes = 64 * 1024;
        const auto server = startServer(limits);
        QVERIFY(server);
        QNetworkAccessManager manager;
        QNetworkRequest request(QUrl(u"http://127.0.0.1:%1/upload"_s.arg(server->serverPort())));
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/octet-stream"_s);
        std::unique_ptr<QNetworkReply> reply(manager.post(request, QByteArray(4 * 1024 * 1024, 'u')));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        QVERIFY(finished.wait(kWaitMs));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 413);
        const QJsonObject error = QJsonDocument::fromJson(reply->readAll()).object().value(u"error"_s).toObject();
        QCOMPARE(error.value(u"type"_s).toString(), u"PayloadTooLarge"_s);
        QCOMPARE(error.value(u"details"_s).toObject().value(u"limit"_s).toInt(), 64 * 1024);
    }

    // The kernel completes a burst of handshakes while the server is busy (its loop not running):
    // with Qt's default backlog of 50 the rest would be dropped and resent a second later.
    void aBurstOfConnectionsWaitsInTheBacklog()
    {
        const auto server = startServer();
        QVERIFY(server);
        const sockaddr_in address = [&] {
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_port = htons(server->serverPort());
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            return a;
        }();
        // More than Qt's 50, within the system's limit (4,096 by default since Linux 5.4).
        QFile limitFile(QStringLiteral("/proc/sys/net/core/somaxconn"));
        QVERIFY(limitFile.open(QIODevice::ReadOnly));
        const int burst = std::min(300, limitFile.readAll().trimmed().toInt());
        QVERIFY2(burst > 100, "net.core.somaxconn is too small to tell a backlog of 50 from the system's");
        std::vector<pollfd> sockets;
        const auto closeAll = qScopeGuard([&] {
            for (const pollfd &socket : sockets)
                ::close(socket.fd);
        });
        for (int i = 0; i < burst; ++i) {
            const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            QVERIFY(fd >= 0);
            sockets.push_back({fd, POLLOUT, 0});
            QVERIFY(::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0
                    || errno == EINPROGRESS);
        }
        // Without running the event loop: only the kernel's queue can hold them.
        QElapsedTimer waited;
        waited.start();
        int connected = 0;
        while (connected < burst && waited.elapsed() < 3000) {
            connected = 0;
            for (pollfd &socket : sockets)
                socket.revents = 0;
            ::poll(sockets.data(), nfds_t(sockets.size()), 100);
            for (const pollfd &socket : sockets) {
                int error = 0;
                socklen_t length = sizeof error;
                if ((socket.revents & POLLOUT) && ::getsockopt(socket.fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0
                    && error == 0)
                    ++connected;
            }
        }
        QCOMPARE(connected, burst);
        // And each is then served.
        const QByteArray request = "GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        for (const pollfd &socket : sockets)
            QCOMPARE(::send(socket.fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL), request.size());
        int answered = 0;
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
            for (pollfd &socket : sockets) {
                char buffer[512];
                if (socket.events == 0)
                    continue;
                const ssize_t n = ::recv(socket.fd, buffer, sizeof buffer, MSG_DONTWAIT);
                if (n > 0 && QByteArrayView(buffer, n).startsWith("HTTP/1.1 200")) {
                    socket.events = 0;
                    ++answered;
                }
            }
            return answered == burst;
        }()), kWaitMs);
    }

    void keepAliveServesSeveralRequests()
    {
        const auto server = startServer();
        QVERIFY(server);
        RawClient client;
        QVERIFY(client.connectTo(server->serverPort()));
        for (int i = 0; i < 3; ++i) {
            const QByteArray path = "/req/" + QByteArray::number(i);
            client.send(get(path));
            const auto response = client.read();
            QVERIFY(response);
            QCOMPARE(response->status, 200);
            QVERIFY(response->hasContentLength);
            QCOMPARE(response->header("server"), "servedeck");
            QCOMPARE(response->header("connection"), QByteArray());
            QCOMPARE(response->json().value(u"path"_s).toString(), QString::fromLatin1(path));
            QVERIFY(client.isConnected());
        }
    }

    void pipelinedRequestsAnsweredInOrder_data()
    {
        QTest::addColumn<bool>("fragmented");
        QTest::newRow("one write") << false;
        QTest::newRow("fragmented") << true;
    }

    void pipelinedRequestsAnsweredInOrder()
    {
        QFETCH(bool, fragmented);
        const auto server = startServer();
        QVERIFY(server);
        RawClient client;
        QVERIFY(client.connectTo(server->serverPort()));
        const QByteArray requests = get("/a") + post("/b", "payload-b") + get("/c?x=1");
        if (fragmented)
            client.sendFragmented(requests);
        else
            client.send(requests);

        const auto a = client.read();
        const auto b = client.read();
        const auto c = client.read();
        QVERIFY(a && b && c);
        QCOMPARE(a->json().value(u"path"_s).toString(), u"/a"_s);
        QCOMPARE(b->json().value(u"path"_s).toString(), u"/b"_s);
        QCOMPARE(b->json().value(u"body"_s).toString(), u"payload-b"_s);
        QCOMPARE(c->json().value(u"path"_s).toString(), u"/c"_s);
        QCOMPARE(c->json().value(u"query"_s).toObject().value(u"x"_s).toString(), u"1"_s);
        QVERIFY(client.isConnected());
    }

    void pipelinedLargeResponsesKeepOrder()
    {
        // Far more output than the server buffers before it stops parsing
        // pipelined requests: exercises write back-pressure and resumption.
        const auto server = startServer();
        QVERIFY(server);
        RawClient client;
        QVERIFY(client.connectTo(server->serverPort()));
        constexpr int kRequests = 60;
        constexpr int kSize = 256 * 1024;
        QByteArray requests;
        for (int i = 0; i < kRequests; ++i)
            requests += get("/big?size=" + QByteArray::number(kSize) + "&fill=" + QByteArray(1, char('a' + i % 26)));
        client.send(requests);
        for (int i = 0; i < kRequests; ++i) {
            const auto response = client.read();
            QVERIFY2(response, qPrintable(u"response %1 missing"_s.arg(i)));
            QCOMPARE(response->status, 200);
            QCOMPARE(response->body.size(), kSize);
            QCOMPARE(response->body.front(), char('a' + i % 26));
        }
    }

    void connectionPersistence_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<bool>("expectClose");
        QTest::addColumn<QByteArray>("expectConnectionHeader");

        QTest::newRow("HTTP/1.1 default keep-alive")
            << QByteArray("GET /p HTTP/1.1\r\nHost: t\r\n\r\n") << false << QByteArray();
        QTest::newRow("HTTP/1.1 Connection: close")
            << QByteArray("GET /p HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n") << true << QByteArray("close");
        QTest::newRow("HTTP/1.1 connection: Close")
            << QByteArray("GET /p HTTP/1.1\r\nHost: t\r\nconnection: Close\r\n\r\n") << true << QByteArray("close");
        QTest::newRow("HTTP/1.0 default close")
            << QByteArray("GET /p HTTP/1.0\r\n\r\n") << true << QByteArray("close");
        QTest::newRow("HTTP/1.0 keep-alive requested")
            << QByteArray("GET /p HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") << false << QByteArray("keep-alive");
        QTest::newRow("handler asks to close")
            << QByteArray("GET /close-please HTTP/1.1\r\nHost: t\r\n\r\n") << true << QByteArray("close");
    }

    void connectionPersistence()
    {
        QFETCH(QByteArray, request);
        QFETCH(bool, expectClose);
        QFETCH(QByteArray, expectConnectionHeader);
        const auto server = startServer();
        QVERIFY(server);
        RawClient client;
        QVERIFY(client.connectTo(server->serverPort()));
        client.send(request);
        const auto response = client.read();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QCOMPARE(response->header("connection"), expectConnectionHeader);
        if (expectClose) {
            QVERIFY(client.waitClosed());
        } else {
            client.send(request);  // the same connection still serves
            const auto second = client.read();
            QVERIFY(second);
            QCOMPARE(second->status, 200);
        }
    }

    void pipelineStopsAtConnectionClose()
    {
        const auto server = startServer();
        QVERIFY(server);
        RawClient client;
        QVERIFY(client.connectTo(server->serverPort()));
        client.send(QByteArray(get("/a") + get("/b", "Connection: close\r\n") + get("/c")));
        const auto a = client.read();
        const auto b = client.read();
        QVERIFY(a && b);
        QCOMPARE(a->json().value(u"path"_s).toString(), u"/a"_s);
        QCOMPARE(b->json().value(u"path"_s).toString(), u"/b"_s);
        QCOMPARE(b->header("connection"), "close");
        QVERIFY(client.waitClosed());
        QCOMPARE(client.unread(), QByteArray());  // /c was never answered
    }

    void requestBodies_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QString>("expectedBody");
        QTest::addColumn<bool>("fragmented");

        const QByteArray head = "POST /upload HTTP/1.1\r\nHost: t\r\n";
        const QByteArray chunked = head + "Transfer-Encoding: chunked\r\n\r\n";
        for (const bool fragmented : {false, true}) {
            const char *suffix = fragmented ? " (fragmented)" : "";
            QTest::addRow("content-length%s", suffix)
                << QByteArray(head + "Content-Length: 11\r\n\r\nhello world") << u"hello world"_s << fragmented;
            QTest::addRow("chunked%s", suffix)
                << QByteArray(chunked + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n") << u"hello world"_s << fragmented;
            QTest::addRow("chunked with extension and trailer%s", suffix)
                << QByteArray(chunked + "5;name=value\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n") << u"hello"_s
                << fragmented;
            QTest::addRow("chunked hex sizes%s", suffix)
                << QByteArray(chunked + "1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n")
                << u"abcdefghijklmnopqrstuvwxyz"_s << fragmented;
            QTest::addRow("empty chunked%s", suffix) << QByteArray(chunked + "0\r\n\r\n") << QString() << fragmented;
        }
    }

    void requestBodies()
    {
        QFETCH(QByteArray, request);
        QFETCH(QString, expectedBody);
        QFETCH(bool, fragmented);
        const auto server = startServer();
        QVERIFY(server);
        RawClient client;
        QVERIFY(client.connectTo(server->serverPort()));
        // Followed by a second request: the body framing must end exactly.
        const QByteArray bytes = request + get("/after");
        if (fragmented)
            client.sendFragmented(bytes);
        else
            client.send(bytes);
        const auto response = client.read();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QCOMPARE(response->json().value(u"body"_s).toString(), expectedBody);
        const auto after = client.read();
        QVERIFY(after);
        QCOMPARE(after->json().value(u"path"_s).toString(), u"/after"_s);
    }

    void bodyLimit_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("expectedStatus");

        const QByteArray head = "POST /upload HTTP/1.1\r\nHost: t\r\n";
        const QByteArray chunked = head + "Transfer-Encoding: chunked\r\n\r\n";
        // The refused rows send headers only (or stop at a chunk header): the
        // 413 must come without the server waiting for the body.
        QTest::newRow("content-length one over") << QByteArray(head + "Content-Length: 1001\r\n\r\n") << 413;
        QTest::newRow("content-length huge") << QByteArray(head + "Content-Length: 99999999999999\r\n\r\n") << 413;
        QTest::newRow("single chunk over") << QByteArray(chunked + "3E9\r\n") << 413;
        QTest::newRow("chunk total over")
            << QByteArray(chunked + "258\r\n" + QByteArray(600, 'a') + "\r\n191\r\n") << 413;
        QTest::newRow("content-length at limit")
            << QByteArray(head + "Content-Length: 1000\r\n\r\n" + QByteArray(1000, 'a')) << 200;
        QTest::newRow("chunk total at limit")
            << QByteArray(chunked + "258\r\n" + QByteArray(600, 'a') + "\r\n190\r\n" + QByteArray(400, 'b')
                          + "\r\n0\r\n\r\n")
            << 200;
    }

    void bodyLimit()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, expectedStatus);
        HttpServer::Limits limits;
        limits.maxBodyBytes = 1000;
        const auto server = startServer(limits);
        QVERIFY(server);
        RawClient client;
        QVERIFY(client.connectTo(server->serverPort()));
        client.send(request);
        const auto response = client.read();
        QVERIFY(response);
        QCOMPARE(response->status, expectedStatus);
        if (expectedStatus == 200) {
            QCOMPARE(response->json().value(u"body"_s).toString().size(), 1000);
            return;
        }
        QCOMPARE(response->header("content-type"), "application/json");
        QCOMPARE(response->header("connection"), "close");
        QCOMPARE(response->json(), errorJson(u"PayloadTooLarge"_s, u"request body exceeds 1000 bytes"_s,
                                             QJsonObject{{u"limit"_s, 1000}}));
        QVERIFY(client.waitClosed());
    }

    void bodyLimitResponseSurvivesOngoingUpload()
    {
        // The client keeps uploading after the 413: closing with unread input
        // would reset the connection and could destroy the response.
        HttpServer::Limits limits;
        limits.maxBodyBytes = 1000;
        const auto server = startServer(limits);
        QVERIFY(server);
        RawClient client;
        QVERIFY(client.connectTo(server->serverPort()));
        client.send(QByteArray("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 4000000\r\n\r\n"
                               + QByteArray(200000, 'z')));
        const auto response = client.read();
        QVERIFY(response);
        QCOMPARE(response->status, 413);
        QCOMPARE(response->json().value(u"error"_s).toObject().value(u"type"_s).toString(), u"PayloadTooLarge"_s);
        client.send(QByteArray(200000, 'z'));
        QVERIFY(client.waitClosed());
    }

    void headerLimit_data()
    {
        QTest::addColumn<qsizetype>("maxHeaderBytes");
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("expectedStatus");

        QByteArray manyHeaders;
        for (int i = 0; i < 40; ++i)
            manyHeaders += "X-Filler-" + QByteArray::number(i) + ": 0123456789012345678901234567890\r\n";
        QTest::newRow("many headers") << qsizetype(1024) << get("/p", manyHeaders) << 431;
        QTest::newRow("one long value")
            << qsizetype(1024) << get("/p", "X-Long: " + QByteArray(2000, 'v') + "\r\n") << 431;
        QTest::newRow("long target") << qsizetype(1024) << get("/" + QByteArray(2000, 'p')) << 431;
        QTest::newRow("under the limit")
            << qsizetype(1024) << get("/p", "X-Long: " + QByteArray(800, 'v') + "\r\n") << 200;
        // http-parser skips the blanks before a value uncounted; the raw head bytes bound them.
        QTest::newRow("blanks before a value, default limit")
            << qsizetype(16 * 1024) << get("/p", "X:" + QByteArray(70000, ' ') + "b\r\n") << 431;
        QTest::newRow("blanks as a value") << qsizetype(1024) << get("/p", "X:" + QByteArray(2000, ' ') + "\r\n") << 431;
        // Above http-parser's own compiled-in cap (80 KiB), which answers first.
        QTest::newRow("parser cap") << qsizetype(1024 * 1024)
                                    << get("/p", "X-Long: " + QByteArray(100 * 1024, 'v') + "\r\n") << 431;
    }

    void headerLimit()
    {
        QFETCH(qsizetype, maxHeaderBytes);
        QFETCH(QByteArray, request);
        QFETCH(int, expectedStatus);
        HttpServer::Limits limits;
        limits.maxHeaderBytes = maxHeaderBytes;
        const auto server = startServer(limits);
        QVERIFY(server);
        RawClient client;
        QVERIFY(client.connectTo(server->serverPort()));
        client.send(request);
        const auto response = client.read();
        QVERIFY(response);
        QCOMPARE(response->status, expectedStatus);
        if (expectedStatus == 200)
            return;
        const QJsonObject error = response->json().value(u"error"_s).toObject();
        QCOMPARE(error.value(u"type"_s).toString(), u"InvalidArgument"_s);
        QVERIFY2(error.value(u"message"_s).toString().startsWith(u"request headers exceed "_s),
                 qPrintable(error.value(u"message"_s).toString()));
        QVERIFY(error.value(u"details"_s).toObject().value(u"limit"_s).toInteger() > 0);
        if (maxHeaderBytes == 1024) {
            QCOMPARE(error, errorJson(u"InvalidArgument"_s, u"request headers exceed 1024 bytes"_s,
                                      QJsonObject{{u"limit"_s, 1024}})
                                .value(u"error"_s)
                                .toObject());
        }
        QCOMPARE(response->header("connection"), "close");
        QVERIFY(client.waitClosed());
    }

    void malformedRequests_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QString>("parserError");
        QTest::addColumn<int>("goodResponses");  // answered before the bad bytes

        QTest::newRow("unknown method") << QByteArray("FROB / HTTP/1.1\r\n\r\n") << u"HPE_INVALID_METHOD"_s << 0;
        QTest::newRow("bad protocol") << QByteArray("GET / XTTP/1.1\r\n\r\n") << u"HPE_INVALID_CONSTANT"_s << 0;
        QTest::newRow("bad version") << QByteArray("GET / HTTP/x.1\r\n\r\n") << u"HPE_INVALID_VERSION"_s << 0;
        QTest::newRow("separator in header name")
            << QByteArray("GET / HTTP/1.1\r\nBad@Header: x\r\n\r\n") << u"HPE_INVALID_HEADER_TOKEN"_s << 0;
        QTest::newRow("CR without LF") << QByteArray("GET / HTTP/1.1\rX\n\r\n") << u"HPE_LF_EXPECTED"_s << 0;
        QTest::newRow("bad content-length")
            << QByteArray("POST / HTTP/1.1\r\nContent-Length: 12a\r\n\r\n") << u"HPE_INVALID_CONTENT_LENGTH"_s << 0;
        QTest::newRow("bad chunk size")
            << QByteArray("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
            << u"HPE_INVALID_CHUNK_SIZE"_s << 0;
        QTest::newRow("chunked and content-length")
            << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n")
            << u"HPE_UNEXPECTED_CONTENT_LENGTH"_s << 0;
        QTest::newRow("garbage after a good request")
            << QByteArray(get("/ok") + "\x01\x02\x03\r\n\r\n") << u"HPE_INVALID_METHOD"_s << 1;
    }

    void malformedRequests()
    {
        QFETCH(QByteArray, request);
        QFETCH(QString, parserError);
        QFETCH(int, goodResponses);
        const auto server = startServer();
        QVERIFY(server);
        RawClient client;
        QVERIFY(client.connectTo(server->serverPort()));
        client.send(request);
        for (int i = 0; i < goodResponses; ++i) {
            const auto good = client.read();
            QVERIFY(good);
            QCOMPARE(good->status, 200);
        }
        const auto response = client.read();
        QVERIFY(response);
        QCOMPARE(response->status, 400);
        QCOMPARE(response->header("connection"), "close");
        const QJsonObject error = response->json().value(u"error"_s).toObject();
        QCOMPARE(error.value(u"type"_s).toString(), u"InvalidArgument"_s);
        QVERIFY2(error.value(u"message"_s).toString().contains(parserError),
                 qPrintable(error.value(u"message"_s).toString()));
        QCOMPARE(error.value(u"details"_s).toObject().value(u"parserError"_s).toString(), parserError);
        QVERIFY(client.waitClosed());
    }

    // Header names that are not RFC 9110 tokens and obs-fold lines: another parser could
    // frame them differently (request smuggling), so they are refused before any handler.
    void badHeaderNamesAndFoldsAre400_data()
    {
        QTest::addColumn<QByteArray>("request");
        const QByteArray start = "POST /echo HTTP/1.1\r\nHost: test\r\n";
        const QByteArray chunked = "\r\n5\r\nhello\r\n0\r\n\r\n";
        QTest::newRow("space before the colon") << QByteArray(start + "Transfer-Encoding : chunked\r\n" + chunked);
        QTest::newRow("space before the colon, content-length")
            << QByteArray(start + "Content-Length : 5\r\n\r\nhello");
        QTest::newRow("space inside the name") << QByteArray(start + "X Evil: 1\r\n\r\n");
        QTest::newRow("tab before the colon") << QByteArray(start + "X-Evil\t: 1\r\n\r\n");
        QTest::newRow("tab inside the name") << QByteArray(start + "X-\tEvil: 1\r\n\r\n");
        QTest::newRow("control character") << QByteArray(start + "X-\x01" "Evil: 1\r\n\r\n");
        QTest::newRow("empty name") << QByteArray(start + ": 1\r\n\r\n");
        QTest::newRow("folded line") << QByteArray(start + "X-Evil: 1\r\n 2\r\n\r\n");
        QTest::newRow("folded line, tab") << QByteArray(start + "X-Evil: 1\r\n\t2\r\n\r\n");
        QTest::newRow("folded transfer-encoding") << QByteArray(start + "Transfer-Encoding:\r\n chunked\r\n" + chunked);
    }

    void badHeaderNamesAndFoldsAre400()
    {
        QFETCH(QByteArray, request);
        const auto server = startServer();
        QVERIFY(server);
        const int handledBefore = g_handlerCalls;
        RawClient client;
        QVERIFY(client.connectTo(server->serverPort()));
        client.send(request);
        const auto response = client.read();
        QVERIFY(response);
        QCOMPARE(response->status, 400);
        QCOMPARE(response->header("connection"), "close");
        const QJsonObject error = response->json().value(u"error"_s).toObject();
        QCOMPARE(error.value(u"type"_s).toString(), u"InvalidArgument"_s);
        QVERIFY(error.value(u"details"_s).isObject());
        QVERIFY(client.waitClosed());
        QCOMPARE(g_handlerCalls, handledBefore);
    }

    // A chunked body's trailers end the request; they never join its headers.
    void trailersAreDropped()
    {
        const auto server = startServer();
        QVERIFY(server);
        RawClient client;
        QVERIFY(client.connectTo(server->serverPort()));
        client.send("POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "5\r\nhello\r\n0\r\nX-Evil: 1\r\nHost: evil\r\n\r\n");
        const auto response = client.read();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        const QJsonObject echo = response->json();
        QCOMPARE(echo.value(u"body"_s).toString(), u"hello"_s);
        const QJsonArray headers = echo.value(u"headers"_s).toArray();
        QCOMPARE(headers, (QJsonArray{QJsonArray{u"Host"_s, u"test"_s}, QJsonArray{u"Transfer-Encoding"_s, u"chunked"_s}}));
        // The connection goes on: the trailers were read, not left for the next request.
        client.send(get("/after"));
        const auto after = client.read();
        QVERIFY(after);
        QCOMPARE(after->json().value(u"path"_s).toString(), u"/after"_s);
    }

    void idleConnectionsAreClosed_data()
    {
        QTest::addColumn<bool>("afterRequest");
        QTest::newRow("never used") << false;
        QTest::newRow("after a request") << true;
    }

    void idleConnectionsAreClosed()
    {
        QFETCH(bool, afterRequest);
        HttpServer::Limits limits;
        limits.idleTimeoutMs = 200;
        const auto server = startServer(limits);
        QVERIFY(server);
        RawClient client;
        QElapsedTimer clock;
        clock.start();
        QVERIFY(client.connectTo(server->serverPort()));
        if (afterRequest) {
            client.send(get("/p"));
            QVERIFY(client.read());
            clock.start();
        }
        QVERIFY(client.waitClosed());
        // Not before the timeout (less slack when the server's clock started
        // at its write, slightly before ours).
        QVERIFY2(clock.elapsed() >= (afterRequest ? 150 : 200), qPrintable(QString::number(clock.elapsed())));
    }

    // Slowloris: a head dripped a byte at a time keeps the idle deadline away, not the head's.
    void headDeadlineIsNotMovedByDrippedBytes()
    {
        HttpServer::Limits limits;
        limits.idleTimeoutMs = 30000;
        limits.headTimeoutMs = 300;
        const auto server = startServer(limits);
        QVERIFY(server);
        RawClient client;
        QVERIFY(client.connectTo(server->serverPort()));
        QElapsedTimer clock;
        clock.start();
        client.send("GET /p HTTP/1.1\r\nHost: t\r\nX-Drip: ");
        bool closed = false;
        // Bounded: 200 bytes 20 ms apart is 4 s, far past the head deadline.
        for (int i = 0; i < 200 && !closed; ++i) {
            client.send("a");
            closed = QTest::qWaitFor([&client] { return !client.isConnected(); }, 20);
        }
        QVERIFY2(closed, qPrintable(QString::number(clock.elapsed())));
        QVERIFY2(clock.elapsed() >= 250, qPrintable(QString::number(clock.elapsed())));

        // A head that is whole in time is answered, and the deadline starts over per request.
        RawClient good;
        QVERIFY(good.connectTo(server->serverPort()));
        for (int round = 0; round < 2; ++round) {
            good.sendFragmented(get("/p"), 8);
            const auto response = good.read();
            QVERIFY(response);
            QCOMPARE(response->status, 200);
            QTest::qWait(200);  // the two heads together outlast the deadline; each alone does not
        }
    }

    void connectionsAreCapped()
    {
        HttpServer::Limits limits;
        limits.maxConnections = 2;
        const auto server = startServer(limits);
        QVERIFY(server);
        // Both are in the middle of a request's head: neither may give way to a newcomer.
        const QByteArray request = get("/p");
        std::array<RawClient, 2> clients;
        for (RawClient &client : clients) {
            QVERIFY(client.connectTo(server->serverPort()));
            client.send(request.first(10));
        }
        RawClient third;
        third.connectTo(server->serverPort());  // the kernel accepts; the server closes it
        QVERIFY(third.waitClosed());
        QVERIFY(third.unread().isEmpty());
        // The two still work, and a slot freed is taken again.
        for (RawClient &client : clients) {
            client.send(request.sliced(10));
            const auto response = client.read();
            QVERIFY(response);
            QCOMPARE(response->status, 200);
        }
        clients[1].socket().abort();
        bool served = false;
        // Bounded: the server sees the abort a little later; until then a newcomer is closed.
        for (int attempt = 0; attempt < 50 && !served; ++attempt) {
            RawClient candidate;
            candidate.connectTo(server->serverPort());
            if (QTest::qWaitFor([&candidate] { return !candidate.isConnected(); }, 100))
                continue;
            candidate.send(get("/p"));
            const auto response = candidate.read();
            served = response && response->status == 200;
        }
        QVERIFY(served);
    }

    // A flood of silent keep-alive connections must not lock everyone out until the idle
    // timeout: at the cap, the connection idle for longest gives way to the newcomer.
    void idleConnectionsGiveWayAtTheCap()
    {
        HttpServer::Limits limits;
        limits.maxConnections = 2;
        const auto server = startServer(limits);
        QVERIFY(server);
        std::array<RawClient, 2> clients;
        for (RawClient &client : clients) {
            QVERIFY(client.connectTo(server->serverPort()));
            client.send(get("/p"));
            const auto response = client.read();
            QVERIFY(response);
            QCOMPARE(response->status, 200);
            // Apart in time, so which one has been idle for longest is clear.
            QElapsedTimer apart;
            apart.start();
            QVERIFY(QTest::qWaitFor([&apart] { return apart.elapsed() > 20; }, 1000));
        }
        RawClient newcomer;
        QVERIFY(newcomer.connectTo(server->serverPort()));
        newcomer.send(get("/p"));
        const auto response = newcomer.read();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QVERIFY(clients[0].waitClosed());
        clients[1].send(get("/p"));
        const auto second = clients[1].read();
        QVERIFY(second);
        QCOMPARE(second->status, 200);
    }

    void handlerExceptionsBecome500()
    {
        const auto server = startServer();
        QVERIFY(server);
        RawClient client;
        QVERIFY(client.connectTo(server->serverPort()));
        for (const char *path : {"/boom", "/weird"}) {
            client.send(get(path));
            const auto response = client.read();
            QVERIFY(response);
            QCOMPARE(response->status, 500);
            QCOMPARE(response->json().value(u"error"_s).toObject().value(u"type"_s).toString(), u"InternalError"_s);
            QVERIFY(!response->body.contains("exploded"));  // internals stay in the log
        }
        // Neither the connection nor the server suffered.
        client.send(get("/ok"));
        const auto ok = client.read();
        QVERIFY(ok);
        QCOMPARE(ok->status, 200);
        RawClient other;
        QVERIFY(other.connectTo(server->serverPort()));
        other.send(get("/ok"));
        QVERIFY(other.read());
    }

    void pathAndQueryDecoding_data()
    {
        QTest::addColumn<QByteArray>("requestLine");
        QTest::addColumn<QString>("expectedPath");
        QTest::addColumn<QVariantMap>("expectedQuery");

        QTest::newRow("plain") << QByteArray("GET /v1/services/abc HTTP/1.1") << u"/v1/services/abc"_s
                               << QVariantMap();
        QTest::newRow("percent-encoded")
            << QByteArray("GET /v1/services/a%20b%2Fc?name=x%20y&flag HTTP/1.1") << u"/v1/services/a b/c"_s
            << QVariantMap{{u"name"_s, u"x y"_s}, {u"flag"_s, QString()}};
        QTest::newRow("utf-8") << QByteArray("GET /caf%C3%A9?q=%C3%BC HTTP/1.1") << u"/café"_s
                               << QVariantMap{{u"q"_s, u"ü"_s}};
        QTest::newRow("absolute form") << QByteArray("GET http://host:8080/p/q?a=1&b=2 HTTP/1.1") << u"/p/q"_s
                                       << QVariantMap{{u"a"_s, u"1"_s}, {u"b"_s, u"2"_s}};
        QTest::newRow("fragment dropped") << QByteArray("GET /p?a=1#frag HTTP/1.1") << u"/p"_s
                                          << QVariantMap{{u"a"_s, u"1"_s}};
        QTest::newRow("asterisk form") << QByteArray("OPTIONS * HTTP/1.1") << u"*"_s << QVariantMap();
    }

    void pathAndQueryDecoding()
    {
        QFETCH(QByteArray, requestLine);
        QFETCH(QString, expectedPath);
        QFETCH(QVariantMap, expectedQuery);
        const auto server = startServer();
        QVERIFY(server);
        RawClient client;
        QVERIFY(client.connectTo(server->serverPort()));
        client.send(QByteArray(requestLine + "\r\nHost: t\r\n\r\n"));
        const auto response = client.read();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        const QJsonObject echo = response->json();
        QCOMPARE(echo.value(u"path"_s).toString(), expectedPath);
        QCOMPARE(echo.value(u"query"_s).toObject().toVariantMap(), expectedQuery);
    }

    void headersAsReceived()
    {
        const auto server = startServer();
        QVERIFY(server);
        RawClient client;
        QVERIFY(client.connectTo(server->serverPort()));
        // Split so that a header name and a value each span two reads.
        client.sendFragmented("GET /h HTTP/1.1\r\nHost: t\r\nX-Custom: Value\r\nx-multi: 1\r\nX-Multi: 2\r\nX-Empty:\r\n"
                              "Content-Type: text/x-test\r\n\r\n",
                              5);
        const auto response = client.read();
        QVERIFY(response);
        const QJsonArray headers = response->json().value(u"headers"_s).toArray();
        const QJsonArray expected{
            QJsonArray{u"Host"_s, u"t"_s},        QJsonArray{u"X-Custom"_s, u"Value"_s},
            QJsonArray{u"x-multi"_s, u"1"_s},     QJsonArray{u"X-Multi"_s, u"2"_s},
            QJsonArray{u"X-Empty"_s, QString()},  QJsonArray{u"Content-Type"_s, u"text/x-test"_s},
        };
        QCOMPARE(headers, expected);
        QCOMPARE(response->json().value(u"contentType"_s).toString(), u"text/x-test"_s);
    }

    void headerLookupIsCaseInsensitive()
    {
        HttpRequest request;
        request.headers = {{"Content-Type", "a/b"}, {"X-Multi", "1"}, {"x-multi", "2"}};
        QCOMPARE(request.header("content-type"), "a/b");
        QCOMPARE(request.header("CONTENT-TYPE"), "a/b");
        QCOMPARE(request.header("x-MULTI"), "1");
        QCOMPARE(request.header("missing"), QByteArray());
    }

    void responseFraming()
    {
        const auto server = startServer();
        QVERIFY(server);
        RawClient client;
        QVERIFY(client.connectTo(server->serverPort()));

        // Handler-supplied framing headers are replaced, CR/LF cannot inject.
        client.send(get("/framing"));
        const auto framed = client.read();
        QVERIFY(framed);
        QCOMPARE(framed->body, "abc");
        QCOMPARE(framed->header("content-length"), "3");
        QCOMPARE(framed->header("x-fine"), "ok");
        QCOMPARE(framed->header("x-evil"), QByteArray());
        QCOMPARE(framed->header("injected"), QByteArray());
        QCOMPARE(framed->header("server"), "servedeck");
        QCOMPARE(framed->header("content-type"), "text/plain; charset=utf-8");

        // HEAD announces the length but sends no body.
        client.send("HEAD /big?size=10 HTTP/1.1\r\nHost: t\r\n\r\n");
        const auto head = client.read(true);
        QVERIFY(head);
        QCOMPARE(head->header("content-length"), "10");

        // 204 has neither body nor Content-Length.
        client.send(get("/nocontent"));
        const auto empty = client.read();
        QVERIFY(empty);
        QCOMPARE(empty->status, 204);
        QVERIFY(!empty->hasContentLength);

        // Nothing stray was left on the wire by the two bodyless responses.
        client.send(get("/after"));
        const auto after = client.read();
        QVERIFY(after);
        QCOMPARE(after->json().value(u"path"_s).toString(), u"/after"_s);
    }

    void expectContinue()
    {
        const auto server = startServer();
        QVERIFY(server);
        RawClient client;
        QVERIFY(client.connectTo(server->serverPort()));
        client.send("POST /e HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
        const auto interim = client.read();
        QVERIFY(interim);
        QCOMPARE(interim->status, 100);
        client.send("hello");
        const auto response = client.read();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QCOMPARE(response->json().value(u"body"_s).toString(), u"hello"_s);
    }

    // A head check refuses before "100 Continue" and before the body: the client that waits
    // for the 100 gets the refusal instead, and the connection ends without reading the body.
    void headCheckRefusesBeforeContinue()
    {
        const auto server = startServer();
        QVERIFY(server);
        int checked = 0;
        server->setHeadCheck([&checked](const HttpRequest &head) -> std::optional<HttpResponse> {
            ++checked;
            if (!head.body.isEmpty())
                return HttpResponse::text(500, "the body was read before the head check");
            if (head.header("Authorization") == "Bearer right")
                return std::nullopt;
            return HttpResponse::text(401, "no");
        });
        const QByteArray head = "POST /e HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n";

        RawClient refused;
        QVERIFY(refused.connectTo(server->serverPort()));
        refused.send(QByteArray(head + "\r\n"));
        const auto refusal = refused.read();
        QVERIFY(refusal);
        QCOMPARE(refusal->status, 401);
        QVERIFY(refused.waitClosed());
        QCOMPARE(checked, 1);

        RawClient allowed;
        QVERIFY(allowed.connectTo(server->serverPort()));
        allowed.send(QByteArray(head + "Authorization: Bearer right\r\n\r\n"));
        const auto interim = allowed.read();
        QVERIFY(interim);
        QCOMPARE(interim->status, 100);
        allowed.send("hello");
        const auto response = allowed.read();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QCOMPARE(response->json().value(u"body"_s).toString(), u"hello"_s);
        QCOMPARE(checked, 2);
    }

    // A streamed answer: the head at once, each write as a chunk when it is made, and the
    // connection's next request only after the stream finishes.
    void streamedAnswerGoesOutAsWritten()
    {
        std::shared_ptr<HttpResponseStream> stream;
        HttpServer server([&stream](const HttpRequest &request) {
            if (request.path != "/stream")
                return HttpResponse::text(200, "next");
            HttpResponse response;
            response.headers.emplaceBack("Content-Type", "text/event-stream");
            response.stream = stream = std::make_shared<HttpResponseStream>();
            stream->write("early");  // before the server has it: sent right after the head
            return response;
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        RawClient client;
        QVERIFY(client.connectTo(server.serverPort()));
        client.send(QByteArray(get("/stream") + get("/after")));

        QByteArray wire;
        const auto waitFor = [&](const QByteArray &expected) {
            return QTest::qWaitFor([&] {
                wire += client.socket().readAll();
                return wire.contains(expected);
            }, kWaitMs);
        };
        QVERIFY2(waitFor("\r\n\r\n5\r\nearly\r\n"), wire.constData());
        QVERIFY(wire.startsWith("HTTP/1.1 200 OK\r\n"));
        QVERIFY(wire.contains("Transfer-Encoding: chunked\r\n"));
        QVERIFY(!wire.contains("Content-Length"));
        QVERIFY(stream && stream->isOpen());

        stream->write("data: 1\n\n");
        QVERIFY2(waitFor("9\r\ndata: 1\n\n\r\n"), wire.constData());
        QVERIFY2(!wire.contains("next"), "the pipelined request waits for the stream to finish");

        stream->write("data: 2\n\n");
        stream->finish();
        QVERIFY(!stream->isOpen());
        QVERIFY2(waitFor("9\r\ndata: 2\n\n\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n"), wire.constData());
        QVERIFY2(waitFor("next"), wire.constData());
        QVERIFY(client.isConnected());  // kept alive
    }

    void streamedAnswerToHttp10EndsWithTheConnection()
    {
        std::shared_ptr<HttpResponseStream> stream;
        HttpServer server([&stream](const HttpRequest &) {
            HttpResponse response;
            response.stream = stream = std::make_shared<HttpResponseStream>();
            return response;
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        RawClient client;
        QVERIFY(client.connectTo(server.serverPort()));
        client.send("GET /s HTTP/1.0\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(stream != nullptr, kWaitMs);
        stream->write("raw bytes");
        stream->finish();
        QVERIFY(client.waitClosed());
        const QByteArray wire = client.unread();
        QVERIFY2(wire.endsWith("\r\n\r\nraw bytes"), wire.constData());
        QVERIFY(!wire.contains("Transfer-Encoding"));
        QVERIFY(!wire.contains("Content-Length"));
    }

    void streamClosesWhenTheClientLeaves()
    {
        std::shared_ptr<HttpResponseStream> stream;
        HttpServer server([&stream](const HttpRequest &) {
            HttpResponse response;
            response.stream = stream = std::make_shared<HttpResponseStream>();
            return response;
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        {
            RawClient client;
            QVERIFY(client.connectTo(server.serverPort()));
            client.send(get("/s"));
            QTRY_VERIFY_WITH_TIMEOUT(stream != nullptr, kWaitMs);
            stream->write("one");
            QVERIFY(stream->isOpen());
            client.socket().abort();
        }
        // The producer learns to stop; writes after that go nowhere.
        QTRY_VERIFY_WITH_TIMEOUT(!stream->isOpen(), kWaitMs);
        stream->write("two");
        stream->finish();
    }

    void handlerMayCloseTheServer()
    {
        HttpServer *self = nullptr;
        HttpServer server([&self](const HttpRequest &) {
            self->close();  // e.g. a "shutdown" endpoint
            return HttpResponse::text(200, "closing");
        });
        self = &server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        RawClient client;
        QVERIFY(client.connectTo(server.serverPort()));
        client.send(QByteArray(get("/shutdown") + get("/never")));
        QVERIFY(client.waitClosed());
        QVERIFY(!server.isListening());
    }

    void listenFailsOnBusyPort()
    {
        const auto first = startServer();
        QVERIFY(first);
        HttpServer second(testHandler);
        QVERIFY(!second.listen(QHostAddress::LocalHost, first->serverPort()));
        QVERIFY(!second.errorString().isEmpty());
        QVERIFY(!second.isListening());
    }

    void closeStopsServing()
    {
        const auto server = startServer();
        QVERIFY(server);
        const quint16 port = server->serverPort();
        RawClient client;
        QVERIFY(client.connectTo(port));
        client.send(get("/p"));
        QVERIFY(client.read());

        server->close();
        QVERIFY(!server->isListening());
        QVERIFY(client.waitClosed());

        QTcpSocket refused;
        QSignalSpy errors(&refused, &QTcpSocket::errorOccurred);
        refused.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(errors.wait(kWaitMs));
        QCOMPARE(refused.error(), QAbstractSocket::ConnectionRefusedError);
    }
};

QTEST_GUILESS_MAIN(TestHttpServer)
#include "test_httpserver.moc"
