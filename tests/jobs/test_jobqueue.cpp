#include <latch>

#include <sys/stat.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QSet>
#include <QSignalSpy>
#include <QThread>
#include <QTest>

#include "jobtestsupport.h"

using namespace ServeDeck;

Q_DECLARE_METATYPE(ServeDeck::JobRequest)
Q_DECLARE_METATYPE(ServeDeck::EndpointLifecycle)

class TestJobQueue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void submitClaimCompleteRoundTrip();
    void headersAJobDoesNotKeepAreDropped();
    void requestBodyIsKeptByteForByte();
    void claimTakesHighestPriorityThenOldest();
    void claimTakesAtMostMaxAndNeverTheSameJobTwice();
    void twoDispatchersOnOneFileNeverClaimTheSameJob();
    void idempotencyKeyReturnsTheFirstJob();
    void idempotencyKeyHoldsAcrossARestart();
    void uniqueIndexDecidesADuplicateKey();
    void badInputIsTypedAndStoresNothing_data();
    void badInputIsTypedAndStoresNothing();
    void unknownEndpointIsNotFound();
    void bodyOverTheLimitIsPayloadTooLarge();
    void fullQueueIsQueueFull();
    void unknownAndMalformedIdsAreNotFound();
    void leaseExpiryRequeuesWithBackoffThenFails();
    void backoffDoublesUpToAMinute();
    void renewedLeaseIsNotTakenBack();
    void staleOwnerCannotFinishOrRenew();
    void nonSuccessAnswerIsFailedAndKept();
    void cancelQueuedAndRunningRefuseFinal();
    void cancelEndpointJobsEndsOnlyItsLiveJobs();
    void retryFailedJobRunsAgain();
    void retryOfSucceededOrLiveJobIsRefused();
    void retryOfADeletedEndpointsJobIsRefused_data();
    void retryOfADeletedEndpointsJobIsRefused();
    void deadlineExpiresQueuedAndRunningJobs();
    void largeResultGoesToAPrivateFile();
    void answerOverTheLimitFailsTheAttempt();
    void answerFilesNoJobNamesAreDeletedAtStart();
    void liveCountsMatchTheStore();
    void listFiltersByEndpointStateAndTime();
    void answerWithABadStatusIsRefused();
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
    QCOMPARE(job.queuedAt, f.clock.now());
    QCOMPARE(f.queue->queuedCount(f.endpointIds[0]), 1);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(queued.size(), 1);
    QCOMPARE(queued.first().first().toUuid(), f.endpointIds[0]);

    f.clock.advance(1);
    auto claimed = f.queue->claim(f.endpointIds[0], 4, QStringLiteral("d1"));
    VERIFY_OK(claimed);
    QCOMPARE(claimed->size(), 1);
    QCOMPARE(claimed->first().id, job.id);
    QCOMPARE(claimed->first().state, JobState::Running);
    QCOMPARE(claimed->first().attempts, 1);
    QCOMPARE(claimed->first().leaseOwner, QStringLiteral("d1"));
    QCOMPARE(claimed->first().leaseExpiresAt, f.clock.now().addSecs(30));
    QCOMPARE(f.queue->runningCount(f.endpointIds[0]), 1);
    QCOMPARE(f.queue->queuedCount(f.endpointIds[0]), 0);
    QCOMPARE(changed.size(), 2);

    f.clock.advance(2);
    const QUuid routeId = QUuid::createUuid();
    auto completed = f.queue->complete(job.id, QStringLiteral("d1"),
                                       JobResult{200, {{"Content-Type", "application/json"}}, "{\"y\":2}"}, routeId,
                                       QStringLiteral("v1"));
    VERIFY_OK(completed);
    QCOMPARE(completed->state, JobState::Succeeded);
    QCOMPARE(changed.size(), 3);
    QCOMPARE(changed.last().first().value<Job>().state, JobState::Succeeded);

    auto read = f.queue->job(job.id);
    VERIFY_OK(read);
    QCOMPARE(read->state, JobState::Succeeded);
    QCOMPARE(read->routeId, routeId);
    QCOMPARE(read->modelVersion, QStringLiteral("v1"));
    QCOMPARE(read->resultStatus, 200);
    QCOMPARE(read->resultBytes, 7);
    QCOMPARE(read->bodyBytes, 7);
    QCOMPARE(read->method, QByteArray("POST"));
    QCOMPARE(read->path, QByteArray("/predict"));
    QCOMPARE(read->submittedBy, QStringLiteral("admin"));
    QCOMPARE(read->queuedAt.msecsTo(read->startedAt), 1000);
    QCOMPARE(read->startedAt.msecsTo(read->finishedAt), 2000);
    QVERIFY(read->leaseOwner.isEmpty());
    auto result = f.queue->result(job.id);
    VERIFY_OK(result);
    QCOMPARE(result->status, 200);
    QCOMPARE(result->body, QByteArray("{\"y\":2}"));
    QCOMPARE(result->headers, (JobHeaders{{"Content-Type", "application/json"}}));
    auto body = f.queue->body(job.id);
    VERIFY_OK(body);
    QCOMPARE(body.value(), QByteArray("{\"x\":1}"));
    QCOMPARE(f.queue->stateCounts(f.endpointIds[0]).value(JobState::Succeeded), 1);
}

void TestJobQueue::headersAJobDoesNotKeepAreDropped()
{
    JobFixture f;
    JobRequest r = f.request();
    // Header values are bytes: obs-text survives the store byte for byte.
    r.headers = {{"Authorization", "Bearer secret"}, {"Prefer", "respond-async"}, {"Connection", "X-Hop"},
                 {"X-Hop", "1"}, {"Host", "example"}, {"X-Trace", "a\xe9z"}, {"Accept", "*/*"}};
    auto submitted = f.queue->submit(r);
    VERIFY_OK(submitted);
    auto read = f.queue->job(submitted->job.id);
    VERIFY_OK(read);
    QCOMPARE(read->headers, (JobHeaders{{"X-Trace", "a\xe9z"}, {"Accept", "*/*"}}));
}

