// The plane's own health check of a remote replica, against real sockets on loopback that answer
// as a healthy, a failing, a talkative, a redirecting and a silent replica would.
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include "agent/relayedhealthcheck.h"

using namespace ServeDeck;

namespace {

// Bounded waits: every check here ends within its own deadline; the rest is CI headroom.
constexpr int kWaitMs = 20000;

// Answers every connection's first bytes with a canned response (empty: never answers).
class CannedReplica final : public QObject
{
public:
    explicit CannedReplica(QByteArray answer)
        : m_answer(std::move(answer))
    {
        if (!m_server.listen(QHostAddress::LocalHost, 0))
            qFatal("cannot listen: %s", qPrintable(m_server.errorString()));
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                ++m_connections;
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                    m_requests += int(socket->readAll().count("GET /"));
                    if (!m_answer.isEmpty())
                        socket->write(m_answer);
                });
                connect(socket, &QTcpSocket::bytesWritten, this, [this](qint64 bytes) { m_bytesSent += bytes; });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }

    QUrl url(const QString &path = QStringLiteral("/health")) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(path));
    }
    quint16 port() const { return m_server.serverPort(); }
    int connections() const { return m_connections; }
    int requests() const { return m_requests; }
    qint64 bytesSent() const { return m_bytesSent; }

private:
    QByteArray m_answer;
    int m_connections = 0;
    int m_requests = 0;
    qint64 m_bytesSent = 0;
    QTcpServer m_server;  // last: its sockets go first, while what they count is still here
};

QByteArray response(const QByteArray &statusLine, const QByteArray &body, const QByteArray &extraHeaders = {})
{
    return "HTTP/1.1 " + statusLine + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n" + extraHeaders
        + "\r\n" + body;
}

} // namespace

class TestRelayedHealthCheck final : public QObject
{
    Q_OBJECT

private:
    // Runs one check to its end: whether it passed, and why not.
    std::pair<bool, QString> check(const QUrl &url, int expectedStatus = 200, int timeoutMs = 1000)
    {
        RelayedHealthCheck healthCheck(url, expectedStatus, timeoutMs);
        QSignalSpy finished(&healthCheck, &RelayedHealthCheck::finished);
        healthCheck.start();
        if (!finished.wait(kWaitMs))
            return {false, QStringLiteral("never finished")};
        return {finished.first().at(0).toBool(), finished.first().at(1).toString()};
    }

private Q_SLOTS:
    void aHealthyAnswerPasses()
    {
        CannedReplica replica(response("200 OK", "ok"));
        const auto [ok, detail] = check(replica.url());
        QVERIFY2(ok, qPrintable(detail));
        QCOMPARE(replica.connections(), 1);
    }

    void anotherStatusFailsAfterItsTries()
    {
        CannedReplica replica(response("503 Service Unavailable", "busy"));
        const auto [ok, detail] = check(replica.url());
        QVERIFY(!ok);
        QVERIFY2(detail.contains(QStringLiteral("answered 503")), qPrintable(detail));
        QCOMPARE(replica.requests(), RelayedHealthCheck::kTries);
    }

    // A replica that talks without end is cut off at the cap, not read to the end.
    void aBodyOverTheCapFails()
    {
        constexpr qsizetype kBody = 128 << 20;
        CannedReplica replica(response("200 OK", QByteArray(kBody, 'x')));
        const auto [ok, detail] = check(replica.url(), 200, 10000);
        QVERIFY(!ok);
        QVERIFY2(detail.contains(QStringLiteral("over %1 bytes").arg(RelayedHealthCheck::kMaxBodyBytes)), qPrintable(detail));
        // What got out before the cut is the kernel's buffers' worth, not the body.
        QVERIFY2(replica.bytesSent() < kBody / 4, qPrintable(QString::number(replica.bytesSent())));
    }

    // A redirect is an answer like any other: the plane is never sent somewhere else.
    void aRedirectIsNotFollowed()
    {
        CannedReplica elsewhere(response("200 OK", "ok"));
        CannedReplica replica(response("302 Found", {}, "Location: " + elsewhere.url().toEncoded() + "\r\n"));
        const auto [ok, detail] = check(replica.url());
        QVERIFY(!ok);
        QVERIFY2(detail.contains(QStringLiteral("answered 302")), qPrintable(detail));
        QCOMPARE(elsewhere.connections(), 0);
    }

    // A replica that accepts and never answers fails at the deadline of each try.
    void silenceFailsAtTheDeadline()
    {
        CannedReplica replica({});
        const auto [ok, detail] = check(replica.url(), 200, 300);
        QVERIFY(!ok);
        QVERIFY(!detail.isEmpty());
        QCOMPARE(replica.requests(), RelayedHealthCheck::kTries);
    }

    // Done, it leaves no connection open behind it (through the relay, one would hold a stream).
    void noConnectionOutlivesTheCheck()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QTcpSocket *accepted = nullptr;
        connect(&server, &QTcpServer::newConnection, this, [&] {
            accepted = server.nextPendingConnection();
            connect(accepted, &QTcpSocket::readyRead, accepted, [&] {
                accepted->readAll();
                accepted->write(response("200 OK", "ok"));
            });
        });
        {
            RelayedHealthCheck healthCheck(QUrl(QStringLiteral("http://127.0.0.1:%1/health").arg(server.serverPort())), 200, 1000);
            QSignalSpy finished(&healthCheck, &RelayedHealthCheck::finished);
            healthCheck.start();
            QVERIFY(finished.wait(kWaitMs));
            QVERIFY(finished.first().at(0).toBool());
            QVERIFY(accepted);
            QCOMPARE(accepted->state(), QAbstractSocket::ConnectedState);
        }
        QTRY_COMPARE_WITH_TIMEOUT(accepted->state(), QAbstractSocket::UnconnectedState, kWaitMs);
    }
};

QTEST_GUILESS_MAIN(TestRelayedHealthCheck)
#include "test_relayedhealthcheck.moc"
