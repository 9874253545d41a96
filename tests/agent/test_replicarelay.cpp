// The replica relay over a real WebSocket on loopback: the plane's listener at one end, the
// agent's endpoint at the other, real TCP clients and a real TCP "replica" behind it.
#include <memory>

#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include "agent/relayframe.h"
#include "agent/relaymux.h"
#include "agent/relaystream.h"
#include "agent/remoteagentrunner.h"
#include "agent/replicarelayendpoint.h"
#include "agent/replicarelaylistener.h"

using namespace ServeDeck;

namespace {

// Bounded waits: every transfer here takes well under a second; the rest is CI headroom.
constexpr int kWaitMs = 30000;

QByteArray randomBytes(qsizetype size, quint32 seed)
{
    QByteArray bytes(size, Qt::Uninitialized);
    QRandomGenerator generator(seed);
    generator.fillRange(reinterpret_cast<quint32 *>(bytes.data()), size / qsizetype(sizeof(quint32)));
    return bytes;
}

// The replica behind the relay: echoes what it gets, or sends `source` bytes and closes.
class TestReplica final : public QObject
{
public:
    explicit TestReplica(QByteArray source = {})
        : m_source(std::move(source))
    {
        if (!m_server.listen(QHostAddress::LocalHost, 0))
            qFatal("cannot listen: %s", qPrintable(m_server.errorString()));
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                m_open.append(socket);
                ++m_accepted;
                connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                    m_open.removeAll(socket);
                    socket->deleteLater();
                });
                if (!m_source.isEmpty()) {
                    socket->write(m_source);
                    socket->disconnectFromHost();
                } else {
                    connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->write(socket->readAll()); });
                }
            }
        });
    }

    quint16 port() const { return m_server.serverPort(); }
    int open() const { return int(m_open.size()); }
    int accepted() const { return m_accepted; }
    // Bytes the replica has queued but the relay has not yet taken.
    qint64 unsent() const
    {
        qint64 total = 0;
        for (const QTcpSocket *socket : m_open)
            total += socket->bytesToWrite();
        return total;
    }

private:
    QByteArray m_source;
    QList<QTcpSocket *> m_open;
    int m_accepted = 0;
    QTcpServer m_server;  // last: its sockets go first, while the list they leave is still here
};

// A client of the plane's relay listener that keeps everything it receives.
struct Client
{
    QTcpSocket socket;
    QByteArray received;
    bool closed = false;

    explicit Client(quint16 port)
    {
        QObject::connect(&socket, &QTcpSocket::readyRead, &socket, [this] { received += socket.readAll(); });
        QObject::connect(&socket, &QTcpSocket::disconnected, &socket, [this] { closed = true; });
        socket.connectToHost(QHostAddress::LocalHost, port);
    }
};

} // namespace

class TestReplicaRelay final : public QObject
{
    Q_OBJECT

private:
    QUuid m_route = QUuid::createUuid();
    std::unique_ptr<QWebSocketServer> m_server;
    std::unique_ptr<QWebSocket> m_agentChannel;
    QWebSocket *m_planeChannel = nullptr;
    std::unique_ptr<ReplicaRelayListener> m_plane;
    std::unique_ptr<ReplicaRelayEndpoint> m_agent;
    quint16 m_replicaPort = 0;

    // Both ends joined by a real WebSocket; the agent relays m_route to m_replicaPort only.
    void connectEnds()
    {
        m_server = std::make_unique<QWebSocketServer>(QStringLiteral("test"), QWebSocketServer::NonSecureMode);
        QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
        m_agentChannel = std::make_unique<QWebSocket>();
        m_agentChannel->open(QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(m_server->serverPort())));
        QTRY_VERIFY_WITH_TIMEOUT(m_server->hasPendingConnections(), kWaitMs);
        m_planeChannel = m_server->nextPendingConnection();
        m_planeChannel->setParent(m_server.get());  // unparented as it comes: it goes with the server
        QTRY_COMPARE_WITH_TIMEOUT(m_agentChannel->state(), QAbstractSocket::ConnectedState, kWaitMs);
        m_plane = std::make_unique<ReplicaRelayListener>();
        m_plane->setChannel(m_planeChannel);
        m_agent = std::make_unique<ReplicaRelayEndpoint>([this](const QUuid &routeId) {
            return routeId == m_route ? m_replicaPort : quint16(0);
        });
        m_agent->setChannel(m_agentChannel.get());
    }

