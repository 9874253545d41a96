// Rollouts over the control API: starting one (POST .../rollouts, PATCH with a new version, a
// create of another version of a served model), reading it with every decision and event,
// acting on it, and the typed refusals that leave the store as it was. The reconciler and the
// rollout controller are off: a rollout moves only when a test moves it.
#include <memory>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTest>
#include <QUuid>

#include "apitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

QJsonObject endpointBody(const QString &name, int replicas)
{
    return { { u"name"_s, name }, { u"model_version"_s, u"v1"_s }, { u"model_folder"_s, u"iris-v1"_s },
        { u"resource_slots"_s, QJsonObject { { u"cpu"_s, u"1"_s }, { u"memory"_s, u"1G"_s } } },
        { u"replicas"_s, replicas } };
}

// A rollout to iris-v2 as version v2, with the fields given on top.
QJsonObject toV2(QJsonObject fields = {})
{
    fields.insert(u"model_version"_s, u"v2"_s);
    fields.insert(u"model_folder"_s, u"iris-v2"_s);
    return fields;
}

QStringList phasesOf(const QJsonObject &rollout)
{
    QStringList out;
    for (const QJsonValue &e : rollout[u"events"_s].toArray())
        out << e.toObject()[u"phase"_s].toString();
    return out;
}

QList<int> intsOf(const QJsonValue &v)
{
    QList<int> out;
    for (const QJsonValue &item : v.toArray())
        out << item.toInt();
    return out;
}

} // namespace

class TestControlApiRollouts final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void startsCanaryAndShowsIt();
    void startsProgressiveWithItsSteps();
    void operatorMovesACanary();
    void rollsBackARolloutInProgress();
    void blueGreenPromotesAndRollsBack();
    void showsEveryDecisionWithItsNumbers();
    void modifyStartsTheStrategyAsked();
    void createOfAnotherVersionIsARollout();
    void refusalsChangeNothing();
    void listsNewestFirstWithLimit();
    void metricsShowRolloutsInProgress();

private:
    // POST /v1/services; the endpoint's id, or empty (the answer logged) when refused.
    QString create(const QString &name, int replicas);
    ApiResponse send(const QByteArray &method, const QString &path, const QJsonObject &body = {});
    // What the API shows of an endpoint's rollouts and revisions, for before/after comparisons.
    QByteArray rolloutState(const QString &svc);

    std::unique_ptr<ApiTest::Plane> m_env;
};

void TestControlApiRollouts::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY2(QFileInfo::exists(ApiTest::irisV2() + u"/model-definition.toml"_s),
        "SERVEDECK_SOURCE_DIR must point at the source tree (resources/models)");
}

void TestControlApiRollouts::init()
{
    m_env = std::make_unique<ApiTest::Plane>();
    const auto started = m_env->start();
    QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().message));
}

void TestControlApiRollouts::cleanup()
{
    m_env.reset();
}

QString TestControlApiRollouts::create(const QString &name, int replicas)
{
    const ApiResponse r = m_env->api().send("POST", u"/v1/services"_s, endpointBody(name, replicas));
    if (r.status != 201) {
        qWarning("create failed with %d: %s", r.status, r.body.toJson(QJsonDocument::Compact).constData());
        return QString();
    }
    return r.body.object()[u"id"_s].toString();
}

ApiResponse TestControlApiRollouts::send(const QByteArray &method, const QString &path, const QJsonObject &body)
{
    return body.isEmpty() ? m_env->api().send(method, path) : m_env->api().send(method, path, body);
}

QByteArray TestControlApiRollouts::rolloutState(const QString &svc)
{
    QByteArray out;
    for (const QString &path : { u"/v1/services/%1/rollouts?limit=1000"_s.arg(svc), u"/v1/services/%1/revisions"_s.arg(svc),
             u"/v1/services/%1"_s.arg(svc) }) {
        const ApiResponse r = m_env->api().get(path);
        out += path.toUtf8() + ' ' + QByteArray::number(r.status) + ' ' + r.body.toJson(QJsonDocument::Compact) + '\n';
    }
    return out;
}

