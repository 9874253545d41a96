// `servedeck ctl loadtest` end to end: a real `servedeck serve` child with replicas of the demo
// model server, and ctl children that load-test through the proxy. The demo endpoint (private:
// ctl mints its token) passes the seed's targets; one made in the test with --latency-ms 300
// fails p95<200ms with exit 1; a 90/10 canary gives both revisions' figures; a replica in
// OpenAI mode streams, and time to first token and tokens per second agree with what it was told
// (wide bounds: precision is the benchmark's); bad settings are typed errors and store nothing.
// A few seconds of load in all.
#include <memory>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "support/servechild.h"

using namespace Qt::StringLiterals;
using namespace ServeChildSupport;

namespace {

constexpr int kCtlMs = 30000;
constexpr int kHealthyMs = 90000;

QString sourceModels()
{
    return QDir(qEnvironmentVariable("SERVEDECK_SOURCE_DIR")).filePath(u"resources/models"_s);
}

// A model folder whose replica runs the demo model server with these extra arguments.
bool writeModelFolder(const QString &folder, const QString &version, const QStringList &serverArguments)
{
    if (!QDir().mkpath(folder) || !QFile::copy(sourceModels() + u"/iris-v1/iris.csv"_s, folder + u"/iris.csv"_s))
        return false;
    QStringList command{u"\"servedeck-model-server\""_s, u"\"--model\""_s, u"\"/models/iris.csv\""_s, u"\"--version\""_s,
                        u'"' + version + u'"'};
    for (const QString &argument : serverArguments)
        command << u'"' + argument + u'"';
    QFile definition(folder + u"/model-definition.yaml"_s);
    if (!definition.open(QIODevice::WriteOnly))
        return false;
    definition.write(u"models:\n"
                     "  - name: \"test-model\"\n"
                     "    model_path: \"/models\"\n"
                     "    files: [\"iris.csv\"]\n"
                     "    service:\n"
                     "      start_command: [%1]\n"
                     "      port: 8000\n"
                     "      health_check:\n"
                     "        path: /health\n"
                     "        interval: 1\n"
                     "        max_retries: 3\n"
                     "        max_wait_time: 5\n"
                     "        initial_delay: 0\n"
                     "    resources:\n"
                     "      cpu: 1\n"
                     "      memory: \"256M\"\n"_s.arg(command.join(u", "_s))
                         .toUtf8());
    return definition.error() == QFileDevice::NoError;
}

} // namespace

class TestCtlLoadTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void demoEndpointPassesItsTargets();
    void slowEndpointFailsP95WithExit1();
    void canarySplitGivesBothRevisions();
    void streamingFiguresAgreeWithTheReplica();
    void badSettingsAreTypedAndStoreNothing();

private:
    CtlResult ctl(const QStringList &arguments);
    // Waits until the endpoint has `routes` HEALTHY routes.
    bool waitHealthy(const QString &name, int routes);
    int storedRuns();

    QTemporaryDir m_dir;
    std::unique_ptr<ServeChild> m_server;
};

void TestCtlLoadTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFileInfo(binary()).isExecutable(), "servedeck is not built");
    m_server = std::make_unique<ServeChild>(m_dir.filePath(u"data"_s), u"cpu=8,memory=16G"_s,
                                            QStringList{u"--model-root"_s, sourceModels()});
    QString why;
    QVERIFY2(m_server->start(&why), qPrintable(why));
}

void TestCtlLoadTest::cleanupTestCase()
{
    m_server.reset();
}

CtlResult TestCtlLoadTest::ctl(const QStringList &arguments)
{
    return m_server->ctl(arguments, m_dir.filePath(u"data"_s), kCtlMs);
}

bool TestCtlLoadTest::waitHealthy(const QString &name, int routes)
{
    return m_server->waitHealthy(name, routes, m_dir.filePath(u"data"_s), kCtlMs, kHealthyMs);
}

int TestCtlLoadTest::storedRuns()
{
    const CtlResult r = ctl({u"--json"_s, u"loadtest"_s, u"list"_s, u"--limit"_s, u"1000"_s});
    if (r.exitCode != 0)
        return -1;
    return int(r.json().value(u"load_tests"_s).toArray().size());
}

