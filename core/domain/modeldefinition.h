#pragma once

#include <optional>

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantMap>

#include "result.h"

namespace ServeDeck {

// Backend.AI's model-definition schema; the defaults are Backend.AI's.
struct HealthCheckConfig
{
    QString path;
    double interval = 10.0;
    int maxRetries = 10;
    double maxWaitTime = 15.0;
    int expectedStatusCode = 200;
    double initialDelay = 60.0;

    bool operator==(const HealthCheckConfig &) const = default;
};

struct PreStartAction
{
    QString action;
    QVariantMap args;

    bool operator==(const PreStartAction &) const = default;
};

struct ModelServiceConfig
{
    QList<PreStartAction> preStartActions;
    QStringList startCommand;
    int port = 0;
    std::optional<HealthCheckConfig> healthCheck;

    bool operator==(const ModelServiceConfig &) const = default;
};

// How to call the model (models[].request, all optional): what Try pre-fills and what the
// traffic simulator generates. Bounded when parsed: example <= 64 KiB, shape product <= 65536.
struct RequestHints
{
    QString path;        // where inference requests go, relative to the endpoint URL ("/predict")
    QByteArray example;  // a request body, JSON text
    QString inputField;  // the JSON field one generated input fills ("features")
    QString batchField;  // the field a batch of inputs fills as a list ("instances"); empty: one input per request
    QList<int> inputShape;  // numbers per input, by dimension; empty: no generated inputs
    double min = 0.0;       // generated numbers fall in [min, max)
    double max = 1.0;

    bool operator==(const RequestHints &) const = default;
};

struct ModelEntry
{
    QString name;
    QString modelPath;  // inside the replica: the folder is mounted at /models
    QStringList files;  // relative to modelPath; must exist
    std::optional<ModelServiceConfig> service;
    QVariantMap resources;
    QVariantMap metadata;
    std::optional<RequestHints> request;

    bool operator==(const ModelEntry &) const = default;
};

struct ModelDefinition
{
    QString sourceFile;
    QList<ModelEntry> models;

    bool operator==(const ModelDefinition &) const = default;
};

class ModelDefinitionParser
{
public:
    ModelDefinitionParser() = delete;

    // Errors are InvalidModelDefinition, message "<file>:<line>: <field>: <problem>".
    static Result<ModelDefinition> parseYaml(const QByteArray &text, const QString &fileName);
    static Result<ModelDefinition> parseToml(const QByteArray &text, const QString &fileName);
    // Parses model-definition.yaml, .yml or .toml (first found, in that order).
    // No folder or no definition file: ModelFileNotFound, details {folder, missing_files}.
    static Result<ModelDefinition> loadFolder(const QString &folder);
    // Required paths (model_path and files of every model) absent from the folder,
    // relative to it ("." for the folder itself). Empty when complete.
    static QStringList missingFiles(const ModelDefinition &definition, const QString &folder);
    // "/models/x" or "x" -> folder + "/x"; empty for a path outside the folder.
    static QString hostPath(const QString &modelPath, const QString &folder);
};

} // namespace ServeDeck
