#include "trafficrunner.h"

#include <QMutexLocker>

namespace ServeDeck {

TrafficRunner::TrafficRunner(QObject *parent)
    : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("traffic runner"));
    m_anchor->moveToThread(&m_thread);
    m_thread.start();
}

TrafficRunner::~TrafficRunner()
{
    // Blocking, once: after it nothing on the traffic thread touches this object.
    QMetaObject::invokeMethod(
        m_anchor,
        [anchor = m_anchor] {
            const auto simulators = anchor->findChildren<TrafficSimulator *>();
            qDeleteAll(simulators);
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete m_anchor;
}

Result<Done> TrafficRunner::start(const SimulationSettings &settings)
{
    if (auto valid = settings.validate(); !valid)
        return valid.error();
    stop();
    {
        QMutexLocker lock(&m_mutex);
        m_latest = {};
        m_baseline = {};
    }
    m_running = true;
    QMetaObject::invokeMethod(
        m_anchor,
        [this, settings] {
            auto *simulator = new TrafficSimulator(settings, m_anchor);
            connect(simulator, &TrafficSimulator::tick, m_anchor, [this](const SimulationTick &tick) { record(tick); });
            connect(simulator, &TrafficSimulator::stopped, simulator, [this, simulator](const SimulationTick &totals) {
                record(totals);
                simulator->deleteLater();
                Q_EMIT stopped();
            });
            if (!simulator->start())
                delete simulator;  // validated above: not expected
        },
        Qt::QueuedConnection);
    return Done{};
}

void TrafficRunner::stop()
{
    if (!m_running)
        return;
    m_running = false;
    // Queued: the simulator lets its answers in flight come back (briefly), then goes.
    QMetaObject::invokeMethod(
        m_anchor,
        [anchor = m_anchor] {
            const auto simulators = anchor->findChildren<TrafficSimulator *>();
            for (TrafficSimulator *s : simulators)
                s->stop();
        },
        Qt::QueuedConnection);
}

void TrafficRunner::setHeaders(const HeaderList &headers)
{
    QMetaObject::invokeMethod(
        m_anchor,
        [anchor = m_anchor, headers] {
            const auto simulators = anchor->findChildren<TrafficSimulator *>();
            for (TrafficSimulator *s : simulators)
                s->setHeaders(headers);
        },
        Qt::QueuedConnection);
}

void TrafficRunner::record(const SimulationTick &tick)
{
    {
        QMutexLocker lock(&m_mutex);
        m_latest = tick;
    }
    Q_EMIT ticked();
}

TrafficRunner::Counts TrafficRunner::counts() const
{
    QMutexLocker lock(&m_mutex);
    Counts c;
    c.rate = m_latest.rate;
    c.sent = m_latest.sent - m_baseline.sent;
    c.ok = m_latest.ok - m_baseline.ok;
    c.failed = m_latest.failed - m_baseline.failed;
    c.skipped = m_latest.skipped - m_baseline.skipped;
    for (auto it = m_latest.byRevision.cbegin(); it != m_latest.byRevision.cend(); ++it)
        c.byRevision.insert(it.key(), it.value().ok - m_baseline.byRevision.value(it.key()).ok);
    return c;
}

void TrafficRunner::resetCounts()
{
    QMutexLocker lock(&m_mutex);
    m_baseline = m_latest;
}

} // namespace ServeDeck
