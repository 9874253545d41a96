#pragma once

#include <memory>
#include <vector>

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QObject>

#include <http_parser.h>

#include "proxy/proxyhttp.h"
#include "proxy/routestats.h"
#include "proxy/upstreamconnection.h"

class QTcpSocket;

namespace ServeDeck {

class ProxyWorker;
class ShadowStats;
struct EndpointCircuit;
struct RouteBinding;
struct ShadowComparison;

// One client's connection to the proxy, in one worker. Requests are taken one at a time:
// http-parser pauses at the end of each, the request is answered (here or by an upstream,
// streamed back as it arrives), and only then is the next one parsed. Pipelined requests
// are therefore answered in order without any reordering buffer.
class ClientConnection final : public QObject, private UpstreamConnection::Listener
{
public:
    ClientConnection(ProxyWorker *worker, QTcpSocket *socket);
    ~ClientConnection() override;

    // Called by the worker's sweep: idle, connect, read, pending and hold timeouts.
    void checkDeadlines(qint64 now);
    void abortNow();

    // From the worker: the request waiting for a connection (max_connections) gets one.
    void useConnection(UpstreamConnection *connection, bool fresh);
    std::shared_ptr<const RouteBinding> waitingRoute() const { return m_exchange.route; }
    // From the worker: a snapshot came; the held request looks for a route again.
    void retryHeld();

private:
    // Held: the request waits for its endpoint to wake from zero.
    enum class State { Reading, Forwarding, Held, Closing, Lingering, Dead };
    enum class Refusal { None, BodyTooLarge, HeadersTooLarge, BadTarget };
    enum class Framing { None, Length, Chunked, UntilClose };

    struct Request
    {
        QByteArray url;
        HeaderList headers;
        QByteArray body;
        int httpMinor = 1;
        bool hasBodyFraming = false;  // Content-Length or chunked, even when empty
    };

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
        // Shadow copies: sent with the request, compared with its answer.
        std::vector<std::shared_ptr<const RouteBinding>> shadows;
        std::vector<QByteArray> shadowRequests;
        std::shared_ptr<ShadowStats> shadowStats;
        std::shared_ptr<EndpointCircuit> endpoint;
        std::vector<std::shared_ptr<ShadowComparison>> comparisons;
        BodyDigest body;
    };

    void drain();
    void handleRequest();
    void route(bool again);
    void startShadows();
    void endComparisons(bool valid);
    void refuseByCircuit(const char *reason, const QString &message, int limit);
    bool answer(const LocalResponse &response, bool keepAlive);
    bool splitTarget(QByteArrayView *path, QByteArrayView *query) const;
    QByteArray upstreamRequest(const RouteBinding &route, bool isPublic, QByteArrayView rest, QByteArrayView query,
                               bool shadow = false) const;
    void attempt(bool allowPooled);
    void finishExchange(bool error);  // counts it for its route
    void abandonExchange(bool error);  // counts it, closes its upstream, forgets it
    void failExchange(int status, const QString &type, const QString &message, RejectReason reason);
    void failWhileAnswering(int status, const QString &type, const QString &message, RejectReason reason);
    void resume(bool keepAlive);
    void refuse(http_errno error);
    void beginClose();
    void startLinger();
    void onBytesWritten();
    void release();
    void touch();

    void upstreamHead(const UpstreamConnection::Head &head) override;
    void upstreamBody(QByteArrayView data) override;
    void upstreamComplete(UpstreamConnection *connection, bool reusable) override;
    void upstreamFailed(UpstreamConnection::Failure failure, const QString &reason, bool responded) override;

    int countHeaderBytes(qsizetype bytes);
    int onMessageBegin();
    int onUrl(const char *at, size_t length);
    int onHeaderField(const char *at, size_t length);
    int onHeaderValue(const char *at, size_t length);
    int onHeadersComplete();
    int onBody(const char *at, size_t length);
    int onChunkHeader();
    int onMessageComplete();

    // The C parser must never see an exception unwinding through it.
    template<int (ClientConnection::*Callback)()>
    static int notifyCallback(http_parser *parser) noexcept
    {
        try {
            return (static_cast<ClientConnection *>(parser->data)->*Callback)();
        } catch (...) {
            return -1;
        }
    }
    template<int (ClientConnection::*Callback)(const char *, size_t)>
    static int dataCallback(http_parser *parser, const char *at, size_t length) noexcept
    {
        try {
            return (static_cast<ClientConnection *>(parser->data)->*Callback)(at, length);
        } catch (...) {
            return -1;
        }
    }
    static const http_parser_settings s_settings;

    ProxyWorker *m_worker;
    QTcpSocket *m_socket;
    QHostAddress m_peer;
    QByteArray m_peerText;
    http_parser m_parser;
    Request m_request;
    Exchange m_exchange;
    std::shared_ptr<EndpointCircuit> m_heldFor;  // while Held
    QByteArray m_heldName;
    qint64 m_holdDeadline = 0;
    QByteArray m_out;  // scratch for heads and chunk sizes
    std::unique_ptr<char[]> m_readBuffer;
    qint64 m_readPos = 0;
    qint64 m_readEnd = 0;
    qsizetype m_headerBytes = 0;
    quint64 m_announcedBody = 0;  // Content-Length, or the running sum of chunk sizes
    qint64 m_lastActivity = 0;
    qint64 m_lingerDeadline = 0;
    State m_state = State::Reading;
    Refusal m_refusal = Refusal::None;
    bool m_lastWasValue = false;
    bool m_inMessage = false;
    bool m_keepAlive = false;
    bool m_draining = false;
    bool m_writeBlocked = false;
};

} // namespace ServeDeck
