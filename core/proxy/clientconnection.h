#pragma once

#include <memory>

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
struct RouteBinding;

// One client's connection to the proxy, in one worker. Requests are taken one at a time:
// http-parser pauses at the end of each, the request is answered (here or by an upstream,
// streamed back as it arrives), and only then is the next one parsed. Pipelined requests
// are therefore answered in order without any reordering buffer.
class ClientConnection final : public QObject, private UpstreamConnection::Listener
{
public:
    ClientConnection(ProxyWorker *worker, QTcpSocket *socket);
    ~ClientConnection() override;

    // Called by the worker's sweep: idle, connect and read timeouts.
    void checkDeadlines(qint64 now);
    void abortNow();

private:
    enum class State { Reading, Forwarding, Closing, Lingering, Dead };
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
        int attempts = 0;
        int status = 0;
        Framing framing = Framing::None;
        bool reused = false;  // the connection came from the pool
        bool headSent = false;
        bool headRequest = false;
        bool keepAlive = false;
    };

    void drain();
    void handleRequest();
    bool answer(const LocalResponse &response, bool keepAlive);
    bool splitTarget(QByteArrayView *path, QByteArrayView *query) const;
    QByteArray upstreamRequest(const RouteBinding &route, bool isPublic, QByteArrayView rest,
                               QByteArrayView query) const;
    void attempt(bool allowPooled);
    void finishExchange(bool error);  // counts it for its route
    void abandonExchange(bool error);  // counts it, closes its upstream, forgets it
    void failExchange(int status, const QString &type, const QString &message, RejectReason reason);
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
