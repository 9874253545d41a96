#pragma once

#include <vector>

#include <QByteArray>
#include <QHash>

namespace ServeDeck {

class RouteCircuit;
class UpstreamConnection;

// A worker's idle keep-alive connections, by pool key (route@host:port). Used by one
// thread only. Last in, first out: the warmest connection is reused, and the surplus after
// a burst stays unused until the idle sweep closes it.
class UpstreamPool
{
public:
    // Enough for a worker's share of hundreds of concurrent clients; more idle sockets only hold ports.
    static constexpr std::size_t kMaxIdlePerUpstream = 256;

    UpstreamPool() = default;
    UpstreamPool(const UpstreamPool &) = delete;
    UpstreamPool &operator=(const UpstreamPool &) = delete;

    // An open idle connection under key, or nullptr.
    UpstreamConnection *take(const QByteArray &key);
    // Keeps an open connection for reuse, or closes it when enough are kept already.
    void give(UpstreamConnection *connection);
    // Called by a pooled connection that ends (the upstream closed it).
    void forget(UpstreamConnection *connection);
    // Closes the connections unused since before cutoff (ms on the worker's clock).
    void closeIdleBefore(qint64 cutoff);
    // Closes one idle connection of the route: another worker waits for its slot.
    bool closeOneOf(const RouteCircuit *circuit);
    void closeAll();
    bool isEmpty() const { return m_count == 0; }

private:
    QHash<QByteArray, std::vector<UpstreamConnection *>> m_idle;
    qsizetype m_count = 0;
};

} // namespace ServeDeck
