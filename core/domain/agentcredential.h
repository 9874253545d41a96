#pragma once

#include <optional>

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace ServeDeck {

// A remote agent's own credential, as the plane keeps it: only a SHA-256 of the secret, which
// the agent alone holds, so a copy of the database lets nobody in as that agent.
struct AgentCredential
{
    QString agentId;
    QByteArray secretSha256;  // 32 bytes
    QDateTime issuedAt;
    std::optional<QDateTime> revokedAt;

    bool isRevoked() const { return revokedAt.has_value(); }
};

} // namespace ServeDeck
