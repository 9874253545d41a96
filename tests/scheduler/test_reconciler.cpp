// scale_services, pass by pass, over a real store.
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "auth/tokensigner.h"
#include "support/manualclock.h"
#include "scheduler/reconciler.h"
#include "service/modelservingservice.h"
#include "store/repository.h"
#include "support/require.h"
#include "support/teststore.h"

using namespace ServeDeck;

namespace {
QStringList names(const char *spaceSeparated)
{
    return QString::fromLatin1(spaceSeparated).split(u' ', Qt::SkipEmptyParts);
}
} // namespace

class TestReconciler final : public QObject
{
    Q_OBJECT

private:
    static constexpr int kMaxRetries = 3;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Repository> m_repository;
    std::unique_ptr<TokenSigner> m_signer;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<ModelServingService> m_service;
    std::unique_ptr<Reconciler> m_reconciler;
    QSet<QUuid> m_runningReplicas;  // what an agent would report as still running

    Endpoint create(const QString &name, int replicas)
    {
        CreateEndpointRequest r;
        r.name = name;
        r.modelVersion = QStringLiteral("v1");
        r.modelFolder = QStringLiteral("iris-v1");
        r.resourceSlots = {1, qint64(1) << 30, 0};
        r.replicas = replicas;
        return require(m_service->createEndpoint(r), "create");
    }

    QList<Route> routesOf(const Endpoint &e) { return *m_repository->routes(e.id); }

    // The service and the reconciler share a capacity of this many one-cpu replicas.
    void useCapacity(int cpus)
    {
        ServiceConfig config;
        config.capacity.total = {double(cpus), qint64(64) << 30, 0};
        config.modelRoots = {qEnvironmentVariable("SERVEDECK_SOURCE_DIR") + QStringLiteral("/resources/models")};
        config.maxRetries = kMaxRetries;
        m_service = std::make_unique<ModelServingService>(*m_repository, *m_signer, config, *m_clock);
        m_reconciler->setCapacity(config.capacity.total);
    }

    Endpoint createQueued(const QString &name, int replicas, int priority, bool allowPreemption = false)
    {
        CreateEndpointRequest r;
        r.name = name;
        r.modelVersion = QStringLiteral("v1");
        r.modelFolder = QStringLiteral("iris-v1");
        r.resourceSlots = {1, qint64(1) << 30, 0};
        r.replicas = replicas;
        r.priority = priority;
        r.allowPreemption = allowPreemption;
        return require(m_service->createEndpoint(r), "create");
    }

    QList<Route> withStatus(const Endpoint &e, RouteStatus status)
    {
        QList<Route> out;
        for (const Route &r : routesOf(e)) {
            if (r.status == status)
                out << r;
        }
        return out;
    }

    // What an agent does with admitted routes: starts their replicas.
    void startAdmitted(const Endpoint &e)
    {
        for (Route r : withStatus(e, RouteStatus::Provisioning)) {
            r.status = RouteStatus::Healthy;
            r.replicaId = QStringLiteral("replica-") + r.id.toString(QUuid::WithoutBraces);
            r.agentId = QStringLiteral("local");
            require(m_repository->updateRoute(r), "start route");
            m_runningReplicas.insert(r.id);
        }
    }

    // Grows a by-rule scale-out by one: the default lets it wait for room.
    void scaleOutByRule(const Endpoint &e, int replicas)
    {
        ScaleCause cause;
        cause.ruleId = QStringLiteral("rule-1");
        cause.reason = QStringLiteral("rule");
        require(m_service->scaleReplicas(e.name, replicas, cause), "scale by rule");
    }

