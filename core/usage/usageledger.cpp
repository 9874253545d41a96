#include "usageledger.h"

#include <QSet>

#include "domain/clock.h"
#include "store/repository.h"

namespace ServeDeck {

UsageLedger::UsageLedger(Repository &repository, Clock &clock)
    : m_repository(repository)
    , m_clock(clock)
{
}

Result<Done> UsageLedger::routesChanged(const QUuid &endpointId)
{
    const QDateTime now = m_clock.now();
    return m_repository.transaction<Done>([&]() -> Result<Done> {
        auto endpoint = m_repository.endpointById(endpointId);
        if (!endpoint)
            return endpoint.error();
        QList<Route> holding;
        if (endpoint.value()) {
            auto routes = m_repository.routes(endpointId);
            if (!routes)
                return routes.error();
            for (const Route &r : *routes) {
                if (r.holdsCapacity())
                    holding.append(r);
            }
        }
        auto open = m_repository.openUsageIntervals(endpointId);
        if (!open)
            return open.error();

        QSet<QUuid> stillHolding;
        for (const Route &r : std::as_const(holding))
            stillHolding.insert(r.id);
        QSet<QUuid> opened;
        for (const UsageInterval &i : std::as_const(*open)) {
            if (!stillHolding.contains(i.routeId)) {
                if (auto closed = m_repository.closeUsageInterval(i.id, now); !closed)
                    return closed.error();
                continue;
            }
            opened.insert(i.routeId);
            // Devices are known once the agent has started the replica, after the interval opened.
            if (i.gpuShare > 0 && i.gpuDevices.isEmpty() && m_devices) {
                if (const QStringList devices = m_devices(i.routeId); !devices.isEmpty()) {
                    if (auto set = m_repository.setUsageIntervalDevices(i.id, devices); !set)
                        return set.error();
                }
            }
        }
        for (const Route &r : std::as_const(holding)) {
            if (opened.contains(r.id))
                continue;
            const ResourceSlots &slots = endpoint.value()->resourceSlots;
            UsageInterval i;
            i.routeId = r.id;
            i.endpointId = endpointId;
            i.revisionId = r.revisionId;
            i.agentId = r.agentId;
            i.cpuCores = slots.cpu;
            i.memoryBytes = slots.memoryBytes;
            i.gpuShare = slots.gpu;
            if (i.gpuShare > 0 && m_devices)
                i.gpuDevices = m_devices(r.id);
            i.start = now;
            if (auto added = m_repository.openUsageInterval(i); !added)
                return added.error();
        }
        return Done{};
    });
}

Result<Done> UsageLedger::refreshAll()
{
    auto byEndpoint = m_repository.routesByEndpoint();
    if (!byEndpoint)
        return byEndpoint.error();
    QSet<QUuid> endpoints;
    for (auto it = byEndpoint->cbegin(); it != byEndpoint->cend(); ++it)
        endpoints.insert(it.key());
    auto open = m_repository.openUsageIntervals();
    if (!open)
        return open.error();
    for (const UsageInterval &i : std::as_const(*open))
        endpoints.insert(i.endpointId);
    for (const QUuid &id : std::as_const(endpoints)) {
        if (auto done = routesChanged(id); !done)
            return done.error();
    }
    return Done{};
}

Result<int> UsageLedger::recover()
{
    auto last = m_repository.lastUsageSampleEnd();
    if (!last)
        return last.error();
    const QDateTime now = m_clock.now();
    // Never later than now: a sample written by a clock that ran ahead must not stretch them.
    const QDateTime at = last.value() && *last.value() < now ? *last.value() : now;
    auto closed = m_repository.closeOpenUsageIntervals(at);
    if (!closed)
        return closed.error();
    if (auto reopened = refreshAll(); !reopened)
        return reopened.error();
    return closed.value();
}

} // namespace ServeDeck
