// store_writer: the child process test_crashconsistency kills. It performs writerScript()
// through the real service and repository and reports each action only after it returned
// success, so every reported line names an action that was committed.
//
// usage: store_writer <database> <model-folder> [<max-actions>]

#include <cstdio>
#include <optional>

#include <QCoreApplication>
#include <QHash>
#include <QStringList>
#include <QUuid>

#include "auth/tokensigner.h"
#include "domain/clock.h"
#include "service/modelservingservice.h"
#include "store/repository.h"
#include "writerscript.h"

using namespace ServeDeck;
using namespace ServeDeck::StoreTest;

namespace {

constexpr int kDefaultMaxActions = 100000;

void fail(const QString &message)
{
    std::fprintf(stderr, "%s\n", qUtf8Printable(message));
    std::fflush(stderr);
}

template<typename T>
std::optional<ServiceError> errorOf(const Result<T> &result)
{
    if (result)
        return std::nullopt;
    return result.error();
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 3) {
        fail(QStringLiteral("usage: store_writer <database> <model-folder> [<max-actions>]"));
        return 64;
    }
    const QString databasePath = args.at(1);
    const QString modelFolder = args.at(2);
    const int maxActions = args.size() > 3 ? args.at(3).toInt() : kDefaultMaxActions;

    Repository repository;
    if (auto opened = repository.open(databasePath); !opened) {
        fail(QStringLiteral("cannot open %1: %2").arg(databasePath, opened.error().message));
        return 1;
    }
    const TokenSigner signer(QByteArray(TokenSigner::MinimumKeySize, 'k'));
    ServiceConfig config;
    // Far more than the script ever asks for, so no action fails for capacity.
    config.capacity.total = ResourceSlots{100000, qint64(1) << 50, 0};
    ModelServingService service(repository, signer, config, Clock::system());

    QHash<int, QUuid> ids;
    const QList<WriterAction> script = writerScript(maxActions);
    for (int n = 1; n <= maxActions; ++n) {
        const WriterAction &action = script.at(n - 1);
        const QString name = endpointName(action.endpoint);
        std::optional<ServiceError> error;
        switch (action.kind) {
        case WriterAction::Kind::Create: {
            CreateEndpointRequest request;
            request.name = name;
            request.modelVersion = QStringLiteral("v1");
            request.modelFolder = modelFolder;
            const auto created = service.createEndpoint(request);
            error = errorOf(created);
            if (created)
                ids.insert(action.endpoint, created->id);
            break;
        }
        case WriterAction::Kind::Rule: {
            AutoScalingRule rule;
            rule.source = MetricSource::Proxy;
            rule.metric = QStringLiteral("requests_per_second");
            rule.comparator = Comparator::GreaterThan;
            rule.threshold = ruleThreshold(action.cycle);
            if (ruleHasTarget(action.cycle))
                rule.targetPerReplica = 5.0;
            rule.minReplicas = 1;
            rule.maxReplicas = 8;
            error = errorOf(service.createAutoScalingRule(name, rule));
            break;
        }
        case WriterAction::Kind::Scale:
            error = errorOf(service.scaleReplicas(name, action.replicas));
            break;
        case WriterAction::Kind::Error: {
            ErrorRecord record;
            record.endpointId = ids.value(action.endpoint);
            record.type = QStringLiteral("CrashLoop");
            record.message = QStringLiteral("replica of %1 exited").arg(name);
            record.exitCode = 137;
            record.signal = 9;
            error = errorOf(service.recordError(record));
            break;
        }
        case WriterAction::Kind::Modify: {
            ModifyEndpointRequest request;
            request.resourceGroup = modifiedGroup(action.cycle);
            request.isPublic = modifiedPublic(action.cycle);
            error = errorOf(service.modifyEndpoint(name, request));
            break;
        }
        case WriterAction::Kind::ClearErrors:
            error = errorOf(service.clearErrors(name));
            break;
        }
        if (error) {
            fail(QStringLiteral("failed %1 %2 %3: %4: %5")
                     .arg(n)
                     .arg(actionName(action.kind), name, error->typeName(), error->message));
            return 2;
        }
        // One write per line: a line is either whole in the pipe or not there at all.
        const QByteArray line =
            QStringLiteral("committed %1 %2 %3\n").arg(n).arg(actionName(action.kind), name).toUtf8();
        std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
        std::fflush(stdout);
    }
    return 0;
}
