#include "http/httprequestreader.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "domain/serviceerror.h"
#include "http/httpmessageparser.h"

namespace ServeDeck {

namespace {

// A body buffer is kept between requests only when small: one large upload should not pin
// its size per idle keep-alive connection.
constexpr qsizetype kRetainedBodyCapacity = 64 * 1024;

} // namespace

// The shared plumbing is HttpMessageParser's; this adds what only requests have: the method and
// target, the body limit, "100 Continue", and the target's form.
struct HttpRequestReader::Private final : HttpMessageParser
{
    Message message;
    qsizetype maxBodyBytes = Limits().maxBodyBytes;
    Refusal refusal = Refusal::None;  // a request-only refusal (Fault::Rejected)
    quint64 announcedBody = 0;  // Content-Length, or the running sum of chunk sizes
    bool continueOwed = false;
    bool checkTarget = false;
    HeadCheck headCheck;
    const char *headersWhy = "";  // static text for Refusal::BadHeaders

    Private()
        : HttpMessageParser(HTTP_REQUEST, &message.headers)
    {
        message.headers.reserve(16);
    }

    int reject(Refusal why)
    {
        refusal = why;
        return refuse(Fault::Rejected);
    }

    void setMethod()
    {
        // Static storage: no copy, no allocation.
        const char *name = http_method_str(static_cast<enum http_method>(m_parser.method));
        message.method = QByteArray::fromRawData(name, static_cast<qsizetype>(std::strlen(name)));
    }

    void messageBegun() override
    {
        // Truncate rather than reassign, so that buffers keep their capacity.
        message.method = QByteArray();
        message.target.resize(0);
        if (message.body.capacity() > kRetainedBodyCapacity)
            message.body = QByteArray();
        else
            message.body.resize(0);
        message.keepAlive = false;
        message.upgrade = false;
        message.hasBodyFraming = false;
        announcedBody = 0;
        continueOwed = false;
    }

    int urlPiece(const char *at, qsizetype size) override
    {
        // The method is known from here on: a refusal of a HEAD request goes without body.
        if (message.target.isEmpty())
            setMethod();
        // http-parser (not built strict) lets tab, form feed and DEL into a target, which a
        // proxy would pass on raw in its own request line: never a valid target byte.
        if (std::any_of(at, at + size, [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; }))
            return reject(Refusal::BadTarget);
        message.target.append(at, size);
        return countHeaderBytes(size);
    }

    int rejectHeaders(const char *why)
    {
        headersWhy = why;
        return reject(Refusal::BadHeaders);
    }

    // Where two parsers could frame the body or pick the host differently (RFC 9112 6.1, 3.2).
    int checkFramingHeaders()
    {
        int hosts = 0;
        int codings = 0;
        QByteArrayView coding;
        for (const auto &[name, value] : message.headers) {
            if (ProxyHttp::equalsIgnoringCase(name, "host")) {
                ++hosts;
            } else if (ProxyHttp::equalsIgnoringCase(name, "transfer-encoding")) {
                ++codings;
                coding = QByteArrayView(value).trimmed();
            }
        }
        if (codings > 1)
            return rejectHeaders("more than one Transfer-Encoding header");
        if (codings == 1 && !ProxyHttp::equalsIgnoringCase(coding, "chunked"))
            return rejectHeaders("Transfer-Encoding other than chunked");
        if (hosts > 1)
            return rejectHeaders("more than one Host header");
        if (hosts == 0 && m_parser.http_major == 1 && m_parser.http_minor >= 1)
            return rejectHeaders("Host header missing");
        return 0;
    }

    int headersDone() override
    {
        setMethod();
        message.httpMajor = m_parser.http_major;
        message.httpMinor = m_parser.http_minor;
        if (checkFramingHeaders() != 0)
            return -1;
        if (checkTarget) {
            QByteArrayView path;
            QByteArrayView query;
            if (!parseTarget(message.target, m_parser.method == HTTP_CONNECT, &path, &query))
                return reject(Refusal::BadTarget);
        }

        // Refuse before reading any of the body. Chunked sizes are checked as each chunk
        // header arrives (chunkHeader).
        const auto limit = static_cast<quint64>(std::max<qsizetype>(0, maxBodyBytes));
        const bool chunked = m_parser.flags & F_CHUNKED;
        const bool hasLength = !chunked && (m_parser.flags & F_CONTENTLENGTH);
        message.hasBodyFraming = chunked || hasLength;
        if (hasLength) {
            if (m_parser.content_length > limit)
                return reject(Refusal::BodyTooLarge);
            announcedBody = m_parser.content_length;
            // Only what has arrived is held: a client that announces a megabyte and sends
            // nothing must not pin one per connection. QByteArray grows as bytes come.
            message.body.reserve(static_cast<qsizetype>(std::min<quint64>(m_parser.content_length, kRetainedBodyCapacity)));
        }
        // Before "100 Continue" and before the body: a refused client never gets to upload.
        if (headCheck && !headCheck(message))
            return reject(Refusal::RefusedAtHead);
        // Clients that wait for "100 Continue" (curl does above 1 KiB) would otherwise stall
        // for a second before sending the body.
        if ((chunked || announcedBody > 0) && m_parser.http_major == 1 && m_parser.http_minor >= 1
            && ProxyHttp::equalsIgnoringCase(ProxyHttp::headerValue(message.headers, "expect"), "100-continue")) {
            continueOwed = true;
        }
        return 0;
    }

