#include "localagent.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QStandardPaths>
#include <QRegularExpression>
#include <QTcpServer>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>
#include <sched.h>

#include "agent/cgroupmemorylimit.h"
#include "agent/replicaprocess.h"
#include "agent/agentlog.h"
#include "agent/parentprocess.h"

namespace ServeDeck {

namespace {

// A free loopback port. Another process could take it before the replica binds; the replica
// then fails to start and is replaced, which is rare enough not to need a port broker.
// Several are held open until all are chosen, so no two are the same. Empty when one is not free.
QList<quint16> freePorts(const QString &host, qsizetype count)
{
    std::vector<std::unique_ptr<QTcpServer>> probes;
    QList<quint16> ports;
    for (qsizetype i = 0; i < count; ++i) {
        auto probe = std::make_unique<QTcpServer>();
        if (!probe->listen(QHostAddress(host), 0))
            return {};
        ports << probe->serverPort();
        probes.push_back(std::move(probe));
    }
    return ports;
}

// A runtime's extra port is named as an environment variable it may read: nothing that could
// name one the process depends on (PATH, LD_PRELOAD), and few of them.
constexpr qsizetype kMaxExtraPorts = 4;
bool isPortName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Z][A-Z0-9_]{0,30}_PORT$"));
    return pattern.match(name).hasMatch();
}

// Bare program names are looked up next to servedeck first, so the demo model server that
// ships with it is found without being on PATH.
QString resolveProgram(const QString &program)
{
    if (program.contains(u'/'))
        return program;
    const QString beside = QCoreApplication::applicationDirPath() + u'/' + program;
    if (QFileInfo(beside).isExecutable())
        return beside;
    return QStandardPaths::findExecutable(program);
}

// GPU memory used by `pid` and its descendants (runtimes such as vLLM keep the CUDA context
// in a child), per the processes NVML listed; -1 when NVML listed none with a known size.
qint64 gpuMemoryOf(qint64 pid, const QList<GpuInfo> &gpus)
{
    // Deeper than any runtime's process tree; bounds the walk up a chain of parents.
    constexpr int kMaxDepth = 32;
    qint64 sum = -1;
    for (const GpuInfo &gpu : gpus) {
        for (const GpuProcess &process : gpu.processes) {
            if (process.usedBytes < 0)
                continue;
            qint64 ancestor = process.pid;
            for (int depth = 0; depth < kMaxDepth && ancestor > 1 && ancestor != pid; ++depth)
                ancestor = parentProcessId(ancestor);
            if (ancestor == pid)
                sum = std::max<qint64>(sum, 0) + process.usedBytes;
        }
    }
    return sum;
}

} // namespace

LocalAgent::LocalAgent(QString agentId, QObject *parent)
    : LocalAgent(std::move(agentId), GpuMonitorOptions{}, parent)
{
}

LocalAgent::LocalAgent(QString agentId, GpuMonitorOptions gpuOptions, QObject *parent)
    : AgentConnector(parent)
    , m_agentId(std::move(agentId))
    , m_gpuMonitor(std::move(gpuOptions))
{
    QString why;
    if (auto base = CgroupMemoryLimit::delegatedBase({}, &why)) {
        m_cgroupBase = *base;
        qCInfo(lcAgent, "agent %s: memory limits enforced by the kernel in cgroup %s", qUtf8Printable(m_agentId),
              qUtf8Printable(m_cgroupBase));
    } else {
        qCInfo(lcAgent, "agent %s: memory limits enforced by the agent's resident-memory watchdog (%s)",
              qUtf8Printable(m_agentId), qUtf8Printable(why));
    }
}

// The cores a replica may run on: as many as it asked for, the least used first, so two
// one-core replicas on a two-core machine do not share a core. A replica that asks for all
// of them (or more) is not pinned.
QList<int> LocalAgent::chooseCpuSet(double cores) const
{
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    if (cores <= 0 || ::sched_getaffinity(0, sizeof(allowed), &allowed) != 0)
        return {};
    QList<int> usable;
    for (int core = 0; core < CPU_SETSIZE; ++core) {
        if (CPU_ISSET(core, &allowed))
            usable << core;
    }
    const qsizetype wanted = qsizetype(std::ceil(cores));
    if (wanted >= usable.size())
        return {};
    QHash<int, int> load;
    for (const QList<int> &set : m_cpuAssignments)
        for (int core : set)
            ++load[core];
    std::stable_sort(usable.begin(), usable.end(), [&](int a, int b) { return load.value(a) < load.value(b); });
    QList<int> chosen = usable.first(wanted);
    std::sort(chosen.begin(), chosen.end());
    return chosen;
}

