#pragma once

#include <optional>

#include <QString>

#include "serviceerror.h"

namespace ServeDeck {

// Values that end up in a response header (model_version is every answer's
// X-ServeDeck-Revision) are visible ASCII only, 0x21-0x7E: no CR/LF to split an answer, no
// space or control byte, nothing outside ASCII that a header would have to encode.
class HeaderSafeText
{
public:
    static bool isVisibleAscii(QStringView value);
    // InvalidArgument naming `field` ("field: ...") when `value` is empty, longer than
    // `maxLength` or not visible ASCII; nothing when it is fine.
    static std::optional<ServiceError> problem(const QString &field, QStringView value, qsizetype maxLength);
};

} // namespace ServeDeck
