#include "serviceerror.h"

#include "enumnames.h"

namespace ServeDeck {

namespace {
constexpr EnumNames<ErrorType, 20> kNames{{{
    {ErrorType::InvalidArgument, "InvalidArgument"},
    {ErrorType::NotFound, "NotFound"},
    {ErrorType::ModelAlreadyExists, "ModelAlreadyExists"},
    {ErrorType::ModelFileNotFound, "ModelFileNotFound"},
    {ErrorType::InvalidModelDefinition, "InvalidModelDefinition"},
    {ErrorType::InsufficientResources, "InsufficientResources"},
    {ErrorType::ResourceLimitExceeded, "ResourceLimitExceeded"},
    {ErrorType::ConflictingRules, "ConflictingRules"},
    {ErrorType::Unauthorized, "Unauthorized"},
    {ErrorType::Forbidden, "Forbidden"},
    {ErrorType::PayloadTooLarge, "PayloadTooLarge"},
    {ErrorType::StorageError, "StorageError"},
    {ErrorType::NoHealthyRoute, "NoHealthyRoute"},
    {ErrorType::CircuitOpen, "CircuitOpen"},
    {ErrorType::RolloutInProgress, "RolloutInProgress"},
    {ErrorType::RuntimeNotFound, "RuntimeNotFound"},
    {ErrorType::QueueFull, "QueueFull"},
    {ErrorType::InvalidJobState, "InvalidJobState"},
    {ErrorType::StaleLeader, "StaleLeader"},
    {ErrorType::IdempotencyKeyReused, "IdempotencyKeyReused"},
}}};
} // namespace

QString errorTypeName(ErrorType type)
{
    return kNames.name(type);
}

std::optional<ErrorType> errorTypeFromName(const QString &name)
{
    return kNames.parse(name);
}

} // namespace ServeDeck
