#include "proxy/completionmeter.h"

#include <algorithm>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "http/proxyhttp.h"

namespace ServeDeck {

namespace {

// One `data:` line of a stream: a chunk is a few hundred bytes; a line longer than this is no
// chunk we count, and keeping it would let an upstream grow our memory.
constexpr qsizetype kMaxLineBytes = 64 * 1024;
// A non-streaming completion is kept this large at most to read its usage.
constexpr qsizetype kMaxJsonBytes = 1024 * 1024;

std::optional<quint64> completionTokensOf(const QJsonObject &object)
{
    const QJsonValue usage = object.value(QLatin1StringView("usage"));
    if (!usage.isObject())
        return std::nullopt;
    const QJsonValue tokens = usage.toObject().value(QLatin1StringView("completion_tokens"));
    if (!tokens.isDouble() || tokens.toDouble() < 0)
        return std::nullopt;
    return quint64(tokens.toDouble());
}

} // namespace

CompletionMeter::CompletionMeter(Kind kind)
    : m_kind(kind)
{
}

bool CompletionMeter::isCompletionPath(QByteArrayView path)
{
    return path.endsWith("/v1/completions") || path.endsWith("/v1/chat/completions");
}

std::unique_ptr<CompletionMeter> CompletionMeter::forAnswer(int status, QByteArrayView contentType, bool completionCall)
{
    if (status < 200 || status >= 300 || contentType.isEmpty())
        return nullptr;
    const QByteArrayView type = contentType.trimmed();
    const auto startsWith = [type](QByteArrayView prefix) {
        return type.size() >= prefix.size() && ProxyHttp::equalsIgnoringCase(type.first(prefix.size()), prefix);
    };
    if (startsWith("text/event-stream"))
        return std::unique_ptr<CompletionMeter>(new CompletionMeter(Kind::EventStream));
    if (completionCall && startsWith("application/json"))
        return std::unique_ptr<CompletionMeter>(new CompletionMeter(Kind::Json));
    return nullptr;
}

void CompletionMeter::add(QByteArrayView data, qint64 nowNs)
{
    if (m_overflow || data.isEmpty())
        return;
    if (m_kind == Kind::Json) {
        if (m_pending.size() + data.size() > kMaxJsonBytes) {
            m_overflow = true;
            m_pending = QByteArray();
            return;
        }
        m_pending.append(data);
        return;
    }
    // Lines wholly inside data are read where they are; only an unfinished tail is copied.
    qsizetype start = 0;
    while (start < data.size()) {
        const auto end = std::find(data.begin() + start, data.end(), '\n');
        if (end == data.end())
            break;
        const qsizetype newline = end - data.begin();
        if (m_pending.isEmpty()) {
            line(data.sliced(start, newline - start), nowNs);
        } else {
            m_pending.append(data.sliced(start, newline - start));
            line(m_pending, nowNs);
            m_pending.resize(0);
        }
        start = newline + 1;
    }
    if (start < data.size()) {
        if (m_pending.size() + (data.size() - start) > kMaxLineBytes) {
            m_overflow = true;
            m_pending = QByteArray();
            return;
        }
        m_pending.append(data.sliced(start));
    }
}

void CompletionMeter::line(QByteArrayView text, qint64 nowNs)
{
    if (text.endsWith('\r'))
        text.chop(1);
    if (!text.startsWith("data:"))
        return;  // event:, id:, retry:, comments and the blank line between events
    const QByteArrayView payload = text.sliced(5).trimmed();
    if (payload.isEmpty() || payload.front() != '{')
        return;  // [DONE], or nothing we read
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray::fromRawData(payload.data(), payload.size()));
    if (!document.isObject())
        return;
    const QJsonObject chunk = document.object();
    if (const std::optional<quint64> usage = completionTokensOf(chunk))
        m_usageTokens = usage;
    const QJsonArray choices = chunk.value(QLatin1StringView("choices")).toArray();
    for (const QJsonValue &choice : choices) {
        const QJsonObject object = choice.toObject();
        // Chat: delta.content; completions: text.
        const QString content = object.contains(QLatin1StringView("delta"))
            ? object.value(QLatin1StringView("delta")).toObject().value(QLatin1StringView("content")).toString()
            : object.value(QLatin1StringView("text")).toString();
        if (content.isEmpty())
            continue;
        ++m_deltas;
        if (!m_firstTokenNs)
            m_firstTokenNs = nowNs;
    }
}

std::optional<CompletionMeter::Count> CompletionMeter::finish(qint64 startedNs, qint64 nowNs)
{
    if (m_overflow)
        return std::nullopt;
    Count count;
    if (m_kind == Kind::Json) {
        const QJsonDocument document = QJsonDocument::fromJson(m_pending);
        m_pending = QByteArray();
        const std::optional<quint64> tokens = document.isObject() ? completionTokensOf(document.object()) : std::nullopt;
        if (!tokens || *tokens == 0)
            return std::nullopt;
        count.tokens = *tokens;
        count.decodeTokens = *tokens;
        count.decodeNanos = std::max<qint64>(nowNs - startedNs, 0);
        return count;
    }
    count.tokens = m_usageTokens.value_or(m_deltas);
    if (count.tokens == 0 || !m_firstTokenNs)
        return std::nullopt;
    count.firstTokenNs = *m_firstTokenNs - startedNs;
    if (count.tokens > 1 && nowNs > *m_firstTokenNs) {
        count.decodeTokens = count.tokens - 1;
        count.decodeNanos = nowNs - *m_firstTokenNs;
    }
    return count;
}

} // namespace ServeDeck
