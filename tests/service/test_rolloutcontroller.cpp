// The rollout controller step by step, over a real store, with a clock only the test moves and
// the proxy's counters played by the test: each transition and its timeline are exact.
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "auth/tokensigner.h"
#include "proxy/proxyserver.h"
#include "scheduler/reconciler.h"
#include "service/modelservingservice.h"
#include "service/rolloutcontroller.h"
#include "store/repository.h"
#include "support/manualclock.h"
#include "support/servicefixture.h"
#include "support/require.h"

using namespace ServeDeck;

class TestRolloutController final : public QObject
{
    Q_OBJECT

private:
    static constexpr int kMaxRetries = 2;
    ServiceFixture m_fx;
    std::unique_ptr<Reconciler> m_reconciler;
    std::unique_ptr<RolloutController> m_controller;
    QSet<QUuid> m_running;
    QHash<QUuid, RevisionCounters> m_counters;  // per route, cumulative, as the proxy's
    Endpoint m_endpoint;

    void makeController()
    {
        m_controller = std::make_unique<RolloutController>(*m_fx.service, *m_fx.repository, *m_fx.clock,
                                                           ProxyServer::latencyBucketBounds());
        m_controller->setCounterSource([this] { return m_counters; });
    }

    // A reconciler pass, then every new replica HEALTHY and every drained one gone.
    void settle()
    {
        for (int round = 0; round < 6; ++round) {
            auto pass = m_reconciler->runOnce();
            QVERIFY(pass.ok());
            for (const QUuid &id : pass->draining)
                m_running.remove(id);
            for (const QUuid &id : pass->created) {
                QVERIFY(m_fx.service->updateRouteState(id, RouteStatus::Healthy, QStringLiteral("local:1:%1").arg(1000 + m_running.size()),
                                                    QStringLiteral("local")));
                m_running.insert(id);
            }
            if (pass->created.isEmpty() && pass->draining.isEmpty() && pass->zombies.isEmpty())
                return;
        }
    }

    QHash<QUuid, int> activeByRevision()
    {
        QHash<QUuid, int> out;
        const QList<Route> routes = *m_fx.repository->routes(m_endpoint.id);  // a named copy: the Result is a temporary
        for (const Route &r : routes) {
            if (r.isActive())
                out[r.revisionId] += 1;
        }
        return out;
    }

    // Traffic on one revision's first route: requests, of which errors, each taking `ms`.
    void addTraffic(const QUuid &revision, qint64 requests, qint64 errors, double ms)
    {
        const QList<double> bounds = ProxyServer::latencyBucketBounds();
        const QList<Route> routes = *m_fx.repository->routes(m_endpoint.id);  // a named copy: the Result is a temporary
        for (const Route &r : routes) {
            if (r.revisionId != revision || r.status != RouteStatus::Healthy)
                continue;
            RevisionCounters &c = m_counters[r.id];
            c.requests += requests;
            c.errors += errors;
            if (c.latencyBuckets.isEmpty())
                c.latencyBuckets.resize(bounds.size() + 1);
            for (qsizetype i = 0; i < c.latencyBuckets.size(); ++i) {
                if (i == bounds.size() || ms / 1000.0 <= bounds[i])
                    c.latencyBuckets[i] += quint64(requests);
            }
            return;
        }
        QFAIL("no HEALTHY route of that revision");
    }

    Rollout current() { return m_fx.service->rolloutInfo(m_endpoint.name, QStringLiteral("latest"))->rollout; }

    RolloutInfo startProgressive(const QList<int> &steps)
    {
        RolloutRequest request;
        request.modelVersion = QStringLiteral("v2");
        request.modelFolder = QStringLiteral("iris-v2");
        request.strategy = RolloutStrategy::Progressive;
        request.steps = steps;
        request.intervalSeconds = 60;
        AnalysisThresholds analysis;
        analysis.minRequests = 50;
        analysis.failureThreshold = 2;
        request.analysis = analysis;
        return require(m_fx.service->startRollout(m_endpoint.name, request), "start");
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        ServiceConfig config = ServiceFixture::defaultConfig();
        config.capacity.total = {64, qint64(64) << 30, 0};
        config.maxRetries = kMaxRetries;
        const QString failed = m_fx.open(config);
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        m_reconciler = std::make_unique<Reconciler>(*m_fx.repository, *m_fx.clock, kMaxRetries);
        m_running.clear();
        m_counters.clear();
        m_reconciler->setReplicaProbe([this](const Route &r) { return m_running.contains(r.id); });
        makeController();
        CreateEndpointRequest r;
        r.name = QStringLiteral("sentiment");
        r.modelVersion = QStringLiteral("v1");
        r.modelFolder = QStringLiteral("iris-v1");
        r.replicas = 3;
        m_endpoint = require(m_fx.service->createEndpoint(r), "create");
        settle();
    }

