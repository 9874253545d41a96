// The crash test: a `servedeck serve` child with short job leases runs 20 jobs on a slow
// model, some RUNNING and the rest QUEUED, when it is killed with SIGKILL. Its replicas go with
// it. Restarted on the same data dir, every job reaches a final state and all SUCCEEDED: none
// lost (the same 20 ids), and the ones the store held RUNNING at the crash ran a second attempt
// once their lease ran out.
#include <csignal>
#include <memory>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include "api/apiclient.h"
#include "domain/clock.h"
#include "jobs/jobqueue.h"
#include "store/repository.h"
#include "support/replicaprocesses.h"
#include "support/servechild.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;
using namespace ServeChildSupport;

namespace {

constexpr int kJobs = 20;
constexpr int kCtlMs = 30000;
constexpr int kHealthyMs = 60000;
constexpr int kReplyMs = 15000;
// 20 jobs at 4 at a time on one replica answering in 1.5 s, after a restart and a replica start.
constexpr int kAllDoneMs = 120000;
constexpr int kProcessGoneMs = 15000;

QString state(const QJsonObject &job)
{
    return job.value(u"state"_s).toString();
}

// The demo model servers `parent` started that still run.
QList<qint64> modelServersOf(qint64 parent)
{
    QList<qint64> out;
    for (const QString &entry : QDir(u"/proc"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric || !ReplicaProcesses::processAlive(pid))
            continue;
        QFile stat(u"/proc/%1/stat"_s.arg(pid));
        QFile command(u"/proc/%1/cmdline"_s.arg(pid));
        if (!stat.open(QIODevice::ReadOnly) || !command.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = stat.readAll();
        const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');  // state, ppid, ...
        if (fields.size() >= 2 && fields[1].toLongLong() == parent
            && command.readAll().contains("servedeck-model-server"))
            out << pid;
    }
    return out;
}

} // namespace

class TestJobsDurability final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jobFlagsAreChecked_data();
    void jobFlagsAreChecked();
    void killedServeLosesNoJob();

private:
    std::unique_ptr<ApiClient> clientOf(const ServeChild &server);
    QJsonArray jobsOf(ApiClient &api);
};

std::unique_ptr<ApiClient> TestJobsDurability::clientOf(const ServeChild &server)
{
    QFile tokenFile(server.tokenFile());
    if (!tokenFile.open(QIODevice::ReadOnly))
        return nullptr;
    return std::make_unique<ApiClient>(QUrl(u"http://"_s + server.api()), tokenFile.readAll().trimmed(), kReplyMs);
}

QJsonArray TestJobsDurability::jobsOf(ApiClient &api)
{
    return api.get(u"/v1/services/slow/jobs?limit=1000"_s).body.object().value(u"jobs"_s).toArray();
}

void TestJobsDurability::jobFlagsAreChecked_data()
{
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("message");
    const QString lease = u"--job-lease-seconds takes a whole number from 1 to 3600"_s;
    for (const char *value : {"0", "3601", "-5", "+5", "2s", "", "99999"})
        QTest::addRow("lease %s", value) << u"--job-lease-seconds"_s << QString::fromLatin1(value) << lease;
    const QString concurrency = u"--job-concurrency-per-replica takes a whole number from 1 to 256"_s;
    for (const char *value : {"0", "257", "-1", "+4", "4x", "", "1000"}) {
        QTest::addRow("concurrency %s", value)
            << u"--job-concurrency-per-replica"_s << QString::fromLatin1(value) << concurrency;
    }
}

// `serve --job-lease-seconds N` takes 1..3600 and `--job-concurrency-per-replica N` 1..256, and
// nothing else: a usage error before anything starts.
void TestJobsDurability::jobFlagsAreChecked()
{
    QFETCH(QString, flag);
    QFETCH(QString, value);
    QFETCH(QString, message);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const CtlResult r
        = runServedeck({ u"serve"_s, u"--data-dir"_s, dir.filePath(u"data"_s), u"--api"_s, u"127.0.0.1:0"_s,
                           u"--proxy"_s, u"127.0.0.1:0"_s, flag, value },
            childEnvironment(dir.filePath(u"data"_s)), kCtlMs, true);
    QVERIFY2(r.finished && r.exitCode == 2, r.describe().constData());
    QVERIFY2(r.err.contains(message), r.describe().constData());
    QVERIFY(!QFileInfo::exists(dir.filePath(u"data/servedeck.db"_s)));
}

