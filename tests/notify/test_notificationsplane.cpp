// The plane's notifications as the console reaches them: a plane on a control thread of its
// own, the Notifier called through ControlClient::call with a work that takes the plane, and
// its events re-emitted on the caller's thread, queued; an error the service records becomes
// a notification through the plane's wiring.
#include <memory>
#include <optional>

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include "notify/notifier.h"
#include "plane/controlclient.h"

using namespace ServeDeck;

namespace {

constexpr int kWaitMs = 10000;

QByteArray why(const ServiceError &error)
{
    return (error.typeName() + QStringLiteral(": ") + error.message).toUtf8();
}

} // namespace

class TestNotificationsPlane : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void throughTheConsoleClient();
};

void TestNotificationsPlane::throughTheConsoleClient()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ControlPlaneOptions options;
    options.dataDir = dir.path();
    options.serveApi = false;
    options.capacity = QStringLiteral("cpu=8,memory=16G");
    options.runReplicas = false;
    options.signingKeyFromFile = true;
    options.modelRoots = {qEnvironmentVariable("SERVEDECK_SOURCE_DIR") + QStringLiteral("/resources/models")};
    ControlClient client;
    auto started = client.start(options);
    QVERIFY2(started, started ? "" : why(started.error()).constData());
    QVERIFY(client.ownsThread());
    QThread *const guiThread = QThread::currentThread();

    QSignalSpy raised(&client, &ControlClient::notificationRaised);
    QSignalSpy delivered(&client, &ControlClient::notificationDelivered);
    QList<QThread *> emittedOn;
    connect(&client, &ControlClient::notificationRaised, this, [&emittedOn] { emittedOn << QThread::currentThread(); });

    QObject context;
    std::optional<Result<NotificationChannel>> added;
    QThread *workThread = nullptr;
    client.call(
        &context,
        [&workThread](ControlPlane &plane) {
            workThread = QThread::currentThread();
            NotificationChannel desk;
            desk.name = QStringLiteral("desk");
            desk.kind = ChannelKind::Desktop;
            return plane.notifier()->addChannel(desk);
        },
        [&added](Result<NotificationChannel> answer) { added = std::move(answer); });
    QTRY_VERIFY_WITH_TIMEOUT(added.has_value(), kWaitMs);
    QVERIFY2(*added, added->ok() ? "" : why(added->error()).constData());
    QVERIFY(workThread && workThread != guiThread);

    std::optional<Result<NotificationEvent>> sent;
    client.call(
        &context, [](ControlPlane &plane) { return plane.notifier()->sendTest(QStringLiteral("desk")); },
        [&sent](Result<NotificationEvent> answer) { sent = std::move(answer); });
    QTRY_COMPARE_WITH_TIMEOUT(raised.size(), 1, kWaitMs);
    QCOMPARE(raised.first().first().value<NotificationEvent>().kind, QStringLiteral("Test"));
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 1, kWaitMs);
    const auto d = delivered.first().first().value<NotificationDelivery>();
    QVERIFY(d.ok);
    QCOMPARE(d.channelName, QStringLiteral("desk"));
    QCOMPARE(emittedOn, QList<QThread *>{guiThread});

    // An error the service records reaches the channel through the plane's wiring.
    std::optional<Result<qint64>> recorded;
    client.call(
        &context,
        [](ModelServingService &service) -> Result<qint64> {
            CreateEndpointRequest r;
            r.name = QStringLiteral("iris");
            r.modelVersion = QStringLiteral("v1");
            r.modelFolder = QStringLiteral("iris-v1");
            r.replicas = 1;
            r.resourceSlots = ResourceSlots{1, qint64(1) << 30, 0};
            auto created = service.createEndpoint(r);
            if (!created)
                return created.error();
            ErrorRecord e;
            e.endpointId = created->id;
            e.replicaId = QStringLiteral("replica-1");
            e.type = QStringLiteral("OOMKilled");
            e.message = QStringLiteral("killed at its memory limit");
            return service.recordError(e);
        },
        [&recorded](Result<qint64> answer) { recorded = std::move(answer); });
    QTRY_VERIFY_WITH_TIMEOUT(recorded.has_value(), kWaitMs);
    QVERIFY2(*recorded, recorded->ok() ? "" : why(recorded->error()).constData());
    QTRY_COMPARE_WITH_TIMEOUT(raised.size(), 2, kWaitMs);
    const auto oom = raised.at(1).first().value<NotificationEvent>();
    QCOMPARE(oom.kind, QStringLiteral("OOMKilled"));
    QCOMPARE(oom.endpointName, QStringLiteral("iris"));
    QCOMPARE(oom.errorId, recorded->value());
    QCOMPARE(oom.severity, NotificationSeverity::Critical);
}

QTEST_GUILESS_MAIN(TestNotificationsPlane)
#include "test_notificationsplane.moc"
