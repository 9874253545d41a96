#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

#include "domain/result.h"

namespace ServeDeck {

// What `servedeck agent --join` takes: where the agent channel listens, the join token, and the
// SHA-256 of the channel's certificate, which the agent pins (as kubeadm's
// --discovery-token-ca-cert-hash). Text form:
//   servedeck://<host>:<port>?token=<join token>&sha256=<64 hex digits>
class JoinString final
{
public:
    // Strict: anything else than the form above is InvalidArgument naming the bad part.
    static Result<JoinString> parse(const QString &text);
    // @p sha256 is the raw 32-byte digest.
    static Result<JoinString> make(const QString &host, quint16 port, const QByteArray &token, const QByteArray &sha256);

    QString host() const { return m_host; }
    quint16 port() const { return m_port; }
    QByteArray token() const { return m_token; }
    QByteArray sha256() const { return m_sha256; }  // raw 32 bytes
    QUrl url() const;                               // wss://host:port
    QString toString() const;

private:
    JoinString() = default;

    QString m_host;
    quint16 m_port = 0;
    QByteArray m_token;
    QByteArray m_sha256;
};

} // namespace ServeDeck
