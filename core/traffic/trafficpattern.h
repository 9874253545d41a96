#pragma once

#include <optional>

#include <QJsonObject>
#include <QString>

#include "domain/result.h"

namespace ServeDeck {

// A request rate over time (requests per second at t ms from the start): the data simulator's
// patterns. Pure and deterministic given the seed; every formula is in the README ("Traffic simulator").
struct TrafficPattern
{
    enum class Kind { Constant, Linear, Seasonal, RandomWalk, Exponential, Cyclical };

    static constexpr double kMaxRate = 5000;                        // requests/s, the simulator's cap
    static constexpr qint64 kMinPeriodMs = 1000;
    static constexpr qint64 kMaxPeriodMs = qint64(7) * 24 * 3600 * 1000;  // a week
    static constexpr qint64 kWalkStepMs = 1000;                     // random_walk: one step a second

    Kind kind = Kind::Constant;
    double minRate = 1;
    double maxRate = 1;
    qint64 periodMs = 60000;
    quint64 seed = 0;

    // Validated: 0 <= min <= max <= kMaxRate, max > 0, min < max unless constant, min > 0 for
    // exponential, period in [kMinPeriodMs, kMaxPeriodMs]. InvalidArgument names the field.
    static Result<TrafficPattern> make(Kind kind, double minRate, double maxRate, qint64 periodMs, quint64 seed);
    // {"pattern": "seasonal", "min_rate": 5, "max_rate": 80, "period_ms": 120000, "seed": 1}
    static Result<TrafficPattern> fromJson(const QJsonObject &json);
    QJsonObject toJson() const;

    static QString kindName(Kind kind);  // "constant", "linear", "seasonal", "random_walk", ...
    static std::optional<Kind> kindFromName(const QString &name);

    double rateAt(qint64 ms) const;

    bool operator==(const TrafficPattern &) const = default;
};

} // namespace ServeDeck