    void setStatuses(const Endpoint &e, const QList<RouteStatus> &statuses)
    {
        auto routes = routesOf(e);
        if (routes.size() != statuses.size())
            qFatal("setStatuses: %lld routes, %lld statuses", qlonglong(routes.size()), qlonglong(statuses.size()));
        for (qsizetype i = 0; i < routes.size(); ++i) {
            routes[i].status = statuses[i];
            routes[i].replicaId = QStringLiteral("replica-%1").arg(i);
            routes[i].agentId = QStringLiteral("local");
            require(m_repository->updateRoute(routes[i]), "update route");
            m_runningReplicas.insert(routes[i].id);
        }
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        const QString location = TestStore::location(*m_dir, QStringLiteral("db.sqlite"));
        QVERIFY2(!location.isEmpty(), qPrintable(TestStore::lastError()));
        m_repository = std::make_unique<Repository>();
        QVERIFY(m_repository->open(*StoreLocation::parse(location)).ok());
        m_signer = std::make_unique<TokenSigner>(QByteArray(32, 'k'));
        m_clock = std::make_unique<ManualClock>();
        ServiceConfig config;
        config.capacity.total = {64, qint64(64) << 30, 0};
        config.modelRoots = {qEnvironmentVariable("SERVEDECK_SOURCE_DIR") + QStringLiteral("/resources/models")};
        config.maxRetries = kMaxRetries;
        m_service = std::make_unique<ModelServingService>(*m_repository, *m_signer, config, *m_clock);
        m_reconciler = std::make_unique<Reconciler>(*m_repository, *m_clock, kMaxRetries);
        m_runningReplicas.clear();
        // Like the deployer's probe, this one needs to know the route's agent to ask it.
        m_reconciler->setReplicaProbe([this](const Route &r) {
            return r.agentId == QStringLiteral("local") && m_runningReplicas.contains(r.id);
        });
    }

    void cleanup()
    {
        m_reconciler.reset();
        m_service.reset();
        m_repository.reset();
        m_dir.reset();
    }

    void scaleUpCreatesRoutesOnce()
    {
        const Endpoint e = create(QStringLiteral("a"), 3);
        QSignalSpy created(m_reconciler.get(), &Reconciler::routeCreated);
        auto pass = m_reconciler->runOnce();
        QVERIFY(pass.ok());
        QCOMPARE(pass->created.size(), 3);
        QCOMPARE(created.count(), 3);
        const auto routes = routesOf(e);
        QCOMPARE(routes.size(), 3);
        for (const Route &r : routes) {
            QCOMPARE(r.status, RouteStatus::Provisioning);
            QCOMPARE(r.revisionId, e.currentRevisionId);
            QCOMPARE(r.weight, 100);
        }
        // A second pass has nothing to do.
        QVERIFY(m_reconciler->runOnce()->created.isEmpty());
        QCOMPARE(created.count(), 3);
    }

    void scaleDownDrainsUnhealthyFirst_data()
    {
        QTest::addColumn<QStringList>("statuses");
        QTest::addColumn<int>("target");
        QTest::addColumn<QStringList>("drained");
        QTest::newRow("one unhealthy of three") << names("HEALTHY UNHEALTHY HEALTHY") << 2 << names("UNHEALTHY");
        QTest::newRow("unhealthy, then provisioning") << names("HEALTHY PROVISIONING UNHEALTHY HEALTHY") << 1
                                                      << names("UNHEALTHY PROVISIONING HEALTHY");
        QTest::newRow("to zero") << names("HEALTHY UNHEALTHY") << 0 << names("UNHEALTHY HEALTHY");
        QTest::newRow("nothing surplus") << names("HEALTHY UNHEALTHY") << 2 << names("");
    }

    void scaleDownDrainsUnhealthyFirst()
    {
        QFETCH(QStringList, statuses);
        QFETCH(int, target);
        QFETCH(QStringList, drained);
        const Endpoint e = create(QStringLiteral("b"), int(statuses.size()));
        QVERIFY(m_reconciler->runOnce().ok());
        QList<RouteStatus> s;
        for (const QString &name : statuses)
            s << *routeStatusFromName(name);
        setStatuses(e, s);
        QVERIFY(m_service->scaleReplicas(e.name, target).ok());

        const auto before = routesOf(e);
        auto pass = m_reconciler->runOnce();
        QVERIFY(pass.ok());
        QStringList drainedStatuses;
        for (const QUuid &id : pass->draining) {
            auto it = std::find_if(before.begin(), before.end(), [&](const Route &r) { return r.id == id; });
            drainedStatuses << routeStatusName(it->status);
        }
        QCOMPARE(drainedStatuses, drained);
        QVERIFY(pass->created.isEmpty());
        const auto after = routesOf(e);
        QCOMPARE(std::count_if(after.begin(), after.end(), [](const Route &r) { return r.isActive(); }), qsizetype(target));
    }

