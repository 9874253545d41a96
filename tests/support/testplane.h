#pragma once

#include <memory>

#include <QString>

#include "plane/controlplane.h"
#include "support/replicaprocesses.h"
#include "support/testplanekey.h"

// A real ControlPlane for the plane-level suites: the options they share and a start that says why
// it failed, so each suite only names what it changes.
namespace TestPlane {

// Data in `dataDir`, no REST API, 16 cores and 32G, the demo models, a fast reconcile loop.
inline ServeDeck::ControlPlaneOptions options(const QString &dataDir)
{
    ServeDeck::ControlPlaneOptions options;
    options.dataDir = dataDir;
    options.serveApi = false;
    options.capacity = QStringLiteral("cpu=16,memory=32G");
    options.modelRoots = {ReplicaProcesses::sourceModels()};
    options.reconcileIntervalMs = 200;
    // Read only where a suite sets options.database to PostgreSQL.
    options.planeKeyFile = TestPlaneKey::file();
    return options;
}

// The demo iris model (models/iris-v1) as an endpoint of `replicas` small replicas.
inline ServeDeck::CreateEndpointRequest irisRequest(const QString &name, int replicas)
{
    ServeDeck::CreateEndpointRequest create;
    create.name = name;
    create.modelVersion = QStringLiteral("v1");
    create.modelFolder = QStringLiteral("iris-v1");
    create.resourceSlots = {0.25, qint64(256) << 20, 0};
    create.replicas = replicas;
    return create;
}

// Replaces `plane` with a new one started on `options`; why it did not start, empty when it did.
[[nodiscard]] inline QString start(std::unique_ptr<ServeDeck::ControlPlane> &plane,
                                   const ServeDeck::ControlPlaneOptions &options)
{
    plane = std::make_unique<ServeDeck::ControlPlane>();
    const auto started = plane->start(options);
    return started.ok() ? QString() : started.error().message;
}

} // namespace TestPlane
