// ReplicaSchedule: the grammar, its errors, and which floor holds at a given wall-clock time.
#include <QTest>

#include "autoscale/replicaschedule.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

// 2026-01-05 is a Monday; day 0 = Monday ... 6 = Sunday of that week, 7 = the Monday after.
QDateTime at(int day, int hour, int minute = 0)
{
    return QDateTime(QDate(2026, 1, 5).addDays(day), QTime(hour, minute));
}

} // namespace

class TestReplicaSchedule final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("entries");
        QTest::addColumn<QString>("canonical");
        QTest::newRow("office hours and weekend")
            << u"mon-fri 09:00-18:00 min=3; sat,sun 00:00-24:00 min=1"_s << 2
            << u"mon-fri 09:00-18:00 min=3; sat,sun 00:00-24:00 min=1"_s;
        QTest::newRow("newlines, comments, blank entries, any case")
            << u"# business hours\nMon-Fri  9:00-18:00  MIN=3 ;;\n\n  Saturday 10:00-12:00 min=2  # brunch\n"_s << 2
            << u"mon-fri 09:00-18:00 min=3; sat 10:00-12:00 min=2"_s;
        QTest::newRow("daily and *") << u"daily 08:00-09:00 min=1; * 20:00-21:00 min=2"_s << 2
                                     << u"daily 08:00-09:00 min=1; daily 20:00-21:00 min=2"_s;
        QTest::newRow("a day range wrapping the week") << u"fri-mon 22:00-02:00 min=4"_s << 1
                                                       << u"mon,fri-sun 22:00-02:00 min=4"_s;
        QTest::newRow("two single days and a run") << u"mon,wed,fri,sat,sun 06:30-07:45 min=0"_s << 1
                                                   << u"mon,wed,fri-sun 06:30-07:45 min=0"_s;
        QTest::newRow("empty text") << u" \n ; # nothing\n"_s << 0 << QString();
    }

    void parses()
    {
        QFETCH(QString, text);
        QFETCH(int, entries);
        QFETCH(QString, canonical);
        const auto schedule = ReplicaSchedule::parse(text);
        QVERIFY2(schedule.ok(), schedule.ok() ? "" : qPrintable(schedule.error().message));
        QCOMPARE(schedule->entries().size(), entries);
        QCOMPARE(schedule->isEmpty(), entries == 0);
        QCOMPARE(schedule->toString(), canonical);
        // The canonical text reads back to the same schedule.
        const auto again = ReplicaSchedule::parse(schedule->toString());
        QVERIFY(again.ok());
        QCOMPARE(again->toString(), canonical);
    }

    void rejects_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("entry");
        QTest::addColumn<QString>("token");
        QTest::newRow("unknown day") << u"mun-fri 09:00-18:00 min=3"_s << 1 << u"mun-fri"_s;
        QTest::newRow("empty day in a list") << u"mon,,fri 09:00-18:00 min=3"_s << 1 << u"mon,,fri"_s;
        QTest::newRow("three-part day range") << u"mon-wed-fri 09:00-18:00 min=3"_s << 1 << u"mon-wed-fri"_s;
        QTest::newRow("hour 25") << u"mon 09:00-25:00 min=3"_s << 1 << u"09:00-25:00"_s;
        QTest::newRow("minute 60") << u"mon 09:60-18:00 min=3"_s << 1 << u"09:60-18:00"_s;
        QTest::newRow("24:30") << u"mon 09:00-24:30 min=3"_s << 1 << u"09:00-24:30"_s;
        QTest::newRow("start at 24:00") << u"mon 24:00-02:00 min=3"_s << 1 << u"24:00-02:00"_s;
        QTest::newRow("not a range") << u"mon 09:00 min=3"_s << 1 << u"09:00"_s;
        QTest::newRow("no floor") << u"mon 09:00-18:00"_s << 1 << u"mon 09:00-18:00"_s;
        QTest::newRow("empty range") << u"mon 09:00-09:00 min=3"_s << 1 << u"09:00-09:00"_s;
        QTest::newRow("words for times") << u"mon nine-five min=3"_s << 1 << u"nine-five"_s;
        QTest::newRow("max instead of min") << u"mon 09:00-18:00 max=3"_s << 1 << u"max=3"_s;
        QTest::newRow("negative floor") << u"mon 09:00-18:00 min=-1"_s << 1 << u"min=-1"_s;
        QTest::newRow("floor too large") << u"mon 09:00-18:00 min=1001"_s << 1 << u"min=1001"_s;
        QTest::newRow("floor not a number") << u"mon 09:00-18:00 min=three"_s << 1 << u"min=three"_s;
        QTest::newRow("extra token") << u"mon 09:00-18:00 min=3 now"_s << 1 << u"mon 09:00-18:00 min=3 now"_s;
        QTest::newRow("the second entry is named")
            << u"mon-fri 09:00-18:00 min=3\n# ok so far\nsat 10:00-12:00 min=x"_s << 2 << u"min=x"_s;
    }

    void rejects()
    {
        QFETCH(QString, text);
        QFETCH(int, entry);
        QFETCH(QString, token);
        const auto schedule = ReplicaSchedule::parse(text);
        QVERIFY(!schedule.ok());
        QCOMPARE(schedule.error().type, ErrorType::InvalidArgument);
        QVERIFY2(schedule.error().message.contains(u'\'' + token + u'\''), qPrintable(schedule.error().message));
        QVERIFY2(schedule.error().message.startsWith(u"schedule entry %1: "_s.arg(entry)),
                 qPrintable(schedule.error().message));
        QCOMPARE(schedule.error().details.value(u"token"_s).toString(), token);
        QCOMPARE(schedule.error().details.value(u"entry"_s).toInt(), entry);
    }

    void floorAt_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QDateTime>("time");
        QTest::addColumn<int>("floor");  // -1: none
        const QString office = u"mon-fri 09:00-18:00 min=3; sat,sun 00:00-24:00 min=1"_s;
        QTest::newRow("monday 08:59") << office << at(0, 8, 59) << -1;
        QTest::newRow("monday 09:00") << office << at(0, 9) << 3;
        QTest::newRow("friday 17:59") << office << at(4, 17, 59) << 3;
        QTest::newRow("friday 18:00: the end is open") << office << at(4, 18) << -1;
        QTest::newRow("saturday 00:00") << office << at(5, 0) << 1;
        QTest::newRow("sunday 23:59") << office << at(6, 23, 59) << 1;
        QTest::newRow("wednesday 03:00") << office << at(2, 3) << -1;

        const QString night = u"fri 22:00-02:00 min=2"_s;
        QTest::newRow("friday 21:59") << night << at(4, 21, 59) << -1;
        QTest::newRow("friday 22:00") << night << at(4, 22) << 2;
        QTest::newRow("saturday 01:59: past midnight") << night << at(5, 1, 59) << 2;
        QTest::newRow("saturday 02:00") << night << at(5, 2) << -1;
        QTest::newRow("friday 01:00: that is thursday's night") << night << at(4, 1) << -1;
        QTest::newRow("saturday 23:00") << night << at(5, 23) << -1;

        const QString wrap = u"sun 23:00-01:00 min=5"_s;
        QTest::newRow("the week wraps: monday 00:30") << wrap << at(7, 0, 30) << 5;
        QTest::newRow("sunday 00:30 is saturday's night") << wrap << at(6, 0, 30) << -1;

        const QString overlap = u"daily 00:00-24:00 min=1; mon 12:00-13:00 min=4; mon 12:30-14:00 min=2"_s;
        QTest::newRow("overlap: the highest wins") << overlap << at(0, 12, 45) << 4;
        QTest::newRow("overlap: after the highest ends") << overlap << at(0, 13, 30) << 2;
        QTest::newRow("overlap: every day") << overlap << at(3, 13, 30) << 1;
        QTest::newRow("a floor of 0 still applies") << u"sat 00:00-24:00 min=0"_s << at(5, 12) << 0;
    }

    void floorAt()
    {
        QFETCH(QString, text);
        QFETCH(QDateTime, time);
        QFETCH(int, floor);
        const auto schedule = ReplicaSchedule::parse(text);
        QVERIFY(schedule.ok());
        QCOMPARE(schedule->floorAt(time).value_or(-1), floor);
    }

    void emptyScheduleHasNoFloor()
    {
        const ReplicaSchedule schedule;
        QVERIFY(schedule.isEmpty());
        QVERIFY(!schedule.floorAt(at(0, 12)));
    }
};

QTEST_GUILESS_MAIN(TestReplicaSchedule)
#include "test_replicaschedule.moc"
