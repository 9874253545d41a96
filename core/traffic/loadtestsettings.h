#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QUrl>

#include "domain/result.h"
#include "http/proxyhttp.h"
#include "traffic/loadtesttarget.h"

namespace ServeDeck {

// What a load test does, validated as hostile input: the generator is bounded in rate,
// duration, concurrency and size, and only sends to loopback or to the endpoint's own URL.
struct LoadTestSettings
{
    enum class Mode {
        Rate,     // open loop, fixed rate
        Ramp,     // open loop, rate linear from rampFrom to rampTo over the duration
        Poisson,  // open loop, exponential gaps at the mean rate (seeded)
        Closed,   // closed loop: concurrency requests at once, each sent when one ends
    };

    static constexpr double kMaxRate = 20000;               // requests per second
    static constexpr qint64 kMaxDurationMs = 3600 * 1000;   // an hour
    static constexpr int kMaxConcurrency = 1024;
    static constexpr qint64 kMaxTotalRequests = 10 * 1000 * 1000;
    static constexpr int kMaxTimeoutMs = 300 * 1000;
    static constexpr qsizetype kMaxBodyBytes = 1024 * 1024;
    static constexpr qsizetype kMaxHeaders = 32;
    static constexpr int kMaxConnections = 1024;

    QString endpoint;  // the endpoint's name, for the stored run
    QUrl url;          // origin + path: where requests go
    QByteArray method = QByteArrayLiteral("POST");
    HeaderList headers;
    QByteArray body;
    Mode mode = Mode::Rate;
    double rate = 10;      // Rate, Poisson
    double rampFrom = 0;   // Ramp
    double rampTo = 0;     // Ramp
    int concurrency = 10;  // Closed
    qint64 totalRequests = 0;  // Closed: stop after this many (0: by duration)
    qint64 durationMs = 10000;
    int timeoutMs = 30000;  // per request; the run waits this long at most for the last answers
    int maxConnections = 256;  // open loop: past it requests wait, counted late
    QList<LoadTestTarget> targets = LoadTestTarget::defaults();
    bool streaming = false;  // the answers stream (for displays; tokens are counted either way)
    quint64 seed = 1;        // Poisson

    // Validates everything (InvalidArgument naming the field). endpointUrl: the endpoint's own
    // URL, the one non-loopback origin allowed.
    static Result<LoadTestSettings> fromJson(const QJsonObject &json, const QUrl &endpointUrl = {});
    QJsonObject toJson() const;
    static QString modeName(Mode mode);
};

} // namespace ServeDeck
