#include "gpuplacement.h"

#include <algorithm>

#include "domain/resourceslots.h"

namespace ServeDeck {

GpuPlacement::GpuPlacement(QList<GpuDevice> devices)
{
    for (GpuDevice &d : devices)
        m_slots.append({std::move(d), 0, false, 0});
}

const GpuPlacement::Slot *GpuPlacement::find(int index) const
{
    for (const Slot &s : m_slots) {
        if (s.device.index == index)
            return &s;
    }
    return nullptr;
}

QString GpuPlacement::memoryFraction(qint64 neededBytes, qint64 totalBytes)
{
    if (totalBytes <= 0)
        return QStringLiteral("1.00");
    // In integers: hundredths of the device, rounded down.
    const qint64 hundredths = std::clamp<qint64>(qint64((__int128(neededBytes) * 100) / totalBytes), 1, 100);
    return QStringLiteral("%1.%2").arg(hundredths / 100).arg(hundredths % 100, 2, 10, QLatin1Char('0'));
}

qint64 GpuPlacement::freeBytes(int index) const
{
    const Slot *s = find(index);
    if (!s || s->whole || s->device.totalBytes <= 0)
        return 0;
    // What our replicas use is part of what NVML reports used: the larger of the two is taken.
    return std::max<qint64>(0, s->device.totalBytes - std::max(s->promised, s->device.usedBytes));
}

qint64 GpuPlacement::totalBytes(int index) const
{
    const Slot *s = find(index);
    return s ? s->device.totalBytes : 0;
}

Result<QList<int>> GpuPlacement::choose(int gpuCount, qint64 memoryBytes, const QString &whose) const
{
    const QString where = whose.isEmpty() ? QString() : QStringLiteral(" on ") + whose;
    if (shares(gpuCount, memoryBytes)) {
        const Slot *best = nullptr;     // the fullest device that fits
        const Slot *roomiest = nullptr; // for the message when none does
        for (const Slot &s : m_slots) {
            const qint64 free = freeBytes(s.device.index);
            if (free >= memoryBytes && (!best || free < freeBytes(best->device.index)))
                best = &s;
            if (!roomiest || free > freeBytes(roomiest->device.index))
                roomiest = &s;
        }
        if (best)
            return QList<int>{best->device.index};
        if (!roomiest)
            return makeError(ErrorType::InsufficientResources,
                             QStringLiteral("no GPU%1 for a replica that needs %2 of GPU memory")
                                 .arg(where, readableMemorySize(memoryBytes)),
                             {{QStringLiteral("needed_bytes"), memoryBytes}});
        const int index = roomiest->device.index;
        const qint64 free = freeBytes(index);
        const qint64 total = roomiest->device.totalBytes;
        return makeError(ErrorType::InsufficientResources,
                         QStringLiteral("device %1 (%2)%3: %4 free, the replica needs %5, %6 short")
                             .arg(index)
                             .arg(total > 0 ? readableMemorySize(total) : QStringLiteral("memory not known"), where,
                                  readableMemorySize(free), readableMemorySize(memoryBytes),
                                  readableMemorySize(memoryBytes - free)),
                         {{QStringLiteral("device"), index},
                          {QStringLiteral("total_bytes"), total},
                          {QStringLiteral("free_bytes"), free},
                          {QStringLiteral("needed_bytes"), memoryBytes},
                          {QStringLiteral("short_bytes"), memoryBytes - free}});
    }
    // Whole devices, in index order, that nobody uses and that hold what each must.
    QList<int> chosen;
    int unused = 0;
    for (const Slot &s : m_slots) {
        if (s.whole || s.sharers > 0)
            continue;
        ++unused;
        if (chosen.size() < gpuCount && (memoryBytes <= 0 || freeBytes(s.device.index) >= memoryBytes))
            chosen << s.device.index;
    }
    if (chosen.size() < gpuCount) {
        QJsonObject details{{QStringLiteral("needed_devices"), gpuCount}, {QStringLiteral("free_devices"), unused}};
        QString message = QStringLiteral("the replica needs %1 GPU(s); %2 of %3 are free%4")
                              .arg(gpuCount)
                              .arg(unused)
                              .arg(m_slots.size())
                              .arg(where);
        if (memoryBytes > 0 && unused >= gpuCount) {
            message = QStringLiteral("the replica needs %1 GPU(s) with %2 free each; %3 of %4 have that%5")
                          .arg(gpuCount)
                          .arg(readableMemorySize(memoryBytes))
                          .arg(chosen.size())
                          .arg(m_slots.size())
                          .arg(where);
            details.insert(QStringLiteral("needed_bytes"), memoryBytes);
        }
        return makeError(ErrorType::InsufficientResources, message, details);
    }
    return chosen;
}

void GpuPlacement::hold(const QList<int> &devices, int gpuCount, qint64 memoryBytes)
{
    const bool sharing = shares(gpuCount, memoryBytes);
    for (Slot &s : m_slots) {
        if (!devices.contains(s.device.index))
            continue;
        if (sharing) {
            s.promised += memoryBytes;
            ++s.sharers;
        } else {
            s.whole = true;
        }
    }
}

Result<QList<int>> GpuPlacement::place(int gpuCount, qint64 memoryBytes, const QString &whose)
{
    auto chosen = choose(gpuCount, memoryBytes, whose);
    if (chosen)
        hold(*chosen, gpuCount, memoryBytes);
    return chosen;
}

} // namespace ServeDeck
