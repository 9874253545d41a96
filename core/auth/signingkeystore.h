#pragma once

#include <chrono>

#include <QByteArray>
#include <QString>

#include "auth/keychainsecret.h"
#include "domain/result.h"

namespace ServeDeck {

// Keeps the token signing key (SigningKeyFile::KeySize random bytes, generated
// once) in the OS keychain through QtKeychain, one entry per data dir. Only
// where no keychain answers does the key live in <dataDir>/signing.key (0600,
// SigningKeyFile), and the log says so. KeychainSecret does the keychain part.
class SigningKeyStore
{
public:
    using Backend = KeychainSecret::Backend;
    // KeychainFirst: as below. FileOnly: the operator said to use the key file (and accepts a
    // new key when there is none), whatever the keychain holds.
    using Source = KeychainSecret::Source;

    // QtKeychain jobs are asynchronous; loadOrCreate() waits for them in a local
    // event loop for at most this long in all, so a hung D-Bus cannot hang start-up.
    static constexpr std::chrono::milliseconds DefaultTimeout = KeychainSecret::DefaultTimeout;

    /**
     * @brief Drop-in for SigningKeyFile::loadOrCreate(keyFilePath(dataDir)).
     *
     * 1. The keychain holds the key: that key (and keychainMarkerPath() records that it does).
     * 2. The keychain is empty and keyFilePath() holds a key (an older install):
     *    that key, moved into the keychain; the file is removed only after the
     *    keychain write succeeded and read back equal.
     * 3. The keychain is empty and there is no file: a new random key, stored in
     *    the keychain, unless the marker says the keychain held one (-> refused).
     * 4. The keychain is unreachable (any job error but EntryNotFound, or no
     *    answer before the timeout): the key file if there is one; else, where the
     *    marker says the key is in the keychain, an error that says so (a second key
     *    would make every token issued so far fail); else a new key file, with one
     *    warning that gives the reason and the file.
     * With Source::FileOnly the keychain is not asked: SigningKeyFile::loadOrCreate().
     *
     * Creates dataDir if needed. @p usedBackend, when given, receives where the
     * key lives. Runs a nested event loop, so a QCoreApplication must exist.
     * Errors: a malformed key in the keychain or in the file -> InvalidArgument;
     * the keychain holds the key and cannot be read, I/O or RNG failure -> StorageError.
     * The key itself is never logged.
     */
    static Result<QByteArray> loadOrCreate(const QString &dataDir, const QString &service = QStringLiteral("ServeDeck"),
                                           Backend *usedBackend = nullptr,
                                           std::chrono::milliseconds timeout = DefaultTimeout,
                                           Source source = Source::KeychainFirst);

    static QString keyFilePath(const QString &dataDir);
    // Present while the keychain holds this data dir's key; names the service and entry, no secret.
    static QString keychainMarkerPath(const QString &dataDir);
    // "signing-key:" + the canonical data dir, so two data dirs never share a key.
    static QString keychainEntry(const QString &dataDir);
    // "keychain" or "file".
    static QString backendName(Backend backend);
};

} // namespace ServeDeck
