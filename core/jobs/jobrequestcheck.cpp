#include "jobrequestcheck.h"

#include "http/proxyhttp.h"

namespace ServeDeck {

namespace {

constexpr qsizetype kMaxMethod = 16;
constexpr qsizetype kMaxPath = 8 * 1024;
constexpr int kMaxHeaders = 64;
constexpr qsizetype kMaxHeaderBytes = 16 * 1024;
constexpr qsizetype kMaxIdempotencyKey = 255;
constexpr int kMaxDeadlineSeconds = 30 * 24 * 3600;
constexpr qsizetype kMaxSubmittedBy = 255;

ServiceError invalid(const QString &field, const QString &why)
{
    return makeError(ErrorType::InvalidArgument, QStringLiteral("%1: %2").arg(field, why),
                     {{QStringLiteral("field"), field}});
}

using ProxyHttp::equalsIgnoringCase;
using ProxyHttp::isToken;

// Not passed on: they describe the client's connection (hop-by-hop, RFC 9110 7.6.1) or its
// credentials, not the request.
bool dropped(const QByteArray &name, const QList<QByteArray> &connectionNamed)
{
    return ProxyHttp::isHopByHop(name) || ProxyHttp::containsIgnoringCase(connectionNamed, name)
        || equalsIgnoringCase(name, "authorization") || equalsIgnoringCase(name, "prefer")
        || equalsIgnoringCase(name, "host") || equalsIgnoringCase(name, "content-length");
}

} // namespace

Result<JobRequest> checkedJobRequest(const JobRequest &request, qsizetype maxBodyBytes)
{
    JobRequest out = request;
    if (request.method.size() > kMaxMethod || !isToken(request.method))
        return invalid(QStringLiteral("method"), QStringLiteral("an HTTP method token of at most 16 characters"));
    if (!request.path.startsWith('/') || request.path.size() > kMaxPath)
        return invalid(QStringLiteral("path"), QStringLiteral("must start with '/' and be at most 8 KiB"));
    for (const char c : request.path) {
        const auto u = uchar(c);
        if (u <= 0x20 || u == 0x7F)
            return invalid(QStringLiteral("path"), QStringLiteral("no spaces or control characters"));
    }
    if (request.headers.size() > kMaxHeaders)
        return invalid(QStringLiteral("headers"), QStringLiteral("at most 64 headers"));
    qsizetype headerBytes = 0;
    for (const auto &[name, value] : request.headers) {
        if (!isToken(name))
            return invalid(QStringLiteral("headers"), QStringLiteral("a header name is not an HTTP token"));
        for (const char c : value) {
            if (c == '\r' || c == '\n' || c == '\0')
                return invalid(QStringLiteral("headers"), QStringLiteral("a header value has CR, LF or NUL"));
        }
        headerBytes += name.size() + value.size();
    }
    if (headerBytes > kMaxHeaderBytes)
        return invalid(QStringLiteral("headers"), QStringLiteral("at most 16 KiB of headers"));
    const QList<QByteArray> connectionNamed = ProxyHttp::connectionOptions(request.headers);
    out.headers.clear();
    for (const auto &header : request.headers) {
        if (!dropped(header.first, connectionNamed))
            out.headers.append(header);
    }
    if (request.priority < -100 || request.priority > 100)
        return invalid(QStringLiteral("priority"), QStringLiteral("from -100 to 100"));
    if (request.idempotencyKey.size() > kMaxIdempotencyKey)
        return invalid(QStringLiteral("idempotency_key"), QStringLiteral("at most 255 characters"));
    for (const QChar c : request.idempotencyKey) {
        if (c.unicode() < 0x21 || c.unicode() > 0x7E)
            return invalid(QStringLiteral("idempotency_key"), QStringLiteral("printable ASCII only, no spaces"));
    }
    if (request.deadlineSeconds && (*request.deadlineSeconds <= 0 || *request.deadlineSeconds > kMaxDeadlineSeconds))
        return invalid(QStringLiteral("deadline"), QStringLiteral("seconds after submission: 1 to 30 days"));
    if (request.maxAttempts < 1 || request.maxAttempts > 10)
        return invalid(QStringLiteral("max_attempts"), QStringLiteral("from 1 to 10"));
    if (request.submittedBy.size() > kMaxSubmittedBy)
        return invalid(QStringLiteral("submitted_by"), QStringLiteral("at most 255 characters"));
    if (request.body.size() > maxBodyBytes)
        return makeError(ErrorType::PayloadTooLarge,
                         QStringLiteral("body: a job's request body is at most %1 bytes").arg(maxBodyBytes),
                         {{QStringLiteral("field"), QStringLiteral("body")},
                          {QStringLiteral("limit"), double(maxBodyBytes)}});
    return out;
}

} // namespace ServeDeck
