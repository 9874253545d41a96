#include "gpumonitor.h"

#include <QDeadlineTimer>
#include <QTimer>

namespace ServeDeck {

GpuMonitor::GpuMonitor(GpuMonitorOptions options, QObject *parent)
    : QObject(parent)
    , m_attemptTimeoutMs(options.discovery.timeoutMs)
    , m_discovery(std::make_unique<GpuDiscovery>(std::move(options.discovery)))
{
    m_thread.setObjectName(QStringLiteral("gpu-monitor"));
    // The timer lives and dies on the monitor's thread; an attempt that outlasts the interval
    // delays the next one instead of queueing more.
    auto *timer = new QTimer;
    timer->setInterval(std::max(options.intervalMs, 1));
    timer->moveToThread(&m_thread);
    connect(&m_thread, &QThread::started, timer, [this, timer] {
        poll();
        timer->start();
    });
    connect(timer, &QTimer::timeout, timer, [this] { poll(); });
    connect(&m_thread, &QThread::finished, timer, &QObject::deleteLater);
    m_thread.start(QThread::LowPriority);
}

GpuMonitor::~GpuMonitor()
{
    // An nvidia-smi running now sees the request within its wait slice and is killed.
    m_thread.requestInterruption();
    m_thread.quit();
    m_thread.wait();
}

GpuReading GpuMonitor::latest() const
{
    QMutexLocker lock(&m_mutex);
    return m_latest;
}

bool GpuMonitor::waitForFirstReading(int timeoutMs) const
{
    // nvidia-smi's timeout, and the second a killed one is given to end.
    const QDeadlineTimer deadline(timeoutMs >= 0 ? timeoutMs : m_attemptTimeoutMs + 1000);
    QMutexLocker lock(&m_mutex);
    while (m_latest.attempts == 0) {
        if (!m_firstReading.wait(&m_mutex, deadline))
            break;
    }
    return m_latest.attempts > 0;
}

void GpuMonitor::poll()
{
    const GpuReading reading = m_discovery->read();
    {
        QMutexLocker lock(&m_mutex);
        m_latest = reading;
        m_firstReading.wakeAll();
    }
    // Queued to the thread the monitor belongs to, so listeners hear it where they live.
    QMetaObject::invokeMethod(this, [this, reading] { Q_EMIT readingUpdated(reading); }, Qt::QueuedConnection);
}

} // namespace ServeDeck
