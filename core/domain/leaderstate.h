#pragma once

#include <QMetaType>
#include <QString>

namespace ServeDeck {

// Who runs the leader-only work of a plane (issue 18), as one node sees it: what GET /v1/plane,
// `ctl plane status` and the console's status bar show. On SQLite the one node always leads.
struct LeaderState
{
    QString nodeId;    // this node
    QString nodeName;
    bool leader = false;  // this node leads now
    QString leaderId;     // the lease's holder; empty before anyone was elected
    QString leaderName;
    qint64 epoch = 0;        // the lease's epoch (this node's own while it leads)
    qint64 leaseAgeMs = -1;  // since the holder last renewed, by the database's clock; -1: unknown
    bool connected = false;  // the election's own connection is up (always true on SQLite)
    QString error;           // the election's last failure, empty when none

    bool operator==(const LeaderState &) const = default;
};

} // namespace ServeDeck

Q_DECLARE_METATYPE(ServeDeck::LeaderState)
