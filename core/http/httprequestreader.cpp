#include "http/httprequestreader.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include <http_parser.h>

#include "domain/serviceerror.h"

namespace ServeDeck {

namespace {

// A body buffer is kept between requests only when small: one large upload should not pin
// its size per idle keep-alive connection.
constexpr qsizetype kRetainedBodyCapacity = 64 * 1024;
// http-parser hands us the URL, header names and values; this approximates the syntax
// around them (method, " HTTP/1.1", ": ", CRLF) for maxHeaderBytes.
constexpr qsizetype kRequestLineOverhead = 16;
constexpr qsizetype kHeaderLineOverhead = 4;

// RFC 9110 5.6.2: tchar. http-parser (not built strict) also lets a space through.
bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

bool isToken(QByteArrayView name)
{
    return !name.isEmpty() && std::all_of(name.begin(), name.end(), isTokenChar);
}

} // namespace

struct HttpRequestReader::Private
{
    http_parser parser;
    Limits limits;
    Message message;
    Refusal refusal = Refusal::None;
    http_errno parserError = HPE_OK;
    // obs-fold is seen in the bytes between a header's end and the next value: they hold
    // ":" and spaces, unless a line break followed by a space or tab folded the value.
    const char *chunkBegin = nullptr;  // the data of the running read()
    const char *lastEnd = nullptr;  // end of the last name or value piece in it, if any
    qsizetype headerBytes = 0;
    quint64 announcedBody = 0;  // Content-Length, or the running sum of chunk sizes
    bool gapNewline = false;  // the bytes since the last piece end in '\n'
    bool gapFold = false;  // ... and hold a line break followed by a space or tab
    bool lastWasValue = false;
    bool inMessage = false;
    bool headersDone = false;  // what follows the body are trailers
    bool continueOwed = false;
    bool checkTarget = false;

    static const http_parser_settings s_settings;

    static Private *of(http_parser *parser) { return static_cast<Private *>(parser->data); }

    void scanGap(const char *from, const char *to)
    {
        for (const char *p = from; p < to; ++p) {
            if (gapNewline && (*p == ' ' || *p == '\t'))
                gapFold = true;
            gapNewline = *p == '\n';
        }
    }

    int refuse(Refusal why)
    {
        refusal = why;
        return -1;
    }

    int countHeaderBytes(qsizetype bytes)
    {
        headerBytes += bytes;
        return headerBytes > limits.maxHeaderBytes ? refuse(Refusal::HeadersTooLarge) : 0;
    }

    void setMethod()
    {
        // Static storage: no copy, no allocation.
        const char *name = http_method_str(static_cast<enum http_method>(parser.method));
        message.method = QByteArray::fromRawData(name, static_cast<qsizetype>(std::strlen(name)));
    }

    int onMessageBegin()
    {
        // Truncate rather than reassign, so that buffers keep their capacity.
        message.method = QByteArray();
        message.target.resize(0);
        message.headers.clear();
        if (message.body.capacity() > kRetainedBodyCapacity)
            message.body = QByteArray();
        else
            message.body.resize(0);
        message.keepAlive = false;
        message.upgrade = false;
        message.hasBodyFraming = false;
        headerBytes = kRequestLineOverhead;
        announcedBody = 0;
        gapNewline = false;
        gapFold = false;
        lastWasValue = false;
        inMessage = true;
        headersDone = false;
        continueOwed = false;
        return 0;
    }

    int onUrl(const char *at, size_t length)
    {
        // The method is known from here on: a refusal of a HEAD request goes without body.
        if (message.target.isEmpty())
            setMethod();
        message.target.append(at, static_cast<qsizetype>(length));
        return countHeaderBytes(static_cast<qsizetype>(length));
    }

    int onHeaderField(const char *at, size_t length)
    {
        // A name or value can arrive in several pieces when it spans two reads.
        const auto size = static_cast<qsizetype>(length);
        if (lastWasValue || (message.headers.isEmpty() && !headersDone))
            headerBytes += kHeaderLineOverhead;
        if (!headersDone) {
            if (lastWasValue || message.headers.isEmpty())
                message.headers.emplaceBack(QByteArray(at, size), QByteArray());
            else
                message.headers.last().first.append(at, size);
            lastEnd = at + size;
            gapNewline = false;
            gapFold = false;
        }
        // else a trailer: counted, never kept (nor forwarded by the proxy).
        lastWasValue = false;
        return countHeaderBytes(size);
    }

    int onHeaderValue(const char *at, size_t length)
    {
        const auto size = static_cast<qsizetype>(length);
        if (!headersDone) {
            if (!lastWasValue && !isToken(message.headers.last().first))
                return refuse(Refusal::BadHeaderName);  // the name is whole once its value starts
            scanGap(lastEnd ? lastEnd : chunkBegin, at);
            // http-parser starts a folded piece at its leading space.
            if (gapFold || (gapNewline && size > 0 && (at[0] == ' ' || at[0] == '\t')))
                return refuse(Refusal::FoldedHeader);
            gapNewline = false;
            lastEnd = at + size;
            message.headers.last().second.append(at, size);
        }
        lastWasValue = true;
        return countHeaderBytes(size);
    }

