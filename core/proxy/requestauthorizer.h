#pragma once

#include <memory>
#include <optional>

#include <QHostAddress>
#include <QSet>
#include <QString>

#include "auth/tokensigner.h"
#include "http/proxyhttp.h"
#include "proxy/routestats.h"

namespace ServeDeck {

// The token check of a request for a private endpoint: a bearer token signed by the proxy's
// key, for this endpoint, with the inference scope, from an allowed address, not expired and
// not revoked. Refused: 401 (no genuine, valid token) or 403 (a genuine one, not for this).
class RequestAuthorizer
{
public:
    // signer may be null: then every request is refused.
    explicit RequestAuthorizer(std::shared_ptr<const TokenSigner> signer);

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

private:
    std::shared_ptr<const TokenSigner> m_signer;
};

} // namespace ServeDeck
