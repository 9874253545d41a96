#include "net/tcpstream.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <QSocketNotifier>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ServeDeck {

namespace {

// On Qt's notifiers (level-triggered), input is read as it arrives into a buffer of at most
// this much, as QTcpSocket does: so the peer's close is seen while the handler is not reading,
// and a handler that stops reading is not called again and again. Past it the peer is pushed
// back through TCP.
constexpr qsizetype kBufferedInputCap = 256 * 1024;

void setNoDelay(int fd)
{
    // Answers and requests are written whole or as they arrive; Nagle would only delay their tails.
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

} // namespace

// Marks the stream as inside one of its own event callbacks: what the handler sets off there (an
// end seen by read(), a failed write) is reported when the callback returns, not posted. And it
// notes whether the handler destroyed the stream (directly, or through its owner in a nested
// event loop), so the callback touches nothing of it afterwards.
class TcpStream::CallbackScope
{
public:
    explicit CallbackScope(TcpStream &stream)
        : m_stream(stream)
        , m_outerInCallback(stream.m_inCallback)
        , m_outerDestroyed(stream.m_destroyed)
    {
        stream.m_inCallback = true;
        stream.m_destroyed = &m_gone;
    }
    ~CallbackScope()
    {
        if (m_gone) {
            if (m_outerDestroyed)
                *m_outerDestroyed = true;
            return;
        }
        m_stream.m_inCallback = m_outerInCallback;
        m_stream.m_destroyed = m_outerDestroyed;
    }
    CallbackScope(const CallbackScope &) = delete;
    CallbackScope &operator=(const CallbackScope &) = delete;

    bool gone() const { return m_gone; }

private:
    TcpStream &m_stream;
    bool m_outerInCallback;
    bool *m_outerDestroyed;
    bool m_gone = false;
};

TcpStream::TcpStream(int descriptor, Handler *handler, QObject *parent)
    : QObject(parent)
    , m_handler(handler)
    , m_dispatcher(EpollDispatcher::current())
{
    const int flags = ::fcntl(descriptor, F_GETFL);
    if (flags >= 0 && !(flags & O_NONBLOCK))
        ::fcntl(descriptor, F_SETFL, flags | O_NONBLOCK);
    setNoDelay(descriptor);
    open(descriptor);
}

TcpStream::TcpStream(Handler *handler, QObject *parent)
    : QObject(parent)
    , m_handler(handler)
    , m_dispatcher(EpollDispatcher::current())
{
}

TcpStream::~TcpStream()
{
    if (m_destroyed)
        *m_destroyed = true;
    closeDescriptor();
}

void TcpStream::open(int descriptor)
{
    m_fd = descriptor;
    if (m_dispatcher) {
        if (!m_dispatcher->watch(m_fd, this)) {
            m_error = errno;
            m_eof = true;
            postClosed();
        }
        return;
    }
    m_readNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    m_readNotifier->setEnabled(!m_connecting);  // on once connected: until then errors are the write side's
    connect(m_readNotifier, &QSocketNotifier::activated, this, &TcpStream::onReadNotifier);
    m_writeNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Write, this);
    m_writeNotifier->setEnabled(false);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &TcpStream::onWriteNotifier);
    updateWriteNotifier();
}

void TcpStream::connectTo(const QHostAddress &address, quint16 port)
{
    Q_ASSERT(m_fd < 0);
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family = AF_INET;
    if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        family = AF_INET6;
        auto *in6 = reinterpret_cast<sockaddr_in6 *>(&storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        const Q_IPV6ADDR bytes = address.toIPv6Address();
        std::memcpy(&in6->sin6_addr, &bytes, sizeof bytes);
        length = sizeof(sockaddr_in6);
    } else {
        auto *in4 = reinterpret_cast<sockaddr_in *>(&storage);
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        in4->sin_addr.s_addr = htonl(address.toIPv4Address());
        length = sizeof(sockaddr_in);
    }
    const int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        failWith(errno);
        return;
    }
    setNoDelay(fd);
    m_connecting = true;
    open(fd);
    if (m_fd < 0 || m_eof)
        return;
    // Completion (or refusal) arrives as writability, even when connect() finished at once.
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&storage), length) != 0 && errno != EINPROGRESS) {
        m_connecting = false;
        failWith(errno);
    }
}

