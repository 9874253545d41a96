#pragma once

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

    // One sampler pass: the readings by endpoint (an endpoint without one served nothing). Reads
    // each live endpoint's healthy and desired replica counts from the store.
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
    };

    // Takes out the buckets of minutes before `minute`.
    QList<UsageSample> takeClosed(const QDateTime &minute);

    Repository &m_repository;
    Clock &m_clock;
    QHash<QUuid, Bucket> m_open;        // by endpoint: the minute being filled
    QHash<QUuid, QDateTime> m_previous;  // by endpoint: its previous reading's time
    QDateTime m_compactedHour;
};

} // namespace ServeDeck
