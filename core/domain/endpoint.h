#pragma once

#include <QDateTime>
#include <QUuid>

#include "resourceslots.h"

namespace ServeDeck {

enum class EndpointLifecycle { Created, Ready, Destroying, Terminated };
QString lifecycleName(EndpointLifecycle lifecycle);
std::optional<EndpointLifecycle> lifecycleFromName(const QString &name);

// The desired state of one served model; routes (below) are its replicas.
struct Endpoint
{
    QUuid id;
    QString name;
    QString modelVersion;
    QString modelFolder;
    QString runtimeVariant;
    ResourceSlots resourceSlots;
    QString resourceGroup;
    int replicas = 0;
    bool isPublic = false;
    EndpointLifecycle lifecycle = EndpointLifecycle::Created;
    int retries = 0;
    QString url;
    QUuid currentRevisionId;
    QDateTime createdAt;
    QDateTime updatedAt;

    bool isLive() const { return lifecycle == EndpointLifecycle::Created || lifecycle == EndpointLifecycle::Ready; }
};

// One deployable version of an endpoint: create makes revision 1, modify with a new model adds the next.
struct Revision
{
    QUuid id;
    QUuid endpointId;
    int number = 1;
    QString modelVersion;
    QString modelFolder;
    QString runtimeVariant;
    QDateTime createdAt;
};

} // namespace ServeDeck
