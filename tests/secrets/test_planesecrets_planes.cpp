// Two consoles of one shared plane on a real PostgreSQL server: they present the same agent
// certificate and accept each other's tokens, because both open the secrets the first one sealed
// under the plane key. Without a key file, or with another key, a console does not start and
// nothing stored changes. Consoles that start at once on an empty plane end with the same secrets.
#include <latch>
#include <thread>
#include <vector>

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUuid>

#include "agent/joinstring.h"
#include "auth/planekey.h"
#include "plane/controlplane.h"
#include "plane/planesecrets.h"
#include "service/modelservingservice.h"
#include "store/repository.h"
#include "store/storelocation.h"
#include "support/postgresserver.h"
#include "support/predictstatus.h"
#include "support/testplane.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr int kWaitMs = 15000;

// name -> nonce + ciphertext of every stored secret, read on a connection of the test's own.
QHash<QString, QByteArray> storedSecrets(const QString &url)
{
    QHash<QString, QByteArray> out;
    const QString name = u"side-"_s + QUuid::createUuid().toString(QUuid::WithoutBraces);
    {
        auto location = StoreLocation::parse(url);
        if (!location || !location->openConnection(name))
            qFatal("no side connection to %s", qPrintable(url));
        QSqlQuery q(QSqlDatabase::database(name, false));
        if (!q.exec(u"SELECT name, nonce, ciphertext FROM plane_secrets"_s))
            qFatal("side query failed");
        while (q.next())
            out.insert(q.value(0).toString(), q.value(1).toByteArray() + q.value(2).toByteArray());
    }
    QSqlDatabase::removeDatabase(name);
    return out;
}

// The SHA-256 of the certificate a TLS server at host:port presents; empty when none came.
QByteArray presentedCertificate(const QString &hostPort)
{
    const qsizetype colon = hostPort.lastIndexOf(u':');
    QSslSocket socket;
    socket.setPeerVerifyMode(QSslSocket::VerifyNone);
    // The server runs on this thread: wait in an event loop (bounded), never in waitForEncrypted().
    QEventLoop loop;
    QObject::connect(&socket, &QSslSocket::encrypted, &loop, &QEventLoop::quit);
    QObject::connect(&socket, &QSslSocket::errorOccurred, &loop, &QEventLoop::quit);
    QTimer::singleShot(kWaitMs, &loop, &QEventLoop::quit);
    socket.connectToHostEncrypted(hostPort.left(colon), quint16(hostPort.mid(colon + 1).toUInt()));
    loop.exec();
    if (!socket.isEncrypted())
        return {};
    return socket.peerCertificate().digest(QCryptographicHash::Sha256);
}

} // namespace

class TestPlaneSecretsPlanes final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void aPlaneKeyFileIsRequired();
    void twoConsolesShareTheSigningKeyAndCertificate();
    void wrongKeyIsRefusedAndNothingIsOverwritten();
    void consolesStartingAtOnceEndWithTheSameSecrets();

private:
    ControlPlaneOptions options(const QString &dataDir, const QString &url, const QString &keyFile) const;
    QString startConsole(std::unique_ptr<ControlPlane> &plane, const QTemporaryDir &data, const QString &url);
    int proxyStatus(const ControlPlane &plane, const QByteArray &token);

    PostgresServer m_pg;
    QTemporaryDir m_dir;
    QString m_keyFile;
    QString m_otherKeyFile;
    QNetworkAccessManager m_network;
};

void TestPlaneSecretsPlanes::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    QString error;
    QVERIFY2(m_pg.start(&error), qPrintable(error));
    m_keyFile = m_dir.filePath(u"plane.key"_s);
    m_otherKeyFile = m_dir.filePath(u"other.key"_s);
    QVERIFY(PlaneKey::create(m_keyFile));
    QVERIFY(PlaneKey::create(m_otherKeyFile));
}

