#pragma once

#include <functional>

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QUuid>

class QTcpSocket;
class QWebSocket;

namespace ServeDeck {

class RelayStream;
struct RelayFrame;

// The relay streams of one agent channel, either end: it turns the channel's binary frames into
// streams and back. The plane's end opens streams (open()); the agent's end answers Opens with
// its acceptor. Bounded: at most maxStreams at once, each within its window (RelayStream).
class RelayMux final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RelayMux)

public:
    static constexpr int kDefaultMaxStreams = 256;
    // The socket an Open asks for (not yet connected is fine), or null to refuse it.
    using Acceptor = std::function<QTcpSocket *(const QUuid &routeId)>;

    explicit RelayMux(QObject *parent = nullptr);
    ~RelayMux() override;

    // The channel the frames travel on now; null while there is none. Every stream of the one
    // before ends: a stream never outlives its channel.
    void setChannel(QWebSocket *channel);
    QWebSocket *channel() const;
    // Unset: Opens are refused (the plane's end never takes them).
    void setAcceptor(Acceptor acceptor) { m_acceptor = std::move(acceptor); }
    void setMaxStreams(int max) { m_maxStreams = max; }

    // Relays an accepted connection to the route's replica. False (and the socket closed) with no
    // channel or at the stream cap.
    bool open(QTcpSocket *socket, const QUuid &routeId);
    // One binary message from the channel. Malformed frames and frames for streams not open are
    // dropped; a stream whose peer breaks the protocol is closed.
    void receive(const QByteArray &message);
    void closeAll();
    void closeRoute(const QUuid &routeId);

    int streamCount() const { return int(m_streams.size()); }
    qint64 bufferedBytes() const;
    // Frames dropped or streams closed for breaking the protocol, since the start.
    quint64 rejectedFrames() const { return m_rejected; }

private:
    struct Entry
    {
        RelayStream *stream = nullptr;
        QUuid routeId;
    };

    void send(const RelayFrame &frame);
    void accept(quint32 id, const QUuid &routeId);
    RelayStream *adopt(quint32 id, QTcpSocket *socket, const QUuid &routeId);
    void forget(quint32 id);

    QPointer<QWebSocket> m_channel;
    Acceptor m_acceptor;
    int m_maxStreams = kDefaultMaxStreams;
    QHash<quint32, Entry> m_streams;
    quint32 m_nextId = 1;
    quint64 m_rejected = 0;
};

} // namespace ServeDeck
