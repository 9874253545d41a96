#include "endpointmetricssampler.h"

#include <QNetworkReply>
#include <QTimer>

#include "domain/clock.h"
#include "runtime/runtimemetricmap.h"
#include "runtime/runtimepreset.h"
#include "store/repository.h"

namespace ServeDeck {

namespace {

// A replica's /metrics is read at most this large and this long: a runtime's own exposition is
// tens of KiB; one that sends more, or drips it, must not take the control thread's memory.
constexpr qint64 kMaxScrapeBytes = 4 * 1024 * 1024;
constexpr int kScrapeTimeoutMs = 2000;

// Replica ids are agent:pid:port.
quint16 portOf(const QString &replicaId)
{
    const QStringList parts = replicaId.split(u':');
    return parts.size() == 3 ? quint16(parts[2].toUInt()) : 0;
}

ProxyServer::RouteCounters minus(const ProxyServer::RouteCounters &now, const ProxyServer::RouteCounters &before)
{
    // Counters only grow while a route lives; anything else means they started over.
    const bool reset = now.requests < before.requests || now.latencyBuckets.size() != before.latencyBuckets.size();
    if (reset)
        return now;
    ProxyServer::RouteCounters d = now;
    d.requests -= before.requests;
    d.errors -= before.errors;
    d.latencySumSeconds -= before.latencySumSeconds;
    for (qsizetype i = 0; i < d.latencyBuckets.size(); ++i)
        d.latencyBuckets[i] = now.latencyBuckets[i] >= before.latencyBuckets[i] ? now.latencyBuckets[i] - before.latencyBuckets[i] : 0;
    // OpenAI-style answers' counters; a source that has none gives empty buckets.
    if (d.ttftBuckets.size() == before.ttftBuckets.size()) {
        for (qsizetype i = 0; i < d.ttftBuckets.size(); ++i)
            d.ttftBuckets[i] = now.ttftBuckets[i] >= before.ttftBuckets[i] ? now.ttftBuckets[i] - before.ttftBuckets[i] : 0;
    }
    d.tokens = now.tokens >= before.tokens ? now.tokens - before.tokens : now.tokens;
    const bool decodeReset = now.decodeTokens < before.decodeTokens;
    d.decodeTokens = decodeReset ? now.decodeTokens : now.decodeTokens - before.decodeTokens;
    d.decodeSeconds = decodeReset ? now.decodeSeconds : std::max(0.0, now.decodeSeconds - before.decodeSeconds);
    return d;
}

void addBuckets(QList<quint64> &into, const QList<quint64> &buckets)
{
    if (into.size() != buckets.size())
        into = QList<quint64>(buckets.size(), 0);
    for (qsizetype i = 0; i < buckets.size(); ++i)
        into[i] += buckets[i];
}

} // namespace

std::optional<double> histogramQuantileMs(const QList<double> &bounds, const QList<quint64> &cumulative, double q)
{
    if (cumulative.isEmpty() || cumulative.size() != bounds.size() + 1 || cumulative.last() == 0)
        return std::nullopt;
    const double rank = q * double(cumulative.last());
    for (qsizetype i = 0; i < cumulative.size(); ++i) {
        if (double(cumulative[i]) < rank)
            continue;
        if (i == bounds.size())  // the +Inf bucket: the best that can be said is its lower edge
            return bounds.last() * 1000.0;
        const double lower = i == 0 ? 0.0 : bounds[i - 1];
        const double below = i == 0 ? 0.0 : double(cumulative[i - 1]);
        const double inBucket = double(cumulative[i]) - below;
        const double fraction = inBucket > 0 ? (rank - below) / inBucket : 1.0;
        return (lower + (bounds[i] - lower) * fraction) * 1000.0;
    }
    return bounds.last() * 1000.0;
}

EndpointMetricsSampler::EndpointMetricsSampler(Repository &repository, Clock &clock, QObject *parent)
    : QObject(parent)
    , m_repository(repository)
    , m_clock(clock)
{
}

Result<Done> EndpointMetricsSampler::sample()
{
    const QDateTime now = m_clock.now();
    auto endpoints = m_repository.endpoints();
    if (!endpoints)
        return endpoints.error();
    auto routes = m_repository.routesWithReplicas();
    if (!routes)
        return routes.error();
    QHash<QUuid, Endpoint> byId;
    for (const Endpoint &e : *endpoints) {
        if (e.isLive())
            byId.insert(e.id, e);
    }
    QHash<QUuid, Route> routeById;
    for (const Route &r : *routes)
        routeById.insert(r.id, r);

    const QHash<QUuid, ProxyServer::RouteCounters> counters = m_traffic ? m_traffic() : QHash<QUuid, ProxyServer::RouteCounters>();
    QHash<QUuid, ReplicaStatus> replicas;
    QHash<QString, QHash<int, GpuInfo>> gpusByAgent;
    m_agentStatuses = m_agents ? m_agents() : QList<AgentStatus>();
    for (const AgentStatus &agent : std::as_const(m_agentStatuses)) {
        for (const ReplicaStatus &r : agent.replicas)
            replicas.insert(r.routeId, r);
        for (const GpuInfo &gpu : agent.gpus)
            gpusByAgent[agent.agentId].insert(gpu.index, gpu);
    }

    struct Acc
    {
        ProxyServer::RouteCounters delta;
        double seconds = 0;
        qint64 inFlight = 0, requestsTotal = 0, errorsTotal = 0;
        double cpuSum = 0, memSum = 0, gpuSum = 0;
        int cpuN = 0, memN = 0, gpuN = 0;
    };
    QHash<QUuid, Acc> acc;
    QHash<QUuid, RouteBase> next;
    const QList<double> bounds = ProxyServer::latencyBucketBounds();

    for (auto it = counters.cbegin(); it != counters.cend(); ++it) {
        const auto route = routeById.constFind(it.key());
        if (route == routeById.cend() || !byId.contains(route->endpointId))
            continue;
        Acc &a = acc[route->endpointId];
        a.inFlight += qint64(it->inFlight);
        a.requestsTotal += qint64(it->requests);
        a.errorsTotal += qint64(it->errors);
        RouteBase base{now, *it, -1};
        if (auto prev = m_previous.constFind(it.key()); prev != m_previous.cend() && prev->time < now) {
            const ProxyServer::RouteCounters d = minus(*it, prev->counters);
            a.seconds = std::max(a.seconds, double(prev->time.msecsTo(now)) / 1000.0);
            a.delta.requests += d.requests;
            a.delta.errors += d.errors;
            addBuckets(a.delta.latencyBuckets, d.latencyBuckets);
            addBuckets(a.delta.ttftBuckets, d.ttftBuckets);
            a.delta.tokens += d.tokens;
            a.delta.decodeTokens += d.decodeTokens;
            a.delta.decodeSeconds += d.decodeSeconds;
        }
        next.insert(it.key(), base);
    }

    for (auto it = replicas.cbegin(); it != replicas.cend(); ++it) {
        const auto route = routeById.constFind(it.key());
        if (route == routeById.cend() || !byId.contains(route->endpointId))
            continue;
        const Endpoint &e = byId[route->endpointId];
        Acc &a = acc[e.id];
        RouteBase &base = next[it.key()];
        base.time = now;
        base.cpuSeconds = it->cpuSeconds;
        if (auto prev = m_previous.constFind(it.key()); prev != m_previous.cend() && prev->cpuSeconds >= 0
                                                         && prev->time < now && e.resourceSlots.cpu > 0) {
            const double wall = double(prev->time.msecsTo(now)) / 1000.0;
            a.cpuSum += std::max(0.0, it->cpuSeconds - prev->cpuSeconds) / wall / e.resourceSlots.cpu * 100.0;
            ++a.cpuN;
        }
        if (e.resourceSlots.memoryBytes > 0) {
            a.memSum += double(it->residentBytes) * 100.0 / double(e.resourceSlots.memoryBytes);
            ++a.memN;
        }
        for (int index : it->gpus) {
            const auto gpu = gpusByAgent.value(route->agentId).constFind(index);
            if (gpu != gpusByAgent.value(route->agentId).cend()) {
                a.gpuSum += gpu->utilizationPercent;
                ++a.gpuN;
            }
        }
    }
    m_previous = std::move(next);

    QHash<QUuid, EndpointLoad> latest;
    for (auto it = byId.cbegin(); it != byId.cend(); ++it) {
        const Acc a = acc.value(it.key());
        EndpointLoad load;
        load.time = now;
        load.inFlight = a.inFlight;
        load.requestsTotal = a.requestsTotal;
        load.errorsTotal = a.errorsTotal;
        if (a.seconds > 0) {
            load.requestsPerSecond = double(a.delta.requests) / a.seconds;
            load.errorRate = a.delta.requests > 0 ? double(a.delta.errors) / double(a.delta.requests) : 0.0;
            load.p50Ms = histogramQuantileMs(bounds, a.delta.latencyBuckets, 0.50);
            load.p95Ms = histogramQuantileMs(bounds, a.delta.latencyBuckets, 0.95);
            load.p99Ms = histogramQuantileMs(bounds, a.delta.latencyBuckets, 0.99);
            load.ttftP50Ms = histogramQuantileMs(bounds, a.delta.ttftBuckets, 0.50);
            load.ttftP95Ms = histogramQuantileMs(bounds, a.delta.ttftBuckets, 0.95);
            if (a.delta.decodeSeconds > 0)
                load.tokensPerSecond = double(a.delta.decodeTokens) / a.delta.decodeSeconds;
        }
        if (a.cpuN > 0)
            load.cpuPercent = a.cpuSum / a.cpuN;
        if (a.memN > 0)
            load.memoryPercent = a.memSum / a.memN;
        if (a.gpuN > 0)
            load.gpuPercent = a.gpuSum / a.gpuN;
        latest.insert(it.key(), load);
    }
    m_latest = std::move(latest);

    // Replicas' own metrics, for the endpoints a rule asked about; answers land before a later pass.
    QSet<QString> remoteAgents;
    for (const AgentStatus &agent : std::as_const(m_agentStatuses)) {
        if (agent.kind == u"remote")
            remoteAgents.insert(agent.agentId);
    }
    QHash<QUuid, QList<QUrl>> targets;
    for (const Route &r : std::as_const(*routes)) {
        if (r.status != RouteStatus::Healthy || !m_wantedScrapes.contains(r.endpointId) || !byId.contains(r.endpointId))
            continue;
        // The runtime's metrics path, on $PORT or on a port of their own (Triton's METRICS_PORT,
        // which the agent reports; a remote agent relays only $PORT, so such replicas are not read).
        const std::optional<RuntimePreset> preset = RuntimePreset::find(byId[r.endpointId].runtimeVariant);
        quint16 port = portOf(r.replicaId);
        if (preset && !preset->metricsPort.isEmpty())
            port = remoteAgents.contains(r.agentId) ? 0 : replicas.value(r.id).extraPorts.value(preset->metricsPort);
        if (port == 0)
            continue;
        QString host = m_hostOf ? m_hostOf(r.agentId) : QString();
        if (host.isEmpty())
            host = QStringLiteral("127.0.0.1");
        const QString path = preset ? preset->metricsPath : QStringLiteral("/metrics");
        targets[r.endpointId].append(QUrl(QStringLiteral("http://%1:%2%3").arg(host).arg(port).arg(path)));
    }
    QHash<QUuid, QString> variants;
    for (auto it = targets.cbegin(); it != targets.cend(); ++it)
        variants.insert(it.key(), byId[it.key()].runtimeVariant);
    scrape(targets, variants);
    Q_EMIT sampled();
    return Done{};
}

void EndpointMetricsSampler::scrape(const QHash<QUuid, QList<QUrl>> &targets, const QHash<QUuid, QString> &variants)
{
    for (auto it = targets.cbegin(); it != targets.cend(); ++it) {
        const QUuid endpointId = it.key();
        // One scrape at a time per replica: a slow one is not stacked on by the next sample, and
        // the endpoint keeps its last complete sum until a round with every replica completes.
        QList<QUrl> urls;
        for (const QUrl &url : *it) {
            if (!m_scraping.contains(url))
                urls.append(url);
        }
        if (urls.size() != it->size())
            continue;
        // One round per endpoint: the sum is published when every replica answered or failed.
        auto round = std::make_shared<QHash<QString, double>>();
        auto pending = std::make_shared<int>(int(urls.size()));
        const QSet<QString> names = m_wantedScrapes.value(endpointId);
        // Normalized names read through the runtime's map; any other name as itself.
        const RuntimeMetricMap map = RuntimeMetricMap::forVariant(variants.value(endpointId));
        for (const QUrl &url : std::as_const(urls)) {
            QNetworkRequest request(url);
            request.setTransferTimeout(kScrapeTimeoutMs);
            m_scraping.insert(url);
            QNetworkReply *reply = m_network.get(request);
            // Buffered at most one byte past the cap (the transfer pauses there), so an answer
            // over it is seen, and cut, before more of it is read.
            reply->setReadBufferSize(kMaxScrapeBytes + 1);
            auto cut = std::make_shared<bool>(false);  // aborted here: too large or too slow
            const auto cutIfOver = [reply, cut](qint64 bytes) {
                if (!*cut && bytes > kMaxScrapeBytes) {
                    *cut = true;
                    reply->abort();
                }
            };
            connect(reply, &QNetworkReply::metaDataChanged, reply, [reply, cutIfOver] {
                cutIfOver(reply->header(QNetworkRequest::ContentLengthHeader).toLongLong());  // announced
            });
            connect(reply, &QNetworkReply::downloadProgress, reply,
                    [cutIfOver](qint64 received, qint64) { cutIfOver(received); });
            // The transfer timeout starts over with every byte; this bounds the whole answer.
            QTimer::singleShot(kScrapeTimeoutMs, reply, [reply, cut] {
                if (!reply->isFinished()) {
                    *cut = true;
                    reply->abort();
                }
            });
            connect(reply, &QNetworkReply::finished, this, [this, reply, url, cut, round, pending, names, map, endpointId] {
                reply->deleteLater();
                m_scraping.remove(url);
                if (!*cut && reply->error() == QNetworkReply::NoError) {
                    const QByteArray text = reply->read(kMaxScrapeBytes);
                    for (const QString &name : names) {
                        const auto v = map.read(text, name);
                        if (!v)
                            continue;
                        const auto known = round->constFind(name);
                        round->insert(name, known == round->cend() ? *v : map.combine(name, *known, *v));
                    }
                }
                if (--*pending == 0)
                    m_scraped.insert(endpointId, *round);
            });
        }
    }
}

std::optional<EndpointLoad> EndpointMetricsSampler::latest(const QUuid &endpointId) const
{
    auto it = m_latest.constFind(endpointId);
    return it == m_latest.cend() ? std::nullopt : std::optional<EndpointLoad>(*it);
}

void EndpointMetricsSampler::pushCustom(const QUuid &endpointId, const QString &name, double value)
{
    m_custom[endpointId].insert(name, {value, m_clock.now()});
}

std::optional<double> EndpointMetricsSampler::value(const QUuid &endpointId, MetricSource source, const QString &metric)
{
    switch (source) {
    case MetricSource::Custom: {
        const auto entry = m_custom.value(endpointId).value(metric, {0, QDateTime()});
        if (!entry.second.isValid() || entry.second.secsTo(m_clock.now()) > kCustomMetricTtlSeconds)
            return std::nullopt;
        return entry.first;
    }
    case MetricSource::InferenceFramework: {
        m_wantedScrapes[endpointId].insert(metric);
        const auto values = m_scraped.value(endpointId);
        auto it = values.constFind(metric);
        return it == values.cend() ? std::nullopt : std::optional<double>(*it);
    }
    case MetricSource::Proxy:
        if (metric == u"jobs_queued") {
            if (!m_jobs)
                return std::nullopt;
            return double(m_jobs().value(endpointId, 0));
        }
        break;
    case MetricSource::Kernel:
        break;
    }
    const auto load = latest(endpointId);
    if (!load)
        return std::nullopt;
    if (metric == u"requests_per_second" || metric == u"rps")
        return load->requestsPerSecond;
    if (metric == u"in_flight")
        return double(load->inFlight);
    if (metric == u"error_rate")
        return load->errorRate;
    if (metric == u"p50_latency_ms")
        return load->p50Ms;
    if (metric == u"p95_latency_ms")
        return load->p95Ms;
    if (metric == u"p99_latency_ms")
        return load->p99Ms;
    if (metric == u"ttft_ms" || metric == u"ttft_p50_ms")
        return load->ttftP50Ms;
    if (metric == u"ttft_p95_ms")
        return load->ttftP95Ms;
    if (metric == u"tokens_per_second")
        return load->tokensPerSecond;
    if (metric == u"cpu_utilization" || metric == u"cpu_util")
        return load->cpuPercent;
    if (metric == u"memory_utilization" || metric == u"memory_util" || metric == u"mem_util")
        return load->memoryPercent;
    if (metric == u"gpu_utilization" || metric == u"gpu_util")
        return load->gpuPercent;
    return std::nullopt;
}

} // namespace ServeDeck
