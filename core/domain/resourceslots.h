#pragma once

#include <QJsonObject>

#include "result.h"

namespace ServeDeck {

// What one replica asks for. Memory uses binary units as Backend.AI does ("4G" = 4 GiB).
// gpu_memory is the device memory one replica needs: with gpu <= 1 it shares a device with
// others by that much memory instead of taking the device whole.
struct ResourceSlots
{
    double cpu = 0;
    qint64 memoryBytes = 0;
    double gpu = 0;
    qint64 gpuMemoryBytes = 0;

    static Result<ResourceSlots> fromJson(const QJsonObject &json);
    QJsonObject toJson() const;

    // A replica that shares a device by memory takes no device of its own.
    bool sharesGpu() const { return gpuMemoryBytes > 0 && gpu <= 1; }
    // Whole devices it takes: 0 for a sharer.
    double wholeGpus() const { return sharesGpu() ? 0 : gpu; }

    // What `replicas` of these take together: sharers count their memory, not devices.
    ResourceSlots operator*(int replicas) const;
    ResourceSlots operator+(const ResourceSlots &other) const;
    ResourceSlots operator-(const ResourceSlots &other) const;
    // Compare a product (slots * n) with what is left: GPU memory only in sum.
    bool fitsIn(const ResourceSlots &available) const;
    bool operator==(const ResourceSlots &) const = default;
};

Result<qint64> parseMemorySize(const QString &text);
QString formatMemorySize(qint64 bytes);
// For messages: "24 GiB", "1.5 GiB", "512 MiB".
QString readableMemorySize(qint64 bytes);

} // namespace ServeDeck
