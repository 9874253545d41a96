#include "gpudiscovery.h"

#include <QProcess>
#include <QStandardPaths>

namespace ServeDeck {

QStringList GpuDiscovery::queryArguments()
{
    return {QStringLiteral("--query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu"),
            QStringLiteral("--format=csv,noheader,nounits")};
}

QList<GpuInfo> GpuDiscovery::parse(const QByteArray &csv)
{
    QList<GpuInfo> gpus;
    for (const QByteArray &raw : csv.split('\n')) {
        const QByteArray line = raw.trimmed();
        if (line.isEmpty())
            continue;
        const QList<QByteArray> f = line.split(',');
        if (f.size() != 6)
            continue;
        bool okIndex = false, okTotal = false;
        GpuInfo gpu;
        gpu.index = f[0].trimmed().toInt(&okIndex);
        gpu.uuid = QString::fromUtf8(f[1].trimmed());
        gpu.name = QString::fromUtf8(f[2].trimmed());
        // nounits: memory in MiB; "[N/A]" where a value is not supported.
        gpu.memoryTotalBytes = f[3].trimmed().toLongLong(&okTotal) << 20;
        gpu.memoryUsedBytes = f[4].trimmed().toLongLong() << 20;
        gpu.utilizationPercent = f[5].trimmed().toInt();
        if (okIndex && okTotal)
            gpus.append(gpu);
    }
    return gpus;
}

QList<GpuInfo> GpuDiscovery::discover(int timeoutMs)
{
    const QString smi = QStandardPaths::findExecutable(QStringLiteral("nvidia-smi"));
    if (smi.isEmpty())
        return {};
    QProcess process;
    process.start(smi, queryArguments());
    if (!process.waitForFinished(timeoutMs) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        process.kill();
        process.waitForFinished(1000);
        return {};
    }
    return parse(process.readAllStandardOutput());
}

} // namespace ServeDeck