    void drainedRoutesGoOnceTheirReplicaStops()
    {
        const Endpoint e = create(QStringLiteral("c"), 2);
        QVERIFY(m_reconciler->runOnce().ok());
        setStatuses(e, {RouteStatus::Healthy, RouteStatus::Healthy});
        QVERIFY(m_service->scaleReplicas(e.name, 1).ok());
        auto pass = m_reconciler->runOnce();
        QCOMPARE(pass->draining.size(), 1);
        // Still running: the route stays, TERMINATING.
        QVERIFY(m_reconciler->runOnce()->zombies.isEmpty());
        QCOMPARE(routesOf(e).size(), 2);
        m_runningReplicas.remove(pass->draining.first());
        QCOMPARE(m_reconciler->runOnce()->zombies, QList<QUuid>{pass->draining.first()});
        QCOMPARE(routesOf(e).size(), 1);
    }

    void retryLimitStopsScaleUpUntilCleared()
    {
        Endpoint e = create(QStringLiteral("d"), 2);
        e.retries = kMaxRetries + 1;
        QVERIFY(m_repository->updateEndpoint(e).ok());
        auto pass = m_reconciler->runOnce();
        QVERIFY(pass->created.isEmpty());
        QCOMPARE(pass->skippedForRetries, QList<QUuid>{e.id});
        e.retries = kMaxRetries;  // at the limit, not beyond: still tries
        QVERIFY(m_repository->updateEndpoint(e).ok());
        QCOMPARE(m_reconciler->runOnce()->created.size(), 2);

        Endpoint f = create(QStringLiteral("f"), 1);
        f.retries = 10;
        QVERIFY(m_repository->updateEndpoint(f).ok());
        QVERIFY(m_reconciler->runOnce()->created.isEmpty());
        QVERIFY(m_service->clearErrors(f.name).ok());
        QCOMPARE(m_reconciler->runOnce()->created.size(), 1);
    }

    void failedRoutesAreReplaced()
    {
        const Endpoint e = create(QStringLiteral("g"), 2);
        QVERIFY(m_reconciler->runOnce().ok());
        setStatuses(e, {RouteStatus::Healthy, RouteStatus::FailedToStart});
        QCOMPARE(m_reconciler->runOnce()->created.size(), 1);
    }

    void deleteEndsTerminated()
    {
        const Endpoint e = create(QStringLiteral("h"), 2);
        QVERIFY(m_reconciler->runOnce().ok());
        setStatuses(e, {RouteStatus::Healthy, RouteStatus::Healthy});
        QVERIFY(m_service->deleteEndpoint(e.name).ok());
        // Replicas still running: the endpoint waits in DESTROYING.
        auto pass = m_reconciler->runOnce();
        QVERIFY(pass->terminated.isEmpty());
        QCOMPARE((*m_repository->endpointById(e.id))->lifecycle, EndpointLifecycle::Destroying);
        m_runningReplicas.clear();
        pass = m_reconciler->runOnce();
        QCOMPARE(pass->terminated, QList<QUuid>{e.id});
        QCOMPARE((*m_repository->endpointById(e.id))->lifecycle, EndpointLifecycle::Terminated);
        QVERIFY(routesOf(e).isEmpty());
        // The name is free again.
        CreateEndpointRequest again;
        again.name = QStringLiteral("h");
        again.modelVersion = QStringLiteral("v1");
        again.modelFolder = QStringLiteral("iris-v1");
        QVERIFY(m_service->createEndpoint(again).ok());
    }

    void becomesReadyWhenARouteIsHealthy()
    {
        const Endpoint e = create(QStringLiteral("i"), 1);
        QVERIFY(m_reconciler->runOnce().ok());
        QCOMPARE((*m_repository->endpointById(e.id))->lifecycle, EndpointLifecycle::Created);
        setStatuses(e, {RouteStatus::Healthy});
        QSignalSpy changed(m_reconciler.get(), &Reconciler::endpointChanged);
        QVERIFY(m_reconciler->runOnce().ok());
        QCOMPARE((*m_repository->endpointById(e.id))->lifecycle, EndpointLifecycle::Ready);
        QCOMPARE(changed.count(), 1);
    }

