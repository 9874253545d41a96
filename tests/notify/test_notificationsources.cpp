#include <memory>

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "notify/notificationsources.h"
#include "notify/notifier.h"
#include "notifytestsupport.h"
#include "store/repository.h"
#include "support/manualclock.h"

using namespace ServeDeck;

namespace {

const QDateTime kT0(QDate(2026, 3, 2), QTime(9, 0, 0), Qt::UTC);

} // namespace

// The translation from what the plane observes to notification events, through a real
// Notifier with a desktop channel that has no quiet period (so every raised event shows).
class TestNotificationSources : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void replicaFailures_data();
    void replicaFailures();
    void agentLostOnceThenRejoined();
    void rolloutEndings();
    void retryLimitIsAnEdge();
    void noHealthyRouteAfterGrace();
    void circuitOpened();
    void alertFiresAfterForSecondsOnce();
    void alertWithoutDataDoesNotFire();

private:
    QList<NotificationEvent> shown() const;
    NotificationSources::EndpointState state(int healthy = 1) const;

    NotifyTestStore m_store;
    std::unique_ptr<NotificationSources> m_sources;
    std::unique_ptr<QSignalSpy> m_spy;
};

void TestNotificationSources::init()
{
    m_store.open(kT0);
    if (QTest::currentTestFailed())
        return;
    m_sources = std::make_unique<NotificationSources>(*m_store.notifier, *m_store.clock);
    NotificationChannel desk;
    desk.name = QStringLiteral("desk");
    desk.kind = ChannelKind::Desktop;
    desk.quietPeriodSeconds = 0;
    VERIFY_OK(m_store.notifier->addChannel(desk));
    m_spy = std::make_unique<QSignalSpy>(m_store.notifier.get(), &Notifier::desktopNotification);
}

void TestNotificationSources::cleanup()
{
    m_spy.reset();
    m_sources.reset();
    m_store.close();
}

QList<NotificationEvent> TestNotificationSources::shown() const
{
    QList<NotificationEvent> out;
    for (const QList<QVariant> &args : std::as_const(*m_spy))
        out.append(args.first().value<NotificationEvent>());
    return out;
}

NotificationSources::EndpointState TestNotificationSources::state(int healthy) const
{
    NotificationSources::EndpointState s;
    s.endpointId = m_store.endpoint.id;
    s.endpointName = m_store.endpoint.name;
    s.desiredReplicas = 1;
    s.healthyRoutes = healthy;
    s.maxRetries = 3;
    return s;
}

void TestNotificationSources::replicaFailures_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<bool>("notifies");
    QTest::addColumn<QString>("severity");
    QTest::newRow("OOMKilled") << "OOMKilled" << true << "critical";
    QTest::newRow("CudaOutOfMemory") << "CudaOutOfMemory" << true << "critical";
    QTest::newRow("Crashed") << "Crashed" << true << "warning";
    QTest::newRow("StartFailed") << "StartFailed" << true << "warning";
    QTest::newRow("HealthCheckFailed") << "HealthCheckFailed" << false << "";
    QTest::newRow("ProxyUpstreamError") << "ProxyUpstreamError" << false << "";
}

void TestNotificationSources::replicaFailures()
{
    QFETCH(QString, type);
    QFETCH(bool, notifies);
    QFETCH(QString, severity);
    ErrorRecord r;
    r.id = 77;
    r.endpointId = m_store.endpoint.id;
    r.replicaId = QStringLiteral("replica-3");
    r.agentId = QStringLiteral("local");
    r.type = type;
    r.message = QStringLiteral("it went");
    r.exitCode = 137;
    m_sources->errorRecorded(r, m_store.endpoint.name);
    const auto events = shown();
    QCOMPARE(events.size(), notifies ? 1 : 0);
    if (!notifies)
        return;
    const NotificationEvent &e = events.first();
    QCOMPARE(e.kind, type);
    QCOMPARE(severityName(e.severity), severity);
    QCOMPARE(e.errorId, 77);
    QCOMPARE(e.endpointId, m_store.endpoint.id);
    QCOMPARE(e.endpointName, QStringLiteral("iris"));
    QCOMPARE(e.title, QStringLiteral("iris: replica %1").arg(type));
    QVERIFY(e.text.contains(u"replica-3"));
    QVERIFY(e.text.contains(u"Exit code 137"));
    QCOMPARE(e.time, kT0);
}

