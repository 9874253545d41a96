#pragma once

#include <memory>
#include <vector>

#include <QByteArrayView>
#include <QString>

#include "http/proxyhttp.h"

namespace ServeDeck {

// HTTP/1.1 answer framing on http-parser, free of any socket: bytes go in; the head, the body
// in pieces and the end come out, or a typed failure. The body is never gathered: each piece
// is a view into the bytes given to read(), so an answer streams through its caller.
//
// One answer at a time, to the request named by expect(). Interim answers (100 Continue,
// 103 Early Hints) are read and skipped; answers to HEAD, 1xx, 204 and 304 have no body
// whatever their headers say; a body is framed by chunks, Content-Length or the end of the
// stream (finish()). As strict about headers as HttpRequestReader: a name that is not an
// RFC 9110 token or an obs-fold line is Malformed; chunked trailers are dropped.
class HttpResponseReader
{
public:
    struct Limits
    {
        qsizetype maxHeaderBytes = 64 * 1024;  // status line, headers and trailers
    };

    struct Head
    {
        int status = 0;
        HeaderList headers;  // as received, in order; trailers never
        qint64 contentLength = -1;  // -1: the answer has no Content-Length
        bool chunked = false;
        bool bodyless = false;  // an answer to HEAD, or 204/304
    };

    // What one read() found, in order: at most one Head, then Body pieces.
    struct Event
    {
        enum class Kind { Head, Body };
        Kind kind = Kind::Body;
        QByteArrayView body;  // Body: a view into the data given to read()
    };

    enum class Result {
        NeedMore,  // everything was consumed; more bytes are needed
        Complete,  // the answer is whole; bytes after it are not its own
        Failed,  // failure() says why; every later read fails too
    };

    enum class Failure {
        None,
        Malformed,  // not HTTP/1.1 as accepted here (including an unasked 101 Switching Protocols)
        TooLarge,  // the head exceeds Limits::maxHeaderBytes
        Closed,  // the stream ended before the answer did (or before it began)
    };

    HttpResponseReader();
    ~HttpResponseReader();
    HttpResponseReader(const HttpResponseReader &) = delete;
    HttpResponseReader &operator=(const HttpResponseReader &) = delete;

    void setLimits(const Limits &limits);
    const Limits &limits() const;
    // Starts reading the answer to a new request; headRequest: it was a HEAD (no body).
    void expect(bool headRequest);
    // Reads from data until the answer is complete, more is needed, or a failure; *consumed
    // says how much of data was used. events() then holds what it found.
    Result read(const char *data, qsizetype size, qsizetype *consumed);
    // The peer closed the stream: that ends an answer framed by it; any other is Closed.
    Result finish();

    const std::vector<Event> &events() const;
    // The answer's head, once an Event::Head was seen; valid until expect().
    const Head &head() const;
    // After Complete: whether the connection may carry another request.
    bool keepAlive() const;
    Failure failure() const;
    // For the error message: what was wrong, without the upstream's name.
    QString failureText() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace ServeDeck
