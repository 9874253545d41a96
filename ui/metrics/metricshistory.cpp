#include "metricshistory.h"

#include <QDateTime>
#include <QSet>

#include "ui/endpoints/endpointlistmodel.h"
#include "plane/controlclient.h"

namespace ServeDeck {

namespace {

quint16 clamped16(qsizetype n)
{
    return quint16(std::clamp<qsizetype>(n, 0, std::numeric_limits<quint16>::max()));
}

} // namespace

MetricsHistory::MetricsHistory(ControlClient *client, const EndpointListModel &endpoints, QObject *parent)
    : QObject(parent)
    , m_endpointList(endpoints)
    , m_hasAgents(client && client->facts().hasAgents)
{
    if (client) {
        connect(client, &ControlClient::sampled, this, [this](const PlaneSample &sample) {
            m_sample = sample;
            record();
        });
    }
}

MetricsHistory::~MetricsHistory() = default;

const MetricsHistory::EndpointSeries *MetricsHistory::endpoint(const QUuid &endpointId) const
{
    const auto it = m_endpoints.constFind(endpointId);
    return it == m_endpoints.cend() ? nullptr : it->get();
}

std::optional<EndpointSample> MetricsHistory::latest(const QUuid &endpointId) const
{
    const EndpointSeries *series = endpoint(endpointId);
    if (!series || series->isEmpty())
        return std::nullopt;
    return series->last();
}

QList<float> MetricsHistory::recentRequests(const QUuid &endpointId, int count) const
{
    QList<float> values;
    const EndpointSeries *series = endpoint(endpointId);
    if (!series)
        return values;
    const qsizetype from = std::max<qsizetype>(0, series->size() - count);
    values.reserve(series->size() - from);
    for (qsizetype i = from; i < series->size(); ++i)
        values.append(series->at(i).requestsPerSecond);
    return values;
}

QList<QUuid> MetricsHistory::replicas(const QUuid &endpointId) const
{
    return m_replicas.value(endpointId).order;
}

const MetricsHistory::ReplicaSeries *MetricsHistory::replica(const QUuid &endpointId, const QUuid &routeId) const
{
    const auto it = m_replicas.constFind(endpointId);
    if (it == m_replicas.cend())
        return nullptr;
    const auto series = it->series.constFind(routeId);
    return series == it->series.cend() ? nullptr : series->get();
}

void MetricsHistory::append(const QUuid &endpointId, const EndpointSample &sample)
{
    auto &series = m_endpoints[endpointId];
    if (!series)
        series = std::make_shared<EndpointSeries>(kCapacity);
    series->append(sample);
}

void MetricsHistory::appendReplica(const QUuid &endpointId, const QUuid &routeId, const ReplicaSample &sample)
{
    Replicas &mine = m_replicas[endpointId];
    auto &series = mine.series[routeId];
    if (!series) {
        series = std::make_shared<ReplicaSeries>(kCapacity);
        mine.order.append(routeId);
    }
    series->append(sample);
}

void MetricsHistory::record()
{
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    QSet<QUuid> live;
    QHash<QUuid, QUuid> endpointOfRoute;
    QHash<QUuid, double> coresOf;
    for (int row = 0; row < m_endpointList.rowCount(); ++row) {
        const EndpointInfo &info = m_endpointList.info(row);
        const QUuid id = info.endpoint.id;
        live.insert(id);
        coresOf.insert(id, info.endpoint.resourceSlots.cpu);

        EndpointSample sample;
        sample.timeMs = nowMs;
        sample.desired = clamped16(info.endpoint.replicas);
        for (const Route &route : info.routes) {
            ++sample.routes[int(route.status)];
            endpointOfRoute.insert(route.id, id);
        }
        if (const auto load = m_sample.loads.constFind(id); load != m_sample.loads.cend()) {
            if (load->time.isValid())
                sample.timeMs = load->time.toMSecsSinceEpoch();
            sample.requestsPerSecond = float(load->requestsPerSecond);
            sample.errorRate = float(load->errorRate);
            if (load->p95Ms)
                sample.p95Ms = float(*load->p95Ms);
            if (load->ttftP50Ms)
                sample.ttftP50Ms = float(*load->ttftP50Ms);
            if (load->ttftP95Ms)
                sample.ttftP95Ms = float(*load->ttftP95Ms);
            if (load->tokensPerSecond)
                sample.tokensPerSecond = float(*load->tokensPerSecond);
        }
        append(id, sample);
    }
    // Endpoints deleted since: their histories go with them.
    for (auto it = m_endpoints.begin(); it != m_endpoints.end();) {
        if (live.contains(it.key())) {
            ++it;
        } else {
            m_replicas.remove(it.key());
            it = m_endpoints.erase(it);
        }
    }
    recordReplicas(nowMs, endpointOfRoute, coresOf);
    Q_EMIT recorded();
}

void MetricsHistory::recordReplicas(qint64 nowMs, const QHash<QUuid, QUuid> &endpointOfRoute,
                                    const QHash<QUuid, double> &coresOf)
{
    // The sampler has just asked every agent (a local one runs nvidia-smi for that); reuse it.
    m_agents = m_sample.agents;
    QHash<QUuid, CpuBase> nextBase;
    for (const AgentStatus &agent : std::as_const(m_agents)) {
        QHash<int, const GpuInfo *> gpus;
        for (const GpuInfo &gpu : agent.gpus)
            gpus.insert(gpu.index, &gpu);
        for (const ReplicaStatus &r : agent.replicas) {
            const QUuid endpointId = endpointOfRoute.value(r.routeId);
            if (endpointId.isNull())
                continue;
            ReplicaSample sample;
            sample.timeMs = nowMs;
            sample.memoryMiB = float(double(r.residentBytes) / (1024.0 * 1024.0));
            const double cores = coresOf.value(endpointId) > 0 ? coresOf.value(endpointId) : 1.0;
            if (const auto base = m_cpuBase.constFind(r.routeId); base != m_cpuBase.cend() && base->timeMs < nowMs) {
                const double wall = double(nowMs - base->timeMs) / 1000.0;
                sample.cpuPercent = float(std::max(0.0, r.cpuSeconds - base->cpuSeconds) / wall / cores * 100.0);
            }
            nextBase.insert(r.routeId, {nowMs, r.cpuSeconds});
            double gpuSum = 0;
            int gpuCount = 0;
            for (int index : r.gpus) {
                if (const GpuInfo *gpu = gpus.value(index)) {
                    gpuSum += gpu->utilizationPercent;
                    ++gpuCount;
                }
            }
            if (gpuCount > 0)
                sample.gpuPercent = float(gpuSum / gpuCount);

            appendReplica(endpointId, r.routeId, sample);
        }
    }
    m_cpuBase = std::move(nextBase);

    // A replica that stopped keeps its history while its last sample is inside its endpoint's
    // window; past that, or past the per-endpoint cap, the stalest goes.
    for (auto it = m_replicas.begin(); it != m_replicas.end(); ++it) {
        const EndpointSeries *own = endpoint(it.key());
        const qint64 oldest = own && !own->isEmpty() ? own->at(0).timeMs : nowMs;
        Replicas &mine = *it;
        for (qsizetype i = 0; i < mine.order.size();) {
            const auto &series = mine.series.value(mine.order.at(i));
            if (!series || series->isEmpty() || series->last().timeMs < oldest) {
                mine.series.remove(mine.order.at(i));
                mine.order.removeAt(i);
            } else {
                ++i;
            }
        }
        while (mine.order.size() > kMaxReplicasPerEndpoint) {
            qsizetype stalest = 0;
            for (qsizetype i = 1; i < mine.order.size(); ++i) {
                if (mine.series.value(mine.order.at(i))->last().timeMs
                    < mine.series.value(mine.order.at(stalest))->last().timeMs)
                    stalest = i;
            }
            mine.series.remove(mine.order.at(stalest));
            mine.order.removeAt(stalest);
        }
    }
}

} // namespace ServeDeck
