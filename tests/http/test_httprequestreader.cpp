// HttpRequestReader alone: bytes in, requests or refusals out, no socket. Every case is fed
// whole, one byte at a time and split at every offset, because a header name, a value or a
// folded line spanning two reads is exactly where a framing check can slip.
#include <QList>
#include <QTest>

#include "http/httprequestreader.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

using Refusal = HttpRequestReader::Refusal;

struct Outcome
{
    QList<HttpRequestReader::Message> messages;
    Refusal refusal = Refusal::None;
    HttpError error;
};

// Feeds the pieces in order, as a connection would, taking each complete request.
Outcome feed(const QList<QByteArray> &pieces, const HttpRequestReader::Limits &limits = {})
{
    HttpRequestReader reader;
    reader.setLimits(limits);
    Outcome outcome;
    for (const QByteArray &piece : pieces) {
        qsizetype offset = 0;
        // Bounded: every pass consumes bytes or ends the piece.
        for (int pass = 0; offset < piece.size() && pass <= piece.size(); ++pass) {
            qsizetype consumed = 0;
            const auto result = reader.read(piece.constData() + offset, piece.size() - offset, &consumed);
            offset += consumed;
            if (result == HttpRequestReader::Result::Message) {
                outcome.messages.append(reader.message());
            } else if (result == HttpRequestReader::Result::Refused) {
                outcome.refusal = reader.refusal();
                outcome.error = reader.error();
                return outcome;
            } else {
                break;
            }
        }
    }
    return outcome;
}

// The whole request, then every one-byte piece, then every split in two.
QList<QList<QByteArray>> splits(const QByteArray &bytes)
{
    QList<QList<QByteArray>> all{{bytes}};
    QList<QByteArray> single;
    for (const char c : bytes)
        single.append(QByteArray(1, c));
    all.append(single);
    for (qsizetype at = 1; at < bytes.size(); ++at)
        all.append({bytes.left(at), bytes.mid(at)});
    return all;
}

QByteArray header(const HttpRequestReader::Message &message, QByteArrayView name)
{
    return ProxyHttp::headerValue(message.headers, name).toByteArray();
}

} // namespace

class TestHttpRequestReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void refusesWhatTwoParsersCouldReadDifferently_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("refusal");

        const QByteArray start = "POST /x HTTP/1.1\r\nHost: h\r\n";
        const auto bad = int(Refusal::BadHeaderName);
        const auto folded = int(Refusal::FoldedHeader);
        const auto malformed = int(Refusal::Malformed);  // http-parser's own refusal
        QTest::newRow("space before the colon")
            << QByteArray(start + "Transfer-Encoding : chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n") << bad;
        QTest::newRow("space before the colon, content-length")
            << QByteArray(start + "Content-Length : 5\r\n\r\nhello") << bad;
        QTest::newRow("space inside the name") << QByteArray(start + "X Evil: 1\r\n\r\n") << bad;
        QTest::newRow("space before the name, first line")
            << QByteArray("GET /x HTTP/1.1\r\n X-Evil: 1\r\n\r\n") << bad;
        QTest::newRow("tab before the colon") << QByteArray(start + "X-Evil\t: 1\r\n\r\n") << malformed;
        QTest::newRow("tab inside the name") << QByteArray(start + "X-\tEvil: 1\r\n\r\n") << malformed;
        QTest::newRow("control character") << QByteArray(start + "X-\x01""Evil: 1\r\n\r\n") << malformed;
        QTest::newRow("DEL in the name") << QByteArray(start + "X-Evil\x7f: 1\r\n\r\n") << malformed;
        QTest::newRow("empty name") << QByteArray(start + ": 1\r\n\r\n") << malformed;
        QTest::newRow("folded line") << QByteArray(start + "X-Evil: 1\r\n 2\r\n\r\n") << folded;
        QTest::newRow("folded line, tab") << QByteArray(start + "X-Evil: 1\r\n\t2\r\n\r\n") << folded;
        QTest::newRow("folded line after an empty value") << QByteArray(start + "X-Evil:\r\n 2\r\n\r\n") << folded;
        QTest::newRow("folded line of blanks") << QByteArray(start + "X-Evil: 1\r\n \r\n\r\n") << folded;
        QTest::newRow("folded transfer-encoding")
            << QByteArray(start + "Transfer-Encoding:\r\n chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n") << folded;
        // Line ends and chunk framing that http-parser, built non-strict, reads past: a front
        // proxy that reads them strictly would see other requests than ServeDeck does.
        const auto framing = int(Refusal::BadFraming);
        const int framingOrParser = -1;  // whichever sees it first, as the bytes are split
        const QByteArray chunked = "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
        const QByteArray next = "GET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n";
        QTest::newRow("bare LF in a chunk extension") << QByteArray(chunked + "2;\nxx\r\n2c\r\n0\r\n\r\n" + next) << framing;
        QTest::newRow("CR then any byte after the chunk size") << QByteArray(chunked + "5\rXhello\r\n0\r\n\r\n") << framing;
        QTest::newRow("two bytes instead of CRLF after chunk data")
            << QByteArray(chunked + "5\r\nhelloXX0\r\n\r\n") << framing;
        QTest::newRow("bare LF after chunk data") << QByteArray(chunked + "5\r\nhello\n0\r\n\r\n") << framingOrParser;
        QTest::newRow("space after the chunk size") << QByteArray(chunked + "5 \r\nhello\r\n0\r\n\r\n") << framing;
        QTest::newRow("control byte in a chunk extension")
            << QByteArray(chunked + "5;a=\x01\r\nhello\r\n0\r\n\r\n") << framing;
        QTest::newRow("CR then any byte ends the head") << QByteArray("GET /a HTTP/1.1\r\nHost: a\r\n\rX" + next) << framing;
        QTest::newRow("CR then any byte after the trailers")
            << QByteArray(chunked + "5\r\nhello\r\n0\r\nX: y\r\n\rZ" + next) << framing;
        QTest::newRow("bare LF in the trailers") << QByteArray(chunked + "0\r\nX: y\n\r\n") << framing;
        QTest::newRow("bare LF line ends") << QByteArray("GET /a HTTP/1.1\nHost: a\n\n") << framing;
        QTest::newRow("bare LF ends the head") << QByteArray("GET /a HTTP/1.1\r\nHost: a\r\n\n") << framing;
        QTest::newRow("bare LF after the request line") << QByteArray("GET /a HTTP/1.1\nHost: a\r\n\r\n") << framing;
        QTest::newRow("bare CR in a value") << QByteArray("GET /a HTTP/1.1\r\nHost: a\rb\r\n\r\n") << malformed;  // http-parser refuses this one itself
        QTest::newRow("bare LF before the request") << QByteArray("\nGET /a HTTP/1.1\r\nHost: a\r\n\r\n") << framing;
        // One Transfer-Encoding, "chunked", and one Host: anything else two parsers may read apart.
        const auto headers = int(Refusal::BadHeaders);
        const QByteArray post = "POST /x HTTP/1.1\r\nHost: h\r\n";
        QTest::newRow("gzip, chunked") << QByteArray(post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n") << headers;
        QTest::newRow("chunked, identity")
            << QByteArray(post + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n") << headers;
        QTest::newRow("identity, then chunked")
            << QByteArray(post + "Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") << headers;
        QTest::newRow("chunked twice")
            << QByteArray(post + "Transfer-Encoding: chunked\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n") << headers;
        QTest::newRow("identity alone") << QByteArray(post + "Transfer-Encoding: identity\r\n\r\n") << headers;
        QTest::newRow("chunked with a parameter")
            << QByteArray(post + "Transfer-Encoding: chunked;x=1\r\n\r\n0\r\n\r\n") << headers;
        QTest::newRow("two Host headers") << QByteArray("GET /x HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n") << headers;
        QTest::newRow("two Host headers, same value") << QByteArray("GET /x HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n") << headers;
        QTest::newRow("no Host, HTTP/1.1") << QByteArray("GET /x HTTP/1.1\r\nX-A: 1\r\n\r\n") << headers;
        // Bytes a lenient parser keeps in the target, and a proxy would pass on in its request line.
        const auto target = int(Refusal::BadTarget);
        QTest::newRow("tab in the target") << QByteArray("GET /a\tb HTTP/1.1\r\nHost: h\r\n\r\n") << target;
        QTest::newRow("form feed in the target") << QByteArray("GET /a\fb HTTP/1.1\r\nHost: h\r\n\r\n") << target;
        QTest::newRow("DEL in the target") << QByteArray("GET /a\x7f HTTP/1.1\r\nHost: h\r\n\r\n") << malformed;
        QTest::newRow("control byte in the query") << QByteArray("GET /a?q=\x01 HTTP/1.1\r\nHost: h\r\n\r\n") << malformed;
    }

    void refusesWhatTwoParsersCouldReadDifferently()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, refusal);
        for (const QList<QByteArray> &pieces : splits(request)) {
            const Outcome outcome = feed(pieces);
            const QByteArray where = "pieces: " + QByteArray::number(pieces.size()) + ", first "
                + QByteArray::number(pieces.first().size());
            QVERIFY2(outcome.messages.isEmpty(), where.constData());
            if (refusal == -1)
                QVERIFY2(outcome.refusal == Refusal::BadFraming || outcome.refusal == Refusal::Malformed, where.constData());
            else
                QVERIFY2(int(outcome.refusal) == refusal, where.constData());
            QCOMPARE(outcome.error.status, 400);
            QCOMPARE(outcome.error.type, u"InvalidArgument"_s);
        }
    }

    // The other side of the checks above: what is legal reads the same however it is split.
    void readsLegalHeadersAnyWaySplit_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QByteArray>("body");

        QTest::newRow("plain") << QByteArray("GET /a HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nX-B: two\r\n\r\n") << QByteArray("x-b")
                               << QByteArray("two") << QByteArray();
        QTest::newRow("every tchar") << QByteArray("GET /a HTTP/1.1\r\nHost: h\r\nA!#$%&'*+-.^_`|~9z: v\r\n\r\n")
                                     << QByteArray("a!#$%&'*+-.^_`|~9z") << QByteArray("v") << QByteArray();
        QTest::newRow("empty value, then more") << QByteArray("GET /a HTTP/1.1\r\nHost: h\r\nX-A:\r\nX-B: b\r\n\r\n")
                                                << QByteArray("x-b") << QByteArray("b") << QByteArray();
        QTest::newRow("empty value last") << QByteArray("GET /a HTTP/1.1\r\nHost: h\r\nX-B: b\r\nX-A:\r\n\r\n")
                                          << QByteArray("x-b") << QByteArray("b") << QByteArray();
        QTest::newRow("spaces around the value") << QByteArray("GET /a HTTP/1.1\r\nHost: h\r\nX-A:   v w \t\r\n\r\n")
                                                 << QByteArray("x-a") << QByteArray("v w \t") << QByteArray();
        QTest::newRow("content-length body")
            << QByteArray("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello\r\n wor") << QByteArray("content-length")
            << QByteArray("11") << QByteArray("hello\r\n wor");
        QTest::newRow("chunk extensions and trailers")
            << QByteArray("POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2;a=b;c=\"d e\"\r\nhi\r\n"
                          "A;x\r\n0123456789\r\n0;end\r\nX-T: 1\r\n\r\n")
            << QByteArray("transfer-encoding") << QByteArray("chunked") << QByteArray("hi0123456789");
        QTest::newRow("empty lines before the request")
            << QByteArray("\r\n\r\nGET /a HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\r\n") << QByteArray("x-a") << QByteArray("1")
            << QByteArray();
        QTest::newRow("chunked in any case")
            << QByteArray("POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:  ChUnKeD \r\n\r\n2\r\nok\r\n0\r\n\r\n")
            << QByteArray("transfer-encoding") << QByteArray("ChUnKeD ") << QByteArray("ok");
        QTest::newRow("HTTP/1.0 needs no Host") << QByteArray("GET /a HTTP/1.0\r\nX-A: 1\r\n\r\n") << QByteArray("x-a")
                                                << QByteArray("1") << QByteArray();
        QTest::newRow("chunked body with a line break")
            << QByteArray("POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4\r\na\r\n \r\n0\r\n\r\n")
            << QByteArray("transfer-encoding") << QByteArray("chunked") << QByteArray("a\r\n ");
    }

    void readsLegalHeadersAnyWaySplit()
    {
        QFETCH(QByteArray, request);
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, value);
        QFETCH(QByteArray, body);
        for (const QList<QByteArray> &pieces : splits(request)) {
            const Outcome outcome = feed(pieces);
            QCOMPARE(outcome.refusal, Refusal::None);
            QCOMPARE(outcome.messages.size(), 1);
            const HttpRequestReader::Message &message = outcome.messages.first();
            QCOMPARE(header(message, name), value);
            QCOMPARE(message.body, body);
        }
    }

    // Trailers are read (the request completes) but neither kept nor able to replace a header.
    void dropsTrailers()
    {
        const QByteArray request = "POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nX-Keep: k\r\n\r\n"
                                   "5\r\nhello\r\n0\r\nX-Evil: 1\r\nX-Keep: changed\r\n\r\n"
                                   "GET /next HTTP/1.1\r\nHost: h\r\n\r\n";
        for (const QList<QByteArray> &pieces : splits(request)) {
            const Outcome outcome = feed(pieces);
            QCOMPARE(outcome.refusal, Refusal::None);
            QCOMPARE(outcome.messages.size(), 2);
            const HttpRequestReader::Message &message = outcome.messages.first();
            QCOMPARE(message.body, "hello");
            QCOMPARE(message.headers.size(), 3);
            QCOMPARE(header(message, "x-keep"), "k");
            QVERIFY(header(message, "x-evil").isNull());
            QCOMPARE(outcome.messages.last().target, "/next");
            QCOMPARE(outcome.messages.last().headers.size(), 1);  // Host
        }
    }

    void limitsAreTyped()
    {
        HttpRequestReader reader;
        reader.setLimits({64, 4});
        const QByteArray big = "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello";
        qsizetype consumed = 0;
        QCOMPARE(reader.read(big.constData(), big.size(), &consumed), HttpRequestReader::Result::Refused);
        QCOMPARE(reader.refusal(), Refusal::BodyTooLarge);
        QCOMPARE(reader.error().status, 413);
        QCOMPARE(reader.error().type, u"PayloadTooLarge"_s);
        QCOMPARE(reader.error().details.value(u"limit"_s).toInt(), 4);
        // Once refused, always refused: the stream has lost its framing.
        const QByteArray next = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
        QCOMPARE(reader.read(next.constData(), next.size(), &consumed), HttpRequestReader::Result::Refused);

        HttpRequestReader headers;
        headers.setLimits({64, 4});
        const QByteArray longHead = "GET /a HTTP/1.1\r\nHost: h\r\nX-Long: " + QByteArray(100, 'a') + "\r\n\r\n";
        QCOMPARE(headers.read(longHead.constData(), longHead.size(), &consumed), HttpRequestReader::Result::Refused);
        QCOMPARE(headers.error().status, 431);
    }

    // http-parser skips the blanks before a value without counting them for our limit; the raw
    // bytes of a head count, whatever they are.
    void headWhitespaceCountsTowardTheLimit_data()
    {
        QTest::addColumn<QByteArray>("request");
        const QByteArray blanks(600, ' ');
        QTest::newRow("before a value") << QByteArray("GET /a HTTP/1.1\r\nHost: h\r\nX:" + blanks + "b\r\n\r\n");
        QTest::newRow("as a whole value") << QByteArray("GET /a HTTP/1.1\r\nHost: h\r\nX:" + blanks + "\r\nY: 1\r\n\r\n");
        QTest::newRow("before a trailer value")
            << QByteArray("POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX:" + blanks + "b\r\n\r\n");
        QTest::newRow("empty lines before the request") << QByteArray(QByteArray("\r\n").repeated(300) + "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    }

    void headWhitespaceCountsTowardTheLimit()
    {
        QFETCH(QByteArray, request);
        for (const QList<QByteArray> &pieces : splits(request)) {
            const Outcome outcome = feed(pieces, {256, 1024});
            const QByteArray where = "pieces: " + QByteArray::number(pieces.size()) + ", first "
                + QByteArray::number(pieces.first().size());
            QVERIFY2(outcome.messages.isEmpty(), where.constData());
            QVERIFY2(outcome.refusal == Refusal::HeadersTooLarge, where.constData());
            QCOMPARE(outcome.error.status, 431);
        }
    }

    // A Content-Length is a promise, not bytes: memory is held as the body arrives.
    void announcedBodyIsNotReservedUpFront()
    {
        HttpRequestReader reader;
        reader.setLimits({16 * 1024, 8 * 1024 * 1024});
        const QByteArray head = "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 8000000\r\n\r\n";
        qsizetype consumed = 0;
        QCOMPARE(reader.read(head.constData(), head.size(), &consumed), HttpRequestReader::Result::NeedMore);
        QCOMPARE(consumed, head.size());
        QVERIFY2(reader.message().body.capacity() <= 64 * 1024,
                 QByteArray::number(reader.message().body.capacity()).constData());
        // And the body still reads whole.
        const QByteArray body(8000000, 'b');
        QCOMPARE(reader.read(body.constData(), body.size(), &consumed), HttpRequestReader::Result::Message);
        QCOMPARE(reader.message().body.size(), body.size());
    }

    void checksTheTargetOnlyWhenAsked()
    {
        const QByteArray request = "GET http://h:99999/x HTTP/1.1\r\nHost: h\r\n\r\n";  // a port out of range
        qsizetype consumed = 0;
        HttpRequestReader lenient;
        QCOMPARE(lenient.read(request.constData(), request.size(), &consumed), HttpRequestReader::Result::Message);
        HttpRequestReader strict;
        strict.setCheckTarget(true);
        QCOMPARE(strict.read(request.constData(), request.size(), &consumed), HttpRequestReader::Result::Refused);
        QCOMPARE(strict.refusal(), Refusal::BadTarget);
    }

    void asksForContinueOnce()
    {
        HttpRequestReader reader;
        const QByteArray head = "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n";
        qsizetype consumed = 0;
        QCOMPARE(reader.read(head.constData(), head.size(), &consumed), HttpRequestReader::Result::NeedMore);
        QVERIFY(reader.takeContinue());
        QVERIFY(!reader.takeContinue());
        QCOMPARE(reader.read("ok", 2, &consumed), HttpRequestReader::Result::Message);
        QCOMPARE(reader.message().body, "ok");
    }
};

QTEST_GUILESS_MAIN(TestHttpRequestReader)
#include "test_httprequestreader.moc"
