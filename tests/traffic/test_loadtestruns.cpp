// Stored load-test runs through the control API of an in-process plane (SQLite in a temporary
// dir, real sockets): record, list, show as JSON and CSV, delete; and the refusals, after which
// nothing is stored.
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include "api/apitestsupport.h"
#include "traffic/loadtestresult.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

QJsonObject runResult(const QString &endpoint, int requests = 100)
{
    LoadTestResult result;
    result.settings = *LoadTestSettings::fromJson({{u"endpoint"_s, endpoint},
                                                   {u"url"_s, u"http://127.0.0.1:9/predict"_s},
                                                   {u"rate"_s, 50},
                                                   {u"duration_ms"_s, 2000}});
    result.startedAt = QDateTime::currentDateTimeUtc();
    result.elapsedNs = 2000000000;
    result.sent = quint64(requests);
    for (int i = 1; i <= requests; ++i) {
        ++result.total.answered;
        ++result.total.succeeded;
        ++result.total.statuses[200];
        result.total.latency.record(qint64(i) * 1000000);
    }
    result.byRevision.insert("v1", result.total);
    result.evaluateTargets();
    return result.toJson();
}

} // namespace

class TestLoadTestRuns : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ApiTest::Plane> m_plane;

    int storedRuns() { return int(m_plane->send("GET", u"/v1/loadtests?limit=1000"_s).json().value(u"load_tests"_s).toArray().size()); }

