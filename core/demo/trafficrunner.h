#pragma once

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QThread>

#include "domain/result.h"
#include "traffic/trafficsimulator.h"

namespace ServeDeck {

// The traffic simulator on a thread of its own (never the caller's, which is the GUI thread in
// the console), its running totals readable from any thread: the guided demo's traffic and the
// console's Simulator panel. The simulator
// bounds itself (in-flight cap, per-request timeout, a duration); stop() ends it early.
class TrafficRunner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficRunner)

public:
    struct Counts
    {
        double rate = 0;  // the pattern's rate in the last tick, requests/s
        quint64 sent = 0;
        quint64 ok = 0;
        quint64 failed = 0;
        quint64 skipped = 0;
        QHash<QByteArray, quint64> byRevision;  // answered 2xx, by X-ServeDeck-Revision
    };

    explicit TrafficRunner(QObject *parent = nullptr);
    ~TrafficRunner() override;  // stops the simulator and waits for its thread

    // Validates the settings here (InvalidArgument naming the field), then starts the simulator on
    // the traffic thread.
    Result<Done> start(const SimulationSettings &settings);
    void stop();
    bool isRunning() const { return m_running; }
    // For the requests still to come (a renewed token); queued to the traffic thread.
    void setHeaders(const HeaderList &headers);
    // Since start() or the last resetCounts(). Safe from any thread.
    Counts counts() const;
    void resetCounts();

Q_SIGNALS:
    // Emitted on the traffic thread (connect with a receiver on yours): after each tick, and once
    // more when the simulator has stopped and its totals are final.
    void ticked();
    void stopped();

private:
    void record(const SimulationTick &tick);  // on the traffic thread

    mutable QMutex m_mutex;
    SimulationTick m_latest;
    SimulationTick m_baseline;
    bool m_running = false;
    QThread m_thread;
    QObject *m_anchor = new QObject;  // lives on m_thread; the simulators are its children
};

} // namespace ServeDeck
