#include "proxy/upstreamfailure.h"

namespace ServeDeck {

QString upstreamFailureName(UpstreamFailure failure)
{
    // The names are those of ErrorRecord's types: the control plane stores them as they are.
    switch (failure) {
    case UpstreamFailure::TimedOut:
        return QStringLiteral("Timeout");
    case UpstreamFailure::ConnectFailed:
    case UpstreamFailure::Closed:
    case UpstreamFailure::Malformed:
        break;
    }
    return QStringLiteral("ProxyUpstreamError");
}

int upstreamFailureStatus(UpstreamFailure failure)
{
    return failure == UpstreamFailure::TimedOut ? 504 : 502;
}

} // namespace ServeDeck
