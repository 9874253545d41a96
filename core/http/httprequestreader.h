#pragma once

#include <functional>
#include <memory>

#include <QByteArray>
#include <QByteArrayView>

#include "http/httperror.h"
#include "http/proxyhttp.h"

namespace ServeDeck {

// HTTP/1.1 request framing on http-parser, free of any socket: bytes go in, complete
// requests or a typed refusal come out. It stops after each complete request, so the
// caller answers requests strictly in order and resumes reading when it is ready.
//
// Stricter than http-parser where leniency lets two parsers disagree (request smuggling):
// a header name that is not an RFC 9110 token (say "Transfer-Encoding :"), an obs-fold
// continuation line, line ends other than CRLF, broken chunk framing, a Transfer-Encoding other
// than one "chunked", and a Host missing (HTTP/1.1) or given twice are refused. Chunked trailers are read and dropped, never merged.
class HttpRequestReader
{
public:
    struct Limits
    {
        qsizetype maxHeaderBytes = 16 * 1024;  // request line, headers and trailers
        qsizetype maxBodyBytes = 1024 * 1024;  // decoded body
    };

    // The request read last; valid until read() is called again.
    struct Message
    {
        QByteArray method;  // "GET"; static storage, no allocation
        QByteArray target;  // the request target as sent
        HeaderList headers;  // as received, in order; trailers never
        QByteArray body;  // de-chunked
        int httpMajor = 1;
        int httpMinor = 1;
        bool keepAlive = false;
        bool upgrade = false;  // the bytes after it belong to another protocol
        bool hasBodyFraming = false;  // Content-Length or chunked, even when empty
    };

    enum class Result {
        NeedMore,  // everything was consumed; more bytes are needed
        Message,  // message() is complete; read() again for the next one
        Refused,  // the bytes are no acceptable request: error() says why
        Stopped,  // nothing more can be read on this connection (after an upgrade)
    };

    enum class Refusal {
        None, BodyTooLarge, HeadersTooLarge, BadTarget, BadHeaderName, FoldedHeader, BadFraming, BadHeaders, Malformed,
        Internal,
        RefusedAtHead,  // the head check said no (it answered the request itself)
    };

    HttpRequestReader();
    ~HttpRequestReader();
    HttpRequestReader(const HttpRequestReader &) = delete;
    HttpRequestReader &operator=(const HttpRequestReader &) = delete;

    // Applies from the next read() on.
    void setLimits(const Limits &limits);
    // Refuse, before the body, a target that is neither origin-, absolute-, authority- nor
    // asterisk-form. Off by default: a proxy may want to answer such requests itself.
    void setCheckTarget(bool check);
    // Called with each request whose head is read and found well-formed, before a byte of its
    // body is read and before "100 Continue" is owed: so a request that may not pass (no
    // valid token) is refused before its client uploads anything. false: refused as
    // RefusedAtHead; the check has answered it itself.
    using HeadCheck = std::function<bool(const Message &head)>;
    void setHeadCheck(HeadCheck check);

    // Reads from data until a request is complete, more is needed, or a refusal; *consumed
    // says how much of data was used. After Refused every further read() is refused too.
    Result read(const char *data, qsizetype size, qsizetype *consumed);

    const Message &message() const;
    // Between a request's first byte and its end.
    bool inMessage() const;
    // Between a request's first byte and the end of its head.
    bool inHead() const;
    // True once per request that announced a body and asked for "100 Continue".
    bool takeContinue();
    Refusal refusal() const;
    // Status, ServeDeck error type, message and details for the refusal.
    HttpError error() const;
    // Frees a large body buffer once its content has been passed on.
    void dropLargeBody();

    // Splits a request target into path and query (without '?'); a part the target lacks is a
    // null view. "*" is its own path.
    static bool parseTarget(QByteArrayView target, bool connect, QByteArrayView *path, QByteArrayView *query);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace ServeDeck
