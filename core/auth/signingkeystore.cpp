#include "signingkeystore.h"

#include <QDir>

#include <openssl/rand.h>

#include "auth/secretfile.h"
#include "auth/signingkeyfile.h"

namespace ServeDeck {

namespace {

const QString kKeyFileName = QStringLiteral("signing.key");
const QString kMarkerFileName = QStringLiteral("signing.key.in-keychain");

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
    return KeychainSecret::entryFor(QStringLiteral("signing-key:"), dataDir);
}

QString SigningKeyStore::backendName(Backend backend)
{
    return KeychainSecret::backendName(backend);
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
    KeychainSecret::Spec spec;
    spec.what = QStringLiteral("signing key");
    spec.consequence = QStringLiteral("which would invalidate every token issued so far");
    spec.service = service;
    spec.entry = keychainEntry(dataDir);
    spec.filePath = keyFilePath(dataDir);
    spec.markerPath = keychainMarkerPath(dataDir);
    spec.loadOrCreateFile = &SigningKeyFile::loadOrCreate;
    spec.create = []() -> Result<QByteArray> {
        QByteArray key(SigningKeyFile::KeySize, Qt::Uninitialized);
        if (RAND_bytes(reinterpret_cast<unsigned char *>(key.data()), static_cast<int>(key.size())) != 1)
            return makeError(ErrorType::StorageError, QStringLiteral("signing key: no random bytes available"));
        return key;
    };
    spec.problem = [](const QByteArray &key) {
        return key.size() == SigningKeyFile::KeySize
            ? QString()
            : QStringLiteral("%1 bytes, expected %2").arg(key.size()).arg(SigningKeyFile::KeySize);
    };
    return KeychainSecret::loadOrCreate(spec, usedBackend, timeout, source);
}

} // namespace ServeDeck
