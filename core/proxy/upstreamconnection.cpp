#include "proxy/upstreamconnection.h"

#include <utility>

#include <QTcpSocket>

#include "proxy/proxyworker.h"
#include "proxy/routebinding.h"
#include "proxy/routecircuit.h"
#include "proxy/upstreampool.h"

namespace ServeDeck {

namespace {

constexpr qint64 kReadChunk = 16 * 1024;
// Capped so that when the proxy stops reading (the client is slow), TCP pushes back on the upstream.
constexpr qint64 kSocketReadBufferSize = 256 * 1024;
// A bound on an upstream's answer head: a broken upstream must not grow our memory through it.
constexpr qsizetype kMaxHeaderBytes = 64 * 1024;

} // namespace

const http_parser_settings UpstreamConnection::s_settings = [] {
    http_parser_settings settings;
    http_parser_settings_init(&settings);
    settings.on_message_begin = &notifyCallback<&UpstreamConnection::onMessageBegin>;
    settings.on_header_field = &dataCallback<&UpstreamConnection::onHeaderField>;
    settings.on_header_value = &dataCallback<&UpstreamConnection::onHeaderValue>;
    settings.on_headers_complete = &notifyCallback<&UpstreamConnection::onHeadersComplete>;
    settings.on_body = &dataCallback<&UpstreamConnection::onBody>;
    settings.on_message_complete = &notifyCallback<&UpstreamConnection::onMessageComplete>;
    return settings;
}();

UpstreamConnection::UpstreamConnection(ProxyWorker *worker, UpstreamPool *pool, const RouteBinding &route,
                                       const MonotonicClock &clock)
    : QObject(worker)
    , m_worker(worker)
    , m_pool(pool)
    , m_poolKey(route.poolKey)
    , m_authority(route.authority)
    , m_circuit(route.circuit)
    , m_maxRequests(route.policy.maxRequestsPerConnection)
    , m_clock(clock)
    , m_socket(new QTcpSocket(this))
    , m_readBuffer(std::make_unique_for_overwrite<char[]>(kReadChunk))
{
    http_parser_init(&m_parser, HTTP_RESPONSE);
    m_parser.data = this;
    m_socket->setReadBufferSize(kSocketReadBufferSize);
    m_lastActivity = m_clock.nowMs();

    connect(m_socket, &QTcpSocket::connected, this, &UpstreamConnection::onConnected);
    connect(m_socket, &QTcpSocket::readyRead, this, &UpstreamConnection::drain);
    connect(m_socket, &QTcpSocket::disconnected, this, &UpstreamConnection::onClosed);
    // Refused, unreachable, reset: errorOccurred without disconnected() in some of these cases.
    connect(m_socket, &QAbstractSocket::errorOccurred, this, &UpstreamConnection::onClosed);
}

UpstreamConnection::~UpstreamConnection()
{
    // Deleted without close(): its worker is going, and nobody waits for the slot any more.
    if (m_circuit)
        m_circuit->connections.fetch_sub(1);
}

void UpstreamConnection::connectTo(const QString &host, const QHostAddress &address, quint16 port)
{
    m_state = State::Connecting;
    m_lastActivity = m_clock.nowMs();
    if (!address.isNull())
        m_socket->connectToHost(address, port);
    else
        m_socket->connectToHost(host, port);
}

void UpstreamConnection::send(Listener *listener, const QByteArray &request, bool headRequest)
{
    m_listener = listener;
    m_headRequest = headRequest;
    m_responded = false;
    m_paused = false;
    m_informational = false;
    m_failureReason.clear();
    // A fresh parser per request: the previous answer left it paused.
    http_parser_init(&m_parser, HTTP_RESPONSE);
    m_parser.data = this;
    m_lastActivity = m_clock.nowMs();
    if (m_state == State::Open)
        m_socket->write(request);
    else
        m_pendingRequest = request;
}

void UpstreamConnection::setReadingPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    // The upstream did not stall while we were not reading: its read timeout starts over.
    m_lastActivity = m_clock.nowMs();
    if (!paused)
        drain();
}

void UpstreamConnection::close()
{
    if (m_state == State::Dead)
        return;
    m_state = State::Dead;
    m_listener = nullptr;
    m_pool->forget(this);
    m_socket->abort();
    if (m_circuit)
        m_worker->connectionEnded(std::exchange(m_circuit, nullptr));
    deleteLater();
}

void UpstreamConnection::onConnected()
{
    if (m_state != State::Connecting)
        return;
    m_state = State::Open;
    // Requests are written whole; Nagle would only hold back the body behind the head.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_lastActivity = m_clock.nowMs();
    if (!m_pendingRequest.isEmpty())
        m_socket->write(std::exchange(m_pendingRequest, QByteArray()));
}

void UpstreamConnection::onClosed()
{
    switch (m_state) {
    case State::Dead:
        return;
    case State::Connecting:
        fail(Failure::ConnectFailed, m_socket->errorString());
        return;
    case State::Open:
        break;
    }
    m_peerClosed = true;
    if (!m_listener) {
        close();  // idle in the pool: the upstream ended its keep-alive
        return;
    }
    drain();  // what is still buffered, then the end of the stream
}

