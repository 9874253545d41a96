// End-to-end: notifications through a real `servedeck serve` child, driven by `servedeck ctl`
// (and so the REST API), with this test's own webhook receiver on loopback; a real replica of
// the demo model server that crashes (--crash-after) is reported through the plane. Every wait
// is bounded.
#include <memory>

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "api/apiclient.h"
#include "support/replicaprocesses.h"
#include "support/servechild.h"
#include "webhookreceiver.h"

using namespace Qt::StringLiterals;
using namespace ServeChildSupport;
using ServeDeck::HttpRequest;
using ServeDeck::WebhookReceiver;

namespace {

constexpr int kCtlMs = 30000;
// A replica starts (a process, its model loaded, its health check passed) in a few seconds.
constexpr int kHealthyMs = 40000;
// A webhook goes out as soon as the plane sees the event; the margin is for a loaded runner.
constexpr int kDeliveredMs = 20000;

const QByteArray kSecret = "e2e-signing-secret";

QList<HttpRequest> ofKind(const WebhookReceiver &receiver, const QByteArray &kind)
{
    QList<HttpRequest> out;
    for (const HttpRequest &r : receiver.requests()) {
        if (r.header("X-ServeDeck-Event") == kind)
            out.append(r);
    }
    return out;
}

} // namespace

class TestNotificationsCtl final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void addListAndRefuse();
    void testSendsASignedSample();
    void aCrashedReplicaIsNotified();
    void alertRules();
    void restIsStrict();
    void removeChannel();

private:
    CtlResult ctl(const QStringList &arguments);

    QTemporaryDir m_dataDir;
    QTemporaryDir m_scratch;
    std::unique_ptr<ServeChild> m_server;
    WebhookReceiver m_receiver{WebhookReceiver::Thread::Own};
};

CtlResult TestNotificationsCtl::ctl(const QStringList &arguments)
{
    const QString ctlData = m_scratch.filePath(u"ctl-data"_s);
    return m_server->ctl(QStringList{u"--data-dir"_s, ctlData} + arguments, ctlData, kCtlMs);
}

void TestNotificationsCtl::initTestCase()
{
    QVERIFY(m_receiver.listen());
    QString why;
    m_server = startedServeChild(m_dataDir, m_scratch, &why);
    QVERIFY2(m_server, qPrintable(why));
}

void TestNotificationsCtl::cleanupTestCase()
{
    m_server.reset();
}

