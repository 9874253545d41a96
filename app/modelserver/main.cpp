// servedeck-model-server: the demo model server that endpoint replicas run.
// See ModelServerOptions for the command line and ModelServerApp for the HTTP side.
#include <cstdio>

#include <QCoreApplication>
#include <QProcessEnvironment>
#include <QTextStream>
#include <QTimer>

#include "completionserver.h"
#include "cudamemoryhold.h"
#include "irisclassifier.h"
#include "labeleddataset.h"
#include "modelserverapp.h"
#include "modelserveroptions.h"
#include "signalquitter.h"

using namespace Qt::StringLiterals;
using namespace ServeDeck;

namespace {

// What PyTorch prints when a CUDA allocation fails; the agent recognises it in a replica's log.
constexpr char kCudaOomLine[] = "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB\n";

QString hostPort(const QHostAddress &address, quint16 port)
{
    const QString host = address.toString();
    return (address.protocol() == QAbstractSocket::IPv6Protocol ? u'[' + host + u']' : host) + u':'
        + QString::number(port);
}

// Either server, from the event loop: a failed listen exits 1.
template<typename Server>
void startListening(Server &server, const ModelServerOptions &options)
{
    if (!server.listen(options.host, options.port)) {
        qCritical("cannot listen on %s: %s", qUtf8Printable(hostPort(options.host, options.port)),
                  qUtf8Printable(server.errorString()));
        QCoreApplication::exit(1);
        return;
    }
    const QString address = hostPort(server.serverAddress(), server.serverPort());
    qInfo("listening on %s", qUtf8Printable(address));
    // The one line on stdout: whoever started us with port 0 learns the port from it.
    QTextStream(stdout) << "listening=" << address << Qt::endl;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"servedeck-model-server"_s);
    qSetMessagePattern(u"servedeck-model-server: %{message}"_s);

    ModelServerOptions options;
    QString message;
    switch (ModelServerOptions::parse(app.arguments(), QProcessEnvironment::systemEnvironment(), &options, &message)) {
    case ModelServerOptions::Outcome::Help:
        QTextStream(stdout) << message;
        return 0;
    case ModelServerOptions::Outcome::BadArguments:
        QTextStream(stderr) << "servedeck-model-server: " << message << "\n(see --help)\n";
        return 2;
    case ModelServerOptions::Outcome::Run:
        break;
    }

    const FaultOptions &faults = options.faults;
    if (faults.exitCodeAtStart) {
        qWarning("fault: exit-code-at-start: exiting with code %d before loading the model", *faults.exitCodeAtStart);
        return *faults.exitCodeAtStart;
    }
    if (faults.cudaOom) {
        qWarning("fault: log-cuda-oom: failing as a CUDA out-of-memory error would");
        std::fputs(kCudaOomLine, stderr);
        return 1;
    }

    if (options.gpuMemoryMb > 0) {
        QString said;
        const auto outcome = CudaMemoryHold::allocate(options.gpuMemoryMb, options.cudaLibrary, &said);
        if (outcome != CudaMemoryHold::Outcome::Held) {
            // On stderr as it is, where the agent's log tail classifies an out-of-memory.
            std::fputs(qPrintable(said + u'\n'), stderr);
            return 1;
        }
        qInfo("%s", qUtf8Printable(said));
    }

    SignalQuitter quitter;  // SIGTERM during the start-up delay exits 0 as well

    if (options.openAi.enabled) {
        const OpenAiOptions &openAi = options.openAi;
        qInfo("OpenAI-compatible mode: model %s, first token after %d ms, then %d tokens/s, %d requests at once",
              qUtf8Printable(openAi.modelName), openAi.timeToFirstTokenMs, openAi.tokensPerSecond, openAi.maxNumSeqs);
        CompletionServer server(openAi);
        QTimer::singleShot(faults.startupDelayMs, Qt::PreciseTimer, &app, [&] { startListening(server, options); });
        return QCoreApplication::exec();
    }

    QString error;
    const std::optional<LabeledDataset> data = LabeledDataset::load(options.modelPath, &error);
    if (!data) {
        qCritical("cannot load the model: %s", qUtf8Printable(error));
        return 1;
    }
    const IrisClassifier::Method method = IrisClassifier::methodForVersion(options.version);
    QStringList perLabel;
    const QList<int> counts = data->samplesPerLabel();
    for (qsizetype i = 0; i < counts.size(); ++i)
        perLabel << data->labels()[i] + u'=' + QString::number(counts[i]);
    qInfo("model %s (%s) trained on %zu rows of %lld features from %s: %s", qUtf8Printable(options.version),
          qUtf8Printable(IrisClassifier::methodName(method)), data->samples().size(),
          static_cast<long long>(data->featureCount()), qUtf8Printable(options.modelPath),
          qUtf8Printable(perLabel.join(u", "_s)));

    ModelServerApp server(IrisClassifier(*data, method), options.version, faults);
    if (faults.failPercent > 0)
        qWarning("fault: fail-percent %d: /predict answers 500 to %d of every 100 requests", faults.failPercent,
                 faults.failPercent);
    if (faults.startupDelayMs > 0)
        qWarning("fault: startup-delay-ms %d: listening only after the delay", faults.startupDelayMs);
    // Started from the event loop even without a delay, so that a failed listen can exit(1).
    QTimer::singleShot(faults.startupDelayMs, Qt::PreciseTimer, &app, [&] { startListening(server, options); });
    return QCoreApplication::exec();
}
