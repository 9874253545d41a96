#pragma once

#include <functional>
#include <optional>

#include <QHash>
#include <QObject>

#include "domain/agentcredential.h"
#include "domain/autoscalingrule.h"
#include "domain/endpoint.h"
#include "domain/endpointstatus.h"
#include "domain/errorrecord.h"
#include "domain/modeldefinition.h"
#include "domain/result.h"
#include "domain/rollout.h"
#include "domain/route.h"
#include "domain/tokengrant.h"
#include "agent/capacity.h"
#include "runtime/launchplan.h"
#include "store/historyretention.h"
#include "store/loadtestrecord.h"
#include "usage/usagereport.h"
#include "usage/recommendation.h"
#include "usage/scalingadvisor.h"

namespace ServeDeck {

class Clock;
class Repository;
class TokenSigner;

struct CreateEndpointRequest
{
    QString name;
    QStringList aliases;  // other names for the proxy's front door (`model`); as strict as name
    QString modelVersion;
    QString modelFolder;  // a path, or the name of a folder under one of the model roots
    QString runtimeVariant = QStringLiteral("custom");
    ResourceSlots resourceSlots{1, qint64(1) << 30, 0};
    QString resourceGroup = QStringLiteral("default");
    int replicas = 1;
    bool isPublic = false;
    CircuitBreakerSettings circuitBreaker;
    // Contention for capacity (see Endpoint): queue order, whether replicas wait, preemptible.
    int priority = 0;
    std::optional<bool> queueWhenFull;
    bool allowPreemption = false;
    std::optional<int> latencyTargetMs;  // p95 goal in ms (Endpoint::kMin/kMaxLatencyTargetMs); none: unset
    int jobConcurrency = 0;              // 0..Endpoint::kMaxJobConcurrency; 0: the plane's default
};

struct DryRunReport
{
    bool valid = false;
    QList<ServiceError> problems;  // every problem found, not just the first
    std::optional<ModelDefinition> definition;
    QString resolvedFolder;
    ResourceSlots perReplica;
    ResourceSlots total;
    ResourceSlots available;
    std::optional<LaunchPlan> launch;  // what a replica would run; absent when the folder cannot say
};

// What the proxy's circuit breaker says of one route.
struct RouteCircuitMetrics
{
    QUuid routeId;
    QString state;  // "closed" or "ejected"
    qint64 ejectedForMs = 0;
    int timesEjected = 0;
    int connections = 0;
    int pending = 0;
    qint64 overflows = 0;  // requests refused 503 CircuitOpen
};

// The copies of the endpoint's requests sent to its shadow revisions.
struct ShadowMetrics
{
    qint64 requests = 0;
    qint64 errors = 0;
    qint64 dropped = 0;
    qint64 comparisons = 0;
    qint64 mismatches = 0;
    std::optional<double> meanLatencyMs;
};

struct EndpointMetrics
{
    qint64 requests = 0;
    qint64 errors = 0;
    std::optional<double> meanLatencyMs;
    // Over the last sample interval (about a second).
    double requestsPerSecond = 0;
    qint64 inFlight = 0;
    std::optional<double> p50Ms, p95Ms, p99Ms;
    // OpenAI-style answers: over the last interval, and tokens since the routes were first seen.
    std::optional<double> ttftP50Ms, ttftP95Ms, tokensPerSecond;
    qint64 generatedTokens = 0;
    QList<RouteCircuitMetrics> circuits;  // routes the proxy knows
    std::optional<ShadowMetrics> shadow;  // once it has mirrored a request
    double errorRate() const { return requests > 0 ? double(errors) / double(requests) : 0.0; }
};

// A replica still starting (loading its weights, say), as its agent reports it.
struct ReplicaStarting
{
    QDateTime since;
    bool loading = false;  // its last answer was the runtime's "still loading"
};

// One replica waiting in the pending queue, in the order the queue admits them.
struct QueueEntry
{
    Route route;
    QString endpointName;
    int priority = 0;
    ResourceSlots resourceSlots;  // what it waits for
};

struct EndpointInfo
{
    Endpoint endpoint;
    EndpointStatus status = EndpointStatus::Provisioning;
    QList<Route> routes;
    QList<Revision> revisions;
    QList<AutoScalingRule> rules;
    ResourceSlots allocated;
    std::optional<EndpointMetrics> metrics;
    std::optional<Rollout> rollout;  // the one in progress, else the newest
    QList<RuntimeMetric> runtimeMetrics;  // what its runtime exports under the normalized names
    QString metricsNote;                  // why it exports none
    QHash<QUuid, ReplicaStarting> starting;  // by route: replicas still starting
    std::optional<RequestHints> request;     // how to call it: its current model definition's request block
};

struct ModifyEndpointRequest
{
    std::optional<QString> name;
    std::optional<QStringList> aliases;  // replaces them all; empty: none
    std::optional<QString> modelVersion;
    std::optional<QString> modelFolder;
    std::optional<QString> runtimeVariant;
    std::optional<ResourceSlots> resourceSlots;
    std::optional<QString> resourceGroup;
    std::optional<int> replicas;
    std::optional<bool> isPublic;
    // A new model version or folder starts a rollout to it: by this strategy (default rolling),
    // canary and progressive starting at canaryWeight (progressive: its first step).
    std::optional<RolloutStrategy> strategy;
    std::optional<int> canaryWeight;
    std::optional<CircuitBreakerChanges> circuitBreaker;  // the fields named change, the others stay
    std::optional<int> priority;
    std::optional<std::optional<bool>> queueWhenFull;  // set to nullopt: back to the default
    std::optional<bool> allowPreemption;
    std::optional<std::optional<int>> latencyTargetMs;  // set to nullopt: no target
    std::optional<int> jobConcurrency;                  // 0: back to the plane's default
};

// What an operator may change of a revision: which requests it serves, and (when it is not the
// current revision, e.g. a shadow) how many replicas it has.
struct RevisionChanges
{
    std::optional<std::optional<HeaderMatch>> matchHeader;  // set to nullopt to clear the condition
    std::optional<RevisionMode> mode;
    std::optional<int> replicas;
};

// A rollout to start: to a new model version (and folder), or to a revision the endpoint already
// has (its id or version: a retry after a failed rollout, or a return to an older version).
struct RolloutRequest
{
    std::optional<QString> modelVersion;
    std::optional<QString> modelFolder;
    std::optional<QString> revision;
    RolloutStrategy strategy = RolloutStrategy::Rolling;
    QList<int> steps;               // progressive: increasing, each in 1..100, the last one 100
    std::optional<int> weight;      // canary: the first share (default 10)
    std::optional<int> intervalSeconds;
    std::optional<AnalysisThresholds> analysis;
    std::optional<int> maxSurgePercent;
    std::optional<int> maxUnavailable;
    std::optional<int> rollbackWindowSeconds;
    std::optional<int> progressDeadlineSeconds;
};

// A rollout with what it was decided on and what happened, oldest first.
struct RolloutInfo
{
    Rollout rollout;
    QString endpointName;
    QString fromVersion;
    QString toVersion;
    QList<AnalysisDecision> decisions;
    QList<RolloutEvent> events;
};

enum class RolloutAction { Promote, Pause, Resume, Abort, Rollback };

// One change to a rollout in one transaction: the operator's action or the controller's step.
// What it records goes into the store with the rollout when the change succeeds.
struct RolloutChange
{
    Rollout &rollout;
    Endpoint &endpoint;
    const QDateTime now;
    QList<RolloutEvent> events;
    QList<AnalysisDecision> decisions;
    bool endpointChanged = false;

