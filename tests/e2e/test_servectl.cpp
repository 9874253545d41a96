// End-to-end: a real `servedeck serve` on loopback ports, driven by real `servedeck ctl`
// child processes, the way an operator's script would. Every wait is bounded.
#include <algorithm>
#include <memory>
#include <utility>

#include <sys/stat.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include "support/openaimodelfolder.h"
#include "support/servechild.h"

using namespace Qt::StringLiterals;
using namespace ServeChildSupport;

namespace {

// One ctl call is one loopback HTTP request plus process start-up.
constexpr int kCtlMs = 20000;
constexpr int kHttpMs = 10000;

int portOf(const QString &hostPort)
{
    return hostPort.mid(hostPort.lastIndexOf(u':') + 1).toInt();
}

} // namespace

class TestServeCtl final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();

    // One server for the suite; each function creates the endpoints it needs under names of its
    // own (cleanup() deletes them), so any one of them runs alone: test_servectl <function>.
    void servePrintsWhereItListens();
    void adminTokenFileIsPrivate();
    void createAnswersEndpointWithProxyUrl();
    void createTwiceIsModelAlreadyExists();
    void dryRunNamesEveryMissingFile();
    void scaleBeyondCapacityIsResourceLimitExceeded();
    void agentsPrintsThePendingQueue();
    void secondRuleOnSameMetricConflicts();
    void autoscalingSettingsMetricsAndScaleEvents();
    void retentionShowsAndChanges();
    void revisionsShowAndSetConditions();
    void listShowsTable();
    void wrongTokenIsUnauthorized();
    void closedPortIsNoAnswer();
    void usageErrors_data();
    void usageErrors();
    void helpNamesOnlyVerbsThatRun();
    void proxyServesInferenceWithAToken();
    void aliasesThroughCtlAndTheFrontDoor();
    void frontDoorStreamsFromARealReplica();
    void sigtermStopsCleanlyAndStatePersists();
    void urlFollowsProxyAfterRestart();
    void rolloutVerbsTakeACanaryToItsEnd();
    void rolloutWatchFollowsUntilTheRolloutEnds();
    void createOfAnotherVersionStartsARollout();

private:
    CtlResult ctl(const QStringList &arguments, const QString &api = {}, const QString &tokenFile = {});
    CtlResult rawCtl(const QStringList &arguments);
    // `ctl create NAME --folder iris-v1 OPTIONS...`, NAME deleted again by cleanup().
    CtlResult createEndpoint(const QString &name, const QStringList &options, bool json = false);
    // SIGTERM, a clean exit, and a new server on the same data dir; false (with why) if not.
    bool restartServer(QString *why);

    QTemporaryDir m_dataDir;
    QTemporaryDir m_scratch;  // model folders, stray token files, the children's default data dir
    std::unique_ptr<ServeChild> m_server;
    QStringList m_created;  // endpoints the current function made
};

CtlResult TestServeCtl::rawCtl(const QStringList &arguments)
{
    return runCtl(arguments, m_scratch.filePath(u"default-data"_s), kCtlMs);
}

CtlResult TestServeCtl::ctl(const QStringList &arguments, const QString &api, const QString &tokenFile)
{
    return rawCtl(QStringList{u"--api"_s, u"http://"_s + (api.isEmpty() ? m_server->api() : api), u"--token-file"_s,
                              tokenFile.isEmpty() ? m_server->tokenFile() : tokenFile}
                  + arguments);
}

CtlResult TestServeCtl::createEndpoint(const QString &name, const QStringList &options, bool json)
{
    const CtlResult r = ctl((json ? QStringList{u"--json"_s} : QStringList{}) + QStringList{u"create"_s, name, u"--folder"_s, u"iris-v1"_s}
                            + options);
    if (r.exitCode == 0)
        m_created << name;
    return r;
}

bool TestServeCtl::restartServer(QString *why)
{
    QProcess &process = m_server->process();
    process.terminate();  // SIGTERM
    if (!process.waitForFinished(kShutdownMs)) {
        *why = u"servedeck serve still runs %1 ms after SIGTERM"_s.arg(kShutdownMs);
        return false;
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        *why = u"servedeck serve ended with exit code %1 (status %2) after SIGTERM"_s.arg(process.exitCode())
                   .arg(int(process.exitStatus()));
        return false;
    }
    // Same data dir, fresh ports.
    m_server = std::make_unique<ServeChild>(m_dataDir.path());
    return m_server->start(why);
}

void TestServeCtl::initTestCase()
{
    QVERIFY(m_dataDir.isValid());
    QVERIFY(m_scratch.isValid());
    QVERIFY2(QFileInfo(binary()).isExecutable(), qPrintable(u"no servedeck binary at '%1' (SERVEDECK_BIN_DIR)"_s.arg(binary())));
    m_server = std::make_unique<ServeChild>(m_dataDir.path());
    QString why;
    QVERIFY2(m_server->start(&why), qPrintable(why));
}

void TestServeCtl::cleanupTestCase()
{
    m_server.reset();  // kills a server a failed test left running
}

void TestServeCtl::cleanup()
{
    const QStringList created = std::exchange(m_created, {});
    if (!m_server || m_server->process().state() != QProcess::Running)
        return;  // the function that stopped it has failed already
    // Deleted endpoints leave the capacity to the next function, and their replicas stop.
    for (const QString &name : created) {
        const CtlResult r = ctl({u"delete"_s, name});
        QVERIFY2(r.exitCode == 0, r.describe().constData());
    }
}

void TestServeCtl::servePrintsWhereItListens()
{
    QStringList keys;
    for (const QString &line : m_server->firstLines())
        keys << line.section(u'=', 0, 0);
    QCOMPARE(keys, serverKeys());

    for (const QString &key : {u"api"_s, u"proxy"_s}) {
        const QString address = m_server->value(key);
        QVERIFY2(address.startsWith(u"127.0.0.1:"_s), qPrintable(key + u'=' + address));
        QVERIFY2(portOf(address) > 0, qPrintable(u"port 0 must be replaced by the real one: "_s + address));
    }
    QVERIFY(m_server->api() != m_server->proxy());
    QCOMPARE(QFileInfo(m_server->value(u"data_dir"_s)).canonicalFilePath(), QFileInfo(m_dataDir.path()).canonicalFilePath());
    QCOMPARE(QFileInfo(m_server->tokenFile()).canonicalPath(), QFileInfo(m_dataDir.path()).canonicalFilePath());
}

