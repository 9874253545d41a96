#pragma once

#include <memory>

#include <QByteArray>
#include <QDir>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "domain/job.h"
#include "jobs/jobqueue.h"
#include "store/repository.h"
#include "support/manualclock.h"
#include "support/testendpoint.h"
#include "support/teststore.h"
#include "support/verifyok.h"

namespace ServeDeck {

// A store file in a temporary folder with one endpoint, and a JobQueue on it. reopen() drops
// the queue and the repository and opens both again on the same file, as a restart does.
class JobFixture
{
public:
    explicit JobFixture(int endpoints = 1)
    {
        QVERIFY(m_dir.isValid());
        openStore();
        for (int i = 0; i < endpoints; ++i) {
            Endpoint e = testEndpoint(QStringLiteral("model-%1").arg(i), clock.now());
            const auto inserted = repository->insertEndpoint(e);
            QVERIFY2(inserted.ok(), describeResult(inserted).constData());
            endpointIds.append(e.id);
        }
    }

    void reopen()
    {
        queue.reset();
        repository.reset();
        openStore();
    }

    QString resultsDir() const { return m_dir.filePath(QStringLiteral("results")); }
    // The store's location: a SQLite file in the folder, or a PostgreSQL database (TestStore).
    QString databasePath() const { return m_location; }
    // Opens another Repository on the same store (a second process's, a thread's).
    Result<Done> openOther(Repository &other) const
    {
        const auto location = StoreLocation::parse(m_location);
        if (!location)
            return location.error();
        return other.open(*location);
    }

    JobRequest request(const QByteArray &body = "{\"x\":1}", int endpoint = 0) const
    {
        JobRequest r;
        r.endpointId = endpointIds.value(endpoint);
        r.method = "POST";
        r.path = "/predict";
        r.headers = {{"Content-Type", "application/json"}};
        r.body = body;
        r.submittedBy = QStringLiteral("admin");
        return r;
    }

    // Submits, claims (as owner "d1") and answers one job; clock moves runMs in between. At the
    // highest priority, so it is the one claimed whatever waits beside it.
    Job finishedJob(int status = 200, qint64 runMs = 0, const QString &version = QStringLiteral("v1"),
                    int endpoint = 0)
    {
        JobRequest r = request("{}", endpoint);
        r.priority = 100;
        auto submitted = queue->submit(r);
        if (!submitted) {
            QTest::qFail(describeResult(submitted).constData(), __FILE__, __LINE__);
            return {};
        }
        auto claimed = queue->claim(endpointIds.value(endpoint), 1, QStringLiteral("d1"));
        if (!claimed || claimed->size() != 1 || claimed->first().id != submitted->job.id) {
            QTest::qFail("the job just submitted was not the one claimed", __FILE__, __LINE__);
            return {};
        }
        clock.set(clock.now().addMSecs(runMs));
        auto done = queue->complete(submitted->job.id, QStringLiteral("d1"), JobResult{status, {}, "ok"}, {}, version);
        if (!done) {
            QTest::qFail(describeResult(done).constData(), __FILE__, __LINE__);
            return {};
        }
        return done.value();
    }

    // Every stored job (newest first, id and state), the live counts, the counts a fresh
    // queue loads from the file, and the result files: what "nothing stored changed" compares.
    QStringList snapshot()
    {
        QStringList out;
        JobFilter all;
        all.limit = 10000;
        auto list = queue->jobs(all);
        if (!list) {
            QTest::qFail(describeResult(list).constData(), __FILE__, __LINE__);
            return {};
        }
        for (const Job &job : list.value())
            out << job.id + u' ' + jobStateName(job.state) + u' ' + QString::number(job.attempts) + u' '
                    + QString::number(job.resultStatus) + u' ' + job.error;
        JobQueue fresh(*repository, clock, resultsDir());
        for (const JobState state : allJobStates())
            out << QStringLiteral("%1 live %2 stored %3")
                       .arg(jobStateName(state))
                       .arg(queue->stateCounts().value(state))
                       .arg(fresh.stateCounts().value(state));
        out << QDir(resultsDir()).entryList(QDir::Files | QDir::Hidden);
        return out;
    }

    // Rows of a table, read through a connection of the test's own: what the queue cannot show.
    int rowsIn(const QString &table) const
    {
        const QString name = QStringLiteral("job-test-count");
        int rows = -1;
        {
            const auto location = StoreLocation::parse(m_location);
            if (location && location->openConnection(name)) {
                QSqlQuery q(QSqlDatabase::database(name, false));
                if (q.exec(QStringLiteral("SELECT COUNT(*) FROM ") + table) && q.next())
                    rows = q.value(0).toInt();
            }
        }
        QSqlDatabase::removeDatabase(name);
        return rows;
    }

    ManualClock clock;
    std::unique_ptr<Repository> repository;
    std::unique_ptr<JobQueue> queue;
    QList<QUuid> endpointIds;

private:
    void openStore()
    {
        if (m_location.isEmpty()) {
            m_location = TestStore::location(m_dir);
            QVERIFY2(!m_location.isEmpty(), qPrintable(TestStore::lastError()));
        }
        repository = std::make_unique<Repository>();
        const auto opened = openOther(*repository);
        QVERIFY2(opened.ok(), describeResult(opened).constData());
        queue = std::make_unique<JobQueue>(*repository, clock, resultsDir());
    }

    QTemporaryDir m_dir;
    QString m_location;
};

} // namespace ServeDeck
