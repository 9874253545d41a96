// Leadership on a shared plane (issue 18): which node runs the leader-only work, switched on and
// off as the election says, and fenced by the epoch it was elected with.
#include "controlplane.h"

#include <QDir>
#include <QFile>
#include <QHostInfo>
#include <QRegularExpression>
#include <QUuid>

#include "agent/agentgateway.h"
#include "agent/localagent.h"
#include "agent/remoteagentconnection.h"
#include "api/controlapiserver.h"
#include "auth/secretfile.h"
#include "jobs/jobdispatcher.h"
#include "notify/notifier.h"
#include "plane/leaderelection.h"
#include "plane/planelog.h"
#include "scheduler/reconciler.h"
#include "service/replicadeployer.h"
#include "service/rolloutcontroller.h"
#include "store/repository.h"
#include "usage/usageledger.h"

namespace ServeDeck {

namespace {

constexpr qsizetype kNodeIdLength = 16;

// This node's id, kept in the data dir so a restarted node is the same node: 16 hex digits.
Result<QString> loadOrCreateNodeId(const QString &dataDir)
{
    const QString path = QDir(dataDir).filePath(QStringLiteral("node.id"));
    QFile file(path);
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly))
            return makeError(ErrorType::StorageError, QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
        const QString id = QString::fromLatin1(file.read(kNodeIdLength + 2)).trimmed();
        static const QRegularExpression valid(QStringLiteral("^[0-9a-f]{16}$"));
        if (!valid.match(id).hasMatch())
            return makeError(ErrorType::InvalidArgument,
                             QStringLiteral("%1 holds no node id (16 hex digits); remove it to get a new one").arg(path));
        return id;
    }
    const QString id = QUuid::createUuid().toString(QUuid::Id128).left(kNodeIdLength);
    if (auto created = SecretFile::create(path, id.toLatin1() + '\n'); !created)
        return created.error();
    return id;
}

} // namespace

bool ControlPlane::isLeader() const
{
    // The election's own check reads the clock too: a process resumed after a freeze has not
    // run its watchdog yet.
    return m_leading && (!m_repository || !m_repository->isPostgres() || !m_election || m_election->isLeader());
}

QString ControlPlane::localAgentId() const
{
    // Routes name the agent that runs them: on a shared plane, which node's console.
    return m_repository && m_repository->isPostgres() ? QStringLiteral("local-") + m_nodeId : QStringLiteral("local");
}

Result<Done> ControlPlane::prepareLeadership()
{
    auto id = loadOrCreateNodeId(m_options.dataDir);
    if (!id)
        return id.error();
    m_nodeId = *id;
    LeaderElectionOptions options;
    options.nodeId = m_nodeId;
    options.nodeName = QHostInfo::localHostName() + u'/' + m_nodeId.left(6);
    m_election = new LeaderElection(m_repository->location(), options, this);
    // SQLite: one node, the leader from the start, so everything starts as it always did.
    m_leading = !m_repository->isPostgres();
    m_leadingEpoch = m_leading ? 1 : 0;
    return Done{};
}

void ControlPlane::startLeadership()
{
    // A follower's reconciler and rollouts run no pass, not even one that a change asks for.
    if (!m_leading) {
        if (m_reconciler)
            m_reconciler->stop();
        if (m_rollouts)
            m_rollouts->stop();
    }
    connect(m_election, &LeaderElection::leadershipChanged, this, &ControlPlane::setLeading);
    if (m_notifier)
        m_notifier->setActive(m_leading);
    if (m_api)
        m_api->setPlaneReport([this] { return planeReport(); });
    m_election->start();
}

void ControlPlane::setLeading(bool leader, qint64 epoch)
{
    if (leader == m_leading && (!leader || epoch == m_leadingEpoch))
        return;
    const bool was = m_leading;
    const qint64 wasEpoch = m_leadingEpoch;
    m_leading = leader;
    m_leadingEpoch = leader ? epoch : 0;
    // Every write this node makes as the leader carries the epoch it was elected with.
    if (m_repository->isPostgres())
        m_repository->setFencingEpoch(leader ? std::optional<qint64>(epoch) : std::nullopt);
    if (m_notifier)
        m_notifier->setActive(leader);
    if (leader && !was) {
        qCInfo(lcPlane, "leading the plane at epoch %lld", static_cast<long long>(epoch));
        if (m_deployer && m_agent && !m_deployer->agents().contains(m_agent.get()))
            m_deployer->addAgent(m_agent.get());
        if (m_reconciler)
            m_reconciler->start(m_options.reconcileIntervalMs);
        if (m_rollouts)
            m_rollouts->start(m_options.reconcileIntervalMs);
        // Routes on agents this node cannot reach (the former leader's) are zombies the
        // reconciler replaces; routes created and never started start here.
        if (m_deployer)
            adoptOrphanedRoutes();
        if (m_usageLedger) {
            if (auto recovered = m_usageLedger->recover(); !recovered)
                qCWarning(lcPlane, "usage ledger: %s", qPrintable(recovered.error().message));
        }
        if (m_jobDispatcher && !m_jobsDispatching) {
            m_jobDispatcher->start();
            m_jobsDispatching = true;
        }
    } else if (!leader && was) {
        qCWarning(lcPlane, "following the plane: the lease of epoch %lld is lost", static_cast<long long>(wasEpoch));
        if (m_reconciler)
            m_reconciler->stop();
        if (m_rollouts)
            m_rollouts->stop();
        if (m_jobDispatcher && m_jobsDispatching) {
            m_jobDispatcher->stop();
            m_jobsDispatching = false;
        }
        // The new leader replaces what ran here: the embedded agent stops its replicas, out of
        // the deployer's sight so that their ends are not reported as failures of its routes.
        if (m_deployer && m_agent) {
            m_deployer->removeAgent(m_agent.get());
            m_agent->stopAll(3000);
        }
        // Remote agents go to the new leader (a follower redirects them when they connect again),
        // keeping their replicas for it; out of the deployer's sight first, so that their going
        // writes nothing (no AgentLost, no route state) from a node whose writes are not fenced.
        if (m_gateway) {
            if (m_deployer) {
                for (RemoteAgentConnection *connection : m_gateway->agents())
                    m_deployer->removeAgent(connection);
            }
            m_gateway->releaseAgents(QStringLiteral("this console no longer leads the plane"));
        }
    }
    Q_EMIT leadershipChanged(leader, epoch);
}

QJsonObject ControlPlane::planeReport() const
{
    const LeaderState state = m_election ? m_election->state() : LeaderState{};
    QJsonObject out{
        {QStringLiteral("node_id"), m_nodeId},
        {QStringLiteral("node_name"), state.nodeName},
        {QStringLiteral("role"), isLeader() ? QStringLiteral("leader") : QStringLiteral("follower")},
        {QStringLiteral("leader_id"), state.leaderId},
        {QStringLiteral("leader_name"), state.leaderName},
        {QStringLiteral("epoch"), state.epoch},
        {QStringLiteral("shared"), m_repository && m_repository->isPostgres()},
        {QStringLiteral("database"), m_repository ? m_repository->location().displayName() : QString()},
        {QStringLiteral("connected"), state.connected},
    };
    if (state.leaseAgeMs >= 0)
        out.insert(QStringLiteral("lease_age_ms"), state.leaseAgeMs);
    if (!state.error.isEmpty())
        out.insert(QStringLiteral("error"), state.error);
    return out;
}

} // namespace ServeDeck
