#pragma once

#include <memory>

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QObject>
#include <QString>

#include "net/epolldispatcher.h"

class QSocketNotifier;

namespace ServeDeck {

// One TCP connection on a raw non-blocking descriptor: reads go straight into the caller's
// buffer and writes straight to the kernel, with only what the kernel would not take kept
// here. On a thread run by EpollDispatcher (the proxy's workers) it is watched edge-triggered
// and its handler is called directly; elsewhere (the control API's thread) through Qt's socket
// notifiers, reading ahead into a bounded buffer as QTcpSocket does. The contract is the same:
//
// - streamReadable(): there may be something to read; read() until it returns 0, or stop
//   early (backpressure) and read again later: nothing is lost, and no call comes for bytes
//   that were there already.
// - streamClosed(): the peer closed or reset the connection, or connecting failed; called
//   once. What the peer sent before closing can still be read; the descriptor stays open
//   until abort() or the destructor.
//
// The handler is never called from inside a call to this object. It may destroy the stream
// from a callback, directly or through its owner in a nested event loop.
class TcpStream final : public QObject, private EpollDispatcher::Watcher
{
public:
    class Handler
    {
    public:
        virtual void streamConnected() {}
        virtual void streamReadable() = 0;
        // Some of what was queued has gone out (bytesToWrite() fell).
        virtual void streamWritten() {}
        virtual void streamClosed() = 0;

    protected:
        ~Handler() = default;
    };

    // An accepted, connected descriptor; this takes it (non-blocking, TCP_NODELAY).
    TcpStream(int descriptor, Handler *handler, QObject *parent = nullptr);
    // Unconnected: connectTo() next.
    explicit TcpStream(Handler *handler, QObject *parent = nullptr);
    ~TcpStream() override;

    // Starts connecting; streamConnected() or streamClosed() follows (never from inside this call).
    void connectTo(const QHostAddress &address, quint16 port);

    // Bytes read into data (at most max); 0 when nothing is there now, or at the end.
    qint64 read(char *data, qint64 max);
    // Reads and drops whatever is there.
    void skip();
    // Sends what the kernel takes now and queues the rest. After a failure it drops data.
    void write(const char *data, qint64 size);
    void write(QByteArrayView data) { write(data.data(), data.size()); }
    qint64 bytesToWrite() const { return qint64(m_out.size()) - m_outPos; }
    // Between cork() and uncork(), writes are only queued, and uncork() sends them in one go:
    // an answer's head and first body piece, parsed from one upstream read, leave in one
    // segment and one system call. Nests.
    void cork() { ++m_corked; }
    void uncork();
    // What the kernel holds that has not been read (FIONREAD: a system call).
    qint64 bytesAvailable() const;

    // No more writes from here: the peer reads the end after what was sent.
    bool shutdownWrite();
    // Closes once what is queued is sent; streamClosed() follows.
    void disconnectFromHost();
    // Closes now, dropping what is queued; the handler hears nothing more.
    void abort();

    // The other end's address (getpeername); null when not connected.
    QHostAddress peerAddress() const;

    bool isOpen() const { return m_fd >= 0; }
    bool isConnecting() const { return m_connecting; }
    int descriptor() const { return m_fd; }
    // Why the connection ended or failed; empty when the peer simply closed.
    QString errorString() const;
    int error() const { return m_error; }

private:
    class CallbackScope;

    void open(int descriptor);
    void descriptorReady(std::uint32_t events) override;
    void onReadNotifier();
    void fillInput();  // Qt's notifiers: from the kernel into m_in
    void onWriteNotifier();
    void finishConnecting();
    void flush();
    bool sendQueued();  // false: failed
    // What the kernel takes of data now; -1 after a failure (failWith).
    qint64 sendSome(const char *data, qint64 size);
    void closeDescriptor();
    void failWith(int error);
    void notifyClosed();
    void postClosed();
    void setReadNotifierEnabled(bool enabled);
    void updateWriteNotifier();

    Handler *m_handler;
    EpollDispatcher *m_dispatcher = nullptr;  // null: Qt's notifiers below
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    int m_fd = -1;
    int m_error = 0;
    QByteArray m_out;  // queued output; m_outPos bytes of it are sent
    qsizetype m_outPos = 0;
    QByteArray m_in;  // Qt's notifiers only: input read ahead; m_inPos bytes of it are taken
    qsizetype m_inPos = 0;
    int m_corked = 0;
    bool m_connecting = false;
    bool m_eof = false;  // read() saw the end, or an error
    bool m_drained = false;  // epoll: a short read emptied the kernel's buffer since the last edge
    bool m_closeAfterWrite = false;
    bool m_closedNotified = false;
    bool m_closePosted = false;
    bool m_inCallback = false;
    bool *m_destroyed = nullptr;  // inside a callback: set when this is destroyed
};

} // namespace ServeDeck