private Q_SLOTS:
    void cleanup()
    {
        m_plane.reset();
        m_agent.reset();
        m_agentChannel.reset();
        m_server.reset();
        m_planeChannel = nullptr;
    }

    void framesAreStrict_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        const QByteArray id("\x00\x00\x00\x07", 4);
        QTest::newRow("too short") << QByteArray("\x02\x00\x00", 3);
        QTest::newRow("unknown kind") << (QByteArray(1, '\x09') + id + "x");
        QTest::newRow("stream 0") << (QByteArray(1, '\x02') + QByteArray(4, '\0') + "x");
        QTest::newRow("empty data") << (QByteArray(1, '\x02') + id);
        QTest::newRow("data over 64 KiB") << (QByteArray(1, '\x02') + id + QByteArray(RelayFrame::kMaxPayload + 1, 'x'));
        QTest::newRow("open, 15 bytes") << (QByteArray(1, '\x01') + id + QByteArray(15, '\x01'));
        QTest::newRow("open, null route") << (QByteArray(1, '\x01') + id + QByteArray(16, '\0'));
        QTest::newRow("close with payload") << (QByteArray(1, '\x03') + id + "x");
        QTest::newRow("zero credit") << (QByteArray(1, '\x04') + id + QByteArray(4, '\0'));
        QTest::newRow("credit, 3 bytes") << (QByteArray(1, '\x04') + id + QByteArray(3, '\x01'));
    }

    void framesAreStrict()
    {
        QFETCH(QByteArray, bytes);
        QVERIFY(!RelayFrame::decode(bytes).has_value());
    }

    void framesRoundTrip()
    {
        const QUuid route = QUuid::createUuid();
        const auto open = RelayFrame::decode(RelayFrame::open(7, route).encode());
        QVERIFY(open);
        QCOMPARE(open->kind, RelayFrame::Kind::Open);
        QCOMPARE(open->stream, 7u);
        QCOMPARE(open->routeId(), route);
        const auto credit = RelayFrame::decode(RelayFrame::credit(0xfffffffe, 65536).encode());
        QVERIFY(credit);
        QCOMPARE(credit->stream, 0xfffffffeu);
        QCOMPARE(credit->creditBytes(), 65536u);
        const QByteArray payload = randomBytes(RelayFrame::kMaxPayload, 1);
        const auto data = RelayFrame::decode(RelayFrame::data(1, payload).encode());
        QVERIFY(data);
        QCOMPARE(data->payload, payload);
    }

    // A peer that sends past its window, or grants more than a window, loses the stream: what a
    // stream holds can never grow past the window, whatever the far end does.
    void aStreamHoldsTheWindowAndNoMore()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        auto *socket = new QTcpSocket;
        socket->connectToHost(QHostAddress::LocalHost, server.serverPort());
        QVERIFY(socket->waitForConnected(kWaitMs));
        QList<RelayFrame> sent;
        RelayStream stream(5, socket, [&](const RelayFrame &frame) { sent.append(frame); });
        QSignalSpy finished(&stream, &RelayStream::finished);
        const QByteArray chunk(RelayFrame::kMaxPayload, 'x');
        // No event loop runs here, so nothing is handed to the kernel and no credit comes back.
        for (qint64 given = 0; given + chunk.size() <= RelayStream::kWindow; given += chunk.size())
            QVERIFY(stream.deliver(RelayFrame::data(5, chunk)));
        QCOMPARE(finished.size(), 0);
        QVERIFY(!stream.deliver(RelayFrame::data(5, QByteArray(1, 'y'))));
        QCOMPARE(finished.size(), 1);
        QVERIFY(!sent.isEmpty());
        QCOMPARE(sent.last().kind, RelayFrame::Kind::Close);

        auto *other = new QTcpSocket;
        other->connectToHost(QHostAddress::LocalHost, server.serverPort());
        QVERIFY(other->waitForConnected(kWaitMs));
        RelayStream fresh(6, other, [](const RelayFrame &) {});
        QVERIFY(!fresh.deliver(RelayFrame::credit(6, 1)));  // its window is already whole
    }

    void largeBodiesBothWays()
    {
        TestReplica echo;
        m_replicaPort = echo.port();
        connectEnds();
        const quint16 port = m_plane->listen(m_route);
        QVERIFY(port != 0);
        QCOMPARE(m_plane->listen(m_route), port);  // one listener per route

        const QByteArray body = randomBytes(8 << 20, 42);
        Client client(port);
        client.socket.write(body);
        QTRY_COMPARE_WITH_TIMEOUT(client.received.size(), body.size(), kWaitMs);
        QVERIFY(client.received == body);
        QCOMPARE(echo.accepted(), 1);
        QCOMPARE(m_plane->mux().rejectedFrames(), 0u);
        QCOMPARE(m_agent->mux().rejectedFrames(), 0u);

        // Closing the client closes the replica's side too, and both ends forget the stream.
        client.socket.disconnectFromHost();
        QTRY_COMPARE_WITH_TIMEOUT(echo.open(), 0, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_plane->mux().streamCount(), 0, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_agent->mux().streamCount(), 0, kWaitMs);
    }

    // A replica that answers and closes at once: all of its answer arrives before the close.
    void everyByteArrivesBeforeTheClose()
    {
        const QByteArray answer = randomBytes(8 << 20, 7);
        TestReplica source(answer);
        m_replicaPort = source.port();
        connectEnds();
        Client client(m_plane->listen(m_route));
        QTRY_VERIFY_WITH_TIMEOUT(client.closed, kWaitMs);
        QCOMPARE(client.received.size(), answer.size());
        QVERIFY(client.received == answer);
        QTRY_COMPARE_WITH_TIMEOUT(m_plane->mux().streamCount(), 0, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_agent->mux().streamCount(), 0, kWaitMs);
    }

    void manyConcurrentStreams()
    {
        TestReplica echo;
        m_replicaPort = echo.port();
        connectEnds();
        const quint16 port = m_plane->listen(m_route);
        constexpr int kClients = 64;
        std::vector<std::unique_ptr<Client>> clients;
        QList<QByteArray> bodies;
        for (int i = 0; i < kClients; ++i) {
            bodies.append(randomBytes(300 * 1024 + i * 4, quint32(100 + i)));
            clients.push_back(std::make_unique<Client>(port));
            clients.back()->socket.write(bodies.last());
        }
        for (int i = 0; i < kClients; ++i) {
            QTRY_COMPARE_WITH_TIMEOUT(clients[size_t(i)]->received.size(), bodies[i].size(), kWaitMs);
            QVERIFY2(clients[size_t(i)]->received == bodies[i], qPrintable(QString::number(i)));
        }
        QCOMPARE(echo.accepted(), kClients);
        QCOMPARE(m_plane->mux().streamCount(), kClients);
        QCOMPARE(m_agent->mux().streamCount(), kClients);
    }

    // A client that does not read: the relay stops reading the replica once a window is out,
    // rather than buffering what the replica sends; once the client reads, all of it arrives.
    void theWindowBoundsMemory()
    {
        constexpr qsizetype kAnswer = 64 << 20;
        const QByteArray answer = randomBytes(kAnswer, 9);
        TestReplica source(answer);
        m_replicaPort = source.port();
        connectEnds();
        Client client(m_plane->listen(m_route));
        client.socket.setReadBufferSize(64 * 1024);
        QObject::disconnect(&client.socket, &QTcpSocket::readyRead, nullptr, nullptr);

        qint64 mostHeld = 0;
        qint64 mostHeldByPlane = 0;
        QTimer sampler;
        connect(&sampler, &QTimer::timeout, this, [&] {
            mostHeldByPlane = std::max(mostHeldByPlane, m_plane->mux().bufferedBytes());
            mostHeld = std::max(mostHeld, m_plane->mux().bufferedBytes() + m_agent->mux().bufferedBytes());
        });
        sampler.start(5);
        // The plane's side fills up to its window once the kernel's buffers are full...
        QTRY_VERIFY_WITH_TIMEOUT(mostHeldByPlane >= RelayStream::kWindow / 2, kWaitMs);
        // ...and stays there while nobody reads (a bounded look: 100 samples).
        for (int i = 0; i < 100; ++i)
            QTest::qWait(5);
        QVERIFY2(mostHeld <= 2 * RelayStream::kWindow, qPrintable(QString::number(mostHeld)));
        // Most of the answer is still with the replica: the relay did not take it.
        QVERIFY2(source.unsent() >= kAnswer / 2, qPrintable(QString::number(source.unsent())));

        connect(&client.socket, &QTcpSocket::readyRead, &client.socket, [&] { client.received += client.socket.readAll(); });
        client.received += client.socket.readAll();
        QTRY_COMPARE_WITH_TIMEOUT(client.received.size(), kAnswer, kWaitMs);
        QVERIFY(client.received == answer);
        QVERIFY2(mostHeld <= 2 * RelayStream::kWindow, qPrintable(QString::number(mostHeld)));
    }

    void theChannelDroppingClosesEveryStream()
    {
        TestReplica echo;
        m_replicaPort = echo.port();
        connectEnds();
        const quint16 port = m_plane->listen(m_route);
        std::vector<std::unique_ptr<Client>> clients;
        for (int i = 0; i < 5; ++i) {
            clients.push_back(std::make_unique<Client>(port));
            clients.back()->socket.write("ping");
            QTRY_COMPARE_WITH_TIMEOUT(clients.back()->received, QByteArray("ping"), kWaitMs);
        }
        QCOMPARE(echo.open(), 5);
        QCOMPARE(m_plane->mux().streamCount(), 5);

        m_agentChannel->abort();
        // Each end hears the drop its own way: the agent's at once, the plane's from its socket.
        QTRY_COMPARE_WITH_TIMEOUT(m_planeChannel->state(), QAbstractSocket::UnconnectedState, kWaitMs);
        m_plane->setChannel(nullptr);
        m_agent->setChannel(nullptr);
        for (const auto &client : clients)
            QTRY_VERIFY_WITH_TIMEOUT(client->closed, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(echo.open(), 0, kWaitMs);
        QCOMPARE(m_plane->mux().streamCount(), 0);
        QCOMPARE(m_agent->mux().streamCount(), 0);

        // With no channel, a new connection is closed at once.
        Client late(port);
        QTRY_VERIFY_WITH_TIMEOUT(late.closed, kWaitMs);
        QCOMPARE(echo.accepted(), 5);
    }

    void streamsPerAgentAreCapped()
    {
        TestReplica echo;
        m_replicaPort = echo.port();
        connectEnds();
        m_plane->mux().setMaxStreams(3);
        const quint16 port = m_plane->listen(m_route);
        std::vector<std::unique_ptr<Client>> clients;
        for (int i = 0; i < 3; ++i) {
            clients.push_back(std::make_unique<Client>(port));
            clients.back()->socket.write("ping");
            QTRY_COMPARE_WITH_TIMEOUT(clients.back()->received, QByteArray("ping"), kWaitMs);
        }
        Client over(port);
        QTRY_VERIFY_WITH_TIMEOUT(over.closed, kWaitMs);
        QVERIFY(over.received.isEmpty());
        QCOMPARE(echo.accepted(), 3);
        // One ends, and there is room again.
        clients.front()->socket.disconnectFromHost();
        QTRY_COMPARE_WITH_TIMEOUT(m_plane->mux().streamCount(), 2, kWaitMs);
        Client next(port);
        next.socket.write("pong");
        QTRY_COMPARE_WITH_TIMEOUT(next.received, QByteArray("pong"), kWaitMs);
    }

    // The agent relays only to replicas it started itself: a stream for any other route is
    // refused, and the plane's client is closed.
    void anUnknownRouteIsRefused()
    {
        TestReplica echo;
        m_replicaPort = echo.port();
        connectEnds();
        Client client(m_plane->listen(QUuid::createUuid()));
        client.socket.write("ping");
        QTRY_VERIFY_WITH_TIMEOUT(client.closed, kWaitMs);
        QVERIFY(client.received.isEmpty());
        QCOMPARE(echo.accepted(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(m_plane->mux().streamCount(), 0, kWaitMs);
    }

    // A stream id still open is never taken twice: the second Open is dropped, not a second
    // connection to the replica.
    void aStreamIdInUseIsRefused()
    {
        TestReplica echo;
        m_replicaPort = echo.port();
        connectEnds();
        m_plane->setChannel(nullptr);  // the test speaks for the plane
        m_planeChannel->sendBinaryMessage(RelayFrame::open(5, m_route).encode());
        m_planeChannel->sendBinaryMessage(RelayFrame::open(5, m_route).encode());
        QTRY_COMPARE_WITH_TIMEOUT(m_agent->mux().rejectedFrames(), 1u, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(echo.accepted(), 1, kWaitMs);
        QCOMPARE(m_agent->mux().streamCount(), 1);
    }

    // The agent serves the relay only on a channel the plane has welcomed: an Open before the
    // welcome goes unanswered, one after it is answered (here refused: no such replica).
    void theAgentRelaysOnlyAfterTheWelcome()
    {
        QWebSocketServer plane(QStringLiteral("test"), QWebSocketServer::NonSecureMode);
        QVERIFY(plane.listen(QHostAddress::LocalHost, 0));
        RemoteAgentRunner runner(QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(plane.serverPort())), "join-secret",
                                 QStringLiteral("relay-agent"));
        runner.setInsecure(true);
        runner.start();
        QTRY_VERIFY_WITH_TIMEOUT(plane.hasPendingConnections(), kWaitMs);
        QWebSocket *agent = plane.nextPendingConnection();
        agent->setParent(&plane);  // unparented as it comes: it goes with the server
        QList<QByteArray> frames;
        connect(agent, &QWebSocket::binaryMessageReceived, this, [&](const QByteArray &frame) { frames.append(frame); });

        agent->sendBinaryMessage(RelayFrame::open(1, QUuid::createUuid()).encode());
        // Frames are handled in order: once the ping after it is answered, so would the Open be.
        QSignalSpy pong(agent, &QWebSocket::pong);
        agent->ping();
        QVERIFY(pong.wait(kWaitMs));
        QVERIFY(frames.isEmpty());

        agent->sendTextMessage(QStringLiteral(R"({"type":"welcome"})"));
        agent->sendBinaryMessage(RelayFrame::open(2, QUuid::createUuid()).encode());
        QTRY_COMPARE_WITH_TIMEOUT(frames.size(), 1, kWaitMs);
        const auto answer = RelayFrame::decode(frames.first());
        QVERIFY(answer);
        QCOMPARE(answer->kind, RelayFrame::Kind::Close);
        QCOMPARE(answer->stream, 2u);
    }

    // A peer speaking nonsense on the binary path: malformed frames and frames for streams that
    // are not open are dropped; an Open sent to the plane is refused; none of it opens anything.
    void nonsenseFromThePeerIsDropped()
    {
        TestReplica echo;
        m_replicaPort = echo.port();
        connectEnds();
        m_agent->setChannel(nullptr);  // the test speaks for the agent
        const QList<QByteArray> nonsense{QByteArray("\x02", 1), RelayFrame::data(99, "stray").encode(),
                                         RelayFrame::credit(99, 10).encode(), RelayFrame::close(99).encode(),
                                         RelayFrame::open(1, m_route).encode()};
        for (const QByteArray &frame : nonsense)
            m_agentChannel->sendBinaryMessage(frame);
        QTRY_COMPARE_WITH_TIMEOUT(m_plane->mux().rejectedFrames(), quint64(nonsense.size()), kWaitMs);
        QCOMPARE(m_plane->mux().streamCount(), 0);
        QCOMPARE(echo.accepted(), 0);
    }
};

QTEST_GUILESS_MAIN(TestReplicaRelay)
#include "test_replicarelay.moc"