void TestPlaneSecretsPlanes::cleanupTestCase()
{
    m_pg.stop();
}

ControlPlaneOptions TestPlaneSecretsPlanes::options(const QString &dataDir, const QString &url, const QString &keyFile) const
{
    ControlPlaneOptions o = TestPlane::options(dataDir);
    o.database = url;
    o.planeKeyFile = keyFile;
    o.signingKeyFromFile = true;  // never the test machine's keychain (SQLite's path; unused here)
    o.runLocalAgent = false;      // nothing runs replicas: the requests below end at the proxy
    o.autoscaleIntervalMs = 0;
    o.listenForAgents = true;     // over TLS with the plane's certificate
    return o;
}

// A console on url under the suite's plane key; empty, or why it did not start.
QString TestPlaneSecretsPlanes::startConsole(std::unique_ptr<ControlPlane> &plane, const QTemporaryDir &data,
                                             const QString &url)
{
    return TestPlane::start(plane, options(data.path(), url, m_keyFile));
}

// The status of a request to plane's proxy with token (none: no Authorization header).
int TestPlaneSecretsPlanes::proxyStatus(const ControlPlane &plane, const QByteArray &token)
{
    return predictStatus(m_network, plane.proxyAddress(), token, kWaitMs);
}

void TestPlaneSecretsPlanes::aPlaneKeyFileIsRequired()
{
    QTemporaryDir data;
    const QString url = m_pg.uniqueDatabaseUrl();
    ControlPlane plane;
    auto started = plane.start(options(data.path(), url, QString()));
    QVERIFY(!started);
    QCOMPARE(started.error().type, ErrorType::InvalidArgument);
    QVERIFY2(started.error().message.contains(u"--plane-key-file"_s), qPrintable(started.error().message));
    QVERIFY(storedSecrets(url).isEmpty());

    QTemporaryDir otherData;  // the refused plane above still holds its data dir's lock
    ControlPlane missing;
    auto noFile = missing.start(options(otherData.path(), url, m_dir.filePath(u"absent.key"_s)));
    QVERIFY(!noFile);
    QCOMPARE(noFile.error().type, ErrorType::NotFound);
    QVERIFY(storedSecrets(url).isEmpty());
}

void TestPlaneSecretsPlanes::twoConsolesShareTheSigningKeyAndCertificate()
{
    QTemporaryDir dataA;
    QTemporaryDir dataB;
    const QString url = m_pg.uniqueDatabaseUrl();
    std::unique_ptr<ControlPlane> a;
    QString error = startConsole(a, dataA, url);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(a->signingKeyBackend(), u"database"_s);
    // A private endpoint and a token for it, both through console A.
    auto endpoint = a->service().createEndpoint(TestPlane::irisRequest(u"iris"_s, 1));
    QVERIFY2(endpoint, qPrintable(endpoint ? QString() : endpoint.error().message));
    auto token = a->service().generateToken(u"iris"_s, TokenRequest{});
    QVERIFY2(token, qPrintable(token ? QString() : token.error().message));

    std::unique_ptr<ControlPlane> b;
    error = startConsole(b, dataB, url);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    // B's proxy checks tokens: none is 401, one with a changed signature is 401, A's passes the
    // check (no replica runs, so it ends at 503, not at the token).
    QCOMPARE(proxyStatus(*b, {}), 401);
    QByteArray forged = token->token;
    forged[forged.size() - 2] = forged.at(forged.size() - 2) == 'A' ? 'B' : 'A';
    QCOMPARE(proxyStatus(*b, forged), 401);
    const int status = proxyStatus(*b, token->token);
    QVERIFY2(status != 401 && status != 403 && status != 0, qPrintable(QString::number(status)));
    QCOMPARE(proxyStatus(*a, token->token), status);

    // An agent pinned to A's certificate (A's join string) finds the same certificate at B.
    auto joinA = JoinString::parse(a->agentJoinString());
    QVERIFY2(joinA, qPrintable(a->agentJoinString()));
    auto joinB = JoinString::parse(b->agentJoinString());
    QVERIFY(joinB);
    QCOMPARE(joinB->sha256(), joinA->sha256());
    QCOMPARE(presentedCertificate(b->agentsAddress()), joinA->sha256());
    QCOMPARE(presentedCertificate(a->agentsAddress()), joinA->sha256());

    // No secret went to the data dirs: neither console wrote key files there.
    for (const QTemporaryDir *dir : {&dataA, &dataB}) {
        for (const QString &name : {u"signing.key"_s, u"agent-tls.key"_s, u"agent-tls.crt"_s, u"agent.token"_s})
            QVERIFY2(!QFile::exists(dir->filePath(name)), qPrintable(name));
    }
    QCOMPARE(storedSecrets(url).size(), 3);  // the signing key, the agent TLS identity, the agent join token
}

