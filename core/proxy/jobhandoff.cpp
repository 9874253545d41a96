#include "proxy/jobhandoff.h"

#include <utility>

#include "proxy/clientconnection.h"
#include "proxy/jobrequest.h"
#include "proxy/proxyserver.h"
#include "proxy/proxyshared.h"
#include "proxy/proxyworker.h"
#include "proxy/routecircuit.h"

namespace ServeDeck {

JobHandoffSlot::JobHandoffSlot(std::shared_ptr<std::atomic<int>> counter)
    : m_counter(std::move(counter))
{
}

JobHandoffSlot::~JobHandoffSlot()
{
    release();
}

bool JobHandoffSlot::release()
{
    if (m_released.exchange(true))
        return false;
    m_counter->fetch_sub(1);
    return true;
}

JobHandoff::JobHandoff(ProxyWorker &worker, ProxyShared &shared, int workerIndex)
    : m_worker(worker)
    , m_shared(shared)
    , m_workerIndex(workerIndex)
{
}

std::optional<LocalResponse> JobHandoff::start(ClientConnection *client, ProxyJobCall call, quint64 *ticket)
{
    const int limit = m_shared.options.maxJobHandoffs;
    if (!RouteCircuit::tryAcquire(*m_shared.jobHandoffs, limit)) {
        m_worker.reject(RejectReason::JobQueueFull);
        return JobRequest::queueFull(QStringLiteral("the job queue has %1 submissions and lookups under way; try again")
                                         .arg(limit));
    }
    auto slot = std::make_shared<JobHandoffSlot>(m_shared.jobHandoffs);
    // Numbered over every worker and every listen(), so a late reply never finds another's client.
    *ticket = m_shared.nextJobTicket.fetch_add(1, std::memory_order_relaxed);
    m_waiting.emplace(*ticket, client);
    ProxyServer *server = m_shared.server;
    const int index = m_workerIndex;
    const quint64 number = *ticket;
    // Queued: the handler runs on the owning thread. Should the server go first, the call is
    // dropped with its event, and the slot with it.
    QMetaObject::invokeMethod(
        server, [server, index, number, call = std::move(call), slot] { server->runJobCall(index, number, call, slot); },
        Qt::QueuedConnection);
    return std::nullopt;
}

void JobHandoff::forget(quint64 ticket)
{
    m_waiting.erase(ticket);
}

void JobHandoff::replied(quint64 ticket, ProxyJobReply reply)
{
    const auto it = m_waiting.find(ticket);
    if (it == m_waiting.end())
        return;  // its client left or gave up waiting
    ClientConnection *client = it->second;
    m_waiting.erase(it);
    client->jobReplied(std::move(reply));
}

} // namespace ServeDeck
