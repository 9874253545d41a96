#pragma once

#include <QByteArray>
#include <QString>

#include "domain/result.h"

namespace ServeDeck {

// The token signing key kept in a file only its owner can read (0600).
// The OS keychain comes later and falls back to this.
class SigningKeyFile
{
public:
    static constexpr qsizetype KeySize = 32;

    // Reads the key from `path`, or creates it (KeySize random bytes, written
    // atomically, mode 0600) if absent. A file of another size or with
    // permissions broader than 0600 -> InvalidArgument naming the path;
    // I/O or RNG failure -> StorageError.
    static Result<QByteArray> loadOrCreate(const QString &path);
};

} // namespace ServeDeck
