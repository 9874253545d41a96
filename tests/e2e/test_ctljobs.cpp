// `servedeck ctl jobs` against a real `servedeck serve` child and demo replicas: submit --wait
// prints the job, its progress and its outcome and exits 0 for SUCCEEDED only; list, get, result
// (the model's bytes exactly, to stdout and to a file), stats and retention print what the API
// holds; a job id that does not exist or is malformed is refused with the usual exit codes.
#include <memory>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "support/replicaprocesses.h"
#include "support/servechild.h"

using namespace Qt::StringLiterals;
using namespace ServeChildSupport;

namespace {

constexpr int kCtlMs = 90000;
constexpr int kHealthyMs = 60000;

const QString kIris = uR"({"features":[5.1,3.5,1.4,0.2]})"_s;

} // namespace

class TestCtlJobs final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void submitWaitShowsProgressAndSucceeds();
    void listGetAndResultShowTheJob();
    void aFailedJobExitsOne();
    void statsAndRetention();
    void badIdsAreRefused();
    void reusedIdempotencyKeyIsRefused();
    void waitTimesOutAndCancelEndsIt();
    void endpointJobConcurrencyIsSetAndRefused();

private:
    CtlResult ctl(const QStringList &arguments);
    // The answer of a direct request through the proxy, to compare a job's stored answer with.
    QByteArray directAnswer();

    QTemporaryDir m_dataDir;
    QTemporaryDir m_scratch;
    std::unique_ptr<ServeChild> m_server;
    QString m_id;  // the job submitJob... ran
};

CtlResult TestCtlJobs::ctl(const QStringList &arguments)
{
    const QString ctlData = m_scratch.filePath(u"ctl-data"_s);
    return m_server->ctl(QStringList{u"--data-dir"_s, ctlData} + arguments, ctlData, kCtlMs);
}

QByteArray TestCtlJobs::directAnswer()
{
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(u"http://"_s + m_server->proxy() + u"/iris/predict"_s));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    std::unique_ptr<QNetworkReply> reply(network.post(request, kIris.toUtf8()));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(kCtlMs))
        return "no answer";
    return reply->readAll();
}

void TestCtlJobs::initTestCase()
{
    QString why;
    m_server = startedServeChild(m_dataDir, m_scratch, &why);
    QVERIFY2(m_server, qPrintable(why));
    const QString ctlData = m_scratch.filePath(u"ctl-data"_s);
    CtlResult r = ctl(createIrisArguments() + QStringList{u"--public"_s, u"true"_s});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    const QString failing = ReplicaProcesses::writeFaultyFolder(m_scratch.filePath(u"failing-model"_s),
                                                                {u"--fail-percent"_s, u"100"_s});
    r = ctl({u"create"_s, u"failing"_s, u"--folder"_s, failing, u"--version"_s, u"v1"_s, u"--replicas"_s, u"1"_s,
             u"--cpu"_s, u"0.5"_s, u"--memory"_s, u"256M"_s, u"--public"_s, u"true"_s});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    QVERIFY(m_server->waitHealthy(u"iris"_s, 1, ctlData, kCtlMs, kHealthyMs));
    QVERIFY(m_server->waitHealthy(u"failing"_s, 1, ctlData, kCtlMs, kHealthyMs));
}

void TestCtlJobs::cleanupTestCase()
{
    m_server.reset();
}

void TestCtlJobs::submitWaitShowsProgressAndSucceeds()
{
    const CtlResult r = ctl({u"jobs"_s, u"submit"_s, u"iris"_s, u"--data"_s, kIris, u"--priority"_s, u"3"_s,
                             u"--deadline"_s, u"10m"_s, u"--wait"_s, u"--timeout"_s, u"60s"_s});
    QVERIFY2(r.finished && r.exitCode == 0, r.describe().constData());
    const QRegularExpressionMatch submitted = QRegularExpression(u"^Job ([0-9a-f]{32}) submitted$"_s,
                                                                 QRegularExpression::MultilineOption).match(r.out);
    QVERIFY2(submitted.hasMatch(), r.describe().constData());
    m_id = submitted.captured(1);
    // Not a terminal: a plain line per change, the last one the final state, then the outcome.
    const QStringList lines = r.out.split(u'\n', Qt::SkipEmptyParts);
    QVERIFY2(lines.size() >= 3, r.describe().constData());
    QVERIFY2(!r.out.contains(u'\r'), r.describe().constData());
    QVERIFY2(
        QRegularExpression(u"^SUCCEEDED +attempt 1/3  [0-9]+\\.[0-9]s$"_s).match(lines.at(lines.size() - 2)).hasMatch(),
        r.describe().constData());
    QCOMPARE(lines.last(), u"Job %1 SUCCEEDED: status 200, %2 bytes"_s.arg(m_id).arg(directAnswer().size()));
}

