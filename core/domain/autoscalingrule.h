#pragma once

#include <optional>

#include <QDateTime>
#include <QUuid>

#include "result.h"

namespace ServeDeck {

enum class MetricSource { Kernel, InferenceFramework, Proxy, Custom };
QString metricSourceName(MetricSource source);
std::optional<MetricSource> metricSourceFromName(const QString &name);

enum class Comparator { GreaterThan, GreaterOrEqual, LessThan, LessOrEqual };
QString comparatorSymbol(Comparator comparator);
QString comparatorName(Comparator comparator);
std::optional<Comparator> comparatorFromText(const QString &text);

struct AutoScalingRule
{
    QUuid id;
    QUuid endpointId;
    MetricSource source = MetricSource::Kernel;
    QString metric;
    Comparator comparator = Comparator::GreaterThan;
    double threshold = 0;
    int stepSize = 1;                        // > 0 scales out, < 0 scales in
    std::optional<double> targetPerReplica;  // when set: replicas = ceil(value / target)
    int minReplicas = 1;
    int maxReplicas = 1;
    int scaleUpDelay = 60;                   // seconds the condition must hold before scaling out
    int scaleDownDelay = 300;                // seconds before scaling back in
    int cooldown = 60;                       // seconds after any change before the next
    QDateTime createdAt;
    QDateTime updatedAt;

    // Always an explicit inequality, so the direction cannot be misread.
    QString condition() const;
};

// Autoscaling beyond rules, per endpoint: replica floors by time of week (ReplicaSchedule's text)
// and scale to zero after this many idle seconds (0: never).
struct AutoscaleSettings
{
    QUuid endpointId;
    QString schedule;
    int idleTimeoutSeconds = 0;
    QDateTime updatedAt;
};

// The source a metric comes from when the caller does not say.
MetricSource defaultSourceFor(const QString &metric);

} // namespace ServeDeck
