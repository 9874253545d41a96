#pragma once

#include <optional>

#include <QDateTime>
#include <QUuid>

namespace ServeDeck {

// One endpoint's load at one sample, as the plane hands it to the usage recorder: plain values,
// so core/usage needs nothing of the sampler that took them.
struct UsageReading
{
    QUuid endpointId;
    QDateTime time;
    qint64 requestsTotal = 0;  // cumulative, as the proxy counts them (a restart resets them)
    qint64 errorsTotal = 0;
    double requestsPerSecond = 0;
    std::optional<double> p95Ms;
    int healthyReplicas = 0;
    int desiredReplicas = 0;
    std::optional<double> cpuPercent;
    std::optional<double> gpuPercent;
};

} // namespace ServeDeck