void TestCtlJobs::listGetAndResultShowTheJob()
{
    QVERIFY(!m_id.isEmpty());
    CtlResult r = ctl({u"jobs"_s, u"list"_s, u"iris"_s, u"--since"_s, u"1h"_s});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    QVERIFY2(r.out.startsWith(u"ID "_s), r.describe().constData());
    const QString row = r.out.split(u'\n').filter(m_id).value(0);
    QVERIFY2(row.contains(u" iris "_s) && row.contains(u" SUCCEEDED "_s) && row.contains(u" 1/3 "_s)
                 && row.trimmed().endsWith(u"200"_s),
             r.describe().constData());
    r = ctl({u"jobs"_s, u"list"_s, u"--state"_s, u"CANCELLED"_s});
    QVERIFY2(r.exitCode == 0 && r.out == u"no jobs\n"_s, r.describe().constData());
    // --until bounds the other end: an hour ago, the job (seconds old) is not there yet.
    r = ctl({u"jobs"_s, u"list"_s, u"iris"_s, u"--until"_s, u"1h"_s});
    QVERIFY2(r.exitCode == 0 && r.out == u"no jobs\n"_s, r.describe().constData());
    r = ctl({u"jobs"_s, u"list"_s, u"--until"_s, u"soon"_s});
    QVERIFY2(r.exitCode == 1 && r.err.contains(u"InvalidArgument"_s), r.describe().constData());
    r = ctl({u"jobs"_s, u"list"_s, u"--since"_s, u"1h"_s, u"--until"_s, u"2h"_s});
    QVERIFY2(r.exitCode == 1 && r.err.contains(u"since: must be before until"_s), r.describe().constData());
    r = ctl({u"--json"_s, u"jobs"_s, u"list"_s, u"iris"_s});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    const QJsonArray jobs = r.json().value(u"jobs"_s).toArray();
    QVERIFY2(std::any_of(jobs.begin(), jobs.end(), [this](const QJsonValue &j) {
                 return j.toObject().value(u"id"_s).toString() == m_id;
             }), r.describe().constData());

    r = ctl({u"jobs"_s, u"get"_s, m_id});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    const QStringList shownLines { u"id:"_s.leftJustified(17) + m_id, u"state:"_s.leftJustified(17) + u"SUCCEEDED"_s,
        u"endpoint:"_s.leftJustified(17) + u"iris"_s, u"attempts:"_s.leftJustified(17) + u"1"_s,
        u"priority:"_s.leftJustified(17) + u"3"_s, u"result_status:"_s.leftJustified(17) + u"200"_s };
    for (const QString &shown : shownLines)
        QVERIFY2(r.out.contains(shown), qPrintable(shown + u"\n"_s + QString::fromUtf8(r.describe())));
    r = ctl({u"--json"_s, u"jobs"_s, u"get"_s, m_id});
    QCOMPARE(r.json().value(u"job"_s).toObject().value(u"model_version"_s).toString(), u"v1"_s);

    // The answer byte for byte: to stdout and to a file.
    const QByteArray expected = directAnswer();
    QVERIFY(expected.startsWith('{'));
    r = ctl({u"jobs"_s, u"result"_s, m_id});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    QCOMPARE(r.out.toUtf8(), expected);
    const QString file = m_scratch.filePath(u"answer.json"_s);
    r = ctl({u"jobs"_s, u"result"_s, m_id, u"--output"_s, file});
    QVERIFY2(r.exitCode == 0 && r.out.isEmpty(), r.describe().constData());
    QFile written(file);
    QVERIFY(written.open(QIODevice::ReadOnly));
    QCOMPARE(written.readAll(), expected);
}