void TestNotificationsCtl::addListAndRefuse()
{
    const QString secretFile = m_scratch.filePath(u"hook.secret"_s);
    QFile f(secretFile);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(kSecret + '\n');
    f.close();
    const CtlResult added = ctl({u"--json"_s, u"notifications"_s, u"add"_s, u"--name"_s, u"ops"_s, u"--webhook"_s,
                                 m_receiver.url().toString(), u"--secret-file"_s, secretFile, u"--events"_s,
                                 u"Crashed,OOMKilled"_s, u"--quiet"_s, u"300"_s});
    QVERIFY2(added.exitCode == 0, added.describe().constData());
    QCOMPARE(added.json().value(u"has_secret"_s).toBool(), true);
    QVERIFY2(!added.out.contains(QString::fromLatin1(kSecret)), added.describe().constData());

    // Bad input: typed errors, exit 1, nothing stored.
    const QList<QStringList> bad{
        {u"notifications"_s, u"add"_s, u"--name"_s, u"x"_s, u"--webhook"_s, u"ftp://example.org/hook"_s},
        {u"notifications"_s, u"add"_s, u"--name"_s, u"x"_s, u"--webhook"_s, u"http://127.0.0.1:9/"_s, u"--quiet"_s, u"-5"_s},
        {u"notifications"_s, u"add"_s, u"--name"_s, u"x"_s, u"--webhook"_s, u"http://127.0.0.1:9/"_s, u"--events"_s, u"Nope"_s},
        {u"notifications"_s, u"add"_s, u"--name"_s, u"x"_s, u"--command"_s, u"sh"_s},
        {u"notifications"_s, u"add"_s, u"--name"_s, u"ops"_s, u"--kind"_s, u"desktop"_s},
    };
    const QStringList expected{u"InvalidArgument"_s, u"InvalidArgument"_s, u"InvalidArgument"_s, u"InvalidArgument"_s,
                               u"ModelAlreadyExists"_s};
    for (qsizetype i = 0; i < bad.size(); ++i) {
        const CtlResult refused = ctl(bad[i]);
        QVERIFY2(refused.exitCode == 1, refused.describe().constData());
        QVERIFY2(refused.err.contains(expected[i]), refused.describe().constData());
    }
    // A secret on the command line is refused before anything is sent.
    const CtlResult onArgv = ctl({u"notifications"_s, u"add"_s, u"--name"_s, u"y"_s, u"--webhook"_s,
                                  u"http://127.0.0.1:9/"_s, u"--secret"_s, u"visible"_s});
    QVERIFY2(onArgv.exitCode == 2, onArgv.describe().constData());

    const CtlResult listed = ctl({u"--json"_s, u"notifications"_s, u"list"_s});
    QVERIFY2(listed.exitCode == 0, listed.describe().constData());
    const QJsonArray channels = listed.json().value(u"channels"_s).toArray();
    QCOMPARE(channels.size(), 1);
    const QJsonObject ops = channels.first().toObject();
    QCOMPARE(ops.value(u"name"_s).toString(), u"ops"_s);
    QCOMPARE(ops.value(u"url"_s).toString(), m_receiver.url().toString());
    QCOMPARE(ops.value(u"has_secret"_s).toBool(), true);
    QVERIFY(!ops.contains(u"secret"_s));
    QVERIFY2(!listed.out.contains(QString::fromLatin1(kSecret)), listed.describe().constData());
}

void TestNotificationsCtl::testSendsASignedSample()
{
    const CtlResult sent = ctl({u"notifications"_s, u"test"_s, u"ops"_s});
    QVERIFY2(sent.exitCode == 0, sent.describe().constData());
    QTRY_COMPARE_WITH_TIMEOUT(ofKind(m_receiver, "Test").size(), 1, kDeliveredMs);
    const HttpRequest r = ofKind(m_receiver, "Test").first();
    QVERIFY(WebhookReceiver::signatureValid(r, kSecret));
    QCOMPARE(QJsonDocument::fromJson(r.body).object().value(u"event"_s).toObject().value(u"subject"_s).toString(), u"ops"_s);

    const CtlResult missing = ctl({u"notifications"_s, u"test"_s, u"nobody"_s});
    QVERIFY2(missing.exitCode == 1 && missing.err.contains(u"NotFound"_s), missing.describe().constData());
}

