#include "http/httpserver.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <exception>
#include <limits>
#include <memory>
#include <utility>

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QVarLengthArray>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

#include <http_parser.h>

#include "domain/serviceerror.h"

namespace ServeDeck {

namespace {

Q_LOGGING_CATEGORY(lcHttp, "servedeck.http")

// One fixed read buffer per connection: reading through it avoids a QByteArray
// allocation per readyRead, and 16 KiB takes typical headers in one go.
constexpr qint64 kReadChunk = 16 * 1024;
// Qt's own socket buffer is capped so that a connection we stop reading from
// (see kWriteHighWater) pushes back on the client through TCP.
constexpr qint64 kSocketReadBufferSize = 256 * 1024;
// Pipelined requests are not parsed while this much response data is unsent:
// a client that writes but never reads must not grow our memory without bound.
constexpr qint64 kWriteHighWater = 1024 * 1024;
constexpr qint64 kWriteLowWater = kWriteHighWater / 4;
// Closing a socket with unread input makes the kernel send RST, which can wipe
// our last response (typically a 413 sent while the client still uploads)
// before the client reads it. So we half-close and discard input for a while.
constexpr int kLingerMs = 2000;
// A connection keeps its body buffer between requests only when it is small:
// one 1 MiB upload should not pin 1 MiB per idle keep-alive connection.
constexpr qsizetype kRetainedBodyCapacity = 64 * 1024;
// http-parser hands us the URL, header names and values; this approximates the
// syntax around them (method, " HTTP/1.1", ": ", CRLF) for maxHeaderBytes.
constexpr qsizetype kRequestLineOverhead = 16;
constexpr qsizetype kHeaderLineOverhead = 4;

HttpResponse errorResponse(int status, const QString &type, const QString &message,
                           const QJsonObject &details = {})
{
    const QJsonObject error{
        {QStringLiteral("type"), type},
        {QStringLiteral("message"), message},
        {QStringLiteral("details"), details},
    };
    return HttpResponse::json(status, QJsonDocument(QJsonObject{{QStringLiteral("error"), error}}));
}

HttpResponse internalError(const QString &message)
{
    // Not an ErrorType: a server fault is never a service-level outcome.
    return errorResponse(500, QStringLiteral("InternalError"), message);
}

void appendNumber(QByteArray &out, qint64 value)
{
    char digits[24];
    const auto result = std::to_chars(std::begin(digits), std::end(digits), value);
    out.append(digits, result.ptr - digits);
}

QByteArrayView reasonPhrase(int status)
{
    const char *reason = http_status_str(static_cast<enum http_status>(status));
    // The reason phrase may be empty, an unknown code must not read "<unknown>".
    return reason[0] == '<' ? QByteArrayView() : QByteArrayView(reason);
}

bool isHeaderSafe(QByteArrayView text)
{
    // CR/LF would let a handler-supplied value inject headers (response splitting).
    return !text.contains('\r') && !text.contains('\n') && !text.contains('\0');
}

bool equalsIgnoringCase(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

int sweepInterval(const HttpServer::Limits &limits)
{
    // A quarter of the timeout: connections close at most 25% late. Without
    // an idle timeout the sweep still ends lingering closes.
    return limits.idleTimeoutMs > 0 ? std::clamp(limits.idleTimeoutMs / 4, 10, 1000) : kLingerMs / 2;
}

} // namespace

// Per-connection state. Owned by the server (QObject child), owns its socket.
// Requests are handled strictly one after another: http-parser is paused at
// the end of every message, the handler runs outside the parser callbacks,
// and parsing resumes after the response is queued. That gives pipelining in
// order for free and keeps C++ code (and exceptions) out of the C callbacks'
// call stack.
class HttpServer::Connection final : public QObject
{
public:
    enum class State { Reading, Closing, Lingering, Dead };
    enum class Refusal { None, BodyTooLarge, HeadersTooLarge, BadTarget };
    static constexpr std::size_t kNoSlot = std::numeric_limits<std::size_t>::max();

    Connection(HttpServer *server, QTcpSocket *socket, std::size_t slot);

    void drain();
    bool dispatch();
    void fail(http_errno error);
    bool writeResponse(const HttpResponse &response, bool keepAlive, bool omitBody);
    void beginClose();
    void startLinger();
    void onBytesWritten();
    void touch() { m_lastActivity = m_server->m_clock.elapsed(); }
    bool expired(qint64 now) const;
    void expire();
    void release();
    void abortNow();

