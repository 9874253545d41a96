#pragma once

#include <QList>
#include <QString>

#include "domain/result.h"

namespace ServeDeck {

// One device as placement sees it.
struct GpuDevice
{
    int index = 0;
    qint64 totalBytes = 0;  // 0: not known (a replica that shares by memory cannot go there)
    qint64 usedBytes = 0;   // in use now as NVML reports it; 0 for a configured device
};

// Which devices a replica goes on. One that asks for gpu_memory with gpu <= 1 shares a device
// with others: it goes where that much memory is free (neither promised to replicas placed
// before nor in use per NVML), the fullest such device first so whole devices stay free. One
// that asks for whole devices takes devices nobody else uses. The plane asks it with the
// configured capacity, the agent with what its GPUs report.
class GpuPlacement final
{
public:
    explicit GpuPlacement(QList<GpuDevice> devices);

    static bool shares(int gpuCount, qint64 memoryBytes) { return memoryBytes > 0 && gpuCount <= 1; }
    // needed / total with two decimals, rounded down (a runtime told 0.42 stays under its
    // share), at least 0.01 and at most 1.00.
    static QString memoryFraction(qint64 neededBytes, qint64 totalBytes);

    // Where a replica asking for `gpuCount` devices and `memoryBytes` on each would go; holds
    // nothing. InsufficientResources names the device and the memory short, `whose` says
    // whose devices these are ("agent local"; empty: the plane's configured capacity).
    Result<QList<int>> choose(int gpuCount, qint64 memoryBytes, const QString &whose = {}) const;
    // A replica already placed on `devices`.
    void hold(const QList<int> &devices, int gpuCount, qint64 memoryBytes);
    // choose, then hold.
    Result<QList<int>> place(int gpuCount, qint64 memoryBytes, const QString &whose = {});

    // Memory neither promised nor in use, never below 0; 0 for an unknown device.
    qint64 freeBytes(int index) const;
    qint64 totalBytes(int index) const;

private:
    struct Slot
    {
        GpuDevice device;
        qint64 promised = 0;  // by replicas that share it
        bool whole = false;   // taken whole by one replica
        int sharers = 0;
    };
    const Slot *find(int index) const;

    QList<Slot> m_slots;
};

} // namespace ServeDeck
