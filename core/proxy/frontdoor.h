#pragma once

#include <optional>

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QList>
#include <QString>

#include "http/proxyhttp.h"

namespace ServeDeck {

// The OpenAI-compatible front door at the proxy's root, as LM Studio, Ollama and LiteLLM offer:
// POST /v1/chat/completions, /v1/completions and /v1/embeddings go to the endpoint their body's
// `model` names (or one of its aliases), GET /v1/models lists what the caller may call. This
// class knows the paths, reads the body and writes OpenAI's shapes; ProxyWorker routes.
class FrontDoor
{
public:
    enum class Call { None, Inference, Models, Unknown };
    // What a path at the proxy's root asks of the front door: None for every other path.
    static Call callOf(QByteArrayView path);

    // The body of an inference call: parsed whole (QJsonDocument), its `model` a non-empty
    // string. Otherwise a 400 in OpenAI's shape.
    struct Body
    {
        QJsonObject object;
        QString model;
    };
    static std::optional<Body> readBody(QByteArrayView body, LocalResponse *refusal);
    // The body again with `model` set to name: what a replica that answers to the endpoint's
    // name gets when the caller used an alias.
    static QByteArray withModel(QJsonObject object, const QString &name);

    struct Model
    {
        QString id;
        QString root;  // the endpoint's name (an alias's, or its own)
    };
    static LocalResponse modelList(QList<Model> models);

    // {"error":{"message","type","param","code"}}, as OpenAI answers.
    static LocalResponse error(int status, const QString &message, const QString &type, const QString &param = {},
                               const QString &code = {});
    static LocalResponse unknownModel(const QString &model);
};

} // namespace ServeDeck
