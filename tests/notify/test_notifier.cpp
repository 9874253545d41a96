#include <memory>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "notify/notificationpayload.h"
#include "notify/notifier.h"
#include "notifytestsupport.h"
#include "store/repository.h"
#include "support/manualclock.h"
#include "webhookreceiver.h"

using namespace ServeDeck;

namespace {

const QDateTime kT0(QDate(2026, 3, 2), QTime(10, 5, 0), Qt::UTC);
constexpr int kWaitMs = 10000;

NotificationEvent sample(const QString &kind, const QUuid &endpointId = {}, const QString &subject = QStringLiteral("r1"))
{
    NotificationEvent e;
    e.kind = kind;
    e.severity = NotificationSeverity::Critical;
    e.endpointId = endpointId;
    e.endpointName = QStringLiteral("iris");
    e.subject = subject;
    e.errorId = 42;
    e.title = QStringLiteral("iris: replica %1 %2").arg(subject, kind);
    e.text = QStringLiteral("Something happened to %1.").arg(subject);
    return e;
}

NotificationChannel webhook(const QString &name, const QUrl &url, int quiet = 300)
{
    NotificationChannel c;
    c.name = name;
    c.kind = ChannelKind::Webhook;
    c.url = url;
    c.quietPeriodSeconds = quiet;
    return c;
}

QJsonObject bodyOf(const HttpRequest &request)
{
    return QJsonDocument::fromJson(request.body).object();
}

} // namespace

class TestNotifier : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void webhookGetsSignedPayload();
    void eachKindOncePerQuietPeriod_data();
    void eachKindOncePerQuietPeriod();
    void crashLoopIsOneGroupedNotification();
    void failingReceiverIsRetried();
    void silentReceiverTimesOut();
    void refusalIsNotRetried();
    void longAnswerIsCutShort();
    void channelFiltersEvents();
    void desktopChannelEmits();
    void desktopWithoutConsoleIsNotShown();
    void inactiveNotifierSendsNothing();
    void testSendsSampleToOneChannel();
    void commandRunsWithEventOnStdinAndCleanEnvironment();
    void commandKilledAfterTimeout();
    void commandGoneIsRecorded();
    void secretIsNeverReadBack();
    void badChannelIsRefused_data();
    void badChannelIsRefused();
    void alertRules();
    void badAlertRuleIsRefused_data();
    void badAlertRuleIsRefused();
    void deliveryLogIsBounded();
    void channelsAreBounded();

private:
    Notifier &notifier() { return *m_store.notifier; }
    QString writeScript(const QString &name, const QByteArray &body);

    NotifyTestStore m_store;
};

void TestNotifier::init()
{
    m_store.open(kT0);
    if (QTest::currentTestFailed())
        return;
    m_store.notifier->setRetryBaseMs(20);
    m_store.notifier->setWebhookTimeoutMs(2000);
    m_store.notifier->setFlushIntervalMs(20);
}

void TestNotifier::cleanup()
{
    m_store.close();
}

QString TestNotifier::writeScript(const QString &name, const QByteArray &body)
{
    const QString path = m_store.dir->filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write("#!/bin/sh\n" + body) < 0)
        qFatal("cannot write %s", qPrintable(path));
    file.close();
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    return path;
}

void TestNotifier::webhookGetsSignedPayload()
{
    WebhookReceiver receiver;
    QVERIFY(receiver.listen());
    const QByteArray secret("s3cret-for-the-hook");
    auto added = notifier().addChannel(webhook(QStringLiteral("ops"), receiver.url()), secret);
    VERIFY_OK(added);
    QVERIFY(added->hasSecret);
    QSignalSpy delivered(&notifier(), &Notifier::delivered);

    notifier().raise(sample(QStringLiteral("OOMKilled"), m_store.endpoint.id));
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 1, kWaitMs);
    QCOMPARE(receiver.requests().size(), 1);
    const HttpRequest r = receiver.requests().first();
    QCOMPARE(r.method, QByteArray("POST"));
    QCOMPARE(r.path, QByteArray("/hook"));
    QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(r.header("X-ServeDeck-Event"), QByteArray("OOMKilled"));
    QCOMPARE(r.header("X-ServeDeck-Timestamp"), QByteArray::number(kT0.toSecsSinceEpoch()));
    QVERIFY(WebhookReceiver::signatureValid(r, secret));
    QVERIFY(!WebhookReceiver::signatureValid(r, "another secret"));

    const QJsonObject body = bodyOf(r);
    QCOMPARE(body.value(u"text").toString(), QStringLiteral("[critical] iris: replica r1 OOMKilled"));
    const QJsonObject e = body.value(u"event").toObject();
    QCOMPARE(e.value(u"kind").toString(), QStringLiteral("OOMKilled"));
    QCOMPARE(e.value(u"severity").toString(), QStringLiteral("critical"));
    QCOMPARE(e.value(u"endpoint").toString(), QStringLiteral("iris"));
    QCOMPARE(e.value(u"endpoint_id").toString(), m_store.endpoint.id.toString(QUuid::WithoutBraces));
    QCOMPARE(e.value(u"subject").toString(), QStringLiteral("r1"));
    QCOMPARE(e.value(u"count").toInt(), 1);
    QCOMPARE(e.value(u"error_id").toInteger(), 42);
    QCOMPARE(e.value(u"time").toString(), kT0.toString(Qt::ISODateWithMs));
    QCOMPARE(e.value(u"text").toString(), QStringLiteral("Something happened to r1."));

    const auto deliveries = notifier().deliveries();
    VERIFY_OK(deliveries);
    QCOMPARE(deliveries->size(), 1);
    QCOMPARE(deliveries->first().outcome, QStringLiteral("200"));
    QVERIFY(deliveries->first().ok);
    QCOMPARE(deliveries->first().channelName, QStringLiteral("ops"));
    QCOMPARE(deliveries->first().eventKind, QStringLiteral("OOMKilled"));
    QCOMPARE(deliveries->first().endpointId, m_store.endpoint.id);
}

