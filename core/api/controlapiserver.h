#pragma once

#include <optional>

#include <functional>

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QUuid>

#include "domain/result.h"

class QUrlQuery;

namespace ServeDeck {

class HttpServer;
enum class ErrorType;
enum class RolloutAction;
class ModelServingService;
class Notifier;
class JobQueue;
struct Job;
struct HttpRequest;
struct HttpResponse;

int httpStatusFor(ErrorType type);
// The error as the API answers it: httpStatusFor(its type), and the error as JSON.
HttpResponse apiErrorResponse(const ServiceError &error);

// The versioned control REST API (/v1) over the service; every route needs the admin token
// except /v1/health and /metrics.
class ControlApiServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ControlApiServer)

public:
    ControlApiServer(ModelServingService &service, QByteArray adminToken, QObject *parent = nullptr);
    ~ControlApiServer() override;

    bool listen(const QHostAddress &address, quint16 port);
    quint16 port() const;
    QString errorString() const;

    HttpResponse handle(const HttpRequest &request);
    // What GET /v1/health?nonce=N answers as "proof": hex HMAC-SHA256 keyed with the admin
    // token over N, so a client can tell the console from whatever else listens on an address.
    static QByteArray healthProof(const QByteArray &adminToken, const QByteArray &nonce);
    // Who answers GET /v1/agents; without one, the configured local capacity is reported.
    void setAgentsReport(std::function<QJsonArray()> report) { m_agentsReport = std::move(report); }
    // Runs after a request that may change state (any method but GET and HEAD) is handled and
    // before its answer leaves, so that a client reading the answer sees the change in effect.
    void setBeforeAnswer(std::function<void()> hook) { m_beforeAnswer = std::move(hook); }
    // Who answers /v1/notifications and the alert rules; without one they answer NotFound.
    void setNotifier(Notifier *notifier) { m_notifier = notifier; }
    // Who answers the /v1/.../jobs routes; without one they answer NotFound. A job submitted
    // here is bounded by the API's body limit (1 MiB) too; the proxy takes up to the queue's.
    void setJobs(JobQueue *jobs) { m_jobs = jobs; }

