// RequestSender against real servers on loopback: keep-alive reuse, the connection cap (and the
// wait it causes, which sentNs shows), bounded answers and times, refused and hostile requests,
// cancel, and the token times of an event stream.
#include <memory>

#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QTimer>

#include "http/httpresponsestream.h"
#include "http/httpserver.h"
#include "support/scriptedupstream.h"
#include "traffic/requestsender.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kMs = 1000 * 1000;

TrafficRequest post(const QByteArray &path, const QByteArray &body = "{\"x\":1}")
{
    TrafficRequest request;
    request.path = path;
    request.headers = {{"Content-Type", "application/json"}};
    request.body = body;
    return request;
}

// ScriptedUpstream counts a request when its head ends: a GET, no body after it.
TrafficRequest get(const QByteArray &path)
{
    TrafficRequest request;
    request.method = "GET";
    request.path = path;
    return request;
}

TrafficAnswer answerOf(const QSignalSpy &spy, qsizetype i)
{
    return spy.at(i).at(0).value<TrafficAnswer>();
}

QByteArray chatChunk(int i)
{
    return R"(data: {"choices":[{"index":0,"delta":{"content":"w)" + QByteArray::number(i) + R"("}}]})" "\n\n";
}

} // namespace

class TestRequestSender : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<TrafficAnswer>(); }

    void answersOnOneKeptAliveConnection()
    {
        int served = 0;
        HttpServer server([&](const HttpRequest &request) {
            ++served;
            HttpResponse response = HttpResponse::text(200, request.body, "application/json");
            response.headers.emplaceBack("X-ServeDeck-Route", "route-1");
            response.headers.emplaceBack("X-ServeDeck-Revision", "v1");
            return response;
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        RequestSender sender(u"127.0.0.1"_s, server.serverPort(), {});
        QSignalSpy spy(&sender, &RequestSender::finished);
        for (int i = 0; i < 3; ++i) {
            const qint64 scheduled = sender.nowNs();
            const quint64 id = sender.send(post("/predict", "{\"n\":" + QByteArray::number(i) + "}"), scheduled);
            QVERIFY(spy.wait(5000));
            const TrafficAnswer answer = answerOf(spy, i);
            QCOMPARE(answer.id, id);
            QCOMPARE(answer.status, 200);
            QVERIFY2(answer.error.isEmpty(), qPrintable(answer.error));
            QCOMPARE(answer.body, "{\"n\":" + QByteArray::number(i) + "}");
            QCOMPARE(answer.routeId, QByteArray("route-1"));
            QCOMPARE(answer.revision, QByteArray("v1"));
            QCOMPARE(answer.contentType, QByteArray("application/json"));
            QCOMPARE(answer.scheduledNs, scheduled);
            QVERIFY(answer.sentNs >= answer.scheduledNs);
            QVERIFY(answer.firstByteNs >= answer.sentNs);
            QVERIFY(answer.doneNs >= answer.firstByteNs);
            // The first opened the connection; the others found it open.
            QCOMPARE(answer.connectNs >= 0, i == 0);
            QCOMPARE(answer.tokens, quint64(0));
        }
        QCOMPARE(served, 3);
        QCOMPARE(sender.connectionCount(), 1);
        QCOMPARE(sender.inFlight(), 0);
    }

    void waitsForAConnectionPastTheCap()
    {
        // Each answer takes 100 ms: with two connections, the third request waits for one.
        std::vector<std::shared_ptr<HttpResponseStream>> streams;
        HttpServer server([&](const HttpRequest &) {
            auto stream = std::make_shared<HttpResponseStream>();
            streams.push_back(stream);
            QTimer::singleShot(100, Qt::PreciseTimer, this, [stream] {
                stream->write("ok");
                stream->finish();
            });
            HttpResponse response;
            response.stream = stream;
            return response;
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        RequestSender::Options options;
        options.maxConnections = 2;
        RequestSender sender(u"127.0.0.1"_s, server.serverPort(), options);
        QSignalSpy spy(&sender, &RequestSender::finished);
        int mostConnections = 0;
        connect(&sender, &RequestSender::finished, this,
                [&] { mostConnections = std::max(mostConnections, sender.connectionCount()); });
        const qint64 scheduled = sender.nowNs();
        for (int i = 0; i < 6; ++i)
            sender.send(post("/slow"), scheduled);
        QCOMPARE(sender.inFlight(), 6);
        QVERIFY(sender.connectionCount() <= 2);
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 6, 10000);
        QVERIFY(mostConnections <= 2);
        int waited = 0;
        for (qsizetype i = 0; i < spy.size(); ++i) {
            const TrafficAnswer answer = answerOf(spy, i);
            QCOMPARE(answer.status, 200);
            QCOMPARE(answer.body, QByteArray("ok"));
            // Written only once an answer before it ended: at least one answer's time late.
            if (answer.sentNs - answer.scheduledNs >= 90 * kMs)
                ++waited;
        }
        QCOMPARE(waited, 4);
        QCOMPARE(sender.inFlight(), 0);
    }

    void boundsWhatItKeeps()
    {
        const QByteArray big(1000, 'a');
        HttpServer server([&](const HttpRequest &) { return HttpResponse::text(200, big); });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        RequestSender::Options options;
        options.keepBodyBytes = 10;
        RequestSender keeper(u"127.0.0.1"_s, server.serverPort(), options);
        QSignalSpy kept(&keeper, &RequestSender::finished);
        keeper.send(post("/big"), keeper.nowNs());
        QVERIFY(kept.wait(5000));
        QCOMPARE(answerOf(kept, 0).status, 200);
        QCOMPARE(answerOf(kept, 0).body, QByteArray(10, 'a'));

        options.maxAnswerBytes = 500;
        RequestSender refuser(u"127.0.0.1"_s, server.serverPort(), options);
        QSignalSpy refused(&refuser, &RequestSender::finished);
        refuser.send(post("/big"), refuser.nowNs());
        QVERIFY(refused.wait(5000));
        QCOMPARE(answerOf(refused, 0).error, u"answer too large"_s);
    }

    void timesOutASilentServer()
    {
        TestSupport::ScriptedUpstream silent([](QTcpSocket *) {});
        QVERIFY(silent.isListening());
        RequestSender::Options options;
        options.timeoutMs = 200;
        RequestSender sender(u"127.0.0.1"_s, silent.port(), options);
        QSignalSpy spy(&sender, &RequestSender::finished);
        sender.send(get("/predict"), sender.nowNs());
        QVERIFY(spy.wait(5000));
        const TrafficAnswer answer = answerOf(spy, 0);
        QCOMPARE(answer.status, 0);
        QCOMPARE(answer.error, u"timed out"_s);
        QVERIFY(answer.doneNs - answer.sentNs >= 200 * kMs);
        QCOMPARE(silent.requests(), 1);
        QCOMPARE(sender.inFlight(), 0);
    }

    void saysWhenRefused()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const quint16 port = closed.serverPort();
        closed.close();
        RequestSender sender(u"127.0.0.1"_s, port, {});
        QSignalSpy spy(&sender, &RequestSender::finished);
        sender.send(post("/predict"), sender.nowNs());
        QVERIFY(spy.wait(5000));
        QCOMPARE(answerOf(spy, 0).status, 0);
        QCOMPARE(answerOf(spy, 0).error, u"connection refused"_s);
    }

    void refusesHostileRequests_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("headerName");
        QTest::addColumn<QByteArray>("headerValue");
        QTest::newRow("header value with CRLF") << QByteArray("POST") << QByteArray("/p") << QByteArray("X-A")
                                                << QByteArray("1\r\nX-Injected: 1");
        QTest::newRow("header name not a token") << QByteArray("POST") << QByteArray("/p") << QByteArray("X A")
                                                 << QByteArray("1");
        QTest::newRow("path not origin-form") << QByteArray("POST") << QByteArray("http://elsewhere/")
                                              << QByteArray("X-A") << QByteArray("1");
        QTest::newRow("path with a space") << QByteArray("POST") << QByteArray("/a b") << QByteArray("X-A")
                                           << QByteArray("1");
        QTest::newRow("method not a token") << QByteArray("PO ST") << QByteArray("/p") << QByteArray("X-A")
                                            << QByteArray("1");
    }

    void refusesHostileRequests()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, headerName);
        QFETCH(QByteArray, headerValue);
        int served = 0;
        HttpServer server([&](const HttpRequest &) {
            ++served;
            return HttpResponse::text(200, "ok");
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        RequestSender sender(u"127.0.0.1"_s, server.serverPort(), {});
        QSignalSpy spy(&sender, &RequestSender::finished);
        TrafficRequest request = post(path);
        request.method = method;
        request.headers.emplaceBack(headerName, headerValue);
        const quint64 id = sender.send(request, sender.nowNs());
        QCOMPARE(spy.size(), 0);  // the answer comes from the event loop, after send() returned
        QVERIFY(spy.wait(5000));
        QCOMPARE(answerOf(spy, 0).id, id);
        QCOMPARE(answerOf(spy, 0).status, 0);
        QVERIFY(answerOf(spy, 0).error.startsWith(u"invalid request"_s));
        QCOMPARE(sender.connectionCount(), 0);
        QCOMPARE(served, 0);
    }

    void cancelsEverythingInFlight()
    {
        TestSupport::ScriptedUpstream silent([](QTcpSocket *) {});
        QVERIFY(silent.isListening());
        RequestSender::Options options;
        options.maxConnections = 2;
        RequestSender sender(u"127.0.0.1"_s, silent.port(), options);
        QSignalSpy spy(&sender, &RequestSender::finished);
        for (int i = 0; i < 3; ++i)
            sender.send(get("/predict"), sender.nowNs());
        QTRY_COMPARE_WITH_TIMEOUT(silent.requests(), 2, 5000);
        sender.abortAll();
        QCOMPARE(spy.size(), 3);
        for (qsizetype i = 0; i < spy.size(); ++i)
            QCOMPARE(answerOf(spy, i).error, u"cancelled"_s);
        QCOMPARE(sender.inFlight(), 0);
        QCOMPARE(sender.connectionCount(), 0);
    }

    // One request ends alone (its connection closed, the others untouched), a request's own
    // timeout is kept over the sender's, and the answer's head is kept only when asked for.
    void abortsOneRequestTimesOneAndKeepsHeads()
    {
        TestSupport::ScriptedUpstream silent([](QTcpSocket *) {});
        QVERIFY(silent.isListening());
        RequestSender::Options options;
        options.timeoutMs = 60000;
        RequestSender sender(u"127.0.0.1"_s, silent.port(), options);
        QSignalSpy spy(&sender, &RequestSender::finished);
        const quint64 first = sender.send(get("/a"), sender.nowNs());
        const quint64 second = sender.send(get("/b"), sender.nowNs());
        QTRY_COMPARE_WITH_TIMEOUT(silent.requests(), 2, 5000);
        QVERIFY(sender.abort(first));
        QCOMPARE(spy.size(), 1);
        QCOMPARE(answerOf(spy, 0).id, first);
        QCOMPARE(answerOf(spy, 0).error, u"cancelled"_s);
        QCOMPARE(sender.inFlight(), 1);
        QCOMPARE(sender.connectionCount(), 1);
        QVERIFY(!sender.abort(first));

        TrafficRequest quick = get("/c");
        quick.timeoutMs = 200;
        const quint64 third = sender.send(quick, sender.nowNs());
        QVERIFY(spy.wait(5000));
        QCOMPARE(answerOf(spy, 1).id, third);
        QCOMPARE(answerOf(spy, 1).error, u"timed out"_s);
        QCOMPARE(sender.inFlight(), 1);  // the second keeps the sender's minute
        QVERIFY(sender.abort(second));

        HttpServer server([](const HttpRequest &) {
            HttpResponse response = HttpResponse::text(200, "ok");
            response.headers.append({QByteArrayLiteral("X-Model"), QByteArrayLiteral("m1")});
            return response;
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        for (const bool keep : {false, true}) {
            RequestSender::Options headOptions;
            headOptions.keepHeaders = keep;
            RequestSender asker(u"127.0.0.1"_s, server.serverPort(), headOptions);
            QSignalSpy answered(&asker, &RequestSender::finished);
            asker.send(get("/h"), asker.nowNs());
            QVERIFY(answered.wait(5000));
            QCOMPARE(answerOf(answered, 0).status, 200);
            QCOMPARE(ProxyHttp::headerValue(answerOf(answered, 0).headers, "x-model").toByteArray(),
                     keep ? QByteArrayLiteral("m1") : QByteArray());
        }
    }

    void resendsOnceWhenAKeptConnectionWasClosedUnanswered()
    {
        // Each connection's first request is answered (kept alive); a second one on it is met
        // by a close: the server had given up on the connection as the request went out.
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        int connections = 0;
        int requests = 0;
        connect(&server, &QTcpServer::newConnection, this, [&] {
            while (QTcpSocket *socket = server.nextPendingConnection()) {
                ++connections;
                connect(socket, &QTcpSocket::readyRead, socket, [&requests, socket] {
                    QByteArray seen = socket->property("seen").toByteArray() + socket->readAll();
                    socket->setProperty("seen", seen);
                    const auto heads = seen.count("\r\n\r\n");
                    if (heads == socket->property("answered").toInt())
                        return;
                    ++requests;
                    socket->setProperty("answered", int(heads));
                    if (heads == 1)
                        socket->write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                    else
                        socket->close();
                });
            }
        });
        RequestSender sender(u"127.0.0.1"_s, server.serverPort(), {});
        QSignalSpy spy(&sender, &RequestSender::finished);
        sender.send(get("/a"), sender.nowNs());
        QVERIFY(spy.wait(5000));
        QCOMPARE(answerOf(spy, 0).status, 200);
        sender.send(get("/b"), sender.nowNs());
        QVERIFY(spy.wait(5000));
        // Sent on the kept connection, closed unanswered, sent again on a new one.
        QCOMPARE(answerOf(spy, 1).status, 200);
        QVERIFY(answerOf(spy, 1).connectNs >= 0);
        QCOMPARE(requests, 3);
        QCOMPARE(connections, 2);
        // And again on the second connection: each kept connection found closed costs one resend.
        sender.send(get("/c"), sender.nowNs());
        QVERIFY(spy.wait(5000));
        QCOMPARE(answerOf(spy, 2).status, 200);
        QCOMPARE(requests, 5);
        QCOMPARE(connections, 3);
    }

    void timesEachTokenOfAStream()
    {
        // Five content deltas 40 ms apart, after a first one at once.
        std::shared_ptr<HttpResponseStream> stream;
        QTimer pace;
        pace.setTimerType(Qt::PreciseTimer);
        int written = 0;
        connect(&pace, &QTimer::timeout, this, [&] {
            stream->write(chatChunk(written++));
            if (written == 5) {
                stream->write("data: [DONE]\n\n");
                stream->finish();
                pace.stop();
            }
        });
        HttpServer server([&](const HttpRequest &) {
            stream = std::make_shared<HttpResponseStream>();
            pace.start(40);
            HttpResponse response;
            response.headers.emplaceBack("Content-Type", "text/event-stream");
            response.stream = stream;
            return response;
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        RequestSender::Options options;
        options.emitBodyPieces = true;
        RequestSender sender(u"127.0.0.1"_s, server.serverPort(), options);
        QSignalSpy spy(&sender, &RequestSender::finished);
        QSignalSpy pieces(&sender, &RequestSender::bodyPiece);
        const quint64 id = sender.send(post("/v1/chat/completions"), sender.nowNs());
        QVERIFY(spy.wait(5000));
        const TrafficAnswer answer = answerOf(spy, 0);
        QCOMPARE(answer.status, 200);
        QCOMPARE(answer.contentType, QByteArray("text/event-stream"));
        QCOMPARE(answer.tokens, quint64(5));
        QCOMPARE(answer.tokenTimesNs.size(), 5);
        QVERIFY(answer.firstTokenNs.has_value());
        QCOMPARE(*answer.firstTokenNs, answer.tokenTimesNs.first());
        for (qsizetype i = 1; i < answer.tokenTimesNs.size(); ++i)
            QVERIFY(answer.tokenTimesNs.at(i) - answer.tokenTimesNs.at(i - 1) >= 30 * kMs);
        QCOMPARE(answer.decodeTokens, quint64(4));
        QVERIFY(answer.decodeNanos >= 4 * 30 * kMs);
        QVERIFY(pieces.size() >= 5);
        QByteArray streamed;
        for (const QList<QVariant> &piece : pieces) {
            QCOMPARE(piece.at(0).toULongLong(), id);
            streamed += piece.at(1).toByteArray();
        }
        QCOMPARE(streamed, answer.body);
        QVERIFY(streamed.endsWith("data: [DONE]\n\n"));
    }
};

QTEST_GUILESS_MAIN(TestRequestSender)
#include "test_requestsender.moc"
