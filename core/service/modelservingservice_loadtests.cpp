// ModelServingService: stored load-test runs. The load generator runs in its client (ctl, the
// console); the service only checks a run's figures and keeps them.
#include "modelservingservice.h"
#include "modelservingservice_p.h"

#include <QJsonArray>
#include <QJsonDocument>

#include "domain/clock.h"
#include "store/repository.h"
#include "traffic/loadtestresult.h"

namespace ServeDeck {

using namespace detail;

namespace {

constexpr int kMaxLoadTestListLimit = 1000;

// What a list shows of a run, so listing never reads the figures.
QJsonObject summaryOf(const LoadTestResult &result)
{
    QJsonArray targets;
    for (const LoadTestTargetOutcome &outcome : result.targets)
        targets.append(QJsonObject{{QStringLiteral("target"), outcome.target.text()},
                                   {QStringLiteral("passed"), outcome.passed},
                                   {QStringLiteral("actual"), outcome.actual ? QJsonValue(*outcome.actual) : QJsonValue()}});
    const auto ms = [](qint64 ns) { return double(ns) / 1e6; };
    return {{QStringLiteral("mode"), LoadTestSettings::modeName(result.settings.mode)},
            {QStringLiteral("rate"), result.settings.rate},
            {QStringLiteral("concurrency"), result.settings.concurrency},
            {QStringLiteral("duration_ms"), result.settings.durationMs},
            {QStringLiteral("started_at"), result.startedAt.toUTC().toString(Qt::ISODateWithMs)},
            {QStringLiteral("sent"), qint64(result.sent)},
            {QStringLiteral("answered"), qint64(result.total.answered)},
            {QStringLiteral("late"), qint64(result.late)},
            {QStringLiteral("throughput"), result.throughput()},
            {QStringLiteral("success_ratio"), result.total.successRatio()},
            {QStringLiteral("p50_ms"), ms(result.total.latency.percentileNs(50))},
            {QStringLiteral("p95_ms"), ms(result.total.latency.percentileNs(95))},
            {QStringLiteral("p99_ms"), ms(result.total.latency.percentileNs(99))},
            {QStringLiteral("cancelled"), result.cancelled},
            {QStringLiteral("targets"), targets}};
}

Result<QUuid> runId(const QString &id)
{
    const QUuid uuid = QUuid::fromString(id);
    if (uuid.isNull())
        return makeError(ErrorType::NotFound, QStringLiteral("load test '%1' not found").arg(id.left(64)));
    return uuid;
}

} // namespace

Result<LoadTestRecord> ModelServingService::recordLoadTest(const QString &ref, const QJsonObject &json)
{
    const QByteArray text = QJsonDocument(json).toJson(QJsonDocument::Compact);
    if (text.size() > kMaxLoadTestBytes)
        return makeError(ErrorType::PayloadTooLarge,
                         QStringLiteral("a load test's result is at most %1 bytes").arg(kMaxLoadTestBytes),
                         {{QStringLiteral("limit"), kMaxLoadTestBytes}});
    Result<LoadTestResult> result = LoadTestResult::fromJson(json);
    if (!result)
        return result.error();
    return m_repository.transaction<LoadTestRecord>([&]() -> Result<LoadTestRecord> {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        LoadTestRecord record;
        record.id = QUuid::createUuid();
        record.endpointId = endpoint->id;
        record.endpointName = endpoint->name;
        record.createdAt = m_clock.now();
        record.passed = result->passed();
        record.summary = summaryOf(*result);
        record.result = text;
        if (auto inserted = m_repository.insertLoadTest(record); !inserted)
            return inserted.error();
        return record;
    });
}

Result<QList<LoadTestRecord>> ModelServingService::listLoadTests(const QString &ref, int limit)
{
    if (limit < 1 || limit > kMaxLoadTestListLimit)
        return invalid(QStringLiteral("limit"), QStringLiteral("must be between 1 and %1").arg(kMaxLoadTestListLimit));
    QUuid endpointId;
    if (!ref.isEmpty()) {
        auto endpoint = resolve(ref);
        if (!endpoint)
            return endpoint.error();
        endpointId = endpoint->id;
    }
    return m_repository.loadTests(endpointId, limit);
}

Result<LoadTestRecord> ModelServingService::loadTest(const QString &id)
{
    const Result<QUuid> uuid = runId(id);
    if (!uuid)
        return uuid.error();
    auto record = m_repository.loadTest(*uuid);
    if (!record)
        return record.error();
    if (!*record)
        return makeError(ErrorType::NotFound, QStringLiteral("load test '%1' not found").arg(id.left(64)));
    return **record;
}

Result<Done> ModelServingService::deleteLoadTest(const QString &id)
{
    const Result<QUuid> uuid = runId(id);
    if (!uuid)
        return uuid.error();
    auto deleted = m_repository.transaction<bool>([&] { return m_repository.deleteLoadTest(*uuid); });
    if (!deleted)
        return deleted.error();
    if (!*deleted)
        return makeError(ErrorType::NotFound, QStringLiteral("load test '%1' not found").arg(id.left(64)));
    return Done{};
}

} // namespace ServeDeck
