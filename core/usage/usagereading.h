#pragma once

#include <optional>

#include <QDateTime>
#include <QList>
#include <QUuid>

namespace ServeDeck {

// One route's cumulative proxy counters, with the revision it serves.
struct UsageRouteReading
{
    QUuid routeId;
    QUuid revisionId;
    qint64 requestsTotal = 0;
    qint64 errorsTotal = 0;
};

// One endpoint's load at one sample, as the plane hands it to the usage recorder: plain values,
// so core/usage needs nothing of the sampler that took them. Rates are over the interval since
// the endpoint's previous sample.
struct UsageReading
{
    QDateTime time;
    // Cumulative, as the proxy counts them over the endpoint's routes since the plane started:
    // what the samples count. They shrink when a route's counters go; then the rates count.
    qint64 requestsTotal = 0;
    qint64 errorsTotal = 0;
    double requestsPerSecond = 0;
    double errorRate = 0;  // errors / requests within the interval
    std::optional<double> p95Ms;
    std::optional<double> cpuPercent;
    std::optional<double> gpuPercent;
    // The endpoint's routes as the proxy counts them now: what the per-revision counts grow by.
    QList<UsageRouteReading> routes;
};

} // namespace ServeDeck
