// End-to-end: `servedeck ctl simulate` against a real `servedeck serve` and a real demo replica,
// through the proxy. Every wait is bounded.
#include <memory>

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "support/servechild.h"

using namespace Qt::StringLiterals;
using namespace ServeChildSupport;

namespace {

constexpr int kCtlMs = 20000;
// A replica starts as a process and trains on 150 rows; the margin is for a loaded machine.
constexpr int kHealthyMs = 60000;

// The numbers on ctl simulate's "done:" line; -1 where one is missing.
struct Done
{
    qint64 sent = -1;
    qint64 ok = -1;
    qint64 failed = -1;
};

Done doneLine(const QString &out)
{
    static const QRegularExpression done(u"^done: .*sent +(\\d+) +ok +(\\d+) +failed +(\\d+)"_s,
                                         QRegularExpression::MultilineOption);
    const QRegularExpressionMatch m = done.match(out);
    if (!m.hasMatch())
        return {};
    return {m.captured(1).toLongLong(), m.captured(2).toLongLong(), m.captured(3).toLongLong()};
}

} // namespace

class TestCtlSimulate final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void simulateForADuration();
    void rateShowsInTheSampledMetricsAndSigtermStops();
    void badArguments_data();
    void badArguments();

private:
    CtlResult ctl(const QStringList &arguments);
    QJsonObject metrics();

    QTemporaryDir m_dataDir;
    std::unique_ptr<ServeChild> m_server;
    const QString m_name = u"simulated"_s;
};

CtlResult TestCtlSimulate::ctl(const QStringList &arguments)
{
    return m_server->ctl(arguments, m_dataDir.filePath(u"ctl-data"_s), kCtlMs);
}

// The endpoint's metrics as the API shows them: the proxy's request count, and the rate the
// metrics sampler measured (the series the console's Details "Traffic" chart plots).
QJsonObject TestCtlSimulate::metrics()
{
    return ctl({u"--json"_s, u"info"_s, m_name, u"--metrics"_s}).json().value(u"metrics"_s).toObject();
}

void TestCtlSimulate::initTestCase()
{
    QVERIFY(m_dataDir.isValid());
    QVERIFY2(QFileInfo(binary()).isExecutable(), qPrintable(binary()));
    m_server = std::make_unique<ServeChild>(m_dataDir.path(), u"cpu=4,memory=8G"_s);
    QString why;
    QVERIFY2(m_server->start(&why), qPrintable(why));

    // A private endpoint (ctl simulate mints its token) with one demo replica.
    const CtlResult created = ctl({u"create"_s, m_name, u"--folder"_s, u"iris-v1"_s, u"--version"_s, u"v1"_s,
                                   u"--replicas"_s, u"1"_s});
    QVERIFY2(created.exitCode == 0, created.describe().constData());
    QTRY_VERIFY_WITH_TIMEOUT(
        ctl({u"--json"_s, u"info"_s, m_name}).json().value(u"healthy_replicas"_s).toInt() == 1, kHealthyMs);
}

void TestCtlSimulate::cleanupTestCase()
{
    m_server.reset();
}

// 20 requests/s for 3 s in ticks of 500 ms, batches of 1 to 3 generated inputs: about 60
// requests, each answered 200 by the replica, and the proxy counted each of them.
void TestCtlSimulate::simulateForADuration()
{
    const qint64 before = qint64(metrics().value(u"requests"_s).toDouble(-1));
    QVERIFY(before >= 0);
    const CtlResult run = ctl({u"simulate"_s, m_name, u"--pattern"_s, u"constant"_s, u"--max-rate"_s, u"20"_s,
                               u"--interval"_s, u"500ms"_s, u"--duration"_s, u"3s"_s, u"--batch"_s, u"1:3"_s,
                               u"--seed"_s, u"5"_s});
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QVERIFY2(run.out.startsWith(u"simulating simulated: constant"_s), run.describe().constData());
    // A line per tick: time, rate, sent, ok, failed.
    const QRegularExpression tick(u"^ +\\d+\\.\\ds  rate +20\\.0/s  sent +\\d+  ok +\\d+  failed +\\d+$"_s,
                                  QRegularExpression::MultilineOption);
    qsizetype ticks = 0;
    for (auto it = tick.globalMatch(run.out); it.hasNext(); it.next())
        ++ticks;
    QVERIFY2(ticks >= 6 && ticks <= 7, run.describe().constData());

    const Done done = doneLine(run.out);
    QVERIFY2(done.sent >= 57 && done.sent <= 60, run.describe().constData());
    QCOMPARE(done.ok, done.sent);
    QCOMPARE(done.failed, 0);
    // Through the proxy, which names the revision that answered.
    QVERIFY2(run.out.contains(QRegularExpression(u"^  revision v1: ok %1, failed 0$"_s.arg(done.ok), QRegularExpression::MultilineOption)),
             run.describe().constData());

    // The proxy's count moved by what was sent (its counter may trail the last answer briefly).
    QTRY_COMPARE_WITH_TIMEOUT(qint64(metrics().value(u"requests"_s).toDouble(-1)) - before, done.sent, 10000);

    // The token minted for the run was revoked at its end.
    const QJsonArray tokens = ctl({u"--json"_s, u"tokens"_s, m_name}).json().value(u"tokens"_s).toArray();
    QCOMPARE(tokens.size(), 1);
    QVERIFY2(tokens.first().toObject().value(u"revoked_at"_s).isString(),
             QJsonDocument(tokens.first().toObject()).toJson().constData());
}

