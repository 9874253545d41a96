#pragma once

#include <optional>

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include "domain/modeldefinition.h"
#include "domain/result.h"
#include "runtime/runtimepreset.h"

namespace ServeDeck {

// How one replica of a model folder will be run: the preset's command for the runtime, with the
// folder's model-definition (where there is one) overriding it field by field. $PORT stays in
// the arguments and environment; the agent puts the replica's port there.
struct LaunchPlan
{
    QString variant;
    QString folder;
    QString program;      // as the preset or the definition names it; empty: the definition has no service
    QString programPath;  // where it was found; empty: on neither PATH nor a tools dir
    bool commandFromPreset = false;  // else the definition's, which the agent resolves as before
    bool inToolsDir = false;  // found in a tools dir (else PATH, where each agent looks itself)
    QStringList arguments;
    QStringList gpuMemoryArguments;  // the preset's, for the agent to complete (see RuntimePreset)
    QList<QPair<QString, QString>> environment;
    std::optional<HealthCheckConfig> healthCheck;
    int loadingStatusCode = 0;
    QString readyBody;
    int startTimeoutS = 0;  // 0: the health check's own budget (Backend.AI's)
    QStringList foundFiles;    // relative to the folder
    QStringList missingFiles;  // relative to the folder; globs name what was looked for
    QList<RuntimeMetric> metrics;
    QString metricsNote;
    QString metricsPath;
    QStringList extraPorts;  // the preset's: names of further ports the agent hands out
    QString metricsPort;     // the one of them serving metrics (empty: $PORT)
    std::optional<ModelDefinition> definition;
    QString modelPath;  // the model inside the folder, as MODEL_PATH

    // The command as a shell would show it, quoted where needed.
    QString commandLine() const;
    // Missing files as ModelFileNotFound, naming every one; nullopt when complete.
    std::optional<ServiceError> missingFilesError() const;
    // The program on neither PATH nor a tools dir as RuntimeNotFound; nullopt when found.
    std::optional<ServiceError> missingProgramError() const;

    // A folder that is not there, or a definition that does not parse, is an error; missing
    // files and a missing program are not (the plan says what they are). servedName, where
    // given, is the model name a preset's runtime is told to answer to (the endpoint's name).
    static Result<LaunchPlan> forFolder(const QString &variant, const QString &folder, int gpuCount,
                                        const QStringList &toolsDirs, const QString &servedName = QString());
};

} // namespace ServeDeck