void TestControlApiRollouts::startsCanaryAndShowsIt()
{
    const QString id = create(u"iris"_s, 2);
    QVERIFY(!id.isEmpty());
    const QString stable = m_env->api().get(u"/v1/services/iris"_s).body.object()[u"current_revision_id"_s].toString();

    ApiResponse r = send("POST", u"/v1/services/iris/rollouts"_s,
        toV2({ { u"strategy"_s, u"canary"_s }, { u"weight"_s, 20 }, { u"progress_deadline_seconds"_s, 300 } }));
    QVERIFY2(r.status == 201, r.body.toJson(QJsonDocument::Compact).constData());
    const QJsonObject o = r.body.object();
    const QString rolloutId = o[u"rollout_id"_s].toString();
    QVERIFY(!QUuid::fromString(rolloutId).isNull());
    QCOMPARE(o[u"endpoint_id"_s].toString(), id);
    QCOMPARE(o[u"endpoint"_s].toString(), u"iris"_s);
    QCOMPARE(o[u"strategy"_s].toString(), u"canary"_s);
    QCOMPARE(o[u"phase"_s].toString(), u"PROGRESSING"_s);
    QCOMPARE(o[u"in_progress"_s].toBool(), true);
    QCOMPARE(o[u"weight"_s].toInt(), 20);
    QCOMPARE(o[u"step"_s].toInt(), 0);
    QCOMPARE(o[u"steps"_s].toArray().size(), 0);
    QCOMPARE(o[u"from_version"_s].toString(), u"v1"_s);
    QCOMPARE(o[u"to_version"_s].toString(), u"v2"_s);
    QCOMPARE(o[u"from_revision_id"_s].toString(), stable);
    QCOMPARE(o[u"progress_deadline_seconds"_s].toInt(), 300);
    QCOMPARE(o[u"failures"_s].toInt(), 0);
    QCOMPARE(o[u"failed_checks"_s].toInt(), 0);
    QCOMPARE(o[u"reason"_s].toString(), QString());
    QVERIFY(QDateTime::fromString(o[u"created_at"_s].toString(), Qt::ISODateWithMs).isValid());
    QVERIFY(o[u"finished_at"_s].isNull());
    QCOMPARE(o[u"decisions"_s].toArray().size(), 0);
    const QJsonArray events = o[u"events"_s].toArray();
    QCOMPARE(events.size(), 1);
    QCOMPARE(events[0].toObject()[u"phase"_s].toString(), u"PROGRESSING"_s);
    QCOMPARE(events[0].toObject()[u"weight"_s].toInt(), 20);
    QVERIFY2(events[0].toObject()[u"message"_s].toString().contains(u"canary rollout to v2 started"_s),
        qPrintable(events[0].toObject()[u"message"_s].toString()));

    // The new revision is there beside the stable one, which stays current.
    const QJsonObject info = m_env->api().get(u"/v1/services/iris"_s).body.object();
    QCOMPARE(info[u"model_version"_s].toString(), u"v1"_s);
    QCOMPARE(info[u"current_revision_id"_s].toString(), stable);
    const QJsonArray revisions = info[u"revisions"_s].toArray();
    QCOMPARE(revisions.size(), 2);
    QCOMPARE(o[u"to_revision_id"_s].toString(), revisions[1].toObject()[u"revision_id"_s].toString());
    const QJsonObject shown = info[u"rollout"_s].toObject();
    QCOMPARE(shown[u"rollout_id"_s].toString(), rolloutId);
    QCOMPARE(shown[u"phase"_s].toString(), u"PROGRESSING"_s);
    QCOMPARE(shown[u"to_version"_s].toString(), u"v2"_s);

    // By id, by current and by latest: the same rollout, as it was answered.
    for (const QString &ref : { rolloutId, u"current"_s, u"latest"_s }) {
        r = m_env->api().get(u"/v1/services/%1/rollouts/%2"_s.arg(id, ref));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.object(), o);
    }
    r = m_env->api().get(u"/v1/services/iris/rollouts"_s);
    QCOMPARE(r.status, 200);
    const QJsonArray list = r.body.object()[u"rollouts"_s].toArray();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list[0].toObject(), o);
}

void TestControlApiRollouts::startsProgressiveWithItsSteps()
{
    QVERIFY(!create(u"iris"_s, 2).isEmpty());
    const ApiResponse r = send("POST", u"/v1/services/iris/rollouts"_s,
        toV2({ { u"strategy"_s, u"progressive"_s }, { u"steps"_s, QJsonArray { 5, 25, 50, 100 } },
            { u"interval_seconds"_s, 30 },
            { u"analysis"_s, QJsonObject { { u"min_requests"_s, 50 }, { u"max_latency_ratio"_s, 1.2 } } } }));
    QVERIFY2(r.status == 201, r.body.toJson(QJsonDocument::Compact).constData());
    const QJsonObject o = r.body.object();
    QCOMPARE(o[u"strategy"_s].toString(), u"progressive"_s);
    QCOMPARE(intsOf(o[u"steps"_s]), (QList<int> { 5, 25, 50, 100 }));
    QCOMPARE(o[u"step"_s].toInt(), 0);
    QCOMPARE(o[u"weight"_s].toInt(), 5);
    QCOMPARE(o[u"interval_seconds"_s].toInt(), 30);
    // The thresholds named, and the defaults for the others.
    const QJsonObject analysis = o[u"analysis"_s].toObject();
    const AnalysisThresholds defaults;
    QCOMPARE(analysis[u"min_requests"_s].toInt(), 50);
    QCOMPARE(analysis[u"max_latency_ratio"_s].toDouble(), 1.2);
    QCOMPARE(analysis[u"max_error_rate_increase"_s].toDouble(), defaults.maxErrorRateIncrease);
    QCOMPARE(analysis[u"min_latency_increase_ms"_s].toDouble(), defaults.minLatencyIncreaseMs);
    QCOMPARE(analysis[u"failure_threshold"_s].toInt(), defaults.failureThreshold);
}