void TestNotifier::eachKindOncePerQuietPeriod_data()
{
    QTest::addColumn<QString>("kind");
    for (const QString &kind : notificationEventKinds()) {
        if (kind != u"Test")
            QTest::newRow(qPrintable(kind)) << kind;
    }
}

void TestNotifier::eachKindOncePerQuietPeriod()
{
    QFETCH(QString, kind);
    WebhookReceiver receiver;
    QVERIFY(receiver.listen());
    VERIFY_OK(notifier().addChannel(webhook(QStringLiteral("ops"), receiver.url(), 60), "k"));
    QSignalSpy delivered(&notifier(), &Notifier::delivered);

    for (int i = 0; i < 3; ++i) {
        notifier().raise(sample(kind, m_store.endpoint.id));
        m_store.clock->advance(10);
    }
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 1, kWaitMs);
    // The quiet period is not over: nothing more comes, however long the flush timer runs.
    notifier().flushGroups();
    QTRY_COMPARE_WITH_TIMEOUT(notifier().pendingDeliveries(), 0, kWaitMs);
    QCOMPARE(receiver.requests().size(), 1);
    QCOMPARE(bodyOf(receiver.requests().first()).value(u"event").toObject().value(u"kind").toString(), kind);
    QVERIFY(WebhookReceiver::signatureValid(receiver.requests().first(), "k"));

    m_store.clock->advance(60);
    QTRY_COMPARE_WITH_TIMEOUT(receiver.requests().size(), 2, kWaitMs);
    const QJsonObject summary = bodyOf(receiver.requests().at(1)).value(u"event").toObject();
    QCOMPARE(summary.value(u"kind").toString(), kind);
    QCOMPARE(summary.value(u"count").toInt(), 2);
    QCOMPARE(summary.value(u"time").toString(), kT0.addSecs(10).toString(Qt::ISODateWithMs));
    QCOMPARE(summary.value(u"last_time").toString(), kT0.addSecs(20).toString(Qt::ISODateWithMs));
    QVERIFY(WebhookReceiver::signatureValid(receiver.requests().at(1), "k"));
}

