#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "auth/tokensigner.h"
#include "proxy/circuitregistry.h"
#include "proxy/monotonicclock.h"
#include "proxy/proxyserver.h"
#include "proxy/routingsnapshot.h"

namespace ServeDeck {

class ProxyWorker;

// What a ProxyServer shares with its workers. It outlives them: the server stops and
// deletes its workers before it goes.
struct ProxyShared
{
    ProxyServer::Options options;
    std::shared_ptr<const TokenSigner> signer;
    ProxyServer *server = nullptr;  // for /metrics, and the owning thread's handlers (queued calls)
    // Complete before any worker runs; a worker posts to another (a connection slot came free)
    // through it.
    std::vector<ProxyWorker *> workers;
    CircuitRegistry circuits;
    // One monotonic clock for every deadline and for what several workers compare (ejection
    // ends, wake requests): Options::clock, or the steady clock. Options keeps it alive.
    const MonotonicClock *clock = &MonotonicClock::steady();
    std::atomic<bool> wakeEnabled{false};
    // A job handler is set: `Prefer: respond-async` and /_jobs/... are taken (ProxyServer::setJobHandler).
    std::atomic<bool> jobsEnabled{false};
    // Job calls awaiting the owning thread's reply, every worker (Options::maxJobHandoffs). Shared
    // with the reply functions a handler holds (JobHandoffSlot), which may outlive the proxy.
    std::shared_ptr<std::atomic<int>> jobHandoffs = std::make_shared<std::atomic<int>>(0);
    std::atomic<quint64> nextJobTicket{1};
    // Client connections open now, every worker (Options::maxClientConnections).
    std::atomic<int> clientConnections{0};

    // publish() stores the snapshot, then bumps the generation. A worker compares the
    // generation with the one it holds (a read of a cache line nobody writes between
    // publishes) and loads the snapshot only when it changed: so a request costs neither
    // a lock nor a reference-count increment on a shared control block.
    std::atomic<std::shared_ptr<const RoutingSnapshot>> snapshot;
    std::atomic<quint64> generation{0};

    qint64 nowNs() const { return clock->nowNs(); }
    qint64 nowMs() const { return clock->nowMs(); }
};

} // namespace ServeDeck