void TestCtlLoadTest::demoEndpointPassesItsTargets()
{
    CtlResult r = ctl({u"create"_s, u"iris"_s, u"--version"_s, u"v1"_s, u"--folder"_s, u"iris-v1"_s, u"--replicas"_s, u"1"_s});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    QVERIFY2(waitHealthy(u"iris"_s, 1), "iris did not become healthy");
    const int before = storedRuns();
    // Private (the default): ctl mints its own inference token, or every answer would be 401.
    r = ctl({u"loadtest"_s, u"iris"_s, u"--rate"_s, u"50"_s, u"--duration"_s, u"2s"_s});
    QVERIFY2(r.finished && r.exitCode == 0, r.describe().constData());
    for (const QString &shown : {u"PASS rps>30"_s, u"PASS p95<200ms"_s, u"PASS success>95%"_s, u"PASSED"_s,
                                 u"revision v1"_s, u"statuses: 200=100"_s, u"stored as "_s})
        QVERIFY2(r.out.contains(shown), qPrintable(shown + u" is not shown:\n"_s + QString::fromUtf8(r.describe())));
    QCOMPARE(storedRuns(), before + 1);
    // The seed's suite by default: 50 requests at concurrency 10, as JSON.
    r = ctl({u"--json"_s, u"loadtest"_s, u"iris"_s, u"--no-store"_s});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    QCOMPARE(r.json().value(u"sent"_s).toInt(), 50);
    QCOMPARE(r.json().value(u"settings"_s).toObject().value(u"concurrency"_s).toInt(), 10);
    QVERIFY(r.json().value(u"passed"_s).toBool());
    // A ramp from 10/s to 50/s over 1 s: 10 + 40/2 = 30 requests; Poisson at its mean rate.
    r = ctl({u"--json"_s, u"loadtest"_s, u"iris"_s, u"--ramp"_s, u"10:50"_s, u"--duration"_s, u"1s"_s, u"--no-store"_s,
             u"--target"_s, u"success>95%"_s});
    QVERIFY2(r.exitCode == 0 && r.json().value(u"sent"_s).toInt() == 30, r.describe().constData());
    r = ctl({u"--json"_s, u"loadtest"_s, u"iris"_s, u"--rate"_s, u"100"_s, u"--poisson"_s, u"--duration"_s, u"1s"_s,
             u"--no-store"_s});
    QVERIFY2(r.json().value(u"settings"_s).toObject().value(u"mode"_s).toString() == u"poisson"_s, r.describe().constData());
    QVERIFY2(r.json().value(u"sent"_s).toInt() > 50 && r.json().value(u"sent"_s).toInt() < 150, r.describe().constData());
    QCOMPARE(storedRuns(), before + 1);
}

void TestCtlLoadTest::slowEndpointFailsP95WithExit1()
{
    const QString folder = m_dir.filePath(u"slow-model"_s);
    QVERIFY(writeModelFolder(folder, u"v1"_s, {u"--latency-ms"_s, u"300"_s}));
    CtlResult r = ctl({u"create"_s, u"slow"_s, u"--version"_s, u"v1"_s, u"--folder"_s, folder, u"--replicas"_s, u"1"_s,
                       u"--public"_s, u"true"_s});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    QVERIFY2(waitHealthy(u"slow"_s, 1), "slow did not become healthy");
    r = ctl({u"loadtest"_s, u"slow"_s, u"--rate"_s, u"20"_s, u"--duration"_s, u"2s"_s, u"--target"_s, u"p95<200ms"_s});
    QVERIFY2(r.finished && r.exitCode == 1, r.describe().constData());
    QVERIFY2(r.out.contains(u"FAIL p95<200ms"_s) && r.out.contains(u"FAILED"_s), r.describe().constData());
    const QString id = r.out.section(u"stored as "_s, 1).trimmed();
    QVERIFY2(!id.isEmpty(), r.describe().constData());
    r = ctl({u"--json"_s, u"loadtest"_s, u"show"_s, id});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    const double p95 = r.json().value(u"total"_s).toObject().value(u"latency"_s).toObject().value(u"p95_ms"_s).toDouble();
    QVERIFY2(p95 >= 300, qPrintable(QString::number(p95)));
    r = ctl({u"loadtest"_s, u"show"_s, id, u"--csv"_s});
    QVERIFY2(r.exitCode == 0 && r.out.startsWith(u"scope,name,"_s), r.describe().constData());
    // Side by side with the demo endpoint's run, the newest but one.
    r = ctl({u"--json"_s, u"loadtest"_s, u"list"_s});
    const QJsonArray runs = r.json().value(u"load_tests"_s).toArray();
    QVERIFY2(runs.size() >= 2 && runs.at(0).toObject().value(u"id"_s).toString() == id, r.describe().constData());
    r = ctl({u"loadtest"_s, u"compare"_s, runs.at(1).toObject().value(u"id"_s).toString(), id});
    QVERIFY2(r.exitCode == 0 && r.out.contains(u"p95 (ms)"_s) && r.out.contains(u"passed"_s), r.describe().constData());
    r = ctl({u"loadtest"_s, u"list"_s, u"slow"_s});
    QVERIFY2(r.exitCode == 0 && r.out.count(u"FAIL"_s) == 1 && !r.out.contains(u"PASS"_s), r.describe().constData());
}

