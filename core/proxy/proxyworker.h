#pragma once

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_set>
#include <vector>

#include <QByteArray>
#include <QByteArrayView>
#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QTimer>
#include <QUuid>

#include "proxy/proxyhttp.h"
#include "proxy/proxyserver.h"
#include "proxy/routebinding.h"
#include "proxy/routepicker.h"
#include "proxy/routestats.h"
#include "proxy/upstreampool.h"

class QTcpServer;

namespace ServeDeck {

class ClientConnection;
class UpstreamConnection;
struct ProxyShared;

// One proxy thread: its own accepting socket, client connections, upstream pool, view of
// the routing snapshot and counters. Everything but the counters is touched by this
// thread only; the counters are written by it and read by anyone.
class ProxyWorker final : public QObject
{
public:
    ProxyWorker(const ProxyShared &shared, int index);
    ~ProxyWorker() override;

    // In the worker's thread: serve the listening socket / stop serving and drop every connection.
    bool start(qintptr listeningSocket, QString *error);
    void stop();

    // What to do with one request: answer it here, or forward it (to rest, on route).
    struct Dispatch
    {
        std::optional<LocalResponse> answer;
        std::shared_ptr<const RouteBinding> route;
        QByteArrayView rest;  // the path after /<endpoint>, a view into the path given
        bool isPublic = true;
    };
    Dispatch dispatch(QByteArrayView method, QByteArrayView path, const HeaderList &headers,
                      const QHostAddress &peer);

    UpstreamConnection *newUpstream(const QByteArray &authority);
    UpstreamPool &pool() { return m_pool; }
    void reject(RejectReason reason);
    void forget(ClientConnection *client);
    const ProxyServer::Options &options() const;
    qint64 nowMs() const { return m_clock.elapsed(); }
    qint64 nowNs() const { return m_clock.nsecsElapsed(); }

    // Any thread.
    struct RouteSample
    {
        ProxyServer::RouteCounters counters;
        QString endpointName;
        QString modelVersion;
    };
    void collect(QHash<QUuid, RouteSample> &into) const;
    quint64 rejected(RejectReason reason) const;
    quint64 requestsTotal() const { return m_requestsTotal.load(std::memory_order_relaxed); }
    quint64 openConnections() const { return m_openConnections.load(std::memory_order_relaxed); }

private:
    // This worker's view of one EndpointTable.
    struct EndpointRoutes
    {
        quint64 generation = 0;  // of the snapshot it was last checked against
        QString endpointIdText;
        bool isPublic = false;
        std::vector<std::shared_ptr<const RouteBinding>> routes;
        RoutePicker picker;
    };

    void refreshSnapshot();
    EndpointRoutes *resolve(QByteArrayView name);
    void rebind(EndpointRoutes &view, const EndpointTable &table);
    RouteStats *statsFor(const RouteTarget &target, const QString &endpointName);
    void pruneStats();
    std::optional<LocalResponse> authorize(const EndpointRoutes &endpoint, const HeaderList &headers,
                                           const QHostAddress &peer);
    LocalResponse localAnswer(QByteArrayView method, QByteArrayView path);
    void acceptConnections();
    void sweep();
    void ensureSweeping();
    static void bump(std::atomic<quint64> &counter, qint64 delta)
    {
        counter.store(counter.load(std::memory_order_relaxed) + quint64(delta), std::memory_order_relaxed);
    }

    const ProxyShared &m_shared;
    const int m_index;
    QElapsedTimer m_clock;
    QTcpServer *m_server = nullptr;
    QTimer m_sweepTimer;
    std::unordered_set<ClientConnection *> m_clients;
    UpstreamPool m_pool;
    std::shared_ptr<const RoutingSnapshot> m_snapshot;
    quint64 m_generation = ~quint64(0);  // none seen yet
    QHash<QByteArray, EndpointRoutes> m_endpoints;  // by endpoint name, UTF-8

    // The map is locked (by this worker only to insert or prune); the counters are atomics.
    mutable std::mutex m_statsMutex;
    std::map<QUuid, std::unique_ptr<RouteStats>> m_stats;
    std::array<std::atomic<quint64>, std::size_t(RejectReason::Count)> m_rejected{};
    std::atomic<quint64> m_requestsTotal{0};
    std::atomic<quint64> m_openConnections{0};
    bool m_stopping = false;
};

} // namespace ServeDeck
