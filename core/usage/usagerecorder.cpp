#include "usagerecorder.h"

#include <algorithm>
#include <cmath>

#include "domain/clock.h"
#include "store/repository.h"

namespace ServeDeck {

namespace {

QDateTime minuteOf(const QDateTime &t)
{
    const qint64 ms = t.toMSecsSinceEpoch();
    return QDateTime::fromMSecsSinceEpoch(ms - ms % 60000, Qt::UTC);
}

QDateTime hourOf(const QDateTime &t)
{
    const qint64 ms = t.toMSecsSinceEpoch();
    return QDateTime::fromMSecsSinceEpoch(ms - ms % 3600000, Qt::UTC);
}

// A reading from a hostile or broken feed must not poison a stored mean.
double finiteOrZero(double v)
{
    return std::isfinite(v) && v >= 0 ? v : 0.0;
}

} // namespace

UsageRecorder::UsageRecorder(Repository &repository, Clock &clock)
    : m_repository(repository)
    , m_clock(clock)
{
}

Result<Done> UsageRecorder::record(const QHash<QUuid, UsageReading> &readings)
{
    const QDateTime now = m_clock.now();
    auto counts = m_repository.endpointRouteCounts();
    if (!counts)
        return counts.error();
    const QDateTime minute = minuteOf(now);
    const QList<UsageSample> closed = takeClosed(minute);
    for (const EndpointRouteCounts &c : std::as_const(*counts)) {
        auto open = m_open.find(c.id);
        if (open == m_open.end()) {
            Bucket b;
            b.sample.endpointId = c.id;
            b.sample.start = minute;
            b.sample.seconds = 60;
            open = m_open.insert(c.id, b);
        }
        Bucket &b = *open;
        const UsageReading r = readings.value(c.id);
        const double rps = finiteOrZero(r.requestsPerSecond);
        // The requests of the interval since this endpoint's previous reading, in this minute.
        const QDateTime previous = m_previous.value(c.id);
        const double seconds = previous.isValid() && previous < now ? double(previous.msecsTo(now)) / 1000.0 : 0.0;
        const qint64 requests = std::llround(rps * seconds);
        b.sample.requests += requests;
        b.sample.errors += std::llround(double(requests) * std::clamp(finiteOrZero(r.errorRate), 0.0, 1.0));
        m_previous.insert(c.id, now);
        ++b.readings;
        b.rpsSum += rps;
        b.replicasSum += c.healthy;
        b.sample.desiredReplicas = c.replicas;
        if (r.p95Ms && std::isfinite(*r.p95Ms) && *r.p95Ms >= 0)
            b.sample.p95Ms = std::max(b.sample.p95Ms.value_or(0.0), *r.p95Ms);
        if (r.cpuPercent && std::isfinite(*r.cpuPercent) && *r.cpuPercent >= 0) {
            b.cpuSum += *r.cpuPercent;
            ++b.cpuN;
        }
        if (r.gpuPercent && std::isfinite(*r.gpuPercent) && *r.gpuPercent >= 0) {
            b.gpuSum += *r.gpuPercent;
            ++b.gpuN;
        }
        b.sample.requestsPerSecond = b.rpsSum / b.readings;
        b.sample.replicas = b.replicasSum / b.readings;
        b.sample.cpuPercent = b.cpuN > 0 ? std::optional<double>(b.cpuSum / b.cpuN) : std::nullopt;
        b.sample.gpuPercent = b.gpuN > 0 ? std::optional<double>(b.gpuSum / b.gpuN) : std::nullopt;
    }
    // One transaction for every endpoint's closed minute.
    if (!closed.isEmpty()) {
        if (auto added = m_repository.addUsageSamples(closed); !added)
            return added.error();
    }
    if (hourOf(now) != m_compactedHour) {
        if (auto compacted = compact(); !compacted)
            return compacted.error();
    }
    return Done{};
}

QList<UsageSample> UsageRecorder::takeClosed(const QDateTime &minute)
{
    QList<UsageSample> closed;
    for (auto it = m_open.begin(); it != m_open.end();) {
        if (it->sample.start < minute) {
            closed.append(it->sample);
            it = m_open.erase(it);
        } else {
            ++it;
        }
    }
    return closed;
}

Result<Done> UsageRecorder::flush()
{
    const QList<UsageSample> closed = takeClosed(minuteOf(m_clock.now()));
    if (closed.isEmpty())
        return Done{};
    return m_repository.addUsageSamples(closed);
}

Result<int> UsageRecorder::compact()
{
    const QDateTime now = m_clock.now();
    auto retention = m_repository.usageRetention();
    if (!retention)
        return retention.error();
    auto gone = m_repository.compactUsageSamples(now, *retention);
    if (gone)
        m_compactedHour = hourOf(now);
    return gone;
}

} // namespace ServeDeck
