#include "tryrequest.h"

#include <algorithm>

#include <QRegularExpression>
#include <QUrl>

#include "traffic/requestsender.h"

namespace ServeDeck {

namespace {

// An event stream's block that never ends is not buffered without bound.
constexpr qsizetype kMaxPendingEventBytes = 1024 * 1024;

double msBetween(qint64 fromNs, qint64 toNs)
{
    return double(toNs - fromNs) / 1e6;
}

// The stream is read as server-sent events when it starts like them: a JSON or text answer
// never does, so one is never shown as a list of pieces.
bool looksLikeEventStream(QByteArrayView start)
{
    for (const char *field : {"data:", "event:", "id:", "retry:", ":"}) {
        const QByteArrayView f(field);
        if (start.size() >= f.size() ? start.startsWith(f) : f.startsWith(start))
            return true;
    }
    return false;
}

bool isToken(QByteArrayView name)
{
    static const QRegularExpression token(QStringLiteral("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"));
    return token.match(QString::fromLatin1(name)).hasMatch();
}

} // namespace

struct TryRequest::Private
{
    TrySettings settings;
    RequestSender *sender = nullptr;
    quint64 id = 0;
    qint64 sentNs = 0;
    bool running = false;
    // Server-sent events, parsed as the pieces arrive.
    QByteArray pending;
    std::optional<bool> eventStream;  // unknown until the first bytes
    QList<TryEvent> events;
    quint64 eventCount = 0;
    bool pendingOverflow = false;
};

TryRequest::TryRequest(TrySettings settings, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    qRegisterMetaType<ServeDeck::TryEvent>();
    qRegisterMetaType<ServeDeck::TryResult>();
    d->settings = std::move(settings);
}

TryRequest::~TryRequest() = default;

Result<QPair<QByteArray, QByteArray>> TryRequest::parseHeader(const QString &text)
{
    const auto colon = text.indexOf(u':');
    if (colon <= 0)
        return makeError(ErrorType::InvalidArgument, QStringLiteral("a header is 'Name: value', not '%1'").arg(text.left(80)));
    const QByteArray name = text.left(colon).trimmed().toLatin1();
    const QString value = text.mid(colon + 1).trimmed();
    if (!isToken(name) || name.size() > 256)
        return makeError(ErrorType::InvalidArgument, QStringLiteral("'%1' is not a header name").arg(text.left(colon).left(80)));
    for (const QChar c : value) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f || c.unicode() > 0xff)
            return makeError(ErrorType::InvalidArgument,
                             QStringLiteral("the value of header '%1' has a character a header cannot carry")
                                 .arg(QString::fromLatin1(name)));
    }
    if (value.size() > 8192)
        return makeError(ErrorType::InvalidArgument, QStringLiteral("the value of header '%1' is longer than 8192 bytes")
                                                         .arg(QString::fromLatin1(name)));
    return QPair<QByteArray, QByteArray>(name, value.toLatin1());
}

Result<Done> TryRequest::validate(const TrySettings &s)
{
    const QUrl url(s.url, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != u"http" || url.host().isEmpty())
        return makeError(ErrorType::InvalidArgument, QStringLiteral("the endpoint's URL '%1' is not an http:// URL").arg(s.url));
    if (!s.path.isEmpty() && (!s.path.startsWith(u'/') || s.path.contains(u' ') || s.path.size() > 2048))
        return makeError(ErrorType::InvalidArgument,
                         QStringLiteral("the path must start with '/', have no spaces and be at most 2048 characters"));
    static const QRegularExpression method(QStringLiteral("^[A-Z]{1,16}$"));
    if (!method.match(QString::fromLatin1(s.method)).hasMatch())
        return makeError(ErrorType::InvalidArgument, QStringLiteral("'%1' is not an HTTP method").arg(QString::fromLatin1(s.method.left(20))));
    if (s.body.size() > kMaxBodyBytes)
        return makeError(ErrorType::PayloadTooLarge, QStringLiteral("the body is larger than %1 bytes").arg(kMaxBodyBytes));
    if (s.headers.size() > kMaxHeaders)
        return makeError(ErrorType::InvalidArgument, QStringLiteral("more than %1 headers").arg(kMaxHeaders));
    for (const auto &[name, value] : s.headers) {
        const auto parsed = parseHeader(QString::fromLatin1(name) + QStringLiteral(": ") + QString::fromLatin1(value));
        if (!parsed)
            return parsed.error();
        // The sender frames the request; these would contradict it.
        if (ProxyHttp::equalsIgnoringCase(name, "Host") || ProxyHttp::equalsIgnoringCase(name, "Content-Length")
            || ProxyHttp::isHopByHop(name))
            return makeError(ErrorType::InvalidArgument,
                             QStringLiteral("header '%1' is set by the sender").arg(QString::fromLatin1(name)));
    }
    if (s.timeoutMs <= 0 || s.timeoutMs > kMaxTimeoutMs)
        return makeError(ErrorType::InvalidArgument, QStringLiteral("the timeout must be 1 ms to %1 ms").arg(kMaxTimeoutMs));
    return Done{};
}

