#pragma once

#include <memory>
#include <optional>

#include <QByteArray>
#include <QByteArrayView>

namespace ServeDeck {

// Reads an OpenAI-style answer as it streams past and counts its generated tokens: for a
// text/event-stream answer, one per content delta of its `data: {...}` chunks (or the final
// chunk's usage.completion_tokens, when it has one), and when its first token came; for a JSON
// answer to a completion call, its usage.completion_tokens. Only the line being read (a stream)
// or the body (JSON) is kept, each bounded; past the bound the answer is not counted. Plain
// answers get no meter at all, so they pay nothing.
class CompletionMeter
{
public:
    // A meter for a 2xx answer of this Content-Type, or none: an event stream always gets one; a
    // JSON answer only when completionCall (the request was POST .../completions).
    static std::unique_ptr<CompletionMeter> forAnswer(int status, QByteArrayView contentType, bool completionCall);
    // Whether a request path asks for a completion (/v1/completions, /v1/chat/completions).
    static bool isCompletionPath(QByteArrayView path);

    // Body bytes as they pass, and the proxy's clock then.
    void add(QByteArrayView data, qint64 nowNs);

    struct Count
    {
        quint64 tokens = 0;
        std::optional<qint64> firstTokenNs;  // streams only: when the first content delta came
        // Tokens per second, as the pair its rate is made of: for a stream, the tokens after the
        // first over the time from the first to the end; for JSON, all of them over the whole answer.
        quint64 decodeTokens = 0;
        qint64 decodeNanos = 0;
    };
    // At the end of the answer; none when nothing countable came (or the bounds were passed).
    std::optional<Count> finish(qint64 startedNs, qint64 nowNs);
    // Content deltas counted so far (streams): a load generator times each one as it comes.
    quint64 deltasSoFar() const { return m_deltas; }

private:
    enum class Kind { EventStream, Json };
    explicit CompletionMeter(Kind kind);
    void line(QByteArrayView line, qint64 nowNs);

    Kind m_kind;
    QByteArray m_pending;  // stream: an unfinished line; JSON: the body so far
    quint64 m_deltas = 0;
    std::optional<quint64> m_usageTokens;
    std::optional<qint64> m_firstTokenNs;
    bool m_overflow = false;
};

} // namespace ServeDeck
