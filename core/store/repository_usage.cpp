// Repository: usage accounting's tables (samples, the reservation ledger, prices, retention).
// Kept out of repository.cpp so the usage feature's SQL reads in one place.

#include "repository.h"

#include <algorithm>
#include <cmath>

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include "sqlvalue.h"

namespace ServeDeck {

namespace {

using SqlValue::idText;

QVariant nullReal()
{
    return QVariant(QMetaType::fromType<double>());
}

QVariant optionalReal(const std::optional<double> &v)
{
    return v ? QVariant(*v) : nullReal();
}

std::optional<double> realFrom(const QVariant &v)
{
    if (v.isNull())
        return std::nullopt;
    return v.toDouble();
}

ServiceError usageSqlError(const QSqlError &error, const QString &what)
{
    return makeError(ErrorType::StorageError, QStringLiteral("%1: %2").arg(what, error.text()),
                     {{QStringLiteral("native_code"), error.nativeErrorCode()}});
}

Result<QSqlQuery> exec(const QString &connection, const QString &sql, const QVariantList &binds = {})
{
    QSqlQuery q(QSqlDatabase::database(connection, false));
    q.setForwardOnly(true);
    // Without binds, run as it is: QPSQL's prepared statement costs two more round trips.
    if (binds.isEmpty()) {
        if (!q.exec(sql))
            return usageSqlError(q.lastError(), QStringLiteral("query"));
        return q;
    }
    if (!q.prepare(sql))
        return usageSqlError(q.lastError(), QStringLiteral("prepare"));
    for (const auto &b : binds)
        q.addBindValue(b);
    if (!q.exec())
        return usageSqlError(q.lastError(), QStringLiteral("query"));
    return q;
}

bool finiteAtLeastZero(double v)
{
    return std::isfinite(v) && v >= 0;
}

bool optionalFinite(const std::optional<double> &v)
{
    return !v || finiteAtLeastZero(*v);
}

// Why a sample cannot be stored; empty when it can.
QString sampleFault(const UsageSample &s)
{
    if (s.endpointId.isNull())
        return QStringLiteral("endpoint_id");
    if (s.seconds != 60 && s.seconds != 3600)
        return QStringLiteral("seconds");
    if (!s.start.isValid() || s.start.toMSecsSinceEpoch() % (qint64(s.seconds) * 1000) != 0)
        return QStringLiteral("start");
    if (s.requests < 0)
        return QStringLiteral("requests");
    if (s.errors < 0)
        return QStringLiteral("errors");
    if (!finiteAtLeastZero(s.requestsPerSecond))
        return QStringLiteral("requests_per_second");
    if (!optionalFinite(s.p95Ms))
        return QStringLiteral("p95_ms");
    if (!finiteAtLeastZero(s.replicas))
        return QStringLiteral("replicas");
    if (s.desiredReplicas < 0)
        return QStringLiteral("desired_replicas");
    if (!optionalFinite(s.cpuPercent))
        return QStringLiteral("cpu_percent");
    if (!optionalFinite(s.gpuPercent))
        return QStringLiteral("gpu_percent");
    return {};
}

const QString kSampleColumns = QStringLiteral(
    "endpoint_id, start, seconds, requests, errors, requests_per_second, p95_ms, replicas, desired_replicas, "
    "cpu_percent, gpu_percent");

// A bucket already stored is replaced: an upsert on the key (INSERT OR REPLACE before, which
// PostgreSQL lacks; nothing refers to these rows, so replacing and updating are the same).
const QString kSampleUpsert = QStringLiteral(
    " ON CONFLICT (endpoint_id, start, seconds) DO UPDATE SET requests = excluded.requests,"
    " errors = excluded.errors, requests_per_second = excluded.requests_per_second, p95_ms = excluded.p95_ms,"
    " replicas = excluded.replicas, desired_replicas = excluded.desired_replicas,"
    " cpu_percent = excluded.cpu_percent, gpu_percent = excluded.gpu_percent");
const QString kRevisionCountUpsert = QStringLiteral(
    " ON CONFLICT (endpoint_id, revision_id, start, seconds) DO UPDATE SET requests = excluded.requests,"
    " errors = excluded.errors");

UsageSample sampleFrom(const QSqlQuery &q)
{
    UsageSample s;
    s.endpointId = QUuid::fromString(q.value(0).toString());
    s.start = QDateTime::fromMSecsSinceEpoch(q.value(1).toLongLong(), Qt::UTC);
    s.seconds = q.value(2).toInt();
    s.requests = q.value(3).toLongLong();
    s.errors = q.value(4).toLongLong();
    s.requestsPerSecond = q.value(5).toDouble();
    s.p95Ms = realFrom(q.value(6));
    s.replicas = q.value(7).toDouble();
    s.desiredReplicas = q.value(8).toInt();
    s.cpuPercent = realFrom(q.value(9));
    s.gpuPercent = realFrom(q.value(10));
    return s;
}

// Why a revision's count cannot be stored; empty when it can.
QString revisionCountFault(const UsageRevisionCount &c)
{
    if (c.endpointId.isNull())
        return QStringLiteral("endpoint_id");
    if (c.seconds != 60 && c.seconds != 3600)
        return QStringLiteral("seconds");
    if (!c.start.isValid() || c.start.toMSecsSinceEpoch() % (qint64(c.seconds) * 1000) != 0)
        return QStringLiteral("start");
    if (c.requests < 0)
        return QStringLiteral("requests");
    if (c.errors < 0)
        return QStringLiteral("errors");
    return {};
}

// '' stands for no revision: a NULL in the key would let the upsert add duplicates.
QString revisionText(const QUuid &id)
{
    return id.isNull() ? QStringLiteral("") : idText(id);
}

} // namespace

Result<QList<UsageRevisionCount>> Repository::usageRevisionCounts(const QUuid &endpointId, const QDateTime &from,
                                                                  const QDateTime &to)
{
    auto q = exec(m_connectionName,
                  QStringLiteral("SELECT revision_id, start, seconds, requests, errors FROM usage_revision_counts"
                                 " WHERE endpoint_id=? AND start>=? AND start<? ORDER BY start, seconds, revision_id"),
                  {idText(endpointId), from.toMSecsSinceEpoch(), to.toMSecsSinceEpoch()});
    if (!q)
        return q.error();
    QList<UsageRevisionCount> out;
    while (q.value().next()) {
        UsageRevisionCount c;
        c.endpointId = endpointId;
        const QString revision = q.value().value(0).toString();
        c.revisionId = revision.isEmpty() ? QUuid() : QUuid::fromString(revision);
        c.start = QDateTime::fromMSecsSinceEpoch(q.value().value(1).toLongLong(), Qt::UTC);
        c.seconds = q.value().value(2).toInt();
        c.requests = q.value().value(3).toLongLong();
        c.errors = q.value().value(4).toLongLong();
        out.append(c);
    }
    return out;
}

Result<QList<UsageSample>> Repository::usageSamples(const QUuid &endpointId, const QDateTime &from,
                                                    const QDateTime &to)
{
    auto q = exec(m_connectionName,
                  QStringLiteral("SELECT ") + kSampleColumns
                      + QStringLiteral(" FROM usage_samples WHERE endpoint_id=? AND start>=? AND start<?"
                                       " ORDER BY start, seconds"),
                  {idText(endpointId), from.toMSecsSinceEpoch(), to.toMSecsSinceEpoch()});
    if (!q)
        return q.error();
    QList<UsageSample> out;
    while (q.value().next())
        out.append(sampleFrom(q.value()));
    return out;
}

Result<Done> Repository::addUsageSamples(const QList<UsageSample> &samples)
{
    return addUsageSamples(samples, {});
}

Result<Done> Repository::addUsageSamples(const QList<UsageSample> &samples,
                                         const QList<UsageRevisionCount> &revisionCounts)
{
    // Checked before the transaction: a bad one stores none.
    for (qsizetype i = 0; i < samples.size(); ++i) {
        if (const QString field = sampleFault(samples[i]); !field.isEmpty())
            return makeError(ErrorType::InvalidArgument,
                             QStringLiteral("usage sample %1: %2 is not valid").arg(i).arg(field),
                             {{QStringLiteral("field"), field}, {QStringLiteral("index"), qint64(i)}});
    }
    for (qsizetype i = 0; i < revisionCounts.size(); ++i) {
        if (const QString field = revisionCountFault(revisionCounts[i]); !field.isEmpty())
            return makeError(ErrorType::InvalidArgument,
                             QStringLiteral("usage revision count %1: %2 is not valid").arg(i).arg(field),
                             {{QStringLiteral("field"), field}, {QStringLiteral("index"), qint64(i)}});
    }
    return transaction<Done>([&]() -> Result<Done> {
        for (const UsageRevisionCount &c : revisionCounts) {
            auto q = exec(m_connectionName,
                          QStringLiteral("INSERT INTO usage_revision_counts(endpoint_id, revision_id, start,"
                                         " seconds, requests, errors) VALUES(?,?,?,?,?,?)")
                              + kRevisionCountUpsert,
                          {idText(c.endpointId), revisionText(c.revisionId), c.start.toMSecsSinceEpoch(), c.seconds,
                           c.requests, c.errors});
            if (!q)
                return q.error();
        }
        for (const UsageSample &s : samples) {
            auto q = exec(m_connectionName,
                          QStringLiteral("INSERT INTO usage_samples(") + kSampleColumns
                              + QStringLiteral(") VALUES(?,?,?,?,?,?,?,?,?,?,?)") + kSampleUpsert,
                          {idText(s.endpointId), s.start.toMSecsSinceEpoch(), s.seconds, s.requests, s.errors,
                           s.requestsPerSecond, optionalReal(s.p95Ms), s.replicas, s.desiredReplicas,
                           optionalReal(s.cpuPercent), optionalReal(s.gpuPercent)});
            if (!q)
                return q.error();
        }
        return Done{};
    });
}

} // namespace ServeDeck

