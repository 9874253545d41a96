#pragma once

#include <QByteArray>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QStringList>

#include "domain/result.h"

namespace ServeDeck {

// The agent channel's TLS identity: a self-signed certificate (EC P-256, CN=servedeck) made once
// with OpenSSL and kept in the data dir beside the signing key, as agent-tls.crt (0644). Its
// private key comes from the caller (the plane keeps it in the OS keychain where one answers) or
// from agent-tls.key (created with O_EXCL at 0600). Agents pin its SHA-256, so it stays the same
// across restarts and whatever address the channel listens on later.
class AgentCertificate final
{
public:
    // @p hosts go into the subjectAltName of a new certificate (IP addresses and DNS names;
    // anything else is left out). A key whose mode is broader than 0600, or a certificate that
    // is not the key's, is InvalidArgument; I/O failures are StorageError.
    static Result<AgentCertificate> loadOrCreate(const QString &dataDir, const QStringList &hosts);
    // The same with the private key given as PEM (e.g. from the keychain); keyPath() is not used.
    static Result<AgentCertificate> loadOrCreate(const QString &dataDir, const QStringList &hosts,
                                                 const QByteArray &keyPem);
    static QString certificatePath(const QString &dataDir);
    static QString keyPath(const QString &dataDir);

    // The key file at @p path (0600, a regular file), or a new key written there with O_EXCL.
    static Result<QByteArray> loadOrCreateKeyFile(const QString &path);
    // A new EC P-256 private key as PEM.
    static Result<QByteArray> newKeyPem();
    // Why @p pem is not a usable private key (too large, not PEM, encrypted); empty when it is.
    static QString keyPemProblem(const QByteArray &pem);
    // A new self-signed certificate (PEM) for @p keyPem, @p hosts as for loadOrCreate(), written
    // nowhere: what a shared plane keeps in its store, so that all of its consoles present it.
    static Result<QByteArray> newCertificatePem(const QByteArray &keyPem, const QStringList &hosts);
    // The identity from PEM bytes alone (no files); a certificate that is not the key's is InvalidArgument.
    static Result<AgentCertificate> fromPem(const QByteArray &certificatePem, const QByteArray &keyPem);

    QSslCertificate certificate() const { return m_certificate; }
    // SHA-256 of the DER certificate, raw 32 bytes: what a join string carries.
    QByteArray sha256() const;
    // A server's TLS 1.2+ configuration with this certificate and key.
    QSslConfiguration serverConfiguration() const;

private:
    AgentCertificate() = default;
    static Result<AgentCertificate> fromKey(const QString &dataDir, const QStringList &hosts, const QByteArray &keyPem,
                                            const QString &keyFile);
    static Result<AgentCertificate> fromParsed(const QByteArray &certificatePem, const QByteArray &keyPem,
                                               const QString &certificateFile, const QString &keyFile);

    QSslCertificate m_certificate;
    QSslKey m_key;
};

} // namespace ServeDeck
