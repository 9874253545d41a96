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
    // Deletes what a crash left behind: temporaries of a write, and answers written whose job
    // never committed (not in named); returns how many.
    static int removeLeftovers(const QString &dir, const QStringList &named);
};

} // namespace ServeDeck