void TestJobQueue::requestBodyIsKeptByteForByte()
{
    JobFixture f;
    QByteArray body(3 * 1024 * 1024, Qt::Uninitialized);
    for (qsizetype i = 0; i < body.size(); ++i)
        body[i] = char((i * 7 + 3) % 256);
    auto big = f.queue->submit(f.request(body));
    auto empty = f.queue->submit(f.request(QByteArray()));
    VERIFY_OK(big);
    VERIFY_OK(empty);
    QCOMPARE(big->job.bodyBytes, body.size());
    // The body is not touched by what changes the job.
    VERIFY_OK(f.queue->claim(f.endpointIds[0], 2, QStringLiteral("d1")));
    VERIFY_OK(f.queue->renewLeases({big->job.id}, QStringLiteral("d1")));
    f.reopen();
    auto read = f.queue->body(big->job.id);
    VERIFY_OK(read);
    QCOMPARE(read->size(), body.size());
    QVERIFY(read.value() == body);
    auto job = f.queue->job(big->job.id);
    VERIFY_OK(job);
    QCOMPARE(job->bodyBytes, body.size());
    auto none = f.queue->body(empty->job.id);
    VERIFY_OK(none);
    QVERIFY(none->isEmpty());
    QCOMPARE(f.rowsIn(QStringLiteral("job_bodies")), 1);  // an empty body takes no row
}

void TestJobQueue::claimTakesHighestPriorityThenOldest()
{
    JobFixture f;
    // Same millisecond for the first three: submission order alone must decide among equals.
    QStringList order;
    const auto submit = [&](int priority) {
        JobRequest r = f.request();
        r.priority = priority;
        auto s = f.queue->submit(r);
        VERIFY_OK(s);
        order << s->job.id;
    };
    submit(0);   // a
    submit(0);   // b
    submit(5);   // c
    f.clock.advance(1);
    submit(5);   // d
    submit(-3);  // e
    submit(100); // f
    QStringList claimedOrder;
    for (int i = 0; i < 6; ++i) {
        auto claimed = f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1"));
        VERIFY_OK(claimed);
        QCOMPARE(claimed->size(), 1);
        claimedOrder << claimed->first().id;
    }
    QCOMPARE(claimedOrder, (QStringList{order[5], order[2], order[3], order[0], order[1], order[4]}));
    auto none = f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1"));
    VERIFY_OK(none);
    QVERIFY(none->isEmpty());
}

void TestJobQueue::claimTakesAtMostMaxAndNeverTheSameJobTwice()
{
    JobFixture f(2);
    for (int i = 0; i < 7; ++i)
        VERIFY_OK(f.queue->submit(f.request()));
    VERIFY_OK(f.queue->submit(f.request("{}", 1)));  // another endpoint's: never claimed here
    QSet<QString> seen;
    for (const int max : {3, 3, 3}) {
        auto claimed = f.queue->claim(f.endpointIds[0], max, QStringLiteral("d1"));
        VERIFY_OK(claimed);
        QVERIFY(claimed->size() <= max);
        for (const Job &job : claimed.value()) {
            QVERIFY2(!seen.contains(job.id), qPrintable(job.id));
            QCOMPARE(job.endpointId, f.endpointIds[0]);
            seen.insert(job.id);
        }
    }
    QCOMPARE(seen.size(), 7);
    QCOMPARE(f.queue->runningCount(f.endpointIds[0]), 7);
    QCOMPARE(f.queue->queuedCount(f.endpointIds[1]), 1);
    QCOMPARE(f.queue->claim(f.endpointIds[0], 0, QStringLiteral("d1")).error().type, ErrorType::InvalidArgument);
    QCOMPARE(f.queue->claim(f.endpointIds[0], 1, QString()).error().type, ErrorType::InvalidArgument);
}

void TestJobQueue::twoDispatchersOnOneFileNeverClaimTheSameJob()
{
    // Two threads, each with its own connection to the same file (as two processes would
    // have), claim at once until the queue is empty: each job goes to exactly one of them.
    JobFixture f;
    constexpr int kJobs = 120;
    QSet<QString> submitted;
    for (int i = 0; i < kJobs; ++i) {
        auto s = f.queue->submit(f.request());
        VERIFY_OK(s);
        submitted.insert(s->job.id);
    }
    struct Claimer
    {
        QStringList claimed;
        QString error;
    };
    Claimer claimers[2];
    std::latch start(2);  // both ready before either claims, so their claims overlap
    QList<QThread *> threads;
    for (int t = 0; t < 2; ++t) {
        threads << QThread::create([&f, &claimer = claimers[t], &start, t] {
            Repository repository;
            if (auto opened = f.openOther(repository); !opened) {
                claimer.error = opened.error().message;
                return;
            }
            ManualClock clock(f.clock.now());
            JobQueue queue(repository, clock, f.resultsDir());
            start.arrive_and_wait();
            // Bounded: more rounds than jobs.
            for (int round = 0; round < kJobs; ++round) {
                auto claimed = queue.claim(f.endpointIds[0], 2, QStringLiteral("d%1").arg(t));
                if (!claimed) {
                    claimer.error = claimed.error().message;
                    return;
                }
                if (claimed->isEmpty())
                    return;
                for (const Job &job : claimed.value())
                    claimer.claimed << job.id;
            }
        });
    }
    for (QThread *thread : threads)
        thread->start();
    for (QThread *thread : threads) {
        QVERIFY(thread->wait(60000));
        delete thread;
    }
    QVERIFY2(claimers[0].error.isEmpty(), qPrintable(claimers[0].error));
    QVERIFY2(claimers[1].error.isEmpty(), qPrintable(claimers[1].error));
    QSet<QString> all;
    for (const Claimer &claimer : claimers) {
        for (const QString &id : claimer.claimed) {
            QVERIFY2(!all.contains(id), qPrintable(id + QStringLiteral(" claimed twice")));
            all.insert(id);
        }
    }
    QCOMPARE(all, submitted);
    JobQueue fresh(*f.repository, f.clock, f.resultsDir());
    QCOMPARE(fresh.runningCount(f.endpointIds[0]), kJobs);
}

