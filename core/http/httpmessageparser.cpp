#include "http/httpmessageparser.h"

#include "http/proxyhttp.h"

namespace ServeDeck {

namespace {

// http-parser hands us the start line's parts, header names and values; this approximates
// the syntax around them (method, " HTTP/1.1", ": ", CRLF) for maxHeaderBytes.
constexpr qsizetype kStartLineOverhead = 16;
constexpr qsizetype kHeaderLineOverhead = 4;

// http-parser (not built strict) also lets a space through a token: names are checked again.
using ProxyHttp::isToken;

} // namespace

// The C parser must never see an exception unwinding through it.
struct HttpMessageParser::Callbacks
{
    static HttpMessageParser *of(http_parser *parser) { return static_cast<HttpMessageParser *>(parser->data); }

    template<int (HttpMessageParser::*Callback)()>
    static int notify(http_parser *parser) noexcept
    {
        try {
            return (of(parser)->*Callback)();
        } catch (...) {
            return -1;
        }
    }
    template<int (HttpMessageParser::*Callback)(const char *, qsizetype)>
    static int data(http_parser *parser, const char *at, size_t length) noexcept
    {
        try {
            return (of(parser)->*Callback)(at, static_cast<qsizetype>(length));
        } catch (...) {
            return -1;
        }
    }

