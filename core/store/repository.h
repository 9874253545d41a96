#pragma once

#include <functional>
#include <optional>

#include <QHash>
#include <QList>
#include <QString>

#include "domain/agentcredential.h"
#include "domain/autoscalingrule.h"
#include "domain/endpoint.h"
#include "domain/errorrecord.h"
#include "domain/result.h"
#include "domain/rollout.h"
#include "domain/route.h"
#include "domain/tokengrant.h"
#include "domain/usageinterval.h"
#include "domain/usageprices.h"
#include "domain/usagesample.h"
#include "store/historyretention.h"
#include "store/jobrecords.h"
#include "store/loadtestrecord.h"
#include "store/notificationrecords.h"
#include "store/storelocation.h"
#include "store/planesecretrecord.h"

namespace ServeDeck {

class SqlDialect;

// Per-endpoint route counts, aggregated by SQLite: what a reconciler pass needs to know which
// endpoints have work, without building every route.
struct EndpointRouteCounts
{
    QUuid id;
    int replicas = 0;
    EndpointLifecycle lifecycle = EndpointLifecycle::Created;
    int active = 0;   // PROVISIONING, HEALTHY, UNHEALTHY, PENDING
    int healthy = 0;
    int total = 0;
    int currentActive = 0;      // active routes of the current revision
    int revisionsOffCount = 0;  // other revisions whose active routes differ from their count
    bool shapedByRollout = false;  // a rollout in progress, or an old set kept warm

    // Nothing for a reconciler pass to do.
    bool settled() const
    {
        return lifecycle != EndpointLifecycle::Destroying && currentActive == replicas && revisionsOffCount == 0
            && !shapedByRollout && !(lifecycle == EndpointLifecycle::Created && healthy > 0);
    }
};

// The only door to the database. Owned by the control thread; every service action
// runs inside transaction(), so a crash at any instant leaves committed actions whole.
class Repository final
{
    Q_DISABLE_COPY_MOVE(Repository)

public:
    Repository();
    ~Repository();

    // A SQLite file (the embedded default) or a PostgreSQL database several processes share.
    Result<Done> open(const StoreLocation &location);
    Result<Done> open(const QString &databasePath) { return open(StoreLocation::sqlite(databasePath)); }
    const StoreLocation &location() const { return m_location; }
    bool isPostgres() const { return m_location.isPostgres(); }
    QString databasePath() const { return m_location.path; }
    int schemaVersion() const;

    template<typename T>
    Result<T> transaction(const std::function<Result<T>()> &work)
    {
        if (auto begun = begin(); !begun)
            return begun.error();
        Result<T> result = [&]() -> Result<T> {
            try {
                return work();
            } catch (const std::exception &e) {
                return makeError(ErrorType::StorageError, QString::fromUtf8(e.what()));
            } catch (...) {
                // Whatever was thrown, the transaction must not stay open behind it.
                return makeError(ErrorType::StorageError, QStringLiteral("the transaction's work threw"));
            }
        }();
        if (!result.ok()) {
            rollback();
            return result;
        }
        if (auto committed = commit(); !committed)
            return committed.error();
        return result;
    }

    Result<Done> insertEndpoint(const Endpoint &endpoint);
    Result<Done> updateEndpoint(const Endpoint &endpoint);
    Result<std::optional<Endpoint>> endpointById(const QUuid &id);
    Result<std::optional<Endpoint>> liveEndpointByName(const QString &name);
    Result<QList<Endpoint>> endpoints(bool includeTerminated = false);
    // Points every stored endpoint URL at the data plane listening now: its port may change between runs.
    Result<int> rebaseEndpointUrls(const QString &proxyBaseUrl);
    // An endpoint's aliases (Endpoint::aliases) are written here only, never by insert/updateEndpoint.
    Result<Done> setEndpointAliases(const QUuid &endpointId, const QStringList &aliases);
    // Every alias, by endpoint, in order.
    Result<QHash<QUuid, QStringList>> endpointAliases();
    // The endpoint that has alias, if any.
    Result<std::optional<QUuid>> endpointOfAlias(const QString &alias);

    Result<Done> insertRevision(const Revision &revision);
    // Its header condition, mode and replica count; the rest of a revision never changes.
    Result<Done> updateRevision(const Revision &revision);
    Result<QList<Revision>> revisions(const QUuid &endpointId);
    // Every revision's model version by id: what the data plane names in X-ServeDeck-Revision.
    Result<QHash<QUuid, QString>> revisionVersions();
    // Every revision by id: what the routing snapshot needs (version, condition, mode).
    Result<QHash<QUuid, Revision>> revisionsById();