    void cleanup()
    {
        m_controller.reset();
        m_reconciler.reset();
        m_fx.close();
    }

    // Steps 10 -> 50 -> 100, one a minute, the first two passing: the timeline to the second.
    void progressivePromotesAfterTheLastStep()
    {
        const RolloutInfo started = startProgressive({10, 50, 100});
        const QUuid v1 = m_endpoint.currentRevisionId;
        const QUuid v2 = started.rollout.toRevisionId;
        QCOMPARE(started.rollout.weight, 10);
        settle();
        QCOMPARE(activeByRevision().value(v2), 1);  // 10 % of 3, at least one
        QCOMPARE(activeByRevision().value(v1), 3);
        QVERIFY(m_controller->runOnce().ok());  // the window begins
        for (int step = 1; step <= 3; ++step) {
            addTraffic(v2, 100, 0, 20);
            addTraffic(v1, 400, 0, 20);
            m_fx.clock->advance(59);
            QCOMPARE(*m_controller->runOnce(), 0);  // not yet
            m_fx.clock->advance(1);
            QCOMPARE(*m_controller->runOnce(), 1);
            settle();
        }
        // The 100 % step leaves stable nothing to compare with: after its interval it switches.
        Rollout o = current();
        QCOMPARE(o.phase, RolloutPhase::Succeeded);
        QCOMPARE(m_fx.service->endpointInfo(m_endpoint.name)->endpoint.currentRevisionId, v2);
        QCOMPARE(m_fx.service->endpointInfo(m_endpoint.name)->endpoint.modelVersion, QStringLiteral("v2"));
        QCOMPARE(activeByRevision().value(v2), 3);
        QCOMPARE(activeByRevision().value(v1), 0);

        const RolloutInfo info = *m_fx.service->rolloutInfo(m_endpoint.name, QStringLiteral("latest"));
        QList<int> weights;
        QList<qint64> seconds;
        for (const RolloutEvent &e : info.events) {
            weights << e.weight;
            seconds << started.rollout.createdAt.secsTo(e.at);
        }
        QCOMPARE(weights, (QList<int>{10, 50, 100, 100}));
        QCOMPARE(seconds, (QList<qint64>{0, 60, 120, 180}));
        // Every step's decision says n and both values.
        int stepVerdicts = 0;
        for (const AnalysisDecision &d : info.decisions) {
            if (d.check == QStringLiteral("step")) {
                ++stepVerdicts;
                QCOMPARE(d.verdict, AnalysisVerdict::Pass);
                QCOMPARE(d.canaryRequests, 100);
                QCOMPARE(d.stableRequests, 400);
            } else if (d.check == QStringLiteral("success_rate")) {
                QCOMPARE(d.canaryValue, std::optional<double>(0.0));
            }
        }
        QCOMPARE(stepVerdicts, 2);
    }

    // With too few requests a step is Inconclusive and holds: never promoted on no data.
    void lowTrafficHolds()
    {
        startProgressive({10, 100});
        settle();
        QVERIFY(m_controller->runOnce().ok());
        for (int i = 0; i < 5; ++i) {
            m_fx.clock->advance(60);
            QVERIFY(m_controller->runOnce().ok());
        }
        const RolloutInfo info = *m_fx.service->rolloutInfo(m_endpoint.name, QStringLiteral("latest"));
        QCOMPARE(info.rollout.phase, RolloutPhase::Progressing);
        QCOMPARE(info.rollout.stepIndex, 0);
        QCOMPARE(info.rollout.weight, 10);
        QCOMPARE(info.rollout.failedChecks, 0);
        int holds = 0;
        for (const AnalysisDecision &d : info.decisions)
            holds += d.check == QStringLiteral("step") && d.verdict == AnalysisVerdict::Inconclusive ? 1 : 0;
        QCOMPARE(holds, 5);
    }

