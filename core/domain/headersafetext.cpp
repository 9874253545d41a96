#include "headersafetext.h"

#include <QJsonObject>

namespace ServeDeck {

bool HeaderSafeText::isVisibleAscii(QStringView value)
{
    for (const QChar c : value) {
        if (c.unicode() < 0x21 || c.unicode() > 0x7e)
            return false;
    }
    return true;
}

std::optional<ServiceError> HeaderSafeText::problem(const QString &field, QStringView value, qsizetype maxLength)
{
    QString why;
    if (value.isEmpty() || value.size() > maxLength)
        why = QStringLiteral("must be 1-%1 characters").arg(maxLength);
    else if (!isVisibleAscii(value))
        // The value itself is not echoed: it may hold the very bytes that are refused.
        why = QStringLiteral("must be visible ASCII (letters, digits and punctuation; no spaces, "
                             "line breaks or control characters): it is sent in response headers");
    if (why.isEmpty())
        return std::nullopt;
    return ServiceError{ErrorType::InvalidArgument, field + QStringLiteral(": ") + why,
                        QJsonObject{{QStringLiteral("field"), field}}};
}

} // namespace ServeDeck
