#pragma once

#include <chrono>
#include <csignal>
#include <optional>

#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusMetaType>
#include <QDBusObjectPath>
#include <QDeadlineTimer>
#include <QFile>
#include <QHash>
#include <QLibrary>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

// A keychain for tests that reach QtKeychain: a private session bus and an unlocked
// gnome-keyring in it, with XDG_RUNTIME_DIR and XDG_DATA_HOME in temporary 0700 directories, so
// nothing reaches the user's keyring or $HOME. Link Qt6::DBus.
//
// QtKeychain (through libsecret and GDBus) keeps the first session bus it connects to for the
// life of the process: tests that need "no secret service" run before start().
class PrivateKeyring
{
public:
    PrivateKeyring() = default;
    ~PrivateKeyring() { restore(); }
    Q_DISABLE_COPY_MOVE(PrivateKeyring)

    // Points the environment at a bus that does not exist (no keychain), keeping what was set.
    bool isolate()
    {
        if (!m_runtimeDir.isValid() || !m_dataHome.isValid())
            return false;
        QStandardPaths::setTestModeEnabled(true);
        for (const QByteArray &name : {QByteArrayLiteral("DBUS_SESSION_BUS_ADDRESS"), QByteArrayLiteral("XDG_RUNTIME_DIR"),
                                      QByteArrayLiteral("XDG_DATA_HOME"), QByteArrayLiteral("DISPLAY")}) {
            m_savedEnvironment.insert(name, qEnvironmentVariableIsSet(name.constData())
                                                ? std::optional<QByteArray>(qgetenv(name.constData()))
                                                : std::nullopt);
        }
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(m_runtimeDir.path()));
        qputenv("XDG_DATA_HOME", QFile::encodeName(m_dataHome.path()));
        qputenv("DBUS_SESSION_BUS_ADDRESS", busAddress(runtimePath(QStringLiteral("no-bus"))));
        return true;
    }

    // Stops the daemons and puts the environment back.
    void restore()
    {
        QDBusConnection::disconnectFromBus(kProbeConnection);
        // GDBus raises SIGTERM in its own process when the session bus it uses goes
        // away (exit-on-close); the bus is ours and goes away on purpose.
        if (m_bus.state() != QProcess::NotRunning)
            std::signal(SIGTERM, SIG_IGN);
        stopKeyring();
        killBounded(m_bus);
        for (auto it = m_savedEnvironment.cbegin(); it != m_savedEnvironment.cend(); ++it) {
            if (it.value())
                qputenv(it.key().constData(), *it.value());
            else
                qunsetenv(it.key().constData());
        }
        m_savedEnvironment.clear();
    }

    QString runtimePath(const QString &name) const { return m_runtimeDir.filePath(name); }

    static QByteArray busAddress(const QString &socketPath) { return "unix:path=" + QFile::encodeName(socketPath); }

    // Starts the bus and the keyring, once. Empty when the keyring answers on the bus, else why
    // not; *skip is set when the reason is a missing program rather than a failure.
    QString start(bool *skip)
    {
        if (m_keyringReady || !m_keyringFailure.isEmpty())
            return m_keyringFailure;

        const QString busDaemon = QStandardPaths::findExecutable(QStringLiteral("dbus-daemon"));
        const QString keyringDaemon = QStandardPaths::findExecutable(QStringLiteral("gnome-keyring-daemon"));
        QLibrary libsecret(QStringLiteral("secret-1"), 0);
        if (busDaemon.isEmpty() || keyringDaemon.isEmpty() || !libsecret.load()) {
            *skip = true;
            return QStringLiteral("needs dbus-daemon, gnome-keyring-daemon and libsecret-1.so.0 "
                                  "(packaging/setup.sh installs gnome-keyring dbus-x11 libsecret-1-0)");
        }

        const auto fail = [this](const QString &why) {
            m_keyringFailure = why;
            return why;
        };
        const QStringList busArguments{QStringLiteral("--session"), QStringLiteral("--print-address=1"),
                                       QStringLiteral("--nofork")};
        if (const QString failed = startDaemon(m_bus, busDaemon, busArguments); !failed.isEmpty())
            return fail(failed);
        QDeadlineTimer deadline(kDaemonWait);
        while (!m_bus.canReadLine() && !deadline.hasExpired() && m_bus.state() == QProcess::Running)
            m_bus.waitForReadyRead(static_cast<int>(deadline.remainingTime()));
        const QByteArray address = m_bus.readLine().trimmed();
        if (address.isEmpty())
            return fail(QStringLiteral("dbus-daemon printed no address: ")
                        + QString::fromLocal8Bit(m_bus.readAllStandardError()));
        qputenv("DBUS_SESSION_BUS_ADDRESS", address);

        // Reads the password from stdin up to EOF; it must not be empty.
        const QStringList keyringArguments{QStringLiteral("--unlock"), QStringLiteral("--components=secrets"),
                                           QStringLiteral("--foreground")};
        if (const QString failed = startDaemon(m_keyring, keyringDaemon, keyringArguments); !failed.isEmpty())
            return fail(failed);
        m_keyring.write("servedeck-test-password");
        m_keyring.closeWriteChannel();

        QDBusConnection probe = QDBusConnection::connectToBus(QString::fromUtf8(address), kProbeConnection);
        if (!probe.isConnected())
            return fail(QStringLiteral("cannot connect to the private bus: ") + probe.lastError().message());
        deadline = QDeadlineTimer(kDaemonWait);
        while (!probe.interface()->isServiceRegistered(kSecretsBusName)) {
            if (deadline.hasExpired() || m_keyring.state() != QProcess::Running) {
                return fail(QStringLiteral("gnome-keyring-daemon did not register %1: %2")
                                .arg(kSecretsBusName, QString::fromLocal8Bit(m_keyring.readAllStandardError())));
            }
            QTest::qWait(20);
        }
        m_keyringReady = true;
        return {};
    }

    // The keyring goes away (crashed, locked session); the bus stays.
    void stopKeyring() { killBounded(m_keyring); }

    // Asks gnome-keyring itself (Secret Service API), not QtKeychain, how many items hold
    // @p entry of @p service; -1 when the question fails.
    qsizetype itemsFor(const QString &service, const QString &entry)
    {
        using Attributes = QMap<QString, QString>;
        qDBusRegisterMetaType<Attributes>();
        QDBusMessage search = QDBusMessage::createMethodCall(kSecretsBusName, QStringLiteral("/org/freedesktop/secrets"),
                                                             QStringLiteral("org.freedesktop.Secret.Service"),
                                                             QStringLiteral("SearchItems"));
        // QtKeychain's schema: "server" is the service, "user" the entry.
        search << QVariant::fromValue(Attributes{{QStringLiteral("server"), service}, {QStringLiteral("user"), entry}});
        const QDBusMessage reply = QDBusConnection(kProbeConnection).call(search, QDBus::Block, 5000);
        if (reply.type() != QDBusMessage::ReplyMessage || reply.arguments().size() != 2) {
            qWarning("SearchItems failed: %s", qUtf8Printable(reply.errorMessage()));
            return -1;
        }
        const auto unlocked = qdbus_cast<QList<QDBusObjectPath>>(reply.arguments().at(0));
        const auto locked = qdbus_cast<QList<QDBusObjectPath>>(reply.arguments().at(1));
        return unlocked.size() + locked.size();
    }