void TestServeCtl::adminTokenFileIsPrivate()
{
    const QByteArray path = QFile::encodeName(m_server->tokenFile());
    struct stat info = {};
    QCOMPARE(::stat(path.constData(), &info), 0);
    QVERIFY(S_ISREG(info.st_mode));
    QCOMPARE(info.st_mode & 07777, mode_t(0600));
    QFile token(m_server->tokenFile());
    QVERIFY(token.open(QIODevice::ReadOnly));
    QVERIFY2(token.readAll().trimmed().size() >= 32, "the admin token must be long enough to resist guessing");
}

void TestServeCtl::createAnswersEndpointWithProxyUrl()
{
    const QString name = u"sentiment-analyzer"_s;
    const CtlResult r = createEndpoint(name, {u"--version"_s, u"v1.0"_s, u"--replicas"_s, u"2"_s, u"--cpu"_s, u"2"_s,
                                              u"--memory"_s, u"4G"_s}, true);
    QVERIFY2(r.finished && r.exitCode == 0, r.describe().constData());
    const QJsonObject e = r.json();
    QVERIFY2(!e.isEmpty(), r.describe().constData());
    QCOMPARE(e.value(u"name"_s).toString(), name);
    QCOMPARE(e.value(u"model_version"_s).toString(), u"v1.0"_s);
    QCOMPARE(e.value(u"replicas"_s).toInt(), 2);
    QCOMPARE(e.value(u"status"_s).toString(), u"PROVISIONING"_s);
    QVERIFY(!e.value(u"id"_s).toString().isEmpty());
    const QString url = e.value(u"url"_s).toString();
    const QString proxyBase = u"http://"_s + m_server->proxy() + u'/';
    QVERIFY2(url.startsWith(proxyBase), qPrintable(url + u" does not start with "_s + proxyBase));
    QCOMPARE(url, proxyBase + name);
}

void TestServeCtl::createTwiceIsModelAlreadyExists()
{
    const QString name = u"created-twice"_s;
    const QStringList options{u"--version"_s, u"v1.0"_s, u"--replicas"_s, u"1"_s};
    const CtlResult first = createEndpoint(name, options);
    QVERIFY2(first.finished && first.exitCode == 0, first.describe().constData());

    const CtlResult r = createEndpoint(name, options);
    QVERIFY2(r.finished && r.exitCode == 1, r.describe().constData());
    QVERIFY2(r.err.contains(u"ModelAlreadyExists"_s), r.describe().constData());

    // The refusal changed nothing: still one endpoint of that name.
    const CtlResult list = ctl({u"--json"_s, u"list"_s});
    QVERIFY2(list.exitCode == 0, list.describe().constData());
    const QJsonArray services = list.json().value(u"services"_s).toArray();
    const int named = int(std::count_if(services.begin(), services.end(),
                                        [&](const QJsonValue &s) { return s.toObject().value(u"name"_s).toString() == name; }));
    QCOMPARE(named, 1);
}

void TestServeCtl::dryRunNamesEveryMissingFile()
{
    // A folder whose definition asks for four files of which only one is there.
    const QString folder = m_scratch.filePath(u"half-copied-model"_s);
    QVERIFY(QDir().mkpath(folder));
    QFile definition(QDir(folder).filePath(u"model-definition.yaml"_s));
    QVERIFY(definition.open(QIODevice::WriteOnly));
    definition.write(R"(models:
  - name: "sentiment"
    model_path: "/models"
    files: ["config.json", "model.onnx", "tokenizer.json", "vocab/merges.txt"]
    service:
      start_command: ["servedeck-model-server", "--model", "/models/model.onnx"]
      port: 8000
      health_check:
        path: /health
)");
    definition.close();
    QFile present(QDir(folder).filePath(u"config.json"_s));
    QVERIFY(present.open(QIODevice::WriteOnly));
    present.write("{}\n");
    present.close();
    const QStringList missing{u"model.onnx"_s, u"tokenizer.json"_s, u"vocab/merges.txt"_s};

    const CtlResult r = ctl({u"dry-run"_s, u"half-copied"_s, u"--version"_s, u"v1"_s, u"--folder"_s, folder});
    QVERIFY2(r.finished && r.exitCode == 1, r.describe().constData());
    const QString shown = r.out + r.err;
    QVERIFY2(shown.contains(u"ModelFileNotFound"_s), r.describe().constData());
    for (const QString &file : missing)
        QVERIFY2(shown.contains(file), qPrintable(file + u" is not named:\n"_s + QString::fromUtf8(r.describe())));
    QVERIFY2(!shown.contains(u"missing: config.json"_s), r.describe().constData());

    // The JSON answer lists them as data, every one.
    const CtlResult json = ctl({u"--json"_s, u"dry-run"_s, u"half-copied"_s, u"--version"_s, u"v1"_s, u"--folder"_s, folder});
    QVERIFY2(json.exitCode == 1, json.describe().constData());
    QCOMPARE(json.json().value(u"valid"_s).toBool(true), false);
    QStringList listed;
    for (const auto &problem : json.json().value(u"errors"_s).toArray()) {
        const QJsonObject p = problem.toObject();
        if (p.value(u"type"_s).toString() == u"ModelFileNotFound")
            for (const auto &file : p.value(u"details"_s).toObject().value(u"missing_files"_s).toArray())
                listed << file.toString();
    }
    listed.sort();
    QCOMPARE(listed, missing);

    // A dry run creates nothing.
    const CtlResult info = ctl({u"info"_s, u"half-copied"_s});
    QVERIFY2(info.exitCode == 1 && info.err.contains(u"NotFound"_s), info.describe().constData());
}

void TestServeCtl::scaleBeyondCapacityIsResourceLimitExceeded()
{
    const QString name = u"scaled-too-far"_s;
    const CtlResult created = createEndpoint(name, {u"--version"_s, u"v1.0"_s, u"--replicas"_s, u"2"_s, u"--cpu"_s, u"2"_s,
                                                    u"--memory"_s, u"4G"_s});
    QVERIFY2(created.exitCode == 0, created.describe().constData());

    const CtlResult r = ctl({u"scale"_s, name, u"100"_s});
    QVERIFY2(r.finished && r.exitCode == 1, r.describe().constData());
    QVERIFY2(r.err.contains(u"ResourceLimitExceeded"_s), r.describe().constData());

    const CtlResult info = ctl({u"--json"_s, u"info"_s, name});
    QVERIFY2(info.exitCode == 0, info.describe().constData());
    QCOMPARE(info.json().value(u"replicas"_s).toInt(), 2);
}

