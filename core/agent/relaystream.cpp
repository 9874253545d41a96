#include "relaystream.h"

#include <QTcpSocket>
#include <QTimer>

namespace ServeDeck {

RelayStream::RelayStream(quint32 id, QTcpSocket *socket, Sender send, QObject *parent)
    : QObject(parent)
    , m_id(id)
    , m_socket(socket)
    , m_send(std::move(send))
{
    socket->setParent(this);
    // Qt stops reading from the kernel once this much waits unread: a full window then pushes
    // back on the sender through TCP instead of growing a buffer here.
    socket->setReadBufferSize(kWindow);
    // A request's head and body can arrive as two frames, written one after the other: Nagle
    // would hold the second behind the far end's delayed ACK.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(socket, &QTcpSocket::connected, socket, [socket] { socket->setSocketOption(QAbstractSocket::LowDelayOption, 1); });
    connect(socket, &QTcpSocket::readyRead, this, &RelayStream::pump);
    connect(socket, &QTcpSocket::bytesWritten, this, &RelayStream::onBytesWritten);
    connect(socket, &QTcpSocket::disconnected, this, &RelayStream::onSocketGone);
    connect(socket, &QTcpSocket::errorOccurred, this, [this] {
        // A refused or failed connect ends without "disconnected".
        if (m_socket && m_socket->state() == QAbstractSocket::UnconnectedState)
            onSocketGone();
    });
}

RelayStream::~RelayStream()
{
    if (m_socket) {
        disconnect(m_socket, nullptr, this, nullptr);
        m_socket->abort();
    }
}

qint64 RelayStream::bufferedBytes() const
{
    return m_socket ? m_socket->bytesAvailable() + m_socket->bytesToWrite() : 0;
}

bool RelayStream::deliver(const RelayFrame &frame)
{
    if (m_finished)
        return true;
    switch (frame.kind) {
    case RelayFrame::Kind::Data:
        if (frame.payload.size() > m_receiveWindow) {
            finish(true);
            return false;
        }
        if (m_peerClosed || m_socketGone)
            return true;  // in flight when our side closed; the peer hears Close
        m_receiveWindow -= frame.payload.size();
        m_socket->write(frame.payload);
        return true;
    case RelayFrame::Kind::Credit:
        if (m_sendWindow + qint64(frame.creditBytes()) > kWindow) {
            finish(true);
            return false;
        }
        m_sendWindow += frame.creditBytes();
        pump();
        return true;
    case RelayFrame::Kind::Close:
        m_peerClosed = true;
        if (m_socketGone || !m_socket || m_socket->state() == QAbstractSocket::UnconnectedState) {
            finish(false);
        } else {
            // Whatever the peer sent before closing is written out first.
            m_socket->disconnectFromHost();
            QTimer::singleShot(kLingerMs, this, [this] { finish(false); });
        }
        return true;
    case RelayFrame::Kind::Open:
        break;
    }
    finish(true);
    return false;
}

void RelayStream::abort()
{
    m_finished = true;
    if (m_socket) {
        disconnect(m_socket, nullptr, this, nullptr);
        m_socket->abort();
    }
}

void RelayStream::pump()
{
    if (m_finished || !m_socket)
        return;
    while (m_sendWindow > 0 && m_socket->bytesAvailable() > 0 && !m_peerClosed) {
        const QByteArray chunk = m_socket->read(std::min<qint64>(m_sendWindow, RelayFrame::kMaxPayload));
        if (chunk.isEmpty())
            break;
        m_sendWindow -= chunk.size();
        m_send(RelayFrame::data(m_id, chunk));
    }
    // Our side closed: Close goes once everything it sent before closing is out.
    if (m_socketGone && (m_socket->bytesAvailable() == 0 || m_peerClosed))
        finish(!m_peerClosed);
}

void RelayStream::onBytesWritten(qint64 bytes)
{
    if (m_finished || m_peerClosed)
        return;
    // Handed to the kernel: that much room again for the peer, returned in batches so a small
    // exchange sends no credit at all. The peer can only be out of window once a whole batch
    // waits here, so it is never stuck.
    m_receiveWindow = std::min(kWindow, m_receiveWindow + bytes);
    m_unreturned += bytes;
    if (m_unreturned >= kCreditBatch)
        m_send(RelayFrame::credit(m_id, quint32(std::exchange(m_unreturned, 0))));
}

void RelayStream::onSocketGone()
{
    m_socketGone = true;
    pump();
}

void RelayStream::finish(bool tellPeer)
{
    if (m_finished)
        return;
    m_finished = true;
    if (tellPeer)
        m_send(RelayFrame::close(m_id));
    if (m_socket) {
        disconnect(m_socket, nullptr, this, nullptr);
        m_socket->abort();
    }
    Q_EMIT finished(m_id);
}

} // namespace ServeDeck
