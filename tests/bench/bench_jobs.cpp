// Asynchronous jobs on the demo model with 2 replicas, all through the proxy of an embedded plane:
// - throughput: N jobs submitted with `Prefer: respond-async` (64 connections at once), jobs per
//   second from the first submission to the last SUCCEEDED;
// - added latency: one job at a time, submit -> SUCCEEDED (as the queue reports it), against the
//   same request sent plainly through the proxy (p50/p99 of each);
// - the store's writes per job: SQLite's total_changes() on the plane's connection (rows
//   inserted, updated or deleted) across the throughput run, over the jobs it ran; the plane's
//   sampler is off (autoscaleIntervalMs = 0) so nothing else writes meanwhile, and an idle
//   window of the same length is measured too.
// Usage: bench_jobs [jobs=2000] [sequential=200]
#include <algorithm>

#include <QCoreApplication>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTextStream>

#include "jobs/jobdispatcher.h"
#include "jobs/jobqueue.h"
#include "plane/controlplane.h"
#include "service/modelservingservice.h"
#include "traffic/requestsender.h"
#include "benchsupport.h"

using namespace ServeDeck;
using BenchSupport::healthy;
using BenchSupport::waitFor;

namespace {

const QByteArray kBody = R"({"features":[5.1,3.5,1.4,0.2]})";

double percentile(QList<qint64> ns, double q)
{
    if (ns.isEmpty())
        return 0;
    std::sort(ns.begin(), ns.end());
    const qsizetype index = std::min(ns.size() - 1, qsizetype(q * double(ns.size())));
    return double(ns[index]) / 1e6;
}

QString summary(const QList<qint64> &ns)
{
    return QStringLiteral("p50 %1 ms, p99 %2 ms (n=%3)")
        .arg(percentile(ns, 0.5), 0, 'f', 2)
        .arg(percentile(ns, 0.99), 0, 'f', 2)
        .arg(ns.size());
}

// The plane's store connection: the one the Repository opened (named servedeck-<uuid>).
qint64 totalChanges()
{
    for (const QString &name : QSqlDatabase::connectionNames()) {
        if (!name.startsWith(QStringLiteral("servedeck-")))
            continue;
        QSqlQuery query(QSqlDatabase::database(name, false));
        if (query.exec(QStringLiteral("SELECT total_changes()")) && query.next())
            return query.value(0).toLongLong();
    }
    return -1;
}

TrafficRequest submission(const QString &endpoint)
{
    TrafficRequest request;
    request.method = "POST";
    request.path = '/' + endpoint.toUtf8() + "/predict";
    request.headers = {{"Content-Type", "application/json"}, {"Prefer", "respond-async"}};
    request.body = kBody;
    return request;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    // Whole numbers only: "--help" or "2k" is a usage error, never a run of some other size.
    const auto count = [&](int index, int fallback, int most) -> int {
        if (argc <= index)
            return fallback;
        bool ok = false;
        const int value = QByteArray(argv[index]).toInt(&ok);
        return ok && value >= 1 && value <= most ? value : -1;
    };
    const int jobs = count(1, 2000, 100000);
    const int sequential = count(2, 200, 100000);
    if (argc > 3 || jobs < 0 || sequential < 0) {
        QTextStream(stderr) << "usage: bench_jobs [jobs 1..100000, default 2000] [sequential 1..100000, default 200]\n";
        return 2;
    }

    QTemporaryDir dir;
    ControlPlaneOptions options = BenchSupport::demoOptions(dir.path());
    options.autoscaleIntervalMs = 0;  // no sampler passes: the store's writes are the jobs'
    ControlPlane plane;
    if (auto started = plane.start(options); !started) {
        out << started.error().message << '\n';
        return 1;
    }
    ModelServingService &service = plane.service();
    const Endpoint endpoint = BenchSupport::createDemo(service, QStringLiteral("bench"), 2);
    if (waitFor([&] { return healthy(service, endpoint.name) == 2; }) < 0) {
        out << "replicas never became healthy\n";
        return 1;
    }
    const QString proxy = plane.proxyAddress();
    const qsizetype colon = proxy.lastIndexOf(u':');
    RequestSender::Options senderOptions;
    senderOptions.maxConnections = 64;
    RequestSender sender(proxy.left(colon), quint16(proxy.mid(colon + 1).toUInt()), senderOptions);

    // When each job reached SUCCEEDED, on the sender's clock; and any that ended otherwise.
    QHash<QString, qint64> succeededNs;
    int otherEnds = 0;
    QObject::connect(plane.jobs(), &JobQueue::jobChanged, &app, [&](const Job &job) {
        if (job.state == JobState::Succeeded)
            succeededNs.insert(job.id, sender.nowNs());
        else if (isFinalJobState(job.state))
            ++otherEnds;
    });
    // The answers, and the job id each accepted submission named (read once, as it comes).
    QHash<quint64, TrafficAnswer> answers;
    QHash<quint64, QString> jobOf;
    QObject::connect(&sender, &RequestSender::finished, &app, [&](const TrafficAnswer &a) {
        answers.insert(a.id, a);
        if (a.status == 202)
            jobOf.insert(a.id, QJsonDocument::fromJson(a.body).object().value(QStringLiteral("job")).toObject()
                                   .value(QStringLiteral("id")).toString());
    });

    // Warm-up: connections and both replicas.
    for (int i = 0; i < 20; ++i) {
        TrafficRequest plain = submission(endpoint.name);
        plain.headers.removeLast();
        sender.send(plain, sender.nowNs());
    }
    if (waitFor([&] { return answers.size() == 20; }) < 0) {
        out << "warm-up failed\n";
        return 1;
    }

    // 1. Plain requests through the proxy, one at a time.
    QList<qint64> direct;
    for (int i = 0; i < sequential; ++i) {
        TrafficRequest plain = submission(endpoint.name);
        plain.headers.removeLast();
        const quint64 id = sender.send(plain, sender.nowNs());
        if (waitFor([&] { return answers.contains(id); }) < 0 || answers.value(id).status != 200) {
            out << "a plain request failed: " << answers.value(id).status << ' ' << answers.value(id).error << '\n';
            return 1;
        }
        direct << answers.value(id).doneNs - answers.value(id).sentNs;
    }

    // 2. Jobs one at a time: submit -> SUCCEEDED.
    QList<qint64> oneJob;
    for (int i = 0; i < sequential; ++i) {
        const quint64 id = sender.send(submission(endpoint.name), sender.nowNs());
        const bool answered = waitFor([&] { return answers.contains(id); }) >= 0;
        const QString jobId = jobOf.value(id);
        if (!answered || jobId.isEmpty()) {
            out << "a submission failed: " << answers.value(id).status << ' ' << answers.value(id).error << '\n';
            return 1;
        }
        if (waitFor([&] { return succeededNs.contains(jobId); }) < 0) {
            out << "a job never succeeded\n";
            return 1;
        }
        oneJob << succeededNs.value(jobId) - answers.value(id).sentNs;
    }

    // 3. Throughput: every job submitted at once.
    const qint64 changesBefore = totalChanges();
    QList<quint64> submitted;
    const qint64 startNs = sender.nowNs();
    for (int i = 0; i < jobs; ++i)
        submitted << sender.send(submission(endpoint.name), startNs);
    // Every job of this run and of the one-at-a-time run SUCCEEDED: counted as they come, so the
    // wait costs the event loop it shares with the plane next to nothing.
    const qsizetype expected = qsizetype(sequential) + jobs;
    if (waitFor([&] { return succeededNs.size() == expected || otherEnds > 0; }, 600000) < 0 || otherEnds > 0) {
        int refused = 0;
        for (const quint64 id : std::as_const(submitted))
            refused += answers.contains(id) && answers.value(id).status != 202 ? 1 : 0;
        out << "throughput run did not finish: " << succeededNs.size() - sequential << " succeeded, " << refused
            << " refused, " << otherEnds << " ended otherwise\n";
        return 1;
    }
    qint64 lastNs = 0;
    QList<qint64> throughputLatency;
    for (const quint64 id : std::as_const(submitted)) {
        const qint64 done = succeededNs.value(jobOf.value(id));
        lastNs = std::max(lastNs, done);
        throughputLatency << done - answers.value(id).sentNs;
    }
    const qint64 changesAfter = totalChanges();
    const double seconds = double(lastNs - startNs) / 1e9;
    // The same length of time with nothing submitted: what else writes to the store meanwhile.
    const qint64 idleMs = qint64(seconds * 1000);
    const qint64 idleBefore = totalChanges();
    waitFor([] { return false; }, int(std::min<qint64>(idleMs, 60000)));
    const qint64 idleChanges = totalChanges() - idleBefore;

    out << "demo model (iris-v1), 2 replicas, job concurrency " << plane.jobDispatcher()->concurrency(endpoint.id)
        << " (2 x " << options.jobConcurrencyPerReplica
        << "), jobs submitted through the proxy with Prefer: respond-async\n";
    out << "throughput: " << jobs << " jobs in " << QString::number(seconds, 'f', 2) << " s = "
        << QString::number(double(jobs) / seconds, 'f', 1) << " jobs/s; submit -> SUCCEEDED under load "
        << summary(throughputLatency) << "; max in flight " << plane.jobDispatcher()->maxInFlight(endpoint.id) << '\n';
    out << "plain request through the proxy, one at a time: " << summary(direct) << '\n';
    out << "job submit -> SUCCEEDED, one at a time:        " << summary(oneJob) << '\n';
    out << "added latency of a job: p50 +" << QString::number(percentile(oneJob, 0.5) - percentile(direct, 0.5), 'f', 2)
        << " ms, p99 +" << QString::number(percentile(oneJob, 0.99) - percentile(direct, 0.99), 'f', 2) << " ms\n";
    out << "store writes (total_changes): " << (changesAfter - changesBefore) << " rows for " << jobs << " jobs = "
        << QString::number(double(changesAfter - changesBefore) / jobs, 'f', 2) << " per job; " << idleChanges
        << " rows in an idle window of the same length\n";
    out.flush();
    return 0;
}
