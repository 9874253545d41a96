// The agent protocol decoder on a WebSocket text frame, then what each end reads from a
// decoded message: the plane (status, exited, the hello's gpus), the agent (start's spec).
#include <cstddef>
#include <cstdint>

#include <QJsonArray>
#include <QString>

#include "agent/agentprotocol.h"

namespace AgentProtocol = ServeDeck::AgentProtocol;

namespace {
volatile size_t sink;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // A text frame is UTF-8; QWebSocket hands it over as a QString.
    const QString frame = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto message = AgentProtocol::decode(frame);
    if (!message)
        return 0;
    size_t sum = size_t(message->value(QStringLiteral("type")).toString().size());
    const auto status = AgentProtocol::statusFromJson(*message);
    sum += size_t(status.gpus.size()) + size_t(status.replicas.size());
    AgentProtocol::toJson(status);  // the round trip the agent does for its heartbeat
    const auto exit = AgentProtocol::exitFromJson(*message);
    sum += size_t(exit.message.size());
    AgentProtocol::toJson(exit);
    sum += size_t(AgentProtocol::gpusFromJson(message->value(QStringLiteral("gpus")).toArray()).size());
    if (const auto spec = AgentProtocol::specFromJson(message->value(QStringLiteral("spec")).toObject())) {
        sum += size_t(spec->arguments.size());
        AgentProtocol::toJson(*spec);
    }
    sink = sum + size_t(AgentProtocol::encode(*message).size());
    return 0;
}