// Pause, resume, the slider, promote, abort: each answers the rollout and leaves an event.
void TestControlApiRollouts::operatorMovesACanary()
{
    QVERIFY(!create(u"iris"_s, 2).isEmpty());
    ApiResponse r = send("POST", u"/v1/services/iris/rollouts"_s, toV2({ { u"strategy"_s, u"canary"_s } }));
    QCOMPARE(r.status, 201);
    const QString rolloutId = r.body.object()[u"rollout_id"_s].toString();
    QCOMPARE(r.body.object()[u"weight"_s].toInt(), 10);  // the default first share
    const QString base = u"/v1/services/iris/rollouts/"_s;

    r = send("POST", base + u"current/pause"_s);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.object()[u"phase"_s].toString(), u"PAUSED"_s);
    QCOMPARE(r.body.object()[u"in_progress"_s].toBool(), true);

    // Paused cannot pause again: refused, nothing recorded.
    QByteArray before = rolloutState(u"iris"_s);
    r = send("POST", base + u"current/pause"_s);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.error()->typeName(), u"InvalidArgument"_s);
    QCOMPARE(r.error()->details[u"phase"_s].toString(), u"PAUSED"_s);
    QCOMPARE(rolloutState(u"iris"_s), before);

    r = send("POST", base + rolloutId + u"/resume"_s);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.object()[u"phase"_s].toString(), u"PROGRESSING"_s);

    r = send("PUT", base + u"current/weight"_s, { { u"weight"_s, 40 } });
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.object()[u"weight"_s].toInt(), 40);
    QCOMPARE(r.body.object()[u"events"_s].toArray().last().toObject()[u"weight"_s].toInt(), 40);

    // Out of range: refused naming the field, the share stays.
    before = rolloutState(u"iris"_s);
    for (const QJsonValue &bad : { QJsonValue(101), QJsonValue(-1), QJsonValue(u"50"_s), QJsonValue(12.5) }) {
        r = send("PUT", base + u"current/weight"_s, { { u"weight"_s, bad } });
        QCOMPARE(r.status, 400);
        QCOMPARE(r.error()->details[u"field"_s].toString(), u"weight"_s);
    }
    QCOMPARE(rolloutState(u"iris"_s), before);

    r = send("POST", base + u"current/promote"_s);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.object()[u"phase"_s].toString(), u"PROMOTING"_s);
    // A promoted canary finishes by itself: the slider no longer moves it.
    before = rolloutState(u"iris"_s);
    r = send("PUT", base + u"current/weight"_s, { { u"weight"_s, 60 } });
    QCOMPARE(r.status, 400);
    QCOMPARE(r.error()->details[u"field"_s].toString(), u"weight"_s);
    QCOMPARE(rolloutState(u"iris"_s), before);

    r = send("POST", base + u"current/abort"_s);
    QCOMPARE(r.status, 200);
    const QJsonObject aborted = r.body.object();
    QCOMPARE(aborted[u"phase"_s].toString(), u"ABORTED"_s);
    QCOMPARE(aborted[u"in_progress"_s].toBool(), false);
    QCOMPARE(aborted[u"weight"_s].toInt(), 0);
    QVERIFY(!aborted[u"finished_at"_s].isNull());
    QCOMPARE(phasesOf(aborted),
        (QStringList { u"PROGRESSING"_s, u"PAUSED"_s, u"PROGRESSING"_s, u"PROGRESSING"_s, u"PROMOTING"_s, u"ABORTED"_s }));
    QCOMPARE(m_env->api().get(u"/v1/services/iris"_s).body.object()[u"model_version"_s].toString(), u"v1"_s);

    // Nothing is current any more; the latest is the aborted one, which takes no action now.
    before = rolloutState(u"iris"_s);
    r = send("POST", base + u"current/promote"_s);
    QCOMPARE(r.status, 404);
    QCOMPARE(r.error()->typeName(), u"NotFound"_s);
    r = send("POST", base + rolloutId + u"/resume"_s);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.error()->details[u"phase"_s].toString(), u"ABORTED"_s);
    QCOMPARE(rolloutState(u"iris"_s), before);
    r = m_env->api().get(base + u"latest"_s);
    QCOMPARE(r.body.object()[u"rollout_id"_s].toString(), rolloutId);
}

