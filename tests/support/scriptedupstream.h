#pragma once

// A replica's HTTP side played by a test: on each request head it calls the test's answer,
// and it counts connections, request heads, closes, and how many were open at once.

#include <algorithm>
#include <cerrno>
#include <functional>
#include <memory>
#include <vector>

#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

#include <sys/socket.h>

namespace ServeDeck::TestSupport {

class ScriptedUpstream final : public QObject
{
public:
    // Writes the answer (or nothing) once a request's head is in.
    using Answer = std::function<void(QTcpSocket *socket)>;

    explicit ScriptedUpstream(Answer answer)
        : m_answer(std::move(answer))
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection())
                take(socket);
        });
        m_listening = m_server.listen(QHostAddress::LocalHost, 0);
    }

    bool isListening() const { return m_listening; }
    quint16 port() const { return m_server.serverPort(); }
    int connections() const { return m_connections; }
    int requests() const { return m_requests; }
    int closed() const { return m_closed; }
    int maxOpen() const { return m_maxOpen; }
    // Connections whose client has not closed its end.
    int open()
    {
        forgetClosed();
        return int(m_sockets.size());
    }

private:
    // The client closed its end: a peek finds the end of the stream (or an error) at once.
    static bool clientClosed(QTcpSocket &socket)
    {
        char byte;
        const ssize_t n = ::recv(int(socket.socketDescriptor()), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
    }

    // Asked of the kernel rather than taken from our own (later) disconnected() events, which a
    // busy machine can deliver after the next connection's.
    void forgetClosed()
    {
        m_sockets.erase(std::remove_if(m_sockets.begin(), m_sockets.end(),
                                       [](const QPointer<QTcpSocket> &s) { return !s || clientClosed(*s); }),
                        m_sockets.end());
    }

    void take(QTcpSocket *socket)
    {
        socket->setParent(this);
        forgetClosed();
        m_sockets.push_back(socket);
        m_maxOpen = std::max(m_maxOpen, int(m_sockets.size()));
        ++m_connections;
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            ++m_closed;
            socket->deleteLater();
        });
        auto head = std::make_shared<QByteArray>();
        connect(socket, &QTcpSocket::readyRead, this, [this, socket, head] {
            if (head->endsWith("\r\n\r\n"))
                return;
            *head += socket->readAll();
            if (head->endsWith("\r\n\r\n")) {
                ++m_requests;
                m_answer(socket);
            }
        });
    }

    Answer m_answer;
    QTcpServer m_server;
    bool m_listening = false;
    int m_connections = 0;
    int m_requests = 0;
    int m_closed = 0;
    int m_maxOpen = 0;
    std::vector<QPointer<QTcpSocket>> m_sockets;
};

} // namespace ServeDeck::TestSupport
