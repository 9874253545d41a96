#include "exitclassifier.h"

#include <cmath>

#include <QRegularExpression>
#include <QStringList>

#include "domain/resourceslots.h"
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

CudaOomDetails cudaOomDetails(const LogTail &log)
{
    static const QRegularExpression allocate(QStringLiteral("Tried to allocate ([0-9]{1,9}(?:\\.[0-9]{1,6})?) ?([KMGT]i?B|B|bytes)\\b"),
                                             QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression gpu(QStringLiteral("\\bGPU ([0-9]{1,4})\\b(?:;| has)"));
    CudaOomDetails details;
    const QStringList lines = log.lines();
    // The last report wins: a runtime that retried says the final attempt last.
    for (auto it = lines.crbegin(); it != lines.crend(); ++it) {
        if (!it->contains(QStringLiteral("out of memory"), Qt::CaseInsensitive))
            continue;
        if (const auto m = allocate.match(*it); m.hasMatch()) {
            const QString unit = m.captured(2).toUpper();
            int shift = 0;
            if (unit.startsWith(u'K'))
                shift = 10;
            else if (unit.startsWith(u'M'))
                shift = 20;
            else if (unit.startsWith(u'G'))
                shift = 30;
            else if (unit.startsWith(u'T'))
                shift = 40;
            details.requestedBytes = qint64(std::llround(std::ldexp(m.captured(1).toDouble(), shift)));
        }
        if (const auto m = gpu.match(*it); m.hasMatch())
            details.device = m.captured(1).toInt();
        break;
    }
    return details;
}

QString describeCudaOom(const CudaOomDetails &details, const QString &visibleDevices)
{
    QString text = QStringLiteral("CUDA out of memory");
    if (details.device) {
        const QStringList visible = visibleDevices.split(u',', Qt::SkipEmptyParts);
        const QString machine = visible.value(*details.device).trimmed();
        text += machine.isEmpty() || machine == QString::number(*details.device)
            ? QStringLiteral(" on device %1").arg(*details.device)
            : QStringLiteral(" on device %1 (GPU %2 as the runtime counts)").arg(machine).arg(*details.device);
    }
    if (details.requestedBytes)
        text += QStringLiteral(": tried to allocate %1").arg(readableMemorySize(*details.requestedBytes));
    return text;
}

} // namespace ServeDeck
