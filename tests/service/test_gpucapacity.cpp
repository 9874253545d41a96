// GPU memory at create and dry-run time: the plane places replicas on the configured devices
// (--capacity gpu=1,gpu_memory=24G) after what live endpoints promise, and a replica that does
// not fit is InsufficientResources naming the device and the memory short, with nothing stored.
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include "api/jsoncodec.h"
#include "auth/tokensigner.h"
#include "runtime/launchplan.h"
#include "service/replicadeployer.h"
#include "service/modelservingservice.h"
#include "store/repository.h"
#include "support/manualclock.h"
#include "support/servicefixture.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kGiB = qint64(1) << 30;

CreateEndpointRequest onGpu(const QString &name, int replicas, double gpu, qint64 gpuMemoryBytes)
{
    CreateEndpointRequest r;
    r.name = name;
    r.modelVersion = u"v1"_s;
    r.modelFolder = u"iris-v1"_s;
    r.runtimeVariant = u"custom"_s;
    r.resourceSlots = {1, kGiB, gpu, gpuMemoryBytes};
    r.resourceGroup = u"default"_s;
    r.replicas = replicas;
    return r;
}

} // namespace

class TestGpuCapacity final : public QObject
{
    Q_OBJECT

private:
    ServiceFixture m_fx;

    int endpointCount()
    {
        auto all = m_fx.repository->endpoints();
        return all ? int(all->size()) : -1;
    }

    void checkShort(const ServiceError &error)
    {
        QCOMPARE(error.type, ErrorType::InsufficientResources);
        QVERIFY2(error.message.contains(u"device 0 (24 GiB): 4 GiB free, the replica needs 10 GiB, 6 GiB short"_s),
                 qPrintable(error.message));
        QCOMPARE(error.details.value(u"device"_s).toInt(), 0);
        QCOMPARE(error.details.value(u"free_bytes"_s).toInteger(), 4 * kGiB);
        QCOMPARE(error.details.value(u"needed_bytes"_s).toInteger(), 10 * kGiB);
    }

private Q_SLOTS:
    void init()
    {
        Capacity base;
        base.total = {8, 16 * kGiB, 0};
        const auto capacity = Capacity::parse(u"gpu=1,gpu_memory=24G"_s, base);
        QVERIFY(capacity.ok());
        ServiceConfig config = ServiceFixture::defaultConfig();
        config.capacity = *capacity;
        const QString failed = m_fx.open(config);
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }

    void cleanup() { m_fx.close(); }

    // Two 10G replicas share device 0; a third, in another endpoint, is 6 GiB short.
    void twoShareTheDeviceAndAThirdIsShort()
    {
        const auto first = m_fx.service->createEndpoint(onGpu(u"small-a"_s, 2, 1, 10 * kGiB));
        QVERIFY2(first.ok(), first.ok() ? "" : qPrintable(first.error().message));
        QCOMPARE(first->resourceSlots.gpuMemoryBytes, 10 * kGiB);

        const DryRunReport report = m_fx.service->dryRun(onGpu(u"small-b"_s, 1, 0, 10 * kGiB));
        QVERIFY(!report.valid);
        QCOMPARE(report.problems.size(), 1);
        checkShort(report.problems.constFirst());

        const auto third = m_fx.service->createEndpoint(onGpu(u"small-b"_s, 1, 0, 10 * kGiB));
        QVERIFY(!third.ok());
        checkShort(third.error());
        QCOMPARE(endpointCount(), 1);  // nothing stored

        // What still fits is accepted: 4 GiB are free.
        QVERIFY(m_fx.service->dryRun(onGpu(u"tiny"_s, 1, 0, 4 * kGiB)).valid);
        QVERIFY(m_fx.service->createEndpoint(onGpu(u"tiny"_s, 1, 0, 4 * kGiB)).ok());
    }

    // Three at once in one create: the third is named.
    void oneCreateTooManyForTheDevice()
    {
        const auto created = m_fx.service->createEndpoint(onGpu(u"wide"_s, 3, 1, 10 * kGiB));
        QVERIFY(!created.ok());
        checkShort(created.error());
        QVERIFY2(created.error().message.startsWith(u"replica 3 of 3: "_s), qPrintable(created.error().message));
        QCOMPARE(created.error().details.value(u"replicas_that_fit"_s).toInt(), 2);
        QCOMPARE(endpointCount(), 0);
    }

