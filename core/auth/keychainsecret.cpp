#include "keychainsecret.h"

#include <chrono>

#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTimer>

#include <qt6keychain/keychain.h>

#include "auth/secretfile.h"

namespace ServeDeck {

namespace {

Q_LOGGING_CATEGORY(lcKeyStore, "servedeck.auth.keystore")

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
QString storeVerified(const QString &what, const QString &service, const QString &entry, const QByteArray &key,
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
        qCWarning(lcKeyStore, "%s: cannot remove the unverified keychain entry \"%s\" of service \"%s\" (%s)",
                  qUtf8Printable(what), qUtf8Printable(entry), qUtf8Printable(service),
                  qUtf8Printable(describe(removed, timeout)));
    }
    return readBack.ok() ? QStringLiteral("the key read back differs from the key written")
                         : QStringLiteral("reading back failed, ") + describe(readBack, timeout);
}

ServiceError keychainError(const KeychainSecret::Spec &spec, const QString &problem)
{
    const QString &service = spec.service;
    const QString &entry = spec.entry;
    return makeError(ErrorType::InvalidArgument,
                     QStringLiteral("%1 in the OS keychain (service \"%2\", entry \"%3\"): %4")
                         .arg(spec.what, service, entry, problem),
                     QJsonObject{{QStringLiteral("service"), service}, {QStringLiteral("entry"), entry}});
}

// Compares without Spec::loadOrCreateFile: that would create the file if it vanished meanwhile.
bool fileHolds(const QString &path, const QByteArray &key)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) && file.read(key.size() + 1) == key;
}

// Records that the keychain holds the key, so that a later start whose keychain fails refuses
// instead of making a second key. Best effort: without it, such a start falls back as before.
void markKeyInKeychain(const KeychainSecret::Spec &spec)
{
    const QString &markerPath = spec.markerPath;
    const QString &service = spec.service;
    const QString &entry = spec.entry;
    if (QFileInfo::exists(markerPath))
        return;
    const QByteArray text = "service=" + service.toUtf8() + "\nentry=" + entry.toUtf8() + '\n';
    if (auto written = SecretFile::create(markerPath, text); !written && !QFileInfo::exists(markerPath)) {
        qCWarning(lcKeyStore, "%s: cannot record that the keychain holds it: %s", qUtf8Printable(spec.what),
                  qUtf8Printable(written.error().message));
    }
}

} // namespace

QString KeychainSecret::entryFor(const QString &prefix, const QString &dataDir)
{
    const QFileInfo info(dataDir);
    // canonicalFilePath() is empty for a directory that does not exist (yet).
    const QString canonical = info.canonicalFilePath();
    return prefix + (canonical.isEmpty() ? QDir::cleanPath(info.absoluteFilePath()) : canonical);
}

QString KeychainSecret::backendName(Backend backend)
{
    switch (backend) {
    case Backend::Keychain: return QStringLiteral("keychain");
    case Backend::File: return QStringLiteral("file");
    }
    return {};
}

