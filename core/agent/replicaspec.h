#pragma once

#include <optional>

#include <QHash>
#include <QStringList>
#include <QUuid>

#include "domain/modeldefinition.h"

namespace ServeDeck {

// Everything an agent needs to run one replica; built from the model definition.
struct ReplicaSpec
{
    QUuid routeId;
    QUuid endpointId;
    QString program;
    QStringList arguments;
    QString workingDirectory;
    QHash<QString, QString> environment;  // added to the agent's own; PORT is set by the agent
                                          // ($PORT in arguments and values becomes the port)
    // Further ports by variable name (GRPC_PORT): the agent gives each a free port of its own,
    // set in the environment and put in for $NAME as for $PORT.
    QStringList extraPorts;
    qint64 memoryLimitBytes = 0;          // 0: none
    double cpuCores = 0;                  // cores it asked for; the agent pins it to that many
    QList<int> cpuSet;                    // the cores the agent chose (empty: any)
    int gpuCount = 0;                     // GPUs the agent gives it through CUDA_VISIBLE_DEVICES
    qint64 gpuMemoryBytes = 0;            // device memory it needs; with gpuCount <= 1 it shares a device
    // Added once the device is chosen, "{gpu_memory_fraction}" becoming its share of the device
    // (vLLM's --gpu-memory-utilization).
    QStringList gpuMemoryArguments;
    std::optional<HealthCheckConfig> healthCheck;
    // Readiness, from a runtime preset: while it starts, this status means "still loading", and it
    // has startTimeoutMs to become ready (0: the health check's own budget). A ready answer must
    // contain readyBody where one is set.
    int loadingStatusCode = 0;
    qint64 startTimeoutMs = 0;
    QString readyBody;
    int gracePeriodMs = 10000;            // SIGTERM, then SIGKILL after this long
};

// How a replica ended, as the control plane records it.
struct ReplicaExit
{
    std::optional<QString> errorKind;  // none: a clean, requested stop
    bool everHealthy = false;
    int exitCode = 0;
    std::optional<int> signal;
    QString message;
    QString logTail;
};

} // namespace ServeDeck
