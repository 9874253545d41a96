// Autoscaling figures (issue targets: a load step to the first new replica HEALTHY under 2 s plus
// the model's own start time with zero up-delay; 0 flaps on a noisy flat load over 10 minutes).
// Usage: bench_autoscale [simulated-minutes]
#include <random>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include "agent/localagent.h"
#include "agent/replicaprocess.h"
#include "plane/controlplane.h"
#include "autoscale/scalingpolicy.h"
#include "../support/manualclock.h"  // tests/ is not on the benches' include path
#include "service/modelservingservice.h"
#include "benchsupport.h"

using namespace ServeDeck;
using BenchSupport::waitFor;

namespace {

// The spec's rule (100 requests/s, 50 per replica, 60 s up, 300 s down) under a flat 100/s load
// with noise sampled every 15 s: how many scale events, and how many reversals.
void simulatedNoise(QTextStream &out, int minutes, double amplitude)
{
    AutoScalingRule rule;
    rule.source = MetricSource::Proxy;
    rule.metric = QStringLiteral("requests_per_second");
    rule.threshold = 100;
    rule.targetPerReplica = 50;
    rule.minReplicas = 1;
    rule.maxReplicas = 10;
    rule.scaleUpDelay = 60;
    rule.scaleDownDelay = 300;
    rule.cooldown = 60;
    ScalingPolicy policy(rule);
    ManualClock clock;
    std::mt19937 random(42);
    std::uniform_real_distribution<double> noise(-amplitude, amplitude);
    int replicas = 2;
    int events = 0, flaps = 0, lastDirection = 0;
    for (int t = 0; t < minutes * 60; t += 15) {
        clock.advance(15);
        const double load = 100.0 * (1.0 + noise(random));
        const ScalingDecision d = policy.evaluate(clock.now(), replicas, load);
        if (d.changes()) {
            const int direction = *d.target > replicas ? 1 : -1;
            if (lastDirection != 0 && direction != lastDirection)
                ++flaps;
            lastDirection = direction;
            replicas = *d.target;
            policy.noteChange(clock.now());
            ++events;
        }
    }
    out << "flat 100/s load with +-" << int(amplitude * 100) << " % noise, " << minutes << " simulated minutes: " << events << " scale events, " << flaps
        << " flaps, ending at " << replicas << " replicas\n";
}

// Real replicas behind the real proxy: from the first request of a 60/s step to the first added
// replica HEALTHY, with zero up-delay; and that replica's own cold start for comparison.
void realStep(QTextStream &out, int autoscaleIntervalMs)
{
    QTemporaryDir dir;
    ControlPlaneOptions options = BenchSupport::demoOptions(dir.path());
    options.reconcileIntervalMs = 1000;
    options.autoscaleIntervalMs = autoscaleIntervalMs;
    ControlPlane plane;
    if (!plane.start(options).ok())
        qFatal("cannot start the control plane");
    ModelServingService &service = plane.service();
    const Endpoint created = BenchSupport::createDemo(service, QStringLiteral("step"), 1);
    const auto healthy = [&] { return BenchSupport::healthy(service, QStringLiteral("step")); };
    waitFor([&] { return healthy() == 1; });
    AutoScalingRule rule;
    rule.source = MetricSource::Proxy;
    rule.metric = QStringLiteral("requests_per_second");
    rule.threshold = 1;
    rule.targetPerReplica = 20;
    rule.minReplicas = 1;
    rule.maxReplicas = 4;
    rule.scaleUpDelay = 0;
    rule.scaleDownDelay = 300;
    rule.cooldown = 0;
    if (!service.createAutoScalingRule(QStringLiteral("step"), rule).ok())
        qFatal("cannot create the rule");

    QNetworkAccessManager network;
    QTimer pace;
    pace.setInterval(1000 / 60);
    QObject::connect(&pace, &QTimer::timeout, &network, [&] {
        QNetworkRequest request(QUrl(created.url + QStringLiteral("/predict")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        QNetworkReply *reply = network.post(request, QByteArrayLiteral(R"({"features":[5.1,3.5,1.4,0.2]})"));
        QObject::connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
    });
    pace.start();
    const qint64 stepToHealthy = waitFor([&] { return healthy() >= 2; });
    pace.stop();
    qint64 coldStart = -1;
    for (const ReplicaStatus &s : plane.agent()->status().replicas)
        coldStart = std::max(coldStart, s.coldStartMs);
    out << "load step to first added replica HEALTHY (autoscaler tick " << autoscaleIntervalMs << " ms): " << stepToHealthy
        << " ms, of which the replica's own cold start " << coldStart << " ms\n";
}

// Scale from zero: an endpoint idled down to no replicas, then one request through the proxy;
// the proxy holds it, wakes the endpoint, and answers once a replica is HEALTHY.
void fromZero(QTextStream &out, int runs)
{
    QTemporaryDir dir;
    ControlPlaneOptions options = BenchSupport::demoOptions(dir.path());
    options.reconcileIntervalMs = 1000;
    ControlPlane plane;
    if (!plane.start(options).ok())
        qFatal("cannot start the control plane");
    ModelServingService &service = plane.service();
    const Endpoint created = BenchSupport::createDemo(service, QStringLiteral("sleepy"), 0);
    if (!service.setAutoscaleSettings(QStringLiteral("sleepy"), std::nullopt, 1).ok())
        qFatal("cannot set the idle timeout");
    QNetworkAccessManager network;
    QList<qint64> firstRequest;
    for (int run = 0; run < runs; ++run) {
        waitFor([&] { return BenchSupport::healthy(service, QStringLiteral("sleepy")) == 0
                             && service.endpointInfo(QStringLiteral("sleepy"))->endpoint.replicas == 0; });
        QNetworkRequest request(QUrl(created.url + QStringLiteral("/predict")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        QElapsedTimer t;
        t.start();
        QNetworkReply *reply = network.post(request, QByteArrayLiteral(R"({"features":[5.1,3.5,1.4,0.2]})"));
        waitFor([&] { return reply->isFinished(); });
        if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200)
            firstRequest << t.elapsed();
        reply->deleteLater();
    }
    std::sort(firstRequest.begin(), firstRequest.end());
    out << "scale from zero, first request answered: median " << (firstRequest.isEmpty() ? -1 : firstRequest[firstRequest.size() / 2])
        << " ms, min " << (firstRequest.isEmpty() ? -1 : firstRequest.first()) << " ms, max "
        << (firstRequest.isEmpty() ? -1 : firstRequest.last()) << " ms (" << firstRequest.size() << "/" << runs << " answered 200)\n";
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    const int minutes = argc > 1 ? QString::fromLocal8Bit(argv[1]).toInt() : 10;
    for (double amplitude : {0.15, 0.3, 0.5}) {
        simulatedNoise(out, minutes, amplitude);
        simulatedNoise(out, 24 * 60, amplitude);
    }
    out.flush();
    realStep(out, 1000);
    realStep(out, 500);
    realStep(out, 250);
    fromZero(out, 5);
    return 0;
}
