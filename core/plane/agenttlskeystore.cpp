#include "agenttlskeystore.h"

#include <QDir>

#include "auth/secretfile.h"

namespace ServeDeck {

QString AgentTlsKeyStore::keychainEntry(const QString &dataDir)
{
    return KeychainSecret::entryFor(QStringLiteral("agent-tls-key:"), dataDir);
}

QString AgentTlsKeyStore::keychainMarkerPath(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("agent-tls.key.in-keychain"));
}

Result<AgentCertificate> AgentTlsKeyStore::loadOrCreate(const QString &dataDir, const QStringList &hosts,
                                                        const QString &service, Backend *usedBackend,
                                                        std::chrono::milliseconds timeout, Source source)
{
    if (dataDir.isEmpty())
        return makeError(ErrorType::InvalidArgument, QStringLiteral("agent TLS key: the data dir is empty"));
    if (auto made = SecretFile::makePrivateDir(dataDir); !made) {
        return makeError(ErrorType::StorageError, QStringLiteral("agent TLS key: cannot create the data dir %1")
                                                      .arg(QDir::toNativeSeparators(dataDir)));
    }
    KeychainSecret::Spec spec;
    spec.what = QStringLiteral("agent TLS key");
    spec.consequence = QStringLiteral("which would make every joined agent refuse the console's new certificate");
    spec.service = service;
    spec.entry = keychainEntry(dataDir);
    spec.filePath = AgentCertificate::keyPath(dataDir);
    spec.markerPath = keychainMarkerPath(dataDir);
    spec.loadOrCreateFile = &AgentCertificate::loadOrCreateKeyFile;
    spec.create = &AgentCertificate::newKeyPem;
    spec.problem = &AgentCertificate::keyPemProblem;
    auto keyPem = KeychainSecret::loadOrCreate(spec, usedBackend, timeout, source);
    if (!keyPem)
        return keyPem.error();
    return AgentCertificate::loadOrCreate(dataDir, hosts, *keyPem);
}

} // namespace ServeDeck
