#include <algorithm>
#include <cerrno>
#include <memory>
#include <vector>

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <sys/socket.h>

#include "agent/replicaprocess.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

// The client closed its end: a peek finds the end of the stream (or an error) at once.
bool clientClosed(QTcpSocket &socket)
{
    char byte;
    const ssize_t n = ::recv(int(socket.socketDescriptor()), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

// The replica's side of its health probes, played by the test: answers each probe as told and
// counts the probes, and how many were open at once.
class HealthAnswerer final : public QObject
{
public:
    enum class Mode { Huge, HugeDeclared, Trickle, Stall };

    explicit HealthAnswerer(Mode mode)
        : m_mode(mode)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection())
                take(socket);
        });
        m_listening = m_server.listen(QHostAddress::LocalHost, 0);
    }

    bool isListening() const { return m_listening; }
    quint16 port() const { return m_server.serverPort(); }
    int probes() const { return m_probes; }
    int closed() const { return m_closed; }
    int maxOpen() const { return m_maxOpen; }

private:
    void take(QTcpSocket *socket)
    {
        socket->setParent(this);
        // Open: connections whose client has not closed yet, asked of the kernel rather than
        // taken from our own (later) disconnected() events, which a busy machine can deliver
        // after the next connection's.
        m_sockets.erase(std::remove_if(m_sockets.begin(), m_sockets.end(),
                                       [](const QPointer<QTcpSocket> &s) { return !s || clientClosed(*s); }),
                        m_sockets.end());
        m_sockets.push_back(socket);
        m_maxOpen = std::max(m_maxOpen, int(m_sockets.size()));
        ++m_open;
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            --m_open;
            ++m_closed;
            socket->deleteLater();
        });
        auto head = std::make_shared<QByteArray>();
        connect(socket, &QTcpSocket::readyRead, this, [this, socket, head] {
            if (head->endsWith("\r\n\r\n"))
                return;
            *head += socket->readAll();
            if (head->endsWith("\r\n\r\n")) {
                ++m_probes;
                answer(socket);
            }
        });
    }

    void answer(QTcpSocket *socket)
    {
        switch (m_mode) {
        case Mode::Huge:
            // No length: the body runs to the close, 4 MiB of it.
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n");
            socket->write(QByteArray(4 * 1024 * 1024, 'x'));
            socket->disconnectFromHost();
            break;
        case Mode::HugeDeclared:
            socket->write("HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n");
            socket->write(QByteArray(1024, 'x'));
            break;
        case Mode::Stall:
            // A good status line, then the body stops coming.
            socket->write("HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\nxx");
            break;
        case Mode::Trickle: {
            // A byte every 50 ms of a 2,000-byte body: each byte comes well within the transfer
            // timeout, the whole would take 100 s.
            socket->write("HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n");
            auto *drip = new QTimer(socket);
            connect(drip, &QTimer::timeout, socket, [socket] { socket->write("x"); });
            drip->start(50);
            break;
        }
        }
    }

    Mode m_mode;
    QTcpServer m_server;
    bool m_listening = false;
    int m_probes = 0;
    int m_open = 0;
    int m_closed = 0;
    int m_maxOpen = 0;
    std::vector<QPointer<QTcpSocket>> m_sockets;
};

ReplicaSpec sleeperSpec(double maxWaitSeconds)
{
    ReplicaSpec spec;
    spec.routeId = QUuid::createUuid();
    spec.program = u"sleep"_s;
    spec.arguments = {u"60"_s};
    HealthCheckConfig health;
    health.path = u"/health"_s;
    health.interval = 1;
    health.maxRetries = 100;  // never gives up within the test
    health.maxWaitTime = maxWaitSeconds;
    health.initialDelay = 0;
    spec.healthCheck = health;
    return spec;
}

} // namespace

Q_DECLARE_METATYPE(HealthAnswerer::Mode)

// A replica's health probe reads a bounded answer in bounded time, and one at a time.
class TestReplicaProbe final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void probeIsBounded_data()
    {
        QTest::addColumn<HealthAnswerer::Mode>("mode");
        QTest::newRow("4 MiB answer") << HealthAnswerer::Mode::Huge;
        QTest::newRow("1 GB announced") << HealthAnswerer::Mode::HugeDeclared;
        QTest::newRow("answer dripped a byte at a time") << HealthAnswerer::Mode::Trickle;
        QTest::newRow("200, then the body stalls") << HealthAnswerer::Mode::Stall;
    }

    void probeIsBounded()
    {
        QFETCH(HealthAnswerer::Mode, mode);
        HealthAnswerer answerer(mode);
        QVERIFY(answerer.isListening());
        QNetworkAccessManager network;
        ReplicaProcess replica(sleeperSpec(0.5), network);
        QSignalSpy healthy(&replica, &ReplicaProcess::becameHealthy);
        replica.start(answerer.port());

        // Each probe is cut short (too large, or past its 0.5 s however the bytes trickle),
        // so the next one comes; none of them counts as healthy, and none overlaps another.
        QTRY_VERIFY_WITH_TIMEOUT(answerer.probes() >= 3, 10000);
        QCOMPARE(healthy.count(), 0);
        QCOMPARE(replica.state(), ReplicaProcess::State::Starting);
        QVERIFY(answerer.closed() >= 2);
        QCOMPARE(answerer.maxOpen(), 1);
    }
};

QTEST_GUILESS_MAIN(TestReplicaProbe)
#include "test_replicaprobe.moc"
