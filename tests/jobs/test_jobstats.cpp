#include <QDir>
#include <QFile>
#include <QTest>

#include "jobtestsupport.h"

using namespace ServeDeck;

namespace {

QString show(const std::optional<double> &v)
{
    return v ? QString::number(*v) : QStringLiteral("none");
}

} // namespace

class TestJobStats : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void statsOnAKnownSet();
    void statsRangeMustBeOrdered();
    void retentionDefaultsBoundsAndPersistence();
    void pruneByAgeRemovesRowsAndFiles();
    void pruneByCountKeepsTheNewest();
};

void TestJobStats::statsOnAKnownSet()
{
    JobFixture f(2);
    const QDateTime t0 = f.clock.now();

    // Before the range: not counted.
    f.clock.set(t0.addSecs(-3600));
    f.finishedJob(200, 5, QStringLiteral("v1"));
    f.clock.set(t0);

    // model-0 v1: 20 jobs submitted at t0; job i starts at t0 + i s and runs i x 10 ms. Queue
    // times 1..20 s, run times 10..200 ms; the last one fails (HTTP 500).
    QStringList ids;
    for (int i = 0; i < 20; ++i) {
        auto s = f.queue->submit(f.request());
        VERIFY_OK(s);
        ids << s->job.id;
    }
    for (int i = 1; i <= 20; ++i) {
        f.clock.set(t0.addSecs(i));
        auto claimed = f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1"));
        VERIFY_OK(claimed);
        QCOMPARE(claimed->size(), 1);
        QCOMPARE(claimed->first().id, ids[i - 1]);
        f.clock.set(t0.addSecs(i).addMSecs(i * 10));
        VERIFY_OK(f.queue->complete(ids[i - 1], QStringLiteral("d1"), JobResult{i == 20 ? 500 : 200, {}, "r"}, {},
                                    QStringLiteral("v1")));
    }

    // model-0 v2: one job that needed a second attempt: queued 3 s (to its latest start), ran 500 ms.
    const QDateTime t1 = t0.addSecs(100);
    f.clock.set(t1);
    auto retried = f.queue->submit(f.request());
    VERIFY_OK(retried);
    f.clock.set(t1.addSecs(1));
    VERIFY_OK(f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1")));
    VERIFY_OK(f.queue->attemptFailed(retried->job.id, QStringLiteral("d1"), QStringLiteral("connection reset")));
    f.clock.set(t1.addSecs(3));
    auto second = f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1"));
    VERIFY_OK(second);
    QCOMPARE(second->size(), 1);
    f.clock.set(t1.addSecs(3).addMSecs(500));
    VERIFY_OK(f.queue->complete(retried->job.id, QStringLiteral("d1"), JobResult{200, {}, "r"}, {},
                                QStringLiteral("v2")));

    // model-0, no revision: cancelled before it ran.
    f.clock.set(t0.addSecs(200));
    auto cancelled = f.queue->submit(f.request());
    VERIFY_OK(cancelled);
    VERIFY_OK(f.queue->cancel(cancelled->job.id));

    // model-1 v1, and a job still queued (not final: not counted).
    f.clock.set(t0.addSecs(300));
    f.finishedJob(200, 40, QStringLiteral("v1"), 1);
    VERIFY_OK(f.queue->submit(f.request()));

    auto stats = f.queue->stats(t0, t0.addSecs(3600));
    VERIFY_OK(stats);
    QCOMPARE(stats->size(), 4);
    const JobStatsRow &none = stats->at(0);
    const JobStatsRow &v1 = stats->at(1);
    const JobStatsRow &v2 = stats->at(2);
    const JobStatsRow &other = stats->at(3);

    QCOMPARE(none.endpointName, QStringLiteral("model-0"));
    QCOMPARE(none.modelVersion, QString());
    QCOMPARE(none.count, 1);
    QCOMPARE(none.cancelled, 1);
    QCOMPARE(none.successRatio, 0.0);
    QCOMPARE(show(none.queueMeanMs), QStringLiteral("none"));
    QCOMPARE(show(none.runP95Ms), QStringLiteral("none"));

    QCOMPARE(v1.endpointId, f.endpointIds[0]);
    QCOMPARE(v1.modelVersion, QStringLiteral("v1"));
    QCOMPARE(v1.count, 20);
    QCOMPARE(v1.succeeded, 19);
    QCOMPARE(v1.failed, 1);
    QCOMPARE(v1.cancelled, 0);
    QCOMPARE(v1.expired, 0);
    QCOMPARE(v1.successRatio, 0.95);
    QCOMPARE(show(v1.queueMeanMs), QStringLiteral("10500"));
    QCOMPARE(show(v1.queueP95Ms), QStringLiteral("19000"));  // nearest rank: the 19th of 20
    QCOMPARE(show(v1.runMeanMs), QStringLiteral("105"));
    QCOMPARE(show(v1.runP95Ms), QStringLiteral("190"));
    QCOMPARE(v1.retries, 0);

    QCOMPARE(v2.modelVersion, QStringLiteral("v2"));
    QCOMPARE(v2.count, 1);
    QCOMPARE(v2.succeeded, 1);
    QCOMPARE(v2.successRatio, 1.0);
    QCOMPARE(show(v2.queueMeanMs), QStringLiteral("3000"));
    QCOMPARE(show(v2.runP95Ms), QStringLiteral("500"));
    QCOMPARE(v2.retries, 1);

    QCOMPARE(other.endpointName, QStringLiteral("model-1"));
    QCOMPARE(other.count, 1);
    QCOMPARE(show(other.runMeanMs), QStringLiteral("40"));

    // One endpoint; and a range that ends before the v2 job finished.
    auto one = f.queue->stats(t0, t0.addSecs(3600), f.endpointIds[1]);
    VERIFY_OK(one);
    QCOMPARE(one->size(), 1);
    QCOMPARE(one->first().endpointId, f.endpointIds[1]);
    auto early = f.queue->stats(t0, t0.addSecs(100), f.endpointIds[0]);
    VERIFY_OK(early);
    QCOMPARE(early->size(), 1);
    QCOMPARE(early->first().count, 20);
    // No lower bound: the job before t0 counts too.
    auto open = f.queue->stats({}, t0.addSecs(100), f.endpointIds[0]);
    VERIFY_OK(open);
    QCOMPARE(open->size(), 1);
    QCOMPARE(open->first().count, 21);
}

void TestJobStats::statsRangeMustBeOrdered()
{
    JobFixture f;
    const QDateTime now = f.clock.now();
    auto refused = f.queue->stats(now, now);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().type, ErrorType::InvalidArgument);
    QCOMPARE(f.queue->stats(now, now.addSecs(-1)).error().type, ErrorType::InvalidArgument);
    auto empty = f.queue->stats(now, now.addSecs(1));
    VERIFY_OK(empty);
    QVERIFY(empty->isEmpty());
}

