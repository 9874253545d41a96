#pragma once

#include "domain/resourceslots.h"

namespace ServeDeck {

// What the local machine offers until agents report their own.
struct Capacity
{
    ResourceSlots total;

    static Capacity detectLocal();
    static Capacity detectLocal(const QList<struct GpuInfo> &gpus);
    // "cpu=16,memory=64G,gpu=1"; absent keys keep the detected value.
    static Result<Capacity> parse(const QString &spec, const Capacity &base = detectLocal());
};

} // namespace ServeDeck
