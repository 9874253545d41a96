#include "jobqueuecounts.h"

#include <algorithm>

#include <QTimer>

#include "jobs/jobqueue.h"
#include "plane/controlclient.h"
#include "store/repository.h"

namespace ServeDeck {

JobQueueCounts::JobQueueCounts(ControlClient &client, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &JobQueueCounts::read);
    connect(&m_client, &ControlClient::jobChanged, this, &JobQueueCounts::jobChanged);
    reload();
}

void JobQueueCounts::reload()
{
    m_everyEndpoint = true;
    schedule();
}

void JobQueueCounts::jobChanged(const Job &job)
{
    m_dirty.insert(job.endpointId);
    schedule();
}

void JobQueueCounts::schedule()
{
    // Always through the timer, also when a read is due now: a plane on this thread emits
    // jobChanged from inside the queue's own call, which must not be entered again from here.
    if (m_reading || m_timer->isActive())
        return;
    const qint64 wait = m_sinceRead.isValid() ? kRefreshMs - m_sinceRead.elapsed() : 0;
    m_timer->start(int(std::max<qint64>(0, wait)));
}

void JobQueueCounts::read()
{
    const bool every = std::exchange(m_everyEndpoint, false);
    const QList<QUuid> ids = every ? QList<QUuid>() : QList<QUuid>(m_dirty.begin(), m_dirty.end());
    m_dirty.clear();
    m_reading = true;
    m_sinceRead.start();
    m_client.call(
        this,
        [every, ids](ControlPlane &plane) {
            QHash<QUuid, Counts> counts;
            JobQueue *jobs = plane.jobs();
            if (!jobs)
                return counts;
            QList<QUuid> wanted = ids;
            if (every) {
                if (auto endpoints = plane.repository().endpoints()) {
                    for (const Endpoint &e : std::as_const(*endpoints))
                        wanted << e.id;
                }
            }
            for (const QUuid &id : std::as_const(wanted))
                counts.insert(id, Counts{jobs->queuedCount(id), jobs->runningCount(id)});
            return counts;
        },
        [this](const QHash<QUuid, Counts> &counts) {
            m_reading = false;
            QList<QUuid> moved;
            for (auto it = counts.begin(); it != counts.end(); ++it) {
                if (m_counts.value(it.key()) != it.value()) {
                    m_counts.insert(it.key(), it.value());
                    moved << it.key();
                }
            }
            if (!moved.isEmpty())
                Q_EMIT changed(moved);
            // Changes that came while this read was under way.
            if (m_everyEndpoint || !m_dirty.isEmpty())
                schedule();
        });
}

} // namespace ServeDeck
