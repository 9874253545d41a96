#pragma once

#include <optional>

#include <QByteArray>
#include <QDateTime>
#include <QHostAddress>
#include <QString>

#include "auth/tokenclaims.h"

namespace ServeDeck {

// Signs and verifies endpoint access tokens: compact HS256 JWTs
// (header.payload.signature, base64url without padding).
class TokenSigner
{
public:
    static constexpr qsizetype MinimumKeySize = 32;

    // A key shorter than MinimumKeySize makes a signer that fails closed:
    // sign() returns an empty token and verify() rejects everything.
    explicit TokenSigner(QByteArray key);
    bool isValid() const { return m_key.size() >= MinimumKeySize; }

    // Does not validate claims.allowedIps: issue-time code checks them with IpAllowlist.
    QByteArray sign(const TokenClaims &claims) const;

    enum class Rejection { Malformed, BadSignature, Expired, WrongEndpoint, WrongScope, AddressNotAllowed };
    // claims is set only when the token is accepted; reason says why not otherwise.
    struct Verdict
    {
        std::optional<TokenClaims> claims;
        std::optional<Rejection> rejection;
        QString reason;

        bool accepted() const { return claims.has_value() && !rejection; }
    };

    // Checks, in order: structure and base64url/JSON (Malformed), alg == "HS256"
    // and the HMAC (BadSignature; "none" and every other alg included), then
    // the claims: exp vs now, sub vs endpointId, scope vs required, peer vs ips.
    Verdict verify(const QByteArray &token, const QString &endpointId, TokenScope required,
                   const QHostAddress &peer, const QDateTime &now) const;

    static QString rejectionName(Rejection rejection);
    // OpenSSL keeps state per thread that verifies (its error queue, fetched algorithms). A
    // thread that ends calls this first, so the state is freed in that thread before it is
    // joined, not by a thread-exit destructor that can race the process's own exit.
    static void releaseThreadState();

private:
    QByteArray m_key;
};

} // namespace ServeDeck
