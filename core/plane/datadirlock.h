#pragma once

#include <QString>

#include "domain/result.h"

namespace ServeDeck {

// One control plane per data dir: an exclusive flock on <dataDir>/plane.lock, held while this
// object lives. The kernel drops it when the holder exits or dies, so a crash leaves no stale
// lock behind. The holder writes its pid (and, once listening, its addresses) into the file so
// that a second instance can say who is in the way.
class DataDirLock final
{
    Q_DISABLE_COPY_MOVE(DataDirLock)

public:
    DataDirLock() = default;
    ~DataDirLock();

    static QString fileName() { return QStringLiteral("plane.lock"); }

    // Takes the lock without waiting. Held by another process -> StorageError whose message
    // names that process's pid and addresses (details: pid, api, proxy).
    Result<Done> acquire(const QString &dataDir);
    // Records where this plane listens, for the message a second instance prints.
    void describeHolder(const QString &apiAddress, const QString &proxyAddress);
    bool isHeld() const { return m_fd >= 0; }

private:
    void writeHolder(const QByteArray &text);

    int m_fd = -1;
};

} // namespace ServeDeck
