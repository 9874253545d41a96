#include "completionrequest.h"

#include <cmath>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QSet>

using namespace Qt::StringLiterals;

namespace ServeDeck {

namespace {

// A chat may have many turns, but not without bound.
constexpr qsizetype kMaxMessages = 1024;

int wordCount(const QString &text)
{
    return int(text.split(u' ', Qt::SkipEmptyParts).size());
}

std::optional<CompletionRequest> fail(OpenAiError *error, const QString &param, const QString &message)
{
    error->status = 400;
    error->param = param;
    error->message = message;
    return std::nullopt;
}

// A message's content: a string, or OpenAI's list of parts of which text parts count.
std::optional<int> contentWords(const QJsonValue &content, const QString &param, OpenAiError *error)
{
    if (content.isString())
        return wordCount(content.toString());
    if (content.isNull())
        return 0;  // an assistant turn that only called tools
    if (!content.isArray()) {
        fail(error, param, u"expected a string or an array of content parts"_s);
        return std::nullopt;
    }
    int words = 0;
    const QJsonArray parts = content.toArray();
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QJsonObject part = parts.at(i).toObject();
        if (part.value(u"type"_s).toString() != u"text" || !part.value(u"text"_s).isString()) {
            fail(error, u"%1[%2]"_s.arg(param).arg(i), u"expected a {\"type\": \"text\", \"text\": ...} part"_s);
            return std::nullopt;
        }
        words += wordCount(part.value(u"text"_s).toString());
    }
    return words;
}

} // namespace

QJsonObject OpenAiError::toJson() const
{
    const QJsonObject body{
        {u"message"_s, message},
        {u"type"_s, type},
        {u"param"_s, param.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(param)},
        {u"code"_s, code.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(code)},
    };
    return QJsonObject{{u"error"_s, body}};
}

std::optional<CompletionRequest> CompletionRequest::parse(Kind kind, const QByteArray &body, const QString &servedModel,
                                                          OpenAiError *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(error, {}, u"We could not parse the JSON body of your request (at offset %1: %2)."_s.arg(
                                   parseError.offset).arg(parseError.errorString()));
    if (!document.isObject())
        return fail(error, {}, u"The body must be a JSON object."_s);
    const QJsonObject object = document.object();

    // What the official clients send; sampling parameters are accepted and have no effect.
    static const QSet<QString> common{u"model"_s, u"stream"_s, u"stream_options"_s, u"max_tokens"_s, u"n"_s,
                                      u"temperature"_s, u"top_p"_s, u"stop"_s, u"seed"_s, u"user"_s,
                                      u"presence_penalty"_s, u"frequency_penalty"_s, u"logit_bias"_s};
    const QString input = kind == Kind::Chat ? u"messages"_s : u"prompt"_s;
    for (auto it = object.begin(); it != object.end(); ++it) {
        const bool known = common.contains(it.key()) || it.key() == input
            || (kind == Kind::Chat && it.key() == u"max_completion_tokens");
        if (!known)
            return fail(error, it.key(), u"Unrecognized request argument supplied: %1"_s.arg(it.key()));
    }

    CompletionRequest request;
    request.kind = kind;
    const QJsonValue model = object.value(u"model"_s);
    if (!model.isString() || model.toString().isEmpty())
        return fail(error, u"model"_s, u"you must provide a model parameter"_s);
    request.model = model.toString();
    if (request.model != servedModel) {
        error->status = 404;
        error->param = u"model"_s;
        error->code = u"model_not_found"_s;
        // Bounded: the name is the client's own, echoed in a JSON string only.
        error->message = u"The model `%1` does not exist."_s.arg(request.model.left(256));
        return std::nullopt;
    }

    if (object.contains(u"stream"_s)) {
        const QJsonValue stream = object.value(u"stream"_s);
        if (!stream.isBool() && !stream.isNull())
            return fail(error, u"stream"_s, u"expected a boolean"_s);
        request.stream = stream.toBool();
    }
    const QJsonValue streamOptions = object.value(u"stream_options"_s);
    if (!streamOptions.isUndefined() && !streamOptions.isNull()) {
        const QJsonValue includeUsage = streamOptions.toObject().value(u"include_usage"_s);
        if (!request.stream)
            return fail(error, u"stream_options"_s, u"stream_options is only allowed when stream is true"_s);
        if (!streamOptions.isObject() || (!includeUsage.isUndefined() && !includeUsage.isBool()))
            return fail(error, u"stream_options"_s, u"expected {\"include_usage\": true or false}"_s);
        request.includeUsage = includeUsage.toBool();
    }
    if (object.contains(u"n"_s) && object.value(u"n"_s) != QJsonValue(1) && !object.value(u"n"_s).isNull())
        return fail(error, u"n"_s, u"only n = 1 is supported"_s);
    for (const QString &name : {u"temperature"_s, u"top_p"_s, u"presence_penalty"_s, u"frequency_penalty"_s}) {
        const QJsonValue value = object.value(name);
        if (!value.isUndefined() && !value.isNull() && (!value.isDouble() || !std::isfinite(value.toDouble())))
            return fail(error, name, u"expected a number"_s);
    }

    for (const QString &name : {u"max_tokens"_s, u"max_completion_tokens"_s}) {
        const QJsonValue value = object.value(name);
        if (value.isUndefined() || value.isNull())
            continue;
        const double number = value.toDouble(-1);
        if (!value.isDouble() || number != std::floor(number) || number < 1 || number > kMaxTokensLimit)
            return fail(error, name, u"expected an integer from 1 to %1"_s.arg(kMaxTokensLimit));
        request.maxTokens = int(number);
    }

    const QJsonValue prompt = object.value(input);
    if (kind == Kind::Completion) {
        // A string, or a list holding one string (the clients' batch form, of one).
        if (prompt.isString()) {
            request.promptTokens = wordCount(prompt.toString());
        } else if (prompt.isArray() && prompt.toArray().size() == 1 && prompt.toArray().at(0).isString()) {
            request.promptTokens = wordCount(prompt.toArray().at(0).toString());
        } else {
            return fail(error, input, u"expected a string (or an array of one string)"_s);
        }
        return request;
    }

    static const QSet<QString> roles{u"system"_s, u"developer"_s, u"user"_s, u"assistant"_s, u"tool"_s};
    if (!prompt.isArray() || prompt.toArray().isEmpty() || prompt.toArray().size() > kMaxMessages)
        return fail(error, input, u"expected an array of 1 to %1 messages"_s.arg(kMaxMessages));
    const QJsonArray messages = prompt.toArray();
    for (qsizetype i = 0; i < messages.size(); ++i) {
        const QString param = u"messages[%1]"_s.arg(i);
        if (!messages.at(i).isObject())
            return fail(error, param, u"expected a message object"_s);
        const QJsonObject message = messages.at(i).toObject();
        if (!roles.contains(message.value(u"role"_s).toString()))
            return fail(error, param + u".role"_s, u"expected one of system, developer, user, assistant, tool"_s);
        const std::optional<int> words = contentWords(message.value(u"content"_s), param + u".content"_s, error);
        if (!words)
            return std::nullopt;
        request.promptTokens += *words;
    }
    return request;
}

} // namespace ServeDeck
