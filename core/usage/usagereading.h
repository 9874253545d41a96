#pragma once

#include <optional>

#include <QDateTime>
#include <QUuid>

namespace ServeDeck {

// One endpoint's load at one sample, as the plane hands it to the usage recorder: plain values,
// so core/usage needs nothing of the sampler that took them. Rates are over the interval since
// the endpoint's previous sample.
struct UsageReading
{
    QDateTime time;
    double requestsPerSecond = 0;
    double errorRate = 0;  // errors / requests within the interval
    std::optional<double> p95Ms;
    std::optional<double> cpuPercent;
    std::optional<double> gpuPercent;
};

} // namespace ServeDeck
