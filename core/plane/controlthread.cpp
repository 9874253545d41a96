#include "controlthread.h"

#include <QMutexLocker>

namespace ServeDeck {

ControlThread::ControlThread(ControlPlaneOptions options, std::function<void(ControlPlane &)> attach, QObject *parent)
    : QThread(parent)
    , m_options(std::move(options))
    , m_attach(std::move(attach))
{
    setObjectName(QStringLiteral("servedeck-control"));
}

ControlThread::~ControlThread()
{
    quit();
    wait();
}

Result<Done> ControlThread::startPlane()
{
    start();
    QMutexLocker lock(&m_mutex);
    while (!m_started)
        m_startedCondition.wait(&m_mutex);
    return *m_started;
}

void ControlThread::run()
{
    // Made here, so it and every object it owns belong to this thread, and go with it.
    ControlPlane plane;
    Result<Done> started = plane.start(m_options);
    if (started)
        m_attach(plane);
    {
        QMutexLocker lock(&m_mutex);
        m_started = started;
        m_startedCondition.wakeAll();
    }
    if (started)
        exec();
    // The plane stops (replicas first) on its own thread as it goes out of scope.
}

} // namespace ServeDeck
