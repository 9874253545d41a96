// End-to-end: one control plane per data dir, a data dir private from its first byte, and ctl
// proving who listens before it sends the admin token. Real `servedeck serve` and `servedeck
// ctl` processes on loopback; every wait is bounded.
#include <csignal>
#include <memory>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "api/apiclient.h"
#include "support/servechild.h"
#include "support/testfiles.h"

using namespace Qt::StringLiterals;
using namespace ServeChildSupport;
using ServeDeck::ApiClient;
using namespace TestFiles;

namespace {

constexpr int kCtlMs = 20000;
// Two demo replicas load the iris model and answer their health checks.
constexpr int kReplicasHealthyMs = 30000;
// A second serve that refuses does so before it opens anything but the lock file.
constexpr int kRefusalMs = 10000;

// One `servedeck serve` child and the key=value lines it printed.
class Server
{
public:
    explicit Server(QString dataDir)
        : m_dataDir(std::move(dataDir))
    {
    }
    ~Server()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(kShutdownMs);
        }
    }
    Q_DISABLE_COPY_MOVE(Server)

    void launch()
    {
        m_process.setProgram(binary());
        m_process.setArguments({u"serve"_s, u"--data-dir"_s, m_dataDir, u"--api"_s, u"127.0.0.1:0"_s, u"--proxy"_s,
                                u"127.0.0.1:0"_s, u"--capacity"_s, u"cpu=8,memory=16G"_s});
        m_process.setProcessEnvironment(childEnvironment(m_dataDir));
        m_process.setReadChannel(QProcess::StandardOutput);
        m_process.start();
    }

    // Launches it and reads its first lines; false (with why) if it does not print them.
    bool start(QString *why)
    {
        launch();
        if (!m_process.waitForStarted(kServerStartMs)) {
            *why = u"servedeck serve did not start: "_s + m_process.errorString();
            return false;
        }
        [[maybe_unused]] const bool printed = QTest::qWaitFor([this] {
            while (m_process.canReadLine()) {
                const QString line = QString::fromUtf8(m_process.readLine()).trimmed();
                const auto eq = line.indexOf(u'=');
                if (eq > 0)
                    m_values.insert(line.left(eq), line.mid(eq + 1));
            }
            return m_values.contains(u"signing_key"_s) || m_process.state() == QProcess::NotRunning;
        }, kServerStartMs);
        if (!m_values.contains(u"signing_key"_s)) {
            *why = u"servedeck serve printed %1 value(s); stderr: %2"_s.arg(m_values.size())
                       .arg(QString::fromUtf8(m_process.readAllStandardError()));
            return false;
        }
        return true;
    }

    QString value(const QString &key) const { return m_values.value(key); }
    QString api() const { return value(u"api"_s); }
    QString proxy() const { return value(u"proxy"_s); }
    QByteArray token() const
    {
        QFile f(value(u"admin_token_file"_s));
        return f.open(QIODevice::ReadOnly) ? f.readAll().trimmed() : QByteArray();
    }
    QProcess &process() { return m_process; }

private:
    QString m_dataDir;
    QProcess m_process;
    QHash<QString, QString> m_values;
};

// Replica pid by route id, as the plane's agent reports them.
QHash<QString, qint64> replicaPids(ApiClient &client)
{
    QHash<QString, qint64> pids;
    const auto r = client.get(u"/v1/agents"_s);
    for (const QJsonValue &agent : r.body.object().value(u"agents"_s).toArray()) {
        for (const QJsonValue &replica : agent.toObject().value(u"replicas"_s).toArray()) {
            const QJsonObject o = replica.toObject();
            if (o.value(u"pid"_s).toInteger() > 0)
                pids.insert(o.value(u"route_id"_s).toString(), o.value(u"pid"_s).toInteger());
        }
    }
    return pids;
}

// Stands where a console used to listen: answers every request with a fixed reply and keeps
// every request's bytes, so a test can see whether an Authorization header ever arrived.
class FakeListener final : public QObject
{
public:
    explicit FakeListener(QByteArray body)
        : m_body(std::move(body))
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
                    QByteArray &seen = m_pending[socket];
                    seen += socket->readAll();
                    if (!seen.contains("\r\n\r\n"))
                        return;
                    m_requests << seen;
                    seen.clear();
                    socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                                  + QByteArray::number(m_body.size()) + "\r\nConnection: close\r\n\r\n" + m_body);
                    socket->disconnectFromHost();
                });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QString address() const { return u"127.0.0.1:"_s + QString::number(m_server.serverPort()); }
    const QList<QByteArray> &requests() const { return m_requests; }
    bool sawAuthorization() const
    {
        for (const QByteArray &request : m_requests) {
            if (request.toLower().contains("\r\nauthorization:"))
                return true;
        }
        return false;
    }

