#pragma once

#include <QObject>
#include <QUuid>

#include "agent/replicaspec.h"
#include "domain/result.h"

namespace ServeDeck {

class LocalAgent;
class ModelServingService;
class Repository;

// Turns the reconciler's decisions into replicas on an agent, and what the agent reports into
// route states and error records, all through the service so every observer hears of it.
class ReplicaDeployer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplicaDeployer)

public:
    ReplicaDeployer(ModelServingService &service, Repository &repository, LocalAgent &agent, QObject *parent = nullptr);

    // RouteCreated: start its replica. A route that cannot start gets a StartFailed error.
    void deploy(const QUuid &routeId);
    // The route is draining: stop its replica gracefully.
    void drain(const QUuid &routeId);
    // Built from the route's revision: its model folder's definition and the endpoint's limits.
    Result<ReplicaSpec> specFor(const QUuid &routeId);

Q_SIGNALS:
    // Something changed that the reconciler should look at soon (a replica ended).
    void reconcileWanted();

private:
    void onExited(const QUuid &routeId, const ReplicaExit &exit);
    void failStart(const QUuid &routeId, const QUuid &endpointId, const QString &message);

    ModelServingService &m_service;
    Repository &m_repository;
    LocalAgent &m_agent;
};

} // namespace ServeDeck
