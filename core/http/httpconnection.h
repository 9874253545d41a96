#pragma once

#include <memory>

#include <QObject>

#include "http/httprequestreader.h"
#include "net/tcpstream.h"

namespace ServeDeck {

// What every inbound HTTP/1.1 connection does the same way, for the control API server and
// the proxy's client side: reading requests one at a time through HttpRequestReader, back-
// pressure on clients that do not read their answers, idle deadlines and the lingering close
// that keeps a last answer from being wiped by a reset. A subclass answers the requests.
class HttpConnection : public QObject, private TcpStream::Handler
{
public:
    // Busy: the subclass answers the current request later (the proxy, while it forwards).
    enum class State { Reading, Busy, Closing, Lingering, Dead };

    ~HttpConnection() override;

    State state() const { return m_state; }
    // Between requests: nothing read of the next one and nothing left to write, so closing it
    // loses nothing (a keep-alive client opens a new connection).
    bool isIdleBetweenRequests() const;
    qint64 lastActivityMs() const { return m_lastActivity; }
    // Ends the connection now, without a word to the client.
    void abortNow();

protected:
    // Takes the accepted, connected descriptor.
    HttpConnection(int descriptor, QObject *parent);

    // A complete request is in reader().message(). Answer it (the state stays Reading, or
    // beginClose()), or set Busy and resume() once answered. Returns false when this
    // connection was destroyed meanwhile.
    virtual bool handleRequest() = 0;
    // The bytes are no acceptable request: write the refusal; the connection closes after it.
    virtual void refuse(const HttpError &error) = 0;
    // The connection ended (closed, reset, aborted); called once, before it is deleted.
    virtual void ended() = 0;
    // Busy, and the client took enough of what was written: a paused source may go on.
    virtual void writeDrained() {}
    virtual qint64 nowMs() const = 0;
    virtual int idleTimeoutMs() const = 0;
    // A request's head must be whole this long after its first byte, however it trickles in
    // (slowloris); 0: no such bound.
    virtual int headTimeoutMs() const { return 0; }
    virtual HttpRequestReader::Limits readLimits() const = 0;
    // A request's head is read, its body not yet and no "100 Continue" sent: return false to
    // refuse it (say, no valid token), after writing the answer. Its body is then never read
    // and the connection closes after the answer.
    virtual bool acceptHead(const HttpRequestReader::Message &head)
    {
        Q_UNUSED(head);
        return true;
    }

    TcpStream *stream() const { return m_stream; }
    HttpRequestReader &reader() { return m_reader; }
    const HttpRequestReader &reader() const { return m_reader; }
    const HttpRequestReader::Message &request() const { return m_reader.message(); }
    void setState(State state) { m_state = state; }
    qint64 lastActivity() const { return m_lastActivity; }
    void touch();

    // Parses and handles what the client sent, as long as the state is Reading.
    void drain();
    // The request was answered: read the next one, or close.
    void resume(bool keepAlive);
    // Sends what is queued, then half-closes and lingers.
    void beginClose();
    // Idle and linger deadlines of the Reading, Closing and Lingering states.
    void checkIdle(qint64 now);
    // More than this unsent and the source of an answer should pause until writeDrained().
    static bool overHighWater(qint64 unsent);

private:
    void startLinger();
    void release();

    void streamReadable() override;
    void streamWritten() override;
    void streamClosed() override { release(); }

    TcpStream *m_stream;  // a child
    HttpRequestReader m_reader;
    std::unique_ptr<char[]> m_readBuffer;
    qint64 m_readPos = 0;
    qint64 m_readEnd = 0;
    qint64 m_lastActivity = 0;
    qint64 m_lingerDeadline = 0;
    qint64 m_headStarted = -1;  // when the head being read began; -1: none is
    State m_state = State::Reading;
    bool m_draining = false;
    bool m_writeBlocked = false;
};

} // namespace ServeDeck