void TestServeCtl::agentsPrintsThePendingQueue()
{
    const QString name = u"queued"_s;
    const CtlResult created = createEndpoint(name, {u"--version"_s, u"v1"_s, u"--replicas"_s, u"1"_s, u"--cpu"_s, u"4"_s,
                                                    u"--memory"_s, u"1G"_s, u"--priority"_s, u"3"_s,
                                                    u"--queue-when-full"_s, u"true"_s});
    QVERIFY2(created.exitCode == 0, created.describe().constData());
    const CtlResult info = ctl({u"--json"_s, u"info"_s, name});
    QCOMPARE(info.json().value(u"priority"_s).toInt(), 3);
    QCOMPARE(info.json().value(u"queue_when_full"_s).toBool(), true);
    QCOMPARE(info.json().value(u"allow_preemption"_s).toBool(), false);

    // Bad values are refused by name, and change nothing.
    const CtlResult tooHigh = ctl({u"modify"_s, name, u"--priority"_s, u"5000"_s});
    QVERIFY2(tooHigh.exitCode == 1 && tooHigh.err.contains(u"InvalidArgument"_s) && tooHigh.err.contains(u"priority"_s),
             tooHigh.describe().constData());
    const CtlResult notBool = ctl({u"modify"_s, name, u"--queue-when-full"_s, u"maybe"_s});
    QVERIFY2(notBool.exitCode == 1 && notBool.err.contains(u"queue_when_full"_s), notBool.describe().constData());

    // Capacity for two of its replicas (cpu 8): this endpoint queues manual scale-outs too.
    const CtlResult scaled = ctl({u"scale"_s, name, u"3"_s});
    QVERIFY2(scaled.exitCode == 0, scaled.describe().constData());
    CtlResult agents;
    QTRY_VERIFY2_WITH_TIMEOUT(([&] {
        agents = ctl({u"agents"_s});
        return agents.out.contains(u"pending queue: 1 replica waits"_s);
    }()), agents.describe().constData(), kCtlMs);
    QVERIFY2(agents.out.contains(u"ENDPOINT"_s) && agents.out.contains(u"WHY"_s), agents.describe().constData());
    const QStringList lines = agents.out.split(u'\n');
    const auto row = std::find_if(lines.begin(), lines.end(), [&](const QString &l) { return l.contains(u"needs cpu 4, 0 free"_s); });
    QVERIFY2(row != lines.end(), agents.describe().constData());
    QVERIFY2(row->contains(name) && row->contains(u" 3 "_s), agents.describe().constData());

    // Scaled back in, the waiting replica leaves the queue.
    QVERIFY(ctl({u"scale"_s, name, u"2"_s}).exitCode == 0);
    QTRY_VERIFY2_WITH_TIMEOUT((agents = ctl({u"agents"_s})).out.contains(u"pending queue: 0 replicas wait"_s),
                              agents.describe().constData(), kCtlMs);
}

void TestServeCtl::secondRuleOnSameMetricConflicts()
{
    const QString name = u"ruled-once"_s;
    const CtlResult created = createEndpoint(name, {u"--version"_s, u"v1.0"_s, u"--replicas"_s, u"1"_s});
    QVERIFY2(created.exitCode == 0, created.describe().constData());

    const CtlResult first = ctl({u"rules"_s, name, u"create"_s, u"--metric"_s, u"cpu_utilization"_s,
                                 u"--threshold"_s, u"80"_s, u"--min"_s, u"1"_s, u"--max"_s, u"4"_s});
    QVERIFY2(first.finished && first.exitCode == 0, first.describe().constData());

    const CtlResult second = ctl({u"rules"_s, name, u"create"_s, u"--metric"_s, u"cpu_utilization"_s,
                                  u"--threshold"_s, u"30"_s, u"--min"_s, u"1"_s, u"--max"_s, u"4"_s});
    QVERIFY2(second.finished && second.exitCode == 1, second.describe().constData());
    QVERIFY2(second.err.contains(u"ConflictingRules"_s), second.describe().constData());

    const CtlResult rules = ctl({u"--json"_s, u"rules"_s, name});
    QVERIFY2(rules.exitCode == 0, rules.describe().constData());
    QCOMPARE(rules.json().value(u"autoscaling_rules"_s).toArray().size(), 1);
}

// The autoscaling verbs over REST: a bad schedule is a typed error and changes nothing, a good
// one is stored; a pushed metric is accepted or refused by name; manual scaling is a scale event.
void TestServeCtl::autoscalingSettingsMetricsAndScaleEvents()
{
    const CtlResult created = createEndpoint(u"autoscaled"_s, {u"--version"_s, u"v1"_s});
    QVERIFY2(created.exitCode == 0, created.describe().constData());

    const CtlResult bad = ctl({u"autoscaling"_s, u"autoscaled"_s, u"--schedule"_s, u"mon-fri 09:00-18:00 min=lots"_s});
    QVERIFY2(bad.exitCode == 1 && bad.err.contains(u"InvalidArgument"_s), bad.describe().constData());
    const CtlResult unchanged = ctl({u"--json"_s, u"autoscaling"_s, u"autoscaled"_s});
    QCOMPARE(unchanged.json().value(u"schedule"_s).toString(), QString());

    const CtlResult set = ctl({u"--json"_s, u"autoscaling"_s, u"autoscaled"_s, u"--schedule"_s, u"sat,sun 00:00-24:00 min=0"_s,
                               u"--idle-timeout"_s, u"900"_s});
    QVERIFY2(set.exitCode == 0, set.describe().constData());
    QCOMPARE(set.json().value(u"idle_timeout"_s).toInt(), 900);
    const CtlResult read = ctl({u"--json"_s, u"autoscaling"_s, u"autoscaled"_s});
    QCOMPARE(read.json().value(u"schedule"_s).toString(), u"sat,sun 00:00-24:00 min=0"_s);

    const CtlResult pushed = ctl({u"metric"_s, u"autoscaled"_s, u"queue_depth"_s, u"12.5"_s});
    QVERIFY2(pushed.exitCode == 0, pushed.describe().constData());
    const CtlResult badName = ctl({u"metric"_s, u"autoscaled"_s, u"queue depth"_s, u"1"_s});
    QVERIFY2(badName.exitCode == 1 && badName.err.contains(u"InvalidArgument"_s), badName.describe().constData());

    QVERIFY(ctl({u"scale"_s, u"autoscaled"_s, u"2"_s}).exitCode == 0);
    const CtlResult events = ctl({u"--json"_s, u"scale-events"_s, u"autoscaled"_s});
    QVERIFY2(events.exitCode == 0, events.describe().constData());
    QCOMPARE(events.json().value(u"up"_s).toInt(), 1);
    QCOMPARE(events.json().value(u"down"_s).toInt(), 0);
    const QJsonObject first = events.json().value(u"events"_s).toArray().first().toObject();
    QCOMPARE(first.value(u"reason"_s).toString(), u"manual"_s);
    QCOMPARE(first.value(u"replicas_after"_s).toInt(), 2);
}

