// TcpStream against real loopback sockets, on both of its backends: built once with the main
// thread on EpollDispatcher (edge-triggered watch, as on the proxy's workers) and once on Qt's
// own dispatcher (socket notifiers, as on the control API's thread). The contract is the same:
// a readable call per arrival, none again for bytes already known of, the peer's close reported
// even while not reading, writes queued and drained in order.
#include <cerrno>
#include <functional>

#include <QCoreApplication>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include "net/tcpstream.h"

using namespace ServeDeck;

namespace {

class Probe final : public TcpStream::Handler
{
public:
    void streamConnected() override { ++connected; }
    void streamReadable() override
    {
        ++readable;
        if (onReadable) {
            onReadable();  // may destroy the stream
            return;
        }
        if (autoRead)
            readAll();
    }
    void streamWritten() override { ++written; }
    void streamClosed() override { ++closed; }

    void readAll()
    {
        char buffer[4096];
        while (const qint64 n = stream->read(buffer, sizeof buffer))
            received.append(buffer, n);
    }

    TcpStream *stream = nullptr;
    bool autoRead = true;
    int connected = 0;
    int readable = 0;
    int written = 0;
    int closed = 0;
    QByteArray received;
    std::function<void()> onReadable;
};

// A QTcpServer whose accepted descriptors are kept raw (for TcpStream) or wrapped as usual.
class Listener final : public QTcpServer
{
public:
    bool raw = false;
    QList<qintptr> descriptors;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        if (raw) {
            descriptors.append(descriptor);
            return;
        }
        QTcpServer::incomingConnection(descriptor);
    }
};

QByteArray pattern(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char('a' + (i * 7 + i / 4096) % 26);
    return bytes;
}

} // namespace

class TestTcpStream : public QObject
{
    Q_OBJECT

private:
    // A client TcpStream connected to m_listener, and the server's end of it.
    bool connectPair(Probe &probe, std::unique_ptr<TcpStream> &stream, QTcpSocket **server)
    {
        stream = std::make_unique<TcpStream>(&probe);
        probe.stream = stream.get();
        stream->connectTo(QHostAddress::LocalHost, m_listener->serverPort());
        if (!QTest::qWaitFor([&] { return probe.connected == 1 || probe.closed > 0; }, 5000) || probe.connected != 1)
            return false;
        if (!m_listener->hasPendingConnections() && !m_listener->waitForNewConnection(5000))
            return false;
        *server = m_listener->nextPendingConnection();
        return *server != nullptr;
    }

    std::unique_ptr<Listener> m_listener;

private Q_SLOTS:
    void init()
    {
        m_listener = std::make_unique<Listener>();
        QVERIFY(m_listener->listen(QHostAddress::LocalHost, 0));
    }
    void cleanup() { m_listener.reset(); }

    void backend()
    {
#ifdef SERVEDECK_TEST_EPOLL
        QVERIFY(EpollDispatcher::current() != nullptr);
#else
        QVERIFY(EpollDispatcher::current() == nullptr);
#endif
    }

    void exchangeAndPeerClose()
    {
        Probe probe;
        std::unique_ptr<TcpStream> stream;
        QTcpSocket *server = nullptr;
        QVERIFY(connectPair(probe, stream, &server));
        stream->write("ping");
        QTRY_COMPARE(server->bytesAvailable(), 4);
        QCOMPARE(server->readAll(), QByteArray("ping"));
        server->write("pong");
        QTRY_COMPARE(probe.received, QByteArray("pong"));
        QCOMPARE(probe.closed, 0);
        server->close();
        QTRY_COMPARE(probe.closed, 1);
        QCOMPARE(stream->error(), 0);
        QCOMPARE(stream->peerAddress(), QHostAddress(QHostAddress::LocalHost));
    }

    void connectionRefused()
    {
        const quint16 port = m_listener->serverPort();
        m_listener->close();
        Probe probe;
        TcpStream stream(&probe);
        probe.stream = &stream;
        stream.connectTo(QHostAddress::LocalHost, port);
        QCOMPARE(probe.closed, 0);  // never from inside the call
        QTRY_COMPARE(probe.closed, 1);
        QCOMPARE(probe.connected, 0);
        QCOMPARE(stream.error(), ECONNREFUSED);
        QVERIFY(!stream.errorString().isEmpty());
    }

    // A read shorter than the buffer emptied the kernel's; what arrives after it must still be
    // read (epoll: the next edge clears what that short read noted).
    void messagesAfterAShortReadAreRead()
    {
        Probe probe;
        std::unique_ptr<TcpStream> stream;
        QTcpSocket *server = nullptr;
        QVERIFY(connectPair(probe, stream, &server));
        QByteArray expected;
        for (int i = 0; i < 5; ++i) {
            const QByteArray message = "message " + QByteArray::number(i) + ";";
            server->write(message);
            expected += message;
            QTRY_COMPARE(probe.received, expected);
        }
        server->write(pattern(4096 + 10));  // one full read, then a short one
        expected += pattern(4096 + 10);
        QTRY_COMPARE(probe.received.size(), expected.size());
        QCOMPARE(probe.received, expected);
        server->write("after");
        expected += "after";
        QTRY_COMPARE(probe.received, expected);
        QCOMPARE(probe.closed, 0);
    }

