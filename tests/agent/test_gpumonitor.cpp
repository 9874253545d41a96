// GPU discovery off the control thread: the agent's status never waits on nvidia-smi, a hung
// nvidia-smi is killed and reported while the monitor goes on, NVML is read first where it loads.
// nvidia-smi is a real stand-in script first on PATH; NVML a real shared library (fakenvml.cpp).
#include <csignal>
#include <dlfcn.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "agent/agentcertificate.h"
#include "agent/agentgateway.h"
#include "agent/gpumonitor.h"
#include "agent/localagent.h"
#include "agent/remoteagentrunner.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

// One GPU, as `nvidia-smi --query-gpu=... --format=csv,noheader,nounits` prints it.
constexpr char kSmiLine[] = "0, GPU-5a1c7d7e-3f0e-2c3b-9d8e-0b1a2c3d4e5f, NVIDIA Stand-in 24GB, 24576, 1024, 37";
// Twenty status calls must take far less than one 300 ms stand-in call: a bound, not a benchmark.
constexpr qint64 kNoWaitBoundMs = 150;
constexpr int kWaitMs = 10000;

GpuMonitorOptions smiOnly(int intervalMs, int timeoutMs)
{
    GpuMonitorOptions options;
    options.intervalMs = intervalMs;
    options.discovery.timeoutMs = timeoutMs;
    options.discovery.nvmlLibrary.clear();  // this machine's NVML, if any, is not what is tested
    return options;
}

// Waits for the next reading that satisfies `pass`, taking readings off the monitor's signal
// in order (those before it are consumed too, so the next call looks only at later ones).
template<typename Pass>
std::optional<GpuReading> readingWhere(QSignalSpy &spy, Pass pass)
{
    QElapsedTimer waited;
    waited.start();
    while (waited.elapsed() < kWaitMs) {
        while (!spy.isEmpty()) {
            const auto reading = spy.takeFirst().at(0).value<GpuReading>();
            if (pass(reading))
                return reading;
        }
        spy.wait(int(std::max<qint64>(1, kWaitMs - waited.elapsed())));
    }
    return std::nullopt;
}

} // namespace

