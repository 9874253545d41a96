#include <chrono>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLocalServer>
#include <QTemporaryDir>
#include <QTest>

#include "auth/signingkeyfile.h"
#include "auth/signingkeystore.h"
#include "support/privatekeyring.h"

using namespace ServeDeck;
using namespace std::chrono_literals;

namespace {

// Not the product's service name: nothing here may touch a real "ServeDeck" entry.
const QString kService = QStringLiteral("ServeDeckTest");

constexpr QFileDevice::Permissions kAnyModeBit = QFileDevice::ReadOwner | QFileDevice::WriteOwner
    | QFileDevice::ExeOwner | QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup
    | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;

// Collects what is logged while it lives (and still shows it in the test output),
// to check what the store says and that it never says the key.
class LogCapture
{
public:
    LogCapture()
    {
        s_lines.clear();
        s_warnings.clear();
        s_previous = qInstallMessageHandler(&LogCapture::handle);
    }
    ~LogCapture() { qInstallMessageHandler(s_previous); }
    Q_DISABLE_COPY_MOVE(LogCapture)

    QStringList lines() const { return s_lines; }
    QStringList warnings() const { return s_warnings; }

    // Raw, hex and base64 forms of the key must appear in no line.
    bool mentions(const QByteArray &key) const
    {
        const QStringList forms{QString::fromLatin1(key), QString::fromLatin1(key.toHex()),
                                QString::fromLatin1(key.toBase64()),
                                QString::fromLatin1(key.toBase64(QByteArray::Base64UrlEncoding
                                                                 | QByteArray::OmitTrailingEquals))};
        for (const QString &line : s_lines) {
            for (const QString &form : forms) {
                if (line.contains(form))
                    return true;
            }
        }
        return false;
    }

private:
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        s_lines.append(message);
        if (type == QtWarningMsg)
            s_warnings.append(message);
        if (s_previous)
            s_previous(type, context, message);
    }

    static inline QStringList s_lines;
    static inline QStringList s_warnings;
    static inline QtMessageHandler s_previous = nullptr;
};

QByteArray busAddress(const QString &socketPath)
{
    return PrivateKeyring::busAddress(socketPath);
}

const QStringList kMarkerOnly{QStringLiteral("signing.key.in-keychain")};

// What a start that stored the key in the keychain leaves: the marker, naming where the key is.
bool writeMarker(const QString &dataDir)
{
    QFile marker(SigningKeyStore::keychainMarkerPath(dataDir));
    return marker.open(QIODevice::WriteOnly) && marker.write("service=ServeDeckTest\n") > 0;
}

QStringList keyFiles(const QString &dataDir)
{
    return QDir(dataDir).entryList(QDir::Files | QDir::Hidden | QDir::System);
}

} // namespace

class TestSigningKeyStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    // Order matters: QtKeychain (through libsecret and GDBus) keeps the first
    // session bus it connects to for the life of the process, so every test that
    // needs "no secret service" runs before the private keyring starts.
    void entryIsPerDataDir();
    void fallsBackToFileWithoutSecretService_data();
    void fallsBackToFileWithoutSecretService();
    void fallsBackWhenTheBusHangs();
    void refusesWhenTheKeychainHeldTheKey_data();
    void refusesWhenTheKeychainHeldTheKey();
    void keepsKeyInKeychain();
    void migratesKeyFileOfOlderInstall();
    void givesEachDataDirItsOwnKey();
    // Last: it stops the private keyring.
    void refusesWhenTheKeychainThatHoldsTheKeyStops();

private:
    qsizetype keyringItemsFor(const QString &dataDir)
    {
        return m_keyring.itemsFor(kService, SigningKeyStore::keychainEntry(dataDir));
    }

    PrivateKeyring m_keyring;
};

void TestSigningKeyStore::initTestCase()
{
    // Nothing in this test may reach the user's keyring or $HOME.
    QVERIFY(m_keyring.isolate());
}

