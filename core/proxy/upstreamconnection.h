#pragma once

#include <memory>

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QObject>
#include <QString>

#include "http/httpresponsereader.h"
#include "net/tcpstream.h"
#include "proxy/monotonicclock.h"
#include "proxy/upstreamfailure.h"

namespace ServeDeck {

class ProxyWorker;
class RouteCircuit;
class UpstreamPool;
struct RouteBinding;

// One keep-alive connection from a worker to an upstream (host:port). It carries one request
// at a time and hands the answer to its listener piece by piece as HttpResponseReader reads
// it: head, body pieces, end; so answers stream through the proxy instead of being held
// whole. Between requests it waits in the worker's UpstreamPool.
//
// It never deletes itself synchronously (always deleteLater), so a listener called from
// inside it may safely call back into it.
class UpstreamConnection final : public QObject, private TcpStream::Handler
{
public:
    using Failure = UpstreamFailure;

    using Head = HttpResponseReader::Head;

    class Listener
    {
    public:
        virtual ~Listener() = default;
        virtual void upstreamHead(const Head &head) = 0;
        virtual void upstreamBody(QByteArrayView data) = 0;
        // The whole answer is in. reusable: this connection may carry another request, and the
        // listener must either give it to the pool or close() it; otherwise it is already closed.
        virtual void upstreamComplete(UpstreamConnection *connection, bool reusable) = 0;
        // The connection has ended (and deletes itself); responded: some of the answer had arrived.
        virtual void upstreamFailed(Failure failure, const QString &reason, bool responded) = 0;
        // Around what one read of the upstream brings (head, body pieces, the end): a listener
        // may gather its own writes and send them in one go at the end.
        virtual void upstreamReadBegin() {}
        virtual void upstreamReadEnd() {}
    };

    // Holds one of route's connection slots (taken by the caller) until it ends; carries at
    // most route.policy.maxRequestsPerConnection requests (0: any number).
    UpstreamConnection(ProxyWorker *worker, UpstreamPool *pool, const RouteBinding &route, const MonotonicClock &clock);
    ~UpstreamConnection() override;

    // address is used when it is not null (no name lookup); host otherwise.
    void connectTo(const QString &host, const QHostAddress &address, quint16 port);
    // request: the whole request, head and body, ready for the wire.
    void send(Listener *listener, const QByteArray &request, bool headRequest);
    // Backpressure: the client is not reading, so stop reading the answer (TCP then slows the upstream).
    void setReadingPaused(bool paused);
    // Ends the connection without telling the listener.
    void close();

    const QByteArray &poolKey() const { return m_poolKey; }
    RouteCircuit *circuit() const { return m_circuit.get(); }
    bool isConnecting() const { return m_state == State::Connecting; }
    bool isOpen() const { return m_state == State::Open; }
    bool readingPaused() const { return m_paused; }
    qint64 lastActivity() const { return m_lastActivity; }  // ms on the proxy's clock

private:
    friend class UpstreamPool;
    enum class State { Connecting, Open, Dead };

    void streamConnected() override;
    void streamReadable() override { drain(); }
    void streamClosed() override;
    void startConnecting(const QHostAddress &address, quint16 port);
    void drain();
    void drainRead();
    void complete(bool mayReuse);  // mayReuse: nothing followed the answer
    void fail(Failure failure, const QString &reason);

    // Hands the events of the last read to the listener; false once it has closed this.
    bool deliver();
    QString failureMessage() const;

    ProxyWorker *m_worker;
    UpstreamPool *m_pool;
    QByteArray m_poolKey;
    QByteArray m_authority;
    std::shared_ptr<RouteCircuit> m_circuit;  // given back when the connection ends
    int m_maxRequests = 0;
    int m_answered = 0;
    const MonotonicClock &m_clock;
    TcpStream *m_stream;  // a child
    Listener *m_listener = nullptr;
    HttpResponseReader m_reader;
    QByteArray m_pendingRequest;  // written once connected
    std::unique_ptr<char[]> m_readBuffer;
    qint64 m_lastActivity = 0;
    State m_state = State::Connecting;
    bool m_headRequest = false;
    bool m_responded = false;
    bool m_paused = false;
    bool m_peerClosed = false;
    bool m_draining = false;
    bool m_pooled = false;  // owned by UpstreamPool
};

} // namespace ServeDeck