void TestServeCtl::retentionShowsAndChanges()
{
    const CtlResult shown = ctl({u"--json"_s, u"retention"_s});
    QVERIFY2(shown.exitCode == 0, shown.describe().constData());
    QCOMPARE(shown.json().value(u"max_age_days"_s).toInt(), 30);
    QCOMPARE(shown.json().value(u"max_rows_per_endpoint"_s).toInt(), 10000);

    const CtlResult set = ctl({u"--json"_s, u"retention"_s, u"--days"_s, u"7"_s, u"--rows"_s, u"500"_s});
    QVERIFY2(set.exitCode == 0, set.describe().constData());
    QCOMPARE(set.json().value(u"max_age_days"_s).toInt(), 7);
    QCOMPARE(set.json().value(u"max_rows_per_endpoint"_s).toInt(), 500);

    const CtlResult notANumber = ctl({u"retention"_s, u"--days"_s, u"week"_s});
    QVERIFY2(notANumber.exitCode == 2, notANumber.describe().constData());
    const CtlResult outOfRange = ctl({u"retention"_s, u"--rows"_s, u"5"_s});
    QVERIFY2(outOfRange.exitCode == 1 && outOfRange.err.contains(u"InvalidArgument"_s), outOfRange.describe().constData());
    QCOMPARE(ctl({u"--json"_s, u"retention"_s}).json().value(u"max_rows_per_endpoint"_s).toInt(), 500);  // unchanged
}

void TestServeCtl::revisionsShowAndSetConditions()
{
    const QString name = u"conditioned"_s;
    const CtlResult created = createEndpoint(name, {u"--version"_s, u"v1.0"_s, u"--replicas"_s, u"1"_s});
    QVERIFY2(created.exitCode == 0, created.describe().constData());

    CtlResult r = ctl({u"revisions"_s, name, u"set"_s, u"v1.0"_s, u"--match-header"_s, u"target: mountain"_s});
    QVERIFY2(r.finished && r.exitCode == 0, r.describe().constData());
    QVERIFY2(r.out.contains(u"target: mountain"_s), r.describe().constData());

    r = ctl({u"--json"_s, u"revisions"_s, name});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    const QJsonArray revisions = r.json().value(u"revisions"_s).toArray();
    QCOMPARE(revisions.size(), 1);
    QCOMPARE(revisions[0].toObject().value(u"match_header"_s).toString(), u"target: mountain"_s);

    // The only revision cannot become a shadow; a bad condition is refused with its field.
    r = ctl({u"revisions"_s, name, u"set"_s, u"v1.0"_s, u"--mode"_s, u"shadow"_s});
    QVERIFY2(r.finished && r.exitCode == 1 && r.err.contains(u"InvalidArgument"_s), r.describe().constData());
    r = ctl({u"revisions"_s, name, u"set"_s, u"v1.0"_s, u"--match-header"_s, u"no colon"_s});
    QVERIFY2(r.finished && r.exitCode == 1 && r.err.contains(u"match_header"_s), r.describe().constData());

    r = ctl({u"revisions"_s, name, u"set"_s, u"v1.0"_s, u"--match-header"_s, u"none"_s});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    r = ctl({u"--json"_s, u"revisions"_s, name});
    QVERIFY(r.json().value(u"revisions"_s).toArray()[0].toObject().value(u"match_header"_s).isNull());
}

void TestServeCtl::listShowsTable()
{
    const QString name = u"listed"_s;
    const CtlResult created = createEndpoint(name, {u"--version"_s, u"v1.0"_s, u"--replicas"_s, u"1"_s});
    QVERIFY2(created.exitCode == 0, created.describe().constData());

    const CtlResult r = ctl({u"list"_s});
    QVERIFY2(r.finished && r.exitCode == 0, r.describe().constData());
    const QStringList lines = r.out.split(u'\n', Qt::SkipEmptyParts);
    QVERIFY2(lines.size() >= 2, r.describe().constData());
    const QStringList header = lines.first().split(u' ', Qt::SkipEmptyParts);
    for (const QString &column : {u"NAME"_s, u"VERSION"_s, u"STATUS"_s, u"URL"_s})
        QVERIFY2(header.contains(column), r.describe().constData());
    const auto row = std::find_if(lines.begin() + 1, lines.end(), [&](const QString &l) { return l.startsWith(name); });
    QVERIFY2(row != lines.end(), r.describe().constData());
    const QStringList cells = row->split(u' ', Qt::SkipEmptyParts);
    QVERIFY2(cells.contains(u"v1.0"_s), r.describe().constData());
    // The embedded agent starts real replicas, so the endpoint may already be on its way up.
    const QStringList reachable{u"PROVISIONING"_s, u"DEGRADED"_s, u"HEALTHY"_s};
    const auto status = std::find_if(cells.begin(), cells.end(), [&](const QString &c) { return reachable.contains(c); });
    QVERIFY2(status != cells.end(), r.describe().constData());
    QVERIFY2(cells.contains(u"http://"_s + m_server->proxy() + u'/' + name), r.describe().constData());
    // Columns line up: the STATUS column starts at the same offset in the header and the row.
    QCOMPARE(row->indexOf(*status), lines.first().indexOf(u"STATUS"_s));
}

void TestServeCtl::wrongTokenIsUnauthorized()
{
    // An endpoint the right token shows, so that not seeing it below means something.
    const QString name = u"kept-private"_s;
    const CtlResult created = createEndpoint(name, {u"--version"_s, u"v1.0"_s, u"--replicas"_s, u"0"_s});
    QVERIFY2(created.exitCode == 0, created.describe().constData());
    const CtlResult allowed = ctl({u"list"_s});
    QVERIFY2(allowed.exitCode == 0 && allowed.out.contains(name), allowed.describe().constData());

    const QString wrong = m_scratch.filePath(u"wrong.token"_s);
    QFile f(wrong);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(64, 'a') + '\n');
    f.close();
    QVERIFY(f.setPermissions(QFile::ReadOwner | QFile::WriteOwner));

    const CtlResult r = ctl({u"list"_s}, {}, wrong);
    QVERIFY2(r.finished && r.exitCode == 1, r.describe().constData());
    QVERIFY2(r.err.contains(u"Unauthorized"_s), r.describe().constData());
    QVERIFY2(!r.out.contains(name), "a refused caller must not see the endpoints");
}

void TestServeCtl::closedPortIsNoAnswer()
{
    // A port that was free a moment ago and has nobody listening now.
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    const CtlResult r = ctl({u"list"_s}, u"127.0.0.1:"_s + QString::number(port));
    QVERIFY2(r.finished && r.exitCode == 3, r.describe().constData());
    QVERIFY2(!r.err.isEmpty(), "ctl must say why there was no answer");
}

