#include "proxy/jobrequest.h"

#include <QJsonObject>

#include "domain/serviceerror.h"
#include "proxy/upstreamfailure.h"

namespace ServeDeck {

namespace JobRequest {

namespace {

using ProxyHttp::equalsIgnoringCase;

constexpr QByteArrayView kJobsPrefix = "/_jobs/";
constexpr qsizetype kJobIdLength = 32;

using ProxyHttp::isTokenChar;

// One Prefer field value, RFC 7240 section 2:
//   Prefer     = 1#preference
//   preference = token [ BWS "=" BWS word ] *( OWS ";" [ OWS parameter ] )
//   parameter  = token [ BWS "=" BWS word ]
//   word       = token / quoted-string
// Empty list elements are accepted (RFC 9110 5.6.1). False when malformed.
class PreferParser
{
public:
    explicit PreferParser(QByteArrayView value)
        : m_v(value)
    {
    }

    bool parse(bool *respondAsync)
    {
        for (;;) {
            skipWhitespace();
            if (atEnd())
                return true;
            if (m_v[m_i] == ',') {
                ++m_i;
                continue;
            }
            const QByteArrayView name = token();
            if (name.isEmpty())
                return false;
            bool hasValue = false;
            if (!optionalValue(&hasValue))
                return false;
            for (;;) {
                skipWhitespace();
                if (atEnd() || m_v[m_i] != ';')
                    break;
                ++m_i;
                skipWhitespace();
                if (!atEnd() && isTokenChar(m_v[m_i])) {
                    token();
                    bool ignored = false;
                    if (!optionalValue(&ignored))
                        return false;
                }
            }
            skipWhitespace();
            if (!atEnd() && m_v[m_i] != ',')
                return false;
            // RFC 7240 4.1: respond-async has no value; an empty one is the same as none (section 2).
            if (!hasValue && equalsIgnoringCase(name, "respond-async"))
                *respondAsync = true;
        }
    }

private:
    bool atEnd() const { return m_i >= m_v.size(); }
    void skipWhitespace()
    {
        while (!atEnd() && (m_v[m_i] == ' ' || m_v[m_i] == '\t'))
            ++m_i;
    }
    QByteArrayView token()
    {
        const qsizetype start = m_i;
        while (!atEnd() && isTokenChar(m_v[m_i]))
            ++m_i;
        return m_v.sliced(start, m_i - start);
    }
    // [ BWS "=" BWS word ]; hasValue: a non-empty word.
    bool optionalValue(bool *hasValue)
    {
        const qsizetype before = m_i;
        skipWhitespace();
        if (atEnd() || m_v[m_i] != '=') {
            m_i = before;
            return true;
        }
        ++m_i;
        skipWhitespace();
        if (!atEnd() && m_v[m_i] == '"')
            return quotedString(hasValue);
        *hasValue = !token().isEmpty();
        return *hasValue;  // "=" must be followed by a word
    }
    // RFC 9110 5.6.4.
    bool quotedString(bool *nonEmpty)
    {
        ++m_i;  // the opening quote
        const qsizetype start = m_i;
        while (!atEnd()) {
            const auto c = static_cast<unsigned char>(m_v[m_i]);
            if (c == '"') {
                *nonEmpty = m_i > start;
                ++m_i;
                return true;
            }
            if (c == '\\') {
                ++m_i;
                if (atEnd())
                    return false;
                const auto escaped = static_cast<unsigned char>(m_v[m_i]);
                if (!(escaped == '\t' || escaped == ' ' || (escaped >= 0x21 && escaped != 0x7f)))
                    return false;
                ++m_i;
                continue;
            }
            if (!(c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c <= 0x7e) || c >= 0x80))
                return false;
            ++m_i;
        }
        return false;  // unterminated
    }