void TestNotificationsCtl::aCrashedReplicaIsNotified()
{
    const QString folder = ReplicaProcesses::writeFaultyFolder(m_scratch.filePath(u"crashy"_s),
                                                               {u"--crash-after"_s, u"1"_s});
    const CtlResult created = ctl({u"create"_s, u"crashy"_s, u"--folder"_s, folder, u"--version"_s, u"v1"_s,
                                   u"--replicas"_s, u"1"_s, u"--cpu"_s, u"0.5"_s, u"--memory"_s, u"256M"_s,
                                   u"--public"_s});
    QVERIFY2(created.exitCode == 0, created.describe().constData());
    QVERIFY(m_server->waitHealthy(u"crashy"_s, 1, m_scratch.filePath(u"ctl-data"_s), kCtlMs, kHealthyMs));
    // The first answer goes out, then the replica aborts.
    const CtlResult tried = ctl({u"try"_s, u"crashy"_s, u"--path"_s, u"/predict"_s, u"--data"_s,
                                 uR"({"features":[5.1,3.5,1.4,0.2]})"_s});
    QVERIFY2(tried.exitCode == 0, tried.describe().constData());

    QTRY_VERIFY_WITH_TIMEOUT(!ofKind(m_receiver, "Crashed").isEmpty(), kDeliveredMs);
    const HttpRequest r = ofKind(m_receiver, "Crashed").first();
    QVERIFY(WebhookReceiver::signatureValid(r, kSecret));
    const QJsonObject body = QJsonDocument::fromJson(r.body).object();
    const QJsonObject event = body.value(u"event"_s).toObject();
    QCOMPARE(event.value(u"kind"_s).toString(), u"Crashed"_s);
    QCOMPARE(event.value(u"endpoint"_s).toString(), u"crashy"_s);
    QVERIFY(event.value(u"error_id"_s).toInteger() > 0);
    QVERIFY2(body.value(u"text"_s).toString().startsWith(u"[warning] crashy: replica Crashed"_s), r.body.constData());

    // The delivery is recorded and readable.
    const CtlResult deliveries = ctl({u"--json"_s, u"notifications"_s, u"deliveries"_s, u"--channel"_s, u"ops"_s});
    QVERIFY2(deliveries.exitCode == 0, deliveries.describe().constData());
    bool crashedOk = false;
    for (const QJsonValue &v : deliveries.json().value(u"deliveries"_s).toArray()) {
        const QJsonObject d = v.toObject();
        crashedOk = crashedOk || (d.value(u"event_kind"_s).toString() == u"Crashed"_s && d.value(u"ok"_s).toBool()
                                  && d.value(u"outcome"_s).toString() == u"200"_s);
    }
    QVERIFY2(crashedOk, deliveries.describe().constData());
    const CtlResult badLimit = ctl({u"notifications"_s, u"deliveries"_s, u"--limit"_s, u"0"_s});
    QVERIFY2(badLimit.exitCode == 1 && badLimit.err.contains(u"InvalidArgument"_s), badLimit.describe().constData());
}

void TestNotificationsCtl::alertRules()
{
    // The endpoint aCrashedReplicaIsNotified made.
    QVERIFY(ctl({u"info"_s, u"crashy"_s}).exitCode == 0);
    const CtlResult added = ctl({u"--json"_s, u"alerts"_s, u"crashy"_s, u"add"_s, u"p95_ms > 200 for 60s"_s,
                                 u"--severity"_s, u"critical"_s});
    QVERIFY2(added.exitCode == 0, added.describe().constData());
    QCOMPARE(added.json().value(u"condition"_s).toString(), u"p95_ms > 200 for 60s"_s);
    QCOMPARE(added.json().value(u"severity"_s).toString(), u"critical"_s);
    const QString ruleId = added.json().value(u"id"_s).toString();

    for (const QString &condition : {u"p95_ms > 300 for 60s"_s, u"p95_ms < 500"_s, u"p95_ms >= 1"_s, u"cpu > 1"_s}) {
        const CtlResult refused = ctl({u"alerts"_s, u"crashy"_s, u"add"_s, condition});
        QVERIFY2(refused.exitCode == 1, refused.describe().constData());
    }
    QVERIFY(ctl({u"alerts"_s, u"crashy"_s, u"add"_s, u"p95_ms > 300"_s}).err.contains(u"ConflictingRules"_s));
    QVERIFY(ctl({u"alerts"_s, u"crashy"_s, u"add"_s, u"p95_ms >= 1"_s}).err.contains(u"InvalidArgument"_s));
    QVERIFY(ctl({u"alerts"_s, u"nowhere"_s, u"add"_s, u"p95_ms > 1"_s}).err.contains(u"NotFound"_s));

    const CtlResult listed = ctl({u"--json"_s, u"alerts"_s, u"crashy"_s});
    QVERIFY2(listed.exitCode == 0, listed.describe().constData());
    QCOMPARE(listed.json().value(u"alert_rules"_s).toArray().size(), 1);

    const CtlResult removed = ctl({u"alerts"_s, u"crashy"_s, u"remove"_s, ruleId});
    QVERIFY2(removed.exitCode == 0, removed.describe().constData());
    QCOMPARE(ctl({u"--json"_s, u"alerts"_s, u"crashy"_s}).json().value(u"alert_rules"_s).toArray().size(), 0);
}

