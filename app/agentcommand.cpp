// `servedeck agent`: a remote agent that joins a control plane and runs its replicas here.
#include <optional>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QHostAddress>
#include <QStandardPaths>
#include <QSysInfo>
#include <QTextStream>

#include "agent/agentadmission.h"
#include "agent/gpumonitor.h"
#include "agent/joinstring.h"
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
    const QCommandLineOption join(QStringLiteral("join"),
                                  QStringLiteral("The join string `servedeck serve --agents` prints (agent_join=): "
                                                 "servedeck://HOST:PORT?token=...&sha256=..."),
                                  QStringLiteral("string"));
    const QCommandLineOption joinFile(QStringLiteral("join-file"),
                                      QStringLiteral("File holding the join string (keeps the token out of the process list)."),
                                      QStringLiteral("file"));
    const QCommandLineOption connectTo(QStringLiteral("connect"),
                                       QStringLiteral("With --insecure: the control plane's agents address, ws://host:port."),
                                       QStringLiteral("url"));
    const QCommandLineOption token(QStringLiteral("token"), QStringLiteral("With --insecure: file holding the join token (agent.token)."),
                                   QStringLiteral("file"));
    const QCommandLineOption insecure(QStringLiteral("insecure"),
                                      QStringLiteral("Join over plain ws:// (--connect, --token): neither encrypted nor "
                                                     "authenticated. For tests only."));
    const QCommandLineOption agentId(QStringLiteral("agent-id"), QStringLiteral("This agent's name (default: the host name)."),
                                     QStringLiteral("id"), QSysInfo::machineHostName());
    const QCommandLineOption capacity(QStringLiteral("capacity"),
                                      QStringLiteral("Capacity to offer, e.g. cpu=16,memory=64G,gpu=2,gpu_memory=24G (gpu_memory: the "
                                                     "memory of each device; default: this machine, GPU memory from NVML)."),
                                      QStringLiteral("slots"));
    const QCommandLineOption modelRoot(QStringLiteral("model-root"),
                                       QStringLiteral("Folder holding model folders on this machine; a folder is looked up "
                                                      "here by name first. May be repeated."),
                                       QStringLiteral("dir"));
    const QCommandLineOption stateDir(
        QStringLiteral("state-dir"),
        QStringLiteral("Where this agent keeps the credential the control plane issues it (default: %1).")
            .arg(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/servedeck-agent")),
        QStringLiteral("dir"));
    const QCommandLineOption printGpusOption(QStringLiteral("print-gpus"),
                                             QStringLiteral("Read this machine's GPUs once (NVML, else nvidia-smi), print "
                                                            "them and the source used, and exit."));
    const QCommandLineOption noNvml(QStringLiteral("no-nvml"),
                                    QStringLiteral("With --print-gpus: skip NVML, so nvidia-smi is what is read."));
    parser.addOptions({join, joinFile, connectTo, token, insecure, agentId, capacity, modelRoot, printGpusOption, noNvml});
    parser.addOption(stateDir);
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
    // Bounded: a join string is a few hundred bytes, a token file one line.
    constexpr qint64 kMaxSecretFileBytes = 4096;
    const auto readSecret = [&err](const QString &path) -> std::optional<QByteArray> {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            err << "servedeck agent: cannot read " << path << ": " << file.errorString() << '\n';
            return std::nullopt;
        }
        return file.read(kMaxSecretFileBytes).trimmed();
    };
    QUrl url;
    QByteArray joinToken;
    QByteArray pinnedSha256;
    if (parser.isSet(insecure)) {
        if (parser.isSet(join) || parser.isSet(joinFile)) {
            err << "servedeck agent: --insecure takes --connect and --token, not a join string\n";
            return 2;
        }
        url = QUrl(parser.value(connectTo));
        if (!url.isValid() || url.scheme() != u"ws" || !parser.isSet(token)) {
            err << "servedeck agent: --insecure needs --connect ws://host:port and --token FILE\n";
            return 2;
        }
        err << "INSECURE: the agent channel is not encrypted or authenticated; for tests only" << Qt::endl;
        const auto secret = readSecret(parser.value(token));
        if (!secret)
            return 1;
        joinToken = *secret;
    } else {
        if (parser.isSet(connectTo) || parser.isSet(token)) {
            err << "servedeck agent: --connect and --token are for --insecure only; join with --join STRING\n";
            return 2;
        }
        if (parser.isSet(join) == parser.isSet(joinFile)) {
            err << "servedeck agent: one of --join STRING or --join-file FILE is required\n";
            return 2;
        }
        QString text = parser.value(join);
        if (parser.isSet(joinFile)) {
            const auto secret = readSecret(parser.value(joinFile));
            if (!secret)
                return 1;
            // The packaged /etc/servedeck/agent.conf explains itself in # lines: the join string is
            // the one other non-blank line.
            QStringList lines;
            for (const QString &line : QString::fromUtf8(*secret).split(u'\n')) {
                const QString trimmed = line.trimmed();
                if (!trimmed.isEmpty() && !trimmed.startsWith(u'#'))
                    lines.append(trimmed);
            }
            if (lines.size() != 1) {
                err << "servedeck agent: " << parser.value(joinFile) << " must hold one join string (besides # lines), not "
                    << lines.size() << '\n';
                return 2;
            }
            text = lines.constFirst();
        }
        auto parsed = ServeDeck::JoinString::parse(text);
        if (!parsed) {
            err << "servedeck agent: " << parsed.error().message << '\n';
            return 2;
        }
        url = parsed->url();
        joinToken = parsed->token();
        pinnedSha256 = parsed->sha256();
    }

    if (!ServeDeck::AgentAdmission::isValidAgentId(parser.value(agentId))) {
        err << "servedeck agent: --agent-id: '" << parser.value(agentId) << "' is not 1-64 of A-Z a-z 0-9 . _ -\n";
        return 2;
    }
    ServeDeck::RemoteAgentRunner runner(url, joinToken, parser.value(agentId));
    runner.setInsecure(parser.isSet(insecure));
    runner.setPinnedSha256(pinnedSha256);
    runner.setStateDir(parser.isSet(stateDir) ? parser.value(stateDir)
                                              : QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
                                                    + QStringLiteral("/servedeck-agent"));
    runner.setModelRoots(parser.values(modelRoot));
    if (parser.isSet(capacity)) {
        auto parsed = ServeDeck::Capacity::parse(parser.value(capacity));
        if (!parsed) {
            err << "servedeck agent: " << parsed.error().message << '\n';
            return 2;
        }
        runner.setCapacityOverride(*parsed);
    }
    // On a shared plane the console that admits it may not be the join string's (a redirect).
    QObject::connect(&runner, &ServeDeck::RemoteAgentRunner::welcomed, &runner, [&runner] {
        QTextStream(stdout) << "connected=" << runner.currentUrl().toString() << Qt::endl;
    });
    QObject::connect(&runner, &ServeDeck::RemoteAgentRunner::redirected, &runner, [](const QUrl &to) {
        QTextStream(stdout) << "redirected=" << to.toString() << Qt::endl;
    });
    QObject::connect(&runner, &ServeDeck::RemoteAgentRunner::rejected, &runner, [&runner](const QString &reason) {
        QTextStream(stderr) << "servedeck agent: rejected: " << reason << Qt::endl;
        // A credential from another console (or one whose data dir was wiped) is no good here.
        if (reason == u"wrong credential" && QFile::exists(runner.credentialFile()))
            QTextStream(stderr) << "servedeck agent: " << runner.credentialFile()
                                << " was not issued by this console; remove it to join with the join token" << Qt::endl;
    });
    // Nothing was sent to that peer; the agent retries, so a plane that comes back is joined.
    QObject::connect(&runner, &ServeDeck::RemoteAgentRunner::refused, &runner, [](const QString &reason) {
        QTextStream(stderr) << "servedeck agent: refused: " << reason << Qt::endl;
    });
    SignalQuitter quitter;
    runner.start();
    // Quitting (SIGTERM) destroys the runner, which stops every replica first.
    return QCoreApplication::exec() == 0 ? 0 : 1;
}
