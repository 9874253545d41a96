#include "exitclassifier.h"


#include "logtail.h"

namespace ServeDeck {

std::optional<QString> classifyExit(const ExitFacts &f, const LogTail &log)
{
    // The log beats the exit code: a CUDA OOM usually ends as a plain exit 1.
    if (log.contains(QStringLiteral("CUDA out of memory")) || log.contains(QStringLiteral("CUDA error: out of memory")))
        return QStringLiteral("CudaOutOfMemory");
    if (f.memoryLimitHit)
        return QStringLiteral("OOMKilled");
    if (f.requested)
        return std::nullopt;
    if (f.healthGaveUp)
        return QStringLiteral("HealthCheckFailed");
    if (f.startTimedOut)
        return QStringLiteral("Timeout");
    if (f.failedToLaunch || !f.everHealthy)
        return QStringLiteral("StartFailed");
    // SIGKILL from outside with no watchdog involved is what the kernel's OOM killer does too;
    // without cgroup evidence it stays a crash.
    return QStringLiteral("Crashed");
}

} // namespace ServeDeck
