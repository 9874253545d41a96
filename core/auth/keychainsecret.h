#pragma once

#include <chrono>
#include <functional>

#include <QByteArray>
#include <QString>

#include "domain/result.h"

namespace ServeDeck {

// One secret of a data dir (a signing key, a TLS private key) kept in the OS keychain through
// QtKeychain, with a 0600 file where no keychain answers. A marker file beside it records that
// the keychain holds the secret, so a keychain that fails later never makes a second one.
class KeychainSecret final
{
public:
    enum class Backend { Keychain, File };
    // KeychainFirst: as below. FileOnly: the operator said to use the file (and accepts a new
    // secret when there is none), whatever the keychain holds.
    enum class Source { KeychainFirst, FileOnly };

    // QtKeychain jobs are asynchronous; loadOrCreate() waits for them in a local event loop for
    // at most this long in all, so a hung D-Bus cannot hang start-up.
    static constexpr std::chrono::milliseconds DefaultTimeout{5000};

    struct Spec
    {
        QString what;        // names the secret in messages: "signing key"
        QString consequence; // why a second one must not be made: "which would ..."
        QString service;
        QString entry;
        QString filePath;
        QString markerPath;
        // Reads the file, or creates it with a new secret where it does not exist.
        std::function<Result<QByteArray>(const QString &path)> loadOrCreateFile;
        // A new secret, for the keychain.
        std::function<Result<QByteArray>()> create;
        // Why bytes read from the keychain are not a valid secret; empty when they are.
        std::function<QString(const QByteArray &)> problem;
    };

    /**
     * @brief The secret of @p spec, from wherever it lives, or a new one.
     *
     * 1. The keychain holds it: that secret (and the marker records that it does).
     * 2. The keychain is empty and the file holds one (an older install): that one, moved
     *    into the keychain; the file is removed only after the write read back equal.
     * 3. The keychain is empty and there is no file: a new secret in the keychain, unless the
     *    marker says the keychain held one (-> refused).
     * 4. The keychain is unreachable (any error but EntryNotFound, or no answer before the
     *    timeout): the file if there is one; else, where the marker says the keychain holds
     *    the secret, an error that says so; else a new file, with one warning.
     * With Source::FileOnly the keychain is not asked.
     *
     * Runs a nested event loop, so a QCoreApplication must exist. Errors: malformed bytes in
     * the keychain -> InvalidArgument; the keychain holds the secret and cannot be read ->
     * StorageError; the callbacks' errors as they are. The secret itself is never logged.
     */
    static Result<QByteArray> loadOrCreate(const Spec &spec, Backend *usedBackend = nullptr,
                                           std::chrono::milliseconds timeout = DefaultTimeout,
                                           Source source = Source::KeychainFirst);

    // @p prefix + the canonical data dir, so two data dirs (or two paths to one) never mix.
    static QString entryFor(const QString &prefix, const QString &dataDir);
    // "keychain" or "file".
    static QString backendName(Backend backend);
};

} // namespace ServeDeck
