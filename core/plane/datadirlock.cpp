#include "datadirlock.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QJsonObject>

namespace ServeDeck {

namespace {

// What the holder wrote: a few key=value lines, read back bounded (it is ours, but a data dir
// can be tampered with).
QHash<QByteArray, QByteArray> readHolder(int fd)
{
    char buffer[1024];
    const ssize_t n = ::pread(fd, buffer, sizeof buffer, 0);
    QHash<QByteArray, QByteArray> values;
    if (n <= 0)
        return values;
    for (const QByteArray &line : QByteArray(buffer, n).split('\n')) {
        const auto eq = line.indexOf('=');
        if (eq > 0)
            values.insert(line.left(eq), line.mid(eq + 1).trimmed());
    }
    return values;
}

QString printable(const QByteArray &value)
{
    QString out;
    for (const char c : value.left(128))
        out += (c > 0x20 && c < 0x7f) ? QChar::fromLatin1(c) : u'?';
    return out.isEmpty() ? QStringLiteral("unknown") : out;
}

} // namespace

DataDirLock::~DataDirLock()
{
    if (m_fd >= 0)
        ::close(m_fd);  // releases the flock
}

Result<Done> DataDirLock::acquire(const QString &dataDir)
{
    if (m_fd >= 0)
        return Done{};
    const QString path = QDir(dataDir).filePath(fileName());
    // O_CLOEXEC: a replica must not inherit the lock and keep it after the plane is gone.
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return makeError(ErrorType::StorageError,
                         QStringLiteral("cannot open %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno))));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        const QHash<QByteArray, QByteArray> holder = readHolder(fd);
        ::close(fd);
        if (error != EWOULDBLOCK)
            return makeError(ErrorType::StorageError, QStringLiteral("cannot lock %1: %2")
                                                          .arg(path, QString::fromLocal8Bit(std::strerror(error))));
        const QString pid = printable(holder.value("pid"));
        const QString api = printable(holder.value("api"));
        const QString proxy = printable(holder.value("proxy"));
        return makeError(ErrorType::StorageError,
                         QStringLiteral("the data dir %1 is in use by another ServeDeck control plane (pid %2, api %3, "
                                        "proxy %4); stop it first, or give this one another data dir")
                             .arg(QDir::toNativeSeparators(dataDir), pid, api, proxy),
                         QJsonObject{{QStringLiteral("pid"), pid}, {QStringLiteral("api"), api},
                                     {QStringLiteral("proxy"), proxy}, {QStringLiteral("lock_file"), path}});
    }
    m_fd = fd;
    writeHolder("pid=" + QByteArray::number(QCoreApplication::applicationPid()) + "\napi=starting\nproxy=starting\n");
    return Done{};
}

void DataDirLock::describeHolder(const QString &apiAddress, const QString &proxyAddress)
{
    writeHolder("pid=" + QByteArray::number(QCoreApplication::applicationPid())
                + "\napi=" + (apiAddress.isEmpty() ? QByteArray("none") : apiAddress.toUtf8())
                + "\nproxy=" + (proxyAddress.isEmpty() ? QByteArray("none") : proxyAddress.toUtf8()) + '\n');
}

void DataDirLock::writeHolder(const QByteArray &text)
{
    if (m_fd < 0)
        return;
    // Best effort: the lock is what keeps a second plane out; the text only explains it.
    if (::pwrite(m_fd, text.constData(), size_t(text.size()), 0) == ssize_t(text.size())) {
        [[maybe_unused]] const int truncated = ::ftruncate(m_fd, text.size());
    }
}

} // namespace ServeDeck