private:
    QTcpServer m_server;
    QByteArray m_body;
    QHash<QTcpSocket *, QByteArray> m_pending;
    QList<QByteArray> m_requests;
};

// Runs ctl while this process's event loop keeps turning (a fake listener lives here).
CtlResult runCtl(const QStringList &arguments, const QString &dataDir)
{
    QProcess process;
    process.setProcessEnvironment(childEnvironment(dataDir));
    QSignalSpy finished(&process, &QProcess::finished);
    process.start(binary(), QStringList{u"ctl"_s} + arguments);
    return outcome(process, finished.wait(kCtlMs));
}

bool writePrivateFile(const QString &path, const QByteArray &content)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(content) == content.size() && f.flush()
        && f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
}

} // namespace

class TestPlaneInstance final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void secondServeOnTheSameDataDirRefuses();
    void freshDataDirIsPrivate();
    void ctlRefusesAStaleAddressThatCannotProve_data();
    void ctlRefusesAStaleAddressThatCannotProve();
    void ctlProvesTheRealConsole();
    void ctlTrustsAnAddressItIsGiven();
    void healthProvesWithTheAdminToken();
    void secondConsoleRaisesTheFirst();
};

void TestPlaneInstance::initTestCase()
{
    QVERIFY2(QFileInfo(binary()).isExecutable(), qPrintable(u"no servedeck binary at '%1'"_s.arg(binary())));
}

void TestPlaneInstance::secondServeOnTheSameDataDirRefuses()
{
    QTemporaryDir data;
    QVERIFY(data.isValid());
    Server first(data.path());
    QString why;
    QVERIFY2(first.start(&why), qPrintable(why));

    ApiClient client(QUrl(u"http://"_s + first.api()), first.token());
    const auto created = client.send("POST", u"/v1/services"_s,
                                     QJsonObject{{u"name"_s, u"twin"_s}, {u"model_version"_s, u"v1"_s},
                                                 {u"model_folder"_s, u"iris-v1"_s}, {u"replicas"_s, 2}});
    QVERIFY2(created.ok(), created.body.toJson().constData());
    QHash<QString, qint64> before;
    QTRY_VERIFY_WITH_TIMEOUT(
        (before = replicaPids(client), before.size() == 2
             && client.get(u"/v1/services/twin"_s).body.object().value(u"healthy_replicas"_s).toInt() == 2),
        kReplicasHealthyMs);

    Server second(data.path());
    second.launch();
    QVERIFY2(second.process().waitForFinished(kRefusalMs), "a second serve on the same data dir must exit at once");
    QCOMPARE(second.process().exitStatus(), QProcess::NormalExit);
    QVERIFY(second.process().exitCode() != 0);
    const QString err = QString::fromUtf8(second.process().readAllStandardError());
    QVERIFY2(err.contains(u"in use"_s), qPrintable(err));
    QVERIFY2(err.contains(u"pid "_s + QString::number(first.process().processId())), qPrintable(err));
    QVERIFY2(err.contains(first.api()), qPrintable(err));
    QVERIFY2(err.contains(first.proxy()), qPrintable(err));
    QVERIFY2(second.process().readAllStandardOutput().isEmpty(), "a refused serve listens nowhere and prints no address");

    // The first one's replicas are the same processes, still alive, through a few reconciler passes.
    const bool changed = QTest::qWaitFor([&] { return replicaPids(client) != before; }, 2500);
    QVERIFY2(!changed, "the first plane's replicas were replaced");
    for (const qint64 pid : std::as_const(before))
        QVERIFY2(::kill(pid_t(pid), 0) == 0, qPrintable(u"replica %1 is gone"_s.arg(pid)));

    // Once the first one is gone, the lock is free again: the kernel dropped it.
    first.process().terminate();
    QVERIFY(first.process().waitForFinished(kShutdownMs));
    Server third(data.path());
    QVERIFY2(third.start(&why), qPrintable(why));
}

