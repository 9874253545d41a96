#include "proxy/heldrequestqueue.h"

#include <algorithm>

#include "domain/serviceerror.h"
#include "proxy/clientconnection.h"
#include "proxy/proxyshared.h"
#include "proxy/proxyworker.h"
#include "proxy/routecircuit.h"

namespace ServeDeck {

HeldRequestQueue::HeldRequestQueue(ProxyWorker &worker, ProxyShared &shared)
    : m_worker(worker)
    , m_shared(shared)
{
}

bool HeldRequestQueue::shouldHold(int desiredReplicas, const EndpointCircuit &endpoint, qint64 nowNs) const
{
    if (!m_shared.wakeEnabled.load(std::memory_order_relaxed))
        return false;  // nobody would wake it: refuse at once
    if (desiredReplicas == 0)
        return true;
    // Scaled up by a wake, its replica not yet HEALTHY: later requests wait with the first ones.
    const qint64 asked = endpoint.wakeAskedNs.load(std::memory_order_relaxed);
    return asked != 0 && nowNs - asked < qint64(m_shared.options.wakeTimeoutMs) * 1000000;
}

std::optional<LocalResponse> HeldRequestQueue::hold(ClientConnection *client,
                                                    const std::shared_ptr<EndpointCircuit> &endpoint,
                                                    const QByteArray &endpointName, quint64 generation)
{
    const int limit = m_shared.options.maxHeldRequests;
    if (!RouteCircuit::tryAcquire(endpoint->held, limit)) {
        m_worker.reject(RejectReason::NoRoute);
        const QString name = QString::fromUtf8(endpointName);
        return ProxyHttp::errorResponse(
            503, errorTypeName(ErrorType::NoHealthyRoute),
            QStringLiteral("endpoint '%1' is waking from zero and already holds %2 requests").arg(name).arg(limit),
            {{QStringLiteral("endpoint"), name}, {QStringLiteral("reason"), QStringLiteral("held_full")}});
    }
    m_held.push_back(client);
    // Held against the snapshot this worker has; if a newer one was published meanwhile, the
    // publisher may have read the count before this increment and not asked us to look again.
    // Both sides are sequentially consistent (count then generation here, generation then count
    // there), so one of them sees the other.
    m_count.fetch_add(1);
    ProxyWorker *worker = &m_worker;
    if (m_shared.generation.load() != generation)
        QMetaObject::invokeMethod(worker, [worker] { worker->retryHeld(); }, Qt::QueuedConnection);
    // Asked once per wake; again only when a whole hold time passed without a route.
    const qint64 now = std::max<qint64>(m_shared.nowNs(), 1);
    const qint64 timeout = qint64(m_shared.options.wakeTimeoutMs) * 1000000;
    qint64 asked = endpoint->wakeAskedNs.load();
    if ((asked == 0 || now - asked >= timeout) && endpoint->wakeAskedNs.compare_exchange_strong(asked, now)) {
        endpoint->wakes.fetch_add(1, std::memory_order_relaxed);
        ProxyServer *server = m_shared.server;
        const QUuid id = endpoint->endpointId;
        QMetaObject::invokeMethod(server, [server, id] { server->wakeRequested(id); }, Qt::QueuedConnection);
    }
    m_worker.ensureSweeping();
    return std::nullopt;
}

void HeldRequestQueue::unhold(ClientConnection *client, EndpointCircuit &endpoint)
{
    const auto found = std::find(m_held.begin(), m_held.end(), client);
    if (found == m_held.end())
        return;
    m_held.erase(found);
    endpoint.held.fetch_sub(1);
    m_count.fetch_sub(1, std::memory_order_relaxed);
}

void HeldRequestQueue::retry()
{
    // Copied: each may leave the list (forwarded) or stay (still no route).
    const std::vector<ClientConnection *> held = m_held;
    for (ClientConnection *client : held) {
        if (std::find(m_held.cbegin(), m_held.cend(), client) != m_held.cend())
            client->retryHeld();
    }
}

} // namespace ServeDeck
