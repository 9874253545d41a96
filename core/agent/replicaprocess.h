#pragma once

#include <memory>

#include <QElapsedTimer>
#include <QObject>
#include <QProcess>
#include <QTimer>

#include "agent/exitclassifier.h"
#include "agent/logtail.h"
#include "agent/replicaspec.h"

class QNetworkAccessManager;

namespace ServeDeck {

class CgroupMemoryLimit;

// One replica's process: started on a given port, probed as its health check says, held to its
// memory limit, stopped gracefully. It reports; it never restarts itself (the reconciler decides).
class ReplicaProcess final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplicaProcess)

public:
    enum class State { Starting, Healthy, Unhealthy, Stopping, Exited };

    // cgroupBase: a delegated cgroup v2 directory where the memory limit is left to the kernel;
    // empty: the process's resident memory is watched instead.
    ReplicaProcess(ReplicaSpec spec, QNetworkAccessManager &network, QString cgroupBase = {},
                   QObject *parent = nullptr);
    ~ReplicaProcess() override;

    // extraPorts: a port for each of the spec's extra port names.
    void start(quint16 port, const QHash<QString, quint16> &extraPorts = {});
    void stop();

    State state() const { return m_state; }
    const ReplicaSpec &spec() const { return m_spec; }
    quint16 port() const { return m_port; }
    const QHash<QString, quint16> &extraPorts() const { return m_extraPorts; }
    qint64 pid() const { return m_process.processId(); }
    const LogTail &log() const { return m_log; }
    // Start to first healthy answer, or -1 while it has none.
    qint64 coldStartMs() const { return m_coldStartMs; }
    // Time spent starting so far, or -1 once it is past starting.
    qint64 startingForMs() const { return m_state == State::Starting ? m_sinceStart.elapsed() : -1; }
    // Its last answer was the runtime's "still loading" (a preset's loading status).
    bool isLoading() const { return m_loading; }
    // What the process uses now, from /proc: resident memory and CPU time so far.
    qint64 residentBytes() const;
    double cpuSeconds() const;

Q_SIGNALS:
    void becameHealthy();
    void becameUnhealthy(const QString &reason);
    void exited(const ServeDeck::ReplicaExit &exit);

private:
    void probe();
    void onProbeResult(bool ok, const QString &detail);
    void checkMemory();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void giveUp(bool timedOut, const QString &reason);
    void finish(int exitCode, std::optional<int> signal);

    ReplicaSpec m_spec;
    QNetworkAccessManager &m_network;
    QString m_cgroupBase;
    std::unique_ptr<CgroupMemoryLimit> m_cgroup;
    QProcess m_process;
    LogTail m_log;
    State m_state = State::Starting;
    quint16 m_port = 0;
    QHash<QString, quint16> m_extraPorts;
    ExitFacts m_facts;
    QString m_reason;
    int m_failures = 0;
    bool m_probing = false;
    bool m_loading = false;
    qint64 m_coldStartMs = -1;
    QElapsedTimer m_sinceStart;
    QTimer m_probeTimer;
    QTimer m_memoryTimer;
    QTimer m_killTimer;
};

} // namespace ServeDeck
