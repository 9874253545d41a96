#pragma once

#include "domain/result.h"
#include "notify/notificationtypes.h"

namespace ServeDeck {

// An alert rule's condition as operators write it, "p95_ms > 200 for 60s" ("for" optional,
// 0 s then): metric, an explicit inequality, a number. Range checks are the Notifier's.
class AlertCondition
{
public:
    static Result<AlertRule> parse(const QString &text);
    static QString text(const AlertRule &rule);
};

} // namespace ServeDeck