void TestControlApiRollouts::rollsBackARolloutInProgress()
{
    QVERIFY(!create(u"iris"_s, 2).isEmpty());
    ApiResponse r = send("POST", u"/v1/services/iris/rollouts"_s, toV2());
    QCOMPARE(r.status, 201);
    QCOMPARE(r.body.object()[u"strategy"_s].toString(), u"rolling"_s);  // the default
    QCOMPARE(r.body.object()[u"max_surge_percent"_s].toInt(), 25);
    QCOMPARE(r.body.object()[u"max_unavailable"_s].toInt(), 0);

    // A rolling rollout promotes itself; asking is refused and changes nothing.
    const QByteArray before = rolloutState(u"iris"_s);
    r = send("POST", u"/v1/services/iris/rollouts/current/promote"_s);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.error()->details[u"field"_s].toString(), u"action"_s);
    // Only a manual canary's share is set by hand.
    r = send("PUT", u"/v1/services/iris/rollouts/current/weight"_s, { { u"weight"_s, 50 } });
    QCOMPARE(r.status, 400);
    QCOMPARE(r.error()->details[u"field"_s].toString(), u"weight"_s);
    QCOMPARE(rolloutState(u"iris"_s), before);

    r = send("POST", u"/v1/services/iris/rollouts/latest/rollback"_s);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.object()[u"phase"_s].toString(), u"ROLLED_BACK"_s);
    QCOMPARE(phasesOf(r.body.object()).last(), u"ROLLED_BACK"_s);
    QCOMPARE(m_env->api().get(u"/v1/services/iris"_s).body.object()[u"model_version"_s].toString(), u"v1"_s);
}

// Blue-green: promote switches all at once when the new set is HEALTHY; rollback inside the
// warm window switches back at once.
void TestControlApiRollouts::blueGreenPromotesAndRollsBack()
{
    const QString id = create(u"iris"_s, 1);
    QVERIFY(!id.isEmpty());
    ApiResponse r = send("POST", u"/v1/services/iris/rollouts"_s,
        toV2({ { u"strategy"_s, u"blue-green"_s }, { u"rollback_window_seconds"_s, 600 } }));
    QCOMPARE(r.status, 201);
    const QJsonObject started = r.body.object();

    // The new set is not up: refused, nothing changes.
    const QByteArray before = m_env->storeDump();
    r = send("POST", u"/v1/services/iris/rollouts/current/promote"_s);
    QCOMPARE(r.status, 400);
    QVERIFY2(r.error()->message.contains(u"0 of 1"_s), qPrintable(r.error()->message));
    QCOMPARE(m_env->storeDump(), before);

    auto endpoint = m_env->repository().endpointById(QUuid::fromString(id));
    QVERIFY(endpoint && endpoint->has_value());
    Route green = ApiTest::healthyRoute(**endpoint, 1, u"local:1:40002"_s);
    green.revisionId = QUuid::fromString(started[u"to_revision_id"_s].toString());
    QVERIFY(m_env->repository().insertRoute(green).ok());

    r = send("POST", u"/v1/services/iris/rollouts/current/promote"_s);
    QVERIFY2(r.status == 200, r.body.toJson(QJsonDocument::Compact).constData());
    const QJsonObject promoted = r.body.object();
    QCOMPARE(promoted[u"phase"_s].toString(), u"SUCCEEDED"_s);
    QCOMPARE(promoted[u"weight"_s].toInt(), 100);
    QVERIFY(!promoted[u"warm_until"_s].isNull());
    QJsonObject info = m_env->api().get(u"/v1/services/iris"_s).body.object();
    QCOMPARE(info[u"model_version"_s].toString(), u"v2"_s);
    QCOMPARE(info[u"current_revision_id"_s].toString(), started[u"to_revision_id"_s].toString());

    // rollback's default is the latest rollout, finished or not.
    r = send("POST", u"/v1/services/iris/rollouts/latest/rollback"_s);
    QVERIFY2(r.status == 200, r.body.toJson(QJsonDocument::Compact).constData());
    QCOMPARE(r.body.object()[u"phase"_s].toString(), u"ROLLED_BACK"_s);
    info = m_env->api().get(u"/v1/services/iris"_s).body.object();
    QCOMPARE(info[u"model_version"_s].toString(), u"v1"_s);
    QCOMPARE(info[u"current_revision_id"_s].toString(), started[u"from_revision_id"_s].toString());
}

