#pragma once

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <memory>

#include <sys/types.h>
#include <unistd.h>

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QStringList>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QThread>
#include <QUuid>

// A real PostgreSQL server for one suite: Debian's own binaries (the postgresql package), a data
// folder and socket folder in a temporary directory, a free port on 127.0.0.1, trust
// authentication for its one superuser. PostgreSQL refuses to run as root, and CI runs as root:
// then the server runs as nobody (setpriv), and the temporary directory is handed to nobody.
// A suite keeps one instance for all its cases (initdb takes one to three seconds).
class PostgresServer final
{
    Q_DISABLE_COPY_MOVE(PostgresServer)

public:
    static constexpr int kStartMs = 60000;  // initdb + first start on a loaded CI runner
    static constexpr int kStopMs = 30000;

    PostgresServer() = default;
    ~PostgresServer() { stop(); }

    // The newest /usr/lib/postgresql/<version>/bin, or empty when PostgreSQL is not installed.
    static QString binDir()
    {
        QDir root(QStringLiteral("/usr/lib/postgresql"));
        QStringList versions = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        std::sort(versions.begin(), versions.end(),
                  [](const QString &a, const QString &b) { return a.toInt() < b.toInt(); });
        for (auto it = versions.crbegin(); it != versions.crend(); ++it) {
            const QString bin = root.filePath(*it + QStringLiteral("/bin"));
            if (QFile::exists(bin + QStringLiteral("/postgres")))
                return bin;
        }
        return {};
    }

    // initdb, then the server; false with *error said when anything failed.
    bool start(QString *error)
    {
        if (!m_dir.isValid())
            return fail(error, QStringLiteral("no temporary directory"));
        m_bin = binDir();
        if (m_bin.isEmpty())
            return fail(error, QStringLiteral("PostgreSQL is not installed (/usr/lib/postgresql/*/bin/postgres)"));
        if (geteuid() == 0 && !handToNobody(error))
            return false;
        QProcess initdb;
        initdb.setProcessChannelMode(QProcess::MergedChannels);
        runAsServerUser(initdb, m_bin + QStringLiteral("/initdb"),
                        {QStringLiteral("-D"), dataDir(), QStringLiteral("-U"), user(), QStringLiteral("--auth=trust"),
                         QStringLiteral("--encoding=UTF8"), QStringLiteral("--no-locale"), QStringLiteral("--no-sync")});
        if (!initdb.waitForFinished(kStartMs) || initdb.exitStatus() != QProcess::NormalExit || initdb.exitCode() != 0)
            return fail(error, QStringLiteral("initdb failed: ") + QString::fromLocal8Bit(initdb.readAll()));
        m_port = freePort();
        if (m_port <= 0)
            return fail(error, QStringLiteral("no free loopback port"));
        if (!launch(error))
            return false;
        return createDatabase(QStringLiteral("servedeck"), error);
    }

    // The postmaster again, on the same data and port (after stop() or kill()).
    bool restart(QString *error)
    {
        stop();
        return launch(error);
    }

    // A fast shutdown (SIGINT): open sessions are ended, committed work is kept.
    void stop()
    {
        if (!m_server)
            return;
        if (m_server->state() != QProcess::NotRunning) {
            ::kill(pid_t(m_server->processId()), SIGINT);
            if (!m_server->waitForFinished(kStopMs)) {
                m_server->kill();
                m_server->waitForFinished(kStopMs);
            }
        }
        m_server.reset();
    }

    // The postmaster killed (SIGKILL), as a crash: restart() recovers from its WAL.
    void kill()
    {
        if (!m_server)
            return;
        m_server->kill();
        m_server->waitForFinished(kStopMs);
        m_server.reset();
        // Its backends outlive a killed postmaster for a moment; a restart waits for the shared memory.
    }

