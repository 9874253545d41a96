#pragma once

#include <optional>

#include <QList>
#include <QString>
#include <QStringList>

#include "domain/modeldefinition.h"

namespace ServeDeck {

// A runtime's Prometheus name for one of the normalized metrics the autoscaler reads.
struct RuntimeMetric
{
    QString normalized;  // queue_depth, running_requests, kv_cache_usage
    QStringList names;   // the runtime's own names, newest first
};

// What ServeDeck knows of one serving runtime, so a bare model folder can be served by it.
// Argument templates: {folder} the model folder, {gguf} its GGUF file, {gpus} the replica's GPU
// count (tensor parallel); $PORT is the port the agent gives the replica.
struct RuntimePreset
{
    QString variant;          // runtime_variant
    QString title;
    QStringList command;      // program first; QProcess runs it, no shell
    QString portFlag;         // empty: the port goes in through the environment
    QStringList gpuArguments; // added when the replica has GPUs
    // Added by the agent when the replica asks for gpu_memory, once it knows the device:
    // {gpu_memory_fraction} is gpu_memory / the device's memory (two decimals, rounded down).
    QStringList gpuMemoryArguments;
    // Added when the endpoint's name is known ({name}): the model name the runtime answers to, so
    // the proxy's OpenAI front door, which sends the endpoint's name as `model`, is understood.
    QStringList servedNameArguments;
    QList<QPair<QString, QString>> environment;  // same templates as the arguments, and {name}
    HealthCheckConfig healthCheck;
    int loadingStatusCode = 0;  // an answer that means "still loading": STARTING, not failing
    QString readyBody;          // a ready answer contains this (empty: any)
    int startTimeoutS = 600;    // loading weights may take minutes
    // Model-folder layout: file names or globs, every one must match something.
    QStringList requiredFiles;
    QList<RuntimeMetric> metrics;  // empty: the runtime exports no Prometheus metrics
    QString metricsNote;           // why there are none, shown where the metrics would be
    QString metricsPath = QStringLiteral("/metrics");
    // Ports beyond $PORT that the agent hands out, by variable name ($GRPC_PORT in arguments and
    // environment), and the one of them serving metricsPath (empty: $PORT serves it).
    QStringList extraPorts;
    QString metricsPort;

    // The presets shipped; cmd and custom have none (their model-definition says everything).
    static const QList<RuntimePreset> &all();
    static std::optional<RuntimePreset> find(const QString &variant);
    // Every accepted runtime_variant, presets and the two definition-only ones.
    static QStringList variants();
};

} // namespace ServeDeck
