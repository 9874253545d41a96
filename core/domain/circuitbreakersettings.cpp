#include "circuitbreakersettings.h"

namespace ServeDeck {

namespace {

struct Range
{
    int CircuitBreakerSettings::*field;
    const char *name;
    int min;
    int max;
};

// The bounds the API's field reader enforces too (JsonCodec), so that both say the same.
constexpr Range kRanges[] = {
    {&CircuitBreakerSettings::maxConnections, "max_connections", 1, 100000},
    {&CircuitBreakerSettings::maxPendingRequests, "max_pending_requests", 0, 100000},
    {&CircuitBreakerSettings::maxRequestsPerConnection, "max_requests_per_connection", 0, 1000000},
    {&CircuitBreakerSettings::consecutiveErrors, "consecutive_errors", 0, 10000},
    {&CircuitBreakerSettings::baseEjectionSeconds, "base_ejection_seconds", 1, 86400},
    {&CircuitBreakerSettings::maxEjectionPercent, "max_ejection_percent", 0, 100},
};

} // namespace

QJsonObject CircuitBreakerSettings::toJson() const
{
    QJsonObject o;
    for (const Range &range : kRanges)
        o.insert(QString::fromLatin1(range.name), this->*range.field);
    return o;
}

std::optional<ServiceError> CircuitBreakerSettings::problem() const
{
    for (const Range &range : kRanges) {
        const int value = this->*range.field;
        if (value < range.min || value > range.max) {
            const QString field = QStringLiteral("circuit_breaker.") + QString::fromLatin1(range.name);
            return makeError(ErrorType::InvalidArgument,
                             QStringLiteral("%1: %2 is outside %3-%4").arg(field).arg(value).arg(range.min).arg(range.max),
                             {{QStringLiteral("field"), field}});
        }
    }
    return std::nullopt;
}

CircuitBreakerSettings CircuitBreakerChanges::appliedTo(CircuitBreakerSettings s) const
{
    s.maxConnections = maxConnections.value_or(s.maxConnections);
    s.maxPendingRequests = maxPendingRequests.value_or(s.maxPendingRequests);
    s.maxRequestsPerConnection = maxRequestsPerConnection.value_or(s.maxRequestsPerConnection);
    s.consecutiveErrors = consecutiveErrors.value_or(s.consecutiveErrors);
    s.baseEjectionSeconds = baseEjectionSeconds.value_or(s.baseEjectionSeconds);
    s.maxEjectionPercent = maxEjectionPercent.value_or(s.maxEjectionPercent);
    return s;
}

} // namespace ServeDeck