void TestCtlJobs::aFailedJobExitsOne()
{
    CtlResult r
        = ctl({ u"jobs"_s, u"submit"_s, u"failing"_s, u"--data"_s, kIris, u"--max-attempts"_s, u"1"_s, u"--wait"_s });
    QVERIFY2(r.finished && r.exitCode == 1, r.describe().constData());
    const QString id = r.out.section(u' ', 1, 1);
    QCOMPARE(id.size(), 32);
    QVERIFY2(r.out.contains(u"Job %1 FAILED: status 500"_s.arg(id)), r.describe().constData());
    // Its stored answer is the model's 500: written out, exit 1.
    r = ctl({u"jobs"_s, u"result"_s, id});
    QVERIFY2(r.exitCode == 1 && r.out.contains(u"fault injected"_s), r.describe().constData());
    // Retried: queued again, one more attempt allowed.
    r = ctl({u"jobs"_s, u"retry"_s, id});
    QVERIFY2(r.exitCode == 0 && r.out == u"Job %1 QUEUED again (attempt 2 of 2)\n"_s.arg(id), r.describe().constData());
    // A SUCCEEDED job cannot be cancelled: the API's refusal, exit 1.
    r = ctl({u"jobs"_s, u"cancel"_s, m_id});
    QVERIFY2(r.exitCode == 1 && r.err.contains(u"InvalidJobState"_s), r.describe().constData());
}

void TestCtlJobs::statsAndRetention()
{
    CtlResult r = ctl({u"jobs"_s, u"stats"_s, u"iris"_s, u"--since"_s, u"1h"_s});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    QVERIFY2(
        r.out.contains(u"ENDPOINT         REVISION         COUNT   SUCCESS% QUEUE-MEAN QUEUE-P95 RUN-MEAN RUN-P95"_s),
        r.describe().constData());
    const QString row = r.out.split(u'\n').filter(QRegularExpression(u"^iris "_s)).value(0);
    QVERIFY2(QRegularExpression(u"^iris +v1 +1 +100\\.0 +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+$"_s).match(row).hasMatch(),
             r.describe().constData());
    r = ctl({u"--json"_s, u"jobs"_s, u"stats"_s, u"--since"_s, u"1h"_s});
    QVERIFY2(r.exitCode == 0 && !r.json().value(u"rows"_s).toArray().isEmpty(), r.describe().constData());
    r = ctl({u"jobs"_s, u"stats"_s, u"--since"_s, u"yesterday"_s});
    QVERIFY2(r.exitCode == 1 && r.err.contains(u"InvalidArgument"_s), r.describe().constData());

    r = ctl({u"jobs"_s, u"retention"_s});
    QVERIFY2(r.exitCode == 0 && r.out == u"finished jobs kept: 7 days, at most 100000\n"_s, r.describe().constData());
    r = ctl({u"jobs"_s, u"retention"_s, u"--max-age-days"_s, u"5"_s, u"--max-count"_s, u"2000"_s});
    QVERIFY2(r.exitCode == 0 && r.out == u"finished jobs kept: 5 days, at most 2000\n"_s, r.describe().constData());
    r = ctl({u"jobs"_s, u"retention"_s, u"--max-age-days"_s, u"0"_s});
    QVERIFY2(r.exitCode == 1 && r.err.contains(u"InvalidArgument"_s), r.describe().constData());
    r = ctl({u"--json"_s, u"jobs"_s, u"retention"_s});
    QCOMPARE(r.json().value(u"max_age_days"_s).toInt(), 5);
}

void TestCtlJobs::reusedIdempotencyKeyIsRefused()
{
    CtlResult r = ctl({u"jobs"_s, u"submit"_s, u"iris"_s, u"--data"_s, kIris, u"--idempotency-key"_s, u"ctl-key-1"_s});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    const QString first = QRegularExpression(u"^Job ([0-9a-f]{32}) submitted$"_s, QRegularExpression::MultilineOption)
                              .match(r.out)
                              .captured(1);
    QVERIFY2(!first.isEmpty(), r.describe().constData());
    r = ctl({u"jobs"_s, u"submit"_s, u"iris"_s, u"--data"_s, u"{\"features\": [1, 2, 3, 4]}"_s,
             u"--idempotency-key"_s, u"ctl-key-1"_s});
    QVERIFY2(r.exitCode == 1 && r.err.contains(u"IdempotencyKeyReused"_s) && r.err.contains(first),
             r.describe().constData());
}

