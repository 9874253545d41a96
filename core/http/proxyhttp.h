#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

namespace ServeDeck {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// An answer the proxy gives by itself (errors, /metrics, /healthz) instead of an upstream's.
struct LocalResponse
{
    int status = 200;
    QByteArray contentType;
    QByteArray body;
    HeaderList headers;
};

// FNV-1a over an answer's body as it streams past, with its length: enough to tell a shadow's
// answer from the primary's without keeping either.
struct BodyDigest
{
    quint64 hash = 0xcbf29ce484222325ULL;
    qint64 length = 0;

    void add(QByteArrayView bytes)
    {
        for (const char c : bytes) {
            hash ^= static_cast<unsigned char>(c);
            hash *= 0x100000001b3ULL;
        }
        length += bytes.size();
    }
    friend bool operator==(const BodyDigest &, const BodyDigest &) = default;
};

// HTTP details shared by the proxy's client and upstream sides and the control API server.
namespace ProxyHttp {

bool equalsIgnoringCase(QByteArrayView a, QByteArrayView b);
// RFC 9110 5.6.2: tchar, and a token (one or more of them): methods, header names, preferences.
bool isTokenChar(char c);
bool isToken(QByteArrayView text);
// Connection, Keep-Alive, Proxy-*, TE, Trailer, Transfer-Encoding, Upgrade: they describe
// one hop, so a proxy must not pass them on (RFC 9110 7.6.1).
bool isHopByHop(QByteArrayView name);
// The header names a message's Connection headers list: hop-by-hop for that message too.
QList<QByteArray> connectionOptions(const HeaderList &headers);
bool containsIgnoringCase(const QList<QByteArray> &names, QByteArrayView name);
// The first value of a header, or an empty view.
QByteArrayView headerValue(const HeaderList &headers, QByteArrayView name);

void appendNumber(QByteArray &out, qint64 value);
void appendHex(QByteArray &out, quint64 value);
void appendStatusLine(QByteArray &out, int status);

// An HttpError body (the shape every ServeDeck error has) as a LocalResponse.
LocalResponse errorResponse(int status, const QString &type, const QString &message,
                            const QJsonObject &details = {});

} // namespace ProxyHttp

} // namespace ServeDeck
