#include "controlplane.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostInfo>
#include <QJsonDocument>
#include <QNetworkInterface>
#include <QPointer>
#include <QSaveFile>

#include <openssl/rand.h>

#include "api/controlapiserver.h"
#include "api/jsoncodec.h"
#include "auth/secretfile.h"
#include "auth/signingkeystore.h"
#include "auth/tokensigner.h"
#include "domain/clock.h"
#include "proxy/proxyserver.h"
#include "service/rolloutcontroller.h"
#include "service/routingpublisher.h"
#include "agent/agentcertificate.h"
#include "agent/agentgateway.h"
#include "agent/joinstring.h"
#include "autoscale/autoscaler.h"
#include "service/endpointmetricssampler.h"
#include "agent/localagent.h"
#include "scheduler/reconciler.h"
#include "service/replicadeployer.h"
#include "service/modelservingservice.h"
#include "store/repository.h"
#include "plane/agenttlskeystore.h"
#include "plane/planelog.h"
#include "notify/notificationsources.h"
#include "notify/notifier.h"
#include "usage/usageledger.h"
#include "usage/usagerecorder.h"
#include "jobs/jobdispatcher.h"
#include "jobs/jobqueue.h"
#include "plane/planesecrets.h"

namespace ServeDeck {

namespace {

QString hostPort(const QHostAddress &address, quint16 port)
{
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
        ? u'[' + address.toString() + u']'
        : address.toString();
    return host + u':' + QString::number(port);
}

bool isAnyAddress(const QHostAddress &address)
{
    return address == QHostAddress::Any || address == QHostAddress::AnyIPv4 || address == QHostAddress::AnyIPv6;
}

// Where agents on other machines reach a channel that listens on every address: this machine's
// first IPv4 address that is neither loopback nor link-local, else its host name.
QString reachableHost(const QHostAddress &listening)
{
    if (!isAnyAddress(listening))
        return listening.toString();
    for (const QHostAddress &address : QNetworkInterface::allAddresses()) {
        if (!address.isLoopback() && !address.isLinkLocal() && address.protocol() == QAbstractSocket::IPv4Protocol)
            return address.toString();
    }
    return QHostInfo::localHostName();
}

// What the certificate names: the address asked for, or where the channel is reachable when it
// is every address. Agents pin the certificate itself, so this is for other tools' sake.
QStringList certificateHosts(const QHostAddress &listening)
{
    if (!isAnyAddress(listening))
        return {listening.toString()};
    QStringList hosts{QHostInfo::localHostName(), QStringLiteral("localhost")};
    for (const QHostAddress &address : QNetworkInterface::allAddresses()) {
        if (!address.isLinkLocal())
            hosts.append(address.toString());
    }
    return hosts;
}

} // namespace

ControlPlane::ControlPlane(QObject *parent)
    : QObject(parent)
{
}

ControlPlane::~ControlPlane()
{
    // Stop deciding before stopping replicas: a reconciler still running during shutdown would
    // replace every replica the shutdown stops; nor may the autoscaler ask for new ones.
    // Notifications go first: their pending deliveries must not outlive the store they record into.
    delete m_notificationSources;
    m_notificationSources = nullptr;
    delete m_notifier;
    m_notifier = nullptr;
    // No job is sent once stopping begins; one cut short by the replicas stopping is run again
    // after its lease, here or at the next start.
    m_jobDispatcher.reset();
    // Usage accounting stops first: what stopping replicas changes from here on is not counted.
    m_usageRecorder.reset();
    m_usageLedger.reset();
    delete m_autoscaleTick;
    m_autoscaleTick = nullptr;
    delete m_rollouts;
    m_rollouts = nullptr;
    delete m_reconciler;
    m_reconciler = nullptr;
    delete m_deployer;
    m_deployer = nullptr;
    if (m_agent)
        m_agent->stopAll(3000);
}

ModelServingService &ControlPlane::service()
{
    return *m_service;
}

Repository &ControlPlane::repository()
{
    return *m_repository;
}

QString ControlPlane::adminTokenFile() const
{
    return QDir(m_options.dataDir).filePath(QStringLiteral("admin.token"));
}

QString ControlPlane::apiAddress() const
{
    return m_api ? hostPort(m_options.apiAddress, m_api->port()) : QString();
}

QString ControlPlane::agentsAddress() const
{
    return m_gateway ? hostPort(m_gateway->address(), m_gateway->port()) : QString();
}

QString ControlPlane::agentJoinTokenFile() const
{
    return QDir(m_options.dataDir).filePath(QStringLiteral("agent.token"));
}

QString ControlPlane::agentJoinString() const
{
    if (!m_gateway || m_agentCertificateSha256.isEmpty())
        return QString();
    auto join = JoinString::make(reachableHost(m_gateway->address()), m_gateway->port(), m_agentJoinToken,
                                 m_agentCertificateSha256);
    if (!join) {
        // A hand-edited agent.token may hold characters a join string cannot carry.
        qCWarning(lcPlane, "no agent join string: %s", qPrintable(join.error().message));
        return QString();
    }
    return join->toString();
}

QString ControlPlane::proxyAddress() const
{
    return m_proxy ? hostPort(m_options.proxyAddress, m_proxy->serverPort()) : QString();
}

Result<QByteArray> ControlPlane::loadOrCreateAdminToken(const QString &path)
{
    QFile existing(path);
    if (existing.exists()) {
        if (existing.permissions() & (QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther))
            return makeError(ErrorType::InvalidArgument,
                             QStringLiteral("%1 is readable by others; make it mode 0600").arg(path));
        if (!existing.open(QIODevice::ReadOnly))
            return makeError(ErrorType::StorageError, QStringLiteral("cannot read %1: %2").arg(path, existing.errorString()));
        const QByteArray token = existing.readAll().trimmed();
        if (token.size() < 32)
            return makeError(ErrorType::InvalidArgument, QStringLiteral("%1 holds no usable admin token").arg(path));
        return token;
    }
    QByteArray random(32, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(random.data()), int(random.size())) != 1)
        return makeError(ErrorType::StorageError, QStringLiteral("no random bytes for the admin token"));
    const QByteArray token = random.toHex();
    if (auto created = SecretFile::create(path, token + '\n'); !created)
        return created.error();
    return token;
}

