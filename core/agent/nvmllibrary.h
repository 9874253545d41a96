#pragma once

#include <optional>

#include <QList>
#include <QString>

#include "agent/gpureading.h"

namespace ServeDeck {

// NVIDIA's management library, loaded at run time with dlopen so that ServeDeck builds and runs
// without the driver or the CUDA headers. Only the few calls discovery needs are resolved; their
// ABI is stable and documented (nvml.h), so the types are declared in the .cpp.
// NVML is thread-safe, but one instance is meant to be used from one thread at a time.
class NvmlLibrary final
{
    Q_DISABLE_COPY_MOVE(NvmlLibrary)

public:
    NvmlLibrary() = default;
    ~NvmlLibrary();  // nvmlShutdown, then unloads

    // dlopen, resolve, nvmlInit_v2; false with the reason when any step fails.
    bool load(const QString &path, QString *why);
    // Every device with its memory and utilization now; nullopt with NVML's reason on failure.
    std::optional<QList<GpuInfo>> read(QString *why) const;

private:
    struct Api;
    void *m_handle = nullptr;
    Api *m_api = nullptr;
    bool m_initialized = false;
};

} // namespace ServeDeck
