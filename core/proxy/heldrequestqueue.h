#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include <QByteArray>

#include "http/proxyhttp.h"

namespace ServeDeck {

class ClientConnection;
class ProxyWorker;
struct EndpointCircuit;
struct ProxyShared;

// A worker's requests for endpoints that wake from zero: held, in arrival order, until a route
// appears (retry) or their hold time ends (ClientConnection's deadline). The first one of a wake
// asks the wake handler. Used by its worker's thread, but for count().
class HeldRequestQueue
{
public:
    HeldRequestQueue(ProxyWorker &worker, ProxyShared &shared);
    HeldRequestQueue(const HeldRequestQueue &) = delete;
    HeldRequestQueue &operator=(const HeldRequestQueue &) = delete;

    // Whether a request for an endpoint without routes waits for one: it is scaled to zero, or
    // a wake asked less than a hold time ago has not brought its replica up yet. Never without a
    // wake handler: nobody would wake it.
    bool shouldHold(int desiredReplicas, const EndpointCircuit &endpoint, qint64 nowNs) const;
    // Holds client's request, or refuses it with the answer given when the endpoint holds
    // Options::maxHeldRequests already. generation: of the snapshot the worker decided on.
    std::optional<LocalResponse> hold(ClientConnection *client, const std::shared_ptr<EndpointCircuit> &endpoint,
                                      const QByteArray &endpointName, quint64 generation);
    void unhold(ClientConnection *client, EndpointCircuit &endpoint);
    // Each held request looks for a route again, in arrival order (the worker has the new snapshot).
    void retry();
    // Any thread.
    int count() const { return m_count.load(); }

private:
    ProxyWorker &m_worker;
    ProxyShared &m_shared;
    std::vector<ClientConnection *> m_held;  // in arrival order
    std::atomic<int> m_count{0};  // read by the owning thread on publish
};

} // namespace ServeDeck
