#include "schema.h"

namespace ServeDeck {

const std::vector<QStringList> &schemaMigrations()
{
    static const std::vector<QStringList> migrations{
        // 1: the control plane's first shape.
        {
            QStringLiteral("CREATE TABLE endpoints ("
                           " id TEXT PRIMARY KEY,"
                           " name TEXT NOT NULL,"
                           " model_version TEXT NOT NULL,"
                           " model_folder TEXT NOT NULL,"
                           " runtime_variant TEXT NOT NULL,"
                           " resource_slots TEXT NOT NULL,"
                           " resource_group TEXT NOT NULL,"
                           " replicas {int} NOT NULL CHECK (replicas >= 0),"
                           " public {int} NOT NULL,"
                           " lifecycle TEXT NOT NULL CHECK (lifecycle IN ('CREATED','READY','DESTROYING','TERMINATED')),"
                           " retries {int} NOT NULL DEFAULT 0,"
                           " url TEXT NOT NULL,"
                           " current_revision_id TEXT,"
                           " created_at {int} NOT NULL,"
                           " updated_at {int} NOT NULL)"),
            // A name is unique among live endpoints; a terminated one frees it.
            QStringLiteral("CREATE UNIQUE INDEX endpoints_live_name ON endpoints(name) WHERE lifecycle <> 'TERMINATED'"),
            QStringLiteral("CREATE TABLE revisions ("
                           " id TEXT PRIMARY KEY,"
                           " endpoint_id TEXT NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,"
                           " number {int} NOT NULL,"
                           " model_version TEXT NOT NULL,"
                           " model_folder TEXT NOT NULL,"
                           " runtime_variant TEXT NOT NULL,"
                           " created_at {int} NOT NULL,"
                           " UNIQUE (endpoint_id, number))"),
            QStringLiteral("CREATE TABLE routes ("
                           " id TEXT PRIMARY KEY,"
                           " endpoint_id TEXT NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,"
                           " revision_id TEXT REFERENCES revisions(id),"
                           " status TEXT NOT NULL,"
                           " weight {int} NOT NULL CHECK (weight >= 0),"
                           " replica_id TEXT,"
                           " agent_id TEXT,"
                           " created_at {int} NOT NULL,"
                           " updated_at {int} NOT NULL)"),
            QStringLiteral("CREATE INDEX routes_by_endpoint ON routes(endpoint_id)"),
            QStringLiteral("CREATE TABLE autoscaling_rules ("
                           " id TEXT PRIMARY KEY,"
                           " endpoint_id TEXT NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,"
                           " metric_source TEXT NOT NULL,"
                           " metric TEXT NOT NULL,"
                           " comparator TEXT NOT NULL,"
                           " threshold {real} NOT NULL,"
                           " step_size {int} NOT NULL,"
                           " target_per_replica {real},"
                           " min_replicas {int} NOT NULL CHECK (min_replicas >= 0),"
                           " max_replicas {int} NOT NULL CHECK (max_replicas >= min_replicas),"
                           " scale_up_delay {int} NOT NULL CHECK (scale_up_delay >= 0),"
                           " scale_down_delay {int} NOT NULL CHECK (scale_down_delay >= 0),"
                           " cooldown {int} NOT NULL CHECK (cooldown >= 0),"
                           " created_at {int} NOT NULL,"
                           " updated_at {int} NOT NULL)"),
            QStringLiteral("CREATE TABLE token_grants ("
                           " id TEXT PRIMARY KEY,"
                           " endpoint_id TEXT NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,"
                           " scope TEXT NOT NULL,"
                           " expires_at {int},"
                           " allowed_ips TEXT NOT NULL,"
                           " created_at {int} NOT NULL,"
                           " revoked_at {int})"),
            QStringLiteral("CREATE TABLE errors ("
                           " id {id},"
                           " endpoint_id TEXT NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,"
                           " route_id TEXT, replica_id TEXT, agent_id TEXT,"
                           " type TEXT NOT NULL,"
                           " message TEXT NOT NULL,"
                           " exit_code {int}, signal {int},"
                           " log_tail TEXT,"
                           " created_at {int} NOT NULL)"),
            QStringLiteral("CREATE INDEX errors_by_endpoint ON errors(endpoint_id, created_at)"),
            QStringLiteral("CREATE TABLE scale_events ("
                           " id {id},"
                           " endpoint_id TEXT NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,"
                           " rule_id TEXT,"
                           " replicas_before {int} NOT NULL,"
                           " replicas_after {int} NOT NULL,"
                           " metric_value {real},"
                           " reason TEXT NOT NULL,"
                           " created_at {int} NOT NULL)"),
            QStringLiteral("CREATE INDEX scale_events_by_endpoint ON scale_events(endpoint_id, created_at)"),
        },
        // 2: a covering index, so a reconciler pass counts routes per endpoint from the index alone.
        {
            QStringLiteral("CREATE INDEX routes_by_endpoint_status ON routes(endpoint_id, status)"),
            QStringLiteral("DROP INDEX routes_by_endpoint"),
        },
        // 3: the data plane's policies. A revision's header condition and mode (serve or shadow);
        // an endpoint's circuit breaker (Istio's connectionPool and outlierDetection).
        {
            QStringLiteral("ALTER TABLE revisions ADD COLUMN match_header_name TEXT"),
            QStringLiteral("ALTER TABLE revisions ADD COLUMN match_header_value TEXT"),
            QStringLiteral("ALTER TABLE revisions ADD COLUMN mode TEXT NOT NULL DEFAULT 'serve'"
                           " CHECK (mode IN ('serve','shadow'))"),
            QStringLiteral("ALTER TABLE endpoints ADD COLUMN cb_max_connections {int} NOT NULL DEFAULT 100"
                           " CHECK (cb_max_connections >= 1)"),
            QStringLiteral("ALTER TABLE endpoints ADD COLUMN cb_max_pending_requests {int} NOT NULL DEFAULT 100"
                           " CHECK (cb_max_pending_requests >= 0)"),
            QStringLiteral("ALTER TABLE endpoints ADD COLUMN cb_max_requests_per_connection {int} NOT NULL DEFAULT 0"
                           " CHECK (cb_max_requests_per_connection >= 0)"),
            QStringLiteral("ALTER TABLE endpoints ADD COLUMN cb_consecutive_errors {int} NOT NULL DEFAULT 5"
                           " CHECK (cb_consecutive_errors >= 0)"),
            QStringLiteral("ALTER TABLE endpoints ADD COLUMN cb_base_ejection_seconds {int} NOT NULL DEFAULT 30"
                           " CHECK (cb_base_ejection_seconds >= 1)"),
            QStringLiteral("ALTER TABLE endpoints ADD COLUMN cb_max_ejection_percent {int} NOT NULL DEFAULT 50"
                           " CHECK (cb_max_ejection_percent BETWEEN 0 AND 100)"),
        },
        // 4: per-endpoint autoscaling beyond rules: replica floors by schedule, scale to zero when idle.
        {
            QStringLiteral("CREATE TABLE autoscale_settings ("
                           " endpoint_id TEXT PRIMARY KEY REFERENCES endpoints(id) ON DELETE CASCADE,"
                           " schedule TEXT NOT NULL DEFAULT '',"
                           " idle_timeout {int} NOT NULL DEFAULT 0,"
                           " updated_at {int} NOT NULL)"),
        },
        // 5: rollouts. A revision that is not the endpoint's current one has its own replica
        // count; an endpoint's count is its current revision's. Routes of other revisions were
        // counted against the endpoint's until now: they move to their revision's count.
        {
            QStringLiteral("ALTER TABLE revisions ADD COLUMN replicas {int} NOT NULL DEFAULT 0 CHECK (replicas >= 0)"),
            QStringLiteral("UPDATE revisions SET replicas = (SELECT COUNT(*) FROM routes r WHERE r.revision_id = revisions.id"
                           " AND r.status IN ('PROVISIONING','HEALTHY','UNHEALTHY'))"
                           " WHERE id NOT IN (SELECT current_revision_id FROM endpoints WHERE current_revision_id IS NOT NULL)"),
            QStringLiteral("UPDATE endpoints SET replicas = {greatest}(0, replicas - (SELECT COALESCE(SUM(v.replicas), 0)"
                           " FROM revisions v WHERE v.endpoint_id = endpoints.id AND v.id {is_not} endpoints.current_revision_id))"),
            QStringLiteral("CREATE TABLE rollouts ("
                           " id TEXT PRIMARY KEY,"
                           " endpoint_id TEXT NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,"
                           " from_revision_id TEXT NOT NULL REFERENCES revisions(id),"
                           " to_revision_id TEXT NOT NULL REFERENCES revisions(id),"
                           " strategy TEXT NOT NULL CHECK (strategy IN ('rolling','blue-green','canary','progressive')),"
                           " phase TEXT NOT NULL CHECK (phase IN ('PROGRESSING','PAUSED','PROMOTING','SUCCEEDED',"
                           "'ABORTED','ROLLED_BACK')),"
                           " steps TEXT NOT NULL,"
                           " step_index {int} NOT NULL CHECK (step_index >= 0),"
                           " interval_seconds {int} NOT NULL CHECK (interval_seconds >= 1),"
                           " weight {int} NOT NULL CHECK (weight BETWEEN 0 AND 100),"
                           " max_surge_percent {int} NOT NULL CHECK (max_surge_percent BETWEEN 0 AND 100),"
                           " max_unavailable {int} NOT NULL CHECK (max_unavailable >= 0),"
                           " rollback_window_seconds {int} NOT NULL CHECK (rollback_window_seconds >= 0),"
                           " progress_deadline_seconds {int} NOT NULL CHECK (progress_deadline_seconds >= 1),"
                           " max_failures {int} NOT NULL CHECK (max_failures >= 0),"
                           " failures {int} NOT NULL DEFAULT 0,"
                           " failed_checks {int} NOT NULL DEFAULT 0,"
                           " min_requests {int} NOT NULL,"
                           " max_error_rate_increase {real} NOT NULL,"
                           " max_latency_ratio {real} NOT NULL,"
                           " min_latency_increase_ms {real} NOT NULL,"
                           " failure_threshold {int} NOT NULL CHECK (failure_threshold >= 1),"
                           " reason TEXT NOT NULL DEFAULT '',"
                           " created_at {int} NOT NULL,"
                           " updated_at {int} NOT NULL,"
                           " step_started_at {int},"
                           " finished_at {int},"
                           " warm_until {int}{rowid})"),
            // One rollout in progress per endpoint, whoever starts the second.
            QStringLiteral("CREATE UNIQUE INDEX rollouts_one_in_progress ON rollouts(endpoint_id)"
                           " WHERE phase IN ('PROGRESSING','PAUSED','PROMOTING')"),
            QStringLiteral("CREATE INDEX rollouts_by_endpoint ON rollouts(endpoint_id, created_at)"),
            QStringLiteral("CREATE TABLE rollout_decisions ("
                           " id {id},"
                           " rollout_id TEXT NOT NULL REFERENCES rollouts(id) ON DELETE CASCADE,"
                           " step {int} NOT NULL,"
                           " check_name TEXT NOT NULL,"
                           " canary_requests {int} NOT NULL,"
                           " stable_requests {int} NOT NULL,"
                           " canary_value {real}, stable_value {real}, effect {real},"
                           " verdict TEXT NOT NULL CHECK (verdict IN ('PASS','FAIL','INCONCLUSIVE')),"
                           " note TEXT NOT NULL DEFAULT '',"
                           " created_at {int} NOT NULL)"),
            QStringLiteral("CREATE INDEX rollout_decisions_by_rollout ON rollout_decisions(rollout_id, id)"),
            QStringLiteral("CREATE TABLE rollout_events ("
                           " id {id},"
                           " rollout_id TEXT NOT NULL REFERENCES rollouts(id) ON DELETE CASCADE,"
                           " phase TEXT NOT NULL,"
                           " step {int} NOT NULL,"
                           " weight {int} NOT NULL,"
                           " message TEXT NOT NULL,"
                           " created_at {int} NOT NULL)"),
            QStringLiteral("CREATE INDEX rollout_events_by_rollout ON rollout_events(rollout_id, id)"),
        },
        // 6: each remote agent's own credential, issued when it joins with the join token. Only a
        // SHA-256 of the secret is kept; a revoked row stays, so the id cannot join again.
        {
            QStringLiteral("CREATE TABLE agent_credentials ("
                           " agent_id TEXT PRIMARY KEY,"
                           " secret_sha256 {blob} NOT NULL CHECK (length(secret_sha256) = 32),"
                           " issued_at {int} NOT NULL,"
                           " revoked_at {int})"),
        },
        // 7: how long errors and scale events are kept (one row; none: the defaults).
        {
            QStringLiteral("CREATE TABLE history_retention ("
                           " id {int} PRIMARY KEY CHECK (id = 1),"
                           " max_age_days {int} NOT NULL CHECK (max_age_days BETWEEN 1 AND 3650),"
                           " max_rows_per_endpoint {int} NOT NULL CHECK (max_rows_per_endpoint BETWEEN 100 AND 1000000),"
                           " updated_at {int} NOT NULL)"),
        },
        // The other names an endpoint answers to at the proxy's OpenAI front door. An alias is
        // one endpoint's at a time (a deleted endpoint's are dropped), in the order given.
        {
            QStringLiteral("CREATE TABLE endpoint_aliases ("
                           " alias TEXT PRIMARY KEY,"
                           " endpoint_id TEXT NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,"
                           " position {int} NOT NULL)"),
            QStringLiteral("CREATE INDEX endpoint_aliases_by_endpoint ON endpoint_aliases(endpoint_id, position)"),
        },
        // Contention for capacity: an endpoint's priority and queue/preemption settings
        // (queue_when_full NULL: the default), and why and since when a PENDING route waits
        // (and, refused by an agent, when it is offered again).
        {
            QStringLiteral("ALTER TABLE endpoints ADD COLUMN priority {int} NOT NULL DEFAULT 0"
                           " CHECK (priority BETWEEN -1000 AND 1000)"),
            QStringLiteral("ALTER TABLE endpoints ADD COLUMN queue_when_full {int}"),
            QStringLiteral("ALTER TABLE endpoints ADD COLUMN allow_preemption {int} NOT NULL DEFAULT 0"),
            QStringLiteral("ALTER TABLE routes ADD COLUMN pending_reason TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE routes ADD COLUMN pending_since {int}"),
            QStringLiteral("ALTER TABLE routes ADD COLUMN pending_retry_at {int}"),
        },
        // Load-test runs (core/traffic's results): the figures as JSON, at most 1 MiB each, and
        // what a list shows. A run outlives its endpoint: endpoint_id is kept, not a reference.
        {
            QStringLiteral("CREATE TABLE load_tests ("
                           " id TEXT PRIMARY KEY,"
                           " endpoint_id TEXT NOT NULL,"
                           " endpoint_name TEXT NOT NULL,"
                           " created_at {int} NOT NULL,"
                           " passed {int} NOT NULL CHECK (passed IN (0, 1)),"
                           " summary TEXT NOT NULL,"
                           " result TEXT NOT NULL CHECK (length(result) <= 1048576))"),
            QStringLiteral("CREATE INDEX load_tests_by_endpoint ON load_tests(endpoint_id, created_at)"),
            QStringLiteral("CREATE INDEX load_tests_by_time ON load_tests(created_at)"),
        },
        // Notifications: channels (a webhook's signing secret kept here, never answered back),
        // alert rules per endpoint, and every delivery attempt (the newest 10,000 kept).
        {
            QStringLiteral("CREATE TABLE notification_channels ("
                           " id TEXT PRIMARY KEY,"
                           " name TEXT NOT NULL UNIQUE,"
                           " kind TEXT NOT NULL CHECK (kind IN ('desktop','webhook','command')),"
                           " config TEXT NOT NULL,"
                           " secret {blob},"
                           " created_at {int} NOT NULL{rowid})"),
            QStringLiteral("CREATE TABLE alert_rules ("
                           " id TEXT PRIMARY KEY,"
                           " endpoint_id TEXT NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,"
                           " metric TEXT NOT NULL,"
                           " comparator TEXT NOT NULL CHECK (comparator IN ('>','<')),"
                           " threshold {real} NOT NULL,"
                           " for_seconds {int} NOT NULL CHECK (for_seconds >= 0),"
                           " severity TEXT NOT NULL,"
                           " created_at {int} NOT NULL{rowid})"),
            QStringLiteral("CREATE INDEX alert_rules_by_endpoint ON alert_rules(endpoint_id, created_at)"),
            QStringLiteral("CREATE TABLE notification_deliveries ("
                           " id {id},"
                           " channel_id TEXT NOT NULL,"
                           " channel_name TEXT NOT NULL,"
                           " event_kind TEXT NOT NULL,"
                           " endpoint_id TEXT,"
                           " created_at {int} NOT NULL,"
                           " attempt {int} NOT NULL,"
                           " ok {int} NOT NULL CHECK (ok IN (0, 1)),"
                           " outcome TEXT NOT NULL,"
                           " title TEXT NOT NULL,"
                           " count {int} NOT NULL)"),
            QStringLiteral("CREATE INDEX notification_deliveries_by_channel ON notification_deliveries(channel_id, id)"),
        },
        // Usage accounting (issue 16): per-endpoint samples by minute, then by hour (endpoint_id kept,
        // not a reference: usage outlives its endpoint); the ledger of what each replica reserved,
        // an interval per route (ended_at NULL while open, one open per route); prices and how long
        // samples are kept (one row each; none: no prices, the default periods).
        {
            QStringLiteral("CREATE TABLE usage_samples ("
                           " endpoint_id TEXT NOT NULL,"
                           " start {int} NOT NULL,"
                           " seconds {int} NOT NULL CHECK (seconds IN (60, 3600)),"
                           " requests {int} NOT NULL CHECK (requests >= 0),"
                           " errors {int} NOT NULL CHECK (errors >= 0),"
                           " requests_per_second {real} NOT NULL CHECK (requests_per_second >= 0),"
                           " p95_ms {real},"
                           " replicas {real} NOT NULL CHECK (replicas >= 0),"
                           " desired_replicas {int} NOT NULL CHECK (desired_replicas >= 0),"
                           " cpu_percent {real},"
                           " gpu_percent {real},"
                           " PRIMARY KEY (endpoint_id, start, seconds))"),
            QStringLiteral("CREATE INDEX usage_samples_by_age ON usage_samples(seconds, start)"),
            QStringLiteral("CREATE TABLE usage_intervals ("
                           " id {id},"
                           " route_id TEXT NOT NULL,"
                           " endpoint_id TEXT NOT NULL,"
                           " revision_id TEXT,"
                           " agent_id TEXT,"
                           " cpu_cores {real} NOT NULL CHECK (cpu_cores >= 0),"
                           " memory_bytes {int} NOT NULL CHECK (memory_bytes >= 0),"
                           " gpu_devices TEXT NOT NULL,"
                           " gpu_share {real} NOT NULL CHECK (gpu_share >= 0),"
                           " started_at {int} NOT NULL,"
                           " ended_at {int} CHECK (ended_at IS NULL OR ended_at >= started_at))"),
            QStringLiteral("CREATE UNIQUE INDEX usage_intervals_open ON usage_intervals(route_id) WHERE ended_at IS NULL"),
            QStringLiteral("CREATE INDEX usage_intervals_by_endpoint ON usage_intervals(endpoint_id, started_at)"),
            QStringLiteral("CREATE TABLE usage_prices ("
                           " id {int} PRIMARY KEY CHECK (id = 1),"
                           " cpu_hour {real} CHECK (cpu_hour IS NULL OR (cpu_hour >= 0 AND cpu_hour <= 10000)),"
                           " gpu_hour {real} CHECK (gpu_hour IS NULL OR (gpu_hour >= 0 AND gpu_hour <= 10000)),"
                           " currency TEXT NOT NULL CHECK (currency = '' OR length(currency) = 3),"
                           " updated_at {int} NOT NULL)"),
            QStringLiteral("CREATE TABLE usage_retention ("
                           " id {int} PRIMARY KEY CHECK (id = 1),"
                           " minute_days {int} NOT NULL CHECK (minute_days BETWEEN 1 AND 90),"
                           " hour_days {int} NOT NULL CHECK (hour_days BETWEEN 1 AND 3650),"
                           " updated_at {int} NOT NULL)"),
        },
        // An endpoint's latency target (p95, ms; NULL: none), what recommendations judge by.
        {
            QStringLiteral("ALTER TABLE endpoints ADD COLUMN latency_target_ms {int}"
                           " CHECK (latency_target_ms BETWEEN 1 AND 600000)"),
        },
        // Requests and errors per revision and usage bucket, beside usage_samples (same buckets, same
        // retention); revision_id '' for routes that had none, so the key stays unique.
        {
            QStringLiteral("CREATE TABLE usage_revision_counts ("
                           " endpoint_id TEXT NOT NULL,"
                           " revision_id TEXT NOT NULL,"
                           " start {int} NOT NULL,"
                           " seconds {int} NOT NULL CHECK (seconds IN (60, 3600)),"
                           " requests {int} NOT NULL CHECK (requests >= 0),"
                           " errors {int} NOT NULL CHECK (errors >= 0),"
                           " PRIMARY KEY (endpoint_id, revision_id, start, seconds))"),
            QStringLiteral("CREATE INDEX usage_revision_counts_by_age ON usage_revision_counts(seconds, start)"),
        },
        // Asynchronous inference jobs (issue 17): one row per job, its request and its answer (a large
        // answer's body in a file of the results folder, named in result_file). endpoint_id is kept,
        // not a reference: a job outlives its endpoint until retention deletes it. seq orders jobs
        // submitted within one millisecond (FIFO), without row ids. The request body has a table of
        // its own: SQLite rewrites a whole row on every UPDATE, and a job's row changes at each
        // claim, lease renewal and finish (an 8 MiB body would be written again each time). The
        // inline answer comes last: SQLite walks a large value's overflow pages to reach any column
        // after it. job_settings holds retention (one row; none: the defaults).
        {
            QStringLiteral("CREATE TABLE jobs ("
                           " id TEXT PRIMARY KEY CHECK (length(id) = 32),"
                           " seq {int} NOT NULL,"
                           " endpoint_id TEXT NOT NULL,"
                           " state TEXT NOT NULL CHECK (state IN ('QUEUED','RUNNING','SUCCEEDED','FAILED','CANCELLED',"
                           "'EXPIRED')),"
                           " method TEXT NOT NULL,"
                           " path TEXT NOT NULL,"
                           " headers TEXT NOT NULL,"
                           " priority {int} NOT NULL CHECK (priority BETWEEN -100 AND 100),"
                           " idempotency_key TEXT,"
                           " deadline {int},"
                           " attempts {int} NOT NULL CHECK (attempts >= 0),"
                           " max_attempts {int} NOT NULL CHECK (max_attempts >= 1),"
                           " queued_at {int} NOT NULL,"
                           " started_at {int},"
                           " finished_at {int},"
                           " next_attempt_at {int},"
                           " lease_owner TEXT,"
                           " lease_expires_at {int},"
                           " route_id TEXT,"
                           " model_version TEXT NOT NULL DEFAULT '',"
                           " result_status {int} NOT NULL DEFAULT 0,"
                           " result_headers TEXT,"
                           " result_file TEXT,"
                           " result_bytes {int} NOT NULL DEFAULT 0,"
                           " error TEXT NOT NULL DEFAULT '',"
                           " submitted_by TEXT NOT NULL DEFAULT '',"
                           " body_bytes {int} NOT NULL DEFAULT 0 CHECK (body_bytes >= 0),"
                           " result_body {blob},"
                           " UNIQUE (endpoint_id, idempotency_key))"),
            QStringLiteral("CREATE TABLE job_bodies ("
                           " job_id TEXT PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,"
                           " body {blob} NOT NULL)"),
            QStringLiteral("CREATE UNIQUE INDEX jobs_by_seq ON jobs(seq)"),
            // What claim() reads: an endpoint's QUEUED jobs, highest priority first, then oldest.
            QStringLiteral("CREATE INDEX jobs_dispatch ON jobs(endpoint_id, state, priority DESC, queued_at, seq)"),
            QStringLiteral("CREATE INDEX jobs_by_queued ON jobs(queued_at, seq)"),
            // Retention and statistics read final jobs by their finish.
            QStringLiteral("CREATE INDEX jobs_by_finish ON jobs(finished_at) WHERE finished_at IS NOT NULL"),
            // recover(): leases run out, deadlines pass (only live jobs are in these).
            QStringLiteral("CREATE INDEX jobs_by_lease ON jobs(lease_expires_at) WHERE state = 'RUNNING'"),
            QStringLiteral("CREATE INDEX jobs_by_deadline ON jobs(deadline)"
                           " WHERE deadline IS NOT NULL AND state IN ('QUEUED','RUNNING')"),
            QStringLiteral("CREATE TABLE job_settings ("
                           " id {int} PRIMARY KEY CHECK (id = 1),"
                           " max_age_days {int} NOT NULL CHECK (max_age_days BETWEEN 1 AND 365),"
                           " max_count {int} NOT NULL CHECK (max_count BETWEEN 100 AND 10000000),"
                           " updated_at {int} NOT NULL)"),
        },
        // The shared plane's secrets (the token-signing key, the agent channel's TLS identity),
        // sealed with AES-256-GCM under the operator's plane key: the nonce and the ciphertext
        // (its tag at the end) only. A row is written once and never updated.
        {
            QStringLiteral("CREATE TABLE plane_secrets ("
                           " name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 128),"
                           " nonce {blob} NOT NULL,"
                           " ciphertext {blob} NOT NULL,"
                           " created_at {int} NOT NULL,"
                           " created_by TEXT NOT NULL DEFAULT '')"),
        },
        // The consoles of a shared plane and where each listens for agents and serves traffic:
        // a follower sends a joining agent to the leader's agents address. Each node renews its
        // own row; updated_at says how fresh it is.
        {
            QStringLiteral("CREATE TABLE plane_nodes ("
                           " node_id TEXT PRIMARY KEY CHECK (length(node_id) BETWEEN 1 AND 64),"
                           " agents_address TEXT NOT NULL DEFAULT '',"
                           " proxy_address TEXT NOT NULL DEFAULT '',"
                           " updated_at {int} NOT NULL)"),
        },
        // An endpoint's job concurrency (issue 17): at most this many of its jobs run at once;
        // 0, what every endpoint had before, is the plane's default (HEALTHY replicas x per replica).
        {
            QStringLiteral("ALTER TABLE endpoints ADD COLUMN job_concurrency {int} NOT NULL DEFAULT 0"
                           " CHECK (job_concurrency BETWEEN 0 AND 10000)"),
        },
    };
    return migrations;
}

} // namespace ServeDeck
