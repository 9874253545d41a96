// End-to-end: `servedeck ctl try` against a real `servedeck serve` and its real demo replicas,
// the way an operator tries an endpoint from a shell. Every wait is bounded.
#include <memory>

#include <sys/stat.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "support/openaimodelfolder.h"
#include "support/servechild.h"

using namespace Qt::StringLiterals;
using namespace ServeChildSupport;

namespace {

constexpr int kCtlMs = 30000;
// A replica starts (a process, its model loaded, its health check passed) in a few seconds.
constexpr int kHealthyMs = 40000;

const QString kIris = uR"({"features":[5.1,3.5,1.4,0.2]})"_s;

// The line "key: value" of ctl try's text output.
QString field(const QString &out, const QString &key)
{
    for (const QString &line : out.split(u'\n')) {
        if (line.startsWith(key + u':'))
            return line.mid(key.size() + 1).trimmed();
    }
    return {};
}

} // namespace

class TestCtlTry final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void printsStatusRouteRevisionAndAnswer();
    void jsonIsOneObjectAndTheMintedTokenIsNotPrinted();
    void aWrongTokenIsRefusedWithExitOne();
    void theDefinitionsExampleIsTheDefault();
    void theLastBodyIsRememberedPrivately();
    void streamShowsEventsTtftAndTokensPerSecond();
    void badInput_data();
    void badInput();

private:
    CtlResult ctl(const QStringList &arguments);
    CtlResult tryIris(const QStringList &extra = {});

    QTemporaryDir m_dataDir;
    QTemporaryDir m_scratch;
    std::unique_ptr<ServeChild> m_server;
};

CtlResult TestCtlTry::ctl(const QStringList &arguments)
{
    const QString ctlData = m_scratch.filePath(u"ctl-data"_s);
    return m_server->ctl(QStringList{u"--data-dir"_s, ctlData} + arguments, ctlData, kCtlMs);
}

CtlResult TestCtlTry::tryIris(const QStringList &extra)
{
    return ctl(QStringList{u"try"_s, u"iris"_s, u"--path"_s, u"/predict"_s, u"--data"_s, kIris} + extra);
}

void TestCtlTry::initTestCase()
{
    QString why;
    m_server = startedServeChild(m_dataDir, m_scratch, &why);
    QVERIFY2(m_server, qPrintable(why));

    // A private endpoint: every try needs a token, which ctl mints when none is given.
    const CtlResult created = ctl(createIrisArguments());
    QVERIFY2(created.exitCode == 0, created.describe().constData());
    // Until the replica is HEALTHY the proxy answers 503 (exit 1); a loop, each try bounded.
    CtlResult first;
    QElapsedTimer waited;
    waited.start();
    while ((first = tryIris()).exitCode == 1 && waited.elapsed() < kHealthyMs)
        QTest::qWait(200);
    QVERIFY2(first.exitCode == 0, first.describe().constData());
}

void TestCtlTry::cleanupTestCase()
{
    m_server.reset();
}

void TestCtlTry::printsStatusRouteRevisionAndAnswer()
{
    const CtlResult r = tryIris();
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    QCOMPARE(field(r.out, u"status"_s), u"200"_s);
    QCOMPARE(field(r.out, u"revision"_s), u"v1"_s);
    QVERIFY2(field(r.out, u"route"_s).size() >= 8, r.describe().constData());
    QVERIFY2(field(r.out, u"total"_s).endsWith(u" ms"_s), r.describe().constData());
    QVERIFY2(field(r.out, u"first byte"_s).endsWith(u" ms"_s), r.describe().constData());
    QVERIFY2(!field(r.out, u"connect"_s).isEmpty(), r.describe().constData());
    // The answer is the replica's: the demo model's prediction for these features.
    QVERIFY2(r.out.contains(u"\"prediction\""_s) && r.out.contains(u"setosa"_s), r.describe().constData());
}

void TestCtlTry::jsonIsOneObjectAndTheMintedTokenIsNotPrinted()
{
    const CtlResult r = ctl({u"--json"_s, u"try"_s, u"iris"_s, u"--path"_s, u"/predict"_s, u"--data"_s, kIris});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    const QJsonObject o = r.json();
    QCOMPARE(o.value(u"status"_s).toInt(), 200);
    QCOMPARE(o.value(u"revision"_s).toString(), u"v1"_s);
    QVERIFY(!o.value(u"route"_s).toString().isEmpty());
    QVERIFY(o.value(u"total_ms"_s).toDouble() > 0);
    QVERIFY(o.value(u"first_byte_ms"_s).toDouble() > 0);
    QCOMPARE(o.value(u"body"_s).toObject().value(u"prediction"_s).toString(), u"setosa"_s);
    QVERIFY2(!r.out.contains(u"Bearer"_s) && !r.out.contains(u"eyJ"_s) && !r.err.contains(u"eyJ"_s), r.describe().constData());
}

void TestCtlTry::aWrongTokenIsRefusedWithExitOne()
{
    const CtlResult r = tryIris({u"--header"_s, u"Authorization: Bearer not-a-token"_s});
    QVERIFY2(r.exitCode == 1, r.describe().constData());
    QCOMPARE(field(r.out, u"status"_s), u"401"_s);
    QVERIFY2(r.out.contains(u"Unauthorized"_s), r.describe().constData());
}