void TestJobQueue::idempotencyKeyReturnsTheFirstJob()
{
    JobFixture f(2);
    JobRequest r = f.request();
    r.idempotencyKey = QStringLiteral("order-42");
    auto first = f.queue->submit(r);
    VERIFY_OK(first);
    QVERIFY(first->created);
    QSignalSpy changed(f.queue.get(), &JobQueue::jobChanged);
    r.headers.append(qMakePair(QByteArray("X-Trace"), QByteArray("2")));  // headers may differ (a retrying client's own trace id)
    auto second = f.queue->submit(r);
    VERIFY_OK(second);
    QVERIFY(!second->created);
    QCOMPARE(second->job.id, first->job.id);
    QCOMPARE(changed.size(), 0);
    QCOMPARE(f.queue->queuedCount(f.endpointIds[0]), 1);

    // Another request under the same key is refused, naming the first job; nothing is stored.
    const auto reused = [&](auto change) {
        JobRequest other = r;
        change(other);
        auto refused = f.queue->submit(other);
        QVERIFY(!refused);
        QCOMPARE(refused.error().type, ErrorType::IdempotencyKeyReused);
        QCOMPARE(refused.error().details.value(QStringLiteral("job_id")).toString(), first->job.id);
    };
    reused([](JobRequest &o) { o.body = "{\"different\":true}"; });
    if (QTest::currentTestFailed())
        return;
    reused([](JobRequest &o) { o.body.clear(); });
    reused([](JobRequest &o) { o.path = "/other"; });
    reused([](JobRequest &o) { o.method = "PUT"; });
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(changed.size(), 0);
    QCOMPARE(f.queue->queuedCount(f.endpointIds[0]), 1);
    auto all = f.queue->jobs(JobFilter{});
    VERIFY_OK(all);
    QCOMPARE(all->size(), 1);

    // Whatever its state: a finished job is returned as it is, not run again.
    auto claimed = f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1"));
    VERIFY_OK(claimed);
    VERIFY_OK(f.queue->complete(first->job.id, QStringLiteral("d1"), JobResult{200, {}, "done"}, {}, {}));
    auto third = f.queue->submit(r);
    VERIFY_OK(third);
    QVERIFY(!third->created);
    QCOMPARE(third->job.id, first->job.id);
    QCOMPARE(third->job.state, JobState::Succeeded);

    // The key is per endpoint.
    r.endpointId = f.endpointIds[1];
    auto other = f.queue->submit(r);
    VERIFY_OK(other);
    QVERIFY(other->created);
    QVERIFY(other->job.id != first->job.id);
}

void TestJobQueue::idempotencyKeyHoldsAcrossARestart()
{
    JobFixture f;
    JobRequest r = f.request();
    r.idempotencyKey = QStringLiteral("batch-7");
    auto first = f.queue->submit(r);
    VERIFY_OK(first);
    f.reopen();
    auto again = f.queue->submit(r);
    VERIFY_OK(again);
    QVERIFY(!again->created);
    QCOMPARE(again->job.id, first->job.id);
    QCOMPARE(f.queue->queuedCount(f.endpointIds[0]), 1);
}

void TestJobQueue::uniqueIndexDecidesADuplicateKey()
{
    // What a second writer that looked before the first committed would do: the insert itself
    // is refused by the index, and nothing is stored.
    JobFixture f;
    JobRequest r = f.request();
    r.idempotencyKey = QStringLiteral("k");
    auto first = f.queue->submit(r);
    VERIFY_OK(first);
    Job twin = first->job;
    twin.id = QStringLiteral("0123456789abcdef0123456789abcdef");
    auto inserted = f.repository->insertJob(twin, "x");
    VERIFY_OK(inserted);
    QVERIFY(!inserted.value());
    auto found = f.repository->jobById(twin.id);
    VERIFY_OK(found);
    QVERIFY(!found->has_value());
}

void TestJobQueue::badInputIsTypedAndStoresNothing_data()
{
    QTest::addColumn<JobRequest>("request");
    QTest::addColumn<QString>("field");
    JobFixture f;  // only for the request's shape; the test makes its own store
    const JobRequest good = f.request();
    const auto with = [&](auto change) {
        JobRequest r = good;
        change(r);
        return r;
    };
    QTest::newRow("method empty") << with([](JobRequest &r) { r.method.clear(); }) << "method";
    QTest::newRow("method space") << with([](JobRequest &r) { r.method = "GE T"; }) << "method";
    QTest::newRow("method too long") << with([](JobRequest &r) { r.method = QByteArray(17, 'A'); }) << "method";
    QTest::newRow("method slash") << with([](JobRequest &r) { r.method = "PO/ST"; }) << "method";
    QTest::newRow("path relative") << with([](JobRequest &r) { r.path = "predict"; }) << "path";
    QTest::newRow("path empty") << with([](JobRequest &r) { r.path.clear(); }) << "path";
    QTest::newRow("path CRLF") << with([](JobRequest &r) { r.path = "/p\r\nX-Evil: 1"; }) << "path";
    QTest::newRow("path space") << with([](JobRequest &r) { r.path = "/a b"; }) << "path";
    QTest::newRow("path NUL") << with([](JobRequest &r) { r.path = QByteArray("/a\0b", 4); }) << "path";
    QTest::newRow("path DEL") << with([](JobRequest &r) { r.path = "/a\x7f"; }) << "path";
    QTest::newRow("path too long") << with([](JobRequest &r) { r.path = '/' + QByteArray(8 * 1024, 'a'); }) << "path";
    QTest::newRow("header name") << with([](JobRequest &r) { r.headers = {{"Bad Name", "v"}}; }) << "headers";
    QTest::newRow("header name empty") << with([](JobRequest &r) { r.headers = {{"", "v"}}; }) << "headers";
    QTest::newRow("header value CR") << with([](JobRequest &r) { r.headers = {{"X", "a\rb"}}; }) << "headers";
    QTest::newRow("header value LF") << with([](JobRequest &r) { r.headers = {{"X", "a\nb"}}; }) << "headers";
    QTest::newRow("header value NUL") << with([](JobRequest &r) { r.headers = {{"X", QByteArray("a\0b", 3)}}; })
                                      << "headers";
    QTest::newRow("65 headers") << with([](JobRequest &r) {
        r.headers.clear();
        for (int i = 0; i < 65; ++i)
            r.headers.append({"X-" + QByteArray::number(i), "v"});
    }) << "headers";
    QTest::newRow("headers over 16 KiB") << with([](JobRequest &r) {
        r.headers = {{"X-A", QByteArray(8 * 1024, 'a')}, {"X-B", QByteArray(8 * 1024, 'b')}};
    }) << "headers";
    QTest::newRow("priority high") << with([](JobRequest &r) { r.priority = 101; }) << "priority";
    QTest::newRow("priority low") << with([](JobRequest &r) { r.priority = -101; }) << "priority";
    QTest::newRow("key 256") << with([](JobRequest &r) { r.idempotencyKey = QString(256, u'k'); })
                             << "idempotency_key";
    QTest::newRow("key control") << with([](JobRequest &r) { r.idempotencyKey = QStringLiteral("a\tb"); })
                                 << "idempotency_key";
    QTest::newRow("key space") << with([](JobRequest &r) { r.idempotencyKey = QStringLiteral("a b"); })
                               << "idempotency_key";
    QTest::newRow("key DEL") << with([](JobRequest &r) { r.idempotencyKey = QStringLiteral("a\x7f"); })
                             << "idempotency_key";
    QTest::newRow("key non-ASCII") << with([](JobRequest &r) { r.idempotencyKey = QStringLiteral("caf\u00e9"); })
                                   << "idempotency_key";
    QTest::newRow("deadline negative") << with([](JobRequest &r) { r.deadlineSeconds = -5; }) << "deadline";
    QTest::newRow("deadline zero") << with([](JobRequest &r) { r.deadlineSeconds = 0; }) << "deadline";
    QTest::newRow("deadline over 30 days") << with([](JobRequest &r) { r.deadlineSeconds = 30 * 86400 + 1; })
                                           << "deadline";
    QTest::newRow("max attempts 0") << with([](JobRequest &r) { r.maxAttempts = 0; }) << "max_attempts";
    QTest::newRow("max attempts 11") << with([](JobRequest &r) { r.maxAttempts = 11; }) << "max_attempts";
    QTest::newRow("submitted by too long") << with([](JobRequest &r) { r.submittedBy = QString(256, u's'); })
                                           << "submitted_by";
}