    // Marks the given routes HEALTHY with a running replica, as an agent's report would.
    void markHealthy(const QList<QUuid> &ids)
    {
        for (const QUuid &id : ids) {
            Route r = **m_repository->route(id);
            r.status = RouteStatus::Healthy;
            r.replicaId = QStringLiteral("replica-") + id.toString(QUuid::WithoutBraces).left(8);
            r.agentId = QStringLiteral("local");
            require(m_repository->updateRoute(r), "update route");
            m_runningReplicas.insert(r.id);
        }
    }

    QHash<QUuid, int> activeByRevision(const Endpoint &e)
    {
        QHash<QUuid, int> out;
        for (const Route &r : routesOf(e)) {
            if (r.isActive())
                out[r.revisionId] += 1;
        }
        return out;
    }

    // A manual canary's routes start dark: the data plane gives the new revision its share.
    void canaryRoutesStartDark()
    {
        const Endpoint e = create(QStringLiteral("j"), 2);
        markHealthy(m_reconciler->runOnce()->created);
        ModifyEndpointRequest upgrade;
        upgrade.modelVersion = QStringLiteral("v2");
        upgrade.modelFolder = QStringLiteral("iris-v2");
        upgrade.strategy = RolloutStrategy::Canary;
        upgrade.canaryWeight = 20;
        auto modified = m_service->modifyEndpoint(e.name, upgrade);
        QVERIFY2(modified.ok(), modified ? "" : qPrintable(modified.error().message));
        auto pass = m_reconciler->runOnce();
        QCOMPARE(pass->created.size(), 1);
        QVERIFY(pass->draining.isEmpty());  // the stable set keeps its full size
        const Route fresh = **m_repository->route(pass->created.first());
        QCOMPARE(fresh.revisionId, modified->rollout->toRevisionId);
        QCOMPARE(fresh.weight, 0);
        QCOMPARE(activeByRevision(e).value(e.currentRevisionId), 2);
    }

    // Rolling, 3 replicas, 25 % surge: one new replica at a time, an old one drained only once
    // a new one is HEALTHY, never fewer than 3 HEALTHY in all.
    void rollingSurgesThenDrains()
    {
        const Endpoint e = create(QStringLiteral("r"), 3);
        markHealthy(m_reconciler->runOnce()->created);
        ModifyEndpointRequest upgrade;
        upgrade.modelVersion = QStringLiteral("v2");
        upgrade.modelFolder = QStringLiteral("iris-v2");
        auto modified = m_service->modifyEndpoint(e.name, upgrade);
        QVERIFY2(modified.ok(), modified ? "" : qPrintable(modified.error().message));
        const QUuid v1 = e.currentRevisionId;
        const QUuid v2 = modified->rollout->toRevisionId;
        const QList<std::pair<int, int>> expected{{3, 1}, {2, 2}, {1, 3}, {0, 3}};
        for (qsizetype round = 0; round < expected.size(); ++round) {
            auto pass = m_reconciler->runOnce();
            QVERIFY(pass.ok());
            const auto counts = activeByRevision(e);
            QCOMPARE(counts.value(v1), expected[round].first);
            QCOMPARE(counts.value(v2), expected[round].second);
            int healthy = 0;
            for (const Route &r : routesOf(e))
                healthy += r.status == RouteStatus::Healthy ? 1 : 0;
            QVERIFY2(healthy >= 3, qPrintable(QStringLiteral("round %1: %2 HEALTHY").arg(round).arg(healthy)));
            // The new replicas become HEALTHY before the next pass.
            QList<QUuid> fresh;
            for (const Route &r : routesOf(e)) {
                if (r.revisionId == v2 && r.status == RouteStatus::Provisioning)
                    fresh << r.id;
                if (r.status == RouteStatus::Terminating)
                    m_runningReplicas.remove(r.id);
            }
            markHealthy(fresh);
        }
    }