namespace ServeDeck {

namespace {

using SqlValue::fromMs;
using SqlValue::idOrNull;
using SqlValue::ms;

const QString kIntervalColumns = QStringLiteral(
    "id, route_id, endpoint_id, revision_id, agent_id, cpu_cores, memory_bytes, gpu_devices, gpu_share, started_at, "
    "ended_at");

UsageInterval intervalFrom(const QSqlQuery &q)
{
    UsageInterval i;
    i.id = q.value(0).toLongLong();
    i.routeId = QUuid::fromString(q.value(1).toString());
    i.endpointId = QUuid::fromString(q.value(2).toString());
    i.revisionId = QUuid::fromString(q.value(3).toString());
    i.agentId = q.value(4).toString();
    i.cpuCores = q.value(5).toDouble();
    i.memoryBytes = q.value(6).toLongLong();
    const QString devices = q.value(7).toString();
    i.gpuDevices = devices.isEmpty() ? QStringList() : devices.split(u',');
    i.gpuShare = q.value(8).toDouble();
    i.start = fromMs(q.value(9));
    i.end = fromMs(q.value(10));
    return i;
}

Result<QList<UsageInterval>> intervals(const QString &connection, const QString &where, const QVariantList &binds)
{
    auto q = exec(connection,
                  QStringLiteral("SELECT ") + kIntervalColumns + QStringLiteral(" FROM usage_intervals ") + where
                      + QStringLiteral(" ORDER BY started_at, id"),
                  binds);
    if (!q)
        return q.error();
    QList<UsageInterval> out;
    while (q.value().next())
        out.append(intervalFrom(q.value()));
    return out;
}

// Device names are "agent:index": no comma in them, so a comma list is unambiguous.
// An empty list joins to a null QString, which binds as NULL: the column wants ''.
QString deviceText(const QStringList &devices)
{
    return devices.isEmpty() ? QStringLiteral("") : devices.join(u',');
}

bool validDevices(const QStringList &devices)
{
    return std::none_of(devices.cbegin(), devices.cend(),
                        [](const QString &d) { return d.isEmpty() || d.contains(u',') || d.size() > 200; });
}

} // namespace

Result<int> Repository::compactUsageSamples(const QDateTime &now, const UsageRetention &retention)
{
    if (!retention.isValid())
        return makeError(ErrorType::InvalidArgument, QStringLiteral("usage retention is out of bounds"));
    constexpr qint64 hourMs = 3600 * 1000;
    // Whole hours: every minute of an hour older than the cut goes at once.
    const qint64 minuteCut = now.addDays(-retention.minuteDays).toMSecsSinceEpoch() / hourMs * hourMs;
    const qint64 hourCut = now.addDays(-retention.hourDays).toMSecsSinceEpoch();
    return transaction<int>([&]() -> Result<int> {
        auto rolled = exec(
            m_connectionName,
            // The hours are grouped in a derived table: PostgreSQL refuses a correlated subquery on
            // m.start (not grouped) beside GROUP BY hour. The hour's length is written out: PostgreSQL
            // cannot tell that two parameters in SELECT and GROUP BY are one expression. WHERE true:
            // SQLite's parser needs it between an INSERT's SELECT and ON CONFLICT.
            QStringLiteral(
                "INSERT INTO usage_samples(endpoint_id, start, seconds, requests, errors,"
                " requests_per_second, p95_ms, replicas, desired_replicas, cpu_percent, gpu_percent)"
                " SELECT h.endpoint_id, h.hour, 3600, h.requests, h.errors, h.rps, h.p95, h.replicas,"
                " (SELECT l.desired_replicas FROM usage_samples l WHERE l.endpoint_id = h.endpoint_id AND l.seconds = 60"
                "  AND l.start >= h.hour AND l.start < h.hour + 3600000 ORDER BY l.start DESC LIMIT 1),"
                " h.cpu, h.gpu"
                " FROM (SELECT m.endpoint_id AS endpoint_id, (m.start / 3600000) * 3600000 AS hour,"
                "  SUM(m.requests) AS requests,"
                "  SUM(m.errors) AS errors, AVG(m.requests_per_second) AS rps, MAX(m.p95_ms) AS p95,"
                "  AVG(m.replicas) AS replicas, AVG(m.cpu_percent) AS cpu, AVG(m.gpu_percent) AS gpu"
                "  FROM usage_samples m WHERE m.seconds = 60 AND m.start < ? GROUP BY m.endpoint_id, hour) h"
                " WHERE true")
                + kSampleUpsert,
            {minuteCut});
        if (!rolled)
            return rolled.error();
        auto minutes = exec(m_connectionName, QStringLiteral("DELETE FROM usage_samples WHERE seconds = 60 AND start < ?"),
                            {minuteCut});
        if (!minutes)
            return minutes.error();
        const int gone = minutes.value().numRowsAffected();
        auto hours = exec(m_connectionName,
                          QStringLiteral("DELETE FROM usage_samples WHERE seconds = 3600 AND start + 3600000 <= ?"),
                          {hourCut});
        if (!hours)
            return hours.error();
        // The per-revision counts follow the samples' buckets exactly; not in the answer's count,
        // which stays the samples' and the ledger's rows.
        auto rolledCounts = exec(
            m_connectionName,
            QStringLiteral("INSERT INTO usage_revision_counts(endpoint_id, revision_id, start, seconds,"
                           " requests, errors)"
                           " SELECT endpoint_id, revision_id, (start / 3600000) * 3600000 AS hour, 3600, SUM(requests),"
                           " SUM(errors) FROM usage_revision_counts WHERE seconds = 60 AND start < ?"
                           " GROUP BY endpoint_id, revision_id, hour")
                + kRevisionCountUpsert,
            {minuteCut});
        if (!rolledCounts)
            return rolledCounts.error();
        for (const auto &[sql, cut] :
             {std::pair{QStringLiteral("DELETE FROM usage_revision_counts WHERE seconds = 60 AND start < ?"), minuteCut},
              std::pair{QStringLiteral("DELETE FROM usage_revision_counts WHERE seconds = 3600 AND start + 3600000 <= ?"),
                        hourCut}}) {
            if (auto pruned = exec(m_connectionName, sql, {cut}); !pruned)
                return pruned.error();
        }
        // The ledger is kept as long as the hours: a report cannot reach further back anyway.
        auto ledger = exec(m_connectionName,
                           QStringLiteral("DELETE FROM usage_intervals WHERE ended_at IS NOT NULL AND ended_at <= ?"),
                           {hourCut});
        if (!ledger)
            return ledger.error();
        return gone + hours.value().numRowsAffected() + ledger.value().numRowsAffected();
    });
}

Result<std::optional<QDateTime>> Repository::lastUsageSampleEnd()
{
    auto q = exec(m_connectionName, QStringLiteral("SELECT MAX(start + seconds * 1000) FROM usage_samples"));
    if (!q)
        return q.error();
    if (!q.value().next() || q.value().value(0).isNull())
        return std::optional<QDateTime>();
    return std::optional<QDateTime>(fromMs(q.value().value(0)));
}

Result<qint64> Repository::openUsageInterval(const UsageInterval &i)
{
    if (i.routeId.isNull() || i.endpointId.isNull() || !i.start.isValid() || !std::isfinite(i.cpuCores)
        || i.cpuCores < 0 || i.memoryBytes < 0 || !std::isfinite(i.gpuShare) || i.gpuShare < 0
        || !validDevices(i.gpuDevices))
        return makeError(ErrorType::InvalidArgument, QStringLiteral("usage interval is not well formed"));
    auto q = exec(m_connectionName,
                  QStringLiteral("INSERT INTO usage_intervals(route_id, endpoint_id, revision_id, agent_id, cpu_cores,"
                                 " memory_bytes, gpu_devices, gpu_share, started_at, ended_at) VALUES(?,?,?,?,?,?,?,?,?,?)"
                                 " RETURNING id"),
                  {idText(i.routeId), idText(i.endpointId), idOrNull(i.revisionId),
                   i.agentId.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(i.agentId), i.cpuCores,
                   i.memoryBytes, deviceText(i.gpuDevices), i.gpuShare, i.start.toMSecsSinceEpoch(), ms(i.end)});
    if (!q)
        return q.error();
    if (!q.value().next())
        return makeError(ErrorType::StorageError, QStringLiteral("usage: the interval's insert returned no id"));
    return q.value().value(0).toLongLong();
}

Result<Done> Repository::closeUsageInterval(qint64 id, const QDateTime &end)
{
    auto q = exec(m_connectionName,
                  QStringLiteral("UPDATE usage_intervals SET ended_at = CASE WHEN started_at > ? THEN started_at ELSE ? END"
                                 " WHERE id = ? AND ended_at IS NULL"),
                  {end.toMSecsSinceEpoch(), end.toMSecsSinceEpoch(), id});
    if (!q)
        return q.error();
    if (q.value().numRowsAffected() == 0)
        return makeError(ErrorType::NotFound, QStringLiteral("open usage interval %1 not found").arg(id));
    return Done{};
}

Result<Done> Repository::setUsageIntervalDevices(qint64 id, const QStringList &devices)
{
    if (!validDevices(devices))
        return makeError(ErrorType::InvalidArgument, QStringLiteral("usage interval devices are not well formed"));
    auto q = exec(m_connectionName, QStringLiteral("UPDATE usage_intervals SET gpu_devices = ? WHERE id = ?"),
                  {deviceText(devices), id});
    if (!q)
        return q.error();
    return Done{};
}

Result<QList<UsageInterval>> Repository::openUsageIntervals(const QUuid &endpointId)
{
    if (endpointId.isNull())
        return intervals(m_connectionName, QStringLiteral("WHERE ended_at IS NULL"), {});
    return intervals(m_connectionName, QStringLiteral("WHERE ended_at IS NULL AND endpoint_id = ?"),
                     {idText(endpointId)});
}

Result<int> Repository::closeOpenUsageIntervals(const QDateTime &at)
{
    auto q = exec(m_connectionName,
                  QStringLiteral("UPDATE usage_intervals SET ended_at = CASE WHEN started_at > ? THEN started_at ELSE ? END"
                                 " WHERE ended_at IS NULL"),
                  {at.toMSecsSinceEpoch(), at.toMSecsSinceEpoch()});
    if (!q)
        return q.error();
    return q.value().numRowsAffected();
}

Result<QList<UsageInterval>> Repository::usageIntervals(const QUuid &endpointId, const QDateTime &from,
                                                        const QDateTime &to)
{
    return intervals(m_connectionName,
                     QStringLiteral("WHERE endpoint_id = ? AND started_at < ? AND (ended_at IS NULL OR ended_at > ?)"),
                     {idText(endpointId), to.toMSecsSinceEpoch(), from.toMSecsSinceEpoch()});
}

Result<UsagePrices> Repository::usagePrices()
{
    auto q = exec(m_connectionName, QStringLiteral("SELECT cpu_hour, gpu_hour, currency FROM usage_prices WHERE id = 1"));
    if (!q)
        return q.error();
    UsagePrices prices;
    if (q.value().next()) {
        prices.cpuHour = realFrom(q.value().value(0));
        prices.gpuHour = realFrom(q.value().value(1));
        prices.currency = q.value().value(2).toString();
    }
    return prices;
}

Result<Done> Repository::saveUsagePrices(const UsagePrices &prices, const QDateTime &now)
{
    if (const QString field = prices.invalidField(); !field.isEmpty())
        return makeError(ErrorType::InvalidArgument,
                         QStringLiteral("%1 is not valid: a price is 0 to %2, a currency three capital letters")
                             .arg(field)
                             .arg(UsagePrices::kMaxPrice),
                         {{QStringLiteral("field"), field}});
    auto q = exec(m_connectionName,
                  QStringLiteral("INSERT INTO usage_prices(id, cpu_hour, gpu_hour, currency, updated_at)"
                                 " VALUES(1,?,?,?,?) ON CONFLICT (id) DO UPDATE SET cpu_hour = excluded.cpu_hour,"
                                 " gpu_hour = excluded.gpu_hour, currency = excluded.currency,"
                                 " updated_at = excluded.updated_at"),
                  {optionalReal(prices.cpuHour), optionalReal(prices.gpuHour),
                   prices.currency.isNull() ? QStringLiteral("") : prices.currency, now.toMSecsSinceEpoch()});
    if (!q)
        return q.error();
    return Done{};
}

Result<UsageRetention> Repository::usageRetention()
{
    auto q = exec(m_connectionName, QStringLiteral("SELECT minute_days, hour_days FROM usage_retention WHERE id = 1"));
    if (!q)
        return q.error();
    UsageRetention retention;
    if (q.value().next()) {
        retention.minuteDays = q.value().value(0).toInt();
        retention.hourDays = q.value().value(1).toInt();
    }
    return retention;
}

Result<Done> Repository::saveUsageRetention(const UsageRetention &retention, const QDateTime &now)
{
    if (!retention.isValid())
        return makeError(ErrorType::InvalidArgument,
                         QStringLiteral("usage retention: minutes are kept 1 to %1 days, hours at least as long and at"
                                        " most %2 days")
                             .arg(UsageRetention::kMaxMinuteDays)
                             .arg(UsageRetention::kMaxHourDays),
                         {{QStringLiteral("field"), QStringLiteral("retention")}});
    auto q = exec(m_connectionName,
                  QStringLiteral("INSERT INTO usage_retention(id, minute_days, hour_days, updated_at)"
                                 " VALUES(1,?,?,?) ON CONFLICT (id) DO UPDATE SET minute_days = excluded.minute_days,"
                                 " hour_days = excluded.hour_days, updated_at = excluded.updated_at"),
                  {retention.minuteDays, retention.hourDays, now.toMSecsSinceEpoch()});
    if (!q)
        return q.error();
    return Done{};
}

} // namespace ServeDeck