void TestPlaneInstance::freshDataDirIsPrivate()
{
    QTemporaryDir parent;
    QVERIFY(parent.isValid());
    // The parent is open to all: only the data dir's own mode keeps others out.
    QVERIFY(QFile::setPermissions(parent.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup
                                                     | QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther));
    const QString dataDir = parent.filePath(u"fresh/servedeck"_s);
    Server server(dataDir);
    QString why;
    QVERIFY2(server.start(&why), qPrintable(why));
    QCOMPARE(server.value(u"signing_key"_s), u"file"_s);  // no keychain in tests: the key is a file

    QCOMPARE(modeOf(dataDir), mode_t(0700));
    QCOMPARE(modeOf(parent.filePath(u"fresh"_s)), mode_t(0700));
    for (const QString &secret : {u"admin.token"_s, u"signing.key"_s, u"plane.lock"_s})
        QCOMPARE(modeOf(QDir(dataDir).filePath(secret)), mode_t(0600));
    const QStringList entries = QDir(dataDir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
    QVERIFY2(entries.contains(u"servedeck.db"_s) && entries.contains(u"api.address"_s), qPrintable(entries.join(u' ')));
    for (const QString &entry : entries) {
        const mode_t mode = modeOf(QDir(dataDir).filePath(entry));
        QVERIFY2((mode & 077) == 0, qPrintable(u"%1 is mode %2"_s.arg(entry).arg(QString::number(uint(mode), 8))));
    }

    // The lock names its holder.
    QFile lock(QDir(dataDir).filePath(u"plane.lock"_s));
    QVERIFY(lock.open(QIODevice::ReadOnly));
    const QByteArray holder = lock.readAll();
    QVERIFY2(holder.contains(QByteArray("pid=" + QByteArray::number(server.process().processId()) + '\n')), holder.constData());
    QVERIFY2(holder.contains(QByteArray("api=" + server.api().toUtf8() + '\n')), holder.constData());
}

void TestPlaneInstance::ctlRefusesAStaleAddressThatCannotProve_data()
{
    QTest::addColumn<QByteArray>("answer");
    QTest::newRow("a plain health answer") << QByteArray(R"({"status":"ok","version":"0.1.0"})");
    QTest::newRow("a made-up proof") << QByteArray(R"({"status":"ok","proof":")") + QByteArray(64, 'a') + "\"}";
    QTest::newRow("not JSON") << QByteArray("hello");
}

void TestPlaneInstance::ctlRefusesAStaleAddressThatCannotProve()
{
    QFETCH(QByteArray, answer);
    QTemporaryDir data;
    QVERIFY(data.isValid());
    FakeListener fake(answer);
    QVERIFY(fake.listen());
    QVERIFY(writePrivateFile(data.filePath(u"admin.token"_s), QByteArray(64, 'f') + '\n'));
    QVERIFY(writePrivateFile(data.filePath(u"api.address"_s), "http://" + fake.address().toUtf8() + '\n'));

    const CtlResult r = runCtl({u"--data-dir"_s, data.path(), u"list"_s}, data.path());
    QVERIFY2(r.finished && r.exitCode == 1, r.describe().constData());
    QVERIFY2(r.err.contains(u"refusing to send the admin token"_s), r.describe().constData());
    QVERIFY2(r.err.contains(fake.address()), r.describe().constData());
    QVERIFY2(!fake.requests().isEmpty(), "ctl must have asked the listener to prove itself");
    QVERIFY2(fake.requests().constFirst().startsWith("GET /v1/health?nonce="), fake.requests().constFirst().constData());
    QVERIFY2(!fake.sawAuthorization(), fake.requests().join("\n----\n").constData());
    QCOMPARE(fake.requests().size(), 1);
}

void TestPlaneInstance::ctlProvesTheRealConsole()
{
    QTemporaryDir data;
    QVERIFY(data.isValid());
    Server server(data.path());
    QString why;
    QVERIFY2(server.start(&why), qPrintable(why));
    // No --api: the address comes from the data dir's api.address and is proven first.
    const CtlResult r = runCtl({u"--data-dir"_s, data.path(), u"--json"_s, u"list"_s}, data.path());
    QVERIFY2(r.finished && r.exitCode == 0, r.describe().constData());
}

void TestPlaneInstance::ctlTrustsAnAddressItIsGiven()
{
    // --api with a token works as before, proof or not: the operator named the address.
    QTemporaryDir data;
    QVERIFY(data.isValid());
    FakeListener fake(R"({"services":[]})");
    QVERIFY(fake.listen());
    const QString tokenFile = data.filePath(u"given.token"_s);
    QVERIFY(writePrivateFile(tokenFile, QByteArray(64, 'g') + '\n'));
    const CtlResult r = runCtl({u"--api"_s, u"http://"_s + fake.address(), u"--token-file"_s, tokenFile, u"list"_s},
                               data.path());
    QVERIFY2(r.finished && r.exitCode == 0, r.describe().constData());
    QCOMPARE(fake.requests().size(), 1);
    QVERIFY2(fake.sawAuthorization(), fake.requests().constFirst().constData());
}

void TestPlaneInstance::healthProvesWithTheAdminToken()
{
    QTemporaryDir data;
    QVERIFY(data.isValid());
    Server server(data.path());
    QString why;
    QVERIFY2(server.start(&why), qPrintable(why));
    ApiClient anonymous(QUrl(u"http://"_s + server.api()), {});
    for (const QString &nonce : {u"short"_s, u"ABCDEF0123456789ABCDEF0123456789"_s, QString(129, u'a')}) {
        const auto r = anonymous.get(u"/v1/health?nonce="_s + nonce);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.body.object().value(u"error"_s).toObject().value(u"details"_s).toObject().value(u"field"_s).toString(),
                 u"nonce"_s);
    }
    const auto plain = anonymous.get(u"/v1/health"_s);
    QCOMPARE(plain.status, 200);
    QVERIFY(!plain.body.object().contains(u"proof"_s));

    // The proof is HMAC-SHA256 keyed with the admin token, computed here independently.
    const QByteArray nonce = QByteArray(32, '\x5a').toHex();
    const auto proven = anonymous.get(u"/v1/health?nonce="_s + QString::fromLatin1(nonce));
    QCOMPARE(proven.status, 200);
    const QByteArray expected = QMessageAuthenticationCode::hash(nonce, server.token(), QCryptographicHash::Sha256).toHex();
    QVERIFY(!server.token().isEmpty());
    QCOMPARE(proven.body.object().value(u"proof"_s).toString().toLatin1(), expected);
}

