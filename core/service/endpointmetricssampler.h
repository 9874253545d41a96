#pragma once

#include <functional>
#include <optional>

#include <QDateTime>
#include <QHash>
#include <QNetworkAccessManager>
#include <QObject>
#include <QSet>
#include <QUrl>
#include <QUuid>

#include "agent/agentconnector.h"
#include "domain/autoscalingrule.h"
#include "domain/result.h"
#include "proxy/proxyserver.h"

namespace ServeDeck {

class Clock;
class Repository;

// One endpoint's load over the last sample interval: what the autoscaler decides on and what
// the dashboard charts.
struct EndpointLoad
{
    QDateTime time;
    double requestsPerSecond = 0;
    double errorRate = 0;  // errors / requests within the interval; 0 without requests
    qint64 inFlight = 0;
    std::optional<double> p50Ms, p95Ms, p99Ms;  // within the interval; none without requests
    // OpenAI-style answers within the interval (none without): time to first token of the
    // streams, and each answer's tokens per second (tokens over their generation time, summed).
    std::optional<double> ttftP50Ms, ttftP95Ms;
    std::optional<double> tokensPerSecond;
    std::optional<double> cpuPercent;     // of the cores its replicas asked for, averaged over them
    std::optional<double> memoryPercent;  // of their memory limit, averaged
    std::optional<double> gpuPercent;     // utilization of the GPUs they were given, averaged
    qint64 requestsTotal = 0;
    qint64 errorsTotal = 0;
};

// Upper bounds in seconds, cumulative bucket counts (the last one +Inf): the q-quantile in ms,
// interpolated within its bucket as Prometheus' histogram_quantile does.
std::optional<double> histogramQuantileMs(const QList<double> &bounds, const QList<quint64> &cumulative, double q);

// Samples, on the control thread, every endpoint's load: the proxy's counters turned into rates
// and percentiles over the interval, the agents' per-replica CPU/memory/GPU use, metrics scraped
// from replicas' own /metrics (INFERENCE_FRAMEWORK: queue_depth, running_requests and
// kv_cache_usage read through the runtime's names, or a runtime's own name) and values pushed
// through the API (CUSTOM).
class EndpointMetricsSampler final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EndpointMetricsSampler)

public:
    using TrafficSource = std::function<QHash<QUuid, ProxyServer::RouteCounters>()>;
    using AgentsSource = std::function<QList<AgentStatus>()>;
    using HostResolver = std::function<QString(const QString &agentId)>;
    // Per endpoint, its jobs' backlog: QUEUED + RUNNING (see value()'s jobs_queued).
    using JobsSource = std::function<QHash<QUuid, int>()>;

    // A pushed value older than this is stale: a rule must not act on a feed that stopped.
    static constexpr int kCustomMetricTtlSeconds = 120;

    EndpointMetricsSampler(Repository &repository, Clock &clock, QObject *parent = nullptr);

    void setTrafficSource(TrafficSource source) { m_traffic = std::move(source); }
    void setAgentsSource(AgentsSource source) { m_agents = std::move(source); }
    void setHostResolver(HostResolver resolver) { m_hostOf = std::move(resolver); }
    void setJobsSource(JobsSource source) { m_jobs = std::move(source); }

    Result<Done> sample();
    std::optional<EndpointLoad> latest(const QUuid &endpointId) const;
    // The agents' status as the last sample read it, so observers need not ask them again.
    const QList<AgentStatus> &agents() const { return m_agentStatuses; }

    void pushCustom(const QUuid &endpointId, const QString &name, double value);
    // For the autoscaler. Asking for an INFERENCE_FRAMEWORK metric makes later samples scrape it.
    // PROXY jobs_queued is the endpoint's job backlog, QUEUED + RUNNING, read live: it exists at
    // zero replicas (so a rule on it can wake an endpoint), and it counts running jobs so that
    // scaling in waits for them (a replica removed under a running job would abort it).
    std::optional<double> value(const QUuid &endpointId, MetricSource source, const QString &metric);

Q_SIGNALS:
    void sampled();

private:
    struct RouteBase
    {
        QDateTime time;
        ProxyServer::RouteCounters counters;
        double cpuSeconds = -1;
    };
    void scrape(const QHash<QUuid, QList<QUrl>> &targets, const QHash<QUuid, QString> &variants);

    Repository &m_repository;
    Clock &m_clock;
    TrafficSource m_traffic;
    AgentsSource m_agents;
    HostResolver m_hostOf;
    JobsSource m_jobs;
    QHash<QUuid, RouteBase> m_previous;  // by route
    QHash<QUuid, EndpointLoad> m_latest;
    QList<AgentStatus> m_agentStatuses;
    QHash<QUuid, QHash<QString, QPair<double, QDateTime>>> m_custom;
    QHash<QUuid, QSet<QString>> m_wantedScrapes;
    // Over the endpoint's replicas: counts summed, usage fractions the largest (RuntimeMetricMap).
    QHash<QUuid, QHash<QString, double>> m_scraped;
    QSet<QUrl> m_scraping;  // replicas whose scrape is under way
    QNetworkAccessManager m_network;
};

} // namespace ServeDeck
