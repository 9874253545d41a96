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
        m_repository = std::make_unique<Repository>();
        QVERIFY(m_repository->open(m_dir->filePath(QStringLiteral("db.sqlite"))).ok());
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
};

QTEST_GUILESS_MAIN(TestReconciler)
#include "test_reconciler.moc"