    static const http_parser_settings s_settings;
};

const http_parser_settings HttpMessageParser::Callbacks::s_settings = [] {
    http_parser_settings settings;
    http_parser_settings_init(&settings);
    settings.on_message_begin = &notify<&HttpMessageParser::onMessageBegin>;
    settings.on_url = &data<&HttpMessageParser::onUrl>;
    settings.on_status = &data<&HttpMessageParser::countStatus>;
    settings.on_header_field = &data<&HttpMessageParser::onHeaderField>;
    settings.on_header_value = &data<&HttpMessageParser::onHeaderValue>;
    settings.on_headers_complete = &notify<&HttpMessageParser::onHeadersComplete>;
    settings.on_body = &data<&HttpMessageParser::onBody>;
    settings.on_chunk_header = &notify<&HttpMessageParser::chunkHeader>;
    settings.on_message_complete = &notify<&HttpMessageParser::onMessageComplete>;
    return settings;
}();

HttpMessageParser::HttpMessageParser(http_parser_type type, HeaderList *headers)
    : m_type(type)
    , m_headers(headers)
{
    reset();
}

HttpMessageParser::~HttpMessageParser() = default;

QString HttpMessageParser::describe(http_errno error)
{
    return QString::fromLatin1(http_errno_name(error)) % QStringLiteral(" (")
        % QString::fromLatin1(http_errno_description(error)) % u')';
}

void HttpMessageParser::reset()
{
    http_parser_init(&m_parser, m_type);
    m_parser.data = this;
    m_fault = Fault::None;
    m_parserError = HPE_OK;
    m_inMessage = false;
    m_headersDone = false;
    m_framing.reset();
    m_framing.setMaxHeadBytes(m_maxHeaderBytes);
}

int HttpMessageParser::refuse(Fault fault)
{
    if (m_fault == Fault::None)
        m_fault = fault;
    return -1;
}

int HttpMessageParser::urlPiece(const char *, qsizetype size)
{
    return countHeaderBytes(size);
}

int HttpMessageParser::countStatus(const char *at, qsizetype size)
{
    if (checkFraming(at + size) != 0)
        return -1;
    return countHeaderBytes(size);
}

int HttpMessageParser::onUrl(const char *at, qsizetype size)
{
    if (checkFraming(at + size) != 0)
        return -1;
    return urlPiece(at, size);
}

int HttpMessageParser::onBody(const char *at, qsizetype size)
{
    if (checkFraming(at) != 0)
        return -1;
    if (m_framing.body() != HttpFramingCheck::Verdict::Ok)
        return refuse(Fault::BadFraming);
    m_checkedTo = at + size;
    return bodyPiece(at, size);
}

int HttpMessageParser::checkFraming(const char *to)
{
    // Checked as the parser goes, so that a refusal comes before the message is taken.
    const char *from = m_checkedTo;
    if (!from || to <= from)
        return 0;
    m_checkedTo = to;
    switch (m_framing.framing(from, to)) {
    case HttpFramingCheck::Verdict::Ok:
        return 0;
    case HttpFramingCheck::Verdict::Broken:
        return refuse(Fault::BadFraming);
    case HttpFramingCheck::Verdict::HeadTooLarge:
        break;
    }
    return refuse(Fault::HeadersTooLarge);
}

int HttpMessageParser::countHeaderBytes(qsizetype bytes)
{
    m_headerBytes += bytes;
    return m_headerBytes > m_maxHeaderBytes ? refuse(Fault::HeadersTooLarge) : 0;
}

void HttpMessageParser::scanGap(const char *from, const char *to)
{
    for (const char *p = from; p < to; ++p) {
        if (m_gapNewline && (*p == ' ' || *p == '\t'))
            m_gapFold = true;
        m_gapNewline = *p == '\n';
    }
}

int HttpMessageParser::onMessageBegin()
{
    m_headers->clear();
    m_headerBytes = kStartLineOverhead;
    m_gapNewline = false;
    m_gapFold = false;
    m_lastWasValue = false;
    m_inMessage = true;
    m_headersDone = false;
    messageBegun();
    return 0;
}

int HttpMessageParser::onHeaderField(const char *at, qsizetype size)
{
    if (checkFraming(at + size) != 0)
        return -1;
    // A name or value can arrive in several pieces when it spans two reads.
    if (m_lastWasValue || (m_headers->isEmpty() && !m_headersDone))
        m_headerBytes += kHeaderLineOverhead;
    if (!m_headersDone) {
        if (m_lastWasValue || m_headers->isEmpty())
            m_headers->emplaceBack(QByteArray(at, size), QByteArray());
        else
            m_headers->last().first.append(at, size);
        m_lastEnd = at + size;
        m_gapNewline = false;
        m_gapFold = false;
    }
    // else a trailer: counted, never kept (nor forwarded by the proxy).
    m_lastWasValue = false;
    return countHeaderBytes(size);
}

int HttpMessageParser::onHeaderValue(const char *at, qsizetype size)
{
    if (checkFraming(at + size) != 0)
        return -1;
    if (!m_headersDone) {
        if (!m_lastWasValue && !isToken(m_headers->last().first))
            return refuse(Fault::BadHeaderName);  // the name is whole once its value starts
        scanGap(m_lastEnd ? m_lastEnd : m_chunkBegin, at);
        // http-parser starts a folded piece at its leading space.
        if (m_gapFold || (m_gapNewline && size > 0 && (at[0] == ' ' || at[0] == '\t')))
            return refuse(Fault::FoldedHeader);
        m_gapNewline = false;
        m_lastEnd = at + size;
        m_headers->last().second.append(at, size);
    }
    m_lastWasValue = true;
    return countHeaderBytes(size);
}

int HttpMessageParser::onHeadersComplete()
{
    // A name is checked when its value starts; this catches one that never got a value.
    if (!m_lastWasValue && !m_headers->isEmpty() && !isToken(m_headers->last().first))
        return refuse(Fault::BadHeaderName);
    m_headersDone = true;
    const int body = headersDone();
    if (body >= 0)
        m_framing.headEnds(body == 0 && (m_parser.flags & F_CHUNKED));
    return body;
}

int HttpMessageParser::onMessageComplete()
{
    m_inMessage = false;
    // Stop here: the caller takes the message, then reads on.
    if (messageDone())
        http_parser_pause(&m_parser, 1);
    return 0;
}

HttpMessageParser::Outcome HttpMessageParser::execute(const char *data, qsizetype size, qsizetype *consumed)
{
    *consumed = 0;
    if (m_fault != Fault::None)
        return Outcome::Failed;
    if (size <= 0)
        return Outcome::NeedMore;  // zero bytes would tell http-parser the stream ended
    if (HTTP_PARSER_ERRNO(&m_parser) == HPE_PAUSED)
        http_parser_pause(&m_parser, 0);  // the previous message was taken

    m_chunkBegin = data;
    m_lastEnd = nullptr;
    m_checkedTo = data;
    const size_t parsed = http_parser_execute(&m_parser, &Callbacks::s_settings, data, static_cast<size_t>(size));
    *consumed = static_cast<qsizetype>(parsed);
    const auto error = HTTP_PARSER_ERRNO(&m_parser);
    // The rest of what the parser took: line ends, chunk sizes, the end of a head. A parser
    // error is reason enough on its own.
    if ((error == HPE_OK || error == HPE_PAUSED) && checkFraming(data + parsed) != 0) {
        m_chunkBegin = nullptr;
        m_lastEnd = nullptr;
        m_checkedTo = nullptr;
        return Outcome::Failed;
    }
    m_checkedTo = nullptr;
    if (error == HPE_PAUSED) {
        m_chunkBegin = nullptr;
        m_lastEnd = nullptr;
        return Outcome::Complete;
    }
    if (error != HPE_OK) {
        m_parserError = error;
        if (m_fault == Fault::None)
            m_fault = error >= HPE_CB_message_begin && error <= HPE_CB_chunk_complete ? Fault::Internal : Fault::Malformed;
        return Outcome::Failed;
    }
    // The tail after the last piece may end in a line break whose fold comes next read.
    if (m_inMessage && !m_headersDone)
        scanGap(m_lastEnd ? m_lastEnd : data, data + parsed);
    m_chunkBegin = nullptr;
    m_lastEnd = nullptr;
    return Outcome::NeedMore;
}

HttpMessageParser::Outcome HttpMessageParser::finish()
{
    if (m_fault != Fault::None)
        return Outcome::Failed;
    if (HTTP_PARSER_ERRNO(&m_parser) == HPE_PAUSED)
        http_parser_pause(&m_parser, 0);
    http_parser_execute(&m_parser, &Callbacks::s_settings, nullptr, 0);
    const auto error = HTTP_PARSER_ERRNO(&m_parser);
    if (error == HPE_PAUSED)
        return Outcome::Complete;  // framed by the end of the stream
    // HPE_OK: no message had begun; HPE_INVALID_EOF_STATE: one was cut short.
    m_parserError = error;
    m_fault = Fault::Ended;
    return Outcome::Failed;
}

} // namespace ServeDeck
