#include "modelserveroptions.h"

#include <algorithm>
#include <limits>

#include <QCommandLineOption>
#include <QCommandLineParser>

using namespace Qt::StringLiterals;

namespace ServeDeck {

namespace {

// The port when neither --port nor PORT says otherwise: the model definitions' default.
constexpr int kDefaultPort = 8000;
// An hour: longer than any health check waits, short enough not to be a typo for "forever".
constexpr int kMaxDelayMs = 60 * 60 * 1000;
constexpr int kMaxGrowMemoryMb = 64 * 1024;
// More than any device has (an H200 has 141 GiB): an out-of-memory on purpose stays possible.
constexpr int kMaxGpuMemoryMb = 16 * 1024 * 1024;
// A real server generates a few thousand tokens a second at most; more would only spin the timer.
constexpr int kMaxTokensPerSecond = 1000;
constexpr int kMaxNumSeqs = 256;
constexpr qsizetype kMaxModelNameLength = 128;

struct Knob
{
    QCommandLineOption option;
    QString variable;
};

// The flag's value, else the variable's; nullopt when neither is set (an empty variable is unset).
std::optional<QString> knobValue(const QCommandLineParser &parser, const QProcessEnvironment &environment,
                                 const QCommandLineOption &option, const QString &variable, QString *source)
{
    if (parser.isSet(option)) {
        *source = u"--"_s + option.names().constFirst();
        return parser.value(option);
    }
    const QString value = environment.value(variable);
    if (value.isEmpty())
        return std::nullopt;
    *source = variable;
    return value;
}

bool parseInt(const QString &text, int minimum, int maximum, int *value)
{
    bool ok = false;
    const int parsed = text.trimmed().toInt(&ok);
    if (!ok || parsed < minimum || parsed > maximum)
        return false;
    *value = parsed;
    return true;
}

} // namespace

ModelServerOptions::Outcome ModelServerOptions::parse(const QStringList &arguments,
                                                      const QProcessEnvironment &environment,
                                                      ModelServerOptions *options, QString *message)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"The ServeDeck demo model server: trains a classifier from a CSV (header row, numeric features, "
        "the label last) and answers POST /predict, GET /health and GET /metrics.\n"
        "With --openai it is instead an OpenAI-compatible completion server (no --model needed): POST "
        "/v1/completions and /v1/chat/completions (streaming or not), GET /v1/models, /health, and /metrics "
        "with vLLM's names; the answers are filler tokens at the pace the --openai options set.\n"
        "Version v1 is a nearest-centroid classifier, any other version Gaussian naive Bayes.\n"
        "Exit codes: 0 after SIGTERM or SIGINT, 1 when the model cannot be loaded or the port "
        "cannot be bound, 2 on bad arguments."_s);
    const QCommandLineOption help(QStringList{u"h"_s, u"help"_s}, u"Show this help."_s);
    const QCommandLineOption model(u"model"_s, u"The training data (CSV)."_s, u"path"_s);
    const QCommandLineOption version(u"version"_s, u"The model version to report; v1 is nearest-centroid."_s,
                                     u"version"_s, u"v1"_s);
    const QCommandLineOption port(u"port"_s, u"The port to listen on; 0 picks a free one. Default: $PORT, else 8000."_s,
                                  u"port"_s);
    const QCommandLineOption host(u"host"_s, u"The address to listen on. Default: $HOST (set by the agent that runs "
                                           "it), else 127.0.0.1."_s, u"address"_s);

    const Knob startupDelay{{u"startup-delay-ms"_s, u"Fault: wait this long before listening."_s, u"ms"_s},
                            u"SERVEDECK_FAULT_STARTUP_DELAY_MS"_s};
    const Knob latency{{u"latency-ms"_s, u"Fault: answer each /predict this much later (the server stays "
                                         "responsive meanwhile)."_s, u"ms"_s},
                       u"SERVEDECK_FAULT_LATENCY_MS"_s};
    const Knob failPercent{{u"fail-percent"_s, u"Fault: answer this percentage of /predict requests with 500, spread "
                                               "evenly (10: every 10th; 0 to 100)."_s, u"percent"_s},
                           u"SERVEDECK_FAULT_FAIL_PERCENT"_s};
    const Knob crashAfter{{u"crash-after"_s, u"Fault: abort() (SIGABRT) after answering the Nth /predict; 0: never."_s,
                           u"n"_s},
                          u"SERVEDECK_FAULT_CRASH_AFTER"_s};
    const Knob failHealthAfter{{u"fail-health-after-ms"_s, u"Fault: /health answers 503 once this long has passed "
                                                           "since listening began (0: from the start)."_s, u"ms"_s},
                               u"SERVEDECK_FAULT_FAIL_HEALTH_AFTER_MS"_s};
    const Knob growMemory{{u"grow-memory-mb"_s, u"Fault: each /predict allocates and touches this many MiB that are "
                                                "never freed."_s, u"mib"_s},
                          u"SERVEDECK_FAULT_GROW_MEMORY_MB"_s};
    const Knob exitAtStart{{u"exit-code-at-start"_s, u"Fault: exit with this code at once, before loading the model."_s,
                            u"code"_s},
                           u"SERVEDECK_FAULT_EXIT_AT_START"_s};
    const Knob cudaOom{{u"log-cuda-oom"_s, u"Fault: log a CUDA out-of-memory error and exit 1."_s},
                       u"SERVEDECK_FAULT_CUDA_OOM"_s};

    const Knob gpuMemory{{u"gpu-memory-mb"_s, u"Hold this many MiB of GPU memory on the first visible device from the "
                                               "start, through the CUDA driver (libcuda.so.1); without it, exit 1. "
                                               "A failed allocation logs \"CUDA error: out of memory\" and exits 1."_s,
                           u"mib"_s},
                         u"SERVEDECK_GPU_MEMORY_MB"_s};

    const QCommandLineOption openAi(u"openai"_s, u"Serve the OpenAI-compatible completion API instead of /predict."_s);
    const QCommandLineOption modelName(u"served-model-name"_s, u"OpenAI mode: the model name to answer to. "
                                                                "Default: servedeck-demo."_s, u"name"_s);
    const Knob ttft{{u"ttft-ms"_s, u"OpenAI mode: time to first token once a request runs. Default: 200."_s, u"ms"_s},
                    u"SERVEDECK_OPENAI_TTFT_MS"_s};
    const Knob tokensPerSecond{{u"tokens-per-second"_s, u"OpenAI mode: tokens generated per second after the first "
                                                        "(1 to 1000). Default: 50."_s, u"n"_s},
                               u"SERVEDECK_OPENAI_TOKENS_PER_SECOND"_s};
    const Knob maxNumSeqs{{u"max-num-seqs"_s, u"OpenAI mode: requests generated at once (1 to 256); later ones wait "
                                              "in a queue. Default: 4."_s, u"n"_s},
                          u"SERVEDECK_OPENAI_MAX_NUM_SEQS"_s};

    parser.addOptions({help, model, version, port, host, openAi, modelName});
    for (const Knob *knob : {&ttft, &tokensPerSecond, &maxNumSeqs, &gpuMemory})
        parser.addOption(knob->option);
    for (const Knob *knob : {&startupDelay, &latency, &failPercent, &crashAfter, &failHealthAfter, &growMemory, &exitAtStart, &cudaOom})
        parser.addOption(knob->option);

    if (!parser.parse(arguments)) {
        *message = parser.errorText();
        return Outcome::BadArguments;
    }
    if (parser.isSet(help)) {
        *message = parser.helpText();
        return Outcome::Help;
    }
    if (!parser.positionalArguments().isEmpty()) {
        *message = u"unexpected argument '%1'"_s.arg(parser.positionalArguments().constFirst());
        return Outcome::BadArguments;
    }

    ModelServerOptions result;
    result.version = parser.value(version).trimmed();
    if (result.version.isEmpty()) {
        *message = u"--version must not be empty"_s;
        return Outcome::BadArguments;
    }

    QString source;
    QString value;
    if (parser.isSet(port)) {
        source = u"--port"_s;
        value = parser.value(port);
    } else {
        source = u"PORT"_s;
        value = environment.value(u"PORT"_s, QString::number(kDefaultPort));
    }
    int portNumber = 0;
    if (!parseInt(value, 0, std::numeric_limits<quint16>::max(), &portNumber)) {
        *message = u"%1: '%2' is not a port (0 to 65535)"_s.arg(source, value);
        return Outcome::BadArguments;
    }
    result.port = static_cast<quint16>(portNumber);

    const QString hostSource = parser.isSet(host) ? u"--host"_s : u"HOST"_s;
    const QString hostText =
        (parser.isSet(host) ? parser.value(host) : environment.value(u"HOST"_s, u"127.0.0.1"_s)).trimmed();
    if (hostText == u"localhost")
        result.host = QHostAddress(QHostAddress::LocalHost);
    else if (!result.host.setAddress(hostText)) {
        *message = u"%1: '%2' is not an IP address"_s.arg(hostSource, hostText);
        return Outcome::BadArguments;
    }

    // Integer knobs, each within a range that keeps it meaningful.
    const auto intKnob = [&](const Knob &knob, int minimum, int maximum, auto &&store) {
        QString from;
        const std::optional<QString> text = knobValue(parser, environment, knob.option, knob.variable, &from);
        if (!text)
            return true;
        int number = 0;
        if (!parseInt(*text, minimum, maximum, &number)) {
            *message = u"%1: '%2' is not an integer from %3 to %4"_s.arg(from, *text).arg(minimum).arg(maximum);
            return false;
        }
        store(number);
        return true;
    };
    FaultOptions &faults = result.faults;
    const bool knobsOk =
        intKnob(startupDelay, 0, kMaxDelayMs, [&](int n) { faults.startupDelayMs = n; })
        && intKnob(latency, 0, kMaxDelayMs, [&](int n) { faults.latencyMs = n; })
        && intKnob(failPercent, 0, 100, [&](int n) { faults.failPercent = n; })
        && intKnob(crashAfter, 0, std::numeric_limits<int>::max(), [&](int n) { faults.crashAfter = n; })
        && intKnob(failHealthAfter, 0, kMaxDelayMs, [&](int n) { faults.failHealthAfterMs = n; })
        && intKnob(growMemory, 0, kMaxGrowMemoryMb, [&](int n) { faults.growMemoryMb = n; })
        && intKnob(exitAtStart, 0, 255, [&](int n) { faults.exitCodeAtStart = n; })
        && intKnob(ttft, 0, kMaxDelayMs, [&](int n) { result.openAi.timeToFirstTokenMs = n; })
        && intKnob(tokensPerSecond, 1, kMaxTokensPerSecond, [&](int n) { result.openAi.tokensPerSecond = n; })
        && intKnob(maxNumSeqs, 1, kMaxNumSeqs, [&](int n) { result.openAi.maxNumSeqs = n; })
        && intKnob(gpuMemory, 0, kMaxGpuMemoryMb, [&](int n) { result.gpuMemoryMb = n; });
    if (!knobsOk)
        return Outcome::BadArguments;

    if (parser.isSet(cudaOom.option)) {
        faults.cudaOom = true;
    } else {
        const QString flag = environment.value(cudaOom.variable).trimmed().toLower();
        if (flag == u"1" || flag == u"true" || flag == u"yes" || flag == u"on") {
            faults.cudaOom = true;
        } else if (!flag.isEmpty() && flag != u"0" && flag != u"false" && flag != u"no" && flag != u"off") {
            *message = u"%1: '%2' is not a boolean (1/0, true/false, yes/no, on/off)"_s.arg(cudaOom.variable, flag);
            return Outcome::BadArguments;
        }
    }

    // Where the driver library is looked for; tests point it elsewhere to check the refusal.
    if (const QString library = environment.value(u"SERVEDECK_CUDA_LIBRARY"_s); !library.isEmpty())
        result.cudaLibrary = library;
    result.openAi.enabled = parser.isSet(openAi);
    if (parser.isSet(modelName)) {
        const QString name = parser.value(modelName).trimmed();
        // Printable ASCII without spaces: the name goes into JSON and a metric label.
        const bool printable = std::all_of(name.cbegin(), name.cend(), [](QChar c) {
            return c.unicode() > 0x20 && c.unicode() < 0x7f && c != u'"' && c != u'\\';
        });
        if (name.isEmpty() || name.size() > kMaxModelNameLength || !printable) {
            *message = u"--served-model-name: 1 to %1 printable ASCII characters without spaces or quotes"_s.arg(
                kMaxModelNameLength);
            return Outcome::BadArguments;
        }
        result.openAi.modelName = name;
    }

    // Checked last: a start that is meant to fail should fail the same way without a model.
    result.modelPath = parser.value(model);
    if (!faults.exitCodeAtStart && !faults.cudaOom && !result.openAi.enabled) {
        if (result.modelPath.isEmpty()) {
            *message = u"--model is required: the CSV to train on"_s;
            return Outcome::BadArguments;
        }
    }
    *options = std::move(result);
    return Outcome::Run;
}

} // namespace ServeDeck