    int bodyPiece(const char *at, qsizetype size) override
    {
        // Both framings were checked up front; this only guards against surprises.
        if (message.body.size() + size > maxBodyBytes)
            return reject(Refusal::BodyTooLarge);
        message.body.append(at, size);
        return 0;
    }

    int chunkHeader() override
    {
        // content_length holds the size of the chunk about to be read.
        const auto limit = static_cast<quint64>(std::max<qsizetype>(0, maxBodyBytes));
        if (m_parser.content_length > limit - announcedBody)  // no overflow: announcedBody <= limit
            return reject(Refusal::BodyTooLarge);
        announcedBody += m_parser.content_length;
        return 0;
    }

    bool messageDone() override
    {
        message.keepAlive = http_should_keep_alive(&m_parser) != 0;
        message.upgrade = m_parser.upgrade;
        return true;  // the caller answers, then reads on
    }

    Result read(const char *data, qsizetype size, qsizetype *consumed)
    {
        switch (execute(data, size, consumed)) {
        case Outcome::Complete:
            return Result::Message;
        case Outcome::Failed:
            return Result::Refused;
        case Outcome::NeedMore:
            break;
        }
        // Only an upgrade stops the parser early; never spin on bytes it will not take.
        return *consumed < size ? Result::Stopped : Result::NeedMore;
    }

    Refusal currentRefusal() const
    {
        switch (fault()) {
        case Fault::None:
            return Refusal::None;
        case Fault::HeadersTooLarge:
            return Refusal::HeadersTooLarge;
        case Fault::BadHeaderName:
            return Refusal::BadHeaderName;
        case Fault::FoldedHeader:
            return Refusal::FoldedHeader;
        case Fault::BadFraming:
            return Refusal::BadFraming;
        case Fault::Malformed:
        case Fault::Ended:
            return Refusal::Malformed;
        case Fault::Rejected:
            return refusal;
        case Fault::Internal:
            break;
        }
        return Refusal::Internal;
    }
};

HttpRequestReader::HttpRequestReader()
    : d(std::make_unique<Private>())
{
}

HttpRequestReader::~HttpRequestReader() = default;

void HttpRequestReader::setLimits(const Limits &limits)
{
    d->maxBodyBytes = limits.maxBodyBytes;
    d->setMaxHeaderBytes(limits.maxHeaderBytes);
}

void HttpRequestReader::setCheckTarget(bool check)
{
    d->checkTarget = check;
}

void HttpRequestReader::setHeadCheck(HeadCheck check)
{
    d->headCheck = std::move(check);
}

HttpRequestReader::Result HttpRequestReader::read(const char *data, qsizetype size, qsizetype *consumed)
{
    return d->read(data, size, consumed);
}

const HttpRequestReader::Message &HttpRequestReader::message() const
{
    return d->message;
}

bool HttpRequestReader::inMessage() const
{
    return d->inMessage();
}

bool HttpRequestReader::inHead() const
{
    return d->inHead();
}

bool HttpRequestReader::takeContinue()
{
    return std::exchange(d->continueOwed, false);
}

HttpRequestReader::Refusal HttpRequestReader::refusal() const
{
    return d->currentRefusal();
}

HttpError HttpRequestReader::error() const
{
    const QString invalid = errorTypeName(ErrorType::InvalidArgument);
    switch (d->currentRefusal()) {
    case Refusal::None:
        break;
    case Refusal::BodyTooLarge:
        return {413, errorTypeName(ErrorType::PayloadTooLarge),
                QStringLiteral("request body exceeds %1 bytes").arg(d->maxBodyBytes),
                {{QStringLiteral("limit"), d->maxBodyBytes}}};
    case Refusal::HeadersTooLarge:
        return {431, invalid, QStringLiteral("request headers exceed %1 bytes").arg(d->maxHeaderBytes()),
                {{QStringLiteral("limit"), d->maxHeaderBytes()}}};
    case Refusal::BadTarget:
        return {400, invalid, QStringLiteral("invalid request target"), {}};
    case Refusal::BadHeaderName:
        return {400, invalid, QStringLiteral("invalid header name: not an RFC 9110 token"), {}};
    case Refusal::FoldedHeader:
        return {400, invalid, QStringLiteral("folded header line (obs-fold) is not accepted"), {}};
    case Refusal::BadFraming:
        return {400, invalid, QStringLiteral("malformed HTTP framing: ") % d->framingError(), {}};
    case Refusal::BadHeaders:
        return {400, invalid, QStringLiteral("invalid request headers: ") % QLatin1StringView(d->headersWhy), {}};
    case Refusal::RefusedAtHead:
        // The head check answered; this only stands in should a caller ask.
        return {403, errorTypeName(ErrorType::Forbidden), QStringLiteral("request refused"), {}};
    case Refusal::Internal:
        // Not an ErrorType: a server fault is never a service-level outcome.
        return {500, QStringLiteral("InternalError"), QStringLiteral("internal server error"), {}};
    case Refusal::Malformed:
        if (d->parserError() == HPE_HEADER_OVERFLOW) {
            // http-parser's own compiled-in cap, hit when maxHeaderBytes is larger.
            return {431, invalid, QStringLiteral("request headers exceed %1 bytes").arg(HTTP_MAX_HEADER_SIZE),
                    {{QStringLiteral("limit"), HTTP_MAX_HEADER_SIZE}}};
        }
        return {400, invalid, QStringLiteral("malformed HTTP request: ") % HttpMessageParser::describe(d->parserError()),
                {{QStringLiteral("parserError"), QString::fromLatin1(http_errno_name(d->parserError()))}}};
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
