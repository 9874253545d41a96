#include "agentcertificate.h"

#include <cerrno>
#include <cstdio>
#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonObject>
#include <QSslSocket>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace ServeDeck {

namespace {

// A PEM key or certificate of ours is well under 4 KiB; anything bigger is not one.
constexpr qint64 kMaxPemBytes = 64 * 1024;
constexpr long kValidDays = 3650;
// Clock skew between the plane and its agents must not make a fresh certificate "not yet valid".
constexpr long kBackdateSeconds = 3600;

struct PkeyFree { void operator()(EVP_PKEY *p) const { EVP_PKEY_free(p); } };
struct X509Free { void operator()(X509 *p) const { X509_free(p); } };
struct BioFree { void operator()(BIO *p) const { BIO_free(p); } };
struct BnFree { void operator()(BIGNUM *p) const { BN_free(p); } };
struct ExtFree { void operator()(X509_EXTENSION *p) const { X509_EXTENSION_free(p); } };
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Certificate = std::unique_ptr<X509, X509Free>;

ServiceError fileError(ErrorType type, const QString &path, const QString &what)
{
    return makeError(type, QStringLiteral("agent TLS file %1: %2").arg(QDir::toNativeSeparators(path), what),
                     QJsonObject{{QStringLiteral("path"), path}});
}

// About the private key: its file, or (no file) the key the caller gave.
ServiceError keyError(ErrorType type, const QString &keyFile, const QString &what)
{
    if (keyFile.isEmpty())
        return makeError(type, QStringLiteral("agent TLS private key: %1").arg(what));
    return fileError(type, keyFile, what);
}

QByteArray pemOf(const std::function<int(BIO *)> &write)
{
    std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    if (!bio || write(bio.get()) != 1)
        return {};
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return QByteArray(data, qsizetype(size));
}

// Creates @p path with O_EXCL at @p mode and writes @p bytes; false when it exists already.
// A half-written file is removed, so the next start makes it again.
Result<bool> writeNew(const QString &path, const QByteArray &bytes, mode_t mode)
{
    const QByteArray name = QFile::encodeName(path);
    const int fd = ::open(name.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) {
        if (errno == EEXIST)
            return false;
        return fileError(ErrorType::StorageError, path, QString::fromLocal8Bit(std::strerror(errno)));
    }
    // The umask may have taken bits away from a public certificate; the key's 0600 it cannot widen.
    bool ok = ::fchmod(fd, mode) == 0;
    for (qsizetype done = 0; ok && done < bytes.size();) {
        const ssize_t n = ::write(fd, bytes.constData() + done, size_t(bytes.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        done += n > 0 ? n : 0;
    }
    ok = ::fsync(fd) == 0 && ok;
    const int savedErrno = errno;
    ok = ::close(fd) == 0 && ok;
    if (!ok) {
        ::unlink(name.constData());
        return fileError(ErrorType::StorageError, path, QString::fromLocal8Bit(std::strerror(savedErrno)));
    }
    return true;
}

Result<QByteArray> readPem(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fileError(ErrorType::StorageError, path, file.errorString());
    const QByteArray pem = file.read(kMaxPemBytes + 1);
    if (pem.size() > kMaxPemBytes)
        return fileError(ErrorType::InvalidArgument, path, QStringLiteral("larger than %1 bytes").arg(kMaxPemBytes));
    return pem;
}

// No passphrase: without this callback OpenSSL would ask for one on the terminal when a key file
// is encrypted, and a start-up would hang on it.
int noPassphrase(char *, int, int, void *)
{
    return 0;
}

Pkey parsePrivateKey(const QByteArray &pem)
{
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    return Pkey(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr) : nullptr);
}

// What may go into subjectAltName: an IP address, or a DNS name of letters, digits, '-' and '.'
// (nothing that could end the entry and start another).
QString altNameEntry(const QString &host)
{
    const QHostAddress address(host);
    if (!address.isNull())
        return QStringLiteral("IP:") + address.toString();
    const bool dnsName = !host.isEmpty() && host.size() <= 253 && std::all_of(host.cbegin(), host.cend(), [](QChar c) {
        return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'-' || c == u'.';
    });
    return dnsName ? QStringLiteral("DNS:") + host : QString();
}

bool addExtension(X509 *certificate, int nid, const QString &value)
{
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
    const QByteArray text = value.toLatin1();
    std::unique_ptr<X509_EXTENSION, ExtFree> extension(X509V3_EXT_conf_nid(nullptr, &context, nid, text.constData()));
    return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

QByteArray makeCertificatePem(EVP_PKEY *key, const QStringList &hosts)
{
    Certificate certificate(X509_new());
    std::unique_ptr<BIGNUM, BnFree> serial(BN_new());
    if (!certificate || !serial || X509_set_version(certificate.get(), 2) != 1
        || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1
        || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get()))
        || !X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -kBackdateSeconds)
        || !X509_time_adj_ex(X509_getm_notAfter(certificate.get()), int(kValidDays), 0, nullptr)
        || X509_set_pubkey(certificate.get(), key) != 1)
        return {};
    X509_NAME *name = X509_get_subject_name(certificate.get());
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char *>("servedeck"), -1, -1, 0) != 1
        || X509_set_issuer_name(certificate.get(), name) != 1)
        return {};
    QStringList altNames;
    for (const QString &host : hosts) {
        const QString entry = altNameEntry(host);
        if (!entry.isEmpty() && !altNames.contains(entry))
            altNames.append(entry);
    }
    if (altNames.isEmpty())
        altNames.append(QStringLiteral("DNS:servedeck"));
    if (!addExtension(certificate.get(), NID_subject_alt_name, altNames.join(u','))
        || !addExtension(certificate.get(), NID_basic_constraints, QStringLiteral("critical,CA:FALSE"))
        || !addExtension(certificate.get(), NID_key_usage, QStringLiteral("critical,digitalSignature"))
        || !addExtension(certificate.get(), NID_ext_key_usage, QStringLiteral("serverAuth"))
        || X509_sign(certificate.get(), key, EVP_sha256()) <= 0)
        return {};
    return pemOf([&](BIO *bio) { return PEM_write_bio_X509(bio, certificate.get()); });
}

} // namespace

