#include "demotour.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>

#include <unistd.h>

#include <QFile>
#include <QTimer>
#include <QUrl>

#include "trafficrunner.h"
#include "traffic/simulationsettings.h"
#include "plane/controlclient.h"
#include "service/modelservingservice.h"
#include "agent/parentprocess.h"

namespace ServeDeck {

namespace {

constexpr int kStableReplicas = 2;
constexpr int kScaledReplicas = 3;
constexpr int kCanaryFirstWeight = 10;
constexpr int kCanaryMovedWeight = 50;
constexpr qint64 kTickMs = 500;              // the simulator reads its pattern and reports this often
constexpr qint64 kTrafficCapMs = 30 * 60 * 1000;  // the traffic stops by itself after half an hour
constexpr int kMaxInFlight = 64;
constexpr int kRequestTimeoutMs = 5000;
constexpr int kPollMs = 250;  // how often a wait looks again: a step's change shows within a quarter second
constexpr int kAnswersPerRevision = 5;  // each revision answers this many before the canary step passes

using Probe = DemoTour::Probe;

// One replica per a third of the pattern's lowest rate: the traffic asks for more than the maximum
// all the time, so the scale-up comes within a sampling window whatever the pattern's phase.
double perReplica(const DemoTourOptions &options)
{
    return std::max(1.0, options.minRate / 3.0);
}

Probe passed(const QString &detail)
{
    return {Probe::Pass, detail};
}
Probe failed(const QString &detail)
{
    return {Probe::Fail, detail};
}
Probe waiting(const QString &detail)
{
    return {Probe::Wait, detail};
}
QString errorText(const ServiceError &error)
{
    return error.typeName() + QStringLiteral(": ") + error.message;
}

int countRoutes(const EndpointInfo &info, const QUuid &revision, RouteStatus status)
{
    return int(std::count_if(info.routes.cbegin(), info.routes.cend(), [&](const Route &r) {
        return r.status == status && (revision.isNull() || r.revisionId == revision);
    }));
}

// The local agent names its replicas "local:pid:port".
qint64 localPid(const Route &route)
{
    const QStringList parts = route.replicaId.split(u':');
    if (route.agentId != u"local" || parts.size() != 3)
        return 0;
    return parts[1].toLongLong();
}

} // namespace

DemoTour::DemoTour(ControlClient &client, DemoTourOptions options, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_options(std::move(options))
    , m_traffic(std::make_unique<TrafficRunner>())
{
    const QString name = m_options.endpointName;
    m_steps = {
        {tr("Deploy iris v1"),
         tr("An endpoint named %1 serves the bundled iris classifier v1 with %2 replicas; the reconciler starts "
            "them on the local agent and the proxy routes to those that pass their health check.")
             .arg(name)
             .arg(kStableReplicas),
         DemoStep::State::Pending, {}},
        {tr("Send traffic"),
         tr("The traffic simulator sends a seasonal pattern, between %1 and %2 requests per second over %3 s, of "
            "generated iris measurements to the endpoint's URL through the proxy; every answer names the revision "
            "that served it.")
             .arg(m_options.minRate)
             .arg(m_options.maxRate)
             .arg(m_options.periodMs / 1000),
         DemoStep::State::Pending, {}},
        {tr("Autoscale"),
         tr("A rule on requests per second asks for one replica per %1 requests per second (at most %2): the "
            "autoscaler sees the demo's traffic and adds a replica.")
             .arg(perReplica(m_options), 0, 'f', 1)
             .arg(kScaledReplicas),
         DemoStep::State::Pending, {}},
        {tr("Canary of v2"),
         tr("A manual canary starts iris v2 beside v1 with %1 % of the requests, then the weight moves to %2 % "
            "(as the slider does): both revisions answer.")
             .arg(kCanaryFirstWeight)
             .arg(kCanaryMovedWeight),
         DemoStep::State::Pending, {}},
        {tr("Kill a replica"),
         tr("One replica's process is killed: the agent records the crash in the error list and the reconciler "
            "starts a replacement."),
         DemoStep::State::Pending, {}},
        {tr("Clean up"),
         tr("The demo stops its traffic and deletes %1 with its replicas, rule and rollout.").arg(name),
         DemoStep::State::Pending, {}},
    };
}

DemoTour::~DemoTour()
{
    m_traffic.reset();
    if (!m_cleanUpQueued) {
        // Nobody waits for the answer: the delete still runs on the plane's thread.
        m_cleanUpQueued = true;
        auto created = m_created;
        m_client.call(
            this,
            [created](ModelServingService &service) {
                // What failed here has nobody left to tell; the endpoint stays for the operator to delete.
                return created->isNull() || service.deleteEndpoint(created->toString(QUuid::WithoutBraces)).ok();
            },
            [](bool) {});
    }
}

bool DemoTour::succeeded() const
{
    return m_finished && std::all_of(m_steps.cbegin(), m_steps.cend(), [](const DemoStep &s) { return s.state == DemoStep::State::Ok; });
}

QString DemoTour::failedStep() const
{
    for (const DemoStep &s : m_steps) {
        if (s.state == DemoStep::State::Failed)
            return s.title;
    }
    return {};
}

void DemoTour::start()
{
    if (m_current >= 0)
        return;
    runStep(Deploy);
}

void DemoTour::next()
{
    if (!m_waitingForNext || m_finished)
        return;
    m_waitingForNext = false;
    runStep(m_current + 1);
}

void DemoTour::cancel()
{
    if (m_finished || m_cancelled || m_current == CleanUp)
        return;
    m_cancelled = true;
    ++m_generation;
    m_waitingForNext = false;
    if (m_current >= 0 && m_steps[m_current].state == DemoStep::State::Running) {
        m_steps[m_current].state = DemoStep::State::Failed;
        m_steps[m_current].detail = tr("cancelled");
        Q_EMIT stepChanged(m_current);
    }
    runStep(CleanUp);
}

void DemoTour::runStep(int index)
{
    ++m_generation;
    // The steps between this one and where the tour was are skipped (after a failure or a cancel).
    for (int i = std::max(0, m_current + 1); i < index; ++i) {
        if (m_steps[i].state == DemoStep::State::Pending) {
            m_steps[i].state = DemoStep::State::Skipped;
            Q_EMIT stepChanged(i);
        }
    }
    m_current = index;
    m_steps[index].state = DemoStep::State::Running;
    m_steps[index].detail.clear();
    m_stepClock.start();
    Q_EMIT stepChanged(index);
    switch (index) {
    case Deploy:
        beginDeploy();
        break;
    case Traffic:
        beginTraffic();
        break;
    case Autoscale:
        beginAutoscale();
        break;
    case Canary:
        beginCanary();
        break;
    case KillReplica:
        beginKill();
        break;
    case CleanUp:
        beginCleanUp();
        break;
    default:
        break;
    }
}

void DemoTour::beginDeploy()
{
    const QString name = m_options.endpointName;
    const QString folder = m_options.stableFolder;
    auto created = m_created;
    // The look and the create in one piece of work on the plane's thread: nothing can take the
    // name between them, and an endpoint that exists is never touched.
    m_client.call(
        this,
        [name, folder, created](ModelServingService &service) -> Result<Endpoint> {
            if (auto existing = service.endpointInfo(name); existing)
                return makeError(ErrorType::ModelAlreadyExists,
                                 tr("endpoint '%1' exists already; the demo does not touch it (delete it first)").arg(name),
                                 {{QStringLiteral("name"), name}});
            CreateEndpointRequest request;
            request.name = name;
            request.modelVersion = QStringLiteral("v1");
            request.modelFolder = folder;
            request.resourceSlots = {0.25, qint64(256) << 20, 0};
            request.replicas = kStableReplicas;
            request.isPublic = true;
            auto made = service.createEndpoint(request);
            if (made)
                *created = made->id;
            return made;
        },
        [this, generation = m_generation](Result<Endpoint> made) {
            if (generation != m_generation)
                return;
            if (!made) {
                fail(errorText(made.error()));
                return;
            }
            m_url = made->url;
            const QUuid id = made->id;
            auto hints = m_hints;
            waitFor(
                [id, hints](ModelServingService &service) {
                    const auto info = service.endpointInfo(id.toString(QUuid::WithoutBraces));
                    if (!info)
                        return failed(errorText(info.error()));
                    *hints = info->request;
                    const int healthy = countRoutes(*info, info->endpoint.currentRevisionId, RouteStatus::Healthy);
                    const QString seen = tr("%1 of %2 replicas healthy").arg(healthy).arg(kStableReplicas);
                    return healthy >= kStableReplicas ? passed(seen) : waiting(seen);
                },
                [this](const QString &detail) { pass(tr("%1 after %2 s at %3").arg(detail).arg(elapsedSeconds()).arg(m_url)); });
        });
}

void DemoTour::beginTraffic()
{
    const std::optional<RequestHints> hints = *m_hints;
    if (!hints || hints->path.isEmpty()) {
        fail(tr("the model definition of %1 has no request block: the simulator does not know how to call it")
                 .arg(m_options.stableFolder));
        return;
    }
    auto pattern = TrafficPattern::make(TrafficPattern::Kind::Seasonal, m_options.minRate, m_options.maxRate,
                                        m_options.periodMs, 1);
    if (!pattern) {
        fail(errorText(pattern.error()));
        return;
    }
    SimulationSettings settings;
    settings.endpoint = m_options.endpointName;
    settings.url = QUrl(m_url + hints->path);
    settings.endpointUrl = QUrl(m_url);
    settings.pattern = *pattern;
    settings.intervalMs = kTickMs;
    settings.request = *hints;
    // Stopped by the clean-up; the duration is a bound in case nothing is left to stop it.
    settings.durationMs = kTrafficCapMs;
    settings.maxInFlight = kMaxInFlight;
    settings.timeoutMs = kRequestTimeoutMs;
    if (auto started = m_traffic->start(settings); !started) {
        fail(errorText(started.error()));
        return;
    }
    const quint64 wanted = quint64(m_options.minRate);  // a second's worth of answers at least
    // A local wait: the counts are the traffic's, not the service's.
    waitLocally(
        [this, wanted] {
            const TrafficRunner::Counts c = m_traffic->counts();
            const QString seen = tr("%1 requests/s now; %2 sent, %3 answered 2xx (v1: %4), %5 failed")
                                     .arg(c.rate, 0, 'f', 1)
                                     .arg(c.sent)
                                     .arg(c.ok)
                                     .arg(c.byRevision.value(QByteArrayLiteral("v1")))
                                     .arg(c.failed);
            if (c.failed > 0)
                return failed(seen);
            return c.ok >= wanted ? passed(seen) : waiting(seen);
        },
        [this](const QString &detail) { pass(detail); });
}

void DemoTour::beginAutoscale()
{
    const QString name = m_options.endpointName;
    const double target = perReplica(m_options);
    m_client.call(
        this,
        [name, target](ModelServingService &service) {
            AutoScalingRule rule;
            rule.source = MetricSource::Proxy;
            rule.metric = QStringLiteral("requests_per_second");
            rule.comparator = Comparator::GreaterThan;
            rule.threshold = target;
            rule.targetPerReplica = target;
            rule.minReplicas = kStableReplicas;
            rule.maxReplicas = kScaledReplicas;
            rule.scaleUpDelay = 0;
            // Up at once, down never while the demo runs: the next steps count on the replicas.
            rule.scaleDownDelay = 3600;
            rule.cooldown = 1;
            return service.createAutoScalingRule(name, rule);
        },
        [this, name, generation = m_generation](Result<AutoScalingRule> rule) {
            if (generation != m_generation)
                return;
            if (!rule) {
                fail(errorText(rule.error()));
                return;
            }
            waitFor(
                [name](ModelServingService &service) {
                    const auto info = service.endpointInfo(name);
                    if (!info)
                        return failed(errorText(info.error()));
                    const int healthy = countRoutes(*info, info->endpoint.currentRevisionId, RouteStatus::Healthy);
                    const QString seen = tr("%1 replicas wanted, %2 healthy").arg(info->endpoint.replicas).arg(healthy);
                    if (info->endpoint.replicas < kScaledReplicas || healthy < kScaledReplicas)
                        return waiting(seen);
                    const auto events = service.scaleEvents(name, 5);
                    if (!events || events->isEmpty())
                        return waiting(seen);
                    const ScaleEvent &e = events->constFirst();
                    return passed(tr("scaled %1 → %2: %3").arg(e.before).arg(e.after).arg(e.reason));
                },
                [this](const QString &detail) { pass(tr("%1 (after %2 s)").arg(detail).arg(elapsedSeconds())); });
        });
}

void DemoTour::beginCanary()
{
    const QString name = m_options.endpointName;
    const QString folder = m_options.canaryFolder;
    m_client.call(
        this,
        [name, folder](ModelServingService &service) {
            RolloutRequest request;
            request.modelVersion = QStringLiteral("v2");
            request.modelFolder = folder;
            request.strategy = RolloutStrategy::Canary;
            request.weight = kCanaryFirstWeight;
            return service.startRollout(name, request);
        },
        [this, name, generation = m_generation](Result<RolloutInfo> begun) {
            if (generation != m_generation)
                return;
            if (!begun) {
                fail(errorText(begun.error()));
                return;
            }
            m_rolloutId = begun->rollout.id.toString(QUuid::WithoutBraces);
            const QUuid canary = begun->rollout.toRevisionId;
            const QString rollout = m_rolloutId;
            // Once the canary serves: the weight moves, as the slider moves it.
            waitFor(
                [name, canary, rollout](ModelServingService &service) {
                    const auto info = service.endpointInfo(name);
                    if (!info)
                        return failed(errorText(info.error()));
                    if (countRoutes(*info, canary, RouteStatus::Healthy) < 1)
                        return waiting(tr("the canary's replica is not healthy yet"));
                    const auto moved = service.setRolloutWeight(name, rollout, kCanaryMovedWeight);
                    if (!moved)
                        return failed(errorText(moved.error()));
                    return passed({});
                },
                [this, generation = m_generation](const QString &) {
                    if (generation != m_generation)
                        return;
                    m_traffic->resetCounts();
                    waitLocally(
                        [this] {
                            const TrafficRunner::Counts c = m_traffic->counts();
                            const quint64 v1 = c.byRevision.value(QByteArrayLiteral("v1"));
                            const quint64 v2 = c.byRevision.value(QByteArrayLiteral("v2"));
                            const QString seen = tr("since the weight moved to %1 %: v1 answered %2, v2 answered %3, %4 failed")
                                                     .arg(kCanaryMovedWeight)
                                                     .arg(v1)
                                                     .arg(v2)
                                                     .arg(c.failed);
                            return v1 >= kAnswersPerRevision && v2 >= kAnswersPerRevision ? passed(seen) : waiting(seen);
                        },
                        [this](const QString &detail) { pass(detail); });
                });
        });
}

void DemoTour::beginKill()
{
    const QString name = m_options.endpointName;
    // Only touched on the plane's thread: the killed replica, its revision's healthy count before,
    // and the error once found.
    struct Victim
    {
        QUuid route;
        QUuid revision;
        int healthyBefore = 0;
        QString recorded;
    };
    auto victim = std::make_shared<Victim>();
    m_client.call(
        this,
        [name, victim](ModelServingService &service) {
            const auto info = service.endpointInfo(name);
            if (!info)
                return failed(errorText(info.error()));
            for (const Route &r : info->routes) {
                const qint64 pid = localPid(r);
                if (r.status != RouteStatus::Healthy || pid <= 0)
                    continue;
                // Only a replica this process started (the local agent's), never a pid merely read from a
                // replica id.
                if (parentProcessId(pid) != qint64(::getpid()))
                    return failed(tr("replica %1 is not a process of this control plane").arg(r.replicaId));
                victim->route = r.id;
                victim->revision = r.revisionId;
                victim->healthyBefore = countRoutes(*info, r.revisionId, RouteStatus::Healthy);
                if (::kill(pid_t(pid), SIGKILL) != 0)
                    return failed(tr("cannot kill replica %1: %2").arg(r.replicaId, QString::fromLocal8Bit(std::strerror(errno))));
                return passed(tr("killed replica %1 (process %2) with SIGKILL").arg(r.replicaId).arg(pid));
            }
            return failed(tr("no healthy replica runs on this machine's agent"));
        },
        [this, name, victim, generation = m_generation](Probe killed) {
            if (generation != m_generation)
                return;
            if (killed.verdict != Probe::Pass) {
                fail(killed.detail);
                return;
            }
            const QString what = killed.detail;
            // First the crash in the error list, then a replacement serving in its place.
            waitFor(
                [name, victim](ModelServingService &service) {
                    const QString routeId = victim->route.toString(QUuid::WithoutBraces);
                    if (victim->recorded.isEmpty()) {
                        const auto errors = service.listErrors(name, 20, QStringLiteral("Crashed"));
                        if (!errors)
                            return failed(errorText(errors.error()));
                        for (const ErrorRecord &e : *errors) {
                            if (e.routeId == routeId)
                                victim->recorded = tr("recorded: %1: %2").arg(e.type, e.message);
                        }
                        if (victim->recorded.isEmpty())
                            return waiting(tr("no error recorded yet"));
                    }
                    const auto info = service.endpointInfo(name);
                    if (!info)
                        return failed(errorText(info.error()));
                    const bool victimServes = std::any_of(info->routes.cbegin(), info->routes.cend(), [&](const Route &r) {
                        return r.id == victim->route && r.status == RouteStatus::Healthy;
                    });
                    const int healthy = countRoutes(*info, victim->revision, RouteStatus::Healthy);
                    if (victimServes || healthy < victim->healthyBefore)
                        return waiting(tr("%1; waiting for a replacement (%2 of %3 healthy)")
                                           .arg(victim->recorded)
                                           .arg(healthy)
                                           .arg(victim->healthyBefore));
                    return passed(tr("%1; a replacement serves (%2 of %3 healthy)")
                                      .arg(victim->recorded)
                                      .arg(healthy)
                                      .arg(victim->healthyBefore));
                },
                [this, what](const QString &detail) { pass(what + QStringLiteral("; ") + detail); });
        });
}

void DemoTour::beginCleanUp()
{
    m_traffic->stop();
    m_cleanUpQueued = true;
    auto created = m_created;
    m_client.call(
        this,
        [created](ModelServingService &service) {
            if (created->isNull())
                return passed(tr("nothing was created"));
            const auto deleted = service.deleteEndpoint(created->toString(QUuid::WithoutBraces));
            if (!deleted && deleted.error().type != ErrorType::NotFound)
                return failed(errorText(deleted.error()));
            return waiting({});
        },
        [this, created, generation = m_generation](Probe first) {
            if (generation != m_generation)
                return;
            if (first.verdict != Probe::Wait) {
                first.verdict == Probe::Pass ? pass(first.detail) : fail(first.detail);
                return;
            }
            waitFor(
                [created](ModelServingService &service) {
                    const auto info = service.endpointInfo(created->toString(QUuid::WithoutBraces));
                    if (!info)
                        return info.error().type == ErrorType::NotFound ? passed(tr("the endpoint is gone"))
                                                                         : failed(errorText(info.error()));
                    if (info->endpoint.isLive())
                        return failed(tr("the endpoint is still live"));
                    const int left = int(info->routes.size());
                    return left == 0 ? passed(tr("the endpoint is deleted and its replicas stopped"))
                                     : waiting(tr("%1 replicas still stopping").arg(left));
                },
                [this](const QString &detail) { pass(detail); });
        });
}

void DemoTour::waitFor(ProbeWork work, std::function<void(const QString &)> onPass)
{
    const quint64 generation = m_generation;
    m_client.call(this, work, [this, generation, work, onPass](Probe probe) {
        if (generation != m_generation)
            return;
        if (probe.verdict == Probe::Pass) {
            onPass(probe.detail);
            return;
        }
        if (probe.verdict == Probe::Fail) {
            fail(probe.detail);
            return;
        }
        if (m_stepClock.elapsed() > m_options.stepTimeoutMs) {
            fail(tr("not within %1 s: %2").arg(m_options.stepTimeoutMs / 1000).arg(probe.detail));
            return;
        }
        QTimer::singleShot(kPollMs, this, [this, generation, work, onPass] {
            if (generation == m_generation)
                waitFor(work, onPass);
        });
    });
}

void DemoTour::waitLocally(std::function<Probe()> check, std::function<void(const QString &)> onPass)
{
    const quint64 generation = m_generation;
    QTimer::singleShot(kPollMs, this, [this, generation, check, onPass] {
        if (generation != m_generation)
            return;
        const Probe probe = check();
        if (probe.verdict == Probe::Pass) {
            onPass(probe.detail);
        } else if (probe.verdict == Probe::Fail) {
            fail(probe.detail);
        } else if (m_stepClock.elapsed() > m_options.stepTimeoutMs) {
            fail(tr("not within %1 s: %2").arg(m_options.stepTimeoutMs / 1000).arg(probe.detail));
        } else {
            waitLocally(check, onPass);
        }
    });
}

void DemoTour::pass(const QString &detail)
{
    DemoStep &step = m_steps[m_current];
    step.state = DemoStep::State::Ok;
    step.detail = detail;
    ++m_generation;
    Q_EMIT stepChanged(m_current);
    if (m_current == CleanUp) {
        finish();
        return;
    }
    if (m_options.pauseBetweenSteps) {
        m_waitingForNext = true;
        Q_EMIT waitingForNext(m_current + 1);
        return;
    }
    // Queued: a step's answer may come inside a call (an attached plane answers at once).
    QTimer::singleShot(0, this, [this, next = m_current + 1, generation = m_generation] {
        if (generation == m_generation)
            runStep(next);
    });
}

void DemoTour::fail(const QString &reason)
{
    DemoStep &step = m_steps[m_current];
    step.state = DemoStep::State::Failed;
    step.detail = reason;
    ++m_generation;
    Q_EMIT stepChanged(m_current);
    if (m_current == CleanUp) {
        finish();
        return;
    }
    QTimer::singleShot(0, this, [this, generation = m_generation] {
        if (generation == m_generation)
            runStep(CleanUp);
    });
}

void DemoTour::finish()
{
    m_finished = true;
    m_traffic->stop();
    Q_EMIT finished(succeeded());
}

QString DemoTour::elapsedSeconds() const
{
    return QString::number(double(m_stepClock.elapsed()) / 1000.0, 'f', 1);
}

} // namespace ServeDeck