void TestJobStats::retentionDefaultsBoundsAndPersistence()
{
    JobFixture f;
    auto defaults = f.queue->retention();
    VERIFY_OK(defaults);
    QCOMPARE(defaults->maxAgeDays, 7);
    QCOMPARE(defaults->maxCount, 100000);

    const QList<std::pair<JobRetention, QString>> bad{
        {JobRetention{0, 1000}, QStringLiteral("max_age_days")},
        {JobRetention{366, 1000}, QStringLiteral("max_age_days")},
        {JobRetention{7, 99}, QStringLiteral("max_count")},
        {JobRetention{7, 10000001}, QStringLiteral("max_count")},
    };
    for (const auto &[retention, field] : bad) {
        auto refused = f.queue->setRetention(retention);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().type, ErrorType::InvalidArgument);
        QCOMPARE(refused.error().details.value(QStringLiteral("field")).toString(), field);
        auto kept = f.queue->retention();
        VERIFY_OK(kept);
        QCOMPARE(kept->maxAgeDays, 7);
        QCOMPARE(kept->maxCount, 100000);
    }
    VERIFY_OK(f.queue->setRetention(JobRetention{365, 10000000}));
    VERIFY_OK(f.queue->setRetention(JobRetention{30, 500}));
    f.reopen();
    auto stored = f.queue->retention();
    VERIFY_OK(stored);
    QCOMPARE(stored->maxAgeDays, 30);
    QCOMPARE(stored->maxCount, 500);
}

