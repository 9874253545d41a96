#pragma once

#include <optional>

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace ServeDeck {

// An OpenAI-style error answer: {"error": {"message", "type", "param", "code"}}.
struct OpenAiError
{
    int status = 400;
    QString message;
    QString type = QStringLiteral("invalid_request_error");
    QString param;  // empty: null
    QString code;   // empty: null

    QJsonObject toJson() const;
};

// One /v1/completions or /v1/chat/completions request body, checked field by field as
// OpenAI's API does: a wrong type, an unknown field or a value out of range is a 400 naming
// the field; a model other than the served one is a 404.
struct CompletionRequest
{
    enum class Kind { Completion, Chat };

    // The most tokens one request may ask for, and what it gets when it does not say.
    static constexpr int kMaxTokensLimit = 4096;
    static constexpr int kDefaultMaxTokens = 16;

    Kind kind = Kind::Completion;
    QString model;
    bool stream = false;
    bool includeUsage = false;  // stream_options.include_usage: a last chunk with the token counts
    int maxTokens = kDefaultMaxTokens;
    int promptTokens = 0;  // whitespace-separated words of the prompt or of every message

    static std::optional<CompletionRequest> parse(Kind kind, const QByteArray &body, const QString &servedModel,
                                                  OpenAiError *error);
};

} // namespace ServeDeck
