#pragma once

#include <QByteArray>
#include <QString>

#include "domain/result.h"

namespace ServeDeck {

// Writes a secret (a token, a key) into a new file that is private from its first byte: a
// temporary opened with O_CREAT|O_EXCL at mode 0600, filled, synced, then linked into place,
// which fails rather than replaces when the name exists. Never chmod'ed after the fact, never
// half-written under its final name, never written through a symbolic link.
class SecretFile
{
public:
    // Errors: the name exists -> InvalidArgument; any other I/O failure -> StorageError.
    static Result<Done> create(const QString &path, const QByteArray &content);
    // Makes a missing directory (and its parents) with mode 0700 from the start.
    static Result<Done> makePrivateDir(const QString &path);
};

} // namespace ServeDeck