qint64 TcpStream::read(char *data, qint64 max)
{
    if (!m_dispatcher) {
        // Served from what onReadNotifier() buffered.
        const qint64 n = std::min<qint64>(max, m_in.size() - m_inPos);
        if (n <= 0)
            return 0;
        std::memcpy(data, m_in.constData() + m_inPos, std::size_t(n));
        m_inPos += n;
        if (m_inPos == m_in.size()) {
            m_in.resize(0);
            m_inPos = 0;
        }
        setReadNotifierEnabled(m_fd >= 0 && !m_eof && !m_connecting);
        return n;
    }
    if (m_fd < 0 || m_eof || max <= 0 || m_connecting || m_drained)
        return 0;
    for (;;) {
        const ssize_t n = ::recv(m_fd, data, std::size_t(max), 0);
        if (n > 0) {
            // A short read took all the kernel held: what comes later raises a new edge, so the
            // read that would only answer EAGAIN is not made (one system call per message).
            m_drained = n < max;
            return n;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        // The end, or a reset.
        m_error = n < 0 ? errno : 0;
        m_eof = true;
        if (!m_inCallback)
            postClosed();
        return 0;
    }
}

void TcpStream::skip()
{
    char scratch[16 * 1024];
    while (read(scratch, sizeof scratch) > 0) {
    }
    if (!m_dispatcher && m_fd >= 0 && !m_eof)
        fillInput();  // what the kernel holds beyond the buffer goes too
}

void TcpStream::write(const char *data, qint64 size)
{
    if (m_fd < 0 || size <= 0 || m_closeAfterWrite || (m_eof && m_error != 0))
        return;
    if (bytesToWrite() == 0 && !m_connecting && m_corked == 0) {
        const qint64 sent = sendSome(data, size);
        if (sent < 0)
            return;
        data += sent;
        size -= sent;
        if (size == 0)
            return;
    }
    // Compacted here rather than on every partial send: the sent prefix is dropped once it is
    // most of the buffer.
    if (m_outPos > 0 && m_outPos >= m_out.size() / 2) {
        m_out.remove(0, m_outPos);
        m_outPos = 0;
    }
    m_out.append(data, size);
    updateWriteNotifier();
}

qint64 TcpStream::bytesAvailable() const
{
    const qint64 buffered = m_in.size() - m_inPos;
    if (m_fd < 0)
        return buffered;
    int pending = 0;
    if (::ioctl(m_fd, FIONREAD, &pending) != 0)
        return buffered;
    return buffered + pending;
}

bool TcpStream::shutdownWrite()
{
    return m_fd >= 0 && ::shutdown(m_fd, SHUT_WR) == 0;
}

void TcpStream::disconnectFromHost()
{
    if (m_fd < 0)
        return;
    if (bytesToWrite() > 0 || m_connecting) {
        m_closeAfterWrite = true;
        return;
    }
    closeDescriptor();
    postClosed();
}

void TcpStream::abort()
{
    m_closedNotified = true;  // before anything below could report
    closeDescriptor();
    m_out.clear();
    m_outPos = 0;
}

QHostAddress TcpStream::peerAddress() const
{
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    if (m_fd < 0 || ::getpeername(m_fd, reinterpret_cast<sockaddr *>(&storage), &length) != 0)
        return {};
    return QHostAddress(reinterpret_cast<const sockaddr *>(&storage));
}

QString TcpStream::errorString() const
{
    return m_error != 0 ? qt_error_string(m_error) : QString();
}

void TcpStream::descriptorReady(std::uint32_t events)
{
    const CallbackScope scope(*this);
    if (m_connecting) {
        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
            return;
        finishConnecting();
        if (scope.gone() || m_fd < 0 || m_eof)
            return;
    }
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        m_drained = false;
        m_handler->streamReadable();
        if (scope.gone() || m_fd < 0)
            return;
    }
    if ((events & EPOLLOUT) && bytesToWrite() > 0) {
        flush();
        if (scope.gone() || (m_fd < 0 && m_closedNotified))
            return;
    }
    if (events & EPOLLERR) {
        int error = 0;
        socklen_t length = sizeof error;
        if (m_fd >= 0 && ::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error != 0)
            m_error = error;
    }
    // The peer's end, seen even when the handler is not reading now (a client gone while its
    // request is forwarded), as Qt's sockets report it.
    if ((events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) || m_eof)
        notifyClosed();
}

void TcpStream::onReadNotifier()
{
    const CallbackScope scope(*this);
    if (m_connecting)
        return;
    const qsizetype before = m_in.size() - m_inPos;
    fillInput();
    if (m_in.size() - m_inPos > before || m_eof) {
        m_handler->streamReadable();
        if (scope.gone() || m_fd < 0)
            return;
    }
    if (m_eof)
        notifyClosed();
}

