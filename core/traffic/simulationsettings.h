#pragma once

#include <QJsonObject>
#include <QString>
#include <QUrl>

#include "domain/modeldefinition.h"
#include "domain/result.h"
#include "http/proxyhttp.h"
#include "trafficpattern.h"

namespace ServeDeck {

// What the traffic simulator runs: a pattern against one URL, with generated inputs.
struct SimulationSettings
{
    static constexpr qint64 kMinIntervalMs = 100;
    static constexpr qint64 kMaxIntervalMs = qint64(3600) * 1000;
    static constexpr qint64 kMaxDurationMs = qint64(7) * 24 * 3600 * 1000;
    static constexpr int kMaxInFlight = 1024;
    static constexpr int kMaxHeaders = 32;
    static constexpr qsizetype kMaxHeaderBytes = 8 * 1024;

    QString endpoint;      // its name, for display
    QUrl url;              // where requests go: http://host:port/path
    QUrl endpointUrl;      // the endpoint's own URL; url must be on loopback or on its origin
    HeaderList headers;    // Host, Content-Length and Content-Type are the simulator's
    TrafficPattern pattern;
    qint64 intervalMs = 1000;        // a tick: the rate is read once per tick, and a tick() reported
    bool randomizeInterval = false;  // each tick lasts 50 % to 150 % of intervalMs
    int batchMin = 1;                // inputs per request, drawn uniformly in [batchMin, batchMax]
    int batchMax = 1;
    RequestHints request;            // input field, shape, range and example; or an example alone
    qint64 durationMs = 0;           // 0: until stopped
    quint64 seed = 0;                // inputs, batch sizes and random intervals
    int maxInFlight = 256;           // a request due while this many wait is skipped (and counted)
    int timeoutMs = 30000;

    // InvalidArgument naming the field; the pattern's own checks too.
    Result<Done> validate() const;
    // The same fields in snake case: endpoint, url, endpoint_url, headers {name: value}, pattern {...},
    // interval_ms, random_interval, batch_min, batch_max, request {example, input_field, batch_field,
    // input_shape, input_range}, duration_ms, seed, max_in_flight, timeout_ms. Validated.
    static Result<SimulationSettings> fromJson(const QJsonObject &json);
    QJsonObject toJson() const;
};

} // namespace ServeDeck