    // A rolling rollout where no surge replica fits replaces one replica at a time.
    void rollingWithoutRoomReplacesOneAtATime()
    {
        const Endpoint e = create(QStringLiteral("full"), 2);
        markHealthy(m_reconciler->runOnce()->created);
        // Capacity is 64 cpu; fill it so nothing more fits.
        CreateEndpointRequest filler;
        filler.name = QStringLiteral("filler");
        filler.modelVersion = QStringLiteral("v1");
        filler.modelFolder = QStringLiteral("iris-v1");
        filler.resourceSlots = {62, qint64(1) << 30, 0};
        filler.replicas = 1;
        require(m_service->createEndpoint(filler), "filler");
        ModifyEndpointRequest upgrade;
        upgrade.modelVersion = QStringLiteral("v2");
        upgrade.modelFolder = QStringLiteral("iris-v2");
        auto modified = m_service->modifyEndpoint(e.name, upgrade);
        QVERIFY2(modified.ok(), modified ? "" : qPrintable(modified.error().message));
        QCOMPARE(modified->rollout->maxSurgePercent, 0);
        QCOMPARE(modified->rollout->maxUnavailable, 1);
        QVERIFY(modified->rollout->reason.contains(QStringLiteral("one replica at a time")));
        auto pass = m_reconciler->runOnce();
        const auto counts = activeByRevision(e);
        QCOMPARE(counts.value(e.currentRevisionId), 1);
        QCOMPARE(counts.value(modified->rollout->toRevisionId), 1);

        // Blue-green needs a whole second set: refused, naming what is missing, nothing stored.
        QCOMPARE(m_service->actOnRollout(e.name, QStringLiteral("current"), RolloutAction::Abort)->rollout.phase,
                 RolloutPhase::Aborted);
        const auto before = m_service->rollouts(e.name)->size();
        RolloutRequest blueGreen;
        blueGreen.modelVersion = QStringLiteral("v3");
        blueGreen.modelFolder = QStringLiteral("iris-v2");
        blueGreen.strategy = RolloutStrategy::BlueGreen;
        auto refused = m_service->startRollout(e.name, blueGreen);
        QCOMPARE(refused.error().type, ErrorType::InsufficientResources);
        QCOMPARE(refused.error().details.value(QStringLiteral("requested_replicas")).toInt(), 2);
        QCOMPARE(m_service->rollouts(e.name)->size(), before);
        QCOMPARE(m_service->revisions(e.name)->size(), 2);
    }

    // A revision outside any rollout (a shadow) is kept at its own count, beside the current one.
    void shadowRevisionKeepsItsOwnCount()
    {
        const Endpoint e = create(QStringLiteral("shadowed"), 2);
        markHealthy(m_reconciler->runOnce()->created);
        ModifyEndpointRequest upgrade;
        upgrade.modelVersion = QStringLiteral("v2");
        upgrade.modelFolder = QStringLiteral("iris-v2");
        upgrade.strategy = RolloutStrategy::Canary;
        auto modified = m_service->modifyEndpoint(e.name, upgrade);
        QVERIFY(modified.ok());
        QVERIFY(m_service->actOnRollout(e.name, QStringLiteral("current"), RolloutAction::Abort).ok());
        const QUuid v2 = modified->rollout->toRevisionId;
        const QString v2Id = v2.toString(QUuid::WithoutBraces);

        RevisionChanges current;
        current.replicas = 3;
        QCOMPARE(m_service->modifyRevision(e.name, e.currentRevisionId.toString(QUuid::WithoutBraces), current).error().type,
                 ErrorType::InvalidArgument);
        RevisionChanges tooMany;
        tooMany.replicas = 100;
        QCOMPARE(m_service->modifyRevision(e.name, v2Id, tooMany).error().type, ErrorType::ResourceLimitExceeded);

        RevisionChanges shadow;
        shadow.mode = RevisionMode::Shadow;
        shadow.replicas = 1;
        auto changed = m_service->modifyRevision(e.name, v2Id, shadow);
        QVERIFY2(changed.ok(), changed ? "" : qPrintable(changed.error().message));
        QVERIFY(m_reconciler->runOnce().ok());
        QCOMPARE(activeByRevision(e).value(v2), 1);
        QCOMPARE(activeByRevision(e).value(e.currentRevisionId), 2);
        shadow.replicas = 0;
        QVERIFY(m_service->modifyRevision(e.name, v2Id, shadow).ok());
        QVERIFY(m_reconciler->runOnce().ok());
        QCOMPARE(activeByRevision(e).value(v2), 0);
        QCOMPARE(activeByRevision(e).value(e.currentRevisionId), 2);
    }

