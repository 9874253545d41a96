// CompletionMeter alone: how it counts the tokens of an OpenAI-style answer however its bytes are
// cut, which answers it reads at all, and the bounds past which it stops counting.
#include <QTest>

#include "proxy/completionmeter.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kMs = 1000 * 1000;

QByteArray chatChunk(const QByteArray &content)
{
    return R"(data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":")" + content
        + R"("},"finish_reason":null}]})" + "\n\n";
}

// A chat stream of `tokens` content deltas, OpenAI's closing chunk, optionally a usage chunk, [DONE].
QByteArray chatStream(int tokens, std::optional<int> usage = std::nullopt, const QByteArray &newline = "\n")
{
    QByteArray out = R"(data: {"choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}]})" + newline + newline;
    for (int i = 0; i < tokens; ++i)
        out += chatChunk("w" + QByteArray::number(i)).replace("\n", newline);
    out += R"(data: {"choices":[{"index":0,"delta":{},"finish_reason":"length"}]})" + newline + newline;
    if (usage)
        out += R"(data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":)" + QByteArray::number(*usage)
            + "}}" + newline + newline;
    out += "data: [DONE]" + newline + newline;
    return out;
}

} // namespace

class TestCompletionMeter final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void onlyOpenAiStyleAnswersGetAMeter_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<bool>("completionCall");
        QTest::addColumn<bool>("metered");
        QTest::newRow("event stream") << 200 << QByteArray("text/event-stream") << false << true;
        QTest::newRow("event stream, charset, any case") << 200 << QByteArray(" Text/Event-Stream; charset=utf-8") << false << true;
        QTest::newRow("JSON completion") << 200 << QByteArray("application/json") << true << true;
        QTest::newRow("JSON, not a completion") << 200 << QByteArray("application/json") << false << false;
        QTest::newRow("plain text") << 200 << QByteArray("text/plain") << true << false;
        QTest::newRow("no type") << 200 << QByteArray() << true << false;
        QTest::newRow("an error") << 500 << QByteArray("text/event-stream") << true << false;
        QTest::newRow("not found") << 404 << QByteArray("application/json") << true << false;
    }

    void onlyOpenAiStyleAnswersGetAMeter()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, contentType);
        QFETCH(bool, completionCall);
        QFETCH(bool, metered);
        QCOMPARE(bool(CompletionMeter::forAnswer(status, contentType, completionCall)), metered);
    }

    void completionPaths()
    {
        QVERIFY(CompletionMeter::isCompletionPath("/v1/chat/completions"));
        QVERIFY(CompletionMeter::isCompletionPath("/v1/completions"));
        QVERIFY(!CompletionMeter::isCompletionPath("/v1/embeddings"));
        QVERIFY(!CompletionMeter::isCompletionPath("/v1/models"));
        QVERIFY(!CompletionMeter::isCompletionPath("/predict"));
    }

    void countsAStreamHoweverItIsCut_data()
    {
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<int>("pieceSize");  // bytes per add(); 0: all at once
        QTest::addColumn<quint64>("tokens");
        QTest::newRow("whole") << chatStream(6) << 0 << quint64(6);
        QTest::newRow("byte by byte") << chatStream(6) << 1 << quint64(6);
        QTest::newRow("7-byte pieces") << chatStream(6) << 7 << quint64(6);
        QTest::newRow("CRLF lines") << chatStream(6, std::nullopt, "\r\n") << 5 << quint64(6);
        QTest::newRow("usage wins over deltas") << chatStream(6, 9) << 11 << quint64(9);
        QTest::newRow("completions' text") << QByteArray(R"(data: {"choices":[{"index":0,"text":"a"}]})" "\n\n"
                                                         R"(data: {"choices":[{"index":0,"text":" b"}]})" "\n\n"
                                                         R"(data: {"choices":[{"index":0,"text":""}]})" "\n\ndata: [DONE]\n\n")
                                           << 3 << quint64(2);
        QTest::newRow("comments, events and ids between") << QByteArray(": keep-alive\nevent: message\nid: 4\n" + chatChunk("x")
                                                                         + "retry: 10\n" + chatChunk("y"))
                                                          << 4 << quint64(2);
        QTest::newRow("two choices a chunk")
            << QByteArray(R"(data: {"choices":[{"index":0,"delta":{"content":"a"}},{"index":1,"delta":{"content":"b"}}]})" "\n\n")
            << 0 << quint64(2);
    }

    void countsAStreamHoweverItIsCut()
    {
        QFETCH(QByteArray, stream);
        QFETCH(int, pieceSize);
        QFETCH(quint64, tokens);
        auto meter = CompletionMeter::forAnswer(200, "text/event-stream", true);
        QVERIFY(meter);
        const qsizetype step = pieceSize > 0 ? pieceSize : stream.size();
        qint64 now = 10 * kMs;
        for (qsizetype at = 0; at < stream.size(); at += step) {
            meter->add(QByteArrayView(stream).sliced(at, std::min(step, stream.size() - at)), now);
            now += kMs;
        }
        const auto count = meter->finish(0, now);
        QVERIFY(count);
        QCOMPARE(count->tokens, tokens);
        QVERIFY(count->firstTokenNs);
        QVERIFY(*count->firstTokenNs >= 10 * kMs && *count->firstTokenNs < now);
        QCOMPARE(count->decodeTokens, tokens - 1);
        QCOMPARE(count->decodeNanos, now - *count->firstTokenNs);
    }

    void firstTokenIsTheFirstContentNotTheFirstByte()
    {
        auto meter = CompletionMeter::forAnswer(200, "text/event-stream", true);
        meter->add(R"(data: {"choices":[{"index":0,"delta":{"role":"assistant"}}]})" "\n\n", 5 * kMs);
        meter->add(chatChunk("first"), 40 * kMs);
        meter->add(chatChunk("second"), 50 * kMs);
        const auto count = meter->finish(2 * kMs, 60 * kMs);
        QVERIFY(count);
        QCOMPARE(*count->firstTokenNs, 38 * kMs);
        QCOMPARE(count->tokens, quint64(2));
        QCOMPARE(count->decodeTokens, quint64(1));
        QCOMPARE(count->decodeNanos, 20 * kMs);
    }

    void nothingCountableIsNoCount_data()
    {
        QTest::addColumn<QByteArray>("stream");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("only [DONE]") << QByteArray("data: [DONE]\n\n");
        QTest::newRow("not JSON") << QByteArray("data: {not json}\n\ndata: {\"choices\": [\n\n");
        QTest::newRow("no content") << QByteArray(R"(data: {"choices":[{"index":0,"delta":{}}]})" "\n\n");
        QTest::newRow("an unfinished line") << chatChunk("x").chopped(2);
        // One line past the 64 KiB bound: not kept, and nothing after it counts either.
        QTest::newRow("a line past the bound") << QByteArray("data: {\"pad\":\"" + QByteArray(70 * 1024, 'p') + "\"}\n\n"
                                                             + chatChunk("x"));
    }

    void nothingCountableIsNoCount()
    {
        QFETCH(QByteArray, stream);
        auto meter = CompletionMeter::forAnswer(200, "text/event-stream", true);
        for (qsizetype at = 0; at < stream.size(); at += 1000)
            meter->add(QByteArrayView(stream).sliced(at, std::min<qsizetype>(1000, stream.size() - at)), kMs);
        QVERIFY(!meter->finish(0, 2 * kMs));
    }

    void aJsonCompletionCountsItsUsage()
    {
        auto meter = CompletionMeter::forAnswer(200, "application/json", true);
        const QByteArray body = R"({"id":"c","choices":[{"message":{"content":"a b c"}}],"usage":{"prompt_tokens":4,"completion_tokens":3}})";
        meter->add(QByteArrayView(body).first(20), 5 * kMs);
        meter->add(QByteArrayView(body).sliced(20), 8 * kMs);
        const auto count = meter->finish(2 * kMs, 10 * kMs);
        QVERIFY(count);
        QCOMPARE(count->tokens, quint64(3));
        QVERIFY(!count->firstTokenNs);
        QCOMPARE(count->decodeTokens, quint64(3));
        QCOMPARE(count->decodeNanos, 8 * kMs);

        auto noUsage = CompletionMeter::forAnswer(200, "application/json", true);
        noUsage->add(R"({"choices":[]})", kMs);
        QVERIFY(!noUsage->finish(0, 2 * kMs));

        // Past 1 MiB it is not kept: not counted.
        auto huge = CompletionMeter::forAnswer(200, "application/json", true);
        const QByteArray pad(600 * 1024, ' ');
        huge->add(pad, kMs);
        huge->add(pad, kMs);
        huge->add(R"({"usage":{"completion_tokens":3}})", kMs);
        QVERIFY(!huge->finish(0, 2 * kMs));
    }
};

QTEST_GUILESS_MAIN(TestCompletionMeter)
#include "test_completionmeter.moc"
