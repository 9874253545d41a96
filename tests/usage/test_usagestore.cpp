#include <cmath>
#include <limits>

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "store/repository.h"
#include "support/require.h"
#include "support/teststore.h"

using namespace ServeDeck;

namespace {

const QDateTime kMonday(QDate(2026, 3, 2), QTime(9, 0), Qt::UTC);

UsageSample minute(const QUuid &endpoint, int index, qint64 requests)
{
    UsageSample s;
    s.endpointId = endpoint;
    s.start = kMonday.addSecs(60 * index);
    s.seconds = 60;
    s.requests = requests;
    s.errors = requests / 10;
    s.requestsPerSecond = requests / 60.0;
    s.p95Ms = requests > 0 ? std::optional<double>(100 + index) : std::nullopt;
    s.replicas = 2;
    s.desiredReplicas = 2;
    s.cpuPercent = 40;
    return s;
}

} // namespace

class TestUsageStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void samplesRoundTripOldestFirst();
    void badSampleStoresNothing_data();
    void badSampleStoresNothing();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Repository> m_repository;
};

void TestUsageStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_repository = std::make_unique<Repository>();
    const QString location = TestStore::location(*m_dir, QStringLiteral("store.db"));
    QVERIFY2(!location.isEmpty(), qPrintable(TestStore::lastError()));
    QVERIFY(m_repository->open(*StoreLocation::parse(location)).ok());
}

void TestUsageStore::cleanup()
{
    m_repository.reset();
    m_dir.reset();
}

void TestUsageStore::samplesRoundTripOldestFirst()
{
    const QUuid a = QUuid::createUuid();
    const QUuid b = QUuid::createUuid();
    // Written out of order, with another endpoint's in between.
    QList<UsageSample> samples{minute(a, 2, 30), minute(b, 0, 5), minute(a, 0, 0), minute(a, 1, 60)};
    QVERIFY(m_repository->addUsageSamples(samples).ok());

    const auto read = require(m_repository->usageSamples(a, kMonday, kMonday.addSecs(3600)), "read");
    QCOMPARE(read.size(), 3);
    QCOMPARE(read[0], minute(a, 0, 0));
    QCOMPARE(read[1], minute(a, 1, 60));
    QCOMPARE(read[2], minute(a, 2, 30));
    QVERIFY(!read[0].p95Ms.has_value());
    QVERIFY(!read[0].gpuPercent.has_value());

    // [from, to): the bucket at `to` is not in it.
    const auto window = require(m_repository->usageSamples(a, kMonday.addSecs(60), kMonday.addSecs(120)), "window");
    QCOMPARE(window.size(), 1);
    QCOMPARE(window[0].requests, 60);

    // The same bucket again replaces it.
    QVERIFY(m_repository->addUsageSamples({minute(a, 1, 90)}).ok());
    const auto again = require(m_repository->usageSamples(a, kMonday, kMonday.addSecs(3600)), "again");
    QCOMPARE(again.size(), 3);
    QCOMPARE(again[1].requests, 90);
}

void TestUsageStore::badSampleStoresNothing_data()
{
    QTest::addColumn<UsageSample>("sample");
    QTest::addColumn<QString>("field");
    const QUuid e = QUuid::createUuid();
    auto with = [&](auto change) {
        UsageSample s = minute(e, 5, 10);
        change(s);
        return s;
    };
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    QTest::newRow("no endpoint") << with([](UsageSample &s) { s.endpointId = {}; }) << "endpoint_id";
    QTest::newRow("bucket 30 s") << with([](UsageSample &s) { s.seconds = 30; }) << "seconds";
    QTest::newRow("unaligned") << with([](UsageSample &s) { s.start = s.start.addSecs(7); }) << "start";
    QTest::newRow("hour unaligned") << with([](UsageSample &s) { s.seconds = 3600; }) << "start";
    QTest::newRow("no start") << with([](UsageSample &s) { s.start = {}; }) << "start";
    QTest::newRow("requests < 0") << with([](UsageSample &s) { s.requests = -1; }) << "requests";
    QTest::newRow("errors < 0") << with([](UsageSample &s) { s.errors = -1; }) << "errors";
    QTest::newRow("rps NaN") << with([nan](UsageSample &s) { s.requestsPerSecond = nan; }) << "requests_per_second";
    QTest::newRow("p95 inf") << with([inf](UsageSample &s) { s.p95Ms = inf; }) << "p95_ms";
    QTest::newRow("replicas < 0") << with([](UsageSample &s) { s.replicas = -0.5; }) << "replicas";
    QTest::newRow("desired < 0") << with([](UsageSample &s) { s.desiredReplicas = -1; }) << "desired_replicas";
    QTest::newRow("cpu NaN") << with([nan](UsageSample &s) { s.cpuPercent = nan; }) << "cpu_percent";
    QTest::newRow("gpu < 0") << with([](UsageSample &s) { s.gpuPercent = -1; }) << "gpu_percent";
}

void TestUsageStore::badSampleStoresNothing()
{
    QFETCH(UsageSample, sample);
    QFETCH(QString, field);
    // A good sample of the same endpoint first in the batch: it must not be stored either.
    const UsageSample good = minute(sample.endpointId.isNull() ? QUuid::createUuid() : sample.endpointId, 0, 10);
    const auto added = m_repository->addUsageSamples({good, sample});
    QVERIFY(!added.ok());
    QCOMPARE(added.error().type, ErrorType::InvalidArgument);
    QCOMPARE(added.error().details.value(QStringLiteral("field")).toString(), field);
    const auto read = require(m_repository->usageSamples(good.endpointId, kMonday.addDays(-1), kMonday.addDays(1)), "read");
    QVERIFY(read.isEmpty());
}

Q_DECLARE_METATYPE(ServeDeck::UsageSample)

QTEST_GUILESS_MAIN(TestUsageStore)
#include "test_usagestore.moc"
