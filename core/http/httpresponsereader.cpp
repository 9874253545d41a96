#include "http/httpresponsereader.h"

#include "http/httpmessageparser.h"

namespace ServeDeck {

// The shared plumbing is HttpMessageParser's; this adds what only answers have: interim
// answers, the no-body rules and the events of one read.
struct HttpResponseReader::Private final : HttpMessageParser
{
    Limits limits;
    Head head;
    std::vector<Event> events;
    bool headRequest = false;
    bool informational = false;  // reading a 1xx, which a final answer follows
    bool keepAlive = false;

    Private()
        : HttpMessageParser(HTTP_RESPONSE, &head.headers)
    {
        setMaxHeaderBytes(limits.maxHeaderBytes);
        events.reserve(8);
    }

    void messageBegun() override
    {
        head.status = 0;
        head.contentLength = -1;
        head.chunked = false;
        head.bodyless = false;
        informational = false;
    }

    int headersDone() override
    {
        const int status = static_cast<int>(m_parser.status_code);
        if (status == 101) {
            // Never asked for (the proxy drops Upgrade as hop-by-hop): what follows is not HTTP.
            return refuse(Fault::Rejected);
        }
        if (status / 100 == 1) {
            // 100 Continue, 103 Early Hints: interim, a final answer follows on the same stream.
            informational = true;
            return 1;
        }
        head.status = status;
        head.chunked = (m_parser.flags & F_CHUNKED) != 0;
        if (!head.chunked && (m_parser.flags & F_CONTENTLENGTH))
            head.contentLength = static_cast<qint64>(m_parser.content_length);
        head.bodyless = headRequest || status == 204 || status == 304;
        events.push_back({Event::Kind::Head, {}});
        // 1 tells http-parser that this answer has no body whatever its headers say.
        return head.bodyless ? 1 : 0;
    }

    int bodyPiece(const char *at, qsizetype size) override
    {
        events.push_back({Event::Kind::Body, QByteArrayView(at, size)});
        return 0;
    }

    bool messageDone() override
    {
        if (informational)
            return false;  // read on: the final answer comes next
        keepAlive = http_should_keep_alive(&m_parser) != 0;
        return true;
    }

    static Result resultOf(Outcome outcome)
    {
        switch (outcome) {
        case Outcome::Complete:
            return Result::Complete;
        case Outcome::Failed:
            return Result::Failed;
        case Outcome::NeedMore:
            break;
        }
        return Result::NeedMore;
    }
};

HttpResponseReader::HttpResponseReader()
    : d(std::make_unique<Private>())
{
}

HttpResponseReader::~HttpResponseReader() = default;

void HttpResponseReader::setLimits(const Limits &limits)
{
    d->limits = limits;
    d->setMaxHeaderBytes(limits.maxHeaderBytes);
}

const HttpResponseReader::Limits &HttpResponseReader::limits() const
{
    return d->limits;
}

void HttpResponseReader::expect(bool headRequest)
{
    d->reset();
    d->events.clear();
    d->head = Head();
    d->headRequest = headRequest;
    d->informational = false;
    d->keepAlive = false;
}

HttpResponseReader::Result HttpResponseReader::read(const char *data, qsizetype size, qsizetype *consumed)
{
    d->events.clear();
    return Private::resultOf(d->execute(data, size, consumed));
}

HttpResponseReader::Result HttpResponseReader::finish()
{
    d->events.clear();
    return Private::resultOf(d->finish());
}

const std::vector<HttpResponseReader::Event> &HttpResponseReader::events() const
{
    return d->events;
}

const HttpResponseReader::Head &HttpResponseReader::head() const
{
    return d->head;
}

bool HttpResponseReader::keepAlive() const
{
    return d->keepAlive;
}

HttpResponseReader::Failure HttpResponseReader::failure() const
{
    using Fault = HttpMessageParser::Fault;
    switch (d->fault()) {
    case Fault::None:
        return Failure::None;
    case Fault::HeadersTooLarge:
        return Failure::TooLarge;
    case Fault::Malformed:
        // http-parser's own cap on a head, below ours when ours is larger.
        return d->parserError() == HPE_HEADER_OVERFLOW ? Failure::TooLarge : Failure::Malformed;
    case Fault::Ended:
        return Failure::Closed;
    case Fault::BadHeaderName:
    case Fault::FoldedHeader:
    case Fault::BadFraming:
    case Fault::Rejected:
    case Fault::Internal:
        break;
    }
    return Failure::Malformed;
}

QString HttpResponseReader::failureText() const
{
    using Fault = HttpMessageParser::Fault;
    switch (d->fault()) {
    case Fault::None:
        return {};
    case Fault::HeadersTooLarge:
        return QStringLiteral("more than %1 bytes of headers").arg(d->maxHeaderBytes());
    case Fault::BadHeaderName:
        return QStringLiteral("header name is not an RFC 9110 token");
    case Fault::FoldedHeader:
        return QStringLiteral("folded header line (obs-fold)");
    case Fault::BadFraming:
        return QStringLiteral("broken framing: ") % d->framingError();
    case Fault::Rejected:
        return QStringLiteral("switched protocols unasked");
    case Fault::Internal:
        return QStringLiteral("internal error");
    case Fault::Ended:
        return d->inMessage() ? QStringLiteral("the answer was cut short") : QStringLiteral("no answer");
    case Fault::Malformed:
        if (d->parserError() == HPE_HEADER_OVERFLOW)
            return QStringLiteral("more than %1 bytes of headers").arg(HTTP_MAX_HEADER_SIZE);
        break;
    }
    return HttpMessageParser::describe(d->parserError());
}

} // namespace ServeDeck
