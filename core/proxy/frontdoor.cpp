#include "proxy/frontdoor.h"

#include <algorithm>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace ServeDeck {

namespace {

// A client's model name is echoed in an error message; this much of it at most.
constexpr qsizetype kMaxEchoedName = 256;

QJsonValue nullable(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

} // namespace

FrontDoor::Call FrontDoor::callOf(QByteArrayView path)
{
    if (path == "/v1/chat/completions" || path == "/v1/completions" || path == "/v1/embeddings")
        return Call::Inference;
    if (path == "/v1/models")
        return Call::Models;
    // v1 is a reserved name: no endpoint can have it, so the rest of /v1 is the front door's too.
    if (path == "/v1" || path.startsWith("/v1/"))
        return Call::Unknown;
    return Call::None;
}

LocalResponse FrontDoor::error(int status, const QString &message, const QString &type, const QString &param,
                               const QString &code)
{
    const QJsonObject error{{QStringLiteral("message"), message},
                            {QStringLiteral("type"), type},
                            {QStringLiteral("param"), nullable(param)},
                            {QStringLiteral("code"), nullable(code)}};
    LocalResponse response;
    response.status = status;
    response.contentType = QByteArrayLiteral("application/json");
    response.body = QJsonDocument(QJsonObject{{QStringLiteral("error"), error}}).toJson(QJsonDocument::Compact);
    return response;
}

LocalResponse FrontDoor::unknownModel(const QString &model)
{
    return error(404, QStringLiteral("The model `%1` does not exist.").arg(model.left(kMaxEchoedName)),
                 QStringLiteral("invalid_request_error"), QStringLiteral("model"), QStringLiteral("model_not_found"));
}

std::optional<FrontDoor::Body> FrontDoor::readBody(QByteArrayView body, LocalResponse *refusal)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray::fromRawData(body.data(), body.size()), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        *refusal = error(400,
                         parseError.error != QJsonParseError::NoError
                             ? QStringLiteral("the body is not valid JSON: %1 at offset %2")
                                   .arg(parseError.errorString())
                                   .arg(parseError.offset)
                             : QStringLiteral("the body must be a JSON object"),
                         QStringLiteral("invalid_request_error"));
        return std::nullopt;
    }
    Body result;
    result.object = document.object();
    const QJsonValue model = result.object.value(QLatin1StringView("model"));
    if (!model.isString() || model.toString().isEmpty()) {
        *refusal = error(400, QStringLiteral("you must provide a model parameter"), QStringLiteral("invalid_request_error"),
                         QStringLiteral("model"));
        return std::nullopt;
    }
    result.model = model.toString();
    return result;
}

QByteArray FrontDoor::withModel(QJsonObject object, const QString &name)
{
    object.insert(QStringLiteral("model"), name);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

LocalResponse FrontDoor::modelList(QList<Model> models)
{
    std::sort(models.begin(), models.end(), [](const Model &a, const Model &b) { return a.id < b.id; });
    QJsonArray data;
    for (const Model &model : std::as_const(models)) {
        data.append(QJsonObject{{QStringLiteral("id"), model.id},
                                {QStringLiteral("object"), QStringLiteral("model")},
                                {QStringLiteral("created"), 0},
                                {QStringLiteral("owned_by"), QStringLiteral("servedeck")},
                                {QStringLiteral("root"), model.root}});
    }
    LocalResponse response;
    response.contentType = QByteArrayLiteral("application/json");
    response.body = QJsonDocument(QJsonObject{{QStringLiteral("object"), QStringLiteral("list")}, {QStringLiteral("data"), data}})
                        .toJson(QJsonDocument::Compact);
    return response;
}

} // namespace ServeDeck
