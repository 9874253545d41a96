#pragma once

#include <memory>

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include "domain/result.h"
#include "agent/capacity.h"
#include "domain/autoscalingrule.h"
#include "auth/signingkeystore.h"
#include "plane/datadirlock.h"
#include "plane/sharedchanges.h"

namespace ServeDeck {

class AgentGateway;
class Autoscaler;
class EndpointMetricsSampler;
class ControlApiServer;
class ProxyServer;
class RoutingPublisher;
class LocalAgent;
class ReplicaDeployer;
class ModelServingService;
class Reconciler;
class RolloutController;
class Repository;
class PlaneSecrets;
class TokenSigner;
class Notifier;
class NotificationSources;
class UsageLedger;
class UsageRecorder;
class JobQueue;
class JobDispatcher;
class ChangeFeed;
class LeaderElection;

struct ControlPlaneOptions
{
    QString dataDir;
    QHostAddress apiAddress = QHostAddress::LocalHost;
    quint16 apiPort = 0;
    bool serveApi = true;
    QHostAddress proxyAddress = QHostAddress::LocalHost;
    quint16 proxyPort = 0;
    bool fallBackToFreePorts = false;  // the console takes free ports when the usual ones are busy
    QString capacity;  // "cpu=16,memory=64G"; empty: this machine's
    int reconcileIntervalMs = 1000;  // 0: no reconciler (tests that drive passes themselves)
    bool runReplicas = true;          // the embedded agent starts replicas for the reconciler's routes
    QStringList modelRoots;
    QStringList toolsDirs;  // runtime programs are looked up here before PATH
    // Remote agents join on agentsAddress:agentsPort, over TLS with the data dir's certificate;
    // apart from the API, so taking agents from the network does not open the API to it.
    QHostAddress agentsAddress = QHostAddress::LocalHost;
    quint16 agentsPort = 0;
    bool listenForAgents = false;
    bool agentsInsecure = false;  // plain ws:// for agents: for tests of that switch only
    bool runLocalAgent = true;     // the embedded agent runs replicas too
    // Metrics sampled and rules evaluated this often (0: no autoscaler). Half a second keeps a load
    // step to a new replica under a second plus its start; the rules' windows absorb the noise.
    int autoscaleIntervalMs = 500;
    // The operator said to keep the signing key in <dataDir>/signing.key and the agent TLS key in
    // <dataDir>/agent-tls.key, not the OS keychain (serve --signing-key-file, SERVEDECK_SIGNING_KEY=file).
    bool signingKeyFromFile = false;
    // Jobs (core/jobs): a RUNNING job whose dispatcher stopped renewing it this long is run again;
    // an endpoint runs at most its HEALTHY replicas x this many jobs at once (1..256, `serve
    // --job-concurrency-per-replica`), unless it has a job concurrency of its own.
    int jobLeaseSeconds = 30;
    int jobConcurrencyPerReplica = 4;
    static constexpr int kMaxJobConcurrencyPerReplica = 256;
    // The store: empty, SQLite in <dataDir>/servedeck.db; else a StoreLocation's text (a SQLite
    // path or postgresql://...), which several consoles and `serve` processes may share.
    QString database;
    // On PostgreSQL: the operator's plane key file (`servedeck plane-key new FILE`, 0600), under
    // which the plane's shared secrets are sealed in the store. Required there; unused on SQLite.
    QString planeKeyFile;
};

// Everything one console or `servedeck serve` runs: the store in the data dir, the keys,
// the service and the listeners. Lives on the control thread.
class ControlPlane final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ControlPlane)

public:
    explicit ControlPlane(QObject *parent = nullptr);
    ~ControlPlane() override;

    Result<Done> start(const ControlPlaneOptions &options);

    ModelServingService &service();
    Repository &repository();
    Reconciler *reconciler() const { return m_reconciler; }
    RolloutController *rollouts() const { return m_rollouts; }
    LocalAgent *agent() const { return m_agent.get(); }
    ProxyServer *proxy() const { return m_proxy; }
    EndpointMetricsSampler *metrics() const { return m_metrics; }
    Autoscaler *autoscaler() const { return m_autoscaler; }
    ReplicaDeployer *deployer() const { return m_deployer; }
    ControlApiServer *api() const { return m_api; }  // null when the API is off
    QString dataDir() const { return m_options.dataDir; }
    QString adminTokenFile() const;
    QByteArray adminToken() const { return m_adminToken; }
    QString apiAddress() const;    // host:port, empty when the API is off
    QString proxyAddress() const;  // host:port
    QString agentsAddress() const;  // host:port where remote agents join, empty when not listening
    QString agentJoinTokenFile() const;
    // What `servedeck agent --join` takes (address, join token, certificate fingerprint); empty when not listening.
    QString agentJoinString() const;
    // Where the token signing key is kept: "keychain", "file", or "database" (a shared plane's, sealed).
    QString signingKeyBackend() const
    {
        return m_planeSecrets ? QStringLiteral("database") : SigningKeyStore::backendName(m_keyBackend);
    }

    // Reads the admin token file, creating it (random, mode 0600 from creation) on first start.
    static Result<QByteArray> loadOrCreateAdminToken(const QString &path);

    // GET /v1/agents: every agent replicas run on, and every remote one that holds a credential
    // (a revoked one too), with its credential's state.
    QJsonArray agentsReport() const;

    // Notifications: channels, alert rules and deliveries (core/notify), fed by the service's,
    // gateway's, rollouts' and sampler's events.
    Notifier *notifier() const { return m_notifier; }

    // Asynchronous jobs: the queue (null before start) and what runs it through the proxy.
    JobQueue *jobs() const { return m_jobs.get(); }
    JobDispatcher *jobDispatcher() const { return m_jobDispatcher.get(); }

