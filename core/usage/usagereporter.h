#pragma once

#include <QDateTime>
#include <QTimeZone>

#include "domain/endpoint.h"
#include "domain/result.h"
#include "usage/usagereport.h"

namespace ServeDeck {

class Clock;
class Repository;

// Builds an endpoint's usage report from the ledger's intervals (reserved resources), the stored
// samples (requests, the hour-of-week matrix) and the prices.
class UsageReporter final
{
    Q_DISABLE_COPY_MOVE(UsageReporter)

public:
    static constexpr int kMaxWeeks = 13;
    static constexpr int kMaxSinceDays = 3650;

    UsageReporter(Repository &repository, Clock &clock, QTimeZone zone = QTimeZone::systemTimeZone());

    // Over [since, now]; since must be before now.
    Result<UsageReport> report(const Endpoint &endpoint, const QDateTime &since);

    // The one grammar of a "since" (usage, recommendations): "90m", "24h", "7d", "2w" back from now, or an ISO 8601 time (with its offset; UTC without): before
    // now and at most kMaxSinceDays back. Empty: 7 days. Anything else: InvalidArgument (field since).
    static Result<QDateTime> parseSince(const QString &text, const QDateTime &now);

private:
    Repository &m_repository;
    Clock &m_clock;
    QTimeZone m_zone;
};

} // namespace ServeDeck
