#pragma once

#include <functional>
#include <optional>

#include <QDateTime>
#include <QHash>
#include <QUuid>

#include "domain/result.h"
#include "domain/usagesample.h"
#include "usage/usagereading.h"

namespace ServeDeck {

class Clock;
class Repository;

// Turns the metrics sampler's readings into stored usage samples: accumulates each live
// endpoint per minute and writes one UsageSample per endpoint per closed minute, all of a minute
// in one transaction; once an hour, rolls old minutes into hours and drops what is past the
// retention. Control thread only; one write per minute, nothing per request.
class UsageRecorder final
{
    Q_DISABLE_COPY_MOVE(UsageRecorder)

public:
    UsageRecorder(Repository &repository, Clock &clock);

    // An endpoint's reading from the sampler's last pass; none: it served nothing.
    using ReadingSource = std::function<std::optional<UsageReading>(const QUuid &endpointId)>;

    // One sampler pass. Reads each live endpoint's healthy and desired replica counts from the
    // store and asks `readings` for its load.
    Result<Done> record(const ReadingSource &readings);
    Result<Done> record(const QHash<QUuid, UsageReading> &readings);
    // Writes the minutes that have closed by now (record() does it too).
    Result<Done> flush();
    // Rolls up and prunes now, as record() does once an hour.
    Result<int> compact();

private:
    struct Bucket
    {
        UsageSample sample;
        int readings = 0;
        double rpsSum = 0, replicasSum = 0, cpuSum = 0, gpuSum = 0;
        int cpuN = 0, gpuN = 0;
        QHash<QUuid, UsageRevisionCount> revisions;  // by revision
    };
    struct Closed
    {
        QList<UsageSample> samples;
        QList<UsageRevisionCount> revisionCounts;
        bool isEmpty() const { return samples.isEmpty(); }
    };

    // Takes out the buckets of minutes before `minute`.
    Closed takeClosed(const QDateTime &minute);
    // Adds the growth of the reading's route counters to the bucket's revisions.
    void countRoutes(Bucket &bucket, const QUuid &endpointId, const UsageReading &reading, const QDateTime &now);

    Repository &m_repository;
    Clock &m_clock;
    QHash<QUuid, Bucket> m_open;        // by endpoint: the minute being filled
    struct Totals
    {
        QDateTime time;
        qint64 requests = 0;
        qint64 errors = 0;
    };
    QHash<QUuid, Totals> m_previous;  // by endpoint: its previous reading
    struct RouteTotals
    {
        QUuid endpointId;
        qint64 requests = 0;
        qint64 errors = 0;
        QDateTime seen;
    };
    QHash<QUuid, RouteTotals> m_previousRoutes;  // by route: its previous reading
    QDateTime m_compactedHour;
};

} // namespace ServeDeck
