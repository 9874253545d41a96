#include "errorrecord.h"

namespace ServeDeck {

QStringList knownErrorKinds()
{
    return {QStringLiteral("OOMKilled"),        QStringLiteral("CrashLoop"),          QStringLiteral("StartFailed"),
            QStringLiteral("HealthCheckFailed"), QStringLiteral("Timeout"),            QStringLiteral("CudaOutOfMemory"),
            QStringLiteral("AgentLost"),         QStringLiteral("ProxyUpstreamError"), QStringLiteral("ModelLoadFailed"),
            QStringLiteral("Crashed"),          QStringLiteral("Preempted")};
}

} // namespace ServeDeck
