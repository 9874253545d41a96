#pragma once

#include <optional>

#include <QHostAddress>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace ServeDeck {

// Fault knobs: each one by flag or by environment variable, the flag winning, so
// that a model definition's start command and an operator's environment both work.
struct FaultOptions
{
    int startupDelayMs = 0;                // 0: listen at once
    int latencyMs = 0;                     // added to every /predict; 0: none
    int failPercent = 0;                   // share of /predict answered 500, spread evenly; 0: none
    int crashAfter = 0;                    // abort() after the Nth /predict; 0: never
    std::optional<int> failHealthAfterMs;  // /health answers 503 from then on (0: from the start)
    int growMemoryMb = 0;                  // MiB kept per /predict; 0: none
    std::optional<int> exitCodeAtStart;    // exit with this code before loading the model
    bool cudaOom = false;                  // log a CUDA out-of-memory error and exit 1
};

// The OpenAI-compatible mode (--openai): a stand-in for vLLM that answers completions with
// filler tokens at a set pace, and reports vLLM's metric names.
struct OpenAiOptions
{
    bool enabled = false;
    QString modelName = QStringLiteral("servedeck-demo");  // what /v1/models lists and requests name
    int timeToFirstTokenMs = 200;                          // from taking a request up to its first token
    int tokensPerSecond = 50;                              // after the first token
    int maxNumSeqs = 4;                                    // generated at once; later requests wait
};

// The command line of servedeck-model-server.
struct ModelServerOptions
{
    enum class Outcome { Run, Help, BadArguments };

    QString modelPath;
    QString version;
    QHostAddress host;
    quint16 port = 0;
    FaultOptions faults;
    OpenAiOptions openAi;
    // MiB of GPU memory held from the start (0: none), through this CUDA driver library.
    int gpuMemoryMb = 0;
    QString cudaLibrary = QStringLiteral("libcuda.so.1");

    // Run: *options is filled. Help: *message is the help text. BadArguments: *message says why.
    static Outcome parse(const QStringList &arguments, const QProcessEnvironment &environment,
                         ModelServerOptions *options, QString *message);
};

} // namespace ServeDeck
