#include "signingkeystore.h"

#include <chrono>

#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTimer>

#include <openssl/rand.h>
#include <qt6keychain/keychain.h>

#include "auth/secretfile.h"
#include "auth/signingkeyfile.h"

namespace ServeDeck {

namespace {

Q_LOGGING_CATEGORY(lcKeyStore, "servedeck.auth.keystore")

const QString kKeyFileName = QStringLiteral("signing.key");
const QString kMarkerFileName = QStringLiteral("signing.key.in-keychain");

struct JobOutcome
{
    QKeychain::Error error = QKeychain::OtherError;
    QString errorString;
    QByteArray data; // ReadPasswordJob only
    bool timedOut = true;

    bool ok() const { return !timedOut && error == QKeychain::NoError; }
    bool entryNotFound() const { return !timedOut && error == QKeychain::EntryNotFound; }
};

QString errorName(QKeychain::Error error)
{
    switch (error) {
    case QKeychain::NoError: return QStringLiteral("NoError");
    case QKeychain::EntryNotFound: return QStringLiteral("EntryNotFound");
    case QKeychain::CouldNotDeleteEntry: return QStringLiteral("CouldNotDeleteEntry");
    case QKeychain::AccessDeniedByUser: return QStringLiteral("AccessDeniedByUser");
    case QKeychain::AccessDenied: return QStringLiteral("AccessDenied");
    case QKeychain::NoBackendAvailable: return QStringLiteral("NoBackendAvailable");
    case QKeychain::NotImplemented: return QStringLiteral("NotImplemented");
    case QKeychain::OtherError: return QStringLiteral("OtherError");
    }
    return QStringLiteral("unknown");
}

QString describe(const JobOutcome &outcome, std::chrono::milliseconds timeout)
{
    if (outcome.timedOut)
        return QStringLiteral("no answer within %1 ms").arg(timeout.count());
    return QStringLiteral("QtKeychain error %1 %2: %3")
        .arg(static_cast<int>(outcome.error))
        .arg(errorName(outcome.error), outcome.errorString);
}

// Starts `job` and waits for it in a local event loop until it finishes or the
// deadline passes. On timeout the job is abandoned, not deleted: QtKeychain's
// libsecret callbacks still point at it, and it deletes itself (autoDelete)
// once it finishes. Until then QtKeychain queues later jobs behind it.
JobOutcome run(QKeychain::Job *job, const QDeadlineTimer &deadline)
{
    JobOutcome outcome;
    if (deadline.hasExpired()) {
        // Never started, so nothing refers to it.
        delete job;
        return outcome;
    }
    QEventLoop loop;
    QObject::connect(job, &QKeychain::Job::finished, &loop, [&outcome, &loop](QKeychain::Job *finished) {
        outcome.error = finished->error();
        outcome.errorString = finished->errorString();
        if (const auto *read = qobject_cast<const QKeychain::ReadPasswordJob *>(finished))
            outcome.data = read->binaryData();
        outcome.timedOut = false;
        loop.quit();
    });
    QTimer::singleShot(std::chrono::ceil<std::chrono::milliseconds>(deadline.remainingTimeAsDuration()), &loop,
                       &QEventLoop::quit);
    job->setAutoDelete(true);
    // start() only queues the job, so finished cannot come before exec().
    job->start();
    loop.exec(QEventLoop::ExcludeUserInputEvents);
    return outcome;
}

JobOutcome readEntry(const QString &service, const QString &entry, const QDeadlineTimer &deadline)
{
    auto *job = new QKeychain::ReadPasswordJob(service);
    job->setKey(entry);
    return run(job, deadline);
}

JobOutcome writeEntry(const QString &service, const QString &entry, const QByteArray &key,
                      const QDeadlineTimer &deadline)
{
    auto *job = new QKeychain::WritePasswordJob(service);
    job->setKey(entry);
    job->setBinaryData(key);
    return run(job, deadline);
}

JobOutcome deleteEntry(const QString &service, const QString &entry, const QDeadlineTimer &deadline)
{
    auto *job = new QKeychain::DeletePasswordJob(service);
    job->setKey(entry);
    return run(job, deadline);
}

// Writes the key and reads it back: only a key the keychain demonstrably holds
// may replace the file. Returns why not, or an empty string.
QString storeVerified(const QString &service, const QString &entry, const QByteArray &key,
                      const QDeadlineTimer &deadline, std::chrono::milliseconds timeout)
{
    const JobOutcome written = writeEntry(service, entry, key, deadline);
    if (!written.ok())
        return QStringLiteral("writing failed, ") + describe(written, timeout);
    const JobOutcome readBack = readEntry(service, entry, deadline);
    if (readBack.ok() && readBack.data == key)
        return {};
    // Leave no half-stored key behind for the next start to pick up.
    const JobOutcome removed = deleteEntry(service, entry, deadline);
    if (!removed.ok() && !removed.entryNotFound()) {
        qCWarning(lcKeyStore, "signing key: cannot remove the unverified keychain entry \"%s\" of service \"%s\" (%s)",
                  qUtf8Printable(entry), qUtf8Printable(service), qUtf8Printable(describe(removed, timeout)));
    }
    return readBack.ok() ? QStringLiteral("the key read back differs from the key written")
                         : QStringLiteral("reading back failed, ") + describe(readBack, timeout);
}

ServiceError keychainError(const QString &service, const QString &entry, const QString &what)
{
    return makeError(ErrorType::InvalidArgument,
                     QStringLiteral("signing key in the OS keychain (service \"%1\", entry \"%2\"): %3")
                         .arg(service, entry, what),
                     QJsonObject{{QStringLiteral("service"), service}, {QStringLiteral("entry"), entry}});
}

// Compares without SigningKeyFile: that would create the file if it vanished meanwhile.
bool fileHolds(const QString &path, const QByteArray &key)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) && file.read(key.size() + 1) == key;
}

