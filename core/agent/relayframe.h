#pragma once

#include <optional>

#include <QByteArray>
#include <QUuid>

namespace ServeDeck {

// One binary frame of the replica relay, carried over the agent channel beside its JSON text
// frames: [kind: 1 byte][stream id: 4 bytes, big-endian][payload]. A stream is one TCP
// connection from the plane's relay listener to a replica on the agent's machine.
struct RelayFrame
{
    enum class Kind : quint8 {
        Open = 1,    // payload: the route id (16 bytes); plane to agent only
        Data = 2,    // payload: 1 to kMaxPayload bytes of the connection
        Close = 3,   // no payload: the sender's side of the connection is gone
        Credit = 4,  // payload: 4 bytes, how many more bytes the sender of this frame accepts
    };

    static constexpr qsizetype kHeaderSize = 5;
    static constexpr qsizetype kMaxPayload = 64 * 1024;

    Kind kind = Kind::Data;
    quint32 stream = 0;
    QByteArray payload;

    QByteArray encode() const;
    // Empty for anything malformed: too short, an unknown kind, stream 0, or a payload whose size
    // does not fit its kind.
    static std::optional<RelayFrame> decode(const QByteArray &bytes);

    static RelayFrame open(quint32 stream, const QUuid &routeId);
    static RelayFrame data(quint32 stream, QByteArray bytes);
    static RelayFrame close(quint32 stream);
    static RelayFrame credit(quint32 stream, quint32 bytes);
    QUuid routeId() const;
    quint32 creditBytes() const;
};

} // namespace ServeDeck
