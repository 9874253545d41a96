#pragma once

#include <memory>

#include <QByteArray>
#include <QMap>
#include <QMetaType>
#include <QObject>

#include "domain/result.h"
#include "simulationsettings.h"

namespace ServeDeck {

struct SimulationRevisionCounts
{
    quint64 ok = 0;
    quint64 failed = 0;
};

// Where a simulation stands: sent at the end of each tick, and the totals when it stops.
struct SimulationTick
{
    qint64 elapsedMs = 0;      // since start, at the end of the tick
    qint64 intervalMs = 0;     // this tick's length (random when the settings say so)
    double rate = 0;           // the pattern's rate during the tick, requests/s
    quint64 sent = 0;          // totals since start
    quint64 ok = 0;            // answered 2xx/3xx
    quint64 failed = 0;        // answered 4xx/5xx, or no answer (refused, reset, timed out)
    quint64 skipped = 0;       // due while maxInFlight requests waited: not sent
    quint64 cancelled = 0;     // still waiting when the simulation stopped
    int inFlight = 0;
    QMap<QByteArray, SimulationRevisionCounts> byRevision;  // X-ServeDeck-Revision; "" when none came
};

// Drives one endpoint with a pattern until stopped or its duration passes: an open loop that
// sends at the pattern's rate whatever the answers, the requests of each tick spread evenly over
// it. Lives on one thread (ctl's main thread, or a worker thread in the console).
class TrafficSimulator final : public QObject
{
    Q_OBJECT
public:
    explicit TrafficSimulator(SimulationSettings settings, QObject *parent = nullptr);
    ~TrafficSimulator() override;

    // Validates the settings (InvalidArgument naming the field) and starts sending.
    Result<Done> start();
    // Sends no more; waits up to 2 s for the answers in flight, then cancels the rest and
    // emits stopped(). Safe to call twice.
    void stop();
    bool isRunning() const;
    SimulationTick totals() const;
    // Replaces the headers for the requests still to come (a renewed token).
    void setHeaders(const HeaderList &headers);

Q_SIGNALS:
    void tick(const ServeDeck::SimulationTick &tick);
    void stopped(const ServeDeck::SimulationTick &totals);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace ServeDeck

Q_DECLARE_METATYPE(ServeDeck::SimulationTick)
