#include "runtimemetricmap.h"

#include <algorithm>
#include <cmath>

namespace ServeDeck {

namespace {

// Where the labels of a sample line end: the '}' closing its '{', quotes and escapes minded (a
// label value may hold a brace). -1 when the line is malformed.
qsizetype labelsEnd(const QByteArray &line, qsizetype open)
{
    bool quoted = false;
    for (qsizetype i = open + 1; i < line.size(); ++i) {
        const char c = line.at(i);
        if (quoted && c == '\\')
            ++i;
        else if (c == '"')
            quoted = !quoted;
        else if (!quoted && c == '}')
            return i;
    }
    return -1;
}

// The values of every series of one metric in Prometheus text exposition (any labels). The
// format is a line per sample, `name{labels} value [timestamp]`; comments start with '#'.
QList<double> samplesOf(const QByteArray &text, const QByteArray &name)
{
    QList<double> values;
    for (const QByteArray &raw : text.split('\n')) {
        const QByteArray line = raw.trimmed();
        if (line.isEmpty() || line.startsWith('#') || !line.startsWith(name))
            continue;
        const char next = line.size() > name.size() ? line.at(name.size()) : '\0';
        if (next != '{' && next != ' ' && next != '\t')
            continue;  // a longer name that merely starts the same
        const qsizetype end = next == '{' ? labelsEnd(line, name.size()) : name.size();
        if (end < 0)
            continue;
        const QList<QByteArray> fields = line.mid(end + 1).simplified().split(' ');
        bool ok = false;
        const double value = fields.value(0).toDouble(&ok);
        if (ok && std::isfinite(value))
            values << value;
    }
    return values;
}

} // namespace

const QStringList &RuntimeMetricMap::normalizedNames()
{
    static const QStringList names{kQueueDepth, kRunningRequests, kKvCacheUsage};
    return names;
}

RuntimeMetricMap RuntimeMetricMap::forVariant(const QString &variant)
{
    if (const auto preset = RuntimePreset::find(variant))
        return RuntimeMetricMap(preset->metrics);
    QList<RuntimeMetric> every;
    for (const RuntimePreset &preset : RuntimePreset::all()) {
        for (const RuntimeMetric &m : preset.metrics) {
            auto it = std::find_if(every.begin(), every.end(), [&](const RuntimeMetric &e) { return e.normalized == m.normalized; });
            if (it == every.end())
                it = every.insert(every.end(), RuntimeMetric{m.normalized, {}});
            for (const QString &name : m.names) {
                if (!it->names.contains(name))
                    it->names << name;
            }
        }
    }
    return RuntimeMetricMap(every);
}

RuntimeMetricMap::RuntimeMetricMap(QList<RuntimeMetric> metrics)
    : m_metrics(std::move(metrics))
{
}

QStringList RuntimeMetricMap::namesFor(const QString &metric) const
{
    for (const RuntimeMetric &m : m_metrics) {
        if (m.normalized == metric)
            return m.names;
    }
    return {metric};
}

std::optional<double> RuntimeMetricMap::read(const QByteArray &prometheusText, const QString &metric) const
{
    // Newest name first: a runtime exporting both during a rename is counted once.
    for (const QString &name : namesFor(metric)) {
        const QList<double> values = samplesOf(prometheusText, name.toUtf8());
        if (values.isEmpty())
            continue;
        // Series are per model or engine of one replica, combined as replicas are.
        double result = values.constFirst();
        for (qsizetype i = 1; i < values.size(); ++i)
            result = combine(metric, result, values[i]);
        return result;
    }
    return std::nullopt;
}

double RuntimeMetricMap::combine(const QString &metric, double a, double b) const
{
    // A usage fraction is not additive. The fullest replica's, not the mean: one replica whose
    // KV cache is full already preempts and queues requests, which a mean over idle ones hides.
    return isUsage(metric) ? std::max(a, b) : a + b;
}

bool RuntimeMetricMap::isUsage(const QString &metric) const
{
    if (metric == kKvCacheUsage)
        return true;
    for (const RuntimeMetric &m : m_metrics) {
        if (m.normalized == kKvCacheUsage && m.names.contains(metric))
            return true;
    }
    return false;
}

} // namespace ServeDeck
