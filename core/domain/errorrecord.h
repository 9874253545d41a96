#pragma once

#include <optional>

#include <QDateTime>
#include <QStringList>
#include <QUuid>

namespace ServeDeck {

// The failure kinds operators filter by; agents and the proxy record them.
QStringList knownErrorKinds();

struct ErrorRecord
{
    qint64 id = 0;
    QDateTime time;
    QUuid endpointId;
    QString routeId;
    QString replicaId;
    QString agentId;
    QString type;
    QString message;
    std::optional<int> exitCode;
    std::optional<int> signal;
    QString logTail;
};

struct ScaleEvent
{
    qint64 id = 0;
    QDateTime time;
    QUuid endpointId;
    QString ruleId;  // empty for manual scaling
    int before = 0;
    int after = 0;
    std::optional<double> metricValue;
    QString reason;

    QString direction() const { return after > before ? QStringLiteral("UP") : QStringLiteral("DOWN"); }
};

// Why a scale happened: an operator (the default) or an autoscaling rule's decision.
struct ScaleCause
{
    QString ruleId;
    std::optional<double> metricValue;
    QString reason = QStringLiteral("manual");
};

} // namespace ServeDeck
