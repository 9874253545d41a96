#include "leaderelection.h"

#include <chrono>

#include <QMutex>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QTimer>
#include <QUuid>

#include "plane/planelog.h"

namespace ServeDeck {

namespace {

// pg_try_advisory_lock's key for "the plane's leader" ("SrvDeckL"); advisory locks are per
// database, so planes on different databases of one server do not meet.
constexpr qint64 kLockKey = 0x5372764465636b4c;
// Serialises the lease table's creation: two first nodes racing CREATE TABLE IF NOT EXISTS can
// both miss the table and one then fails on the catalog's unique index.
constexpr qint64 kCreateKey = kLockKey + 1;

qint64 steadyMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// A leader steps down this long before its lease can have expired at the database: the lease
// runs from the database's now() at the renewal, later than when the renewal was sent.
qint64 marginMs(int leaseMs)
{
    return std::min<qint64>(500, leaseMs / 4);
}

QString applicationName(const QString &nodeId)
{
    return QStringLiteral("servedeck:") + nodeId;
}

} // namespace

// The election's side on its own thread: the dedicated connection and every statement.
class ElectionSession final : public QObject
{
public:
    ElectionSession(LeaderElection *election, StoreLocation location, LeaderElectionOptions options)
        : m_election(election)
        , m_location(std::move(location))
        , m_options(std::move(options))
        , m_connection(QStringLiteral("servedeck-election-") + QUuid::createUuid().toString(QUuid::Id128))
    {
    }

    // From the LeaderElection's thread, when it leaves this session behind: no report after this
    // returns (one posted before it is dropped with the LeaderElection's pending events).
    void detach()
    {
        const QMutexLocker lock(&m_detachLock);
        m_detached = true;
    }

    void start()
    {
        m_timer = new QTimer(this);
        m_timer->setInterval(m_options.renewMs);
        connect(m_timer, &QTimer::timeout, this, [this] { tick(); });
        m_timer->start();
        tick();
    }

    // Gives the lease up at once (the control thread stepped down, or the node stops), so a
    // follower takes over without waiting for the lease to run out. Only the epoch given.
    void resign(qint64 epoch)
    {
        if (m_heldEpoch == 0 || (epoch != 0 && epoch != m_heldEpoch))
            return;
        if (QSqlDatabase::contains(m_connection) && db().isOpen()) {
            QSqlQuery q(db());
            q.prepare(QStringLiteral("UPDATE plane_leader SET expires_at = now() WHERE id = 1 AND leader_id = ? AND epoch = ?"));
            q.addBindValue(m_options.nodeId);
            q.addBindValue(m_heldEpoch);
            if (!q.exec())
                qCWarning(lcPlane, "leader election: resigning: %s", qPrintable(q.lastError().text()));
            unlock();
        }
        m_heldEpoch = 0;
        m_holdOffUntilMs = steadyMs() + holdOffMs();
    }

    void finish()
    {
        delete m_timer;
        m_timer = nullptr;
        resign(0);
        close();
    }

private:
    QSqlDatabase db() const { return QSqlDatabase::database(m_connection, false); }
    // A node that lost the lease lets the others take it first: it expires within a lease of the
    // loss, and each follower looks twice in the time after that.
    qint64 holdOffMs() const { return m_options.leaseMs + 2 * qint64(m_options.renewMs); }

    void close()
    {
        if (!QSqlDatabase::contains(m_connection))
            return;
        {
            QSqlDatabase d = db();
            d.close();
        }
        QSqlDatabase::removeDatabase(m_connection);
    }

    // A broken session lost the lock with it: whatever this node held is gone.
    void lost(LeaderState &seen, const QString &error)
    {
        seen.error = error;
        seen.connected = false;
        if (m_heldEpoch != 0)
            m_holdOffUntilMs = steadyMs() + holdOffMs();
        m_heldEpoch = 0;
        // Closed here, removed at the next tick's reconnect, when no query holds it any more.
        QSqlDatabase d = db();
        d.close();
    }

    bool exec(QSqlQuery &q, const QString &sql, const QVariantList &binds, LeaderState &seen)
    {
        q.setForwardOnly(true);
        bool ok = false;
        if (binds.isEmpty()) {
            ok = q.exec(sql);  // unprepared: PostgreSQL prepares no SET, BEGIN or DDL
        } else if (q.prepare(sql)) {
            for (const QVariant &b : binds)
                q.addBindValue(b);
            ok = q.exec();
        }
        if (!ok)
            lost(seen, q.lastError().text());
        return ok;
    }

