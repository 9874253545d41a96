#include "secretbox.h"

#include <memory>

#include <QJsonObject>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace ServeDeck {

namespace {

struct CipherContextFree
{
    void operator()(EVP_CIPHER_CTX *context) const { EVP_CIPHER_CTX_free(context); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextFree>;

const unsigned char *bytes(const QByteArray &data)
{
    return reinterpret_cast<const unsigned char *>(data.constData());
}

unsigned char *bytes(QByteArray &data)
{
    return reinterpret_cast<unsigned char *>(data.data());
}

ServiceError boxError(ErrorType type, const QString &reason, const QString &what)
{
    return makeError(type, QStringLiteral("plane secret: %1").arg(what), QJsonObject{{QStringLiteral("reason"), reason}});
}

// Not a name a secret can have: what would make the associated data ambiguous or unbounded.
bool badName(const QString &name)
{
    return name.isEmpty() || name.toUtf8().size() > SecretBox::MaxNameSize;
}

// Zeroes a buffer that held plaintext before it is released.
void wipe(QByteArray &data)
{
    if (!data.isEmpty())
        OPENSSL_cleanse(data.data(), size_t(data.size()));
    data.clear();
}

} // namespace

Result<SecretBox> SecretBox::withKey(const QByteArray &key)
{
    if (key.size() != KeySize)
        return boxError(ErrorType::InvalidArgument, QStringLiteral("key_size"),
                        QStringLiteral("the key is %1 bytes, expected %2").arg(key.size()).arg(KeySize));
    QByteArray own(key.constData(), key.size());  // a copy of its own, so wiping it touches no one else's
    return SecretBox(own);
}

SecretBox::~SecretBox()
{
    // Only the last holder of the shared buffer wipes it: a detach here would copy the key.
    if (!m_key.isEmpty() && !m_key.isDetached())
        return;
    wipe(m_key);
}

Result<SecretBox::Sealed> SecretBox::seal(const QString &name, const QByteArray &plaintext) const
{
    if (badName(name))
        return boxError(ErrorType::InvalidArgument, QStringLiteral("name"),
                        QStringLiteral("a name of 1 to %1 bytes is required").arg(MaxNameSize));
    if (plaintext.size() > MaxPlaintextSize)
        return boxError(ErrorType::InvalidArgument, QStringLiteral("too_large"),
                        QStringLiteral("%1 is larger than %2 bytes").arg(name).arg(MaxPlaintextSize));
    Sealed out;
    out.nonce = QByteArray(NonceSize, Qt::Uninitialized);
    if (RAND_bytes(bytes(out.nonce), int(NonceSize)) != 1)
        return boxError(ErrorType::StorageError, QStringLiteral("random"), QStringLiteral("no random bytes for a nonce"));
    const QByteArray aad = name.toUtf8();
    out.ciphertext = QByteArray(plaintext.size() + TagSize, Qt::Uninitialized);

    const CipherContext context(EVP_CIPHER_CTX_new());
    int written = 0;
    int finalWritten = 0;
    const bool ok = context
        && EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1
        && EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, int(NonceSize), nullptr) == 1
        && EVP_EncryptInit_ex(context.get(), nullptr, nullptr, bytes(m_key), bytes(out.nonce)) == 1
        && EVP_EncryptUpdate(context.get(), nullptr, &written, bytes(aad), int(aad.size())) == 1
        && EVP_EncryptUpdate(context.get(), bytes(out.ciphertext), &written, bytes(plaintext), int(plaintext.size())) == 1
        && written == plaintext.size()
        && EVP_EncryptFinal_ex(context.get(), bytes(out.ciphertext) + written, &finalWritten) == 1
        && finalWritten == 0
        && EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, int(TagSize), bytes(out.ciphertext) + written) == 1;
    if (!ok)
        return boxError(ErrorType::StorageError, QStringLiteral("openssl"), QStringLiteral("OpenSSL could not seal %1").arg(name));
    return out;
}

Result<QByteArray> SecretBox::open(const QString &name, const Sealed &sealed) const
{
    if (badName(name))
        return boxError(ErrorType::InvalidArgument, QStringLiteral("name"),
                        QStringLiteral("a name of 1 to %1 bytes is required").arg(MaxNameSize));
    if (sealed.nonce.size() != NonceSize || sealed.ciphertext.size() < TagSize
        || sealed.ciphertext.size() > MaxPlaintextSize + TagSize)
        return boxError(ErrorType::InvalidArgument, QStringLiteral("malformed"),
                        QStringLiteral("%1: the nonce or ciphertext has an impossible size").arg(name));
    const QByteArray aad = name.toUtf8();
    const qsizetype size = sealed.ciphertext.size() - TagSize;
    QByteArray plaintext(size, Qt::Uninitialized);
    // EVP wants a writable tag buffer.
    QByteArray tag = sealed.ciphertext.right(TagSize);

    const CipherContext context(EVP_CIPHER_CTX_new());
    int written = 0;
    int finalWritten = 0;
    const bool set = context
        && EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1
        && EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, int(NonceSize), nullptr) == 1
        && EVP_DecryptInit_ex(context.get(), nullptr, nullptr, bytes(m_key), bytes(sealed.nonce)) == 1
        && EVP_DecryptUpdate(context.get(), nullptr, &written, bytes(aad), int(aad.size())) == 1
        && EVP_DecryptUpdate(context.get(), bytes(plaintext), &written, bytes(sealed.ciphertext), int(size)) == 1
        && written == size
        && EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, int(TagSize), bytes(tag)) == 1;
    if (!set) {
        wipe(plaintext);
        return boxError(ErrorType::StorageError, QStringLiteral("openssl"), QStringLiteral("OpenSSL could not open %1").arg(name));
    }
    // The tag is checked here: whatever Update wrote is not released unless it passes.
    if (EVP_DecryptFinal_ex(context.get(), bytes(plaintext) + written, &finalWritten) != 1 || finalWritten != 0) {
        wipe(plaintext);
        return boxError(ErrorType::Unauthorized, QStringLiteral("authentication_failed"),
                        QStringLiteral("%1 does not open with this key (another key, another name, or changed bytes)")
                            .arg(name));
    }
    return plaintext;
}

} // namespace ServeDeck
