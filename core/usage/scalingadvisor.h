#pragma once

#include <optional>

#include <QDateTime>
#include <QList>
#include <QStringList>
#include <QTimeZone>

#include "domain/autoscalingrule.h"
#include "domain/endpoint.h"
#include "domain/errorrecord.h"
#include "domain/result.h"
#include "usage/recommendation.h"
#include "domain/usagesample.h"

namespace ServeDeck {

// Reads an endpoint's recorded usage and says how its autoscaling could be set: a schedule floor
// where load is regular, an idle timeout where it idles for long stretches, a target per replica
// from what a replica sustained within the latency target, and a warning for a rule that would
// have flapped (replayed by AutoscalerReplay). Pure logic over plain values: no store, no clock.
class ScalingAdvisor
{
public:
    struct Input
    {
        Endpoint endpoint;
        QList<AutoScalingRule> rules;
        AutoscaleSettings settings;
        QList<UsageSample> samples;     // oldest first
        QList<ScaleEvent> scaleEvents;  // any order
        QDateTime now;  // samples from it on are not judged (invalid: all are)
        // Schedules are wall-clock times of the zone the autoscaler runs in.
        QTimeZone zone = QTimeZone::systemTimeZone();
        std::optional<int> coldStartSeconds;  // how long a replica takes to serve, when measured
    };
    struct Report
    {
        QList<Recommendation> recommendations;  // numbered from 1
        QStringList notes;                      // why a kind has none, where the data says
    };

    // A schedule floor looks at this many of the newest weekdays, and wants them all.
    static constexpr int kScheduleDays = 5;
    static constexpr int kScheduleMinDays = 4;     // of kScheduleDays on which the hours were busy
    static constexpr int kMinHoursPerDay = 12;     // an hour counts with any sample in it
    static constexpr double kBusyFactor = 2.0;     // an hour's rate over the day's median hour
    static constexpr double kBusyShareOfPeak = 0.5;
    // Idle stretches: this long at least, and on at least half the days (and kMinIdleStretches).
    static constexpr qint64 kMinIdleStretchSeconds = 2 * 3600;
    static constexpr int kMinIdleStretches = 3;
    static constexpr int kDefaultIdleTimeoutSeconds = 15 * 60;
    static constexpr int kMinIdleTimeoutSeconds = 5 * 60;
    // Target per replica: what a replica sustained, with headroom.
    static constexpr int kMinTargetSamples = 30;
    static constexpr double kTargetPercentile = 0.9;
    static constexpr double kTargetHeadroom = 0.8;
    static constexpr double kTargetTolerance = 0.1;  // a rule this close already has it

    static Result<Report> advise(const Input &input);
};

} // namespace ServeDeck