    // A device shared by memory is not taken whole, nor a whole one shared.
    void wholeAndSharedDoNotMix()
    {
        QVERIFY(m_fx.service->createEndpoint(onGpu(u"sharer"_s, 1, 0, 10 * kGiB)).ok());
        const auto whole = m_fx.service->createEndpoint(onGpu(u"whole"_s, 1, 1, 0));
        QVERIFY(!whole.ok());
        QCOMPARE(whole.error().type, ErrorType::InsufficientResources);
        QVERIFY2(whole.error().message.contains(u"0 of 1 are free"_s), qPrintable(whole.error().message));
    }

    // vLLM is told its share of the device; the agent fills the fraction in once it has chosen
    // the device. Runtimes without such a flag, and model-definitions, get nothing added.
    void vllmIsToldItsShare()
    {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        for (const char *name : {"config.json", "model.safetensors", "model.gguf"}) {
            QFile f(folder.filePath(QString::fromLatin1(name)));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("{}");
        }
        const QStringList told{u"--gpu-memory-utilization"_s, u"{gpu_memory_fraction}"_s};
        const auto vllm = LaunchPlan::forFolder(u"vllm"_s, folder.path(), 1, {});
        QVERIFY(vllm.ok());
        QCOMPARE(vllm->gpuMemoryArguments, told);
        QCOMPARE(ReplicaDeployer::specFrom(*vllm, 1).gpuMemoryArguments, told);
        QVERIFY(!vllm->arguments.contains(u"--gpu-memory-utilization"_s));  // not before the device is known
        const auto llama = LaunchPlan::forFolder(u"llama-cpp"_s, folder.path(), 1, {});
        QVERIFY(llama.ok());
        QVERIFY(llama->gpuMemoryArguments.isEmpty());
        const auto custom = LaunchPlan::forFolder(u"custom"_s, qEnvironmentVariable("SERVEDECK_SOURCE_DIR") + u"/resources/models/iris-v1"_s, 1, {});
        QVERIFY(custom.ok());
        QVERIFY(custom->gpuMemoryArguments.isEmpty());

        // Dry-run shows the command line completed for the device it would get (10 of 24 GiB).
        CreateEndpointRequest request = onGpu(u"llm"_s, 1, 1, 10 * kGiB);
        request.modelFolder = folder.path();
        request.runtimeVariant = u"vllm"_s;
        const DryRunReport report = m_fx.service->dryRun(request);
        QVERIFY(report.launch);
        QVERIFY2(report.launch->commandLine().endsWith(u" --tensor-parallel-size 1 --served-model-name llm --gpu-memory-utilization 0.41"_s),
                 qPrintable(report.launch->commandLine()));
    }

    // GET /v1/agents: a replica's GPU memory where NVML said it, no field where it did not.
    void agentsJsonShowsGpuMemoryUsedWhereKnown()
    {
        AgentStatus status;
        status.agentId = u"local"_s;
        ReplicaStatus known;
        known.routeId = QUuid::createUuid();
        known.gpus = {0};
        known.gpuMemoryUsedBytes = 3 * kGiB;
        ReplicaStatus unknown;
        unknown.routeId = QUuid::createUuid();
        status.replicas = {known, unknown};
        const QJsonArray replicas = JsonCodec::toJson(status, ResourceSlots{}).value(u"replicas"_s).toArray();
        QCOMPARE(replicas.size(), 2);
        QCOMPARE(replicas[0].toObject().value(u"gpu_memory_used_bytes"_s).toInteger(), 3 * kGiB);
        QVERIFY(!replicas[1].toObject().contains(u"gpu_memory_used_bytes"_s));
    }

    // More than the device holds at all.
    void beyondTheDevice()
    {
        const auto big = m_fx.service->createEndpoint(onGpu(u"big"_s, 1, 1, 30 * kGiB));
        QVERIFY(!big.ok());
        QCOMPARE(big.error().type, ErrorType::InsufficientResources);
        QVERIFY2(big.error().message.contains(u"device 0 (24 GiB): 24 GiB free, the replica needs 30 GiB, 6 GiB short"_s),
                 qPrintable(big.error().message));
    }
};

QTEST_GUILESS_MAIN(TestGpuCapacity)
#include "test_gpucapacity.moc"