    void moveTo(RolloutPhase phase, const QString &message);
    void note(const QString &message);
    // The new revision becomes the stable one: Succeeded, all traffic on it.
    void switchToTarget(const Revision &target, const QString &message);
};
QString rolloutActionName(RolloutAction action);  // "promote", ...
std::optional<RolloutAction> rolloutActionFromName(const QString &name);

struct ScaleResult
{
    Endpoint endpoint;
    int previous = 0;
    int target = 0;
    int activeRoutes = 0;
    QString state;  // SCALING while routes must be created or drained, STEADY otherwise
};

struct RouteWeight
{
    QUuid routeId;
    int weight = 0;
};

struct AutoScalingRuleChanges
{
    std::optional<MetricSource> source;
    std::optional<QString> metric;
    std::optional<Comparator> comparator;
    std::optional<double> threshold;
    std::optional<int> stepSize;
    std::optional<std::optional<double>> targetPerReplica;  // set to nullopt to clear
    std::optional<int> minReplicas;
    std::optional<int> maxReplicas;
    std::optional<int> scaleUpDelay;
    std::optional<int> scaleDownDelay;
    std::optional<int> cooldown;
};

struct TokenRequest
{
    QString scope = QStringLiteral("inference");
    std::optional<qint64> expirySeconds;  // none: never expires
    QStringList allowedIps;
};

struct GeneratedToken
{
    QByteArray token;
    TokenGrant grant;
};

struct AgentRevocation
{
    AgentCredential credential;
    bool wasRevokedAlready = false;
};

struct ServiceConfig
{
    Capacity capacity;
    QString proxyBaseUrl = QStringLiteral("http://127.0.0.1:8080");
    QStringList modelRoots;  // where bare folder names are looked up
    QStringList toolsDirs;   // where runtime programs are looked up before PATH
    // Remote agents may join and run replicas: a runtime program missing on this machine may be
    // on theirs, so it is reported (dry-run) but refuses nothing.
    bool remoteAgents = false;
    int maxRetries = 5;      // SERVICE_MAX_RETRIES
};

// One method per action of the spec. Each runs in one transaction, returns a value or a typed
// error, and publishes what changed as a signal; UI and API observe those, never the database.
//
// One class, its methods in one file per feature: modelservingservice.cpp (construction, lookup,
// model folders, capacity), _endpoints.cpp, _routes.cpp (routes and revisions), _scaling.cpp
// (replicas, scale events, autoscaling rules and settings, pushed metrics), _tokens.cpp and
// _errors.cpp; checks more than one of them needs are in modelservingservice_p.h.
class ModelServingService final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModelServingService)