// Records that the keychain holds the key, so that a later start whose keychain fails refuses
// instead of making a second key. Best effort: without it, such a start falls back as before.
void markKeyInKeychain(const QString &markerPath, const QString &service, const QString &entry)
{
    if (QFileInfo::exists(markerPath))
        return;
    const QByteArray text = "service=" + service.toUtf8() + "\nentry=" + entry.toUtf8() + '\n';
    if (auto written = SecretFile::create(markerPath, text); !written && !QFileInfo::exists(markerPath)) {
        qCWarning(lcKeyStore, "signing key: cannot record that the keychain holds the key: %s",
                  qUtf8Printable(written.error().message));
    }
}

} // namespace

QString SigningKeyStore::keychainMarkerPath(const QString &dataDir)
{
    return QDir(dataDir).filePath(kMarkerFileName);
}

QString SigningKeyStore::keyFilePath(const QString &dataDir)
{
    return QDir(dataDir).filePath(kKeyFileName);
}

QString SigningKeyStore::keychainEntry(const QString &dataDir)
{
    const QFileInfo info(dataDir);
    // canonicalFilePath() is empty for a directory that does not exist (yet).
    const QString canonical = info.canonicalFilePath();
    return QStringLiteral("signing-key:")
        + (canonical.isEmpty() ? QDir::cleanPath(info.absoluteFilePath()) : canonical);
}

QString SigningKeyStore::backendName(Backend backend)
{
    switch (backend) {
    case Backend::Keychain: return QStringLiteral("keychain");
    case Backend::File: return QStringLiteral("file");
    }
    return {};
}

