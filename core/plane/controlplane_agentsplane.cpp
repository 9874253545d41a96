// Remote agents on a shared plane (issue 18). On SQLite nothing here changes what one console
// does. On PostgreSQL the plane's consoles share the join token (a plane secret, like the
// signing key and the agent certificate), so a join string from any console admits an agent at
// every console.
#include "controlplane.h"

#include "plane/planesecrets.h"

namespace ServeDeck {

Result<QByteArray> ControlPlane::loadAgentJoinToken()
{
    if (m_planeSecrets)
        return m_planeSecrets->agentJoinToken();
    // One console: its data dir's agent.token, 0600, made at the first start.
    return loadOrCreateAdminToken(agentJoinTokenFile());
}

} // namespace ServeDeck
