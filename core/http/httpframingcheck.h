#pragma once

#include <QtGlobal>

namespace ServeDeck {

// The bytes of an HTTP/1.1 stream that are not body data, checked against RFC 9112's framing
// grammar: http-parser, built non-strict on Debian, takes a bare LF, a CR followed by any
// byte, or any two bytes after chunk data as a line end, so a front proxy that reads the same
// bytes strictly would see other messages than ServeDeck does (request smuggling).
//
// HttpMessageParser feeds it in stream order across reads: framing() with the bytes outside
// body data, body() for each body piece, and headEnds() for each head http-parser has read,
// saying whether a chunked body follows. It also counts a head's raw bytes, whitespace
// included, against a bound. Internal to core/http.
class HttpFramingCheck
{
public:
    enum class Verdict { Ok, Broken, HeadTooLarge };

    // A fresh stream.
    void reset();
    void setMaxHeadBytes(qsizetype bytes) { m_maxHeadBytes = bytes; }
    // A head http-parser read, in order; what follows it is chunked, or else no framing bytes.
    void headEnds(bool chunked);
    Verdict framing(const char *from, const char *to);
    Verdict body();
    // Why the stream broke, for an error message; static text.
    const char *why() const { return m_why; }

private:
    enum class State : quint8 {
        Start, StartCr, Line, LineCr, LineStart, EndCr,  // start line and headers
        Opaque,  // a body framed by its length or the stream's end, or none
        SizeFirst, Size, Extension, SizeCr, Data, DataLf,  // chunks
        TrailerStart, Trailer, TrailerCr, FinalCr,  // trailers and the last CRLF
    };

    Verdict step(char c);
    Verdict broken(const char *why);

    State m_state = State::Start;
    qsizetype m_maxHeadBytes = 16 * 1024;
    qsizetype m_headBytes = 0;  // of this message's head and trailers
    // Heads http-parser has read that the check has not reached: bit i says whether the i-th
    // frames a chunked body. The parser's callbacks keep this to one or two.
    quint32 m_chunkedHeads = 0;
    int m_pendingHeads = 0;
    bool m_chunkNonZero = false;
    const char *m_why = "";
};

} // namespace ServeDeck
