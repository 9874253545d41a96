#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QUuid>

namespace ServeDeck {

// One stored load-test run: the run's figures as the load generator wrote them (JSON, capped in
// size) and what a list shows without reading them.
struct LoadTestRecord
{
    QUuid id;
    QUuid endpointId;
    QString endpointName;
    QDateTime createdAt;
    bool passed = false;
    QJsonObject summary;  // sent, throughput, success ratio, p50/p95/p99, mode, targets
    QByteArray result;    // empty in lists
};

} // namespace ServeDeck