public:
    ModelServingService(Repository &repository, const TokenSigner &signer, ServiceConfig config,
                        Clock &clock, QObject *parent = nullptr);
    ~ModelServingService() override;

    Result<Endpoint> createEndpoint(const CreateEndpointRequest &request);
    Result<QList<EndpointInfo>> listEndpoints();
    Result<Endpoint> deleteEndpoint(const QString &ref);
    DryRunReport dryRun(const CreateEndpointRequest &request);
    Result<EndpointInfo> endpointInfo(const QString &ref, bool includeMetrics = false);
    Result<EndpointInfo> modifyEndpoint(const QString &ref, const ModifyEndpointRequest &request);
    Result<ScaleResult> scaleReplicas(const QString &ref, int replicas, const ScaleCause &cause = {});
    // Newest first.
    Result<QList<ScaleEvent>> scaleEvents(const QString &ref, int limit = 100);
    Result<AutoscaleSettings> autoscaleSettings(const QString &ref);
    // Unset fields keep their value. A schedule that does not parse is InvalidArgument naming the token.
    Result<AutoscaleSettings> setAutoscaleSettings(const QString &ref, std::optional<QString> schedule,
                                                   std::optional<int> idleTimeoutSeconds);
    // A CUSTOM metric's value, pushed by the operator's own tooling for rules to act on.
    Result<Done> pushMetric(const QString &ref, const QString &name, double value);
    Result<QList<Route>> updateRoutes(const QString &ref, const QList<RouteWeight> &weights);
    Result<Route> deleteRoute(const QString &ref, const QUuid &routeId);
    Result<QList<Route>> forceSync(const QString &ref);
    Result<QList<Revision>> revisions(const QString &ref);
    Result<Revision> revision(const QString &ref, const QString &revision);
    // revision: its id, or its model version when exactly one revision of the endpoint has it.
    Result<Revision> modifyRevision(const QString &ref, const QString &revision, const RevisionChanges &changes);
    // Rollouts. rollout: its id, or "current" (the one in progress) or "latest".
    Result<RolloutInfo> startRollout(const QString &ref, const RolloutRequest &request);
    Result<QList<RolloutInfo>> rollouts(const QString &ref, int limit = 20);  // newest first
    Result<RolloutInfo> rolloutInfo(const QString &ref, const QString &rollout);
    Result<RolloutInfo> actOnRollout(const QString &ref, const QString &rollout, RolloutAction action);
    // A manual canary's share, 0..100 (the slider).
    Result<RolloutInfo> setRolloutWeight(const QString &ref, const QString &rollout, int weight);
    Result<QList<AutoScalingRule>> autoScalingRules(const QString &ref);
    Result<AutoScalingRule> createAutoScalingRule(const QString &ref, AutoScalingRule rule);
    Result<AutoScalingRule> modifyAutoScalingRule(const QString &ref, const QUuid &ruleId,
                                                  const AutoScalingRuleChanges &changes);
    Result<AutoScalingRule> deleteAutoScalingRule(const QString &ref, const QUuid &ruleId);
    Result<GeneratedToken> generateToken(const QString &ref, const TokenRequest &request);
    Result<QList<TokenGrant>> listTokens(const QString &ref);
    Result<TokenGrant> revokeToken(const QString &ref, const QString &tokenId);
    // ref empty: every endpoint.
    // Every PENDING replica: by endpoint priority (higher first), then by how long it has waited.
    Result<QList<QueueEntry>> pendingQueue();
    Result<QList<ErrorRecord>> listErrors(const QString &ref, int limit = 50, const QString &type = {});
    Result<int> clearErrors(const QString &ref);
    Result<qint64> recordError(ErrorRecord record);
    // Load-test runs (core/traffic's LoadTestResult as JSON), stored for an endpoint. The result
    // is read back strictly before anything is written: a malformed one is InvalidArgument, one
    // over kMaxLoadTestBytes PayloadTooLarge, an unknown endpoint NotFound; nothing is stored then.
    static constexpr qsizetype kMaxLoadTestBytes = 1024 * 1024;
    Result<LoadTestRecord> recordLoadTest(const QString &ref, const QJsonObject &result);
    // ref empty: every endpoint's; newest first, summaries only.
    Result<QList<LoadTestRecord>> listLoadTests(const QString &ref, int limit = 50);
    Result<LoadTestRecord> loadTest(const QString &id);
    Result<Done> deleteLoadTest(const QString &id);
    // Remote agents' credentials (never the secrets). Revoking is final and idempotent: a second
    // call answers the first revocation; agentRevoked tells the gateway to cut the agent off.
    Result<QList<AgentCredential>> agentCredentials();
    Result<AgentRevocation> revokeAgent(const QString &agentId);
    // How long errors and scale events are kept. Saving a shorter one prunes at once; out of
    // range is InvalidArgument (max_age_days / max_rows_per_endpoint) and changes nothing.
    HistoryRetention historyRetention() const;
    Result<HistoryRetention> setHistoryRetention(const HistoryRetention &retention);

    // What agents report about a route's replica.
    Result<Route> updateRouteState(const QUuid &routeId, RouteStatus status, const QString &replicaId = {},
                                   const QString &agentId = {});
    // An agent refused to start the route's replica for want of resources: it waits PENDING with
    // the agent's reason, and the queue offers it again after retryAfterMs.
    Result<Route> requeueRoute(const QUuid &routeId, const QString &reason, int retryAfterMs);
    // Something changed what agents can offer (one joined): routes they refused are offered at once.
    Result<int> retryRefusedRoutes();
    // A replica failed: its error, its route's new status and (for a failed start) one more retry,
    // in one transaction, so the retry limit and the error list always agree.
    Result<qint64> recordReplicaFailure(ErrorRecord record, RouteStatus routeStatus, bool countsAsRetry);

    // The rollout controller's steps, with the same events and signals as an operator's action.
    Result<RolloutInfo> changeRolloutById(const QUuid &rolloutId, const std::function<Result<Done>(RolloutChange &)> &change);

    const ServiceConfig &config() const { return m_config; }
    ResourceSlots allocated(const QUuid &excluding = {});
    void setMetricsSource(std::function<EndpointMetrics(const QUuid &)> source);
    // Every replica still starting, by route id (the agents know; the store does not).
    void setStartingSource(std::function<QHash<QUuid, ReplicaStarting>()> source) { m_startingSource = std::move(source); }

    // Usage and cost (modelservingservice_usage.cpp): what an endpoint reserved and served over
    // [since, now] (UsageReporter::parseSince reads the API's text); NotFound for an unknown one.
    Result<UsageReport> usage(const QString &endpointIdOrName, const QDateTime &since);
    Result<UsagePrices> usagePrices();
    // A price below 0, above UsagePrices::kMaxPrice or not a number, or a currency that is not
    // three capital letters: InvalidArgument naming the field, nothing stored.
    Result<UsagePrices> setUsagePrices(const UsagePrices &prices);
    // How long usage samples are kept; saving one rolls up and prunes to it at once. Out of
    // bounds (UsageRetention::isValid) is InvalidArgument, nothing stored.
    Result<UsageRetention> usageRetention();
    Result<UsageRetention> setUsageRetention(const UsageRetention &retention);
    // Scaling recommendations (modelservingservice_recommendations.cpp): core/usage's ScalingAdvisor
    // over the usage recorded since `since` (invalid: the last kDefaultRecommendationDays; at most
    // kMaxRecommendationDays back), numbered from 1, with notes on what could not be judged.
    static constexpr int kDefaultRecommendationDays = 14;
    static constexpr int kMaxRecommendationDays = 90;
    Result<ScalingAdvisor::Report> recommendationReport(const QString &ref, const QDateTime &since = {});
    Result<QList<Recommendation>> recommendations(const QString &ref, const QDateTime &since = {});
    // Recomputes them and applies number `number` through the autoscale settings (a schedule floor,
    // an idle timeout) or a rule's modify (a target per replica); returns what it applied. A
    // warning is InvalidArgument "nothing to apply"; a number out of range NotFound.
    Result<Recommendation> applyRecommendation(const QString &ref, int number, const QDateTime &since = {});

