// ModelServingService: inference tokens: issue, list, revoke.
#include "modelservingservice.h"
#include "modelservingservice_p.h"

#include "auth/ipallowlist.h"
#include "auth/tokenclaims.h"
#include "auth/tokensigner.h"
#include "domain/clock.h"
#include "store/repository.h"

namespace ServeDeck {

using namespace detail;

namespace {

constexpr qint64 kMaxTokenExpirySeconds = qint64(10) * 365 * 24 * 3600;

} // namespace

Result<GeneratedToken> ModelServingService::generateToken(const QString &ref, const TokenRequest &request)
{
    const auto scope = tokenScopeFromName(request.scope);
    if (!scope)
        return invalid(QStringLiteral("scope"),
                       QStringLiteral("'%1' is not one of inference, read-only, admin").arg(request.scope));
    if (request.expirySeconds && (*request.expirySeconds <= 0 || *request.expirySeconds > kMaxTokenExpirySeconds))
        return invalid(QStringLiteral("expiry"),
                       QStringLiteral("must be null (no expiry) or between 1 and %1 seconds").arg(kMaxTokenExpirySeconds));
    auto allowlist = IpAllowlist::parse(request.allowedIps);
    if (!allowlist)
        return allowlist.error();
    auto generated = m_repository.transaction<GeneratedToken>([&]() -> Result<GeneratedToken> {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        if (!endpoint->isLive())
            return makeError(ErrorType::InvalidArgument,
                             QStringLiteral("endpoint '%1' is %2").arg(endpoint->name, lifecycleName(endpoint->lifecycle)));
        TokenClaims claims;
        claims.tokenId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        claims.endpointId = idText(endpoint->id);
        claims.scope = *scope;
        const QDateTime now = m_clock.now();
        claims.issuedAt = now.addMSecs(-now.time().msec());
        if (request.expirySeconds)
            claims.expiresAt = claims.issuedAt.addSecs(*request.expirySeconds);
        claims.allowedIps = allowlist->toStringList();

        GeneratedToken out;
        out.token = m_signer.sign(claims);
        out.grant = TokenGrant{claims.tokenId, endpoint->id, tokenScopeName(*scope), claims.expiresAt,
                               claims.allowedIps, claims.issuedAt, std::nullopt};
        if (auto r = m_repository.insertTokenGrant(out.grant); !r)
            return r.error();
        return out;
    });
    if (generated)
        Q_EMIT tokensChanged(generated->grant.endpointId);
    return generated;
}

Result<QList<TokenGrant>> ModelServingService::listTokens(const QString &ref)
{
    auto endpoint = resolve(ref);
    if (!endpoint)
        return endpoint.error();
    return m_repository.tokenGrants(endpoint->id);
}

Result<TokenGrant> ModelServingService::revokeToken(const QString &ref, const QString &tokenId)
{
    auto revoked = m_repository.transaction<TokenGrant>([&]() -> Result<TokenGrant> {
        auto grants = listTokens(ref);
        if (!grants)
            return grants.error();
        auto it = std::find_if(grants->begin(), grants->end(), [&](const TokenGrant &g) { return g.id == tokenId; });
        if (it == grants->end())
            return makeError(ErrorType::NotFound, QStringLiteral("token %1 not found").arg(tokenId));
        TokenGrant grant = *it;
        if (!grant.revokedAt) {
            grant.revokedAt = m_clock.now();
            if (auto r = m_repository.revokeTokenGrant(tokenId, *grant.revokedAt); !r)
                return r.error();
        }
        return grant;
    });
    if (revoked)
        Q_EMIT tokensChanged(revoked->endpointId);
    return revoked;
}

} // namespace ServeDeck
