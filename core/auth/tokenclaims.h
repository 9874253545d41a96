#pragma once

#include <optional>

#include <QDateTime>
#include <QString>
#include <QStringList>

namespace ServeDeck {

// What a token lets its bearer do on one endpoint. Admin satisfies every
// requirement; inference and read-only only satisfy themselves.
enum class TokenScope { Inference, ReadOnly, Admin };

inline QString tokenScopeName(TokenScope scope)
{
    switch (scope) {
    case TokenScope::Inference: return QStringLiteral("inference");
    case TokenScope::ReadOnly: return QStringLiteral("read-only");
    case TokenScope::Admin: return QStringLiteral("admin");
    }
    return QString();
}

inline std::optional<TokenScope> tokenScopeFromName(const QString &name)
{
    for (const TokenScope scope : {TokenScope::Inference, TokenScope::ReadOnly, TokenScope::Admin}) {
        if (name == tokenScopeName(scope))
            return scope;
    }
    return std::nullopt;
}

// The claims carried in an endpoint access token (JWT payload:
// jti, sub, scope, iat, exp, ips, iss).
struct TokenClaims
{
    QString tokenId;                      // jti: UUID without braces
    QString endpointId;                   // sub
    TokenScope scope = TokenScope::Inference;
    QDateTime issuedAt;                   // iat: UTC, whole seconds
    std::optional<QDateTime> expiresAt;   // exp: none = never expires
    QStringList allowedIps;               // ips: CIDRs, empty = any address

    friend bool operator==(const TokenClaims &, const TokenClaims &) = default;
};

} // namespace ServeDeck