    bool ensureOpen(LeaderState &seen)
    {
        if (QSqlDatabase::contains(m_connection) && db().isOpen())
            return true;
        close();
        StoreLocation location = m_location;
        // Later keywords win in libpq's conninfo: ours over the URL's.
        QStringList options;
        if (!location.connectOptions.isEmpty())
            options << location.connectOptions;
        options << QStringLiteral("application_name=") + applicationName(m_options.nodeId);
        if (!location.connectOptions.contains(QStringLiteral("connect_timeout")))
            options << QStringLiteral("connect_timeout=%1").arg(std::max(1, m_options.leaseMs / 1000));
        location.connectOptions = options.join(u';');
        if (auto opened = location.openConnection(m_connection); !opened) {
            seen.error = opened.error().message;
            return false;
        }
        QSqlQuery q(db());
        // Bounds what the server does for us (a lock wait behind a fenced write included); a
        // server that stops answering altogether is the control thread's watchdog's.
        const QString timeout = QStringLiteral("SET statement_timeout = %1").arg(std::max(100, m_options.leaseMs / 2));
        if (!exec(q, timeout, {}, seen))
            return false;
        // CREATE TABLE IF NOT EXISTS says NOTICE at every start otherwise.
        if (!exec(q, QStringLiteral("SET client_min_messages = warning"), {}, seen))
            return false;
        if (!exec(q, QStringLiteral("BEGIN"), {}, seen))
            return false;
        const bool created =
            exec(q, QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(kCreateKey), {}, seen)
            && exec(q,
                    QStringLiteral("CREATE TABLE IF NOT EXISTS plane_leader ("
                                   "id INTEGER PRIMARY KEY CHECK (id = 1), "
                                   "leader_id TEXT NOT NULL DEFAULT '', "
                                   "leader_name TEXT NOT NULL DEFAULT '', "
                                   "epoch BIGINT NOT NULL DEFAULT 0, "
                                   "renewed_at TIMESTAMPTZ NOT NULL DEFAULT now(), "
                                   "expires_at TIMESTAMPTZ NOT NULL DEFAULT '-infinity')"),
                    {}, seen)
            && exec(q, QStringLiteral("INSERT INTO plane_leader (id) VALUES (1) ON CONFLICT (id) DO NOTHING"), {}, seen)
            && exec(q, QStringLiteral("COMMIT"), {}, seen);
        return created;
    }

    void unlock()
    {
        QSqlQuery q(db());
        if (!q.exec(QStringLiteral("SELECT pg_advisory_unlock_all()")))
            qCDebug(lcPlane, "leader election: unlock: %s", qPrintable(q.lastError().text()));
    }

    void tick()
    {
        const qint64 started = steadyMs();
        LeaderState seen;
        seen.nodeId = m_options.nodeId;
        seen.nodeName = m_options.nodeName;
        if (ensureOpen(seen)) {
            seen.connected = true;
            if (m_heldEpoch != 0)
                renew(seen, started);
            else
                follow(seen);
        }
        seen.leader = m_heldEpoch != 0;
        if (seen.leader)
            seen.epoch = m_heldEpoch;
        // Under the lock: a LeaderElection that stopped waiting for this thread (detach()) is gone
        // or going, and is never posted to again.
        const QMutexLocker lock(&m_detachLock);
        if (m_detached)
            return;
        LeaderElection *election = m_election;
        QMetaObject::invokeMethod(
            election, [election, seen, started] { election->onReport(seen, started); }, Qt::QueuedConnection);
    }

    void renew(LeaderState &seen, qint64 started)
    {
        // Past our own deadline the control thread has stepped down already: start over.
        if (started - m_renewedMs > m_options.leaseMs - marginMs(m_options.leaseMs)) {
            resign(m_heldEpoch);
            seen.error = QStringLiteral("the lease was not renewed in time");
            return;
        }
        QSqlQuery q(db());
        if (!exec(q,
                  QStringLiteral("UPDATE plane_leader SET renewed_at = now(), expires_at = now() + interval '%1 milliseconds' "
                                 "WHERE id = 1 AND leader_id = ? AND epoch = ? AND expires_at > now() "
                                 "RETURNING leader_name")
                      .arg(m_options.leaseMs),
                  {m_options.nodeId, m_heldEpoch}, seen))
            return;
        if (!q.next()) {
            // Expired at the database, or taken: whoever takes it ends this session anyway.
            seen.error = QStringLiteral("the lease expired before it was renewed");
            resign(m_heldEpoch);
            return;
        }
        m_renewedMs = started;
        seen.leaderId = m_options.nodeId;
        seen.leaderName = q.value(0).toString();
        seen.epoch = m_heldEpoch;
        seen.leaseAgeMs = 0;
    }

