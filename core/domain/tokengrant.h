#pragma once

#include <optional>

#include <QDateTime>
#include <QStringList>
#include <QUuid>

namespace ServeDeck {

// What was issued, never the token itself: enough to list, audit and revoke.
struct TokenGrant
{
    QString id;  // the token's jti
    QUuid endpointId;
    QString scope;
    std::optional<QDateTime> expiresAt;
    QStringList allowedIps;
    QDateTime createdAt;
    std::optional<QDateTime> revokedAt;
};

} // namespace ServeDeck
