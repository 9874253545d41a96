#include <cmath>
#include <limits>
#include <memory>

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include "store/repository.h"
#include "support/manualclock.h"
#include "support/require.h"
#include "usage/usagereporter.h"
#include "usagetestdata.h"

using namespace ServeDeck;
using namespace ServeDeck::UsageTestData;

Q_DECLARE_METATYPE(ServeDeck::UsagePrices)

class TestUsageReporter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void heatMapCellsInLocalTime();
    void heatMapCoversSinceWeeksAtMost13();
    void sinceGrammar_data();
    void sinceGrammar();
    void badPricesStoreNothing_data();
    void badPricesStoreNothing();
    void csvHasARowPerRevisionAndTotal();

private:
    UsageSample sample(const QDateTime &start, double rps, double replicas, int seconds = 60);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Repository> m_repository;
    std::unique_ptr<ManualClock> m_clock;
    Endpoint m_endpoint;
};

void TestUsageReporter::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_clock = std::make_unique<ManualClock>(kT0.addDays(3));
    m_repository = std::make_unique<Repository>();
    require(m_repository->open(m_dir->filePath(QStringLiteral("store.db"))), "open");
    m_endpoint = endpoint(QStringLiteral("heat"), ResourceSlots{1, kGiB, 0});
    require(m_repository->insertEndpoint(m_endpoint), "endpoint");
}

void TestUsageReporter::cleanup()
{
    m_repository.reset();
    m_dir.reset();
}

UsageSample TestUsageReporter::sample(const QDateTime &start, double rps, double replicas, int seconds)
{
    UsageSample s;
    s.endpointId = m_endpoint.id;
    s.start = start;
    s.seconds = seconds;
    s.requestsPerSecond = rps;
    s.requests = qint64(rps * seconds);
    s.replicas = replicas;
    return s;
}

void TestUsageReporter::heatMapCellsInLocalTime()
{
    const QTimeZone berlin("Europe/Berlin");
    QVERIFY(berlin.isValid());
    // Monday 08:00 UTC is 09:00 in Berlin (UTC+1 in March): cell 9. Two minutes there, weighted
    // evenly; an hour row on Sunday 22:00 UTC (23:00 local): the last cell.
    const QDateTime mondayNine = kT0;
    const QDateTime sundayLate(QDate(2026, 3, 1), QTime(22, 0), Qt::UTC);
    require(m_repository->addUsageSamples({sample(mondayNine, 4, 1), sample(mondayNine.addSecs(60), 8, 3),
                                           sample(sundayLate, 2, 1, 3600)}),
            "samples");

    UsageReporter reporter(*m_repository, *m_clock, berlin);
    const UsageReport r = require(reporter.report(m_endpoint, m_clock->now().addDays(-7)), "report");
    QCOMPARE(r.weeks, 1);
    QCOMPARE(r.requestsPerSecondByHour.size(), UsageReport::kHoursOfWeek);
    QCOMPARE(r.replicasByHour.size(), UsageReport::kHoursOfWeek);
    QVERIFY(r.requestsPerSecondByHour[9].has_value());
    QCOMPARE(*r.requestsPerSecondByHour[9], 6.0);
    QCOMPARE(*r.replicasByHour[9], 2.0);
    QCOMPARE(r.samplesByHour[9], 2);
    QCOMPARE(*r.requestsPerSecondByHour[167], 2.0);
    int filled = 0;
    for (const auto &cell : r.requestsPerSecondByHour)
        filled += cell.has_value() ? 1 : 0;
    QCOMPARE(filled, 2);
    QCOMPARE(r.total.requests, 4 * 60 + 8 * 60 + 2 * 3600);

    // The JSON says which zone and where the week starts.
    const QJsonObject how = r.toJson().value(QStringLiteral("hour_of_week")).toObject();
    QCOMPARE(how.value(QStringLiteral("time_zone")).toString(), QStringLiteral("Europe/Berlin"));
    QCOMPARE(how.value(QStringLiteral("first_cell")).toString(), QStringLiteral("Monday 00:00"));
    const QJsonArray rps = how.value(QStringLiteral("requests_per_second")).toArray();
    QCOMPARE(rps.size(), 168);
    QCOMPARE(rps[9].toDouble(), 6.0);
    QVERIFY(rps[10].isNull());

    // In UTC the same samples land an hour earlier.
    UsageReporter utc(*m_repository, *m_clock, QTimeZone::utc());
    const UsageReport u = require(utc.report(m_endpoint, m_clock->now().addDays(-7)), "utc");
    QVERIFY(!u.requestsPerSecondByHour[9].has_value());
    QCOMPARE(*u.requestsPerSecondByHour[8], 6.0);
    QCOMPARE(*u.requestsPerSecondByHour[166], 2.0);
}