    // Before start(): a benchmark set against SQLite's synchronous=FULL wants commits on disk too.
    void setFsync(bool on) { m_fsync = on; }
    bool isRunning() const { return m_server && m_server->state() == QProcess::Running; }
    int port() const { return m_port; }
    static QString user() { return QStringLiteral("servedeck"); }
    // What ServeDeck's --database takes.
    QString url(const QString &database = QStringLiteral("servedeck")) const
    {
        return QStringLiteral("postgresql://%1@127.0.0.1:%2/%3").arg(user()).arg(m_port).arg(database);
    }
    // A fresh database for one test case, so cases do not see each other's rows.
    bool createDatabase(const QString &name, QString *error)
    {
        return execute(QStringLiteral("CREATE DATABASE \"%1\"").arg(name), error);
    }
    QString createUniqueDatabase(QString *error)
    {
        const QString name = QStringLiteral("t_") + QUuid::createUuid().toString(QUuid::Id128);
        return createDatabase(name, error) ? name : QString();
    }
    // A fresh database's URL, for a suite's set-up: one that cannot be had ends the run, saying why.
    QString uniqueDatabaseUrl()
    {
        QString error;
        const QString database = createUniqueDatabase(&error);
        if (database.isEmpty())
            qFatal("cannot create a database: %s", qPrintable(error));
        return url(database);
    }
    // One statement on the maintenance database "postgres", on a connection of its own.
    bool execute(const QString &sql, QString *error)
    {
        const QString connection = QStringLiteral("pgserver-") + QUuid::createUuid().toString(QUuid::Id128);
        bool ok = false;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
            db.setHostName(QStringLiteral("127.0.0.1"));
            db.setPort(m_port);
            db.setUserName(user());
            db.setDatabaseName(QStringLiteral("postgres"));
            if (!db.open()) {
                fail(error, db.lastError().text());
            } else {
                QSqlQuery q(db);
                ok = q.exec(sql);
                if (!ok)
                    fail(error, q.lastError().text());
                q.finish();
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(connection);
        return ok;
    }
    QString log() const
    {
        QFile f(m_dir.filePath(QStringLiteral("server.log")));
        return f.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(f.readAll()) : QString();
    }
    // The server's last words for a failure message, which QTest cuts at about 1,000 characters
    // (the log of a suite that restarts the server is longer). With `toStderr`, the last 16,000
    // characters go to stderr too, where ctest --output-on-failure shows them.
    QString logTail(bool toStderr = false) const
    {
        const QString whole = log();
        if (toStderr) {
            std::fputs(qPrintable(QStringLiteral("--- postgres server.log, last 16000 characters ---\n")
                                  + whole.right(16000) + QStringLiteral("\n--- end of server.log ---\n")),
                       stderr);
        }
        return whole.right(400);
    }

private:
    QString dataDir() const { return m_dir.filePath(QStringLiteral("data")); }
    QString socketDir() const { return m_dir.path(); }

    static bool fail(QString *error, const QString &what)
    {
        if (error)
            *error = what;
        return false;
    }

    static int freePort()
    {
        QTcpServer probe;
        return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : -1;
    }

    bool handToNobody(QString *error)
    {
        QProcess chown;
        chown.start(QStringLiteral("chown"), {QStringLiteral("-R"), QStringLiteral("nobody:nogroup"), m_dir.path()});
        if (!chown.waitForFinished(10000) || chown.exitCode() != 0)
            return fail(error, QStringLiteral("cannot hand %1 to nobody").arg(m_dir.path()));
        m_asNobody = true;
        return true;
    }

    void runAsServerUser(QProcess &process, const QString &program, const QStringList &arguments) const
    {
        if (m_asNobody) {
            process.start(QStringLiteral("setpriv"),
                          QStringList{QStringLiteral("--reuid=nobody"), QStringLiteral("--regid=nogroup"),
                                      QStringLiteral("--clear-groups"), QStringLiteral("--"), program}
                              + arguments);
        } else {
            process.start(program, arguments);
        }
    }

    bool launch(QString *error)
    {
        m_server = std::make_unique<QProcess>();
        m_server->setStandardOutputFile(m_dir.filePath(QStringLiteral("server.log")), QIODevice::Append);
        m_server->setStandardErrorFile(m_dir.filePath(QStringLiteral("server.log")), QIODevice::Append);
        // setpriv execs the server: the child's pid is the postmaster's.
        runAsServerUser(*m_server, m_bin + QStringLiteral("/postgres"),
                        {QStringLiteral("-D"), dataDir(), QStringLiteral("-p"), QString::number(m_port),
                         QStringLiteral("-k"), socketDir(), QStringLiteral("-c"),
                         QStringLiteral("listen_addresses=127.0.0.1"), QStringLiteral("-c"),
                         QStringLiteral("max_connections=200"), QStringLiteral("-c"),
                         // Only a machine crash loses unsynced pages; the suites kill processes, not machines.
                         m_fsync ? QStringLiteral("fsync=on") : QStringLiteral("fsync=off")});
        if (!m_server->waitForStarted(kStartMs))
            return fail(error, QStringLiteral("postgres did not start: ") + m_server->errorString());
        // Ready when it takes a connection: bounded by kStartMs (a crash recovery replays WAL first).
        const QDeadlineTimer deadline(kStartMs);
        QString last;
        while (!deadline.hasExpired()) {
            if (m_server->state() == QProcess::NotRunning)
                return fail(error, QStringLiteral("postgres exited: ") + logTail());
            if (execute(QStringLiteral("SELECT 1"), &last))
                return true;
            QThread::msleep(50);
        }
        return fail(error, QStringLiteral("postgres did not take connections in time: ") + last + u'\n' + logTail(true));
    }

    QTemporaryDir m_dir;
    QString m_bin;
    bool m_fsync = false;
    std::unique_ptr<QProcess> m_server;
    int m_port = -1;
    bool m_asNobody = false;
};
