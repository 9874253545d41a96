#pragma once

#include <optional>

#include <QJsonArray>
#include <QJsonObject>

#include "agent/agentconnector.h"

namespace ServeDeck {

// The JSON text frames a remote agent and the control plane exchange over their one WebSocket.
// Both ends use these, so a field is named in exactly one place.
namespace AgentProtocol {

QJsonObject message(const QString &type, QJsonObject fields = {});
QString encode(const QJsonObject &message);
// Empty when the frame is not a JSON object with a "type".
std::optional<QJsonObject> decode(const QString &frame);

QJsonObject toJson(const ReplicaSpec &spec);
std::optional<ReplicaSpec> specFromJson(const QJsonObject &json);
QJsonObject toJson(const ReplicaExit &exit);
ReplicaExit exitFromJson(const QJsonObject &json);
QJsonArray toJson(const QList<GpuInfo> &gpus);
QList<GpuInfo> gpusFromJson(const QJsonArray &json);
// The AgentStatus fields, flat in the message (the "status" heartbeat).
QJsonObject toJson(const AgentStatus &status);
AgentStatus statusFromJson(const QJsonObject &json);

} // namespace AgentProtocol

} // namespace ServeDeck
