#include "commandline.h"

#include <algorithm>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>
#include <QTextStream>

#include "signalquitter.h"
#include "store/storelocation.h"

QString defaultDataDir()
{
    const QString fromEnv = qEnvironmentVariable("SERVEDECK_DATA_DIR");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)).filePath(QStringLiteral("servedeck"));
}

bool signingKeyFromFileByEnvironment()
{
    return qEnvironmentVariable("SERVEDECK_SIGNING_KEY") == u"file";
}

QStringList defaultModelRoots(const QString &dataDir)
{
    // The user's own folders first, then the installed demo folders, then the source tree's (running from a build).
    return {QDir(dataDir).filePath(QStringLiteral("models")),
            QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("../share/servedeck/models")),
            QStringLiteral(SERVEDECK_SOURCE_MODELS_DIR)};
}

bool parseListenAddress(const QString &text, QHostAddress *address, quint16 *port)
{
    QString host = QStringLiteral("127.0.0.1");
    QString portText = text;
    const auto colon = text.lastIndexOf(u':');
    if (colon >= 0) {
        host = text.left(colon);
        portText = text.mid(colon + 1);
        if (host.startsWith(u'[') && host.endsWith(u']'))
            host = host.mid(1, host.size() - 2);
        if (host.isEmpty())
            host = QStringLiteral("127.0.0.1");
    }
    bool ok = false;
    const uint p = portText.toUInt(&ok);
    if (!ok || p > 65535)
        return false;
    QHostAddress parsed;
    if (host == u"localhost")
        parsed = QHostAddress::LocalHost;
    else if (!parsed.setAddress(host))
        return false;
    *address = parsed;
    *port = quint16(p);
    return true;
}