// While a run lasts, the rate the sampler measures (the Details "Traffic" chart's series) is near
// the simulated 20/s (a wide band: the sampler's window and a loaded machine blur it); SIGTERM
// then stops ctl simulate cleanly, with its summary, exit 0.
void TestCtlSimulate::rateShowsInTheSampledMetricsAndSigtermStops()
{
    QProcess run;
    run.setProcessEnvironment(childEnvironment(m_dataDir.filePath(u"ctl-data"_s)));
    run.start(binary(), QStringList{u"ctl"_s} + m_server->ctlArguments()
                            + QStringList{u"simulate"_s, m_name, u"--max-rate"_s, u"20"_s, u"--interval"_s, u"500ms"_s});
    QVERIFY(run.waitForStarted(kCtlMs));
    double rate = 0;
    QTRY_VERIFY2_WITH_TIMEOUT((rate = metrics().value(u"requests_per_second"_s).toDouble()) >= 10 && rate <= 30,
                              qPrintable(QString::number(rate)), 20000);

    run.terminate();  // SIGTERM, as Ctrl-C's SIGINT
    QVERIFY(run.waitForFinished(kShutdownMs + 5000));
    const QString out = QString::fromUtf8(run.readAllStandardOutput());
    QCOMPARE(run.exitStatus(), QProcess::NormalExit);
    QVERIFY2(run.exitCode() == 0, qPrintable(out + QString::fromUtf8(run.readAllStandardError())));
    const Done done = doneLine(out);
    QVERIFY2(done.sent > 0 && done.ok > 0 && done.failed == 0, qPrintable(out));
}

void TestCtlSimulate::badArguments_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");

    QTest::newRow("unknown endpoint") << QStringList{u"simulate"_s, u"no-such-endpoint"_s, u"--max-rate"_s, u"5"_s} << 1
                                      << u"NotFound"_s;
    QTest::newRow("rate 0") << QStringList{u"simulate"_s, m_name, u"--max-rate"_s, u"0"_s} << 1 << u"max_rate"_s;
    QTest::newRow("rate above the cap") << QStringList{u"simulate"_s, m_name, u"--max-rate"_s, u"5001"_s} << 1
                                        << u"max_rate"_s;
    QTest::newRow("min above max") << QStringList{u"simulate"_s, m_name, u"--pattern"_s, u"seasonal"_s, u"--min-rate"_s,
                                                  u"9"_s, u"--max-rate"_s, u"5"_s}
                                   << 1 << u"min_rate"_s;
    QTest::newRow("unknown pattern") << QStringList{u"simulate"_s, m_name, u"--pattern"_s, u"sine"_s, u"--max-rate"_s, u"5"_s}
                                     << 2 << u"--pattern"_s;
    QTest::newRow("negative duration") << QStringList{u"simulate"_s, m_name, u"--max-rate"_s, u"5"_s, u"--duration"_s, u"-1s"_s}
                                       << 2 << u"--duration"_s;
    QTest::newRow("interval too short") << QStringList{u"simulate"_s, m_name, u"--max-rate"_s, u"5"_s, u"--interval"_s, u"10ms"_s}
                                        << 1 << u"interval_ms"_s;
    QTest::newRow("batch nonsense") << QStringList{u"simulate"_s, m_name, u"--max-rate"_s, u"5"_s, u"--batch"_s, u"a:b"_s}
                                    << 2 << u"--batch"_s;
    QTest::newRow("batch above the cap") << QStringList{u"simulate"_s, m_name, u"--max-rate"_s, u"5"_s, u"--batch"_s, u"1:999"_s}
                                         << 1 << u"batch"_s;
    QTest::newRow("no endpoint") << QStringList{u"simulate"_s} << 2 << u"missing SVC"_s;
}

// Refused before a request is sent: the proxy's count does not move.
void TestCtlSimulate::badArguments()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    const qint64 before = qint64(metrics().value(u"requests"_s).toDouble(-1));
    const CtlResult r = ctl(arguments);
    QVERIFY2(r.exitCode == exitCode, r.describe().constData());
    QVERIFY2(r.err.contains(message), r.describe().constData());
    QVERIFY2(!r.out.contains(u"done:"_s), r.describe().constData());
    QCOMPARE(qint64(metrics().value(u"requests"_s).toDouble(-1)), before);
}

QTEST_GUILESS_MAIN(TestCtlSimulate)
#include "test_ctlsimulate.moc"
