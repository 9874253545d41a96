#pragma once

#include <QByteArray>
#include <QString>

#include "domain/result.h"

namespace ServeDeck {

// Seals a plane secret (the token-signing key, the agent channel's TLS key) under the operator's
// 32-byte plane key with AES-256-GCM (OpenSSL EVP): a fresh random 96-bit nonce per seal, and the
// secret's name as associated data, so a ciphertext copied to another name does not open.
// Errors never carry key or plaintext bytes.
class SecretBox final
{
public:
    static constexpr qsizetype KeySize = 32;
    static constexpr qsizetype NonceSize = 12;
    static constexpr qsizetype TagSize = 16;
    // Far above any secret of ours (a PEM key and certificate are a few KiB); bounds the work a
    // hostile row can cause.
    static constexpr qsizetype MaxPlaintextSize = 256 * 1024;
    static constexpr qsizetype MaxNameSize = 128;

    // The ciphertext carries the GCM tag at its end.
    struct Sealed
    {
        QByteArray nonce;
        QByteArray ciphertext;
    };

    // InvalidArgument unless @p key is KeySize bytes.
    static Result<SecretBox> withKey(const QByteArray &key);

    SecretBox(const SecretBox &other) = default;
    SecretBox &operator=(const SecretBox &other) = default;
    ~SecretBox();

    // Errors: an empty or too long name, a too large secret -> InvalidArgument; no random bytes
    // or an OpenSSL failure -> StorageError.
    Result<Sealed> seal(const QString &name, const QByteArray &plaintext) const;
    // A nonce or ciphertext of an impossible size -> InvalidArgument (details.reason "malformed");
    // a wrong key, another name, or any changed byte -> Unauthorized (details.reason
    // "authentication_failed"). Nothing is returned from a ciphertext that did not authenticate.
    Result<QByteArray> open(const QString &name, const Sealed &sealed) const;

private:
    explicit SecretBox(const QByteArray &key) : m_key(key) {}

    QByteArray m_key;
};

} // namespace ServeDeck
