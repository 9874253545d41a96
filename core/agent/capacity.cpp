#include "capacity.h"

#include <optional>

#include <QFile>
#include <QJsonObject>
#include <QRegularExpression>
#include <QThread>

#include "agent/gpudiscovery.h"

namespace ServeDeck {

Capacity Capacity::detectLocal()
{
    return detectLocal(GpuDiscovery::discover());
}

Capacity Capacity::detectLocal(const QList<GpuInfo> &gpus)
{
    Capacity c;
    c.total.cpu = QThread::idealThreadCount();
    QFile meminfo(QStringLiteral("/proc/meminfo"));
    if (meminfo.open(QIODevice::ReadOnly)) {
        static const QRegularExpression re(QStringLiteral("^MemTotal:\\s+(\\d+) kB"),
                                           QRegularExpression::MultilineOption);
        const auto m = re.match(QString::fromLatin1(meminfo.readAll()));
        if (m.hasMatch())
            c.total.memoryBytes = m.captured(1).toLongLong() * 1024;
    }
    c.total.gpu = double(gpus.size());
    for (const GpuInfo &gpu : gpus) {
        c.deviceMemoryBytes << gpu.memoryTotalBytes;
        c.total.gpuMemoryBytes += gpu.memoryTotalBytes;
    }
    return c;
}

Result<Capacity> Capacity::parse(const QString &spec, const Capacity &base)
{
    QJsonObject slots = base.total.toJson();
    slots.remove(QStringLiteral("gpu_memory"));  // the spec's gpu_memory is per device, the total's a sum
    std::optional<QString> perDevice;
    for (const QString &part : spec.split(u',', Qt::SkipEmptyParts)) {
        const auto kv = part.split(u'=');
        if (kv.size() != 2)
            return makeError(ErrorType::InvalidArgument,
                             QStringLiteral("capacity: '%1' is not key=value (example: cpu=16,memory=64G)").arg(part));
        if (kv[0].trimmed() == u"gpu_memory")
            perDevice = kv[1].trimmed();
        else
            slots.insert(kv[0].trimmed(), kv[1].trimmed());
    }
    auto parsed = ResourceSlots::fromJson(slots);
    if (!parsed)
        return parsed.error();
    Capacity c{*parsed, {}};
    const int devices = int(c.total.gpu);
    qint64 each = -1;  // -1: as detected
    if (perDevice) {
        auto memory = ResourceSlots::fromJson({{QStringLiteral("gpu_memory"), *perDevice}});
        if (!memory)
            return memory.error();
        each = memory->gpuMemoryBytes;
        if (each <= 0 || devices <= 0)
            return makeError(ErrorType::InvalidArgument,
                             devices <= 0 ? QStringLiteral("capacity: gpu_memory needs at least one GPU (gpu=N)")
                                          : QStringLiteral("capacity: gpu_memory must be greater than 0"),
                             {{QStringLiteral("field"), QStringLiteral("resource_slots.gpu_memory")}});
    }
    c.total.gpuMemoryBytes = 0;
    for (int i = 0; i < devices; ++i) {
        const qint64 memory = each >= 0 ? each : base.deviceMemoryBytes.value(i);
        c.deviceMemoryBytes << memory;
        c.total.gpuMemoryBytes += memory;
    }
    return c;
}

} // namespace ServeDeck
