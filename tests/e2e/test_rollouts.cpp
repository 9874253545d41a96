// Rollouts end to end: a real control plane with its embedded agent, real demo replicas of
// iris-v1 and iris-v2 (or a copy of v2 with a fault knob), and a steady load sent through the
// real proxy on 127.0.0.1. Each case checks the core's state (routes per revision, the
// rollout's phase, decisions and events, the endpoint's current revision) and every answer of
// the load, by the revision the proxy says served it. Intervals are a second or two so the
// cases run in real time; the pure-logic suites cover long windows with a manual clock.
#include <algorithm>
#include <memory>
#include <utility>

#include <csignal>

#include <QDir>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QNetworkAccessManager>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "plane/controlplane.h"
#include "agent/localagent.h"
#include "service/modelservingservice.h"
#include "support/loadsender.h"
#include "support/replicaprocesses.h"
#include "support/require.h"

using namespace ServeDeck;
using namespace ReplicaProcesses;

namespace {

constexpr int kWaitMs = 30000;
const QByteArray kV1 = QByteArrayLiteral("v1");
const QByteArray kV2 = QByteArrayLiteral("v2");

// A copy of iris-v2 whose start command carries extra fault flags, in `folder`.
QString faultyV2(const QString &folder, const QStringList &extraArgs)
{
    const QString source = sourceModels() + QStringLiteral("/iris-v2");
    QDir().mkpath(folder);
    QFile::copy(source + QStringLiteral("/iris.csv"), folder + QStringLiteral("/iris.csv"));
    QFile in(source + QStringLiteral("/model-definition.toml"));
    if (!in.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(in.fileName()));
    QString toml = QString::fromUtf8(in.readAll());
    const QString end = QStringLiteral("\"--version\", \"v2\"]");
    if (!toml.contains(end))
        qFatal("iris-v2's start_command no longer ends with --version v2");
    QStringList quoted;
    for (const QString &a : extraArgs)
        quoted << u'"' + a + u'"';
    toml.replace(end, QStringLiteral("\"--version\", \"v2\", ") + quoted.join(QStringLiteral(", ")) + u']');
    QFile out(folder + QStringLiteral("/model-definition.toml"));
    if (!out.open(QIODevice::WriteOnly) || out.write(toml.toUtf8()) < 0)
        qFatal("cannot write %s", qPrintable(out.fileName()));
    return folder;
}

// The demo model servers `parent` started and that still run, with the port each listens on.
QHash<qint64, quint16> modelServersOf(qint64 parent)
{
    QHash<qint64, quint16> out;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric || !processAlive(pid))
            continue;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        QFile command(QStringLiteral("/proc/%1/cmdline").arg(pid));
        QFile environment(QStringLiteral("/proc/%1/environ").arg(pid));
        if (!stat.open(QIODevice::ReadOnly) || !command.open(QIODevice::ReadOnly) || !environment.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = stat.readAll();
        const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');  // state, ppid, ...
        if (fields.size() < 2 || fields[1].toLongLong() != parent || !command.readAll().contains("servedeck-model-server"))
            continue;
        for (const QByteArray &variable : environment.readAll().split('\0')) {
            if (variable.startsWith("PORT="))
                out.insert(pid, quint16(variable.mid(5).toUInt()));
        }
    }
    return out;
}

// One look at the routes while a rollout runs: HEALTHY ones of the stable revision, and in all.
struct Sample
{
    int fromHealthy = 0;
    int healthy = 0;
};

} // namespace

