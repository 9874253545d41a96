// Rollout figures (issue 11). Three replicas of the demo model behind the real proxy, a steady
// open-loop load, every answer counted by status and by X-ServeDeck-Revision:
// - rolling and blue-green: from the modify that names v2 to 100 % of requests on v2, and the
//   requests that failed meanwhile (aim: 0);
// - progressive, interval 5 s, failure threshold 2, v2 answering 500 to 30 % of /predict: from the
//   first request v2 answers to the last one (aim: interval x threshold + 1 s), beside Flagger's
//   interval x threshold at its 1 min default interval.
// Usage: bench_rollout [rate] [switch-runs] [rollback-runs]   (default 500 requests/s, 3 and 5 runs)
#include <algorithm>

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include "plane/controlplane.h"
#include "service/modelservingservice.h"
#include "benchsupport.h"

using namespace ServeDeck;

namespace {

constexpr int kReplicas = 3;
constexpr int kWarmUpMs = 2000;     // steady load on v1 before the rollout starts
constexpr int kSettleMs = 3000;     // load after the rollout ends: nothing may reach the old side
constexpr int kRolloutLimitMs = 120000;
constexpr int kIntervalSeconds = 5;
constexpr int kFailureThreshold = 2;
constexpr int kFailPercent = 30;
constexpr int kFlaggerIntervalSeconds = 60;  // Flagger's documented default analysis interval

struct Answer
{
    qint64 sentMs = 0;
    qint64 doneMs = -1;  // -1: no answer yet
    int status = 0;      // 0: no HTTP answer (refused, reset, timed out)
    QByteArray revision;
};

// Requests leave on a fixed schedule (open loop), so a slow or failing side shows in the answers
// instead of in a lower rate. Bounded: at most rate x maxSeconds requests, each with a time-out.
class Traffic
{
public:
    Traffic(const QElapsedTimer &clock, QString url, int rate, int maxSeconds)
        : m_clock(clock)
        , m_url(std::move(url))
        , m_rate(rate)
        , m_total(qint64(rate) * maxSeconds)
    {
        m_tick.setTimerType(Qt::PreciseTimer);
        m_tick.setInterval(2);
        QObject::connect(&m_tick, &QTimer::timeout, &m_network, [this] { send(); });
    }

    void start()
    {
        m_startedMs = m_clock.elapsed();
        m_tick.start();
    }
    void stop() { m_tick.stop(); }
    qsizetype pending() const { return m_pending; }
    const QList<Answer> &answers() const { return m_answers; }

private:
    void send()
    {
        const qint64 due = std::min(m_total, (m_clock.elapsed() - m_startedMs) * m_rate / 1000);
        while (m_answers.size() < due) {
            QNetworkRequest request(QUrl(m_url + QStringLiteral("/predict")));
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
            request.setTransferTimeout(10000);
            const qsizetype index = m_answers.size();
            m_answers.append({m_clock.elapsed(), -1, 0, {}});
            ++m_pending;
            QNetworkReply *reply = m_network.post(request, QByteArrayLiteral(R"({"features":[6.7,3.0,5.2,2.3]})"));
            QObject::connect(reply, &QNetworkReply::finished, reply, [this, reply, index] {
                reply->deleteLater();
                --m_pending;
                Answer &a = m_answers[index];
                a.doneMs = m_clock.elapsed();
                a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                a.revision = reply->rawHeader(QByteArrayLiteral("X-ServeDeck-Revision"));
            });
        }
        if (m_answers.size() >= m_total)
            m_tick.stop();
    }

    const QElapsedTimer &m_clock;
    QString m_url;
    int m_rate = 0;
    qint64 m_total = 0;
    qint64 m_startedMs = 0;
    qsizetype m_pending = 0;
    QList<Answer> m_answers;
    QNetworkAccessManager m_network;
    QTimer m_tick;
};

void spin(int ms)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
}

QString seconds(qint64 ms)
{
    return ms < 0 ? QStringLiteral("-") : QString::number(double(ms) / 1000.0, 'f', 2) + QStringLiteral(" s");
}

std::optional<Rollout> rolloutOf(ModelServingService &service, const QString &name)
{
    const auto info = service.endpointInfo(name);
    return info ? info->rollout : std::nullopt;
}