void TestNotifier::crashLoopIsOneGroupedNotification()
{
    WebhookReceiver receiver;
    QVERIFY(receiver.listen());
    VERIFY_OK(notifier().addChannel(webhook(QStringLiteral("ops"), receiver.url(), 300)));
    for (int i = 0; i < 20; ++i) {
        notifier().raise(sample(QStringLiteral("Crashed"), m_store.endpoint.id, QStringLiteral("replica-7")));
        m_store.clock->advance(5);
    }
    QTRY_COMPARE_WITH_TIMEOUT(receiver.requests().size(), 1, kWaitMs);
    // Another replica's crash is another key: delivered at once.
    notifier().raise(sample(QStringLiteral("Crashed"), m_store.endpoint.id, QStringLiteral("replica-8")));
    QTRY_COMPARE_WITH_TIMEOUT(receiver.requests().size(), 2, kWaitMs);
    notifier().flushGroups();
    QTRY_COMPARE_WITH_TIMEOUT(notifier().pendingDeliveries(), 0, kWaitMs);
    QCOMPARE(receiver.requests().size(), 2);

    m_store.clock->advance(300);
    QTRY_COMPARE_WITH_TIMEOUT(receiver.requests().size(), 3, kWaitMs);
    const QJsonObject summary = bodyOf(receiver.requests().at(2));
    QCOMPARE(summary.value(u"event").toObject().value(u"count").toInt(), 19);
    QCOMPARE(summary.value(u"event").toObject().value(u"subject").toString(), QStringLiteral("replica-7"));
    QCOMPARE(summary.value(u"text").toString(),
             QStringLiteral("[critical] iris: replica replica-7 Crashed (x19 since 10:05 UTC)"));
    // The loop goes on: a crash after the summary waits for the next one.
    notifier().raise(sample(QStringLiteral("Crashed"), m_store.endpoint.id, QStringLiteral("replica-7")));
    notifier().flushGroups();
    QTRY_COMPARE_WITH_TIMEOUT(notifier().pendingDeliveries(), 0, kWaitMs);
    QCOMPARE(receiver.requests().size(), 3);
    m_store.clock->advance(300);
    QTRY_COMPARE_WITH_TIMEOUT(receiver.requests().size(), 4, kWaitMs);
    QCOMPARE(bodyOf(receiver.requests().at(3)).value(u"event").toObject().value(u"count").toInt(), 1);
    // The loop is over: the next quiet period ends with nothing held, so nothing more comes.
    m_store.clock->advance(301);
    notifier().flushGroups();
    QTRY_COMPARE_WITH_TIMEOUT(notifier().pendingDeliveries(), 0, kWaitMs);
    QCOMPARE(receiver.requests().size(), 4);
    notifier().raise(sample(QStringLiteral("Crashed"), m_store.endpoint.id, QStringLiteral("replica-7")));
    QTRY_COMPARE_WITH_TIMEOUT(receiver.requests().size(), 5, kWaitMs);
}

void TestNotifier::failingReceiverIsRetried()
{
    WebhookReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.script({500, 500, 200});
    VERIFY_OK(notifier().addChannel(webhook(QStringLiteral("ops"), receiver.url())));
    QSignalSpy delivered(&notifier(), &Notifier::delivered);
    notifier().raise(sample(QStringLiteral("StartFailed"), m_store.endpoint.id));
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 3, kWaitMs);
    QCOMPARE(receiver.requests().size(), 3);
    const auto deliveries = notifier().deliveries(10, QStringLiteral("ops"));
    VERIFY_OK(deliveries);
    QCOMPARE(deliveries->size(), 3);  // newest first
    QCOMPARE(deliveries->at(2).attempt, 1);
    QCOMPARE(deliveries->at(2).outcome, QStringLiteral("500"));
    QVERIFY(!deliveries->at(2).ok);
    QCOMPARE(deliveries->at(1).attempt, 2);
    QVERIFY(!deliveries->at(1).ok);
    QCOMPARE(deliveries->at(0).attempt, 3);
    QCOMPARE(deliveries->at(0).outcome, QStringLiteral("200"));
    QVERIFY(deliveries->at(0).ok);
    // Each attempt is signed afresh and carries the same event.
    QCOMPARE(receiver.requests().at(0).body, receiver.requests().at(2).body);
}

void TestNotifier::silentReceiverTimesOut()
{
    // Accepts and never answers.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    QList<QTcpSocket *> held;
    connect(&silent, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *s = silent.nextPendingConnection())
            held.append(s);
    });
    notifier().setWebhookTimeoutMs(150);
    VERIFY_OK(notifier().addChannel(
        webhook(QStringLiteral("ops"), QUrl(QStringLiteral("http://127.0.0.1:%1/hook").arg(silent.serverPort())))));
    QSignalSpy delivered(&notifier(), &Notifier::delivered);
    notifier().raise(sample(QStringLiteral("NoHealthyRoute"), m_store.endpoint.id));
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), Notifier::kMaxAttempts, kWaitMs);
    notifier().flushGroups();
    QTRY_COMPARE_WITH_TIMEOUT(notifier().pendingDeliveries(), 0, kWaitMs);
    QCOMPARE(delivered.size(), Notifier::kMaxAttempts);  // and no fifth
    const auto deliveries = notifier().deliveries();
    VERIFY_OK(deliveries);
    QCOMPARE(deliveries->size(), Notifier::kMaxAttempts);
    for (const NotificationDelivery &d : *deliveries) {
        QVERIFY(!d.ok);
        QCOMPARE(d.outcome, QStringLiteral("timeout"));
    }
    QVERIFY(held.size() >= 1);
}

