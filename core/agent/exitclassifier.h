#pragma once

#include <optional>

#include <QString>

namespace ServeDeck {

class LogTail;

// What is known when a replica's process ends.
struct ExitFacts
{
    bool requested = false;        // we asked it to stop (scale-down, delete)
    bool everHealthy = false;
    bool memoryLimitHit = false;   // our watchdog or the kernel's OOM killer ended it
    bool healthGaveUp = false;     // stopped because health checks ran out of retries
    bool startTimedOut = false;    // never answered a health check in time
    bool failedToLaunch = false;   // the command could not be executed at all
    int exitCode = 0;
    std::optional<int> signal;     // set when it died by a signal
};

// Maps an ending to the error kind operators filter by, or nothing for a clean, requested stop.
std::optional<QString> classifyExit(const ExitFacts &facts, const LogTail &log);

// What a CUDA out-of-memory line says, where it says it: PyTorch's "Tried to allocate 2.00 GiB
// (GPU 0; ...)" or "... GPU 0 has a total capacity of ...". The device is as the runtime counts
// (among the devices it was shown).
struct CudaOomDetails
{
    std::optional<int> device;
    std::optional<qint64> requestedBytes;
};
CudaOomDetails cudaOomDetails(const LogTail &log);
// "CUDA out of memory on device 1: tried to allocate 2 GiB"; `visibleDevices` (the replica's
// CUDA_VISIBLE_DEVICES) maps the runtime's device number to the machine's.
QString describeCudaOom(const CudaOomDetails &details, const QString &visibleDevices);

} // namespace ServeDeck