// iris-v1's definition names its path and an example body (models[].request): a bare try works.
void TestCtlTry::theDefinitionsExampleIsTheDefault()
{
    // A data dir of its own, so no body tried before stands in for the example.
    QTemporaryDir fresh;
    const CtlResult r = ctl({u"--json"_s, u"try"_s, u"iris"_s, u"--data-dir"_s, fresh.path()});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    QCOMPARE(r.json().value(u"status"_s).toInt(), 200);
    QCOMPARE(r.json().value(u"body"_s).toObject().value(u"prediction"_s).toString(), u"setosa"_s);
}

void TestCtlTry::theLastBodyIsRememberedPrivately()
{
    const QString body = uR"({"features":[6.7,3.0,5.2,2.3]})"_s;
    const CtlResult r = ctl({u"try"_s, u"iris"_s, u"--path"_s, u"/predict"_s, u"--data"_s, body});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    const QString file = QDir(m_scratch.filePath(u"ctl-data"_s)).filePath(u"try-bodies.json"_s);
    struct stat info = {};
    QCOMPARE(::stat(QFile::encodeName(file).constData(), &info), 0);
    QCOMPARE(info.st_mode & 07777, mode_t(0600));
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject all = QJsonDocument::fromJson(f.readAll()).object();
    QCOMPARE(all.size(), 1);
    QCOMPARE(all.begin().value().toObject().value(u"body"_s).toString(), body);
}

void TestCtlTry::streamShowsEventsTtftAndTokensPerSecond()
{
    const QString folder = m_scratch.filePath(u"openai-model"_s);
    QString why;
    QVERIFY2(writeOpenAiModelFolder(folder, u"chat"_s, 150, 40, &why), qPrintable(why));
    const CtlResult created = ctl({u"create"_s, u"chat"_s, u"--folder"_s, folder, u"--version"_s, u"v1"_s,
                                   u"--replicas"_s, u"1"_s, u"--public"_s});
    QVERIFY2(created.exitCode == 0, created.describe().constData());

    const QString body = uR"({"model":"chat","messages":[{"role":"user","content":"hi"}],"stream":true,"max_tokens":8})"_s;
    const QStringList args{u"try"_s, u"chat"_s, u"--path"_s, u"/v1/chat/completions"_s, u"--data"_s, body};
    CtlResult r;
    QElapsedTimer waited;
    waited.start();
    while ((r = ctl(args)).exitCode == 1 && waited.elapsed() < kHealthyMs)
        QTest::qWait(200);
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    QVERIFY2(r.out.startsWith(u"events:\n"_s), r.describe().constData());
    QVERIFY2(r.out.contains(u"[DONE]"_s), r.describe().constData());
    QCOMPARE(field(r.out, u"status"_s), u"200"_s);

    const CtlResult j = ctl(QStringList{u"--json"_s} + args);
    QVERIFY2(j.exitCode == 0, j.describe().constData());
    const QJsonObject o = j.json();
    QVERIFY(o.value(u"stream"_s).toBool());
    QVERIFY2(o.value(u"events"_s).toArray().size() >= 9, j.describe().constData());  // 8 tokens and [DONE]
    // What the replica was told: 150 ms to the first token, 40 tokens a second. Wide bounds: the
    // precision is the benchmark's business.
    const double ttft = o.value(u"ttft_ms"_s).toDouble(-1);
    QVERIFY2(ttft >= 100 && ttft < 2000, j.describe().constData());
    const double rate = o.value(u"tokens_per_second"_s).toDouble(-1);
    QVERIFY2(rate >= 10 && rate <= 80, j.describe().constData());
    // The events came as they were made, not all at the end.
    const QJsonArray events = o.value(u"events"_s).toArray();
    QVERIFY2(events.last().toObject().value(u"at_ms"_s).toDouble() - events.first().toObject().value(u"at_ms"_s).toDouble()
                 >= 100,
             j.describe().constData());
}

void TestCtlTry::badInput_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("says");

    QTest::newRow("no endpoint") << QStringList{u"try"_s} << 2 << u"which endpoint"_s;
    QTest::newRow("unknown endpoint") << QStringList{u"try"_s, u"nobody"_s} << 1 << u"NotFound"_s;
    QTest::newRow("header without a colon") << QStringList{u"try"_s, u"iris"_s, u"--header"_s, u"X-Broken"_s} << 2
                                            << u"Name: value"_s;
    QTest::newRow("header with a newline") << QStringList{u"try"_s, u"iris"_s, u"--header"_s, u"X-A: b\r\nX-C: d"_s}
                                           << 2 << u"cannot carry"_s;
    QTest::newRow("missing data file") << QStringList{u"try"_s, u"iris"_s, u"--data"_s, u"@/nonexistent/body.json"_s}
                                       << 2 << u"cannot read"_s;
    QTest::newRow("method not a method") << QStringList{u"try"_s, u"iris"_s, u"--method"_s, u"PO ST"_s} << 2
                                         << u"not an HTTP method"_s;
    QTest::newRow("path without a slash") << QStringList{u"try"_s, u"iris"_s, u"--path"_s, u"/a b"_s} << 2
                                          << u"path"_s;
}

void TestCtlTry::badInput()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, says);
    const CtlResult r = ctl(arguments);
    QVERIFY2(r.finished && r.exitCode == exitCode, r.describe().constData());
    QVERIFY2(r.err.contains(says), r.describe().constData());
}

QTEST_GUILESS_MAIN(TestCtlTry)
#include "test_ctltry.moc"
