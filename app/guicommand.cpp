#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QMessageBox>
#include <QTextStream>
#include <QTranslator>

#include "commandline.h"
#include "plane/controlclient.h"
#include "service/modelservingservice.h"
#include "ui/mainwindow.h"

namespace {

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
    options.modelRoots = defaultModelRoots(options.dataDir);
    options.apiPort = 7470;
    options.proxyPort = 7480;
    options.fallBackToFreePorts = true;
    options.signingKeyFromFile = signingKeyFromFileByEnvironment();
    // The control plane runs on a thread of its own: the window never waits for SQLite, the
    // reconciler, the sampler or the listeners. Declared before the window, so it goes after it.
    ServeDeck::ControlClient client;
    if (auto started = client.start(options); !started) {
        QMessageBox::critical(nullptr, QObject::tr("ServeDeck"),
                              started.error().typeName() + QStringLiteral(": ") + started.error().message);
        return 1;
    }
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
    window.show();
    return QApplication::exec();
}
