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
