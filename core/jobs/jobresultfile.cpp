#include "jobresultfile.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QSet>

#include "auth/secretfile.h"
#include "jobslog.h"

namespace ServeDeck {

namespace {

ServiceError fileError(const QString &path, const QString &what)
{
    return makeError(ErrorType::StorageError, QStringLiteral("%1: %2").arg(QDir::toNativeSeparators(path), what));
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

// Only names this class makes: nothing stored can point a read or a delete elsewhere.
bool isOwnName(const QString &name)
{
    return name.size() == 32 + 5 && name.endsWith(QStringLiteral(".body"))
        && !name.contains(u'/') && !name.startsWith(u'.');
}

} // namespace

QString JobResultFile::fileName(const QString &jobId)
{
    return jobId + QStringLiteral(".body");
}

Result<Done> JobResultFile::write(const QString &dir, const QString &name, const QByteArray &body)
{
    if (!isOwnName(name))
        return fileError(name, QStringLiteral("not a job result name"));
    if (auto made = SecretFile::makePrivateDir(dir); !made)
        return made.error();
    const QString path = QDir(dir).filePath(name);
    const QByteArray target = QFile::encodeName(path);
    const QByteArray temporary =
        target + ".new-" + QByteArray::number(QRandomGenerator::system()->generate64(), 16);
    // 0600 from creation, whatever the umask.
    const int fd = ::open(temporary.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return fileError(path, QString::fromLocal8Bit(std::strerror(errno)));
    const bool written = writeAll(fd, body) && ::fsync(fd) == 0;
    const int writeErrno = errno;
    ::close(fd);
    if (!written || ::rename(temporary.constData(), target.constData()) != 0) {
        const int failed = written ? errno : writeErrno;
        ::unlink(temporary.constData());
        return fileError(path, QString::fromLocal8Bit(std::strerror(failed)));
    }
    return Done{};
}

Result<QByteArray> JobResultFile::read(const QString &dir, const QString &name, qint64 expectedBytes)
{
    if (!isOwnName(name))
        return fileError(name, QStringLiteral("not a job result name"));
    QFile file(QDir(dir).filePath(name));
    if (!file.open(QIODevice::ReadOnly))
        return fileError(file.fileName(), file.errorString());
    if (file.size() != expectedBytes)
        return fileError(file.fileName(),
                         QStringLiteral("holds %1 bytes, the job says %2").arg(file.size()).arg(expectedBytes));
    QByteArray body = file.read(expectedBytes);
    if (body.size() != expectedBytes)
        return fileError(file.fileName(), file.errorString());
    return body;
}

int JobResultFile::removeLeftovers(const QString &dir, const QStringList &named)
{
    const QSet<QString> kept(named.cbegin(), named.cend());
    int removed = 0;
    const QStringList names =
        QDir(dir).entryList({QStringLiteral("*.body.new-*"), QStringLiteral("*.body")}, QDir::Files | QDir::Hidden);
    for (const QString &name : names) {
        const bool temporary = name.contains(QStringLiteral(".body.new-"));
        if (!temporary && (!isOwnName(name) || kept.contains(name)))
            continue;
        if (QFile::remove(QDir(dir).filePath(name)))
            ++removed;
    }
    return removed;
}

void JobResultFile::remove(const QString &dir, const QString &name)
{
    if (!isOwnName(name))
        return;
    const QString path = QDir(dir).filePath(name);
    if (QFile::exists(path) && !QFile::remove(path))
        qCWarning(lcJobs, "cannot delete %s", qPrintable(path));
}

} // namespace ServeDeck