Q_SIGNALS:
    void agentRevoked(const QString &agentId);
    void endpointChanged(const QUuid &endpointId);
    void endpointRemoved(const QUuid &endpointId);
    void routesChanged(const QUuid &endpointId);
    void rulesChanged(const QUuid &endpointId);
    void errorRecorded(const ServeDeck::ErrorRecord &record);
    void errorsCleared(const QUuid &endpointId);
    void scaled(const ServeDeck::ScaleEvent &event);
    void syncRequested(const QUuid &endpointId);
    void tokensChanged(const QUuid &endpointId);
    void autoscaleSettingsChanged(const ServeDeck::AutoscaleSettings &settings);
    void metricPushed(const QUuid &endpointId, const QString &name, double value);
    void rolloutChanged(const QUuid &endpointId, const QUuid &rolloutId);

private:
    Result<Endpoint> resolve(const QString &ref);
    QString resolveFolder(const QString &folder) const;
    Result<EndpointInfo> infoFor(const Endpoint &endpoint, bool includeMetrics);
    // Whether another live endpoint than self has name as its name or one of its aliases.
    std::optional<ServiceError> nameTaken(const QString &name, const QUuid &self, const QString &field);
    // Grammar, reserved words, duplicates and clashes of an endpoint's new aliases.
    std::optional<ServiceError> aliasesProblem(const QStringList &aliases, const QUuid &self, const QString &selfName);
    // The folder as the runtime would be run from it: every file there, and a preset's program found.
    Result<LaunchPlan> validateFolder(const QString &folder, const QString &variant, int gpuCount) const;
    Result<qsizetype> findRevision(const Endpoint &endpoint, const QList<Revision> &revisions,
                                   const QString &revision) const;
    // Inside a transaction: checks the request, adds the target revision if new, stores the rollout.
    Result<Rollout> beginRollout(const Endpoint &endpoint, const RolloutRequest &request);
    Result<Rollout> findRollout(const Endpoint &endpoint, const QString &rollout);
    Result<RolloutInfo> rolloutInfoFor(const Rollout &rollout, const QString &endpointName);
    Result<RolloutInfo> applyRolloutChange(Endpoint endpoint, Rollout rollout,
                                           const std::function<Result<Done>(RolloutChange &)> &change);
    Result<RolloutInfo> changeRollout(const QString &ref, const QString &rollout,
                                      const std::function<Result<Done>(RolloutChange &)> &change);
    std::optional<ServiceError> checkRule(const AutoScalingRule &rule, const QList<AutoScalingRule> &others) const;

    Repository &m_repository;
    const TokenSigner &m_signer;
    ServiceConfig m_config;
    Clock &m_clock;
    std::function<EndpointMetrics(const QUuid &)> m_metricsSource;
    std::function<QHash<QUuid, ReplicaStarting>()> m_startingSource;
};

} // namespace ServeDeck