// What the analysis decided is shown with every number it was decided on.
void TestControlApiRollouts::showsEveryDecisionWithItsNumbers()
{
    QVERIFY(!create(u"iris"_s, 2).isEmpty());
    ApiResponse r = send("POST", u"/v1/services/iris/rollouts"_s,
        toV2({ { u"strategy"_s, u"progressive"_s }, { u"steps"_s, QJsonArray { 10, 100 } } }));
    QCOMPARE(r.status, 201);
    const QUuid rolloutId = QUuid::fromString(r.body.object()[u"rollout_id"_s].toString());

    const QDateTime at = QDateTime::fromMSecsSinceEpoch(1'800'000'000'000, Qt::UTC);
    AnalysisDecision slow;
    slow.step = 0;
    slow.at = at;
    slow.check = u"p95_ms"_s;
    slow.canaryRequests = 340;
    slow.stableRequests = 3000;
    slow.canaryValue = 120.5;
    slow.stableValue = 80;
    slow.effect = 1.50625;
    slow.verdict = AnalysisVerdict::Fail;
    slow.note = u"canary p95 over 1.5x stable"_s;
    AnalysisDecision sparse;
    sparse.step = 0;
    sparse.at = at.addSecs(1);
    sparse.check = u"success_rate"_s;
    sparse.canaryRequests = 3;
    sparse.stableRequests = 40;
    sparse.verdict = AnalysisVerdict::Inconclusive;
    QVERIFY(m_env->repository().insertRolloutDecision(rolloutId, slow).ok());
    QVERIFY(m_env->repository().insertRolloutDecision(rolloutId, sparse).ok());

    r = m_env->api().get(u"/v1/services/iris/rollouts/current"_s);
    QCOMPARE(r.status, 200);
    const QJsonArray decisions = r.body.object()[u"decisions"_s].toArray();
    QCOMPARE(decisions.size(), 2);
    const QJsonObject first = decisions[0].toObject();
    QCOMPARE(first[u"step"_s].toInt(), 0);
    QCOMPARE(first[u"at"_s].toString(), at.toString(Qt::ISODateWithMs));
    QCOMPARE(first[u"check"_s].toString(), u"p95_ms"_s);
    QCOMPARE(first[u"canary_requests"_s].toInt(), 340);
    QCOMPARE(first[u"stable_requests"_s].toInt(), 3000);
    QCOMPARE(first[u"canary_value"_s].toDouble(), 120.5);
    QCOMPARE(first[u"stable_value"_s].toDouble(), 80.0);
    QCOMPARE(first[u"effect"_s].toDouble(), 1.50625);
    QCOMPARE(first[u"verdict"_s].toString(), u"FAIL"_s);
    QCOMPARE(first[u"note"_s].toString(), u"canary p95 over 1.5x stable"_s);
    // No value on too little data: null, never a made-up 0.
    const QJsonObject second = decisions[1].toObject();
    QCOMPARE(second[u"verdict"_s].toString(), u"INCONCLUSIVE"_s);
    QCOMPARE(second[u"canary_requests"_s].toInt(), 3);
    QVERIFY(second[u"canary_value"_s].isNull());
    QVERIFY(second[u"stable_value"_s].isNull());
    QVERIFY(second[u"effect"_s].isNull());
    QCOMPARE(second[u"note"_s].toString(), QString());
}