void TestServeCtl::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");

    QTest::newRow("no verb") << QStringList{};
    QTest::newRow("no verb, only options") << QStringList{u"--json"_s};
    QTest::newRow("unknown verb") << QStringList{u"frobnicate"_s};
    QTest::newRow("create without a name") << QStringList{u"create"_s};
    QTest::newRow("scale without a count") << QStringList{u"scale"_s, u"any-endpoint"_s};
    QTest::newRow("scale by a word") << QStringList{u"scale"_s, u"any-endpoint"_s, u"many"_s};
    QTest::newRow("option without its value") << QStringList{u"list"_s, u"--limit"_s};
    QTest::newRow("rollout without an action") << QStringList{u"rollout"_s};
    QTest::newRow("rollout without an endpoint") << QStringList{u"rollout"_s, u"status"_s};
    QTest::newRow("rollout, unknown action") << QStringList{u"rollout"_s, u"restart"_s, u"any-endpoint"_s};
    QTest::newRow("rollout weight without a weight") << QStringList{u"rollout"_s, u"weight"_s, u"any-endpoint"_s};
    QTest::newRow("rollout watch, timeout a word")
        << QStringList{u"rollout"_s, u"status"_s, u"any-endpoint"_s, u"--watch"_s, u"--timeout"_s, u"soon"_s};
}

void TestServeCtl::usageErrors()
{
    QFETCH(QStringList, arguments);
    const CtlResult bare = rawCtl(arguments);
    QVERIFY2(bare.finished && bare.exitCode == 2, bare.describe().constData());
    QVERIFY2(!bare.err.isEmpty(), "a usage error says what is wrong on stderr");

    // The same with a server and a token at hand: still a usage error, not an API call.
    const CtlResult withServer = ctl(arguments);
    QVERIFY2(withServer.finished && withServer.exitCode == 2, withServer.describe().constData());
}

// `ctl help` is written from the verb table: every verb it names is one ctl runs.
void TestServeCtl::helpNamesOnlyVerbsThatRun()
{
    const CtlResult help = rawCtl({u"help"_s});
    QVERIFY2(help.finished && help.exitCode == 0, help.describe().constData());
    static const QRegularExpression verbLine(u"^  ([a-z][a-z-]*)"_s);
    QStringList verbs;
    for (const QString &line : help.out.split(u'\n')) {
        const auto m = verbLine.match(line);
        if (m.hasMatch() && !verbs.contains(m.captured(1)))
            verbs << m.captured(1);
    }
    // The verbs this suite drives, at the least.
    for (const QString &verb : {u"create"_s, u"dry-run"_s, u"list"_s, u"info"_s, u"delete"_s, u"scale"_s, u"rules"_s,
                                u"revisions"_s, u"token"_s, u"autoscaling"_s, u"metric"_s, u"scale-events"_s, u"rollout"_s})
        QVERIFY2(verbs.contains(verb), qPrintable(verb + u" is not in the help:\n"_s + help.out));

    // Without arguments each one is run (an answer, or a usage error of its own), never unknown.
    for (const QString &verb : std::as_const(verbs)) {
        const CtlResult r = ctl({verb});
        QVERIFY2(r.finished && r.exitCode >= 0 && r.exitCode <= 2, r.describe().constData());
        QVERIFY2(!r.err.contains(u"unknown verb"_s), r.describe().constData());
    }
}

void TestServeCtl::proxyServesInferenceWithAToken()
{
    const QString name = u"inferred"_s;
    const CtlResult created = createEndpoint(name, {u"--version"_s, u"v1.0"_s, u"--replicas"_s, u"1"_s});
    QVERIFY2(created.exitCode == 0, created.describe().constData());

    QNetworkAccessManager network;
    network.setProxy(QNetworkProxy::NoProxy);
    const QUrl predict(u"http://"_s + m_server->proxy() + u'/' + name + u"/predict"_s);
    const auto post = [&](const QByteArray &authorization) {
        QNetworkRequest request(predict);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        if (!authorization.isEmpty())
            request.setRawHeader("Authorization", authorization);
        std::unique_ptr<QNetworkReply> reply(network.post(request, QByteArrayLiteral(R"({"features":[5.1,3.5,1.4,0.2]})")));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(kHttpMs);
        return reply;
    };

    // The endpoint is private: no token, no inference.
    auto refused = post({});
    QCOMPARE(refused->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 401);
    QCOMPARE(QJsonDocument::fromJson(refused->readAll()).object()[u"error"_s].toObject()[u"type"_s].toString(), u"Unauthorized"_s);

    // ctl writes a token file readable by its owner only.
    QTemporaryDir dir;
    const QString tokenPath = dir.filePath(u"sentiment.jwt"_s);
    const CtlResult issued = ctl({u"token"_s, name, u"--scope"_s, u"inference"_s, u"--expiry"_s, u"3600"_s, u"--out"_s, tokenPath});
    QVERIFY2(issued.finished && issued.exitCode == 0, issued.describe().constData());
    QCOMPARE(QFile(tokenPath).permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
             QFile::Permissions());
    QFile tokenFile(tokenPath);
    QVERIFY(tokenFile.open(QIODevice::ReadOnly));
    const QByteArray bearer = "Bearer " + tokenFile.readAll().trimmed();

    // Through the proxy to a real replica, once the replicas are HEALTHY.
    int status = 0;
    QByteArray body;
    QByteArray route;
    QTRY_VERIFY2_WITH_TIMEOUT(([&] {
        auto reply = post(bearer);
        status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        body = reply->readAll();
        route = reply->rawHeader("X-ServeDeck-Route");
        return status == 200;
    }()), body.constData(), 20000);
    const QJsonObject answer = QJsonDocument::fromJson(body).object();
    QCOMPARE(answer[u"prediction"_s].toString(), u"setosa"_s);
    QCOMPARE(answer[u"model_version"_s].toString(), u"v1"_s);
    QVERIFY(!route.isEmpty());
}