void TestNotifier::refusalIsNotRetried()
{
    WebhookReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.script({403, 302});
    VERIFY_OK(notifier().addChannel(webhook(QStringLiteral("ops"), receiver.url())));
    QSignalSpy delivered(&notifier(), &Notifier::delivered);
    notifier().raise(sample(QStringLiteral("Crashed"), m_store.endpoint.id, QStringLiteral("a")));
    notifier().raise(sample(QStringLiteral("Crashed"), m_store.endpoint.id, QStringLiteral("b")));
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 2, kWaitMs);
    notifier().flushGroups();
    QTRY_COMPARE_WITH_TIMEOUT(notifier().pendingDeliveries(), 0, kWaitMs);
    QCOMPARE(receiver.requests().size(), 2);
    QStringList outcomes;
    for (const auto &args : delivered)
        outcomes << args.at(0).value<NotificationDelivery>().outcome;
    outcomes.sort();
    QCOMPARE(outcomes, (QStringList{QStringLiteral("302"), QStringLiteral("403")}));
}

void TestNotifier::longAnswerIsCutShort()
{
    // Answers 200 with a body that claims 100 MB, sends 64 KiB of it and stalls: read to the
    // end, it would time out; cut short after 4 KiB, the status decides at once.
    QTcpServer endless;
    QVERIFY(endless.listen(QHostAddress::LocalHost, 0));
    QList<QTcpSocket *> held;
    connect(&endless, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *s = endless.nextPendingConnection()) {
            held.append(s);
            connect(s, &QTcpSocket::readyRead, s, [s] {
                s->readAll();
                if (s->property("answered").toBool())
                    return;
                s->setProperty("answered", true);
                s->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000000\r\n\r\n");
                s->write(QByteArray(64 * 1024, 'x'));
            });
        }
    });
    notifier().setWebhookTimeoutMs(3000);
    VERIFY_OK(notifier().addChannel(
        webhook(QStringLiteral("ops"), QUrl(QStringLiteral("http://127.0.0.1:%1/hook").arg(endless.serverPort())))));
    QSignalSpy delivered(&notifier(), &Notifier::delivered);
    notifier().raise(sample(QStringLiteral("Crashed"), m_store.endpoint.id));
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 1, kWaitMs);
    const auto d = delivered.first().first().value<NotificationDelivery>();
    QCOMPARE(d.outcome, QStringLiteral("200"));
    QVERIFY(d.ok);
}

void TestNotifier::channelFiltersEvents()
{
    WebhookReceiver receiver;
    QVERIFY(receiver.listen());
    NotificationChannel c = webhook(QStringLiteral("oom-only"), receiver.url());
    c.eventKinds = {QStringLiteral("OOMKilled")};
    c.minSeverity = NotificationSeverity::Critical;
    c.endpointId = m_store.endpoint.id;
    VERIFY_OK(notifier().addChannel(c));
    NotificationEvent crashed = sample(QStringLiteral("Crashed"), m_store.endpoint.id);
    NotificationEvent mild = sample(QStringLiteral("OOMKilled"), m_store.endpoint.id);
    mild.severity = NotificationSeverity::Warning;
    NotificationEvent elsewhere = sample(QStringLiteral("OOMKilled"), QUuid::createUuid());
    notifier().raise(crashed);
    notifier().raise(mild);
    notifier().raise(elsewhere);
    notifier().raise(sample(QStringLiteral("OOMKilled"), m_store.endpoint.id));
    QTRY_COMPARE_WITH_TIMEOUT(receiver.requests().size(), 1, kWaitMs);
    notifier().flushGroups();
    QTRY_COMPARE_WITH_TIMEOUT(notifier().pendingDeliveries(), 0, kWaitMs);
    QCOMPARE(receiver.requests().size(), 1);
    QCOMPARE(receiver.requests().first().header("X-ServeDeck-Event"), QByteArray("OOMKilled"));
    QCOMPARE(bodyOf(receiver.requests().first()).value(u"event").toObject().value(u"endpoint_id").toString(),
             m_store.endpoint.id.toString(QUuid::WithoutBraces));
}

void TestNotifier::desktopChannelEmits()
{
    NotificationChannel c;
    c.name = QStringLiteral("desk");
    c.kind = ChannelKind::Desktop;
    VERIFY_OK(notifier().addChannel(c));
    QSignalSpy shown(&notifier(), &Notifier::desktopNotification);
    notifier().raise(sample(QStringLiteral("AgentLost"), {}, QStringLiteral("agent-2")));
    QCOMPARE(shown.size(), 1);
    const auto e = shown.first().first().value<NotificationEvent>();
    QCOMPARE(e.kind, QStringLiteral("AgentLost"));
    QCOMPARE(e.errorId, 42);
    const auto deliveries = notifier().deliveries();
    VERIFY_OK(deliveries);
    QCOMPARE(deliveries->size(), 1);
    QCOMPARE(deliveries->first().outcome, QStringLiteral("shown"));
}