bool TryRequest::running() const
{
    return d->running;
}

Result<Done> TryRequest::start()
{
    if (d->running)
        return makeError(ErrorType::InvalidArgument, QStringLiteral("a request is in flight already"));
    if (auto valid = validate(d->settings); !valid)
        return valid;
    const QUrl url(d->settings.url);
    const int port = url.port(80);
    QString base = url.path(QUrl::FullyEncoded);
    while (base.endsWith(u'/'))
        base.chop(1);
    QString path = base + d->settings.path;
    if (path.isEmpty())
        path = QStringLiteral("/");

    delete d->sender;
    RequestSender::Options options;
    options.maxConnections = 1;
    options.timeoutMs = d->settings.timeoutMs;
    options.keepBodyBytes = kKeepBodyBytes;
    options.emitBodyPieces = true;
    d->sender = new RequestSender(url.host(), quint16(port), options, this);
    d->pending.clear();
    d->eventStream.reset();
    d->events.clear();
    d->eventCount = 0;
    d->pendingOverflow = false;

    connect(d->sender, &RequestSender::bodyPiece, this, [this](quint64 id, const QByteArray &piece, qint64 atNs) {
        if (id != d->id || d->pendingOverflow)
            return;
        if (!d->eventStream) {
            if (d->pending.size() + piece.size() < 8) {
                d->pending += piece;
                if (!looksLikeEventStream(d->pending))
                    d->eventStream = false;
                return;
            }
            d->eventStream = looksLikeEventStream(QByteArray(d->pending + piece).left(8));
        }
        if (!*d->eventStream)
            return;
        d->pending += piece;
        d->pending.replace("\r\n", "\n");
        qsizetype end = 0;
        while ((end = d->pending.indexOf("\n\n")) >= 0) {
            const QByteArray block = d->pending.left(end);
            d->pending.remove(0, end + 2);
            QList<QByteArray> data;
            for (const QByteArray &line : block.split('\n')) {
                if (line.startsWith("data:"))
                    data << (line.size() > 5 && line.at(5) == ' ' ? line.mid(6) : line.mid(5));
            }
            if (data.isEmpty())
                continue;  // a comment or a keep-alive
            TryEvent event{msBetween(d->sentNs, atNs), data.join('\n')};
            ++d->eventCount;
            if (d->events.size() < kMaxEvents)
                d->events.append(event);
            Q_EMIT eventArrived(event);
        }
        if (d->pending.size() > kMaxPendingEventBytes) {
            d->pendingOverflow = true;
            d->pending.clear();
        }
    });
    connect(d->sender, &RequestSender::finished, this, [this](const TrafficAnswer &a) {
        if (a.id != d->id)
            return;
        d->running = false;
        TryResult r;
        r.status = a.status;
        r.error = a.error;
        r.routeId = a.routeId;
        r.revision = a.revision;
        r.contentType = a.contentType;
        r.connectMs = a.connectNs >= 0 ? double(a.connectNs) / 1e6 : -1;
        // From the start, as the operator waited: a new connection's set-up counts too.
        r.firstByteMs = a.firstByteNs >= 0 ? msBetween(a.scheduledNs, a.firstByteNs) : -1;
        r.totalMs = msBetween(a.scheduledNs, a.doneNs);
        r.body = a.body;
        r.stream = a.contentType.startsWith("text/event-stream") || (d->eventStream.value_or(false) && d->eventCount > 0);
        r.events = d->events;
        r.eventCount = d->eventCount;
        r.tokens = a.tokens;
        if (a.firstTokenNs)
            r.ttftMs = msBetween(a.scheduledNs, *a.firstTokenNs);
        if (a.decodeNanos > 0 && a.decodeTokens > 0)
            r.tokensPerSecond = double(a.decodeTokens) * 1e9 / double(a.decodeNanos);
        // A stream that is not OpenAI-style: its events stand for tokens.
        if (r.stream && !r.ttftMs && !d->events.isEmpty()) {
            r.ttftMs = d->events.first().atMs;
            const double span = d->events.last().atMs - d->events.first().atMs;
            if (d->eventCount > 1 && span > 0)
                r.tokensPerSecond = double(d->eventCount - 1) * 1000.0 / span;
        }
        Q_EMIT finished(r);
    });

    TrafficRequest request;
    request.method = d->settings.method;
    request.path = path.toUtf8();
    request.headers = d->settings.headers;
    request.body = d->settings.body;
    if (!d->settings.body.isEmpty() && !ProxyHttp::headerValue(request.headers, "Content-Type").size())
        request.headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
    d->running = true;
    d->sentNs = d->sender->nowNs();
    d->id = d->sender->send(std::move(request), d->sentNs);
    return Done{};
}

void TryRequest::cancel()
{
    if (d->running && d->sender)
        d->sender->abortAll();
}

} // namespace ServeDeck