void TestPlaneInstance::secondConsoleRaisesTheFirst()
{
    QTemporaryDir data;
    QTemporaryDir home;  // settings and the per-user runtime dir, away from the operator's
    QVERIFY(data.isValid());
    QVERIFY(home.isValid());
    QProcessEnvironment env = childEnvironment(data.path());
    env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    env.insert(u"XDG_CONFIG_HOME"_s, home.filePath(u"config"_s));
    env.insert(u"XDG_RUNTIME_DIR"_s, home.path());

    QProcess first;
    first.setProcessEnvironment(env);
    first.start(binary(), {});
    QByteArray firstOut;
    QVERIFY2(QTest::qWaitFor([&] {
        firstOut += first.readAllStandardOutput();
        return firstOut.contains("signing_key=") || first.state() == QProcess::NotRunning;
    }, kServerStartMs) && firstOut.contains("signing_key="),
             QByteArray(firstOut + first.readAllStandardError()).constData());

    QProcess second;
    second.setProcessEnvironment(env);
    QSignalSpy secondFinished(&second, &QProcess::finished);
    second.start(binary(), {});
    QVERIFY2(secondFinished.wait(kRefusalMs), "a second console on the same data dir must exit at once");
    QCOMPARE(second.exitStatus(), QProcess::NormalExit);
    const QByteArray secondOut = second.readAllStandardOutput();
    QVERIFY2(second.exitCode() == 0, QByteArray(secondOut + second.readAllStandardError()).constData());
    QVERIFY2(secondOut.contains("raised its window"), secondOut.constData());
    QVERIFY2(!secondOut.contains("api="), "the second console must not start a control plane");

    QVERIFY2(QTest::qWaitFor([&] {
        firstOut += first.readAllStandardOutput();
        return firstOut.contains("raise=requested");
    }, kCtlMs), firstOut.constData());
    QCOMPARE(first.state(), QProcess::Running);
    first.kill();
    QVERIFY(first.waitForFinished(kShutdownMs));
}

QTEST_GUILESS_MAIN(TestPlaneInstance)
#include "test_planeinstance.moc"
