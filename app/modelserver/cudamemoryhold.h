#pragma once

#include <QString>

namespace ServeDeck {

// Device memory held for the rest of the process, allocated through the CUDA driver API
// (libcuda.so.1, loaded at run time: no toolkit and no build dependency). It stands in for a
// runtime's weights so that placement and NVML's per-process memory are checked on a real GPU.
class CudaMemoryHold final
{
public:
    enum class Outcome { Held, NoDriver, OutOfMemory, Failed };

    // Allocates `mib` MiB on the first visible device; *said is what happened, as one line.
    static Outcome allocate(qint64 mib, const QString &library, QString *said);
};

} // namespace ServeDeck
