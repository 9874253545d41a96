#pragma once

#include <optional>

#include <QString>

namespace ServeDeck {

// What the operator pays, for the usage report's cost: per CPU core-hour and per GPU-hour, in
// one currency (ISO 4217 code). None set: the report has no cost.
struct UsagePrices
{
    static constexpr double kMaxPrice = 10000;

    std::optional<double> cpuHour;
    std::optional<double> gpuHour;
    QString currency;  // three capital letters, or empty

    // The field that is not valid (cpu_hour, gpu_hour, currency); empty when all are.
    QString invalidField() const;
    bool operator==(const UsagePrices &) const = default;
};

// How long usage samples are kept: minute rows, then hour rows (rolled up from the minutes).
struct UsageRetention
{
    static constexpr int kMaxMinuteDays = 90;
    static constexpr int kMaxHourDays = 3650;

    int minuteDays = 7;
    int hourDays = 90;

    bool isValid() const
    {
        return minuteDays >= 1 && minuteDays <= kMaxMinuteDays && hourDays >= minuteDays && hourDays <= kMaxHourDays;
    }
    bool operator==(const UsageRetention &) const = default;
};

} // namespace ServeDeck