void TestControlApiRollouts::modifyStartsTheStrategyAsked()
{
    QVERIFY(!create(u"iris"_s, 2).isEmpty());
    ApiResponse r = send("PATCH", u"/v1/services/iris"_s,
        toV2({ { u"strategy"_s, u"canary"_s }, { u"canary_weight"_s, 30 } }));
    QVERIFY2(r.status == 200, r.body.toJson(QJsonDocument::Compact).constData());
    QCOMPARE(r.body.object()[u"rollout_started"_s].toBool(), true);
    QJsonObject rollout = r.body.object()[u"rollout"_s].toObject();
    QCOMPARE(rollout[u"strategy"_s].toString(), u"canary"_s);
    QCOMPARE(rollout[u"weight"_s].toInt(), 30);
    QCOMPARE(rollout[u"to_version"_s].toString(), u"v2"_s);
    QCOMPARE(r.body.object()[u"model_version"_s].toString(), u"v1"_s);

    // A second new version while this one is in progress: 409, nothing changes.
    QByteArray before = m_env->storeDump();
    r = send("PATCH", u"/v1/services/iris"_s, { { u"model_version"_s, u"v3"_s }, { u"model_folder"_s, u"iris-v2"_s } });
    QCOMPARE(r.status, 409);
    QCOMPARE(r.error()->typeName(), u"RolloutInProgress"_s);
    QCOMPARE(r.error()->details[u"rollout_id"_s].toString(), rollout[u"rollout_id"_s].toString());
    QCOMPARE(m_env->storeDump(), before);
    QCOMPARE(send("POST", u"/v1/services/iris/rollouts/current/abort"_s).status, 200);

    // Progressive from the canary share: the steps start there.
    r = send("PATCH", u"/v1/services/iris"_s, toV2({ { u"strategy"_s, u"progressive"_s }, { u"canary_weight"_s, 10 } }));
    QVERIFY2(r.status == 200, r.body.toJson(QJsonDocument::Compact).constData());
    rollout = r.body.object()[u"rollout"_s].toObject();
    QCOMPARE(rollout[u"strategy"_s].toString(), u"progressive"_s);
    QCOMPARE(intsOf(rollout[u"steps"_s]), (QList<int> { 10, 25, 50, 100 }));
    QCOMPARE(rollout[u"weight"_s].toInt(), 10);
    QCOMPARE(send("POST", u"/v1/services/iris/rollouts/current/abort"_s).status, 200);

    // No new version: a strategy means nothing, and a modify that starts nothing says so.
    before = m_env->storeDump();
    r = send("PATCH", u"/v1/services/iris"_s, { { u"strategy"_s, u"canary"_s } });
    QCOMPARE(r.status, 400);
    QCOMPARE(r.error()->details[u"field"_s].toString(), u"strategy"_s);
    r = send("PATCH", u"/v1/services/iris"_s, toV2({ { u"strategy"_s, u"canary"_s }, { u"canary_weight"_s, 101 } }));
    QCOMPARE(r.status, 400);
    QCOMPARE(r.error()->details[u"field"_s].toString(), u"canary_weight"_s);
    QCOMPARE(m_env->storeDump(), before);
    r = send("PATCH", u"/v1/services/iris"_s, { { u"public"_s, true } });
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.object()[u"rollout_started"_s].toBool(true), false);
    QCOMPARE(r.body.object()[u"rollout"_s].toObject()[u"phase"_s].toString(), u"ABORTED"_s);  // the newest
}

// Spec 1.4: the model and version pair is unique, not the name.
void TestControlApiRollouts::createOfAnotherVersionIsARollout()
{
    ApiResponse r = m_env->api().send("POST", u"/v1/services"_s, ApiTest::specCreateBody(u"sentiment-analyzer"_s, u"v1.0"_s));
    QCOMPARE(r.status, 201);
    const QString id = r.body.object()[u"id"_s].toString();
    QCOMPARE(r.body.object()[u"rollout_started"_s].toBool(true), false);
    QVERIFY(!r.body.object().contains(u"rollout"_s));

    r = m_env->api().send("POST", u"/v1/services"_s, ApiTest::specCreateBody(u"sentiment-analyzer"_s, u"v2.0"_s));
    QVERIFY2(r.status == 201, r.body.toJson(QJsonDocument::Compact).constData());
    const QJsonObject o = r.body.object();
    QCOMPARE(o[u"id"_s].toString(), id);  // the same endpoint, a new revision of it
    QCOMPARE(o[u"rollout_started"_s].toBool(), true);
    QCOMPARE(o[u"model_version"_s].toString(), u"v1.0"_s);  // stable until the rollout succeeds
    const QJsonArray revisions = o[u"revisions"_s].toArray();
    QCOMPARE(revisions.size(), 2);
    QCOMPARE(revisions[1].toObject()[u"model_version"_s].toString(), u"v2.0"_s);
    QCOMPARE(revisions[1].toObject()[u"number"_s].toInt(), 2);
    const QJsonObject rollout = o[u"rollout"_s].toObject();
    QCOMPARE(rollout[u"strategy"_s].toString(), u"rolling"_s);
    QCOMPARE(rollout[u"phase"_s].toString(), u"PROGRESSING"_s);
    QCOMPARE(rollout[u"to_revision_id"_s].toString(), revisions[1].toObject()[u"revision_id"_s].toString());
    QCOMPARE(rollout[u"to_version"_s].toString(), u"v2.0"_s);
    QCOMPARE(m_env->api().get(u"/v1/services"_s).body.object()[u"services"_s].toArray().size(), 1);

    // Either version again: 409 ModelAlreadyExists, and nothing changes.
    const QByteArray before = m_env->storeDump();
    for (const QString &version : { u"v1.0"_s, u"v2.0"_s }) {
        r = m_env->api().send("POST", u"/v1/services"_s, ApiTest::specCreateBody(u"sentiment-analyzer"_s, version));
        QCOMPARE(r.status, 409);
        QCOMPARE(r.error()->typeName(), u"ModelAlreadyExists"_s);
        QCOMPARE(r.error()->details[u"endpoint_id"_s].toString(), id);
    }
    QCOMPARE(m_env->storeDump(), before);
}

