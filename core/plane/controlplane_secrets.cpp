// ControlPlane: where the token-signing key (and on a shared plane the agent TLS identity) comes
// from. One console on SQLite keeps them in the OS keychain or its data dir's files; the consoles
// of a shared plane on PostgreSQL must agree on them, so they are sealed in the store under the
// plane key the operator gives every console (PlaneSecrets).
#include "controlplane.h"

#include <QSysInfo>

#include "auth/planekey.h"
#include "auth/tokensigner.h"
#include "plane/planesecrets.h"
#include "store/repository.h"

namespace ServeDeck {

Result<Done> ControlPlane::loadKeys()
{
    if (!m_repository->isPostgres()) {
        // The OS keychain holds the key; a 0600 file in the data dir only where none is reachable.
        auto key = SigningKeyStore::loadOrCreate(m_options.dataDir, QStringLiteral("ServeDeck"), &m_keyBackend,
                                                 SigningKeyStore::DefaultTimeout,
                                                 m_options.signingKeyFromFile ? SigningKeyStore::Source::FileOnly
                                                                              : SigningKeyStore::Source::KeychainFirst);
        if (!key)
            return key.error();
        m_signer = std::make_shared<const TokenSigner>(*key);
        return Done{};
    }
    if (m_options.planeKeyFile.isEmpty()) {
        return makeError(ErrorType::InvalidArgument,
                         QStringLiteral("a shared plane (%1) keeps its signing key and agent certificate encrypted in "
                                        "the database: start with --plane-key-file FILE, the same file on every "
                                        "console (make one with `servedeck plane-key new FILE`)")
                             .arg(m_repository->location().displayName()),
                         QJsonObject{{QStringLiteral("reason"), QStringLiteral("plane_key_required")}});
    }
    auto planeKey = PlaneKey::load(m_options.planeKeyFile);
    if (!planeKey)
        return planeKey.error();
    // created_by: which machine made a secret, for the operator; not a secret itself.
    auto secrets = PlaneSecrets::open(*m_repository, *planeKey, QSysInfo::machineHostName());
    if (!secrets)
        return secrets.error();
    m_planeSecrets = std::make_unique<PlaneSecrets>(std::move(secrets.value()));
    m_signer = std::make_shared<const TokenSigner>(m_planeSecrets->signingKey());
    return Done{};
}

} // namespace ServeDeck
