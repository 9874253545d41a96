#pragma once

// What the benchmarks that run real replicas share: an event-loop wait, a healthy-route count,
// an embedded control plane on the bundled demo models, and a demo endpoint.
#include <algorithm>

#include <QCoreApplication>
#include <QElapsedTimer>

#include "plane/controlplane.h"
#include "service/modelservingservice.h"

namespace BenchSupport {

// Spins the event loop until the condition holds; the milliseconds it took, or -1 on time-out.
template<typename F>
qint64 waitFor(F condition, int timeoutMs = 30000)
{
    QElapsedTimer t;
    t.start();
    while (!condition()) {
        if (t.elapsed() > timeoutMs)
            return -1;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return t.elapsed();
}

inline int healthy(ServeDeck::ModelServingService &service, const QString &name)
{
    const auto info = service.endpointInfo(name);
    if (!info)
        return 0;
    return int(std::count_if(info->routes.begin(), info->routes.end(),
                             [](const ServeDeck::Route &r) { return r.status == ServeDeck::RouteStatus::Healthy; }));
}

// Roomy capacity, so only the machine limits what runs.
inline ServeDeck::ControlPlaneOptions demoOptions(const QString &dataDir)
{
    ServeDeck::ControlPlaneOptions options;
    options.dataDir = dataDir;
    options.serveApi = false;
    options.capacity = QStringLiteral("cpu=64,memory=64G");
    options.modelRoots = {QStringLiteral(SERVEDECK_SOURCE_MODELS_DIR)};
    return options;
}

// A public iris-v1 endpoint: inference through the proxy needs no token.
inline ServeDeck::Endpoint createDemo(ServeDeck::ModelServingService &service, const QString &name, int replicas,
                                      double cpu = 0.25)
{
    ServeDeck::CreateEndpointRequest r;
    r.name = name;
    r.modelVersion = QStringLiteral("v1");
    r.modelFolder = QStringLiteral("iris-v1");
    r.resourceSlots = {cpu, qint64(256) << 20, 0};
    r.replicas = replicas;
    r.isPublic = true;
    auto created = service.createEndpoint(r);
    if (!created)
        qFatal("create %s: %s", qPrintable(name), qPrintable(created.error().message));
    return *created;
}

} // namespace BenchSupport
