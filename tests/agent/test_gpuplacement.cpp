// GPU memory as a resource: which device a replica goes on (GpuPlacement, data-driven), real
// replica processes that share one configured device by gpu_memory and see it in their
// environment and arguments, a third that does not fit, and per-process GPU memory read through
// NVML's stand-in (fakenvml.cpp: no GPU in CI).
#include <dlfcn.h>

#include <QFile>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "agent/agentprotocol.h"
#include "agent/capacity.h"
#include "agent/gpuplacement.h"
#include "agent/localagent.h"
#include "agent/replicaprocess.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kGiB = qint64(1) << 30;
constexpr int kWaitMs = 10000;

// Neither this machine's NVML nor its nvidia-smi: the configured capacity is what is tested.
GpuMonitorOptions noGpuReader()
{
    GpuMonitorOptions options;
    options.discovery.nvmlLibrary.clear();
    options.discovery.nvidiaSmi = u"/nonexistent/nvidia-smi"_s;
    return options;
}

} // namespace

class TestGpuPlacement final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_out;

    // A replica that writes what it sees (devices, arguments) and stays, holding its share.
    ReplicaSpec sharer(const QString &name, qint64 gpuMemoryBytes)
    {
        ReplicaSpec s;
        s.routeId = QUuid::createUuid();
        s.program = u"/bin/sh"_s;
        s.arguments = {u"-c"_s, u"echo \"$CUDA_VISIBLE_DEVICES $*\" > '%1'; exec sleep 30"_s.arg(m_out.filePath(name)),
                       u"sh"_s};
        s.gpuMemoryBytes = gpuMemoryBytes;
        s.gpuMemoryArguments = {u"--gpu-memory-utilization"_s, u"{gpu_memory_fraction}"_s};
        s.gracePeriodMs = 1000;
        return s;
    }

    QByteArray seen(const QString &name) const
    {
        QFile f(m_out.filePath(name));
        return f.open(QIODevice::ReadOnly) ? f.readAll().trimmed() : QByteArray();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_out.isValid()); }

    void placement_data()
    {
        QTest::addColumn<QList<qint64>>("deviceGiB");    // each device's memory
        QTest::addColumn<QList<qint64>>("usedGiB");      // in use per NVML
        QTest::addColumn<QList<int>>("heldGpus");        // replicas already there: gpu count ...
        QTest::addColumn<QList<qint64>>("heldGiB");      // ... and gpu_memory (0: none)
        QTest::addColumn<int>("gpus");
        QTest::addColumn<qint64>("askGiB");
        QTest::addColumn<QList<int>>("expected");        // empty: InsufficientResources
        QTest::addColumn<QString>("message");

        using L = QList<qint64>;
        using I = QList<int>;
        QTest::newRow("two sharers fit one device") << L{24} << L{0} << I{0} << L{10} << 0 << qint64(10) << I{0} << "";
        QTest::newRow("gpu=1 with gpu_memory shares") << L{24} << L{0} << I{1} << L{10} << 1 << qint64(10) << I{0} << "";
        QTest::newRow("third sharer is short") << L{24} << L{0} << I{0, 0} << L{10, 10} << 0 << qint64(10) << I{}
                                               << "device 0 (24 GiB): 4 GiB free, the replica needs 10 GiB, 6 GiB short";
        QTest::newRow("fullest device that fits") << L{80, 24} << L{0, 0} << I{0} << L{10} << 0 << qint64(12) << I{1} << "";
        QTest::newRow("used per NVML counts") << L{24} << L{20} << I{} << L{} << 0 << qint64(10) << I{}
                                              << "device 0 (24 GiB): 4 GiB free, the replica needs 10 GiB, 6 GiB short";
        QTest::newRow("promised and used are not added") << L{24} << L{8} << I{0} << L{10} << 0 << qint64(10) << I{0} << "";
        QTest::newRow("a whole device is not shared") << L{24} << L{0} << I{1} << L{0} << 0 << qint64(1) << I{}
                                                      << "device 0 (24 GiB): 0 bytes free";
        QTest::newRow("a shared device is not taken whole") << L{24, 24} << L{0, 0} << I{0} << L{10} << 1 << qint64(0)
                                                            << I{1} << "";
        QTest::newRow("whole devices, none free") << L{24} << L{0} << I{0} << L{1} << 1 << qint64(0) << I{}
                                                  << "the replica needs 1 GPU(s); 0 of 1 are free";
        QTest::newRow("memory not known") << L{0} << L{0} << I{} << L{} << 0 << qint64(1) << I{}
                                          << "device 0 (memory not known): 0 bytes free";
        QTest::newRow("no device at all") << L{} << L{} << I{} << L{} << 0 << qint64(1) << I{}
                                          << "no GPU for a replica that needs 1 GiB of GPU memory";
    }

    void placement()
    {
        QFETCH(QList<qint64>, deviceGiB);
        QFETCH(QList<qint64>, usedGiB);
        QFETCH(QList<int>, heldGpus);
        QFETCH(QList<qint64>, heldGiB);
        QFETCH(int, gpus);
        QFETCH(qint64, askGiB);
        QFETCH(QList<int>, expected);
        QFETCH(QString, message);
        QList<GpuDevice> devices;
        for (int i = 0; i < deviceGiB.size(); ++i)
            devices.append({i, deviceGiB[i] * kGiB, usedGiB.value(i) * kGiB});
        GpuPlacement placement(devices);
        for (int i = 0; i < heldGpus.size(); ++i)
            QVERIFY(placement.place(heldGpus[i], heldGiB[i] * kGiB).ok());
        const auto chosen = placement.choose(gpus, askGiB * kGiB);
        if (expected.isEmpty()) {
            QVERIFY(!chosen.ok());
            QCOMPARE(chosen.error().type, ErrorType::InsufficientResources);
            QVERIFY2(chosen.error().message.startsWith(message), qPrintable(chosen.error().message));
        } else {
            QVERIFY2(chosen.ok(), chosen.ok() ? "" : qPrintable(chosen.error().message));
            QCOMPARE(*chosen, expected);
        }
    }

    void capacity_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<double>("gpus");
        QTest::addColumn<QList<qint64>>("deviceBytes");
        QTest::newRow("two devices of 24G") << u"gpu=2,gpu_memory=24G"_s << true << 2.0 << QList<qint64>{24 * kGiB, 24 * kGiB};
        QTest::newRow("binary units") << u"gpu=1,gpu_memory=1.5GiB"_s << true << 1.0 << QList<qint64>{3 * (kGiB / 2)};
        QTest::newRow("devices without memory") << u"gpu=1"_s << true << 1.0 << QList<qint64>{0};
        QTest::newRow("no GPU") << u"gpu=0,gpu_memory=24G"_s << false << 0.0 << QList<qint64>{};
        QTest::newRow("gpu_memory alone") << u"gpu_memory=24G"_s << false << 0.0 << QList<qint64>{};
        QTest::newRow("negative") << u"gpu=1,gpu_memory=-24G"_s << false << 0.0 << QList<qint64>{};
        QTest::newRow("garbage") << u"gpu=1,gpu_memory=lots"_s << false << 0.0 << QList<qint64>{};
        QTest::newRow("zero") << u"gpu=1,gpu_memory=0"_s << false << 0.0 << QList<qint64>{};
    }

    // --capacity's gpu_memory is each device's memory; bad values are InvalidArgument.
    void capacity()
    {
        QFETCH(QString, spec);
        QFETCH(bool, valid);
        QFETCH(double, gpus);
        QFETCH(QList<qint64>, deviceBytes);
        Capacity base;  // a machine without GPUs, whatever this one has
        base.total = {4, 8 * kGiB, 0};
        const auto parsed = Capacity::parse(spec, base);
        QCOMPARE(parsed.ok(), valid);
        if (!valid) {
            QCOMPARE(parsed.error().type, ErrorType::InvalidArgument);
            return;
        }
        QCOMPARE(parsed->total.gpu, gpus);
        QCOMPARE(parsed->deviceMemoryBytes, deviceBytes);
        qint64 sum = 0;
        for (qint64 bytes : deviceBytes)
            sum += bytes;
        QCOMPARE(parsed->total.gpuMemoryBytes, sum);
        QCOMPARE(parsed->total.cpu, 4.0);
    }

    void memoryFraction_data()
    {
        QTest::addColumn<qint64>("needed");
        QTest::addColumn<qint64>("total");
        QTest::addColumn<QString>("fraction");
        QTest::newRow("10 of 24 rounds down") << 10 * kGiB << 24 * kGiB << u"0.41"_s;
        QTest::newRow("half") << 40 * kGiB << 80 * kGiB << u"0.50"_s;
        QTest::newRow("all") << 24 * kGiB << 24 * kGiB << u"1.00"_s;
        QTest::newRow("more than the device") << 30 * kGiB << 24 * kGiB << u"1.00"_s;
        QTest::newRow("a sliver is at least 0.01") << (qint64(1) << 20) << 80 * kGiB << u"0.01"_s;
    }

    void memoryFraction()
    {
        QFETCH(qint64, needed);
        QFETCH(qint64, total);
        QFETCH(QString, fraction);
        QCOMPARE(GpuPlacement::memoryFraction(needed, total), fraction);
    }

    // A remote agent gets the replica's gpu_memory and the arguments to complete, and reports
    // its GPU memory used; a hostile negative size is none.
    void remoteAgentsHearAndTell()
    {
        ReplicaSpec spec = sharer(u"remote"_s, 10 * kGiB);
        const auto heard = AgentProtocol::specFromJson(AgentProtocol::toJson(spec));
        QVERIFY(heard);
        QCOMPARE(heard->gpuMemoryBytes, 10 * kGiB);
        QCOMPARE(heard->gpuMemoryArguments, spec.gpuMemoryArguments);
        QJsonObject hostile = AgentProtocol::toJson(spec);
        hostile.insert(u"gpu_memory_bytes"_s, -5);
        QCOMPARE(AgentProtocol::specFromJson(hostile)->gpuMemoryBytes, qint64(0));

        AgentStatus status;
        status.agentId = u"gpu-box"_s;
        ReplicaStatus known;
        known.routeId = QUuid::createUuid();
        known.gpuMemoryUsedBytes = 3 * kGiB;
        ReplicaStatus unknown;
        unknown.routeId = QUuid::createUuid();
        status.replicas = {known, unknown};
        const AgentStatus told = AgentProtocol::statusFromJson(AgentProtocol::toJson(status));
        QCOMPARE(told.replicas.size(), 2);
        QCOMPARE(told.replicas[0].gpuMemoryUsedBytes, 3 * kGiB);
        QCOMPARE(told.replicas[1].gpuMemoryUsedBytes, qint64(-1));
    }

    // --capacity gpu=1,gpu_memory=24G: two 10G replicas share device 0, each told its share;
    // a third is InsufficientResources naming the device and the memory short.
    void replicasShareAConfiguredDevice()
    {
        const auto capacity = Capacity::parse(u"cpu=4,memory=8G,gpu=1,gpu_memory=24G"_s);
        QVERIFY2(capacity.ok(), capacity.ok() ? "" : qPrintable(capacity.error().message));
        LocalAgent agent(u"local"_s, noGpuReader());
        agent.setCapacityOverride(*capacity);
        const ReplicaSpec first = sharer(u"first"_s, 10 * kGiB);
        const ReplicaSpec second = sharer(u"second"_s, 10 * kGiB);
        const auto a = agent.start(first);
        QVERIFY2(a.ok(), a.ok() ? "" : qPrintable(a.error().message));
        const auto b = agent.start(second);
        QVERIFY2(b.ok(), b.ok() ? "" : qPrintable(b.error().message));

        const auto third = agent.start(sharer(u"third"_s, 10 * kGiB));
        QVERIFY(!third.ok());
        QCOMPARE(third.error().type, ErrorType::InsufficientResources);
        QCOMPARE(third.error().message,
                 u"device 0 (24 GiB) on agent local: 4 GiB free, the replica needs 10 GiB, 6 GiB short"_s);
        QCOMPARE(third.error().details.value(u"device"_s).toInt(), 0);
        QCOMPARE(third.error().details.value(u"free_bytes"_s).toInteger(), 4 * kGiB);
        QCOMPARE(third.error().details.value(u"needed_bytes"_s).toInteger(), 10 * kGiB);

        QTRY_COMPARE_WITH_TIMEOUT(seen(u"first"_s), QByteArray("0 --gpu-memory-utilization 0.41"), kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(seen(u"second"_s), QByteArray("0 --gpu-memory-utilization 0.41"), kWaitMs);
        QVERIFY(!QFile::exists(m_out.filePath(u"third"_s)));
        const AgentStatus status = agent.status();
        QCOMPARE(status.replicas.size(), 2);
        for (const ReplicaStatus &r : status.replicas) {
            QCOMPARE(r.gpus, QList<int>{0});
            QCOMPARE(r.gpuMemoryUsedBytes, qint64(-1));  // no NVML: not known, not 0
        }

        // One gone, its share is free again.
        agent.stop(first.routeId);
        QTRY_VERIFY_WITH_TIMEOUT(!agent.isRunning(first.routeId), kWaitMs);
        QVERIFY(agent.start(sharer(u"fourth"_s, 10 * kGiB)).ok());
        QTRY_COMPARE_WITH_TIMEOUT(seen(u"fourth"_s), QByteArray("0 --gpu-memory-utilization 0.41"), kWaitMs);
        agent.stopAll(3000);
    }

    // With real GPUs (NVML's stand-in): placement counts what NVML says is in use, and a
    // replica's own GPU memory is read from NVML's process list by its pid.
    void nvmlMemoryInUseAndPerProcess()
    {
        void *fake = ::dlopen(FAKE_NVML_PATH, RTLD_NOW | RTLD_LOCAL);
        QVERIFY2(fake, ::dlerror());
        const auto setProcess = reinterpret_cast<void (*)(unsigned int, unsigned long long)>(::dlsym(fake, "fakeNvmlSetProcess"));
        QVERIFY(setProcess);
        {
            GpuMonitorOptions options = noGpuReader();
            options.intervalMs = 100;
            options.discovery.nvmlLibrary = QString::fromUtf8(FAKE_NVML_PATH);
            LocalAgent agent(u"local"_s, options);
            // Device 0 has 80 GiB with 10 in use, device 1 22.49 GiB with 0.5 in use: 75 GiB fits nowhere.
            const auto tooBig = agent.start(sharer(u"big"_s, 75 * kGiB));
            QVERIFY(!tooBig.ok());
            QVERIFY2(tooBig.error().message.startsWith(u"device 0 (80 GiB) on agent local: 70 GiB free, the replica needs 75 GiB"_s),
                     qPrintable(tooBig.error().message));
            // 16 GiB fits both; the fuller device (1) is taken so the roomy one stays free.
            const ReplicaSpec small = sharer(u"small"_s, 16 * kGiB);
            QVERIFY(agent.start(small).ok());
            QTRY_COMPARE_WITH_TIMEOUT(seen(u"small"_s).left(2), QByteArray("1 "), kWaitMs);
            QCOMPARE(seen(u"small"_s), QByteArray("1 --gpu-memory-utilization 0.71"));  // 16 / 22.49

            const qint64 pid = agent.replica(small.routeId)->pid();
            QVERIFY(pid > 0);
            setProcess(unsigned(pid), 3ull * kGiB);
            const auto usedByIt = [&] {
                const AgentStatus status = agent.status();
                return status.replicas.size() == 1 ? status.replicas[0].gpuMemoryUsedBytes : qint64(-2);
            };
            QTRY_COMPARE_WITH_TIMEOUT(usedByIt(), 3 * kGiB, kWaitMs);
            const GpuReading reading = agent.gpuMonitor().latest();
            QCOMPARE(reading.gpus.size(), 2);
            QCOMPARE(reading.gpus[1].processes.size(), 1);
            QCOMPARE(reading.gpus[1].processes[0].pid, qint64(4242));
            QCOMPARE(reading.gpus[1].processes[0].usedBytes, qint64(-1));  // NVML could not say
            setProcess(0, 0);
            QTRY_COMPARE_WITH_TIMEOUT(usedByIt(), qint64(-1), kWaitMs);
            agent.stopAll(3000);
        }
        ::dlclose(fake);
    }
};

QTEST_GUILESS_MAIN(TestGpuPlacement)
#include "test_gpuplacement.moc"
