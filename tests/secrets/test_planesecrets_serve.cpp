// The shared plane's secrets through the real binary: `servedeck plane-key new FILE`, and two
// `servedeck serve --database postgresql://... --plane-key-file FILE` children on one PostgreSQL
// server that accept each other's tokens and present one agent certificate. The key never shows
// in their output or environment.
#include <QFile>
#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <QTest>

#include "agent/joinstring.h"
#include "auth/planekey.h"
#include "support/postgresserver.h"
#include "support/predictstatus.h"
#include "support/servechild.h"
#include "support/testfiles.h"

using namespace ServeDeck;
using namespace ServeChildSupport;
using namespace Qt::StringLiterals;
using namespace TestFiles;

namespace {

constexpr int kCtlMs = 20000;

// A key=value line serve printed after the first ones ServeChild waits for: what it read
// already, or the lines that follow (bounded).
QString printed(ServeChild &child, const QString &key, QStringList &later)
{
    if (const QString value = child.value(key); !value.isEmpty())
        return value;
    const auto find = [&] {
        for (const QString &line : std::as_const(later)) {
            if (line.startsWith(key + u'='))
                return line.mid(key.size() + 1);
        }
        return QString();
    };
    // Whether the line came is what find() says below.
    [[maybe_unused]] const bool done = QTest::qWaitFor([&] {
        while (child.process().canReadLine())
            later << QString::fromUtf8(child.process().readLine()).trimmed();
        return !find().isEmpty() || child.process().state() == QProcess::NotRunning;
    }, kServerStartMs);
    return find();
}

} // namespace

class TestPlaneSecretsServe final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void planeKeyNewWritesAPrivateFileOnce();
    void serveOnPostgresWantsAPlaneKeyFile();
    void twoServeProcessesShareTokensAndCertificate();

private:
    int proxyStatus(const QString &proxy, const QByteArray &token);

    PostgresServer m_pg;
    QTemporaryDir m_dir;
    QNetworkAccessManager m_network;
};

void TestPlaneSecretsServe::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFileInfo(binary()).isExecutable(), qPrintable(binary()));
    QString error;
    QVERIFY2(m_pg.start(&error), qPrintable(error));
}

void TestPlaneSecretsServe::cleanupTestCase()
{
    m_pg.stop();
}

int TestPlaneSecretsServe::proxyStatus(const QString &proxy, const QByteArray &token)
{
    return predictStatus(m_network, proxy, token, kCtlMs);
}

void TestPlaneSecretsServe::planeKeyNewWritesAPrivateFileOnce()
{
    const QString file = m_dir.filePath(u"keys/new.key"_s);
    const QProcessEnvironment env = childEnvironment(m_dir.filePath(u"unused"_s));
    const CtlResult made = runServedeck({u"plane-key"_s, u"new"_s, file}, env, kCtlMs, true);
    QVERIFY2(made.exitCode == 0, made.describe());
    QCOMPARE(made.out.trimmed(), u"plane_key_file="_s + file);
    QCOMPARE(modeOf(file), mode_t(0600));
    auto key = PlaneKey::load(file);
    QVERIFY2(key, qPrintable(key ? QString() : key.error().message));
    const QString hex = QString::fromLatin1(key->toHex());
    QVERIFY(!made.out.contains(hex) && !made.err.contains(hex));

    // Never replaced.
    const CtlResult again = runServedeck({u"plane-key"_s, u"new"_s, file}, env, kCtlMs, true);
    QCOMPARE(again.exitCode, 1);
    QCOMPARE(contentOf(file), key->toHex() + '\n');
    // Usage errors.
    for (const QStringList &bad : {QStringList{u"plane-key"_s}, QStringList{u"plane-key"_s, u"old"_s, file},
                                   QStringList{u"plane-key"_s, u"new"_s}, QStringList{u"plane-key"_s, u"new"_s, file, file}}) {
        const CtlResult refused = runServedeck(bad, env, kCtlMs, true);
        QVERIFY2(refused.exitCode == 2, refused.describe());
    }
}