QString AgentCertificate::certificatePath(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("agent-tls.crt"));
}

QString AgentCertificate::keyPath(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("agent-tls.key"));
}

Result<QByteArray> AgentCertificate::loadOrCreateKeyFile(const QString &path)
{
    if (!QFileInfo::exists(path)) {
        auto pem = newKeyPem();
        if (!pem)
            return fileError(ErrorType::StorageError, path, pem.error().message);
        auto written = writeNew(path, *pem, 0600);
        if (!written)
            return written.error();
        if (*written)
            return *pem;
        // Another process made it first: use that one.
    }
    struct stat info {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return fileError(ErrorType::StorageError, path, QString::fromLocal8Bit(std::strerror(errno)));
    if (!S_ISREG(info.st_mode))
        return fileError(ErrorType::InvalidArgument, path, QStringLiteral("not a regular file"));
    if ((info.st_mode & 0077) != 0)
        return fileError(ErrorType::InvalidArgument, path,
                         QStringLiteral("permissions 0%1 are broader than 0600").arg(info.st_mode & 0777, 3, 8, QLatin1Char('0')));
    return readPem(path);
}

Result<QByteArray> AgentCertificate::newKeyPem()
{
    Pkey key(EVP_EC_gen("P-256"));
    const QByteArray pem = key ? pemOf([&](BIO *bio) {
        return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    })
                               : QByteArray();
    if (pem.isEmpty())
        return makeError(ErrorType::StorageError, QStringLiteral("OpenSSL could not make a P-256 key"));
    return pem;
}

QString AgentCertificate::keyPemProblem(const QByteArray &pem)
{
    if (pem.size() > kMaxPemBytes)
        return QStringLiteral("larger than %1 bytes").arg(kMaxPemBytes);
    return parsePrivateKey(pem) ? QString() : QStringLiteral("holds no PEM private key");
}

Result<AgentCertificate> AgentCertificate::loadOrCreate(const QString &dataDir, const QStringList &hosts)
{
    if (!QDir().mkpath(dataDir))
        return fileError(ErrorType::StorageError, dataDir, QStringLiteral("cannot create the folder"));
    const QString keyFile = keyPath(dataDir);
    auto keyPem = loadOrCreateKeyFile(keyFile);
    if (!keyPem)
        return keyPem.error();
    return fromKey(dataDir, hosts, *keyPem, keyFile);
}

Result<AgentCertificate> AgentCertificate::loadOrCreate(const QString &dataDir, const QStringList &hosts,
                                                        const QByteArray &keyPem)
{
    if (!QDir().mkpath(dataDir))
        return fileError(ErrorType::StorageError, dataDir, QStringLiteral("cannot create the folder"));
    return fromKey(dataDir, hosts, keyPem, QString());
}

Result<AgentCertificate> AgentCertificate::fromKey(const QString &dataDir, const QStringList &hosts,
                                                   const QByteArray &keyPem, const QString &keyFile)
{
    if (keyPem.size() > kMaxPemBytes)
        return keyError(ErrorType::InvalidArgument, keyFile, QStringLiteral("larger than %1 bytes").arg(kMaxPemBytes));
    const Pkey key = parsePrivateKey(keyPem);
    if (!key)
        return keyError(ErrorType::InvalidArgument, keyFile, QStringLiteral("holds no PEM private key"));

    // Made from the key whenever it is missing (first start, or a start cut short before it was written).
    const QString certificateFile = certificatePath(dataDir);
    if (!QFileInfo::exists(certificateFile)) {
        const QByteArray pem = makeCertificatePem(key.get(), hosts);
        if (pem.isEmpty())
            return fileError(ErrorType::StorageError, certificateFile, QStringLiteral("OpenSSL could not make the certificate"));
        if (auto written = writeNew(certificateFile, pem, 0644); !written)
            return written.error();
    }
    auto certificatePem = readPem(certificateFile);
    if (!certificatePem)
        return certificatePem.error();
    return fromParsed(*certificatePem, keyPem, certificateFile, keyFile);
}

Result<QByteArray> AgentCertificate::newCertificatePem(const QByteArray &keyPem, const QStringList &hosts)
{
    if (keyPem.size() > kMaxPemBytes)
        return keyError(ErrorType::InvalidArgument, QString(), QStringLiteral("larger than %1 bytes").arg(kMaxPemBytes));
    const Pkey key = parsePrivateKey(keyPem);
    if (!key)
        return keyError(ErrorType::InvalidArgument, QString(), QStringLiteral("holds no PEM private key"));
    const QByteArray pem = makeCertificatePem(key.get(), hosts);
    if (pem.isEmpty())
        return makeError(ErrorType::StorageError, QStringLiteral("OpenSSL could not make the agent TLS certificate"));
    return pem;
}

Result<AgentCertificate> AgentCertificate::fromPem(const QByteArray &certificatePem, const QByteArray &keyPem)
{
    if (keyPem.size() > kMaxPemBytes)
        return keyError(ErrorType::InvalidArgument, QString(), QStringLiteral("larger than %1 bytes").arg(kMaxPemBytes));
    if (certificatePem.size() > kMaxPemBytes)
        return makeError(ErrorType::InvalidArgument,
                         QStringLiteral("agent TLS certificate: larger than %1 bytes").arg(kMaxPemBytes));
    return fromParsed(certificatePem, keyPem, QString(), QString());
}

Result<AgentCertificate> AgentCertificate::fromParsed(const QByteArray &certificatePem, const QByteArray &keyPem,
                                                      const QString &certificateFile, const QString &keyFile)
{
    const Pkey key = parsePrivateKey(keyPem);
    if (!key)
        return keyError(ErrorType::InvalidArgument, keyFile, QStringLiteral("holds no PEM private key"));
    // Without a file, the errors name the certificate itself.
    const auto certificateError = [&](const QString &what) {
        return certificateFile.isEmpty()
            ? makeError(ErrorType::InvalidArgument, QStringLiteral("agent TLS certificate: %1").arg(what))
            : fileError(ErrorType::InvalidArgument, certificateFile, what);
    };
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(certificatePem.constData(), int(certificatePem.size())));
    Certificate parsed(bio ? PEM_read_bio_X509(bio.get(), nullptr, noPassphrase, nullptr) : nullptr);
    if (!parsed)
        return certificateError(QStringLiteral("holds no PEM certificate"));
    if (X509_check_private_key(parsed.get(), key.get()) != 1)
        return certificateError(QStringLiteral("is not the certificate of %1; remove it to make a new one")
                                    .arg(keyFile.isEmpty() ? QStringLiteral("the agent TLS private key") : keyFile));

    AgentCertificate out;
    out.m_certificate = QSslCertificate(certificatePem, QSsl::Pem);
    const QSsl::KeyAlgorithm algorithm = EVP_PKEY_base_id(key.get()) == EVP_PKEY_RSA ? QSsl::Rsa : QSsl::Ec;
    out.m_key = QSslKey(keyPem, algorithm, QSsl::Pem, QSsl::PrivateKey);
    if (out.m_certificate.isNull() || out.m_key.isNull())
        return keyError(ErrorType::InvalidArgument, keyFile, QStringLiteral("Qt's TLS backend cannot read the key or certificate"));
    return out;
}

QByteArray AgentCertificate::sha256() const
{
    return m_certificate.digest(QCryptographicHash::Sha256);
}

QSslConfiguration AgentCertificate::serverConfiguration() const
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificate(m_certificate);
    configuration.setPrivateKey(m_key);
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    // Agents prove themselves inside the channel (the hello), not with client certificates.
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    return configuration;
}

} // namespace ServeDeck