class TestGpuMonitor final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_bin;
    QByteArray m_path;

    // Writes the stand-in whole and renames it into place, so a run in progress reads either
    // the old script or the new one.
    void writeSmi(const QByteArray &body)
    {
        const QString target = m_bin.filePath(u"nvidia-smi"_s);
        QFile f(target + u".new"_s);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("#!/bin/sh\n" + body);
        f.close();
        QVERIFY(f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        QVERIFY(::rename(QFile::encodeName(f.fileName()).constData(), QFile::encodeName(target).constData()) == 0);
    }

    static void checkStandInGpu(const GpuReading &reading)
    {
        QCOMPARE(reading.source, GpuReading::Source::NvidiaSmi);
        QCOMPARE(reading.gpus.size(), 1);
        QCOMPARE(reading.gpus[0].index, 0);
        QCOMPARE(reading.gpus[0].name, u"NVIDIA Stand-in 24GB"_s);
        QCOMPARE(reading.gpus[0].memoryTotalBytes, qint64(24576) << 20);
        QCOMPARE(reading.gpus[0].memoryUsedBytes, qint64(1024) << 20);
        QCOMPARE(reading.gpus[0].utilizationPercent, 37);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_bin.isValid());
        m_path = qgetenv("PATH");
        qputenv("PATH", QFile::encodeName(m_bin.path()) + ':' + m_path);
    }

    void cleanup()
    {
        QFile::remove(m_bin.filePath(u"nvidia-smi"_s));
    }

    void cleanupTestCase()
    {
        qputenv("PATH", m_path);
    }

    // (a) A stand-in that takes 300 ms per call: status() answers from the cache meanwhile.
    void statusDoesNotWaitOnSlowNvidiaSmi()
    {
        writeSmi("sleep 0.3\necho '" + QByteArray(kSmiLine) + "'\n");
        // Polling back to back, so a call is in progress nearly all the time.
        LocalAgent agent(u"local"_s, smiOnly(50, 2000));
        QSignalSpy spy(&agent.gpuMonitor(), &GpuMonitor::readingUpdated);

        QElapsedTimer loop;
        loop.start();
        for (int i = 0; i < 20; ++i)
            (void)agent.status();
        QVERIFY2(loop.elapsed() < kNoWaitBoundMs, qPrintable(u"20 status calls took %1 ms"_s.arg(loop.elapsed())));

        const auto reading = readingWhere(spy, [](const GpuReading &r) { return r.hasAnswer(); });
        QVERIFY(reading);
        QVERIFY2(reading->error.isEmpty(), qPrintable(reading->error));
        checkStandInGpu(*reading);
        QCOMPARE(agent.status().gpus.size(), 1);
        QCOMPARE(agent.status().gpus[0].uuid, u"GPU-5a1c7d7e-3f0e-2c3b-9d8e-0b1a2c3d4e5f"_s);
        QCOMPARE(agent.status().capacity.total.gpu, 1.0);

        // And again while the next calls run.
        loop.restart();
        for (int i = 0; i < 20; ++i)
            QCOMPARE(agent.status().gpus.size(), 1);
        QVERIFY2(loop.elapsed() < kNoWaitBoundMs, qPrintable(u"20 status calls took %1 ms"_s.arg(loop.elapsed())));
    }

    // (b) A stand-in that hangs is killed at the timeout and reported; the last good list stays
    // with its age, the monitor goes on, and it recovers when nvidia-smi answers again.
    void hungNvidiaSmiIsKilledAndReported()
    {
        writeSmi("echo '" + QByteArray(kSmiLine) + "'\n");
        GpuMonitor monitor(smiOnly(100, 500));
        QSignalSpy spy(&monitor, &GpuMonitor::readingUpdated);
        const auto good = readingWhere(spy, [](const GpuReading &r) { return r.hasAnswer() && r.error.isEmpty(); });
        QVERIFY(good);
        checkStandInGpu(*good);

        const QString pids = m_bin.filePath(u"pids"_s);
        writeSmi("echo $$ >> '" + QFile::encodeName(pids) + "'\nexec sleep 60\n");
        const auto hung = readingWhere(spy, [](const GpuReading &r) { return !r.error.isEmpty(); });
        QVERIFY(hung);
        QVERIFY2(hung->error.contains(u"did not answer within 500 ms and was killed"_s), qPrintable(hung->error));
        checkStandInGpu(*hung);  // the last good list, not "no GPUs"
        QVERIFY2(hung->ageMs() >= 400, qPrintable(QString::number(hung->ageMs())));

        // The one that hung is gone (killed and reaped), not left running.
        QFile pidFile(pids);
        QVERIFY(pidFile.open(QIODevice::ReadOnly));
        const qint64 firstPid = pidFile.readLine().trimmed().toLongLong();
        QVERIFY(firstPid > 0);
        QTRY_VERIFY_WITH_TIMEOUT(::kill(pid_t(firstPid), 0) != 0 && errno == ESRCH, kWaitMs);

        // The control thread never waits while the next hung call is in progress.
        QElapsedTimer loop;
        loop.start();
        for (int i = 0; i < 20; ++i)
            QCOMPARE(monitor.latest().gpus.size(), 1);
        QVERIFY2(loop.elapsed() < kNoWaitBoundMs, qPrintable(u"20 latest() calls took %1 ms"_s.arg(loop.elapsed())));

        // It keeps trying: another overdue attempt is reported, then a good one once it answers.
        const int attemptsSoFar = hung->attempts;
        QVERIFY(readingWhere(spy, [&](const GpuReading &r) { return !r.error.isEmpty() && r.attempts > attemptsSoFar; }));
        writeSmi("echo '" + QByteArray(kSmiLine) + "'\n");
        const auto back = readingWhere(spy, [](const GpuReading &r) { return r.error.isEmpty(); });
        QVERIFY(back);
        checkStandInGpu(*back);
        QVERIFY(back->ageMs() < 400);
    }

    // A failing nvidia-smi (no driver) is reported with what it said; no GPU is listed.
    void failingNvidiaSmiIsReported()
    {
        writeSmi("echo \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\"\nexit 9\n");
        GpuMonitor monitor(smiOnly(100, 2000));
        QSignalSpy spy(&monitor, &GpuMonitor::readingUpdated);
        const auto reading = readingWhere(spy, [](const GpuReading &r) { return r.attempts > 0; });
        QVERIFY(reading);
        QVERIFY2(reading->error.contains(u"exited with code 9: NVIDIA-SMI has failed"_s), qPrintable(reading->error));
        QVERIFY(!reading->hasAnswer());
        QVERIFY(reading->gpus.isEmpty());
    }

    // Neither NVML nor nvidia-smi: no GPUs, a normal answer and no error.
    void noSourceMeansNoGpus()
    {
        // PATH is the stand-in folder alone (without a stand-in), so a GPU machine's real
        // nvidia-smi is not found either.
        qputenv("PATH", QFile::encodeName(m_bin.path()));
        const auto restorePath = qScopeGuard([&] { qputenv("PATH", QFile::encodeName(m_bin.path()) + ':' + m_path); });
        GpuMonitorOptions options = smiOnly(100, 2000);
        options.discovery.nvmlLibrary = m_bin.filePath(u"libnvidia-ml.so.1"_s);  // not there
        GpuMonitor monitor(options);
        QSignalSpy spy(&monitor, &GpuMonitor::readingUpdated);
        const auto reading = readingWhere(spy, [](const GpuReading &r) { return r.attempts > 0; });
        QVERIFY(reading);
        QVERIFY2(reading->error.isEmpty(), qPrintable(reading->error));
        QVERIFY(reading->hasAnswer());
        QCOMPARE(reading->source, GpuReading::Source::None);
        QVERIFY(reading->gpus.isEmpty());
        QVERIFY2(reading->nvmlUnavailable.contains(u"cannot load"_s), qPrintable(reading->nvmlUnavailable));
    }

    // (c) NVML first where it loads: the stand-in library's two GPUs, and nvidia-smi not run.
    void nvmlIsReadFirst()
    {
        const QString ran = m_bin.filePath(u"smi-ran"_s);
        writeSmi("touch '" + QFile::encodeName(ran) + "'\necho '" + QByteArray(kSmiLine) + "'\n");
        void *fake = ::dlopen(FAKE_NVML_PATH, RTLD_NOW | RTLD_LOCAL);
        QVERIFY2(fake, ::dlerror());
        const auto openCount = reinterpret_cast<int (*)()>(::dlsym(fake, "fakeNvmlOpenCount"));
        QVERIFY(openCount);
        {
            GpuMonitorOptions options = smiOnly(100, 2000);
            options.discovery.nvmlLibrary = QString::fromUtf8(FAKE_NVML_PATH);
            GpuMonitor monitor(options);
            QSignalSpy spy(&monitor, &GpuMonitor::readingUpdated);
            const auto reading = readingWhere(spy, [](const GpuReading &r) { return r.attempts >= 2; });
            QVERIFY(reading);
            QVERIFY2(reading->error.isEmpty(), qPrintable(reading->error));
            QVERIFY2(reading->nvmlUnavailable.isEmpty(), qPrintable(reading->nvmlUnavailable));
            QCOMPARE(reading->source, GpuReading::Source::Nvml);
            QCOMPARE(reading->gpus.size(), 2);
            QCOMPARE(reading->gpus[0].index, 0);
            QCOMPARE(reading->gpus[0].name, u"NVIDIA Fake A100 80GB"_s);
            QCOMPARE(reading->gpus[0].uuid, u"GPU-0a0a0a0a-1111-2222-3333-444444444444"_s);
            QCOMPARE(reading->gpus[0].memoryTotalBytes, qint64(81920) << 20);
            QCOMPARE(reading->gpus[0].memoryUsedBytes, qint64(10240) << 20);
            QCOMPARE(reading->gpus[0].utilizationPercent, 42);
            QCOMPARE(reading->gpus[1].index, 1);
            QCOMPARE(reading->gpus[1].name, u"NVIDIA Fake L4"_s);
            QCOMPARE(reading->gpus[1].memoryTotalBytes, qint64(23034) << 20);
            QCOMPARE(reading->gpus[1].utilizationPercent, 7);
            QCOMPARE(openCount(), 1);  // initialized once, not per reading
        }
        QCOMPARE(openCount(), 0);  // and shut down with the monitor
        QVERIFY(!QFile::exists(ran));
        ::dlclose(fake);
    }

    // NVML present but without a driver behind it: nvidia-smi answers instead, and why is said.
    void nvmlWithoutDriverFallsBackToNvidiaSmi()
    {
        writeSmi("echo '" + QByteArray(kSmiLine) + "'\n");
        void *fake = ::dlopen(FAKE_NVML_PATH, RTLD_NOW | RTLD_LOCAL);
        QVERIFY2(fake, ::dlerror());
        const auto setInitResult = reinterpret_cast<void (*)(int)>(::dlsym(fake, "fakeNvmlSetInitResult"));
        QVERIFY(setInitResult);
        setInitResult(9);  // NVML_ERROR_DRIVER_NOT_LOADED
        {
            GpuMonitorOptions options = smiOnly(100, 2000);
            options.discovery.nvmlLibrary = QString::fromUtf8(FAKE_NVML_PATH);
            GpuMonitor monitor(options);
            QSignalSpy spy(&monitor, &GpuMonitor::readingUpdated);
            const auto reading = readingWhere(spy, [](const GpuReading &r) { return r.attempts > 0; });
            QVERIFY(reading);
            QVERIFY2(reading->error.isEmpty(), qPrintable(reading->error));
            checkStandInGpu(*reading);
            QVERIFY2(reading->nvmlUnavailable.contains(u"nvmlInit_v2 failed: Driver Not Loaded (9)"_s),
                     qPrintable(reading->nvmlUnavailable));
        }
        setInitResult(0);
        ::dlclose(fake);
    }

    // A remote agent joins once its first reading is in, so the plane sees its GPUs from the
    // hello on, not from the first status report a second later.
    void remoteAgentJoinsWithItsGpus()
    {
        writeSmi("sleep 0.3\necho '" + QByteArray(kSmiLine) + "'\n");
        QTemporaryDir tlsDir;
        QVERIFY(tlsDir.isValid());
        const auto tls = AgentCertificate::loadOrCreate(tlsDir.path(), {u"127.0.0.1"_s});
        QVERIFY2(tls, tls ? "" : qPrintable(tls.error().message));
        AgentGateway gateway("join-secret-0123456789");
        gateway.setTlsConfiguration(tls->serverConfiguration());
        QVERIFY(gateway.listen(QHostAddress::LocalHost, 0));
        RemoteAgentRunner runner(QUrl(u"wss://127.0.0.1:%1"_s.arg(gateway.port())), "join-secret-0123456789", u"gpu-box"_s);
        runner.setPinnedSha256(tls->sha256());
        std::optional<AgentStatus> atJoin;
        connect(&gateway, &AgentGateway::agentJoined, this, [&](AgentConnector *agent) {
            if (!atJoin)
                atJoin = agent->status();  // what the hello said, before any status report
        });
        runner.start();
        QTRY_VERIFY_WITH_TIMEOUT(atJoin.has_value(), kWaitMs);
        // The stand-in's one, or NVML's on a GPU machine.
        QTRY_VERIFY_WITH_TIMEOUT(!runner.agent().gpuMonitor().latest().gpus.isEmpty(), kWaitMs);
        const QList<GpuInfo> read = runner.agent().gpuMonitor().latest().gpus;
        QCOMPARE(atJoin->gpus.size(), read.size());
        QCOMPARE(atJoin->gpus[0].uuid, read[0].uuid);
        QCOMPARE(atJoin->capacity.total.gpu, double(read.size()));
    }

    // GPU replicas get devices of their own from what the monitor read (no --capacity given),
    // even when asked for before its first reading is in.
    void gpuReplicasGetDevicesFromTheReading()
    {
        GpuMonitorOptions options = smiOnly(1000, 2000);
        options.discovery.nvmlLibrary = QString::fromUtf8(FAKE_NVML_PATH);
        QTemporaryDir out;
        QVERIFY(out.isValid());
        LocalAgent agent(u"local"_s, options);
        const auto spec = [&](int n) {
            ReplicaSpec s;
            s.routeId = QUuid::createUuid();
            s.program = u"/bin/sh"_s;
            s.arguments = {u"-c"_s, u"echo \"$CUDA_VISIBLE_DEVICES\" > '%1'; exec sleep 30"_s.arg(out.filePath(QString::number(n)))};
            s.gpuCount = 1;
            s.gracePeriodMs = 1000;
            return s;
        };
        QVERIFY(agent.start(spec(0)).ok());
        QVERIFY(agent.start(spec(1)).ok());
        const auto third = agent.start(spec(2));
        QVERIFY(!third.ok());
        QCOMPARE(third.error().type, ErrorType::InsufficientResources);
        QVERIFY2(third.error().message.contains(u"0 of 2 are free"_s), qPrintable(third.error().message));
        const auto visible = [&](int n) {
            QFile f(out.filePath(QString::number(n)));
            return f.open(QIODevice::ReadOnly) ? f.readAll().trimmed() : QByteArray();
        };
        QTRY_COMPARE_WITH_TIMEOUT(visible(0), QByteArray("0"), kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(visible(1), QByteArray("1"), kWaitMs);
        agent.stopAll(3000);
    }
};

QTEST_GUILESS_MAIN(TestGpuMonitor)
#include "test_gpumonitor.moc"