LocalAgent::~LocalAgent()
{
    stopAll(3000);
}

QList<int> LocalAgent::gpuIndices()
{
    if (m_gpuIndices)
        return *m_gpuIndices;
    // An operator's --capacity gpu=N stands for devices 0..N-1; otherwise what discovery lists.
    QList<int> indices;
    if (m_capacityOverride) {
        for (int i = 0; i < int(m_capacityOverride->total.gpu); ++i)
            indices << i;
        m_gpuIndices = indices;
        return indices;
    }
    // A GPU replica asked for in the first moments after start-up (routes adopted from a
    // previous run) may come before the monitor's first attempt: wait for that once, bounded
    // by nvidia-smi's timeout, rather than refuse a replica the machine can run.
    m_gpuMonitor.waitForFirstReading();
    const GpuReading reading = m_gpuMonitor.latest();
    for (const GpuInfo &gpu : reading.gpus)
        indices << gpu.index;
    // Kept from the first good answer on; while discovery has only failed, asked again next time.
    if (reading.hasAnswer())
        m_gpuIndices = indices;
    return indices;
}

GpuPlacement LocalAgent::gpuPlacement()
{
    const QList<int> indices = gpuIndices();
    // Configured memory where the operator gave it, else the device's own; in use as last read.
    const GpuReading reading = m_gpuMonitor.latest();
    QList<GpuDevice> devices;
    for (int index : indices) {
        GpuDevice device{index, 0, 0};
        if (m_capacityOverride)
            device.totalBytes = m_capacityOverride->deviceMemoryBytes.value(index);
        for (const GpuInfo &gpu : reading.gpus) {
            if (gpu.index != index)
                continue;
            if (device.totalBytes <= 0)
                device.totalBytes = gpu.memoryTotalBytes;
            device.usedBytes = gpu.memoryUsedBytes;
        }
        devices << device;
    }
    GpuPlacement placement(devices);
    for (auto it = m_gpuAssignments.cbegin(); it != m_gpuAssignments.cend(); ++it) {
        const auto ask = m_gpuAsks.value(it.key());
        placement.hold(it.value(), ask.first, ask.second);
    }
    return placement;
}

AgentStatus LocalAgent::status() const
{
    AgentStatus status;
    status.agentId = m_agentId;
    status.kind = QStringLiteral("local");
    status.gpus = m_gpuMonitor.latest().gpus;
    status.capacity = m_capacityOverride.value_or(Capacity::detectLocal(status.gpus));
    for (const auto &[routeId, replica] : m_replicas) {
        static const char *const states[] = {"STARTING", "HEALTHY", "UNHEALTHY", "STOPPING", "EXITED"};
        status.replicas.append({routeId, replica->pid(), replica->port(), QString::fromLatin1(states[int(replica->state())]),
                                replica->residentBytes(), replica->cpuSeconds(), replica->coldStartMs(),
                                m_gpuAssignments.value(routeId),
                                m_gpuAssignments.contains(routeId) ? gpuMemoryOf(replica->pid(), status.gpus) : -1,
                                replica->extraPorts(), replica->startingForMs(),
                                replica->isLoading()});
    }
    return status;
}

