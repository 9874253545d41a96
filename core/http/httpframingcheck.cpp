#include "http/httpframingcheck.h"

namespace ServeDeck {

namespace {

bool isHexDigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

} // namespace

void HttpFramingCheck::reset()
{
    m_state = State::Start;
    m_headBytes = 0;
    m_chunkedHeads = 0;
    m_pendingHeads = 0;
    m_chunkNonZero = false;
    m_why = "";
}

void HttpFramingCheck::headEnds(bool chunked)
{
    // More than 32 cannot happen (the status line or target of each next head is checked
    // first); kept bounded regardless, and read as broken when the next head ends.
    if (m_pendingHeads >= 32) {
        m_pendingHeads = 33;
        return;
    }
    if (chunked)
        m_chunkedHeads |= 1u << m_pendingHeads;
    ++m_pendingHeads;
}

HttpFramingCheck::Verdict HttpFramingCheck::broken(const char *why)
{
    m_why = why;
    return Verdict::Broken;
}

HttpFramingCheck::Verdict HttpFramingCheck::framing(const char *from, const char *to)
{
    for (const char *p = from; p < to; ++p) {
        if (const Verdict verdict = step(*p); verdict != Verdict::Ok)
            return verdict;
    }
    return Verdict::Ok;
}

HttpFramingCheck::Verdict HttpFramingCheck::body()
{
    if (m_state != State::Data && m_state != State::Opaque)
        return broken("body data where framing belongs");
    return Verdict::Ok;
}

HttpFramingCheck::Verdict HttpFramingCheck::step(char c)
{
    constexpr char CR = '\r';
    constexpr char LF = '\n';
    switch (m_state) {
    case State::Opaque:
        // http-parser reads past a body framed otherwise only into the next message.
        m_state = State::Start;
        m_headBytes = 0;
        [[fallthrough]];
    case State::Start:  // empty lines may precede a message (RFC 9112 2.2)
        if (c == CR)
            m_state = State::StartCr;
        else if (c == LF)
            return broken("bare LF");
        else
            m_state = State::Line;
        break;
    case State::StartCr:
        if (c != LF)
            return broken("CR not followed by LF");
        m_state = State::Start;
        break;
    case State::Line:
    case State::Trailer:
        if (c == LF)
            return broken("bare LF");
        if (c == CR)
            m_state = m_state == State::Line ? State::LineCr : State::TrailerCr;
        break;
    case State::LineCr:
    case State::TrailerCr:
        if (c != LF)
            return broken("CR not followed by LF");
        m_state = m_state == State::LineCr ? State::LineStart : State::TrailerStart;
        break;
    case State::LineStart:
    case State::TrailerStart:
        if (c == LF)
            return broken("bare LF");
        if (c == CR)
            m_state = m_state == State::LineStart ? State::EndCr : State::FinalCr;
        else
            m_state = m_state == State::LineStart ? State::Line : State::Trailer;
        break;
    case State::EndCr: {
        if (c != LF)
            return broken("CR not followed by LF");
        if (m_pendingHeads <= 0 || m_pendingHeads > 32)
            return broken("head end not where the parser saw it");
        const bool chunked = m_chunkedHeads & 1u;
        m_chunkedHeads >>= 1;
        --m_pendingHeads;
        m_state = chunked ? State::SizeFirst : State::Opaque;
        break;
    }
    case State::SizeFirst:
        if (!isHexDigit(c))
            return broken("invalid chunk size");
        m_chunkNonZero = c != '0';
        m_state = State::Size;
        break;
    case State::Size:
        if (isHexDigit(c))
            m_chunkNonZero = m_chunkNonZero || c != '0';
        else if (c == ';')
            m_state = State::Extension;
        else if (c == CR)
            m_state = State::SizeCr;
        else
            return broken("invalid chunk size");
        break;
    case State::Extension:
        if (c == CR)
            m_state = State::SizeCr;
        else if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f)
            return broken("control byte in a chunk extension");
        break;
    case State::SizeCr:
        if (c != LF)
            return broken("CR not followed by LF");
        m_state = m_chunkNonZero ? State::Data : State::TrailerStart;
        break;
    case State::Data:
        // The chunk's data was body; the next framing byte must start its CRLF.
        if (c != CR)
            return broken("chunk data not followed by CRLF");
        m_state = State::DataLf;
        break;
    case State::DataLf:
        if (c != LF)
            return broken("chunk data not followed by CRLF");
        m_state = State::SizeFirst;
        break;
    case State::FinalCr:
        if (c != LF)
            return broken("CR not followed by LF");
        m_state = State::Start;  // the message is complete
        m_headBytes = 0;
        return Verdict::Ok;
    }
    switch (m_state) {
    case State::Start: case State::StartCr: case State::Line: case State::LineCr: case State::LineStart:
    case State::EndCr: case State::TrailerStart: case State::Trailer: case State::TrailerCr: case State::FinalCr:
        if (++m_headBytes > m_maxHeadBytes)
            return Verdict::HeadTooLarge;
        break;
    default:
        break;
    }
    return Verdict::Ok;
}

} // namespace ServeDeck
