#pragma once

#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QStringList>

#include "domain/result.h"

namespace ServeDeck {

// The allowed_ips of a token: IPv4/IPv6 CIDRs. An empty list allows every address.
class IpAllowlist
{
public:
    IpAllowlist() = default;

    // Bad entry -> InvalidArgument naming it. A bare address means /32 or /128;
    // host bits are cleared ("192.168.1.5/24" becomes "192.168.1.0/24").
    static Result<IpAllowlist> parse(const QStringList &cidrs);

    // IPv4-mapped IPv6 peers (::ffff:1.2.3.4) also match IPv4 CIDRs.
    bool allows(const QHostAddress &peer) const;
    bool isEmpty() const { return m_subnets.isEmpty(); }
    QStringList toStringList() const;   // canonical "address/prefix"

private:
    QList<QPair<QHostAddress, int>> m_subnets;
};

} // namespace ServeDeck
