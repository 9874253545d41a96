#include "tokensigner.h"

#include <cstddef>
#include <limits>
#include <utility>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QList>
#include <QLoggingCategory>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "auth/ipallowlist.h"

namespace ServeDeck {

namespace {

Q_LOGGING_CATEGORY(lcToken, "servedeck.auth.token")

constexpr auto kBase64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
const QString kIssuer = QStringLiteral("servedeck");
const QString kAlgorithm = QStringLiteral("HS256");
// Far above any token we issue (a few hundred bytes); bounds the work an
// unauthenticated caller can make us do.
constexpr qsizetype kMaxTokenSize = 8 * 1024;
constexpr int kSignatureSize = 32; // SHA-256

QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(kBase64Url);
}

// Strict base64url: Qt's decoder tolerates padding and non-zero trailing bits,
// so several strings would decode to the same bytes. Requiring the canonical
// encoding keeps a token's text unique (no equivalent variants of one token).
std::optional<QByteArray> fromBase64Url(const QByteArray &text)
{
    auto decoded = QByteArray::fromBase64Encoding(
        text, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || base64Url(decoded.decoded) != text)
        return std::nullopt;
    return std::move(decoded.decoded);
}

std::optional<QJsonObject> jsonObject(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

QByteArray hmacSha256(const QByteArray &key, const QByteArray &data)
{
    QByteArray mac(EVP_MAX_MD_SIZE, Qt::Uninitialized);
    unsigned int macSize = 0;
    if (!HMAC(EVP_sha256(), key.constData(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char *>(data.constData()),
              static_cast<size_t>(data.size()), reinterpret_cast<unsigned char *>(mac.data()),
              &macSize)) {
        return {};
    }
    mac.truncate(static_cast<qsizetype>(macSize));
    return mac;
}

// NumericDate: whole seconds since the epoch, non-negative.
std::optional<qint64> numericDate(const QJsonValue &value)
{
    constexpr qint64 invalid = std::numeric_limits<qint64>::min();
    if (!value.isDouble())
        return std::nullopt;
    const qint64 seconds = value.toInteger(invalid);
    if (seconds == invalid || seconds < 0)
        return std::nullopt;
    return seconds;
}

bool scopeSatisfies(TokenScope granted, TokenScope required)
{
    return granted == TokenScope::Admin || granted == required;
}

TokenSigner::Verdict reject(TokenSigner::Rejection rejection, QString reason)
{
    return TokenSigner::Verdict{std::nullopt, rejection, std::move(reason)};
}

TokenSigner::Verdict malformed(const QString &what)
{
    return reject(TokenSigner::Rejection::Malformed, QStringLiteral("malformed token: ") + what);
}

} // namespace

TokenSigner::TokenSigner(QByteArray key) : m_key(std::move(key))
{
    if (!isValid())
        qCWarning(lcToken, "token signing key is %lld bytes, need at least %lld; all tokens will be refused",
                  static_cast<long long>(m_key.size()), static_cast<long long>(MinimumKeySize));
}

QByteArray TokenSigner::sign(const TokenClaims &claims) const
{
    if (!isValid())
        return {};

    const QJsonObject header{{QStringLiteral("alg"), kAlgorithm}, {QStringLiteral("typ"), QStringLiteral("JWT")}};
    QJsonObject payload{
        {QStringLiteral("jti"), claims.tokenId},
        {QStringLiteral("sub"), claims.endpointId},
        {QStringLiteral("scope"), tokenScopeName(claims.scope)},
        {QStringLiteral("iat"), claims.issuedAt.toSecsSinceEpoch()},
        {QStringLiteral("iss"), kIssuer},
    };
    if (claims.expiresAt)
        payload.insert(QStringLiteral("exp"), claims.expiresAt->toSecsSinceEpoch());
    if (!claims.allowedIps.isEmpty())
        payload.insert(QStringLiteral("ips"), QJsonArray::fromStringList(claims.allowedIps));

    const QByteArray signingInput = base64Url(QJsonDocument(header).toJson(QJsonDocument::Compact))
        + '.' + base64Url(QJsonDocument(payload).toJson(QJsonDocument::Compact));
    const QByteArray mac = hmacSha256(m_key, signingInput);
    if (mac.isEmpty())
        return {};
    return signingInput + '.' + base64Url(mac);
}

TokenSigner::Verdict TokenSigner::verify(const QByteArray &token, const QString &endpointId,
                                         TokenScope required, const QHostAddress &peer,
                                         const QDateTime &now) const
{
    // --- Structure. Nothing from the payload is trusted before the HMAC checks out.
    if (token.size() > kMaxTokenSize)
        return malformed(QStringLiteral("too long"));
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3)
        return malformed(QStringLiteral("expected 3 dot-separated parts, got %1").arg(parts.size()));
    const std::optional<QByteArray> headerJson = fromBase64Url(parts[0]);
    const std::optional<QByteArray> payloadJson = fromBase64Url(parts[1]);
    const std::optional<QByteArray> signature = fromBase64Url(parts[2]);
    if (!headerJson || !payloadJson || !signature)
        return malformed(QStringLiteral("invalid base64url"));
    const std::optional<QJsonObject> header = jsonObject(*headerJson);
    if (!header)
        return malformed(QStringLiteral("header is not a JSON object"));

    // --- Algorithm and signature. The alg is pinned, never taken from the token:
    // that is what stops "none" and algorithm-confusion forgeries.
    const QJsonValue alg = header->value(QStringLiteral("alg"));
    if (alg.toString() != kAlgorithm) {
        return reject(Rejection::BadSignature,
                      QStringLiteral("algorithm '%1' is not accepted, only HS256")
                          .arg(alg.isString() ? alg.toString() : QStringLiteral("(missing)")));
    }
    if (!isValid())
        return reject(Rejection::BadSignature, QStringLiteral("no usable signing key"));
    const QByteArray expected = hmacSha256(m_key, parts[0] + '.' + parts[1]);
    if (expected.size() != kSignatureSize || signature->size() != kSignatureSize
        || CRYPTO_memcmp(expected.constData(), signature->constData(), kSignatureSize) != 0) {
        return reject(Rejection::BadSignature, QStringLiteral("signature does not match"));
    }

    // --- Claims. A validly signed token with bad claims can only come from a
    // buggy issuer, but still must not be half-accepted.
    const std::optional<QJsonObject> payload = jsonObject(*payloadJson);
    if (!payload)
        return malformed(QStringLiteral("payload is not a JSON object"));

    TokenClaims claims;
    if (payload->value(QStringLiteral("iss")).toString() != kIssuer)
        return malformed(QStringLiteral("issuer is not servedeck"));
    claims.tokenId = payload->value(QStringLiteral("jti")).toString();
    claims.endpointId = payload->value(QStringLiteral("sub")).toString();
    if (claims.tokenId.isEmpty() || claims.endpointId.isEmpty())
        return malformed(QStringLiteral("missing jti or sub"));
    const std::optional<TokenScope> scope = tokenScopeFromName(payload->value(QStringLiteral("scope")).toString());
    if (!scope)
        return malformed(QStringLiteral("unknown scope"));
    claims.scope = *scope;
    const std::optional<qint64> iat = numericDate(payload->value(QStringLiteral("iat")));
    if (!iat)
        return malformed(QStringLiteral("missing or invalid iat"));
    claims.issuedAt = QDateTime::fromSecsSinceEpoch(*iat, Qt::UTC);
    std::optional<qint64> exp;
    if (payload->contains(QStringLiteral("exp"))) {
        exp = numericDate(payload->value(QStringLiteral("exp")));
        if (!exp)
            return malformed(QStringLiteral("invalid exp"));
        claims.expiresAt = QDateTime::fromSecsSinceEpoch(*exp, Qt::UTC);
    }
    IpAllowlist allowlist;
    if (payload->contains(QStringLiteral("ips"))) {
        const QJsonValue ips = payload->value(QStringLiteral("ips"));
        if (!ips.isArray())
            return malformed(QStringLiteral("ips is not an array"));
        const QJsonArray ipArray = ips.toArray();
        for (const QJsonValue &ip : ipArray) {
            if (!ip.isString())
                return malformed(QStringLiteral("ips entry is not a string"));
            claims.allowedIps.append(ip.toString());
        }
        Result<IpAllowlist> parsed = IpAllowlist::parse(claims.allowedIps);
        if (!parsed)
            return malformed(parsed.error().message);
        allowlist = std::move(parsed).value();
    }

    // --- Authorisation against this request.
    // RFC 7519: the token must not be accepted on or after exp.
    // An invalid `now` counts as expired: fail closed rather than compare garbage.
    if (exp && (!now.isValid() || now.toSecsSinceEpoch() >= *exp)) {
        return reject(Rejection::Expired,
                      QStringLiteral("token expired at %1").arg(claims.expiresAt->toString(Qt::ISODate)));
    }
    if (claims.endpointId != endpointId) {
        return reject(Rejection::WrongEndpoint,
                      QStringLiteral("token is for endpoint '%1', not '%2'").arg(claims.endpointId, endpointId));
    }
    if (!scopeSatisfies(claims.scope, required)) {
        return reject(Rejection::WrongScope, QStringLiteral("token scope '%1' does not allow '%2'")
                                                 .arg(tokenScopeName(claims.scope), tokenScopeName(required)));
    }
    if (!allowlist.allows(peer)) {
        return reject(Rejection::AddressNotAllowed,
                      QStringLiteral("address %1 is not in the token's allowed_ips")
                          .arg(peer.isNull() ? QStringLiteral("(unknown)") : peer.toString()));
    }
    return Verdict{std::move(claims), std::nullopt, QString()};
}

QString TokenSigner::rejectionName(Rejection rejection)
{
    switch (rejection) {
    case Rejection::Malformed: return QStringLiteral("Malformed");
    case Rejection::BadSignature: return QStringLiteral("BadSignature");
    case Rejection::Expired: return QStringLiteral("Expired");
    case Rejection::WrongEndpoint: return QStringLiteral("WrongEndpoint");
    case Rejection::WrongScope: return QStringLiteral("WrongScope");
    case Rejection::AddressNotAllowed: return QStringLiteral("AddressNotAllowed");
    }
    return QStringLiteral("Unknown");
}

void TokenSigner::releaseThreadState()
{
    OPENSSL_thread_stop();
}

} // namespace ServeDeck
