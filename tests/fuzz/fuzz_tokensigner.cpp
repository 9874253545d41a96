// TokenSigner::verify with a fixed key, as the proxy calls it for every bearer token.
// Byte 0 picks the mode, the scope asked for and the peer address:
//   even: the rest is the token, verified as sent (structure, base64url, header, HMAC);
//   odd:  the rest is "header-json\npayload-json" (or just the payload), encoded and signed
//         here with the key, so the claims checks behind the HMAC are reached too.
#include <cstddef>
#include <cstdint>

#include <QByteArray>
#include <QDateTime>
#include <QHostAddress>
#include <QString>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "auth/tokensigner.h"

using ServeDeck::TokenScope;
using ServeDeck::TokenSigner;

namespace {
volatile size_t sink;

const QByteArray kKey = QByteArrayLiteral("fuzz-signing-key-0123456789abcdef0123456789");
constexpr auto kBase64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

QByteArray signedToken(const QByteArray &header, const QByteArray &payload)
{
    const QByteArray input = header.toBase64(kBase64Url) + '.' + payload.toBase64(kBase64Url);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int macSize = 0;
    HMAC(EVP_sha256(), kKey.constData(), int(kKey.size()), reinterpret_cast<const unsigned char *>(input.constData()),
         size_t(input.size()), mac, &macSize);
    return input + '.' + QByteArray(reinterpret_cast<const char *>(mac), int(macSize)).toBase64(kBase64Url);
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const TokenSigner signer(kKey);
    static const QDateTime now = QDateTime::fromSecsSinceEpoch(1790000000, Qt::UTC);
    static const QHostAddress peers[] = {QHostAddress(QStringLiteral("127.0.0.1")),
                                         QHostAddress(QStringLiteral("::ffff:10.1.2.3")),
                                         QHostAddress(QStringLiteral("2001:db8::7")), QHostAddress()};
    const uint8_t control = data[0];
    const QByteArray rest(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));

    QByteArray token;
    if (control & 1u) {
        const qsizetype newline = rest.indexOf('\n');
        const QByteArray header = newline < 0 ? QByteArrayLiteral("{\"alg\":\"HS256\",\"typ\":\"JWT\"}")
                                              : rest.left(newline);
        token = signedToken(header, newline < 0 ? rest : rest.mid(newline + 1));
    } else {
        token = rest;
    }
    const TokenScope scopes[] = {TokenScope::Inference, TokenScope::ReadOnly, TokenScope::Admin, TokenScope::Inference};
    const TokenSigner::Verdict verdict = signer.verify(token, QStringLiteral("ep-1"), scopes[(control >> 1) & 3u],
                                                       peers[(control >> 3) & 3u], now);
    if (verdict.accepted() != !verdict.rejection.has_value())
        __builtin_trap();  // every token is either accepted or rejected with a reason
    sink = size_t(verdict.reason.size()) + size_t(verdict.accepted());
    return 0;
}