    QByteArrayView m_v;
    qsizetype m_i = 0;
};

bool isLowerHex(QByteArrayView text)
{
    for (const char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

LocalResponse noSuchPath()
{
    return ProxyHttp::errorResponse(404, errorTypeName(ErrorType::NotFound),
                                    QStringLiteral("job paths are /_jobs/<id> and /_jobs/<id>/result, "
                                                   "the id 32 lower-case hex digits"));
}

} // namespace

bool prefersRespondAsync(const HeaderList &headers)
{
    bool seen = false;
    bool respondAsync = false;
    for (const auto &[name, value] : headers) {
        if (name.size() != 6 || !equalsIgnoringCase(name, "prefer"))
            continue;
        seen = true;
        if (!PreferParser(value).parse(&respondAsync))
            return false;  // one malformed field: none of them is trusted
    }
    return seen && respondAsync;
}

bool isJobsPath(QByteArrayView path)
{
    return path == "/_jobs" || path.startsWith(kJobsPrefix);
}

std::optional<Lookup> parseLookup(QByteArrayView method, QByteArrayView path, LocalResponse *refusal)
{
    if (!path.startsWith(kJobsPrefix)) {
        *refusal = noSuchPath();
        return std::nullopt;
    }
    const QByteArrayView rest = path.sliced(kJobsPrefix.size());
    const QByteArrayView id = rest.first(std::min(rest.size(), kJobIdLength));
    const QByteArrayView after = rest.sliced(id.size());
    const bool result = after == "/result";
    if (id.size() != kJobIdLength || !isLowerHex(id) || (!after.isEmpty() && !result)) {
        *refusal = noSuchPath();
        return std::nullopt;
    }
    Lookup lookup;
    lookup.jobId = QString::fromLatin1(id);
    if (method == "GET") {
        lookup.kind = result ? ProxyJobCall::Kind::Result : ProxyJobCall::Kind::Status;
        return lookup;
    }
    if (method == "DELETE" && !result) {
        lookup.kind = ProxyJobCall::Kind::Cancel;
        return lookup;
    }
    const QByteArray allowed = result ? QByteArrayLiteral("GET") : QByteArrayLiteral("GET, DELETE");
    *refusal = ProxyHttp::errorResponse(405, errorTypeName(ErrorType::InvalidArgument),
                                        QStringLiteral("%1 accepts %2 only")
                                            .arg(result ? QStringLiteral("/_jobs/<id>/result") : QStringLiteral("/_jobs/<id>"),
                                                 QString::fromLatin1(allowed)));
    refusal->headers.emplaceBack(QByteArrayLiteral("Allow"), allowed);
    return std::nullopt;
}

HeaderList submittedHeaders(const HeaderList &headers)
{
    const QList<QByteArray> options = ProxyHttp::connectionOptions(headers);
    HeaderList kept;
    kept.reserve(headers.size());
    for (const auto &[name, value] : headers) {
        if (ProxyHttp::isHopByHop(name) || ProxyHttp::containsIgnoringCase(options, name))
            continue;
        if (equalsIgnoringCase(name, "authorization") || equalsIgnoringCase(name, "prefer")
            || equalsIgnoringCase(name, "idempotency-key") || equalsIgnoringCase(name, "host")
            || equalsIgnoringCase(name, "content-length") || equalsIgnoringCase(name, "expect")
            || equalsIgnoringCase(name, "x-forwarded-for") || equalsIgnoringCase(name, "x-forwarded-host")
            || equalsIgnoringCase(name, "x-forwarded-proto")) {
            continue;
        }
        kept.append({name, value});
    }
    return kept;
}

bool idempotencyKey(const HeaderList &headers, QByteArray *key, LocalResponse *refusal)
{
    int count = 0;
    for (const auto &[name, value] : headers) {
        if (equalsIgnoringCase(name, "idempotency-key")) {
            *key = value;
            ++count;
        }
    }
    if (count <= 1)
        return true;
    key->clear();
    *refusal = ProxyHttp::errorResponse(400, errorTypeName(ErrorType::InvalidArgument),
                                        QStringLiteral("a request carries at most one Idempotency-Key"));
    return false;
}

LocalResponse forClient(LocalResponse response)
{
    // An interim or invalid status would leave the client reading the wrong answer as the final one.
    if (response.status < 200 || response.status > 599) {
        return ProxyHttp::errorResponse(upstreamFailureStatus(UpstreamFailure::Malformed),
                                        upstreamFailureName(UpstreamFailure::Malformed),
                                        QStringLiteral("the job queue gave no valid answer (status %1)").arg(response.status));
    }
    const QList<QByteArray> options = ProxyHttp::connectionOptions(response.headers);
    const auto writable = [](QByteArrayView text) {
        for (const char c : text) {
            if (c == '\r' || c == '\n' || c == '\0')
                return false;
        }
        return true;
    };
    HeaderList kept;
    kept.reserve(response.headers.size());
    for (auto &[name, value] : response.headers) {
        if (name.isEmpty() || ProxyHttp::isHopByHop(name) || ProxyHttp::containsIgnoringCase(options, name)
            || equalsIgnoringCase(name, "content-length") || !writable(name) || !writable(value)) {
            continue;
        }
        // The proxy writes the content type from contentType when one is set: once, not twice.
        if (!response.contentType.isEmpty() && equalsIgnoringCase(name, "content-type"))
            continue;
        kept.append({std::move(name), std::move(value)});
    }
    response.headers = std::move(kept);
    if (!writable(response.contentType))
        response.contentType.clear();
    return response;
}

LocalResponse queueFull(const QString &message)
{
    LocalResponse response = ProxyHttp::errorResponse(503, errorTypeName(ErrorType::QueueFull), message);
    response.headers.emplaceBack(QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1"));
    return response;
}

LocalResponse notFound(const QString &jobId)
{
    return ProxyHttp::errorResponse(404, errorTypeName(ErrorType::NotFound), QStringLiteral("no job '%1'").arg(jobId),
                                    {{QStringLiteral("job_id"), jobId}});
}

} // namespace JobRequest

} // namespace ServeDeck
