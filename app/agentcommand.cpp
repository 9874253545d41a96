// `servedeck agent`: a remote agent that joins a control plane and runs its replicas here.
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QHostAddress>
#include <QSysInfo>
#include <QTextStream>

#include "agent/gpumonitor.h"
#include "agent/remoteagentrunner.h"
#include "commandline.h"
#include "signalquitter.h"

namespace {

// `--print-gpus`: one reading through the monitor the agent uses, for checking a GPU machine.
int printGpus(bool useNvml)
{
    // NVML's first initialization can take seconds per GPU where persistence mode is off.
    constexpr int kFirstReadingMs = 30000;
    QTextStream out(stdout);
    ServeDeck::GpuMonitorOptions options;
    if (!useNvml)
        options.discovery.nvmlLibrary.clear();
    const ServeDeck::GpuMonitor monitor(options);
    if (!monitor.waitForFirstReading(kFirstReadingMs)) {
        QTextStream(stderr) << "servedeck agent: no GPU reading within " << kFirstReadingMs << " ms\n";
        return 1;
    }
    const ServeDeck::GpuReading reading = monitor.latest();
    out << "source=" << ServeDeck::GpuReading::sourceName(reading.source) << '\n';
    if (!reading.nvmlUnavailable.isEmpty())
        out << "nvml_unavailable=" << reading.nvmlUnavailable << '\n';
    if (!reading.error.isEmpty())
        out << "error=" << reading.error << '\n';
    for (const ServeDeck::GpuInfo &gpu : reading.gpus) {
        out << "gpu index=" << gpu.index << " name=\"" << gpu.name << "\" uuid=" << gpu.uuid
            << " memory_total_mib=" << (gpu.memoryTotalBytes >> 20) << " memory_used_mib=" << (gpu.memoryUsedBytes >> 20)
            << " utilization_percent=" << gpu.utilizationPercent << '\n';
    }
    out << "gpus=" << reading.gpus.size() << Qt::endl;
    return 0;
}

} // namespace

int runAgent(const QStringList &arguments)
{
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("ServeDeck remote agent"));
    parser.addHelpOption();
    const QCommandLineOption connectTo(QStringLiteral("connect"), QStringLiteral("Control plane agents address, ws://host:port."),
                                       QStringLiteral("url"));
    const QCommandLineOption token(QStringLiteral("token"), QStringLiteral("File holding the join token (agent.token)."),
                                   QStringLiteral("file"));
    const QCommandLineOption agentId(QStringLiteral("agent-id"), QStringLiteral("This agent's name (default: the host name)."),
                                     QStringLiteral("id"), QSysInfo::machineHostName());
    const QCommandLineOption capacity(QStringLiteral("capacity"),
                                      QStringLiteral("Capacity to offer, e.g. cpu=16,memory=64G,gpu=1 (default: this machine)."),
                                      QStringLiteral("slots"));
    const QCommandLineOption modelRoot(QStringLiteral("model-root"),
                                       QStringLiteral("Folder holding model folders on this machine; a folder is looked up "
                                                      "here by name first. May be repeated."),
                                       QStringLiteral("dir"));
    const QCommandLineOption printGpusOption(QStringLiteral("print-gpus"),
                                             QStringLiteral("Read this machine's GPUs once (NVML, else nvidia-smi), print "
                                                            "them and the source used, and exit."));
    const QCommandLineOption noNvml(QStringLiteral("no-nvml"),
                                    QStringLiteral("With --print-gpus: skip NVML, so nvidia-smi is what is read."));
    parser.addOptions({connectTo, token, agentId, capacity, modelRoot, printGpusOption, noNvml});
    if (!parser.parse(QStringList{QStringLiteral("servedeck agent")} + arguments)) {
        err << parser.errorText() << '\n';
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        return 0;
    }
    if (parser.isSet(printGpusOption))
        return printGpus(!parser.isSet(noNvml));
    const QUrl url(parser.value(connectTo));
    if (!url.isValid() || (url.scheme() != u"ws" && url.scheme() != u"wss") || !parser.isSet(token)) {
        err << "servedeck agent: --connect ws://host:port and --token FILE are required\n";
        return 2;
    }
    QFile tokenFile(parser.value(token));
    if (!tokenFile.open(QIODevice::ReadOnly)) {
        err << "servedeck agent: cannot read " << tokenFile.fileName() << ": " << tokenFile.errorString() << '\n';
        return 1;
    }
    const QByteArray joinToken = tokenFile.readAll().trimmed();

    ServeDeck::RemoteAgentRunner runner(url, joinToken, parser.value(agentId));
    runner.setModelRoots(parser.values(modelRoot));
    if (parser.isSet(capacity)) {
        auto parsed = ServeDeck::Capacity::parse(parser.value(capacity));
        if (!parsed) {
            err << "servedeck agent: " << parsed.error().message << '\n';
            return 2;
        }
        runner.setCapacityOverride(*parsed);
    }
    QObject::connect(&runner, &ServeDeck::RemoteAgentRunner::welcomed, &runner, [url] {
        QTextStream(stdout) << "connected=" << url.toString() << Qt::endl;
    });
    QObject::connect(&runner, &ServeDeck::RemoteAgentRunner::rejected, &runner, [](const QString &reason) {
        QTextStream(stderr) << "servedeck agent: rejected: " << reason << Qt::endl;
    });
    SignalQuitter quitter;
    runner.start();
    // Quitting (SIGTERM) destroys the runner, which stops every replica first.
    return QCoreApplication::exec() == 0 ? 0 : 1;
}
