// A rogue agent with a valid join: it claims its replica is another endpoint's (that replica's
// port on loopback) or sits at an internal host, and that it is healthy. The plane dials neither:
// the route's address is its own relay listener, and its own health check through the relay
// decides, so nothing reaches the other endpoint's replica and the rogue's never takes traffic.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include "agent/relayframe.h"
#include "agent/remoteagentconnection.h"
#include "plane/controlplane.h"
#include "service/modelservingservice.h"
#include "service/replicadeployer.h"
#include "support/replicaprocesses.h"
#include "support/testplane.h"

using namespace ServeDeck;
using namespace ReplicaProcesses;

namespace {

// Bounded waits: a replica starts in about a second; the rest is CI headroom.
constexpr int kWaitMs = 20000;

// Speaks the agent protocol with the real join token, and lies: every replica it is asked to
// start "runs" at the replica id it was given and is at once "healthy". Relay streams the plane
// opens are refused.
class RogueAgent final : public QObject
{
public:
    RogueAgent(const QString &address, const QByteArray &joinToken, const QString &replicaHost, QString claimedReplicaId)
        : m_claimedReplicaId(std::move(claimedReplicaId))
    {
        connect(&m_socket, &QWebSocket::connected, this, [this, joinToken, replicaHost] {
            send(QJsonObject{{QStringLiteral("type"), QStringLiteral("hello")},
                             {QStringLiteral("agent_id"), QStringLiteral("rogue")},
                             {QStringLiteral("token"), QString::fromUtf8(joinToken)},
                             {QStringLiteral("capacity"), ResourceSlots{16, qint64(32) << 30, 0}.toJson()},
                             {QStringLiteral("gpus"), QJsonArray()},
                             {QStringLiteral("running"), QJsonArray()},
                             {QStringLiteral("replica_host"), replicaHost}});
        });
        connect(&m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &frame) {
            const QJsonObject message = QJsonDocument::fromJson(frame.toUtf8()).object();
            const QString type = message.value(QStringLiteral("type")).toString();
            if (type == u"welcome")
                m_welcomed = true;
            if (type != u"start")
                return;
            const QString routeId = message.value(QStringLiteral("spec")).toObject().value(QStringLiteral("route_id")).toString();
            m_started.append(QUuid::fromString(routeId));
            send(QJsonObject{{QStringLiteral("type"), QStringLiteral("started")},
                             {QStringLiteral("route_id"), routeId},
                             {QStringLiteral("replica_id"), m_claimedReplicaId}});
            send(QJsonObject{{QStringLiteral("type"), QStringLiteral("healthy")}, {QStringLiteral("route_id"), routeId}});
        });
        connect(&m_socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &message) {
            const auto frame = RelayFrame::decode(message);
            if (!frame || frame->kind != RelayFrame::Kind::Open)
                return;
            m_opened.append(frame->routeId());
            m_socket.sendBinaryMessage(RelayFrame::close(frame->stream).encode());
        });
        // A valid join: the rogue has the token, and trusts the plane's certificate as it is.
        connect(&m_socket, &QWebSocket::sslErrors, this, [this] { m_socket.ignoreSslErrors(); });
        m_socket.open(QUrl(QStringLiteral("wss://") + address));
    }

    bool welcomed() const { return m_welcomed; }
    const QList<QUuid> &started() const { return m_started; }
    // The routes the plane opened relay streams for (its own health checks among them).
    const QList<QUuid> &opened() const { return m_opened; }

private:
    void send(const QJsonObject &message)
    {
        m_socket.sendTextMessage(QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
    }

    QString m_claimedReplicaId;
    QWebSocket m_socket;
    bool m_welcomed = false;
    QList<QUuid> m_started;
    QList<QUuid> m_opened;
};

} // namespace

