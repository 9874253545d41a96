#pragma once

#include <optional>

#include <QDateTime>
#include <QUuid>

namespace ServeDeck {

// One endpoint over one bucket of time, as the usage recorder keeps it: minute buckets for a
// week, then hour buckets for 90 days (both settable). What the usage report's hour-of-week
// matrix and the recommender read.
struct UsageSample
{
    QUuid endpointId;
    QDateTime start;  // bucket start, UTC, aligned to `seconds`
    int seconds = 60;  // 60 or 3600
    qint64 requests = 0;
    qint64 errors = 0;
    double requestsPerSecond = 0;  // mean over the bucket
    std::optional<double> p95Ms;   // the highest interval p95 in the bucket; none without requests
    double replicas = 0;           // mean replicas that could serve (HEALTHY routes)
    int desiredReplicas = 0;       // the endpoint's desired count at the bucket's end
    std::optional<double> cpuPercent;  // mean
    std::optional<double> gpuPercent;  // mean

    bool operator==(const UsageSample &) const = default;
};

// One revision's requests and errors over one bucket of an endpoint's samples (same buckets,
// same retention): the proxy counts per route, and each route serves one revision.
struct UsageRevisionCount
{
    QUuid endpointId;
    QUuid revisionId;  // null: routes that had none
    QDateTime start;
    int seconds = 60;
    qint64 requests = 0;
    qint64 errors = 0;

    bool operator==(const UsageRevisionCount &) const = default;
};

} // namespace ServeDeck
