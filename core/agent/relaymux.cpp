#include "relaymux.h"

#include <QTcpSocket>
#include <QWebSocket>

#include "agent/relayframe.h"
#include "agent/relaystream.h"

namespace ServeDeck {

namespace {

// QWebSocket does not expose its TCP socket. A client's is its child; one a server accepted
// stays with that server (the gateway, two levels up where the plane's connection holds it),
// and is known by its two ends. The search goes no higher: above are other threads' sockets.
QAbstractSocket *transportOf(const QWebSocket *channel)
{
    if (auto *own = channel->findChild<QAbstractSocket *>())
        return own;
    const QObject *root = channel->parent() && channel->parent()->parent() ? channel->parent()->parent() : channel->parent();
    if (!root)
        return nullptr;
    const auto candidates = root->findChildren<QAbstractSocket *>();
    for (QAbstractSocket *socket : candidates) {
        if (socket->localPort() == channel->localPort() && socket->peerPort() == channel->peerPort()
            && socket->peerAddress() == channel->peerAddress())
            return socket;
    }
    return nullptr;
}

} // namespace

RelayMux::RelayMux(QObject *parent)
    : QObject(parent)
{
}

RelayMux::~RelayMux()
{
    closeAll();
}

void RelayMux::setChannel(QWebSocket *channel)
{
    if (channel == m_channel)
        return;
    if (m_channel)
        disconnect(m_channel, nullptr, this, nullptr);
    closeAll();
    m_channel = channel;
    if (!channel)
        return;
    connect(channel, &QWebSocket::binaryMessageReceived, this, &RelayMux::receive);
    // A relayed exchange is small frames both ways (an Open then its first Data, a Credit then
    // the next request): Nagle would hold the second behind the peer's delayed ACK, 40 ms.
    if (QAbstractSocket *transport = transportOf(channel))
        transport->setSocketOption(QAbstractSocket::LowDelayOption, 1);
}

QWebSocket *RelayMux::channel() const
{
    return m_channel;
}

void RelayMux::send(const RelayFrame &frame)
{
    if (m_channel && m_channel->state() == QAbstractSocket::ConnectedState)
        m_channel->sendBinaryMessage(frame.encode());
}

bool RelayMux::open(QTcpSocket *socket, const QUuid &routeId)
{
    if (!m_channel || m_channel->state() != QAbstractSocket::ConnectedState || m_streams.size() >= m_maxStreams) {
        socket->abort();
        socket->deleteLater();
        return false;
    }
    // Ids are this end's to give; one still open is never given again.
    while (m_nextId == 0 || m_streams.contains(m_nextId))
        ++m_nextId;
    const quint32 id = m_nextId++;
    send(RelayFrame::open(id, routeId));
    adopt(id, socket, routeId);
    return true;
}

void RelayMux::receive(const QByteArray &message)
{
    const auto frame = RelayFrame::decode(message);
    if (!frame) {
        ++m_rejected;
        return;
    }
    if (frame->kind == RelayFrame::Kind::Open) {
        accept(frame->stream, frame->routeId());
        return;
    }
    const auto it = m_streams.constFind(frame->stream);
    if (it == m_streams.cend()) {
        // Closed here while the peer was still sending: its frames end here.
        ++m_rejected;
        return;
    }
    if (!it->stream->deliver(*frame))
        ++m_rejected;
}

void RelayMux::accept(quint32 id, const QUuid &routeId)
{
    if (!m_acceptor || m_streams.contains(id)) {
        ++m_rejected;
        return;
    }
    QTcpSocket *socket = m_streams.size() < m_maxStreams ? m_acceptor(routeId) : nullptr;
    if (!socket) {
        send(RelayFrame::close(id));
        return;
    }
    adopt(id, socket, routeId);
}

RelayStream *RelayMux::adopt(quint32 id, QTcpSocket *socket, const QUuid &routeId)
{
    auto *stream = new RelayStream(id, socket, [this](const RelayFrame &frame) { send(frame); }, this);
    m_streams.insert(id, {stream, routeId});
    connect(stream, &RelayStream::finished, this, &RelayMux::forget);
    return stream;
}

void RelayMux::forget(quint32 id)
{
    const auto it = m_streams.find(id);
    if (it == m_streams.end())
        return;
    it->stream->deleteLater();
    m_streams.erase(it);
}

void RelayMux::closeAll()
{
    const auto streams = std::exchange(m_streams, {});
    for (const Entry &entry : streams) {
        entry.stream->abort();
        entry.stream->deleteLater();
    }
}

void RelayMux::closeRoute(const QUuid &routeId)
{
    for (auto it = m_streams.begin(); it != m_streams.end();) {
        if (it->routeId != routeId) {
            ++it;
            continue;
        }
        send(RelayFrame::close(it.key()));
        it->stream->abort();
        it->stream->deleteLater();
        it = m_streams.erase(it);
    }
}

qint64 RelayMux::bufferedBytes() const
{
    qint64 total = 0;
    for (const Entry &entry : m_streams)
        total += entry.stream->bufferedBytes();
    return total;
}

} // namespace ServeDeck
