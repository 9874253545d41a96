#pragma once

#include <atomic>
#include <memory>

#include "auth/tokensigner.h"
#include "proxy/proxyserver.h"
#include "proxy/routingsnapshot.h"

namespace ServeDeck {

// What a ProxyServer shares with its workers. It outlives them: the server stops and
// deletes its workers before it goes.
struct ProxyShared
{
    ProxyServer::Options options;
    std::shared_ptr<const TokenSigner> signer;
    const ProxyServer *server = nullptr;  // for /metrics

    // publish() stores the snapshot, then bumps the generation. A worker compares the
    // generation with the one it holds (a read of a cache line nobody writes between
    // publishes) and loads the snapshot only when it changed: so a request costs neither
    // a lock nor a reference-count increment on a shared control block.
    std::atomic<std::shared_ptr<const RoutingSnapshot>> snapshot;
    std::atomic<quint64> generation{0};
};

} // namespace ServeDeck
