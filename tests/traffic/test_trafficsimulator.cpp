#include <QDir>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include "traffic/trafficsimulator.h"

using namespace ServeDeck;

namespace {

constexpr int kStartMs = 15000;

// One servedeck-model-server child on a port of its own.
class DemoServer
{
public:
    ~DemoServer()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(10000);
        }
    }

    bool start(const QStringList &faults, QString *why)
    {
        const QString source = qEnvironmentVariable("SERVEDECK_SOURCE_DIR");
        m_process.setProgram(QDir(qEnvironmentVariable("SERVEDECK_BIN_DIR")).filePath(QStringLiteral("servedeck-model-server")));
        m_process.setArguments(QStringList{QStringLiteral("--model"), source + QStringLiteral("/resources/models/iris-v1/iris.csv"),
                                           QStringLiteral("--version"), QStringLiteral("v1"), QStringLiteral("--port"),
                                           QStringLiteral("0")}
                               + faults);
        m_process.setReadChannel(QProcess::StandardOutput);
        m_process.start();
        if (!m_process.waitForStarted(kStartMs)) {
            *why = m_process.errorString();
            return false;
        }
        [[maybe_unused]] const bool printed = QTest::qWaitFor(
            [this] { return m_process.canReadLine() || m_process.state() == QProcess::NotRunning; }, kStartMs);
        const QString line = QString::fromUtf8(m_process.readLine()).trimmed();
        m_port = line.startsWith(QStringLiteral("listening=127.0.0.1:")) ? line.section(u':', -1).toInt() : 0;
        *why = QStringLiteral("no listening= line: '%1' %2").arg(line, QString::fromUtf8(m_process.readAllStandardError()));
        return m_port > 0;
    }

    int port() const { return m_port; }

    // Predictions it answered with this status, from its /metrics; -1 when unreadable.
    qint64 answered(int status)
    {
        QNetworkAccessManager network;
        network.setProxy(QNetworkProxy::NoProxy);  // never an operator's HTTP proxy
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/metrics").arg(m_port)));
        request.setTransferTimeout(10000);
        QNetworkReply *reply = network.get(request);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        const QByteArray text = reply->readAll();
        reply->deleteLater();
        if (reply->error() != QNetworkReply::NoError)
            return -1;
        const QRegularExpression line(QStringLiteral("^servedeck_model_requests_total\\{status=\"%1\"\\} (\\d+)$").arg(status),
                                      QRegularExpression::MultilineOption);
        const QRegularExpressionMatch m = line.match(QString::fromUtf8(text));
        return m.hasMatch() ? m.captured(1).toLongLong() : 0;
    }

private:
    QProcess m_process;
    int m_port = 0;
};

SimulationSettings settingsFor(int port, double rate, qint64 durationMs)
{
    SimulationSettings s;
    s.endpoint = QStringLiteral("iris");
    s.url = QUrl(QStringLiteral("http://127.0.0.1:%1/predict").arg(port));
    s.pattern = *TrafficPattern::make(TrafficPattern::Kind::Constant, rate, rate, 60000, 0);
    s.intervalMs = 500;
    s.durationMs = durationMs;
    s.seed = 11;
    s.request.example = QByteArrayLiteral(R"({"features": [5.1, 3.5, 1.4, 0.2]})");
    s.request.inputField = QStringLiteral("features");
    s.request.batchField = QStringLiteral("instances");
    s.request.inputShape = {4};
    s.request.min = 0.1;
    s.request.max = 7.9;
    return s;
}

} // namespace

class TestTrafficSimulator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void constantRateForTwoSeconds();
    void patternDrivesTheRate();
    void randomInterval();
    void failuresAreCounted();
    void stopStops();
    void inFlightCapSkips();
    void badSettings_data();
    void badSettings();
};

// 20 requests/s for 2 s in ticks of 500 ms: 10 a tick, 40 in all, each answered, in batches of
// 1 to 3 generated inputs that the demo server takes (a malformed one would be a 400).
void TestTrafficSimulator::constantRateForTwoSeconds()
{
    DemoServer server;
    QString why;
    QVERIFY2(server.start({}, &why), qPrintable(why));
    SimulationSettings settings = settingsFor(server.port(), 20, 2000);
    settings.batchMin = 1;
    settings.batchMax = 3;
    TrafficSimulator simulator(settings);
    QSignalSpy ticks(&simulator, &TrafficSimulator::tick);
    QSignalSpy stopped(&simulator, &TrafficSimulator::stopped);
    const Result<Done> started = simulator.start();
    QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().message));
    QVERIFY(simulator.isRunning());
    QVERIFY(stopped.wait(15000));
    QVERIFY(!simulator.isRunning());

    const SimulationTick totals = stopped.first().first().value<SimulationTick>();
    QVERIFY2(totals.sent >= 38 && totals.sent <= 40, qPrintable(QString::number(totals.sent)));
    QCOMPARE(totals.ok, totals.sent);
    QCOMPARE(totals.failed, 0u);
    QCOMPARE(totals.skipped, 0u);
    QCOMPARE(totals.cancelled, 0u);
    QCOMPARE(totals.byRevision.value(QByteArray()).ok, totals.ok);  // straight to a replica: no revision header
    QCOMPARE(server.answered(200), qint64(totals.ok));
    QCOMPARE(server.answered(400), 0);

    QVERIFY2(ticks.size() >= 4 && ticks.size() <= 5, qPrintable(QString::number(ticks.size())));
    const SimulationTick first = ticks.first().first().value<SimulationTick>();
    QCOMPARE(first.rate, 20.0);
    QCOMPARE(first.sent, 10u);
    QCOMPARE(first.intervalMs, 500);
}

