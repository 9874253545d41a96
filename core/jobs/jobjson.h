#pragma once

#include <QHash>
#include <QJsonObject>

#include "domain/job.h"

namespace ServeDeck {

// The one JSON form of jobs: REST, the proxy's /_jobs answers and ctl all write these.
// Times are ISO-8601 UTC with milliseconds, null when unset.

// id, endpoint_id, endpoint, state, method, path, priority, idempotency_key, deadline, attempts,
// max_attempts, queued_at, started_at, finished_at, next_attempt_at, route_id, model_version,
// result_status, result_bytes, error, submitted_by, queue_ms, run_ms (null until known).
QJsonObject jobToJson(const Job &job);
QJsonObject jobStatsRowToJson(const JobStatsRow &row);
QJsonObject jobRetentionToJson(const JobRetention &retention);  // max_age_days, max_count
QJsonObject jobStateCountsToJson(const QHash<JobState, int> &counts);  // {"QUEUED": 3, ...}, every state

} // namespace ServeDeck