// An embedded control plane with a 3-replica v1 endpoint, all HEALTHY.
struct Fleet
{
    QTemporaryDir dir;
    ControlPlane plane;
    Endpoint endpoint;

    explicit Fleet(const QString &name)
    {
        ControlPlaneOptions options = BenchSupport::demoOptions(dir.path());
        options.autoscaleIntervalMs = 0;  // a fixed fleet: only the rollout moves replicas
        if (!plane.start(options).ok())
            qFatal("cannot start the control plane");
        endpoint = BenchSupport::createDemo(plane.service(), name, kReplicas);
        if (BenchSupport::waitFor([&] { return BenchSupport::healthy(plane.service(), name) == kReplicas; }, 60000) < 0)
            qFatal("%s: %d replicas not HEALTHY in 60 s", qPrintable(name), kReplicas);
    }
};

// What the load saw from a moment on, by revision and status.
struct Tally
{
    qint64 sent = 0;
    qint64 failed = 0;     // not 200, or no answer
    qint64 failedOnV2 = 0;
    qint64 onV1 = 0;
    qint64 onV2 = 0;
    qint64 firstV2SentMs = -1;
    qint64 lastV2DoneMs = -1;
    qint64 allV2FromMs = -1;  // sent after the last request not answered 200 by v2: the first one
};

Tally tally(const QList<Answer> &answers, qint64 fromMs, const QByteArray &v2)
{
    Tally t;
    bool allV2 = false;
    for (const Answer &a : answers) {
        if (a.sentMs < fromMs)
            continue;
        ++t.sent;
        const bool ok = a.status == 200;
        const bool onV2 = a.revision == v2;
        t.failed += ok ? 0 : 1;
        t.failedOnV2 += !ok && onV2 ? 1 : 0;
        t.onV1 += a.revision == QByteArrayLiteral("v1") ? 1 : 0;
        if (onV2) {
            ++t.onV2;
            if (t.firstV2SentMs < 0)
                t.firstV2SentMs = a.sentMs;
            t.lastV2DoneMs = std::max(t.lastV2DoneMs, a.doneMs);
        }
        if (!(ok && onV2)) {
            allV2 = false;
        } else if (!allV2) {
            allV2 = true;
            t.allV2FromMs = a.sentMs;
        }
    }
    if (!allV2)
        t.allV2FromMs = -1;
    return t;
}

struct SwitchRow
{
    QString strategy;
    qint64 toFirstV2Ms = -1;
    qint64 toAllV2Ms = -1;
    qint64 toSucceededMs = -1;
    int minHealthy = 0;
    Tally during;
    QList<RolloutEvent> events;
    QString note;
};

// Modify with a new version under load, until the rollout succeeds and every request lands on v2.
SwitchRow switchover(RolloutStrategy strategy, int rate)
{
    SwitchRow row;
    row.strategy = rolloutStrategyName(strategy);
    const QString name = QStringLiteral("switch");
    Fleet fleet(name);
    ModelServingService &service = fleet.plane.service();
    QElapsedTimer clock;
    clock.start();
    Traffic traffic(clock, fleet.endpoint.url, rate, (kWarmUpMs + kRolloutLimitMs + kSettleMs) / 1000 + 10);
    traffic.start();
    spin(kWarmUpMs);

    ModifyEndpointRequest modify;
    modify.modelVersion = QStringLiteral("v2");
    modify.modelFolder = QStringLiteral("iris-v2");
    modify.strategy = strategy;
    const qint64 patchMs = clock.elapsed();
    if (auto modified = service.modifyEndpoint(name, modify); !modified) {
        traffic.stop();
        row.note = QStringLiteral("modify refused: ") + modified.error().message;
        return row;
    }
    row.minHealthy = kReplicas;
    const qint64 waited = BenchSupport::waitFor(
        [&] {
            const auto info = service.endpointInfo(name);
            if (!info)
                return false;
            const auto healthy = std::count_if(info->routes.cbegin(), info->routes.cend(),
                                               [](const Route &r) { return r.status == RouteStatus::Healthy; });
            row.minHealthy = std::min(row.minHealthy, int(healthy));
            return info->rollout && !info->rollout->inProgress();
        },
        kRolloutLimitMs);
    const auto ended = rolloutOf(service, name);
    if (waited < 0 || !ended || ended->phase != RolloutPhase::Succeeded)
        row.note = QStringLiteral("rollout ended %1: %2")
                       .arg(ended ? rolloutPhaseName(ended->phase) : QStringLiteral("unknown"),
                            ended ? ended->reason : QString());
    else
        row.toSucceededMs = clock.elapsed() - patchMs;
    spin(kSettleMs);
    traffic.stop();
    BenchSupport::waitFor([&] { return traffic.pending() == 0; }, 15000);

    row.during = tally(traffic.answers(), patchMs, QByteArrayLiteral("v2"));
    if (row.during.firstV2SentMs >= 0)
        row.toFirstV2Ms = row.during.firstV2SentMs - patchMs;
    // 100 % on v2 from the first request after the last one that v2 did not answer with 200.
    if (row.note.isEmpty() && row.during.allV2FromMs >= 0)
        row.toAllV2Ms = row.during.allV2FromMs - patchMs;
    if (ended) {
        if (auto info = service.rolloutInfo(name, ended->id.toString(QUuid::WithoutBraces)))
            row.events = info->events;
    }
    return row;
}

