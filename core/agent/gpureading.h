#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QString>

namespace ServeDeck {

// A process with a CUDA context on a device, and the device memory it uses (-1: not known).
struct GpuProcess
{
    qint64 pid = 0;
    qint64 usedBytes = -1;
};

struct GpuInfo
{
    int index = 0;
    QString uuid;
    QString name;
    qint64 memoryTotalBytes = 0;
    qint64 memoryUsedBytes = 0;
    int utilizationPercent = 0;
    QList<GpuProcess> processes{};  // from NVML only; empty where it does not say
};

// What GPU discovery knows at one moment: the last good list of GPUs with its age, and how the
// latest attempt went. A failed attempt (nvidia-smi killed past its timeout, an NVML error)
// leaves the last good list in place and says why; no GPU at all is a good answer.
struct GpuReading
{
    enum class Source { None, Nvml, NvidiaSmi };

    Source source = Source::None;  // where `gpus` came from
    QList<GpuInfo> gpus;
    QElapsedTimer readAt;          // when `gpus` were read; invalid until a first good answer
    QString error;                 // why the latest attempt failed; empty when it answered
    QString nvmlUnavailable;       // why NVML is not used, where it was tried and is not
    int attempts = 0;              // attempts finished, good or not

    bool hasAnswer() const { return readAt.isValid(); }
    qint64 ageMs() const { return readAt.isValid() ? readAt.elapsed() : -1; }
    static QString sourceName(Source source);
};

} // namespace ServeDeck