// A linear pattern from 10 to 50 requests/s over 2 s, ticks of 500 ms: each tick sends at the
// rate of its start, 10, 20, 30, 40/s, so 5, 10, 15 and 20 requests.
void TestTrafficSimulator::patternDrivesTheRate()
{
    DemoServer server;
    QString why;
    QVERIFY2(server.start({}, &why), qPrintable(why));
    SimulationSettings settings = settingsFor(server.port(), 1, 2000);
    settings.pattern = *TrafficPattern::make(TrafficPattern::Kind::Linear, 10, 50, 2000, 0);
    TrafficSimulator simulator(settings);
    QSignalSpy ticks(&simulator, &TrafficSimulator::tick);
    QSignalSpy stopped(&simulator, &TrafficSimulator::stopped);
    QVERIFY(simulator.start().ok());
    QVERIFY(stopped.wait(15000));
    QVERIFY2(ticks.size() >= 4, qPrintable(QString::number(ticks.size())));
    const QList<double> rates{10, 20, 30, 40};
    const QList<quint64> sent{5, 15, 30, 50};
    for (int i = 0; i < 4; ++i) {
        const SimulationTick tick = ticks.at(i).first().value<SimulationTick>();
        QCOMPARE(tick.rate, rates.at(i));
        QCOMPARE(tick.sent, sent.at(i));
    }
    QCOMPARE(simulator.totals().ok, 50u);
}

// With --random-interval each tick lasts 50 % to 150 % of the interval, and they differ; the
// requests still follow the rate over the run.
void TestTrafficSimulator::randomInterval()
{
    DemoServer server;
    QString why;
    QVERIFY2(server.start({}, &why), qPrintable(why));
    SimulationSettings settings = settingsFor(server.port(), 20, 3000);
    settings.randomizeInterval = true;
    TrafficSimulator simulator(settings);
    QSignalSpy ticks(&simulator, &TrafficSimulator::tick);
    QSignalSpy stopped(&simulator, &TrafficSimulator::stopped);
    QVERIFY(simulator.start().ok());
    QVERIFY(stopped.wait(15000));
    QVERIFY2(ticks.size() >= 4, qPrintable(QString::number(ticks.size())));
    QSet<qint64> lengths;
    for (int i = 0; i + 1 < ticks.size(); ++i) {  // the last one is cut short by the duration
        const qint64 length = ticks.at(i).first().value<SimulationTick>().intervalMs;
        QVERIFY2(length >= 250 && length <= 750, qPrintable(QString::number(length)));
        lengths.insert(length);
    }
    QVERIFY2(lengths.size() >= 2, "every tick as long as the others");
    const quint64 total = simulator.totals().sent;
    QVERIFY2(total >= 57 && total <= 60, qPrintable(QString::number(total)));
}

// The demo server fails 25 of every 100 predictions (every 4th): a quarter of them are failures.
void TestTrafficSimulator::failuresAreCounted()
{
    DemoServer server;
    QString why;
    QVERIFY2(server.start({QStringLiteral("--fail-percent"), QStringLiteral("25")}, &why), qPrintable(why));
    TrafficSimulator simulator(settingsFor(server.port(), 40, 1000));
    QSignalSpy stopped(&simulator, &TrafficSimulator::stopped);
    QVERIFY(simulator.start().ok());
    QVERIFY(stopped.wait(15000));
    const SimulationTick totals = simulator.totals();
    QCOMPARE(totals.sent, 40u);
    QCOMPARE(totals.failed, 10u);
    QCOMPARE(totals.ok, 30u);
    QCOMPARE(server.answered(500), 10);
}

void TestTrafficSimulator::stopStops()
{
    DemoServer server;
    QString why;
    QVERIFY2(server.start({}, &why), qPrintable(why));
    TrafficSimulator simulator(settingsFor(server.port(), 50, 0));  // until stopped
    QSignalSpy stopped(&simulator, &TrafficSimulator::stopped);
    QVERIFY(simulator.start().ok());
    QTRY_VERIFY_WITH_TIMEOUT(simulator.totals().ok >= 10, 10000);
    simulator.stop();
    // Right away when nothing was in flight, else when the last answer comes.
    QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, 5000);
    QVERIFY(!simulator.isRunning());
    const SimulationTick totals = stopped.first().first().value<SimulationTick>();
    QCOMPARE(totals.ok + totals.failed + totals.cancelled, totals.sent);
    // Nothing more goes out: after a while longer than two ticks the server has seen just those.
    QTest::qWait(1200);
    QCOMPARE(simulator.totals().sent, totals.sent);
    QCOMPARE(server.answered(200), qint64(totals.ok));
    QCOMPARE(stopped.size(), 1);
    simulator.stop();  // twice: nothing more
    QCOMPARE(stopped.size(), 1);
}