void TestUsageReporter::heatMapCoversSinceWeeksAtMost13()
{
    // A sample 31 days back (a Monday, 08:00) counts in the matrix with since=30d (5 weeks) but
    // not with 7d.
    const QDateTime fiveWeeksBack = kT0.addDays(-28);
    require(m_repository->addUsageSamples({sample(fiveWeeksBack, 10, 1)}), "sample");
    UsageReporter reporter(*m_repository, *m_clock, QTimeZone::utc());
    const UsageReport month = require(reporter.report(m_endpoint, m_clock->now().addDays(-30)), "30d");
    QCOMPARE(month.weeks, 5);
    QCOMPARE(month.samplesByHour[8], 1);
    const UsageReport week = require(reporter.report(m_endpoint, m_clock->now().addDays(-7)), "7d");
    QCOMPARE(week.samplesByHour[8], 0);
    const UsageReport year = require(reporter.report(m_endpoint, m_clock->now().addDays(-365)), "365d");
    QCOMPARE(year.weeks, UsageReporter::kMaxWeeks);
}

void TestUsageReporter::sinceGrammar_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("secondsBack");  // -1: refused
    QTest::newRow("empty: 7 days") << QString() << qint64(7 * 86400);
    QTest::newRow("24h") << QStringLiteral("24h") << qint64(86400);
    QTest::newRow("7d") << QStringLiteral("7d") << qint64(7 * 86400);
    QTest::newRow("2w") << QStringLiteral("2w") << qint64(14 * 86400);
    QTest::newRow("90m") << QStringLiteral("90m") << qint64(90 * 60);
    QTest::newRow("ISO UTC") << kT0.addDays(2).toString(Qt::ISODate) << qint64(86400);
    QTest::newRow("ISO offset") << QStringLiteral("2026-03-04T09:00:00+01:00") << qint64(86400);
    QTest::newRow("0h") << QStringLiteral("0h") << qint64(-1);
    QTest::newRow("negative") << QStringLiteral("-7d") << qint64(-1);
    QTest::newRow("unit missing") << QStringLiteral("7") << qint64(-1);
    QTest::newRow("unit unknown") << QStringLiteral("7y") << qint64(-1);
    QTest::newRow("too far") << QStringLiteral("3651d") << qint64(-1);
    QTest::newRow("huge") << QStringLiteral("999999w") << qint64(-1);
    QTest::newRow("space") << QStringLiteral(" 7d") << qint64(-1);
    QTest::newRow("future") << kT0.addDays(4).toString(Qt::ISODate) << qint64(-1);
    QTest::newRow("not a time") << QStringLiteral("yesterday") << qint64(-1);
    QTest::newRow("long") << QString(100, u'1') << qint64(-1);
}

