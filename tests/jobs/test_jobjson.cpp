#include <QJsonArray>
#include <QTest>

#include "jobs/jobjson.h"

using namespace ServeDeck;

class TestJobJson : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jobHasEveryFieldAndNullsForUnset();
    void finishedJobHasItsTimings();
    void statsRowRetentionAndCounts();
};

void TestJobJson::jobHasEveryFieldAndNullsForUnset()
{
    Job job;
    job.id = QStringLiteral("0123456789abcdef0123456789abcdef");
    job.endpointId = QUuid::createUuid();
    job.endpointName = QStringLiteral("iris");
    job.state = JobState::Running;
    job.method = "POST";
    job.path = "/predict";
    job.queuedAt = QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5, 678), Qt::UTC);
    job.startedAt = job.queuedAt.addMSecs(1500);
    job.attempts = 1;
    const QJsonObject json = jobToJson(job);
    QStringList keys = json.keys();
    keys.sort();
    QStringList expected{QStringLiteral("id"), QStringLiteral("endpoint_id"), QStringLiteral("endpoint"),
                         QStringLiteral("state"), QStringLiteral("method"), QStringLiteral("path"),
                         QStringLiteral("priority"), QStringLiteral("idempotency_key"), QStringLiteral("deadline"),
                         QStringLiteral("attempts"), QStringLiteral("max_attempts"), QStringLiteral("queued_at"),
                         QStringLiteral("started_at"), QStringLiteral("finished_at"), QStringLiteral("next_attempt_at"),
                         QStringLiteral("route_id"), QStringLiteral("model_version"), QStringLiteral("result_status"),
                         QStringLiteral("result_bytes"), QStringLiteral("error"), QStringLiteral("submitted_by"),
                         QStringLiteral("queue_ms"), QStringLiteral("run_ms")};
    expected.sort();
    QCOMPARE(keys, expected);
    QCOMPARE(json.value(QStringLiteral("state")).toString(), QStringLiteral("RUNNING"));
    QCOMPARE(json.value(QStringLiteral("endpoint_id")).toString(), job.endpointId.toString(QUuid::WithoutBraces));
    QCOMPARE(json.value(QStringLiteral("queued_at")).toString(), QStringLiteral("2026-01-02T03:04:05.678Z"));
    QCOMPARE(json.value(QStringLiteral("queue_ms")).toDouble(), 1500.0);
    for (const char *unset : {"finished_at", "deadline", "next_attempt_at", "route_id", "idempotency_key", "error",
                              "run_ms", "result_status", "model_version"})
        QVERIFY2(json.value(QLatin1String(unset)).isNull(), unset);
}

void TestJobJson::finishedJobHasItsTimings()
{
    Job job;
    job.id = QStringLiteral("0123456789abcdef0123456789abcdef");
    job.state = JobState::Succeeded;
    job.queuedAt = QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC);
    job.startedAt = job.queuedAt.addMSecs(250);
    job.finishedAt = job.startedAt.addMSecs(1750);
    job.resultStatus = 200;
    job.resultBytes = 42;
    job.routeId = QUuid::createUuid();
    const QJsonObject json = jobToJson(job);
    QCOMPARE(json.value(QStringLiteral("queue_ms")).toDouble(), 250.0);
    QCOMPARE(json.value(QStringLiteral("run_ms")).toDouble(), 1750.0);
    QCOMPARE(json.value(QStringLiteral("result_status")).toInt(), 200);
    QCOMPARE(json.value(QStringLiteral("result_bytes")).toInt(), 42);
    QCOMPARE(json.value(QStringLiteral("finished_at")).toString(), QStringLiteral("2026-01-02T03:04:07.000Z"));
}

void TestJobJson::statsRowRetentionAndCounts()
{
    JobStatsRow row;
    row.endpointName = QStringLiteral("iris");
    row.count = 4;
    row.succeeded = 3;
    row.failed = 1;
    row.successRatio = 0.75;
    row.runP95Ms = 12.5;
    const QJsonObject stats = jobStatsRowToJson(row);
    QCOMPARE(stats.value(QStringLiteral("count")).toInt(), 4);
    QCOMPARE(stats.value(QStringLiteral("success_ratio")).toDouble(), 0.75);
    QCOMPARE(stats.value(QStringLiteral("run_p95_ms")).toDouble(), 12.5);
    QVERIFY(stats.value(QStringLiteral("queue_p95_ms")).isNull());
    QVERIFY(stats.value(QStringLiteral("model_version")).isNull());

    const QJsonObject retention = jobRetentionToJson(JobRetention{30, 500});
    QCOMPARE(retention, (QJsonObject{{QStringLiteral("max_age_days"), 30}, {QStringLiteral("max_count"), 500}}));

    const QJsonObject counts = jobStateCountsToJson({{JobState::Queued, 3}, {JobState::Failed, 1}});
    QCOMPARE(counts.size(), 6);
    QCOMPARE(counts.value(QStringLiteral("QUEUED")).toInt(), 3);
    QCOMPARE(counts.value(QStringLiteral("FAILED")).toInt(), 1);
    for (const char *zero : {"RUNNING", "SUCCEEDED", "CANCELLED", "EXPIRED"}) {
        QVERIFY2(counts.value(QLatin1String(zero)).isDouble(), zero);
        QCOMPARE(counts.value(QLatin1String(zero)).toInt(), 0);
    }
}

QTEST_GUILESS_MAIN(TestJobJson)
#include "test_jobjson.moc"
