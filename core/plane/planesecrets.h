#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include "agent/agentcertificate.h"
#include "auth/secretbox.h"
#include "domain/result.h"

namespace ServeDeck {

class Repository;

// What the consoles of one shared plane (PostgreSQL) must agree on, kept in the store's
// plane_secrets sealed under the operator's plane key: the token-signing key (a token issued
// through one console passes every console's proxy) and the agent channel's TLS certificate with
// its key (an agent pinned to one console's certificate accepts them all). The first console
// makes each one; a row is inserted only where none exists (ON CONFLICT DO NOTHING) and then read
// back, so consoles that start at once end with the same secrets. Nothing is ever replaced, and
// no secret is logged or written to a file.
class PlaneSecrets final
{
public:
    static QString signingKeyName();  // "token-signing-key"
    static QString agentTlsName();    // "agent-tls": the key and certificate together, so they always match
    static QString agentJoinTokenName();  // "agent-join-token"

    // Opens the plane's secrets with @p planeKey (PlaneKey::KeySize bytes), loading the signing
    // key, made and stored first when the store has none: the first secret doubles as the proof
    // that the key is the plane's before anything else is written under it.
    // Errors: a key that does not open what is stored -> Unauthorized ("the plane key does not
    // open the plane's secrets"), nothing written; a malformed stored secret -> InvalidArgument;
    // the store's errors as they are.
    static Result<PlaneSecrets> open(Repository &repository, const QByteArray &planeKey, const QString &createdBy);

    QByteArray signingKey() const { return m_signingKey; }
    // The plane's agent TLS identity, made and stored first when the store has none; @p hosts go
    // into a new certificate only (agents check the pinned digest, not the name).
    Result<AgentCertificate> agentCertificate(const QStringList &hosts);
    // The plane's one agent join token (64 hex digits), made and stored first when the store has
    // none: a join string from any console admits a new agent at every console.
    Result<QByteArray> agentJoinToken();

private:
    PlaneSecrets(Repository &repository, SecretBox box, QString createdBy);
    // The stored secret @p name opened, or (none stored) make()'s, inserted unless another
    // console's came first, then whichever is stored.
    Result<QByteArray> loadOrCreate(const QString &name, const std::function<Result<QByteArray>()> &make);

    Repository *m_repository;
    SecretBox m_box;
    QString m_createdBy;
    QByteArray m_signingKey;
};

} // namespace ServeDeck
