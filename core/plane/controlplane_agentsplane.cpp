// Remote agents on a shared plane (issue 18). On SQLite nothing here changes what one console
// does. On PostgreSQL the plane's consoles share the join token (a plane secret, like the
// signing key and the agent certificate), so a join string from any console admits an agent at
// every console; and since only the leader's deployer commands agents, a follower's gateway
// sends a joining agent to the leader, naming the plane's other consoles for when it is gone.
#include "controlplane.h"

#include <QDateTime>

#include "agent/agentgateway.h"
#include "agent/agentprotocol.h"
#include "agent/joinstring.h"
#include "plane/leaderelection.h"
#include "plane/planelog.h"
#include "plane/planesecrets.h"
#include "store/repository.h"

namespace ServeDeck {

namespace {

// Each node renews its row this often; a row older than kStaleMs is a node that is gone.
constexpr int kRenewMs = 5000;
constexpr qint64 kStaleMs = 30000;

} // namespace

Result<QByteArray> ControlPlane::loadAgentJoinToken()
{
    if (m_planeSecrets)
        return m_planeSecrets->agentJoinToken();
    // One console: its data dir's agent.token, 0600, made at the first start.
    return loadOrCreateAdminToken(agentJoinTokenFile());
}

QString ControlPlane::ownAgentsAddress() const
{
    // The join string's host is the one agents elsewhere reach (not 0.0.0.0).
    const auto join = JoinString::parse(agentJoinString());
    if (!join)
        return agentsAddress();
    const QString host = join->host().contains(u':') ? u'[' + join->host() + u']' : join->host();
    return host + u':' + QString::number(join->port());
}

void ControlPlane::recordPlaneNode()
{
    Repository::PlaneNode node{m_nodeId, ownAgentsAddress(), proxyAddress(), QDateTime::currentDateTimeUtc()};
    if (auto saved = m_repository->savePlaneNode(node); !saved)
        qCWarning(lcPlane, "this node's addresses are not recorded: %s", qPrintable(saved.error().message));
}

void ControlPlane::startAgentsPlane()
{
    if (!m_repository->isPostgres())
        return;
    recordPlaneNode();
    m_planeNodeTick = new QTimer(this);
    connect(m_planeNodeTick, &QTimer::timeout, this, &ControlPlane::recordPlaneNode);
    m_planeNodeTick->start(kRenewMs);
    if (!m_gateway)
        return;
    m_gateway->setRedirectSource([this]() -> std::optional<AgentProtocol::Redirect> {
        if (isLeader())
            return std::nullopt;
        AgentProtocol::Redirect redirect;
        const QString own = ownAgentsAddress();
        const QString leaderId = m_election ? m_election->state().leaderId : QString();
        auto nodes = m_repository->planeNodes();
        if (!nodes)
            qCWarning(lcPlane, "the plane's nodes are unreadable: %s", qPrintable(nodes.error().message));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (const Repository::PlaneNode &node : nodes ? *nodes : QList<Repository::PlaneNode>()) {
            if (!AgentProtocol::isAgentsAddress(node.agentsAddress))
                continue;
            const bool fresh = node.updatedAt.isValid() && node.updatedAt.msecsTo(now) < kStaleMs;
            if (node.nodeId == leaderId && node.nodeId != m_nodeId && fresh)
                redirect.leader = node.agentsAddress;
            if (fresh && redirect.nodes.size() < AgentProtocol::kMaxPlaneNodes && !redirect.nodes.contains(node.agentsAddress))
                redirect.nodes.append(node.agentsAddress);
        }
        // This console is one of the plane's, whatever the store says now.
        if (AgentProtocol::isAgentsAddress(own) && !redirect.nodes.contains(own)) {
            if (redirect.nodes.size() == AgentProtocol::kMaxPlaneNodes)
                redirect.nodes.removeLast();
            redirect.nodes.append(own);
        }
        return redirect;
    });
}

} // namespace ServeDeck