void TestSigningKeyStore::cleanupTestCase()
{
    m_keyring.restore();
}

void TestSigningKeyStore::entryIsPerDataDir()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString a = dir.filePath(QStringLiteral("a"));
    const QString b = dir.filePath(QStringLiteral("b"));
    QVERIFY(QDir().mkpath(a));
    QVERIFY(QDir().mkpath(b));
    QVERIFY(QFile::link(a, dir.filePath(QStringLiteral("link-to-a"))));

    const QString entryA = SigningKeyStore::keychainEntry(a);
    QVERIFY2(entryA.startsWith(QStringLiteral("signing-key:/")), qPrintable(entryA));
    QVERIFY(entryA != SigningKeyStore::keychainEntry(b));
    // One directory, one entry, whatever path leads to it.
    QCOMPARE(SigningKeyStore::keychainEntry(dir.filePath(QStringLiteral("link-to-a"))), entryA);
    QCOMPARE(SigningKeyStore::keychainEntry(b + QStringLiteral("/../a/")), entryA);
    QCOMPARE(SigningKeyStore::keyFilePath(a), a + QStringLiteral("/signing.key"));
    QCOMPARE(SigningKeyStore::backendName(SigningKeyStore::Backend::Keychain), QStringLiteral("keychain"));
    QCOMPARE(SigningKeyStore::backendName(SigningKeyStore::Backend::File), QStringLiteral("file"));
}

void TestSigningKeyStore::fallsBackToFileWithoutSecretService_data()
{
    QTest::addColumn<QByteArray>("busAddress");
    QTest::newRow("no such socket") << busAddress(m_keyring.runtimePath(QStringLiteral("no-bus")));
    // Unset: GDBus looks for $XDG_RUNTIME_DIR/bus, then tries to autolaunch one (needs $DISPLAY, unset here).
    QTest::newRow("unset") << QByteArray();
}