void TestJobsDurability::killedServeLosesNoJob()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY2(QFileInfo(binary()).isExecutable(), "servedeck is not built");
    const QString dataDir = dir.filePath(u"data"_s);
    const QString ctlData = dir.filePath(u"ctl-data"_s);
    QVERIFY(QDir().mkpath(ctlData));
    const QStringList arguments{u"--job-lease-seconds"_s, u"2"_s};
    const QString folder = ReplicaProcesses::writeFaultyFolder(dir.filePath(u"slow-model"_s),
                                                               {u"--latency-ms"_s, u"1500"_s});

    QSet<QString> ids;
    QSet<QString> runningAtCrash;
    QHash<QString, QString> stateAtCrash;
    {
        ServeChild first(dataDir, u"cpu=8,memory=16G"_s, arguments);
        QString why;
        QVERIFY2(first.start(&why), qPrintable(why));
        const CtlResult created = first.ctl({u"create"_s, u"slow"_s, u"--folder"_s, folder, u"--version"_s, u"v1"_s,
                                             u"--replicas"_s, u"1"_s, u"--cpu"_s, u"0.5"_s, u"--memory"_s, u"256M"_s,
                                             u"--public"_s, u"true"_s},
                                            ctlData, kCtlMs);
        QVERIFY2(created.exitCode == 0, created.describe().constData());
        QVERIFY(first.waitHealthy(u"slow"_s, 1, ctlData, kCtlMs, kHealthyMs));
        const auto api = clientOf(first);
        QVERIFY(api);
        for (int i = 0; i < kJobs; ++i) {
            const ApiResponse r = api->send("POST", u"/v1/services/slow/jobs"_s,
                QJsonObject { { u"path"_s, u"/predict"_s },
                    { u"body"_s, QJsonObject { { u"features"_s, QJsonArray { 5.1, 3.5, 1.4, 0.2 } } } },
                    { u"max_attempts"_s, 3 } });
            QCOMPARE(r.status, 202);
            ids.insert(r.body.object().value(u"job"_s).toObject().value(u"id"_s).toString());
        }
        QCOMPARE(ids.size(), kJobs);
        // Some run (a replica takes 4 at a time), the rest wait.
        const auto anyRunning = [&] {
            const QJsonArray jobs = jobsOf(*api);
            return std::any_of(
                jobs.begin(), jobs.end(), [](const QJsonValue &j) { return state(j.toObject()) == u"RUNNING"_s; });
        };
        QTRY_VERIFY_WITH_TIMEOUT(anyRunning(), kCtlMs);
        const QList<qint64> replicas = modelServersOf(first.process().processId());
        QCOMPARE(replicas.size(), 1);

        QCOMPARE(::kill(pid_t(first.process().processId()), SIGKILL), 0);
        QVERIFY(first.process().waitForFinished(kProcessGoneMs));
        QCOMPARE(first.process().exitStatus(), QProcess::CrashExit);
        // Its replicas go with it, as after any crash of the console.
        for (const qint64 pid : replicas)
            QTRY_VERIFY_WITH_TIMEOUT(!ReplicaProcesses::processAlive(pid), kProcessGoneMs);
    }

    // What the store held at the crash: the jobs it had RUNNING, and at least one QUEUED.
    {
        Repository store;
        QVERIFY(store.open(QDir(dataDir).filePath(u"servedeck.db"_s)));
        JobQueue queue(store, Clock::system(), dir.filePath(u"unused-results"_s));
        JobFilter filter;
        filter.limit = 1000;
        const auto stored = queue.jobs(filter);
        QVERIFY2(stored, stored ? "" : qPrintable(stored.error().message));
        QCOMPARE(stored->size(), kJobs);
        int queued = 0;
        for (const Job &job : *stored) {
            QVERIFY(ids.contains(job.id));
            stateAtCrash.insert(job.id, jobStateName(job.state));
            if (job.state == JobState::Running)
                runningAtCrash.insert(job.id);
            queued += job.state == JobState::Queued ? 1 : 0;
        }
        QVERIFY2(!runningAtCrash.isEmpty() && queued > 0,
                 qPrintable(u"%1 running, %2 queued at the crash"_s.arg(runningAtCrash.size()).arg(queued)));
    }

    ServeChild second(dataDir, u"cpu=8,memory=16G"_s, arguments);
    QString why;
    QVERIFY2(second.start(&why), qPrintable(why));
    const auto api = clientOf(second);
    QVERIFY(api);
    const auto allFinal = [&] {
        const QJsonArray jobs = jobsOf(*api);
        return jobs.size() == kJobs && std::all_of(jobs.begin(), jobs.end(), [](const QJsonValue &j) {
                   const QString s = state(j.toObject());
                   return s == u"SUCCEEDED"_s || s == u"FAILED"_s || s == u"CANCELLED"_s || s == u"EXPIRED"_s;
               });
    };
    QTRY_VERIFY_WITH_TIMEOUT(allFinal(), kAllDoneMs);
    const QJsonArray jobs = jobsOf(*api);
    QSet<QString> seen;
    for (const QJsonValue &item : jobs) {
        const QJsonObject job = item.toObject();
        const QString id = job.value(u"id"_s).toString();
        seen.insert(id);
        QVERIFY2(state(job) == u"SUCCEEDED"_s, qPrintable(id + u" ended "_s + state(job) + u": "_s
                                                          + job.value(u"error"_s).toString()));
        QCOMPARE(job.value(u"result_status"_s).toInt(), 200);
        // A job interrupted by the crash ran again once its lease ran out. A job that waited may
        // have spent an attempt too: just after the restart the proxy still routes to the route
        // whose replica died with the console (502, retried after a backoff) until the reconciler
        // replaces it; at least once, never lost.
        const int attempts = job.value(u"attempts"_s).toInt();
        QVERIFY2(runningAtCrash.contains(id) ? attempts == 2 : attempts >= 1,
                 qPrintable(u"%1 (%2 at the crash): %3 attempts, last error: %4"_s.arg(id, stateAtCrash.value(id))
                                .arg(job.value(u"attempts"_s).toInt())
                                .arg(job.value(u"error"_s).toString())));
    }
    QCOMPARE(seen, ids);
}

QTEST_GUILESS_MAIN(TestJobsDurability)
#include "test_jobsdurability.moc"
