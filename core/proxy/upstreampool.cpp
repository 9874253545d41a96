#include "proxy/upstreampool.h"

#include <algorithm>
#include <utility>

#include <QVarLengthArray>

#include "proxy/upstreamconnection.h"

namespace ServeDeck {

UpstreamConnection *UpstreamPool::take(const QByteArray &key)
{
    const auto it = m_idle.find(key);
    if (it == m_idle.end())
        return nullptr;
    std::vector<UpstreamConnection *> &list = it.value();
    while (!list.empty()) {
        UpstreamConnection *connection = list.back();
        list.pop_back();
        --m_count;
        connection->m_pooled = false;
        if (connection->isOpen())
            return connection;
        connection->close();
    }
    return nullptr;
}

void UpstreamPool::give(UpstreamConnection *connection)
{
    if (!connection->isOpen())
        return;
    std::vector<UpstreamConnection *> &list = m_idle[connection->poolKey()];
    if (list.size() >= kMaxIdlePerUpstream) {
        connection->close();
        return;
    }
    list.push_back(connection);
    connection->m_pooled = true;
    ++m_count;
}

void UpstreamPool::forget(UpstreamConnection *connection)
{
    if (!connection->m_pooled)
        return;
    connection->m_pooled = false;
    const auto it = m_idle.find(connection->poolKey());
    if (it == m_idle.end())
        return;
    std::vector<UpstreamConnection *> &list = it.value();
    const auto found = std::find(list.begin(), list.end(), connection);
    if (found != list.end()) {
        list.erase(found);
        --m_count;
    }
}

void UpstreamPool::closeIdleBefore(qint64 cutoff)
{
    // Collected first: close() calls forget(), which edits the lists.
    QVarLengthArray<UpstreamConnection *, 32> stale;
    for (auto it = m_idle.cbegin(); it != m_idle.cend(); ++it) {
        for (UpstreamConnection *connection : it.value()) {
            if (connection->lastActivity() < cutoff)
                stale.append(connection);
        }
    }
    for (UpstreamConnection *connection : stale)
        connection->close();
    // Forget upstreams that no longer have idle connections, so the map does not grow
    // with every host a route ever pointed at.
    m_idle.removeIf([](const auto &entry) { return entry.value().empty(); });
}

bool UpstreamPool::closeOneOf(const RouteCircuit *circuit)
{
    for (auto it = m_idle.cbegin(); it != m_idle.cend(); ++it) {
        for (UpstreamConnection *connection : it.value()) {
            if (connection->circuit() == circuit) {
                connection->close();  // forget() takes it out of the list
                return true;
            }
        }
    }
    return false;
}

void UpstreamPool::closeAll()
{
    const QHash<QByteArray, std::vector<UpstreamConnection *>> idle = std::exchange(m_idle, {});
    m_count = 0;
    for (auto it = idle.cbegin(); it != idle.cend(); ++it) {
        for (UpstreamConnection *connection : it.value()) {
            connection->m_pooled = false;
            connection->close();
        }
    }
}

} // namespace ServeDeck