    // A canary failing more than stable: a failed check per interval, rolled back at the threshold.
    void regressionRollsBackAtTheThreshold()
    {
        const RolloutInfo started = startProgressive({10, 50, 100});
        const QUuid v1 = m_endpoint.currentRevisionId;
        const QUuid v2 = started.rollout.toRevisionId;
        settle();
        QVERIFY(m_controller->runOnce().ok());
        for (int failed = 1; failed <= 2; ++failed) {
            addTraffic(v2, 100, 30, 20);
            addTraffic(v1, 400, 0, 20);
            m_fx.clock->advance(60);
            QCOMPARE(*m_controller->runOnce(), 1);
            QCOMPARE(current().failedChecks, failed);
        }
        const Rollout o = current();
        QCOMPARE(o.phase, RolloutPhase::RolledBack);
        QCOMPARE(o.weight, 0);
        QVERIFY2(o.reason.contains(QStringLiteral("analysis failed")), qPrintable(o.reason));
        settle();
        QCOMPARE(activeByRevision().value(v2), 0);
        QCOMPARE(activeByRevision().value(v1), 3);
        QCOMPARE(m_fx.service->endpointInfo(m_endpoint.name)->endpoint.currentRevisionId, v1);
    }

    // The new revision's replicas fail to start past the limit: back to stable, saying why.
    void failedReplicasRollBack()
    {
        ModifyEndpointRequest upgrade;
        upgrade.modelVersion = QStringLiteral("v2");
        upgrade.modelFolder = QStringLiteral("iris-v2");
        const EndpointInfo modified = require(m_fx.service->modifyEndpoint(m_endpoint.name, upgrade), "modify");
        const QUuid v2 = modified.rollout->toRevisionId;
        for (int attempt = 0; attempt <= kMaxRetries; ++attempt) {
            auto pass = m_reconciler->runOnce();
            QVERIFY(pass.ok());
            for (const QUuid &id : pass->created) {
                ErrorRecord record;
                record.endpointId = m_endpoint.id;
                record.routeId = id.toString(QUuid::WithoutBraces);
                record.type = QStringLiteral("ReplicaStartFailed");
                record.message = QStringLiteral("the model server exited at start");
                record.exitCode = 3;
                record.logTail = QStringLiteral("loading model...\nfatal: bad weights");
                QVERIFY(m_fx.service->recordReplicaFailure(record, RouteStatus::FailedToStart, true));
            }
            QVERIFY(m_controller->runOnce().ok());
        }
        const Rollout o = current();
        QCOMPARE(o.phase, RolloutPhase::RolledBack);
        QCOMPARE(o.failures, kMaxRetries + 1);
        QVERIFY2(o.reason.contains(QStringLiteral("ReplicaStartFailed")) && o.reason.contains(QStringLiteral("exit code 3"))
                     && o.reason.contains(QStringLiteral("bad weights")),
                 qPrintable(o.reason));
        // The stable revision's own retry count is untouched, and it kept its three replicas.
        QCOMPARE(m_fx.service->endpointInfo(m_endpoint.name)->endpoint.retries, 0);
        settle();
        QCOMPARE(activeByRevision().value(m_endpoint.currentRevisionId), 3);
        QCOMPARE(activeByRevision().value(v2), 0);
    }

    // Replicas that never become HEALTHY: rolled back at the progress deadline, not before.
    void progressDeadlineRollsBack()
    {
        RolloutRequest request;
        request.modelVersion = QStringLiteral("v2");
        request.modelFolder = QStringLiteral("iris-v2");
        request.progressDeadlineSeconds = 120;
        require(m_fx.service->startRollout(m_endpoint.name, request), "start");
        QVERIFY(m_reconciler->runOnce().ok());  // a surge replica, never HEALTHY
        QVERIFY(m_controller->runOnce().ok());
        m_fx.clock->advance(119);
        QVERIFY(m_controller->runOnce().ok());
        QCOMPARE(current().phase, RolloutPhase::Progressing);
        m_fx.clock->advance(1);
        QVERIFY(m_controller->runOnce().ok());
        QCOMPARE(current().phase, RolloutPhase::RolledBack);
        QVERIFY2(current().reason.contains(QStringLiteral("progress deadline")), qPrintable(current().reason));
    }