void ControlPlane::wireAgentCredentials()
{
    // Credentials are kept with everything else; a revocation cuts the agent off at once, and
    // the gateway reads the store at every hello, so it cannot come back either.
    Repository *repository = m_repository.get();
    m_gateway->setCredentialStore(
        {[repository](const QString &agentId) { return repository->agentCredential(agentId); },
         [repository](const AgentCredential &credential) {
             return repository->transaction<Done>([&] { return repository->insertAgentCredential(credential); });
         }});
    AgentGateway *gateway = m_gateway;
    connect(m_service.get(), &ModelServingService::agentRevoked, gateway, [gateway](const QString &agentId) {
        gateway->disconnectAgent(agentId, QStringLiteral("agent credential revoked"));
    });
}

QJsonArray ControlPlane::agentsReport() const
{
    QHash<QString, AgentCredential> credentials;
    if (auto list = m_repository->agentCredentials()) {
        for (const AgentCredential &c : std::as_const(*list))
            credentials.insert(c.agentId, c);
    } else {
        qCWarning(lcPlane, "agent credentials unreadable: %s", qPrintable(list.error().message));
    }
    const auto withCredential = [&credentials](QJsonObject row, const QString &agentId, bool connected) {
        const auto it = credentials.constFind(agentId);
        const QJsonObject fields = JsonCodec::credentialFields(it == credentials.cend() ? std::nullopt
                                                                                        : std::optional(*it));
        for (auto f = fields.begin(); f != fields.end(); ++f)
            row.insert(f.key(), f.value());
        row.insert(QStringLiteral("connected"), connected);
        return row;
    };
    QJsonArray agents;
    const QList<AgentConnector *> joined = m_deployer ? m_deployer->agents() : QList<AgentConnector *>();
    for (const AgentConnector *agent : joined) {
        agents.append(withCredential(JsonCodec::toJson(agent->status(), m_service->allocated()), agent->agentId(),
                                     agent->isConnected()));
        credentials.remove(agent->agentId());
    }
    // Remote agents away (or revoked): known by their credential, nothing to report of them now.
    QStringList away = credentials.keys();
    away.sort();
    for (const QString &agentId : std::as_const(away)) {
        AgentStatus status;
        status.agentId = agentId;
        status.kind = QStringLiteral("remote");
        agents.append(withCredential(JsonCodec::toJson(status, ResourceSlots{}), agentId, false));
    }
    return agents;
}

void ControlPlane::adoptOrphanedRoutes()
{
    // Replicas die with the console that started them (PDEATHSIG). After a restart, routes that
    // had one are zombies the reconciler replaces; routes created but never started start now.
    QMetaObject::invokeMethod(m_deployer, &ReplicaDeployer::deployPending, Qt::QueuedConnection);
}

