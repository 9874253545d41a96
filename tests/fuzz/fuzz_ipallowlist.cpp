// IpAllowlist::parse on a list of CIDRs (one per line, as the allowed_ips array of a token
// request), then a few peers checked against it and the canonical text parsed back.
#include <cstddef>
#include <cstdint>

#include <QHostAddress>
#include <QString>
#include <QStringList>

#include "auth/ipallowlist.h"

using ServeDeck::IpAllowlist;

namespace {
volatile size_t sink;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const QHostAddress peers[] = {QHostAddress(QStringLiteral("127.0.0.1")),
                                         QHostAddress(QStringLiteral("::ffff:192.168.1.7")),
                                         QHostAddress(QStringLiteral("10.255.255.255")),
                                         QHostAddress(QStringLiteral("2001:db8::1")),
                                         QHostAddress(QStringLiteral("fe80::1%eth0")), QHostAddress()};
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const QStringList entries = text.split(u'\n');
    auto parsed = IpAllowlist::parse(entries);
    if (!parsed) {
        sink = size_t(parsed.error().message.size());
        return 0;
    }
    size_t sum = 0;
    for (const QHostAddress &peer : peers)
        sum += size_t(parsed.value().allows(peer));
    // The canonical form must parse again, to the same list.
    const QStringList canonical = parsed.value().toStringList();
    auto again = IpAllowlist::parse(canonical);
    if (!again || again.value().toStringList() != canonical)
        __builtin_trap();
    sink = sum;
    return 0;
}
