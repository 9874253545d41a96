#include "http/httpconnection.h"

#include <algorithm>


namespace ServeDeck {

namespace {

// One fixed read buffer per connection: reads go straight from the kernel into it, and 16 KiB
// takes typical headers in one go. What is not read stays in the kernel, so a client we stop
// reading from (while its request is answered, or while it does not read its answers) is
// pushed back through TCP.
constexpr qint64 kReadChunk = 16 * 1024;
// Pipelined requests are not parsed while this much is unsent (and the proxy stops reading
// its upstream): a client that writes but never reads must not grow our memory without bound.
constexpr qint64 kWriteHighWater = 1024 * 1024;
constexpr qint64 kWriteLowWater = kWriteHighWater / 4;
// Closing a socket with unread input makes the kernel send RST, which can wipe our last
// answer (a 413 sent while the client still uploads) before the client reads it; so we
// half-close and discard input for a while.
constexpr int kLingerMs = 2000;

} // namespace

HttpConnection::HttpConnection(int descriptor, QObject *parent)
    : QObject(parent)
    , m_stream(new TcpStream(descriptor, this, this))
    , m_readBuffer(std::make_unique_for_overwrite<char[]>(kReadChunk))
{
    m_reader.setHeadCheck([this](const HttpRequestReader::Message &head) { return acceptHead(head); });
    // The subclass calls touch() once it can tell the time (nowMs() is virtual).
}

void HttpConnection::streamReadable()
{
    touch();
    if (m_state == State::Reading)
        drain();
    else if (m_state == State::Lingering || m_state == State::Closing)
        m_stream->skip();
    // Busy: the next pipelined request waits in the kernel until this one is answered.
}

HttpConnection::~HttpConnection() = default;

void HttpConnection::touch()
{
    m_lastActivity = nowMs();
}

bool HttpConnection::overHighWater(qint64 unsent)
{
    return unsent > kWriteHighWater;
}

void HttpConnection::drain()
{
    // Re-entered from an answer that completes while we are still in here (or from a nested
    // event loop in a handler): the outer loop picks up where it left.
    if (m_draining)
        return;
    m_draining = true;

    while (m_state == State::Reading) {
        if (m_stream->bytesToWrite() > kWriteHighWater) {
            m_writeBlocked = true;  // resumed from streamWritten()
            break;
        }
        if (m_readPos == m_readEnd) {
            const qint64 n = m_stream->read(m_readBuffer.get(), kReadChunk);
            if (n <= 0)
                break;
            m_readPos = 0;
            m_readEnd = n;
        }
        m_reader.setLimits(readLimits());
        qsizetype consumed = 0;
        const HttpRequestReader::Result result
            = m_reader.read(m_readBuffer.get() + m_readPos, m_readEnd - m_readPos, &consumed);
        m_readPos += consumed;
        // Measured from the head's first byte: bytes dripped into it do not move the deadline.
        if (!m_reader.inHead())
            m_headStarted = -1;
        else if (m_headStarted < 0)
            m_headStarted = nowMs();
        if (m_reader.takeContinue())
            m_stream->write("HTTP/1.1 100 Continue\r\n\r\n");
        switch (result) {
        case HttpRequestReader::Result::NeedMore:
            break;
        case HttpRequestReader::Result::Message:
            if (!handleRequest())
                return;  // destroyed from inside the handler
            break;
        case HttpRequestReader::Result::Refused:
            // Refused at its head: acceptHead() wrote the answer.
            if (m_reader.refusal() != HttpRequestReader::Refusal::RefusedAtHead)
                refuse(m_reader.error());
            if (m_state != State::Dead)
                beginClose();
            break;
        case HttpRequestReader::Result::Stopped:
            beginClose();  // handleRequest() already closed after the upgrade request
            break;
        }
    }
    if (m_state == State::Closing || m_state == State::Lingering)
        m_stream->skip();
    m_draining = false;
}

void HttpConnection::resume(bool keepAlive)
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

void HttpConnection::beginClose()
{
    m_state = State::Closing;
    m_writeBlocked = false;
    if (m_stream->bytesToWrite() == 0)
        startLinger();
}

void HttpConnection::startLinger()
{
    m_state = State::Lingering;
    const int idle = idleTimeoutMs();
    m_lingerDeadline = nowMs() + (idle > 0 ? std::min(kLingerMs, idle) : kLingerMs);
    // Half-close: the client sees EOF after our last byte and closes its end, which ends
    // this connection through streamClosed().
    if (!m_stream->shutdownWrite())
        m_stream->disconnectFromHost();
}

void HttpConnection::streamWritten()
{
    touch();
    const qint64 unsent = m_stream->bytesToWrite();
    switch (m_state) {
    case State::Closing:
        if (unsent == 0)
            startLinger();
        break;
    case State::Busy:
        if (unsent <= kWriteLowWater)
            writeDrained();
        break;
    case State::Reading:
        if (m_writeBlocked && unsent <= kWriteLowWater) {
            m_writeBlocked = false;
            drain();
        }
        break;
    case State::Lingering:
    case State::Dead:
        break;
    }
}

bool HttpConnection::isIdleBetweenRequests() const
{
    if (m_state != State::Reading || m_reader.inMessage() || m_stream->bytesToWrite() > 0 || m_readPos < m_readEnd)
        return false;
    // Bytes the kernel holds that we have not read yet are a request on its way.
    return m_stream->bytesAvailable() == 0;
}

void HttpConnection::checkIdle(qint64 now)
{
    const int idle = idleTimeoutMs();
    switch (m_state) {
    case State::Reading:
        if (const int head = headTimeoutMs(); head > 0 && m_headStarted >= 0 && now - m_headStarted >= head) {
            abortNow();  // a head that never ends
            break;
        }
        if (idle > 0 && now - m_lastActivity >= idle) {
            if (m_stream->bytesToWrite() == 0 && !m_reader.inMessage()) {
                // A plain idle keep-alive connection: close politely.
                m_state = State::Closing;
                m_stream->disconnectFromHost();
            } else {
                abortNow();  // a request that stopped arriving, or answers not being read
            }
        }
        break;
    case State::Closing:
        if (idle > 0 && now - m_lastActivity >= idle)
            abortNow();  // the client stopped reading our last answer
        break;
    case State::Lingering:
        if (now >= m_lingerDeadline)
            abortNow();
        break;
    case State::Busy:
    case State::Dead:
        break;
    }
}

void HttpConnection::release()
{
    if (m_state == State::Dead)
        return;
    // Dead first: whatever ended() sets off must find this connection gone.
    m_state = State::Dead;
    ended();
    m_stream->abort();  // the descriptor goes now, not when this object does
    // Deferred: this may run inside one of our own socket's signals.
    deleteLater();
}

void HttpConnection::abortNow()
{
    release();
    m_stream->abort();
}

} // namespace ServeDeck
