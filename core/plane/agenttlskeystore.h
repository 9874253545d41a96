#pragma once

#include <chrono>

#include <QString>
#include <QStringList>

#include "agent/agentcertificate.h"
#include "auth/keychainsecret.h"
#include "domain/result.h"

namespace ServeDeck {

// The agent channel's TLS identity with its private key (PEM) in the OS keychain, one entry per
// data dir; only where no keychain answers in <dataDir>/agent-tls.key (0600), with one warning.
// The certificate stays in its file (AgentCertificate). Agents pin the certificate, so the same
// rule as for the signing key holds: a keychain that held the key and fails now means no start,
// never a second key (which would cut every joined agent off).
class AgentTlsKeyStore final
{
public:
    using Backend = KeychainSecret::Backend;
    using Source = KeychainSecret::Source;

    // KeychainSecret::loadOrCreate() for the key, then AgentCertificate::loadOrCreate() with it.
    // Source::FileOnly: the key file, as `serve --signing-key-file` says for both keys.
    static Result<AgentCertificate> loadOrCreate(const QString &dataDir, const QStringList &hosts,
                                                 const QString &service = QStringLiteral("ServeDeck"),
                                                 Backend *usedBackend = nullptr,
                                                 std::chrono::milliseconds timeout = KeychainSecret::DefaultTimeout,
                                                 Source source = Source::KeychainFirst);

    // "agent-tls-key:" + the canonical data dir.
    static QString keychainEntry(const QString &dataDir);
    // Present while the keychain holds this data dir's key; names the service and entry, no secret.
    static QString keychainMarkerPath(const QString &dataDir);
};

} // namespace ServeDeck
