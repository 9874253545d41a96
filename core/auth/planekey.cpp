#include "planekey.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QJsonObject>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "auth/secretfile.h"

namespace ServeDeck {

namespace {

constexpr qsizetype kHexSize = PlaneKey::KeySize * 2;
// The longest well-formed file: the digits and one newline. One byte more is read to tell a
// longer file apart without reading all of it.
constexpr qsizetype kMaxFileSize = kHexSize + 1;

ServiceError keyError(ErrorType type, const QString &reason, const QString &path, const QString &what)
{
    return makeError(type, QStringLiteral("plane key file %1: %2").arg(QDir::toNativeSeparators(path), what),
                     QJsonObject{{QStringLiteral("path"), path}, {QStringLiteral("reason"), reason}});
}

QString systemError(int code)
{
    return QString::fromLocal8Bit(std::strerror(code));
}

bool isLowerHex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

void wipe(QByteArray &data)
{
    if (!data.isEmpty())
        OPENSSL_cleanse(data.data(), size_t(data.size()));
    data.clear();
}

// Closes the descriptor on every way out.
struct FileDescriptor
{
    int fd = -1;
    ~FileDescriptor()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

} // namespace

QByteArray PlaneKey::encode(const QByteArray &key)
{
    return key.toHex() + '\n';
}

Result<QByteArray> PlaneKey::load(const QString &path)
{
    if (path.isEmpty())
        return makeError(ErrorType::InvalidArgument, QStringLiteral("the plane key file path is empty"),
                         QJsonObject{{QStringLiteral("reason"), QStringLiteral("path")}});
    // Opened once and checked through the descriptor (fstat), so what is checked is what is read.
    // A symbolic link is followed: mounted secrets are often links to the real file.
    FileDescriptor file;
    file.fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (file.fd < 0) {
        const int code = errno;
        if (code == ENOENT)
            return keyError(ErrorType::NotFound, QStringLiteral("missing"), path,
                            QStringLiteral("does not exist (make one with `servedeck plane-key new FILE`)"));
        return keyError(ErrorType::StorageError, QStringLiteral("io"), path, systemError(code));
    }
    struct stat info {};
    if (::fstat(file.fd, &info) != 0)
        return keyError(ErrorType::StorageError, QStringLiteral("io"), path, systemError(errno));
    if (!S_ISREG(info.st_mode))
        return keyError(ErrorType::InvalidArgument, QStringLiteral("not_a_file"), path, QStringLiteral("not a regular file"));
    if ((info.st_mode & 0077) != 0)
        return keyError(ErrorType::InvalidArgument, QStringLiteral("mode"), path,
                        QStringLiteral("permissions 0%1 are broader than 0600 (chmod 600 it)")
                            .arg(info.st_mode & 0777, 3, 8, QLatin1Char('0')));

    QByteArray text(kMaxFileSize + 1, Qt::Uninitialized);
    qsizetype done = 0;
    while (done < text.size()) {
        const ssize_t n = ::read(file.fd, text.data() + done, size_t(text.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int code = errno;
            wipe(text);
            return keyError(ErrorType::StorageError, QStringLiteral("io"), path, systemError(code));
        }
        if (n == 0)
            break;
        done += n;
    }
    text.truncate(done);
    // Strict: exactly the digits, then nothing or one newline. No spaces, no upper case, no prefix.
    const bool wellFormed = (done == kHexSize || (done == kHexSize + 1 && text.at(kHexSize) == '\n'))
        && std::all_of(text.cbegin(), text.cbegin() + kHexSize, isLowerHex);
    if (!wellFormed) {
        wipe(text);
        return keyError(ErrorType::InvalidArgument, QStringLiteral("format"), path,
                        QStringLiteral("expected one line of %1 lowercase hexadecimal digits (%2 bytes)")
                            .arg(kHexSize)
                            .arg(KeySize));
    }
    QByteArray key = QByteArray::fromHex(text.left(kHexSize));
    wipe(text);
    return key;
}

Result<QByteArray> PlaneKey::create(const QString &path)
{
    if (path.isEmpty())
        return makeError(ErrorType::InvalidArgument, QStringLiteral("the plane key file path is empty"),
                         QJsonObject{{QStringLiteral("reason"), QStringLiteral("path")}});
    QByteArray key(KeySize, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(key.data()), int(key.size())) != 1)
        return keyError(ErrorType::StorageError, QStringLiteral("random"), path, QStringLiteral("no random bytes available"));
    QByteArray text = encode(key);
    auto created = SecretFile::create(path, text);
    wipe(text);
    if (!created) {
        wipe(key);
        return makeError(created.error().type, QStringLiteral("plane key file ") + created.error().message,
                         created.error().details);
    }
    return key;
}

} // namespace ServeDeck