    Result<Done> insertRoute(const Route &route);
    Result<Done> updateRoute(const Route &route);
    Result<Done> deleteRoute(const QUuid &routeId);
    Result<std::optional<Route>> route(const QUuid &routeId);
    Result<std::optional<Revision>> revision(const QUuid &revisionId);
    Result<QList<Route>> routes(const QUuid &endpointId);
    Result<QList<Route>> allRoutes();
    // Every route, grouped by endpoint: one query for a whole list.
    Result<QHash<QUuid, QList<Route>>> routesByEndpoint();
    Result<QList<EndpointRouteCounts>> endpointRouteCounts();
    // Whether any route waits PENDING: one indexed look, so a pass without a queue loads nothing.
    Result<bool> hasPendingRoutes();
    // Routes that have (or had) a replica: TERMINATING or with a replica id. Only id, endpointId,
    // status, replicaId and agentId are filled: enough to ask their agent whether they still run.
    Result<QList<Route>> routesWithReplicas();

    Result<Done> insertRollout(const Rollout &rollout);
    Result<Done> updateRollout(const Rollout &rollout);
    Result<std::optional<Rollout>> rollout(const QUuid &rolloutId);
    Result<QList<Rollout>> rollouts(const QUuid &endpointId, int limit);  // newest first
    // Each endpoint's newest rollout (as rollouts(id, 1) names it), in one query: endpoint -> rollout.
    Result<QHash<QUuid, QUuid>> latestRolloutIds();
    // Every rollout that still shapes replicas or traffic: in progress, or an old set kept warm.
    Result<QList<Rollout>> shapingRollouts();
    Result<Done> insertRolloutDecision(const QUuid &rolloutId, const AnalysisDecision &decision);
    Result<QList<AnalysisDecision>> rolloutDecisions(const QUuid &rolloutId);  // oldest first
    Result<Done> insertRolloutEvent(const QUuid &rolloutId, const RolloutEvent &event);
    Result<QList<RolloutEvent>> rolloutEvents(const QUuid &rolloutId);  // oldest first

    Result<Done> insertRule(const AutoScalingRule &rule);
    Result<Done> updateRule(const AutoScalingRule &rule);
    Result<Done> deleteRule(const QUuid &ruleId);
    Result<QList<AutoScalingRule>> rules(const QUuid &endpointId);

    Result<Done> insertTokenGrant(const TokenGrant &grant);
    Result<Done> revokeTokenGrant(const QString &tokenId, const QDateTime &when);
    Result<QList<TokenGrant>> tokenGrants(const QUuid &endpointId);
    Result<QStringList> revokedTokenIds();

    Result<qint64> insertError(const ErrorRecord &record);
    // endpointId null = every endpoint; type empty = every type; newest first.
    Result<QList<ErrorRecord>> errors(const QUuid &endpointId, int limit, const QString &type = {});
    Result<int> clearErrors(const QUuid &endpointId);

    Result<qint64> insertScaleEvent(const ScaleEvent &event);
    // Newest first; a null id: every endpoint's.
    Result<QList<ScaleEvent>> scaleEvents(const QUuid &endpointId, int limit);

    // Fails (StorageError) when the agent already has one: a credential is never replaced.
    Result<Done> insertAgentCredential(const AgentCredential &credential);
    Result<std::optional<AgentCredential>> agentCredential(const QString &agentId);
    Result<QList<AgentCredential>> agentCredentials();  // by agent id
    // NotFound when the agent has no credential or it is revoked already.
    Result<Done> revokeAgentCredential(const QString &agentId, const QDateTime &when);
    // Errors and scale events are pruned to the retention as rows are added (an endpoint's rows
    // every kPruneBatch inserts, not at each one), when it is saved, and at open().
    HistoryRetention historyRetention() const { return m_retention; }
    // Stores it and prunes to it (now: the age's reference), in one transaction of its own.
    Result<Done> saveHistoryRetention(const HistoryRetention &retention, const QDateTime &now);
    // Deletes what the retention no longer keeps, every endpoint's; now: the age's reference.
    Result<int> pruneHistory(const QDateTime &now);
    static constexpr int kPruneBatch = 64;

    // Load-test runs. Each endpoint keeps its newest kMaxLoadTestsPerEndpoint; an insert drops older ones.
    static constexpr int kMaxLoadTestsPerEndpoint = 200;
    Result<Done> insertLoadTest(const LoadTestRecord &record);
    // Newest first, without the result; endpointId null: every endpoint's.
    Result<QList<LoadTestRecord>> loadTests(const QUuid &endpointId, int limit);
    Result<std::optional<LoadTestRecord>> loadTest(const QUuid &id);
    Result<bool> deleteLoadTest(const QUuid &id);