void TestCtlJobs::badIdsAreRefused()
{
    CtlResult r = ctl({u"jobs"_s, u"get"_s, u"0123456789abcdef0123456789abcdef"_s});
    QVERIFY2(r.exitCode == 1 && r.err.contains(u"NotFound"_s), r.describe().constData());
    r = ctl({u"jobs"_s, u"result"_s, u"not-a-job"_s});
    QVERIFY2(r.exitCode == 2, r.describe().constData());
    r = ctl({u"jobs"_s, u"submit"_s, u"nope"_s, u"--data"_s, kIris});
    QVERIFY2(r.exitCode == 1 && r.err.contains(u"NotFound"_s), r.describe().constData());
    r = ctl({u"jobs"_s, u"submit"_s, u"iris"_s, u"--deadline"_s, u"soon"_s});
    QVERIFY2(r.exitCode == 2, r.describe().constData());
    r = ctl({u"jobs"_s, u"frobnicate"_s});
    QVERIFY2(r.exitCode == 2 && r.err.contains(u"usage: servedeck ctl jobs submit"_s), r.describe().constData());
}

// An endpoint at zero replicas keeps its job QUEUED: --wait gives up at --timeout with exit 4,
// and the job goes on until it is cancelled.
void TestCtlJobs::waitTimesOutAndCancelEndsIt()
{
    CtlResult r = ctl({u"create"_s, u"idle"_s, u"--folder"_s, u"iris-v1"_s, u"--version"_s, u"v1"_s, u"--replicas"_s, u"0"_s,
                       u"--public"_s, u"true"_s});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    r = ctl({u"jobs"_s, u"submit"_s, u"idle"_s, u"--data"_s, kIris, u"--wait"_s, u"--timeout"_s, u"1s"_s});
    QVERIFY2(r.finished && r.exitCode == 4, r.describe().constData());
    const QString id = r.out.section(u' ', 1, 1);
    QCOMPARE(id.size(), 32);
    QVERIFY2(r.out.contains(u"QUEUED     attempt 0/3"_s), r.describe().constData());
    QVERIFY2(r.err.contains(u"still QUEUED after"_s) && r.err.contains(u"servedeck ctl jobs get "_s + id),
             r.describe().constData());
    r = ctl({u"jobs"_s, u"cancel"_s, id});
    QVERIFY2(r.exitCode == 0 && r.out == u"Job %1 CANCELLED\n"_s.arg(id), r.describe().constData());
    r = ctl({u"--json"_s, u"jobs"_s, u"list"_s, u"--state"_s, u"cancelled"_s});
    const QJsonArray jobs = r.json().value(u"jobs"_s).toArray();
    QVERIFY2(jobs.size() == 1 && jobs.first().toObject().value(u"id"_s).toString() == id, r.describe().constData());
}

QTEST_GUILESS_MAIN(TestCtlJobs)
#include "test_ctljobs.moc"// `ctl modify --job-concurrency N|default` and `create --job-concurrency N`: stored, shown by
// info; a bad value is the API's InvalidArgument naming the field, and nothing changes.
void TestCtlJobs::endpointJobConcurrencyIsSetAndRefused()
{
    CtlResult r = ctl({u"modify"_s, u"iris"_s, u"--job-concurrency"_s, u"2"_s});
    QVERIFY2(r.exitCode == 0 && r.out.contains(u"job_concurrency"_s), r.describe().constData());
    r = ctl({u"--json"_s, u"info"_s, u"iris"_s});
    QVERIFY2(r.exitCode == 0 && r.json().value(u"job_concurrency"_s).toInt(-1) == 2, r.describe().constData());
    for (const QString &bad : {u"-1"_s, u"10001"_s, u"two"_s, u"1.5"_s}) {
        r = ctl({u"modify"_s, u"iris"_s, u"--job-concurrency"_s, bad});
        QVERIFY2(r.exitCode == 1 && r.err.contains(u"InvalidArgument"_s) && r.err.contains(u"job_concurrency"_s),
                 r.describe().constData());
    }
    r = ctl({u"--json"_s, u"info"_s, u"iris"_s});
    QVERIFY2(r.json().value(u"job_concurrency"_s).toInt(-1) == 2, r.describe().constData());
    r = ctl({u"modify"_s, u"iris"_s, u"--job-concurrency"_s, u"default"_s});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    r = ctl({u"--json"_s, u"info"_s, u"iris"_s});
    QVERIFY2(r.json().value(u"job_concurrency"_s).toInt(-1) == 0, r.describe().constData());

    r = ctl({u"--json"_s, u"create"_s, u"capped"_s, u"--folder"_s, u"iris-v1"_s, u"--version"_s, u"v1"_s,
             u"--replicas"_s, u"0"_s, u"--cpu"_s, u"0.5"_s, u"--memory"_s, u"256M"_s, u"--job-concurrency"_s, u"3"_s});
    QVERIFY2(r.exitCode == 0 && r.json().value(u"job_concurrency"_s).toInt(-1) == 3, r.describe().constData());
}


