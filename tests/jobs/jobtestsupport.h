#pragma once

#include <memory>

#include <QByteArray>
#include <QTemporaryDir>
#include <QTest>

#include "domain/job.h"
#include "jobs/jobqueue.h"
#include "store/repository.h"
#include "support/manualclock.h"
#include "support/testendpoint.h"

namespace ServeDeck {

// QVERIFY2 evaluates its message even on success, and error() of a good Result throws.
template<typename T>
QByteArray describeResult(const Result<T> &result)
{
    if (result)
        return QByteArrayLiteral("ok");
    return (result.error().typeName() + QStringLiteral(": ") + result.error().message).toUtf8();
}

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
    QString databasePath() const { return m_dir.filePath(QStringLiteral("servedeck.db")); }

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

    ManualClock clock;
    std::unique_ptr<Repository> repository;
    std::unique_ptr<JobQueue> queue;
    QList<QUuid> endpointIds;

private:
    void openStore()
    {
        repository = std::make_unique<Repository>();
        const auto opened = repository->open(databasePath());
        QVERIFY2(opened.ok(), describeResult(opened).constData());
        queue = std::make_unique<JobQueue>(*repository, clock, resultsDir());
    }

    QTemporaryDir m_dir;
};

} // namespace ServeDeck

// The expression runs once: it usually writes.
#define VERIFY_OK(expression)                                                             \
    do {                                                                                  \
        const auto &verifiedResult = (expression);                                        \
        QVERIFY2(verifiedResult.ok(), ServeDeck::describeResult(verifiedResult).constData()); \
    } while (false)