    int onHeadersComplete()
    {
        // A name is checked when its value starts; this catches one that never got a value.
        if (!lastWasValue && !message.headers.isEmpty() && !isToken(message.headers.last().first))
            return refuse(Refusal::BadHeaderName);
        headersDone = true;
        setMethod();
        message.httpMajor = parser.http_major;
        message.httpMinor = parser.http_minor;
        if (checkTarget) {
            QByteArrayView path;
            QByteArrayView query;
            if (!parseTarget(message.target, parser.method == HTTP_CONNECT, &path, &query))
                return refuse(Refusal::BadTarget);
        }

        // Refuse before reading any of the body. Chunked sizes are checked as each chunk
        // header arrives (onChunkHeader).
        const auto limit = static_cast<quint64>(std::max<qsizetype>(0, limits.maxBodyBytes));
        const bool chunked = parser.flags & F_CHUNKED;
        const bool hasLength = !chunked && (parser.flags & F_CONTENTLENGTH);
        message.hasBodyFraming = chunked || hasLength;
        if (hasLength) {
            if (parser.content_length > limit)
                return refuse(Refusal::BodyTooLarge);
            announcedBody = parser.content_length;
            message.body.reserve(static_cast<qsizetype>(parser.content_length));
        }
        // Clients that wait for "100 Continue" (curl does above 1 KiB) would otherwise stall
        // for a second before sending the body.
        if ((chunked || announcedBody > 0) && parser.http_major == 1 && parser.http_minor >= 1
            && ProxyHttp::equalsIgnoringCase(ProxyHttp::headerValue(message.headers, "expect"), "100-continue")) {
            continueOwed = true;
        }
        return 0;
    }

    int onBody(const char *at, size_t length)
    {
        const auto size = static_cast<qsizetype>(length);
        // Both framings were checked up front; this only guards against surprises.
        if (message.body.size() + size > limits.maxBodyBytes)
            return refuse(Refusal::BodyTooLarge);
        message.body.append(at, size);
        return 0;
    }

    int onChunkHeader()
    {
        // content_length holds the size of the chunk about to be read.
        const auto limit = static_cast<quint64>(std::max<qsizetype>(0, limits.maxBodyBytes));
        if (parser.content_length > limit - announcedBody)  // no overflow: announcedBody <= limit
            return refuse(Refusal::BodyTooLarge);
        announcedBody += parser.content_length;
        return 0;
    }

    int onMessageComplete()
    {
        message.keepAlive = http_should_keep_alive(&parser) != 0;
        message.upgrade = parser.upgrade;
        inMessage = false;
        // Stop here: the caller answers, then reads on.
        http_parser_pause(&parser, 1);
        return 0;
    }

