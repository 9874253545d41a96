#pragma once

#include <QByteArray>
#include <QString>

#include "domain/result.h"

namespace ServeDeck {

// The plane key: the 32 bytes under which the consoles of one shared plane keep their secrets in
// the database (SecretBox). The operator makes it once (`servedeck plane-key new FILE`) and gives
// every console the same file. The file is one line, exactly 64 lowercase hexadecimal digits and
// an optional final newline, readable by its owner only (0600 or narrower). Its bytes are never
// logged and never put in an error.
class PlaneKey final
{
public:
    static constexpr qsizetype KeySize = 32;

    // Errors, each with details.reason: the path is empty -> InvalidArgument ("path"); no file ->
    // NotFound ("missing"); not a regular file -> InvalidArgument ("not_a_file"); group or other
    // may read or write it -> InvalidArgument ("mode"); anything but the format above ->
    // InvalidArgument ("format"); another I/O failure -> StorageError ("io").
    static Result<QByteArray> load(const QString &path);

    // A new random key written to @p path, private from its first byte (SecretFile); an existing
    // file is never replaced (InvalidArgument). Answers the key.
    static Result<QByteArray> create(const QString &path);

    // The file's content for @p key (64 hex digits and a newline).
    static QByteArray encode(const QByteArray &key);
};

} // namespace ServeDeck