void TestNotificationSources::agentLostOnceThenRejoined()
{
    m_sources->agentJoined(QStringLiteral("gpu-1"));  // a first join is no news
    QCOMPARE(m_spy->size(), 0);
    for (int route = 0; route < 3; ++route) {
        ErrorRecord r;
        r.id = 10 + route;
        r.endpointId = m_store.endpoint.id;
        r.agentId = QStringLiteral("gpu-1");
        r.type = QStringLiteral("AgentLost");
        r.message = QStringLiteral("agent gpu-1 lost: heartbeat");
        m_sources->errorRecorded(r, m_store.endpoint.name);
    }
    QCOMPARE(m_spy->size(), 1);
    QCOMPARE(shown().at(0).kind, QStringLiteral("AgentLost"));
    QCOMPARE(shown().at(0).subject, QStringLiteral("gpu-1"));
    QVERIFY(shown().at(0).endpointId.isNull());
    m_sources->agentJoined(QStringLiteral("gpu-1"));
    QCOMPARE(m_spy->size(), 2);
    QCOMPARE(shown().at(1).kind, QStringLiteral("AgentRejoined"));
    QCOMPARE(shown().at(1).severity, NotificationSeverity::Info);
    m_sources->agentJoined(QStringLiteral("gpu-1"));
    QCOMPARE(m_spy->size(), 2);
}

void TestNotificationSources::rolloutEndings()
{
    const QUuid first = QUuid::createUuid();
    m_sources->rolloutChanged(m_store.endpoint.id, m_store.endpoint.name, first, RolloutPhase::Progressing);
    m_sources->rolloutChanged(m_store.endpoint.id, m_store.endpoint.name, first, RolloutPhase::Aborted);
    m_sources->rolloutChanged(m_store.endpoint.id, m_store.endpoint.name, first, RolloutPhase::Aborted);
    QCOMPARE(m_spy->size(), 1);
    QCOMPARE(shown().at(0).kind, QStringLiteral("RolloutAborted"));
    QCOMPARE(shown().at(0).subject, first.toString(QUuid::WithoutBraces));
    const QUuid second = QUuid::createUuid();
    m_sources->rolloutChanged(m_store.endpoint.id, m_store.endpoint.name, second, RolloutPhase::Succeeded);
    m_sources->rolloutChanged(m_store.endpoint.id, m_store.endpoint.name, second, RolloutPhase::RolledBack);
    QCOMPARE(m_spy->size(), 2);
    QCOMPARE(shown().at(1).kind, QStringLiteral("RolloutRolledBack"));
}

void TestNotificationSources::retryLimitIsAnEdge()
{
    auto s = state();
    s.retries = 3;
    m_sources->endpointSampled(s);
    QCOMPARE(m_spy->size(), 0);
    s.retries = 4;
    m_sources->endpointSampled(s);
    s.retries = 5;
    m_sources->endpointSampled(s);
    QCOMPARE(m_spy->size(), 1);
    QCOMPARE(shown().at(0).kind, QStringLiteral("RetryLimitReached"));
    s.retries = 0;
    m_sources->endpointSampled(s);
    s.retries = 4;
    m_sources->endpointSampled(s);
    QCOMPARE(m_spy->size(), 2);
}

void TestNotificationSources::noHealthyRouteAfterGrace()
{
    m_sources->setNoHealthyRouteGraceSeconds(30);
    m_sources->endpointSampled(state(0));
    m_store.clock->advance(29);
    m_sources->endpointSampled(state(0));
    QCOMPARE(m_spy->size(), 0);
    m_store.clock->advance(1);
    m_sources->endpointSampled(state(0));
    QCOMPARE(m_spy->size(), 1);
    QCOMPARE(shown().at(0).kind, QStringLiteral("NoHealthyRoute"));
    QCOMPARE(shown().at(0).time, kT0);
    m_store.clock->advance(60);
    m_sources->endpointSampled(state(0));
    QCOMPARE(m_spy->size(), 1);
    // Healthy again, then none again: a new grace, a new event.
    m_sources->endpointSampled(state(1));
    m_sources->endpointSampled(state(0));
    m_store.clock->advance(30);
    m_sources->endpointSampled(state(0));
    QCOMPARE(m_spy->size(), 2);
    // An endpoint scaled to zero is meant to have none.
    auto zero = state(0);
    zero.desiredReplicas = 0;
    zero.endpointId = QUuid::createUuid();
    m_sources->endpointSampled(zero);
    m_store.clock->advance(120);
    m_sources->endpointSampled(zero);
    QCOMPARE(m_spy->size(), 2);
}

