#pragma once

#include <QObject>
#include <QString>

#include "domain/leaderstate.h"
#include "store/storelocation.h"

class QThread;
class QTimer;

namespace ServeDeck {

class ElectionSession;

struct LeaderElectionOptions
{
    QString nodeId;    // unique to the node; carried in the election connection's application_name
    QString nodeName;  // what others show for it
    int leaseMs = 3000;  // a holder that stops renewing this long is replaced
    int renewMs = 1000;  // the leader renews, a follower polls the lease, this often
};

// Which node of a plane runs the leader-only work (issue 18). Lives on the control thread.
// SQLite: one node, always the leader at epoch 1, no SQL. PostgreSQL: a session advisory lock on a
// dedicated connection plus a lease row (plane_leader) renewed every renewMs; a follower that sees
// the lease expired (by the database's clock) ends the holder's sessions, takes the lock and
// increments the epoch. The SQL runs on a thread of its own: a server that stops answering blocks
// libpq past any statement_timeout (that one is enforced by the server), and the control thread
// must still step down on its own clock before the lease runs out.
class LeaderElection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LeaderElection)

public:
    LeaderElection(StoreLocation location, LeaderElectionOptions options, QObject *parent = nullptr);
    ~LeaderElection() override;  // resigns, so a follower need not wait out the lease

    void start();
    bool isLeader() const;
    qint64 epoch() const { return m_state.epoch; }  // this node's while it leads
    LeaderState state() const { return m_state; }
    const LeaderElectionOptions &options() const { return m_options; }

Q_SIGNALS:
    void leadershipChanged(bool leader, qint64 epoch);
    void stateChanged(const ServeDeck::LeaderState &state);

private:
    friend class ElectionSession;
    // From the session thread: what the database said at a tick begun at startedMs (steady clock).
    void onReport(const LeaderState &seen, qint64 startedMs);
    void stepDown(const QString &why);
    void setState(const LeaderState &state);

    StoreLocation m_location;
    LeaderElectionOptions m_options;
    LeaderState m_state;
    qint64 m_deadlineMs = 0;  // steady clock: a leader that has not renewed by then steps down
    qint64 m_resignedEpoch = 0;
    QTimer *m_watchdog = nullptr;
    QThread *m_thread = nullptr;
    ElectionSession *m_session = nullptr;  // lives on m_thread
};

} // namespace ServeDeck