void TestJobQueue::badInputIsTypedAndStoresNothing()
{
    QFETCH(JobRequest, request);
    QFETCH(QString, field);
    JobFixture f;
    // One job already there, so "nothing changed" compares something.
    VERIFY_OK(f.queue->submit(f.request()));
    request.endpointId = f.endpointIds[0];
    const QStringList before = f.snapshot();
    QCOMPARE(before.size(), 1 + 6);
    QSignalSpy changed(f.queue.get(), &JobQueue::jobChanged);
    auto refused = f.queue->submit(request);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().typeName(), errorTypeName(ErrorType::InvalidArgument));
    QCOMPARE(refused.error().details.value(QStringLiteral("field")).toString(), field);
    QVERIFY2(refused.error().message.startsWith(field), qPrintable(refused.error().message));
    QCOMPARE(f.snapshot(), before);
    QCOMPARE(changed.size(), 0);
}

void TestJobQueue::unknownEndpointIsNotFound()
{
    JobFixture f;
    VERIFY_OK(f.queue->submit(f.request()));
    const QStringList before = f.snapshot();
    JobRequest r = f.request();
    r.endpointId = QUuid::createUuid();
    QCOMPARE(f.queue->submit(r).error().type, ErrorType::NotFound);
    r.endpointId = QUuid();
    QCOMPARE(f.queue->submit(r).error().type, ErrorType::NotFound);
    // A terminated endpoint takes no jobs either.
    auto endpoint = f.repository->endpointById(f.endpointIds[0]);
    VERIFY_OK(endpoint);
    Endpoint terminated = **endpoint;
    terminated.lifecycle = EndpointLifecycle::Terminated;
    VERIFY_OK(f.repository->updateEndpoint(terminated));
    QCOMPARE(f.queue->submit(f.request()).error().type, ErrorType::NotFound);
    QCOMPARE(f.snapshot(), before);
}

void TestJobQueue::bodyOverTheLimitIsPayloadTooLarge()
{
    JobFixture f;
    JobQueue::Limits limits;
    limits.maxBodyBytes = 16;
    f.queue->setLimits(limits);
    VERIFY_OK(f.queue->submit(f.request(QByteArray(16, 'b'))));
    const QStringList before = f.snapshot();
    auto refused = f.queue->submit(f.request(QByteArray(17, 'b')));
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().typeName(), errorTypeName(ErrorType::PayloadTooLarge));
    QCOMPARE(f.snapshot(), before);
}

void TestJobQueue::fullQueueIsQueueFull()
{
    JobFixture f(2);
    JobQueue::Limits limits;
    limits.maxQueuedPerEndpoint = 2;
    f.queue->setLimits(limits);
    VERIFY_OK(f.queue->submit(f.request()));
    VERIFY_OK(f.queue->submit(f.request()));
    const QStringList before = f.snapshot();
    auto refused = f.queue->submit(f.request());
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().typeName(), errorTypeName(ErrorType::QueueFull));
    QCOMPARE(f.snapshot(), before);
    // A repeated submit with a key names the job it made: that is no new work, full queue or not.
    JobRequest keyed = f.request();
    keyed.idempotencyKey = QStringLiteral("first");
    auto firstKeyed = f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1"));
    VERIFY_OK(firstKeyed);
    auto made = f.queue->submit(keyed);
    VERIFY_OK(made);
    const QStringList full = f.snapshot();
    auto repeated = f.queue->submit(keyed);
    VERIFY_OK(repeated);
    QVERIFY(!repeated->created);
    QCOMPARE(repeated->job.id, made->job.id);
    QCOMPARE(f.snapshot(), full);
    // Another endpoint's queue is its own; a claimed job makes room.
    VERIFY_OK(f.queue->submit(f.request("{}", 1)));
    VERIFY_OK(f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1")));
    VERIFY_OK(f.queue->submit(f.request()));
}

void TestJobQueue::unknownAndMalformedIdsAreNotFound()
{
    JobFixture f;
    auto submitted = f.queue->submit(f.request());
    VERIFY_OK(submitted);
    const QString id = submitted->job.id;
    const QStringList before = f.snapshot();
    const QStringList bad{QStringLiteral("0123456789abcdef0123456789abcdef"),  // well formed, unknown
                          id.toUpper(),
                          id.left(31),
                          id + u'0',
                          QString(),
                          QStringLiteral("' OR 1=1 --"),
                          id.left(31) + u'g'};
    for (const QString &candidate : bad) {
        QCOMPARE(f.queue->job(candidate).error().type, ErrorType::NotFound);
        QCOMPARE(f.queue->body(candidate).error().type, ErrorType::NotFound);
        QCOMPARE(f.queue->result(candidate).error().type, ErrorType::NotFound);
        QCOMPARE(f.queue->cancel(candidate).error().type, ErrorType::NotFound);
        QCOMPARE(f.queue->retry(candidate).error().type, ErrorType::NotFound);
        QCOMPARE(f.queue->attemptFailed(candidate, QStringLiteral("d1"), QStringLiteral("x")).error().type,
                 ErrorType::NotFound);
        QCOMPARE(f.queue->complete(candidate, QStringLiteral("d1"), JobResult{200, {}, {}}, {}, {}).error().type,
                 ErrorType::NotFound);
    }
    QCOMPARE(f.snapshot(), before);
    VERIFY_OK(f.queue->job(id));
}

