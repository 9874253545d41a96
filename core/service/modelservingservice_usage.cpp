// ModelServingService: usage and cost. The plane's ledger and recorder write what the report
// reads; the service only resolves the endpoint and keeps the prices.
#include "modelservingservice.h"
#include "modelservingservice_p.h"

#include "domain/clock.h"
#include "store/repository.h"
#include "usage/usagereporter.h"

namespace ServeDeck {

Result<UsageReport> ModelServingService::usage(const QString &endpointIdOrName, const QDateTime &since)
{
    auto endpoint = resolve(endpointIdOrName);
    if (!endpoint)
        return endpoint.error();
    UsageReporter reporter(m_repository, m_clock);
    return reporter.report(*endpoint, since);
}

Result<UsagePrices> ModelServingService::usagePrices()
{
    return m_repository.usagePrices();
}

Result<UsagePrices> ModelServingService::setUsagePrices(const UsagePrices &prices)
{
    if (auto saved = m_repository.saveUsagePrices(prices, m_clock.now()); !saved)
        return saved.error();
    return m_repository.usagePrices();
}

Result<UsageRetention> ModelServingService::usageRetention()
{
    return m_repository.usageRetention();
}

Result<UsageRetention> ModelServingService::setUsageRetention(const UsageRetention &retention)
{
    const QDateTime now = m_clock.now();
    auto saved = m_repository.transaction<Done>([&]() -> Result<Done> {
        if (auto stored = m_repository.saveUsageRetention(retention, now); !stored)
            return stored.error();
        if (auto compacted = m_repository.compactUsageSamples(now, retention); !compacted)
            return compacted.error();
        return Done{};
    });
    if (!saved)
        return saved.error();
    return m_repository.usageRetention();
}

} // namespace ServeDeck
