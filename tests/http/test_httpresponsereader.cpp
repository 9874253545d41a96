// HttpResponseReader alone: bytes in; head, body pieces, end or a typed failure out; no socket.
// Every case is fed whole, one byte at a time and split at every offset, as an upstream's
// answer can arrive in any pieces.
#include <algorithm>

#include <QList>
#include <QTest>

#include "http/httpresponsereader.h"

using namespace ServeDeck;

namespace {

using Result = HttpResponseReader::Result;
using Failure = HttpResponseReader::Failure;

struct Outcome
{
    int heads = 0;
    bool bodyBeforeHead = false;
    HttpResponseReader::Head head;
    QByteArray body;  // the pieces, joined
    qsizetype largestPiece = 0;
    Result end = Result::NeedMore;
    Failure failure = Failure::None;
    QString failureText;
    bool keepAlive = false;
    QByteArray leftover;  // what followed the answer, untouched
};

// Feeds the pieces in order, as a connection would; closed: then the stream ends.
Outcome feed(const QList<QByteArray> &pieces, bool headRequest, bool closed, qsizetype maxHeaderBytes)
{
    HttpResponseReader reader;
    reader.setLimits({maxHeaderBytes});
    reader.expect(headRequest);
    Outcome outcome;
    const auto take = [&](Result result) {
        for (const HttpResponseReader::Event &event : reader.events()) {
            if (event.kind == HttpResponseReader::Event::Kind::Head) {
                ++outcome.heads;
                outcome.head = reader.head();
            } else {
                outcome.bodyBeforeHead |= outcome.heads == 0;
                outcome.body.append(event.body.data(), event.body.size());
                outcome.largestPiece = std::max(outcome.largestPiece, event.body.size());
            }
        }
        outcome.end = result;
        outcome.failure = reader.failure();
        outcome.failureText = reader.failureText();
        outcome.keepAlive = reader.keepAlive();
        return result != Result::NeedMore;
    };
    for (qsizetype i = 0; i < pieces.size(); ++i) {
        const QByteArray &piece = pieces[i];
        qsizetype consumed = 0;
        if (take(reader.read(piece.constData(), piece.size(), &consumed))) {
            outcome.leftover = piece.mid(consumed);
            for (qsizetype j = i + 1; j < pieces.size(); ++j)
                outcome.leftover.append(pieces[j]);
            return outcome;
        }
        if (consumed != piece.size()) {
            outcome.failureText = QStringLiteral("NeedMore left bytes unread");
            outcome.end = Result::Failed;
            return outcome;
        }
    }
    if (closed)
        take(reader.finish());
    return outcome;
}

// The whole answer, then every one-byte piece, then every split in two.
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

} // namespace

class TestHttpResponseReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsAnswers_data()
    {
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<bool>("headRequest");
        QTest::addColumn<bool>("closed");  // the stream ends after the bytes
        QTest::addColumn<int>("end");  // Result
        QTest::addColumn<int>("failure");
        QTest::addColumn<int>("status");  // 0: no head expected
        QTest::addColumn<QByteArray>("body");  // the pieces seen, joined (also before a failure)
        QTest::addColumn<qint64>("contentLength");
        QTest::addColumn<bool>("chunked");
        QTest::addColumn<bool>("bodyless");
        QTest::addColumn<bool>("keepAlive");
        QTest::addColumn<QByteArray>("leftover");
        QTest::addColumn<QByteArray>("absentHeader");  // a name the head must not hold

        const auto complete = int(Result::Complete);
        const auto failed = int(Result::Failed);
        const auto none = int(Failure::None);
        const auto malformed = int(Failure::Malformed);
        const auto closedMidAnswer = int(Failure::Closed);
        const auto tooLarge = int(Failure::TooLarge);
        const QByteArray ok = "HTTP/1.1 200 OK\r\n";
        const QByteArray noName;

        QTest::newRow("content-length, the next answer's bytes left alone")
            << QByteArray(ok + "Content-Length: 5\r\nX-A: 1\r\n\r\nhelloHTTP/1.1") << false << false << complete << none
            << 200 << QByteArray("hello") << qint64(5) << false << false << true << QByteArray("HTTP/1.1") << noName;
        QTest::newRow("content-length 0") << QByteArray(ok + "Content-Length: 0\r\n\r\n") << false << false << complete
                                          << none << 200 << QByteArray() << qint64(0) << false << false << true
                                          << QByteArray() << noName;
        QTest::newRow("chunked, trailers dropped")
            << QByteArray(ok + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n"
                               "X-Trailer: t\r\nX-Other: o\r\n\r\n")
            << false << false << complete << none << 200 << QByteArray("hello world") << qint64(-1) << true << false
            << true << QByteArray() << QByteArray("x-trailer");
        QTest::newRow("chunked beats content-length")
            << QByteArray(ok + "Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n") << false << false << complete
            << none << 200 << QByteArray("ok") << qint64(-1) << true << false << true << QByteArray() << noName;
        QTest::newRow("until close") << QByteArray(ok + "Content-Type: text/plain\r\n\r\nall of it") << false << true
                                     << complete << none << 200 << QByteArray("all of it") << qint64(-1) << false
                                     << false << false << QByteArray() << noName;
        QTest::newRow("connection close") << QByteArray(ok + "Connection: close\r\nContent-Length: 2\r\n\r\nok")
                                          << false << false << complete << none << 200 << QByteArray("ok") << qint64(2)
                                          << false << false << false << QByteArray() << noName;
        QTest::newRow("HTTP/1.0") << QByteArray("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok") << false << false
                                  << complete << none << 200 << QByteArray("ok") << qint64(2) << false << false
                                  << false << QByteArray() << noName;
        QTest::newRow("HEAD: no body whatever Content-Length says")
            << QByteArray(ok + "Content-Length: 100\r\n\r\n") << true << false << complete << none << 200 << QByteArray()
            << qint64(100) << false << true << true << QByteArray() << noName;
        QTest::newRow("HEAD, chunked") << QByteArray(ok + "Transfer-Encoding: chunked\r\n\r\n") << true << false
                                       << complete << none << 200 << QByteArray() << qint64(-1) << true << true << true
                                       << QByteArray() << noName;
        QTest::newRow("204 with Content-Length")
            << QByteArray("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n") << false << false << complete << none
            << 204 << QByteArray() << qint64(5) << false << true << true << QByteArray() << noName;
        QTest::newRow("304 with Content-Length")
            << QByteArray("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\nETag: \"x\"\r\n\r\n") << false << false
            << complete << none << 304 << QByteArray() << qint64(10) << false << true << true << QByteArray() << noName;
        QTest::newRow("100 Continue, then the answer")
            << QByteArray("HTTP/1.1 100 Continue\r\n\r\n" + ok + "Content-Length: 2\r\n\r\nok") << false << false
            << complete << none << 200 << QByteArray("ok") << qint64(2) << false << false << true << QByteArray()
            << noName;
        QTest::newRow("103 Early Hints: its headers are not the answer's")
            << QByteArray("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" + ok + "Content-Length: 2\r\n\r\nok") << false
            << false << complete << none << 200 << QByteArray("ok") << qint64(2) << false << false << true
            << QByteArray() << QByteArray("link");

        QTest::newRow("malformed status line") << QByteArray("HTTP/1.1 2x0 OK\r\n\r\n") << false << false << failed
                                               << malformed << 0 << QByteArray() << qint64(-1) << false << false
                                               << false << QByteArray() << noName;
        QTest::newRow("not HTTP") << QByteArray("SSH-2.0-OpenSSH_9.2\r\n\r\n") << false << false << failed << malformed
                                  << 0 << QByteArray() << qint64(-1) << false << false << false << QByteArray()
                                  << noName;
        QTest::newRow("101 unasked") << QByteArray("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: "
                                                   "upgrade\r\n\r\n")
                                     << false << false << failed << malformed << 0 << QByteArray() << qint64(-1)
                                     << false << false << false << QByteArray() << noName;
        QTest::newRow("space inside a header name")
            << QByteArray(ok + "X Bad: 1\r\nContent-Length: 0\r\n\r\n") << false << false << failed << malformed << 0
            << QByteArray() << qint64(-1) << false << false << false << QByteArray() << noName;
        QTest::newRow("space before the colon")
            << QByteArray(ok + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n") << false << false << failed << malformed
            << 0 << QByteArray() << qint64(-1) << false << false << false << QByteArray() << noName;
        QTest::newRow("control character in a header name")
            << QByteArray(ok + "X-\x01" "Bad: 1\r\n\r\n") << false << false << failed << malformed << 0 << QByteArray()
            << qint64(-1) << false << false << false << QByteArray() << noName;
        QTest::newRow("folded header line") << QByteArray(ok + "X-A: 1\r\n 2\r\nContent-Length: 0\r\n\r\n") << false
                                            << false << failed << malformed << 0 << QByteArray() << qint64(-1) << false
                                            << false << false << QByteArray() << noName;
        QTest::newRow("bad chunk size, after a piece")
            << QByteArray(ok + "Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\nzz\r\n") << false << false << failed
            << malformed << 200 << QByteArray("ok") << qint64(-1) << true << false << false << QByteArray() << noName;
        // Framing a lenient parser reads as one answer where a strict one reads another.
        const QByteArray chunkedOk = ok + "Transfer-Encoding: chunked\r\n\r\n";
        const auto broken = [&](const char *name, const QByteArray &answer, int status, const QByteArray &body) {
            QTest::newRow(name) << answer << false << false << failed << malformed << status << body
                                << qint64(-1) << (status != 0) << false << false << QByteArray() << noName;
        };
        broken("bare LF after the status line", QByteArray("HTTP/1.1 200 OK\nX-A: 1\r\nContent-Length: 0\r\n\r\n"), 0,
               QByteArray());
        broken("bare CR in a header value", QByteArray(ok + "X-A: 1\rX-B: 2\r\nContent-Length: 0\r\n\r\n"), 0,
               QByteArray());
        broken("CR then any byte after the chunk size", QByteArray(chunkedOk + "5\rXhello\r\n0\r\n\r\n"), 200,
               QByteArray());
        broken("bare LF in a chunk extension", QByteArray(chunkedOk + "2;\nxx\r\n2c\r\n0\r\n\r\n"), 200, QByteArray());
        broken("two bytes instead of CRLF after chunk data", QByteArray(chunkedOk + "5\r\nhelloXX0\r\n\r\n"), 200,
               QByteArray("hello"));
        broken("bare LF after chunk data", QByteArray(chunkedOk + "5\r\nhello\n0\r\n\r\n"), 200, QByteArray("hello"));
        broken("CR then any byte after the trailers", QByteArray(chunkedOk + "2\r\nok\r\n0\r\nX: y\r\n\rZ"), 200,
               QByteArray("ok"));
        QTest::newRow("oversized head, one value")
            << QByteArray(ok + "X-Big: " + QByteArray(300, 'a') + "\r\n\r\n") << false << false << failed << tooLarge
            << 0 << QByteArray() << qint64(-1) << false << false << false << QByteArray() << noName;
        QTest::newRow("oversized head, many headers")
            << QByteArray(ok + QByteArray("X-A: 1234567890\r\n").repeated(20) + "\r\n") << false << false << failed
            << tooLarge << 0 << QByteArray() << qint64(-1) << false << false << false << QByteArray() << noName;
        QTest::newRow("oversized trailers")
            << QByteArray(ok + "Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-T: " + QByteArray(300, 't')
                          + "\r\n\r\n")
            << false << false << failed << tooLarge << 200 << QByteArray("ok") << qint64(-1) << true << false << false
            << QByteArray() << noName;
        QTest::newRow("truncated body") << QByteArray(ok + "Content-Length: 10\r\n\r\nonly") << false << true << failed
                                        << closedMidAnswer << 200 << QByteArray("only") << qint64(10) << false << false
                                        << false << QByteArray() << noName;
        QTest::newRow("truncated chunk") << QByteArray(ok + "Transfer-Encoding: chunked\r\n\r\n5\r\nhel") << false
                                         << true << failed << closedMidAnswer << 200 << QByteArray("hel") << qint64(-1)
                                         << true << false << false << QByteArray() << noName;
        QTest::newRow("truncated head") << QByteArray(ok + "Content-Le") << false << true << failed << closedMidAnswer
                                        << 0 << QByteArray() << qint64(-1) << false << false << false << QByteArray()
                                        << noName;
        QTest::newRow("closed after 100 Continue") << QByteArray("HTTP/1.1 100 Continue\r\n\r\n") << false << true
                                                   << failed << closedMidAnswer << 0 << QByteArray() << qint64(-1)
                                                   << false << false << false << QByteArray() << noName;
    }

    void readsAnswers()
    {
        QFETCH(QByteArray, answer);
        QFETCH(bool, headRequest);
        QFETCH(bool, closed);
        QFETCH(int, end);
        QFETCH(int, failure);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(qint64, contentLength);
        QFETCH(bool, chunked);
        QFETCH(bool, bodyless);
        QFETCH(bool, keepAlive);
        QFETCH(QByteArray, leftover);
        QFETCH(QByteArray, absentHeader);

        for (const QList<QByteArray> &pieces : splits(answer)) {
            const Outcome outcome = feed(pieces, headRequest, closed, 256);
            const QByteArray where = "pieces: " + QByteArray::number(pieces.size()) + ", first "
                + QByteArray::number(pieces.first().size()) + "; " + outcome.failureText.toUtf8();
            QVERIFY2(int(outcome.end) == end, where.constData());
            QVERIFY2(int(outcome.failure) == failure, where.constData());
            QVERIFY2(outcome.heads == (status ? 1 : 0), where.constData());
            QVERIFY2(!outcome.bodyBeforeHead, where.constData());
            QVERIFY2(outcome.body == body, where.constData());
            if (pieces.size() == answer.size() && answer.size() > 1)
                QVERIFY2(outcome.largestPiece <= 1, "a piece is passed on as it arrives, never gathered");
            if (status == 0)
                continue;
            QCOMPARE(outcome.head.status, status);
            QCOMPARE(outcome.head.contentLength, contentLength);
            QCOMPARE(outcome.head.chunked, chunked);
            QCOMPARE(outcome.head.bodyless, bodyless);
            if (!absentHeader.isEmpty())
                QVERIFY2(ProxyHttp::headerValue(outcome.head.headers, absentHeader).isNull(), where.constData());
            if (end == int(Result::Complete)) {
                QVERIFY2(outcome.keepAlive == keepAlive, where.constData());
                QVERIFY2(outcome.leftover == leftover, where.constData());
            }
        }
    }

    // The head's headers as sent, in order; the reason phrase is no header.
    void keepsHeadersInOrder()
    {
        const QByteArray answer = "HTTP/1.1 404 Not Here\r\nX-B: 2\r\nx-a: one, two\r\nSet-Cookie: a=1\r\n"
                                  "Set-Cookie: b=2\r\nContent-Length: 0\r\n\r\n";
        for (const QList<QByteArray> &pieces : splits(answer)) {
            const Outcome outcome = feed(pieces, false, false, 64 * 1024);
            QCOMPARE(outcome.end, Result::Complete);
            const HeaderList expected{{"X-B", "2"},
                                      {"x-a", "one, two"},
                                      {"Set-Cookie", "a=1"},
                                      {"Set-Cookie", "b=2"},
                                      {"Content-Length", "0"}};
            QCOMPARE(outcome.head.headers, expected);
            QCOMPARE(outcome.head.status, 404);
        }
    }

    // A keep-alive connection: one reader, one answer per expect().
    void readsOneAnswerPerRequest()
    {
        HttpResponseReader reader;
        const QByteArray first = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nX-First: 1\r\n\r\na";
        const QByteArray second = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n";
        const QByteArray bytes = first + second;
        reader.expect(false);
        qsizetype consumed = 0;
        QCOMPARE(reader.read(bytes.constData(), bytes.size(), &consumed), Result::Complete);
        QCOMPARE(consumed, first.size());
        QVERIFY(reader.keepAlive());
        // The second answers a HEAD: the head alone completes it, and none of the first stays.
        reader.expect(true);
        QCOMPARE(reader.read(bytes.constData() + consumed, bytes.size() - consumed, &consumed), Result::Complete);
        QCOMPARE(consumed, second.size());
        QCOMPARE(reader.head().contentLength, 100);
        QVERIFY(ProxyHttp::headerValue(reader.head().headers, "x-first").isNull());
        // A failure stays until the next expect().
        reader.expect(false);
        QCOMPARE(reader.read("nonsense", 8, &consumed), Result::Failed);
        QCOMPARE(reader.read(first.constData(), first.size(), &consumed), Result::Failed);
        QCOMPARE(consumed, 0);
        reader.expect(false);
        QCOMPARE(reader.read(first.constData(), first.size(), &consumed), Result::Complete);
    }

    // The stream ending before a single byte is a closed connection, not an empty answer.
    void closedBeforeAnyByte()
    {
        HttpResponseReader reader;
        reader.expect(false);
        QCOMPARE(reader.finish(), Result::Failed);
        QCOMPARE(reader.failure(), Failure::Closed);
    }

    // The default bound is the proxy's: 64 KiB of head.
    void defaultLimitBoundsTheHead()
    {
        HttpResponseReader reader;
        QCOMPARE(reader.limits().maxHeaderBytes, 64 * 1024);
        reader.expect(false);
        const QByteArray answer = "HTTP/1.1 200 OK\r\n" + QByteArray("X-A: 123456789012345678901234567890\r\n").repeated(2000);
        qsizetype consumed = 0;
        QCOMPARE(reader.read(answer.constData(), answer.size(), &consumed), Result::Failed);
        QCOMPARE(reader.failure(), Failure::TooLarge);
    }
};

QTEST_GUILESS_MAIN(TestHttpResponseReader)
#include "test_httpresponsereader.moc"
