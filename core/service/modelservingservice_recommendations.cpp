// ModelServingService: scaling recommendations from recorded usage, and applying one.
#include "modelservingservice.h"
#include "modelservingservice_p.h"

#include <algorithm>

#include <QSet>

#include "domain/clock.h"
#include "store/repository.h"

namespace ServeDeck {

using namespace detail;

namespace {

// Scale events read back at most: weeks of a busy endpoint's changes.
constexpr int kMaxScaleEvents = 5000;

// Minute samples where there are any, hour samples for the hours they do not cover (the store
// keeps both while the minutes last), oldest first.
QList<UsageSample> finestSamples(const QList<UsageSample> &stored)
{
    QSet<qint64> minuteHours;
    for (const UsageSample &s : stored) {
        if (s.seconds < 3600)
            minuteHours.insert(s.start.toSecsSinceEpoch() / 3600);
    }
    QList<UsageSample> out;
    for (const UsageSample &s : stored) {
        if (s.seconds >= 3600 && minuteHours.contains(s.start.toSecsSinceEpoch() / 3600))
            continue;
        out << s;
    }
    std::stable_sort(out.begin(), out.end(), [](const UsageSample &a, const UsageSample &b) { return a.start < b.start; });
    return out;
}

} // namespace

Result<ScalingAdvisor::Report> ModelServingService::recommendationReport(const QString &ref, const QDateTime &since)
{
    const QDateTime now = m_clock.now();
    if (since.isValid() && since >= now)
        return invalid(QStringLiteral("since"), QStringLiteral("must be in the past"));
    const QDateTime earliest = now.addDays(-kMaxRecommendationDays);
    const QDateTime from = since.isValid() ? std::max(since, earliest) : now.addDays(-kDefaultRecommendationDays);
    auto endpoint = resolve(ref);
    if (!endpoint)
        return endpoint.error();
    auto rules = m_repository.rules(endpoint->id);
    if (!rules)
        return rules.error();
    auto settings = autoscaleSettings(endpoint->name);
    if (!settings)
        return settings.error();
    auto samples = m_repository.usageSamples(endpoint->id, from, now);
    if (!samples)
        return samples.error();
    auto events = m_repository.scaleEvents(endpoint->id, kMaxScaleEvents);
    if (!events)
        return events.error();

    ScalingAdvisor::Input input;
    input.endpoint = *endpoint;
    input.rules = *rules;
    input.settings = *settings;
    input.samples = finestSamples(*samples);
    for (const ScaleEvent &e : std::as_const(*events)) {
        if (e.time >= from)
            input.scaleEvents << e;
    }
    input.now = now;
    return ScalingAdvisor::advise(input);
}

Result<QList<Recommendation>> ModelServingService::recommendations(const QString &ref, const QDateTime &since)
{
    auto report = recommendationReport(ref, since);
    if (!report)
        return report.error();
    return report->recommendations;
}

Result<Recommendation> ModelServingService::applyRecommendation(const QString &ref, int number, const QDateTime &since)
{
    auto list = recommendations(ref, since);
    if (!list)
        return list.error();
    if (number < 1 || number > list->size())
        return makeError(ErrorType::NotFound,
                         QStringLiteral("no recommendation %1: there are %2").arg(number).arg(list->size()),
                         {{QStringLiteral("number"), number}});
    const Recommendation r = list->at(number - 1);
    if (r.isWarning())
        return makeError(ErrorType::InvalidArgument,
                         QStringLiteral("recommendation %1 is a warning: nothing to apply").arg(number),
                         {{QStringLiteral("number"), number}, {QStringLiteral("kind"), r.kind}});
    if (r.change.schedule || r.change.idleTimeoutSeconds) {
        if (auto set = setAutoscaleSettings(ref, r.change.schedule, r.change.idleTimeoutSeconds); !set)
            return set.error();
    }
    if (r.change.targetPerReplica) {
        AutoScalingRuleChanges changes;
        changes.targetPerReplica = r.change.targetPerReplica;
        if (auto modified = modifyAutoScalingRule(ref, r.change.ruleId, changes); !modified)
            return modified.error();
    }
    return r;
}

} // namespace ServeDeck
