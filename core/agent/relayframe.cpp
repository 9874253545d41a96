#include "relayframe.h"

#include <QtEndian>

namespace ServeDeck {

namespace {

constexpr qsizetype kUuidSize = 16;
constexpr qsizetype kCreditSize = 4;

} // namespace

QByteArray RelayFrame::encode() const
{
    QByteArray bytes(kHeaderSize, Qt::Uninitialized);
    bytes[0] = char(kind);
    qToBigEndian<quint32>(stream, bytes.data() + 1);
    bytes += payload;
    return bytes;
}

std::optional<RelayFrame> RelayFrame::decode(const QByteArray &bytes)
{
    if (bytes.size() < kHeaderSize)
        return std::nullopt;
    RelayFrame frame;
    frame.kind = Kind(quint8(bytes[0]));
    frame.stream = qFromBigEndian<quint32>(bytes.constData() + 1);
    frame.payload = bytes.mid(kHeaderSize);
    if (frame.stream == 0)
        return std::nullopt;
    const qsizetype size = frame.payload.size();
    switch (frame.kind) {
    case Kind::Open:
        return size == kUuidSize && !frame.routeId().isNull() ? std::optional(frame) : std::nullopt;
    case Kind::Data:
        return size > 0 && size <= kMaxPayload ? std::optional(frame) : std::nullopt;
    case Kind::Close:
        return size == 0 ? std::optional(frame) : std::nullopt;
    case Kind::Credit:
        return size == kCreditSize && frame.creditBytes() > 0 ? std::optional(frame) : std::nullopt;
    }
    return std::nullopt;
}

RelayFrame RelayFrame::open(quint32 stream, const QUuid &routeId)
{
    return {Kind::Open, stream, routeId.toRfc4122()};
}

RelayFrame RelayFrame::data(quint32 stream, QByteArray bytes)
{
    return {Kind::Data, stream, std::move(bytes)};
}

RelayFrame RelayFrame::close(quint32 stream)
{
    return {Kind::Close, stream, {}};
}

RelayFrame RelayFrame::credit(quint32 stream, quint32 bytes)
{
    QByteArray payload(kCreditSize, Qt::Uninitialized);
    qToBigEndian<quint32>(bytes, payload.data());
    return {Kind::Credit, stream, payload};
}

QUuid RelayFrame::routeId() const
{
    return kind == Kind::Open && payload.size() == kUuidSize ? QUuid::fromRfc4122(payload) : QUuid();
}

quint32 RelayFrame::creditBytes() const
{
    return kind == Kind::Credit && payload.size() == kCreditSize ? qFromBigEndian<quint32>(payload.constData()) : 0;
}

} // namespace ServeDeck
