#pragma once

#include <memory>

#include <QObject>

#include "traffic/loadtestresult.h"
#include "traffic/loadtestsettings.h"

namespace ServeDeck {

// Where a running load test is, about four times a second.
struct LoadTestProgress
{
    qint64 elapsedMs = 0;
    qint64 durationMs = 0;  // 0: a closed loop by count
    quint64 sent = 0;
    quint64 answered = 0;
    quint64 failed = 0;
    int inFlight = 0;
    double sendRate = 0;    // per second, over the last second
    double answerRate = 0;  // per second, over the last second
    qint64 p50Ns = 0;       // so far
    qint64 p95Ns = 0;
    qint64 p99Ns = 0;
    quint64 late = 0;
};

// One load test run: open loop (rate, ramp, Poisson: each request has a scheduled start and
// its latency counts from there, so a stalled server cannot hide its queue — coordinated
// omission; a request that could not start on time is sent late and counted, never dropped)
// or closed loop (concurrency requests at once). It stops by itself at the duration, waits at
// most timeoutMs for the last answers, then says finished(). Lives on any one thread with an
// event loop (the console gives it one of its own; never the GUI thread).
class LoadTest final : public QObject
{
    Q_OBJECT
public:
    explicit LoadTest(LoadTestSettings settings, QObject *parent = nullptr);
    ~LoadTest() override;

    void start();
    // Stops sending, ends what is in flight, and finishes with what it has (cancelled).
    void cancel();
    bool isRunning() const;
    const LoadTestSettings &settings() const;

Q_SIGNALS:
    void progress(const ServeDeck::LoadTestProgress &progress);
    void finished(const ServeDeck::LoadTestResult &result);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace ServeDeck

Q_DECLARE_METATYPE(ServeDeck::LoadTestProgress)
Q_DECLARE_METATYPE(ServeDeck::LoadTestResult)
