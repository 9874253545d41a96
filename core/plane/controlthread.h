#pragma once

#include <functional>
#include <optional>

#include <QMutex>
#include <QThread>
#include <QWaitCondition>

#include "plane/controlplane.h"

namespace ServeDeck {

// The console's control thread: its ControlPlane is made, started, run and destroyed here, so
// SQLite writes, reconciler passes, sampling and the listeners never hold up the GUI thread.
class ControlThread final : public QThread
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ControlThread)

public:
    // attach runs on this thread once the plane has started, before any event reaches it.
    ControlThread(ControlPlaneOptions options, std::function<void(ControlPlane &)> attach, QObject *parent = nullptr);
    // Stops the plane (its replicas too) and waits for it.
    ~ControlThread() override;

    // Starts the thread and waits until its plane has started or failed to.
    Result<Done> startPlane();

protected:
    void run() override;

private:
    ControlPlaneOptions m_options;
    std::function<void(ControlPlane &)> m_attach;
    QMutex m_mutex;
    QWaitCondition m_startedCondition;
    std::optional<Result<Done>> m_started;
};

} // namespace ServeDeck
