#include "usagerecorder.h"

#include <algorithm>
#include <cmath>

#include <QSet>

#include "domain/clock.h"
#include "store/repository.h"

namespace ServeDeck {

namespace {

constexpr qint64 kForgetRouteSeconds = 3600;

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
    return record([&readings](const QUuid &id) {
        const auto it = readings.constFind(id);
        return it == readings.cend() ? std::optional<UsageReading>() : std::optional<UsageReading>(*it);
    });
}

Result<Done> UsageRecorder::record(const ReadingSource &readings)
{
    const QDateTime now = m_clock.now();
    auto counts = m_repository.endpointRouteCounts();
    if (!counts)
        return counts.error();
    const QDateTime minute = minuteOf(now);
    const Closed closed = takeClosed(minute);
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
        const std::optional<UsageReading> reading = readings ? readings(c.id) : std::nullopt;
        const UsageReading r = reading.value_or(UsageReading());
        const double rps = finiteOrZero(r.requestsPerSecond);
        // The requests since this endpoint's previous reading, in this minute: the growth of the
        // proxy's counters (which started with this plane, at 0), so a route's first requests
        // count too; where they shrank (a route's counters went), the rate over the interval.
        // No reading: nothing known of this pass, the counters' last values stand.
        if (reading) {
            Totals &previous = m_previous[c.id];
            qint64 requests = r.requestsTotal - previous.requests;
            qint64 errors = r.errorsTotal - previous.errors;
            if (requests < 0 || errors < 0) {
                const double seconds =
                    previous.time.isValid() && previous.time < now ? double(previous.time.msecsTo(now)) / 1000.0 : 0.0;
                requests = std::llround(rps * seconds);
                errors = std::llround(double(requests) * std::clamp(finiteOrZero(r.errorRate), 0.0, 1.0));
            }
            b.sample.requests += requests;
            b.sample.errors += std::min(errors, requests);
            previous = {now, std::max<qint64>(0, r.requestsTotal), std::max<qint64>(0, r.errorsTotal)};
            countRoutes(b, c.id, r, now);
        }
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
    // An endpoint gone keeps no counters here: bounded by the live ones.
    QSet<QUuid> live;
    for (const EndpointRouteCounts &c : std::as_const(*counts))
        live.insert(c.id);
    m_previous.removeIf([&live](const auto &it) { return !live.contains(it.key()); });
    // A route missing from a pass keeps its last counters a while: if it comes back with them
    // (a pass that could not read it), only its growth counts. Forgotten after an hour: bounded.
    const QDateTime forget = now.addSecs(-kForgetRouteSeconds);
    m_previousRoutes.removeIf(
        [&](const auto &it) { return !live.contains(it->endpointId) || it->seen < forget; });
    // One transaction for every endpoint's closed minute.
    if (!closed.isEmpty()) {
        if (auto added = m_repository.addUsageSamples(closed.samples, closed.revisionCounts); !added)
            return added.error();
    }
    if (hourOf(now) != m_compactedHour) {
        if (auto compacted = compact(); !compacted)
            return compacted.error();
    }
    return Done{};
}

void UsageRecorder::countRoutes(Bucket &bucket, const QUuid &endpointId, const UsageReading &reading,
                                const QDateTime &now)
{
    QSet<QUuid> seen;
    for (const UsageRouteReading &route : reading.routes) {
        if (route.routeId.isNull() || seen.contains(route.routeId))
            continue;
        seen.insert(route.routeId);
        const qint64 requestsTotal = std::max<qint64>(0, route.requestsTotal);
        const qint64 errorsTotal = std::max<qint64>(0, route.errorsTotal);
        // The growth since the route's previous reading. A route not seen before counts from 0,
        // as the proxy's counters start (so its first requests count, as the endpoint's do); a
        // counter that shrank was restarted at 0 since, so all it holds is new.
        qint64 requests = requestsTotal, errors = errorsTotal;
        if (const auto previous = m_previousRoutes.constFind(route.routeId); previous != m_previousRoutes.cend()) {
            if (requestsTotal >= previous->requests)
                requests -= previous->requests;
            if (errorsTotal >= previous->errors)
                errors -= previous->errors;
        }
        m_previousRoutes.insert(route.routeId, {endpointId, requestsTotal, errorsTotal, now});
        if (requests == 0 && errors == 0)
            continue;
        auto count = bucket.revisions.find(route.revisionId);
        if (count == bucket.revisions.end()) {
            UsageRevisionCount fresh;
            fresh.endpointId = endpointId;
            fresh.revisionId = route.revisionId;
            fresh.start = bucket.sample.start;
            fresh.seconds = bucket.sample.seconds;
            count = bucket.revisions.insert(route.revisionId, fresh);
        }
        count->requests += requests;
        count->errors += std::min(errors, requests);
    }
}

UsageRecorder::Closed UsageRecorder::takeClosed(const QDateTime &minute)
{
    Closed closed;
    for (auto it = m_open.begin(); it != m_open.end();) {
        if (it->sample.start < minute) {
            closed.samples.append(it->sample);
            for (const UsageRevisionCount &count : std::as_const(it->revisions))
                closed.revisionCounts.append(count);
            it = m_open.erase(it);
        } else {
            ++it;
        }
    }
    return closed;
}

Result<Done> UsageRecorder::flush()
{
    const Closed closed = takeClosed(minuteOf(m_clock.now()));
    if (closed.isEmpty())
        return Done{};
    return m_repository.addUsageSamples(closed.samples, closed.revisionCounts);
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