Result<QByteArray> KeychainSecret::loadOrCreate(const Spec &spec, Backend *usedBackend,
                                                std::chrono::milliseconds timeout, Source source)
{
    const QString &what = spec.what;
    const QString &service = spec.service;
    const QString &entry = spec.entry;
    const QString &filePath = spec.filePath;
    const QString &markerPath = spec.markerPath;
    const QDeadlineTimer deadline(timeout);

    if (source == Source::FileOnly) {
        qCWarning(lcKeyStore, "%s: told to use the key file %s; the OS keychain is not asked", qUtf8Printable(what),
                  qUtf8Printable(QDir::toNativeSeparators(filePath)));
        if (usedBackend)
            *usedBackend = Backend::File;
        return spec.loadOrCreateFile(filePath);
    }
    // The keychain had the secret and does not give it now: a new one would break whatever
    // relies on the old one (and break it again once the keychain is back), so start no further.
    const auto refuse = [&](const QString &why) -> Result<QByteArray> {
        return makeError(ErrorType::StorageError,
                         QStringLiteral("%1: the OS keychain holds this data dir's key (service \"%2\", entry "
                                        "\"%3\") but %4. Not starting with a second key, %5. Unlock or start the "
                                        "keychain and try again, or start with --signing-key-file (or "
                                        "SERVEDECK_SIGNING_KEY=file) to use %6 instead (a new key if that file does "
                                        "not exist).")
                             .arg(what, service, entry, why, spec.consequence, QDir::toNativeSeparators(filePath)),
                         QJsonObject{{QStringLiteral("service"), service}, {QStringLiteral("entry"), entry},
                                     {QStringLiteral("marker"), markerPath}});
    };

    const auto useKeychain = [usedBackend](QByteArray key) -> Result<QByteArray> {
        if (usedBackend)
            *usedBackend = Backend::Keychain;
        return key;
    };
    const auto useFile = [&](const QString &why) -> Result<QByteArray> {
        qCWarning(lcKeyStore, "%s: the OS keychain is unreachable (%s); using the key file %s (mode 0600) instead",
                  qUtf8Printable(what), qUtf8Printable(why), qUtf8Printable(QDir::toNativeSeparators(filePath)));
        if (usedBackend)
            *usedBackend = Backend::File;
        return spec.loadOrCreateFile(filePath);
    };

    const JobOutcome found = readEntry(service, entry, deadline);
    if (found.ok()) {
        if (const QString problem = spec.problem(found.data); !problem.isEmpty())
            return keychainError(spec, problem);
        const QFileInfo leftover(filePath);
        if (leftover.exists() || leftover.isSymLink()) {
            // A migration interrupted after the keychain write; anything else is
            // not ours to delete.
            if (fileHolds(filePath, found.data) && QFile::remove(filePath)) {
                qCInfo(lcKeyStore, "%s: removed %s, the keychain holds the same key", qUtf8Printable(what),
                       qUtf8Printable(QDir::toNativeSeparators(filePath)));
            } else {
                qCWarning(lcKeyStore, "%s: %s is ignored, the OS keychain holds the key", qUtf8Printable(what),
                          qUtf8Printable(QDir::toNativeSeparators(filePath)));
            }
        }
        qCDebug(lcKeyStore, "%s: in the OS keychain (service \"%s\", entry \"%s\")", qUtf8Printable(what),
                qUtf8Printable(service), qUtf8Printable(entry));
        markKeyInKeychain(spec);
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
        Result<QByteArray> key = spec.loadOrCreateFile(filePath);
        if (!key)
            return key;
        if (const QString failed = storeVerified(what, service, entry, *key, deadline, timeout); !failed.isEmpty())
            return useFile(failed);
        markKeyInKeychain(spec);
        if (QFile::remove(filePath)) {
            qCInfo(lcKeyStore, "%s: moved from %s into the OS keychain (service \"%s\", entry \"%s\")",
                   qUtf8Printable(what), qUtf8Printable(QDir::toNativeSeparators(filePath)), qUtf8Printable(service),
                   qUtf8Printable(entry));
        } else {
            qCWarning(lcKeyStore, "%s: copied into the OS keychain but cannot remove %s; remove it by hand",
                      qUtf8Printable(what), qUtf8Printable(QDir::toNativeSeparators(filePath)));
        }
        return useKeychain(*key);
    }

    Result<QByteArray> key = spec.create();
    if (!key)
        return key;
    if (const QString failed = storeVerified(what, service, entry, *key, deadline, timeout); !failed.isEmpty())
        return useFile(failed);
    markKeyInKeychain(spec);
    qCInfo(lcKeyStore, "%s: created in the OS keychain (service \"%s\", entry \"%s\")", qUtf8Printable(what),
           qUtf8Printable(service), qUtf8Printable(entry));
    return useKeychain(*key);
}

} // namespace ServeDeck
