// ReplicaSchedule::parse on the schedule text an operator types, then floorAt() at a few
// times and the promise that toString() parses back to the same entries.
#include <cstddef>
#include <cstdint>

#include <QDateTime>
#include <QString>

#include "autoscale/replicaschedule.h"

using ServeDeck::ReplicaSchedule;

namespace {
volatile size_t sink;

bool sameEntries(const ReplicaSchedule &a, const ReplicaSchedule &b)
{
    if (a.entries().size() != b.entries().size())
        return false;
    for (qsizetype i = 0; i < a.entries().size(); ++i) {
        const auto &x = a.entries()[i];
        const auto &y = b.entries()[i];
        if (x.days != y.days || x.startMinute != y.startMinute || x.endMinute != y.endMinute || x.floor != y.floor)
            return false;
    }
    return true;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    auto parsed = ReplicaSchedule::parse(text);
    if (!parsed) {
        sink = size_t(parsed.error().message.size());
        return 0;
    }
    const ReplicaSchedule &schedule = parsed.value();
    size_t sum = 0;
    // Monday 2026-11-30 at midnight, then every 7h13m over a week and a bit.
    const QDateTime start(QDate(2026, 11, 30), QTime(0, 0));
    for (int i = 0; i < 26; ++i) {
        const auto floor = schedule.floorAt(start.addSecs(qint64(i) * (7 * 3600 + 13 * 60)));
        if (floor && (*floor < 0 || *floor > ReplicaSchedule::kMaxFloor))
            __builtin_trap();
        sum += size_t(floor.value_or(0));
    }
    auto again = ReplicaSchedule::parse(schedule.toString());
    if (!again || !sameEntries(schedule, again.value()))
        __builtin_trap();  // toString() promises text that parse() reads back the same
    sink = sum;
    return 0;
}