private:
    void adoptOrphanedRoutes();
    void wireAgentCredentials();
    Result<Done> startAutoscaling();
    void applyAutoscaleSettings(const ServeDeck::AutoscaleSettings &settings);
    void startNotifications();  // controlplane_notifications.cpp
    Result<Done> startUsage();  // controlplane_usage.cpp
    void startJobs();           // controlplane_jobs.cpp
    Result<Done> loadKeys();    // controlplane_secrets.cpp

    // First member, so released last: no second plane may start while this one still stops replicas.
    DataDirLock m_lock;
    ControlPlaneOptions m_options;
    QByteArray m_adminToken;
    QByteArray m_agentJoinToken;
    QByteArray m_agentCertificateSha256;  // empty on an insecure channel
    SigningKeyStore::Backend m_keyBackend = SigningKeyStore::Backend::File;
    std::unique_ptr<Repository> m_repository;
    std::unique_ptr<PlaneSecrets> m_planeSecrets;  // a shared plane's (PostgreSQL) only
    std::shared_ptr<const TokenSigner> m_signer;  // shared with the data plane's worker threads
    std::unique_ptr<ModelServingService> m_service;
    // Declared after the service: replicas stop (and report) before the service goes away.
    std::unique_ptr<LocalAgent> m_agent;
    ReplicaDeployer *m_deployer = nullptr;
    Reconciler *m_reconciler = nullptr;
    RolloutController *m_rollouts = nullptr;
    ControlApiServer *m_api = nullptr;
    ProxyServer *m_proxy = nullptr;
    RoutingPublisher *m_routing = nullptr;
    AgentGateway *m_gateway = nullptr;
    EndpointMetricsSampler *m_metrics = nullptr;
    Autoscaler *m_autoscaler = nullptr;
    QTimer *m_autoscaleTick = nullptr;
    Notifier *m_notifier = nullptr;
    NotificationSources *m_notificationSources = nullptr;
    // Usage accounting (core/usage): released first in the destructor, before what feeds them.
    std::unique_ptr<UsageLedger> m_usageLedger;
    std::unique_ptr<UsageRecorder> m_usageRecorder;
    // Jobs: last, so released before the store and the proxy they use.
    std::unique_ptr<JobQueue> m_jobs;
    std::unique_ptr<JobDispatcher> m_jobDispatcher;

    // Issue 18: what other consoles commit to a shared store, followed (controlplane_changes.cpp).
public:
    ChangeFeed *changeFeed() const { return m_changeFeed; }  // null on SQLite
Q_SIGNALS:
    void sharedChanges(const ServeDeck::SharedChanges &changes);
private:
    struct ChangeState;
    Result<Done> startChangeFeed();
    void followSharedChanges(const QSet<QString> &tables, bool tell = true);
    ChangeFeed *m_changeFeed = nullptr;
    std::shared_ptr<ChangeState> m_changeState;
    // Leadership on a shared plane (controlplane_leadership.cpp): one node runs the reconciler,
    // the deployer, the autoscaler's decisions, rollouts, job dispatch, notifications and usage
    // roll-ups; on SQLite this one, always, as before.
public:
    LeaderElection *election() const { return m_election; }
    bool isLeader() const;
    QString nodeId() const { return m_nodeId; }
    QJsonObject planeReport() const;  // GET /v1/plane

Q_SIGNALS:
    void leadershipChanged(bool leader, qint64 epoch);

private:
    Result<Done> prepareLeadership();  // once the store is open: this node's id, the election
    void startLeadership();            // once everything runs: the election starts
    void setLeading(bool leader, qint64 epoch);
    QString localAgentId() const;  // "local", or on a shared plane "local-<node id>"

    QString m_nodeId;
    LeaderElection *m_election = nullptr;
    bool m_leading = true;
    qint64 m_leadingEpoch = 0;
    bool m_jobsDispatching = false;

    // Remote agents on a shared plane (controlplane_agentsplane.cpp): one join token for the
    // whole plane, followers send agents to the leader, and every node finds every agent's host.
private:
    Result<QByteArray> loadAgentJoinToken();
    void startAgentsPlane();  // after startLeadership(): this node's row, the gateway's redirects
    void recordPlaneNode();
    QString ownAgentsAddress() const;  // host:port as agents elsewhere reach it
    QTimer *m_planeNodeTick = nullptr;
};

} // namespace ServeDeck