void TestNotifier::desktopWithoutConsoleIsNotShown()
{
    NotificationChannel c;
    c.name = QStringLiteral("desk");
    c.kind = ChannelKind::Desktop;
    VERIFY_OK(notifier().addChannel(c));
    QSignalSpy delivered(&notifier(), &Notifier::delivered);  // nobody listens for desktopNotification
    notifier().raise(sample(QStringLiteral("AgentLost"), {}, QStringLiteral("agent-2")));
    QCOMPARE(delivered.size(), 1);
    const auto d = delivered.first().first().value<NotificationDelivery>();
    QVERIFY(!d.ok);
    QCOMPARE(d.outcome, QStringLiteral("no console to show it"));
}

void TestNotifier::inactiveNotifierSendsNothing()
{
    NotificationChannel c;
    c.name = QStringLiteral("desk");
    c.kind = ChannelKind::Desktop;
    VERIFY_OK(notifier().addChannel(c));
    QSignalSpy shown(&notifier(), &Notifier::desktopNotification);
    notifier().setActive(false);
    notifier().raise(sample(QStringLiteral("AgentLost")));
    QCOMPARE(shown.size(), 0);
    notifier().setActive(true);
    notifier().raise(sample(QStringLiteral("AgentLost")));
    QCOMPARE(shown.size(), 1);
}

void TestNotifier::testSendsSampleToOneChannel()
{
    WebhookReceiver receiver;
    QVERIFY(receiver.listen());
    NotificationChannel only = webhook(QStringLiteral("picky"), receiver.url());
    only.eventKinds = {QStringLiteral("OOMKilled")};  // a test passes the filters
    VERIFY_OK(notifier().addChannel(only, "k"));
    WebhookReceiver other;
    QVERIFY(other.listen());
    VERIFY_OK(notifier().addChannel(webhook(QStringLiteral("other"), other.url())));
    auto sent = notifier().sendTest(QStringLiteral("picky"));
    VERIFY_OK(sent);
    QCOMPARE(sent->kind, QStringLiteral("Test"));
    QTRY_COMPARE_WITH_TIMEOUT(receiver.requests().size(), 1, kWaitMs);
    QCOMPARE(receiver.requests().first().header("X-ServeDeck-Event"), QByteArray("Test"));
    QVERIFY(WebhookReceiver::signatureValid(receiver.requests().first(), "k"));
    notifier().flushGroups();
    QTRY_COMPARE_WITH_TIMEOUT(notifier().pendingDeliveries(), 0, kWaitMs);
    QCOMPARE(other.requests().size(), 0);
    const auto missing = notifier().sendTest(QStringLiteral("nobody"));
    QVERIFY(!missing);
    QCOMPARE(missing.error().type, ErrorType::NotFound);
}

void TestNotifier::commandRunsWithEventOnStdinAndCleanEnvironment()
{
    const QString out = m_store.dir->filePath(QStringLiteral("event.json"));
    const QString envOut = m_store.dir->filePath(QStringLiteral("event.env"));
    const QString script = writeScript(QStringLiteral("page.sh"),
                                       "cat > \"$1\"\nenv > \"$2\"\nexit 3\n");
    qputenv("SERVEDECK_ADMIN_TOKEN", "must-not-leak");
    qputenv("SERVEDECK_SIGNING_KEY", "must-not-leak-either");
    NotificationChannel c;
    c.name = QStringLiteral("page");
    c.kind = ChannelKind::Command;
    c.argv = {script, out, envOut};
    VERIFY_OK(notifier().addChannel(c));
    QSignalSpy delivered(&notifier(), &Notifier::delivered);
    notifier().raise(sample(QStringLiteral("CudaOutOfMemory"), m_store.endpoint.id));
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 1, kWaitMs);
    qunsetenv("SERVEDECK_ADMIN_TOKEN");
    qunsetenv("SERVEDECK_SIGNING_KEY");
    const auto d = delivered.first().first().value<NotificationDelivery>();
    QCOMPARE(d.outcome, QStringLiteral("exit 3"));
    QVERIFY(!d.ok);

    QFile json(out);
    QVERIFY(json.open(QIODevice::ReadOnly));
    const QJsonObject body = QJsonDocument::fromJson(json.readAll()).object();
    QCOMPARE(body.value(u"event").toObject().value(u"kind").toString(), QStringLiteral("CudaOutOfMemory"));
    QCOMPARE(body.value(u"text").toString(), QStringLiteral("[critical] iris: replica r1 CudaOutOfMemory"));
    QFile env(envOut);
    QVERIFY(env.open(QIODevice::ReadOnly));
    const QByteArray environment = env.readAll();
    QVERIFY2(environment.contains("SERVEDECK_EVENT_KIND=CudaOutOfMemory\n"), environment.constData());
    QVERIFY(environment.contains("SERVEDECK_EVENT_ENDPOINT=iris\n"));
    QVERIFY(!environment.contains("SERVEDECK_ADMIN_TOKEN"));
    QVERIFY(!environment.contains("must-not-leak"));
}

