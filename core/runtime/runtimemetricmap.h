#pragma once

#include <optional>

#include <QByteArray>
#include <QList>
#include <QStringList>

#include "runtime/runtimepreset.h"

namespace ServeDeck {

// What a runtime's Prometheus text says for the autoscaler's normalized metrics: queue_depth
// (requests waiting), running_requests (being served) and kv_cache_usage (0..1), whatever the
// runtime calls them. Any other name, a runtime's own included, is read as itself.
class RuntimeMetricMap
{
public:
    static inline const QString kQueueDepth = QStringLiteral("queue_depth");
    static inline const QString kRunningRequests = QStringLiteral("running_requests");
    static inline const QString kKvCacheUsage = QStringLiteral("kv_cache_usage");
    static const QStringList &normalizedNames();

    // A preset's map; cmd, custom and unknown variants get every preset's names, since a folder
    // with its own start command may run any of those runtimes.
    static RuntimeMetricMap forVariant(const QString &variant);
    explicit RuntimeMetricMap(QList<RuntimeMetric> metrics);

    const QList<RuntimeMetric> &metrics() const { return m_metrics; }
    // The names tried for a metric, in order: a normalized name's runtime names, else the name.
    QStringList namesFor(const QString &metric) const;
    // One replica's value: the first name of namesFor() present in the text, its series (any
    // labels) summed; for a usage fraction the largest series instead.
    std::optional<double> read(const QByteArray &prometheusText, const QString &metric) const;
    // Two replicas' values as the endpoint's: counts add up; a usage fraction takes the larger.
    double combine(const QString &metric, double a, double b) const;

private:
    bool isUsage(const QString &metric) const;

    QList<RuntimeMetric> m_metrics;
};

} // namespace ServeDeck
