#include "agentadmission.h"

#include <algorithm>

#include <QCryptographicHash>
#include <QRegularExpression>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "agent/agentlog.h"

namespace ServeDeck {

namespace {

constexpr int kSecretBytes = 32;
// 32 bytes in base64url without padding.
constexpr qsizetype kCredentialLength = 43;

QByteArray sha256(const QByteArray &credential)
{
    return QCryptographicHash::hash(credential, QCryptographicHash::Sha256);
}

ServiceError refused(const QString &reason)
{
    return makeError(ErrorType::Unauthorized, reason);
}

} // namespace

bool AgentAdmission::isValidAgentId(const QString &agentId)
{
    static const QRegularExpression grammar(QStringLiteral("\\A[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}\\z"));
    return grammar.match(agentId).hasMatch();
}

bool AgentAdmission::isWellFormedCredential(const QByteArray &credential)
{
    return credential.size() == kCredentialLength && std::all_of(credential.begin(), credential.end(), [](char c) {
               return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
           });
}

Result<std::optional<AgentCredential>> AgentAdmission::find(const QString &agentId)
{
    if (m_store.find)
        return m_store.find(agentId);
    const auto it = m_inMemory.constFind(agentId);
    return it == m_inMemory.cend() ? std::optional<AgentCredential>() : std::optional<AgentCredential>(*it);
}

Result<QByteArray> AgentAdmission::admitNewAgent(const QString &agentId)
{
    auto existing = find(agentId);
    if (!existing)
        return existing.error();
    if (*existing) {
        // The join token is shared by every agent: with it alone nobody may become one that joined.
        if ((*existing)->isRevoked())
            return refused(QStringLiteral("agent credential revoked"));
        return refused(QStringLiteral("agent %1 has joined before: it must present its own credential").arg(agentId));
    }
    QByteArray secret(kSecretBytes, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(secret.data()), kSecretBytes) != 1)
        return makeError(ErrorType::StorageError, QStringLiteral("no random bytes for an agent credential"));
    const QByteArray credential = secret.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    const AgentCredential record{agentId, sha256(credential), QDateTime::currentDateTimeUtc(), std::nullopt};
    if (m_store.insert) {
        if (auto stored = m_store.insert(record); !stored)
            return stored.error();
    } else {
        m_inMemory.insert(agentId, record);
    }
    qCInfo(lcAgent, "agent %s joined with the join token and was issued its own credential", qPrintable(agentId));
    return credential;
}

Result<Done> AgentAdmission::admitReturningAgent(const QString &agentId, const QByteArray &credential)
{
    auto existing = find(agentId);
    if (!existing)
        return existing.error();
    // Compared as hashes, in constant time: the timing tells nothing about how close a guess came.
    const QByteArray given = sha256(credential);
    const bool matches = *existing && isWellFormedCredential(credential) && (*existing)->secretSha256.size() == given.size()
        && CRYPTO_memcmp(given.constData(), (*existing)->secretSha256.constData(), size_t(given.size())) == 0;
    if (!matches)
        return refused(QStringLiteral("wrong credential"));
    if ((*existing)->isRevoked())
        return refused(QStringLiteral("agent credential revoked"));
    return Done{};
}

} // namespace ServeDeck
