// Value-type rules: resource slots, endpoint status, rule conditions.
#include <QJsonDocument>
#include <QTest>

#include "domain/autoscalingrule.h"
#include "domain/endpointstatus.h"
#include "domain/resourceslots.h"

using namespace ServeDeck;

class TestDomain final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void memorySize_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("bytes");
        QTest::addColumn<bool>("valid");
        QTest::newRow("4G") << "4G" << (qint64(4) << 30) << true;
        QTest::newRow("4GiB") << "4GiB" << (qint64(4) << 30) << true;
        QTest::newRow("512m") << "512m" << (qint64(512) << 20) << true;
        QTest::newRow("1TB") << "1TB" << (qint64(1) << 40) << true;
        QTest::newRow("1.5G") << "1.5G" << (qint64(3) << 29) << true;
        QTest::newRow("bytes") << "1024" << qint64(1024) << true;
        QTest::newRow("negative") << "-1G" << qint64(0) << false;
        QTest::newRow("word") << "lots" << qint64(0) << false;
        QTest::newRow("unknown unit") << "4X" << qint64(0) << false;
        QTest::newRow("absurd") << "99999999P" << qint64(0) << false;
    }

    void memorySize()
    {
        QFETCH(QString, text);
        QFETCH(qint64, bytes);
        QFETCH(bool, valid);
        auto parsed = parseMemorySize(text);
        QCOMPARE(parsed.ok(), valid);
        if (valid) {
            QCOMPARE(*parsed, bytes);
            QCOMPARE(*parseMemorySize(formatMemorySize(bytes)), bytes);
        } else {
            QCOMPARE(parsed.error().type, ErrorType::InvalidArgument);
        }
    }

    void resourceSlots_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<double>("cpu");
        QTest::addColumn<QString>("field");
        QTest::newRow("spec strings") << QByteArray(R"({"cpu":"2","memory":"4G"})") << true << 2.0 << "";
        QTest::newRow("numbers") << QByteArray(R"({"cpu":0.5,"memory":1073741824})") << true << 0.5 << "";
        QTest::newRow("gpu alias") << QByteArray(R"({"cpu":"1","memory":"1G","cuda.device":"1"})") << true << 1.0 << "";
        QTest::newRow("negative cpu") << QByteArray(R"({"cpu":"-1"})") << false << 0.0 << "resource_slots.cpu";
        QTest::newRow("cpu word") << QByteArray(R"({"cpu":"two"})") << false << 0.0 << "resource_slots.cpu";
        QTest::newRow("bad memory") << QByteArray(R"({"memory":"4 bananas"})") << false << 0.0 << "resource_slots.memory";
        QTest::newRow("unknown slot") << QByteArray(R"({"tpu":"1"})") << false << 0.0 << "resource_slots.tpu";
        QTest::newRow("memory as bool") << QByteArray(R"({"memory":true})") << false << 0.0 << "resource_slots.memory";
        QTest::newRow("gpu memory") << QByteArray(R"({"cpu":"1","memory":"1G","gpu":"1","gpu_memory":"24G"})") << true << 1.0 << "";
        QTest::newRow("gpu memory in bytes") << QByteArray(R"({"cpu":"1","gpu_memory":1073741824})") << true << 1.0 << "";
        QTest::newRow("negative gpu memory") << QByteArray(R"({"gpu_memory":"-1G"})") << false << 0.0 << "resource_slots.gpu_memory";
        QTest::newRow("gpu memory word") << QByteArray(R"({"gpu_memory":"plenty"})") << false << 0.0 << "resource_slots.gpu_memory";
        QTest::newRow("gpu memory as bool") << QByteArray(R"({"gpu_memory":false})") << false << 0.0 << "resource_slots.gpu_memory";
        QTest::newRow("negative gpu memory number") << QByteArray(R"({"gpu_memory":-5})") << false << 0.0 << "resource_slots.gpu_memory";
    }

    void resourceSlots()
    {
        QFETCH(QByteArray, json);
        QFETCH(bool, valid);
        QFETCH(double, cpu);
        QFETCH(QString, field);
        auto slotsResult = ResourceSlots::fromJson(QJsonDocument::fromJson(json).object());
        QCOMPARE(slotsResult.ok(), valid);
        if (valid) {
            QCOMPARE(slotsResult->cpu, cpu);
            QCOMPARE(*ResourceSlots::fromJson(slotsResult->toJson()), *slotsResult);
        } else {
            QCOMPARE(slotsResult.error().details.value(QStringLiteral("field")).toString(), field);
        }
    }

    // A JSON number beyond qint64 must be refused before it is converted (undefined behaviour;
    // found by fuzz_agentprotocol through an agent's capacity), with the right reason.
    void resourceSlotsMemoryOutOfRange()
    {
        const auto tooLarge = ResourceSlots::fromJson(QJsonDocument::fromJson(R"({"memory":1e52})").object());
        QVERIFY(!tooLarge.ok());
        QVERIFY2(tooLarge.error().message.endsWith(u"too large"), qPrintable(tooLarge.error().message));
        const auto negative = ResourceSlots::fromJson(
            QJsonDocument::fromJson(R"({"cpu":8,"mem":-11111111111111111111111111111111111111111111111111111})").object());
        QVERIFY(!negative.ok());
        QVERIFY2(negative.error().message.endsWith(u"must not be negative"), qPrintable(negative.error().message));
        const auto largest = ResourceSlots::fromJson(QJsonDocument::fromJson(R"({"memory":9e18})").object());
        QVERIFY(largest.ok());
        QCOMPARE(largest->memoryBytes, qint64(9000000000000000000));
    }

    // A replica that shares a device by memory takes memory, not a device, when counted.
    void gpuMemorySlots()
    {
        const auto slots = ResourceSlots::fromJson(QJsonDocument::fromJson(R"({"cpu":1,"memory":"1G","gpu":1,"gpu_memory":"10G"})").object());
        QVERIFY(slots.ok());
        QCOMPARE(slots->gpuMemoryBytes, qint64(10) << 30);
        QVERIFY(slots->sharesGpu());
        QCOMPARE(slots->toJson().value(QStringLiteral("gpu_memory")).toString(), QStringLiteral("10G"));
        const ResourceSlots two = *slots * 2;
        QCOMPARE(two.gpu, 0.0);
        QCOMPARE(two.gpuMemoryBytes, qint64(20) << 30);
        const ResourceSlots oneDevice{8, qint64(8) << 30, 1, qint64(24) << 30};
        QVERIFY(two.fitsIn(oneDevice));
        QVERIFY(!(*slots * 3).fitsIn(oneDevice));
        const ResourceSlots whole{1, 1, 2, qint64(10) << 30};  // two devices with 10G each
        QVERIFY(!whole.sharesGpu());
        QCOMPARE((whole * 2).gpu, 4.0);
        QCOMPARE(readableMemorySize(qint64(24) << 30), QStringLiteral("24 GiB"));
        QCOMPARE(readableMemorySize(qint64(3) << 29), QStringLiteral("1.5 GiB"));
        QCOMPARE(readableMemorySize(qint64(512) << 20), QStringLiteral("512 MiB"));
    }

    void fits()
    {
        const ResourceSlots one{0.1, 100, 0};
        QVERIFY((one * 3).fitsIn({0.3, 300, 0}));
        QVERIFY(!(one * 4).fitsIn({0.3, 300, 0}));
        QVERIFY(!ResourceSlots({1, 1, 1}).fitsIn({8, 8, 0}));
    }

    void endpointStatus_data()
    {
        QTest::addColumn<QString>("lifecycle");
        QTest::addColumn<int>("replicas");
        QTest::addColumn<QStringList>("routes");
        QTest::addColumn<QString>("status");
        QTest::addColumn<int>("retries");
        const QString H = QStringLiteral("HEALTHY"), U = QStringLiteral("UNHEALTHY"), P = QStringLiteral("PROVISIONING"),
                      T = QStringLiteral("TERMINATING"), F = QStringLiteral("FAILED_TO_START");
        QTest::newRow("all healthy") << "READY" << 2 << QStringList{H, H} << "HEALTHY" << 0;
        QTest::newRow("some healthy") << "READY" << 2 << QStringList{H, U} << "DEGRADED" << 0;
        QTest::newRow("some healthy, one starting") << "READY" << 3 << QStringList{H, P} << "DEGRADED" << 0;
        QTest::newRow("none healthy, failing") << "READY" << 2 << QStringList{U, U} << "UNHEALTHY" << 0;
        QTest::newRow("none healthy, failed to start") << "READY" << 1 << QStringList{F} << "UNHEALTHY" << 0;
        QTest::newRow("none yet") << "CREATED" << 2 << QStringList{} << "PROVISIONING" << 0;
        QTest::newRow("starting") << "CREATED" << 2 << QStringList{P, P} << "PROVISIONING" << 0;
        QTest::newRow("scaled to zero") << "READY" << 0 << QStringList{T} << "SCALED_TO_ZERO" << 0;
        QTest::newRow("more healthy than desired") << "READY" << 1 << QStringList{H, H} << "HEALTHY" << 0;
        QTest::newRow("destroying") << "DESTROYING" << 0 << QStringList{T} << "DESTROYING" << 0;
        QTest::newRow("terminated") << "TERMINATED" << 0 << QStringList{} << "TERMINATED" << 0;
        QTest::newRow("starts failing, routes gone") << "CREATED" << 1 << QStringList{} << "UNHEALTHY" << 3;
        QTest::newRow("retrying, one starting") << "CREATED" << 1 << QStringList{P} << "UNHEALTHY" << 1;
        QTest::newRow("healthy despite past retries") << "READY" << 1 << QStringList{H} << "HEALTHY" << 2;
    }

    void endpointStatus()
    {
        QFETCH(QString, lifecycle);
        QFETCH(int, replicas);
        QFETCH(QStringList, routes);
        QFETCH(QString, status);
        QFETCH(int, retries);
        Endpoint e;
        e.retries = retries;
        e.lifecycle = *lifecycleFromName(lifecycle);
        e.replicas = replicas;
        QList<Route> list;
        for (const QString &s : routes) {
            Route r;
            r.status = *routeStatusFromName(s);
            list << r;
        }
        QCOMPARE(endpointStatusName(deriveEndpointStatus(e, list)), status);
    }

    void ruleCondition_data()
    {
        QTest::addColumn<QString>("comparator");
        QTest::addColumn<int>("step");
        QTest::addColumn<QString>("condition");
        QTest::newRow("out above") << ">" << 2 << "scale out by 2 when cpu_utilization > 70";
        QTest::newRow("in below") << "<" << -1 << "scale in by 1 when cpu_utilization < 70";
        QTest::newRow("named comparator") << "GREATER_THAN_OR_EQUAL" << 1 << "scale out by 1 when cpu_utilization >= 70";
        QTest::newRow("le") << "<=" << -3 << "scale in by 3 when cpu_utilization <= 70";
    }

    void ruleCondition()
    {
        QFETCH(QString, comparator);
        QFETCH(int, step);
        QFETCH(QString, condition);
        AutoScalingRule rule;
        rule.metric = QStringLiteral("cpu_utilization");
        rule.threshold = 70;
        rule.comparator = *comparatorFromText(comparator);
        rule.stepSize = step;
        QCOMPARE(rule.condition(), condition);
    }
};

QTEST_APPLESS_MAIN(TestDomain)
#include "test_domain.moc"
