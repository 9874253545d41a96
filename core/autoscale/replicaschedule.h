#pragma once

#include <optional>

#include <QDateTime>
#include <QList>
#include <QString>

#include "domain/result.h"

namespace ServeDeck {

// Replica floors by weekday and time of day, e.g. keep 3 warm in office hours:
//
//   schedule = entry { (";" | newline) entry }      blank entries and "# comments" are skipped
//   entry    = days " " HH:MM "-" HH:MM " " "min=" N
//   days     = day-set { "," day-set }              day-set = day | day "-" day | "daily" | "*"
//   day      = mon | tue | wed | thu | fri | sat | sun   (or the full name; any case)
//
//   mon-fri 09:00-18:00 min=3; sat,sun 00:00-24:00 min=1
//
// A range is [start, end); an end before the start runs past midnight into the next day
// ("fri 22:00-02:00" covers Friday night until Saturday 02:00); a day range may wrap ("fri-mon").
// Where entries overlap the highest floor wins. Times are wall-clock times of the caller's zone.
class ReplicaSchedule
{
public:
    static constexpr int kMaxFloor = 1000;  // the most replicas an endpoint may ask for

    struct Entry
    {
        quint8 days = 0;  // bit 0 = Monday ... bit 6 = Sunday
        int startMinute = 0;
        int endMinute = 0;  // up to 24 * 60; below startMinute it means "the next day"
        int floor = 0;
    };

    // Errors are InvalidArgument whose message quotes the bad token (also in details "token").
    static Result<ReplicaSchedule> parse(const QString &text);

    const QList<Entry> &entries() const { return m_entries; }
    bool isEmpty() const { return m_entries.isEmpty(); }

    // The highest floor of the entries covering that wall-clock time; nullopt when none does.
    std::optional<int> floorAt(const QDateTime &local) const;
    // The canonical text, which parse() reads back to the same entries.
    QString toString() const;

private:
    QList<Entry> m_entries;
};

} // namespace ServeDeck
