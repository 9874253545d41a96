#include "signingkeyfile.h"

#include <utility>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>

#include <openssl/rand.h>

#include "auth/secretfile.h"

namespace ServeDeck {

namespace {

constexpr QFileDevice::Permissions kOwnerReadWrite = QFileDevice::ReadOwner | QFileDevice::WriteOwner;

ServiceError keyError(ErrorType type, const QString &path, const QString &what)
{
    return makeError(type, QStringLiteral("signing key file %1: %2").arg(QDir::toNativeSeparators(path), what),
                     QJsonObject{{QStringLiteral("path"), path}});
}

#ifdef Q_OS_UNIX
// Only the owner bits matter: the "User" flags describe the current process,
// not what the file grants to others.
bool broaderThanOwnerReadWrite(QFileDevice::Permissions permissions)
{
    constexpr QFileDevice::Permissions anyOwnerGroupOther = QFileDevice::ReadOwner | QFileDevice::WriteOwner
        | QFileDevice::ExeOwner | QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup
        | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;
    return (permissions & anyOwnerGroupOther & ~kOwnerReadWrite) != 0;
}

QString octal(QFileDevice::Permissions permissions)
{
    int mode = 0;
    const std::pair<QFileDevice::Permission, int> bits[] = {
        {QFileDevice::ReadOwner, 0400}, {QFileDevice::WriteOwner, 0200}, {QFileDevice::ExeOwner, 0100},
        {QFileDevice::ReadGroup, 040},  {QFileDevice::WriteGroup, 020},  {QFileDevice::ExeGroup, 010},
        {QFileDevice::ReadOther, 04},   {QFileDevice::WriteOther, 02},   {QFileDevice::ExeOther, 01},
    };
    for (const auto &[flag, bit] : bits) {
        if (permissions.testFlag(flag))
            mode |= bit;
    }
    return QStringLiteral("0%1").arg(mode, 3, 8, QLatin1Char('0'));
}
#endif

Result<QByteArray> load(const QString &path, const QFileInfo &info)
{
    if (!info.isFile())
        return keyError(ErrorType::InvalidArgument, path, QStringLiteral("not a regular file"));
#ifdef Q_OS_UNIX
    // Mode bits are what protect the key on Unix; elsewhere Qt's permission
    // flags do not reflect ACLs, so the check would only produce false alarms.
    if (broaderThanOwnerReadWrite(info.permissions())) {
        return keyError(ErrorType::InvalidArgument, path,
                        QStringLiteral("permissions %1 are broader than 0600").arg(octal(info.permissions())));
    }
#endif
    if (info.size() != SigningKeyFile::KeySize) {
        return keyError(ErrorType::InvalidArgument, path,
                        QStringLiteral("%1 bytes, expected %2").arg(info.size()).arg(SigningKeyFile::KeySize));
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return keyError(ErrorType::StorageError, path, file.errorString());
    QByteArray key = file.read(SigningKeyFile::KeySize + 1);
    // Re-checked after reading: the file may have changed since the stat.
    if (key.size() != SigningKeyFile::KeySize) {
        return keyError(ErrorType::InvalidArgument, path,
                        QStringLiteral("%1 bytes, expected %2").arg(key.size()).arg(SigningKeyFile::KeySize));
    }
    return key;
}

Result<QByteArray> create(const QString &path)
{
    QByteArray key(SigningKeyFile::KeySize, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(key.data()), static_cast<int>(key.size())) != 1)
        return keyError(ErrorType::StorageError, path, QStringLiteral("no random bytes available"));

    // Private from its first byte: no window in which the key is readable by others.
    if (auto created = SecretFile::create(path, key); !created)
        return makeError(created.error().type, QStringLiteral("signing key file ") + created.error().message,
                         created.error().details);
    return key;
}

} // namespace

Result<QByteArray> SigningKeyFile::loadOrCreate(const QString &path)
{
    if (path.isEmpty())
        return makeError(ErrorType::InvalidArgument, QStringLiteral("signing key file path is empty"));
    const QFileInfo info(path);
    // exists() follows symlinks; a dangling link is "absent" to it but must not
    // be written through, so it is reported instead of created.
    if (info.isSymLink() && !info.exists())
        return keyError(ErrorType::InvalidArgument, path, QStringLiteral("dangling symbolic link"));
    return info.exists() ? load(path, info) : create(path);
}

} // namespace ServeDeck
