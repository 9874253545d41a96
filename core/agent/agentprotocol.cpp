#include "agentprotocol.h"

#include <algorithm>

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include "agent/logtail.h"

namespace ServeDeck::AgentProtocol {

namespace {

QString uuidText(const QUuid &id)
{
    return id.toString(QUuid::WithoutBraces);
}

// Fields holding free text (a process's output, an error message): the end is what matters.
bool isLongText(const QString &field)
{
    return field == u"log_tail" || field == u"reason" || field == u"message";
}

QString shortText(const QJsonValue &value)
{
    return value.toString().left(kMaxShortText);
}

} // namespace

QString boundedTail(const QString &text)
{
    // A newline that ends the text ends its last line; it starts no empty one.
    qsizetype start = 0;
    int lines = 0;
    for (qsizetype end = text.endsWith(u'\n') ? text.size() - 1 : text.size(); end > 0;) {
        const qsizetype newline = text.lastIndexOf(u'\n', end - 1);
        if (newline < 0)
            break;
        if (++lines == LogTail::kMaxLines) {
            start = newline + 1;
            break;
        }
        end = newline;
    }
    QString tail = text.mid(start);
    if (tail.size() > LogTail::kMaxBytes) {
        tail = tail.right(LogTail::kMaxBytes);
        if (tail.front().isLowSurrogate())
            tail.remove(0, 1);  // half a character
    }
    return tail;
}

QJsonObject message(const QString &type, QJsonObject fields)
{
    fields.insert(QStringLiteral("type"), type);
    return fields;
}

QString encode(const QJsonObject &message)
{
    return QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact));
}

std::optional<QJsonObject> decode(const QString &frame)
{
    const QJsonDocument document = QJsonDocument::fromJson(frame.toUtf8());
    if (!document.isObject() || !document.object().value(QStringLiteral("type")).isString())
        return std::nullopt;
    QJsonObject message = document.object();
    for (auto it = message.begin(); it != message.end(); ++it) {
        if (!it.value().isString())
            continue;
        const QString text = it.value().toString();
        const QString kept = isLongText(it.key()) ? boundedTail(text) : text.left(kMaxShortText);
        if (kept.size() != text.size())
            it.value() = kept;
    }
    return message;
}

QJsonObject toJson(const ReplicaSpec &spec)
{
    QJsonObject environment;
    for (auto it = spec.environment.cbegin(); it != spec.environment.cend(); ++it)
        environment.insert(it.key(), it.value());
    QJsonValue healthCheck = QJsonValue::Null;
    if (spec.healthCheck) {
        const HealthCheckConfig &h = *spec.healthCheck;
        healthCheck = QJsonObject{{QStringLiteral("path"), h.path},
                                  {QStringLiteral("interval"), h.interval},
                                  {QStringLiteral("max_retries"), h.maxRetries},
                                  {QStringLiteral("max_wait_time"), h.maxWaitTime},
                                  {QStringLiteral("expected_status_code"), h.expectedStatusCode},
                                  {QStringLiteral("initial_delay"), h.initialDelay}};
    }
    return {{QStringLiteral("route_id"), uuidText(spec.routeId)},
            {QStringLiteral("endpoint_id"), uuidText(spec.endpointId)},
            {QStringLiteral("program"), spec.program},
            {QStringLiteral("arguments"), QJsonArray::fromStringList(spec.arguments)},
            {QStringLiteral("working_directory"), spec.workingDirectory},
            {QStringLiteral("environment"), environment},
            {QStringLiteral("memory_limit_bytes"), spec.memoryLimitBytes},
            {QStringLiteral("gpu_count"), spec.gpuCount},
            {QStringLiteral("gpu_memory_bytes"), spec.gpuMemoryBytes},
            {QStringLiteral("gpu_memory_arguments"), QJsonArray::fromStringList(spec.gpuMemoryArguments)},
            {QStringLiteral("cpu_cores"), spec.cpuCores},
            {QStringLiteral("health_check"), healthCheck},
            {QStringLiteral("loading_status_code"), spec.loadingStatusCode},
            {QStringLiteral("start_timeout_ms"), spec.startTimeoutMs},
            {QStringLiteral("ready_body"), spec.readyBody},
            {QStringLiteral("extra_ports"), QJsonArray::fromStringList(spec.extraPorts)},
            {QStringLiteral("grace_period_ms"), spec.gracePeriodMs}};
}

