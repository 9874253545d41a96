// ModelServingService: the error list and replica failures.
#include "modelservingservice.h"
#include "modelservingservice_p.h"

#include "domain/clock.h"
#include "store/repository.h"

namespace ServeDeck {

using namespace detail;

namespace {

constexpr int kMaxErrorListLimit = 1000;

} // namespace

Result<QList<ErrorRecord>> ModelServingService::listErrors(const QString &ref, int limit, const QString &type)
{
    if (limit < 1 || limit > kMaxErrorListLimit)
        return invalid(QStringLiteral("limit"), QStringLiteral("must be between 1 and %1").arg(kMaxErrorListLimit));
    if (!type.isEmpty() && !knownErrorKinds().contains(type))
        return invalid(QStringLiteral("type"), QStringLiteral("'%1' is not one of %2")
                                                   .arg(type, knownErrorKinds().join(QStringLiteral(", "))));
    QUuid endpointId;
    if (!ref.isEmpty()) {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        endpointId = endpoint->id;
    }
    return m_repository.errors(endpointId, limit, type);
}

Result<int> ModelServingService::clearErrors(const QString &ref)
{
    QUuid endpointId;
    auto cleared = m_repository.transaction<int>([&]() -> Result<int> {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        Endpoint e = *endpoint;
        endpointId = e.id;
        auto count = m_repository.clearErrors(e.id);
        if (!count)
            return count.error();
        // Clearing is the operator's "I have looked at it": scaling may try again.
        if (e.retries != 0) {
            e.retries = 0;
            e.updatedAt = m_clock.now();
            if (auto r = m_repository.updateEndpoint(e); !r)
                return r.error();
        }
        return *count;
    });
    if (cleared) {
        Q_EMIT errorsCleared(endpointId);
        Q_EMIT endpointChanged(endpointId);
    }
    return cleared;
}

Result<qint64> ModelServingService::recordError(ErrorRecord record)
{
    if (!record.time.isValid())
        record.time = m_clock.now();
    auto id = m_repository.transaction<qint64>([&]() -> Result<qint64> { return m_repository.insertError(record); });
    if (id) {
        record.id = *id;
        Q_EMIT errorRecorded(record);
    }
    return id;
}

Result<qint64> ModelServingService::recordReplicaFailure(ErrorRecord record, RouteStatus routeStatus, bool countsAsRetry)
{
    if (!record.time.isValid())
        record.time = m_clock.now();
    const QUuid routeId = QUuid::fromString(record.routeId);
    QUuid rolloutId;
    auto id = m_repository.transaction<qint64>([&]() -> Result<qint64> {
        auto inserted = m_repository.insertError(record);
        if (!inserted)
            return inserted.error();
        auto route = m_repository.route(routeId);
        if (route && route->has_value() && (*route)->status != RouteStatus::Terminating) {
            Route r = **route;
            r.status = routeStatus;
            r.updatedAt = record.time;
            if (auto u = m_repository.updateRoute(r); !u)
                return u.error();
        }
        if (countsAsRetry && route && route->has_value()) {
            // A failure of a rollout's new revision counts against the rollout, which rolls
            // back at its limit; the stable revision's own retries stay untouched.
            auto latest = m_repository.rollouts(record.endpointId, 1);
            if (!latest)
                return latest.error();
            if (!latest->isEmpty() && latest->constFirst().inProgress()
                && latest->constFirst().toRevisionId == (*route)->revisionId) {
                Rollout o = latest->constFirst();
                o.failures += 1;
                o.updatedAt = record.time;
                if (auto u = m_repository.updateRollout(o); !u)
                    return u.error();
                rolloutId = o.id;
                return *inserted;
            }
        }
        if (countsAsRetry) {
            auto endpoint = m_repository.endpointById(record.endpointId);
            if (!endpoint)
                return endpoint.error();
            if (endpoint->has_value()) {
                Endpoint e = **endpoint;
                e.retries += 1;
                e.updatedAt = record.time;
                if (auto u = m_repository.updateEndpoint(e); !u)
                    return u.error();
            }
        }
        return *inserted;
    });
    if (id) {
        record.id = *id;
        Q_EMIT errorRecorded(record);
        if (!rolloutId.isNull())
            Q_EMIT rolloutChanged(record.endpointId, rolloutId);
        Q_EMIT routesChanged(record.endpointId);
        Q_EMIT endpointChanged(record.endpointId);
    }
    return id;
}

HistoryRetention ModelServingService::historyRetention() const
{
    return m_repository.historyRetention();
}

Result<HistoryRetention> ModelServingService::setHistoryRetention(const HistoryRetention &retention)
{
    if (retention.maxAgeDays < HistoryRetention::kMinAgeDays || retention.maxAgeDays > HistoryRetention::kMaxAgeDays) {
        return invalid(QStringLiteral("max_age_days"), QStringLiteral("must be between %1 and %2")
                                                           .arg(HistoryRetention::kMinAgeDays)
                                                           .arg(HistoryRetention::kMaxAgeDays));
    }
    if (retention.maxRowsPerEndpoint < HistoryRetention::kMinRows || retention.maxRowsPerEndpoint > HistoryRetention::kMaxRows) {
        return invalid(QStringLiteral("max_rows_per_endpoint"), QStringLiteral("must be between %1 and %2")
                                                                    .arg(HistoryRetention::kMinRows)
                                                                    .arg(HistoryRetention::kMaxRows));
    }
    if (auto saved = m_repository.saveHistoryRetention(retention, m_clock.now()); !saved)
        return saved.error();
    return retention;
}

} // namespace ServeDeck