void TestSigningKeyStore::fallsBackToFileWithoutSecretService()
{
    QFETCH(QByteArray, busAddress);
    if (busAddress.isEmpty())
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    else
        qputenv("DBUS_SESSION_BUS_ADDRESS", busAddress);
    qunsetenv("DISPLAY");
    QTemporaryDir data;
    QVERIFY(data.isValid());
    const QString keyFile = SigningKeyStore::keyFilePath(data.path());

    LogCapture log;
    auto backend = SigningKeyStore::Backend::Keychain;
    QElapsedTimer timer;
    timer.start();
    const Result<QByteArray> first = SigningKeyStore::loadOrCreate(data.path(), kService, &backend);
    const qint64 firstMs = timer.elapsed();
    QVERIFY2(first, first ? "" : qPrintable(first.error().message));
    QCOMPARE(backend, SigningKeyStore::Backend::File);
    QCOMPARE(first->size(), SigningKeyFile::KeySize);
    // An error answer, not a timeout: start-up does not wait for nothing.
    QVERIFY2(firstMs < std::chrono::milliseconds(SigningKeyStore::DefaultTimeout).count(),
             qPrintable(QString::number(firstMs)));

    backend = SigningKeyStore::Backend::Keychain;
    const Result<QByteArray> second = SigningKeyStore::loadOrCreate(data.path(), kService, &backend);
    QVERIFY(second);
    QCOMPARE(backend, SigningKeyStore::Backend::File);
    QCOMPARE(*second, *first);

    const QFileInfo info(keyFile);
    QVERIFY(info.isFile());
    QCOMPARE(info.permissions() & kAnyModeBit, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QCOMPARE(keyFiles(data.path()), QStringList{QStringLiteral("signing.key")});

    // One line per start that says the keychain was unreachable, why, and where the key is.
    const QStringList warnings = log.warnings();
    QCOMPARE(warnings.size(), 2);
    for (const QString &warning : warnings) {
        QVERIFY2(warning.contains(QStringLiteral("keychain is unreachable")), qPrintable(warning));
        QVERIFY2(warning.contains(QStringLiteral("QtKeychain error")), qPrintable(warning));
        QVERIFY2(warning.contains(QDir::toNativeSeparators(keyFile)), qPrintable(warning));
    }
    QVERIFY(!log.mentions(*first));
    qInfo("fallback took %lld ms; the keychain said: %s", firstMs, qUtf8Printable(warnings.constFirst()));
}

void TestSigningKeyStore::fallsBackWhenTheBusHangs()
{
    // A bus that accepts connections and never answers them.
    QLocalServer hungBus;
    QVERIFY(hungBus.listen(m_keyring.runtimePath(QStringLiteral("hung-bus"))));
    qputenv("DBUS_SESSION_BUS_ADDRESS", busAddress(hungBus.fullServerName()));
    QTemporaryDir data;
    QVERIFY(data.isValid());

    LogCapture log;
    auto backend = SigningKeyStore::Backend::Keychain;
    constexpr auto timeout = 500ms;
    QElapsedTimer timer;
    timer.start();
    const Result<QByteArray> key = SigningKeyStore::loadOrCreate(data.path(), kService, &backend, timeout);
    const qint64 elapsedMs = timer.elapsed();
    QVERIFY2(key, key ? "" : qPrintable(key.error().message));
    QCOMPARE(backend, SigningKeyStore::Backend::File);
    QVERIFY2(elapsedMs >= timeout.count() && elapsedMs < timeout.count() + 2000,
             qPrintable(QString::number(elapsedMs)));
    QCOMPARE(log.warnings().size(), 1);
    QVERIFY2(log.warnings().constFirst().contains(QStringLiteral("no answer within 500 ms")),
             qPrintable(log.warnings().constFirst()));

    // Once the hung bus is gone, the abandoned job fails and the keychain is asked again.
    hungBus.close();
    qputenv("DBUS_SESSION_BUS_ADDRESS", busAddress(m_keyring.runtimePath(QStringLiteral("no-bus"))));
    const Result<QByteArray> again = SigningKeyStore::loadOrCreate(data.path(), kService, &backend);
    QVERIFY(again);
    QCOMPARE(*again, *key);
    QCOMPARE(backend, SigningKeyStore::Backend::File);
    QCOMPARE(log.warnings().size(), 2);
    QVERIFY2(log.warnings().constLast().contains(QStringLiteral("QtKeychain error")),
             qPrintable(log.warnings().constLast()));
    QVERIFY(!log.mentions(*key));
}

void TestSigningKeyStore::refusesWhenTheKeychainHeldTheKey_data()
{
    QTest::addColumn<bool>("hangs");
    QTest::newRow("the keychain answers with an error") << false;
    QTest::newRow("the keychain does not answer") << true;
}

// The marker says the keychain holds this data dir's key; the keychain fails now and there is
// no key file: no second key is made, unless the operator says to use the file.
void TestSigningKeyStore::refusesWhenTheKeychainHeldTheKey()
{
    QFETCH(bool, hangs);
    QLocalServer hungBus;
    if (hangs) {
        QVERIFY(hungBus.listen(m_keyring.runtimePath(QStringLiteral("hung-bus-2"))));
        qputenv("DBUS_SESSION_BUS_ADDRESS", busAddress(hungBus.fullServerName()));
    } else {
        qputenv("DBUS_SESSION_BUS_ADDRESS", busAddress(m_keyring.runtimePath(QStringLiteral("no-bus"))));
    }
    QTemporaryDir data;
    QVERIFY(data.isValid());
    QVERIFY(writeMarker(data.path()));

    LogCapture log;
    auto backend = SigningKeyStore::Backend::Keychain;
    const Result<QByteArray> refused = SigningKeyStore::loadOrCreate(data.path(), kService, &backend, 500ms);
    QVERIFY(!refused);
    QCOMPARE(refused.error().type, ErrorType::StorageError);
    const QString message = refused.error().message;
    QVERIFY2(message.contains(QStringLiteral("Not starting with a second key")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("--signing-key-file")), qPrintable(message));
    QVERIFY2(message.contains(hangs ? QStringLiteral("no answer within 500 ms") : QStringLiteral("QtKeychain error")),
             qPrintable(message));
    QCOMPARE(keyFiles(data.path()), kMarkerOnly);  // nothing minted

    // Told to use the file: a key file, whatever the keychain says.
    const Result<QByteArray> fromFile = SigningKeyStore::loadOrCreate(data.path(), kService, &backend, 500ms,
                                                                      SigningKeyStore::Source::FileOnly);
    QVERIFY2(fromFile, fromFile ? "" : qPrintable(fromFile.error().message));
    QCOMPARE(backend, SigningKeyStore::Backend::File);
    QCOMPARE(QFileInfo(SigningKeyStore::keyFilePath(data.path())).permissions() & kAnyModeBit,
             QFileDevice::ReadOwner | QFileDevice::WriteOwner);

    // Now the key exists somewhere: the failing keychain no longer stops a start, the file is used.
    backend = SigningKeyStore::Backend::Keychain;
    const Result<QByteArray> again = SigningKeyStore::loadOrCreate(data.path(), kService, &backend, 500ms);
    QVERIFY2(again, again ? "" : qPrintable(again.error().message));
    QCOMPARE(backend, SigningKeyStore::Backend::File);
    QCOMPARE(*again, *fromFile);
    QVERIFY(!log.mentions(*fromFile));

    if (hangs) {
        // As in fallsBackWhenTheBusHangs: once the hung bus is gone, the abandoned jobs fail.
        hungBus.close();
        qputenv("DBUS_SESSION_BUS_ADDRESS", busAddress(m_keyring.runtimePath(QStringLiteral("no-bus"))));
    }
}

void TestSigningKeyStore::refusesWhenTheKeychainThatHoldsTheKeyStops()
{
    REQUIRE_PRIVATE_KEYRING(m_keyring);
    QTemporaryDir data;
    QVERIFY(data.isValid());
    auto backend = SigningKeyStore::Backend::File;
    const Result<QByteArray> stored = SigningKeyStore::loadOrCreate(data.path(), kService, &backend);
    QVERIFY2(stored, stored ? "" : qPrintable(stored.error().message));
    QCOMPARE(backend, SigningKeyStore::Backend::Keychain);
    QCOMPARE(keyFiles(data.path()), kMarkerOnly);

    // The keyring goes away (crashed, locked session): an error or no answer, never a new key.
    m_keyring.stopKeyring();
    const Result<QByteArray> refused = SigningKeyStore::loadOrCreate(data.path(), kService, &backend, 2000ms);
    QVERIFY2(!refused, "a start whose keychain holds the key but fails must not make another key");
    QVERIFY2(refused.error().message.contains(QStringLiteral("Not starting with a second key")),
             qPrintable(refused.error().message));
    QCOMPARE(keyFiles(data.path()), kMarkerOnly);
}

void TestSigningKeyStore::keepsKeyInKeychain()
{
    REQUIRE_PRIVATE_KEYRING(m_keyring);
    QTemporaryDir data;
    QVERIFY(data.isValid());

    QCOMPARE(keyringItemsFor(data.path()), 0);

    LogCapture log;
    auto backend = SigningKeyStore::Backend::File;
    QElapsedTimer timer;
    timer.start();
    const Result<QByteArray> first = SigningKeyStore::loadOrCreate(data.path(), kService, &backend);
    const qint64 createMs = timer.restart();
    QVERIFY2(first, first ? "" : qPrintable(first.error().message));
    QCOMPARE(backend, SigningKeyStore::Backend::Keychain);
    QCOMPARE(first->size(), SigningKeyFile::KeySize);

    backend = SigningKeyStore::Backend::File;
    const Result<QByteArray> second = SigningKeyStore::loadOrCreate(data.path(), kService, &backend);
    const qint64 loadMs = timer.elapsed();
    QVERIFY(second);
    QCOMPARE(backend, SigningKeyStore::Backend::Keychain);
    QCOMPARE(*second, *first);

    // No key file; only the note that the keychain holds the key.
    QCOMPARE(keyFiles(data.path()), kMarkerOnly);
    QCOMPARE(keyringItemsFor(data.path()), 1);
    QVERIFY2(log.warnings().isEmpty(), qPrintable(log.warnings().join(u'\n')));
    QVERIFY(!log.mentions(*first));
    qInfo("keychain: create %lld ms, load %lld ms", createMs, loadMs);
}

void TestSigningKeyStore::migratesKeyFileOfOlderInstall()
{
    REQUIRE_PRIVATE_KEYRING(m_keyring);
    QTemporaryDir data;
    QVERIFY(data.isValid());
    const QString keyFile = SigningKeyStore::keyFilePath(data.path());
    // What an older install left behind.
    const Result<QByteArray> older = SigningKeyFile::loadOrCreate(keyFile);
    QVERIFY(older);

    LogCapture log;
    auto backend = SigningKeyStore::Backend::File;
    const Result<QByteArray> migrated = SigningKeyStore::loadOrCreate(data.path(), kService, &backend);
    QVERIFY2(migrated, migrated ? "" : qPrintable(migrated.error().message));
    QCOMPARE(backend, SigningKeyStore::Backend::Keychain);
    QCOMPARE(*migrated, *older);
    QVERIFY(!QFileInfo::exists(keyFile));
    // No key file; only the note that the keychain holds the key.
    QCOMPARE(keyFiles(data.path()), kMarkerOnly);
    QCOMPARE(keyringItemsFor(data.path()), 1);

    backend = SigningKeyStore::Backend::File;
    const Result<QByteArray> later = SigningKeyStore::loadOrCreate(data.path(), kService, &backend);
    QVERIFY(later);
    QCOMPARE(backend, SigningKeyStore::Backend::Keychain);
    QCOMPARE(*later, *older);
    QVERIFY(!QFileInfo::exists(keyFile));
    QVERIFY2(log.warnings().isEmpty(), qPrintable(log.warnings().join(u'\n')));
    QVERIFY(!log.mentions(*older));
}

void TestSigningKeyStore::givesEachDataDirItsOwnKey()
{
    REQUIRE_PRIVATE_KEYRING(m_keyring);
    QTemporaryDir first;
    QTemporaryDir second;
    QVERIFY(first.isValid());
    QVERIFY(second.isValid());

    auto firstBackend = SigningKeyStore::Backend::File;
    auto secondBackend = SigningKeyStore::Backend::File;
    const Result<QByteArray> a = SigningKeyStore::loadOrCreate(first.path(), kService, &firstBackend);
    const Result<QByteArray> b = SigningKeyStore::loadOrCreate(second.path(), kService, &secondBackend);
    QVERIFY(a);
    QVERIFY(b);
    QCOMPARE(firstBackend, SigningKeyStore::Backend::Keychain);
    QCOMPARE(secondBackend, SigningKeyStore::Backend::Keychain);
    QVERIFY(*a != *b);

    // Each keeps its own, in whichever order they are asked again.
    const Result<QByteArray> bAgain = SigningKeyStore::loadOrCreate(second.path(), kService);
    const Result<QByteArray> aAgain = SigningKeyStore::loadOrCreate(first.path(), kService);
    QVERIFY(aAgain);
    QVERIFY(bAgain);
    QCOMPARE(*aAgain, *a);
    QCOMPARE(*bAgain, *b);
    QCOMPARE(keyFiles(first.path()), kMarkerOnly);
    QCOMPARE(keyFiles(second.path()), kMarkerOnly);
}

QTEST_GUILESS_MAIN(TestSigningKeyStore)
#include "test_signingkeystore.moc"
