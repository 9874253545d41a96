#include "ipallowlist.h"

#include <optional>

#include <QJsonObject>

namespace ServeDeck {

namespace {

ServiceError badEntry(const QString &entry, const QString &why)
{
    return makeError(ErrorType::InvalidArgument,
                     QStringLiteral("invalid allowed_ips entry '%1': %2").arg(entry, why),
                     QJsonObject{{QStringLiteral("field"), QStringLiteral("allowed_ips")},
                                 {QStringLiteral("entry"), entry}});
}

int fullPrefix(const QHostAddress &address)
{
    return address.protocol() == QAbstractSocket::IPv4Protocol ? 32 : 128;
}

// Sockets accepting on a dual-stack listener report IPv4 clients as ::ffff:a.b.c.d;
// unwrap those so an IPv4 CIDR still matches. Done by hand rather than with
// toIPv4Address(), which also turns "::" into 0.0.0.0.
std::optional<QHostAddress> unmappedIpv4(const QHostAddress &peer)
{
    if (peer.protocol() != QAbstractSocket::IPv6Protocol)
        return std::nullopt;
    const Q_IPV6ADDR bytes = peer.toIPv6Address();
    for (int i = 0; i < 10; ++i) {
        if (bytes[i] != 0)
            return std::nullopt;
    }
    if (bytes[10] != 0xff || bytes[11] != 0xff)
        return std::nullopt;
    const quint32 v4 = (quint32(bytes[12]) << 24) | (quint32(bytes[13]) << 16)
        | (quint32(bytes[14]) << 8) | quint32(bytes[15]);
    return QHostAddress(v4);
}

} // namespace

Result<IpAllowlist> IpAllowlist::parse(const QStringList &cidrs)
{
    IpAllowlist list;
    for (const QString &raw : cidrs) {
        const QString entry = raw.trimmed();
        if (entry.isEmpty())
            return badEntry(raw, QStringLiteral("empty entry"));
        // Scope ids (fe80::1%eth0) name a local interface, meaningless in a token.
        if (entry.contains(u'%'))
            return badEntry(raw, QStringLiteral("scope ids are not allowed"));

        const qsizetype slash = entry.indexOf(u'/');
        const QString addressPart = slash < 0 ? entry : entry.left(slash);
        QHostAddress address;
        if (!address.setAddress(addressPart)
            || (address.protocol() != QAbstractSocket::IPv4Protocol
                && address.protocol() != QAbstractSocket::IPv6Protocol)) {
            return badEntry(raw, QStringLiteral("not an IP address"));
        }
        // Qt, like inet_aton(), reads "10.1" as 10.0.0.1 and "010.0.0.1" as octal;
        // only the plain dotted quad is unambiguous.
        if (address.protocol() == QAbstractSocket::IPv4Protocol && address.toString() != addressPart)
            return badEntry(raw, QStringLiteral("IPv4 addresses need four decimal parts"));

        if (slash < 0) {
            // parseSubnet() would read "10.1" as 10.1.0.0/16; a bare address is one host.
            list.m_subnets.append({address, fullPrefix(address)});
            continue;
        }

        // Only a decimal prefix length: parseSubnet() would also take dotted
        // netmasks, "+8" and " 8", none of which is CIDR.
        const QString prefixPart = entry.mid(slash + 1);
        bool digitsOnly = !prefixPart.isEmpty() && prefixPart.size() <= 3;
        for (const QChar c : prefixPart)
            digitsOnly = digitsOnly && c >= u'0' && c <= u'9';
        if (!digitsOnly)
            return badEntry(raw, QStringLiteral("prefix length must be a number"));
        const int prefix = prefixPart.toInt();
        if (prefix > fullPrefix(address))
            return badEntry(raw, QStringLiteral("prefix length out of range"));

        const QPair<QHostAddress, int> subnet = QHostAddress::parseSubnet(entry);
        if (subnet.second != prefix || subnet.first.isNull())
            return badEntry(raw, QStringLiteral("not a CIDR"));
        list.m_subnets.append(subnet);
    }
    return list;
}

bool IpAllowlist::allows(const QHostAddress &peer) const
{
    if (m_subnets.isEmpty())
        return true;
    if (peer.isNull())
        return false;
    const std::optional<QHostAddress> v4 = unmappedIpv4(peer);
    for (const auto &[network, prefix] : m_subnets) {
        if (peer.isInSubnet(network, prefix) || (v4 && v4->isInSubnet(network, prefix)))
            return true;
    }
    return false;
}

QStringList IpAllowlist::toStringList() const
{
    QStringList out;
    out.reserve(m_subnets.size());
    for (const auto &[network, prefix] : m_subnets)
        out.append(QString(network.toString() % u'/' % QString::number(prefix)));
    return out;
}

} // namespace ServeDeck
