#pragma once

#include <QList>

#include "domain/resourceslots.h"

namespace ServeDeck {

// What the local machine offers until agents report their own.
struct Capacity
{
    ResourceSlots total;  // total.gpuMemoryBytes: the sum over the devices
    // Memory of each device, by index (0 where it is not known); as many as total.gpu.
    QList<qint64> deviceMemoryBytes;

    static Capacity detectLocal();
    static Capacity detectLocal(const QList<struct GpuInfo> &gpus);
    // "cpu=16,memory=64G,gpu=2,gpu_memory=24G"; absent keys keep the detected value.
    // gpu_memory is the memory of each device and needs at least one GPU.
    static Result<Capacity> parse(const QString &spec, const Capacity &base = detectLocal());
};

} // namespace ServeDeck
