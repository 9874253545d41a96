#include "trafficpattern.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include <QJsonValue>

namespace ServeDeck {

namespace {

constexpr std::array<std::pair<TrafficPattern::Kind, const char16_t *>, 6> kNames{{
    {TrafficPattern::Kind::Constant, u"constant"},
    {TrafficPattern::Kind::Linear, u"linear"},
    {TrafficPattern::Kind::Seasonal, u"seasonal"},
    {TrafficPattern::Kind::RandomWalk, u"random_walk"},
    {TrafficPattern::Kind::Exponential, u"exponential"},
    {TrafficPattern::Kind::Cyclical, u"cyclical"},
}};

ServiceError invalid(const QString &field, const QString &problem)
{
    return makeError(ErrorType::InvalidArgument, field + QStringLiteral(": ") + problem,
                     {{QStringLiteral("field"), field}});
}

// SplitMix64: the walk's step k is a function of (seed, k) alone, so rateAt needs no state.
quint64 mix(quint64 x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// Uniform in [-1, 1).
double walkStep(quint64 seed, qint64 k)
{
    const quint64 bits = mix(mix(seed) ^ quint64(k));
    return double(bits >> 11) * 0x1.0p-53 * 2.0 - 1.0;
}

} // namespace

QString TrafficPattern::kindName(Kind kind)
{
    for (const auto &[k, name] : kNames) {
        if (k == kind)
            return QString::fromUtf16(name);
    }
    return QString();
}

std::optional<TrafficPattern::Kind> TrafficPattern::kindFromName(const QString &name)
{
    for (const auto &[k, n] : kNames) {
        if (name == QString::fromUtf16(n))
            return k;
    }
    return std::nullopt;
}

Result<TrafficPattern> TrafficPattern::make(Kind kind, double minRate, double maxRate, qint64 periodMs, quint64 seed)
{
    const QString rateRange = QStringLiteral("a number of requests per second from 0 to %1").arg(kMaxRate);
    if (!std::isfinite(maxRate) || maxRate <= 0 || maxRate > kMaxRate)
        return invalid(QStringLiteral("max_rate"),
                       QStringLiteral("expected more than 0 and at most %1 requests per second").arg(kMaxRate));
    if (!std::isfinite(minRate) || minRate < 0 || minRate > kMaxRate)
        return invalid(QStringLiteral("min_rate"), QStringLiteral("expected ") + rateRange);
    if (kind != Kind::Constant && !(minRate < maxRate))
        return invalid(QStringLiteral("min_rate"), QStringLiteral("expected less than max_rate"));
    if (kind == Kind::Exponential && !(minRate > 0))
        return invalid(QStringLiteral("min_rate"), QStringLiteral("expected more than 0 for an exponential pattern"));
    if (periodMs < kMinPeriodMs || periodMs > kMaxPeriodMs)
        return invalid(QStringLiteral("period_ms"),
                       QStringLiteral("expected %1 to %2 milliseconds").arg(kMinPeriodMs).arg(kMaxPeriodMs));
    TrafficPattern pattern;
    pattern.kind = kind;
    pattern.minRate = kind == Kind::Constant ? maxRate : minRate;
    pattern.maxRate = maxRate;
    pattern.periodMs = periodMs;
    pattern.seed = seed;
    return pattern;
}

Result<TrafficPattern> TrafficPattern::fromJson(const QJsonObject &json)
{
    static const QStringList known{QStringLiteral("pattern"), QStringLiteral("min_rate"), QStringLiteral("max_rate"),
                                   QStringLiteral("period_ms"), QStringLiteral("seed")};
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!known.contains(it.key()))
            return invalid(it.key(), QStringLiteral("unknown field (expected one of: ")
                                         + known.join(QStringLiteral(", ")) + u')');
    }
    const QJsonValue name = json.value(QStringLiteral("pattern"));
    const std::optional<Kind> kind = name.isString() ? kindFromName(name.toString()) : std::nullopt;
    if (!kind)
        return invalid(QStringLiteral("pattern"),
                       QStringLiteral("expected constant, linear, seasonal, random_walk, exponential or cyclical"));
    const auto number = [&json](const QString &key, double fallback) -> std::optional<double> {
        const QJsonValue v = json.value(key);
        if (v.isUndefined())
            return fallback;
        return v.isDouble() ? std::optional<double>(v.toDouble()) : std::nullopt;
    };
    const std::optional<double> maxRate = number(QStringLiteral("max_rate"), -1);
    if (!maxRate || *maxRate < 0)
        return invalid(QStringLiteral("max_rate"), QStringLiteral("required: a number of requests per second"));
    const std::optional<double> minRate = number(QStringLiteral("min_rate"), *kind == Kind::Constant ? *maxRate : 0);
    if (!minRate)
        return invalid(QStringLiteral("min_rate"), QStringLiteral("expected a number of requests per second"));
    const std::optional<double> period = number(QStringLiteral("period_ms"), 60000);
    if (!period || *period != std::floor(*period) || std::abs(*period) > double(kMaxPeriodMs) * 2)
        return invalid(QStringLiteral("period_ms"), QStringLiteral("expected a whole number of milliseconds"));
    // JSON numbers are doubles: a seed is a whole number below 2^53.
    const std::optional<double> seed = number(QStringLiteral("seed"), 0);
    if (!seed || *seed < 0 || *seed != std::floor(*seed) || *seed > 0x1.0p53)
        return invalid(QStringLiteral("seed"), QStringLiteral("expected a whole number from 0 to 2^53"));
    return make(*kind, *minRate, *maxRate, qint64(*period), quint64(*seed));
}

QJsonObject TrafficPattern::toJson() const
{
    return {{QStringLiteral("pattern"), kindName(kind)},
            {QStringLiteral("min_rate"), minRate},
            {QStringLiteral("max_rate"), maxRate},
            {QStringLiteral("period_ms"), periodMs},
            {QStringLiteral("seed"), double(seed)}};
}

double TrafficPattern::rateAt(qint64 ms) const
{
    const qint64 t = std::max<qint64>(ms, 0);
    const double span = maxRate - minRate;
    // Where t falls in its period, in [0, 1).
    const double u = double(t % periodMs) / double(periodMs);
    double rate = maxRate;
    switch (kind) {
    case Kind::Constant:
        rate = maxRate;
        break;
    case Kind::Linear:  // a sawtooth: min to max over each period, then from min again
        rate = minRate + span * u;
        break;
    case Kind::Seasonal:
        rate = minRate + span * (1.0 + std::sin(2.0 * std::numbers::pi * double(t) / double(periodMs))) / 2.0;
        break;
    case Kind::Exponential:  // min to max over each period by a constant factor per ms, then from min again
        rate = minRate * std::pow(maxRate / minRate, u);
        break;
    case Kind::Cyclical:  // a triangle: min at the start of each period, max at its middle
        rate = minRate + span * (1.0 - std::abs(2.0 * u - 1.0));
        break;
    case Kind::RandomWalk: {
        // From the middle, one step a second of at most a tenth of the range, reflected at the
        // bounds. O(t / 1 s) per call: a week is 604,800 cheap steps, and rateAt stays pure.
        const double half = span / 10.0;
        rate = minRate + span / 2.0;
        const qint64 steps = t / kWalkStepMs;
        for (qint64 k = 0; k < steps; ++k) {
            rate += half * walkStep(seed, k);
            if (rate > maxRate)
                rate = 2 * maxRate - rate;
            else if (rate < minRate)
                rate = 2 * minRate - rate;
        }
        break;
    }
    }
    return std::clamp(rate, minRate, maxRate);
}

} // namespace ServeDeck