std::optional<ReplicaSpec> specFromJson(const QJsonObject &json)
{
    ReplicaSpec spec;
    spec.routeId = QUuid::fromString(json.value(QStringLiteral("route_id")).toString());
    spec.endpointId = QUuid::fromString(json.value(QStringLiteral("endpoint_id")).toString());
    spec.program = json.value(QStringLiteral("program")).toString();
    if (spec.routeId.isNull() || spec.program.isEmpty())
        return std::nullopt;
    for (const QJsonValue &arg : json.value(QStringLiteral("arguments")).toArray())
        spec.arguments << arg.toString();
    spec.workingDirectory = json.value(QStringLiteral("working_directory")).toString();
    const QJsonObject environment = json.value(QStringLiteral("environment")).toObject();
    for (auto it = environment.begin(); it != environment.end(); ++it)
        spec.environment.insert(it.key(), it.value().toString());
    spec.memoryLimitBytes = json.value(QStringLiteral("memory_limit_bytes")).toInteger();
    spec.gpuCount = json.value(QStringLiteral("gpu_count")).toInt();
    spec.gpuMemoryBytes = std::max<qint64>(0, json.value(QStringLiteral("gpu_memory_bytes")).toInteger());
    for (const QJsonValue &arg : json.value(QStringLiteral("gpu_memory_arguments")).toArray())
        spec.gpuMemoryArguments << arg.toString();
    spec.cpuCores = json.value(QStringLiteral("cpu_cores")).toDouble();
    const QJsonValue health = json.value(QStringLiteral("health_check"));
    if (health.isObject()) {
        const QJsonObject h = health.toObject();
        HealthCheckConfig config;
        config.path = h.value(QStringLiteral("path")).toString();
        config.interval = h.value(QStringLiteral("interval")).toDouble(config.interval);
        config.maxRetries = h.value(QStringLiteral("max_retries")).toInt(config.maxRetries);
        config.maxWaitTime = h.value(QStringLiteral("max_wait_time")).toDouble(config.maxWaitTime);
        config.expectedStatusCode = h.value(QStringLiteral("expected_status_code")).toInt(config.expectedStatusCode);
        config.initialDelay = h.value(QStringLiteral("initial_delay")).toDouble(config.initialDelay);
        spec.healthCheck = config;
    }
    spec.gracePeriodMs = json.value(QStringLiteral("grace_period_ms")).toInt(spec.gracePeriodMs);
    spec.loadingStatusCode = json.value(QStringLiteral("loading_status_code")).toInt();
    spec.startTimeoutMs = std::max<qint64>(0, json.value(QStringLiteral("start_timeout_ms")).toInteger());
    spec.readyBody = json.value(QStringLiteral("ready_body")).toString();
    // The agent that starts it checks the names (LocalAgent::start).
    for (const QJsonValue &name : json.value(QStringLiteral("extra_ports")).toArray())
        spec.extraPorts << name.toString();
    return spec;
}

QJsonObject toJson(const ReplicaExit &exit)
{
    return {{QStringLiteral("error_kind"), exit.errorKind ? QJsonValue(*exit.errorKind) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("ever_healthy"), exit.everHealthy},
            {QStringLiteral("exit_code"), exit.exitCode},
            {QStringLiteral("signal"), exit.signal ? QJsonValue(*exit.signal) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("message"), exit.message},
            {QStringLiteral("log_tail"), exit.logTail}};
}

ReplicaExit exitFromJson(const QJsonObject &json)
{
    ReplicaExit exit;
    const QJsonValue kind = json.value(QStringLiteral("error_kind"));
    if (kind.isString())
        exit.errorKind = shortText(kind);
    exit.everHealthy = json.value(QStringLiteral("ever_healthy")).toBool();
    exit.exitCode = json.value(QStringLiteral("exit_code")).toInt();
    const QJsonValue signal = json.value(QStringLiteral("signal"));
    if (signal.isDouble())
        exit.signal = signal.toInt();
    exit.message = boundedTail(json.value(QStringLiteral("message")).toString());
    exit.logTail = boundedTail(json.value(QStringLiteral("log_tail")).toString());
    return exit;
}

QJsonArray toJson(const QList<GpuInfo> &gpus)
{
    QJsonArray array;
    for (const GpuInfo &g : gpus) {
        array.append(QJsonObject{{QStringLiteral("index"), g.index},
                                 {QStringLiteral("uuid"), g.uuid},
                                 {QStringLiteral("name"), g.name},
                                 {QStringLiteral("memory_total_bytes"), g.memoryTotalBytes},
                                 {QStringLiteral("memory_used_bytes"), g.memoryUsedBytes},
                                 {QStringLiteral("utilization_percent"), g.utilizationPercent}});
    }
    return array;
}

QList<GpuInfo> gpusFromJson(const QJsonArray &json)
{
    QList<GpuInfo> gpus;
    for (const QJsonValue &value : json) {
        const QJsonObject g = value.toObject();
        gpus.append({g.value(QStringLiteral("index")).toInt(), shortText(g.value(QStringLiteral("uuid"))),
                     shortText(g.value(QStringLiteral("name"))), g.value(QStringLiteral("memory_total_bytes")).toInteger(),
                     g.value(QStringLiteral("memory_used_bytes")).toInteger(),
                     g.value(QStringLiteral("utilization_percent")).toInt(), {}});
    }
    return gpus;
}

