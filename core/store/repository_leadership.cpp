#include "repository.h"

#include "store/sqlvalue.h"

namespace ServeDeck {

Result<Done> Repository::checkFencing()
{
    if (!m_fencingEpoch)
        return Done{};
    // The lease lives only on a shared plane; a SQLite store has one node, always the leader.
    if (!isPostgres())
        return Done{};
    // FOR KEY SHARE, held to COMMIT: a takeover's SELECT ... FOR UPDATE waits for this write to
    // end, while the leader's own lease renewal (an UPDATE of no key column) does not: FOR SHARE
    // would stall the renewal behind any long transaction and fail a healthy leader over.
    auto q = SqlValue::exec(m_connectionName, QStringLiteral("fencing"),
                            QStringLiteral("SELECT epoch FROM plane_leader WHERE id = 1 FOR KEY SHARE"), {});
    if (!q)
        return q.error();
    const qint64 current = q.value().next() ? q.value().value(0).toLongLong() : 0;
    if (current != *m_fencingEpoch)
        return makeError(ErrorType::StaleLeader,
                         QStringLiteral("this node led the plane at epoch %1; the plane is at epoch %2 now")
                             .arg(*m_fencingEpoch)
                             .arg(current));
    return Done{};
}

} // namespace ServeDeck
