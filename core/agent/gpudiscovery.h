#pragma once

#include <QList>
#include <QString>

namespace ServeDeck {

struct GpuInfo
{
    int index = 0;
    QString uuid;
    QString name;
    qint64 memoryTotalBytes = 0;
    qint64 memoryUsedBytes = 0;
    int utilizationPercent = 0;
};

// The GPUs this machine has, from nvidia-smi when it is installed. A machine without GPUs (or
// without the driver) is normal and simply reports none.
class GpuDiscovery final
{
public:
    static QList<GpuInfo> discover(int timeoutMs = 3000);
    // Parses `nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu
    // --format=csv,noheader,nounits`; lines it cannot read are skipped.
    static QList<GpuInfo> parse(const QByteArray &csv);
    static QStringList queryArguments();
};

} // namespace ServeDeck
