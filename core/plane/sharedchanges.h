#pragma once

#include <QList>
#include <QMetaType>
#include <QStringList>
#include <QUuid>

#include "domain/errorrecord.h"
#include "domain/job.h"

namespace ServeDeck {

// What other consoles committed to a shared store since the last look, as the events the views
// follow (ControlClient re-emits each as its own signal). Worked out on the control thread by
// ControlPlane from the change feed's tables and what it saw before (controlplane_changes.cpp).
struct SharedChanges
{
    QList<QUuid> endpointsChanged;
    QList<QUuid> endpointsRemoved;
    QList<QUuid> routesChanged;
    QList<QUuid> rulesChanged;
    QList<QUuid> tokensChanged;
    QList<std::pair<QUuid, QUuid>> rolloutsChanged;  // endpoint, its newest rollout
    QList<ErrorRecord> errorsRecorded;              // oldest first
    QList<QUuid> errorsCleared;
    QList<ScaleEvent> scaleEvents;                  // oldest first
    QStringList agentsRevoked;
    QList<Job> jobsChanged;

    bool isEmpty() const
    {
        return endpointsChanged.isEmpty() && endpointsRemoved.isEmpty() && routesChanged.isEmpty()
            && rulesChanged.isEmpty() && tokensChanged.isEmpty() && rolloutsChanged.isEmpty()
            && errorsRecorded.isEmpty() && errorsCleared.isEmpty() && scaleEvents.isEmpty()
            && agentsRevoked.isEmpty() && jobsChanged.isEmpty();
    }
};

} // namespace ServeDeck

Q_DECLARE_METATYPE(ServeDeck::SharedChanges)
