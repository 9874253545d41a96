#pragma once

#include <memory>
#include <utility>

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

#include "support/testplanekey.h"

// What the end-to-end suites share to drive the built binary: one `servedeck serve` child on
// loopback port 0 and the key=value lines it prints first, and `servedeck ctl` children with
// their exit code and output. Every wait is bounded by the caller's limits.
namespace ServeChildSupport {

// Starting the server opens SQLite, creates keys and binds two sockets: well under a second
// on an idle machine; the margin is for a loaded CI runner.
constexpr int kServerStartMs = 15000;
// SIGTERM must be answered promptly: systemd and scripts wait this long at most.
constexpr int kShutdownMs = 5000;

inline const QStringList &serverKeys()
{
    static const QStringList keys{QStringLiteral("api"), QStringLiteral("proxy"), QStringLiteral("data_dir"),
                                  QStringLiteral("admin_token_file")};
    return keys;
}

inline QString binDir()
{
    return qEnvironmentVariable("SERVEDECK_BIN_DIR");
}

inline QString binary()
{
    const QString dir = binDir();
    return dir.isEmpty() ? QString() : QDir(dir).filePath(QStringLiteral("servedeck"));
}

// The children must not pick up an operator's own server, token or HTTP proxy; replicas find
// the built model server on PATH.
inline QProcessEnvironment childEnvironment(const QString &dataDir)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"SERVEDECK_API", "SERVEDECK_TOKEN_FILE", "http_proxy", "HTTP_PROXY", "https_proxy",
                             "HTTPS_PROXY", "all_proxy", "ALL_PROXY"})
        env.remove(QString::fromLatin1(name));
    env.insert(QStringLiteral("SERVEDECK_DATA_DIR"), dataDir);
    env.insert(QStringLiteral("PATH"), binDir() + u':' + env.value(QStringLiteral("PATH")));
    // A child on a PostgreSQL store (--database) needs the plane's key; on SQLite it is not read.
    env.insert(QStringLiteral("SERVEDECK_PLANE_KEY_FILE"), TestPlaneKey::file());
    return env;
}

struct CtlResult
{
    bool finished = false;
    int exitCode = -1;
    QString out;
    QString err;

    QJsonObject json() const { return QJsonDocument::fromJson(out.toUtf8()).object(); }
    // What QCOMPARE/QVERIFY print when a call did not go as expected.
    QByteArray describe() const
    {
        return "exit " + QByteArray::number(exitCode) + (finished ? "" : " (did not finish)") + "\n--- stdout:\n"
            + out.toUtf8() + "\n--- stderr:\n" + err.toUtf8();
    }
};