Result<QByteArray> SigningKeyStore::loadOrCreate(const QString &dataDir, const QString &service, Backend *usedBackend,
                                                 std::chrono::milliseconds timeout, Source source)
{
    if (dataDir.isEmpty())
        return makeError(ErrorType::InvalidArgument, QStringLiteral("signing key: the data dir is empty"));
    if (auto made = SecretFile::makePrivateDir(dataDir); !made) {
        return makeError(ErrorType::StorageError, QStringLiteral("signing key: cannot create the data dir %1")
                                                      .arg(QDir::toNativeSeparators(dataDir)));
    }
    const QString filePath = keyFilePath(dataDir);
    const QString markerPath = keychainMarkerPath(dataDir);
    const QString entry = keychainEntry(dataDir);
    const QDeadlineTimer deadline(timeout);

    if (source == Source::FileOnly) {
        qCWarning(lcKeyStore, "signing key: told to use the key file %s; the OS keychain is not asked",
                  qUtf8Printable(QDir::toNativeSeparators(filePath)));
        if (usedBackend)
            *usedBackend = Backend::File;
        return SigningKeyFile::loadOrCreate(filePath);
    }
    // The keychain had the key and does not give it now: a new key would make every token
    // issued so far fail (and fail again once the keychain is back), so start no further.
    const auto refuse = [&](const QString &why) -> Result<QByteArray> {
        return makeError(ErrorType::StorageError,
                         QStringLiteral("signing key: the OS keychain holds this data dir's key (service \"%1\", entry "
                                        "\"%2\") but %3. Not starting with a second key, which would invalidate every "
                                        "token issued so far. Unlock or start the keychain and try again, or start with "
                                        "--signing-key-file (or SERVEDECK_SIGNING_KEY=file) to use %4 instead (a new "
                                        "key if that file does not exist).")
                             .arg(service, entry, why, QDir::toNativeSeparators(filePath)),
                         QJsonObject{{QStringLiteral("service"), service}, {QStringLiteral("entry"), entry},
                                     {QStringLiteral("marker"), markerPath}});
    };

    const auto useKeychain = [usedBackend](QByteArray key) -> Result<QByteArray> {
        if (usedBackend)
            *usedBackend = Backend::Keychain;
        return key;
    };
    const auto useFile = [&](const QString &why) -> Result<QByteArray> {
        qCWarning(lcKeyStore,
                  "signing key: the OS keychain is unreachable (%s); using the key file %s (mode 0600) instead",
                  qUtf8Printable(why), qUtf8Printable(QDir::toNativeSeparators(filePath)));
        if (usedBackend)
            *usedBackend = Backend::File;
        return SigningKeyFile::loadOrCreate(filePath);
    };

    const JobOutcome found = readEntry(service, entry, deadline);
    if (found.ok()) {
        if (found.data.size() != SigningKeyFile::KeySize) {
            return keychainError(service, entry, QStringLiteral("%1 bytes, expected %2")
                                                     .arg(found.data.size())
                                                     .arg(SigningKeyFile::KeySize));
        }
        const QFileInfo leftover(filePath);
        if (leftover.exists() || leftover.isSymLink()) {
            // A migration interrupted after the keychain write; anything else is
            // not ours to delete.
            if (fileHolds(filePath, found.data) && QFile::remove(filePath)) {
                qCInfo(lcKeyStore, "signing key: removed %s, the keychain holds the same key",
                       qUtf8Printable(QDir::toNativeSeparators(filePath)));
            } else {
                qCWarning(lcKeyStore, "signing key: %s is ignored, the OS keychain holds the key",
                          qUtf8Printable(QDir::toNativeSeparators(filePath)));
            }
        }
        qCDebug(lcKeyStore, "signing key: in the OS keychain (service \"%s\", entry \"%s\")", qUtf8Printable(service),
                qUtf8Printable(entry));
        markKeyInKeychain(markerPath, service, entry);
        return useKeychain(found.data);
    }
    const QFileInfo keyFile(filePath);
    const bool fileExists = keyFile.exists() || keyFile.isSymLink();
    if (!found.entryNotFound()) {
        // A key that exists somewhere is used; a new one only where none can exist yet.
        if (!fileExists && QFileInfo::exists(markerPath))
            return refuse(QStringLiteral("cannot be read now (%1)").arg(describe(found, timeout)));
        return useFile(describe(found, timeout));
    }
    if (!fileExists && QFileInfo::exists(markerPath))
        return refuse(QStringLiteral("has no such entry any more (another keyring, or the entry was deleted)"));

    // The keychain answers and is empty: move an older install's file into it, or make a key.
    const QFileInfo older(filePath);
    if (older.exists() || older.isSymLink()) {
        Result<QByteArray> key = SigningKeyFile::loadOrCreate(filePath);
        if (!key)
            return key;
        if (const QString failed = storeVerified(service, entry, *key, deadline, timeout); !failed.isEmpty())
            return useFile(failed);
        markKeyInKeychain(markerPath, service, entry);
        if (QFile::remove(filePath)) {
            qCInfo(lcKeyStore, "signing key: moved from %s into the OS keychain (service \"%s\", entry \"%s\")",
                   qUtf8Printable(QDir::toNativeSeparators(filePath)), qUtf8Printable(service), qUtf8Printable(entry));
        } else {
            qCWarning(lcKeyStore, "signing key: copied into the OS keychain but cannot remove %s; remove it by hand",
                      qUtf8Printable(QDir::toNativeSeparators(filePath)));
        }
        return useKeychain(*key);
    }

    QByteArray key(SigningKeyFile::KeySize, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(key.data()), static_cast<int>(key.size())) != 1)
        return makeError(ErrorType::StorageError, QStringLiteral("signing key: no random bytes available"));
    if (const QString failed = storeVerified(service, entry, key, deadline, timeout); !failed.isEmpty())
        return useFile(failed);
    markKeyInKeychain(markerPath, service, entry);
    qCInfo(lcKeyStore, "signing key: created in the OS keychain (service \"%s\", entry \"%s\")",
           qUtf8Printable(service), qUtf8Printable(entry));
    return useKeychain(key);
}

} // namespace ServeDeck