struct RollbackRow
{
    qint64 regressionToRollbackMs = -1;  // first request v2 answered -> last one
    qint64 startToRolledBackMs = -1;     // startRollout -> phase ROLLED_BACK seen
    qint64 startToFirstV2Ms = -1;
    Tally during;
    QList<AnalysisDecision> decisions;
    QList<RolloutEvent> events;
    QString note;
};

// A copy of iris-v2 whose replicas answer 500 to kFailPercent % of /predict.
QString failingModelFolder(const QString &root)
{
    const QString source = QStringLiteral(SERVEDECK_SOURCE_MODELS_DIR "/iris-v2");
    const QString target = QDir(root).filePath(QStringLiteral("iris-v2-failing"));
    if (!QDir().mkpath(target) || !QFile::copy(source + QStringLiteral("/iris.csv"), target + QStringLiteral("/iris.csv")))
        qFatal("cannot copy the iris-v2 model folder");
    QFile in(source + QStringLiteral("/model-definition.toml"));
    if (!in.open(QIODevice::ReadOnly))
        qFatal("cannot read iris-v2's model definition");
    QString definition = QString::fromUtf8(in.readAll());
    const QString plain = QStringLiteral(R"("--version", "v2"])");
    if (!definition.contains(plain))
        qFatal("iris-v2's start_command changed; the bench cannot add its fault knob");
    definition.replace(plain, QStringLiteral(R"("--version", "v2", "--fail-percent", "%1"])").arg(kFailPercent));
    QFile out(target + QStringLiteral("/model-definition.toml"));
    if (!out.open(QIODevice::WriteOnly) || out.write(definition.toUtf8()) < 0)
        qFatal("cannot write the failing model definition");
    return target;
}

RollbackRow regression(int rate)
{
    RollbackRow row;
    QTemporaryDir models;  // outlives the fleet, whose replicas run from it
    const QString folder = failingModelFolder(models.path());
    const QString name = QStringLiteral("regress");
    Fleet fleet(name);
    ModelServingService &service = fleet.plane.service();
    QElapsedTimer clock;
    clock.start();
    Traffic traffic(clock, fleet.endpoint.url, rate, (kWarmUpMs + kRolloutLimitMs + kSettleMs) / 1000 + 10);
    traffic.start();
    spin(kWarmUpMs);

    RolloutRequest request;
    request.modelVersion = QStringLiteral("v2");
    request.modelFolder = folder;
    request.strategy = RolloutStrategy::Progressive;
    request.steps = {5, 25, 50, 100};
    request.intervalSeconds = kIntervalSeconds;
    AnalysisThresholds analysis;
    analysis.failureThreshold = kFailureThreshold;
    request.analysis = analysis;
    const qint64 startMs = clock.elapsed();
    auto started = service.startRollout(name, request);
    if (!started) {
        traffic.stop();
        row.note = QStringLiteral("rollout refused: ") + started.error().message;
        return row;
    }
    const qint64 waited = BenchSupport::waitFor(
        [&] {
            const auto o = rolloutOf(service, name);
            return o && !o->inProgress();
        },
        kRolloutLimitMs);
    const auto ended = rolloutOf(service, name);
    if (waited < 0 || !ended || ended->phase != RolloutPhase::RolledBack)
        row.note = QStringLiteral("rollout ended %1 (expected ROLLED_BACK): %2")
                       .arg(ended ? rolloutPhaseName(ended->phase) : QStringLiteral("unknown"),
                            ended ? ended->reason : QString());
    else
        row.startToRolledBackMs = clock.elapsed() - startMs;
    spin(kSettleMs);
    traffic.stop();
    BenchSupport::waitFor([&] { return traffic.pending() == 0; }, 15000);

    row.during = tally(traffic.answers(), startMs, QByteArrayLiteral("v2"));
    if (row.during.firstV2SentMs >= 0) {
        row.startToFirstV2Ms = row.during.firstV2SentMs - startMs;
        row.regressionToRollbackMs = row.during.lastV2DoneMs - row.during.firstV2SentMs;
    }
    if (auto info = service.rolloutInfo(name, started->rollout.id.toString(QUuid::WithoutBraces))) {
        row.decisions = info->decisions;
        row.events = info->events;
    }
    return row;
}