// Each refusal: its type and field, and the rollouts, revisions and endpoint as they were.
void TestControlApiRollouts::refusalsChangeNothing()
{
    QVERIFY(!create(u"iris"_s, 2).isEmpty());
    QVERIFY(!create(u"idle"_s, 1).isEmpty());
    ApiResponse r = send("POST", u"/v1/services/iris/rollouts"_s, toV2({ { u"strategy"_s, u"canary"_s } }));
    QCOMPARE(r.status, 201);
    const QString busyId = r.body.object()[u"rollout_id"_s].toString();

    struct Refusal
    {
        QByteArray method;
        QString path;
        QJsonObject body;
        int status;
        QString type;
        QString field;
    };
    const QString unknownId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QList<Refusal> refusals {
        { "POST", u"/v1/services/iris/rollouts"_s, { { u"model_version"_s, u"v3"_s } }, 409, u"RolloutInProgress"_s, {} },
        { "POST", u"/v1/services/idle/rollouts"_s, toV2({ { u"strategy"_s, u"linear"_s } }), 400, u"InvalidArgument"_s,
            u"strategy"_s },
        { "POST", u"/v1/services/idle/rollouts"_s,
            toV2({ { u"strategy"_s, u"progressive"_s }, { u"steps"_s, QJsonArray { 50, 25, 100 } } }), 400,
            u"InvalidArgument"_s, u"steps"_s },
        { "POST", u"/v1/services/idle/rollouts"_s,
            toV2({ { u"strategy"_s, u"progressive"_s }, { u"steps"_s, QJsonArray { 5, 150 } } }), 400,
            u"InvalidArgument"_s, u"steps"_s },
        { "POST", u"/v1/services/idle/rollouts"_s,
            toV2({ { u"strategy"_s, u"progressive"_s }, { u"steps"_s, QJsonArray { 5, u"25"_s } } }), 400,
            u"InvalidArgument"_s, u"steps"_s },
        { "POST", u"/v1/services/idle/rollouts"_s,
            toV2({ { u"strategy"_s, u"progressive"_s }, { u"steps"_s, u"5,25,50,100"_s } }), 400, u"InvalidArgument"_s,
            u"steps"_s },
        { "POST", u"/v1/services/idle/rollouts"_s, toV2({ { u"strategy"_s, u"canary"_s }, { u"weight"_s, 101 } }), 400,
            u"InvalidArgument"_s, u"weight"_s },
        { "POST", u"/v1/services/idle/rollouts"_s, toV2({ { u"interval_seconds"_s, 1.5 } }), 400, u"InvalidArgument"_s,
            u"interval_seconds"_s },
        { "POST", u"/v1/services/idle/rollouts"_s,
            { { u"model_version"_s, u"v1"_s }, { u"model_folder"_s, u"iris-v1"_s } }, 400, u"InvalidArgument"_s,
            u"model_version"_s },
        { "POST", u"/v1/services/idle/rollouts"_s, { { u"revision"_s, u"v9"_s } }, 404, u"NotFound"_s, {} },
        { "POST", u"/v1/services/iris/rollouts/%1/abort"_s.arg(unknownId), {}, 404, u"NotFound"_s, {} },
        { "GET", u"/v1/services/iris/rollouts/%1"_s.arg(unknownId), {}, 404, u"NotFound"_s, {} },
        { "GET", u"/v1/services/idle/rollouts/%1"_s.arg(busyId), {}, 404, u"NotFound"_s, {} },  // another's
        { "POST", u"/v1/services/idle/rollouts/%1/abort"_s.arg(busyId), {}, 404, u"NotFound"_s, {} },
        { "POST", u"/v1/services/idle/rollouts/current/abort"_s, {}, 404, u"NotFound"_s, {} },
        { "POST", u"/v1/services/iris/rollouts/current/resume"_s, {}, 400, u"InvalidArgument"_s, {} },
        { "PUT", u"/v1/services/iris/rollouts/current/weight"_s, { { u"weight"_s, 250 } }, 400, u"InvalidArgument"_s,
            u"weight"_s },
        { "POST", u"/v1/services"_s,
            { { u"name"_s, u"iris"_s }, { u"model_version"_s, u"v3"_s }, { u"model_folder"_s, u"iris-v2"_s } }, 409,
            u"RolloutInProgress"_s, {} },
        { "GET", u"/v1/services/iris/rollouts?limit=0"_s, {}, 400, u"InvalidArgument"_s, u"limit"_s },
    };
    for (const Refusal &refusal : refusals) {
        const QByteArray label = refusal.method + ' ' + refusal.path.toUtf8() + ' '
            + QJsonDocument(refusal.body).toJson(QJsonDocument::Compact);
        const QByteArray store = m_env->storeDump();
        const QByteArray iris = rolloutState(u"iris"_s);
        const QByteArray idle = rolloutState(u"idle"_s);
        r = send(refusal.method, refusal.path, refusal.body);
        const QByteArray answer = label + " -> " + r.body.toJson(QJsonDocument::Compact);
        QVERIFY2(r.status == refusal.status, answer.constData());
        QVERIFY2(r.error()->typeName() == refusal.type, answer.constData());
        if (!refusal.field.isEmpty())
            QVERIFY2(r.error()->details[u"field"_s].toString() == refusal.field, answer.constData());
        QVERIFY2(m_env->storeDump() == store, label.constData());
        QVERIFY2(rolloutState(u"iris"_s) == iris, label.constData());
        QVERIFY2(rolloutState(u"idle"_s) == idle, label.constData());
    }
}

