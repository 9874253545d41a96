#include "proxy/requestauthorizer.h"

#include <utility>

#include <QDateTime>

#include "domain/serviceerror.h"

namespace ServeDeck {

RequestAuthorizer::RequestAuthorizer(std::shared_ptr<const TokenSigner> signer, const Clock &clock)
    : m_signer(std::move(signer))
    , m_clock(clock)
{
}

std::optional<RequestAuthorizer::Refusal> RequestAuthorizer::check(const QString &endpointId,
                                                                   const QSet<QString> *revokedTokenIds,
                                                                   const HeaderList &headers,
                                                                   const QHostAddress &peer,
                                                                   QString *tokenId) const
{
    const auto refuse = [](RejectReason reason, const QString &message, const QString &why) {
        const bool forbidden = reason == RejectReason::Forbidden;
        LocalResponse response =
            ProxyHttp::errorResponse(forbidden ? 403 : 401,
                                     errorTypeName(forbidden ? ErrorType::Forbidden : ErrorType::Unauthorized), message,
                                     {{QStringLiteral("reason"), why}});
        if (!forbidden)
            response.headers.emplaceBack(QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer realm=\"servedeck\""));
        return Refusal{reason, std::move(response)};
    };

    const QByteArrayView authorization = ProxyHttp::headerValue(headers, "authorization").trimmed();
    const bool bearer = authorization.size() > 7 && ProxyHttp::equalsIgnoringCase(authorization.first(7), "bearer ");
    const QByteArrayView token = bearer ? authorization.sliced(7).trimmed() : QByteArrayView();
    if (token.isEmpty()) {
        return refuse(RejectReason::Unauthorized,
                      QStringLiteral("this endpoint requires a token: Authorization: Bearer <token>"),
                      QStringLiteral("Missing"));
    }
    if (!m_signer) {
        return refuse(RejectReason::Unauthorized, QStringLiteral("this proxy has no key to verify tokens with"),
                      QStringLiteral("NoSigner"));
    }

    const QDateTime now = m_clock.now();
    const qint64 nowMs = now.isValid() ? now.toMSecsSinceEpoch() : 0;
    // A view of the request's bytes for the look-up; an entry keeps its own copy.
    CacheKey key{QByteArray::fromRawData(token.data(), token.size()), endpointId, peer};
    QString verifiedId;
    if (const auto cached = m_cache.find(key); cached != m_cache.end()) {
        // A clock set back before the entry was made does not extend it.
        if (now.isValid() && nowMs >= cached->cachedAtMs && nowMs < cached->validUntilMs) {
            verifiedId = cached->tokenId;
            ++m_cacheHits;
        } else {
            m_cache.erase(cached);  // expired, or due for a fresh check: the signer decides again
        }
    }

    const bool fromCache = !verifiedId.isEmpty();
    if (!fromCache) {
        const TokenSigner::Verdict verdict =
            m_signer->verify(token.toByteArray(), endpointId, TokenScope::Inference, peer, now);
        if (!verdict.accepted()) {
            const TokenSigner::Rejection rejection = verdict.rejection.value_or(TokenSigner::Rejection::Malformed);
            const QString name = TokenSigner::rejectionName(rejection);
            // The token is genuine but not for this: 403. Not a genuine (or no longer valid) token: 401.
            const bool forbidden = rejection == TokenSigner::Rejection::WrongEndpoint
                || rejection == TokenSigner::Rejection::WrongScope
                || rejection == TokenSigner::Rejection::AddressNotAllowed;
            return refuse(forbidden ? RejectReason::Forbidden : RejectReason::Unauthorized,
                          verdict.reason.isEmpty() ? name : name + QStringLiteral(": ") + verdict.reason, name);
        }
        verifiedId = verdict.claims->tokenId;  // never empty: the signer refuses a token without jti
        if (now.isValid() && (!revokedTokenIds || !revokedTokenIds->contains(verifiedId))) {
            // Accepted at `now`: so until exp, and at most MaxCachedSeconds.
            qint64 validUntilMs = nowMs + MaxCachedSeconds * 1000;
            if (verdict.claims->expiresAt)
                validUntilMs = qMin(validUntilMs, verdict.claims->expiresAt->toMSecsSinceEpoch());
            if (m_cache.size() >= MaxCachedTokens)
                m_cache.erase(m_cache.cbegin());  // any one: the bound matters, not which goes
            key.token = token.toByteArray();
            m_cache.insert(std::move(key), CacheEntry{verifiedId, nowMs, validUntilMs});
        }
    }
    // The revoked set changes with every snapshot, so a remembered token is looked up in it too.
    if (revokedTokenIds && revokedTokenIds->contains(verifiedId)) {
        if (fromCache)
            m_cache.remove(key);
        return refuse(RejectReason::Unauthorized, QStringLiteral("Revoked: the token has been revoked"),
                      QStringLiteral("Revoked"));
    }
    if (tokenId)
        *tokenId = verifiedId;
    return std::nullopt;
}

} // namespace ServeDeck