private:
    static inline const QString kSecretsBusName = QStringLiteral("org.freedesktop.secrets");
    static inline const QString kProbeConnection = QStringLiteral("servedeck-test-probe");
    // Every wait for a daemon is bounded by this.
    static constexpr std::chrono::seconds kDaemonWait{10};

    static void killBounded(QProcess &process)
    {
        if (process.state() == QProcess::NotRunning)
            return;
        process.terminate();
        if (!process.waitForFinished(5000)) {
            process.kill();
            process.waitForFinished(5000);
        }
    }

    static QString startDaemon(QProcess &process, const QString &program, const QStringList &arguments)
    {
        process.setProgram(program);
        process.setArguments(arguments);
        // Inherits DBUS_SESSION_BUS_ADDRESS, XDG_RUNTIME_DIR and XDG_DATA_HOME as set above.
        process.setProcessEnvironment(QProcessEnvironment::systemEnvironment());
#ifdef __linux__
        // No daemon outlives a test that crashes or is killed.
        process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
#endif
        process.start();
        if (!process.waitForStarted(static_cast<int>(std::chrono::milliseconds(kDaemonWait).count())))
            return QStringLiteral("cannot start %1: %2").arg(program, process.errorString());
        return {};
    }

    QTemporaryDir m_runtimeDir; // XDG_RUNTIME_DIR: QTemporaryDir makes it 0700
    QTemporaryDir m_dataHome;   // XDG_DATA_HOME: the private keyring's files
    QProcess m_bus;
    QProcess m_keyring;
    bool m_keyringReady = false;
    QString m_keyringFailure;
    QHash<QByteArray, std::optional<QByteArray>> m_savedEnvironment;
};

// QSKIP and QVERIFY return from the calling test function, so this is a macro.
#define REQUIRE_PRIVATE_KEYRING(keyring)                                                                              \
    do {                                                                                                              \
        bool skip = false;                                                                                            \
        const QString why = (keyring).start(&skip);                                                                   \
        if (skip)                                                                                                     \
            QSKIP(qPrintable(why));                                                                                   \
        QVERIFY2(why.isEmpty(), qPrintable(why));                                                                     \
    } while (false)