void TestJobStats::pruneByAgeRemovesRowsAndFiles()
{
    JobFixture f;
    JobQueue::Limits limits;
    limits.inlineResultBytes = 8;
    f.queue->setLimits(limits);
    const QDateTime t0 = f.clock.now();
    auto stale = f.queue->submit(f.request());
    VERIFY_OK(stale);
    VERIFY_OK(f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1")));
    VERIFY_OK(f.queue->complete(stale->job.id, QStringLiteral("d1"), JobResult{200, {}, QByteArray(64, 'a')}, {}, {}));
    const QString staleFile = QDir(f.resultsDir()).filePath(stale->job.id + QStringLiteral(".body"));
    QVERIFY(QFile::exists(staleFile));
    auto waiting = f.queue->submit(f.request());  // old, but not final: never pruned
    VERIFY_OK(waiting);

    f.clock.set(t0.addDays(6));
    auto recent = f.queue->submit(f.request());
    VERIFY_OK(recent);
    VERIFY_OK(f.queue->cancel(recent->job.id));

    f.clock.set(t0.addDays(7).addSecs(-1));
    auto none = f.queue->prune();
    VERIFY_OK(none);
    QCOMPARE(none.value(), 0);

    f.clock.set(t0.addDays(7).addSecs(1));
    QCOMPARE(f.rowsIn(QStringLiteral("job_bodies")), 3);
    auto pruned = f.queue->prune();
    VERIFY_OK(pruned);
    QCOMPARE(pruned.value(), 1);
    QCOMPARE(f.rowsIn(QStringLiteral("job_bodies")), 2);  // the request's body went with it
    QCOMPARE(f.queue->job(stale->job.id).error().type, ErrorType::NotFound);
    QVERIFY(!QFile::exists(staleFile));
    VERIFY_OK(f.queue->job(waiting->job.id));
    VERIFY_OK(f.queue->job(recent->job.id));
    JobQueue fresh(*f.repository, f.clock, f.resultsDir());
    QCOMPARE(f.queue->stateCounts(), fresh.stateCounts());
    QCOMPARE(f.queue->stateCounts().value(JobState::Succeeded), 0);
    QCOMPARE(f.queue->stateCounts().value(JobState::Cancelled), 1);
}

void TestJobStats::pruneByCountKeepsTheNewest()
{
    JobFixture f;
    JobQueue::Limits limits;
    limits.inlineResultBytes = 8;
    f.queue->setLimits(limits);
    VERIFY_OK(f.queue->setRetention(JobRetention{365, 100}));
    // The two oldest final jobs have their answers in files.
    QStringList finished;
    for (int i = 0; i < 2; ++i) {
        auto s = f.queue->submit(f.request());
        VERIFY_OK(s);
        VERIFY_OK(f.queue->claim(f.endpointIds[0], 1, QStringLiteral("d1")));
        VERIFY_OK(f.queue->complete(s->job.id, QStringLiteral("d1"), JobResult{200, {}, QByteArray(64, 'a')}, {}, {}));
        finished << s->job.id;
        f.clock.advance(1);
    }
    QCOMPARE(QDir(f.resultsDir()).entryList(QDir::Files).size(), 2);
    for (int i = 0; i < 101; ++i) {
        auto s = f.queue->submit(f.request());
        VERIFY_OK(s);
        VERIFY_OK(f.queue->cancel(s->job.id));
        finished << s->job.id;
        f.clock.advance(1);
    }
    auto live = f.queue->submit(f.request());
    VERIFY_OK(live);

    QCOMPARE(f.rowsIn(QStringLiteral("job_bodies")), 104);
    auto pruned = f.queue->prune();
    VERIFY_OK(pruned);
    QCOMPARE(pruned.value(), 3);
    QCOMPARE(f.rowsIn(QStringLiteral("job_bodies")), 101);
    for (int i = 0; i < finished.size(); ++i)
        QCOMPARE(f.queue->job(finished[i]).ok(), i >= 3);
    VERIFY_OK(f.queue->job(live->job.id));
    QVERIFY(QDir(f.resultsDir()).entryList(QDir::Files).isEmpty());
    auto again = f.queue->prune();
    VERIFY_OK(again);
    QCOMPARE(again.value(), 0);
    JobQueue fresh(*f.repository, f.clock, f.resultsDir());
    QCOMPARE(f.queue->stateCounts(), fresh.stateCounts());
    QCOMPARE(f.queue->stateCounts().value(JobState::Cancelled), 100);
}

QTEST_GUILESS_MAIN(TestJobStats)
#include "test_jobstats.moc"