    bool parseTarget();
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
    template<int (Connection::*Callback)()>
    static int notifyCallback(http_parser *parser) noexcept
    {
        try {
            return (static_cast<Connection *>(parser->data)->*Callback)();
        } catch (...) {
            return -1;
        }
    }
    template<int (Connection::*Callback)(const char *, size_t)>
    static int dataCallback(http_parser *parser, const char *at, size_t length) noexcept
    {
        try {
            return (static_cast<Connection *>(parser->data)->*Callback)(at, length);
        } catch (...) {
            return -1;
        }
    }
    static const http_parser_settings s_settings;

    HttpServer *m_server;
    QTcpSocket *m_socket;
    std::size_t m_slot;
    http_parser m_parser;
    HttpRequest m_request;  // reused across requests to keep buffer capacity
    QByteArray m_url;
    QByteArray m_head;
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
    bool m_keepAlive = false;
    bool m_draining = false;
    bool m_writeBlocked = false;
};

const http_parser_settings HttpServer::Connection::s_settings = [] {
    http_parser_settings settings;
    http_parser_settings_init(&settings);
    settings.on_message_begin = &notifyCallback<&Connection::onMessageBegin>;
    settings.on_url = &dataCallback<&Connection::onUrl>;
    settings.on_header_field = &dataCallback<&Connection::onHeaderField>;
    settings.on_header_value = &dataCallback<&Connection::onHeaderValue>;
    settings.on_headers_complete = &notifyCallback<&Connection::onHeadersComplete>;
    settings.on_body = &dataCallback<&Connection::onBody>;
    settings.on_chunk_header = &notifyCallback<&Connection::onChunkHeader>;
    settings.on_message_complete = &notifyCallback<&Connection::onMessageComplete>;
    return settings;
}();

HttpServer::Connection::Connection(HttpServer *server, QTcpSocket *socket, std::size_t slot)
    : QObject(server)
    , m_server(server)
    , m_socket(socket)
    , m_slot(slot)
    , m_readBuffer(std::make_unique_for_overwrite<char[]>(kReadChunk))
{
    socket->setParent(this);
    // Responses are written whole; Nagle would only delay the tail of them.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    socket->setReadBufferSize(kSocketReadBufferSize);
    http_parser_init(&m_parser, HTTP_REQUEST);
    m_parser.data = this;
    m_request.peer = socket->peerAddress();
    m_request.headers.reserve(16);
    m_head.reserve(512);
    touch();

    connect(socket, &QTcpSocket::readyRead, this, [this] {
        touch();
        drain();
    });
    connect(socket, &QTcpSocket::bytesWritten, this, [this] {
        touch();
        onBytesWritten();
    });
    // Emitted for every way a connected socket ends (peer close, reset, abort).
    connect(socket, &QTcpSocket::disconnected, this, [this] { release(); });
}

void HttpServer::Connection::drain()
{
    // A handler running a nested event loop can re-enter through readyRead;
    // the outer loop still holds the parser and will pick the new data up.
    if (m_draining)
        return;
    m_draining = true;

    while (m_state == State::Reading) {
        if (m_socket->bytesToWrite() > kWriteHighWater) {
            m_writeBlocked = true;  // resumed from onBytesWritten()
            qCDebug(lcHttp, "pausing a pipelining client: %lld bytes unsent", m_socket->bytesToWrite());
            break;
        }
        if (m_readPos == m_readEnd) {
            const qint64 n = m_socket->read(m_readBuffer.get(), kReadChunk);
            if (n <= 0)
                break;
            m_readPos = 0;
            m_readEnd = n;
        }
        const auto available = static_cast<size_t>(m_readEnd - m_readPos);
        const size_t parsed = http_parser_execute(&m_parser, &s_settings,
                                                  m_readBuffer.get() + m_readPos, available);
        m_readPos += static_cast<qint64>(parsed);
        const auto error = HTTP_PARSER_ERRNO(&m_parser);
        if (error == HPE_PAUSED) {  // a complete request
            http_parser_pause(&m_parser, 0);
            if (!dispatch())
                return;  // the handler destroyed the server, and this with it
        } else if (error != HPE_OK) {
            fail(error);
        } else if (parsed < available) {
            // Only an upgrade stops the parser early, and dispatch() already
            // closes after an upgrade request; never spin on unparsed bytes.
            beginClose();
        }
    }
    if (m_state != State::Reading)
        m_socket->skip(m_socket->bytesAvailable());
    m_draining = false;
}

bool HttpServer::Connection::dispatch()
{
    HttpResponse response;
    const QPointer<Connection> alive(this);
    try {
        response = m_server->m_handler(m_request);
    } catch (const std::exception &e) {
        qCWarning(lcHttp, "handler failed for %s %s: %s", m_request.method.constData(),
                  m_request.path.constData(), e.what());
        response = internalError(QStringLiteral("internal server error"));
    } catch (...) {
        qCWarning(lcHttp, "handler failed for %s %s with a non-standard exception",
                  m_request.method.constData(), m_request.path.constData());
        response = internalError(QStringLiteral("internal server error"));
    }
    if (!alive)
        return false;
    if (m_state != State::Reading)
        return true;  // the server was closed from inside the handler

    if (response.status < 200 || response.status > 599) {
        // 1xx cannot be a final response; anything else is not HTTP.
        qCWarning(lcHttp, "handler returned invalid status %d", response.status);
        response = internalError(QStringLiteral("handler returned invalid status %1").arg(response.status));
    }
    // Bytes after an upgrade request belong to another protocol we don't speak.
    const bool keepAlive = writeResponse(response, m_keepAlive && !m_parser.upgrade,
                                         m_parser.method == HTTP_HEAD);
    if (!keepAlive)
        beginClose();
    return true;
}

void HttpServer::Connection::fail(http_errno error)
{
    const Limits &limits = m_server->m_limits;
    HttpResponse response;
    switch (m_refusal) {
    case Refusal::BodyTooLarge:
        response = errorResponse(413, errorTypeName(ErrorType::PayloadTooLarge),
                                 QStringLiteral("request body exceeds %1 bytes").arg(limits.maxBodyBytes),
                                 {{QStringLiteral("limit"), limits.maxBodyBytes}});
        break;
    case Refusal::HeadersTooLarge:
        response = errorResponse(431, errorTypeName(ErrorType::InvalidArgument),
                                 QStringLiteral("request headers exceed %1 bytes").arg(limits.maxHeaderBytes),
                                 {{QStringLiteral("limit"), limits.maxHeaderBytes}});
        break;
    case Refusal::BadTarget:
        response = errorResponse(400, errorTypeName(ErrorType::InvalidArgument),
                                 QStringLiteral("invalid request target"));
        break;
    case Refusal::None:
        if (error == HPE_HEADER_OVERFLOW) {
            // http-parser's own compiled-in cap, hit when maxHeaderBytes is larger.
            response = errorResponse(431, errorTypeName(ErrorType::InvalidArgument),
                                     QStringLiteral("request headers exceed %1 bytes").arg(HTTP_MAX_HEADER_SIZE),
                                     {{QStringLiteral("limit"), HTTP_MAX_HEADER_SIZE}});
        } else if (error >= HPE_CB_message_begin && error <= HPE_CB_chunk_complete) {
            // Our own callback failed without refusing: out of memory or a bug.
            response = internalError(QStringLiteral("internal server error"));
        } else {
            const QString name = QString::fromLatin1(http_errno_name(error));
            response = errorResponse(400, errorTypeName(ErrorType::InvalidArgument),
                                     QStringLiteral("malformed HTTP request: ") % name % QStringLiteral(" (")
                                         % QString::fromLatin1(http_errno_description(error)) % u')',
                                     {{QStringLiteral("parserError"), name}});
        }
        break;
    }
    writeResponse(response, false, false);
    beginClose();
}

bool HttpServer::Connection::writeResponse(const HttpResponse &response, bool keepAlive, bool omitBody)
{
    const int status = response.status;
    // RFC 9110: 204 and 304 never have a body; 204 must not send Content-Length
    // and for 304 it would describe the unsent representation, so neither gets one.
    const bool bodyless = status == 204 || status == 304;

    m_head.resize(0);
    m_head.append("HTTP/1.1 ");
    appendNumber(m_head, status);
    m_head.append(' ');
    m_head.append(reasonPhrase(status));
    m_head.append("\r\n");

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
    if (!bodyless) {
        m_head.append("Content-Length: ");
        appendNumber(m_head, response.body.size());
        m_head.append("\r\n");
    }
    if (!keepAlive)
        m_head.append("Connection: close\r\n");
    else if (m_parser.http_major == 1 && m_parser.http_minor == 0)
        m_head.append("Connection: keep-alive\r\n");
    m_head.append("\r\n");

    m_socket->write(m_head);
    // Written separately: QIODevice shares (does not copy) large QByteArrays.
    if (!omitBody && !bodyless && !response.body.isEmpty())
        m_socket->write(response.body);
    return keepAlive;
}

void HttpServer::Connection::beginClose()
{
    m_state = State::Closing;
    m_writeBlocked = false;
    if (m_socket->bytesToWrite() == 0)
        startLinger();
}

void HttpServer::Connection::startLinger()
{
    m_state = State::Lingering;
    m_lingerDeadline = m_server->m_clock.elapsed()
        + (m_server->m_limits.idleTimeoutMs > 0 ? std::min(kLingerMs, m_server->m_limits.idleTimeoutMs) : kLingerMs);
#ifdef Q_OS_UNIX
    // Half-close: the client sees EOF after our last byte and closes its end,
    // which ends this connection through disconnected().
    if (::shutdown(static_cast<int>(m_socket->socketDescriptor()), SHUT_WR) == 0)
        return;
#endif
    m_socket->disconnectFromHost();
}

void HttpServer::Connection::onBytesWritten()
{
    if (m_state == State::Closing && m_socket->bytesToWrite() == 0) {
        startLinger();
    } else if (m_writeBlocked && m_socket->bytesToWrite() <= kWriteLowWater) {
        m_writeBlocked = false;
        drain();
    }
}

bool HttpServer::Connection::expired(qint64 now) const
{
    if (m_state == State::Lingering)
        return now >= m_lingerDeadline;
    const int idle = m_server->m_limits.idleTimeoutMs;
    return idle > 0 && now - m_lastActivity >= idle;
}

void HttpServer::Connection::expire()
{
    if (m_state == State::Reading && m_socket->bytesToWrite() == 0) {
        // Plain idle keep-alive connection: close politely.
        m_state = State::Closing;
        m_socket->disconnectFromHost();
        return;
    }
    // Stalled (client not reading its response) or done lingering.
    abortNow();
}

void HttpServer::Connection::release()
{
    if (m_state == State::Dead)
        return;
    m_state = State::Dead;
    m_server->forget(this);
    // Deferred: this may run inside one of our own socket's signals.
    deleteLater();
}

void HttpServer::Connection::abortNow()
{
    release();  // first, so that the disconnected() from abort() finds us dead
    m_socket->abort();
}

bool HttpServer::Connection::parseTarget()
{
    http_parser_url url;
    http_parser_url_init(&url);
    if (http_parser_parse_url(m_url.constData(), static_cast<size_t>(m_url.size()),
                              m_parser.method == HTTP_CONNECT, &url)
        != 0) {
        if (m_url == "*") {  // asterisk-form (OPTIONS *) is HTTP, not a URL
            m_request.path = m_url;
            m_request.query.clear();
            return true;
        }
        return false;
    }

    m_request.path.resize(0);
    if (url.field_set & (1 << UF_PATH)) {
        const QByteArrayView raw(m_url.constData() + url.field_data[UF_PATH].off, url.field_data[UF_PATH].len);
        m_request.path.append(raw);
        if (raw.contains('%'))
            m_request.path = m_request.path.percentDecoded();
    }
    if (url.field_set & (1 << UF_QUERY)) {
        m_request.query.setQuery(QString::fromUtf8(m_url.constData() + url.field_data[UF_QUERY].off,
                                                   url.field_data[UF_QUERY].len));
    } else {
        m_request.query.clear();
    }
    return true;
}

int HttpServer::Connection::countHeaderBytes(qsizetype bytes)
{
    m_headerBytes += bytes;
    if (m_headerBytes > m_server->m_limits.maxHeaderBytes) {
        m_refusal = Refusal::HeadersTooLarge;
        return -1;
    }
    return 0;
}

int HttpServer::Connection::onMessageBegin()
{
    // Truncate rather than reassign, so that buffers keep their capacity.
    m_url.resize(0);
    m_request.headers.clear();
    if (m_request.body.capacity() > kRetainedBodyCapacity)
        m_request.body = QByteArray();
    else
        m_request.body.resize(0);
    m_headerBytes = kRequestLineOverhead;
    m_announcedBody = 0;
    m_lastWasValue = false;
    return 0;
}

int HttpServer::Connection::onUrl(const char *at, size_t length)
{
    m_url.append(at, static_cast<qsizetype>(length));
    return countHeaderBytes(static_cast<qsizetype>(length));
}

int HttpServer::Connection::onHeaderField(const char *at, size_t length)
{
    // A name or value can arrive in several pieces when it spans two reads.
    const auto size = static_cast<qsizetype>(length);
    if (m_lastWasValue || m_request.headers.isEmpty()) {
        m_request.headers.emplaceBack(QByteArray(at, size), QByteArray());
        m_headerBytes += kHeaderLineOverhead;
    } else {
        m_request.headers.last().first.append(at, size);
    }
    m_lastWasValue = false;
    return countHeaderBytes(size);
}

int HttpServer::Connection::onHeaderValue(const char *at, size_t length)
{
    const auto size = static_cast<qsizetype>(length);
    m_request.headers.last().second.append(at, size);
    m_lastWasValue = true;
    return countHeaderBytes(size);
}

int HttpServer::Connection::onHeadersComplete()
{
    // Static storage: no copy, no allocation.
    const char *method = http_method_str(static_cast<enum http_method>(m_parser.method));
    m_request.method = QByteArray::fromRawData(method, static_cast<qsizetype>(std::strlen(method)));
    if (!parseTarget()) {
        m_refusal = Refusal::BadTarget;
        return -1;
    }

    // Refuse before reading any of the body. Chunked sizes are checked as
    // each chunk header arrives (onChunkHeader).
    const auto limit = static_cast<quint64>(std::max<qsizetype>(0, m_server->m_limits.maxBodyBytes));
    const bool chunked = m_parser.flags & F_CHUNKED;
    const bool hasLength = !chunked && (m_parser.flags & F_CONTENTLENGTH);
    if (hasLength) {
        if (m_parser.content_length > limit) {
            m_refusal = Refusal::BodyTooLarge;
            return -1;
        }
        m_announcedBody = m_parser.content_length;
        m_request.body.reserve(static_cast<qsizetype>(m_parser.content_length));
    }

    // Clients that wait for "100 Continue" (curl does above 1 KiB) would
    // otherwise stall for a second before sending the body.
    if ((chunked || m_announcedBody > 0) && m_parser.http_major == 1 && m_parser.http_minor >= 1
        && equalsIgnoringCase(m_request.header("expect"), "100-continue")) {
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    }
    return 0;
}

int HttpServer::Connection::onBody(const char *at, size_t length)
{
    const auto size = static_cast<qsizetype>(length);
    // Both framings were checked up front; this only guards against surprises.
    if (m_request.body.size() + size > m_server->m_limits.maxBodyBytes) {
        m_refusal = Refusal::BodyTooLarge;
        return -1;
    }
    m_request.body.append(at, size);
    return 0;
}

int HttpServer::Connection::onChunkHeader()
{
    // content_length holds the size of the chunk about to be read.
    const auto limit = static_cast<quint64>(std::max<qsizetype>(0, m_server->m_limits.maxBodyBytes));
    if (m_parser.content_length > limit - m_announcedBody) {  // no overflow: m_announcedBody <= limit
        m_refusal = Refusal::BodyTooLarge;
        return -1;
    }
    m_announcedBody += m_parser.content_length;
    return 0;
}

int HttpServer::Connection::onMessageComplete()
{
    m_keepAlive = http_should_keep_alive(&m_parser) != 0;
    // Stop here: drain() runs the handler, then resumes with the next request.
    http_parser_pause(&m_parser, 1);
    return 0;
}

// ---------------------------------------------------------------------------

HttpServer::HttpServer(Handler handler, QObject *parent)
    : QObject(parent)
    , m_handler(std::move(handler))
    , m_tcpServer(new QTcpServer(this))
{
    m_clock.start();
    // One sweep timer for all connections rather than a QTimer each: the hot
    // path then only stores a timestamp per read/write instead of restarting
    // a timer, and the proxy will hold many mostly-idle connections. The cost
    // is precision: a connection closes up to one sweep interval late.
    connect(&m_sweepTimer, &QTimer::timeout, this, &HttpServer::sweepIdle);
    connect(m_tcpServer, &QTcpServer::newConnection, this, &HttpServer::acceptConnections);
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

bool HttpServer::listen(const QHostAddress &address, quint16 port)
{
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

void HttpServer::acceptConnections()
{
    while (QTcpSocket *socket = m_tcpServer->nextPendingConnection())
        m_connections.push_back(new Connection(this, socket, m_connections.size()));
    if (!m_connections.empty() && !m_sweepTimer.isActive())
        m_sweepTimer.start(sweepInterval(m_limits));
}

void HttpServer::sweepIdle()
{
    const qint64 now = m_clock.elapsed();
    // Collected first: expiring a connection removes it from m_connections.
    QVarLengthArray<Connection *, 32> expired;
    for (Connection *connection : m_connections) {
        if (connection->expired(now))
            expired.append(connection);
    }
    for (Connection *connection : expired) {
        if (connection->m_state != Connection::State::Dead)
            connection->expire();
    }
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
