#pragma once

#include <QByteArray>
#include <QString>

#include "domain/result.h"

namespace ServeDeck {

// Writes a secret (a token) to `path` so that only its owner can ever read it: the file is
// created with mode 0600, never with the umask's wider default first. An existing file is
// replaced, not rewritten in place, since it may be readable by others.
Result<Done> writeSecretFile(const QString &path, const QByteArray &secret);

} // namespace ServeDeck
