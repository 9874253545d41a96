#include "http/httpserver.h"

#include <algorithm>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <utility>

#include <QLoggingCategory>
#include <QPointer>
#include <QTcpServer>
#include <QVarLengthArray>

#include <sys/socket.h>
#include <unistd.h>

#include "http/httpconnection.h"
#include "http/httperror.h"
#include "http/httpresponsestream.h"
#include "http/proxyhttp.h"

namespace ServeDeck {

namespace {

Q_LOGGING_CATEGORY(lcHttp, "servedeck.http")

// Closing connections linger this long at most; the sweep must come round to end them.
constexpr int kLingerSweepMs = 1000;
// After an accept error (EMFILE, ECONNABORTED), accepting resumes this much later: soon enough
// to go on serving, late enough not to spin while descriptors are short.
constexpr int kAcceptRetryMs = 100;

using ProxyHttp::equalsIgnoringCase;

HttpResponse errorResponse(const HttpError &error)
{
    HttpResponse response;
    response.status = error.status;
    response.headers.emplaceBack(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"));
    response.body = error.body();
    return response;
}

HttpResponse internalError(const QString &message)
{
    // Not an ErrorType: a server fault is never a service-level outcome.
    return errorResponse({500, QStringLiteral("InternalError"), message, {}});
}

bool isHeaderSafe(QByteArrayView text)
{
    // CR/LF would let a handler-supplied value inject headers (response splitting).
    return !text.contains('\r') && !text.contains('\n') && !text.contains('\0');
}

int sweepInterval(const HttpServer::Limits &limits)
{
    // A quarter of the timeout: connections close at most 25% late. Without
    // an idle timeout the sweep still ends lingering closes.
    int shortest = 0;
    for (const int timeout : {limits.idleTimeoutMs, limits.headTimeoutMs}) {
        if (timeout > 0)
            shortest = shortest > 0 ? std::min(shortest, timeout) : timeout;
    }
    return shortest > 0 ? std::clamp(shortest / 4, 10, 1000) : kLingerSweepMs;
}

// QTcpServer for listening, accept errors and pausing; each accepted descriptor goes straight
// to a TcpStream (HttpConnection) instead of through a QTcpSocket.
class DescriptorServer final : public QTcpServer
{
public:
    explicit DescriptorServer(std::function<void(qintptr)> take, QObject *parent)
        : QTcpServer(parent)
        , m_take(std::move(take))
    {
    }

protected:
    void incomingConnection(qintptr descriptor) override { m_take(descriptor); }

private:
    std::function<void(qintptr)> m_take;
};

} // namespace

// One client of the server. The handler runs outside the parser, one request at a time,
// and reading resumes once the response is queued: pipelining in order for free.
class HttpServer::Connection final : public HttpConnection
{
public:
    static constexpr std::size_t kNoSlot = std::numeric_limits<std::size_t>::max();

    Connection(HttpServer *server, int descriptor, std::size_t slot);

    bool handleRequest() override;
    bool acceptHead(const HttpRequestReader::Message &head) override;
    void refuse(const HttpError &error) override;
    void ended() override;
    qint64 nowMs() const override { return m_server->m_clock.elapsed(); }
    int idleTimeoutMs() const override { return m_server->m_limits.idleTimeoutMs; }
    int headTimeoutMs() const override { return m_server->m_limits.headTimeoutMs; }
    HttpRequestReader::Limits readLimits() const override
    {
        return {m_server->m_limits.maxHeaderBytes, m_server->m_limits.maxBodyBytes};
    }

    bool writeResponse(const HttpResponse &response, bool keepAlive, bool omitBody, bool chunked = false);
    // Sends the head of a streamed answer and serves nothing else until the stream finishes.
    void startStream(const HttpResponse &response, bool keepAlive);
    using HttpConnection::checkIdle;