void UpstreamConnection::drain()
{
    if (m_state != State::Open)
        return;
    if (!m_listener) {
        // Idle: an upstream says nothing unasked, except that it is closing.
        if (m_socket->bytesAvailable() > 0 || m_peerClosed)
            close();
        return;
    }
    if (m_draining || m_paused)
        return;
    m_draining = true;

    while (m_state == State::Open && m_listener && !m_paused) {
        const qint64 n = m_socket->read(m_readBuffer.get(), kReadChunk);
        if (n <= 0)
            break;
        m_lastActivity = m_clock.nowMs();
        m_responded = true;
        const size_t parsed = http_parser_execute(&m_parser, &s_settings, m_readBuffer.get(), static_cast<size_t>(n));
        if (m_state != State::Open || !m_listener) {
            m_draining = false;  // closed from a listener callback
            return;
        }
        const auto error = HTTP_PARSER_ERRNO(&m_parser);
        if (error == HPE_PAUSED) {
            // Bytes after the answer are not ours to interpret; such a connection is not reused.
            complete(parsed == static_cast<size_t>(n) && m_socket->bytesAvailable() == 0);
            return;
        }
        if (error != HPE_OK) {
            fail(Failure::Malformed,
                 m_failureReason.isEmpty()
                     ? QStringLiteral("malformed answer from %1: %2 (%3)")
                           .arg(QString::fromLatin1(m_authority), QString::fromLatin1(http_errno_name(error)),
                                QString::fromLatin1(http_errno_description(error)))
                     : m_failureReason);
            return;
        }
    }

    if (m_state == State::Open && m_listener && !m_paused && m_peerClosed && m_socket->bytesAvailable() == 0) {
        // The end of the stream ends an answer without Content-Length; anywhere else it is a failure.
        http_parser_execute(&m_parser, &s_settings, nullptr, 0);
        if (m_state == State::Open && m_listener) {
            if (HTTP_PARSER_ERRNO(&m_parser) == HPE_PAUSED) {
                complete(false);
            } else {
                fail(Failure::Closed, m_responded ? QStringLiteral("%1 closed the connection in the middle of its answer")
                                                        .arg(QString::fromLatin1(m_authority))
                                                  : QStringLiteral("%1 closed the connection without answering")
                                                        .arg(QString::fromLatin1(m_authority)));
            }
            return;
        }
    }
    m_draining = false;
}

void UpstreamConnection::complete(bool mayReuse)
{
    Listener *listener = std::exchange(m_listener, nullptr);
    m_draining = false;
    ++m_answered;
    // max_requests_per_connection: the connection ends after its last answer, and the next
    // request opens a fresh one.
    const bool spent = m_maxRequests > 0 && m_answered >= m_maxRequests;
    const bool reusable = mayReuse && http_should_keep_alive(&m_parser) != 0 && !m_peerClosed && !spent;
    if (!reusable)
        close();
    // Last: the listener may hand this connection straight to the next request.
    listener->upstreamComplete(this, reusable);
}

void UpstreamConnection::fail(Failure failure, const QString &reason)
{
    Listener *listener = std::exchange(m_listener, nullptr);
    const bool responded = m_responded;
    m_draining = false;
    close();
    if (listener)
        listener->upstreamFailed(failure, reason, responded);
}

int UpstreamConnection::onMessageBegin()
{
    m_head = Head();
    m_headerBytes = 0;
    m_lastWasValue = false;
    return 0;
}

int UpstreamConnection::onHeaderField(const char *at, size_t length)
{
    const auto size = static_cast<qsizetype>(length);
    if (m_lastWasValue || m_head.headers.isEmpty())
        m_head.headers.emplaceBack(QByteArray(at, size), QByteArray());
    else
        m_head.headers.last().first.append(at, size);  // a name split across two reads
    m_lastWasValue = false;
    m_headerBytes += size;
    return m_headerBytes > kMaxHeaderBytes ? -1 : 0;
}

int UpstreamConnection::onHeaderValue(const char *at, size_t length)
{
    const auto size = static_cast<qsizetype>(length);
    m_head.headers.last().second.append(at, size);
    m_lastWasValue = true;
    m_headerBytes += size;
    if (m_headerBytes > kMaxHeaderBytes) {
        m_failureReason = QStringLiteral("%1 answered with more than %2 bytes of headers")
                              .arg(QString::fromLatin1(m_authority))
                              .arg(kMaxHeaderBytes);
        return -1;
    }
    return 0;
}

int UpstreamConnection::onHeadersComplete()
{
    if (!m_listener)
        return -1;
    const int status = static_cast<int>(m_parser.status_code);
    if (status == 101) {
        // We never ask for an upgrade (Upgrade is hop-by-hop and dropped), so this is nonsense.
        m_failureReason = QStringLiteral("%1 switched protocols unasked").arg(QString::fromLatin1(m_authority));
        return -1;
    }
    if (status / 100 == 1) {
        // 100 Continue, 103 Early Hints: interim, a final answer follows on the same stream.
        m_informational = true;
        return 0;
    }
    m_head.status = status;
    m_head.chunked = (m_parser.flags & F_CHUNKED) != 0;
    if (!m_head.chunked && (m_parser.flags & F_CONTENTLENGTH))
        m_head.contentLength = static_cast<qint64>(m_parser.content_length);
    m_head.bodyless = m_headRequest || status == 204 || status == 304;
    m_listener->upstreamHead(m_head);
    // 1 tells http-parser that this answer has no body whatever its headers say (HEAD).
    return m_headRequest ? 1 : 0;
}

int UpstreamConnection::onBody(const char *at, size_t length)
{
    if (!m_listener)
        return -1;
    m_listener->upstreamBody(QByteArrayView(at, static_cast<qsizetype>(length)));
    return 0;
}

int UpstreamConnection::onMessageComplete()
{
    if (m_informational) {
        m_informational = false;
        return 0;  // keep parsing: the final answer comes next
    }
    http_parser_pause(&m_parser, 1);
    return 0;
}

} // namespace ServeDeck
