#pragma once

// What the key-file suites ask of a file they did not write: its permission bits and its bytes.
#include <sys/stat.h>

#include <QByteArray>
#include <QFile>
#include <QString>

namespace TestFiles {

// The permission bits of the entry itself (lstat: a link reads as a link, never as its target);
// mode_t(-1) when there is none.
inline mode_t modeOf(const QString &path)
{
    struct stat info = {};
    if (::lstat(QFile::encodeName(path).constData(), &info) != 0)
        return mode_t(-1);
    return info.st_mode & 07777;
}

// The whole file; empty when it cannot be read.
inline QByteArray contentOf(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace TestFiles