void TcpStream::fillInput()
{
    if (m_inPos > 0) {
        m_in.remove(0, m_inPos);
        m_inPos = 0;
    }
    char chunk[16 * 1024];
    while (m_in.size() < kBufferedInputCap) {
        const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
        if (n > 0) {
            m_in.append(chunk, n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        m_error = n < 0 ? errno : 0;
        m_eof = true;
        break;
    }
    // Full: off until the handler reads; ended: off for good.
    setReadNotifierEnabled(!m_eof && m_in.size() - m_inPos < kBufferedInputCap);
}

void TcpStream::onWriteNotifier()
{
    const CallbackScope scope(*this);
    if (m_connecting) {
        finishConnecting();
        if (!scope.gone() && m_eof)
            notifyClosed();
        return;
    }
    flush();
    if (!scope.gone() && m_eof && !m_closedNotified)
        notifyClosed();
}

void TcpStream::finishConnecting()
{
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0)
        error = errno;
    m_connecting = false;
    if (error != 0) {
        m_error = error;
        m_eof = true;
        updateWriteNotifier();
        notifyClosed();
        return;
    }
    updateWriteNotifier();
    setReadNotifierEnabled(true);
    bool *const gone = m_destroyed;  // always inside a callback's scope
    m_handler->streamConnected();
    if (!*gone && m_fd >= 0 && bytesToWrite() > 0)
        flush();
}

qint64 TcpStream::sendSome(const char *data, qint64 size)
{
    qint64 sent = 0;
    while (sent < size) {
        const ssize_t n = ::send(m_fd, data + sent, std::size_t(size - sent), MSG_NOSIGNAL);
        if (n > 0) {
            sent += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        failWith(errno);
        return -1;
    }
    return sent;
}

bool TcpStream::sendQueued()
{
    const qint64 sent = sendSome(m_out.constData() + m_outPos, m_out.size() - m_outPos);
    if (sent < 0)
        return false;
    m_outPos += sent;
    if (m_outPos == m_out.size()) {
        m_out.resize(0);  // keeps the allocation for the next answer
        m_outPos = 0;
    }
    updateWriteNotifier();
    return true;
}

void TcpStream::uncork()
{
    if (m_corked > 0 && --m_corked == 0 && m_fd >= 0 && !m_connecting && bytesToWrite() > 0)
        sendQueued();  // what is left goes when the kernel takes more (EPOLLOUT)
}

void TcpStream::flush()
{
    const qint64 before = bytesToWrite();
    if (!sendQueued())
        return;
    if (m_closeAfterWrite && bytesToWrite() == 0) {
        closeDescriptor();
        notifyClosed();
        return;
    }
    if (bytesToWrite() < before)
        m_handler->streamWritten();
}

void TcpStream::closeDescriptor()
{
    if (m_fd < 0)
        return;
    if (m_dispatcher) {
        m_dispatcher->unwatch(m_fd);
    } else {
        delete m_readNotifier;
        delete m_writeNotifier;
        m_readNotifier = nullptr;
        m_writeNotifier = nullptr;
    }
    ::close(m_fd);
    m_fd = -1;
}

void TcpStream::failWith(int error)
{
    m_error = error;
    m_eof = true;
    m_out.clear();
    m_outPos = 0;
    updateWriteNotifier();
    if (!m_inCallback)
        postClosed();
}

void TcpStream::notifyClosed()
{
    if (m_closedNotified)
        return;
    m_closedNotified = true;
    setReadNotifierEnabled(false);
    m_handler->streamClosed();
}

void TcpStream::postClosed()
{
    if (m_closePosted || m_closedNotified)
        return;
    m_closePosted = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_closePosted = false;
            notifyClosed();
        },
        Qt::QueuedConnection);
}

void TcpStream::setReadNotifierEnabled(bool enabled)
{
    if (m_readNotifier && m_readNotifier->isEnabled() != enabled)
        m_readNotifier->setEnabled(enabled);
}

void TcpStream::updateWriteNotifier()
{
    if (!m_writeNotifier)
        return;
    const bool wanted = m_fd >= 0 && (m_connecting || bytesToWrite() > 0);
    if (m_writeNotifier->isEnabled() != wanted)
        m_writeNotifier->setEnabled(wanted);
}

} // namespace ServeDeck
