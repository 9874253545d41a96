#include "launchplan.h"

#include <cmath>

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>
#include <QStandardPaths>

namespace ServeDeck {

namespace {

// A hostile folder may hold millions of entries: a layout check keeps this many per level.
constexpr int kMaxEntriesPerLevel = 10000;
// And names this many matches per pattern in a dry run.
constexpr int kMaxFoundPerPattern = 32;

// The definition speaks of the folder as mounted at /models (Backend.AI's VFolder mount).
QString mapModelPath(const QString &arg, const QString &folder)
{
    if (arg == u"/models")
        return folder;
    if (arg.startsWith(QStringLiteral("/models/")))
        return QDir(folder).filePath(arg.mid(8));
    return arg;
}

// Paths under root (relative to it) matching a glob, one segment per directory level.
QStringList matching(const QString &root, const QString &pattern)
{
    QStringList current{QString()};
    for (const QString &segment : pattern.split(u'/', Qt::SkipEmptyParts)) {
        QStringList next;
        for (const QString &base : std::as_const(current)) {
            const QDir dir(base.isEmpty() ? root : QDir(root).filePath(base));
            const QStringList names =
                dir.entryList({segment}, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden, QDir::Name);
            for (qsizetype i = 0; i < names.size() && next.size() < kMaxEntriesPerLevel; ++i)
                next << (base.isEmpty() ? names[i] : base + u'/' + names[i]);
        }
        current = next;
        if (current.isEmpty())
            break;
    }
    return current;
}

QString substitute(QString text, const QString &folder, const QString &gguf, int gpus)
{
    text.replace(QStringLiteral("{folder}"), folder);
    text.replace(QStringLiteral("{gguf}"), gguf);
    text.replace(QStringLiteral("{gpus}"), QString::number(gpus));
    return text;
}

QString findProgram(const QString &program, const QStringList &toolsDirs, bool *inToolsDir)
{
    *inToolsDir = false;
    if (program.contains(u'/')) {
        const QFileInfo info(program);
        return info.isFile() && info.isExecutable() ? info.absoluteFilePath() : QString();
    }
    // The operator's tools dir first: it is where they put the build they mean.
    if (!toolsDirs.isEmpty()) {
        const QString inTools = QStandardPaths::findExecutable(program, toolsDirs);
        if (!inTools.isEmpty()) {
            *inToolsDir = true;
            return inTools;
        }
    }
    return QStandardPaths::findExecutable(program);
}

QString quoted(const QString &arg)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_@%+=:,./${}-]+$"));
    if (!arg.isEmpty() && plain.match(arg).hasMatch())
        return arg;
    QString escaped = arg;
    escaped.replace(u'\'', QStringLiteral("'\\''"));
    return u'\'' + escaped + u'\'';
}

} // namespace

QString LaunchPlan::commandLine() const
{
    QStringList parts;
    for (const auto &[name, value] : environment)
        parts << name + u'=' + quoted(value);
    parts << quoted(program);
    for (const QString &arg : arguments)
        parts << quoted(arg);
    return parts.join(u' ');
}

std::optional<ServiceError> LaunchPlan::missingFilesError() const
{
    if (missingFiles.isEmpty())
        return std::nullopt;
    return makeError(ErrorType::ModelFileNotFound,
                     QStringLiteral("model folder %1 lacks %2 required file(s) for %3: %4")
                         .arg(folder)
                         .arg(missingFiles.size())
                         .arg(variant, missingFiles.join(QStringLiteral(", "))),
                     {{QStringLiteral("folder"), folder},
                      {QStringLiteral("runtime_variant"), variant},
                      {QStringLiteral("missing_files"), QJsonArray::fromStringList(missingFiles)}});
}

std::optional<ServiceError> LaunchPlan::missingProgramError() const
{
    if (!programPath.isEmpty())
        return std::nullopt;
    return makeError(ErrorType::RuntimeNotFound,
                     QStringLiteral("%1 is not on PATH or in a tools dir; %2 would run: %3")
                         .arg(program, variant, commandLine()),
                     {{QStringLiteral("program"), program},
                      {QStringLiteral("runtime_variant"), variant},
                      {QStringLiteral("command_line"), commandLine()}});
}

