// Repository: usage accounting's tables (samples, the reservation ledger, prices, retention).
// Kept out of repository.cpp so the usage feature's SQL reads in one place.

#include "repository.h"

#include <cmath>

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

namespace ServeDeck {

namespace {

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

QString uuidText(const QUuid &id)
{
    return id.toString(QUuid::WithoutBraces);
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

} // namespace

Result<QList<UsageSample>> Repository::usageSamples(const QUuid &endpointId, const QDateTime &from,
                                                    const QDateTime &to)
{
    auto q = exec(m_connectionName,
                  QStringLiteral("SELECT ") + kSampleColumns
                      + QStringLiteral(" FROM usage_samples WHERE endpoint_id=? AND start>=? AND start<?"
                                       " ORDER BY start, seconds"),
                  {uuidText(endpointId), from.toMSecsSinceEpoch(), to.toMSecsSinceEpoch()});
    if (!q)
        return q.error();
    QList<UsageSample> out;
    while (q.value().next())
        out.append(sampleFrom(q.value()));
    return out;
}

Result<Done> Repository::addUsageSamples(const QList<UsageSample> &samples)
{
    // Checked before the transaction: a bad one stores none.
    for (qsizetype i = 0; i < samples.size(); ++i) {
        if (const QString field = sampleFault(samples[i]); !field.isEmpty())
            return makeError(ErrorType::InvalidArgument,
                             QStringLiteral("usage sample %1: %2 is not valid").arg(i).arg(field),
                             {{QStringLiteral("field"), field}, {QStringLiteral("index"), qint64(i)}});
    }
    return transaction<Done>([&]() -> Result<Done> {
        for (const UsageSample &s : samples) {
            auto q = exec(m_connectionName,
                          QStringLiteral("INSERT OR REPLACE INTO usage_samples(") + kSampleColumns
                              + QStringLiteral(") VALUES(?,?,?,?,?,?,?,?,?,?,?)"),
                          {uuidText(s.endpointId), s.start.toMSecsSinceEpoch(), s.seconds, s.requests, s.errors,
                           s.requestsPerSecond, optionalReal(s.p95Ms), s.replicas, s.desiredReplicas,
                           optionalReal(s.cpuPercent), optionalReal(s.gpuPercent)});
            if (!q)
                return q.error();
        }
        return Done{};
    });
}

} // namespace ServeDeck