// `--alias` on create and modify, through the API to the proxy's front door (GET /v1/models);
// a taken alias and a reserved name are refused by type.
void TestServeCtl::aliasesThroughCtlAndTheFrontDoor()
{
    const QString name = u"aliased"_s;
    const CtlResult created = createEndpoint(name, {u"--version"_s, u"v1.0"_s, u"--replicas"_s, u"0"_s, u"--public"_s,
                                                    u"--alias"_s, u"iris-alias"_s, u"--alias"_s, u"flowers"_s}, true);
    QVERIFY2(created.exitCode == 0, created.describe().constData());
    QCOMPARE(created.json().value(u"aliases"_s).toArray(), (QJsonArray{u"iris-alias"_s, u"flowers"_s}));
    const CtlResult info = ctl({u"info"_s, name});
    QVERIFY2(info.exitCode == 0 && info.out.contains(u"iris-alias,flowers"_s), info.describe().constData());

    QNetworkAccessManager network;
    network.setProxy(QNetworkProxy::NoProxy);
    const auto models = [&] {
        QNetworkRequest request(QUrl(u"http://"_s + m_server->proxy() + u"/v1/models"_s));
        std::unique_ptr<QNetworkReply> reply(network.get(request));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(kHttpMs);
        QStringList ids;
        for (const QJsonValue &model : QJsonDocument::fromJson(reply->readAll()).object().value(u"data"_s).toArray())
            ids << model.toObject().value(u"id"_s).toString();
        return ids;
    };
    QTRY_COMPARE_WITH_TIMEOUT(models(), (QStringList{name, u"flowers"_s, u"iris-alias"_s}), 10000);

    const CtlResult taken = createEndpoint(u"other"_s, {u"--version"_s, u"v1.0"_s, u"--replicas"_s, u"0"_s, u"--alias"_s,
                                                        u"flowers"_s});
    QVERIFY2(taken.exitCode == 1 && taken.err.contains(u"ModelAlreadyExists"_s), taken.describe().constData());
    const CtlResult reserved = createEndpoint(u"metrics"_s, {u"--version"_s, u"v1.0"_s, u"--replicas"_s, u"0"_s});
    QVERIFY2(reserved.exitCode == 1 && reserved.err.contains(u"InvalidArgument"_s)
                 && reserved.err.contains(u"'metrics' is reserved"_s),
             reserved.describe().constData());

    const CtlResult modified = ctl({u"--json"_s, u"modify"_s, name, u"--alias"_s, u"flowers"_s});
    QVERIFY2(modified.exitCode == 0, modified.describe().constData());
    QCOMPARE(modified.json().value(u"aliases"_s).toArray(), QJsonArray{u"flowers"_s});
    QTRY_COMPARE_WITH_TIMEOUT(models(), (QStringList{name, u"flowers"_s}), 10000);
    const CtlResult cleared = ctl({u"--json"_s, u"modify"_s, name, u"--alias"_s, QString()});
    QVERIFY2(cleared.exitCode == 0, cleared.describe().constData());
    QCOMPARE(cleared.json().value(u"aliases"_s).toArray(), QJsonArray());
}

// A replica that is the demo server in its OpenAI mode, started by the agent from a model folder:
// a streamed completion through the front door by alias and at the endpoint's URL, and the tokens
// the proxy counted in `info --metrics`.
void TestServeCtl::frontDoorStreamsFromARealReplica()
{
    const QString folder = m_scratch.filePath(u"openai-model"_s);
    QString why;
    QVERIFY2(writeOpenAiModelFolder(folder, u"chat"_s, 30, 200, &why), qPrintable(why));

    const QString name = u"chat"_s;
    const CtlResult created = ctl({u"create"_s, name, u"--folder"_s, folder, u"--version"_s, u"v1"_s, u"--replicas"_s,
                                   u"1"_s, u"--public"_s, u"--alias"_s, u"assistant"_s});
    QVERIFY2(created.exitCode == 0, created.describe().constData());
    m_created << name;

    QNetworkAccessManager network;
    network.setProxy(QNetworkProxy::NoProxy);
    struct Answer
    {
        int status = 0;
        QByteArray contentType;
        QByteArray body;
    };
    const auto post = [&](const QString &path, const QString &model, bool stream, int maxTokens) {
        QNetworkRequest request(QUrl(u"http://"_s + m_server->proxy() + path));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        const QJsonObject body{{u"model"_s, model},
                               {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"hi"_s}}}},
                               {u"stream"_s, stream},
                               {u"max_tokens"_s, maxTokens}};
        std::unique_ptr<QNetworkReply> reply(network.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact)));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(kHttpMs);
        return Answer{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->rawHeader("Content-Type"),
                      reply->readAll()};
    };
    // Until the replica is HEALTHY the front door answers 503 (the alias is known from the create's
    // answer on); then the completion. A loop of its own, not QTRY: each try is a request whose
    // tokens count.
    Answer first;
    QElapsedTimer waited;
    waited.start();
    while ((first = post(u"/v1/chat/completions"_s, u"assistant"_s, false, 2)).status == 503 && waited.elapsed() < 30000)
        QTest::qWait(100);
    QVERIFY2(first.status == 200, first.body.constData());
    qInfo("the replica answered after %lld ms", waited.elapsed());
    QCOMPARE(QJsonDocument::fromJson(first.body).object().value(u"model"_s).toString(), name);

    for (const auto &[path, model] : {std::pair{u"/v1/chat/completions"_s, u"assistant"_s},
                                      std::pair{u"/chat/v1/chat/completions"_s, u"chat"_s}}) {
        const Answer streamed = post(path, model, true, 6);
        QCOMPARE(streamed.status, 200);
        QVERIFY(streamed.contentType.startsWith("text/event-stream"));
        QList<QByteArray> events;
        for (const QByteArray &line : streamed.body.split('\n')) {
            if (line.startsWith("data: "))
                events << line.mid(6).trimmed();
        }
        QVERIFY2(events.size() >= 7, streamed.body.constData());
        QCOMPARE(events.last(), QByteArray("[DONE]"));
    }

    // 2 + 6 + 6 tokens, as the proxy counted them.
    qint64 generated = -1;
    QTRY_COMPARE_WITH_TIMEOUT(([&] {
        const CtlResult info = ctl({u"--json"_s, u"info"_s, name, u"--metrics"_s});
        generated = info.json().value(u"metrics"_s).toObject().value(u"generated_tokens"_s).toInteger(-1);
        return generated;
    }()), qint64(14), 10000);
}