int runServe(const QStringList &arguments)
{
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("ServeDeck control plane without a window"));
    parser.addHelpOption();
    const QCommandLineOption dataDir(QStringLiteral("data-dir"), QStringLiteral("Where the database and keys live."),
                                     QStringLiteral("dir"), defaultDataDir());
    const QCommandLineOption api(QStringLiteral("api"), QStringLiteral("Control API address (port 0: any free one)."),
                                 QStringLiteral("host:port"), QStringLiteral("127.0.0.1:7470"));
    const QCommandLineOption proxy(QStringLiteral("proxy"), QStringLiteral("Inference proxy address (port 0: any free one)."),
                                   QStringLiteral("host:port"), QStringLiteral("127.0.0.1:7480"));
    const QCommandLineOption capacity(QStringLiteral("capacity"),
                                      QStringLiteral("Local capacity, e.g. cpu=16,memory=64G,gpu=2,gpu_memory=24G (gpu_memory: the memory "
                                                     "of each device; default: this machine, GPU memory from NVML)."),
                                      QStringLiteral("slots"));
    const QCommandLineOption modelRoot(QStringLiteral("model-root"),
                                       QStringLiteral("Extra folder where model folders are looked up by name."),
                                       QStringLiteral("dir"));
    const QCommandLineOption agents(QStringLiteral("agents"),
                                    QStringLiteral("Let remote agents join at this address, over TLS (apart from --api; "
                                                   "port 0: any free one). Prints the join string agents take."),
                                    QStringLiteral("host:port"));
    const QCommandLineOption agentsInsecure(QStringLiteral("agents-insecure"),
                                            QStringLiteral("With --agents: plain ws://, neither encrypted nor authenticated. "
                                                           "For tests only."));
    const QCommandLineOption signingKeyFile(
        QStringLiteral("signing-key-file"),
        QStringLiteral("Keep the token signing key in <data dir>/signing.key and the agent TLS key in "
                       "<data dir>/agent-tls.key, not the OS keychain (also SERVEDECK_SIGNING_KEY=file); "
                       "a new key where such a file does not exist."));
    const QCommandLineOption toolsDir(QStringLiteral("tools-dir"),
                                      QStringLiteral("Folder where runtime programs (vllm, llama-server, ...) are looked "
                                                     "up before PATH."),
                                      QStringLiteral("dir"));
    parser.addOptions({dataDir, api, proxy, capacity, modelRoot, toolsDir, agents, agentsInsecure, signingKeyFile});
    // Jobs: how long a RUNNING job's lease lasts without renewal before it is run again
    // elsewhere (a console that died); short in tests, the default otherwise.
    const QCommandLineOption jobLeaseSeconds(QStringLiteral("job-lease-seconds"),
                                             QStringLiteral("Seconds a running job's lease lasts (1..3600; default 30)."),
                                             QStringLiteral("n"));
    parser.addOption(jobLeaseSeconds);
    // Jobs: how many of an endpoint's jobs run at once per HEALTHY replica, where the endpoint
    // sets no job concurrency of its own. A model server that batches takes more; one that
    // serves a request at a time is only queued behind itself by more.
    const QCommandLineOption jobConcurrencyPerReplica(
        QStringLiteral("job-concurrency-per-replica"),
        QStringLiteral("Jobs an endpoint runs at once per HEALTHY replica, unless it sets job_concurrency "
                       "(1..256; default 4)."),
        QStringLiteral("n"));
    parser.addOption(jobConcurrencyPerReplica);
    // The store: SQLite in the data dir by default, or a PostgreSQL database several consoles share.
    const QCommandLineOption database(
        QStringLiteral("database"),
        QStringLiteral("The store: a SQLite file, or postgresql://user@host:port/db?sslmode=... shared by several "
                       "consoles (also SERVEDECK_DATABASE; default <data dir>/servedeck.db). Keep a password in "
                       "PGPASSWORD or ~/.pgpass, not here."),
        QStringLiteral("location"));
    parser.addOption(database);
    // A shared plane (PostgreSQL) seals its signing key and agent certificate in the database under
    // this key; the same file on every console of the plane.
    const QCommandLineOption planeKeyFile(QStringLiteral("plane-key-file"),
                                          QStringLiteral("The plane key (0600; `servedeck plane-key new FILE` makes one) "
                                                         "under which a shared plane on PostgreSQL keeps its secrets "
                                                         "(also SERVEDECK_PLANE_KEY_FILE). Required with a PostgreSQL "
                                                         "database."),
                                          QStringLiteral("file"));
    parser.addOption(planeKeyFile);
    if (!parser.parse(QStringList{QStringLiteral("servedeck serve")} + arguments)) {
        err << parser.errorText() << '\n';
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        return 0;
    }

    ServeDeck::ControlPlaneOptions options;
    options.dataDir = parser.value(dataDir);
    if (!parseListenAddress(parser.value(api), &options.apiAddress, &options.apiPort)
        || !parseListenAddress(parser.value(proxy), &options.proxyAddress, &options.proxyPort)) {
        err << "servedeck serve: --api and --proxy take host:port\n";
        return 2;
    }
    if (parser.isSet(agents)) {
        if (!parseListenAddress(parser.value(agents), &options.agentsAddress, &options.agentsPort)) {
            err << "servedeck serve: --agents takes host:port\n";
            return 2;
        }
        options.listenForAgents = true;
        options.agentsInsecure = parser.isSet(agentsInsecure);
        if (options.agentsInsecure)
            err << "servedeck serve: INSECURE: the agent channel is not encrypted or authenticated; for tests only" << Qt::endl;
    } else if (parser.isSet(agentsInsecure)) {
        err << "servedeck serve: --agents-insecure needs --agents\n";
        return 2;
    }
    options.capacity = parser.value(capacity);
    options.signingKeyFromFile = parser.isSet(signingKeyFile) || signingKeyFromFileByEnvironment();
    options.modelRoots = parser.values(modelRoot) + defaultModelRoots(options.dataDir);
    options.toolsDirs = parser.values(toolsDir);
    if (parser.isSet(jobLeaseSeconds)) {
        // Digits only: no sign or spaces that a lenient toInt() would take.
        const QString text = parser.value(jobLeaseSeconds);
        const bool digits = !text.isEmpty() && text.size() <= 4
            && std::all_of(text.begin(), text.end(), [](QChar c) { return c >= u'0' && c <= u'9'; });
        const int seconds = digits ? text.toInt() : 0;
        if (seconds < 1 || seconds > 3600) {
            err << "servedeck serve: --job-lease-seconds takes a whole number from 1 to 3600\n";
            return 2;
        }
        options.jobLeaseSeconds = seconds;
    }
    if (parser.isSet(jobConcurrencyPerReplica)) {
        const QString text = parser.value(jobConcurrencyPerReplica);
        const bool digits = !text.isEmpty() && text.size() <= 3
            && std::all_of(text.begin(), text.end(), [](QChar c) { return c >= u'0' && c <= u'9'; });
        const int jobs = digits ? text.toInt() : 0;
        if (jobs < 1 || jobs > ServeDeck::ControlPlaneOptions::kMaxJobConcurrencyPerReplica) {
            err << "servedeck serve: --job-concurrency-per-replica takes a whole number from 1 to 256\n";
            return 2;
        }
        options.jobConcurrencyPerReplica = jobs;
    }
    options.database = parser.isSet(database) ? parser.value(database) : qEnvironmentVariable("SERVEDECK_DATABASE");
    if (!options.database.isEmpty()) {
        // Checked before anything starts: a malformed location exits at once, as other bad options do.
        if (auto location = ServeDeck::StoreLocation::parse(options.database); !location) {
            err << "servedeck serve: --database: " << location.error().message << '\n';
            return 2;
        }
    }

    options.planeKeyFile =
        parser.isSet(planeKeyFile) ? parser.value(planeKeyFile) : qEnvironmentVariable("SERVEDECK_PLANE_KEY_FILE");

    ServeDeck::ControlPlane plane;
    if (auto started = plane.start(options); !started) {
        err << "servedeck serve: " << started.error().typeName() << ": " << started.error().message << '\n';
        return 1;
    }
    QTextStream out(stdout);
    out << "api=" << plane.apiAddress() << '\n'
        << "proxy=" << plane.proxyAddress() << '\n'
        << "data_dir=" << plane.dataDir() << '\n'
        << "admin_token_file=" << plane.adminTokenFile() << '\n'
        << "signing_key=" << plane.signingKeyBackend() << '\n';
    if (options.listenForAgents)
        out << "agents=" << plane.agentsAddress() << '\n' << "agent_token_file=" << plane.agentJoinTokenFile() << '\n';
    if (const QString join = plane.agentJoinString(); !join.isEmpty())
        out << "agent_join=" << join << '\n';
    out.flush();

    SignalQuitter quitter;
    return QCoreApplication::exec();
}
