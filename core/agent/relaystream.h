#pragma once

#include <functional>

#include <QObject>
#include <QPointer>

#include "agent/relayframe.h"

class QTcpSocket;

namespace ServeDeck {

// One TCP connection carried as a relay stream: its bytes go out as Data frames while the peer's
// window allows, and the peer's Data frames are written to it, each byte handed to the kernel
// returned to the peer as credit. So neither side holds more than kWindow of a stream, however
// slowly the far end reads. Closing either side closes the other.
class RelayStream final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RelayStream)

public:
    static constexpr qint64 kWindow = 256 * 1024;
    static constexpr qint64 kCreditBatch = kWindow / 4;
    // Once the peer closed, what is left to write has this long to drain before the socket goes.
    static constexpr int kLingerMs = 10000;
    using Sender = std::function<void(const RelayFrame &frame)>;

    // Takes the socket (connected or still connecting).
    RelayStream(quint32 id, QTcpSocket *socket, Sender send, QObject *parent = nullptr);
    ~RelayStream() override;

    quint32 id() const { return m_id; }
    // A frame from the peer for this stream. False: the peer broke the protocol (more than its
    // window, credit beyond the window, an Open), and the stream is closed.
    bool deliver(const RelayFrame &frame);
    // The channel is gone: the socket is dropped at once and nothing more is sent.
    void abort();
    // What this stream holds in memory: unread input plus output not yet taken by the kernel.
    qint64 bufferedBytes() const;

Q_SIGNALS:
    // Closed, from either side; the owner forgets it (and deletes it later).
    void finished(quint32 id);

private:
    void pump();
    void onBytesWritten(qint64 bytes);
    void onSocketGone();
    void finish(bool tellPeer);

    quint32 m_id;
    QPointer<QTcpSocket> m_socket;
    Sender m_send;
    qint64 m_sendWindow = kWindow;     // what the peer still accepts from us
    qint64 m_receiveWindow = kWindow;  // what the peer may still send us
    qint64 m_unreturned = 0;           // written out, not yet returned to the peer as credit
    bool m_socketGone = false;
    bool m_peerClosed = false;
    bool m_finished = false;
};

} // namespace ServeDeck
