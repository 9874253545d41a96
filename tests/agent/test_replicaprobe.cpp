#include <algorithm>
#include <cerrno>
#include <memory>
#include <vector>

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <sys/socket.h>

#include "agent/replicaprocess.h"
#include "support/scriptedupstream.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

enum class HealthMode { Huge, HugeDeclared, Trickle, Stall };

// The replica's side of its health probes, played by the test: answers each probe as the mode says.
TestSupport::ScriptedUpstream::Answer healthAnswer(HealthMode mode)
{
    return [mode](QTcpSocket *socket) {
        switch (mode) {
        case HealthMode::Huge:
            // No length: the body runs to the close, 4 MiB of it.
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n");
            socket->write(QByteArray(4 * 1024 * 1024, 'x'));
            socket->disconnectFromHost();
            break;
        case HealthMode::HugeDeclared:
            socket->write("HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n");
            socket->write(QByteArray(1024, 'x'));
            break;
        case HealthMode::Stall:
            // A good status line, then the body stops coming.
            socket->write("HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\nxx");
            break;
        case HealthMode::Trickle: {
            // A byte every 50 ms of a 2,000-byte body: each byte comes well within the transfer
            // timeout, the whole would take 100 s.
            socket->write("HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n");
            auto *drip = new QTimer(socket);
            QObject::connect(drip, &QTimer::timeout, socket, [socket] { socket->write("x"); });
            drip->start(50);
            break;
        }
        }
    };
}

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

Q_DECLARE_METATYPE(HealthMode)

// A replica's health probe reads a bounded answer in bounded time, and one at a time.
class TestReplicaProbe final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void probeIsBounded_data()
    {
        QTest::addColumn<HealthMode>("mode");
        QTest::newRow("4 MiB answer") << HealthMode::Huge;
        QTest::newRow("1 GB announced") << HealthMode::HugeDeclared;
        QTest::newRow("answer dripped a byte at a time") << HealthMode::Trickle;
        QTest::newRow("200, then the body stalls") << HealthMode::Stall;
    }

    void probeIsBounded()
    {
        QFETCH(HealthMode, mode);
        TestSupport::ScriptedUpstream answerer(healthAnswer(mode));
        QVERIFY(answerer.isListening());
        QNetworkAccessManager network;
        ReplicaProcess replica(sleeperSpec(0.5), network);
        QSignalSpy healthy(&replica, &ReplicaProcess::becameHealthy);
        replica.start(answerer.port());

        // Each probe is cut short (too large, or past its 0.5 s however the bytes trickle),
        // so the next one comes; none of them counts as healthy, and none overlaps another.
        QTRY_VERIFY_WITH_TIMEOUT(answerer.requests() >= 3, 10000);
        QCOMPARE(healthy.count(), 0);
        QCOMPARE(replica.state(), ReplicaProcess::State::Starting);
        QVERIFY(answerer.closed() >= 2);
        QCOMPARE(answerer.maxOpen(), 1);
    }
};

QTEST_GUILESS_MAIN(TestReplicaProbe)
#include "test_replicaprobe.moc"
