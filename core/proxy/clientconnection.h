#pragma once

#include <memory>
#include <vector>

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>

#include "http/httpconnection.h"
#include "http/proxyhttp.h"
#include "proxy/completionmeter.h"
#include "proxy/proxyjobcall.h"
#include "proxy/routestats.h"
#include "proxy/upstreamconnection.h"

namespace ServeDeck {

class ProxyWorker;
class ShadowStats;
struct EndpointCircuit;
struct RouteBinding;
struct ShadowComparison;

// One client's connection to the proxy, in one worker. Requests are taken one at a time
// (HttpConnection): each is answered (here or by an upstream, streamed back as it arrives),
// and only then is the next one parsed. Pipelined requests are therefore answered in order
// without any reordering buffer.
class ClientConnection final : public HttpConnection, private UpstreamConnection::Listener
{
public:
    // Takes the accepted descriptor of a client at peer.
    ClientConnection(ProxyWorker *worker, int descriptor, const QHostAddress &peer);
    ~ClientConnection() override;

    // Called by the worker's sweep: idle, connect, read, pending and hold timeouts.
    void checkDeadlines(qint64 now);
    using HttpConnection::abortNow;

    // From the worker: the request waiting for a connection (max_connections) gets one.
    void useConnection(UpstreamConnection *connection, bool fresh);
    std::shared_ptr<const RouteBinding> waitingRoute() const { return m_exchange.route; }
    // From the worker: a snapshot came; the held request looks for a route again.
    void retryHeld();
    // From the worker (JobHandoff): the owning thread's reply to this connection's job call.
    void jobReplied(ProxyJobReply reply);

private:
    enum class Framing { None, Length, Chunked, UntilClose };

    // The request being forwarded.
    struct Exchange
    {
        std::shared_ptr<const RouteBinding> route;
        QByteArray request;  // head and body, kept for one retry
        UpstreamConnection *upstream = nullptr;
        qint64 startedNs = 0;
        qint64 connectStartedMs = 0;
        qint64 waitStartedMs = 0;
        int attempts = 0;
        int status = 0;
        Framing framing = Framing::None;
        bool started = false;  // sent on a connection: counted for the route, shadows sent
        bool waiting = false;  // for a connection (max_connections reached); upstream is null
        bool reused = false;  // the connection came from the pool
        bool headSent = false;
        bool headRequest = false;
        bool keepAlive = false;
        bool completionCall = false;  // POST .../completions: a JSON answer is metered too
        std::unique_ptr<CompletionMeter> meter;  // an OpenAI-style answer's tokens; null for the rest
        // Shadow copies: sent with the request, compared with its answer.
        std::vector<std::shared_ptr<const RouteBinding>> shadows;
        std::vector<QByteArray> shadowRequests;
        std::shared_ptr<ShadowStats> shadowStats;
        std::shared_ptr<EndpointCircuit> endpoint;
        std::vector<std::shared_ptr<ShadowComparison>> comparisons;
        BodyDigest body;
    };

    bool handleRequest() override;
    bool acceptHead(const HttpRequestReader::Message &head) override;
    void refuse(const HttpError &error) override;
    void ended() override;
    void writeDrained() override;
    qint64 nowMs() const override;
    int idleTimeoutMs() const override;
    int headTimeoutMs() const override;
    HttpRequestReader::Limits readLimits() const override;

    void route(bool again);
    // A job submission (Prefer: respond-async) or lookup (/_jobs/...): handed to the owning
    // thread, the connection Busy until the reply or Options::jobHandoffTimeoutMs.
    void takeJob(QByteArrayView path, QByteArrayView query, bool keepAlive);
    // The Cancel of a DELETE /_jobs/{id} whose caller passed the job's endpoint's checks.
    void startCancel();
    void startShadows();
    void endComparisons(bool valid);
    void refuseByCircuit(const char *reason, const QString &message, int limit);
    bool answer(const LocalResponse &response, bool keepAlive);
    bool splitTarget(QByteArrayView *path, QByteArrayView *query) const;
    QByteArray upstreamRequest(const RouteBinding &route, bool isPublic, QByteArrayView rest, QByteArrayView query,
                               const QByteArray &body, bool shadow = false) const;
    void attempt(bool allowPooled);
    void finishExchange(bool error);  // counts it for its route
    void abandonExchange(bool error);  // counts it, closes its upstream, forgets it
    // Answers 502 or 504 (upstreamFailureStatus), reports the failure and ends the exchange.
    void failExchange(UpstreamFailure failure, const QString &message);
    // The head is out: cuts the client's connection, the only signal left.
    void failWhileAnswering(UpstreamFailure failure, const QString &message);
    // The version the answer speaks: HTTP/1.0 clients get no chunks.
    int httpMinor() const;

    void upstreamHead(const UpstreamConnection::Head &head) override;
    void upstreamBody(QByteArrayView data) override;
    void upstreamComplete(UpstreamConnection *connection, bool reusable) override;
    void upstreamFailed(UpstreamConnection::Failure failure, const QString &reason, bool responded) override;
    void upstreamReadBegin() override { stream()->cork(); }
    void upstreamReadEnd() override { stream()->uncork(); }

    ProxyWorker *m_worker;
    QHostAddress m_peer;
    QByteArray m_peerText;
    Exchange m_exchange;
    std::shared_ptr<EndpointCircuit> m_heldFor;  // while Held
    QByteArray m_heldName;
    qint64 m_holdDeadline = 0;
    QByteArray m_out;  // scratch for heads and chunk sizes
    bool m_held = false;  // Busy, waiting for its endpoint to wake from zero
    // Busy, waiting for the reply to a job call: its ticket (0: none), deadline and kind.
    quint64 m_jobTicket = 0;
    qint64 m_jobDeadline = 0;
    ProxyJobCall::Kind m_jobKind = ProxyJobCall::Kind::Submit;
    QString m_jobId;  // of a lookup
    bool m_jobCancelAfterCheck = false;  // a DELETE's first call (Status) is under way
    bool m_jobKeepAlive = false;
};

} // namespace ServeDeck