private Q_SLOTS:
    void init()
    {
        m_plane = std::make_unique<ApiTest::Plane>();
        const Result<Done> started = m_plane->start();
        QVERIFY2(started, qPrintable(started ? QString() : started.error().message));
        const ApiTest::RawReply created = m_plane->send(
            "POST", u"/v1/services"_s, QJsonDocument(ApiTest::specCreateBody(u"iris"_s)).toJson());
        QCOMPARE(created.status, 201);
    }

    void cleanup() { m_plane.reset(); }

    void recordsListsShowsAndDeletes()
    {
        const QJsonObject body{{u"endpoint"_s, u"iris"_s}, {u"result"_s, runResult(u"iris"_s)}};
        const ApiTest::RawReply recorded = m_plane->send("POST", u"/v1/loadtests"_s, QJsonDocument(body).toJson());
        QCOMPARE(recorded.status, 201);
        const QString id = recorded.json().value(u"id"_s).toString();
        QVERIFY(!QUuid::fromString(id).isNull());
        QCOMPARE(recorded.json().value(u"endpoint"_s).toString(), u"iris"_s);
        // rps 50 > 30, p95 95 ms < 200, success 100 % > 95.
        QCOMPARE(recorded.json().value(u"passed"_s).toBool(), true);
        QCOMPARE(recorded.json().value(u"summary"_s).toObject().value(u"sent"_s).toInt(), 100);

        const ApiTest::RawReply listed = m_plane->send("GET", u"/v1/loadtests?endpoint=iris"_s);
        QCOMPARE(listed.status, 200);
        const QJsonArray runs = listed.json().value(u"load_tests"_s).toArray();
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs.at(0).toObject().value(u"id"_s).toString(), id);
        QVERIFY(!runs.at(0).toObject().contains(u"result"_s));

        const ApiTest::RawReply shown = m_plane->send("GET", u"/v1/loadtests/"_s + id);
        QCOMPARE(shown.status, 200);
        const Result<LoadTestResult> back = LoadTestResult::fromJson(shown.json().value(u"result"_s).toObject());
        QVERIFY(back);
        QCOMPARE(back->sent, quint64(100));
        QCOMPARE(back->byRevision.value("v1").answered, quint64(100));

        const ApiTest::RawReply csv = m_plane->send("GET", u"/v1/loadtests/"_s + id + u"?format=csv"_s);
        QCOMPARE(csv.status, 200);
        QVERIFY(csv.contentType.startsWith("text/csv"));
        QVERIFY(csv.body.startsWith("scope,name,answered,"));
        QVERIFY(csv.body.contains("\nrevision,\"v1\",100,100,"));

        QCOMPARE(m_plane->send("DELETE", u"/v1/loadtests/"_s + id).status, 200);
        QCOMPARE(m_plane->send("GET", u"/v1/loadtests/"_s + id).status, 404);
        QCOMPARE(m_plane->send("DELETE", u"/v1/loadtests/"_s + id).status, 404);
        QCOMPARE(storedRuns(), 0);
    }

    void refusesAndStoresNothing_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("type");
        QJsonObject badVersion = runResult(u"iris"_s);
        badVersion.insert(u"version"_s, 99);
        QJsonObject badSettings = runResult(u"iris"_s);
        QJsonObject settings = badSettings.value(u"settings"_s).toObject();
        settings.insert(u"rate"_s, 0);
        badSettings.insert(u"settings"_s, settings);
        const auto body = [](const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); };
        QTest::newRow("unknown endpoint") << body({{u"endpoint"_s, u"nope"_s}, {u"result"_s, runResult(u"nope"_s)}})
                                          << 404 << u"NotFound"_s;
        QTest::newRow("result of another version") << body({{u"endpoint"_s, u"iris"_s}, {u"result"_s, badVersion}})
                                                   << 400 << u"InvalidArgument"_s;
        QTest::newRow("settings with rate 0") << body({{u"endpoint"_s, u"iris"_s}, {u"result"_s, badSettings}}) << 400
                                              << u"InvalidArgument"_s;
        QTest::newRow("no result") << body({{u"endpoint"_s, u"iris"_s}}) << 400 << u"InvalidArgument"_s;
        QTest::newRow("unknown field") << body({{u"endpoint"_s, u"iris"_s}, {u"result"_s, runResult(u"iris"_s)},
                                                {u"extra"_s, 1}})
                                       << 400 << u"InvalidArgument"_s;
        QTest::newRow("not JSON") << QByteArray("{") << 400 << u"InvalidArgument"_s;
    }

    void refusesAndStoresNothing()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, type);
        const ApiTest::RawReply reply = m_plane->send("POST", u"/v1/loadtests"_s, body);
        QCOMPARE(reply.status, status);
        QCOMPARE(reply.errorType(), type);
        QCOMPARE(storedRuns(), 0);
    }

    void boundsWhatItKeeps()
    {
        // Over 1 MiB of result (a body the settings allow) is refused by the service itself.
        QJsonObject big = runResult(u"iris"_s);
        QJsonObject settings = big.value(u"settings"_s).toObject();
        settings.insert(u"body"_s, QString(LoadTestSettings::kMaxBodyBytes - 10, u'x'));
        big.insert(u"settings"_s, settings);
        big.insert(u"padding_is_not_read"_s, QString(1000, u'y'));
        const Result<LoadTestRecord> refused = m_plane->service().recordLoadTest(u"iris"_s, big);
        QVERIFY(!refused);
        QCOMPARE(refused.error().type, ErrorType::PayloadTooLarge);
        QCOMPARE(storedRuns(), 0);
        // The list's limit is bounded like every other.
        QCOMPARE(m_plane->send("GET", u"/v1/loadtests?limit=0"_s).status, 400);
        QCOMPARE(m_plane->send("GET", u"/v1/loadtests?limit=5000"_s).status, 400);
        QCOMPARE(m_plane->send("GET", u"/v1/loadtests/not-a-uuid"_s).status, 404);
        QCOMPARE(m_plane->send("GET", u"/v1/loadtests?endpoint=nope"_s).status, 404);
        // The run's format is json or csv.
        const QJsonObject body{{u"endpoint"_s, u"iris"_s}, {u"result"_s, runResult(u"iris"_s)}};
        const QString id = m_plane->send("POST", u"/v1/loadtests"_s, QJsonDocument(body).toJson())
                               .json()
                               .value(u"id"_s)
                               .toString();
        QCOMPARE(m_plane->send("GET", u"/v1/loadtests/"_s + id + u"?format=xml"_s).status, 400);
        QCOMPARE(storedRuns(), 1);
    }
};

QTEST_GUILESS_MAIN(TestLoadTestRuns)
#include "test_loadtestruns.moc"
