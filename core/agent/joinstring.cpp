#include "joinstring.h"

#include <algorithm>
#include <optional>

#include <QUrlQuery>

namespace ServeDeck {

namespace {

const QString kScheme = QStringLiteral("servedeck");
const QString kTokenKey = QStringLiteral("token");
const QString kSha256Key = QStringLiteral("sha256");
// Far above any real one (a host name, a port, a 64-character token and 64 hex digits).
constexpr qsizetype kMaxLength = 2048;
constexpr qsizetype kMinTokenLength = 16;
constexpr qsizetype kMaxTokenLength = 512;
constexpr qsizetype kSha256Size = 32;

ServiceError bad(const QString &what)
{
    return makeError(ErrorType::InvalidArgument, QStringLiteral("join string: ") + what);
}

// URL-safe ("unreserved") characters only, so the token never needs escaping in the string.
bool isTokenText(const QString &token)
{
    return std::all_of(token.cbegin(), token.cend(), [](QChar c) {
        return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'-'
            || c == u'.' || c == u'_' || c == u'~';
    });
}

std::optional<ServiceError> checkToken(const QString &token)
{
    if (token.size() < kMinTokenLength || token.size() > kMaxTokenLength)
        return bad(QStringLiteral("the token must be %1 to %2 characters").arg(kMinTokenLength).arg(kMaxTokenLength));
    if (!isTokenText(token))
        return bad(QStringLiteral("the token may hold only letters, digits and - . _ ~"));
    return std::nullopt;
}

} // namespace

Result<JoinString> JoinString::parse(const QString &text)
{
    if (text.size() > kMaxLength)
        return bad(QStringLiteral("longer than %1 characters").arg(kMaxLength));
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    if (!url.isValid())
        return bad(QStringLiteral("not a URL of the form servedeck://HOST:PORT?token=TOKEN&sha256=HEX"));
    if (url.scheme() != kScheme)
        return bad(QStringLiteral("the scheme must be servedeck://"));
    if (!url.userInfo().isEmpty())
        return bad(QStringLiteral("a user name or password has no place in it"));
    if (url.hasFragment())
        return bad(QStringLiteral("a #fragment has no place in it"));
    if (!url.path().isEmpty() && url.path() != u"/")
        return bad(QStringLiteral("a path has no place in it"));
    if (url.host().isEmpty())
        return bad(QStringLiteral("the host is missing"));
    if (url.port() <= 0)
        return bad(QStringLiteral("the port is missing or 0"));

    const QUrlQuery query(url);
    QString token;
    QString sha256;
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        QString *slot = key == kTokenKey ? &token : key == kSha256Key ? &sha256 : nullptr;
        if (!slot)
            return bad(QStringLiteral("unknown part '%1'").arg(key.left(32)));
        if (!slot->isEmpty() || value.isEmpty())
            return bad(QStringLiteral("%1 must be given once, not empty").arg(key));
        *slot = value;
    }
    if (token.isEmpty())
        return bad(QStringLiteral("the token is missing"));
    if (sha256.isEmpty())
        return bad(QStringLiteral("the sha256 fingerprint is missing"));
    const bool hex = std::all_of(sha256.cbegin(), sha256.cend(), [](QChar c) {
        return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
    });
    if (sha256.size() != 2 * kSha256Size || !hex)
        return bad(QStringLiteral("the sha256 fingerprint must be %1 hex digits").arg(2 * kSha256Size));
    return make(url.host(), quint16(url.port()), token.toLatin1(), QByteArray::fromHex(sha256.toLatin1()));
}

Result<JoinString> JoinString::make(const QString &host, quint16 port, const QByteArray &token, const QByteArray &sha256)
{
    if (host.isEmpty())
        return bad(QStringLiteral("the host is missing"));
    if (port == 0)
        return bad(QStringLiteral("the port is missing or 0"));
    if (auto error = checkToken(QString::fromLatin1(token)))
        return *error;
    if (sha256.size() != kSha256Size)
        return bad(QStringLiteral("the sha256 fingerprint must be %1 bytes").arg(kSha256Size));
    JoinString join;
    join.m_host = host;
    join.m_port = port;
    join.m_token = token;
    join.m_sha256 = sha256;
    return join;
}

QUrl JoinString::url() const
{
    QUrl url;
    url.setScheme(QStringLiteral("wss"));
    url.setHost(m_host);
    url.setPort(m_port);
    return url;
}

QString JoinString::toString() const
{
    QUrl url;
    url.setScheme(kScheme);
    url.setHost(m_host);
    url.setPort(m_port);
    QUrlQuery query;
    query.addQueryItem(kTokenKey, QString::fromLatin1(m_token));
    query.addQueryItem(kSha256Key, QString::fromLatin1(m_sha256.toHex()));
    url.setQuery(query);
    return url.toString(QUrl::FullyEncoded);
}

} // namespace ServeDeck