void TestNotificationSources::circuitOpened()
{
    auto s = state();
    m_sources->endpointSampled(s);
    s.openCircuits = {QStringLiteral("route-a")};
    m_sources->endpointSampled(s);
    m_sources->endpointSampled(s);
    QCOMPARE(m_spy->size(), 1);
    QCOMPARE(shown().at(0).kind, QStringLiteral("CircuitOpened"));
    QCOMPARE(shown().at(0).subject, QStringLiteral("route-a"));
    s.openCircuits = {QStringLiteral("route-a"), QStringLiteral("route-b")};
    m_sources->endpointSampled(s);
    QCOMPARE(m_spy->size(), 2);
    QCOMPARE(shown().at(1).subject, QStringLiteral("route-b"));
    s.openCircuits.clear();
    m_sources->endpointSampled(s);
    s.openCircuits = {QStringLiteral("route-a")};
    m_sources->endpointSampled(s);
    QCOMPARE(m_spy->size(), 3);
}

void TestNotificationSources::alertFiresAfterForSecondsOnce()
{
    AlertRule rule;
    rule.endpointId = m_store.endpoint.id;
    rule.metric = QStringLiteral("p95_ms");
    rule.comparator = QStringLiteral(">");
    rule.threshold = 200;
    rule.forSeconds = 60;
    rule.severity = NotificationSeverity::Critical;
    auto added = m_store.notifier->addAlertRule(rule);
    VERIFY_OK(added);
    auto s = state();
    s.metrics.insert(QStringLiteral("p95_ms"), 250);
    s.metrics.insert(QStringLiteral("error_rate"), 0.5);
    for (int t = 0; t <= 50; t += 10) {
        m_sources->endpointSampled(s);
        QCOMPARE(m_spy->size(), 0);
        m_store.clock->advance(10);
    }
    m_sources->endpointSampled(s);  // 60 s after the first breach
    QCOMPARE(m_spy->size(), 1);
    const NotificationEvent e = shown().first();
    QCOMPARE(e.kind, QStringLiteral("AlertFiring"));
    QCOMPARE(e.subject, added->id);
    QCOMPARE(e.severity, NotificationSeverity::Critical);
    QCOMPARE(e.time, kT0);
    QCOMPARE(e.title, QStringLiteral("iris: p95_ms > 200"));
    m_store.clock->advance(600);
    m_sources->endpointSampled(s);
    QCOMPARE(m_spy->size(), 1);  // once until it clears

    s.metrics.insert(QStringLiteral("p95_ms"), 150);
    m_sources->endpointSampled(s);
    s.metrics.insert(QStringLiteral("p95_ms"), 250);
    m_sources->endpointSampled(s);
    m_store.clock->advance(59);
    m_sources->endpointSampled(s);
    QCOMPARE(m_spy->size(), 1);
    m_store.clock->advance(1);
    m_sources->endpointSampled(s);
    QCOMPARE(m_spy->size(), 2);
}

void TestNotificationSources::alertWithoutDataDoesNotFire()
{
    AlertRule rule;
    rule.endpointId = m_store.endpoint.id;
    rule.metric = QStringLiteral("requests_per_second");
    rule.comparator = QStringLiteral("<");
    rule.threshold = 1;
    rule.forSeconds = 0;
    VERIFY_OK(m_store.notifier->addAlertRule(rule));
    auto s = state();
    m_sources->endpointSampled(s);
    QCOMPARE(m_spy->size(), 0);
    s.metrics.insert(QStringLiteral("requests_per_second"), 0.5);
    m_sources->endpointSampled(s);
    QCOMPARE(m_spy->size(), 1);
    QCOMPARE(shown().first().severity, NotificationSeverity::Warning);
}

QTEST_GUILESS_MAIN(TestNotificationSources)
#include "test_notificationsources.moc"
