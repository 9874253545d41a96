// TryRequest against a scripted server on loopback: a stream's events as they arrive (split
// anywhere, CRLF or LF, comments skipped), an answer that is not a stream, cancel, and the
// strict grammar of what an operator types (headers, method, path).
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include "support/scriptedupstream.h"
#include "traffic/tryrequest.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr int kWaitMs = 10000;

// Writes each piece `gapMs` after the one before, then leaves the connection open.
void writeSlowly(QTcpSocket *socket, QList<QByteArray> pieces, int gapMs)
{
    if (pieces.isEmpty())
        return;
    socket->write(pieces.takeFirst());
    QTimer::singleShot(gapMs, socket, [socket, pieces, gapMs] { writeSlowly(socket, pieces, gapMs); });
}

QByteArray chunk(const QByteArray &data)
{
    return QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n";
}

TrySettings settingsFor(quint16 port)
{
    TrySettings s;
    s.url = u"http://127.0.0.1:%1/chat"_s.arg(port);
    s.path = u"/v1/chat/completions"_s;
    // No body: the scripted server answers once a request's head is in.
    s.method = QByteArrayLiteral("GET");
    s.timeoutMs = kWaitMs;
    return s;
}

} // namespace

class TestTryRequest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eventsArriveAsTheyComeSplitAnywhere();
    void anAnswerThatIsNotAStreamHasNoEvents();
    void anAnswerCutShortIsNotOk();
    void cancelEndsTheRequest();
    void headers_data();
    void headers();
    void badSettingsAreRefused_data();
    void badSettingsAreRefused();
};

void TestTryRequest::eventsArriveAsTheyComeSplitAnywhere()
{
    QByteArray path;
    TestSupport::ScriptedUpstream upstream([&path](QTcpSocket *socket) {
        path = socket->property("path").toByteArray();
        writeSlowly(socket,
                    {"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n",
                     chunk("data: {\"a\""), chunk(":1}\r\n\r\n: keep-alive\n\n"), chunk("data: two\n"),
                     chunk("\ndata: [DONE]\n\n"), "0\r\n\r\n"},
                    60);
    });
    QVERIFY(upstream.isListening());
    TryRequest request(settingsFor(upstream.port()));
    QSignalSpy events(&request, &TryRequest::eventArrived);
    QSignalSpy finished(&request, &TryRequest::finished);
    QVERIFY(request.start());
    QVERIFY(request.running());
    // The first event is listed before the answer has ended.
    QTRY_COMPARE_WITH_TIMEOUT(events.count(), 1, kWaitMs);
    QCOMPARE(finished.count(), 0);
    QVERIFY(finished.wait(kWaitMs));
    const TryResult r = finished.first().first().value<TryResult>();
    QCOMPARE(r.status, 200);
    QCOMPARE(r.error, QString());
    QVERIFY(r.stream);
    QCOMPARE(r.eventCount, quint64(3));
    QCOMPARE(r.events.size(), 3);
    QCOMPARE(r.events.at(0).data, QByteArray("{\"a\":1}"));
    QCOMPARE(r.events.at(1).data, QByteArray("two"));
    QCOMPARE(r.events.at(2).data, QByteArray("[DONE]"));
    // Times as they came: the pieces were 60 ms apart.
    QVERIFY2(r.events.at(2).atMs - r.events.at(0).atMs >= 100, qPrintable(QString::number(r.events.at(2).atMs)));
    QVERIFY(r.ttftMs && *r.ttftMs >= 50);
    QVERIFY(r.firstByteMs >= 0 && r.firstByteMs <= r.totalMs);
    QVERIFY(!request.running());
}

void TestTryRequest::anAnswerThatIsNotAStreamHasNoEvents()
{
    TestSupport::ScriptedUpstream upstream([](QTcpSocket *socket) {
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 25\r\n"
                      "X-ServeDeck-Route: r-1\r\nX-ServeDeck-Revision: v7\r\n\r\n{\"prediction\":\"setosa\"}  ");
    });
    QVERIFY(upstream.isListening());
    TryRequest request(settingsFor(upstream.port()));
    QSignalSpy events(&request, &TryRequest::eventArrived);
    QSignalSpy finished(&request, &TryRequest::finished);
    QVERIFY(request.start());
    QVERIFY(finished.wait(kWaitMs));
    const TryResult r = finished.first().first().value<TryResult>();
    QCOMPARE(r.status, 200);
    QCOMPARE(r.error, QString());
    QVERIFY(!r.stream);
    QCOMPARE(events.count(), 0);
    QCOMPARE(r.body, QByteArray("{\"prediction\":\"setosa\"}  "));
    QCOMPARE(r.routeId, QByteArray("r-1"));
    QCOMPARE(r.revision, QByteArray("v7"));
    QVERIFY(!r.ttftMs);
}

// A 200 whose body never completes (one byte short of its length): the try fails, with why.
void TestTryRequest::anAnswerCutShortIsNotOk()
{
    TestSupport::ScriptedUpstream upstream([](QTcpSocket *socket) {
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{\"a\":1}");
    });
    QVERIFY(upstream.isListening());
    TrySettings s = settingsFor(upstream.port());
    s.timeoutMs = 300;
    TryRequest request(s);
    QSignalSpy finished(&request, &TryRequest::finished);
    QVERIFY(request.start());
    QVERIFY(finished.wait(kWaitMs));
    const TryResult r = finished.first().first().value<TryResult>();
    QVERIFY2(!r.error.isEmpty(), qPrintable(QString::number(r.status)));
    QVERIFY(!r.ok());
}

