#pragma once

#include <optional>

#include <QJsonArray>
#include <QJsonObject>

#include "agent/agentconnector.h"

namespace ServeDeck {

// The JSON text frames a remote agent and the control plane exchange over their one WebSocket.
// Both ends use these, so a field is named in exactly one place.
namespace AgentProtocol {

// The most one frame or message may carry, either way: a status report of many replicas is a
// few KiB, a log tail at most 64 KiB.
constexpr quint64 kMaxFrameBytes = 1024 * 1024;
// What is kept of a text an agent sends: a log tail, a reason or a message keeps its end within
// the local tail's bounds (LogTail::kMaxLines lines, LogTail::kMaxBytes); an id or a name keeps
// its first kMaxShortText characters.
constexpr qsizetype kMaxShortText = 1024;
QString boundedTail(const QString &text);

QJsonObject message(const QString &type, QJsonObject fields = {});
QString encode(const QJsonObject &message);
// Empty when the frame is not a JSON object with a "type". Its top-level texts come back cut to
// the bounds above, so nothing an agent says is kept at any length.
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

// "redirect": a console of a shared plane that does not lead sends a joining agent to the one
// that does (its agents address, host:port) and names the plane's other consoles, which the agent
// tries when the leader is gone. At most kMaxPlaneNodes addresses; each a host (a name, IPv4, or
// [IPv6]) and a port 1-65535.
constexpr int kMaxPlaneNodes = 16;
struct Redirect
{
    QString leader;     // empty when no console leads now
    QStringList nodes;  // the plane's consoles' agents addresses, the leader's included
};
QJsonObject toJson(const Redirect &redirect);
// Empty when any address is malformed or there are more than kMaxPlaneNodes.
std::optional<Redirect> redirectFromJson(const QJsonObject &json);
bool isAgentsAddress(const QString &hostPort);

} // namespace AgentProtocol

} // namespace ServeDeck
