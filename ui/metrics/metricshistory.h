#pragma once

#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QUuid>

#include "agent/agentconnector.h"
#include "plane/controlclient.h"
#include "ui/metrics/boundedseries.h"
#include "domain/route.h"

namespace ServeDeck {

class EndpointListModel;

constexpr int kRouteStatusCount = int(RouteStatus::Pending) + 1;

// One endpoint at one sample, packed small (48 bytes): a hundred endpoints keep an hour each.
struct EndpointSample
{
    qint64 timeMs = 0;  // since the epoch, UTC
    float requestsPerSecond = 0;
    float errorRate = 0;  // 0..1
    float p95Ms = std::numeric_limits<float>::quiet_NaN();  // NaN: no request in the interval
    // OpenAI-style answers through the proxy; NaN: none in the interval.
    float ttftP50Ms = std::numeric_limits<float>::quiet_NaN();
    float ttftP95Ms = std::numeric_limits<float>::quiet_NaN();
    float tokensPerSecond = std::numeric_limits<float>::quiet_NaN();
    quint16 desired = 0;
    std::array<quint16, kRouteStatusCount> routes{};  // how many routes are in each RouteStatus

    int healthy() const { return routes[int(RouteStatus::Healthy)]; }
    bool hasP95() const { return !std::isnan(p95Ms); }
    bool hasTokens() const { return !std::isnan(tokensPerSecond); }
};

// One replica (route) at one sample, from its agent's status.
struct ReplicaSample
{
    qint64 timeMs = 0;
    float cpuPercent = std::numeric_limits<float>::quiet_NaN();  // of the cores it asked for; NaN on its first sample
    float memoryMiB = 0;                                         // resident
    float gpuPercent = std::numeric_limits<float>::quiet_NaN();  // mean utilization of its GPUs; NaN without one
    bool hasCpu() const { return !std::isnan(cpuPercent); }
    bool hasGpu() const { return !std::isnan(gpuPercent); }
};

// Every endpoint's recent load, replica counts and route statuses, and every replica's CPU,
// memory and GPU use, recorded on each of the sampler's samples whether or not anything shows
// them: the dashboard's sparklines and the detail view's charts read from here, so selecting an
// endpoint shows its last hour at once. Each history is capped (kCapacity samples), and the
// histories of endpoints and replicas that are gone are dropped.
class MetricsHistory final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetricsHistory)

public:
    // An hour at the sampler's two samples a second (ControlPlaneOptions::autoscaleIntervalMs).
    static constexpr qsizetype kCapacity = 7200;
    // Replicas with a history per endpoint; past it, the one whose last sample is oldest goes.
    static constexpr int kMaxReplicasPerEndpoint = 64;

    using EndpointSeries = BoundedSeries<EndpointSample>;
    using ReplicaSeries = BoundedSeries<ReplicaSample>;

    // client: whose samples to record (none: only what is appended). endpoints: which endpoints
    // to record, with their desired replicas and routes. Neither is owned.
    MetricsHistory(ControlClient *client, const EndpointListModel &endpoints, QObject *parent = nullptr);
    ~MetricsHistory() override;

    // Null when nothing was recorded for it (yet).
    const EndpointSeries *endpoint(const QUuid &endpointId) const;
    std::optional<EndpointSample> latest(const QUuid &endpointId) const;
    // Its last `count` requests/s values, oldest first.
    QList<float> recentRequests(const QUuid &endpointId, int count) const;
    // Routes of the endpoint with a replica history, in the order their replicas first reported.
    QList<QUuid> replicas(const QUuid &endpointId) const;
    const ReplicaSeries *replica(const QUuid &endpointId, const QUuid &routeId) const;
    // Every agent's status as of the last sample (the agents view shows these).
    const QList<AgentStatus> &agents() const { return m_agents; }
    bool hasAgents() const { return m_hasAgents; }
    qsizetype endpointCount() const { return m_endpoints.size(); }

    // One sample of every endpoint and replica; the sampler's sampled() calls it.
    void record();
    // Samples from elsewhere (a replay of earlier load, a test), after the ones kept and in time
    // order; they are dropped like recorded ones once their endpoint is gone. Emit nothing: call
    // record() or wait for the next sample to show them.
    void append(const QUuid &endpointId, const EndpointSample &sample);
    void appendReplica(const QUuid &endpointId, const QUuid &routeId, const ReplicaSample &sample);

Q_SIGNALS:
    // After each record(): one signal for every endpoint, so views repaint once per sample.
    void recorded();

private:
    struct Replicas
    {
        QList<QUuid> order;
        QHash<QUuid, std::shared_ptr<ReplicaSeries>> series;
    };
    struct CpuBase
    {
        qint64 timeMs = 0;
        double cpuSeconds = 0;
    };

    void recordReplicas(qint64 nowMs, const QHash<QUuid, QUuid> &endpointOfRoute, const QHash<QUuid, double> &coresOf);

    const EndpointListModel &m_endpointList;
    bool m_hasAgents;
    PlaneSample m_sample;  // the last one the plane sent
    QHash<QUuid, std::shared_ptr<EndpointSeries>> m_endpoints;
    QHash<QUuid, Replicas> m_replicas;   // by endpoint
    QHash<QUuid, CpuBase> m_cpuBase;     // by route: the last CPU time, for the rate
    QList<AgentStatus> m_agents;
};

} // namespace ServeDeck
