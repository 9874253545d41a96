#pragma once

#include <memory>

#include <QMutex>
#include <QObject>
#include <QThread>
#include <QWaitCondition>

#include "agent/gpudiscovery.h"

namespace ServeDeck {

struct GpuMonitorOptions
{
    // Once a second: the console charts utilization per second and the sampler asks every
    // 500 ms; nvidia-smi costs tens to hundreds of ms, so polling faster would mostly measure it.
    int intervalMs = 1000;
    GpuDiscoveryOptions discovery;
};

// Reads GPU inventory and utilization on a thread of its own, keeps the latest reading and
// publishes it, so that whoever asks (the agent's status, every 500 ms on the control thread)
// never waits on nvidia-smi or the driver. Starts polling when constructed.
class GpuMonitor final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GpuMonitor)

public:
    explicit GpuMonitor(GpuMonitorOptions options = {}, QObject *parent = nullptr);
    ~GpuMonitor() override;  // stops the thread, killing an nvidia-smi still running

    // The latest reading; from any thread, without waiting on an attempt in progress.
    GpuReading latest() const;
    // Blocks until the first attempt has finished (good or not) or the time is up. Only for
    // what cannot go on without knowing the GPUs: a GPU replica asked for at start-up, the
    // command-line probe. True when a reading is in. -1: as long as one attempt may take.
    bool waitForFirstReading(int timeoutMs = -1) const;

Q_SIGNALS:
    // After every attempt, delivered (queued) on the thread the monitor belongs to.
    void readingUpdated(const ServeDeck::GpuReading &reading);

private:
    void poll();  // on m_thread

    const int m_attemptTimeoutMs;
    std::unique_ptr<GpuDiscovery> m_discovery;  // used on m_thread only
    QThread m_thread;
    mutable QMutex m_mutex;
    mutable QWaitCondition m_firstReading;
    GpuReading m_latest;
};

} // namespace ServeDeck