    void follow(LeaderState &seen)
    {
        QSqlQuery q(db());
        if (!exec(q,
                  QStringLiteral("SELECT leader_id, leader_name, epoch, "
                                 "CAST(EXTRACT(EPOCH FROM (now() - renewed_at)) * 1000 AS BIGINT), "
                                 "expires_at <= now() FROM plane_leader WHERE id = 1"),
                  {}, seen))
            return;
        if (!q.next()) {
            seen.error = QStringLiteral("no lease row");
            return;
        }
        seen.leaderId = q.value(0).toString();
        seen.leaderName = q.value(1).toString();
        seen.epoch = q.value(2).toLongLong();
        seen.leaseAgeMs = seen.leaderId.isEmpty() ? -1 : q.value(3).toLongLong();
        const bool expired = q.value(4).toBool();
        q.finish();
        // A node that just lost the lease lets the others take it first.
        if (expired && steadyMs() >= m_holdOffUntilMs)
            takeOver(seen);
    }

    void takeOver(LeaderState &seen)
    {
        const qint64 started = steadyMs();
        QSqlQuery q(db());
        if (!exec(q, QStringLiteral("BEGIN"), {}, seen))
            return;
        const auto rollback = [&] {
            QSqlQuery r(db());
            static_cast<void>(r.exec(QStringLiteral("ROLLBACK")));
        };
        // FOR UPDATE: one follower at a time, and after any fenced write of the old leader's.
        if (!exec(q, QStringLiteral("SELECT leader_id, expires_at <= now() FROM plane_leader WHERE id = 1 FOR UPDATE"), {},
                  seen))
            return;
        if (!q.next() || !q.value(1).toBool()) {
            rollback();
            return;
        }
        const QString holder = q.value(0).toString();
        q.finish();
        // A paused holder keeps its TCP session and so the lock: end it (waiting up to a second
        // for each backend to go). Only its election connection carries this name: its store
        // connection lives on, to be refused by the fence.
        if (!holder.isEmpty()) {
            if (!exec(q,
                      QStringLiteral("SELECT pg_terminate_backend(pid, 1000) FROM pg_stat_activity "
                                     "WHERE application_name = ? AND pid <> pg_backend_pid()"),
                      {applicationName(holder)}, seen))
                return;
            while (q.next()) {
            }
        }
        if (!exec(q, QStringLiteral("SELECT pg_try_advisory_lock(%1)").arg(kLockKey), {}, seen))
            return;
        if (!q.next() || !q.value(0).toBool()) {
            seen.error = QStringLiteral("the leader lock is still held");
            rollback();
            return;
        }
        q.finish();
        if (!exec(q,
                  QStringLiteral("UPDATE plane_leader SET leader_id = ?, leader_name = ?, epoch = epoch + 1, "
                                 "renewed_at = now(), expires_at = now() + interval '%1 milliseconds' "
                                 "WHERE id = 1 RETURNING epoch")
                      .arg(m_options.leaseMs),
                  {m_options.nodeId, m_options.nodeName}, seen))
            return;
        const qint64 epoch = q.next() ? q.value(0).toLongLong() : 0;
        q.finish();
        if (epoch == 0 || !exec(q, QStringLiteral("COMMIT"), {}, seen)) {
            rollback();
            unlock();
            return;
        }
        m_heldEpoch = epoch;
        m_renewedMs = started;
        seen.leaderId = m_options.nodeId;
        seen.leaderName = m_options.nodeName;
        seen.epoch = epoch;
        seen.leaseAgeMs = 0;
        seen.error.clear();
    }