void TestNotifier::commandKilledAfterTimeout()
{
    const QString script = writeScript(QStringLiteral("hang.sh"), "exec sleep 30\n");
    notifier().setCommandTimeoutMs(200);
    NotificationChannel c;
    c.name = QStringLiteral("hang");
    c.kind = ChannelKind::Command;
    c.argv = {script};
    VERIFY_OK(notifier().addChannel(c));
    QSignalSpy delivered(&notifier(), &Notifier::delivered);
    notifier().raise(sample(QStringLiteral("Crashed"), m_store.endpoint.id));
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 1, kWaitMs);
    const auto d = delivered.first().first().value<NotificationDelivery>();
    QVERIFY(!d.ok);
    QVERIFY2(d.outcome.startsWith(u"killed after"), qPrintable(d.outcome));
}

void TestNotifier::commandGoneIsRecorded()
{
    const QString script = writeScript(QStringLiteral("gone.sh"), "exit 0\n");
    NotificationChannel c;
    c.name = QStringLiteral("gone");
    c.kind = ChannelKind::Command;
    c.argv = {script};
    VERIFY_OK(notifier().addChannel(c));
    QVERIFY(QFile::remove(script));
    QSignalSpy delivered(&notifier(), &Notifier::delivered);
    notifier().raise(sample(QStringLiteral("Crashed"), m_store.endpoint.id));
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 1, kWaitMs);
    const auto d = delivered.first().first().value<NotificationDelivery>();
    QVERIFY(!d.ok);
    QVERIFY2(d.outcome.startsWith(u"failed to start"), qPrintable(d.outcome));
    notifier().flushGroups();
    QTRY_COMPARE_WITH_TIMEOUT(notifier().pendingDeliveries(), 0, kWaitMs);
    QCOMPARE(delivered.size(), 1);  // recorded once, not again as a crash
}

void TestNotifier::secretIsNeverReadBack()
{
    VERIFY_OK(notifier().addChannel(webhook(QStringLiteral("signed"), QUrl(QStringLiteral("https://hooks.example/x"))),
                                    "top-secret"));
    VERIFY_OK(notifier().addChannel(webhook(QStringLiteral("plain"), QUrl(QStringLiteral("http://hooks.example/y")))));
    const auto channels = notifier().channels();
    VERIFY_OK(channels);
    QCOMPARE(channels->size(), 2);
    QCOMPARE(channels->at(0).name, QStringLiteral("signed"));
    QVERIFY(channels->at(0).hasSecret);
    QVERIFY(!channels->at(1).hasSecret);
    VERIFY_OK(notifier().removeChannel(QStringLiteral("signed")));
    VERIFY_OK(notifier().removeChannel(channels->at(1).id));
    const auto none = notifier().channels();
    VERIFY_OK(none);
    QVERIFY(none->isEmpty());
    const auto again = notifier().removeChannel(QStringLiteral("signed"));
    QVERIFY(!again);
    QCOMPARE(again.error().type, ErrorType::NotFound);
}

void TestNotifier::badChannelIsRefused_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("url");
    QTest::addColumn<QStringList>("argv");
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<int>("quiet");
    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<QString>("error");
    QTest::addColumn<QString>("field");
    const QString hook = QStringLiteral("http://127.0.0.1:9/hook");
    const QStringList none;
    QTest::newRow("ftp url") << "webhook" << "a" << "ftp://host/x" << none << none << 300 << QByteArray() << "InvalidArgument" << "url";
    QTest::newRow("file url") << "webhook" << "a" << "file:///etc/passwd" << none << none << 300 << QByteArray() << "InvalidArgument" << "url";
    QTest::newRow("no host") << "webhook" << "a" << "http:///x" << none << none << 300 << QByteArray() << "InvalidArgument" << "url";
    QTest::newRow("user info") << "webhook" << "a" << "http://u:p@host/x" << none << none << 300 << QByteArray() << "InvalidArgument" << "url";
    QTest::newRow("quiet below zero") << "webhook" << "a" << hook << none << none << -1 << QByteArray() << "InvalidArgument" << "quiet_period_seconds";
    QTest::newRow("quiet past a week") << "webhook" << "a" << hook << none << none << 7 * 86400 + 1 << QByteArray() << "InvalidArgument" << "quiet_period_seconds";
    QTest::newRow("unknown kind") << "webhook" << "a" << hook << none << QStringList{QStringLiteral("Oops")} << 300 << QByteArray() << "InvalidArgument" << "event_kinds";
    QTest::newRow("bad name") << "webhook" << "a b" << hook << none << none << 300 << QByteArray() << "InvalidArgument" << "name";
    QTest::newRow("empty name") << "webhook" << "" << hook << none << none << 300 << QByteArray() << "InvalidArgument" << "name";
    QTest::newRow("secret too long") << "webhook" << "a" << hook << none << none << 300 << QByteArray(1025, 'k') << "InvalidArgument" << "secret";
    QTest::newRow("no argv") << "command" << "a" << "" << none << none << 300 << QByteArray() << "InvalidArgument" << "argv";
    QTest::newRow("relative program") << "command" << "a" << "" << QStringList{QStringLiteral("sh")} << none << 300 << QByteArray() << "InvalidArgument" << "argv";
    QTest::newRow("not executable") << "command" << "a" << "" << QStringList{QStringLiteral("@plain-file")} << none << 300 << QByteArray() << "InvalidArgument" << "argv";
    QTest::newRow("a directory") << "command" << "a" << "" << QStringList{QStringLiteral("/usr/bin")} << none << 300 << QByteArray() << "InvalidArgument" << "argv";
    QTest::newRow("command secret") << "command" << "a" << "" << QStringList{QStringLiteral("/bin/true")} << none << 300 << QByteArray("k") << "InvalidArgument" << "secret";
    QTest::newRow("duplicate name") << "webhook" << "taken" << hook << none << none << 300 << QByteArray() << "ModelAlreadyExists" << "";
}