void TestServeCtl::sigtermStopsCleanlyAndStatePersists()
{
    const QString name = u"persisted"_s;
    const CtlResult created = createEndpoint(name, {u"--version"_s, u"v1.0"_s, u"--replicas"_s, u"2"_s});
    QVERIFY2(created.exitCode == 0, created.describe().constData());
    const CtlResult rule = ctl({u"rules"_s, name, u"create"_s, u"--metric"_s, u"cpu_utilization"_s,
                                u"--threshold"_s, u"80"_s, u"--min"_s, u"1"_s, u"--max"_s, u"4"_s});
    QVERIFY2(rule.exitCode == 0, rule.describe().constData());

    QFile tokenFile(m_server->tokenFile());
    QVERIFY(tokenFile.open(QIODevice::ReadOnly));
    const QByteArray token = tokenFile.readAll();
    tokenFile.close();

    // SIGTERM, then the same data dir with fresh ports: the endpoint, its rule and the admin
    // token are all still there.
    QString why;
    QVERIFY2(restartServer(&why), qPrintable(why));
    QVERIFY(tokenFile.open(QIODevice::ReadOnly));
    QCOMPARE(tokenFile.readAll(), token);

    const CtlResult list = ctl({u"list"_s});
    QVERIFY2(list.exitCode == 0, list.describe().constData());
    QVERIFY2(list.out.contains(name), list.describe().constData());

    const CtlResult info = ctl({u"--json"_s, u"info"_s, name});
    QVERIFY2(info.exitCode == 0, info.describe().constData());
    const QJsonObject e = info.json();
    QCOMPARE(e.value(u"model_version"_s).toString(), u"v1.0"_s);
    QCOMPARE(e.value(u"replicas"_s).toInt(), 2);
    QCOMPARE(e.value(u"autoscaling_rules"_s).toArray().size(), 1);
}

void TestServeCtl::urlFollowsProxyAfterRestart()
{
    const QString name = u"followed"_s;
    const CtlResult created = createEndpoint(name, {u"--version"_s, u"v1.0"_s, u"--replicas"_s, u"0"_s});
    QVERIFY2(created.exitCode == 0, created.describe().constData());
    QString why;
    QVERIFY2(restartServer(&why), qPrintable(why));

    // The restarted server took a new free proxy port. Inference traffic goes to the
    // endpoint's url, so the url must name the proxy that listens now, not the old one.
    const CtlResult info = ctl({u"--json"_s, u"info"_s, name});
    QVERIFY2(info.exitCode == 0, info.describe().constData());
    QCOMPARE(info.json().value(u"url"_s).toString(), u"http://"_s + m_server->proxy() + u'/' + name);
}

// The rollout verbs against the real server and its rollout controller. No replicas (0), so
// nothing depends on a model server starting: a canary at 0 % holds until the operator acts,
// and a promoted one finishes by itself.
void TestServeCtl::rolloutVerbsTakeACanaryToItsEnd()
{
    const QString name = u"canaried"_s;
    const CtlResult created = createEndpoint(name, {u"--version"_s, u"v1"_s, u"--replicas"_s, u"0"_s});
    QVERIFY2(created.exitCode == 0, created.describe().constData());

    // Steps that are not integers: the API refuses them by name, nothing starts.
    CtlResult r = ctl({u"rollout"_s, u"start"_s, name, u"--version"_s, u"v2"_s, u"--folder"_s, u"iris-v2"_s, u"--strategy"_s,
                       u"progressive"_s, u"--steps"_s, u"5,x,100"_s});
    QVERIFY2(r.finished && r.exitCode == 1 && r.err.contains(u"InvalidArgument"_s) && r.err.contains(u"steps"_s),
             r.describe().constData());
    r = ctl({u"rollout"_s, u"status"_s, name});
    QVERIFY2(r.exitCode == 1 && r.err.contains(u"NotFound"_s), r.describe().constData());

    r = ctl({u"rollout"_s, u"start"_s, name, u"--version"_s, u"v2"_s, u"--folder"_s, u"iris-v2"_s, u"--strategy"_s,
             u"canary"_s, u"--weight"_s, u"0"_s});
    QVERIFY2(r.finished && r.exitCode == 0, r.describe().constData());
    for (const QString &shown : {u"canary"_s, u"PROGRESSING"_s, u"v1 -> v2"_s, u"canary rollout to v2 started"_s})
        QVERIFY2(r.out.contains(shown), qPrintable(shown + u" is not shown:\n"_s + QString::fromUtf8(r.describe())));

    r = ctl({u"--json"_s, u"rollout"_s, u"status"_s, name});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    const QString rolloutId = r.json().value(u"rollout_id"_s).toString();
    QVERIFY2(!rolloutId.isEmpty(), r.describe().constData());
    QCOMPARE(r.json().value(u"phase"_s).toString(), u"PROGRESSING"_s);
    QCOMPARE(r.json().value(u"to_version"_s).toString(), u"v2"_s);
    r = ctl({u"info"_s, name});
    QVERIFY2(r.exitCode == 0 && r.out.contains(u"rollout:          "_s + rolloutId + u" (canary, v1 -> v2, PROGRESSING, weight 0%)"_s),
             r.describe().constData());
    // What rules can read from the runtime (its own start command: any runtime's names).
    QVERIFY2(r.out.contains(u"runtime_metrics:  queue_depth (vllm:num_requests_waiting"_s), r.describe().constData());

    // One at a time.
    r = ctl({u"rollout"_s, u"start"_s, name, u"--version"_s, u"v3"_s, u"--folder"_s, u"iris-v2"_s});
    QVERIFY2(r.exitCode == 1 && r.err.contains(u"RolloutInProgress"_s), r.describe().constData());

    r = ctl({u"rollout"_s, u"pause"_s, name});
    QVERIFY2(r.exitCode == 0 && r.out.contains(u"PAUSED"_s) && r.out.contains(u"paused by the operator"_s),
             r.describe().constData());
    r = ctl({u"rollout"_s, u"pause"_s, name, rolloutId});
    QVERIFY2(r.exitCode == 1 && r.err.contains(u"InvalidArgument"_s), r.describe().constData());
    r = ctl({u"--json"_s, u"rollout"_s, u"resume"_s, name});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    QCOMPARE(r.json().value(u"phase"_s).toString(), u"PROGRESSING"_s);
    for (const QString &weight : {u"101"_s, u"half"_s}) {
        r = ctl({u"rollout"_s, u"weight"_s, name, weight});
        QVERIFY2(r.exitCode == 1 && r.err.contains(u"InvalidArgument"_s) && r.err.contains(u"weight"_s), r.describe().constData());
    }

    // Promoted, it finishes as a rolling update of 0 replicas: the watch sees it end.
    r = ctl({u"rollout"_s, u"promote"_s, name});
    QVERIFY2(r.exitCode == 0 && r.out.contains(u"promoted by the operator"_s), r.describe().constData());
    r = ctl({u"rollout"_s, u"status"_s, name, rolloutId, u"--watch"_s, u"--timeout"_s, u"15"_s});
    QVERIFY2(r.finished && r.exitCode == 0, r.describe().constData());
    QVERIFY2(r.out.contains(u"ended SUCCEEDED"_s), r.describe().constData());
    r = ctl({u"--json"_s, u"info"_s, name});
    QCOMPARE(r.json().value(u"model_version"_s).toString(), u"v2"_s);

    // Rollback (the latest by default) after it succeeded: a rolling rollout back to v1.
    r = ctl({u"--json"_s, u"rollout"_s, u"rollback"_s, name});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    QCOMPARE(r.json().value(u"to_version"_s).toString(), u"v1"_s);
    QCOMPARE(r.json().value(u"strategy"_s).toString(), u"rolling"_s);
    r = ctl({u"rollout"_s, u"status"_s, name, u"--watch"_s, u"--timeout"_s, u"15"_s});
    QVERIFY2(r.finished && r.exitCode == 0 && r.out.contains(u"ended SUCCEEDED"_s), r.describe().constData());
    r = ctl({u"--json"_s, u"info"_s, name});
    QCOMPARE(r.json().value(u"model_version"_s).toString(), u"v1"_s);

    // Both in the history, newest first.
    r = ctl({u"rollout"_s, u"history"_s, name});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    const QStringList lines = r.out.split(u'\n', Qt::SkipEmptyParts);
    QVERIFY2(lines.size() == 3 && lines[0].startsWith(u"ROLLOUT"_s) && lines[2].startsWith(rolloutId), r.describe().constData());
    QVERIFY2(lines[1].contains(u"rolling"_s) && lines[2].contains(u"canary"_s), r.describe().constData());
    r = ctl({u"--json"_s, u"rollout"_s, u"history"_s, name, u"--limit"_s, u"1"_s});
    QCOMPARE(r.json().value(u"rollouts"_s).toArray().size(), 1);
}

