// The built-in load generator against a reference tool, through the same proxy to the same demo
// replicas, in one run: core/traffic's LoadTest at a fixed rate (open loop, latency from each
// request's scheduled start) and `wrk` with a Lua script that paces each connection to about the
// same rate. wrk2 (wrk -R, which corrects coordinated omission) is not in Debian; plain wrk is a
// closed loop: a connection waits for its answer before its next request, so a stall shows up in
// wrk as one slow request and in LoadTest as every request scheduled behind it. Also the
// generator's own cost: CPU time of its thread (getrusage RUSAGE_THREAD) per 1,000 requests/s.
// Usage: bench_traffic [seconds] [rate] [wrk connections]   (default: 10 s at 2000/s, 50 connections)
#include <atomic>

#include <sys/resource.h>

#include <QCoreApplication>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>

#include "plane/controlplane.h"
#include "service/modelservingservice.h"
#include "traffic/loadtest.h"
#include "benchsupport.h"

using namespace ServeDeck;

namespace {

double threadCpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

struct GeneratorRun
{
    LoadTestResult result;
    double cpuSeconds = 0;
};

// LoadTest on a thread of its own, as the console runs it; its CPU is that thread's.
GeneratorRun runGenerator(const LoadTestSettings &settings)
{
    GeneratorRun run;
    QThread thread;
    thread.start();
    std::atomic<bool> done = false;  // set on the generator's thread
    auto *test = new LoadTest(settings);
    test->moveToThread(&thread);
    double cpuAtStart = 0;
    QObject::connect(test, &LoadTest::finished, test, [&](const LoadTestResult &result) {
        run.cpuSeconds = threadCpuSeconds() - cpuAtStart;
        run.result = result;
        done = true;
    });
    QMetaObject::invokeMethod(test, [&] {
        cpuAtStart = threadCpuSeconds();
        test->start();
    });
    BenchSupport::waitFor([&] { return done.load(); }, int(settings.durationMs + settings.timeoutMs + 10000));
    QMetaObject::invokeMethod(test, [test] { delete test; }, Qt::BlockingQueuedConnection);
    thread.quit();
    thread.wait();
    return run;
}

struct WrkRun
{
    bool ran = false;
    double requestsPerSecond = 0;
    double p50Ms = 0;
    double p99Ms = 0;
    QString raw;
};

double wrkMs(const QString &text)
{
    static const QRegularExpression number(QStringLiteral(R"(([\d.]+)(us|ms|s)$)"));
    const QRegularExpressionMatch m = number.match(text.trimmed());
    if (!m.hasMatch())
        return 0;
    const double value = m.captured(1).toDouble();
    return m.captured(2) == u"us" ? value / 1000 : m.captured(2) == u"s" ? value * 1000 : value;
}

// wrk's Lua: each connection waits connections/rate seconds before each request, so all of them
// together offer about `rate` requests a second (still closed loop: see the top).
WrkRun runWrk(const QString &url, int seconds, int rate, int connections, const QString &scriptPath)
{
    QFile script(scriptPath);
    if (!script.open(QIODevice::WriteOnly))
        return {};
    script.write(QStringLiteral("wrk.method = \"POST\"\n"
                                "wrk.body = '{\"features\":[5.1,3.5,1.4,0.2]}'\n"
                                "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
                                "function delay() return %1 end\n")
                     .arg(1000.0 * connections / rate, 0, 'f', 1)
                     .toUtf8());
    script.close();
    QProcess wrk;
    wrk.start(QStringLiteral("wrk"), {QStringLiteral("-t2"), QStringLiteral("-c%1").arg(connections),
                                      QStringLiteral("-d%1s").arg(seconds), QStringLiteral("--latency"),
                                      QStringLiteral("-s"), scriptPath, url});
    WrkRun run;
    if (!wrk.waitForStarted(5000) || !wrk.waitForFinished((seconds + 30) * 1000))
        return run;
    run.raw = QString::fromUtf8(wrk.readAllStandardOutput());
    for (const QString &line : run.raw.split(u'\n')) {
        const QStringList parts = line.simplified().split(u' ');
        if (parts.size() == 2 && parts[0] == u"50%")
            run.p50Ms = wrkMs(parts[1]);
        if (parts.size() == 2 && parts[0] == u"99%")
            run.p99Ms = wrkMs(parts[1]);
        if (parts.size() == 2 && parts[0] == u"Requests/sec:")
            run.requestsPerSecond = parts[1].toDouble();
    }
    run.ran = run.requestsPerSecond > 0;
    return run;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    const int seconds = argc > 1 ? QString::fromLocal8Bit(argv[1]).toInt() : 10;
    const int rate = argc > 2 ? QString::fromLocal8Bit(argv[2]).toInt() : 2000;
    const int connections = argc > 3 ? QString::fromLocal8Bit(argv[3]).toInt() : 50;

    QTemporaryDir dir;
    ControlPlaneOptions options = BenchSupport::demoOptions(dir.path());
    options.autoscaleIntervalMs = 0;  // a fixed fleet: the load test measures the data plane
    ControlPlane plane;
    if (!plane.start(options).ok())
        qFatal("cannot start the control plane");
    const Endpoint created = BenchSupport::createDemo(plane.service(), QStringLiteral("bench"), 2, 0.5);
    if (BenchSupport::waitFor([&] { return BenchSupport::healthy(plane.service(), QStringLiteral("bench")) == 2; }, 60000) < 0)
        qFatal("the demo replicas did not become healthy");
    const QString url = created.url + QStringLiteral("/predict");

    LoadTestSettings settings;
    settings.endpoint = QStringLiteral("bench");
    settings.url = QUrl(url);
    settings.body = QByteArrayLiteral(R"({"features":[5.1,3.5,1.4,0.2]})");
    settings.headers = {{"Content-Type", "application/json"}};
    settings.mode = LoadTestSettings::Mode::Rate;
    settings.rate = rate;
    settings.durationMs = qint64(seconds) * 1000;
    settings.timeoutMs = 10000;

    out << "demo model, 2 replicas, through the proxy; " << seconds << " s each; machine: "
        << QThread::idealThreadCount() << " cores shared by the proxy, the replicas and the load tool\n";
    out.flush();
    const GeneratorRun generator = runGenerator(settings);
    const LoadTestResult &r = generator.result;
    const double achieved = r.throughput();
    const double cpuPerThousand = generator.cpuSeconds / (double(r.elapsedNs) / 1e9) / (achieved / 1000.0) * 100;
    out << "ServeDeck LoadTest (open loop, " << rate << "/s): " << QString::number(achieved, 'f', 0) << " req/s, success "
        << QString::number(r.total.successRatio() * 100, 'f', 2) << "%, p50 "
        << QString::number(double(r.total.latency.percentileNs(50)) / 1e6, 'f', 2) << " ms, p99 "
        << QString::number(double(r.total.latency.percentileNs(99)) / 1e6, 'f', 2) << " ms, max "
        << QString::number(double(r.total.latency.maxNs()) / 1e6, 'f', 2) << " ms, late starts " << r.late << '\n';
    out << "generator CPU: " << QString::number(generator.cpuSeconds, 'f', 2) << " s of its thread in "
        << QString::number(double(r.elapsedNs) / 1e9, 'f', 1) << " s = " << QString::number(cpuPerThousand, 'f', 1)
        << "% of a core per 1,000 req/s\n";
    out.flush();

    const WrkRun wrk = runWrk(url, seconds, rate, connections, dir.filePath(QStringLiteral("pace.lua")));
    if (!wrk.ran) {
        out << "wrk: did not run (apt-get install wrk)\n" << wrk.raw;
        return 0;
    }
    out << "wrk (closed loop, " << connections << " connections paced to ~" << rate
        << "/s): " << QString::number(wrk.requestsPerSecond, 'f', 0) << " req/s, p50 " << QString::number(wrk.p50Ms, 'f', 2)
        << " ms, p99 " << QString::number(wrk.p99Ms, 'f', 2) << " ms\n";
    const double serveDeckP50 = double(r.total.latency.percentileNs(50)) / 1e6;
    const double serveDeckP99 = double(r.total.latency.percentileNs(99)) / 1e6;
    out << "ratio ServeDeck/wrk: throughput " << QString::number(achieved / wrk.requestsPerSecond, 'f', 2) << ", p50 "
        << QString::number(wrk.p50Ms > 0 ? serveDeckP50 / wrk.p50Ms : 0, 'f', 2) << ", p99 "
        << QString::number(wrk.p99Ms > 0 ? serveDeckP99 / wrk.p99Ms : 0, 'f', 2) << '\n';
    return 0;
}
