// The agent's pure parts: the bounded log tail and the exit classification table.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include "agent/cgroupmemorylimit.h"
#include "agent/exitclassifier.h"
#include "agent/gpudiscovery.h"
#include "agent/logtail.h"

using namespace ServeDeck;

class TestAgentUnits final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void logTailKeepsTheEnd()
    {
        LogTail tail;
        for (int i = 0; i < 1000; ++i)
            tail.append(QByteArray("line ") + QByteArray::number(i) + '\n');
        const QStringList lines = tail.lines();
        QCOMPARE(lines.size(), LogTail::kMaxLines);
        QCOMPARE(lines.last(), QStringLiteral("line 999"));
        QCOMPARE(lines.first(), QStringLiteral("line %1").arg(1000 - LogTail::kMaxLines));
    }

    void logTailJoinsSplitLines()
    {
        LogTail tail;
        tail.append("RuntimeError: CUDA out");
        tail.append(" of memory. Tried to allocate 2.00 GiB\r\nnext");
        QCOMPARE(tail.lines(), (QStringList{QStringLiteral("RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB"),
                                            QStringLiteral("next")}));
        QVERIFY(tail.contains(QStringLiteral("cuda OUT OF MEMORY")));
    }

    void logTailBoundsBytes()
    {
        LogTail tail;
        const QByteArray big(LogTail::kMaxBytes / 4, 'x');
        for (int i = 0; i < 20; ++i)
            tail.append(big + '\n');
        qsizetype bytes = 0;
        for (const QString &l : tail.lines())
            bytes += l.size();
        QVERIFY(bytes <= LogTail::kMaxBytes);
        // A process that never ends its line is bounded too, and keeps its newest bytes.
        LogTail endless;
        for (int i = 0; i < 20; ++i)
            endless.append(big);
        endless.append("END");
        QVERIFY(endless.text().size() <= LogTail::kMaxBytes);
        QVERIFY(endless.text().endsWith(QStringLiteral("END")));
    }

    void classify_data()
    {
        QTest::addColumn<bool>("requested");
        QTest::addColumn<bool>("everHealthy");
        QTest::addColumn<bool>("memoryLimitHit");
        QTest::addColumn<bool>("healthGaveUp");
        QTest::addColumn<bool>("startTimedOut");
        QTest::addColumn<bool>("failedToLaunch");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<int>("signal");  // 0: none
        QTest::addColumn<QByteArray>("log");
        QTest::addColumn<QString>("kind");  // empty: no error

        QTest::newRow("scaled down, SIGTERM") << true << true << false << false << false << false << 0 << 15 << QByteArray() << "";
        QTest::newRow("scaled down, exit 0") << true << true << false << false << false << false << 0 << 0 << QByteArray() << "";
        QTest::newRow("over memory limit") << false << true << true << false << false << false << 0 << 9 << QByteArray() << "OOMKilled";
        QTest::newRow("over memory while stopping") << true << true << true << false << false << false << 0 << 9 << QByteArray() << "OOMKilled";
        QTest::newRow("cuda oom in log") << false << false << false << false << false << false << 1 << 0
                                         << QByteArray("RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB\n") << "CudaOutOfMemory";
        QTest::newRow("cuda error variant") << false << true << false << false << false << false << 1 << 0
                                            << QByteArray("CUDA error: out of memory\n") << "CudaOutOfMemory";
        QTest::newRow("exit 1 at start") << false << false << false << false << false << false << 1 << 0 << QByteArray() << "StartFailed";
        QTest::newRow("not executable") << false << false << false << false << false << true << -1 << 0 << QByteArray() << "StartFailed";
        QTest::newRow("health answered wrong") << false << false << false << true << false << false << 0 << 9 << QByteArray() << "HealthCheckFailed";
        QTest::newRow("never answered") << false << false << false << false << true << false << 0 << 9 << QByteArray() << "Timeout";
        QTest::newRow("killed -9 while serving") << false << true << false << false << false << false << 0 << 9 << QByteArray() << "Crashed";
        QTest::newRow("abort while serving") << false << true << false << false << false << false << 0 << 6 << QByteArray() << "Crashed";
        QTest::newRow("exit 0 unasked") << false << true << false << false << false << false << 0 << 0 << QByteArray() << "Crashed";
    }

    void classify()
    {
        QFETCH(bool, requested);
        QFETCH(bool, everHealthy);
        QFETCH(bool, memoryLimitHit);
        QFETCH(bool, healthGaveUp);
        QFETCH(bool, startTimedOut);
        QFETCH(bool, failedToLaunch);
        QFETCH(int, exitCode);
        QFETCH(int, signal);
        QFETCH(QByteArray, log);
        QFETCH(QString, kind);
        ExitFacts facts;
        facts.requested = requested;
        facts.everHealthy = everHealthy;
        facts.memoryLimitHit = memoryLimitHit;
        facts.healthGaveUp = healthGaveUp;
        facts.startTimedOut = startTimedOut;
        facts.failedToLaunch = failedToLaunch;
        facts.exitCode = exitCode;
        if (signal)
            facts.signal = signal;
        LogTail tail;
        tail.append(log);
        QCOMPARE(classifyExit(facts, tail).value_or(QString()), kind);
    }

    // Real runtimes' out-of-memory lines: the device and the size where they say them.
    void cudaOomDetails_data()
    {
        QTest::addColumn<QByteArray>("log");
        QTest::addColumn<QString>("visible");   // CUDA_VISIBLE_DEVICES
        QTest::addColumn<int>("device");        // -1: not said
        QTest::addColumn<qint64>("bytes");      // -1: not said
        QTest::addColumn<QString>("described");
        QTest::newRow("PyTorch 1.x/2.0") << QByteArray(
            "Traceback (most recent call last):\n"
            "  File \"/opt/app/serve.py\", line 41, in load\n"
            "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 23.65 GiB total capacity; 21.03 GiB "
            "already allocated; 1.50 GiB free; 21.50 GiB reserved in total by PyTorch) If reserved memory is >> allocated "
            "memory try setting max_split_size_mb to avoid fragmentation.  See documentation for Memory Management and "
            "PYTORCH_CUDA_ALLOC_CONF\n")
            << "0" << 0 << (qint64(2) << 30) << "CUDA out of memory on device 0: tried to allocate 2 GiB";
        QTest::newRow("PyTorch 2.1+") << QByteArray(
            "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 896.00 MiB. GPU 1 has a total capacity of "
            "79.15 GiB of which 512.31 MiB is free. Including non-PyTorch memory, this process has 78.62 GiB memory in "
            "use. Of the allocated memory 77.90 GiB is allocated by PyTorch, and 215.07 MiB is reserved by PyTorch but "
            "unallocated.\n")
            << "2,5" << 1 << (qint64(896) << 20)
            << "CUDA out of memory on device 5 (GPU 1 as the runtime counts): tried to allocate 896 MiB";
        QTest::newRow("bare CUDA error") << QByteArray(
            "RuntimeError: CUDA error: out of memory\n"
            "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might "
            "be incorrect.\n"
            "For debugging consider passing CUDA_LAUNCH_BLOCKING=1.\n")
            << "0" << -1 << qint64(-1) << "CUDA out of memory";
        QTest::newRow("demo model server") << QByteArray(
            "CUDA error: out of memory. Tried to allocate 204800 MiB (GPU 0; 143771 MiB total capacity; NVIDIA H200)\n")
            << "3" << 0 << (qint64(200) << 30) << "CUDA out of memory on device 3 (GPU 0 as the runtime counts): tried to allocate 200 GiB";
        QTest::newRow("the last report wins") << QByteArray(
            "RuntimeError: CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0; 7.79 GiB total capacity)\n"
            "retrying with a smaller batch\n"
            "RuntimeError: CUDA out of memory. Tried to allocate 10.00 MiB (GPU 0; 7.79 GiB total capacity)\n")
            << "" << 0 << (qint64(10) << 20) << "CUDA out of memory on device 0: tried to allocate 10 MiB";
    }

    void cudaOomDetails()
    {
        QFETCH(QByteArray, log);
        QFETCH(QString, visible);
        QFETCH(int, device);
        QFETCH(qint64, bytes);
        QFETCH(QString, described);
        LogTail tail;
        tail.append(log);
        QCOMPARE(classifyExit(ExitFacts{}, tail).value_or(QString()), QStringLiteral("CudaOutOfMemory"));
        const CudaOomDetails details = ServeDeck::cudaOomDetails(tail);
        QCOMPARE(details.device.value_or(-1), device);
        QCOMPARE(details.requestedBytes.value_or(-1), bytes);
        QCOMPARE(describeCudaOom(details, visible), described);
    }

    // nvidia-smi's own output for `--format=csv,noheader,nounits` (values in MiB and percent).
    void gpuQueryParses()
    {
        const QByteArray csv = "0, GPU-5a1c7d7e-3f0e-2c3b-9d8e-0b1a2c3d4e5f, NVIDIA H100 80GB HBM3, 81559, 3, 0\n"
                               "1, GPU-7b2d8e8f-4a1f-3d4c-0e9f-1c2b3d4e5f60, NVIDIA H100 80GB HBM3, 81559, 40960, 87\n";
        const QList<GpuInfo> gpus = GpuDiscovery::parse(csv);
        QCOMPARE(gpus.size(), 2);
        QCOMPARE(gpus[1].index, 1);
        QCOMPARE(gpus[1].name, QStringLiteral("NVIDIA H100 80GB HBM3"));
        QCOMPARE(gpus[1].memoryTotalBytes, qint64(81559) << 20);
        QCOMPARE(gpus[1].memoryUsedBytes, qint64(40960) << 20);
        QCOMPARE(gpus[1].utilizationPercent, 87);
    }

    void gpuQuerySkipsWhatItCannotRead()
    {
        QVERIFY(GpuDiscovery::parse("").isEmpty());
        QVERIFY(GpuDiscovery::parse("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n").isEmpty());
        const auto gpus = GpuDiscovery::parse("0, GPU-x, Tesla T4, 15360, [N/A], [N/A]\nnot, a, gpu\n");
        QCOMPARE(gpus.size(), 1);
        QCOMPARE(gpus[0].utilizationPercent, 0);
    }

    // The cgroup v2 path logic on a hierarchy laid out in a temporary folder: the kernel's own
    // enforcement cannot be shown on a machine without cgroup v2, but where the agent looks,
    // what it refuses and what it writes can.
    void cgroupDelegationIsRequired()
    {
        QTemporaryDir root;
        QVERIFY(root.isValid());
        const auto write = [&](const QString &rel, const QByteArray &text) {
            QDir().mkpath(QFileInfo(root.filePath(rel)).path());
            QFile f(root.filePath(rel));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text);
        };
        CgroupMemoryLimit::Hierarchy h{root.path(), QStringLiteral("0::/user.slice/servedeck.service\n")};
        QString why;
        QVERIFY(!CgroupMemoryLimit::delegatedBase(h, &why));
        QVERIFY2(why.contains(QStringLiteral("no cgroup v2")), qPrintable(why));

        write(QStringLiteral("cgroup.controllers"), "cpu memory pids\n");
        write(QStringLiteral("user.slice/servedeck.service/cgroup.subtree_control"), "cpu pids\n");
        QVERIFY(!CgroupMemoryLimit::delegatedBase(h, &why));
        QVERIFY2(why.contains(QStringLiteral("not delegated")), qPrintable(why));

        // cgroup v1 only: no unified line at all.
        CgroupMemoryLimit::Hierarchy v1{root.path(), QStringLiteral("4:memory:/x\n3:cpuset:/\n")};
        QVERIFY(!CgroupMemoryLimit::delegatedBase(v1, &why));
        QVERIFY2(why.contains(QStringLiteral("not in a cgroup v2")), qPrintable(why));

        write(QStringLiteral("user.slice/servedeck.service/cgroup.subtree_control"), "cpu memory pids\n");
        const auto base = CgroupMemoryLimit::delegatedBase(h, &why);
        QVERIFY2(base, qPrintable(why));
        QCOMPARE(*base, root.filePath(QStringLiteral("user.slice/servedeck.service")));

        auto limit = CgroupMemoryLimit::create(*base, QStringLiteral("replica-a"), qint64(256) << 20, &why);
        QVERIFY2(limit, qPrintable(why));
        QFile max(*base + QStringLiteral("/replica-a/memory.max"));
        QVERIFY(max.open(QIODevice::ReadOnly));
        QCOMPARE(max.readAll(), QByteArray::number(qint64(256) << 20));
        QCOMPARE(limit->procsPath(), QFile::encodeName(*base + QStringLiteral("/replica-a/cgroup.procs")));
        QCOMPARE(limit->oomKills(), 0);
        write(QStringLiteral("user.slice/servedeck.service/replica-a/memory.events"), "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\n");
        QCOMPARE(limit->oomKills(), 1);
    }

    // This machine: whatever it has, discovery answers (no GPU is a normal answer) and never hangs.
    void discoveryOnThisMachine()
    {
        const QList<GpuInfo> gpus = GpuDiscovery::discover();
        for (const GpuInfo &gpu : gpus)
            QVERIFY(gpu.memoryTotalBytes > 0);
    }
};

QTEST_APPLESS_MAIN(TestAgentUnits)
#include "test_agentunits.moc"
