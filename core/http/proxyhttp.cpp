#include "http/proxyhttp.h"

#include <algorithm>
#include <charconv>
#include <iterator>

#include <http_parser.h>

#include "http/httperror.h"

namespace ServeDeck::ProxyHttp {

bool equalsIgnoringCase(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return c != '\0' && QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(QByteArrayView text)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), isTokenChar);
}

bool isHopByHop(QByteArrayView name)
{
    // Dispatch on length first: this runs for every header of every message.
    // A name of a listed length may still be a Proxy-* one ("Proxy-X"): fall through.
    switch (name.size()) {
    case 2:
        if (equalsIgnoringCase(name, "te"))
            return true;
        break;
    case 7:
        if (equalsIgnoringCase(name, "trailer") || equalsIgnoringCase(name, "upgrade"))
            return true;
        break;
    case 10:
        if (equalsIgnoringCase(name, "connection") || equalsIgnoringCase(name, "keep-alive"))
            return true;
        break;
    case 17:
        if (equalsIgnoringCase(name, "transfer-encoding"))
            return true;
        break;
    default:
        break;
    }
    return name.size() > 6 && equalsIgnoringCase(name.first(6), "proxy-");
}

QList<QByteArray> connectionOptions(const HeaderList &headers)
{
    QList<QByteArray> names;
    for (const auto &[name, value] : headers) {
        if (!equalsIgnoringCase(name, "connection"))
            continue;
        for (const QByteArray &token : value.split(',')) {
            const QByteArray trimmed = token.trimmed();
            // close and keep-alive are options, not header names; skipping them saves work.
            if (!trimmed.isEmpty() && !equalsIgnoringCase(trimmed, "close") && !equalsIgnoringCase(trimmed, "keep-alive"))
                names.append(trimmed);
        }
    }
    return names;
}

bool containsIgnoringCase(const QList<QByteArray> &names, QByteArrayView name)
{
    for (const QByteArray &candidate : names) {
        if (equalsIgnoringCase(candidate, name))
            return true;
    }
    return false;
}

QByteArrayView headerValue(const HeaderList &headers, QByteArrayView name)
{
    for (const auto &[key, value] : headers) {
        if (equalsIgnoringCase(key, name))
            return value;
    }
    return {};
}

void appendNumber(QByteArray &out, qint64 value)
{
    char digits[24];
    const auto result = std::to_chars(std::begin(digits), std::end(digits), value);
    out.append(digits, result.ptr - digits);
}

void appendHex(QByteArray &out, quint64 value)
{
    char digits[24];
    const auto result = std::to_chars(std::begin(digits), std::end(digits), value, 16);
    out.append(digits, result.ptr - digits);
}

void appendStatusLine(QByteArray &out, int status)
{
    out.append("HTTP/1.1 ");
    appendNumber(out, status);
    out.append(' ');
    const char *reason = http_status_str(static_cast<enum http_status>(status));
    // http-parser answers "<unknown>" for codes it does not know; the phrase may be empty instead.
    if (reason[0] != '<')
        out.append(reason);
    out.append("\r\n");
}

LocalResponse errorResponse(int status, const QString &type, const QString &message, const QJsonObject &details)
{
    LocalResponse response;
    response.status = status;
    response.contentType = QByteArrayLiteral("application/json");
    response.body = HttpError::body(type, message, details);
    return response;
}

} // namespace ServeDeck::ProxyHttp
