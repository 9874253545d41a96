#pragma once

#include <QByteArray>
#include <QString>

#include "domain/result.h"

namespace ServeDeck {

// A large job answer's body, kept as <dir>/<id>.body: private (0600) from creation, written
// whole under a temporary name and renamed into place, so a crash never leaves half a body
// under the final name.
class JobResultFile
{
public:
    static QString fileName(const QString &jobId);  // "<id>.body"
    static Result<Done> write(const QString &dir, const QString &name, const QByteArray &body);
    // StorageError when the file is missing or its size is not expectedBytes.
    static Result<QByteArray> read(const QString &dir, const QString &name, qint64 expectedBytes);
    static void remove(const QString &dir, const QString &name);
    // Deletes temporaries a crash left behind mid-write (never named by a job); returns how many.
    static int removeTemporaries(const QString &dir);
};

} // namespace ServeDeck
