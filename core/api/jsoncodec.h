#pragma once

#include <QJsonObject>

#include "agent/localagent.h"
#include "domain/result.h"
#include "service/modelservingservice.h"

namespace ServeDeck {

// The wire shape of the control API: the spec's snake_case names, in both directions.
namespace JsonCodec {

QJsonObject toJson(const ServiceError &error);
QJsonObject toJson(const Endpoint &endpoint);
QJsonObject toJson(const EndpointInfo &info);
QJsonObject toJson(const Route &route, int totalWeight = 0);
QJsonObject toJson(const Revision &revision);
// With how many of the routes given are its: active_routes, healthy_routes.
QJsonObject toJson(const Revision &revision, const QList<Route> &routes);
QJsonArray revisionsToJson(const QList<Revision> &revisions, const QList<Route> &routes);
QJsonObject toJson(const AutoScalingRule &rule);
QJsonObject toJson(const TokenGrant &grant);
QJsonObject toJson(const ErrorRecord &record);
QJsonObject toJson(const ScaleEvent &event);
QJsonObject toJson(const ScaleResult &result);
QJsonObject toJson(const DryRunReport &report);
QJsonObject toJson(const LaunchPlan &plan);
QJsonArray routesToJson(const QList<Route> &routes);
QJsonArray queueToJson(const QList<QueueEntry> &queue);
QJsonObject toJson(const AgentStatus &status, const ResourceSlots &allocated);
// An agent row's credential fields: revoked, credential_issued_at, revoked_at (null: none issued).
QJsonObject credentialFields(const std::optional<AgentCredential> &credential);
// POST /v1/agents/{agent_id}/revoke: agent_id, the credential fields, already_revoked.
QJsonObject toJson(const AgentRevocation &revocation);
QJsonObject toJson(const Rollout &rollout);
// The rollout with its versions, every decision and every event, oldest first.
QJsonObject toJson(const RolloutInfo &info);
QJsonObject toJson(const AnalysisDecision &decision);
QJsonObject toJson(const RolloutEvent &event);

Result<CreateEndpointRequest> createRequest(const QJsonObject &body);
Result<ModifyEndpointRequest> modifyRequest(const QJsonObject &body);
Result<int> scaleRequest(const QJsonObject &body);
QJsonObject toJson(const AutoscaleSettings &settings);
struct AutoscaleSettingsChange
{
    std::optional<QString> schedule;
    std::optional<int> idleTimeoutSeconds;
};
Result<AutoscaleSettingsChange> autoscaleSettingsRequest(const QJsonObject &body);
struct PushedMetric
{
    QString name;
    double value = 0;
};
Result<PushedMetric> pushedMetric(const QJsonObject &body);
Result<QList<RouteWeight>> routeWeights(const QJsonObject &body);
Result<AutoScalingRule> ruleRequest(const QJsonObject &body);
Result<AutoScalingRuleChanges> ruleChanges(const QJsonObject &body);
Result<TokenRequest> tokenRequest(const QJsonObject &body);
Result<RevisionChanges> revisionChanges(const QJsonObject &body);
Result<RolloutRequest> rolloutRequest(const QJsonObject &body);
// PUT .../rollouts/{id}/weight: {"weight": 0..100}.
Result<int> rolloutWeight(const QJsonObject &body);

} // namespace JsonCodec

} // namespace ServeDeck
