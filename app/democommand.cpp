// `servedeck demo [--check]`: the guided demo on a control plane of its own (a temporary data dir
// unless told otherwise, API and proxy on free ports, the local agent, the bundled models). Also
// the smoke test of a packaged install: --check exits 0 only when every step worked.
#include <cstdio>

#include <unistd.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QSocketNotifier>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include "commandline.h"
#include "demo/demotour.h"
#include "plane/controlclient.h"
#include "signalquitter.h"

namespace {

// How long an interrupted demo waits for its clean-up (the endpoint's delete) before the plane stops.
constexpr int kCleanUpWaitMs = 30000;

QString stateText(ServeDeck::DemoStep::State state)
{
    switch (state) {
    case ServeDeck::DemoStep::State::Pending:
        return QStringLiteral("pending");
    case ServeDeck::DemoStep::State::Running:
        return QStringLiteral("running");
    case ServeDeck::DemoStep::State::Ok:
        return QStringLiteral("ok");
    case ServeDeck::DemoStep::State::Failed:
        return QStringLiteral("FAILED");
    case ServeDeck::DemoStep::State::Skipped:
        return QStringLiteral("skipped");
    }
    return {};
}

} // namespace

int runDemo(const QStringList &arguments)
{
    QTextStream err(stderr);
    QTextStream out(stdout);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A guided walk through ServeDeck on the bundled iris models"));
    parser.addHelpOption();
    const QCommandLineOption check(QStringLiteral("check"),
                                   QStringLiteral("No pauses or prompts; exit 0 only when every step worked."));
    const QCommandLineOption dataDir(QStringLiteral("data-dir"),
                                     QStringLiteral("Where the demo's control plane keeps its data (default: a temporary "
                                                    "folder, removed afterwards)."),
                                     QStringLiteral("dir"));
    const QCommandLineOption models(QStringLiteral("models"),
                                    QStringLiteral("The folder that holds iris-v1 and iris-v2 (default: the bundled models)."),
                                    QStringLiteral("dir"));
    parser.addOptions({check, dataDir, models});
    if (!parser.parse(QStringList{QStringLiteral("servedeck demo")} + arguments)) {
        err << parser.errorText() << '\n';
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return 0;
    }

    QTemporaryDir temporary;
    ServeDeck::ControlPlaneOptions options;
    if (parser.isSet(dataDir)) {
        options.dataDir = parser.value(dataDir);
        options.signingKeyFromFile = signingKeyFromFileByEnvironment();
    } else {
        if (!temporary.isValid()) {
            err << "servedeck demo: no temporary folder: " << temporary.errorString() << '\n';
            return 1;
        }
        options.dataDir = temporary.filePath(QStringLiteral("data"));
        // A throw-away data dir: its key goes with it, not into the OS keychain.
        options.signingKeyFromFile = true;
    }
    options.apiPort = 0;
    options.proxyPort = 0;
    options.modelRoots = parser.isSet(models) ? QStringList{parser.value(models)} : defaultModelRoots(options.dataDir);

    ServeDeck::ControlClient client;
    if (auto started = client.start(options); !started) {
        err << "servedeck demo: " << started.error().typeName() << ": " << started.error().message << '\n';
        return 1;
    }
    out << "servedeck demo: control plane at api=" << client.facts().apiAddress << " proxy=" << client.facts().proxyAddress
        << " data_dir=" << client.facts().dataDir << Qt::endl;

    ServeDeck::DemoTourOptions tourOptions;
    // Prompts only for a person at a terminal; --check and pipes run straight through.
    const bool interactive = !parser.isSet(check) && ::isatty(STDIN_FILENO) != 0;
    tourOptions.pauseBetweenSteps = interactive;
    ServeDeck::DemoTour tour(client, tourOptions);
    QObject::connect(&tour, &ServeDeck::DemoTour::stepChanged, &tour, [&](int index) {
        const ServeDeck::DemoStep &step = tour.steps().at(index);
        if (step.state == ServeDeck::DemoStep::State::Running) {
            out << '\n' << "[" << index + 1 << "/" << tour.steps().size() << "] " << step.title << '\n'
                << "    " << step.explanation << Qt::endl;
            return;
        }
        out << "    " << stateText(step.state) << ": " << step.title;
        if (!step.detail.isEmpty())
            out << ": " << step.detail;
        out << Qt::endl;
    });
    QSocketNotifier input(STDIN_FILENO, QSocketNotifier::Read);
    input.setEnabled(false);
    QObject::connect(&tour, &ServeDeck::DemoTour::waitingForNext, &tour, [&](int) {
        out << "    (Enter: next step, Ctrl+C: clean up and stop)" << Qt::endl;
        input.setEnabled(true);
    });
    QObject::connect(&input, &QSocketNotifier::activated, &tour, [&] {
        input.setEnabled(false);
        char line[256];
        if (std::fgets(line, sizeof line, stdin) == nullptr) {
            tour.cancel();  // end of input: nobody is left to press Enter
            return;
        }
        tour.next();
    });
    QObject::connect(&tour, &ServeDeck::DemoTour::finished, &tour, [] { QCoreApplication::quit(); });
    // Ctrl+C or TERM ends the event loop (SignalQuitter); the tour then cleans up before the plane stops.
    SignalQuitter quitter;
    tour.start();
    QCoreApplication::exec();
    if (!tour.isFinished()) {
        tour.cancel();
        QEventLoop cleaning;
        QObject::connect(&tour, &ServeDeck::DemoTour::finished, &cleaning, &QEventLoop::quit);
        QTimer::singleShot(kCleanUpWaitMs, &cleaning, &QEventLoop::quit);
        if (!tour.isFinished())
            cleaning.exec();
    }
    if (!tour.succeeded()) {
        const QString failed = tour.failedStep();
        err << "servedeck demo: failed: " << (failed.isEmpty() ? QStringLiteral("interrupted") : failed) << '\n';
        return 1;
    }
    out << "\nservedeck demo: every step worked" << Qt::endl;
    return 0;
}
