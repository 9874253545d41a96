#include "gpudiscovery.h"

#include <QDeadlineTimer>
#include <QProcess>
#include <QStandardPaths>
#include <QThread>

#include "agent/nvmllibrary.h"

namespace ServeDeck {

namespace {

// nvidia-smi's answer is a line per GPU; this is thousands of GPUs. More is not nvidia-smi.
constexpr qint64 kMaxOutputBytes = 1 << 20;
// How often a waiting attempt looks at the output size and for a stop request.
constexpr int kWaitSliceMs = 20;

QString firstLine(const QByteArray &text)
{
    return QString::fromUtf8(text.trimmed().split('\n').value(0).trimmed()).left(200);
}

} // namespace

QString GpuReading::sourceName(Source source)
{
    switch (source) {
    case Source::Nvml:
        return QStringLiteral("nvml");
    case Source::NvidiaSmi:
        return QStringLiteral("nvidia-smi");
    case Source::None:
        break;
    }
    return QStringLiteral("none");
}

GpuDiscovery::GpuDiscovery(GpuDiscoveryOptions options)
    : m_options(std::move(options))
{
}

GpuDiscovery::~GpuDiscovery() = default;

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
    GpuDiscoveryOptions options;
    options.timeoutMs = timeoutMs;
    return GpuDiscovery(options).read().gpus;
}

GpuReading GpuDiscovery::read()
{
    if (!m_nvmlTried && !m_options.nvmlLibrary.isEmpty()) {
        // Loaded once: nvmlInit_v2 costs far more than a reading, and a driver that is not
        // there now will not appear while ServeDeck runs.
        m_nvmlTried = true;
        m_nvml = std::make_unique<NvmlLibrary>();
        if (!m_nvml->load(m_options.nvmlLibrary, &m_reading.nvmlUnavailable))
            m_nvml.reset();
    }
    ++m_reading.attempts;
    QString why;
    std::optional<QList<GpuInfo>> gpus;
    GpuReading::Source source = GpuReading::Source::None;
    if (m_nvml) {
        source = GpuReading::Source::Nvml;
        gpus = m_nvml->read(&why);
    } else {
        const QString smi = !m_options.nvidiaSmi.isEmpty() ? m_options.nvidiaSmi
                                                           : QStandardPaths::findExecutable(QStringLiteral("nvidia-smi"));
        if (smi.isEmpty()) {
            gpus = QList<GpuInfo>{};
        } else {
            source = GpuReading::Source::NvidiaSmi;
            gpus = runNvidiaSmi(smi, &why);
        }
    }
    if (gpus) {
        m_reading.source = source;
        m_reading.gpus = *gpus;
        m_reading.readAt.start();
        m_reading.error.clear();
    } else {
        m_reading.error = why;  // the last good list stays, with its age
    }
    return m_reading;
}

std::optional<QList<GpuInfo>> GpuDiscovery::runNvidiaSmi(const QString &program, QString *why) const
{
    QProcess process;
    process.start(program, queryArguments());
    if (!process.waitForStarted(m_options.timeoutMs)) {
        *why = QStringLiteral("cannot run %1: %2").arg(program, process.errorString());
        return std::nullopt;
    }
    // Waits in slices rather than one waitForFinished so that a flood of output and a stop
    // request (the monitor going away) are both noticed while nvidia-smi runs.
    const QDeadlineTimer deadline(m_options.timeoutMs);
    QString failure;
    QByteArray errors;  // only its start is kept: it is for a message
    const auto drainErrors = [&] {
        const QByteArray more = process.readAllStandardError();
        if (errors.size() < 4096)
            errors += more.left(4096 - errors.size());
    };
    while (process.state() != QProcess::NotRunning) {
        drainErrors();
        if (deadline.hasExpired())
            failure = QStringLiteral("%1 did not answer within %2 ms and was killed").arg(program).arg(m_options.timeoutMs);
        else if (process.bytesAvailable() > kMaxOutputBytes)
            failure = QStringLiteral("%1 wrote more than %2 bytes and was killed").arg(program).arg(kMaxOutputBytes);
        else if (QThread::currentThread()->isInterruptionRequested())
            failure = QStringLiteral("stopped while %1 ran").arg(program);
        if (!failure.isEmpty()) {
            process.kill();
            process.waitForFinished(1000);
            *why = failure;
            return std::nullopt;
        }
        process.waitForFinished(int(std::min<qint64>(kWaitSliceMs, deadline.remainingTime())));
    }
    const QByteArray output = process.readAllStandardOutput();
    drainErrors();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        // nvidia-smi says why on stdout ("NVIDIA-SMI has failed because ..."), others on stderr.
        const QString said = firstLine(output.isEmpty() ? errors : output);
        *why = process.exitStatus() != QProcess::NormalExit
            ? QStringLiteral("%1 crashed").arg(program)
            : QStringLiteral("%1 exited with code %2%3").arg(program).arg(process.exitCode()).arg(said.isEmpty() ? QString() : u": " + said);
        return std::nullopt;
    }
    return parse(output);
}

} // namespace ServeDeck