private:
    struct Call;      // one request and its path's {named} segments
    struct ApiRoute;  // method + path pattern -> handler
    static const QList<ApiRoute> &routeTable();
    // The route whose path pattern matches, its {named} segments put into `call`; null for none.
    static const ApiRoute *resourceFor(const QList<QByteArray> &parts, Call &call);
    // HttpServer's head check: the token, before "100 Continue" and before the body.
    std::optional<HttpResponse> refuseAtHead(const HttpRequest &head);
    // 401 unless the route is open or the request carries the admin token.
    std::optional<HttpResponse> refusedWithoutToken(const HttpRequest &request, const ApiRoute *resource) const;
    HttpResponse dispatch(const Call &call, const ApiRoute *resource);
    QByteArray metricsText();

    // One handler per row of routeTable().
    HttpResponse metrics(const Call &call);
    HttpResponse health(const Call &call);
    HttpResponse agents(const Call &call);
    HttpResponse revokeAgent(const Call &call);
    HttpResponse allErrors(const Call &call);
    HttpResponse listLoadTests(const Call &call);
    HttpResponse recordLoadTest(const Call &call);
    HttpResponse loadTest(const Call &call);
    HttpResponse deleteLoadTest(const Call &call);
    HttpResponse retention(const Call &call);
    HttpResponse setRetention(const Call &call);
    HttpResponse listEndpoints(const Call &call);
    HttpResponse createEndpoint(const Call &call);
    HttpResponse dryRun(const Call &call);
    HttpResponse endpointInfo(const Call &call);
    HttpResponse modifyEndpoint(const Call &call);
    HttpResponse deleteEndpoint(const Call &call);
    HttpResponse scale(const Call &call);
    HttpResponse sync(const Call &call);
    HttpResponse listRoutes(const Call &call);
    HttpResponse setRouteWeights(const Call &call);
    HttpResponse deleteRoute(const Call &call);
    HttpResponse listRevisions(const Call &call);
    HttpResponse revision(const Call &call);
    HttpResponse modifyRevision(const Call &call);
    HttpResponse listRules(const Call &call);
    HttpResponse createRule(const Call &call);
    HttpResponse modifyRule(const Call &call);
    HttpResponse deleteRule(const Call &call);
    HttpResponse listTokens(const Call &call);
    HttpResponse generateToken(const Call &call);
    HttpResponse revokeToken(const Call &call);
    HttpResponse scaleEvents(const Call &call);
    HttpResponse autoscaleSettings(const Call &call);
    HttpResponse setAutoscaleSettings(const Call &call);
    HttpResponse pushMetric(const Call &call);
    HttpResponse endpointErrors(const Call &call);
    HttpResponse clearErrors(const Call &call);
    HttpResponse listRollouts(const Call &call);
    HttpResponse startRollout(const Call &call);
    HttpResponse rollout(const Call &call);
    HttpResponse promoteRollout(const Call &call);
    HttpResponse pauseRollout(const Call &call);
    HttpResponse resumeRollout(const Call &call);
    HttpResponse abortRollout(const Call &call);
    HttpResponse rollbackRollout(const Call &call);
    HttpResponse setRolloutWeight(const Call &call);
    HttpResponse actOnRollout(const Call &call, RolloutAction action);
    // Usage and cost (controlapiserver_usage.cpp).
    HttpResponse usage(const Call &call);
    HttpResponse usagePrices(const Call &call);
    HttpResponse setUsagePrices(const Call &call);
    HttpResponse usageRetention(const Call &call);
    HttpResponse setUsageRetention(const Call &call);
    // Scaling recommendations (controlapiserver_recommendations.cpp).
    HttpResponse recommendations(const Call &call);
    HttpResponse applyRecommendation(const Call &call);
    // The id of the endpoint's newest rollout, to tell whether a call started one.
    QUuid latestRolloutId(const QString &svc);
    // Counts a rollout's phase change for /metrics.
    void noteRolloutPhase(const QUuid &endpointId, const QUuid &rolloutId);

    // Notifications (controlapiserver_notifications.cpp).
    HttpResponse listChannels(const Call &call);
    HttpResponse addChannel(const Call &call);
    HttpResponse removeChannel(const Call &call);
    HttpResponse testChannel(const Call &call);
    HttpResponse listDeliveries(const Call &call);
    HttpResponse listAlertRules(const Call &call);
    HttpResponse addAlertRule(const Call &call);
    HttpResponse removeAlertRule(const Call &call);
    Result<QUuid> endpointIdOf(const QString &svc);
    std::optional<HttpResponse> withoutNotifier() const;
    // A POST's JSON object, once there is a notifier to take it (NotFound first otherwise).
    Result<QJsonObject> notifierRequestBody(const HttpRequest &request) const;

    // Asynchronous jobs (controlapiserver_jobs.cpp).
    HttpResponse submitJob(const Call &call);
    HttpResponse listJobs(const Call &call);
    HttpResponse listAllJobs(const Call &call);
    HttpResponse jobList(const QUrlQuery &query, const QUuid &endpointId);
    HttpResponse jobInfo(const Call &call);
    HttpResponse anyJob(const Call &call);
    HttpResponse jobResult(const Call &call);
    HttpResponse cancelJob(const Call &call);
    HttpResponse retryJob(const Call &call);
    HttpResponse jobStats(const Call &call);
    HttpResponse jobRetention(const Call &call);
    HttpResponse setJobRetention(const Call &call);
    HttpResponse jobCounts(const Call &call);
    // The {job} of {svc}: NotFound for an unknown id and for another endpoint's job.
    Result<Job> serviceJob(const Call &call);
    std::optional<HttpResponse> withoutJobs() const;

    ModelServingService &m_service;
    QByteArray m_adminToken;
    HttpServer *m_http = nullptr;
    QHash<int, qint64> m_responsesByStatus;
    std::function<QJsonArray()> m_agentsReport;
    std::function<void()> m_beforeAnswer;
    // Per endpoint (so bounded by them): its last rollout seen and that rollout's phase.
    QHash<QUuid, std::pair<QUuid, QString>> m_rolloutPhases;
    QHash<QString, qint64> m_rolloutPhaseChanges;      // by the phase entered
    Notifier *m_notifier = nullptr;
    JobQueue *m_jobs = nullptr;

    // The shared plane (controlapiserver_plane.cpp): GET /v1/plane answers who leads, from the
    // plane's report; without one it answers NotFound.
public:
    void setPlaneReport(std::function<QJsonObject()> report) { m_planeReport = std::move(report); }

private:
    HttpResponse plane(const Call &call);
    std::function<QJsonObject()> m_planeReport;
};

} // namespace ServeDeck