    Result<Done> saveAutoscaleSettings(const AutoscaleSettings &settings);
    // Every endpoint's that has any; an endpoint without a row has none.
    Result<QList<AutoscaleSettings>> autoscaleSettings();

    // Notifications (repository_notifications.cpp). A channel's name is unique (the UNIQUE index
    // backs the Notifier's own check); deliveries keep the newest kMaxNotificationDeliveries.
    static constexpr int kMaxNotificationDeliveries = 10000;
    Result<Done> insertNotificationChannel(const NotificationChannelRecord &channel);
    Result<QList<NotificationChannelRecord>> notificationChannels();  // by creation, with secrets
    Result<Done> deleteNotificationChannel(const QString &channelId);  // NotFound
    Result<Done> insertAlertRule(const AlertRuleRecord &rule);
    Result<QList<AlertRuleRecord>> alertRules(const QUuid &endpointId);  // null: every endpoint's; by creation
    Result<Done> deleteAlertRule(const QUuid &endpointId, const QString &ruleId);  // NotFound
    Result<qint64> insertNotificationDelivery(const NotificationDeliveryRecord &delivery);
    // Newest first; channelId empty: every channel's.
    Result<QList<NotificationDeliveryRecord>> notificationDeliveries(int limit, const QString &channelId);
    // Usage (core/store/repository_usage.cpp). Samples of one endpoint whose bucket starts in
    // [from, to), oldest first; minute and hour buckets alike.
    Result<QList<UsageSample>> usageSamples(const QUuid &endpointId, const QDateTime &from, const QDateTime &to);
    // All or nothing: a sample that is not well formed (bucket not 60 or 3600 s or not aligned to
    // it, a count below zero, a value not finite) is InvalidArgument and none is stored. A bucket
    // already stored is replaced.
    Result<Done> addUsageSamples(const QList<UsageSample> &samples);
    // Rolls minute samples older than the retention's minute period into hour samples (requests
    // and errors summed, means averaged, p95 the highest, desired the last), and deletes hour
    // samples and closed ledger intervals past its hour period; now: the age's reference. Whole
    // hours only, so an hour is rolled up once. Answers how many rows went.
    Result<int> compactUsageSamples(const QDateTime &now, const UsageRetention &retention);
    // The end of the newest sample of any endpoint, if there is one.
    Result<std::optional<QDateTime>> lastUsageSampleEnd();

    // The ledger: intervals during which a route held its endpoint's resources.
    Result<qint64> openUsageInterval(const UsageInterval &interval);
    Result<Done> closeUsageInterval(qint64 id, const QDateTime &end);
    Result<Done> setUsageIntervalDevices(qint64 id, const QStringList &devices);
    // Every interval still open; endpointId null: every endpoint's.
    Result<QList<UsageInterval>> openUsageIntervals(const QUuid &endpointId = {});
    // Closes every open interval at `at` (never before its start): what a crash left open.
    Result<int> closeOpenUsageIntervals(const QDateTime &at);
    // One endpoint's intervals that overlap [from, to), oldest first.
    Result<QList<UsageInterval>> usageIntervals(const QUuid &endpointId, const QDateTime &from, const QDateTime &to);

    // None stored: no prices. Saving checks them (InvalidArgument naming the field; nothing stored).
    Result<UsagePrices> usagePrices();
    Result<Done> saveUsagePrices(const UsagePrices &prices, const QDateTime &now);
    Result<UsageRetention> usageRetention();
    Result<Done> saveUsageRetention(const UsageRetention &retention, const QDateTime &now);
    // Per-revision requests and errors (repository_usage.cpp), beside the samples: stored in the
    // samples' transaction (all or nothing, checked as the samples are), rolled up and pruned with them.
    Result<Done> addUsageSamples(const QList<UsageSample> &samples, const QList<UsageRevisionCount> &revisionCounts);
    // One endpoint's counts whose bucket starts in [from, to), oldest first.
    Result<QList<UsageRevisionCount>> usageRevisionCounts(const QUuid &endpointId, const QDateTime &from,
                                                          const QDateTime &to);