    void routeThatDoesNotFitWaitsAndStartsWhenRoomFrees()
    {
        useCapacity(2);
        const Endpoint a = createQueued(QStringLiteral("qa"), 2, 0);
        QSignalSpy created(m_reconciler.get(), &Reconciler::routeCreated);
        QCOMPARE(m_reconciler->runOnce()->created.size(), 2);
        startAdmitted(a);

        // A manual scale-out past the capacity is still the spec's error; a rule's waits.
        QCOMPARE(m_service->scaleReplicas(a.name, 3).error().type, ErrorType::ResourceLimitExceeded);
        scaleOutByRule(a, 3);
        auto pass = m_reconciler->runOnce();
        QVERIFY(pass->created.isEmpty());
        QCOMPARE(pass->pending.size(), 1);
        auto waiting = withStatus(a, RouteStatus::Pending);
        QCOMPARE(waiting.size(), 1);
        QCOMPARE(waiting.first().pendingReason, QStringLiteral("needs cpu 1, 0 free"));
        QCOMPARE(waiting.first().pendingSince, m_clock->now());
        // Still no room: it keeps waiting, and nothing more is created for it.
        QVERIFY(m_reconciler->runOnce()->created.isEmpty());
        QCOMPARE(routesOf(a).size(), 3);

        // One replica ends (a crash): once its route is gone, the waiting one starts, before the
        // crashed one's replacement (which joins the queue later).
        m_clock->advance(1);
        const Route healthy = withStatus(a, RouteStatus::Healthy).first();
        m_runningReplicas.remove(healthy.id);
        created.clear();
        pass = m_reconciler->runOnce();
        QCOMPARE(pass->zombies, QList<QUuid>{healthy.id});
        QCOMPARE(pass->created, QList<QUuid>{waiting.first().id});
        QCOMPARE(created.count(), 1);
        const Route admitted = **m_repository->route(waiting.first().id);
        QCOMPARE(admitted.status, RouteStatus::Provisioning);
        QVERIFY(admitted.pendingReason.isEmpty());
        QVERIFY(!admitted.pendingSince.isValid());
        // The crashed one's replacement now waits in its place.
        const auto replacement = withStatus(a, RouteStatus::Pending);
        QCOMPARE(replacement.size(), 1);
        QVERIFY(replacement.first().id != waiting.first().id);
        QCOMPARE(m_reconciler->runOnce()->pending, QList<QUuid>{replacement.first().id});
    }

    void queueStartsByPriorityThenAge()
    {
        useCapacity(2);
        const Endpoint base = createQueued(QStringLiteral("base"), 2, 0);
        QVERIFY(m_reconciler->runOnce().ok());
        startAdmitted(base);
        const Endpoint low = createQueued(QStringLiteral("low"), 0, 1);
        const Endpoint high = createQueued(QStringLiteral("high"), 0, 7);
        const Endpoint lowLater = createQueued(QStringLiteral("lowlater"), 0, 1);
        scaleOutByRule(low, 1);
        QVERIFY(m_reconciler->runOnce().ok());
        m_clock->advance(1);
        scaleOutByRule(high, 1);
        scaleOutByRule(lowLater, 1);
        QCOMPARE(m_reconciler->runOnce()->pending.size(), 3);

        // Room for one: the highest priority goes first, though it waited less.
        QVERIFY(m_service->scaleReplicas(base.name, 1).ok());
        auto pass = m_reconciler->runOnce();
        QCOMPARE(pass->draining.size(), 1);
        QVERIFY(pass->created.isEmpty());  // the room is not free until the replica has stopped
        m_runningReplicas.remove(pass->draining.first());
        pass = m_reconciler->runOnce();
        QCOMPARE(pass->created.size(), 1);
        QCOMPARE(withStatus(high, RouteStatus::Provisioning).size(), 1);
        QCOMPARE(withStatus(low, RouteStatus::Pending).size(), 1);
        QCOMPARE(withStatus(lowLater, RouteStatus::Pending).size(), 1);

        // Then, of equal priority, the one that waited longest.
        QVERIFY(m_service->scaleReplicas(base.name, 0).ok());
        pass = m_reconciler->runOnce();
        QCOMPARE(pass->draining.size(), 1);
        m_runningReplicas.remove(pass->draining.first());
        pass = m_reconciler->runOnce();
        QCOMPARE(pass->created.size(), 1);
        QCOMPARE(withStatus(low, RouteStatus::Provisioning).size(), 1);
        QCOMPARE(withStatus(lowLater, RouteStatus::Pending).size(), 1);
    }

