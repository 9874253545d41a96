// The shared plane's secrets (plane_secrets): sealed bytes written once and read back, never
// replaced, so the first console's secrets are every console's.
#include "repository.h"

#include <QSqlQuery>

#include "sqlvalue.h"

namespace ServeDeck {

namespace {

using SqlValue::fromMs;
using SqlValue::ms;
using SqlValue::nonNullText;

// The schema's CHECK says the same; checked here too so a bad row is InvalidArgument, not a
// driver's constraint message.
constexpr qsizetype kMaxNameSize = 128;
// Far above a sealed PEM key and certificate: a row bigger than this is not one of ours.
constexpr qsizetype kMaxSealedSize = 1024 * 1024;

Result<QSqlQuery> exec(const QString &connection, const QString &sql, const QVariantList &binds = {})
{
    return SqlValue::exec(connection, QStringLiteral("plane secrets"), sql, binds);
}

} // namespace

Result<bool> Repository::insertPlaneSecret(const PlaneSecretRecord &secret)
{
    if (secret.name.isEmpty() || secret.name.size() > kMaxNameSize)
        return makeError(ErrorType::InvalidArgument, QStringLiteral("a plane secret's name is 1 to %1 characters").arg(kMaxNameSize));
    if (secret.nonce.isEmpty() || secret.ciphertext.isEmpty() || secret.nonce.size() > kMaxSealedSize
        || secret.ciphertext.size() > kMaxSealedSize || !secret.createdAt.isValid())
        return makeError(ErrorType::InvalidArgument, QStringLiteral("plane secret %1: not a sealed secret").arg(secret.name));
    // The first writer wins: two consoles starting at once both insert, one row stays, and both
    // read that one back. Never DO UPDATE: a console with the wrong key must not replace anything.
    auto q = exec(m_connectionName,
                  QStringLiteral("INSERT INTO plane_secrets(name, nonce, ciphertext, created_at, created_by)"
                                 " VALUES(?,?,?,?,?) ON CONFLICT (name) DO NOTHING"),
                  {secret.name, secret.nonce, secret.ciphertext, ms(secret.createdAt), nonNullText(secret.createdBy)});
    if (!q)
        return q.error();
    return q->numRowsAffected() == 1;
}

Result<std::optional<PlaneSecretRecord>> Repository::planeSecret(const QString &name)
{
    auto q = exec(m_connectionName,
                  QStringLiteral("SELECT name, nonce, ciphertext, created_at, created_by FROM plane_secrets WHERE name = ?"),
                  {name});
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<PlaneSecretRecord>();
    PlaneSecretRecord out;
    out.name = q->value(0).toString();
    out.nonce = q->value(1).toByteArray();
    out.ciphertext = q->value(2).toByteArray();
    out.createdAt = fromMs(q->value(3));
    out.createdBy = q->value(4).toString();
    if (out.nonce.size() > kMaxSealedSize || out.ciphertext.size() > kMaxSealedSize)
        return makeError(ErrorType::InvalidArgument, QStringLiteral("plane secret %1: the stored row is too large").arg(name));
    return std::optional<PlaneSecretRecord>(out);
}

} // namespace ServeDeck