void TestTryRequest::cancelEndsTheRequest()
{
    TestSupport::ScriptedUpstream upstream([](QTcpSocket *) {});  // never answers
    QVERIFY(upstream.isListening());
    TryRequest request(settingsFor(upstream.port()));
    QSignalSpy finished(&request, &TryRequest::finished);
    QVERIFY(request.start());
    QTRY_COMPARE_WITH_TIMEOUT(upstream.requests(), 1, kWaitMs);
    request.cancel();
    QVERIFY(finished.count() == 1 || finished.wait(kWaitMs));
    const TryResult r = finished.first().first().value<TryResult>();
    QCOMPARE(r.status, 0);
    QCOMPARE(r.error, u"cancelled"_s);
}

void TestTryRequest::headers_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("plain") << u"X-Tenant: blue"_s << true << QByteArray("X-Tenant") << QByteArray("blue");
    QTest::newRow("spaces trimmed") << u"  Authorization :  Bearer abc  "_s << true << QByteArray("Authorization")
                                    << QByteArray("Bearer abc");
    QTest::newRow("colon in the value") << u"X-Time: 12:30"_s << true << QByteArray("X-Time") << QByteArray("12:30");
    QTest::newRow("empty value") << u"X-Empty:"_s << true << QByteArray("X-Empty") << QByteArray();
    QTest::newRow("no colon") << u"X-Broken"_s << false << QByteArray() << QByteArray();
    QTest::newRow("no name") << u": value"_s << false << QByteArray() << QByteArray();
    QTest::newRow("space in the name") << u"X Bad: v"_s << false << QByteArray() << QByteArray();
    QTest::newRow("line break in the value") << u"X-A: b\r\nX-C: d"_s << false << QByteArray() << QByteArray();
    QTest::newRow("NUL in the value") << u"X-A: b\u0000c"_s << false << QByteArray() << QByteArray();
    QTest::newRow("beyond Latin-1") << u"X-A: 한"_s << false << QByteArray() << QByteArray();
    QTest::newRow("value too long") << u"X-A: "_s + QString(9000, u'a') << false << QByteArray() << QByteArray();
}

void TestTryRequest::headers()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, value);
    const auto header = TryRequest::parseHeader(text);
    QCOMPARE(bool(header), valid);
    if (valid) {
        QCOMPARE(header->first, name);
        QCOMPARE(header->second, value);
    } else {
        QCOMPARE(header.error().type, ErrorType::InvalidArgument);
    }
}

void TestTryRequest::badSettingsAreRefused_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("says");
    QTest::newRow("not http") << u"url"_s << u"ftp://127.0.0.1/x"_s << u"http://"_s;
    QTest::newRow("no host") << u"url"_s << u"http:///x"_s << u"http://"_s;
    QTest::newRow("path without a slash") << u"path"_s << u"predict"_s << u"start with '/'"_s;
    QTest::newRow("path with a space") << u"path"_s << u"/a b"_s << u"no spaces"_s;
    QTest::newRow("method with a space") << u"method"_s << u"PO ST"_s << u"not an HTTP method"_s;
    QTest::newRow("method lower case") << u"method"_s << u"post"_s << u"not an HTTP method"_s;
    QTest::newRow("Host header") << u"header"_s << u"Host: evil"_s << u"set by the sender"_s;
    QTest::newRow("Content-Length header") << u"header"_s << u"Content-Length: 5"_s << u"set by the sender"_s;
    QTest::newRow("hop-by-hop header") << u"header"_s << u"Transfer-Encoding: chunked"_s << u"set by the sender"_s;
    QTest::newRow("no timeout") << u"timeout"_s << u"0"_s << u"timeout"_s;
    QTest::newRow("body too large") << u"body"_s << QString() << u"larger than"_s;
}

void TestTryRequest::badSettingsAreRefused()
{
    QFETCH(QString, field);
    QFETCH(QString, value);
    QFETCH(QString, says);
    TrySettings s = settingsFor(1);
    if (field == u"url")
        s.url = value;
    else if (field == u"path")
        s.path = value;
    else if (field == u"method")
        s.method = value.toLatin1();
    else if (field == u"header")
        s.headers.append({value.section(u':', 0, 0).toLatin1(), value.section(u':', 1).trimmed().toLatin1()});
    else if (field == u"timeout")
        s.timeoutMs = value.toInt();
    else if (field == u"body")
        s.body = QByteArray(TryRequest::kMaxBodyBytes + 1, 'x');
    QVERIFY(TryRequest::validate(settingsFor(1)));
    const auto valid = TryRequest::validate(s);
    QVERIFY(!valid);
    QVERIFY2(valid.error().message.contains(says), qPrintable(valid.error().message));
    // start() refuses the same, sending nothing.
    TryRequest request(s);
    QVERIFY(!request.start());
    QVERIFY(!request.running());
}

QTEST_GUILESS_MAIN(TestTryRequest)
#include "test_tryrequest.moc"