Result<LaunchPlan> LaunchPlan::forFolder(const QString &variant, const QString &folder, int gpuCount,
                                         const QStringList &toolsDirs, const QString &servedName)
{
    const std::optional<RuntimePreset> preset = RuntimePreset::find(variant);
    if (!QFileInfo(folder).isDir())
        return makeError(ErrorType::ModelFileNotFound, QStringLiteral("model folder not found: ") + folder,
                         {{QStringLiteral("folder"), folder},
                          {QStringLiteral("missing_files"), QJsonArray{folder}}});

    LaunchPlan plan;
    plan.variant = variant;
    plan.folder = folder;
    plan.modelPath = folder;

    // A definition, where there is one, overrides the preset; without a preset it is required.
    const QDir dir(folder);
    const bool hasDefinition = QFileInfo(dir.filePath(QStringLiteral("model-definition.yaml"))).isFile()
                               || QFileInfo(dir.filePath(QStringLiteral("model-definition.yml"))).isFile()
                               || QFileInfo(dir.filePath(QStringLiteral("model-definition.toml"))).isFile();
    const ModelEntry *model = nullptr;
    if (hasDefinition || !preset) {
        auto definition = ModelDefinitionParser::loadFolder(folder);
        if (!definition)
            return definition.error();
        plan.definition = *definition;
        for (const ModelEntry &m : std::as_const(plan.definition->models)) {
            if (m.service) {
                model = &m;
                break;
            }
        }
        // Without a service there is nothing to run, which deploying says; its files are still checked.
        if (!model)
            model = &plan.definition->models.constFirst();
        const QString hostPath = ModelDefinitionParser::hostPath(model->modelPath, folder);
        if (!hostPath.isEmpty())
            plan.modelPath = hostPath;
    }

    if (preset) {
        plan.loadingStatusCode = preset->loadingStatusCode;
        plan.readyBody = preset->readyBody;
        plan.startTimeoutS = preset->startTimeoutS;
        plan.metrics = preset->metrics;
        plan.metricsNote = preset->metricsNote;
        plan.metricsPath = preset->metricsPath;
        plan.extraPorts = preset->extraPorts;
        plan.metricsPort = preset->metricsPort;
        plan.healthCheck = preset->healthCheck;
    }

    // Files: the definition's list where it names any, else the preset's layout.
    QString gguf;
    if (model && (!model->files.isEmpty() || !preset)) {
        plan.missingFiles = ModelDefinitionParser::missingFiles(*plan.definition, folder);
        for (const QString &file : model->files) {
            const QString relative = QDir(folder).relativeFilePath(QDir(plan.modelPath).filePath(file));
            if (!plan.missingFiles.contains(relative))
                plan.foundFiles << relative;
        }
    } else if (preset) {
        const QString modelDir = QDir(folder).relativeFilePath(plan.modelPath);
        const QString prefix = modelDir == u"." ? QString() : modelDir + u'/';
        for (const QString &pattern : preset->requiredFiles) {
            const QStringList found = matching(folder, prefix + pattern);
            if (found.isEmpty())
                plan.missingFiles << prefix + pattern;
            plan.foundFiles << found.mid(0, kMaxFoundPerPattern);
            if (pattern.endsWith(QStringLiteral(".gguf")) && !found.isEmpty())
                gguf = QDir(folder).filePath(found.constFirst());  // split models: the first part
        }
    }
    if (gguf.isEmpty())
        gguf = QDir(plan.modelPath).filePath(QStringLiteral("*.gguf"));  // shown as what is looked for

    if (model && model->service) {
        QStringList command;
        for (const QString &arg : model->service->startCommand)
            command << mapModelPath(arg, folder);
        plan.program = command.takeFirst();
        plan.arguments = command;
        if (model->service->healthCheck)
            plan.healthCheck = model->service->healthCheck;
        if (!preset)
            plan.healthCheck = model->service->healthCheck;
    } else if (preset) {
        QStringList command;
        for (const QString &arg : preset->command)
            command << substitute(arg, plan.modelPath, gguf, gpuCount);
        if (gpuCount > 0) {
            for (const QString &arg : preset->gpuArguments)
                command << substitute(arg, plan.modelPath, gguf, gpuCount);
        }
        if (!servedName.isEmpty()) {
            for (QString arg : preset->servedNameArguments)
                command << arg.replace(QStringLiteral("{name}"), servedName);
        }
        plan.program = command.takeFirst();
        plan.arguments = command;
        plan.commandFromPreset = true;
        plan.gpuMemoryArguments = preset->gpuMemoryArguments;
        for (const auto &[name, value] : preset->environment) {
            QString text = substitute(value, plan.modelPath, gguf, gpuCount);
            if (text.contains(QStringLiteral("{name}")) && servedName.isEmpty())
                continue;  // no endpoint yet: the runtime's own default name
            plan.environment.append({name, text.replace(QStringLiteral("{name}"), servedName)});
        }
    }
    if (!plan.program.isEmpty())
        plan.programPath = findProgram(plan.program, toolsDirs, &plan.inToolsDir);
    return plan;
}

} // namespace ServeDeck
