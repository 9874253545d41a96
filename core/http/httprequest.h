#pragma once

#include <utility>

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QList>
#include <QUrlQuery>

namespace ServeDeck {

struct HttpRequest
{
    QByteArray method;                                 // "GET"
    QByteArray path;                                   // percent-decoded, without query
    QUrlQuery query;
    QList<std::pair<QByteArray, QByteArray>> headers;  // as received, in order
    QByteArray body;                                   // de-chunked
    QHostAddress peer;

    // Case-insensitive; the first occurrence wins, empty if absent.
    QByteArray header(QByteArrayView name) const;
};

} // namespace ServeDeck