// --watch prints each event as it happens and stops when the rollout is no longer in progress;
// --timeout bounds it. The rollout starts from modify with a strategy.
void TestServeCtl::rolloutWatchFollowsUntilTheRolloutEnds()
{
    const QString name = u"watched"_s;
    const CtlResult created = createEndpoint(name, {u"--version"_s, u"v1"_s, u"--replicas"_s, u"0"_s});
    QVERIFY2(created.exitCode == 0, created.describe().constData());
    CtlResult r = ctl({u"modify"_s, name, u"--version"_s, u"v2"_s, u"--folder"_s, u"iris-v2"_s, u"--strategy"_s, u"canary"_s,
                       u"--canary-weight"_s, u"0"_s});
    QVERIFY2(r.exitCode == 0 && r.out.contains(u"rollout started:"_s) && r.out.contains(u"canary"_s), r.describe().constData());

    // Still in progress at --timeout: exit 4; --json gives one object a line.
    r = ctl({u"--json"_s, u"rollout"_s, u"status"_s, name, u"--watch"_s, u"--timeout"_s, u"1"_s});
    QVERIFY2(r.finished && r.exitCode == 4 && r.err.contains(u"PROGRESSING"_s), r.describe().constData());
    const QStringList jsonLines = r.out.split(u'\n', Qt::SkipEmptyParts);
    QVERIFY2(!jsonLines.isEmpty(), r.describe().constData());
    for (const QString &line : jsonLines)
        QVERIFY2(QJsonDocument::fromJson(line.toUtf8()).object().contains(u"event"_s), r.describe().constData());

    QProcess watch;
    watch.setProcessEnvironment(childEnvironment(m_scratch.filePath(u"default-data"_s)));
    watch.start(binary(), {u"ctl"_s, u"--api"_s, u"http://"_s + m_server->api(), u"--token-file"_s, m_server->tokenFile(),
                           u"rollout"_s, u"status"_s, name, u"--watch"_s, u"--timeout"_s, u"60"_s});
    QVERIFY2(watch.waitForStarted(kCtlMs), qPrintable(watch.errorString()));
    QString seen;
    const auto read = [&] {
        seen += QString::fromUtf8(watch.readAllStandardOutput());
        return seen;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(read().contains(u"canary rollout to v2 started"_s), qPrintable(seen), kCtlMs);

    // A change made elsewhere shows up in the watch as it happens, while it still runs.
    r = ctl({u"rollout"_s, u"pause"_s, name});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    QTRY_VERIFY2_WITH_TIMEOUT(read().contains(u"paused by the operator"_s), qPrintable(seen), kCtlMs);
    QCOMPARE(watch.state(), QProcess::Running);

    r = ctl({u"rollout"_s, u"abort"_s, name});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    QVERIFY2(watch.waitForFinished(kCtlMs), qPrintable(read()));
    read();
    QCOMPARE(watch.exitStatus(), QProcess::NormalExit);
    QVERIFY2(watch.exitCode() == 1, qPrintable(seen + QString::fromUtf8(watch.readAllStandardError())));  // ended, not succeeded
    QVERIFY2(seen.contains(u"aborted by the operator"_s), qPrintable(seen));
    QVERIFY2(seen.contains(u"ended ABORTED"_s), qPrintable(seen));
    // Each event once: the start line was printed before the watch began, and only then.
    QCOMPARE(seen.count(u"canary rollout to v2 started"_s), 1);
    QCOMPARE(seen.count(u"paused by the operator"_s), 1);
}

// Spec 1.4 from the command line: another version of a served model is a rollout on it.
void TestServeCtl::createOfAnotherVersionStartsARollout()
{
    const QString name = u"versioned"_s;
    const CtlResult first = createEndpoint(name, {u"--version"_s, u"v1.0"_s, u"--replicas"_s, u"0"_s});
    QVERIFY2(first.exitCode == 0 && !first.out.contains(u"rollout started"_s), first.describe().constData());

    // Not through createEndpoint(): the name is already on the list to delete.
    CtlResult r = ctl({u"create"_s, name, u"--folder"_s, u"iris-v1"_s, u"--version"_s, u"v2.0"_s, u"--replicas"_s, u"0"_s});
    QVERIFY2(r.exitCode == 0 && r.out.contains(u"rollout started:"_s) && r.out.contains(u"v1.0 -> v2.0"_s),
             r.describe().constData());
    r = ctl({u"--json"_s, u"revisions"_s, name});
    QCOMPARE(r.json().value(u"revisions"_s).toArray().size(), 2);
    r = ctl({u"create"_s, name, u"--folder"_s, u"iris-v1"_s, u"--version"_s, u"v1.0"_s});
    QVERIFY2(r.exitCode == 1 && r.err.contains(u"ModelAlreadyExists"_s), r.describe().constData());
    const CtlResult list = ctl({u"--json"_s, u"list"_s});
    const QJsonArray services = list.json().value(u"services"_s).toArray();
    QCOMPARE(std::count_if(services.begin(), services.end(),
                           [&](const QJsonValue &s) { return s.toObject().value(u"name"_s).toString() == name; }),
             1);
}

QTEST_GUILESS_MAIN(TestServeCtl)
#include "test_servectl.moc"
