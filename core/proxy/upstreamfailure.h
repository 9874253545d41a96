#pragma once

#include <QString>

namespace ServeDeck {

// Why an exchange with an upstream failed: the one list every part of the proxy uses, for the
// answer to the client (status and error type), the route's outlier detection and the error
// reports the control plane turns into error records.
enum class UpstreamFailure {
    ConnectFailed,  // refused, unreachable, or reset before it connected
    Closed,         // the upstream closed the connection before its answer was complete
    Malformed,      // the answer is not valid HTTP/1.1, or exceeds what the proxy accepts
    TimedOut,       // no connection, or no answer, within the time allowed
};

// The error type of the answer and of the error record: ProxyUpstreamError, or Timeout.
QString upstreamFailureName(UpstreamFailure failure);
// 502 Bad Gateway, or 504 Gateway Timeout.
int upstreamFailureStatus(UpstreamFailure failure);

} // namespace ServeDeck
