#include "proxy/clientconnection.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include <QTcpSocket>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

#include "domain/serviceerror.h"
#include "proxy/proxyworker.h"
#include "proxy/routebinding.h"
#include "proxy/routecircuit.h"
#include "proxy/shadowexchange.h"

namespace ServeDeck {

namespace {

using ProxyHttp::equalsIgnoringCase;

constexpr qint64 kReadChunk = 16 * 1024;
// Qt's own buffer is capped so that a client we stop reading from (while its request is
// forwarded, or while it does not read its answers) is pushed back through TCP.
constexpr qint64 kSocketReadBufferSize = 256 * 1024;
// While this much of an answer is unsent, the upstream is not read (and pipelined requests
// are not parsed): a slow client must not make us hold a whole large answer in memory.
constexpr qint64 kWriteHighWater = 1024 * 1024;
constexpr qint64 kWriteLowWater = kWriteHighWater / 4;
// Closing a socket with unread input makes the kernel send RST, which can wipe our last
// answer (a 413 sent while the client still uploads) before the client reads it; so we
// half-close and discard input for a while.
constexpr int kLingerMs = 2000;
// A body buffer is kept between requests only when small: one large upload should not pin
// its size per idle keep-alive connection.
constexpr qsizetype kRetainedBodyCapacity = 64 * 1024;
// http-parser hands us the URL, header names and values; this approximates the syntax
// around them (method, " HTTP/1.1", ": ", CRLF) for maxHeaderBytes.
constexpr qsizetype kRequestLineOverhead = 16;
constexpr qsizetype kHeaderLineOverhead = 4;

const QString kUpstreamErrorType = QStringLiteral("ProxyUpstreamError");
const QString kTimeoutType = QStringLiteral("Timeout");

bool hasBodySemantics(QByteArrayView method)
{
    return method == "POST" || method == "PUT" || method == "PATCH";
}

} // namespace

const http_parser_settings ClientConnection::s_settings = [] {
    http_parser_settings settings;
    http_parser_settings_init(&settings);
    settings.on_message_begin = &notifyCallback<&ClientConnection::onMessageBegin>;
    settings.on_url = &dataCallback<&ClientConnection::onUrl>;
    settings.on_header_field = &dataCallback<&ClientConnection::onHeaderField>;
    settings.on_header_value = &dataCallback<&ClientConnection::onHeaderValue>;
    settings.on_headers_complete = &notifyCallback<&ClientConnection::onHeadersComplete>;
    settings.on_body = &dataCallback<&ClientConnection::onBody>;
    settings.on_chunk_header = &notifyCallback<&ClientConnection::onChunkHeader>;
    settings.on_message_complete = &notifyCallback<&ClientConnection::onMessageComplete>;
    return settings;
}();

ClientConnection::ClientConnection(ProxyWorker *worker, QTcpSocket *socket)
    : QObject(worker)
    , m_worker(worker)
    , m_socket(socket)
    , m_readBuffer(std::make_unique_for_overwrite<char[]>(kReadChunk))
{
    socket->setParent(this);
    // Answers go out as they arrive from upstream; Nagle would only delay their tails.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    socket->setReadBufferSize(kSocketReadBufferSize);
    http_parser_init(&m_parser, HTTP_REQUEST);
    m_parser.data = this;

    // Token allow-lists and X-Forwarded-For speak IPv4 for IPv4 clients of a dual-stack socket.
    m_peer = socket->peerAddress();
    bool isV4 = false;
    const quint32 v4 = m_peer.toIPv4Address(&isV4);
    if (isV4 && m_peer.protocol() != QAbstractSocket::IPv4Protocol)
        m_peer = QHostAddress(v4);
    m_peerText = m_peer.toString().toLatin1();
    m_request.headers.reserve(16);
    m_out.reserve(512);
    touch();

    connect(socket, &QTcpSocket::readyRead, this, [this] {
        touch();
        if (m_state == State::Reading)
            drain();
        else if (m_state == State::Lingering || m_state == State::Closing)
            m_socket->skip(m_socket->bytesAvailable());
        // Forwarding: the next pipelined request waits in the socket until this one is answered.
    });
    connect(socket, &QTcpSocket::bytesWritten, this, [this] {
        touch();
        onBytesWritten();
    });
    // Emitted for every way a connected socket ends (peer close, reset, abort).
    connect(socket, &QTcpSocket::disconnected, this, &ClientConnection::release);
}

ClientConnection::~ClientConnection() = default;

void ClientConnection::touch()
{
    m_lastActivity = m_worker->nowMs();
}

void ClientConnection::drain()
{
    // Re-entered from an answer that completes while we are still in here: the outer loop
    // picks up where it left.
    if (m_draining)
        return;
    m_draining = true;

    while (m_state == State::Reading) {
        if (m_socket->bytesToWrite() > kWriteHighWater) {
            m_writeBlocked = true;  // resumed from onBytesWritten()
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
        const size_t parsed = http_parser_execute(&m_parser, &s_settings, m_readBuffer.get() + m_readPos, available);
        m_readPos += static_cast<qint64>(parsed);
        const auto error = HTTP_PARSER_ERRNO(&m_parser);
        if (error == HPE_PAUSED) {  // a complete request
            http_parser_pause(&m_parser, 0);
            handleRequest();
        } else if (error != HPE_OK) {
            refuse(error);
        } else if (parsed < available) {
            // Only an upgrade stops the parser early, and handleRequest() closes after one.
            beginClose();
        }
    }
    if (m_state == State::Closing || m_state == State::Lingering)
        m_socket->skip(m_socket->bytesAvailable());
    m_draining = false;
}

bool ClientConnection::splitTarget(QByteArrayView *path, QByteArrayView *query) const
{
    const QByteArrayView url = m_request.url;
    if (url.startsWith('/')) {  // origin-form, what nearly every client sends
        const auto mark = std::find(url.begin(), url.end(), '?');
        *path = url.first(mark - url.begin());
        *query = url.sliced(path->size());
        return true;
    }
    // absolute-form (http://host/path?query), which clients send to proxies they know as such.
    http_parser_url parts;
    http_parser_url_init(&parts);
    if (http_parser_parse_url(url.data(), static_cast<size_t>(url.size()), 0, &parts) != 0
        || !(parts.field_set & (1 << UF_PATH))) {
        return false;
    }
    *path = url.sliced(parts.field_data[UF_PATH].off, parts.field_data[UF_PATH].len);
    *query = (parts.field_set & (1 << UF_QUERY))
        ? url.sliced(parts.field_data[UF_QUERY].off - 1, parts.field_data[UF_QUERY].len + 1)  // with its '?'
        : QByteArrayView();
    return path->startsWith('/');
}

void ClientConnection::handleRequest()
{
    route(false);
}

void ClientConnection::retryHeld()
{
    if (m_state == State::Held)
        route(true);
}

void ClientConnection::route(bool again)
{
    // Bytes after an upgrade request belong to a protocol we do not speak.
    const bool keepAlive = m_keepAlive && !m_parser.upgrade;
    const char *methodName = http_method_str(static_cast<enum http_method>(m_parser.method));
    const QByteArrayView method(methodName, static_cast<qsizetype>(std::strlen(methodName)));

    QByteArrayView path;
    QByteArrayView query;
    if (m_parser.method == HTTP_CONNECT || !splitTarget(&path, &query)) {
        m_worker->reject(RejectReason::BadRequest);
        if (!answer(ProxyHttp::errorResponse(400, errorTypeName(ErrorType::InvalidArgument),
                                             QStringLiteral("invalid request target")),
                    false)) {
            beginClose();
        }
        return;
    }

    ProxyWorker::Dispatch dispatch = m_worker->dispatch(method, path, m_request.headers, m_peer, again);
    if (dispatch.hold) {
        if (again)
            return;  // still no route: it waits on, until its deadline
        if (std::optional<LocalResponse> refusal = m_worker->hold(this, dispatch.endpoint, dispatch.endpointName)) {
            if (!answer(*refusal, keepAlive))
                beginClose();
            return;
        }
        m_state = State::Held;
        m_heldFor = std::move(dispatch.endpoint);
        m_heldName = std::move(dispatch.endpointName);
        m_holdDeadline = m_worker->nowMs() + m_worker->options().wakeTimeoutMs;
        return;
    }
    if (again) {
        m_worker->unhold(this, *m_heldFor);
        m_heldFor.reset();
        m_state = State::Reading;
    }
    if (dispatch.answer) {
        const bool kept = answer(*dispatch.answer, keepAlive);
        if (again)
            resume(kept);  // not inside drain(): carry on reading here
        else if (!kept)
            beginClose();
        return;
    }

    m_exchange = Exchange();
    m_exchange.route = std::move(dispatch.route);
    m_exchange.request = upstreamRequest(*m_exchange.route, dispatch.isPublic, dispatch.rest, query);
    if (!dispatch.shadows.empty()) {
        for (const std::shared_ptr<const RouteBinding> &shadow : dispatch.shadows)
            m_exchange.shadowRequests.push_back(upstreamRequest(*shadow, dispatch.isPublic, dispatch.rest, query, true));
        m_exchange.shadows = std::move(dispatch.shadows);
        m_exchange.shadowStats = std::move(dispatch.shadowStats);
        m_exchange.endpoint = std::move(dispatch.endpoint);
    }
    m_exchange.headRequest = m_parser.method == HTTP_HEAD;
    m_exchange.keepAlive = keepAlive;
    m_state = State::Forwarding;
    // The body now lives in the upstream request; drop it unless it is small enough to keep.
    if (m_request.body.capacity() > kRetainedBodyCapacity)
        m_request.body = QByteArray();
    attempt(true);
}

QByteArray ClientConnection::upstreamRequest(const RouteBinding &route, bool isPublic, QByteArrayView rest,
                                             QByteArrayView query, bool shadow) const
{
    const char *method = http_method_str(static_cast<enum http_method>(m_parser.method));
    const QList<QByteArray> options = ProxyHttp::connectionOptions(m_request.headers);

    QByteArray out;
    out.reserve(256 + m_request.url.size() + m_request.headers.size() * 48 + m_request.body.size());
    out.append(method).append(' ');
    if (rest.isEmpty())
        out.append('/');
    out.append(rest).append(query).append(" HTTP/1.1\r\nHost: ").append(route.authority).append("\r\n");

    QByteArrayView originalHost;
    QByteArray forwardedFor;
    for (const auto &[name, value] : m_request.headers) {
        if (ProxyHttp::isHopByHop(name) || ProxyHttp::containsIgnoringCase(options, name))
            continue;
        if (equalsIgnoringCase(name, "host")) {
            originalHost = value;
            continue;
        }
        // The body is re-framed with a Content-Length, and 100-continue was answered here.
        if (equalsIgnoringCase(name, "content-length") || equalsIgnoringCase(name, "expect"))
            continue;
        if (equalsIgnoringCase(name, "x-forwarded-for")) {
            if (!forwardedFor.isEmpty())
                forwardedFor.append(", ");
            forwardedFor.append(value);
            continue;
        }
        // A private endpoint's token authenticates the caller to ServeDeck; replicas never
        // need it, and one that logs headers must not collect credentials.
        if (!isPublic && equalsIgnoringCase(name, "authorization"))
            continue;
        out.append(name).append(": ").append(value).append("\r\n");
    }
    out.append("X-Forwarded-For: ");
    if (!forwardedFor.isEmpty())
        out.append(forwardedFor).append(", ");
    out.append(m_peerText).append("\r\n");
    if (!originalHost.isEmpty())
        out.append("X-Forwarded-Host: ").append(originalHost).append("\r\n");
    out.append("X-Forwarded-Proto: http\r\n");
    if (shadow)
        out.append("X-ServeDeck-Shadow: 1\r\n");  // its answer goes nowhere; a replica may want to know
    if (!m_request.body.isEmpty() || m_request.hasBodyFraming || hasBodySemantics(QByteArrayView(method, qstrlen(method)))) {
        out.append("Content-Length: ");
        ProxyHttp::appendNumber(out, m_request.body.size());
        out.append("\r\n");
    }
    out.append("\r\n");
    out.append(m_request.body);
    return out;
}

void ClientConnection::attempt(bool allowPooled)
{
    ++m_exchange.attempts;
    UpstreamConnection *connection = nullptr;
    bool fresh = false;
    switch (m_worker->acquire(this, *m_exchange.route, allowPooled, &connection, &fresh)) {
    case ProxyWorker::Acquired::Connection:
        useConnection(connection, fresh);
        return;
    case ProxyWorker::Acquired::Queued:
        m_exchange.waiting = true;
        m_exchange.waitStartedMs = m_worker->nowMs();
        return;
    case ProxyWorker::Acquired::Full:
        refuseByCircuit("max_pending_requests",
                        QStringLiteral("route %1 has %2 connections busy and %3 requests waiting for one")
                            .arg(QString::fromLatin1(m_exchange.route->routeIdText))
                            .arg(m_exchange.route->policy.maxConnections)
                            .arg(m_exchange.route->policy.maxPendingRequests),
                        m_exchange.route->policy.maxPendingRequests);
        return;
    }
}

void ClientConnection::useConnection(UpstreamConnection *connection, bool fresh)
{
    const RouteBinding &route = *m_exchange.route;
    m_exchange.waiting = false;
    m_exchange.reused = !fresh;
    m_exchange.upstream = connection;
    m_exchange.connectStartedMs = m_worker->nowMs();
    if (!m_exchange.started) {
        m_exchange.started = true;
        m_exchange.startedNs = m_worker->nowNs();
        route.stats->started();
        startShadows();
    }
    connection->send(this, m_exchange.request, m_exchange.headRequest);
    // Last: a refused connection may report back (upstreamFailed) before connectTo() returns.
    if (fresh)
        connection->connectTo(route.host, route.address, route.port);
}

void ClientConnection::startShadows()
{
    // Sent as the request goes to its route, never before: a request refused here is no copy.
    for (std::size_t i = 0; i < m_exchange.shadows.size(); ++i) {
        auto comparison = std::make_shared<ShadowComparison>(m_exchange.shadowStats);
        m_exchange.comparisons.push_back(comparison);
        m_worker->startShadow(m_exchange.shadows[i], m_exchange.endpoint, comparison, m_exchange.shadowRequests[i],
                              m_exchange.headRequest);
    }
    m_exchange.shadowRequests.clear();
}

void ClientConnection::endComparisons(bool valid)
{
    ShadowComparison::Answer answer;
    answer.valid = valid;
    answer.status = m_exchange.status;
    answer.body = m_exchange.body;
    for (const std::shared_ptr<ShadowComparison> &comparison : std::exchange(m_exchange.comparisons, {}))
        comparison->primaryEnded(answer);
}

void ClientConnection::refuseByCircuit(const char *reason, const QString &message, int limit)
{
    m_worker->reject(RejectReason::CircuitOpen);
    const std::shared_ptr<const RouteBinding> route = m_exchange.route;
    const bool keepAliveWanted = m_exchange.keepAlive;
    m_exchange = Exchange();  // never sent: nothing to count for the route
    LocalResponse response = ProxyHttp::errorResponse(
        503, errorTypeName(ErrorType::CircuitOpen), message,
        {{QStringLiteral("reason"), QString::fromLatin1(reason)},
         {QStringLiteral("route"), QString::fromLatin1(route->routeIdText)},
         {QStringLiteral("limit"), limit}});
    response.headers.emplaceBack(QByteArrayLiteral("X-ServeDeck-Circuit"), QByteArray(reason));
    response.headers.emplaceBack(QByteArrayLiteral("X-ServeDeck-Route"), route->routeIdText);
    response.headers.emplaceBack(QByteArrayLiteral("X-ServeDeck-Revision"), route->revisionText);
    resume(answer(response, keepAliveWanted));
}

void ClientConnection::upstreamHead(const UpstreamConnection::Head &head)
{
    m_exchange.status = head.status;
    m_exchange.headSent = true;
    const RouteBinding &route = *m_exchange.route;
    const QList<QByteArray> options = ProxyHttp::connectionOptions(head.headers);

    m_out.resize(0);
    ProxyHttp::appendStatusLine(m_out, head.status);
    for (const auto &[name, value] : head.headers) {
        if (ProxyHttp::isHopByHop(name) || ProxyHttp::containsIgnoringCase(options, name)
            || equalsIgnoringCase(name, "content-length") || equalsIgnoringCase(name, "x-servedeck-route")
            || equalsIgnoringCase(name, "x-servedeck-revision")) {
            continue;
        }
        m_out.append(name).append(": ").append(value).append("\r\n");
    }
    m_out.append("X-ServeDeck-Route: ").append(route.routeIdText).append("\r\n");
    m_out.append("X-ServeDeck-Revision: ").append(route.revisionText).append("\r\n");

    bool keepAlive = m_exchange.keepAlive;
    if (head.bodyless) {
        m_exchange.framing = Framing::None;
        // For HEAD and 304 it describes the representation; 204 must not have one.
        if (head.contentLength >= 0 && head.status != 204) {
            m_out.append("Content-Length: ");
            ProxyHttp::appendNumber(m_out, head.contentLength);
            m_out.append("\r\n");
        }
    } else if (head.contentLength >= 0) {
        m_exchange.framing = Framing::Length;
        m_out.append("Content-Length: ");
        ProxyHttp::appendNumber(m_out, head.contentLength);
        m_out.append("\r\n");
    } else if (m_request.httpMinor >= 1) {
        // Chunked or ended by close upstream: chunked to an HTTP/1.1 client keeps its connection.
        m_exchange.framing = Framing::Chunked;
        m_out.append("Transfer-Encoding: chunked\r\n");
    } else {
        m_exchange.framing = Framing::UntilClose;  // HTTP/1.0 knows no chunks
        keepAlive = false;
    }
    m_exchange.keepAlive = keepAlive;
    if (!keepAlive)
        m_out.append("Connection: close\r\n");
    else if (m_request.httpMinor == 0)
        m_out.append("Connection: keep-alive\r\n");
    m_out.append("\r\n");
    m_socket->write(m_out);
}

void ClientConnection::upstreamBody(QByteArrayView data)
{
    if (!m_exchange.comparisons.empty())
        m_exchange.body.add(data);
    if (m_exchange.framing == Framing::None)
        return;
    if (m_exchange.framing == Framing::Chunked) {
        m_out.resize(0);
        ProxyHttp::appendHex(m_out, quint64(data.size()));
        m_out.append("\r\n");
        m_socket->write(m_out);
        m_socket->write(data.data(), data.size());
        m_socket->write("\r\n", 2);
    } else {
        m_socket->write(data.data(), data.size());
    }
    if (m_socket->bytesToWrite() > kWriteHighWater && m_exchange.upstream)
        m_exchange.upstream->setReadingPaused(true);  // resumed from onBytesWritten()
}

void ClientConnection::upstreamComplete(UpstreamConnection *connection, bool reusable)
{
    m_exchange.upstream = nullptr;
    if (reusable)
        m_worker->recycle(connection);
    if (m_state != State::Forwarding)
        return;
    if (m_exchange.framing == Framing::Chunked)
        m_socket->write("0\r\n\r\n", 5);
    endComparisons(true);
    m_worker->recordOutcome(*m_exchange.route, m_exchange.status >= 500);
    finishExchange(m_exchange.status >= 500);
    const bool keepAlive = m_exchange.keepAlive && m_exchange.framing != Framing::UntilClose;
    m_exchange = Exchange();
    resume(keepAlive);
}

void ClientConnection::upstreamFailed(UpstreamConnection::Failure failure, const QString &reason, bool responded)
{
    m_exchange.upstream = nullptr;
    if (m_state != State::Forwarding)
        return;
    // A pooled connection that the upstream closed while we picked it (its keep-alive
    // ran out) fails without a byte of answer: the upstream never saw the request, so
    // one more try on a fresh connection is safe even for POST.
    if (failure == UpstreamConnection::Failure::Closed && !responded && m_exchange.reused && m_exchange.attempts == 1) {
        attempt(false);
        return;
    }
    if (m_exchange.headSent) {
        // Part of the answer is out: the only honest signal left is to cut the connection.
        failWhileAnswering(502, kUpstreamErrorType, reason, RejectReason::UpstreamError);
        return;
    }
    failExchange(502, kUpstreamErrorType, reason, RejectReason::UpstreamError);
}

void ClientConnection::finishExchange(bool error)
{
    if (m_exchange.route && m_exchange.started)
        m_exchange.route->stats->finished(m_worker->nowNs() - m_exchange.startedNs, error);
}

void ClientConnection::abandonExchange(bool error)
{
    // Closed, not pooled: the rest of its answer, if any comes, has nobody to go to.
    if (UpstreamConnection *upstream = std::exchange(m_exchange.upstream, nullptr))
        upstream->close();
    if (m_exchange.waiting && m_exchange.route)
        m_worker->stopWaiting(this, *m_exchange.route);
    endComparisons(false);
    finishExchange(error);
    m_exchange = Exchange();
}

void ClientConnection::failWhileAnswering(int status, const QString &type, const QString &message, RejectReason reason)
{
    m_worker->reject(reason);
    m_worker->recordOutcome(*m_exchange.route, true);
    m_worker->reportUpstreamFailure(*m_exchange.route, status, type, message);
    abandonExchange(true);
    abortNow();
}

void ClientConnection::failExchange(int status, const QString &type, const QString &message, RejectReason reason)
{
    m_worker->reject(reason);
    const std::shared_ptr<const RouteBinding> routeBinding = m_exchange.route;
    const bool keepAliveWanted = m_exchange.keepAlive;
    m_worker->recordOutcome(*routeBinding, true);
    m_worker->reportUpstreamFailure(*routeBinding, status, type, message);
    abandonExchange(true);
    const RouteBinding &route = *routeBinding;
    LocalResponse response = ProxyHttp::errorResponse(
        status, type, message,
        {{QStringLiteral("route"), QString::fromLatin1(route.routeIdText)},
         {QStringLiteral("upstream"), QString::fromUtf8(route.authority)}});
    response.headers.emplaceBack(QByteArrayLiteral("X-ServeDeck-Route"), route.routeIdText);
    response.headers.emplaceBack(QByteArrayLiteral("X-ServeDeck-Revision"), route.revisionText);
    resume(answer(response, keepAliveWanted));
}

void ClientConnection::resume(bool keepAlive)
{
    if (m_state == State::Dead)
        return;
    if (!keepAlive) {
        beginClose();
        return;
    }
    m_state = State::Reading;
    touch();
    drain();  // the next pipelined request, if one is waiting
}

bool ClientConnection::answer(const LocalResponse &response, bool keepAlive)
{
    m_out.resize(0);
    ProxyHttp::appendStatusLine(m_out, response.status);
    m_out.append("Server: servedeck\r\n");
    for (const auto &[name, value] : response.headers)
        m_out.append(name).append(": ").append(value).append("\r\n");
    if (!response.contentType.isEmpty())
        m_out.append("Content-Type: ").append(response.contentType).append("\r\n");
    m_out.append("Content-Length: ");
    ProxyHttp::appendNumber(m_out, response.body.size());
    m_out.append("\r\n");
    if (!keepAlive)
        m_out.append("Connection: close\r\n");
    else if (m_request.httpMinor == 0)
        m_out.append("Connection: keep-alive\r\n");
    m_out.append("\r\n");
    m_socket->write(m_out);
    // Written separately: QIODevice shares (does not copy) large QByteArrays.
    if (m_parser.method != HTTP_HEAD && !response.body.isEmpty())
        m_socket->write(response.body);
    return keepAlive;
}

void ClientConnection::refuse(http_errno error)
{
    const ProxyServer::Options &options = m_worker->options();
    LocalResponse response;
    RejectReason reason = RejectReason::BadRequest;
    switch (m_refusal) {
    case Refusal::BodyTooLarge:
        reason = RejectReason::PayloadTooLarge;
        response = ProxyHttp::errorResponse(413, errorTypeName(ErrorType::PayloadTooLarge),
                                            QStringLiteral("request body exceeds %1 bytes").arg(options.maxBodyBytes),
                                            {{QStringLiteral("limit"), options.maxBodyBytes}});
        break;
    case Refusal::HeadersTooLarge:
        response = ProxyHttp::errorResponse(431, errorTypeName(ErrorType::InvalidArgument),
                                            QStringLiteral("request headers exceed %1 bytes").arg(options.maxHeaderBytes),
                                            {{QStringLiteral("limit"), options.maxHeaderBytes}});
        break;
    case Refusal::BadTarget:
        response = ProxyHttp::errorResponse(400, errorTypeName(ErrorType::InvalidArgument),
                                            QStringLiteral("invalid request target"));
        break;
    case Refusal::None:
        if (error == HPE_HEADER_OVERFLOW) {
            // http-parser's own compiled-in cap, hit when maxHeaderBytes is larger.
            response = ProxyHttp::errorResponse(431, errorTypeName(ErrorType::InvalidArgument),
                                                QStringLiteral("request headers exceed %1 bytes").arg(HTTP_MAX_HEADER_SIZE),
                                                {{QStringLiteral("limit"), HTTP_MAX_HEADER_SIZE}});
        } else {
            const QString name = QString::fromLatin1(http_errno_name(error));
            response = ProxyHttp::errorResponse(400, errorTypeName(ErrorType::InvalidArgument),
                                                QStringLiteral("malformed HTTP request: ") % name % QStringLiteral(" (")
                                                    % QString::fromLatin1(http_errno_description(error)) % u')',
                                                {{QStringLiteral("parserError"), name}});
        }
        break;
    }
    m_worker->reject(reason);
    answer(response, false);
    beginClose();
}

void ClientConnection::beginClose()
{
    m_state = State::Closing;
    m_writeBlocked = false;
    if (m_socket->bytesToWrite() == 0)
        startLinger();
}

void ClientConnection::startLinger()
{
    m_state = State::Lingering;
    const int idle = m_worker->options().idleTimeoutMs;
    m_lingerDeadline = m_worker->nowMs() + (idle > 0 ? std::min(kLingerMs, idle) : kLingerMs);
#ifdef Q_OS_UNIX
    // Half-close: the client sees EOF after our last byte and closes its end, which ends
    // this connection through disconnected().
    if (::shutdown(static_cast<int>(m_socket->socketDescriptor()), SHUT_WR) == 0)
        return;
#endif
    m_socket->disconnectFromHost();
}

void ClientConnection::onBytesWritten()
{
    const qint64 unsent = m_socket->bytesToWrite();
    switch (m_state) {
    case State::Closing:
        if (unsent == 0)
            startLinger();
        break;
    case State::Forwarding:
        if (unsent <= kWriteLowWater && m_exchange.upstream && m_exchange.upstream->readingPaused())
            m_exchange.upstream->setReadingPaused(false);
        break;
    case State::Reading:
        if (m_writeBlocked && unsent <= kWriteLowWater) {
            m_writeBlocked = false;
            drain();
        }
        break;
    case State::Held:
    case State::Lingering:
    case State::Dead:
        break;
    }
}

void ClientConnection::checkDeadlines(qint64 now)
{
    const ProxyServer::Options &options = m_worker->options();
    const int idle = options.idleTimeoutMs;
    switch (m_state) {
    case State::Reading:
        if (idle > 0 && now - m_lastActivity >= idle) {
            if (m_socket->bytesToWrite() == 0 && !m_inMessage) {
                // A plain idle keep-alive connection: close politely.
                m_state = State::Closing;
                m_socket->disconnectFromHost();
            } else {
                abortNow();  // a request that stopped arriving, or answers not being read
            }
        }
        break;
    case State::Held:
        if (now >= m_holdDeadline) {
            m_worker->unhold(this, *m_heldFor);
            m_heldFor.reset();
            m_worker->reject(RejectReason::WakeTimeout);
            const QString name = QString::fromUtf8(m_heldName);
            const int seconds = (m_worker->options().wakeTimeoutMs + 999) / 1000;
            const LocalResponse response = ProxyHttp::errorResponse(
                503, errorTypeName(ErrorType::NoHealthyRoute),
                QStringLiteral("endpoint '%1' is scaled to zero; no replica became healthy within %2 s").arg(name).arg(seconds),
                {{QStringLiteral("endpoint"), name}, {QStringLiteral("reason"), QStringLiteral("wake_timeout")}});
            m_state = State::Reading;
            resume(answer(response, m_keepAlive && !m_parser.upgrade));
        }
        break;
    case State::Forwarding: {
        if (m_exchange.waiting) {
            const int limit = options.pendingTimeoutMs;
            if (limit > 0 && now - m_exchange.waitStartedMs >= limit) {
                const RouteBinding &route = *m_exchange.route;
                m_worker->stopWaiting(this, route);
                route.circuit->overflows.fetch_add(1, std::memory_order_relaxed);
                refuseByCircuit("max_connections",
                                QStringLiteral("none of the %1 connections to route %2 came free within %3 ms")
                                    .arg(route.policy.maxConnections)
                                    .arg(QString::fromLatin1(route.routeIdText))
                                    .arg(limit),
                                route.policy.maxConnections);
            }
            break;
        }
        const UpstreamConnection *upstream = m_exchange.upstream;
        if (!upstream)
            break;
        if (upstream->isConnecting()) {
            if (options.connectTimeoutMs > 0 && now - m_exchange.connectStartedMs >= options.connectTimeoutMs) {
                const QString message = QStringLiteral("could not connect to %1 within %2 ms")
                                            .arg(QString::fromUtf8(m_exchange.route->authority))
                                            .arg(options.connectTimeoutMs);
                failExchange(504, kTimeoutType, message, RejectReason::Timeout);
            }
        } else if (upstream->readingPaused()) {
            // The client is not reading its answer; that is its idle time, not the upstream's.
            if (idle > 0 && now - m_lastActivity >= idle)
                abortNow();
        } else if (options.readTimeoutMs > 0 && now - upstream->lastActivity() >= options.readTimeoutMs) {
            if (m_exchange.headSent) {
                failWhileAnswering(504, kTimeoutType,
                                   QStringLiteral("%1 stopped answering for %2 ms")
                                       .arg(QString::fromUtf8(m_exchange.route->authority))
                                       .arg(options.readTimeoutMs),
                                   RejectReason::Timeout);
            } else {
                const QString message = QStringLiteral("%1 did not answer within %2 ms")
                                            .arg(QString::fromUtf8(m_exchange.route->authority))
                                            .arg(options.readTimeoutMs);
                failExchange(504, kTimeoutType, message, RejectReason::Timeout);
            }
        }
        break;
    }
    case State::Closing:
        if (idle > 0 && now - m_lastActivity >= idle)
            abortNow();  // the client stopped reading our last answer
        break;
    case State::Lingering:
        if (now >= m_lingerDeadline)
            abortNow();
        break;
    case State::Dead:
        break;
    }
}

void ClientConnection::release()
{
    if (m_state == State::Dead)
        return;
    if (m_state == State::Held && m_heldFor) {
        m_worker->unhold(this, *m_heldFor);
        m_heldFor.reset();
    }
    m_state = State::Dead;
    // The client left: not the route's fault, but no longer in flight either.
    abandonExchange(false);
    m_worker->forget(this);
    // Deferred: this may run inside one of our own socket's signals.
    deleteLater();
}

void ClientConnection::abortNow()
{
    release();  // first, so that the disconnected() from abort() finds us dead
    m_socket->abort();
}

int ClientConnection::countHeaderBytes(qsizetype bytes)
{
    m_headerBytes += bytes;
    if (m_headerBytes > m_worker->options().maxHeaderBytes) {
        m_refusal = Refusal::HeadersTooLarge;
        return -1;
    }
    return 0;
}

int ClientConnection::onMessageBegin()
{
    // Truncate rather than reassign, so that buffers keep their capacity.
    m_request.url.resize(0);
    m_request.headers.clear();
    m_request.body.resize(0);
    m_request.hasBodyFraming = false;
    m_headerBytes = kRequestLineOverhead;
    m_announcedBody = 0;
    m_lastWasValue = false;
    m_inMessage = true;
    return 0;
}

int ClientConnection::onUrl(const char *at, size_t length)
{
    m_request.url.append(at, static_cast<qsizetype>(length));
    return countHeaderBytes(static_cast<qsizetype>(length));
}

int ClientConnection::onHeaderField(const char *at, size_t length)
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

int ClientConnection::onHeaderValue(const char *at, size_t length)
{
    const auto size = static_cast<qsizetype>(length);
    m_request.headers.last().second.append(at, size);
    m_lastWasValue = true;
    return countHeaderBytes(size);
}

int ClientConnection::onHeadersComplete()
{
    m_request.httpMinor = m_parser.http_major == 1 ? m_parser.http_minor : 1;
    // Refuse before reading any of the body. Chunked sizes are checked as each chunk
    // header arrives (onChunkHeader).
    const auto limit = static_cast<quint64>(std::max<qsizetype>(0, m_worker->options().maxBodyBytes));
    const bool chunked = m_parser.flags & F_CHUNKED;
    const bool hasLength = !chunked && (m_parser.flags & F_CONTENTLENGTH);
    m_request.hasBodyFraming = chunked || hasLength;
    if (hasLength) {
        if (m_parser.content_length > limit) {
            m_refusal = Refusal::BodyTooLarge;
            return -1;
        }
        m_announcedBody = m_parser.content_length;
        m_request.body.reserve(static_cast<qsizetype>(m_parser.content_length));
    }
    // Clients that wait for "100 Continue" (curl does above 1 KiB) would otherwise stall
    // for a second before sending the body, which we buffer before forwarding.
    if ((chunked || m_announcedBody > 0) && m_parser.http_major == 1 && m_parser.http_minor >= 1
        && equalsIgnoringCase(ProxyHttp::headerValue(m_request.headers, "expect"), "100-continue")) {
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    }
    return 0;
}

int ClientConnection::onBody(const char *at, size_t length)
{
    const auto size = static_cast<qsizetype>(length);
    // Both framings were checked up front; this only guards against surprises.
    if (m_request.body.size() + size > m_worker->options().maxBodyBytes) {
        m_refusal = Refusal::BodyTooLarge;
        return -1;
    }
    m_request.body.append(at, size);
    return 0;
}

int ClientConnection::onChunkHeader()
{
    // content_length holds the size of the chunk about to be read.
    const auto limit = static_cast<quint64>(std::max<qsizetype>(0, m_worker->options().maxBodyBytes));
    if (m_parser.content_length > limit - m_announcedBody) {  // no overflow: m_announcedBody <= limit
        m_refusal = Refusal::BodyTooLarge;
        return -1;
    }
    m_announcedBody += m_parser.content_length;
    return 0;
}

int ClientConnection::onMessageComplete()
{
    m_keepAlive = http_should_keep_alive(&m_parser) != 0;
    m_inMessage = false;
    // Stop here: drain() handles the request, and parsing resumes once it is answered.
    http_parser_pause(&m_parser, 1);
    return 0;
}

} // namespace ServeDeck
