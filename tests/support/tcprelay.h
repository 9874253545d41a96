#pragma once

#include <algorithm>

#include <QByteArray>
#include <QHostAddress>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

// A loopback TCP relay: every connection it takes is forwarded to a target port, and each byte
// that passes is recorded, both ways. It sees what anyone on the network path between the two
// ends would see.
// No signals of its own, so no moc.
class TcpRelay final : public QObject
{
public:
    // Recording stops here: a test needs the conversation, not a flood.
    static constexpr qsizetype kMaxRecordedBytes = 64 * 1024 * 1024;

    explicit TcpRelay(quint16 targetPort, QObject *parent = nullptr)
        : QObject(parent)
        , m_targetPort(targetPort)
    {
        connect(&m_server, &QTcpServer::newConnection, this, &TcpRelay::onNewConnection);
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }
    // Client to target, and target to client.
    QByteArray upstream() const { return m_upstream; }
    QByteArray downstream() const { return m_downstream; }
    int connections() const { return m_connections; }

private:
    void onNewConnection()
    {
        while (QTcpSocket *client = m_server.nextPendingConnection()) {
            ++m_connections;
            auto *target = new QTcpSocket(client);
            // Bytes that come before the target answers wait here.
            auto *pending = new QByteArray;
            connect(client, &QObject::destroyed, this, [pending] { delete pending; });
            connect(target, &QTcpSocket::connected, client, [target, pending] {
                target->write(*pending);
                pending->clear();
            });
            connect(client, &QTcpSocket::readyRead, this, [this, client, target, pending] {
                const QByteArray bytes = client->readAll();
                record(m_upstream, bytes);
                if (target->state() == QAbstractSocket::ConnectedState)
                    target->write(bytes);
                else
                    pending->append(bytes);
            });
            connect(target, &QTcpSocket::readyRead, this, [this, client, target] {
                const QByteArray bytes = target->readAll();
                record(m_downstream, bytes);
                client->write(bytes);
            });
            connect(client, &QTcpSocket::disconnected, target, &QTcpSocket::disconnectFromHost);
            connect(target, &QTcpSocket::disconnected, client, &QTcpSocket::disconnectFromHost);
            connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
            target->connectToHost(QHostAddress::LocalHost, m_targetPort);
        }
    }

    static void record(QByteArray &into, const QByteArray &bytes)
    {
        into.append(bytes.left(std::max<qsizetype>(0, kMaxRecordedBytes - into.size())));
    }

    quint16 m_targetPort;
    QTcpServer m_server;
    QByteArray m_upstream;
    QByteArray m_downstream;
    int m_connections = 0;
};
