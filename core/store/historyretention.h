#pragma once

namespace ServeDeck {

// How much of the errors and scale-events history is kept: rows older than maxAgeDays, and an
// endpoint's rows beyond its newest maxRowsPerEndpoint, are deleted. So a replica that crashes in
// a loop cannot grow the database without bound.
struct HistoryRetention
{
    static constexpr int kMinAgeDays = 1;
    static constexpr int kMaxAgeDays = 3650;
    static constexpr int kMinRows = 100;
    static constexpr int kMaxRows = 1000000;

    int maxAgeDays = 30;
    int maxRowsPerEndpoint = 10000;

    bool isValid() const
    {
        return maxAgeDays >= kMinAgeDays && maxAgeDays <= kMaxAgeDays && maxRowsPerEndpoint >= kMinRows
            && maxRowsPerEndpoint <= kMaxRows;
    }
    bool operator==(const HistoryRetention &) const = default;
};

} // namespace ServeDeck
