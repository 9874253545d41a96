#include "traffic/loadtest.h"

#include <deque>

#include <QTimer>

#include "traffic/arrivalschedule.h"
#include "traffic/requestsender.h"

namespace ServeDeck {

namespace {

constexpr qint64 kNsPerMs = 1000 * 1000;
constexpr qint64 kNsPerSecond = 1000 * kNsPerMs;
// Four times a second: often enough for a live line or chart, rare enough to cost nothing.
constexpr int kProgressMs = 250;
// The pacer wakes every millisecond: a request is sent at most about that late by the pacer
// itself; anything later is the sender or the event loop falling behind, and is counted.
constexpr int kPaceMs = 1;
// After the last answer was due (duration + timeout), this much more before in-flight
// requests are cancelled: the sender's own timeouts end them first.
constexpr qint64 kGraceNs = 2 * kNsPerSecond;
// The window of the "current" rates in the progress.
constexpr qint64 kRateWindowNs = kNsPerSecond;

LoadTestStats &groupOf(QMap<QByteArray, LoadTestStats> &groups, const QByteArray &key)
{
    if (groups.contains(key) || groups.size() < LoadTestResult::kMaxGroups)
        return groups[key];
    return groups[QByteArrayLiteral("other")];
}

} // namespace

struct LoadTest::Private
{
    explicit Private(LoadTest *owner, LoadTestSettings settings_)
        : q(owner)
        , settings(std::move(settings_))
        , schedule(settings)
    {
    }

    LoadTest *q;
    LoadTestSettings settings;
    ArrivalSchedule schedule;
    RequestSender *sender = nullptr;
    TrafficRequest request;
    // Children of the test (not members), so that moveToThread() takes them along.
    QTimer *pacer = new QTimer(q);
    QTimer *progressTimer = new QTimer(q);
    QTimer *hardStop = new QTimer(q);
    LoadTestResult result;
    qint64 startNs = 0;
    std::optional<qint64> nextDueNs;  // open loop: the next arrival, from startNs
    quint64 launched = 0;
    bool running = false;
    bool sending = false;
    bool done = false;
    // Answers are counted into the second they ended in; that second's latencies are
    // gathered here until a later one begins (so memory stays one histogram).
    qsizetype currentInterval = -1;
    LatencyHistogram currentLatency;
    struct Sample
    {
        qint64 atNs;
        quint64 sent;
        quint64 answered;
    };
    std::deque<Sample> samples;

    bool openLoop() const { return settings.mode != LoadTestSettings::Mode::Closed; }

    LoadTestInterval *interval(qint64 fromStartNs)
    {
        const qsizetype index = qsizetype(std::max<qint64>(0, fromStartNs) / kNsPerSecond);
        if (index >= LoadTestResult::kMaxIntervals)
            return nullptr;
        while (result.intervals.size() <= index) {
            LoadTestInterval next;
            next.startMs = qint64(result.intervals.size()) * 1000;
            result.intervals.append(next);
        }
        return &result.intervals[index];
    }

    void closeInterval()
    {
        if (currentInterval < 0 || currentInterval >= result.intervals.size())
            return;
        LoadTestInterval &interval = result.intervals[currentInterval];
        interval.p50Ns = currentLatency.percentileNs(50);
        interval.p95Ns = currentLatency.percentileNs(95);
        interval.p99Ns = currentLatency.percentileNs(99);
        interval.maxNs = currentLatency.maxNs();
        currentLatency.clear();
    }

    void sendOne(qint64 scheduledNs)
    {
        ++launched;
        ++result.sent;
        if (LoadTestInterval *slot = interval(scheduledNs - startNs))
            ++slot->sent;
        sender->send(request, scheduledNs);
    }

    void pace()
    {
        const qint64 now = sender->nowNs();
        while (sending && nextDueNs && startNs + *nextDueNs <= now) {
            sendOne(startNs + *nextDueNs);
            nextDueNs = schedule.next();
        }
        if (!nextDueNs)
            stopSending();
    }

    void stopSending()
    {
        if (!sending)
            return;
        sending = false;
        pacer->stop();
        maybeFinish();
    }

    void answered(const TrafficAnswer &answer)
    {
        if (done)
            return;
        result.elapsedNs = std::max(result.elapsedNs, answer.doneNs - startNs);
        const qint64 lateNs = answer.sentNs - answer.scheduledNs;
        result.lateness.record(lateNs);
        const bool late = lateNs >= LoadTestResult::kLateNs;
        if (late) {
            ++result.late;
            if (LoadTestInterval *slot = interval(answer.scheduledNs - startNs))
                ++slot->late;
        }
        result.total.add(answer);
        groupOf(result.byRoute, answer.routeId).add(answer);
        groupOf(result.byRevision, answer.revision).add(answer);

        const qsizetype index = qsizetype(std::max<qint64>(0, answer.doneNs - startNs) / kNsPerSecond);
        if (index != currentInterval && index < LoadTestResult::kMaxIntervals) {
            closeInterval();
            currentInterval = index;
        }
        if (LoadTestInterval *slot = interval(answer.doneNs - startNs)) {
            ++slot->answered;
            if (answer.status < 200 || answer.status >= 300)
                ++slot->failed;
            currentLatency.record(answer.doneNs - answer.scheduledNs);
        }

        if (!openLoop() && sending) {
            const qint64 now = sender->nowNs();
            const bool byCount = settings.totalRequests > 0 && launched >= quint64(settings.totalRequests);
            if (byCount || now - startNs >= settings.durationMs * kNsPerMs)
                stopSending();
            else
                sendOne(now);  // a closed loop: the next goes as this one ends
        }
        maybeFinish();
    }