Result<Done> ControlPlane::start(const ControlPlaneOptions &options)
{
    m_options = options;
    // 0700 from creation: the database, tokens and keys inside are the operator's alone.
    if (auto made = SecretFile::makePrivateDir(m_options.dataDir); !made)
        return makeError(ErrorType::StorageError, QStringLiteral("cannot create the data dir %1: %2")
                                                      .arg(m_options.dataDir, made.error().message));
    m_options.dataDir = QDir(m_options.dataDir).absolutePath();
    // Before anything opens the database: two planes on one SQLite file kill each other's replicas.
    if (auto locked = m_lock.acquire(m_options.dataDir); !locked)
        return locked.error();

    Capacity capacity = Capacity::detectLocal();
    if (!m_options.capacity.isEmpty()) {
        auto parsed = Capacity::parse(m_options.capacity, capacity);
        if (!parsed)
            return parsed.error();
        capacity = *parsed;
    }

    auto token = loadOrCreateAdminToken(adminTokenFile());
    if (!token)
        return token.error();
    m_adminToken = *token;
    m_repository = std::make_unique<Repository>();
    auto storeLocation = m_options.database.isEmpty()
        ? Result<StoreLocation>(StoreLocation::sqlite(QDir(m_options.dataDir).filePath(QStringLiteral("servedeck.db"))))
        : StoreLocation::parse(m_options.database);
    if (!storeLocation)
        return storeLocation.error();
    if (auto opened = m_repository->open(*storeLocation); !opened)
        return opened.error();
    // The token-signing key (controlplane_secrets.cpp): the keychain's or the data dir's, or on a
    // shared plane the one sealed in the store under the plane key. Before anything signs or checks.
    if (auto keys = loadKeys(); !keys)
        return keys.error();
    if (auto prepared = prepareLeadership(); !prepared)
        return prepared.error();

    // The data-plane listener comes first: endpoint URLs name its address.
    m_proxy = new ProxyServer(ProxyServer::Options{}, m_signer, this);
    const bool proxyListening = m_proxy->listen(m_options.proxyAddress, m_options.proxyPort)
        || (m_options.fallBackToFreePorts && m_proxy->listen(m_options.proxyAddress, 0));
    if (!proxyListening)
        return makeError(ErrorType::StorageError, QStringLiteral("cannot listen on %1 for the proxy: %2")
                                                      .arg(hostPort(m_options.proxyAddress, m_options.proxyPort),
                                                           m_proxy->errorString()));
    m_routing = new RoutingPublisher(*m_repository, *m_proxy, this);

    ServiceConfig config;
    config.capacity = capacity;
    config.proxyBaseUrl = QStringLiteral("http://") + proxyAddress();
    config.modelRoots = m_options.modelRoots;
    config.toolsDirs = m_options.toolsDirs;
    config.remoteAgents = m_options.listenForAgents;
    if (auto rebased = m_repository->rebaseEndpointUrls(config.proxyBaseUrl); !rebased)
        return rebased.error();
    m_service = std::make_unique<ModelServingService>(*m_repository, *m_signer, config, Clock::system());
    // Every change that can alter who serves what re-publishes the data plane's routing snapshot.
    connect(m_service.get(), &ModelServingService::routesChanged, m_routing, &RoutingPublisher::schedule);
    connect(m_service.get(), &ModelServingService::endpointChanged, m_routing, &RoutingPublisher::schedule);
    connect(m_service.get(), &ModelServingService::tokensChanged, m_routing, &RoutingPublisher::schedule);
    // Upstream failures (502/504) become error records of their endpoint and route; the proxy
    // already keeps it to one per route per 10 s, so a flood writes a handful of rows.
    m_proxy->setUpstreamErrorHandler([this](const ProxyServer::UpstreamErrorReport &report) {
        ErrorRecord record;
        record.endpointId = report.endpointId;
        record.routeId = report.routeId.toString(QUuid::WithoutBraces);
        record.type = report.type;
        record.message = report.count > 1
            ? QStringLiteral("%1 upstream failures since the last report; the latest: %2").arg(report.count).arg(report.message)
            : report.message;
        if (auto route = m_repository->route(report.routeId); route && route->has_value()) {
            record.replicaId = (*route)->replicaId;
            record.agentId = (*route)->agentId;
        }
        if (auto recorded = m_service->recordError(record); !recorded)
            qCWarning(lcPlane, "upstream error not recorded: %s", qPrintable(recorded.error().message));
    });
    if (auto published = m_routing->publishNow(); !published)
        return published.error();

    if (m_options.reconcileIntervalMs > 0) {
        m_reconciler = new Reconciler(*m_repository, Clock::system(), config.maxRetries, this);
        // Replicas beyond the capacity wait in its pending queue; Preempted records are the service's errors.
        m_reconciler->setCapacity(config.capacity.total);
        connect(m_reconciler, &Reconciler::errorRecorded, m_service.get(), &ModelServingService::errorRecorded);
        // What the reconciler changes reaches observers as the service's own events.
        connect(m_reconciler, &Reconciler::endpointChanged, m_service.get(), &ModelServingService::endpointChanged);
        connect(m_reconciler, &Reconciler::routesChanged, m_service.get(), &ModelServingService::routesChanged);
        connect(m_service.get(), &ModelServingService::endpointChanged, m_reconciler, &Reconciler::scheduleSoon);
        connect(m_service.get(), &ModelServingService::routesChanged, m_reconciler, &Reconciler::scheduleSoon);
        connect(m_reconciler, &Reconciler::passFailed, this,
                [](const QString &message) { qCWarning(lcPlane, "reconciler pass failed: %s", qPrintable(message)); });
        if (m_options.runReplicas) {
            m_deployer = new ReplicaDeployer(*m_service, *m_repository, this);
            if (m_options.runLocalAgent) {
                m_agent = std::make_unique<LocalAgent>(localAgentId());
                if (!m_options.capacity.isEmpty())
                    m_agent->setCapacityOverride(capacity);
                if (isLeader())  // a follower's embedded agent runs no replicas
                    m_deployer->addAgent(m_agent.get());
            }
            if (m_options.listenForAgents) {
                // A separate token from the admin one: an agent may run replicas, not administer.
                // The data dir's agent.token; on a shared plane the plane's (controlplane_agentsplane.cpp).
                auto joinToken = loadAgentJoinToken();
                if (!joinToken)
                    return joinToken.error();
                m_agentJoinToken = *joinToken;
                m_gateway = new AgentGateway(*joinToken, this);
                if (m_options.agentsInsecure) {
                    m_gateway->setInsecure(true);
                } else {
                    // Its private key in the OS keychain where one answers, as the signing key; the one
                    // switch that puts the signing key in its file does the same for this key.
                    // On a shared plane, the identity sealed in the store: every console presents the
                    // certificate agents pinned from any one's join string.
                    auto certificate = m_planeSecrets
                        ? m_planeSecrets->agentCertificate(certificateHosts(m_options.agentsAddress))
                        : AgentTlsKeyStore::loadOrCreate(
                              m_options.dataDir, certificateHosts(m_options.agentsAddress), QStringLiteral("ServeDeck"),
                              nullptr, KeychainSecret::DefaultTimeout,
                              m_options.signingKeyFromFile ? KeychainSecret::Source::FileOnly
                                                           : KeychainSecret::Source::KeychainFirst);
                    if (!certificate)
                        return certificate.error();
                    m_agentCertificateSha256 = certificate->sha256();
                    m_gateway->setTlsConfiguration(certificate->serverConfiguration());
                }
                wireAgentCredentials();
                if (!m_gateway->listen(m_options.agentsAddress, m_options.agentsPort))
                    return makeError(ErrorType::StorageError, QStringLiteral("cannot listen on %1 for agents: %2")
                                                                  .arg(hostPort(m_options.agentsAddress, m_options.agentsPort),
                                                                       m_gateway->errorString()));
                connect(m_gateway, &AgentGateway::agentJoined, m_deployer, &ReplicaDeployer::addAgent);
                connect(m_gateway, &AgentGateway::agentLeft, m_deployer, &ReplicaDeployer::removeAgent);
            }
            // Guarded: the deployer may go before what calls these during shutdown.
            const QPointer<const ReplicaDeployer> deployer = m_deployer;
            m_routing->setHostResolver([deployer](const QString &agentId) {
                for (const AgentConnector *agent : deployer ? deployer->agents() : QList<AgentConnector *>()) {
                    if (agent->agentId() == agentId)
                        return agent->replicaHost();
                }
                return QString();
            });
            m_reconciler->setReplicaProbe([deployer](const Route &route) { return deployer && deployer->isRunning(route); });
            const ProxyServer *proxy = m_proxy;
            m_deployer->setInFlightProbe([proxy](const QUuid &routeId) {
                const auto counters = proxy->routeCounters();
                const auto it = counters.constFind(routeId);
                return it == counters.cend() ? quint64(0) : it->inFlight;
            });
            connect(m_reconciler, &Reconciler::routeCreated, m_deployer, &ReplicaDeployer::deploy);
            connect(m_reconciler, &Reconciler::routeDrainRequested, m_deployer, &ReplicaDeployer::drain);
            connect(m_deployer, &ReplicaDeployer::reconcileWanted, m_reconciler, &Reconciler::scheduleSoon);
            if (isLeader())
                adoptOrphanedRoutes();
        }
        if (isLeader())
            m_reconciler->start(m_options.reconcileIntervalMs);

        m_rollouts = new RolloutController(*m_service, *m_repository, Clock::system(), ProxyServer::latencyBucketBounds(), this);
        const ProxyServer *proxy = m_proxy;
        m_rollouts->setCounterSource([proxy] {
            QHash<QUuid, RevisionCounters> out;
            const auto counters = proxy->routeCounters();
            for (auto it = counters.cbegin(); it != counters.cend(); ++it)
                out.insert(it.key(), {qint64(it->requests), qint64(it->errors), it->latencyBuckets});
            return out;
        });
        // A rollout's change reshapes replicas and traffic; a route's change may finish a rollout.
        connect(m_service.get(), &ModelServingService::rolloutChanged, m_reconciler, &Reconciler::scheduleSoon);
        connect(m_service.get(), &ModelServingService::routesChanged, m_rollouts, &RolloutController::scheduleSoon);
        connect(m_rollouts, &RolloutController::passFailed, this,
                [](const QString &message) { qCWarning(lcPlane, "rollout step failed: %s", qPrintable(message)); });
        if (isLeader())
            m_rollouts->start(m_options.reconcileIntervalMs);
    }

    if (auto wired = startAutoscaling(); !wired)
        return wired.error();
    startNotifications();
    if (auto usage = startUsage(); !usage)
        return usage.error();
    startJobs();
    // Issue 18: on a shared store, what other consoles commit is followed from here on.
    if (auto following = startChangeFeed(); !following)
        return following.error();

    if (m_options.serveApi) {
        m_api = new ControlApiServer(*m_service, m_adminToken, this);
        // A change the API answers for is already in the proxy's routing when the answer leaves:
        // a revoked token is refused and a new endpoint known from the client's next request on.
        m_api->setBeforeAnswer([routing = m_routing] { routing->flush(); });
        m_api->setNotifier(m_notifier);
        m_api->setJobs(m_jobs.get());  // the /v1/.../jobs routes
        if (m_deployer) {
            m_api->setAgentsReport([this] { return agentsReport(); });
        }
        const bool apiListening = m_api->listen(m_options.apiAddress, m_options.apiPort)
            || (m_options.fallBackToFreePorts && m_api->listen(m_options.apiAddress, 0));
        if (!apiListening)
            return makeError(ErrorType::StorageError, QStringLiteral("cannot listen on %1 for the API: %2")
                                                          .arg(hostPort(m_options.apiAddress, m_options.apiPort),
                                                               m_api->errorString()));
        // Where `servedeck ctl` finds this control plane when it is not told.
        QSaveFile addressFile(QDir(m_options.dataDir).filePath(QStringLiteral("api.address")));
        if (!addressFile.open(QIODevice::WriteOnly) || addressFile.write("http://" + apiAddress().toUtf8() + '\n') < 0
            || !addressFile.commit())
            qCWarning(lcPlane, "cannot write %s", qPrintable(addressFile.fileName()));
    }
    // Listening now: a second instance on this data dir can say where this one is.
    m_lock.describeHolder(apiAddress(), proxyAddress());
    startLeadership();
    startAgentsPlane();  // controlplane_agentsplane.cpp
    return Done{};
}