void TestJobQueue::leaseExpiryRequeuesWithBackoffThenFails()
{
    JobFixture f;
    JobRequest r = f.request();
    r.maxAttempts = 3;
    auto submitted = f.queue->submit(r);
    VERIFY_OK(submitted);
    const QString id = submitted->job.id;
    QSignalSpy queued(f.queue.get(), &JobQueue::jobsQueued);
    for (int attempt = 1; attempt <= 3; ++attempt) {
        auto claimed = f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1"));
        VERIFY_OK(claimed);
        QCOMPARE(claimed->size(), 1);
        QCOMPARE(claimed->first().attempts, attempt);
        auto early = f.queue->recover();
        VERIFY_OK(early);
        QCOMPARE(early.value(), 0);
        f.clock.advance(31);  // the 30 s lease ran out: its dispatcher died
        auto recovered = f.queue->recover();
        VERIFY_OK(recovered);
        QCOMPARE(recovered.value(), 1);
        auto job = f.queue->job(id);
        VERIFY_OK(job);
        QCOMPARE(job->attempts, attempt);
        if (attempt < 3) {
            QCOMPARE(job->state, JobState::Queued);
            QVERIFY2(job->error.contains(QStringLiteral("lease")), qPrintable(job->error));
            const qint64 backoff = qint64(1) << (attempt - 1);
            QCOMPARE(job->nextAttemptAt, f.clock.now().addSecs(backoff));
            QCOMPARE(f.queue->queuedCount(f.endpointIds[0]), 1);
            QCOMPARE(queued.size(), attempt);
            // Not before the backoff.
            if (backoff > 1) {
                f.clock.advance(backoff - 1);
                auto tooSoon = f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1"));
                VERIFY_OK(tooSoon);
                QVERIFY(tooSoon->isEmpty());
                f.clock.advance(1);
            } else {
                auto tooSoon = f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1"));
                VERIFY_OK(tooSoon);
                QVERIFY(tooSoon->isEmpty());
                f.clock.advance(backoff);
            }
        } else {
            QCOMPARE(job->state, JobState::Failed);
            QVERIFY2(job->error.contains(QStringLiteral("no attempts left")), qPrintable(job->error));
            QCOMPARE(job->finishedAt, f.clock.now());
            QCOMPARE(f.queue->stateCounts().value(JobState::Failed), 1);
            QCOMPARE(f.queue->queuedCount(f.endpointIds[0]), 0);
            QCOMPARE(f.queue->runningCount(f.endpointIds[0]), 0);
        }
    }
}

void TestJobQueue::backoffDoublesUpToAMinute()
{
    JobFixture f;
    JobRequest r = f.request();
    r.maxAttempts = 10;
    auto submitted = f.queue->submit(r);
    VERIFY_OK(submitted);
    QList<qint64> waits;
    for (int attempt = 1; attempt <= 10; ++attempt) {
        auto claimed = f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1"));
        VERIFY_OK(claimed);
        QCOMPARE(claimed->size(), 1);
        auto failed = f.queue->attemptFailed(submitted->job.id, QStringLiteral("d1"), QStringLiteral("HTTP 503"));
        VERIFY_OK(failed);
        if (attempt == 10) {
            QCOMPARE(failed->state, JobState::Failed);
            QVERIFY2(failed->error.startsWith(QStringLiteral("HTTP 503")), qPrintable(failed->error));
            break;
        }
        QCOMPARE(failed->state, JobState::Queued);
        waits << f.clock.now().secsTo(failed->nextAttemptAt);
        f.clock.set(failed->nextAttemptAt);
    }
    QCOMPARE(waits, (QList<qint64>{1, 2, 4, 8, 16, 32, 60, 60, 60}));
}

