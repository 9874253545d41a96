#pragma once

#include <optional>

#include <QJsonObject>
#include <QString>

namespace ServeDeck {

// The same names travel end to end: service, API JSON, CLI and GUI.
enum class ErrorType {
    InvalidArgument,
    NotFound,
    ModelAlreadyExists,
    ModelFileNotFound,
    InvalidModelDefinition,
    InsufficientResources,
    ResourceLimitExceeded,
    ConflictingRules,
    Unauthorized,
    Forbidden,
    PayloadTooLarge,
    StorageError,
    NoHealthyRoute,
    CircuitOpen,  // the proxy's circuit breaker refused a request (Istio's overflow)
    RolloutInProgress,  // an endpoint has one rollout at a time
    RuntimeNotFound,    // a runtime preset's program is neither on PATH nor in a tools dir
    QueueFull,          // a job queue (or the proxy's hand-off to it) is full: try again later
    InvalidJobState,    // a job cannot do that in its state (cancel a finished one, read a queued one's result)
    StaleLeader,        // a former leader's write, refused: another node leads the shared plane now
    IdempotencyKeyReused,  // an idempotency key names a job that was submitted with another request
};

QString errorTypeName(ErrorType type);
std::optional<ErrorType> errorTypeFromName(const QString &name);

struct ServiceError
{
    ErrorType type = ErrorType::InvalidArgument;
    QString message;
    QJsonObject details;

    QString typeName() const { return errorTypeName(type); }
};

} // namespace ServeDeck
