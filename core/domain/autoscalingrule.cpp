#include "autoscalingrule.h"

#include <cstdlib>

#include "enumnames.h"

namespace ServeDeck {

namespace {
constexpr EnumNames<MetricSource, 4> kSources{{{
    {MetricSource::Kernel, "KERNEL"},
    {MetricSource::InferenceFramework, "INFERENCE_FRAMEWORK"},
    {MetricSource::Proxy, "PROXY"},
    {MetricSource::Custom, "CUSTOM"},
}}};
constexpr EnumNames<Comparator, 4> kComparatorNames{{{
    {Comparator::GreaterThan, "GREATER_THAN"},
    {Comparator::GreaterOrEqual, "GREATER_THAN_OR_EQUAL"},
    {Comparator::LessThan, "LESS_THAN"},
    {Comparator::LessOrEqual, "LESS_THAN_OR_EQUAL"},
}}};
constexpr EnumNames<Comparator, 4> kComparatorSymbols{{{
    {Comparator::GreaterThan, ">"},
    {Comparator::GreaterOrEqual, ">="},
    {Comparator::LessThan, "<"},
    {Comparator::LessOrEqual, "<="},
}}};
} // namespace

QString metricSourceName(MetricSource source)
{
    return kSources.name(source);
}

std::optional<MetricSource> metricSourceFromName(const QString &name)
{
    return kSources.parse(name.toUpper());
}

QString comparatorSymbol(Comparator comparator)
{
    return kComparatorSymbols.name(comparator);
}

QString comparatorName(Comparator comparator)
{
    return kComparatorNames.name(comparator);
}

std::optional<Comparator> comparatorFromText(const QString &text)
{
    if (auto c = kComparatorSymbols.parse(text.trimmed()))
        return c;
    return kComparatorNames.parse(text.trimmed().toUpper());
}

QString AutoScalingRule::condition() const
{
    const QString inequality = metric + u' ' + comparatorSymbol(comparator) + u' ' + QString::number(threshold);
    if (targetPerReplica)
        return QStringLiteral("scale to ceil(%1 / %2) replicas when %3")
            .arg(metric, QString::number(*targetPerReplica), inequality);
    const QString verb = stepSize >= 0 ? QStringLiteral("scale out") : QStringLiteral("scale in");
    return QStringLiteral("%1 by %2 when %3").arg(verb).arg(std::abs(stepSize)).arg(inequality);
}

MetricSource defaultSourceFor(const QString &metric)
{
    static const QStringList kernel{QStringLiteral("cpu_utilization"), QStringLiteral("memory_utilization"),
                                    QStringLiteral("gpu_utilization"), QStringLiteral("gpu_memory_utilization")};
    static const QStringList proxy{QStringLiteral("requests_per_second"), QStringLiteral("p95_latency_ms"),
                                   QStringLiteral("in_flight"),
                                   // OpenAI-style answers, measured by the proxy as they stream past
                                   QStringLiteral("ttft_ms"), QStringLiteral("ttft_p50_ms"),
                                   QStringLiteral("ttft_p95_ms"), QStringLiteral("tokens_per_second"),
                                   // the job backlog (QUEUED + RUNNING), counted by the job queue
                                   QStringLiteral("jobs_queued")};
    if (kernel.contains(metric))
        return MetricSource::Kernel;
    if (proxy.contains(metric))
        return MetricSource::Proxy;
    // The rest is the runtime's: queue_depth, running_requests and kv_cache_usage (read through
    // each runtime's own names) or a runtime's own name.
    return MetricSource::InferenceFramework;
}

} // namespace ServeDeck