void TestJobQueue::renewedLeaseIsNotTakenBack()
{
    JobFixture f;
    auto submitted = f.queue->submit(f.request());
    VERIFY_OK(submitted);
    VERIFY_OK(f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1")));
    f.clock.advance(20);
    VERIFY_OK(f.queue->renewLeases({submitted->job.id}, QStringLiteral("d1")));
    f.clock.advance(20);  // 40 s after the claim, 20 s after the renewal
    auto recovered = f.queue->recover();
    VERIFY_OK(recovered);
    QCOMPARE(recovered.value(), 0);
    auto job = f.queue->job(submitted->job.id);
    VERIFY_OK(job);
    QCOMPARE(job->state, JobState::Running);
    QCOMPARE(job->leaseExpiresAt, f.clock.now().addSecs(10));
}

void TestJobQueue::staleOwnerCannotFinishOrRenew()
{
    JobFixture f;
    auto submitted = f.queue->submit(f.request());
    VERIFY_OK(submitted);
    const QString id = submitted->job.id;
    VERIFY_OK(f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1")));
    f.clock.advance(31);
    VERIFY_OK(f.queue->recover());
    f.clock.advance(1);
    auto reclaimed = f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d2"));
    VERIFY_OK(reclaimed);
    QCOMPARE(reclaimed->size(), 1);
    QCOMPARE(reclaimed->first().attempts, 2);

    const QStringList before = f.snapshot();
    QSignalSpy changed(f.queue.get(), &JobQueue::jobChanged);
    QCOMPARE(f.queue->complete(id, QStringLiteral("d1"), JobResult{200, {}, "late"}, {}, {}).error().type,
             ErrorType::InvalidJobState);
    QCOMPARE(f.queue->attemptFailed(id, QStringLiteral("d1"), QStringLiteral("late")).error().type,
             ErrorType::InvalidJobState);
    auto renewed = f.queue->renewLeases({id}, QStringLiteral("d1"));
    QVERIFY(!renewed.ok());
    QCOMPARE(renewed.error().type, ErrorType::InvalidJobState);
    QCOMPARE(renewed.error().details.value(QStringLiteral("ids")).toArray().first().toString(), id);
    QCOMPARE(f.snapshot(), before);
    QCOMPARE(changed.size(), 0);
    auto job = f.queue->job(id);
    VERIFY_OK(job);
    QCOMPARE(job->leaseOwner, QStringLiteral("d2"));

    // The owner of the new attempt finishes it, once.
    VERIFY_OK(f.queue->complete(id, QStringLiteral("d2"), JobResult{200, {}, "ok"}, {}, {}));
    QCOMPARE(f.queue->complete(id, QStringLiteral("d2"), JobResult{200, {}, "again"}, {}, {}).error().type,
             ErrorType::InvalidJobState);
    auto result = f.queue->result(id);
    VERIFY_OK(result);
    QCOMPARE(result->body, QByteArray("ok"));
}

void TestJobQueue::nonSuccessAnswerIsFailedAndKept()
{
    JobFixture f;
    const Job job = f.finishedJob(422);
    QCOMPARE(job.state, JobState::Failed);
    QVERIFY2(job.error.contains(QStringLiteral("422")), qPrintable(job.error));
    auto result = f.queue->result(job.id);
    VERIFY_OK(result);
    QCOMPARE(result->status, 422);
    QCOMPARE(result->body, QByteArray("ok"));
    // A queued job has no answer yet.
    auto queued = f.queue->submit(f.request());
    VERIFY_OK(queued);
    QCOMPARE(f.queue->result(queued->job.id).error().type, ErrorType::InvalidJobState);
}

void TestJobQueue::cancelQueuedAndRunningRefuseFinal()
{
    JobFixture f;
    auto a = f.queue->submit(f.request());
    auto b = f.queue->submit(f.request());
    VERIFY_OK(a);
    VERIFY_OK(b);
    QSignalSpy aborts(f.queue.get(), &JobQueue::abortRequested);
    auto running = f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1"));
    VERIFY_OK(running);
    QCOMPARE(running->first().id, a->job.id);

    auto cancelledQueued = f.queue->cancel(b->job.id);
    VERIFY_OK(cancelledQueued);
    QCOMPARE(cancelledQueued->state, JobState::Cancelled);
    QCOMPARE(aborts.size(), 0);
    // A cancelled queued job never runs.
    auto nothing = f.queue->claim(f.endpointIds[0], 5, QStringLiteral("d1"));
    VERIFY_OK(nothing);
    QVERIFY(nothing->isEmpty());

    auto cancelledRunning = f.queue->cancel(a->job.id);
    VERIFY_OK(cancelledRunning);
    QCOMPARE(cancelledRunning->state, JobState::Cancelled);
    QCOMPARE(aborts.size(), 1);
    QCOMPARE(aborts.first().first().toString(), a->job.id);
    // Its dispatcher's late answer is refused.
    QCOMPARE(f.queue->complete(a->job.id, QStringLiteral("d1"), JobResult{200, {}, "late"}, {}, {}).error().type,
             ErrorType::InvalidJobState);

    const QStringList before = f.snapshot();
    for (const QString &id : {a->job.id, b->job.id})
        QCOMPARE(f.queue->cancel(id).error().type, ErrorType::InvalidJobState);
    QCOMPARE(f.snapshot(), before);
    QCOMPARE(f.queue->stateCounts().value(JobState::Cancelled), 2);
}

void TestJobQueue::cancelEndpointJobsEndsOnlyItsLiveJobs()
{
    JobFixture f(2);
    const Job done = f.finishedJob(200);
    auto running = f.queue->submit(f.request());
    VERIFY_OK(running);
    VERIFY_OK(f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1")));
    auto waiting = f.queue->submit(f.request());
    VERIFY_OK(waiting);
    auto elsewhere = f.queue->submit(f.request("{}", 1));
    VERIFY_OK(elsewhere);
    QSignalSpy aborts(f.queue.get(), &JobQueue::abortRequested);
    QSignalSpy changed(f.queue.get(), &JobQueue::jobChanged);

    auto cancelled = f.queue->cancelEndpointJobs(f.endpointIds[0], QStringLiteral("the endpoint was deleted"));
    VERIFY_OK(cancelled);
    QCOMPARE(cancelled.value(), 2);
    QCOMPARE(changed.size(), 2);
    QCOMPARE(aborts.size(), 1);
    QCOMPARE(aborts.first().first().toString(), running->job.id);
    for (const QString &id : {running->job.id, waiting->job.id}) {
        auto job = f.queue->job(id);
        VERIFY_OK(job);
        QCOMPARE(job->state, JobState::Cancelled);
        QCOMPARE(job->error, QStringLiteral("the endpoint was deleted"));
    }
    auto kept = f.queue->job(done.id);
    VERIFY_OK(kept);
    QCOMPARE(kept->state, JobState::Succeeded);
    auto other = f.queue->job(elsewhere->job.id);
    VERIFY_OK(other);
    QCOMPARE(other->state, JobState::Queued);
    QCOMPARE(f.queue->queuedCount(f.endpointIds[0]), 0);
    QCOMPARE(f.queue->runningCount(f.endpointIds[0]), 0);
    auto again = f.queue->cancelEndpointJobs(f.endpointIds[0], QStringLiteral("again"));
    VERIFY_OK(again);
    QCOMPARE(again.value(), 0);
}

void TestJobQueue::retryFailedJobRunsAgain()
{
    JobFixture f;
    JobRequest r = f.request();
    r.maxAttempts = 1;
    auto submitted = f.queue->submit(r);
    VERIFY_OK(submitted);
    const QString id = submitted->job.id;
    VERIFY_OK(f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1")));
    auto failed = f.queue->attemptFailed(id, QStringLiteral("d1"), QStringLiteral("replica lost"));
    VERIFY_OK(failed);
    QCOMPARE(failed->state, JobState::Failed);
    QVERIFY(failed->error.contains(QStringLiteral("replica lost")));

    QSignalSpy queued(f.queue.get(), &JobQueue::jobsQueued);
    auto retried = f.queue->retry(id);
    VERIFY_OK(retried);
    QCOMPARE(retried->state, JobState::Queued);
    QCOMPARE(retried->attempts, 1);
    QCOMPARE(retried->maxAttempts, 2);
    QVERIFY(!retried->finishedAt.isValid());
    QVERIFY(retried->error.contains(QStringLiteral("replica lost")));  // kept until it runs
    QCOMPARE(queued.size(), 1);
    QCOMPARE(f.queue->queuedCount(f.endpointIds[0]), 1);

    auto claimed = f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1"));
    VERIFY_OK(claimed);
    QCOMPARE(claimed->size(), 1);
    QCOMPARE(claimed->first().attempts, 2);
    QVERIFY(claimed->first().error.isEmpty());
    auto done = f.queue->complete(id, QStringLiteral("d1"), JobResult{200, {}, "second time"}, {}, {});
    VERIFY_OK(done);
    QCOMPARE(done->state, JobState::Succeeded);
    QCOMPARE(done->attempts, 2);
}

void TestJobQueue::retryOfSucceededOrLiveJobIsRefused()
{
    JobFixture f;
    const Job succeeded = f.finishedJob(200);
    auto queued = f.queue->submit(f.request());
    VERIFY_OK(queued);
    const QStringList before = f.snapshot();
    QCOMPARE(f.queue->retry(succeeded.id).error().type, ErrorType::InvalidJobState);
    QCOMPARE(f.queue->retry(queued->job.id).error().type, ErrorType::InvalidJobState);
    QCOMPARE(f.snapshot(), before);

    // A retried failed answer loses that answer.
    const Job failed = f.finishedJob(500);
    VERIFY_OK(f.queue->result(failed.id));
    VERIFY_OK(f.queue->retry(failed.id));
    QCOMPARE(f.queue->result(failed.id).error().type, ErrorType::InvalidJobState);
    auto job = f.queue->job(failed.id);
    VERIFY_OK(job);
    QCOMPARE(job->resultStatus, 0);
}

void TestJobQueue::retryOfADeletedEndpointsJobIsRefused_data()
{
    QTest::addColumn<EndpointLifecycle>("lifecycle");
    QTest::newRow("destroying") << EndpointLifecycle::Destroying;
    QTest::newRow("terminated") << EndpointLifecycle::Terminated;
}

// Deleting an endpoint cancels its jobs; a retry of one must not queue it again, where nothing
// would run it or end it before the next start.
void TestJobQueue::retryOfADeletedEndpointsJobIsRefused()
{
    QFETCH(EndpointLifecycle, lifecycle);
    JobFixture f(2);
    auto submitted = f.queue->submit(f.request());
    VERIFY_OK(submitted);
    auto elsewhere = f.queue->submit(f.request("{}", 1));
    VERIFY_OK(elsewhere);
    VERIFY_OK(f.queue->cancel(elsewhere->job.id));
    auto endpoint = f.repository->endpointById(f.endpointIds[0]);
    VERIFY_OK(endpoint);
    Endpoint deleted = **endpoint;
    deleted.lifecycle = lifecycle;
    VERIFY_OK(f.repository->updateEndpoint(deleted));
    VERIFY_OK(f.queue->cancelEndpointJobs(f.endpointIds[0], QStringLiteral("the endpoint was deleted")));
    const QStringList before = f.snapshot();
    QSignalSpy changed(f.queue.get(), &JobQueue::jobChanged);
    QSignalSpy queued(f.queue.get(), &JobQueue::jobsQueued);

    auto retried = f.queue->retry(submitted->job.id);
    QVERIFY(!retried);
    QCOMPARE(retried.error().type, ErrorType::InvalidJobState);
    QVERIFY2(retried.error().message.contains(QStringLiteral("was deleted")), qPrintable(retried.error().message));
    QCOMPARE(retried.error().details.value(QStringLiteral("reason")).toString(), QStringLiteral("endpoint_deleted"));
    QCOMPARE(f.snapshot(), before);
    QCOMPARE(changed.size(), 0);
    QCOMPARE(queued.size(), 0);
    QCOMPARE(f.queue->queuedCount(f.endpointIds[0]), 0);

    // Another endpoint's cancelled job is still retried.
    auto again = f.queue->retry(elsewhere->job.id);
    VERIFY_OK(again);
    QCOMPARE(again->state, JobState::Queued);
}

void TestJobQueue::deadlineExpiresQueuedAndRunningJobs()
{
    JobFixture f;
    JobRequest r = f.request();
    r.deadlineSeconds = 60;
    auto running = f.queue->submit(r);
    auto waiting = f.queue->submit(r);
    auto noDeadline = f.queue->submit(f.request());
    VERIFY_OK(running);
    VERIFY_OK(waiting);
    VERIFY_OK(noDeadline);
    QCOMPARE(running->job.deadline, f.clock.now().addSecs(60));
    auto claimed = f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1"));
    VERIFY_OK(claimed);
    QCOMPARE(claimed->first().id, running->job.id);

    f.clock.advance(59);
    VERIFY_OK(f.queue->renewLeases({running->job.id}, QStringLiteral("d1")));
    auto early = f.queue->recover();
    VERIFY_OK(early);
    QCOMPARE(early.value(), 0);

    QSignalSpy aborts(f.queue.get(), &JobQueue::abortRequested);
    f.clock.advance(1);
    // A job past its deadline is never claimed, even before recover() runs.
    auto blocked = f.queue->claim(f.endpointIds[0], 5, QStringLiteral("d1"));
    VERIFY_OK(blocked);
    QCOMPARE(blocked->size(), 1);
    QCOMPARE(blocked->first().id, noDeadline->job.id);
    auto recovered = f.queue->recover();
    VERIFY_OK(recovered);
    QCOMPARE(recovered.value(), 2);
    for (const QString &id : {running->job.id, waiting->job.id}) {
        auto job = f.queue->job(id);
        VERIFY_OK(job);
        QCOMPARE(job->state, JobState::Expired);
        QCOMPARE(job->finishedAt, f.clock.now());
        QVERIFY(job->error.contains(QStringLiteral("deadline")));
    }
    QCOMPARE(aborts.size(), 1);
    QCOMPARE(aborts.first().first().toString(), running->job.id);
    QCOMPARE(f.queue->stateCounts().value(JobState::Expired), 2);

    // Retried, an expired job gets its time budget again, from now.
    auto retried = f.queue->retry(waiting->job.id);
    VERIFY_OK(retried);
    QCOMPARE(retried->deadline, f.clock.now().addSecs(60));
}

void TestJobQueue::largeResultGoesToAPrivateFile()
{
    JobFixture f;
    JobQueue::Limits limits;
    limits.inlineResultBytes = 1024;
    f.queue->setLimits(limits);
    QByteArray big(300 * 1024, Qt::Uninitialized);
    for (qsizetype i = 0; i < big.size(); ++i)
        big[i] = char((i * 131 + 7) % 256);  // every byte value, NULs included
    auto submitted = f.queue->submit(f.request());
    VERIFY_OK(submitted);
    const QString id = submitted->job.id;
    VERIFY_OK(f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1")));
    VERIFY_OK(
        f.queue->complete(id, QStringLiteral("d1"), JobResult{200, {{"Content-Type", "image/png"}}, big}, {}, {}));

    const QString path = QDir(f.resultsDir()).filePath(id + QStringLiteral(".body"));
    QVERIFY(QFile::exists(path));
    struct stat info{};
    QCOMPARE(::stat(QFile::encodeName(path).constData(), &info), 0);
    QCOMPARE(info.st_mode & 0777, mode_t(0600));
    QCOMPARE(QDir(f.resultsDir()).entryList(QDir::Files | QDir::Hidden), QStringList{id + QStringLiteral(".body")});

    f.reopen();
    auto result = f.queue->result(id);
    VERIFY_OK(result);
    QCOMPARE(result->status, 200);
    QCOMPARE(result->body.size(), big.size());
    QVERIFY(result->body == big);
    auto job = f.queue->job(id);
    VERIFY_OK(job);
    QCOMPARE(job->resultBytes, big.size());

    // A small answer stays in the row: no file.
    const Job small = f.finishedJob(200);
    QVERIFY(!QFile::exists(QDir(f.resultsDir()).filePath(small.id + QStringLiteral(".body"))));
}

void TestJobQueue::answerOverTheLimitFailsTheAttempt()
{
    JobFixture f;
    JobQueue::Limits limits;
    limits.inlineResultBytes = 16;
    limits.maxResultBytes = 64;
    f.queue->setLimits(limits);
    auto submitted = f.queue->submit(f.request());
    VERIFY_OK(submitted);
    VERIFY_OK(f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1")));
    auto done = f.queue->complete(submitted->job.id, QStringLiteral("d1"), JobResult{200, {}, QByteArray(65, 'x')},
                                  {}, {});
    VERIFY_OK(done);
    QCOMPARE(done->state, JobState::Queued);  // attempts remain
    QCOMPARE(done->error, QStringLiteral("answer too large"));
    QCOMPARE(done->resultStatus, 0);
    QVERIFY(QDir(f.resultsDir()).entryList(QDir::Files | QDir::Hidden).isEmpty());
}

void TestJobQueue::answerFilesNoJobNamesAreDeletedAtStart()
{
    JobFixture f;
    JobQueue::Limits limits;
    limits.inlineResultBytes = 8;
    f.queue->setLimits(limits);
    auto submitted = f.queue->submit(f.request());
    VERIFY_OK(submitted);
    VERIFY_OK(f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1")));
    VERIFY_OK(f.queue->complete(submitted->job.id, QStringLiteral("d1"), JobResult{200, {}, QByteArray(64, 'k')}, {},
                                {}));
    const QString kept = submitted->job.id + QStringLiteral(".body");
    // What a crash leaves: a write's temporary, and an answer written whose job never committed.
    const QDir results(f.resultsDir());
    const QString temporary = QStringLiteral("0123456789abcdef0123456789abcdef.body.new-1f2e3d");
    const QString orphan = QStringLiteral("fedcba9876543210fedcba9876543210.body");
    const QString other = QStringLiteral("notes.txt");
    for (const QString &name : {temporary, orphan, other}) {
        QFile file(results.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("half");
    }
    f.reopen();
    QStringList expected{kept, other};
    expected.sort();
    QStringList left = results.entryList(QDir::Files | QDir::Hidden);
    left.sort();
    QCOMPARE(left, expected);
    auto result = f.queue->result(submitted->job.id);
    VERIFY_OK(result);
    QCOMPARE(result->body, QByteArray(64, 'k'));
}

void TestJobQueue::liveCountsMatchTheStore()
{
    JobFixture f(3);
    QList<QString> all;
    for (int i = 0; i < 12; ++i) {
        auto s = f.queue->submit(f.request("{}", i % 3));
        VERIFY_OK(s);
        all << s->job.id;
    }
    VERIFY_OK(f.queue->claim(f.endpointIds[0], 2, QStringLiteral("d1")));
    VERIFY_OK(f.queue->claim(f.endpointIds[1], 4, QStringLiteral("d1")));
    VERIFY_OK(f.queue->cancel(all[2]));
    const Job done = f.finishedJob(200, 0, QStringLiteral("v1"), 2);
    auto running = f.queue->claim(f.endpointIds[2], 1, QStringLiteral("d1"));
    VERIFY_OK(running);
    VERIFY_OK(f.queue->attemptFailed(running->first().id, QStringLiteral("d1"), QStringLiteral("boom")));
    f.clock.advance(60);
    VERIFY_OK(f.queue->recover());
    VERIFY_OK(f.queue->retry(all[2]));
    VERIFY_OK(f.queue->cancel(all[3]));
    f.clock.advance(1);
    VERIFY_OK(f.queue->claim(f.endpointIds[1], 2, QStringLiteral("d2")));

    JobQueue fresh(*f.repository, f.clock, f.resultsDir());
    for (const QUuid &endpoint : f.endpointIds) {
        QCOMPARE(f.queue->stateCounts(endpoint), fresh.stateCounts(endpoint));
        QCOMPARE(f.queue->queuedCount(endpoint), fresh.queuedCount(endpoint));
        QCOMPARE(f.queue->runningCount(endpoint), fresh.runningCount(endpoint));
    }
    QCOMPARE(f.queue->stateCounts(), fresh.stateCounts());
    QCOMPARE(f.queue->queuedCounts(), fresh.queuedCounts());
    int total = 0;
    for (const int n : f.queue->stateCounts())
        total += n;
    QCOMPARE(total, 13);
    QVERIFY(f.queue->stateCounts().value(JobState::Running) > 0);
    QVERIFY(f.queue->stateCounts().value(JobState::Queued) > 0);
}

void TestJobQueue::listFiltersByEndpointStateAndTime()
{
    JobFixture f(2);
    const QDateTime t0 = f.clock.now();
    QStringList ids;  // submission order, one second apart but the last two in the same millisecond
    for (int i = 0; i < 6; ++i) {
        auto s = f.queue->submit(f.request("{}", i % 2));
        VERIFY_OK(s);
        ids << s->job.id;
        if (i < 4)
            f.clock.advance(1);
    }
    VERIFY_OK(f.queue->cancel(ids[2]));
    const auto listed = [&](const JobFilter &filter) {
        QStringList out;
        auto list = f.queue->jobs(filter);
        if (!list) {
            QTest::qFail(describeResult(list).constData(), __FILE__, __LINE__);
            return out;
        }
        for (const Job &job : list.value())
            out << job.id;
        return out;
    };
    JobFilter all;
    QCOMPARE(listed(all), (QStringList{ids[5], ids[4], ids[3], ids[2], ids[1], ids[0]}));  // newest first
    JobFilter endpoint;
    endpoint.endpointId = f.endpointIds[0];
    QCOMPARE(listed(endpoint), (QStringList{ids[4], ids[2], ids[0]}));
    JobFilter cancelled;
    cancelled.state = JobState::Cancelled;
    QCOMPARE(listed(cancelled), QStringList{ids[2]});
    JobFilter window;
    window.since = t0.addSecs(1);
    window.until = t0.addSecs(4);
    QCOMPARE(listed(window), (QStringList{ids[3], ids[2], ids[1]}));
    JobFilter limited;
    limited.limit = 2;
    QCOMPARE(listed(limited), (QStringList{ids[5], ids[4]}));

    for (const int limit : {0, -1, 10001}) {
        JobFilter bad;
        bad.limit = limit;
        QCOMPARE(f.queue->jobs(bad).error().type, ErrorType::InvalidArgument);
    }
    JobFilter backwards;
    backwards.since = t0.addSecs(4);
    backwards.until = t0.addSecs(1);
    QCOMPARE(f.queue->jobs(backwards).error().type, ErrorType::InvalidArgument);
}

void TestJobQueue::answerWithABadStatusIsRefused()
{
    JobFixture f;
    auto submitted = f.queue->submit(f.request());
    VERIFY_OK(submitted);
    VERIFY_OK(f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1")));
    const QStringList before = f.snapshot();
    for (const int status : {0, 99, 600, -200}) {
        auto refused = f.queue->complete(submitted->job.id, QStringLiteral("d1"), JobResult{status, {}, "x"}, {}, {});
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().type, ErrorType::InvalidArgument);
    }
    QCOMPARE(f.snapshot(), before);
    VERIFY_OK(f.queue->complete(submitted->job.id, QStringLiteral("d1"), JobResult{599, {}, "x"}, {}, {}));
}

QTEST_GUILESS_MAIN(TestJobQueue)
#include "test_jobqueue.moc"