QJsonObject toJson(const AgentStatus &status)
{
    QJsonArray replicas;
    for (const ReplicaStatus &r : status.replicas) {
        replicas.append(QJsonObject{{QStringLiteral("route_id"), uuidText(r.routeId)},
                                    {QStringLiteral("pid"), r.pid},
                                    {QStringLiteral("port"), r.port},
                                    {QStringLiteral("state"), r.state},
                                    {QStringLiteral("resident_bytes"), r.residentBytes},
                                    {QStringLiteral("cpu_seconds"), r.cpuSeconds},
                                    {QStringLiteral("cold_start_ms"), r.coldStartMs},
                                    {QStringLiteral("gpu_memory_used_bytes"), r.gpuMemoryUsedBytes},
                                    {QStringLiteral("starting_for_ms"), r.startingForMs},
                                    {QStringLiteral("loading"), r.loading},
                                    {QStringLiteral("gpus"), [&] {
                                         QJsonArray gpus;
                                         for (int g : r.gpus)
                                             gpus.append(g);
                                         return gpus;
                                     }()}});
    }
    return {{QStringLiteral("agent_id"), status.agentId},
            {QStringLiteral("capacity"), status.capacity.total.toJson()},
            {QStringLiteral("gpus"), toJson(status.gpus)},
            {QStringLiteral("replicas"), replicas}};
}

AgentStatus statusFromJson(const QJsonObject &json)
{
    AgentStatus status;
    status.agentId = shortText(json.value(QStringLiteral("agent_id")));
    status.kind = QStringLiteral("remote");
    if (auto slots = ResourceSlots::fromJson(json.value(QStringLiteral("capacity")).toObject()))
        status.capacity.total = *slots;
    status.gpus = gpusFromJson(json.value(QStringLiteral("gpus")).toArray());
    for (const QJsonValue &value : json.value(QStringLiteral("replicas")).toArray()) {
        const QJsonObject r = value.toObject();
        status.replicas.append({QUuid::fromString(r.value(QStringLiteral("route_id")).toString()),
                                r.value(QStringLiteral("pid")).toInteger(), quint16(r.value(QStringLiteral("port")).toInt()),
                                shortText(r.value(QStringLiteral("state"))), r.value(QStringLiteral("resident_bytes")).toInteger(),
                                r.value(QStringLiteral("cpu_seconds")).toDouble(),
                                r.value(QStringLiteral("cold_start_ms")).toInteger(-1), [&] {
                                    QList<int> gpus;
                                    for (const QJsonValue &g : r.value(QStringLiteral("gpus")).toArray())
                                        gpus << g.toInt();
                                    return gpus;
                                }(),
                                std::max<qint64>(-1, r.value(QStringLiteral("gpu_memory_used_bytes")).toInteger(-1)),
                                {},  // its extra ports are the remote machine's: not relayed
                                std::max<qint64>(-1, r.value(QStringLiteral("starting_for_ms")).toInteger(-1)),
                                r.value(QStringLiteral("loading")).toBool()});
    }
    return status;
}

bool isAgentsAddress(const QString &hostPort)
{
    // A DNS name or IPv4 address, or a bracketed IPv6 one; then a port. Nothing else: the agent
    // opens a URL made of it.
    static const QRegularExpression grammar(
        QStringLiteral("\\A(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]{2,45}\\]):([0-9]{1,5})\\z"));
    const QRegularExpressionMatch match = grammar.match(hostPort);
    if (!match.hasMatch())
        return false;
    const uint port = match.captured(1).toUInt();
    return port >= 1 && port <= 65535;
}

QJsonObject toJson(const Redirect &redirect)
{
    return message(QStringLiteral("redirect"), {{QStringLiteral("leader"), redirect.leader},
                                                {QStringLiteral("nodes"), QJsonArray::fromStringList(redirect.nodes)}});
}

std::optional<Redirect> redirectFromJson(const QJsonObject &json)
{
    Redirect out;
    out.leader = json.value(QStringLiteral("leader")).toString();
    if (!out.leader.isEmpty() && !isAgentsAddress(out.leader))
        return std::nullopt;
    const QJsonArray nodes = json.value(QStringLiteral("nodes")).toArray();
    if (nodes.size() > kMaxPlaneNodes)
        return std::nullopt;
    for (const QJsonValue &node : nodes) {
        if (!isAgentsAddress(node.toString()))
            return std::nullopt;
        if (!out.nodes.contains(node.toString()))
            out.nodes.append(node.toString());
    }
    if (out.leader.isEmpty() && out.nodes.isEmpty())
        return std::nullopt;
    return out;
}

} // namespace ServeDeck::AgentProtocol