    void maybeFinish()
    {
        if (!running || sending || sender->inFlight() > 0)
            return;
        finish();
    }

    void finish()
    {
        if (done)
            return;
        done = true;
        running = false;
        sending = false;
        pacer->stop();
        progressTimer->stop();
        hardStop->stop();
        closeInterval();
        if (result.elapsedNs <= 0)
            result.elapsedNs = sender->nowNs() - startNs;
        // An open loop's requests are spread over the whole duration: its throughput is over
        // that, not over the time to the last answer (n requests at r/s end at (n-1)/r).
        if (openLoop() && !result.cancelled)
            result.elapsedNs = std::max(result.elapsedNs, settings.durationMs * kNsPerMs);
        result.evaluateTargets();
        reportProgress();
        Q_EMIT q->finished(result);
    }

    void reportProgress()
    {
        const qint64 now = sender->nowNs();
        LoadTestProgress progress;
        progress.elapsedMs = (now - startNs) / kNsPerMs;
        // A closed loop by count has no duration to show (only its cap).
        progress.durationMs = !openLoop() && settings.totalRequests > 0 ? 0 : settings.durationMs;
        progress.sent = result.sent;
        progress.answered = result.total.answered;
        progress.failed = result.total.answered - result.total.succeeded;
        progress.inFlight = sender->inFlight();
        progress.late = result.late;
        progress.p50Ns = result.total.latency.percentileNs(50);
        progress.p95Ns = result.total.latency.percentileNs(95);
        progress.p99Ns = result.total.latency.percentileNs(99);
        samples.push_back({now, result.sent, result.total.answered});
        while (samples.size() > 2 && now - samples[1].atNs >= kRateWindowNs)
            samples.pop_front();
        const Sample &first = samples.front();
        if (now > first.atNs) {
            const double seconds = double(now - first.atNs) / double(kNsPerSecond);
            progress.sendRate = double(result.sent - first.sent) / seconds;
            progress.answerRate = double(result.total.answered - first.answered) / seconds;
        }
        Q_EMIT q->progress(progress);
    }
};

LoadTest::LoadTest(LoadTestSettings settings, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, std::move(settings)))
{
    const LoadTestSettings &s = d->settings;
    d->request.method = s.method;
    d->request.path = s.url.path(QUrl::FullyEncoded).toLatin1();
    if (d->request.path.isEmpty())
        d->request.path = "/";
    if (s.url.hasQuery())
        d->request.path += '?' + s.url.query(QUrl::FullyEncoded).toLatin1();
    d->request.headers = s.headers;
    d->request.body = s.body;

    RequestSender::Options options;
    options.maxConnections = d->openLoop() ? s.maxConnections : s.concurrency;
    options.timeoutMs = s.timeoutMs;
    options.keepBodyBytes = 0;  // a load test keeps figures, not answers
    d->sender = new RequestSender(s.url.host(), quint16(s.url.port(80)), options, this);
    connect(d->sender, &RequestSender::finished, this, [this](const TrafficAnswer &answer) { d->answered(answer); });

    d->pacer->setTimerType(Qt::PreciseTimer);
    d->pacer->setInterval(kPaceMs);
    connect(d->pacer, &QTimer::timeout, this, [this] { d->pace(); });
    d->progressTimer->setInterval(kProgressMs);
    connect(d->progressTimer, &QTimer::timeout, this, [this] { d->reportProgress(); });
    d->hardStop->setSingleShot(true);
    connect(d->hardStop, &QTimer::timeout, this, [this] {
        d->sending = false;
        d->pacer->stop();
        d->sender->abortAll();
        d->finish();
    });
    d->result.settings = d->settings;
}

LoadTest::~LoadTest() = default;

void LoadTest::start()
{
    if (d->running || d->done)
        return;
    d->running = true;
    d->sending = true;
    d->result.startedAt = QDateTime::currentDateTimeUtc();
    d->startNs = d->sender->nowNs();
    d->samples.push_back({d->startNs, 0, 0});
    d->progressTimer->start();
    d->hardStop->start(int((d->settings.durationMs * kNsPerMs + qint64(d->settings.timeoutMs) * kNsPerMs + kGraceNs)
                          / kNsPerMs));
    if (d->openLoop()) {
        d->nextDueNs = d->schedule.next();
        d->pacer->start();
        d->pace();
        return;
    }
    const qint64 first = d->settings.totalRequests > 0
        ? std::min<qint64>(d->settings.concurrency, d->settings.totalRequests)
        : d->settings.concurrency;
    for (qint64 i = 0; i < first; ++i)
        d->sendOne(d->startNs);
}

void LoadTest::cancel()
{
    if (!d->running)
        return;
    d->result.cancelled = true;
    d->sending = false;
    d->pacer->stop();
    d->sender->abortAll();
    d->finish();
}

bool LoadTest::isRunning() const
{
    return d->running;
}

const LoadTestSettings &LoadTest::settings() const
{
    return d->settings;
}

} // namespace ServeDeck
