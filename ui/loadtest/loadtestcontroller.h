#pragma once

#include <QObject>

#include "traffic/loadtest.h"

class QThread;

namespace ServeDeck {

// Runs one LoadTest at a time on a thread of its own (never the GUI thread: thousands of
// requests a second would stall painting). The test is made, run and deleted there (its
// sockets and timers belong to that thread); its progress and result come back by queued
// signals. Cancelled, and its thread ended, when the controller goes.
class LoadTestController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LoadTestController)

public:
    explicit LoadTestController(QObject *parent = nullptr);
    ~LoadTestController() override;

    // False when one runs already.
    bool start(const LoadTestSettings &settings);
    void cancel();
    bool isRunning() const { return m_running; }
    // The thread the tests run on (tests check it is not theirs).
    QThread *thread() const { return m_thread; }

Q_SIGNALS:
    void started();
    void progressed(const ServeDeck::LoadTestProgress &progress);
    void finished(const ServeDeck::LoadTestResult &result);

private:
    QThread *m_thread;
    QObject *m_host;            // lives on m_thread: work for the test is queued to it
    LoadTest *m_test = nullptr;  // touched on m_thread only
    bool m_running = false;      // touched on this object's thread only
};

} // namespace ServeDeck