    HttpServer *m_server;
    std::size_t m_slot;
    QHostAddress m_peer;
    QByteArray m_head;
    std::shared_ptr<HttpResponseStream> m_stream;  // the answer being streamed, while Busy
};

HttpServer::Connection::Connection(HttpServer *server, int descriptor, std::size_t slot)
    : HttpConnection(descriptor, server)
    , m_server(server)
    , m_slot(slot)
    , m_peer(stream()->peerAddress())
{
    reader().setCheckTarget(true);
    m_head.reserve(512);
    touch();
}

namespace {

// The request as handlers see it; the body is the message's (empty while only the head is read).
HttpRequest requestOf(const HttpRequestReader::Message &message, const QHostAddress &peer)
{
    HttpRequest httpRequest;
    httpRequest.method = message.method;
    QByteArrayView path;
    QByteArrayView query;
    // Checked when the head arrived (setCheckTarget).
    HttpRequestReader::parseTarget(message.target, message.method == "CONNECT", &path, &query);
    httpRequest.path = path.toByteArray();
    if (path.contains('%'))
        httpRequest.path = httpRequest.path.percentDecoded();
    if (!query.isNull())
        httpRequest.query.setQuery(QString::fromUtf8(query));
    httpRequest.headers = message.headers;
    httpRequest.body = message.body;
    httpRequest.peer = peer;
    return httpRequest;
}

} // namespace

bool HttpServer::Connection::acceptHead(const HttpRequestReader::Message &head)
{
    if (!m_server->m_headCheck)
        return true;
    std::optional<HttpResponse> refusal = m_server->m_headCheck(requestOf(head, m_peer));
    if (!refusal)
        return true;
    // The body is never read: the connection cannot carry another request.
    writeResponse(*refusal, false, head.method == "HEAD");
    return false;
}

bool HttpServer::Connection::handleRequest()
{
    const HttpRequestReader::Message &message = request();
    HttpRequest httpRequest = requestOf(message, m_peer);

    HttpResponse response;
    const QPointer<Connection> alive(this);
    try {
        response = m_server->m_handler(httpRequest);
    } catch (const std::exception &e) {
        qCWarning(lcHttp, "handler failed for %s %s: %s", httpRequest.method.constData(),
                  httpRequest.path.constData(), e.what());
        response = internalError(QStringLiteral("internal server error"));
    } catch (...) {
        qCWarning(lcHttp, "handler failed for %s %s with a non-standard exception",
                  httpRequest.method.constData(), httpRequest.path.constData());
        response = internalError(QStringLiteral("internal server error"));
    }
    if (!alive)
        return false;
    if (state() != State::Reading)
        return true;  // the server was closed from inside the handler

    if (response.status < 200 || response.status > 599) {
        // 1xx cannot be a final response; anything else is not HTTP.
        qCWarning(lcHttp, "handler returned invalid status %d", response.status);
        response = internalError(QStringLiteral("handler returned invalid status %1").arg(response.status));
    }
    if (response.stream && response.status != 204 && response.status != 304) {
        startStream(response, message.keepAlive && !message.upgrade);
        return true;
    }
    // Bytes after an upgrade request belong to another protocol we don't speak.
    const bool keepAlive = writeResponse(response, message.keepAlive && !message.upgrade, message.method == "HEAD");
    if (!keepAlive)
        beginClose();
    return true;
}

void HttpServer::Connection::startStream(const HttpResponse &response, bool keepAlive)
{
    const HttpRequestReader::Message &message = request();
    // HTTP/1.0 has no chunked coding: its body ends with the connection.
    const bool chunked = message.httpMajor > 1 || (message.httpMajor == 1 && message.httpMinor >= 1);
    const bool omitBody = message.method == "HEAD";
    keepAlive = writeResponse(response, keepAlive && chunked, omitBody, chunked);
    m_stream = response.stream;
    if (omitBody) {
        m_stream->detach();
        m_stream.reset();
        if (!keepAlive)
            beginClose();
        return;
    }
    setState(State::Busy);
    HttpResponseStream::Sink sink;
    sink.write = [this, chunked](const QByteArray &bytes) {
        if (!chunked) {
            stream()->write(bytes);
            return;
        }
        QByteArray frame = QByteArray::number(bytes.size(), 16);
        frame.append("\r\n").append(bytes).append("\r\n");
        stream()->write(frame);
    };
    sink.finish = [this, chunked, keepAlive] {
        if (chunked)
            stream()->write("0\r\n\r\n");
        m_stream.reset();
        resume(keepAlive);
    };
    // May finish at once (a stream the handler completed), which resumes reading.
    const std::shared_ptr<HttpResponseStream> stream = m_stream;
    stream->attach(std::move(sink));
}

void HttpServer::Connection::refuse(const HttpError &error)
{
    writeResponse(errorResponse(error), false, false);
}

void HttpServer::Connection::ended()
{
    // The stream's producer must stop writing into a connection that is going away.
    if (const std::shared_ptr<HttpResponseStream> stream = std::exchange(m_stream, nullptr))
        stream->detach();
    m_server->forget(this);
}

bool HttpServer::Connection::writeResponse(const HttpResponse &response, bool keepAlive, bool omitBody, bool chunked)
{
    const int status = response.status;
    // RFC 9110: 204 and 304 never have a body; 204 must not send Content-Length
    // and for 304 it would describe the unsent representation, so neither gets one.
    const bool bodyless = status == 204 || status == 304;

    m_head.resize(0);
    ProxyHttp::appendStatusLine(m_head, status);

    bool hasServer = false;
    for (const auto &[name, value] : response.headers) {
        // Framing belongs to the server; a handler can only ask to close.
        if (equalsIgnoringCase(name, "connection")) {
            if (value.toLower().contains("close"))
                keepAlive = false;
            continue;
        }
        if (equalsIgnoringCase(name, "content-length") || equalsIgnoringCase(name, "transfer-encoding"))
            continue;
        if (name.isEmpty() || !isHeaderSafe(name) || !isHeaderSafe(value)) {
            qCWarning(lcHttp, "dropping unsafe response header %s", name.toPercentEncoding().constData());
            continue;
        }
        hasServer = hasServer || equalsIgnoringCase(name, "server");
        m_head.append(name).append(": ").append(value).append("\r\n");
    }
    if (!hasServer)
        m_head.append("Server: servedeck\r\n");
    if (response.stream) {
        if (chunked)
            m_head.append("Transfer-Encoding: chunked\r\n");
    } else if (!bodyless) {
        m_head.append("Content-Length: ");
        ProxyHttp::appendNumber(m_head, response.body.size());
        m_head.append("\r\n");
    }
    const HttpRequestReader::Message &message = request();
    if (!keepAlive)
        m_head.append("Connection: close\r\n");
    else if (message.httpMajor == 1 && message.httpMinor == 0)
        m_head.append("Connection: keep-alive\r\n");
    m_head.append("\r\n");

    stream()->write(m_head);
    // Written separately: QIODevice shares (does not copy) large QByteArrays.
    if (!response.stream && !omitBody && !bodyless && !response.body.isEmpty())
        stream()->write(response.body);
    return keepAlive;
}

// ---------------------------------------------------------------------------

HttpServer::HttpServer(Handler handler, QObject *parent)
    : QObject(parent)
    , m_handler(std::move(handler))
    , m_tcpServer(new DescriptorServer([this](qintptr descriptor) { acceptConnection(descriptor); }, this))
{
    m_clock.start();
    // One sweep timer for all connections rather than a QTimer each: the hot
    // path then only stores a timestamp per read/write instead of restarting
    // a timer, and the proxy will hold many mostly-idle connections. The cost
    // is precision: a connection closes up to one sweep interval late.
    connect(&m_sweepTimer, &QTimer::timeout, this, &HttpServer::sweepIdle);
    // QTcpServer stops accepting for good after an error other than EAGAIN (out of
    // descriptors, a connection reset while queued): listen again shortly instead.
    connect(m_tcpServer, &QTcpServer::acceptError, this, [this] {
        QTimer::singleShot(kAcceptRetryMs, m_tcpServer, [server = m_tcpServer] {
            if (server->isListening())
                server->resumeAccepting();
        });
    });
}

HttpServer::~HttpServer()
{
    // Connections are QObject children but reach back into our members while
    // shutting down, so end them before those members are destroyed.
    close();
}

void HttpServer::setLimits(const Limits &limits)
{
    m_limits = limits;
    if (m_sweepTimer.isActive())
        m_sweepTimer.start(sweepInterval(m_limits));
}

void HttpServer::setHeadCheck(HeadCheck check)
{
    m_headCheck = std::move(check);
}

bool HttpServer::listen(const QHostAddress &address, quint16 port)
{
    // Qt's default backlog of 50 drops the SYNs of a burst of new connections (a proxy opening its
    // pool, a load test), which the clients resend only a second later: the system's limit instead.
    m_tcpServer->setListenBacklogSize(SOMAXCONN);
    return m_tcpServer->listen(address, port);
}

bool HttpServer::isListening() const
{
    return m_tcpServer->isListening();
}

quint16 HttpServer::serverPort() const
{
    return m_tcpServer->serverPort();
}

QHostAddress HttpServer::serverAddress() const
{
    return m_tcpServer->serverAddress();
}

QString HttpServer::errorString() const
{
    return m_tcpServer->errorString();
}

void HttpServer::close()
{
    m_tcpServer->close();
    m_sweepTimer.stop();
    const std::vector<Connection *> connections = std::exchange(m_connections, {});
    for (Connection *connection : connections) {
        connection->m_slot = Connection::kNoSlot;
        connection->abortNow();
    }
}

void HttpServer::acceptConnection(qintptr descriptor)
{
    // Past the cap a connection is closed at once: each holds buffers, and a client
    // opening many must not take the memory or descriptors the others need. An idle
    // keep-alive connection gives way first (as nginx reuses them when out of
    // connections): otherwise a flood of silent connections locks everyone out until
    // the idle timeout.
    if (m_limits.maxConnections > 0 && m_connections.size() >= static_cast<std::size_t>(m_limits.maxConnections)
        && !evictLongestIdle()) {
        ::close(int(descriptor));
        return;
    }
    m_connections.push_back(new Connection(this, int(descriptor), m_connections.size()));
    if (!m_sweepTimer.isActive())
        m_sweepTimer.start(sweepInterval(m_limits));
}

void HttpServer::sweepIdle()
{
    const qint64 now = m_clock.elapsed();
    // Copied first: ending a connection removes it from m_connections (it is deleted later).
    const QVarLengthArray<Connection *, 32> connections(m_connections.begin(), m_connections.end());
    for (Connection *connection : connections) {
        if (connection->state() != Connection::State::Dead)
            connection->checkIdle(now);
    }
}

bool HttpServer::evictLongestIdle()
{
    Connection *oldest = nullptr;
    for (Connection *connection : m_connections) {
        if (connection->isIdleBetweenRequests() && (!oldest || connection->lastActivityMs() < oldest->lastActivityMs()))
            oldest = connection;
    }
    if (!oldest)
        return false;
    oldest->abortNow();  // forgets it: its slot is free now
    return true;
}

void HttpServer::forget(Connection *connection)
{
    const std::size_t slot = connection->m_slot;
    if (slot == Connection::kNoSlot)
        return;
    // Swap-and-pop keeps removal O(1); the order of connections is irrelevant.
    Connection *last = m_connections.back();
    m_connections[slot] = last;
    last->m_slot = slot;
    m_connections.pop_back();
    connection->m_slot = Connection::kNoSlot;
    if (m_connections.empty())
        m_sweepTimer.stop();  // nothing to watch: don't wake an idle process
}

} // namespace ServeDeck
