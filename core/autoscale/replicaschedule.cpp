#include "replicaschedule.h"

#include <algorithm>
#include <array>

#include <QJsonObject>
#include <QRegularExpression>
#include <QStringList>

namespace ServeDeck {

namespace {

constexpr quint8 kEveryDay = 0x7f;
constexpr std::array<QStringView, 7> kShortDays{u"mon", u"tue", u"wed", u"thu", u"fri", u"sat", u"sun"};
constexpr std::array<QStringView, 7> kLongDays{u"monday", u"tuesday",  u"wednesday", u"thursday",
                                               u"friday", u"saturday", u"sunday"};

ServiceError bad(int entry, const QString &what, const QString &token)
{
    return makeError(ErrorType::InvalidArgument,
                     QStringLiteral("schedule entry %1: %2 '%3'").arg(entry).arg(what, token),
                     {{QStringLiteral("entry"), entry}, {QStringLiteral("token"), token}});
}

std::optional<int> dayIndex(const QString &token)
{
    const QString day = token.toLower();
    for (int i = 0; i < 7; ++i) {
        if (day == kShortDays[std::size_t(i)] || day == kLongDays[std::size_t(i)])
            return i;
    }
    return std::nullopt;
}

std::optional<quint8> parseDays(const QString &token)
{
    quint8 days = 0;
    for (const QString &part : token.split(u',')) {
        if (part == u"*" || part.compare(u"daily", Qt::CaseInsensitive) == 0) {
            days |= kEveryDay;
            continue;
        }
        const QStringList ends = part.split(u'-');
        if (ends.size() > 2)
            return std::nullopt;
        const auto first = dayIndex(ends.first());
        const auto last = dayIndex(ends.last());
        if (!first || !last)
            return std::nullopt;
        // A range may wrap over the week's end: fri-mon is Friday to Monday.
        for (int d = *first;; d = (d + 1) % 7) {
            days |= quint8(1u << d);
            if (d == *last)
                break;
        }
    }
    return days;
}

// Minutes since midnight; "24:00" only where an end is allowed.
std::optional<int> parseTime(const QString &token, bool end)
{
    static const QRegularExpression time(QStringLiteral("^(\\d{1,2}):(\\d{2})$"));
    const auto match = time.match(token);
    if (!match.hasMatch())
        return std::nullopt;
    const int hour = match.captured(1).toInt();
    const int minute = match.captured(2).toInt();
    if (minute > 59 || hour > 24 || (hour == 24 && (minute != 0 || !end)))
        return std::nullopt;
    return hour * 60 + minute;
}

QString timeText(int minutes)
{
    return QStringLiteral("%1:%2").arg(minutes / 60, 2, 10, QLatin1Char('0')).arg(minutes % 60, 2, 10, QLatin1Char('0'));
}

QString daysText(quint8 days)
{
    if (days == kEveryDay)
        return QStringLiteral("daily");
    QStringList parts;
    for (int d = 0; d < 7;) {
        if (!(days & (1u << d))) {
            ++d;
            continue;
        }
        int last = d;
        while (last + 1 < 7 && (days & (1u << (last + 1))))
            ++last;
        if (last - d >= 2) {
            parts << kShortDays[std::size_t(d)].toString() + u'-' + kShortDays[std::size_t(last)].toString();
        } else {
            for (int i = d; i <= last; ++i)
                parts << kShortDays[std::size_t(i)].toString();
        }
        d = last + 1;
    }
    return parts.join(u',');
}

} // namespace

Result<ReplicaSchedule> ReplicaSchedule::parse(const QString &text)
{
    static const QRegularExpression spaces(QStringLiteral("\\s+"));
    ReplicaSchedule schedule;
    int number = 0;
    for (const QString &fullLine : text.split(u'\n')) {
        const QString line = fullLine.section(u'#', 0, 0);
        for (const QString &raw : line.split(u';')) {
            const QString entryText = raw.trimmed();
            if (entryText.isEmpty())
                continue;
            ++number;
            const QStringList tokens = entryText.split(spaces, Qt::SkipEmptyParts);
            if (tokens.size() != 3)
                return bad(number, QStringLiteral("expected 'DAYS HH:MM-HH:MM min=N', got"), entryText);

            Entry entry;
            const auto days = parseDays(tokens[0]);
            if (!days)
                return bad(number, QStringLiteral("unknown days"), tokens[0]);
            entry.days = *days;

            const QStringList range = tokens[1].split(u'-');
            const auto start = range.size() == 2 ? parseTime(range[0], false) : std::nullopt;
            const auto end = range.size() == 2 ? parseTime(range[1], true) : std::nullopt;
            if (!start || !end)
                return bad(number, QStringLiteral("bad time range (want HH:MM-HH:MM)"), tokens[1]);
            if (*start == *end)
                return bad(number, QStringLiteral("empty time range"), tokens[1]);
            entry.startMinute = *start;
            entry.endMinute = *end;

            bool ok = false;
            const int floor = tokens[2].startsWith(u"min=", Qt::CaseInsensitive) ? tokens[2].mid(4).toInt(&ok) : 0;
            if (!ok || floor < 0 || floor > kMaxFloor)
                return bad(number, QStringLiteral("bad floor (want min=0..%1)").arg(kMaxFloor), tokens[2]);
            entry.floor = floor;
            schedule.m_entries << entry;
        }
    }
    return schedule;
}

std::optional<int> ReplicaSchedule::floorAt(const QDateTime &local) const
{
    const int day = local.date().dayOfWeek() - 1;
    const int previous = (day + 6) % 7;
    const int minute = local.time().hour() * 60 + local.time().minute();
    std::optional<int> floor;
    for (const Entry &e : m_entries) {
        const bool today = e.days & (1u << day);
        bool covers = false;
        if (e.startMinute < e.endMinute)
            covers = today && minute >= e.startMinute && minute < e.endMinute;
        else  // past midnight: today's late part, or the tail of yesterday's entry
            covers = (today && minute >= e.startMinute) || ((e.days & (1u << previous)) && minute < e.endMinute);
        if (covers)
            floor = std::max(floor.value_or(0), e.floor);
    }
    return floor;
}

QString ReplicaSchedule::toString() const
{
    QStringList parts;
    for (const Entry &e : m_entries)
        parts << QStringLiteral("%1 %2-%3 min=%4")
                     .arg(daysText(e.days), timeText(e.startMinute), timeText(e.endMinute))
                     .arg(e.floor);
    return parts.join(QStringLiteral("; "));
}

} // namespace ServeDeck
