#include "http/httprequest.h"

namespace ServeDeck {

QByteArray HttpRequest::header(QByteArrayView name) const
{
    for (const auto &[field, value] : headers) {
        if (name.compare(field, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

} // namespace ServeDeck
