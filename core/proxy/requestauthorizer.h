#pragma once

#include <memory>
#include <optional>

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QSet>
#include <QString>

#include "auth/tokensigner.h"
#include "domain/clock.h"
#include "http/proxyhttp.h"
#include "proxy/routestats.h"

namespace ServeDeck {

// The token check of a request for a private endpoint: a bearer token signed by the proxy's
// key, for this endpoint, with the inference scope, from an allowed address, not expired and
// not revoked. Refused: 401 (no genuine, valid token) or 403 (a genuine one, not for this).
//
// A token that passed is remembered (by its exact bytes, the endpoint and the peer, the whole
// input of the signer's verdict besides the time) until it expires, and never longer than
// MaxCachedSeconds: the next request with it skips the HMAC and the JSON of its payload.
// Revocation is checked on every request, cached or not, against the set passed in. One
// authorizer per worker thread: the cache has no lock.
class RequestAuthorizer
{
public:
    // Bounds one worker's cache: a full cache drops an entry for each new one.
    static constexpr qsizetype MaxCachedTokens = 4096;
    // A cached verdict is re-checked at least this often, even for a token that never expires.
    static constexpr qint64 MaxCachedSeconds = 60;

    // signer may be null: then every request is refused. clock: token expiry is wall-clock
    // time (exp); tests move a manual one.
    explicit RequestAuthorizer(std::shared_ptr<const TokenSigner> signer, const Clock &clock = Clock::system());

    struct Refusal
    {
        RejectReason reason;  // Unauthorized or Forbidden
        LocalResponse response;
    };
    // revokedTokenIds: of the current snapshot, or null. No refusal: the request may pass, and
    // tokenId (when given) is set to the token's id.
    std::optional<Refusal> check(const QString &endpointId, const QSet<QString> *revokedTokenIds,
                                 const HeaderList &headers, const QHostAddress &peer,
                                 QString *tokenId = nullptr) const;

    // Tokens remembered now, and checks answered from them: for tests.
    qsizetype cachedTokens() const { return m_cache.size(); }
    quint64 cacheHits() const { return m_cacheHits; }

private:
    struct CacheKey
    {
        QByteArray token;
        QString endpointId;
        QHostAddress peer;

        friend bool operator==(const CacheKey &, const CacheKey &) = default;
        friend size_t qHash(const CacheKey &key, size_t seed = 0)
        {
            return qHashMulti(seed, key.token, key.endpointId, key.peer);
        }
    };
    struct CacheEntry
    {
        QString tokenId;
        qint64 cachedAtMs = 0;    // on m_clock
        qint64 validUntilMs = 0;  // the token's exp, or cachedAtMs + MaxCachedSeconds if sooner
    };

    std::shared_ptr<const TokenSigner> m_signer;
    const Clock &m_clock;
    // check() is const to its callers; the cache is an invisible memo of the signer's verdicts.
    mutable QHash<CacheKey, CacheEntry> m_cache;
    mutable quint64 m_cacheHits = 0;
};

} // namespace ServeDeck