void TestControlApiRollouts::listsNewestFirstWithLimit()
{
    QVERIFY(!create(u"iris"_s, 1).isEmpty());
    QStringList started;
    for (const QString &version : { u"v2"_s, u"v3"_s, u"v4"_s }) {
        const ApiResponse r = send("POST", u"/v1/services/iris/rollouts"_s,
            { { u"model_version"_s, version }, { u"model_folder"_s, u"iris-v2"_s } });
        QVERIFY2(r.status == 201, r.body.toJson(QJsonDocument::Compact).constData());
        started.prepend(r.body.object()[u"rollout_id"_s].toString());
        QCOMPARE(send("POST", u"/v1/services/iris/rollouts/current/abort"_s).status, 200);
    }
    const auto listed = [this](const QString &query) {
        QStringList ids;
        const ApiResponse r = m_env->api().get(u"/v1/services/iris/rollouts"_s + query);
        for (const QJsonValue &v : r.body.object()[u"rollouts"_s].toArray())
            ids << v.toObject()[u"rollout_id"_s].toString();
        return ids;
    };
    QCOMPARE(listed(QString()), started);
    QCOMPARE(listed(u"?limit=2"_s), started.mid(0, 2));
    QCOMPARE(m_env->api().get(u"/v1/services/iris/rollouts/latest"_s).body.object()[u"rollout_id"_s].toString(),
        started.first());
}

void TestControlApiRollouts::metricsShowRolloutsInProgress()
{
    QVERIFY(!create(u"iris"_s, 2).isEmpty());
    QVERIFY(!create(u"idle"_s, 1).isEmpty());
    const auto metrics = [this] { return m_env->send("GET", u"/metrics"_s, {}, QByteArray()).body; };
    QByteArray text = metrics();
    QVERIFY2(text.contains("# TYPE servedeck_rollout_in_progress gauge\n"), text.constData());
    QVERIFY2(!text.contains("servedeck_rollout_in_progress{"), text.constData());

    QCOMPARE(send("POST", u"/v1/services/iris/rollouts"_s, toV2({ { u"strategy"_s, u"canary"_s }, { u"weight"_s, 20 } })).status,
        201);
    text = metrics();
    for (const char *line : { "servedeck_rollout_in_progress{endpoint=\"iris\",strategy=\"canary\",phase=\"PROGRESSING\"} 1\n",
             "servedeck_rollout_weight{endpoint=\"iris\"} 20\n", "servedeck_rollout_step{endpoint=\"iris\"} 0\n",
             "# TYPE servedeck_rollout_phase_changes_total counter\n",
             "servedeck_rollout_phase_changes_total{phase=\"PROGRESSING\"} 1\n" })
        QVERIFY2(text.contains(line), line);
    QVERIFY2(!text.contains("endpoint=\"idle\""), text.constData());

    QCOMPARE(send("POST", u"/v1/services/iris/rollouts/current/pause"_s).status, 200);
    QCOMPARE(send("PUT", u"/v1/services/iris/rollouts/current/weight"_s, { { u"weight"_s, 35 } }).status, 200);
    text = metrics();
    for (const char *line : { "servedeck_rollout_in_progress{endpoint=\"iris\",strategy=\"canary\",phase=\"PAUSED\"} 1\n",
             "servedeck_rollout_weight{endpoint=\"iris\"} 35\n", "servedeck_rollout_phase_changes_total{phase=\"PAUSED\"} 1\n",
             "servedeck_rollout_phase_changes_total{phase=\"PROGRESSING\"} 1\n" })
        QVERIFY2(text.contains(line), line);

    // A weight change is no phase change; an abort is, and the rollout leaves the gauges.
    QCOMPARE(send("POST", u"/v1/services/iris/rollouts/current/abort"_s).status, 200);
    text = metrics();
    QVERIFY2(text.contains("servedeck_rollout_phase_changes_total{phase=\"ABORTED\"} 1\n"), text.constData());
    QVERIFY2(!text.contains("servedeck_rollout_in_progress{"), text.constData());
    QVERIFY2(!text.contains("servedeck_rollout_weight{"), text.constData());
}

QTEST_GUILESS_MAIN(TestControlApiRollouts)
#include "test_controlapi_rollouts.moc"
