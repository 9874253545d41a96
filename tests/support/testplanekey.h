#pragma once

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QString>
#include <QTemporaryDir>

// One plane key file per test process (the format of core/auth's PlaneKey: 64 lowercase hex digits
// and a newline, 0600), so planes and `serve` children on a PostgreSQL store start as the
// operator's would; on SQLite it is not read. Empty when it could not be written.
namespace TestPlaneKey {

inline QString file()
{
    static const QString path = [] {
        static QTemporaryDir dir;
        if (!dir.isValid())
            return QString();
        const QString keyPath = QDir(dir.path()).filePath(QStringLiteral("plane.key"));
        QFile key(keyPath);
        if (!key.open(QIODevice::WriteOnly | QIODevice::NewOnly)
            || !key.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
            return QString();
        QByteArray bytes(32, Qt::Uninitialized);
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), bytes.size() / 4);
        if (key.write(bytes.toHex() + '\n') != 65 || !key.flush())
            return QString();
        return keyPath;
    }();
    return path;
}

} // namespace TestPlaneKey