void TestUsageReporter::sinceGrammar()
{
    QFETCH(QString, text);
    QFETCH(qint64, secondsBack);
    const QDateTime now = m_clock->now();
    const auto since = UsageReporter::parseSince(text, now);
    if (secondsBack < 0) {
        QVERIFY(!since.ok());
        QCOMPARE(since.error().type, ErrorType::InvalidArgument);
        QCOMPARE(since.error().details.value(QStringLiteral("field")).toString(), QStringLiteral("since"));
        // The text itself is not echoed back (a short one may match the message's examples).
        QVERIFY(text.size() <= 4 || !since.error().message.contains(text));
        return;
    }
    QVERIFY(since.ok());
    QCOMPARE(since.value().secsTo(now), secondsBack);
}

void TestUsageReporter::badPricesStoreNothing_data()
{
    QTest::addColumn<UsagePrices>("prices");
    QTest::addColumn<QString>("field");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    QTest::newRow("cpu < 0") << UsagePrices{-0.01, 1, QStringLiteral("EUR")} << "cpu_hour";
    QTest::newRow("cpu NaN") << UsagePrices{nan, 1, QStringLiteral("EUR")} << "cpu_hour";
    QTest::newRow("gpu inf") << UsagePrices{1, inf, QStringLiteral("EUR")} << "gpu_hour";
    QTest::newRow("gpu absurd") << UsagePrices{1, 10000.01, QStringLiteral("EUR")} << "gpu_hour";
    QTest::newRow("currency lower") << UsagePrices{1, 1, QStringLiteral("eur")} << "currency";
    QTest::newRow("currency 4") << UsagePrices{1, 1, QStringLiteral("EURO")} << "currency";
    QTest::newRow("currency digit") << UsagePrices{1, 1, QStringLiteral("E1R")} << "currency";
}

void TestUsageReporter::badPricesStoreNothing()
{
    QFETCH(UsagePrices, prices);
    QFETCH(QString, field);
    const UsagePrices before{0.5, std::nullopt, QStringLiteral("CHF")};
    require(m_repository->saveUsagePrices(before, kT0), "valid");
    const auto saved = m_repository->saveUsagePrices(prices, kT0);
    QVERIFY(!saved.ok());
    QCOMPARE(saved.error().type, ErrorType::InvalidArgument);
    QCOMPARE(saved.error().details.value(QStringLiteral("field")).toString(), field);
    QCOMPARE(require(m_repository->usagePrices(), "read"), before);
}

void TestUsageReporter::csvHasARowPerRevisionAndTotal()
{
    UsageReport r;
    r.prices = {1, std::nullopt, QStringLiteral("EUR")};
    UsageRevisionRow row;
    row.revisionId = QUuid::createUuid();
    row.number = 2;
    row.modelVersion = QStringLiteral("=HYPERLINK(\"x\")");
    row.figures.replicaHours = 1.5;
    row.figures.cpuHours = 3;
    row.figures.gpuHoursByDevice = {{QStringLiteral("local:0"), 1.5}, {QStringLiteral("remote-a:1"), 0.5}};
    row.figures.cost = 3;
    r.revisions << row;
    r.total = row.figures;
    r.total.requests = 42;
    r.total.errors = 1;
    const QStringList lines = QString::fromUtf8(r.toCsv()).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines[0].startsWith(QStringLiteral("revision,revision_number,model_version,replica_hours")));
    // The version stays text: quoted, its quotes doubled, a formula's "=" defused.
    QCOMPARE(lines[1],
             row.revisionId.toString(QUuid::WithoutBraces)
                 + QStringLiteral(",2,\"'=HYPERLINK(\"\"x\"\")\",1.5000,3.0000,0.0000,2.0000,"
                                  "local:0=1.5000;remote-a:1=0.5000,,,3.0000,EUR"));
    QCOMPARE(lines[2], QStringLiteral("total,,,1.5000,3.0000,0.0000,2.0000,local:0=1.5000;remote-a:1=0.5000,42,1,3.0000,EUR"));
}

QTEST_GUILESS_MAIN(TestUsageReporter)
#include "test_usagereporter.moc"