void TestPlaneSecretsPlanes::wrongKeyIsRefusedAndNothingIsOverwritten()
{
    QTemporaryDir dataA;
    QTemporaryDir dataB;
    const QString url = m_pg.uniqueDatabaseUrl();
    std::unique_ptr<ControlPlane> a;
    QString error = startConsole(a, dataA, url);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const auto before = storedSecrets(url);
    QCOMPARE(before.size(), 3);

    ControlPlane b;
    auto started = b.start(options(dataB.path(), url, m_otherKeyFile));
    QVERIFY(!started);
    QCOMPARE(started.error().type, ErrorType::Unauthorized);
    QVERIFY2(started.error().message.contains(u"the plane key does not open the plane's secrets"_s),
             qPrintable(started.error().message));
    QCOMPARE(storedSecrets(url), before);
}

void TestPlaneSecretsPlanes::consolesStartingAtOnceEndWithTheSameSecrets()
{
    constexpr int kRounds = 4;
    constexpr int kConsoles = 4;
    auto key = PlaneKey::load(m_keyFile);
    QVERIFY(key);
    for (int round = 0; round < kRounds; ++round) {
        const QString url = m_pg.uniqueDatabaseUrl();
        auto location = StoreLocation::parse(url);
        QVERIFY(location);
        // Each thread a console of its own (its own connection), released together.
        std::latch ready(kConsoles);
        std::vector<QByteArray> signingKeys(kConsoles);
        std::vector<QByteArray> certificates(kConsoles);
        std::vector<QString> errors(kConsoles);
        std::vector<std::thread> threads;
        for (int i = 0; i < kConsoles; ++i) {
            threads.emplace_back([&, i] {
                Repository repository;
                auto opened = repository.open(*location);
                ready.arrive_and_wait();
                if (!opened) {
                    errors[i] = opened.error().message;
                    return;
                }
                auto secrets = PlaneSecrets::open(repository, *key, u"console-%1"_s.arg(i));
                if (!secrets) {
                    errors[i] = secrets.error().message;
                    return;
                }
                auto certificate = secrets->agentCertificate({u"127.0.0.1"_s});
                if (!certificate) {
                    errors[i] = certificate.error().message;
                    return;
                }
                signingKeys[i] = secrets->signingKey();
                certificates[i] = certificate->sha256();
            });
        }
        for (std::thread &t : threads)
            t.join();
        for (int i = 0; i < kConsoles; ++i) {
            QVERIFY2(errors[i].isEmpty(), qPrintable(errors[i]));
            QCOMPARE(signingKeys[i].size(), 32);
            QCOMPARE(signingKeys[i], signingKeys[0]);
            QCOMPARE(certificates[i].size(), 32);
            QCOMPARE(certificates[i], certificates[0]);
        }
        QCOMPARE(storedSecrets(url).size(), 2);
    }
}

QTEST_GUILESS_MAIN(TestPlaneSecretsPlanes)
#include "test_planesecrets_planes.moc"
