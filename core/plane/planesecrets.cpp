#include "planesecrets.h"

#include <algorithm>
#include <functional>

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "auth/signingkeyfile.h"
#include "store/repository.h"

namespace ServeDeck {

namespace {

const QString kCertificateField = QStringLiteral("certificate_pem");
const QString kKeyField = QStringLiteral("key_pem");

void wipe(QByteArray &data)
{
    if (!data.isEmpty() && data.isDetached())
        OPENSSL_cleanse(data.data(), size_t(data.size()));
    data.clear();
}

ServiceError doesNotOpen(const QString &name)
{
    return makeError(ErrorType::Unauthorized,
                     QStringLiteral("the plane key does not open the plane's secrets (%1); start with the plane key "
                                    "file the plane's other consoles use")
                         .arg(name),
                     QJsonObject{{QStringLiteral("secret"), name}, {QStringLiteral("reason"), QStringLiteral("wrong_plane_key")}});
}

ServiceError malformed(const QString &name, const QString &what)
{
    return makeError(ErrorType::InvalidArgument, QStringLiteral("the plane's secret %1 is not well formed: %2").arg(name, what),
                     QJsonObject{{QStringLiteral("secret"), name}});
}

} // namespace

QString PlaneSecrets::signingKeyName()
{
    return QStringLiteral("token-signing-key");
}

QString PlaneSecrets::agentTlsName()
{
    return QStringLiteral("agent-tls");
}

QString PlaneSecrets::agentJoinTokenName()
{
    return QStringLiteral("agent-join-token");
}

PlaneSecrets::PlaneSecrets(Repository &repository, SecretBox box, QString createdBy)
    : m_repository(&repository)
    , m_box(std::move(box))
    , m_createdBy(std::move(createdBy))
{
}

Result<PlaneSecrets> PlaneSecrets::open(Repository &repository, const QByteArray &planeKey, const QString &createdBy)
{
    auto box = SecretBox::withKey(planeKey);
    if (!box)
        return box.error();
    PlaneSecrets secrets(repository, *box, createdBy);
    auto key = secrets.loadOrCreate(signingKeyName(), []() -> Result<QByteArray> {
        QByteArray fresh(SigningKeyFile::KeySize, Qt::Uninitialized);
        if (RAND_bytes(reinterpret_cast<unsigned char *>(fresh.data()), int(fresh.size())) != 1)
            return makeError(ErrorType::StorageError, QStringLiteral("signing key: no random bytes available"));
        return fresh;
    });
    if (!key)
        return key.error();
    if (key->size() != SigningKeyFile::KeySize) {
        const qsizetype size = key->size();
        wipe(key.value());
        return malformed(signingKeyName(), QStringLiteral("%1 bytes, expected %2").arg(size).arg(SigningKeyFile::KeySize));
    }
    secrets.m_signingKey = *key;
    return secrets;
}

Result<AgentCertificate> PlaneSecrets::agentCertificate(const QStringList &hosts)
{
    auto identity = loadOrCreate(agentTlsName(), [&hosts]() -> Result<QByteArray> {
        auto keyPem = AgentCertificate::newKeyPem();
        if (!keyPem)
            return keyPem.error();
        auto certificatePem = AgentCertificate::newCertificatePem(*keyPem, hosts);
        if (!certificatePem)
            return certificatePem.error();
        QJsonObject both{{kCertificateField, QString::fromLatin1(*certificatePem)}, {kKeyField, QString::fromLatin1(*keyPem)}};
        QByteArray out = QJsonDocument(both).toJson(QJsonDocument::Compact);
        wipe(keyPem.value());
        return out;
    });
    if (!identity)
        return identity.error();
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(*identity, &parseError);
    wipe(identity.value());
    const QJsonObject object = document.object();
    if (parseError.error != QJsonParseError::NoError || !document.isObject() || object.size() != 2
        || !object.value(kCertificateField).isString() || !object.value(kKeyField).isString())
        return malformed(agentTlsName(), QStringLiteral("expected {\"%1\", \"%2\"}").arg(kCertificateField, kKeyField));
    QByteArray keyPem = object.value(kKeyField).toString().toLatin1();
    auto certificate = AgentCertificate::fromPem(object.value(kCertificateField).toString().toLatin1(), keyPem);
    wipe(keyPem);
    if (!certificate)
        return malformed(agentTlsName(), certificate.error().message);
    return certificate;
}

Result<QByteArray> PlaneSecrets::agentJoinToken()
{
    constexpr int kTokenBytes = 32;
    auto token = loadOrCreate(agentJoinTokenName(), []() -> Result<QByteArray> {
        QByteArray random(kTokenBytes, Qt::Uninitialized);
        if (RAND_bytes(reinterpret_cast<unsigned char *>(random.data()), kTokenBytes) != 1)
            return makeError(ErrorType::StorageError, QStringLiteral("agent join token: no random bytes available"));
        QByteArray hex = random.toHex();
        wipe(random);
        return hex;
    });
    if (!token)
        return token.error();
    // Hex only: it travels in a join string's query, which takes nothing else.
    const bool hex = token->size() == 2 * kTokenBytes && std::all_of(token->cbegin(), token->cend(), [](char c) {
                         return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                     });
    if (!hex) {
        wipe(token.value());
        return malformed(agentJoinTokenName(), QStringLiteral("expected %1 hex digits").arg(2 * kTokenBytes));
    }
    return token;
}

Result<QByteArray> PlaneSecrets::loadOrCreate(const QString &name, const std::function<Result<QByteArray>()> &make)
{
    auto stored = m_repository->planeSecret(name);
    if (!stored)
        return stored.error();
    if (!stored->has_value()) {
        auto made = make();
        if (!made)
            return made.error();
        auto sealed = m_box.seal(name, *made);
        wipe(made.value());
        if (!sealed)
            return sealed.error();
        PlaneSecretRecord record;
        record.name = name;
        record.nonce = sealed->nonce;
        record.ciphertext = sealed->ciphertext;
        record.createdAt = QDateTime::currentDateTimeUtc();
        record.createdBy = m_createdBy;
        // Another console may have stored one since the read above: then its row stays and this
        // one is dropped, and the read below takes the stored one either way.
        if (auto inserted = m_repository->insertPlaneSecret(record); !inserted)
            return inserted.error();
        stored = m_repository->planeSecret(name);
        if (!stored)
            return stored.error();
        if (!stored->has_value())
            return makeError(ErrorType::StorageError, QStringLiteral("the plane's secret %1 is not there after it was stored").arg(name));
    }
    auto opened = m_box.open(name, SecretBox::Sealed{(*stored)->nonce, (*stored)->ciphertext});
    if (!opened) {
        if (opened.error().type == ErrorType::Unauthorized)
            return doesNotOpen(name);
        return malformed(name, opened.error().message);
    }
    return opened;
}

} // namespace ServeDeck
