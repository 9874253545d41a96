// The consoles of a shared plane (plane_nodes): where each one takes agents and serves traffic,
// so that a follower can send an agent to the leader and an agent knows the plane's consoles.
#include "repository.h"

#include <QSqlQuery>

#include "sqlvalue.h"

namespace ServeDeck {

namespace {

using SqlValue::fromMs;
using SqlValue::ms;
using SqlValue::nonNullText;

// Bounds of what a row may hold: an id as the schema says, an address as a host:port can be.
constexpr qsizetype kMaxNodeId = 64;
constexpr qsizetype kMaxAddress = 300;
// A plane has a handful of consoles; a table with more rows than this is not read whole.
constexpr int kMaxNodes = 256;

Result<QSqlQuery> exec(const QString &connection, const QString &sql, const QVariantList &binds = {})
{
    return SqlValue::exec(connection, QStringLiteral("plane nodes"), sql, binds);
}

} // namespace

Result<Done> Repository::savePlaneNode(const PlaneNode &node)
{
    if (node.nodeId.isEmpty() || node.nodeId.size() > kMaxNodeId || node.agentsAddress.size() > kMaxAddress
        || node.proxyAddress.size() > kMaxAddress || !node.updatedAt.isValid())
        return makeError(ErrorType::InvalidArgument, QStringLiteral("not a plane node: %1").arg(node.nodeId.left(kMaxNodeId)));
    auto q = exec(m_connectionName,
                  QStringLiteral("INSERT INTO plane_nodes(node_id, agents_address, proxy_address, updated_at) VALUES(?,?,?,?)"
                                 " ON CONFLICT (node_id) DO UPDATE SET agents_address = excluded.agents_address,"
                                 " proxy_address = excluded.proxy_address, updated_at = excluded.updated_at"),
                  {node.nodeId, nonNullText(node.agentsAddress), nonNullText(node.proxyAddress), ms(node.updatedAt)});
    if (!q)
        return q.error();
    return Done{};
}

Result<QList<Repository::PlaneNode>> Repository::planeNodes()
{
    auto q = exec(m_connectionName,
                  QStringLiteral("SELECT node_id, agents_address, proxy_address, updated_at FROM plane_nodes"
                                 " ORDER BY node_id LIMIT %1")
                      .arg(kMaxNodes));
    if (!q)
        return q.error();
    QList<PlaneNode> out;
    while (q->next()) {
        PlaneNode node;
        node.nodeId = q->value(0).toString().left(kMaxNodeId);
        node.agentsAddress = q->value(1).toString().left(kMaxAddress);
        node.proxyAddress = q->value(2).toString().left(kMaxAddress);
        node.updatedAt = fromMs(q->value(3));
        out.append(node);
    }
    return out;
}

} // namespace ServeDeck