    // Blue-green: dark until all are HEALTHY, then one switch; the old set stays warm for the
    // window, a rollback inside it is immediate, and after it the old set goes.
    void blueGreenSwitchWarmWindowAndRollback()
    {
        const QUuid v1 = m_endpoint.currentRevisionId;
        RolloutRequest request;
        request.modelVersion = QStringLiteral("v2");
        request.modelFolder = QStringLiteral("iris-v2");
        request.strategy = RolloutStrategy::BlueGreen;
        request.rollbackWindowSeconds = 600;
        const QUuid v2 = require(m_fx.service->startRollout(m_endpoint.name, request), "start").rollout.toRevisionId;
        auto pass = m_reconciler->runOnce();
        QCOMPARE(activeByRevision().value(v2), 3);
        QCOMPARE(activeByRevision().value(v1), 3);
        QCOMPARE(*m_controller->runOnce(), 0);  // none HEALTHY yet
        for (qsizetype i = 0; i < pass->created.size(); ++i) {
            const QUuid id = pass->created.at(i);
            QVERIFY(m_fx.service->updateRouteState(id, RouteStatus::Healthy, QStringLiteral("local:2:%1").arg(2000 + i),
                                                QStringLiteral("local")));
            m_running.insert(id);
            if (i + 1 < pass->created.size())
                QCOMPARE(*m_controller->runOnce(), 0);  // not all of them yet
        }
        QCOMPARE(*m_controller->runOnce(), 1);
        Rollout o = current();
        QCOMPARE(o.phase, RolloutPhase::Succeeded);
        QCOMPARE(o.warmUntil, m_fx.clock->now().addSecs(600));
        settle();
        QCOMPARE(activeByRevision().value(v1), 3);  // warm
        QCOMPARE(m_fx.service->endpointInfo(m_endpoint.name)->endpoint.currentRevisionId, v2);

        // Rollback inside the window: v1 is current again at once, v2 goes.
        auto back = m_fx.service->actOnRollout(m_endpoint.name, QStringLiteral("latest"), RolloutAction::Rollback);
        QVERIFY2(back.ok(), back ? "" : qPrintable(back.error().message));
        QCOMPARE(back->rollout.phase, RolloutPhase::RolledBack);
        QCOMPARE(m_fx.service->endpointInfo(m_endpoint.name)->endpoint.currentRevisionId, v1);
        settle();
        QCOMPARE(activeByRevision().value(v2), 0);
        QCOMPARE(activeByRevision().value(v1), 3);

        // Again, and this time the window runs out: v1's set is scaled to zero.
        request.revision = v2.toString(QUuid::WithoutBraces);
        request.modelVersion.reset();
        request.modelFolder.reset();
        require(m_fx.service->startRollout(m_endpoint.name, request), "again");
        settle();
        QCOMPARE(*m_controller->runOnce(), 1);
        settle();
        m_fx.clock->advance(599);
        QCOMPARE(*m_controller->runOnce(), 0);
        m_fx.clock->advance(1);
        QCOMPARE(*m_controller->runOnce(), 1);
        settle();
        QCOMPARE(activeByRevision().value(v1), 0);
        QCOMPARE(activeByRevision().value(v2), 3);
        QVERIFY(!current().warmUntil.isValid());
    }

    // A new controller over the same store (the console restarted) resumes at the same step.
    void restartResumesAtTheSameStep()
    {
        const RolloutInfo started = startProgressive({10, 50, 100});
        const QUuid v1 = m_endpoint.currentRevisionId;
        const QUuid v2 = started.rollout.toRevisionId;
        settle();
        QVERIFY(m_controller->runOnce().ok());
        addTraffic(v2, 100, 0, 20);
        addTraffic(v1, 400, 0, 20);
        m_fx.clock->advance(60);
        QCOMPARE(*m_controller->runOnce(), 1);
        QCOMPARE(current().stepIndex, 1);
        settle();

        m_controller.reset();
        makeController();
        QVERIFY(m_controller->runOnce().ok());
        QCOMPARE(current().stepIndex, 1);
        QCOMPARE(current().weight, 50);
        QCOMPARE(current().phase, RolloutPhase::Progressing);
        // Its window starts over after the restart: a full interval of traffic from now.
        m_fx.clock->advance(60);
        QVERIFY(m_controller->runOnce().ok());
        QCOMPARE(current().stepIndex, 1);  // no traffic since the restart: inconclusive
        addTraffic(v2, 200, 0, 20);
        addTraffic(v1, 300, 0, 20);
        m_fx.clock->advance(60);
        QCOMPARE(*m_controller->runOnce(), 1);
        QCOMPARE(current().stepIndex, 2);
    }

