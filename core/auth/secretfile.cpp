#include "secretfile.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>

#include <openssl/rand.h>

namespace ServeDeck {

namespace {

ServiceError fileError(ErrorType type, const QString &path, const QString &what)
{
    return makeError(type, QStringLiteral("%1: %2").arg(QDir::toNativeSeparators(path), what),
                     QJsonObject{{QStringLiteral("path"), path}});
}

QString systemError(int code)
{
    return QString::fromLocal8Bit(std::strerror(code));
}

bool writeAll(int fd, const QByteArray &content)
{
    qsizetype done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.constData() + done, size_t(content.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += n;
    }
    return true;
}

} // namespace

Result<Done> SecretFile::create(const QString &path, const QByteArray &content)
{
    const QFileInfo info(path);
    if (auto dir = makePrivateDir(info.absolutePath()); !dir)
        return dir.error();
    QByteArray suffix(6, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(suffix.data()), int(suffix.size())) != 1)
        return fileError(ErrorType::StorageError, path, QStringLiteral("no random bytes for a temporary name"));
    const QByteArray target = QFile::encodeName(info.absoluteFilePath());
    const QByteArray temporary = target + ".new-" + suffix.toHex();

    // 0600 from creation: whatever the umask, nobody else can open it between open and rename.
    const int fd = ::open(temporary.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return fileError(ErrorType::StorageError, path, systemError(errno));
    const bool written = writeAll(fd, content) && ::fsync(fd) == 0;
    const int writeErrno = errno;
    ::close(fd);
    if (!written) {
        ::unlink(temporary.constData());
        return fileError(ErrorType::StorageError, path, systemError(writeErrno));
    }
    // link() never replaces an existing name (rename() would): a secret someone else made
    // first stays, and this call says so.
    const int linked = ::link(temporary.constData(), target.constData());
    const int linkErrno = errno;
    ::unlink(temporary.constData());
    if (linked != 0) {
        return fileError(linkErrno == EEXIST ? ErrorType::InvalidArgument : ErrorType::StorageError, path,
                         linkErrno == EEXIST ? QStringLiteral("exists already") : systemError(linkErrno));
    }
    return Done{};
}

Result<Done> SecretFile::makePrivateDir(const QString &path)
{
    const QString clean = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    if (QFileInfo(clean).isDir())
        return Done{};
    const QString parent = QFileInfo(clean).absolutePath();
    if (parent != clean) {
        if (auto made = makePrivateDir(parent); !made)
            return made;
    }
    if (::mkdir(QFile::encodeName(clean).constData(), 0700) != 0 && errno != EEXIST)
        return fileError(ErrorType::StorageError, clean, QStringLiteral("cannot create the directory: ") + systemError(errno));
    return Done{};
}

} // namespace ServeDeck
