#pragma once

#include <memory>
#include <optional>

#include <QByteArray>
#include <QObject>

#include "http/proxyhttp.h"
#include "proxy/upstreamconnection.h"
#include "proxy/upstreamfailure.h"

namespace ServeDeck {

class ProxyWorker;
class ShadowStats;
struct EndpointCircuit;
struct RouteBinding;

// The primary's answer and one shadow's, met on the worker thread that holds both: whichever
// ends second compares them (status and body digest) and counts the outcome.
struct ShadowComparison
{
    struct Answer
    {
        bool done = false;
        bool valid = false;  // a whole answer from the upstream (not a failure of the proxy's)
        int status = 0;
        BodyDigest body;
    };

    explicit ShadowComparison(std::shared_ptr<ShadowStats> shadowStats)
        : stats(std::move(shadowStats))
    {
    }
    void primaryEnded(const Answer &answer);
    void shadowEnded(const Answer &answer);

    Answer primary;
    Answer shadow;
    std::shared_ptr<ShadowStats> stats;

private:
    void settle();
    bool m_settled = false;
};

// One copy of a request sent to a shadow route. Its answer goes nowhere but into the counters
// and the comparison; it never holds up the client, which waits only for the primary.
class ShadowExchange final : public QObject, private UpstreamConnection::Listener
{
public:
    ShadowExchange(ProxyWorker *worker, std::shared_ptr<const RouteBinding> route, std::shared_ptr<EndpointCircuit> endpoint,
                   std::shared_ptr<ShadowComparison> comparison);
    ~ShadowExchange() override;

    void start(UpstreamConnection *connection, bool fresh, const QByteArray &request, bool headRequest);
    // Called by the worker's sweep: Options::shadowTimeoutMs from start.
    void checkDeadline(qint64 nowMs);
    // The worker stops: ends without an answer, counted as an error.
    void abort();

private:
    void upstreamHead(const UpstreamConnection::Head &head) override;
    void upstreamBody(QByteArrayView data) override;
    void upstreamComplete(UpstreamConnection *connection, bool reusable) override;
    void upstreamFailed(UpstreamConnection::Failure failure, const QString &reason, bool responded) override;
    // Counts it, frees its in-flight slot, hands its answer to the comparison, deletes it later.
    // failure: reported as the route's upstream failure, with message.
    void finish(bool failed, std::optional<UpstreamFailure> failure = std::nullopt, const QString &message = {});

    ProxyWorker *m_worker;
    std::shared_ptr<const RouteBinding> m_route;
    std::shared_ptr<EndpointCircuit> m_endpoint;
    std::shared_ptr<ShadowComparison> m_comparison;
    UpstreamConnection *m_upstream = nullptr;
    ShadowComparison::Answer m_answer;
    qint64 m_startedNs = 0;
    qint64 m_startedMs = 0;
    bool m_finished = false;
};

} // namespace ServeDeck