void TestPlaneSecretsServe::serveOnPostgresWantsAPlaneKeyFile()
{
    QString error;
    const QString url = m_pg.url(m_pg.createUniqueDatabase(&error));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTemporaryDir data;
    // Neither the option nor the environment names a key file.
    QProcessEnvironment env = childEnvironment(data.path());
    env.remove(u"SERVEDECK_PLANE_KEY_FILE"_s);
    const CtlResult refused = runServedeck({u"serve"_s, u"--data-dir"_s, data.path(), u"--api"_s, u"127.0.0.1:0"_s,
                                            u"--proxy"_s, u"127.0.0.1:0"_s, u"--database"_s, url},
                                           env, kServerStartMs, true);
    QVERIFY2(refused.finished && refused.exitCode == 1, refused.describe());
    QVERIFY2(refused.err.contains(u"--plane-key-file"_s), refused.describe());

    // SERVEDECK_PLANE_KEY_FILE names one: the same as --plane-key-file.
    const QString keyFile = m_dir.filePath(u"by-env.key"_s);
    QVERIFY(PlaneKey::create(keyFile));
    env.insert(u"SERVEDECK_PLANE_KEY_FILE"_s, keyFile);
    ServeChild byEnv(data.path(), u"cpu=8,memory=16G"_s, {u"--database"_s, url});
    // ServeChild's own environment names the suite's key: start this one by hand with env above.
    QProcess serve;
    serve.setProcessEnvironment(env);
    serve.start(binary(), {u"serve"_s, u"--data-dir"_s, data.path(), u"--api"_s, u"127.0.0.1:0"_s, u"--proxy"_s,
                           u"127.0.0.1:0"_s, u"--database"_s, url});
    QVERIFY(serve.waitForStarted(kServerStartMs));
    QStringList lines;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            while (serve.canReadLine())
                lines << QString::fromUtf8(serve.readLine()).trimmed();
            return lines.contains(u"signing_key=database"_s) || serve.state() == QProcess::NotRunning;
        }(),
        kServerStartMs);
    QVERIFY2(lines.contains(u"signing_key=database"_s), qPrintable(lines.join(u" | "_s) + QString::fromUtf8(serve.readAllStandardError())));
    serve.terminate();
    QVERIFY(serve.waitForFinished(kShutdownMs));
    // Its key sealed the secrets: the suite's own key (ServeChild's) does not open them.
    QVERIFY2(!byEnv.start(&error), "a serve child with another plane key started");
}

void TestPlaneSecretsServe::twoServeProcessesShareTokensAndCertificate()
{
    QString error;
    const QString url = m_pg.url(m_pg.createUniqueDatabase(&error));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QString keyFile = m_dir.filePath(u"plane.key"_s);
    auto key = PlaneKey::create(keyFile);
    QVERIFY(key);
    const QByteArray hex = key->toHex();
    const QStringList shared{u"--database"_s, url, u"--plane-key-file"_s, keyFile, u"--agents"_s, u"127.0.0.1:0"_s,
                             u"--signing-key-file"_s};
    QTemporaryDir dataA;
    QTemporaryDir dataB;
    QTemporaryDir ctlData;

    ServeChild a(dataA.path(), u"cpu=8,memory=16G"_s, shared);
    QVERIFY2(a.start(&error), qPrintable(error));
    // A private endpoint and a token for it, through A's API.
    const CtlResult created = a.ctl(createIrisArguments(), ctlData.path(), kCtlMs);
    QVERIFY2(created.exitCode == 0, created.describe());
    const QString tokenFile = ctlData.filePath(u"iris.token"_s);
    const CtlResult issued = a.ctl({u"token"_s, u"iris"_s, u"--out"_s, tokenFile}, ctlData.path(), kCtlMs);
    QVERIFY2(issued.exitCode == 0, issued.describe());
    const QByteArray token = contentOf(tokenFile).trimmed();
    QVERIFY(!token.isEmpty());

    ServeChild b(dataB.path(), u"cpu=8,memory=16G"_s, shared);
    QVERIFY2(b.start(&error), qPrintable(error));

    // Both say where the key is: the database. Their join strings pin one certificate.
    QStringList laterA;
    QStringList laterB;
    QCOMPARE(printed(a, u"signing_key"_s, laterA), u"database"_s);
    QCOMPARE(printed(b, u"signing_key"_s, laterB), u"database"_s);
    const QString joinTextA = printed(a, u"agent_join"_s, laterA);
    const QString joinTextB = printed(b, u"agent_join"_s, laterB);
    auto joinA = JoinString::parse(joinTextA);
    auto joinB = JoinString::parse(joinTextB);
    QVERIFY2(joinA && joinB, qPrintable(joinTextA + u" / "_s + joinTextB));
    QCOMPARE(joinB->sha256(), joinA->sha256());

    // B's proxy takes A's token (past the token check: no replica answers here, so not 2xx
    // necessarily, but never 401), and refuses none or a forged one.
    QCOMPARE(proxyStatus(b.proxy(), {}), 401);
    QByteArray forged = token;
    forged[forged.size() - 2] = forged.at(forged.size() - 2) == 'A' ? 'B' : 'A';
    QCOMPARE(proxyStatus(b.proxy(), forged), 401);
    const int status = proxyStatus(b.proxy(), token);
    QVERIFY2(status != 401 && status != 403 && status != 0, qPrintable(QString::number(status)));

    // The key is in its file only: not in what the children printed, nor in their environment.
    for (ServeChild *child : {&a, &b}) {
        QVERIFY(!child->firstLines().join(u'\n').toLatin1().contains(hex));
        QVERIFY(!(laterA + laterB).join(u'\n').toLatin1().contains(hex));
        const QByteArray environ = contentOf(u"/proc/%1/environ"_s.arg(child->process().processId()));
        QVERIFY(!environ.isEmpty());
        QVERIFY(!environ.contains(hex));
    }
    a.stop();
    b.stop();
    for (ServeChild *child : {&a, &b}) {
        const QByteArray rest = child->process().readAllStandardOutput() + child->process().readAllStandardError();
        QVERIFY(!rest.contains(hex));
    }
}

QTEST_GUILESS_MAIN(TestPlaneSecretsServe)
#include "test_planesecrets_serve.moc"
