#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace ServeDeck {

// One row of plane_secrets: a secret of the shared plane as sealed by core/auth's SecretBox under
// the operator's plane key. The store keeps and returns the sealed bytes only.
struct PlaneSecretRecord
{
    QString name;           // what the secret is ("token-signing-key", "agent-tls"); the seal's associated data
    QByteArray nonce;       // SecretBox::NonceSize bytes
    QByteArray ciphertext;  // with the GCM tag at its end
    QDateTime createdAt;
    QString createdBy;      // the node that made it: for the operator, not a secret
};

} // namespace ServeDeck
