#include "proxy/shadowexchange.h"

#include <utility>

#include "proxy/proxyworker.h"
#include "proxy/routebinding.h"
#include "proxy/routecircuit.h"
#include "proxy/routestats.h"

namespace ServeDeck {

void ShadowComparison::primaryEnded(const Answer &answer)
{
    primary = answer;
    primary.done = true;
    settle();
}

void ShadowComparison::shadowEnded(const Answer &answer)
{
    shadow = answer;
    shadow.done = true;
    settle();
}

void ShadowComparison::settle()
{
    if (m_settled || !primary.done || !shadow.done)
        return;
    m_settled = true;
    // Only two real answers compare: a failed side says nothing about the models.
    if (primary.valid && shadow.valid)
        stats->compared(primary.status != shadow.status || !(primary.body == shadow.body));
}

ShadowExchange::ShadowExchange(ProxyWorker *worker, std::shared_ptr<const RouteBinding> route,
                               std::shared_ptr<EndpointCircuit> endpoint, std::shared_ptr<ShadowComparison> comparison)
    : QObject(worker)
    , m_worker(worker)
    , m_route(std::move(route))
    , m_endpoint(std::move(endpoint))
    , m_comparison(std::move(comparison))
{
}

ShadowExchange::~ShadowExchange() = default;

void ShadowExchange::start(UpstreamConnection *connection, bool fresh, const QByteArray &request, bool headRequest)
{
    m_comparison->stats->sent();
    m_startedNs = m_worker->nowNs();
    m_startedMs = m_worker->nowMs();
    m_upstream = connection;
    connection->send(this, request, headRequest);
    // Last: a refused connection may report back (upstreamFailed) before connectTo() returns.
    if (fresh)
        connection->connectTo(m_route->host, m_route->address, m_route->port);
}

void ShadowExchange::checkDeadline(qint64 nowMs)
{
    const int timeout = m_worker->options().shadowTimeoutMs;
    if (m_finished || timeout <= 0 || nowMs - m_startedMs < timeout)
        return;
    finish(true, UpstreamFailure::TimedOut,
           QStringLiteral("shadow %1 did not answer within %2 ms").arg(QString::fromUtf8(m_route->authority)).arg(timeout));
}

void ShadowExchange::abort()
{
    finish(true);
}

void ShadowExchange::upstreamHead(const UpstreamConnection::Head &head)
{
    m_answer.status = head.status;
}

void ShadowExchange::upstreamBody(QByteArrayView data)
{
    m_answer.body.add(data);
}

void ShadowExchange::upstreamComplete(UpstreamConnection *connection, bool reusable)
{
    m_upstream = nullptr;
    if (reusable)
        m_worker->recycle(connection);
    m_answer.valid = true;
    finish(m_answer.status >= 500);
}

void ShadowExchange::upstreamFailed(UpstreamConnection::Failure failure, const QString &reason, bool responded)
{
    Q_UNUSED(responded);
    m_upstream = nullptr;
    finish(true, failure, QStringLiteral("shadow: ") + reason);
}

void ShadowExchange::finish(bool failed, std::optional<UpstreamFailure> failure, const QString &message)
{
    if (m_finished)
        return;
    m_finished = true;
    if (UpstreamConnection *upstream = std::exchange(m_upstream, nullptr))
        upstream->close();  // not pooled: the rest of its answer has nobody to go to
    m_comparison->stats->answered(m_worker->nowNs() - m_startedNs, failed);
    m_endpoint->shadowInFlight.fetch_sub(1);
    m_comparison->shadowEnded(m_answer);
    if (failure) {
        m_worker->recordOutcome(*m_route, true);
        m_worker->reportUpstreamFailure(*m_route, *failure, message);
    } else if (m_answer.valid) {
        m_worker->recordOutcome(*m_route, failed);
    }
    m_worker->forgetShadow(this);
    deleteLater();
}

} // namespace ServeDeck
