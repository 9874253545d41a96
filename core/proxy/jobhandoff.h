#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <unordered_map>

#include "http/proxyhttp.h"
#include "proxy/proxyjobcall.h"

namespace ServeDeck {

class ClientConnection;
class ProxyWorker;
struct ProxyShared;

// One slot of Options::maxJobHandoffs, held by a call on its way to the owning thread and by
// the reply function given to the handler; given back once, on the reply or when the last
// holder goes (a handler that drops its reply unanswered). It shares the counter, so it may
// outlive the proxy.
class JobHandoffSlot
{
public:
    explicit JobHandoffSlot(std::shared_ptr<std::atomic<int>> counter);
    ~JobHandoffSlot();
    Q_DISABLE_COPY_MOVE(JobHandoffSlot)

    // True the first time only.
    bool release();

private:
    std::shared_ptr<std::atomic<int>> m_counter;
    std::atomic<bool> m_released{false};
};

// One worker's job calls to the owning thread (ProxyServer::setJobHandler). Each is awaited by
// its client connection without blocking the worker; the reply comes back by ticket, so one for
// a connection that has gone (closed, timed out) is dropped rather than touching it.
class JobHandoff
{
public:
    JobHandoff(ProxyWorker &worker, ProxyShared &shared, int workerIndex);

    // Sends call to the owning thread for client, which waits until replied() or forget().
    // When Options::maxJobHandoffs calls are in flight, every worker together: the refusal
    // (503 QueueFull), counted, and nothing is sent.
    std::optional<LocalResponse> start(ClientConnection *client, ProxyJobCall call, quint64 *ticket);
    // The client waits no more: its reply, when it comes, is dropped.
    void forget(quint64 ticket);
    // In the worker's thread: the reply to ticket, for its client if it still waits.
    void replied(quint64 ticket, ProxyJobReply reply);

private:
    ProxyWorker &m_worker;
    ProxyShared &m_shared;
    const int m_workerIndex;
    std::unordered_map<quint64, ClientConnection *> m_waiting;
};

} // namespace ServeDeck