void TestNotificationsCtl::restIsStrict()
{
    QFile tokenFile(m_server->tokenFile());
    QVERIFY(tokenFile.open(QIODevice::ReadOnly));
    ServeDeck::ApiClient api(QUrl(u"http://"_s + m_server->api()), tokenFile.readAll().trimmed(), kCtlMs);
    const auto before = api.get(u"/v1/notifications"_s);
    QCOMPARE(before.status, 200);
    const QJsonObject typo{{u"name"_s, u"typo"_s}, {u"url"_s, u"http://127.0.0.1:9/"_s}, {u"secrett"_s, u"x"_s}};
    const auto refused = api.send("POST", u"/v1/notifications"_s, typo);
    QCOMPARE(refused.status, 400);
    QCOMPARE(refused.error()->typeName(), u"InvalidArgument"_s);
    const auto wrongType = api.send("POST", u"/v1/notifications"_s,
                                    QJsonObject{{u"name"_s, u"t"_s}, {u"url"_s, u"http://127.0.0.1:9/"_s},
                                                {u"quiet_period_seconds"_s, u"300"_s}});
    QCOMPARE(wrongType.status, 400);
    QCOMPARE(api.get(u"/v1/notifications"_s).body, before.body);

    // The secret goes in and never comes out.
    const auto added = api.send("POST", u"/v1/notifications"_s,
                                QJsonObject{{u"name"_s, u"signed"_s}, {u"url"_s, u"http://127.0.0.1:9/"_s},
                                            {u"secret"_s, u"never-answered"_s}});
    QCOMPARE(added.status, 201);
    QVERIFY(!added.body.toJson().contains("never-answered"));
    QVERIFY(!api.get(u"/v1/notifications"_s).body.toJson().contains("never-answered"));
    QCOMPARE(api.send("DELETE", u"/v1/notifications/signed"_s).status, 200);

    // A rule as its parts; the condition and its parts together are refused.
    const auto parts = api.send("POST", u"/v1/services/crashy/alert-rules"_s,
                                QJsonObject{{u"metric"_s, u"error_rate"_s}, {u"comparator"_s, u">"_s},
                                            {u"threshold"_s, 0.05}, {u"for_seconds"_s, 30}});
    QCOMPARE(parts.status, 201);
    QCOMPARE(parts.body.object().value(u"condition"_s).toString(), u"error_rate > 0.05 for 30s"_s);
    const auto both = api.send("POST", u"/v1/services/crashy/alert-rules"_s,
                               QJsonObject{{u"condition"_s, u"p99_ms > 1"_s}, {u"metric"_s, u"p99_ms"_s}});
    QCOMPARE(both.status, 400);
    const auto badMethod = api.send("PUT", u"/v1/notifications/deliveries"_s);
    QCOMPARE(badMethod.status, 405);
    QCOMPARE(api.send("DELETE", u"/v1/services/crashy/alert-rules/"_s + parts.body.object().value(u"id"_s).toString()).status,
             200);
}

void TestNotificationsCtl::removeChannel()
{
    const CtlResult removed = ctl({u"notifications"_s, u"remove"_s, u"ops"_s});
    QVERIFY2(removed.exitCode == 0, removed.describe().constData());
    QCOMPARE(ctl({u"--json"_s, u"notifications"_s}).json().value(u"channels"_s).toArray().size(), 0);
    const CtlResult again = ctl({u"notifications"_s, u"remove"_s, u"ops"_s});
    QVERIFY2(again.exitCode == 1 && again.err.contains(u"NotFound"_s), again.describe().constData());
}

QTEST_GUILESS_MAIN(TestNotificationsCtl)
#include "test_notificationsctl.moc"