// The rollout's own timeline, from its first event.
void printEvents(QTextStream &out, const QList<RolloutEvent> &events)
{
    if (events.isEmpty())
        return;
    const QDateTime first = events.constFirst().at;
    for (const RolloutEvent &e : events)
        out << "  +" << seconds(first.msecsTo(e.at)) << ' ' << rolloutPhaseName(e.phase) << " step " << e.step << " weight "
            << e.weight << ": " << e.message << '\n';
}

QString ratio(qint64 a, qint64 b)
{
    return a < 0 || b <= 0 ? QStringLiteral("-") : QString::number(double(a) / double(b), 'f', 2) + QStringLiteral("x");
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    const int rate = argc > 1 ? QString::fromLocal8Bit(argv[1]).toInt() : 500;
    const int switchRuns = argc > 2 ? QString::fromLocal8Bit(argv[2]).toInt() : 3;
    const int rollbackRuns = argc > 3 ? QString::fromLocal8Bit(argv[3]).toInt() : 5;
    if (rate < 1 || rate > 5000 || switchRuns < 1 || switchRuns > 20 || rollbackRuns < 1 || rollbackRuns > 20)
        qFatal("usage: bench_rollout [rate 1-5000] [switch-runs 1-20] [rollback-runs 1-20]");

    QList<SwitchRow> rows;
    for (int run = 0; run < switchRuns; ++run) {
        for (RolloutStrategy strategy : {RolloutStrategy::Rolling, RolloutStrategy::BlueGreen}) {
            rows << switchover(strategy, rate);
            out << rows.last().strategy << " run " << run + 1 << " done\n";
            out.flush();
        }
    }
    QList<RollbackRow> backs;
    for (int run = 0; run < rollbackRuns; ++run) {
        backs << regression(rate);
        out << "progressive rollback run " << run + 1 << " done\n";
        out.flush();
    }

    out << "\n1. modify to v2 (" << kReplicas << " replicas of the demo model, " << rate << " requests/s, open loop)\n";
    out << "strategy     ->first v2  ->100% v2  ->SUCCEEDED  sent    on v1   on v2   failed  min HEALTHY\n";
    for (const SwitchRow &r : std::as_const(rows)) {
        out << qSetFieldWidth(13) << Qt::left << r.strategy << qSetFieldWidth(11) << seconds(r.toFirstV2Ms)
            << seconds(r.toAllV2Ms) << qSetFieldWidth(12) << seconds(r.toSucceededMs) << qSetFieldWidth(8)
            << r.during.sent << r.during.onV1 << r.during.onV2 << r.during.failed << qSetFieldWidth(0) << r.minHealthy
            << '\n';
        if (!r.note.isEmpty())
            out << "  " << r.strategy << ": " << r.note << '\n';
    }
    QHash<QString, QList<qint64>> toAllV2;
    QHash<QString, qint64> failed;
    for (const SwitchRow &r : std::as_const(rows)) {
        toAllV2[r.strategy] << r.toAllV2Ms;
        failed[r.strategy] += r.during.failed;
    }
    for (const QString &strategy : {rolloutStrategyName(RolloutStrategy::Rolling), rolloutStrategyName(RolloutStrategy::BlueGreen)}) {
        QList<qint64> times = toAllV2.value(strategy);
        std::sort(times.begin(), times.end());
        out << strategy << ": PATCH -> 100 % on v2 median " << seconds(times.at(times.size() / 2)) << " (min "
            << seconds(times.constFirst()) << ", max " << seconds(times.constLast()) << "), failed requests "
            << failed.value(strategy) << " in " << switchRuns << " run(s) (aim 0)\n";
    }
    const auto medianOf = [](QList<qint64> v) {
        std::sort(v.begin(), v.end());
        return v.at(v.size() / 2);
    };
    out << "blue-green over rolling, median time to 100 % on v2: "
        << ratio(medianOf(toAllV2.value(rolloutStrategyName(RolloutStrategy::BlueGreen))),
                 medianOf(toAllV2.value(rolloutStrategyName(RolloutStrategy::Rolling))))
        << '\n';
    for (const SwitchRow &r : std::as_const(rows).first(2)) {
        out << r.strategy << " timeline (run 1):\n";
        printEvents(out, r.events);
    }

    const qint64 aimMs = qint64(kIntervalSeconds) * kFailureThreshold * 1000 + 1000;
    const qint64 flaggerMs = qint64(kFlaggerIntervalSeconds) * kFailureThreshold * 1000;
    out << "\n2. progressive rollback (v2 with --fail-percent " << kFailPercent << ", steps 5/25/50/100, interval "
        << kIntervalSeconds << " s, failure threshold " << kFailureThreshold << ", " << rate << " requests/s)\n";
    out << "run  start->v2 first  start->ROLLED_BACK  regression->no request on v2  aim      sent    on v2  failed (on v2)\n";
    QList<qint64> times;
    int missed = 0;
    qsizetype slowest = 0;
    for (qsizetype i = 0; i < backs.size(); ++i) {
        const RollbackRow &b = backs.at(i);
        const bool met = b.regressionToRollbackMs >= 0 && b.regressionToRollbackMs <= aimMs;
        missed += met ? 0 : 1;
        times << b.regressionToRollbackMs;
        if (b.regressionToRollbackMs > backs.at(slowest).regressionToRollbackMs)
            slowest = i;
        out << qSetFieldWidth(5) << Qt::left << i + 1 << qSetFieldWidth(16) << seconds(b.startToFirstV2Ms) << qSetFieldWidth(20)
            << seconds(b.startToRolledBackMs) << qSetFieldWidth(30) << seconds(b.regressionToRollbackMs) << qSetFieldWidth(9)
            << (met ? "met" : "MISSED") << qSetFieldWidth(8) << b.during.sent << qSetFieldWidth(7) << b.during.onV2
            << qSetFieldWidth(0) << b.during.failed << " (" << b.during.failedOnV2 << ")\n";
        if (!b.note.isEmpty())
            out << "  run " << i + 1 << ": " << b.note << '\n';
    }
    std::sort(times.begin(), times.end());
    const qint64 median = times.at(times.size() / 2);
    out << "regression start -> no request reaches v2: median " << seconds(median) << " (min " << seconds(times.constFirst())
        << ", max " << seconds(times.constLast()) << "); aim <= interval x threshold + 1 s = " << seconds(aimMs) << ": missed in "
        << missed << " of " << backs.size() << " run(s); median over the aim " << ratio(median, aimMs) << '\n';
    out << "Flagger, documented peer figure (not run here): interval " << kFlaggerIntervalSeconds << " s (its default) x threshold "
        << kFailureThreshold << " = " << seconds(flaggerMs) << "; Flagger over ServeDeck's median: " << ratio(flaggerMs, median) << '\n';
    const RollbackRow &b = backs.at(slowest);
    out << "slowest run (" << slowest + 1 << "), its analysis:\n";
    for (const AnalysisDecision &d : b.decisions) {
        out << "  step " << d.step << ' ' << d.check << ": " << analysisVerdictName(d.verdict) << ", n " << d.canaryRequests
            << '/' << d.stableRequests;
        if (d.canaryValue && d.stableValue)
            out << ", canary " << QString::number(*d.canaryValue, 'f', 4) << " stable " << QString::number(*d.stableValue, 'f', 4);
        out << '\n';
    }
    out << "and its timeline:\n";
    printEvents(out, b.events);
    return 0;
}
