#include "trafficsimulator.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include <QTimer>

#include "inputgenerator.h"
#include "requestsender.h"

namespace ServeDeck {

namespace {

constexpr qint64 kNsPerMs = 1000000;
// How long stop() waits for the answers in flight before it cancels them: long enough for a
// model's usual answer, short enough that Ctrl-C feels immediate.
constexpr int kStopGraceMs = 2000;

} // namespace

struct TrafficSimulator::Private
{
    TrafficSimulator *q;
    SimulationSettings settings;
    RequestSender *sender = nullptr;
    std::optional<InputGenerator> generator;
    QByteArray path;
    QTimer pace;
    QTimer grace;
    bool running = false;
    bool stopping = false;
    quint64 randomState = 0;

    qint64 startNs = 0;
    // The tick under way: when it began, how long it lasts, its rate, how many requests it
    // sends and how many of them have gone.
    qint64 tickStartNs = 0;
    qint64 tickLengthNs = 0;
    double tickRate = 0;
    qint64 tickDue = 0;
    qint64 tickSent = 0;
    double carry = 0;  // the fraction of a request a tick left over, so low rates still send
    SimulationTick totals;

    double uniform()  // [0, 1), for the random interval
    {
        quint64 z = (randomState += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        return double(z >> 11) * 0x1.0p-53;
    }

    void beginTick(qint64 atNs)
    {
        tickStartNs = atNs;
        const double factor = settings.randomizeInterval ? 0.5 + uniform() : 1.0;
        tickLengthNs = std::max<qint64>(1, qint64(double(settings.intervalMs) * factor) * kNsPerMs);
        tickRate = settings.pattern.rateAt((atNs - startNs) / kNsPerMs);
        const double due = tickRate * double(tickLengthNs) / 1e9 + carry;
        tickDue = qint64(std::floor(due));
        carry = due - double(tickDue);
        tickSent = 0;
    }

    // When request k of the tick is due: evenly spread, the first at the tick's start.
    qint64 dueNs(qint64 k) const { return tickStartNs + qint64(double(tickLengthNs) * double(k) / double(tickDue)); }

    void sendOne(qint64 scheduledNs)
    {
        if (sender->inFlight() >= settings.maxInFlight) {
            ++totals.skipped;
            return;
        }
        TrafficRequest request;
        request.path = path;
        request.headers = settings.headers;
        request.headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
        request.body = generator ? generator->body(generator->batchBetween(settings.batchMin, settings.batchMax))
                                 : settings.request.example;
        sender->send(std::move(request), scheduledNs);
        ++totals.sent;
    }

    void onPace()
    {
        if (!running || stopping)
            return;
        const qint64 now = sender->nowNs();
        const qint64 endNs = settings.durationMs > 0 ? startNs + settings.durationMs * kNsPerMs
                                                     : std::numeric_limits<qint64>::max();
        const bool over = now >= endNs;
        while (tickSent < tickDue && dueNs(tickSent) <= now && dueNs(tickSent) < endNs)
            sendOne(dueNs(tickSent++));
        if (now >= tickStartNs + tickLengthNs || over) {
            // Requests not yet sent belong to this tick: a loaded thread catches up, not skips.
            // The duration cuts the last tick short.
            while (tickSent < tickDue && dueNs(tickSent) < endNs)
                sendOne(dueNs(tickSent++));
            totals.elapsedMs = (now - startNs) / kNsPerMs;
            totals.intervalMs = (std::min(now, tickStartNs + tickLengthNs) - tickStartNs) / kNsPerMs;
            totals.rate = tickRate;
            totals.inFlight = sender->inFlight();
            Q_EMIT q->tick(totals);
            if (over) {
                q->stop();
                return;
            }
            // The next tick starts where this one ended, so ticks do not drift; a thread that fell
            // a whole tick behind starts afresh from now.
            const qint64 next = tickStartNs + tickLengthNs;
            beginTick(now - next > tickLengthNs ? now : next);
        }
        arm(now);
    }

    void arm(qint64 now)
    {
        qint64 next = tickStartNs + tickLengthNs;
        if (tickSent < tickDue)
            next = std::min(next, dueNs(tickSent));
        if (settings.durationMs > 0)
            next = std::min(next, startNs + settings.durationMs * kNsPerMs);
        pace.start(int(std::clamp<qint64>((next - now + kNsPerMs - 1) / kNsPerMs, 0, settings.intervalMs * 2)));
    }

    void onAnswer(const TrafficAnswer &answer)
    {
        if (!stopping && answer.error == QLatin1String("cancelled"))
            return;
        SimulationRevisionCounts &byRevision = totals.byRevision[answer.revision];
        if (answer.error == QLatin1String("cancelled")) {
            ++totals.cancelled;
        } else if (answer.status >= 200 && answer.status < 400) {
            ++totals.ok;
            ++byRevision.ok;
        } else {
            ++totals.failed;
            ++byRevision.failed;
        }
        if (stopping && sender->inFlight() == 0)
            finish();
    }

    void finish()
    {
        if (!running)
            return;
        running = false;
        grace.stop();
        pace.stop();
        sender->abortAll();  // counts what is left as cancelled, through onAnswer
        totals.inFlight = 0;
        totals.elapsedMs = (sender->nowNs() - startNs) / kNsPerMs;
        Q_EMIT q->stopped(totals);
    }
};

TrafficSimulator::TrafficSimulator(SimulationSettings settings, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    qRegisterMetaType<ServeDeck::SimulationTick>();
    d->q = this;
    d->settings = std::move(settings);
    d->pace.setSingleShot(true);
    d->pace.setTimerType(Qt::PreciseTimer);
    d->grace.setSingleShot(true);
    connect(&d->pace, &QTimer::timeout, this, [this] { d->onPace(); });
    connect(&d->grace, &QTimer::timeout, this, [this] { d->finish(); });
}

TrafficSimulator::~TrafficSimulator()
{
    d->pace.stop();
    d->grace.stop();
    if (d->sender)
        QObject::disconnect(d->sender, nullptr, this, nullptr);
}

Result<Done> TrafficSimulator::start()
{
    if (d->running)
        return makeError(ErrorType::InvalidArgument, QStringLiteral("the simulation is running already"));
    const Result<Done> valid = d->settings.validate();
    if (!valid)
        return valid;
    if (!d->settings.request.inputShape.isEmpty()) {
        Result<InputGenerator> generator =
            InputGenerator::create(d->settings.request, d->settings.batchMax, d->settings.seed);
        if (!generator)
            return generator.error();
        d->generator = std::move(*generator);
    }
    const QUrl &url = d->settings.url;
    d->path = url.path(QUrl::FullyEncoded).toLatin1();
    if (url.hasQuery())
        d->path += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    RequestSender::Options options;
    options.maxConnections = std::min(d->settings.maxInFlight, 256);
    options.timeoutMs = d->settings.timeoutMs;
    options.keepBodyBytes = 0;  // counts are all the simulator keeps
    delete d->sender;
    d->sender = new RequestSender(url.host(), quint16(url.port(80)), options, this);
    connect(d->sender, &RequestSender::finished, this, [this](const TrafficAnswer &answer) { d->onAnswer(answer); });
    d->randomState = d->settings.seed ^ 0x5bd1e995ULL;
    d->totals = SimulationTick{};
    d->carry = 0;
    d->running = true;
    d->stopping = false;
    d->startNs = d->sender->nowNs();
    d->beginTick(d->startNs);
    d->onPace();
    return Done{};
}

void TrafficSimulator::stop()
{
    if (!d->running || d->stopping)
        return;
    d->stopping = true;
    d->pace.stop();
    if (d->sender->inFlight() == 0) {
        d->finish();
        return;
    }
    d->grace.start(std::min(kStopGraceMs, d->settings.timeoutMs));
}

bool TrafficSimulator::isRunning() const
{
    return d->running;
}

SimulationTick TrafficSimulator::totals() const
{
    SimulationTick totals = d->totals;
    totals.inFlight = d->sender ? d->sender->inFlight() : 0;
    return totals;
}

void TrafficSimulator::setHeaders(const HeaderList &headers)
{
    d->settings.headers = headers;
}

} // namespace ServeDeck
