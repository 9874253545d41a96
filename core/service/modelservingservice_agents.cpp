// ModelServingService: remote agents' credentials: list, revoke.
#include "modelservingservice.h"

#include "agent/agentadmission.h"
#include "domain/clock.h"
#include "store/repository.h"

namespace ServeDeck {

Result<QList<AgentCredential>> ModelServingService::agentCredentials()
{
    return m_repository.agentCredentials();
}

Result<AgentRevocation> ModelServingService::revokeAgent(const QString &agentId)
{
    if (!AgentAdmission::isValidAgentId(agentId))
        return makeError(ErrorType::InvalidArgument, QStringLiteral("not an agent id: 1-64 of A-Z a-z 0-9 . _ -"),
                         {{QStringLiteral("field"), QStringLiteral("agent_id")}});
    auto revoked = m_repository.transaction<AgentRevocation>([&]() -> Result<AgentRevocation> {
        auto found = m_repository.agentCredential(agentId);
        if (!found)
            return found.error();
        if (!*found)
            return makeError(ErrorType::NotFound, QStringLiteral("agent %1 has no credential: it never joined").arg(agentId),
                             {{QStringLiteral("agent_id"), agentId}});
        AgentRevocation out{**found, (*found)->isRevoked()};
        if (!out.wasRevokedAlready) {
            out.credential.revokedAt = m_clock.now();
            if (auto r = m_repository.revokeAgentCredential(agentId, *out.credential.revokedAt); !r)
                return r.error();
        }
        return out;
    });
    // Also when it was revoked already: should it be connected still, it goes now.
    if (revoked)
        Q_EMIT agentRevoked(agentId);
    return revoked;
}

} // namespace ServeDeck
