#pragma once

#include <memory>
#include <optional>

#include <QStringList>

#include "agent/gpureading.h"

namespace ServeDeck {

class NvmlLibrary;

struct GpuDiscoveryOptions
{
    // NVML's runtime name as the driver installs it; empty: NVML is not tried.
    QString nvmlLibrary = QStringLiteral("libnvidia-ml.so.1");
    // Empty: nvidia-smi is looked up on PATH at each attempt.
    QString nvidiaSmi;
    // nvidia-smi past this is killed and the attempt reported as overdue.
    int timeoutMs = 2000;
};

// The GPUs this machine has: from NVML where the driver's library loads, else from nvidia-smi
// when it is installed, else none (a machine without GPUs or driver is normal). One attempt
// may block its caller up to the timeout, so anything that must stay responsive asks a
// GpuMonitor, which makes the attempts on a thread of its own.
class GpuDiscovery final
{
    Q_DISABLE_COPY_MOVE(GpuDiscovery)

public:
    explicit GpuDiscovery(GpuDiscoveryOptions options = {});
    ~GpuDiscovery();

    // One attempt; the answer keeps the last good list when this attempt fails. NVML is loaded
    // on the first attempt and kept until the discovery goes.
    GpuReading read();

    // One attempt with a throw-away discovery: what is found, or none.
    static QList<GpuInfo> discover(int timeoutMs = 2000);
    // Parses `nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu
    // --format=csv,noheader,nounits`; lines it cannot read are skipped.
    static QList<GpuInfo> parse(const QByteArray &csv);
    static QStringList queryArguments();

private:
    std::optional<QList<GpuInfo>> runNvidiaSmi(const QString &program, QString *why) const;

    GpuDiscoveryOptions m_options;
    std::unique_ptr<NvmlLibrary> m_nvml;  // null: not tried yet, or it did not load
    bool m_nvmlTried = false;
    GpuReading m_reading;
};

} // namespace ServeDeck
