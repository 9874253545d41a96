#include <QApplication>
#include <QDeadlineTimer>
#include <QLibraryInfo>
#include <QLocale>
#include <QMessageBox>
#include <QTextStream>
#include <QThread>
#include <QTranslator>

#include "auth/secretfile.h"
#include "commandline.h"
#include "plane/controlclient.h"
#include "service/modelservingservice.h"
#include "singleconsole.h"
#include "ui/common/settingsdialog.h"
#include "ui/mainwindow.h"

namespace {

// How long a second console keeps asking a first one that holds the data dir but does not
// answer yet: a console starts its plane in well under this.
constexpr int kRaiseRetryMs = 5000;

// A first start shows something that works: the bundled iris classifier, one replica. Runs on
// the control thread.
void deployDemoOnFirstStart(ServeDeck::ModelServingService &service)
{
    auto existing = service.listEndpoints();
    if (!existing || !existing->isEmpty())
        return;
    ServeDeck::CreateEndpointRequest demo;
    demo.name = QStringLiteral("iris-classifier");
    demo.modelVersion = QStringLiteral("v1");
    demo.modelFolder = QStringLiteral("iris-v1");
    demo.resourceSlots = {1, qint64(256) << 20, 0};
    demo.replicas = 1;
    demo.isPublic = true;
    if (auto created = service.createEndpoint(demo); !created)
        QTextStream(stderr) << "servedeck: demo model not deployed: " << created.error().message << '\n';
}

} // namespace

int runGui(int &argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("servedeck"));
    QApplication::setApplicationDisplayName(QStringLiteral("ServeDeck"));
    QApplication::setOrganizationName(QStringLiteral("ServeDeck"));
    QApplication::setDesktopFileName(QStringLiteral("io.servedeck.ServeDeck"));

    QTranslator translator;
    if (translator.load(QLocale(), QStringLiteral("servedeck"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(&translator);

    ServeDeck::ControlPlaneOptions options;
    options.dataDir = defaultDataDir();
    // A second window on the same data dir (a double-click on the launcher) brings the first to
    // the front instead of starting a second control plane on the same database.
    if (auto made = ServeDeck::SecretFile::makePrivateDir(options.dataDir); !made) {
        QMessageBox::critical(nullptr, QObject::tr("ServeDeck"),
                              made.error().typeName() + QStringLiteral(": ") + made.error().message);
        return 1;
    }
    SingleConsole single(options.dataDir);
    if (single.raiseRunning()) {
        QTextStream(stdout) << "servedeck: a console already runs on " << options.dataDir << "; raised its window\n";
        return 0;
    }
    options.modelRoots = defaultModelRoots(options.dataDir);
    options.apiPort = 7470;
    options.proxyPort = 7480;
    options.fallBackToFreePorts = true;
    options.signingKeyFromFile = signingKeyFromFileByEnvironment();
    // The store Settings chose (at this start); SERVEDECK_DATABASE wins, as for `serve`.
    options.database = qEnvironmentVariableIsSet("SERVEDECK_DATABASE") ? qEnvironmentVariable("SERVEDECK_DATABASE")
                                                                        : ServeDeck::SettingsDialog::storedDatabase();
    // A shared plane's key file, as Settings remembers it (serve --plane-key-file for the console);
    // SERVEDECK_PLANE_KEY_FILE wins, as for `serve`.
    options.planeKeyFile = qEnvironmentVariableIsSet("SERVEDECK_PLANE_KEY_FILE")
        ? qEnvironmentVariable("SERVEDECK_PLANE_KEY_FILE")
        : ServeDeck::SettingsDialog::planeKeyFileSetting();
    // Jobs per HEALTHY replica, as Settings remembers it (serve --job-concurrency-per-replica).
    options.jobConcurrencyPerReplica = ServeDeck::SettingsDialog::jobConcurrencySetting();
    // The control plane runs on a thread of its own: the window never waits for SQLite, the
    // reconciler, the sampler or the listeners. Declared before the window, so it goes after it.
    ServeDeck::ControlClient client;
    if (auto started = client.start(options); !started) {
        // The data dir is locked: perhaps by a console that is still starting (it takes the lock
        // before it answers on the socket). Ask it again for a little while before giving up.
        if (started.error().details.contains(QStringLiteral("lock_file"))) {
            const QDeadlineTimer deadline(kRaiseRetryMs);
            while (!deadline.hasExpired()) {
                if (single.raiseRunning()) {
                    QTextStream(stdout) << "servedeck: a console already runs on " << options.dataDir
                                        << "; raised its window\n";
                    return 0;
                }
                QThread::msleep(100);
            }
        }
        QMessageBox::critical(nullptr, QObject::tr("ServeDeck"),
                              started.error().typeName() + QStringLiteral(": ") + started.error().message);
        return 1;
    }
    // Before anything is printed: whoever sees this console's addresses can also reach it here.
    QString why;
    if (!single.listen(&why))
        QTextStream(stderr) << "servedeck: a second console window cannot find this one: " << why << '\n';
    const ServeDeck::PlaneFacts &facts = client.facts();
    QTextStream(stdout) << "api=" << facts.apiAddress << "\nproxy=" << facts.proxyAddress
                        << "\ndata_dir=" << facts.dataDir << "\nadmin_token_file=" << facts.adminTokenFile
                        << "\nsigning_key=" << facts.signingKeyBackend << '\n';
    client.call(
        &client,
        [](ServeDeck::ModelServingService &service) {
            deployDemoOnFirstStart(service);
            return true;
        },
        [](bool) {});

    ServeDeck::MainWindow window(client);
    // Requests that came in meanwhile wait in the socket until exec() runs, after this connect.
    QObject::connect(&single, &SingleConsole::raiseRequested, &window, [&window] {
        window.setWindowState((window.windowState() & ~Qt::WindowMinimized) | Qt::WindowActive);
        window.show();
        window.raise();
        window.activateWindow();
        QTextStream(stdout) << "raise=requested" << Qt::endl;
    });
    window.show();
    return QApplication::exec();
}
