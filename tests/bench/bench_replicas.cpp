// Replica timings with real processes (issue targets: crash to replacement HEALTHY under 1 s plus
// the model's own start time). Usage: bench_replicas [runs] [replicas]
#include <algorithm>
#include <csignal>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTextStream>

#include "agent/localagent.h"
#include "agent/replicaprocess.h"
#include "plane/controlplane.h"
#include "service/modelservingservice.h"
#include "benchsupport.h"

using namespace ServeDeck;
using BenchSupport::healthy;
using BenchSupport::waitFor;

namespace {

QString stats(QList<qint64> v)
{
    std::sort(v.begin(), v.end());
    return QStringLiteral("median %1 ms, min %2 ms, max %3 ms (n=%4)")
        .arg(v[v.size() / 2]).arg(v.first()).arg(v.last()).arg(v.size());
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int runs = argc > 1 ? QByteArray(argv[1]).toInt() : 10;
    const int replicas = argc > 2 ? QByteArray(argv[2]).toInt() : 2;
    QTextStream out(stdout);

    QTemporaryDir dir;
    const ControlPlaneOptions options = BenchSupport::demoOptions(dir.path());
    ControlPlane plane;
    if (auto started = plane.start(options); !started) {
        out << started.error().message << '\n';
        return 1;
    }
    ModelServingService &service = plane.service();

    QList<qint64> createToHealthy, crashToHealthy, coldStarts;
    for (int run = 0; run < runs; ++run) {
        const QString name = QStringLiteral("bench-%1").arg(run);
        CreateEndpointRequest request;
        request.name = name;
        request.modelVersion = QStringLiteral("v1");
        request.modelFolder = QStringLiteral("iris-v1");
        request.resourceSlots = {0.5, qint64(256) << 20, 0};
        request.replicas = replicas;
        QElapsedTimer t;
        t.start();
        if (!service.createEndpoint(request)) {
            out << "create failed\n";
            return 1;
        }
        if (waitFor([&] { return healthy(service, name) == replicas; }) < 0) {
            out << "replicas never became healthy\n";
            return 1;
        }
        createToHealthy << t.elapsed();

        const Route victim = service.endpointInfo(name)->routes.first();
        coldStarts << plane.agent()->replica(victim.id)->coldStartMs();
        const qint64 pid = plane.agent()->replica(victim.id)->pid();
        t.restart();
        ::kill(pid_t(pid), SIGKILL);
        const auto replaced = [&] {
            auto info = service.endpointInfo(name);
            return healthy(service, name) == replicas
                && std::none_of(info->routes.begin(), info->routes.end(), [&](const Route &r) { return r.id == victim.id; });
        };
        if (waitFor(replaced) < 0) {
            out << "no replacement\n";
            return 1;
        }
        crashToHealthy << t.elapsed();
        static_cast<void>(service.deleteEndpoint(name));
        waitFor([&] { return plane.agent()->replicaCount() == 0; });
    }
    out << "create with " << replicas << " replicas -> all HEALTHY: " << stats(createToHealthy) << '\n';
    out << "replica cold start (process start -> first healthy answer): " << stats(coldStarts) << '\n';
    out << "kill -9 of a replica -> replacement HEALTHY: " << stats(crashToHealthy) << '\n';
    return 0;
}
