#include "proxy/upstreamconnection.h"

#include <utility>

#include <QHostInfo>
#include <QScopeGuard>

#include "proxy/proxyworker.h"
#include "proxy/routebinding.h"
#include "proxy/routecircuit.h"
#include "proxy/upstreampool.h"

namespace ServeDeck {

namespace {

// Reads go from the kernel straight into this buffer; what is not read (the client is slow and
// reading is paused) stays in the kernel, so TCP pushes back on the upstream.
constexpr qint64 kReadChunk = 16 * 1024;

UpstreamFailure failureOf(HttpResponseReader::Failure failure)
{
    return failure == HttpResponseReader::Failure::Closed ? UpstreamFailure::Closed : UpstreamFailure::Malformed;
}

} // namespace

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
    , m_stream(new TcpStream(this, this))
    , m_readBuffer(std::make_unique_for_overwrite<char[]>(kReadChunk))
{
    // HttpResponseReader's default bounds the head: a broken upstream must not grow our
    // memory through it.
    m_lastActivity = m_clock.nowMs();
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
    if (!address.isNull()) {
        startConnecting(address, port);
        return;
    }
    // A name: looked up off this thread (QHostInfo's pool), then connected to its first address.
    QHostInfo::lookupHost(host, this, [this, port](const QHostInfo &info) {
        if (m_state != State::Connecting)
            return;
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
            fail(Failure::ConnectFailed, info.errorString());
            return;
        }
        startConnecting(info.addresses().constFirst(), port);
    });
}

void UpstreamConnection::startConnecting(const QHostAddress &address, quint16 port)
{
    m_stream->connectTo(address, port);
}

void UpstreamConnection::send(Listener *listener, const QByteArray &request, bool headRequest)
{
    m_listener = listener;
    m_headRequest = headRequest;
    m_responded = false;
    m_paused = false;
    m_reader.expect(headRequest);
    m_lastActivity = m_clock.nowMs();
    if (m_state == State::Open)
        m_stream->write(request);
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
    m_stream->abort();
    if (m_circuit)
        m_worker->connectionEnded(std::exchange(m_circuit, nullptr));
    deleteLater();
}

void UpstreamConnection::streamConnected()
{
    if (m_state != State::Connecting)
        return;
    m_state = State::Open;
    m_lastActivity = m_clock.nowMs();
    if (!m_pendingRequest.isEmpty())
        m_stream->write(std::exchange(m_pendingRequest, QByteArray()));
}

void UpstreamConnection::streamClosed()
{
    switch (m_state) {
    case State::Dead:
        return;
    case State::Connecting:
        fail(Failure::ConnectFailed, m_stream->errorString());
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
        if (m_peerClosed || m_stream->bytesAvailable() > 0)
            close();
        return;
    }
    if (m_draining || m_paused)
        return;
    m_draining = true;

    while (m_state == State::Open && m_listener && !m_paused) {
        const qint64 n = m_stream->read(m_readBuffer.get(), kReadChunk);
        if (n <= 0)
            break;
        m_lastActivity = m_clock.nowMs();
        m_responded = true;
        // Whatever this read ends in, the listener hears the end of it (it may have gathered writes).
        Listener *listener = m_listener;
        listener->upstreamReadBegin();
        const auto readEnd = qScopeGuard([listener] { listener->upstreamReadEnd(); });
        qsizetype consumed = 0;
        const HttpResponseReader::Result result = m_reader.read(m_readBuffer.get(), n, &consumed);
        if (!deliver()) {
            m_draining = false;  // closed from a listener callback
            return;
        }
        if (result == HttpResponseReader::Result::Complete) {
            // Bytes after the answer are not ours to interpret; such a connection is not reused.
            // Only those in this read are looked at: asking the kernel for more (FIONREAD) was one
            // system call in five per request, and bytes that come later reach the idle
            // connection as input, which closes it (drain() above).
            complete(consumed == n);
            return;
        }
        if (result == HttpResponseReader::Result::Failed) {
            fail(failureOf(m_reader.failure()), failureMessage());
            return;
        }
    }

    if (m_state == State::Open && m_listener && !m_paused && m_peerClosed) {
        // The end of the stream ends an answer without Content-Length; anywhere else it is a failure.
        if (m_reader.finish() == HttpResponseReader::Result::Complete) {
            complete(false);
        } else {
            fail(Failure::Closed, m_responded ? QStringLiteral("%1 closed the connection in the middle of its answer")
                                                    .arg(QString::fromLatin1(m_authority))
                                              : QStringLiteral("%1 closed the connection without answering")
                                                    .arg(QString::fromLatin1(m_authority)));
        }
        return;
    }
    m_draining = false;
}

bool UpstreamConnection::deliver()
{
    for (const HttpResponseReader::Event &event : m_reader.events()) {
        if (m_state != State::Open || !m_listener)
            return false;
        if (event.kind == HttpResponseReader::Event::Kind::Head)
            m_listener->upstreamHead(m_reader.head());
        else
            m_listener->upstreamBody(event.body);
    }
    return m_state == State::Open && m_listener;
}

QString UpstreamConnection::failureMessage() const
{
    const QString authority = QString::fromLatin1(m_authority);
    if (m_reader.failure() == HttpResponseReader::Failure::TooLarge)
        return QStringLiteral("%1 answered with %2").arg(authority, m_reader.failureText());
    return QStringLiteral("malformed answer from %1: %2").arg(authority, m_reader.failureText());
}

void UpstreamConnection::complete(bool mayReuse)
{
    Listener *listener = std::exchange(m_listener, nullptr);
    m_draining = false;
    ++m_answered;
    // max_requests_per_connection: the connection ends after its last answer, and the next
    // request opens a fresh one.
    const bool spent = m_maxRequests > 0 && m_answered >= m_maxRequests;
    const bool reusable = mayReuse && m_reader.keepAlive() && !m_peerClosed && !spent;
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

} // namespace ServeDeck