void TestCtlLoadTest::canarySplitGivesBothRevisions()
{
    CtlResult r = ctl({u"rollout"_s, u"start"_s, u"iris"_s, u"--version"_s, u"v2"_s, u"--folder"_s, u"iris-v2"_s,
                       u"--strategy"_s, u"canary"_s, u"--weight"_s, u"10"_s});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    QVERIFY2(waitHealthy(u"iris"_s, 2), "the canary did not become healthy");
    r = ctl({u"--json"_s, u"loadtest"_s, u"iris"_s, u"--rate"_s, u"100"_s, u"--duration"_s, u"2s"_s});
    QVERIFY2(r.finished && r.exitCode == 0, r.describe().constData());
    const QJsonObject byRevision = r.json().value(u"by_revision"_s).toObject();
    const int v1 = byRevision.value(u"v1"_s).toObject().value(u"answered"_s).toInt();
    const int v2 = byRevision.value(u"v2"_s).toObject().value(u"answered"_s).toInt();
    // 200 requests at 10 %: 20 expected, a binomial's sd about 4.
    QVERIFY2(v2 >= 5 && v2 <= 45 && v1 + v2 == 200, qPrintable(u"v1 %1, v2 %2"_s.arg(v1).arg(v2)));
    QVERIFY(byRevision.value(u"v2"_s).toObject().value(u"latency"_s).toObject().value(u"p95_ms"_s).toDouble() > 0);
}

void TestCtlLoadTest::streamingFiguresAgreeWithTheReplica()
{
    const QString folder = m_dir.filePath(u"chat-model"_s);
    // OpenAI mode takes its port as a flag only: the agent puts the port in for $PORT.
    QVERIFY(writeModelFolder(folder, u"v1"_s,
                             {u"--port"_s, u"$PORT"_s, u"--openai"_s, u"--ttft-ms"_s, u"200"_s, u"--tokens-per-second"_s, u"50"_s,
                              u"--max-num-seqs"_s, u"8"_s}));
    CtlResult r = ctl({u"create"_s, u"chat"_s, u"--version"_s, u"v1"_s, u"--folder"_s, folder, u"--replicas"_s, u"1"_s,
                       u"--public"_s, u"true"_s});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    QVERIFY2(waitHealthy(u"chat"_s, 1), "chat did not become healthy");
    r = ctl({u"--json"_s, u"loadtest"_s, u"chat"_s, u"--concurrency"_s, u"2"_s, u"--requests"_s, u"6"_s, u"--path"_s,
             u"/v1/chat/completions"_s, u"--stream"_s, u"--data"_s,
             uR"({"model":"servedeck-demo","messages":[{"role":"user","content":"hi"}],"stream":true,"max_tokens":20})"_s,
             u"--target"_s, u"ttft_p95<2s"_s});
    QVERIFY2(r.finished && r.exitCode == 0, r.describe().constData());
    const QJsonObject total = r.json().value(u"total"_s).toObject();
    QCOMPARE(total.value(u"succeeded"_s).toInt(), 6);
    QCOMPARE(total.value(u"tokens"_s).toInt(), 6 * 20);
    const double ttft = total.value(u"ttft"_s).toObject().value(u"p50_ms"_s).toDouble();
    const double tokensPerSecond = total.value(u"tokens_per_second"_s).toDouble();
    const double interToken = total.value(u"itl"_s).toObject().value(u"p50_ms"_s).toDouble();
    QVERIFY2(ttft >= 150 && ttft <= 1000, qPrintable(QString::number(ttft)));
    QVERIFY2(tokensPerSecond >= 25 && tokensPerSecond <= 75, qPrintable(QString::number(tokensPerSecond)));
    QVERIFY2(interToken >= 10 && interToken <= 40, qPrintable(QString::number(interToken)));
}

void TestCtlLoadTest::badSettingsAreTypedAndStoreNothing()
{
    const int before = storedRuns();
    QVERIFY(before >= 0);
    const QList<std::pair<QStringList, QString>> cases{
        {{u"--rate"_s, u"0"_s, u"--duration"_s, u"1s"_s}, u"rate"_s},
        {{u"--rate"_s, u"1000000"_s, u"--duration"_s, u"1s"_s}, u"rate"_s},
        {{u"--rate"_s, u"10"_s, u"--duration"_s, u"-5s"_s}, u"duration_ms"_s},
        {{u"--rate"_s, u"10"_s, u"--duration"_s, u"1s"_s, u"--target"_s, u"p95<fast"_s}, u"target"_s},
        {{u"--ramp"_s, u"10"_s, u"--duration"_s, u"1s"_s}, u"ramp_to"_s},
        {{u"--rate"_s, u"10"_s, u"--duration"_s, u"1s"_s, u"--header"_s, u"X-Bad"_s}, u"headers"_s},
    };
    for (const auto &[options, field] : cases) {
        const CtlResult r = ctl(QStringList{u"loadtest"_s, u"iris"_s} + options);
        QVERIFY2(r.finished && r.exitCode == 2 && r.err.contains(u"InvalidArgument"_s) && r.err.contains(field),
                 r.describe().constData());
    }
    const CtlResult unknown = ctl({u"loadtest"_s, u"nope"_s, u"--rate"_s, u"10"_s, u"--duration"_s, u"1s"_s});
    QVERIFY2(unknown.exitCode == 1 && unknown.err.contains(u"NotFound"_s), unknown.describe().constData());
    QCOMPARE(storedRuns(), before);
}

QTEST_GUILESS_MAIN(TestCtlLoadTest)
#include "test_ctlloadtest.moc"
