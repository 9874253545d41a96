#pragma once

#include <functional>

#include <QDeadlineTimer>
#include <QObject>
#include <QSet>
#include <QUuid>

#include "agent/replicaspec.h"
#include "domain/errorrecord.h"
#include "domain/route.h"
#include "domain/result.h"
#include "runtime/launchplan.h"

namespace ServeDeck {

class AgentConnector;
class ModelServingService;
class Repository;

// Turns the reconciler's decisions into replicas on an agent, and what the agent reports into
// route states and error records, all through the service so every observer hears of it.
class ReplicaDeployer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplicaDeployer)

public:
    ReplicaDeployer(ModelServingService &service, Repository &repository, QObject *parent = nullptr);

    // Agents replicas can be placed on (not owned). A new replica goes to the connected agent
    // running the fewest; an agent that is lost takes its replicas with it and they are replaced.
    void addAgent(AgentConnector *agent);
    void removeAgent(AgentConnector *agent);
    QList<AgentConnector *> agents() const { return m_agents; }
    // The reconciler's probe: does this route's replica still run on its agent?
    bool isRunning(const Route &route) const;

    // RouteCreated: start its replica. A route that cannot start gets a StartFailed error.
    void deploy(const QUuid &routeId);
    // Routes created while no agent could take them: deployed when one joins.
    void deployPending();
    // The route is draining: the data plane stops sending it requests (it is TERMINATING), and
    // its replica is stopped once those already sent are answered, or after drainGraceMs.
    void drain(const QUuid &routeId);
    // Requests in flight to a route, as the data plane counts them; unset: none are waited for.
    void setInFlightProbe(std::function<quint64(const QUuid &routeId)> probe) { m_inFlight = std::move(probe); }
    static constexpr int drainGraceMs = 10000;
    // An agent that refused a replica for want of resources is asked again after this long.
    static constexpr int kRequeueAfterMs = 5000;
    // Built from the route's revision: its model folder's definition and the endpoint's limits.
    Result<ReplicaSpec> specFor(const QUuid &routeId);
    // What a replica of this plan runs, with this many GPUs; the route's ids and the endpoint's
    // resources are specFor's to add.
    static ReplicaSpec specFrom(const LaunchPlan &plan, int gpuCount);

Q_SIGNALS:
    // Something changed that the reconciler should look at soon (a replica ended).
    void reconcileWanted();

private:
    void onUnhealthy(AgentConnector *agent, const QUuid &routeId, const QString &reason, const QString &logTail);
    void onExited(AgentConnector *agent, const QUuid &routeId, const ReplicaExit &exit);
    void onLost(AgentConnector *agent, const QString &reason);
    void failStart(const QUuid &routeId, const QUuid &endpointId, const QString &message);
    void stopWhenIdle(const QUuid &routeId, QDeadlineTimer deadline);
    AgentConnector *agentNamed(const QString &agentId) const;
    ErrorRecord errorFor(const Route &route, const QString &agentId, const QString &type, const QString &message) const;

    ModelServingService &m_service;
    Repository &m_repository;
    QList<AgentConnector *> m_agents;
    std::function<quint64(const QUuid &)> m_inFlight;
    QSet<QUuid> m_draining;  // a drain asked again while one waits is the same drain
};

} // namespace ServeDeck
