#include <QSignalSpy>
#include <QTest>

#include "jobtestsupport.h"

using namespace ServeDeck;

class TestJobQueue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void submitClaimCompleteRoundTrip();
};

void TestJobQueue::submitClaimCompleteRoundTrip()
{
    JobFixture f;
    QSignalSpy changed(f.queue.get(), &JobQueue::jobChanged);
    QSignalSpy queued(f.queue.get(), &JobQueue::jobsQueued);
    auto submitted = f.queue->submit(f.request());
    VERIFY_OK(submitted);
    QVERIFY(submitted->created);
    const Job job = submitted->job;
    QCOMPARE(job.id.size(), 32);
    QCOMPARE(job.state, JobState::Queued);
    QCOMPARE(job.endpointName, QStringLiteral("model-0"));
    QCOMPARE(f.queue->queuedCount(f.endpointIds[0]), 1);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(queued.size(), 1);

    auto claimed = f.queue->claim(f.endpointIds[0], 4, QStringLiteral("d1"));
    VERIFY_OK(claimed);
    QCOMPARE(claimed->size(), 1);
    QCOMPARE(claimed->first().id, job.id);
    QCOMPARE(claimed->first().state, JobState::Running);
    QCOMPARE(claimed->first().attempts, 1);
    QCOMPARE(f.queue->runningCount(f.endpointIds[0]), 1);

    f.clock.advance(2);
    const QUuid routeId = QUuid::createUuid();
    auto completed = f.queue->complete(job.id, QStringLiteral("d1"),
                                       JobResult{200, {{"Content-Type", "application/json"}}, "{\"y\":2}"}, routeId,
                                       QStringLiteral("v1"));
    VERIFY_OK(completed);
    QCOMPARE(completed->state, JobState::Succeeded);

    auto read = f.queue->job(job.id);
    VERIFY_OK(read);
    QCOMPARE(read->state, JobState::Succeeded);
    QCOMPARE(read->routeId, routeId);
    QCOMPARE(read->modelVersion, QStringLiteral("v1"));
    QCOMPARE(read->resultStatus, 200);
    QCOMPARE(read->startedAt.msecsTo(read->finishedAt), 2000);
    auto result = f.queue->result(job.id);
    VERIFY_OK(result);
    QCOMPARE(result->body, QByteArray("{\"y\":2}"));
    QCOMPARE(result->headers.size(), 1);
    auto body = f.queue->body(job.id);
    VERIFY_OK(body);
    QCOMPARE(body.value(), QByteArray("{\"x\":1}"));
}

QTEST_GUILESS_MAIN(TestJobQueue)
#include "test_jobqueue.moc"
