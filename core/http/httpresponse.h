#pragma once

#include <memory>
#include <utility>

#include <QByteArray>
#include <QList>

class QJsonDocument;

namespace ServeDeck {

class HttpResponseStream;

// The server owns framing: Content-Length, Transfer-Encoding and Connection set
// here are ignored (except "Connection: close", which closes after sending).
// Headers whose name or value contains CR, LF or NUL are dropped. 204 and 304
// go out without body and without Content-Length (RFC 9110).
struct HttpResponse
{
    int status = 200;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    // Set: the body is written later through this stream and `body` is ignored (see
    // HttpResponseStream); the connection serves nothing else until the stream finishes.
    std::shared_ptr<HttpResponseStream> stream = nullptr;

    static HttpResponse json(int status, const QJsonDocument &doc);
    static HttpResponse text(int status, QByteArray body,
                             QByteArray contentType = "text/plain; charset=utf-8");
};

} // namespace ServeDeck