    LeaderElection *const m_election;
    const StoreLocation m_location;
    const LeaderElectionOptions m_options;
    const QString m_connection;
    QTimer *m_timer = nullptr;
    qint64 m_heldEpoch = 0;  // 0: not held
    qint64 m_renewedMs = 0;  // steady clock: when the last successful renewal was sent
    qint64 m_holdOffUntilMs = 0;
    QMutex m_detachLock;
    bool m_detached = false;
};

LeaderElection::LeaderElection(StoreLocation location, LeaderElectionOptions options, QObject *parent)
    : QObject(parent)
    , m_location(std::move(location))
    , m_options(std::move(options))
{
    m_state.nodeId = m_options.nodeId;
    m_state.nodeName = m_options.nodeName;
}

LeaderElection::~LeaderElection()
{
    if (!m_thread)
        return;
    ElectionSession *session = m_session;
    QThread *thread = m_thread;
    QMetaObject::invokeMethod(session, [session, thread] {
        session->finish();
        thread->quit();
    }, Qt::QueuedConnection);
    // A server that stopped answering may hold the session in libpq for a while: the thread is
    // left to finish on its own then rather than this thread waiting on it.
    if (thread->wait(m_options.leaseMs + 2000)) {
        delete session;
        delete thread;
    } else {
        session->detach();
        qCWarning(lcPlane, "leader election: the database did not answer in time; leaving its thread behind");
    }
}

void LeaderElection::start()
{
    if (!m_location.isPostgres()) {
        LeaderState state = m_state;
        state.leader = true;
        state.leaderId = m_options.nodeId;
        state.leaderName = m_options.nodeName;
        state.epoch = 1;
        state.leaseAgeMs = 0;
        state.connected = true;
        setState(state);
        Q_EMIT leadershipChanged(true, 1);
        return;
    }
    if (m_thread)
        return;
    m_watchdog = new QTimer(this);
    m_watchdog->setSingleShot(true);
    connect(m_watchdog, &QTimer::timeout, this, [this] { stepDown(QStringLiteral("the lease was not renewed in time")); });
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("leader-election"));
    m_session = new ElectionSession(this, m_location, m_options);
    m_session->moveToThread(m_thread);
    m_thread->start();
    ElectionSession *session = m_session;
    QMetaObject::invokeMethod(session, [session] { session->start(); }, Qt::QueuedConnection);
}

bool LeaderElection::isLeader() const
{
    // Checked on the clock too: a frozen process resumes before its watchdog fires.
    return m_state.leader && (!m_location.isPostgres() || steadyMs() < m_deadlineMs);
}

void LeaderElection::onReport(const LeaderState &seen, qint64 startedMs)
{
    LeaderState state = seen;
    const qint64 deadline = startedMs + m_options.leaseMs - marginMs(m_options.leaseMs);
    // A report from before a step-down, or one that arrives too late, does not make a leader.
    if (state.leader && (state.epoch <= m_resignedEpoch || steadyMs() >= deadline)) {
        if (state.epoch > m_resignedEpoch)
            m_resignedEpoch = state.epoch;
        ElectionSession *session = m_session;
        const qint64 epoch = state.epoch;
        QMetaObject::invokeMethod(session, [session, epoch] { session->resign(epoch); }, Qt::QueuedConnection);
        state.leader = false;
    }
    if (state.leader) {
        m_deadlineMs = deadline;
        m_watchdog->start(int(std::max<qint64>(0, deadline - steadyMs())));
    }
    const bool was = m_state.leader;
    setState(state);
    if (was != state.leader) {
        qCInfo(lcPlane, "leader election: %s at epoch %lld", state.leader ? "leading" : "following",
               static_cast<long long>(state.epoch));
        Q_EMIT leadershipChanged(state.leader, state.epoch);
    }
}

void LeaderElection::stepDown(const QString &why)
{
    if (!m_state.leader)
        return;
    qCWarning(lcPlane, "leader election: stepping down at epoch %lld: %s", static_cast<long long>(m_state.epoch),
              qPrintable(why));
    m_resignedEpoch = std::max(m_resignedEpoch, m_state.epoch);
    ElectionSession *session = m_session;
    const qint64 epoch = m_state.epoch;
    QMetaObject::invokeMethod(session, [session, epoch] { session->resign(epoch); }, Qt::QueuedConnection);
    LeaderState state = m_state;
    state.leader = false;
    state.error = why;
    setState(state);
    Q_EMIT leadershipChanged(false, epoch);
}

void LeaderElection::setState(const LeaderState &state)
{
    if (state == m_state)
        return;
    m_state = state;
    Q_EMIT stateChanged(m_state);
}

} // namespace ServeDeck
