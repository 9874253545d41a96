#include "trybodystore.h"

#include <algorithm>

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace ServeDeck {

namespace {

// What the bounds above allow, with room for JSON's escapes; a larger file is not ours.
constexpr qint64 kMaxFileBytes = qint64(TryBodyStore::kMaxEndpoints) * TryBodyStore::kMaxBodyBytes * 2 + 65536;
const QString kBody = QStringLiteral("body");
const QString kAt = QStringLiteral("at");

QJsonObject readAll(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly) || f.size() > kMaxFileBytes)
        return {};
    return QJsonDocument::fromJson(f.read(kMaxFileBytes)).object();
}

} // namespace

TryBodyStore::TryBodyStore(const QString &dataDir)
    : m_path(QDir(dataDir).filePath(QStringLiteral("try-bodies.json")))
{
}

QByteArray TryBodyStore::lastBody(const QString &endpoint) const
{
    const QString body = readAll(m_path).value(endpoint).toObject().value(kBody).toString();
    return body.size() <= kMaxBodyBytes ? body.toUtf8() : QByteArray();
}

Result<Done> TryBodyStore::remember(const QString &endpoint, const QByteArray &body)
{
    if (endpoint.isEmpty() || body.size() > kMaxBodyBytes)
        return Done{};
    QJsonObject all = readAll(m_path);
    all.insert(endpoint, QJsonObject{{kBody, QString::fromUtf8(body)}, {kAt, QDateTime::currentMSecsSinceEpoch()}});
    // The oldest go first once there are too many.
    while (all.size() > kMaxEndpoints) {
        auto oldest = all.begin();
        for (auto it = all.begin(); it != all.end(); ++it) {
            if (it.value().toObject().value(kAt).toInteger() < oldest.value().toObject().value(kAt).toInteger())
                oldest = it;
        }
        all.erase(oldest);
    }
    QSaveFile f(m_path);
    if (!f.open(QIODevice::WriteOnly) || !f.setPermissions(QFile::ReadOwner | QFile::WriteOwner)
        || f.write(QJsonDocument(all).toJson(QJsonDocument::Compact)) < 0 || !f.commit())
        return makeError(ErrorType::StorageError, QStringLiteral("cannot write %1: %2").arg(m_path, f.errorString()));
    return Done{};
}

} // namespace ServeDeck
