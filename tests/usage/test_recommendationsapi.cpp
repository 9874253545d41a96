// The latency target and the recommendations over the control API, on a real in-process plane
// (SQLite in a temporary dir, the API on 127.0.0.1 port 0): what is stored, what is answered,
// what is applied (read back from the core), and refusals that store nothing.
#include <QJsonArray>
#include <QTest>

#include "api/apitestsupport.h"
#include "support/usagehistory.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

QByteArray body(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// On the proxy's requests/s: ceil(requests/s / 10) replicas, 1 to 6.
AutoScalingRule tenPerReplicaRule()
{
    AutoScalingRule rule;
    rule.source = MetricSource::Proxy;
    rule.metric = u"requests_per_second"_s;
    rule.threshold = 0;
    rule.targetPerReplica = 10;
    rule.minReplicas = 1;
    rule.maxReplicas = 6;
    return rule;
}

} // namespace

class TestRecommendationsApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_plane = std::make_unique<ApiTest::Plane>();
        auto started = m_plane->start();
        QVERIFY2(started, started ? "" : qPrintable(started.error().message));
        QJsonObject create = ApiTest::specCreateBody(u"chat"_s);
        create.insert(u"latency_target_ms"_s, 200);
        const auto created = m_plane->send("POST", u"/v1/services"_s, body(create));
        QVERIFY2(created.status == 201 || created.status == 200, created.body.constData());
        QCOMPARE(created.json().value(u"latency_target_ms"_s).toInt(), 200);
    }
    void cleanup() { m_plane.reset(); }

    void latencyTargetIsStoredChangedAndCleared()
    {
        QCOMPARE(m_plane->service().endpointInfo(u"chat"_s)->endpoint.latencyTargetMs.value_or(0), 200);
        auto patched = m_plane->send("PATCH", u"/v1/services/chat"_s, R"({"latency_target_ms":350})");
        QCOMPARE(patched.status, 200);
        QCOMPARE(m_plane->service().endpointInfo(u"chat"_s)->endpoint.latencyTargetMs.value_or(0), 350);
        const auto info = m_plane->send("GET", u"/v1/services/chat"_s);
        QCOMPARE(info.json().value(u"latency_target_ms"_s).toInt(), 350);
        patched = m_plane->send("PATCH", u"/v1/services/chat"_s, R"({"latency_target_ms":null})");
        QCOMPARE(patched.status, 200);
        QVERIFY(!m_plane->service().endpointInfo(u"chat"_s)->endpoint.latencyTargetMs);
        QVERIFY(m_plane->send("GET", u"/v1/services/chat"_s).json().value(u"latency_target_ms"_s).isNull());
    }

    void badLatencyTargetIsRefusedAndStoresNothing_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("request");
        QTest::newRow("zero") << QByteArray("PATCH") << u"/v1/services/chat"_s << QByteArray(R"({"latency_target_ms":0})");
        QTest::newRow("negative") << QByteArray("PATCH") << u"/v1/services/chat"_s << QByteArray(R"({"latency_target_ms":-5})");
        QTest::newRow("over ten minutes") << QByteArray("PATCH") << u"/v1/services/chat"_s
                                          << QByteArray(R"({"latency_target_ms":600001})");
        QTest::newRow("fraction") << QByteArray("PATCH") << u"/v1/services/chat"_s
                                  << QByteArray(R"({"latency_target_ms":200.5})");
        QTest::newRow("text") << QByteArray("PATCH") << u"/v1/services/chat"_s << QByteArray(R"({"latency_target_ms":"200"})");
        QJsonObject create = ApiTest::specCreateBody(u"other"_s);
        create.insert(u"latency_target_ms"_s, 0);
        QTest::newRow("create, zero") << QByteArray("POST") << u"/v1/services"_s << body(create);
    }
    void badLatencyTargetIsRefusedAndStoresNothing()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, request);
        const QByteArray before = m_plane->storeDump();
        const auto refused = m_plane->send(method, path, request);
        QCOMPARE(refused.status, 400);
        QCOMPARE(refused.errorType(), u"InvalidArgument"_s);
        QVERIFY2(refused.error().value(u"message"_s).toString().contains(u"latency_target_ms"_s), refused.body.constData());
        QCOMPARE(m_plane->storeDump(), before);
    }

    void serviceRefusesAnOutOfRangeTarget()
    {
        ModifyEndpointRequest r;
        r.latencyTargetMs = std::optional<int>(Endpoint::kMaxLatencyTargetMs + 1);
        const QByteArray before = m_plane->storeDump();
        auto refused = m_plane->service().modifyEndpoint(u"chat"_s, r);
        QVERIFY(!refused);
        QCOMPARE(refused.error().type, ErrorType::InvalidArgument);
        QCOMPARE(m_plane->storeDump(), before);
    }

    void applyThroughRestChangesTheAutoscaleSettings()
    {
        const Endpoint e = m_plane->service().endpointInfo(u"chat"_s)->endpoint;
        QVERIFY(m_plane->repository().addUsageSamples(UsageHistory::officeHours(e.id, 3)));

        const auto listed = m_plane->send("GET", u"/v1/services/chat/recommendations"_s);
        QCOMPARE(listed.status, 200);
        const QJsonArray list = listed.json().value(u"recommendations"_s).toArray();
        QVERIFY2(!list.isEmpty(), listed.body.constData());
        const QJsonObject first = list.first().toObject();
        QCOMPARE(first.value(u"number"_s).toInt(), 1);
        QCOMPARE(first.value(u"kind"_s).toString(), u"schedule_floor"_s);
        QCOMPARE(first.value(u"change"_s).toObject().value(u"schedule"_s).toString(), u"mon-fri 09:00-18:00 min=3"_s);

        const auto applied = m_plane->send("POST", u"/v1/services/chat/recommendations/1/apply"_s);
        QCOMPARE(applied.status, 200);
        QCOMPARE(applied.json().value(u"applied"_s).toObject().value(u"kind"_s).toString(), u"schedule_floor"_s);
        // Read back from the core, not from the answer.
        QCOMPARE(m_plane->service().autoscaleSettings(u"chat"_s)->schedule, u"mon-fri 09:00-18:00 min=3"_s);
        // Applied, it is no longer recommended.
        const auto again = m_plane->send("GET", u"/v1/services/chat/recommendations?since=14d"_s);
        for (const QJsonValue &r : again.json().value(u"recommendations"_s).toArray())
            QVERIFY(r.toObject().value(u"kind"_s).toString() != u"schedule_floor"_s);
    }

    void applyATargetPerReplicaModifiesTheRule()
    {
        const Endpoint e = m_plane->service().endpointInfo(u"chat"_s)->endpoint;
        AutoScalingRule rule = tenPerReplicaRule();
        auto created = m_plane->service().createAutoScalingRule(u"chat"_s, rule);
        QVERIFY2(created, created ? "" : qPrintable(created.error().message));
        // An hour within the 200 ms target at 1..60 requests/s per replica on 2 replicas.
        QList<UsageSample> samples;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QDateTime start(now.date().addDays(-1), QTime(10, 0), Qt::UTC);
        for (int i = 0; i < 60; ++i) {
            UsageSample s;
            s.endpointId = e.id;
            s.start = start.addSecs(qint64(i) * 60);
            s.requestsPerSecond = 2.0 * (i + 1);
            s.requests = qint64(s.requestsPerSecond * 60);
            s.replicas = s.desiredReplicas = 2;
            s.p95Ms = 150;
            samples << s;
        }
        QVERIFY(m_plane->repository().addUsageSamples(samples));
        const auto listed = m_plane->send("GET", u"/v1/services/chat/recommendations"_s);
        const QJsonArray list = listed.json().value(u"recommendations"_s).toArray();
        QCOMPARE(list.size(), 1);
        const QJsonObject change = list.first().toObject().value(u"change"_s).toObject();
        QCOMPARE(change.value(u"rule_id"_s).toString(), created->id.toString(QUuid::WithoutBraces));
        QCOMPARE(change.value(u"target_per_replica"_s).toDouble(), 43.2);

        QCOMPARE(m_plane->send("POST", u"/v1/services/chat/recommendations/1/apply"_s).status, 200);
        const auto rules = m_plane->service().autoScalingRules(u"chat"_s);
        QVERIFY(rules);
        QCOMPARE(rules->size(), 1);
        QCOMPARE(rules->first().targetPerReplica, std::optional<double>(43.2));
    }

    void applyAnIdleTimeoutSetsIt()
    {
        // Three days of nights with no request while the replica stayed up.
        const Endpoint e = m_plane->service().endpointInfo(u"chat"_s)->endpoint;
        QList<UsageSample> samples;
        const QDateTime end(QDateTime::currentDateTimeUtc().date(), QTime(8, 0), Qt::UTC);
        for (QDateTime t = end.addDays(-3); t < end; t = t.addSecs(60)) {
            UsageSample s;
            s.endpointId = e.id;
            s.start = t;
            const bool night = t.time().hour() >= 20 || t.time().hour() < 8;
            s.requestsPerSecond = night ? 0 : 5;
            s.requests = qint64(s.requestsPerSecond * 60);
            s.replicas = s.desiredReplicas = 1;
            samples << s;
        }
        QVERIFY(m_plane->repository().addUsageSamples(samples));
        const auto listed = m_plane->send("GET", u"/v1/services/chat/recommendations?since=4d"_s);
        const QJsonArray list = listed.json().value(u"recommendations"_s).toArray();
        QCOMPARE(list.size(), 1);
        QCOMPARE(list.first().toObject().value(u"kind"_s).toString(), u"idle_timeout"_s);
        QCOMPARE(m_plane->send("POST", u"/v1/services/chat/recommendations/1/apply?since=4d"_s).status, 200);
        QCOMPARE(m_plane->service().autoscaleSettings(u"chat"_s)->idleTimeoutSeconds, 900);
    }

    void refusedApplies_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("type");
        QTest::newRow("out of range") << u"/v1/services/chat/recommendations/7/apply"_s << 404 << u"NotFound"_s;
        QTest::newRow("not a number") << u"/v1/services/chat/recommendations/one/apply"_s << 400 << u"InvalidArgument"_s;
        QTest::newRow("zero") << u"/v1/services/chat/recommendations/0/apply"_s << 400 << u"InvalidArgument"_s;
        QTest::newRow("bad since") << u"/v1/services/chat/recommendations/1/apply?since=yesterday"_s << 400
                                   << u"InvalidArgument"_s;
        QTest::newRow("unknown endpoint") << u"/v1/services/nobody/recommendations/1/apply"_s << 404 << u"NotFound"_s;
    }
    void refusedApplies()
    {
        QFETCH(QString, path);
        QFETCH(int, status);
        QFETCH(QString, type);
        const Endpoint e = m_plane->service().endpointInfo(u"chat"_s)->endpoint;
        QVERIFY(m_plane->repository().addUsageSamples(UsageHistory::officeHours(e.id, 3)));
        const QByteArray before = m_plane->storeDump();
        const auto refused = m_plane->send("POST", path);
        QCOMPARE(refused.status, status);
        QCOMPARE(refused.errorType(), type);
        QCOMPARE(m_plane->storeDump(), before);
        QCOMPARE(m_plane->service().autoscaleSettings(u"chat"_s)->schedule, QString());
    }

    void aWarningHasNothingToApply()
    {
        // A rule that follows 3-minute swings: the replay reports its flaps, a warning only.
        const Endpoint e = m_plane->service().endpointInfo(u"chat"_s)->endpoint;
        AutoScalingRule rule = tenPerReplicaRule();
        rule.scaleUpDelay = 30;
        rule.scaleDownDelay = 60;
        rule.cooldown = 60;
        QVERIFY(m_plane->service().createAutoScalingRule(u"chat"_s, rule));
        QList<UsageSample> samples;
        const QDateTime from = QDateTime::currentDateTimeUtc().addSecs(-6 * 3600);
        const QDateTime start(from.date(), QTime(from.time().hour(), 0), Qt::UTC);
        for (int i = 0; i < 240; ++i) {
            UsageSample s;
            s.endpointId = e.id;
            s.start = start.addSecs(qint64(i) * 60);
            s.requestsPerSecond = (i / 3) % 2 == 0 ? 50 : 5;
            s.requests = qint64(s.requestsPerSecond * 60);
            s.replicas = s.desiredReplicas = 1;
            samples << s;
        }
        QVERIFY(m_plane->repository().addUsageSamples(samples));
        const auto listed = m_plane->send("GET", u"/v1/services/chat/recommendations?since=1d"_s);
        QCOMPARE(listed.status, 200);
        int warning = 0;
        for (const QJsonValue &r : listed.json().value(u"recommendations"_s).toArray()) {
            if (r.toObject().value(u"kind"_s).toString() == u"flapping_rule"_s) {
                QVERIFY(r.toObject().value(u"change"_s).isNull());
                warning = r.toObject().value(u"number"_s).toInt();
            }
        }
        QVERIFY2(warning > 0, listed.body.constData());
        const auto refused = m_plane->send("POST", u"/v1/services/chat/recommendations/%1/apply?since=1d"_s.arg(warning));
        QCOMPARE(refused.status, 400);
        QCOMPARE(refused.errorType(), u"InvalidArgument"_s);
        QVERIFY(refused.error().value(u"message"_s).toString().contains(u"nothing to apply"_s));
    }

private:
    std::unique_ptr<ApiTest::Plane> m_plane;
};

QTEST_GUILESS_MAIN(TestRecommendationsApi)
#include "test_recommendationsapi.moc"