    void noRepeatForBytesNotRead()
    {
        Probe probe;
        probe.autoRead = false;
        std::unique_ptr<TcpStream> stream;
        QTcpSocket *server = nullptr;
        QVERIFY(connectPair(probe, stream, &server));
        const QByteArray sent = pattern(64 * 1024);
        server->write(sent);
        QTRY_VERIFY(probe.readable >= 1);
        QTRY_COMPARE(stream->bytesAvailable(), sent.size());  // all of it arrived
        // A handler that stops reading (backpressure) is not called again for the same bytes.
        const int calls = probe.readable;
        QTest::qWait(100);
        QCOMPARE(probe.readable, calls);
        QTRY_COMPARE((probe.readAll(), probe.received.size()), sent.size());
        QCOMPARE(probe.received, sent);
    }

    void peerCloseSeenWhileNotReading()
    {
        Probe probe;
        probe.autoRead = false;
        std::unique_ptr<TcpStream> stream;
        QTcpSocket *server = nullptr;
        QVERIFY(connectPair(probe, stream, &server));
        server->write("last words");
        QVERIFY(server->waitForBytesWritten(5000));
        server->close();
        // Reported although nothing was read, as a client gone while its request is forwarded must be.
        QTRY_COMPARE(probe.closed, 1);
        // What came before the close can still be read.
        probe.readAll();
        QCOMPARE(probe.received, QByteArray("last words"));
    }

    void largeWriteQueuesAndDrainsInOrder()
    {
        Probe probe;
        std::unique_ptr<TcpStream> stream;
        QTcpSocket *server = nullptr;
        QVERIFY(connectPair(probe, stream, &server));
        server->setReadBufferSize(64 * 1024);  // the peer stops reading: the kernel's buffers fill
        const QByteArray sent = pattern(16 * 1024 * 1024);
        stream->write(sent);
        QVERIFY2(stream->bytesToWrite() > 0, "16 MiB fitted in the kernel's buffers at once");
        QCOMPARE(probe.written, 0);
        QByteArray got;
        server->setReadBufferSize(0);
        QTRY_VERIFY_WITH_TIMEOUT((got.append(server->readAll()), got.size() == sent.size()), 20000);
        QCOMPARE(got, sent);
        QTRY_COMPARE(stream->bytesToWrite(), 0);
        QVERIFY(probe.written >= 1);
    }

    void disconnectFromHostSendsWhatIsQueued()
    {
        Probe probe;
        std::unique_ptr<TcpStream> stream;
        QTcpSocket *server = nullptr;
        QVERIFY(connectPair(probe, stream, &server));
        server->setReadBufferSize(64 * 1024);
        const QByteArray sent = pattern(4 * 1024 * 1024);
        stream->write(sent);
        QVERIFY(stream->bytesToWrite() > 0);
        stream->disconnectFromHost();
        QVERIFY(stream->isOpen());  // not before it is all sent
        server->setReadBufferSize(0);
        QByteArray got;
        QTRY_VERIFY_WITH_TIMEOUT((got.append(server->readAll()), server->state() != QAbstractSocket::ConnectedState),
                                 20000);
        got.append(server->readAll());
        QCOMPARE(got.size(), sent.size());
        QCOMPARE(got, sent);
        QTRY_COMPARE(probe.closed, 1);
        QVERIFY(!stream->isOpen());
    }

    void corkGathersWrites()
    {
        Probe probe;
        std::unique_ptr<TcpStream> stream;
        QTcpSocket *server = nullptr;
        QVERIFY(connectPair(probe, stream, &server));
        stream->cork();
        stream->write("head|");
        stream->write("body");
        QCOMPARE(stream->bytesToWrite(), 9);  // held while corked
        stream->uncork();
        QCOMPARE(stream->bytesToWrite(), 0);
        QByteArray got;
        QTRY_COMPARE((got.append(server->readAll()), got), QByteArray("head|body"));
    }

    // A handler may destroy the stream from its callback (an owner deleted in a nested event
    // loop, as the model server's latency wait runs one): the stream then touches nothing of
    // itself (ASan in CI reads freed memory otherwise).
    void handlerMayDestroyTheStream()
    {
        Probe probe;
        std::unique_ptr<TcpStream> stream;
        QTcpSocket *server = nullptr;
        QVERIFY(connectPair(probe, stream, &server));
        probe.onReadable = [&] {
            probe.readAll();
            stream.reset();
        };
        server->write("bye");
        server->close();  // data and the end in one event: readable, then the end, on a destroyed stream
        QTRY_VERIFY(!stream);
        QCOMPARE(probe.received, QByteArray("bye"));
        QCOMPARE(probe.closed, 0);  // destroyed first: no call after that
    }

    void acceptedDescriptor()
    {
        m_listener->raw = true;
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, m_listener->serverPort());
        QVERIFY(client.waitForConnected(5000));
        QTRY_COMPARE(m_listener->descriptors.size(), 1);
        Probe probe;
        TcpStream stream(int(m_listener->descriptors.takeFirst()), &probe);
        probe.stream = &stream;
        QCOMPARE(stream.peerAddress(), QHostAddress(QHostAddress::LocalHost));
        client.write("GET / HTTP/1.1\r\n\r\n");
        QTRY_COMPARE(probe.received, QByteArray("GET / HTTP/1.1\r\n\r\n"));
        stream.write("HTTP/1.1 204 No Content\r\n\r\n");
        QByteArray answer;
        QTRY_COMPARE((answer.append(client.readAll()), answer), QByteArray("HTTP/1.1 204 No Content\r\n\r\n"));
        client.abort();
        QTRY_COMPARE(probe.closed, 1);
        stream.abort();
        QVERIFY(!stream.isOpen());
    }
};

int main(int argc, char **argv)
{
#ifdef SERVEDECK_TEST_EPOLL
    QCoreApplication::setEventDispatcher(new EpollDispatcher);
#endif
    QCoreApplication app(argc, argv);
    TestTcpStream test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_tcpstream.moc"
