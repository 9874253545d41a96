#include <chrono>

#include <sys/stat.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "agent/agentcertificate.h"
#include "agent/joinstring.h"
#include "plane/controlplane.h"
#include "plane/agenttlskeystore.h"
#include "support/privatekeyring.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

// Not the product's service name: nothing here may touch a real "ServeDeck" entry.
const QString kService = u"ServeDeckTest"_s;
const QStringList kHosts{u"127.0.0.1"_s};
const QString kCertificate = u"agent-tls.crt"_s;
const QString kKey = u"agent-tls.key"_s;
const QString kMarker = u"agent-tls.key.in-keychain"_s;

QStringList filesIn(const QString &dir)
{
    QStringList names = QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::System);
    names.sort();
    return names;
}

int modeOf(const QString &path)
{
    struct stat info {};
    return ::stat(QFile::encodeName(path).constData(), &info) == 0 ? int(info.st_mode & 07777) : -1;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QString sha256Hex(const AgentCertificate &certificate)
{
    return QString::fromLatin1(certificate.sha256().toHex());
}

} // namespace

// The agent channel's TLS private key in the keychain where one answers, else its 0600 file;
// never a second key when the keychain that holds it fails. Real QtKeychain against a private
// gnome-keyring on a private bus (tests/support/privatekeyring.h).
class TestAgentTlsKeyStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_keyring.isolate()); }
    void cleanupTestCase() { m_keyring.restore(); }
    // Any warning a test does not expect (QTest::ignoreMessage) fails it.
    void init() { QTest::failOnWarning(QRegularExpression(u".*"_s)); }

    // What the keychain gives back is input like any other: a key that is none, or too large,
    // is refused before anything is written.
    void refusesAKeyThatIsNone_data()
    {
        QTest::addColumn<QByteArray>("pem");
        QTest::addColumn<QString>("problem");
        QTest::newRow("empty") << QByteArray() << u"holds no PEM private key"_s;
        QTest::newRow("not PEM") << QByteArray("not a key\n") << u"holds no PEM private key"_s;
        QTest::newRow("a certificate") << QByteArray("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
                                       << u"holds no PEM private key"_s;
        QTest::newRow("too large") << QByteArray(64 * 1024 + 1, 'A') << u"larger than 65536 bytes"_s;
    }

    void refusesAKeyThatIsNone()
    {
        QFETCH(QByteArray, pem);
        QFETCH(QString, problem);
        QCOMPARE(AgentCertificate::keyPemProblem(pem), problem);
        QTemporaryDir data;
        QVERIFY(data.isValid());
        const auto refused = AgentCertificate::loadOrCreate(data.path(), kHosts, pem);
        QVERIFY(!refused);
        QCOMPARE(refused.error().type, ErrorType::InvalidArgument);
        QCOMPARE(refused.error().message, u"agent TLS private key: "_s + problem);
        QCOMPARE(filesIn(data.path()), QStringList());

        const auto made = AgentCertificate::newKeyPem();
        QVERIFY(made);
        QCOMPARE(AgentCertificate::keyPemProblem(*made), QString());
    }

    // Without a keychain first: QtKeychain keeps the first session bus it connects to.
    void fallsBackToTheKeyFileWithoutKeychain()
    {
        QTemporaryDir data;
        QVERIFY(data.isValid());
        const QString keyFile = AgentCertificate::keyPath(data.path());
        const QRegularExpression unreachable(u"^agent TLS key: the OS keychain is unreachable \\(QtKeychain error .*\\); "
                                             u"using the key file "_s
                                             + QRegularExpression::escape(keyFile) + u" \\(mode 0600\\) instead$"_s);

        QTest::ignoreMessage(QtWarningMsg, unreachable);
        auto backend = AgentTlsKeyStore::Backend::Keychain;
        const auto first = AgentTlsKeyStore::loadOrCreate(data.path(), kHosts, kService, &backend);
        QVERIFY2(first, first ? "" : qPrintable(first.error().message));
        QCOMPARE(backend, AgentTlsKeyStore::Backend::File);
        QCOMPARE(modeOf(keyFile), 0600);
        QVERIFY(readAll(keyFile).startsWith("-----BEGIN PRIVATE KEY-----"));

        // One warning per start, and the same certificate again.
        QTest::ignoreMessage(QtWarningMsg, unreachable);
        backend = AgentTlsKeyStore::Backend::Keychain;
        const auto second = AgentTlsKeyStore::loadOrCreate(data.path(), kHosts, kService, &backend);
        QVERIFY2(second, second ? "" : qPrintable(second.error().message));
        QCOMPARE(backend, AgentTlsKeyStore::Backend::File);
        QCOMPARE(sha256Hex(*second), sha256Hex(*first));
        QCOMPARE(filesIn(data.path()), (QStringList{kCertificate, kKey}));
    }

    // The marker says the keychain holds the key, the keychain fails and there is no key file:
    // no second key (every joined agent pins the first one's certificate), unless told to use the file.
    void refusesWhenTheKeychainHeldTheKey()
    {
        QTemporaryDir data;
        QVERIFY(data.isValid());
        {
            QFile marker(AgentTlsKeyStore::keychainMarkerPath(data.path()));
            QVERIFY(marker.open(QIODevice::WriteOnly));
            QVERIFY(marker.write("service=ServeDeckTest\n") > 0);
        }
        const auto refused = AgentTlsKeyStore::loadOrCreate(data.path(), kHosts, kService, nullptr, 500ms);
        QVERIFY(!refused);
        QCOMPARE(refused.error().type, ErrorType::StorageError);
        const QString message = refused.error().message;
        QVERIFY2(message.startsWith(u"agent TLS key: the OS keychain holds this data dir's key"_s), qPrintable(message));
        QVERIFY2(message.contains(u"Not starting with a second key"_s), qPrintable(message));
        QVERIFY2(message.contains(u"--signing-key-file"_s), qPrintable(message));
        QVERIFY2(message.contains(AgentTlsKeyStore::keychainEntry(data.path())), qPrintable(message));
        QCOMPARE(filesIn(data.path()), QStringList{kMarker});  // no key, no certificate

        // Told to use the file: a key file at 0600, whatever the keychain says.
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"^agent TLS key: told to use the key file "_s));
        auto backend = AgentTlsKeyStore::Backend::Keychain;
        const auto fromFile = AgentTlsKeyStore::loadOrCreate(data.path(), kHosts, kService, &backend, 500ms,
                                                             AgentTlsKeyStore::Source::FileOnly);
        QVERIFY2(fromFile, fromFile ? "" : qPrintable(fromFile.error().message));
        QCOMPARE(backend, AgentTlsKeyStore::Backend::File);
        QCOMPARE(modeOf(AgentCertificate::keyPath(data.path())), 0600);
    }

    void keepsTheKeyInTheKeychain()
    {
        REQUIRE_PRIVATE_KEYRING(m_keyring);
        QTemporaryDir data;
        QVERIFY(data.isValid());
        const QString entry = AgentTlsKeyStore::keychainEntry(data.path());
        QVERIFY2(entry.startsWith(u"agent-tls-key:/"_s), qPrintable(entry));
        QCOMPARE(m_keyring.itemsFor(kService, entry), 0);

        auto backend = AgentTlsKeyStore::Backend::File;
        const auto first = AgentTlsKeyStore::loadOrCreate(data.path(), kHosts, kService, &backend);
        QVERIFY2(first, first ? "" : qPrintable(first.error().message));
        QCOMPARE(backend, AgentTlsKeyStore::Backend::Keychain);
        // The certificate on disk, the key not: only the marker says where it is.
        QCOMPARE(filesIn(data.path()), (QStringList{kCertificate, kMarker}));
        QVERIFY(!readAll(AgentCertificate::certificatePath(data.path())).contains("PRIVATE KEY"));
        QVERIFY(!readAll(AgentTlsKeyStore::keychainMarkerPath(data.path())).contains("PRIVATE KEY"));
        QCOMPARE(m_keyring.itemsFor(kService, entry), 1);
        QVERIFY(!first->serverConfiguration().privateKey().isNull());

        // A restart: the same certificate, so what agents pinned stays true.
        backend = AgentTlsKeyStore::Backend::File;
        const auto second = AgentTlsKeyStore::loadOrCreate(data.path(), kHosts, kService, &backend);
        QVERIFY2(second, second ? "" : qPrintable(second.error().message));
        QCOMPARE(backend, AgentTlsKeyStore::Backend::Keychain);
        QCOMPARE(sha256Hex(*second), sha256Hex(*first));
        QCOMPARE(second->serverConfiguration().privateKey(), first->serverConfiguration().privateKey());
        QCOMPARE(filesIn(data.path()), (QStringList{kCertificate, kMarker}));

        // A certificate lost meanwhile is made again from the keychain's key.
        QVERIFY(QFile::remove(AgentCertificate::certificatePath(data.path())));
        const auto third = AgentTlsKeyStore::loadOrCreate(data.path(), kHosts, kService);
        QVERIFY2(third, third ? "" : qPrintable(third.error().message));
        QCOMPARE(third->certificate().publicKey(), first->certificate().publicKey());
    }

    // An older install's key file moves into the keychain; the certificate, and so its
    // fingerprint, stays.
    void movesTheKeyFileOfAnOlderInstall()
    {
        REQUIRE_PRIVATE_KEYRING(m_keyring);
        QTemporaryDir data;
        QVERIFY(data.isValid());
        const auto older = AgentCertificate::loadOrCreate(data.path(), kHosts);
        QVERIFY2(older, older ? "" : qPrintable(older.error().message));
        const QString keyFile = AgentCertificate::keyPath(data.path());
        QVERIFY(QFileInfo::exists(keyFile));

        auto backend = AgentTlsKeyStore::Backend::File;
        const auto moved = AgentTlsKeyStore::loadOrCreate(data.path(), kHosts, kService, &backend);
        QVERIFY2(moved, moved ? "" : qPrintable(moved.error().message));
        QCOMPARE(backend, AgentTlsKeyStore::Backend::Keychain);
        QCOMPARE(sha256Hex(*moved), sha256Hex(*older));
        QVERIFY(!QFileInfo::exists(keyFile));
        QCOMPARE(filesIn(data.path()), (QStringList{kCertificate, kMarker}));
        QCOMPARE(m_keyring.itemsFor(kService, AgentTlsKeyStore::keychainEntry(data.path())), 1);

        backend = AgentTlsKeyStore::Backend::File;
        const auto later = AgentTlsKeyStore::loadOrCreate(data.path(), kHosts, kService, &backend);
        QVERIFY2(later, later ? "" : qPrintable(later.error().message));
        QCOMPARE(backend, AgentTlsKeyStore::Backend::Keychain);
        QCOMPARE(sha256Hex(*later), sha256Hex(*older));
        QVERIFY(!QFileInfo::exists(keyFile));
    }

    // The plane that listens for agents keeps the key there too, and pins the same certificate
    // after a restart; told to use the files, it uses agent-tls.key.
    void thePlaneKeepsTheKeyInTheKeychain()
    {
        REQUIRE_PRIVATE_KEYRING(m_keyring);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString dataDir = dir.filePath(u"data"_s);
        const auto startPlane = [&dataDir](bool keysFromFiles) -> Result<QByteArray> {
            ControlPlaneOptions options;
            options.dataDir = dataDir;
            options.serveApi = false;
            options.capacity = u"cpu=4,memory=8G"_s;
            options.listenForAgents = true;
            options.runLocalAgent = false;
            options.signingKeyFromFile = keysFromFiles;
            ControlPlane plane;
            if (auto started = plane.start(options); !started)
                return started.error();
            auto join = JoinString::parse(plane.agentJoinString());
            if (!join)
                return join.error();
            return join->sha256();
        };

        const auto first = startPlane(false);
        QVERIFY2(first, first ? "" : qPrintable(first.error().message));
        QVERIFY(!QFileInfo::exists(AgentCertificate::keyPath(dataDir)));
        QVERIFY(QFileInfo::exists(AgentTlsKeyStore::keychainMarkerPath(dataDir)));
        QCOMPARE(m_keyring.itemsFor(u"ServeDeck"_s, AgentTlsKeyStore::keychainEntry(dataDir)), 1);
        const auto second = startPlane(false);
        QVERIFY2(second, second ? "" : qPrintable(second.error().message));
        QCOMPARE(second->toHex(), first->toHex());

        // --signing-key-file: a new agent-tls.key (0600), so a new certificate is needed too.
        QVERIFY(QFile::remove(AgentCertificate::certificatePath(dataDir)));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"^signing key: told to use the key file "_s));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"^agent TLS key: told to use the key file "_s));
        const auto fromFiles = startPlane(true);
        QVERIFY2(fromFiles, fromFiles ? "" : qPrintable(fromFiles.error().message));
        QCOMPARE(modeOf(AgentCertificate::keyPath(dataDir)), 0600);
        QVERIFY(fromFiles->toHex() != first->toHex());
    }

    // Last: it stops the private keyring.
    void refusesWhenTheKeychainThatHoldsTheKeyStops()
    {
        REQUIRE_PRIVATE_KEYRING(m_keyring);
        QTemporaryDir data;
        QVERIFY(data.isValid());
        auto backend = AgentTlsKeyStore::Backend::File;
        const auto stored = AgentTlsKeyStore::loadOrCreate(data.path(), kHosts, kService, &backend);
        QVERIFY2(stored, stored ? "" : qPrintable(stored.error().message));
        QCOMPARE(backend, AgentTlsKeyStore::Backend::Keychain);

        // The keyring goes away (crashed, locked session): an error or no answer, never a new key.
        m_keyring.stopKeyring();
        const auto refused = AgentTlsKeyStore::loadOrCreate(data.path(), kHosts, kService, &backend, 2000ms);
        QVERIFY2(!refused, "a start whose keychain holds the key but fails must not make another key");
        QVERIFY2(refused.error().message.contains(u"Not starting with a second key"_s),
                 qPrintable(refused.error().message));
        QCOMPARE(filesIn(data.path()), (QStringList{kCertificate, kMarker}));
    }

private:
    PrivateKeyring m_keyring;
};

QTEST_GUILESS_MAIN(TestAgentTlsKeyStore)
#include "test_agenttlskeystore.moc"
