#pragma once

#include <QDateTime>
#include <QStringList>
#include <QUuid>

namespace ServeDeck {

// One stretch of time during which one route held its endpoint's resources: the usage ledger's
// row. Open (end invalid) while it still holds them.
struct UsageInterval
{
    qint64 id = 0;
    QUuid routeId;
    QUuid endpointId;
    QUuid revisionId;
    QString agentId;
    double cpuCores = 0;
    qint64 memoryBytes = 0;
    QStringList gpuDevices;  // "agent:index"; empty until the agent says which, or without GPUs
    double gpuShare = 0;     // devices it takes (a sharer's fraction of one)
    QDateTime start;
    QDateTime end;

    bool isOpen() const { return !end.isValid(); }
    bool operator==(const UsageInterval &) const = default;
};

} // namespace ServeDeck