    void preemptsOnlyWhereAllowedAndNeverEqualPriority()
    {
        useCapacity(2);
        const Endpoint kept = createQueued(QStringLiteral("kept"), 1, 0, false);
        const Endpoint spare = createQueued(QStringLiteral("spare"), 1, 0, true);
        QVERIFY(m_reconciler->runOnce().ok());
        startAdmitted(kept);
        startAdmitted(spare);
        QSignalSpy recorded(m_reconciler.get(), &Reconciler::errorRecorded);

        const Endpoint peer = createQueued(QStringLiteral("peer"), 0, 0);
        const Endpoint urgent = createQueued(QStringLiteral("urgent"), 0, 5);
        // Equal priority never preempts, even where allowed.
        scaleOutByRule(peer, 1);
        auto pass = m_reconciler->runOnce();
        QVERIFY(pass->preempted.isEmpty());
        QCOMPARE(withStatus(spare, RouteStatus::Healthy).size(), 1);

        // A higher priority takes the room of the one that allows it, not of the other.
        scaleOutByRule(urgent, 1);
        pass = m_reconciler->runOnce();
        const Route victim = routesOf(spare).first();
        QCOMPARE(pass->preempted, QList<QUuid>{victim.id});
        QVERIFY(pass->draining.contains(victim.id));
        QCOMPARE(withStatus(kept, RouteStatus::Healthy).size(), 1);
        QCOMPARE(withStatus(spare, RouteStatus::Terminating).size(), 1);
        QCOMPARE(recorded.count(), 1);
        const auto errors = *m_repository->errors(spare.id, 10, QStringLiteral("Preempted"));
        QCOMPARE(errors.size(), 1);
        QVERIFY2(errors.first().message.contains(QStringLiteral("'urgent'")), qPrintable(errors.first().message));
        QCOMPARE(errors.first().routeId, victim.id.toString(QUuid::WithoutBraces));
        const Route waiting = withStatus(urgent, RouteStatus::Pending).first();
        QVERIFY2(waiting.pendingReason.contains(QStringLiteral("preempting 1 replica(s) of spare")),
                 qPrintable(waiting.pendingReason));

        // While the victim stops, nothing more is preempted and the room is kept for it.
        pass = m_reconciler->runOnce();
        QVERIFY(pass->preempted.isEmpty());
        QVERIFY(pass->created.isEmpty());
        m_runningReplicas.remove(victim.id);
        pass = m_reconciler->runOnce();
        QCOMPARE(pass->created, QList<QUuid>{waiting.id});
        // The preempted endpoint still wants its replica: it waits in the queue again, behind.
        QCOMPARE(m_reconciler->runOnce()->pending.size(), 2);
        QCOMPARE(withStatus(spare, RouteStatus::Pending).size(), 1);
        QCOMPARE(withStatus(peer, RouteStatus::Pending).size(), 1);
        QCOMPARE(recorded.count(), 1);
    }

    void scaleInDropsWaitingRoutesFirst()
    {
        useCapacity(1);
        const Endpoint e = createQueued(QStringLiteral("si"), 1, 0);
        QVERIFY(m_reconciler->runOnce().ok());
        startAdmitted(e);
        scaleOutByRule(e, 3);
        QCOMPARE(m_reconciler->runOnce()->pending.size(), 2);
        QVERIFY(m_service->scaleReplicas(e.name, 1).ok());
        auto pass = m_reconciler->runOnce();
        QVERIFY(pass->draining.isEmpty());  // the waiting ones had nothing to stop
        QCOMPARE(routesOf(e).size(), 1);
        QCOMPARE(routesOf(e).first().status, RouteStatus::Healthy);
    }

