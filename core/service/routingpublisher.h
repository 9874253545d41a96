#pragma once

#include <functional>

#include <QObject>
#include <QTimer>

#include "service/modelservingservice.h"

namespace ServeDeck {

class ProxyServer;
class Repository;

// Keeps the data plane's routing snapshot in step with the store: after any change it builds a
// new immutable snapshot (live endpoints, their HEALTHY routes, revoked tokens) and publishes it.
// The data plane itself never reads the database.
class RoutingPublisher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RoutingPublisher)

public:
    RoutingPublisher(Repository &repository, ProxyServer &proxy, QObject *parent = nullptr);

    // Coalesced: a burst of changes in one event-loop turn publishes once.
    void schedule();
    // Publishes at once if a publish is scheduled: what an answer about a change says is then
    // already what the data plane does.
    void flush();
    Result<quint64> publishNow();
    // Where an agent's replicas listen (a remote agent's machine); unset or empty: loopback.
    void setHostResolver(std::function<QString(const QString &agentId)> resolver) { m_hostOf = std::move(resolver); }
    // What the proxy has counted for an endpoint's routes, for info with metrics.
    EndpointMetrics metricsFor(const QUuid &endpointId) const;

private:
    Repository &m_repository;
    ProxyServer &m_proxy;
    QTimer m_soon;
    quint64 m_version = 0;
    std::function<QString(const QString &agentId)> m_hostOf;
};

} // namespace ServeDeck