// What a child left behind; one that has not finished is killed first.
inline CtlResult outcome(QProcess &process, bool finished)
{
    CtlResult result;
    result.finished = finished;
    if (!finished) {
        process.kill();
        process.waitForFinished(kShutdownMs);
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

// `servedeck ARGUMENTS` in this environment, killed after timeoutMs; stdin at end of file
// where closedInput says so (nothing may wait for an answer from a terminal).
inline CtlResult runServedeck(const QStringList &arguments, const QProcessEnvironment &env, int timeoutMs,
                              bool closedInput = false)
{
    QProcess process;
    process.setProcessEnvironment(env);
    if (closedInput)
        process.setStandardInputFile(QProcess::nullDevice());
    process.start(binary(), arguments);
    if (!process.waitForStarted(timeoutMs))
        return {};
    const bool finished = process.waitForFinished(timeoutMs);
    return outcome(process, finished);
}

// `servedeck ctl ARGUMENTS` with SERVEDECK_DATA_DIR=dataDir; killed after timeoutMs.
inline CtlResult runCtl(const QStringList &arguments, const QString &dataDir, int timeoutMs)
{
    return runServedeck(QStringList{QStringLiteral("ctl")} + arguments, childEnvironment(dataDir), timeoutMs);
}

// One `servedeck serve` child and the addresses it printed. Stopped (SIGTERM, then SIGKILL)
// when it goes, so a failed test leaves nothing running.
class ServeChild
{
public:
    // `servedeck serve --data-dir DATADIR` on 127.0.0.1:0 for the API and the proxy, with this
    // capacity and any further arguments.
    explicit ServeChild(QString dataDir, QString capacity = QStringLiteral("cpu=8,memory=16G"),
                        QStringList extraArguments = {})
        : m_dataDir(std::move(dataDir))
        , m_capacity(std::move(capacity))
        , m_extraArguments(std::move(extraArguments))
    {
    }
    ~ServeChild() { stop(); }
    Q_DISABLE_COPY_MOVE(ServeChild)

    // Starts it and reads the key=value lines it prints first; false (with why) if it does not.
    bool start(QString *why)
    {
        m_process.setProgram(binary());
        m_process.setArguments(QStringList{QStringLiteral("serve"), QStringLiteral("--data-dir"), m_dataDir,
                                           QStringLiteral("--api"), QStringLiteral("127.0.0.1:0"),
                                           QStringLiteral("--proxy"), QStringLiteral("127.0.0.1:0"),
                                           QStringLiteral("--capacity"), m_capacity}
                               + m_extraArguments);
        m_process.setProcessEnvironment(childEnvironment(m_dataDir));
        m_process.setReadChannel(QProcess::StandardOutput);
        m_process.start();
        if (!m_process.waitForStarted(kServerStartMs)) {
            *why = QStringLiteral("servedeck serve did not start: ") + m_process.errorString();
            return false;
        }
        const qsizetype wanted = serverKeys().size();
        // The line count below says whether it worked.
        [[maybe_unused]] const bool printed = QTest::qWaitFor([this, wanted] {
            while (m_process.canReadLine())
                m_lines << QString::fromUtf8(m_process.readLine()).trimmed();
            return m_lines.size() >= wanted || m_process.state() == QProcess::NotRunning;
        }, kServerStartMs);
        if (m_lines.size() < wanted) {
            *why = QStringLiteral("servedeck serve printed only %1 line(s) in %2 ms: [%3]; stderr: %4")
                       .arg(m_lines.size())
                       .arg(kServerStartMs)
                       .arg(m_lines.join(QStringLiteral(" | ")), QString::fromUtf8(m_process.readAllStandardError()));
            return false;
        }
        for (const QString &line : std::as_const(m_lines)) {
            const auto eq = line.indexOf(u'=');
            if (eq > 0)
                m_values.insert(line.left(eq), line.mid(eq + 1));
        }
        if (api().isEmpty() || tokenFile().isEmpty()) {
            *why = QStringLiteral("servedeck serve printed no api or admin_token_file: [%1]")
                       .arg(m_lines.join(QStringLiteral(" | ")));
            return false;
        }
        return true;
    }

    // SIGTERM, then SIGKILL if it has not ended within kShutdownMs.
    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(kShutdownMs)) {
            m_process.kill();
            m_process.waitForFinished(kShutdownMs);
        }
    }

    QStringList firstLines() const { return m_lines.mid(0, serverKeys().size()); }
    QString value(const QString &key) const { return m_values.value(key); }
    QString api() const { return value(QStringLiteral("api")); }
    QString proxy() const { return value(QStringLiteral("proxy")); }
    QString tokenFile() const { return value(QStringLiteral("admin_token_file")); }
    QProcess &process() { return m_process; }

    // ctl's arguments that point it at this server as its admin.
    QStringList ctlArguments() const
    {
        return {QStringLiteral("--api"), QStringLiteral("http://") + api(), QStringLiteral("--token-file"), tokenFile()};
    }

    // `servedeck ctl` against this server as its admin, SERVEDECK_DATA_DIR=ctlDataDir.
    CtlResult ctl(const QStringList &arguments, const QString &ctlDataDir, int timeoutMs) const
    {
        return runCtl(ctlArguments() + arguments, ctlDataDir, timeoutMs);
    }

    // Waits until the endpoint has `routes` HEALTHY routes, asking `ctl routes` (each call
    // bounded by ctlMs) for at most timeoutMs; on failure warns with what an operator would read.
    bool waitHealthy(const QString &name, int routes, const QString &ctlDataDir, int ctlMs, int timeoutMs) const
    {
        const bool healthy = QTest::qWaitFor([&] {
            const CtlResult r = ctl({QStringLiteral("--json"), QStringLiteral("routes"), name}, ctlDataDir, ctlMs);
            int count = 0;
            for (const QJsonValue &route : r.json().value(QStringLiteral("routes")).toArray())
                count += route.toObject().value(QStringLiteral("status")).toString() == QStringLiteral("HEALTHY") ? 1 : 0;
            return count >= routes;
        }, timeoutMs);
        if (!healthy) {
            qWarning().noquote() << ctl({QStringLiteral("routes"), name}, ctlDataDir, ctlMs).describe()
                                 << ctl({QStringLiteral("errors"), name}, ctlDataDir, ctlMs).describe()
                                 << ctl({QStringLiteral("info"), name}, ctlDataDir, ctlMs).describe();
        }
        return healthy;
    }

private:
    QString m_dataDir;
    QString m_capacity;
    QStringList m_extraArguments;
    QProcess m_process;
    QStringList m_lines;
    QHash<QString, QString> m_values;
};

// What a ctl suite's initTestCase does first: checks its two temporary folders and the built
// binary, makes scratch's "ctl-data" (ctl's own data folder) and starts a server over dataDir.
// Null, with why, where a step fails.
inline std::unique_ptr<ServeChild> startedServeChild(const QTemporaryDir &dataDir, const QTemporaryDir &scratch,
                                                     QString *why)
{
    if (!dataDir.isValid() || !scratch.isValid() || !QDir().mkpath(scratch.filePath(QStringLiteral("ctl-data")))) {
        *why = QStringLiteral("no temporary folder");
        return nullptr;
    }
    if (!QFileInfo(binary()).isExecutable()) {
        *why = QStringLiteral("no servedeck binary at '%1'").arg(binary());
        return nullptr;
    }
    auto server = std::make_unique<ServeChild>(dataDir.path());
    if (!server->start(why))
        return nullptr;
    return server;
}

// `ctl create` of the demo's iris-v1 folder as "iris": one replica of half a CPU and 256M.
inline QStringList createIrisArguments()
{
    return {QStringLiteral("create"), QStringLiteral("iris"), QStringLiteral("--folder"), QStringLiteral("iris-v1"),
            QStringLiteral("--version"), QStringLiteral("v1"), QStringLiteral("--replicas"), QStringLiteral("1"),
            QStringLiteral("--cpu"), QStringLiteral("0.5"), QStringLiteral("--memory"), QStringLiteral("256M")};
}

} // namespace ServeChildSupport