void TestNotifier::badChannelIsRefused()
{
    QFETCH(QString, kind);
    QFETCH(QString, name);
    QFETCH(QString, url);
    QFETCH(QStringList, argv);
    QFETCH(QStringList, events);
    QFETCH(int, quiet);
    QFETCH(QByteArray, secret);
    QFETCH(QString, error);
    QFETCH(QString, field);
    VERIFY_OK(notifier().addChannel(webhook(QStringLiteral("taken"), QUrl(QStringLiteral("http://127.0.0.1:9/")))));
    const auto before = notifier().channels();
    VERIFY_OK(before);

    NotificationChannel c;
    c.name = name;
    c.kind = *channelKindFromName(kind);
    c.url = QUrl(url);
    c.argv = argv;
    if (!c.argv.isEmpty() && c.argv.first() == u"@plain-file") {
        // A file of the test's own, with no execute bit (a system file's mode varies).
        QFile plain(m_store.dir->filePath(QStringLiteral("plain")));
        QVERIFY(plain.open(QIODevice::WriteOnly));
        plain.close();
        QVERIFY(plain.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        c.argv.first() = plain.fileName();
    }
    c.eventKinds = events;
    c.quietPeriodSeconds = quiet;
    const auto added = notifier().addChannel(c, secret);
    QVERIFY(!added);
    QCOMPARE(added.error().typeName(), error);
    if (!field.isEmpty())
        QCOMPARE(added.error().details.value(u"field").toString(), field);

    const auto after = notifier().channels();
    VERIFY_OK(after);
    QCOMPARE(after->size(), before->size());
    QCOMPARE(after->first().id, before->first().id);
}

void TestNotifier::alertRules()
{
    AlertRule slow;
    slow.endpointId = m_store.endpoint.id;
    slow.metric = QStringLiteral("p95_ms");
    slow.comparator = QStringLiteral(">");
    slow.threshold = 300;
    slow.forSeconds = 60;
    auto added = notifier().addAlertRule(slow);
    VERIFY_OK(added);
    QVERIFY(!added->id.isEmpty());
    AlertRule quiet = slow;
    quiet.comparator = QStringLiteral("<");
    quiet.threshold = 5;  // a band: below 5 ms or above 300 ms
    VERIFY_OK(notifier().addAlertRule(quiet));
    auto rules = notifier().alertRules(m_store.endpoint.id);
    VERIFY_OK(rules);
    QCOMPARE(rules->size(), 2);
    QCOMPARE(rules->first().threshold, 300.0);
    VERIFY_OK(notifier().removeAlertRule(m_store.endpoint.id, added->id));
    rules = notifier().alertRules(m_store.endpoint.id);
    VERIFY_OK(rules);
    QCOMPARE(rules->size(), 1);
    QCOMPARE(rules->first().comparator, QStringLiteral("<"));
    const auto gone = notifier().removeAlertRule(m_store.endpoint.id, added->id);
    QVERIFY(!gone);
    QCOMPARE(gone.error().type, ErrorType::NotFound);
}

void TestNotifier::badAlertRuleIsRefused_data()
{
    QTest::addColumn<QString>("metric");
    QTest::addColumn<QString>("comparator");
    QTest::addColumn<double>("threshold");
    QTest::addColumn<int>("forSeconds");
    QTest::addColumn<bool>("otherEndpoint");
    QTest::addColumn<QString>("error");
    QTest::newRow("unknown metric") << "cpu" << ">" << 1.0 << 60 << false << "InvalidArgument";
    QTest::newRow("not an inequality") << "p95_ms" << ">=" << 1.0 << 60 << false << "InvalidArgument";
    QTest::newRow("negative threshold") << "p95_ms" << ">" << -1.0 << 60 << false << "InvalidArgument";
    QTest::newRow("rate above one") << "error_rate" << ">" << 1.5 << 60 << false << "InvalidArgument";
    QTest::newRow("not a number") << "p95_ms" << ">" << qQNaN() << 60 << false << "InvalidArgument";
    QTest::newRow("for below zero") << "p95_ms" << ">" << 1.0 << -1 << false << "InvalidArgument";
    QTest::newRow("for past a day") << "p95_ms" << ">" << 1.0 << 86401 << false << "InvalidArgument";
    QTest::newRow("same direction") << "error_rate" << ">" << 0.2 << 60 << false << "ConflictingRules";
    QTest::newRow("contradictory") << "error_rate" << "<" << 0.5 << 60 << false << "ConflictingRules";
    QTest::newRow("unknown endpoint") << "p95_ms" << ">" << 1.0 << 60 << true << "NotFound";
}

void TestNotifier::badAlertRuleIsRefused()
{
    QFETCH(QString, metric);
    QFETCH(QString, comparator);
    QFETCH(double, threshold);
    QFETCH(int, forSeconds);
    QFETCH(bool, otherEndpoint);
    QFETCH(QString, error);
    AlertRule existing;
    existing.endpointId = m_store.endpoint.id;
    existing.metric = QStringLiteral("error_rate");
    existing.comparator = QStringLiteral(">");
    existing.threshold = 0.1;
    VERIFY_OK(notifier().addAlertRule(existing));
    const auto before = notifier().alertRules(m_store.endpoint.id);
    VERIFY_OK(before);

    AlertRule rule;
    rule.endpointId = otherEndpoint ? QUuid::createUuid() : m_store.endpoint.id;
    rule.metric = metric;
    rule.comparator = comparator;
    rule.threshold = threshold;
    rule.forSeconds = forSeconds;
    const auto added = notifier().addAlertRule(rule);
    QVERIFY(!added);
    QCOMPARE(added.error().typeName(), error);
    const auto after = m_store.repository->alertRules({});
    VERIFY_OK(after);
    QCOMPARE(after->size(), before->size());
}

void TestNotifier::deliveryLogIsBounded()
{
    constexpr int extra = 7;
    const auto written = m_store.repository->transaction<Done>([&]() -> Result<Done> {
        for (int i = 0; i < Repository::kMaxNotificationDeliveries + extra; ++i) {
            NotificationDeliveryRecord r;
            r.channelId = QStringLiteral("c");
            r.channelName = QStringLiteral("c");
            r.eventKind = QStringLiteral("Crashed");
            r.time = kT0;
            r.outcome = QString::number(i);
            r.title = QStringLiteral("t");
            if (auto id = m_store.repository->insertNotificationDelivery(r); !id)
                return id.error();
        }
        return Done{};
    });
    VERIFY_OK(written);
    const auto all = m_store.repository->notificationDeliveries(Repository::kMaxNotificationDeliveries + 100, {});
    VERIFY_OK(all);
    QCOMPARE(all->size(), Repository::kMaxNotificationDeliveries);
    QCOMPARE(all->first().outcome, QString::number(Repository::kMaxNotificationDeliveries + extra - 1));
    QCOMPARE(all->last().outcome, QString::number(extra));
    const auto tooMany = notifier().deliveries(1001);
    QVERIFY(!tooMany);
    QCOMPARE(tooMany.error().type, ErrorType::InvalidArgument);
}

void TestNotifier::channelsAreBounded()
{
    for (int i = 0; i < Notifier::kMaxChannels; ++i) {
        NotificationChannel c;
        c.name = QStringLiteral("desk-%1").arg(i);
        c.kind = ChannelKind::Desktop;
        VERIFY_OK(notifier().addChannel(c));
    }
    NotificationChannel one = webhook(QStringLiteral("one-more"), QUrl(QStringLiteral("http://127.0.0.1:9/")));
    auto refused = notifier().addChannel(one);
    QVERIFY(!refused);
    QCOMPARE(refused.error().type, ErrorType::ResourceLimitExceeded);

    // Nothing was stored by the refusal.
    const auto all = notifier().channels();
    VERIFY_OK(all);
    QCOMPARE(all->size(), Notifier::kMaxChannels);
}

QTEST_GUILESS_MAIN(TestNotifier)
#include "test_notifier.moc"