    // The C parser must never see an exception unwinding through it.
    template<int (Private::*Callback)()>
    static int notify(http_parser *parser) noexcept
    {
        try {
            return (of(parser)->*Callback)();
        } catch (...) {
            return -1;
        }
    }
    template<int (Private::*Callback)(const char *, size_t)>
    static int data(http_parser *parser, const char *at, size_t length) noexcept
    {
        try {
            return (of(parser)->*Callback)(at, length);
        } catch (...) {
            return -1;
        }
    }
};

const http_parser_settings HttpRequestReader::Private::s_settings = [] {
    http_parser_settings settings;
    http_parser_settings_init(&settings);
    settings.on_message_begin = &notify<&Private::onMessageBegin>;
    settings.on_url = &data<&Private::onUrl>;
    settings.on_header_field = &data<&Private::onHeaderField>;
    settings.on_header_value = &data<&Private::onHeaderValue>;
    settings.on_headers_complete = &notify<&Private::onHeadersComplete>;
    settings.on_body = &data<&Private::onBody>;
    settings.on_chunk_header = &notify<&Private::onChunkHeader>;
    settings.on_message_complete = &notify<&Private::onMessageComplete>;
    return settings;
}();

HttpRequestReader::HttpRequestReader()
    : d(std::make_unique<Private>())
{
    http_parser_init(&d->parser, HTTP_REQUEST);
    d->parser.data = d.get();
    d->message.headers.reserve(16);
}

HttpRequestReader::~HttpRequestReader() = default;

void HttpRequestReader::setLimits(const Limits &limits)
{
    d->limits = limits;
}

void HttpRequestReader::setCheckTarget(bool check)
{
    d->checkTarget = check;
}

HttpRequestReader::Result HttpRequestReader::read(const char *data, qsizetype size, qsizetype *consumed)
{
    *consumed = 0;
    if (d->refusal != Refusal::None || d->parserError != HPE_OK)
        return Result::Refused;
    if (size <= 0)
        return Result::NeedMore;  // zero bytes would tell http-parser the stream ended
    if (HTTP_PARSER_ERRNO(&d->parser) == HPE_PAUSED)
        http_parser_pause(&d->parser, 0);  // the previous request was taken

    d->chunkBegin = data;
    d->lastEnd = nullptr;
    const size_t parsed = http_parser_execute(&d->parser, &Private::s_settings, data, static_cast<size_t>(size));
    *consumed = static_cast<qsizetype>(parsed);
    const auto error = HTTP_PARSER_ERRNO(&d->parser);
    if (error == HPE_PAUSED)
        return Result::Message;
    if (error != HPE_OK) {
        d->parserError = error;
        if (d->refusal == Refusal::None)
            d->refusal = error >= HPE_CB_message_begin && error <= HPE_CB_chunk_complete ? Refusal::Internal
                                                                                          : Refusal::Malformed;
        return Result::Refused;
    }
    // The tail after the last piece may end in a line break whose fold comes next read.
    if (d->inMessage && !d->headersDone)
        d->scanGap(d->lastEnd ? d->lastEnd : data, data + parsed);
    d->chunkBegin = nullptr;
    d->lastEnd = nullptr;
    // Only an upgrade stops the parser early; never spin on bytes it will not take.
    return static_cast<qsizetype>(parsed) < size ? Result::Stopped : Result::NeedMore;
}

const HttpRequestReader::Message &HttpRequestReader::message() const
{
    return d->message;
}

bool HttpRequestReader::inMessage() const
{
    return d->inMessage;
}

bool HttpRequestReader::takeContinue()
{
    return std::exchange(d->continueOwed, false);
}

HttpRequestReader::Refusal HttpRequestReader::refusal() const
{
    return d->refusal;
}

HttpError HttpRequestReader::error() const
{
    const QString invalid = errorTypeName(ErrorType::InvalidArgument);
    switch (d->refusal) {
    case Refusal::None:
        break;
    case Refusal::BodyTooLarge:
        return {413, errorTypeName(ErrorType::PayloadTooLarge),
                QStringLiteral("request body exceeds %1 bytes").arg(d->limits.maxBodyBytes),
                {{QStringLiteral("limit"), d->limits.maxBodyBytes}}};
    case Refusal::HeadersTooLarge:
        return {431, invalid, QStringLiteral("request headers exceed %1 bytes").arg(d->limits.maxHeaderBytes),
                {{QStringLiteral("limit"), d->limits.maxHeaderBytes}}};
    case Refusal::BadTarget:
        return {400, invalid, QStringLiteral("invalid request target"), {}};
    case Refusal::BadHeaderName:
        return {400, invalid, QStringLiteral("invalid header name: not an RFC 9110 token"), {}};
    case Refusal::FoldedHeader:
        return {400, invalid, QStringLiteral("folded header line (obs-fold) is not accepted"), {}};
    case Refusal::Internal:
        // Not an ErrorType: a server fault is never a service-level outcome.
        return {500, QStringLiteral("InternalError"), QStringLiteral("internal server error"), {}};
    case Refusal::Malformed:
        if (d->parserError == HPE_HEADER_OVERFLOW) {
            // http-parser's own compiled-in cap, hit when maxHeaderBytes is larger.
            return {431, invalid, QStringLiteral("request headers exceed %1 bytes").arg(HTTP_MAX_HEADER_SIZE),
                    {{QStringLiteral("limit"), HTTP_MAX_HEADER_SIZE}}};
        }
        const QString name = QString::fromLatin1(http_errno_name(d->parserError));
        return {400, invalid,
                QStringLiteral("malformed HTTP request: ") % name % QStringLiteral(" (")
                    % QString::fromLatin1(http_errno_description(d->parserError)) % u')',
                {{QStringLiteral("parserError"), name}}};
    }
    return {};
}

void HttpRequestReader::dropLargeBody()
{
    if (d->message.body.capacity() > kRetainedBodyCapacity)
        d->message.body = QByteArray();
}

bool HttpRequestReader::parseTarget(QByteArrayView target, bool connect, QByteArrayView *path, QByteArrayView *query)
{
    http_parser_url url;
    http_parser_url_init(&url);
    if (http_parser_parse_url(target.data(), static_cast<size_t>(target.size()), connect, &url) != 0) {
        if (target == "*") {  // asterisk-form (OPTIONS *) is HTTP, not a URL
            *path = target;
            *query = QByteArrayView();
            return true;
        }
        return false;
    }
    const auto field = [&](int which) {
        return (url.field_set & (1 << which))
            ? target.sliced(url.field_data[which].off, url.field_data[which].len)
            : QByteArrayView();
    };
    *path = field(UF_PATH);
    *query = field(UF_QUERY);
    return true;
}

} // namespace ServeDeck