class TestRogueAgent final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ControlPlane> m_plane;
    QNetworkAccessManager m_network;

    ModelServingService &service() { return m_plane->service(); }

    void create(const QString &name)
    {
        CreateEndpointRequest r;
        r.name = name;
        r.modelVersion = QStringLiteral("v1");
        r.modelFolder = QStringLiteral("iris-v1");
        r.resourceSlots = {0.5, *parseMemorySize(QStringLiteral("512M")), 0};
        r.replicas = 1;
        r.isPublic = true;
        auto e = service().createEndpoint(r);
        if (!e)
            qFatal("create %s: %s", qPrintable(name), qPrintable(e.error().message));
    }

    QList<Route> routes(const QString &name)
    {
        auto info = service().endpointInfo(name);
        return info ? info->routes : QList<Route>();
    }

    // A listing that fails fails the test: "no errors" must never stand for "could not look".
    int healthFailuresOnTheRogue()
    {
        auto errors = service().listErrors(QStringLiteral("target"), 100, QStringLiteral("HealthCheckFailed"));
        if (!errors) {
            QTest::qFail(qPrintable(errors.error().message), __FILE__, __LINE__);
            return -1;
        }
        return int(std::count_if(errors->begin(), errors->end(), [](const ErrorRecord &e) { return e.agentId == u"rogue"; }));
    }

    // Predictions the replica itself has answered, from its own /metrics; -1 when it cannot be read.
    qint64 answeredBy(quint16 port)
    {
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/metrics").arg(port)));
        request.setTransferTimeout(kWaitMs);
        QNetworkReply *reply = m_network.get(request);
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        reply->deleteLater();
        if (reply->error() != QNetworkReply::NoError)
            return -1;
        static const QRegularExpression line(QStringLiteral("^servedeck_model_requests_total\\{[^}]*\\} (\\d+)$"),
                                             QRegularExpression::MultilineOption);
        const QString text = QString::fromUtf8(reply->readAll());
        if (!text.contains(QStringLiteral("# TYPE servedeck_model_requests_total counter")))
            return -1;
        qint64 total = 0;  // one line per status answered; none before the first request
        auto it = line.globalMatch(text);
        while (it.hasNext())
            total += it.next().captured(1).toLongLong();
        return total;
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        ControlPlaneOptions options = TestPlane::options(m_dir->filePath(QStringLiteral("data")));
        options.listenForAgents = true;
        const QString error = TestPlane::start(m_plane, options);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void cleanup()
    {
        m_plane.reset();
        m_dir.reset();
    }

    void nothingIsRoutedWhereARogueAgentPoints_data()
    {
        QTest::addColumn<QString>("replicaHost");
        QTest::newRow("another endpoint's replica on loopback") << QStringLiteral("127.0.0.1");
        QTest::newRow("an internal host") << QStringLiteral("10.11.12.13");
    }

    void nothingIsRoutedWhereARogueAgentPoints()
    {
        QFETCH(QString, replicaHost);
        // The victim: an endpoint whose replica runs on the embedded agent, on loopback.
        create(QStringLiteral("victim"));
        QTRY_VERIFY_WITH_TIMEOUT(!routes(QStringLiteral("victim")).isEmpty()
                                     && routes(QStringLiteral("victim")).first().status == RouteStatus::Healthy,
                                 kWaitMs);
        const Route victim = routes(QStringLiteral("victim")).first();
        const quint16 victimPort = portOf(victim);
        QVERIFY(victimPort != 0);
        // One answered directly, so the count is seen to count.
        QCOMPARE(predict(m_network, victimPort, kWaitMs).value(QStringLiteral("prediction")).toString(), QStringLiteral("setosa"));
        const qint64 answeredBefore = answeredBy(victimPort);
        QCOMPARE(answeredBefore, 1);

        QFile tokenFile(m_plane->agentJoinTokenFile());
        QVERIFY(tokenFile.open(QIODevice::ReadOnly));
        RogueAgent rogue(m_plane->agentsAddress(), tokenFile.readAll().trimmed(), replicaHost,
                         QStringLiteral("rogue:%1:%2").arg(pidOf(victim)).arg(victimPort));
        QTRY_VERIFY_WITH_TIMEOUT(rogue.welcomed(), kWaitMs);

        // Any moment a route of the rogue's is healthy counts, not only how things end.
        bool rogueEverHealthy = false;
        const auto look = [&] {
            for (const Route &r : routes(QStringLiteral("target")))
                rogueEverHealthy = rogueEverHealthy || (r.agentId == u"rogue" && r.status == RouteStatus::Healthy);
        };
        connect(&service(), &ModelServingService::routesChanged, this, look);

        // The fewest-replicas rule gives the new endpoint's replica to the rogue.
        create(QStringLiteral("target"));
        QTRY_VERIFY_WITH_TIMEOUT(!rogue.started().isEmpty(), kWaitMs);
        const QUuid rogueRoute = rogue.started().first();
        // The plane asked for the replica's health itself, through its relay to the rogue...
        QTRY_VERIFY_WITH_TIMEOUT(rogue.opened().contains(rogueRoute), kWaitMs);
        // ...and, refused there, records the failure instead of taking the rogue's word.
        QTRY_VERIFY_WITH_TIMEOUT(healthFailuresOnTheRogue() > 0, kWaitMs);

        // The route's address is the plane's own relay listener, neither the victim's port nor
        // the host the rogue named.
        RemoteAgentConnection *connection = nullptr;
        for (AgentConnector *agent : m_plane->deployer()->agents()) {
            if (agent->agentId() == u"rogue")
                connection = qobject_cast<RemoteAgentConnection *>(agent);
        }
        QVERIFY(connection);
        QCOMPARE(connection->replicaHost(), QStringLiteral("127.0.0.1"));
        const QString replicaId = connection->replicaId(rogueRoute);
        if (!replicaId.isEmpty()) {  // still running on the rogue (not yet replaced)
            QVERIFY(portOf(replicaId) != victimPort);
            QCOMPARE(portOf(replicaId), connection->relay().port(rogueRoute));
        }

        // Requests for the target never reach the victim's replica.
        const QUrl url(service().endpointInfo(QStringLiteral("target"))->endpoint.url + QStringLiteral("/predict"));
        constexpr int kRequests = 3;
        constexpr int kRequestTimeoutMs = 3000;
        for (int i = 0; i < kRequests; ++i)
            static_cast<void>(predictAt(m_network, url, kRequestTimeoutMs));
        look();
        QVERIFY(!rogueEverHealthy);
        QCOMPARE(answeredBy(victimPort), answeredBefore);
    }
};

QTEST_GUILESS_MAIN(TestRogueAgent)
#include "test_rogueagent.moc"
