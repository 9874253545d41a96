#include "proxy/requestauthorizer.h"

#include <utility>

#include <QDateTime>

#include "domain/serviceerror.h"

namespace ServeDeck {

RequestAuthorizer::RequestAuthorizer(std::shared_ptr<const TokenSigner> signer)
    : m_signer(std::move(signer))
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

    const TokenSigner::Verdict verdict =
        m_signer->verify(token.toByteArray(), endpointId, TokenScope::Inference, peer, QDateTime::currentDateTimeUtc());
    if (!verdict.accepted()) {
        const TokenSigner::Rejection rejection = verdict.rejection.value_or(TokenSigner::Rejection::Malformed);
        const QString name = TokenSigner::rejectionName(rejection);
        // The token is genuine but not for this: 403. Not a genuine (or no longer valid) token: 401.
        const bool forbidden = rejection == TokenSigner::Rejection::WrongEndpoint
            || rejection == TokenSigner::Rejection::WrongScope || rejection == TokenSigner::Rejection::AddressNotAllowed;
        return refuse(forbidden ? RejectReason::Forbidden : RejectReason::Unauthorized,
                      verdict.reason.isEmpty() ? name : name + QStringLiteral(": ") + verdict.reason, name);
    }
    if (revokedTokenIds && revokedTokenIds->contains(verdict.claims->tokenId)) {
        return refuse(RejectReason::Unauthorized, QStringLiteral("Revoked: the token has been revoked"),
                      QStringLiteral("Revoked"));
    }
    if (tokenId)
        *tokenId = verdict.claims->tokenId;
    return std::nullopt;
}

} // namespace ServeDeck