    // Every bad request is a typed error, and nothing is stored.
    void badRequestsChangeNothing_data()
    {
        QTest::addColumn<int>("strategy");
        QTest::addColumn<QList<int>>("steps");
        QTest::addColumn<int>("weight");
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("field");
        const int progressive = int(RolloutStrategy::Progressive);
        const int canary = int(RolloutStrategy::Canary);
        QTest::newRow("steps not increasing") << progressive << QList<int>{10, 5} << -1 << QStringLiteral("v2") << QStringLiteral("steps");
        QTest::newRow("step over 100") << progressive << QList<int>{10, 101} << -1 << QStringLiteral("v2") << QStringLiteral("steps");
        QTest::newRow("step of 0") << progressive << QList<int>{0, 50} << -1 << QStringLiteral("v2") << QStringLiteral("steps");
        QTest::newRow("no steps") << progressive << QList<int>{} << -1 << QStringLiteral("v2") << QStringLiteral("steps");
        QTest::newRow("steps on a canary") << canary << QList<int>{10} << -1 << QStringLiteral("v2") << QStringLiteral("steps");
        QTest::newRow("weight over 100") << canary << QList<int>{} << 101 << QStringLiteral("v2") << QStringLiteral("weight");
        QTest::newRow("the stable version") << canary << QList<int>{} << 10 << QStringLiteral("v1") << QStringLiteral("model_version");
    }

    void badRequestsChangeNothing()
    {
        QFETCH(int, strategy);
        QFETCH(QList<int>, steps);
        QFETCH(int, weight);
        QFETCH(QString, version);
        QFETCH(QString, field);
        RolloutRequest request;
        request.strategy = RolloutStrategy(strategy);
        request.steps = steps;
        if (weight >= 0)
            request.weight = weight;
        request.modelVersion = version;
        request.modelFolder = version == QStringLiteral("v1") ? QStringLiteral("iris-v1") : QStringLiteral("iris-v2");
        auto refused = m_fx.service->startRollout(m_endpoint.name, request);
        QCOMPARE(refused.error().type, ErrorType::InvalidArgument);
        QCOMPARE(refused.error().details.value(QStringLiteral("field")).toString(), field);
        QCOMPARE(m_fx.service->rollouts(m_endpoint.name)->size(), 0);
        QCOMPARE(m_fx.service->revisions(m_endpoint.name)->size(), 1);
    }

    // One rollout at a time; an unknown rollout is NotFound; actions only in their phase.
    void conflictsAndPhases()
    {
        startProgressive({10, 100});
        RolloutRequest second;
        second.modelVersion = QStringLiteral("v3");
        second.modelFolder = QStringLiteral("iris-v2");
        auto busy = m_fx.service->startRollout(m_endpoint.name, second);
        QCOMPARE(busy.error().type, ErrorType::RolloutInProgress);
        QCOMPARE(m_fx.service->revisions(m_endpoint.name)->size(), 2);  // v3 was not added
        QCOMPARE(m_fx.service->rolloutInfo(m_endpoint.name, QUuid::createUuid().toString()).error().type, ErrorType::NotFound);
        QCOMPARE(m_fx.service->actOnRollout(m_endpoint.name, QStringLiteral("current"), RolloutAction::Resume).error().type,
                 ErrorType::InvalidArgument);
        QCOMPARE(m_fx.service->setRolloutWeight(m_endpoint.name, QStringLiteral("current"), 40).error().type,
                 ErrorType::InvalidArgument);  // a progressive rollout sets its own share
        QCOMPARE(m_fx.service->actOnRollout(m_endpoint.name, QStringLiteral("current"), RolloutAction::Pause)->rollout.phase,
                 RolloutPhase::Paused);
        // Paused: time passes, nothing is analysed.
        m_fx.clock->advance(600);
        QCOMPARE(*m_controller->runOnce(), 0);
        QCOMPARE(m_fx.service->actOnRollout(m_endpoint.name, QStringLiteral("current"), RolloutAction::Resume)->rollout.phase,
                 RolloutPhase::Progressing);
        QCOMPARE(m_fx.service->actOnRollout(m_endpoint.name, QStringLiteral("current"), RolloutAction::Abort)->rollout.phase,
                 RolloutPhase::Aborted);
        QCOMPARE(m_fx.service->actOnRollout(m_endpoint.name, QStringLiteral("latest"), RolloutAction::Promote).error().type,
                 ErrorType::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestRolloutController)
#include "test_rolloutcontroller.moc"
