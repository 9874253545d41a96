#pragma once

#include <functional>
#include <memory>
#include <optional>

#include <QDateTime>
#include <QHash>
#include <QStringList>
#include <QTemporaryDir>

#include "autoscale/autoscaler.h"
#include "store/repository.h"
#include "support/manualclock.h"
#include "support/require.h"

namespace ServeDeck {

// The autoscaler suites' bench: passes over a real store on a temporary SQLite file, a clock only
// the test moves and a metrics reader that answers from m_metrics (and records each read). A suite
// derives from it next to QObject, calls open() in init() and sets its own actuator.
class AutoscalerFixture
{
protected:
    explicit AutoscalerFixture(int intervalSeconds) : m_interval(intervalSeconds) {}

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Repository> m_repository;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<Autoscaler> m_autoscaler;
    QDateTime m_t0;
    QHash<QString, double> m_metrics;
    QStringList m_reads;

    static QString key(const QUuid &endpointId, MetricSource source, const QString &metric)
    {
        return endpointId.toString() + u'/' + metricSourceName(source) + u'/' + metric;
    }

    // A fresh store, clock and autoscaler with no metrics; why the store did not open, empty when it did.
    [[nodiscard]] QString open()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_repository = std::make_unique<Repository>();
        const auto opened = m_repository->open(m_dir->filePath(QStringLiteral("db.sqlite")));
        if (!opened.ok())
            return opened.error().message;
        m_clock = std::make_unique<ManualClock>();
        m_t0 = m_clock->now();
        m_metrics.clear();
        m_reads.clear();
        m_autoscaler = std::make_unique<Autoscaler>(*m_repository, *m_clock);
        m_autoscaler->setMetricsReader([this](const QUuid &id, MetricSource source, const QString &metric) {
            m_reads << key(id, source, metric);
            const auto it = m_metrics.constFind(key(id, source, metric));
            return it == m_metrics.cend() ? std::nullopt : std::optional<double>(*it);
        });
        return {};
    }

    void close()
    {
        m_autoscaler.reset();
        m_repository.reset();
        m_dir.reset();
    }

    qint64 elapsed() const { return m_t0.secsTo(m_clock->now()); }

    Endpoint addEndpoint(const QString &name, int replicas, EndpointLifecycle lifecycle = EndpointLifecycle::Ready)
    {
        Endpoint e;
        e.id = QUuid::createUuid();
        e.name = name;
        e.modelVersion = QStringLiteral("v1");
        e.modelFolder = QStringLiteral("iris-v1");
        e.runtimeVariant = QStringLiteral("custom");
        e.resourceGroup = QStringLiteral("default");
        e.replicas = replicas;
        e.lifecycle = lifecycle;
        e.url = QStringLiteral("http://127.0.0.1:8080/") + name;
        e.createdAt = e.updatedAt = m_clock->now();
        require(m_repository->insertEndpoint(e), "insert endpoint");
        return e;
    }

    AutoScalingRule addRule(const Endpoint &e, MetricSource source, const QString &metric, Comparator comparator,
                            double threshold, int step, std::optional<double> perReplica, int min, int max,
                            int upDelay = 0, int downDelay = 0, int cooldown = 0)
    {
        AutoScalingRule r;
        r.id = QUuid::createUuid();
        r.endpointId = e.id;
        r.source = source;
        r.metric = metric;
        r.comparator = comparator;
        r.threshold = threshold;
        r.stepSize = step;
        r.targetPerReplica = perReplica;
        r.minReplicas = min;
        r.maxReplicas = max;
        r.scaleUpDelay = upDelay;
        r.scaleDownDelay = downDelay;
        r.cooldown = cooldown;
        r.createdAt = r.updatedAt = m_clock->now();
        require(m_repository->insertRule(r), "insert rule");
        return r;
    }

    void setMetric(const Endpoint &e, MetricSource source, const QString &metric, std::optional<double> value)
    {
        if (value)
            m_metrics.insert(key(e.id, source, metric), *value);
        else
            m_metrics.remove(key(e.id, source, metric));
    }

    int replicas(const Endpoint &e) { return require(m_repository->endpointById(e.id), "read endpoint")->replicas; }

    // Writes the count as the service would after an accepted scale.
    void setReplicas(const QUuid &endpointId, int count)
    {
        Endpoint stored = *require(m_repository->endpointById(endpointId), "read endpoint");
        stored.replicas = count;
        require(m_repository->updateEndpoint(stored), "update endpoint");
    }
    void setReplicas(const Endpoint &e, int count) { setReplicas(e.id, count); }

    // One pass every interval from now until `seconds` from the start, `load(t)` set before each;
    // the changes as "t:before->after".
    QStringList runUntil(qint64 seconds, const std::function<void(qint64)> &load = {})
    {
        QStringList timeline;
        for (; elapsed() <= seconds; m_clock->advance(m_interval)) {
            if (load)
                load(elapsed());
            const auto pass = m_autoscaler->evaluateOnce();
            if (!pass.ok())
                qFatal("pass failed: %s", qPrintable(pass.error().message));
            for (const AutoscaleDecision &d : *pass) {
                if (d.applied)
                    timeline << QStringLiteral("%1:%2->%3").arg(elapsed()).arg(d.before).arg(d.after);
            }
        }
        m_clock->advance(-m_interval);  // stay at the last pass's time
        return timeline;
    }

private:
    int m_interval;
};

} // namespace ServeDeck
