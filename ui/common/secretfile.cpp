#include "secretfile.h"

#include <QFile>

namespace ServeDeck {

Result<Done> writeSecretFile(const QString &path, const QByteArray &secret)
{
    const auto failed = [&path](const QString &why) {
        return makeError(ErrorType::StorageError, QStringLiteral("cannot write %1: %2").arg(path, why),
                         {{QStringLiteral("file"), path}});
    };
    constexpr QFile::Permissions ownerOnly = QFile::ReadOwner | QFile::WriteOwner;
    if (QFile::exists(path) && !QFile::remove(path))
        return failed(QStringLiteral("the existing file cannot be replaced"));
    QFile file(path);
    // NewOnly: open(2) with O_EXCL and mode 0600, so nobody else can have the file open already.
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, ownerOnly))
        return failed(file.errorString());
    // The umask can only narrow the mode; this makes it exactly 0600 before any byte is written.
    if (!file.setPermissions(ownerOnly) || file.write(secret + '\n') != secret.size() + 1 || !file.flush()) {
        const QString why = file.errorString();
        file.close();
        QFile::remove(path);
        return failed(why);
    }
    file.close();
    return Done{};
}

} // namespace ServeDeck