// Answers take 1.5 s and 2 may wait at once: of 20 due in the first second, 18 are skipped and
// counted; the two sent are answered within stop()'s grace.
void TestTrafficSimulator::inFlightCapSkips()
{
    DemoServer server;
    QString why;
    QVERIFY2(server.start({QStringLiteral("--latency-ms"), QStringLiteral("1500")}, &why), qPrintable(why));
    SimulationSettings settings = settingsFor(server.port(), 20, 1000);
    settings.maxInFlight = 2;
    TrafficSimulator simulator(settings);
    QSignalSpy stopped(&simulator, &TrafficSimulator::stopped);
    QVERIFY(simulator.start().ok());
    QVERIFY(stopped.wait(15000));
    const SimulationTick totals = simulator.totals();
    QCOMPARE(totals.sent, 2u);
    QCOMPARE(totals.skipped, 18u);
    QCOMPARE(totals.ok + totals.cancelled, 2u);
}

void TestTrafficSimulator::badSettings_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<std::function<void(SimulationSettings &)>>("change");
    using Change = std::function<void(SimulationSettings &)>;

    QTest::newRow("not loopback") << QStringLiteral("url") << Change([](SimulationSettings &s) {
        s.url = QUrl(QStringLiteral("http://192.0.2.1:8080/predict"));
    });
    QTest::newRow("https") << QStringLiteral("url") << Change([](SimulationSettings &s) {
        s.url = QUrl(QStringLiteral("https://127.0.0.1:8080/predict"));
    });
    QTest::newRow("another origin than the endpoint's") << QStringLiteral("url") << Change([](SimulationSettings &s) {
        s.endpointUrl = QUrl(QStringLiteral("http://192.0.2.1:8080/iris"));
        s.url = QUrl(QStringLiteral("http://192.0.2.1:8081/iris/predict"));
    });
    QTest::newRow("rate 0") << QStringLiteral("max_rate") << Change([](SimulationSettings &s) {
        s.pattern.maxRate = 0;
        s.pattern.minRate = 0;
    });
    QTest::newRow("rate above the cap") << QStringLiteral("max_rate") << Change([](SimulationSettings &s) {
        s.pattern.maxRate = 5001;
    });
    QTest::newRow("interval too short") << QStringLiteral("interval_ms") << Change([](SimulationSettings &s) { s.intervalMs = 50; });
    QTest::newRow("negative duration") << QStringLiteral("duration_ms") << Change([](SimulationSettings &s) { s.durationMs = -1; });
    QTest::newRow("batch without a batch field") << QStringLiteral("batch") << Change([](SimulationSettings &s) {
        s.request.batchField.clear();
        s.batchMax = 2;
    });
    QTest::newRow("batch reversed") << QStringLiteral("batch") << Change([](SimulationSettings &s) {
        s.batchMin = 3;
        s.batchMax = 2;
    });
    QTest::newRow("nothing to send") << QStringLiteral("request") << Change([](SimulationSettings &s) {
        s.request = RequestHints{};
    });
    QTest::newRow("header with a line break") << QStringLiteral("headers") << Change([](SimulationSettings &s) {
        s.headers.append({QByteArrayLiteral("X-A"), QByteArrayLiteral("1\r\nX-B: 2")});
    });
    QTest::newRow("Host header") << QStringLiteral("headers") << Change([](SimulationSettings &s) {
        s.headers.append({QByteArrayLiteral("Host"), QByteArrayLiteral("elsewhere")});
    });
    QTest::newRow("example over 64 KiB") << QStringLiteral("request") << Change([](SimulationSettings &s) {
        s.request = RequestHints{};
        s.request.example = "[\"" + QByteArray(64 * 1024, 'x') + "\"]";
    });
    QTest::newRow("in-flight cap 0") << QStringLiteral("max_in_flight") << Change([](SimulationSettings &s) { s.maxInFlight = 0; });
}

// Refused before anything is sent: a closed port would turn any request into a failure.
void TestTrafficSimulator::badSettings()
{
    QFETCH(QString, field);
    QFETCH(std::function<void(SimulationSettings &)>, change);
    SimulationSettings settings = settingsFor(9, 10, 1000);
    change(settings);
    TrafficSimulator simulator(settings);
    const Result<Done> started = simulator.start();
    QVERIFY(!started.ok());
    QCOMPARE(started.error().type, ErrorType::InvalidArgument);
    QCOMPARE(started.error().details.value(QStringLiteral("field")).toString(), field);
    QVERIFY(!simulator.isRunning());
    QCOMPARE(simulator.totals().sent, 0u);

    // The same settings through JSON are refused the same way.
    const Result<SimulationSettings> parsed = SimulationSettings::fromJson(settings.toJson());
    QVERIFY(!parsed.ok());
}

QTEST_GUILESS_MAIN(TestTrafficSimulator)
#include "test_trafficsimulator.moc"
