#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QUuid>

class QTimer;

namespace ServeDeck {

class ControlClient;
struct Job;

// Each endpoint's jobs waiting and running (the job queue's live counts), for the dashboard's
// Queue column and the Details' Jobs line. Read once at start, then again for the endpoints whose
// jobs changed, at most once per kRefreshMs.
class JobQueueCounts final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobQueueCounts)

public:
    struct Counts
    {
        int queued = 0;
        int running = 0;
        bool operator==(const Counts &) const = default;
    };

    // A busy queue changes hundreds of times a second; the counts are read for people, for
    // whom once a second is live, and a read costs the control thread a hop.
    static constexpr int kRefreshMs = 1000;

    explicit JobQueueCounts(ControlClient &client, QObject *parent = nullptr);

    Counts counts(const QUuid &endpointId) const { return m_counts.value(endpointId); }
    // Reads every endpoint's counts again (not waiting for a job to change).
    void reload();

Q_SIGNALS:
    void changed(const QList<QUuid> &endpointIds);

private:
    void jobChanged(const ServeDeck::Job &job);
    void schedule();
    void read();

    ControlClient &m_client;
    QHash<QUuid, Counts> m_counts;
    QSet<QUuid> m_dirty;
    bool m_everyEndpoint = true;  // the next read takes every endpoint, not only m_dirty
    bool m_reading = false;
    QTimer *m_timer;
    QElapsedTimer m_sinceRead;
};

} // namespace ServeDeck