class TestRollouts final : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ControlPlane> m_plane;
    QNetworkAccessManager m_network;
    std::unique_ptr<LoadSender> m_load;
    std::unique_ptr<QObject> m_sampling;  // the sampler's connections go with it
    QList<Sample> m_samples;
    QList<qint64> m_strays;  // replicas of a killed `servedeck serve`: stopped here if they outlive it

    ModelServingService &service() { return m_plane->service(); }

    ControlPlaneOptions options() const
    {
        ControlPlaneOptions o;
        o.dataDir = m_dir->filePath(QStringLiteral("data"));
        o.serveApi = false;
        o.capacity = QStringLiteral("cpu=16,memory=32G");
        o.modelRoots = {sourceModels()};
        o.reconcileIntervalMs = 200;
        o.autoscaleIntervalMs = 0;  // nothing here scales on load
        return o;
    }

    // A public iris-v1 endpoint of small replicas.
    Endpoint createV1(const QString &name, int replicas)
    {
        CreateEndpointRequest r;
        r.name = name;
        r.modelVersion = QStringLiteral("v1");
        r.modelFolder = QStringLiteral("iris-v1");
        r.resourceSlots = {0.25, qint64(256) << 20, 0};
        r.replicas = replicas;
        r.isPublic = true;
        return require(service().createEndpoint(r), "create the v1 endpoint");
    }

    QList<Route> routes(const QString &name) { return require(service().endpointInfo(name), "endpoint info").routes; }
    int count(const QString &name, const QUuid &revision, RouteStatus status)
    {
        const QList<Route> list = routes(name);
        return int(std::count_if(list.begin(), list.end(), [&](const Route &r) { return r.revisionId == revision && r.status == status; }));
    }
    int active(const QString &name, const QUuid &revision)
    {
        const QList<Route> list = routes(name);
        return int(std::count_if(list.begin(), list.end(), [&](const Route &r) { return r.revisionId == revision && r.isActive(); }));
    }
    RolloutInfo latest(const QString &name) { return require(service().rolloutInfo(name, QStringLiteral("latest")), "rollout"); }
    QString phase(const QString &name) { return rolloutPhaseName(latest(name).rollout.phase); }
    // The rollout's story, for a failure message.
    QByteArray timeline(const QString &name)
    {
        const RolloutInfo info = latest(name);
        QStringList lines{rolloutPhaseName(info.rollout.phase) + QStringLiteral(" step %1 weight %2: %3")
                                                                  .arg(info.rollout.stepIndex)
                                                                  .arg(info.rollout.weight)
                                                                  .arg(info.rollout.reason)};
        for (const RolloutEvent &ev : info.events.mid(std::max<qsizetype>(0, info.events.size() - 6)))
            lines << ev.at.toString(QStringLiteral("mm:ss.zzz ")) + ev.message;
        for (const Route &r : routes(name))
            lines << QStringLiteral("route %1 %2 %3").arg(r.revisionId == info.rollout.toRevisionId ? QStringLiteral("new") : QStringLiteral("old"),
                                                          routeStatusName(r.status), r.replicaId);
        return lines.join(u'\n').toUtf8();
    }
    Endpoint endpoint(const QString &name) { return require(service().endpointInfo(name), "endpoint").endpoint; }

    RolloutInfo start(const QString &name, RolloutRequest request)
    {
        return require(service().startRollout(name, request), "start the rollout");
    }

    // Samples the routes of `name` at every change of them and every 100 ms.
    void sample(const QString &name, const QUuid &from)
    {
        m_sampling = std::make_unique<QObject>();
        const auto take = [this, name, from] {
            Sample s;
            for (const Route &r : routes(name)) {
                if (r.status != RouteStatus::Healthy)
                    continue;
                ++s.healthy;
                s.fromHealthy += r.revisionId == from ? 1 : 0;
            }
            m_samples << s;
        };
        connect(&service(), &ModelServingService::routesChanged, m_sampling.get(), take);
        auto *tick = new QTimer(m_sampling.get());
        connect(tick, &QTimer::timeout, m_sampling.get(), take);
        tick->start(100);
        take();
    }
    // The fewest HEALTHY routes of the stable revision (or of all) in any sample; -1 without samples.
    int fewest(bool stableOnly) const
    {
        int n = -1;
        for (const Sample &s : m_samples) {
            const int seen = stableOnly ? s.fromHealthy : s.healthy;
            n = n < 0 ? seen : std::min(n, seen);
        }
        return n;
    }

    void startLoad(const QString &url, int perSecond, int limit)
    {
        m_load = std::make_unique<LoadSender>(m_network, QUrl(url + QStringLiteral("/predict")));
        m_load->start(perSecond, limit);
    }
    // Stops sending and waits for every answer: a request never answered fails the test here.
    bool stopLoad()
    {
        m_load->stop();
        return QTest::qWaitFor([this] { return m_load->settled(); }, kWaitMs);
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_plane = std::make_unique<ControlPlane>();
        const auto started = m_plane->start(options());
        QVERIFY2(started.ok(), started ? "" : qPrintable(started.error().message));
        m_samples.clear();
    }

    void cleanup()
    {
        for (const qint64 pid : std::exchange(m_strays, {})) {
            if (processAlive(pid))
                ::kill(pid_t(pid), SIGKILL);
        }
        m_sampling.reset();
        m_load.reset();
        m_plane.reset();
        m_dir.reset();
    }

    // Rolling v1 -> v2 with 3 replicas under a steady 100 requests/s: every request answered
    // 200, never fewer than 3 HEALTHY routes, and it ends with 3 of v2 and none of v1.
    void rollingUnderLoadLosesNothing()
    {
        const Endpoint e = createV1(QStringLiteral("rolling"), 3);
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("rolling"), e.currentRevisionId, RouteStatus::Healthy), 3, kWaitMs);
        startLoad(e.url, 100, 4000);
        QTRY_VERIFY_WITH_TIMEOUT(m_load->answered() >= 50, kWaitMs);

        RolloutRequest request;
        request.modelVersion = QStringLiteral("v2");
        request.modelFolder = QStringLiteral("iris-v2");
        const RolloutInfo begun = start(QStringLiteral("rolling"), request);
        QCOMPARE(begun.rollout.strategy, RolloutStrategy::Rolling);
        const QUuid v1 = begun.rollout.fromRevisionId;
        const QUuid v2 = begun.rollout.toRevisionId;
        sample(QStringLiteral("rolling"), v1);
        const int before = m_load->sent();

        QTRY_VERIFY2_WITH_TIMEOUT(phase(QStringLiteral("rolling")) == QLatin1String("SUCCEEDED"), timeline(QStringLiteral("rolling")).constData(), kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(active(QStringLiteral("rolling"), v1), 0, kWaitMs);
        QCOMPARE(count(QStringLiteral("rolling"), v2, RouteStatus::Healthy), 3);
        QCOMPARE(active(QStringLiteral("rolling"), v2), 3);
        const int after = m_load->sent();
        // Traffic after the end is v2's alone.
        QTRY_VERIFY_WITH_TIMEOUT(m_load->sent() >= after + 50, kWaitMs);
        QVERIFY(stopLoad());
        m_sampling.reset();

        QVERIFY2(m_load->count(200) == m_load->sent(), qPrintable(m_load->failures()));
        QCOMPARE(m_load->countRevision(kV1, 0), m_load->count(200, kV1));
        QVERIFY(m_load->countRevision(kV1, before) > 0);  // v1 served during the rollout...
        QVERIFY(m_load->countRevision(kV2, before) > 0);  // ...and so did v2
        QCOMPARE(m_load->count(200, kV2, after + 2), m_load->sent() - after - 2);
        // Never below the desired 3 HEALTHY, in every sample (and there were many).
        QVERIFY2(m_samples.size() >= 10, qPrintable(QString::number(m_samples.size())));
        QVERIFY2(fewest(false) >= 3, qPrintable(QStringLiteral("%1 HEALTHY at one sample").arg(fewest(false))));

        const Endpoint now = endpoint(QStringLiteral("rolling"));
        QCOMPARE(now.currentRevisionId, v2);
        QCOMPARE(now.modelVersion, QStringLiteral("v2"));
        QCOMPARE(now.replicas, 3);
        const RolloutInfo done = latest(QStringLiteral("rolling"));
        QCOMPARE(done.rollout.weight, 100);
        QVERIFY(done.rollout.finishedAt.isValid());
        QCOMPARE(done.events.constLast().phase, RolloutPhase::Succeeded);
    }

    // Blue-green: the new set comes up dark and takes all traffic at once; a rollback in the
    // warm window puts v1 back by the next request; a later one's window ends with v1 at zero.
    void blueGreenSwitchesRollsBackAndScalesTheOldSetDown()
    {
        const QString name = QStringLiteral("bluegreen");
        const Endpoint e = createV1(name, 2);
        QTRY_COMPARE_WITH_TIMEOUT(count(name, e.currentRevisionId, RouteStatus::Healthy), 2, kWaitMs);
        startLoad(e.url, 50, 3000);

        RolloutRequest request;
        request.modelVersion = QStringLiteral("v2");
        request.modelFolder = QStringLiteral("iris-v2");
        request.strategy = RolloutStrategy::BlueGreen;
        request.rollbackWindowSeconds = 60;
        const RolloutInfo begun = start(name, request);
        const QUuid v1 = begun.rollout.fromRevisionId;
        const QUuid v2 = begun.rollout.toRevisionId;
        sample(name, v1);
        // Held before the switch, so the whole new set is seen HEALTHY and dark under load.
        QVERIFY(service().actOnRollout(name, QStringLiteral("latest"), RolloutAction::Pause).ok());
        QTRY_COMPARE_WITH_TIMEOUT(count(name, v2, RouteStatus::Healthy), 2, kWaitMs);
        const int answeredWhenReady = m_load->answered();
        QTRY_VERIFY_WITH_TIMEOUT(m_load->answered() >= answeredWhenReady + 50, kWaitMs);
        QCOMPARE(phase(name), QStringLiteral("PAUSED"));
        QCOMPARE(endpoint(name).currentRevisionId, v1);

        // Resumed, it switches by itself. The answers received by the switch were all
        // dispatched before it.
        int answeredAtSwitch = -1;
        connect(&service(), &ModelServingService::rolloutChanged, m_sampling.get(), [&] {
            if (answeredAtSwitch < 0 && phase(name) == QStringLiteral("SUCCEEDED"))
                answeredAtSwitch = m_load->answered();
        });
        QVERIFY(service().actOnRollout(name, QStringLiteral("latest"), RolloutAction::Resume).ok());
        QTRY_VERIFY2_WITH_TIMEOUT(phase(name) == QLatin1String("SUCCEEDED"), timeline(name).constData(), kWaitMs);
        QVERIFY(answeredAtSwitch >= answeredWhenReady + 50);
        const int sentAtSwitch = m_load->sent();
        QTRY_VERIFY_WITH_TIMEOUT(m_load->sent() >= sentAtSwitch + 50, kWaitMs);
        QVERIFY(stopLoad());

        // Dark: every answer before the switch came from v1, v2's HEALTHY set included.
        for (const LoadSender::Answer &a : m_load->answers()) {
            if (a.order < answeredAtSwitch)
                QVERIFY2(a.revision == kV1, qPrintable(QStringLiteral("answer %1 of %2 before the switch came from '%3'")
                                                           .arg(a.order)
                                                           .arg(answeredAtSwitch)
                                                           .arg(QString::fromLatin1(a.revision))));
        }
        // After it (a request or two in flight aside), all v2; and nothing failed.
        QCOMPARE(m_load->count(200, kV2, sentAtSwitch + 2), m_load->sent() - sentAtSwitch - 2);
        QVERIFY2(m_load->count(200) == m_load->sent(), qPrintable(m_load->failures()));
        QCOMPARE(endpoint(name).currentRevisionId, v2);
        // The old set is warm: still 2 HEALTHY, dark.
        QCOMPARE(count(name, v1, RouteStatus::Healthy), 2);
        QCOMPARE(fewest(true), 2);
        QVERIFY(latest(name).rollout.warmUntil.isValid());

        // One call rolls back; the next request is v1's. Like every change the service signals,
        // it reaches the data plane on the event loop's next turn (the routing snapshot is
        // published then): that one turn is given to it before the request, nothing more.
        const auto rolledBack = service().actOnRollout(name, QStringLiteral("latest"), RolloutAction::Rollback);
        QVERIFY2(rolledBack.ok(), rolledBack ? "" : qPrintable(rolledBack.error().message));
        QCOMPARE(rolledBack->rollout.phase, RolloutPhase::RolledBack);
        QCoreApplication::processEvents();
        LoadSender next(m_network, QUrl(e.url + QStringLiteral("/predict")));
        next.start(1000, 1);
        QTRY_VERIFY_WITH_TIMEOUT(next.sent() == 1 && next.settled(), kWaitMs);
        QCOMPARE(next.answers().first().status, 200);
        QCOMPARE(next.answers().first().revision, kV1);
        QCOMPARE(endpoint(name).currentRevisionId, v1);
        QCOMPARE(endpoint(name).modelVersion, QStringLiteral("v1"));
        QTRY_COMPARE_WITH_TIMEOUT(active(name, v2), 0, kWaitMs);
        QCOMPARE(count(name, v1, RouteStatus::Healthy), 2);

        // Again, with a 3 s window: after it, v1 is scaled to zero and says so.
        request.rollbackWindowSeconds = 3;
        const RolloutInfo again = start(name, request);
        QCOMPARE(again.rollout.toRevisionId, v2);  // the same revision, retried
        QTRY_VERIFY2_WITH_TIMEOUT(phase(name) == QLatin1String("SUCCEEDED"), timeline(name).constData(), kWaitMs);
        const QDateTime switched = latest(name).rollout.finishedAt;
        QCOMPARE(count(name, v1, RouteStatus::Healthy), 2);  // warm at first
        QTRY_COMPARE_WITH_TIMEOUT(active(name, v1), 0, kWaitMs);
        QVERIFY2(switched.msecsTo(QDateTime::currentDateTimeUtc()) >= 3000,
                 qPrintable(switched.toString(Qt::ISODateWithMs)));
        const RolloutInfo ended = latest(name);
        QVERIFY(!ended.rollout.warmUntil.isValid());
        QVERIFY(ended.events.constLast().message.contains(QStringLiteral("rollback window over")));
        QCOMPARE(count(name, v2, RouteStatus::Healthy), 2);
    }

    // Progressive with a healthy v2: each step's analysis passes on real traffic, split as the
    // step says, and the rollout is promoted after the last step.
    void progressiveHealthyIsPromoted()
    {
        const QString name = QStringLiteral("progressive");
        const Endpoint e = createV1(name, 2);
        QTRY_COMPARE_WITH_TIMEOUT(count(name, e.currentRevisionId, RouteStatus::Healthy), 2, kWaitMs);
        startLoad(e.url, 100, 4000);

        RolloutRequest request;
        request.modelVersion = QStringLiteral("v2");
        request.modelFolder = QStringLiteral("iris-v2");
        request.strategy = RolloutStrategy::Progressive;
        request.steps = {20, 50, 100};
        request.intervalSeconds = 1;
        AnalysisThresholds analysis;
        analysis.minRequests = 10;
        // A busy test machine's scheduling stalls are not a regression of the model.
        analysis.minLatencyIncreaseMs = 250;
        request.analysis = analysis;
        const RolloutInfo begun = start(name, request);
        QCOMPARE(begun.rollout.weight, 20);
        const QUuid v1 = begun.rollout.fromRevisionId;
        const QUuid v2 = begun.rollout.toRevisionId;

        QTRY_VERIFY2_WITH_TIMEOUT(phase(name) == QLatin1String("SUCCEEDED"), timeline(name).constData(), kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(active(name, v1), 0, kWaitMs);
        QVERIFY(stopLoad());
        QVERIFY2(m_load->count(200) == m_load->sent(), qPrintable(m_load->failures()));
        QCOMPARE(endpoint(name).currentRevisionId, v2);
        QCOMPARE(count(name, v2, RouteStatus::Healthy), 2);

        // Each step's last verdict passed, on requests of both sides in the step's proportion.
        const RolloutInfo done = latest(name);
        QCOMPARE(done.rollout.phase, RolloutPhase::Succeeded);
        QList<AnalysisDecision> verdicts;
        for (const AnalysisDecision &d : done.decisions) {
            QVERIFY2(d.verdict != AnalysisVerdict::Fail, qPrintable(d.note));
            if (d.check == QLatin1String("step") && d.verdict == AnalysisVerdict::Pass)
                verdicts << d;
        }
        QList<int> passedSteps;
        for (const AnalysisDecision &d : std::as_const(verdicts))
            passedSteps << d.step;
        // The step at 100 % has no stable traffic to compare with: it holds for its interval and
        // is promoted, with no verdict of its own.
        QCOMPARE(passedSteps, (QList<int>{1, 2}));
        const QList<int> weights{20, 50, 100};
        for (const AnalysisDecision &d : std::as_const(verdicts)) {
            QVERIFY2(d.canaryRequests >= analysis.minRequests, qPrintable(d.note));
            QVERIFY2(d.stableRequests >= analysis.minRequests, qPrintable(d.note));
            // The first step's window also holds the time before the canary was HEALTHY (all
            // stable): its share is at most the step's. Later windows are the step's alone.
            const double share = 100.0 * double(d.canaryRequests) / double(d.canaryRequests + d.stableRequests);
            const int weight = weights[d.step - 1];
            QVERIFY2(d.step == 1 ? share <= weight + 10 : qAbs(share - weight) <= 10,
                     qPrintable(QStringLiteral("step %1: %2 % on the canary: %3").arg(d.step).arg(share).arg(d.note)));
            // Every check of the step is there with its numbers.
            const auto checks = std::count_if(done.decisions.cbegin(), done.decisions.cend(), [&](const AnalysisDecision &c) {
                return c.step == d.step && c.at == d.at && c.check != QLatin1String("step") && c.verdict == AnalysisVerdict::Pass;
            });
            QCOMPARE(checks, 3);
        }
        // The timeline: started, each step, promoted, succeeded.
        QCOMPARE(done.events.constFirst().weight, 20);
        QVERIFY(std::any_of(done.events.cbegin(), done.events.cend(), [](const RolloutEvent &ev) { return ev.weight == 50; }));
        QCOMPARE(done.events.constLast().phase, RolloutPhase::Succeeded);
        QCOMPARE(done.events.constLast().step, 2);
        QVERIFY2(done.events.constLast().message.startsWith(QStringLiteral("step 3 at 100 % over")),
                 qPrintable(done.events.constLast().message));
    }

    // Progressive with a v2 that fails 40 % of its requests: rolled back at the failure
    // threshold, every failure came from v2 within its share, and all traffic is v1's again.
    void progressiveRegressionRollsBack()
    {
        const QString name = QStringLiteral("regressing");
        const Endpoint e = createV1(name, 2);
        QTRY_COMPARE_WITH_TIMEOUT(count(name, e.currentRevisionId, RouteStatus::Healthy), 2, kWaitMs);
        startLoad(e.url, 100, 4000);

        RolloutRequest request;
        request.modelVersion = QStringLiteral("v2");
        request.modelFolder = faultyV2(m_dir->filePath(QStringLiteral("iris-v2-failing")),
                                       {QStringLiteral("--fail-percent"), QStringLiteral("40")});
        request.strategy = RolloutStrategy::Progressive;
        request.steps = {20, 50, 100};
        request.intervalSeconds = 1;
        AnalysisThresholds analysis;
        analysis.minRequests = 10;
        analysis.minLatencyIncreaseMs = 250;
        analysis.failureThreshold = 2;
        request.analysis = analysis;
        const RolloutInfo begun = start(name, request);
        const QUuid v1 = begun.rollout.fromRevisionId;
        const QUuid v2 = begun.rollout.toRevisionId;
        int sentAtRollback = -1;
        m_sampling = std::make_unique<QObject>();
        connect(&service(), &ModelServingService::rolloutChanged, m_sampling.get(), [&] {
            if (sentAtRollback < 0 && phase(name) == QStringLiteral("ROLLED_BACK"))
                sentAtRollback = m_load->sent();
        });

        QTRY_VERIFY2_WITH_TIMEOUT(phase(name) == QLatin1String("ROLLED_BACK"), timeline(name).constData(), kWaitMs);
        QVERIFY(sentAtRollback > 0);
        QTRY_VERIFY_WITH_TIMEOUT(m_load->sent() >= sentAtRollback + 50, kWaitMs);
        QVERIFY(stopLoad());

        // Failures: some, all from v2, none from v1; v2 never had more than its 20 % share.
        const int failed = m_load->sent() - m_load->count(200);
        QVERIFY(failed > 0);
        QCOMPARE(m_load->count(500, kV2), failed);
        QCOMPARE(m_load->count(200, kV1), m_load->countRevision(kV1));
        const int toV2 = m_load->countRevision(kV2);
        QVERIFY2(toV2 * 100 <= 25 * sentAtRollback, qPrintable(QStringLiteral("%1 of %2 to v2").arg(toV2).arg(sentAtRollback)));
        // After the rollback (a request or two in flight aside), v1 answers everything.
        QCOMPARE(m_load->count(200, kV1, sentAtRollback + 2), m_load->sent() - sentAtRollback - 2);

        const RolloutInfo done = latest(name);
        QCOMPARE(done.rollout.failedChecks, 2);
        QCOMPARE(done.rollout.stepIndex, 0);
        QCOMPARE(done.rollout.weight, 0);
        QVERIFY2(done.rollout.reason.contains(QStringLiteral("analysis failed 2 time(s)")), qPrintable(done.rollout.reason));
        for (const RolloutEvent &ev : done.events)
            QVERIFY(ev.weight <= 20);
        QList<AnalysisDecision> failedRates;
        for (const AnalysisDecision &d : done.decisions) {
            if (d.check == QLatin1String("success_rate") && d.verdict == AnalysisVerdict::Fail)
                failedRates << d;
        }
        QCOMPARE(failedRates.size(), 2);
        for (const AnalysisDecision &d : std::as_const(failedRates)) {
            QVERIFY2(d.canaryRequests >= analysis.minRequests && d.stableRequests >= analysis.minRequests, qPrintable(d.note));
            QVERIFY(d.canaryValue && d.stableValue && d.effect);
            QCOMPARE(*d.stableValue, 0.0);
            QVERIFY2(*d.canaryValue >= 0.2, qPrintable(d.note));
            QCOMPARE(*d.effect, *d.canaryValue - *d.stableValue);
        }
        QCOMPARE(endpoint(name).currentRevisionId, v1);
        QTRY_COMPARE_WITH_TIMEOUT(active(name, v2), 0, kWaitMs);
        QCOMPARE(count(name, v1, RouteStatus::Healthy), 2);
    }

    // No traffic at all: every step is inconclusive and holds; nothing is promoted.
    void lowTrafficHolds()
    {
        const QString name = QStringLiteral("quiet");
        const Endpoint e = createV1(name, 1);
        QTRY_COMPARE_WITH_TIMEOUT(count(name, e.currentRevisionId, RouteStatus::Healthy), 1, kWaitMs);
        RolloutRequest request;
        request.modelVersion = QStringLiteral("v2");
        request.modelFolder = QStringLiteral("iris-v2");
        request.strategy = RolloutStrategy::Progressive;
        request.steps = {20, 50, 100};
        request.intervalSeconds = 1;
        AnalysisThresholds analysis;
        analysis.minRequests = 5;
        request.analysis = analysis;
        const RolloutInfo begun = start(name, request);
        QTRY_COMPARE_WITH_TIMEOUT(count(name, begun.rollout.toRevisionId, RouteStatus::Healthy), 1, kWaitMs);
        const auto stepVerdicts = [&] {
            const RolloutInfo now = latest(name);
            return std::count_if(now.decisions.cbegin(), now.decisions.cend(),
                                 [](const AnalysisDecision &d) { return d.check == QLatin1String("step"); });
        };
        // Four intervals decided, with the canary HEALTHY and taking its share of nothing.
        const qsizetype first = stepVerdicts();
        // (Or until it moves on, which it must not: the checks below say how.)
        QTRY_VERIFY_WITH_TIMEOUT(stepVerdicts() >= first + 4 || latest(name).rollout.stepIndex != 0
                                     || latest(name).rollout.phase != RolloutPhase::Progressing,
                                 kWaitMs);
        const RolloutInfo held = latest(name);
        QCOMPARE(held.rollout.phase, RolloutPhase::Progressing);
        QCOMPARE(held.rollout.stepIndex, 0);
        QCOMPARE(held.rollout.weight, 20);
        QCOMPARE(held.rollout.failedChecks, 0);
        for (const AnalysisDecision &d : held.decisions) {
            QCOMPARE(d.verdict, AnalysisVerdict::Inconclusive);
            QCOMPARE(d.step, 1);
            QCOMPARE(d.canaryRequests, qint64(0));
        }
        QVERIFY(held.events.size() >= 5);
        QVERIFY(held.events.constLast().message.contains(QStringLiteral("inconclusive")));
        QCOMPARE(endpoint(name).currentRevisionId, begun.rollout.fromRevisionId);
    }

    // A v2 whose replicas exit at start: rolled back by itself, the reason naming the exit,
    // while v1 keeps its 3 HEALTHY replicas throughout.
    void failingStartRollsBack()
    {
        const QString name = QStringLiteral("broken");
        const Endpoint e = createV1(name, 3);
        QTRY_COMPARE_WITH_TIMEOUT(count(name, e.currentRevisionId, RouteStatus::Healthy), 3, kWaitMs);
        startLoad(e.url, 20, 2000);
        RolloutRequest request;
        request.modelVersion = QStringLiteral("v2");
        request.modelFolder = faultyV2(m_dir->filePath(QStringLiteral("iris-v2-exits")),
                                       {QStringLiteral("--exit-code-at-start"), QStringLiteral("3")});
        const RolloutInfo begun = start(name, request);
        const QUuid v1 = begun.rollout.fromRevisionId;
        const QUuid v2 = begun.rollout.toRevisionId;
        sample(name, v1);

        QTRY_VERIFY2_WITH_TIMEOUT(phase(name) == QLatin1String("ROLLED_BACK"), timeline(name).constData(), kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(active(name, v2), 0, kWaitMs);
        QVERIFY(stopLoad());
        m_sampling.reset();
        const RolloutInfo done = latest(name);
        // The reason names the error type, the exit code and the replica's own last words.
        for (const QString &part : {QStringLiteral("StartFailed"), QStringLiteral("(exit code 3)"),
                                    QStringLiteral("exit-code-at-start")})
            QVERIFY2(done.rollout.reason.contains(part), qPrintable(done.rollout.reason));
        QVERIFY2(done.rollout.reason.contains(QStringLiteral("past the limit")), qPrintable(done.rollout.reason));
        QCOMPARE(done.events.constLast().phase, RolloutPhase::RolledBack);
        QVERIFY(m_samples.size() >= 10);
        QCOMPARE(fewest(true), 3);
        QVERIFY2(m_load->count(200, kV1) == m_load->sent(), qPrintable(m_load->failures()));
        QCOMPARE(endpoint(name).currentRevisionId, v1);
        QCOMPARE(count(name, v1, RouteStatus::Healthy), 3);
    }

    // The console goes away mid-rollout, cleanly and then by kill -9 of a `servedeck serve` on
    // the same data dir, and comes back: the rollout is at the same step, and exactly the
    // replicas its plan asks for run, none of the old ones.
    void restartResumesAtTheSameStep()
    {
        const QString name = QStringLiteral("restarted");
        const Endpoint e = createV1(name, 2);
        QTRY_COMPARE_WITH_TIMEOUT(count(name, e.currentRevisionId, RouteStatus::Healthy), 2, kWaitMs);
        startLoad(e.url, 100, 3000);
        RolloutRequest request;
        request.modelVersion = QStringLiteral("v2");
        request.modelFolder = QStringLiteral("iris-v2");
        request.strategy = RolloutStrategy::Progressive;
        request.steps = {20, 50};
        request.intervalSeconds = 1;
        AnalysisThresholds analysis;
        analysis.minRequests = 10;
        analysis.minLatencyIncreaseMs = 250;
        request.analysis = analysis;
        const RolloutInfo begun = start(name, request);
        const QUuid v1 = begun.rollout.fromRevisionId;
        const QUuid v2 = begun.rollout.toRevisionId;
        QTRY_COMPARE_WITH_TIMEOUT(latest(name).rollout.stepIndex, 1, kWaitMs);
        QVERIFY(stopLoad());
        QVERIFY2(m_load->count(200) == m_load->sent(), qPrintable(m_load->failures()));
        m_load.reset();
        const Rollout before = latest(name).rollout;
        QCOMPARE(before.phase, RolloutPhase::Progressing);
        QCOMPARE(before.weight, 50);
        QList<qint64> oldPids;
        for (const Route &r : routes(name))
            oldPids << pidOf(r);
        QCOMPARE(oldPids.size(), 3);  // 2 of v1, 1 of v2

        m_plane.reset();
        for (qint64 pid : std::as_const(oldPids))
            QTRY_VERIFY_WITH_TIMEOUT(!processAlive(pid), kWaitMs);

        // The same data dir under a `servedeck serve` process: it resumes the rollout and starts
        // the replicas its plan asks for, 2 of v1 and 1 of v2, serving. Then kill -9 of it, as a
        // crash or the OOM killer would end it: its replicas go with it, none left orphaned.
        {
            QProcess serve;
            serve.setProgram(QDir(qEnvironmentVariable("SERVEDECK_BIN_DIR")).filePath(QStringLiteral("servedeck")));
            serve.setArguments({QStringLiteral("serve"), QStringLiteral("--data-dir"), options().dataDir, QStringLiteral("--api"),
                                QStringLiteral("127.0.0.1:0"), QStringLiteral("--proxy"), QStringLiteral("127.0.0.1:0"),
                                QStringLiteral("--capacity"), QStringLiteral("cpu=16,memory=32G")});
            serve.setProcessChannelMode(QProcess::MergedChannels);
            serve.setStandardOutputFile(m_dir->filePath(QStringLiteral("serve.log")));
            serve.start();
            QVERIFY2(serve.waitForStarted(kWaitMs), qPrintable(serve.errorString()));
            const auto serving = [&] {
                const QHash<qint64, quint16> servers = modelServersOf(serve.processId());
                int up = 0;
                for (const quint16 port : servers)
                    up += predict(m_network, port, 2000).contains(QStringLiteral("prediction")) ? 1 : 0;
                return up;
            };
            QTRY_COMPARE_WITH_TIMEOUT(serving(), 3, kWaitMs);
            const QHash<qint64, quint16> servers = modelServersOf(serve.processId());
            QCOMPARE(servers.size(), 3);
            oldPids += servers.keys();
            m_strays = servers.keys();
            QCOMPARE(::kill(pid_t(serve.processId()), SIGKILL), 0);
            QVERIFY(serve.waitForFinished(kWaitMs));
            QCOMPARE(serve.exitStatus(), QProcess::CrashExit);
            for (const qint64 pid : servers.keys())
                QTRY_VERIFY_WITH_TIMEOUT(!processAlive(pid), kWaitMs);
        }

        m_plane = std::make_unique<ControlPlane>();
        const auto restarted = m_plane->start(options());
        QVERIFY2(restarted.ok(), restarted ? "" : qPrintable(restarted.error().message));
        const auto fresh = [&](const QUuid &revision) {
            const QList<Route> list = routes(name);
            return std::count_if(list.begin(), list.end(), [&](const Route &r) {
                return r.revisionId == revision && r.status == RouteStatus::Healthy && processAlive(pidOf(r))
                    && !oldPids.contains(pidOf(r));
            });
        };
        QTRY_COMPARE_WITH_TIMEOUT(fresh(v1), qsizetype(2), kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(fresh(v2), qsizetype(1), kWaitMs);
        // A step's interval has passed with no traffic: inconclusive, so it still holds.
        const RolloutInfo resumed = latest(name);
        QCOMPARE(resumed.rollout.id, before.id);
        QCOMPARE(resumed.rollout.phase, RolloutPhase::Progressing);
        QCOMPARE(resumed.rollout.stepIndex, 1);
        QCOMPARE(resumed.rollout.weight, 50);
        QCOMPARE(active(name, v1), 2);
        QCOMPARE(active(name, v2), 1);
        QCOMPARE(m_plane->agent()->replicaCount(), 3);
        for (qint64 pid : std::as_const(oldPids))
            QVERIFY(!processAlive(pid));

        // It goes on from there: the last step passes and v2 is promoted. The new proxy
        // listens on a new port.
        startLoad(endpoint(name).url, 100, 3000);
        QTRY_VERIFY2_WITH_TIMEOUT(phase(name) == QLatin1String("SUCCEEDED"), timeline(name).constData(), kWaitMs);
        QVERIFY(stopLoad());
        QVERIFY2(m_load->count(200) == m_load->sent(), qPrintable(m_load->failures()));
        const RolloutInfo done = latest(name);
        QVERIFY(std::any_of(done.decisions.cbegin(), done.decisions.cend(), [](const AnalysisDecision &d) {
            return d.step == 2 && d.check == QLatin1String("step") && d.verdict == AnalysisVerdict::Pass;
        }));
        QCOMPARE(endpoint(name).currentRevisionId, v2);
    }
};

QTEST_GUILESS_MAIN(TestRollouts)
#include "test_rollouts.moc"
