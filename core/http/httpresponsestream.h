#pragma once

#include <functional>

#include <QByteArray>

namespace ServeDeck {

// The body of an answer written after its handler returned, a piece at a time (a token
// stream, server-sent events). The handler puts one in HttpResponse::stream and keeps a
// shared_ptr to it; HttpServer sends the head at once (chunked on HTTP/1.1, else read to the
// close) and each write() as soon as it is made. Writes made before the server takes the
// stream go out right after the head. Single-threaded, like the server.
class HttpResponseStream final
{
public:
    // False once finish() was called or the client went away: stop producing.
    bool isOpen() const { return !m_finished && !m_gone; }
    // Empty writes are skipped (an empty chunk would end the body).
    void write(const QByteArray &bytes);
    // The body is complete; the connection goes on with its next request.
    void finish();

    // For HttpServer: where writes and the end go from now on.
    struct Sink
    {
        std::function<void(const QByteArray &)> write;
        std::function<void()> finish;
    };
    void attach(Sink sink);
    // The client went away (or the server closed): later writes are dropped.
    void detach();

private:
    Sink m_sink;
    QByteArray m_pending;
    bool m_attached = false;
    bool m_finished = false;
    bool m_gone = false;
};

} // namespace ServeDeck