    // Jobs (repository_jobs.cpp): the JobQueue's rows, which checks what goes in. Ids are text (no
    // AUTOINCREMENT, no row ids): the same SQL is meant to run on PostgreSQL.
    // Inserts the job unless its endpoint has one with the same idempotency key (the UNIQUE index
    // decides): false then, and nothing is stored.
    Result<bool> insertJob(const Job &job, const QByteArray &body);
    Result<std::optional<Job>> jobById(const QString &id);
    Result<std::optional<Job>> jobByIdempotencyKey(const QUuid &endpointId, const QString &key);
    Result<QList<Job>> jobs(const JobFilter &filter);  // newest first
    Result<std::optional<QByteArray>> jobBody(const QString &id);
    Result<std::optional<JobStoredResult>> jobResult(const QString &id);
    // Writes every field that changes after submission (state, attempts, times, lease, route,
    // error); with result, the answer's columns too, in the same statement.
    Result<Done> updateJob(const Job &job, const std::optional<JobStoredResult> &result = std::nullopt);
    // QUEUED jobs of an endpoint due at now (and not past their deadline): highest priority first, then oldest.
    Result<QList<Job>> dueJobs(const QUuid &endpointId, const QDateTime &now, int limit);
    Result<QList<Job>> jobsWithLeaseExpired(const QDateTime &now, int limit);  // RUNNING ones
    Result<QList<Job>> jobsPastDeadline(const QDateTime &now, int limit);      // QUEUED and RUNNING
    Result<QList<Job>> liveJobs(const QUuid &endpointId, int limit);  // its QUEUED and RUNNING, oldest first
    Result<QHash<QUuid, QHash<JobState, int>>> jobCounts();  // by endpoint and state: one GROUP BY
    Result<QStringList> jobResultFiles();  // every answer file a job names
    // Final jobs whose finish is in [since, until) (null: no bound), newest first, at most limit.
    Result<QList<JobStatsSample>> jobStatsSamples(const QDateTime &since, const QDateTime &until,
                                                  const QUuid &endpointId, int limit);
    Result<std::optional<JobRetention>> jobRetention();  // none stored: nullopt
    Result<Done> saveJobRetention(const JobRetention &retention, const QDateTime &now);
    // Final jobs that finished before cutoff, oldest first; final jobs beyond the newest `keep`.
    Result<QList<JobFileRef>> finalJobsBefore(const QDateTime &cutoff, int limit);
    Result<QList<JobFileRef>> finalJobsBeyond(int keep, int limit);
    Result<Done> deleteJob(const QString &id);

    // The shared plane's secrets (repository_secrets.cpp): rows sealed by core/auth's SecretBox;
    // the store never sees a plaintext. A row is never replaced: true when this call stored it,
    // false when a row of that name was there already (whoever wrote first wins, race-free).
    Result<bool> insertPlaneSecret(const PlaneSecretRecord &secret);
    Result<std::optional<PlaneSecretRecord>> planeSecret(const QString &name);
    // Issue 18: another console of a shared store saved a new retention; this one reads it again.
    Result<Done> reloadHistoryRetention() { return loadHistoryRetention(); }

private:
    Result<Done> begin();
    Result<Done> commit();
    void rollback();
    Result<Done> migrate();
    Result<Done> migrateSteps(const SqlDialect &dialect);
    Result<Done> loadHistoryRetention();
    // One table's rows of one endpoint (endpointId empty: every endpoint) past the retention.
    Result<int> pruneTable(const QString &table, const QString &endpointId, const QDateTime &now);
    // Counts an insert; every kPruneBatch-th of an endpoint prunes that endpoint's rows.
    Result<Done> notePruneDue(QHash<QString, int> &counts, const QString &table, const QString &endpointId,
                              const QDateTime &now);

    QString m_connectionName;
    StoreLocation m_location;
    int m_depth = 0;
    HistoryRetention m_retention;
    QHash<QString, int> m_errorsSincePrune;  // by endpoint id
    QHash<QString, int> m_eventsSincePrune;

    // Leadership on a shared plane (repository_leadership.cpp). While an epoch is set, every
    // transaction on PostgreSQL first reads plane_leader's epoch (FOR SHARE, so no takeover commits
    // under it) and is refused, nothing written, with StaleLeader when the plane has moved on.
public:
    void setFencingEpoch(std::optional<qint64> epoch) { m_fencingEpoch = epoch; }
    std::optional<qint64> fencingEpoch() const { return m_fencingEpoch; }

private:
    Result<Done> checkFencing();
    std::optional<qint64> m_fencingEpoch;
    // The consoles of a shared plane (repository_planenodes.cpp): each one's agents and proxy
    // addresses, renewed by that console; not fenced, since followers write their own rows too.
public:
    struct PlaneNode
    {
        QString nodeId;
        QString agentsAddress;  // host:port where agents join; empty when it takes none
        QString proxyAddress;
        QDateTime updatedAt;
    };
    Result<Done> savePlaneNode(const PlaneNode &node);
    Result<QList<PlaneNode>> planeNodes();  // by node id
};

} // namespace ServeDeck