Result<QString> LocalAgent::start(const ReplicaSpec &spec)
{
    if (isRunning(spec.routeId))
        return makeError(ErrorType::InvalidArgument, QStringLiteral("route %1 already has a replica").arg(spec.routeId.toString()));
    ReplicaSpec resolved = spec;
    resolved.program = resolveProgram(spec.program);
    if (resolved.program.isEmpty())
        return makeError(ErrorType::NotFound, QStringLiteral("start command '%1' is not an executable here").arg(spec.program));
    // Each GPU replica gets devices of its own, or a share of one by gpu_memory; a CPU replica
    // sees none.
    QList<int> gpus;
    const bool sharing = GpuPlacement::shares(spec.gpuCount, spec.gpuMemoryBytes);
    if (spec.gpuCount > 0 || sharing) {
        const GpuPlacement placement = gpuPlacement();
        auto chosen = placement.choose(spec.gpuCount, spec.gpuMemoryBytes, QStringLiteral("agent ") + m_agentId);
        if (!chosen)
            return chosen.error();
        gpus = *chosen;
        const qint64 deviceBytes = placement.totalBytes(gpus.constFirst());
        if (spec.gpuMemoryBytes > 0 && deviceBytes > 0) {
            for (const QString &argument : spec.gpuMemoryArguments) {
                QString value = argument;
                resolved.arguments << value.replace(QStringLiteral("{gpu_memory_fraction}"),
                                                    GpuPlacement::memoryFraction(spec.gpuMemoryBytes, deviceBytes));
            }
        }
    }
    QStringList visible;
    for (int index : gpus)
        visible << QString::number(index);
    resolved.environment.insert(QStringLiteral("CUDA_VISIBLE_DEVICES"), visible.join(u','));
    resolved.cpuSet = chooseCpuSet(spec.cpuCores);

    // $PORT, then one for each extra port the runtime asks for (Triton's gRPC and metrics).
    const QSet<QString> extraNames(spec.extraPorts.cbegin(), spec.extraPorts.cend());
    if (spec.extraPorts.size() > kMaxExtraPorts || extraNames.size() != spec.extraPorts.size()
        || extraNames.contains(QStringLiteral("PORT"))
        || !std::all_of(spec.extraPorts.cbegin(), spec.extraPorts.cend(), isPortName))
        return makeError(ErrorType::InvalidArgument,
                         QStringLiteral("extra ports must be at most %1 distinct names like GRPC_PORT: %2")
                             .arg(kMaxExtraPorts)
                             .arg(spec.extraPorts.join(QStringLiteral(", ")).left(200)));
    const QList<quint16> ports = freePorts(m_replicaHost, 1 + spec.extraPorts.size());
    if (ports.isEmpty())
        return makeError(ErrorType::InsufficientResources, QStringLiteral("no free port on %1 for a replica").arg(m_replicaHost));
    const quint16 port = ports.constFirst();
    QHash<QString, quint16> extraPorts;
    for (qsizetype i = 0; i < spec.extraPorts.size(); ++i)
        extraPorts.insert(spec.extraPorts[i], ports[i + 1]);
    resolved.environment.insert(QStringLiteral("HOST"), m_replicaHost);

    auto process = std::make_unique<ReplicaProcess>(resolved, m_network, m_cgroupBase, this);
    ReplicaProcess *replica = process.get();
    const QUuid routeId = spec.routeId;
    connect(replica, &ReplicaProcess::becameHealthy, this, [this, routeId] { Q_EMIT replicaHealthy(routeId); });
    connect(replica, &ReplicaProcess::becameUnhealthy, this,
            [this, routeId, replica](const QString &reason) { Q_EMIT replicaUnhealthy(routeId, reason, replica->log().text()); });
    connect(replica, &ReplicaProcess::exited, this, [this, routeId](const ReplicaExit &exit) {
        // Forget it first: whoever hears this may ask isRunning() and must hear "no".
        auto it = m_replicas.find(routeId);
        std::unique_ptr<ReplicaProcess> ended = it != m_replicas.end() ? std::move(it->second) : nullptr;
        if (it != m_replicas.end())
            m_replicas.erase(it);
        m_gpuAssignments.remove(routeId);
        m_gpuAsks.remove(routeId);
        m_cpuAssignments.remove(routeId);
        Q_EMIT replicaExited(routeId, exit);
        if (ended)
            ended.release()->deleteLater();
    });
    m_replicas.emplace(routeId, std::move(process));
    if (!gpus.isEmpty()) {
        m_gpuAssignments.insert(routeId, gpus);
        m_gpuAsks.insert(routeId, {spec.gpuCount, spec.gpuMemoryBytes});
    }
    if (!resolved.cpuSet.isEmpty())
        m_cpuAssignments.insert(routeId, resolved.cpuSet);
    replica->start(port, extraPorts);
    return QStringLiteral("%1:%2:%3").arg(m_agentId).arg(replica->pid()).arg(port);
}

void LocalAgent::stop(const QUuid &routeId)
{
    auto it = m_replicas.find(routeId);
    if (it != m_replicas.end())
        it->second->stop();
}

bool LocalAgent::isRunning(const QUuid &routeId) const
{
    return m_replicas.find(routeId) != m_replicas.end();
}

const ReplicaProcess *LocalAgent::replica(const QUuid &routeId) const
{
    auto it = m_replicas.find(routeId);
    return it != m_replicas.end() ? it->second.get() : nullptr;
}

void LocalAgent::stopAll(int graceMs)
{
    for (auto &[id, replica] : m_replicas)
        replica->stop();
    QDeadlineTimer deadline(graceMs);
    while (!m_replicas.empty() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    // What did not stop in time is killed by ReplicaProcess's destructor.
    m_replicas.clear();
}

} // namespace ServeDeck