    void queueSettingsDecideWhoWaits()
    {
        useCapacity(1);
        const Endpoint e = createQueued(QStringLiteral("qs"), 1, 0);
        ModifyEndpointRequest never;
        never.queueWhenFull = std::optional<bool>(false);
        QVERIFY(m_service->modifyEndpoint(e.name, never).ok());
        ScaleCause rule;
        rule.ruleId = QStringLiteral("rule-1");
        QCOMPARE(m_service->scaleReplicas(e.name, 2, rule).error().type, ErrorType::ResourceLimitExceeded);

        ModifyEndpointRequest always;
        always.queueWhenFull = std::optional<bool>(true);
        QVERIFY(m_service->modifyEndpoint(e.name, always).ok());
        QVERIFY(m_service->scaleReplicas(e.name, 2).ok());
        ModifyEndpointRequest byDefault;
        byDefault.queueWhenFull = std::optional<bool>();
        QVERIFY(m_service->modifyEndpoint(e.name, byDefault).ok());
        QVERIFY(!(*m_repository->endpointById(e.id))->queueWhenFull.has_value());
        QCOMPARE(m_service->scaleReplicas(e.name, 3).error().type, ErrorType::ResourceLimitExceeded);

        ModifyEndpointRequest badPriority;
        badPriority.priority = Endpoint::kMaxPriority + 1;
        QCOMPARE(m_service->modifyEndpoint(e.name, badPriority).error().type, ErrorType::InvalidArgument);
        QCOMPARE((*m_repository->endpointById(e.id))->priority, 0);
    }

    void askingForLessNeverNeedsRoom()
    {
        useCapacity(1);
        const Endpoint a = createQueued(QStringLiteral("fewer"), 1, 0);
        const Endpoint b = createQueued(QStringLiteral("waiter"), 0, 0);
        scaleOutByRule(b, 2);  // queued: the capacity is now spoken for twice over
        ModifyEndpointRequest down;
        down.replicas = 0;
        auto modified = m_service->modifyEndpoint(a.name, down);
        QVERIFY2(modified.ok(), modified ? "" : qPrintable(modified.error().message));
        ModifyEndpointRequest up;
        up.replicas = 1;
        QCOMPARE(m_service->modifyEndpoint(a.name, up).error().type, ErrorType::ResourceLimitExceeded);
        QVERIFY(m_service->scaleReplicas(b.name, 1).ok());
    }

    void agentRefusalWaitsItsTurn()
    {
        useCapacity(2);
        const Endpoint e = createQueued(QStringLiteral("ar"), 1, 0);
        auto pass = m_reconciler->runOnce();
        QCOMPARE(pass->created.size(), 1);
        auto requeued = m_service->requeueRoute(pass->created.first(), QStringLiteral("agent local: 0 of 0 GPUs free"), 5000);
        QVERIFY(requeued.ok());
        QCOMPARE(requeued->status, RouteStatus::Pending);
        // The plane sees room, but the agent said no: not offered again before its time.
        pass = m_reconciler->runOnce();
        QVERIFY(pass->created.isEmpty());
        QCOMPARE(routesOf(e).first().pendingReason, QStringLiteral("agent local: 0 of 0 GPUs free"));
        m_clock->advance(5);
        QCOMPARE(m_reconciler->runOnce()->created, QList<QUuid>{requeued->id});

        // An agent joins: what the others refused is offered again at once.
        requeued = m_service->requeueRoute(requeued->id, QStringLiteral("agent local: 0 of 0 GPUs free"), 5000);
        QVERIFY(requeued.ok());
        QVERIFY(m_reconciler->runOnce()->created.isEmpty());
        QCOMPARE(*m_service->retryRefusedRoutes(), 1);
        QCOMPARE(m_reconciler->runOnce()->created, QList<QUuid>{requeued->id});
    }
};

QTEST_GUILESS_MAIN(TestReconciler)
#include "test_reconciler.moc"
