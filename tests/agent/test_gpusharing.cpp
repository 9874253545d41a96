// The whole path of GPU memory through a real control plane with --capacity gpu=1,gpu_memory=24G:
// an endpoint's gpu_memory reaches the agent through the deployer, its two 10G replicas (real
// child processes) are started on device 0 together and see it in CUDA_VISIBLE_DEVICES, and a
// third is InsufficientResources naming the device and the memory short.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "agent/localagent.h"
#include "plane/controlplane.h"
#include "service/modelservingservice.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kGiB = qint64(1) << 30;
// The reconciler's first pass plus a shell start: about a second on an idle machine.
constexpr int kWaitMs = 20000;

} // namespace

class TestGpuSharing final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void twoReplicasShareDeviceZero()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QDir root(dir.path());
        QVERIFY(root.mkpath(u"model"_s) && root.mkpath(u"seen"_s));
        // A replica that writes the devices it was given, named by its route, and stays.
        QFile definition(root.filePath(u"model/model-definition.yaml"_s));
        QVERIFY(definition.open(QIODevice::WriteOnly));
        definition.write("models:\n"
                         "  - name: \"gpu-sharer\"\n"
                         "    model_path: \"/models\"\n"
                         "    service:\n"
                         "      start_command: [\"/bin/sh\", \"-c\", \"echo \\\"$CUDA_VISIBLE_DEVICES\\\" > '"
                         + QFile::encodeName(root.filePath(u"seen"_s))
                         + "'/$SERVEDECK_ROUTE_ID; exec sleep 60\"]\n"
                           "      port: 8000\n");
        definition.close();

        ControlPlaneOptions options;
        options.dataDir = root.filePath(u"data"_s);
        options.serveApi = false;
        options.autoscaleIntervalMs = 0;
        options.reconcileIntervalMs = 200;
        options.capacity = u"cpu=4,memory=8G,gpu=1,gpu_memory=24G"_s;
        ControlPlane plane;
        const auto started = plane.start(options);
        QVERIFY2(started, started ? "" : qPrintable(started.error().message));

        CreateEndpointRequest request;
        request.name = u"small-llm"_s;
        request.modelVersion = u"v1"_s;
        request.modelFolder = root.filePath(u"model"_s);
        request.runtimeVariant = u"custom"_s;
        request.resourceSlots = {0.5, kGiB, 1, 10 * kGiB};
        request.resourceGroup = u"default"_s;
        request.replicas = 2;
        const auto created = plane.service().createEndpoint(request);
        QVERIFY2(created.ok(), created.ok() ? "" : qPrintable(created.error().message));

        const auto seen = [&] {
            QStringList devices;
            const QDir out(root.filePath(u"seen"_s));
            for (const QString &name : out.entryList(QDir::Files)) {
                QFile f(out.filePath(name));
                if (f.open(QIODevice::ReadOnly))
                    devices << QString::fromUtf8(f.readAll().trimmed());
            }
            return devices;
        };
        QTRY_COMPARE_WITH_TIMEOUT(seen(), (QStringList{u"0"_s, u"0"_s}), kWaitMs);
        const AgentStatus status = plane.agent()->status();
        QCOMPARE(status.replicas.size(), 2);
        for (const ReplicaStatus &r : status.replicas)
            QCOMPARE(r.gpus, QList<int>{0});

        request.name = u"third"_s;
        request.replicas = 1;
        const auto third = plane.service().createEndpoint(request);
        QVERIFY(!third.ok());
        QCOMPARE(third.error().type, ErrorType::InsufficientResources);
        QCOMPARE(third.error().message, u"device 0 (24 GiB): 4 GiB free, the replica needs 10 GiB, 6 GiB short"_s);
        plane.agent()->stopAll(3000);
    }
};

QTEST_GUILESS_MAIN(TestGpuSharing)
#include "test_gpusharing.moc"