Result<Done> ControlPlane::startAutoscaling()
{
    // Load is sampled whether or not anything scales on it: info and the dashboard show it too.
    m_metrics = new EndpointMetricsSampler(*m_repository, Clock::system(), this);
    const ProxyServer *proxy = m_proxy;
    m_metrics->setTrafficSource([proxy] { return proxy->routeCounters(); });
    if (m_deployer) {
        // Guarded: the deployer may go before what calls these during shutdown.
        const QPointer<const ReplicaDeployer> deployer = m_deployer;
        m_metrics->setAgentsSource([deployer] {
            QList<AgentStatus> agents;
            for (const AgentConnector *agent : deployer ? deployer->agents() : QList<AgentConnector *>())
                agents.append(agent->status());
            return agents;
        });
        m_metrics->setHostResolver([deployer](const QString &agentId) {
            for (const AgentConnector *agent : deployer ? deployer->agents() : QList<AgentConnector *>()) {
                if (agent->agentId() == agentId)
                    return agent->replicaHost();
            }
            return QString();
        });
    }
    connect(m_service.get(), &ModelServingService::metricPushed, m_metrics, &EndpointMetricsSampler::pushCustom);
    if (m_deployer) {
        const QPointer<const ReplicaDeployer> deployer = m_deployer;
        m_service->setStartingSource([deployer] {
            QHash<QUuid, ReplicaStarting> starting;
            const QDateTime now = QDateTime::currentDateTimeUtc();
            for (const AgentConnector *agent : deployer ? deployer->agents() : QList<AgentConnector *>()) {
                for (const ReplicaStatus &r : agent->status().replicas) {
                    if (r.startingForMs >= 0)
                        starting.insert(r.routeId, {now.addMSecs(-r.startingForMs), r.loading});
                }
            }
            return starting;
        });
    }
    const RoutingPublisher *routing = m_routing;
    const EndpointMetricsSampler *sampler = m_metrics;
    m_service->setMetricsSource([routing, sampler](const QUuid &endpointId) {
        EndpointMetrics m = routing->metricsFor(endpointId);
        if (auto load = sampler->latest(endpointId)) {
            m.requestsPerSecond = load->requestsPerSecond;
            m.inFlight = load->inFlight;
            m.p50Ms = load->p50Ms;
            m.p95Ms = load->p95Ms;
            m.p99Ms = load->p99Ms;
            m.ttftP50Ms = load->ttftP50Ms;
            m.ttftP95Ms = load->ttftP95Ms;
            m.tokensPerSecond = load->tokensPerSecond;
        }
        return m;
    });
    if (m_options.autoscaleIntervalMs <= 0)
        return Done{};

    m_autoscaler = new Autoscaler(*m_repository, Clock::system(), this);
    EndpointMetricsSampler *metrics = m_metrics;
    m_autoscaler->setMetricsReader([metrics](const QUuid &endpointId, MetricSource source, const QString &metric) {
        return metrics->value(endpointId, source, metric);
    });
    ModelServingService *service = m_service.get();
    m_autoscaler->setActuator([service](const QUuid &endpointId, int target, const ScaleCause &cause) {
        auto scaled = service->scaleReplicas(endpointId.toString(QUuid::WithoutBraces), target, cause);
        if (!scaled)
            qCWarning(lcPlane, "autoscaling %s to %d: %s", qPrintable(endpointId.toString()), target,
                     qPrintable(scaled.error().message));
        return scaled.ok();
    });
    auto settings = m_repository->autoscaleSettings();
    if (!settings)
        return settings.error();
    for (const AutoscaleSettings &s : *settings)
        applyAutoscaleSettings(s);
    connect(m_service.get(), &ModelServingService::autoscaleSettingsChanged, this, &ControlPlane::applyAutoscaleSettings);
    // A request for an endpoint at zero replicas: the proxy holds it and asks for a replica.
    Autoscaler *autoscaler = m_autoscaler;
    m_proxy->setWakeHandler([autoscaler](const QUuid &endpointId) { autoscaler->wake(endpointId); });

    // Sample, then decide on what was just sampled: one timer keeps the two in order.
    m_autoscaleTick = new QTimer(this);
    m_autoscaleTick->setInterval(m_options.autoscaleIntervalMs);
    connect(m_autoscaleTick, &QTimer::timeout, this, [this] {
        if (auto sampled = m_metrics->sample(); !sampled)
            qCWarning(lcPlane, "metrics sample failed: %s", qPrintable(sampled.error().message));
        if (!isLeader())
            return;  // every node samples its own proxy; the leader decides
        if (auto pass = m_autoscaler->evaluateOnce(); !pass)
            qCWarning(lcPlane, "autoscaler pass failed: %s", qPrintable(pass.error().message));
    });
    m_autoscaleTick->start();
    return Done{};
}

void ControlPlane::applyAutoscaleSettings(const AutoscaleSettings &settings)
{
    if (!m_autoscaler)
        return;
    auto schedule = ReplicaSchedule::parse(settings.schedule);
    m_autoscaler->setSchedule(settings.endpointId, schedule ? *schedule : ReplicaSchedule());
    m_autoscaler->setIdleTimeout(settings.endpointId, settings.idleTimeoutSeconds);
}

} // namespace ServeDeck
