#pragma once

#include <http_parser.h>

#include <QByteArray>
#include <QString>

#include "http/httpframingcheck.h"
#include "http/proxyhttp.h"

namespace ServeDeck {

// The http-parser plumbing that HttpRequestReader and HttpResponseReader share, written once:
// the callback table (no exception ever unwinds through the C parser), the header list, the
// bound on header bytes, the stop after each complete message, and the strictness http-parser
// lacks: a header name that is not an RFC 9110 token and an obs-fold line are refused, every
// byte outside body data is checked against RFC 9112 framing (HttpFramingCheck: CRLF line
// ends, chunk sizes and the CRLF after chunk data) and counted toward maxHeaderBytes while in
// a head or trailers, and chunked trailers are counted but never kept.
//
// Internal to core/http: only its .cpp files include this header, so http_parser.h stays there.
class HttpMessageParser
{
public:
    enum class Fault {
        None,
        HeadersTooLarge,  // over maxHeaderBytes
        BadHeaderName,    // not an RFC 9110 token
        FoldedHeader,     // obs-fold
        BadFraming,       // line ends or chunk framing off RFC 9112: framingError() says how
        Malformed,        // http-parser refused the bytes: parserError() says how
        Ended,            // the stream ended before the message did (finish())
        Rejected,         // a subclass's hook refused; the subclass knows why
        Internal,         // a hook threw
    };
    enum class Outcome {
        NeedMore,  // everything given was taken, or the parser stopped early (upgrade)
        Complete,  // a message ended; the parser waits until the next execute()
        Failed,    // fault() says why; every later call fails too
    };

    HttpMessageParser(const HttpMessageParser &) = delete;
    HttpMessageParser &operator=(const HttpMessageParser &) = delete;

    Fault fault() const { return m_fault; }
    http_errno parserError() const { return m_parserError; }
    QString framingError() const { return QString::fromLatin1(m_framing.why()); }
    bool inMessage() const { return m_inMessage; }
    // Between a message's first byte and the end of its head.
    bool inHead() const { return m_inMessage && !m_headersDone; }
    qsizetype maxHeaderBytes() const { return m_maxHeaderBytes; }
    // Applies at once; the count starts over with each message.
    void setMaxHeaderBytes(qsizetype bytes)
    {
        m_maxHeaderBytes = bytes;
        m_framing.setMaxHeadBytes(bytes);
    }
    // Forgets everything read so far: a fresh stream, or the answer to a new request.
    void reset();
    // Reads data up to the end of one message; *consumed says how much of it was used.
    Outcome execute(const char *data, qsizetype size, qsizetype *consumed);
    // The stream ended: completes a message framed by the end of the stream; any other
    // unfinished message, and a stream that never began one, fail as Ended.
    Outcome finish();

    // "HPE_INVALID_CONSTANT (invalid constant string)"
    static QString describe(http_errno error);

protected:
    // Headers go to *headers, which the subclass owns.
    HttpMessageParser(http_parser_type type, HeaderList *headers);
    virtual ~HttpMessageParser();

    // For a hook: refuse the message (the first fault set is the one kept).
    int refuse(Fault fault);
    // For a hook: bytes of the head beyond names and values; refuses past maxHeaderBytes.
    int countHeaderBytes(qsizetype bytes);

    virtual void messageBegun() {}
    virtual int urlPiece(const char *at, qsizetype size);
    // The head is read, and its names checked. 0: a body may follow as framed; 1: there is no
    // body whatever the headers say (HEAD, 204, 304, 1xx); -1: refused.
    virtual int headersDone() = 0;
    virtual int bodyPiece(const char *at, qsizetype size) = 0;
    // m_parser.content_length holds the size of the chunk about to be read.
    virtual int chunkHeader() { return 0; }
    // true: stop after this message; false: read on (an interim answer a final one follows).
    virtual bool messageDone() = 0;

    http_parser m_parser;

private:
    struct Callbacks;

    int onMessageBegin();
    int countStatus(const char *at, qsizetype size);
    int onUrl(const char *at, qsizetype size);
    int onBody(const char *at, qsizetype size);
    int checkFraming(const char *to);
    int onHeaderField(const char *at, qsizetype size);
    int onHeaderValue(const char *at, qsizetype size);
    int onHeadersComplete();
    int onMessageComplete();
    void scanGap(const char *from, const char *to);

    const http_parser_type m_type;
    HeaderList *m_headers;
    Fault m_fault = Fault::None;
    http_errno m_parserError = HPE_OK;
    qsizetype m_maxHeaderBytes = 16 * 1024;  // start line, headers and trailers
    qsizetype m_headerBytes = 0;
    // obs-fold is seen in the bytes between a header's end and the next value: they hold
    // ":" and spaces, unless a line break followed by a space or tab folded the value.
    const char *m_chunkBegin = nullptr;  // the data of the running execute()
    const char *m_lastEnd = nullptr;  // end of the last name or value piece in it, if any
    bool m_gapNewline = false;  // the bytes since the last piece end in '\n'
    bool m_gapFold = false;  // ... and hold a line break followed by a space or tab
    bool m_lastWasValue = false;
    bool m_inMessage = false;
    bool m_headersDone = false;  // what follows the body are trailers
    // Every byte outside body data goes through m_framing, in order: the bytes of the running
    // execute() from m_checkedTo on are still to be checked.
    HttpFramingCheck m_framing;
    const char *m_checkedTo = nullptr;
};

} // namespace ServeDeck
