#include "headermatch.h"

#include <algorithm>

#include <QStringList>

namespace ServeDeck {

namespace {

constexpr qsizetype kMaxNameLength = 64;
constexpr qsizetype kMaxValueLength = 1024;

bool isTokenChar(QChar c)
{
    const char16_t u = c.unicode();
    if ((u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9'))
        return true;
    return QStringView(u"!#$%&'*+-.^_`|~").contains(c);
}

// They describe the connection or the message framing, not the request: the proxy consumes
// them, so a condition on them would select by accident.
bool isReserved(const QString &lowerName)
{
    static const QStringList reserved{QStringLiteral("connection"),        QStringLiteral("keep-alive"),
                                      QStringLiteral("te"),                QStringLiteral("trailer"),
                                      QStringLiteral("transfer-encoding"), QStringLiteral("upgrade"),
                                      QStringLiteral("content-length"),    QStringLiteral("host"),
                                      QStringLiteral("expect")};
    return reserved.contains(lowerName) || lowerName.startsWith(QStringLiteral("proxy-"));
}

ServiceError invalid(const QString &field, const QString &message)
{
    return makeError(ErrorType::InvalidArgument, field + QStringLiteral(": ") + message,
                     {{QStringLiteral("field"), field}});
}

} // namespace

Result<HeaderMatch> HeaderMatch::parse(const QString &text, const QString &field)
{
    const qsizetype colon = text.indexOf(u':');
    if (colon < 0)
        return invalid(field, QStringLiteral("'%1' is not \"name: value\"").arg(text));
    HeaderMatch match;
    match.name = text.left(colon).toLower();
    match.value = text.mid(colon + 1).trimmed();
    if (match.name.isEmpty() || match.name.size() > kMaxNameLength
        || !std::all_of(match.name.cbegin(), match.name.cend(), isTokenChar)) {
        return invalid(field, QStringLiteral("header name '%1' must be 1-%2 token characters (letters, digits, "
                                             "!#$%&'*+-.^_`|~), without spaces")
                                  .arg(text.left(colon))
                                  .arg(kMaxNameLength));
    }
    if (isReserved(match.name))
        return invalid(field, QStringLiteral("'%1' describes the connection, not the request; choose another header")
                                  .arg(match.name));
    if (match.value.isEmpty())
        return invalid(field, QStringLiteral("the value of '%1' must not be empty").arg(match.name));
    if (match.value.size() > kMaxValueLength)
        return invalid(field, QStringLiteral("the value is longer than %1 characters").arg(kMaxValueLength));
    // Field values are visible characters, spaces and tabs (RFC 9110 5.5): CR, LF and NUL never match.
    for (const QChar c : match.value) {
        if ((c.unicode() < 0x20 && c != u'\t') || c.unicode() == 0x7f)
            return invalid(field, QStringLiteral("the value contains a control character"));
    }
    return match;
}

} // namespace ServeDeck
