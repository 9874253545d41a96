// End-to-end: the usage report over REST and `servedeck ctl usage` against a real `servedeck serve`
// with a real demo replica and real traffic through its proxy. Every wait is bounded.
#include <memory>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "support/servechild.h"

using namespace Qt::StringLiterals;
using namespace ServeChildSupport;

namespace {

constexpr int kCtlMs = 30000;
constexpr int kHealthyMs = 40000;
// Samples are written per closed minute: a minute and a few sampler passes at most.
constexpr int kMinuteClosedMs = 90000;

const QString kIris = uR"({"features":[5.1,3.5,1.4,0.2]})"_s;

} // namespace

class TestCtlUsage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void reportCountsReplicaHoursAndRequests();
    void csvIsTheReportsCsv();
    void restCsvIsCtlsCsv();
    void pricesSetAndShown();
    void retentionSetAndShown();
    void badInput_data();
    void badInput();

private:
    CtlResult ctl(const QStringList &arguments);
    // GET on the API as its admin: the status and the raw body.
    std::pair<int, QByteArray> get(const QString &pathAndQuery);

    QTemporaryDir m_dataDir;
    QTemporaryDir m_scratch;
    std::unique_ptr<ServeChild> m_server;
    int m_sent = 0;
};

CtlResult TestCtlUsage::ctl(const QStringList &arguments)
{
    const QString ctlData = m_scratch.filePath(u"ctl-data"_s);
    return m_server->ctl(QStringList{u"--data-dir"_s, ctlData} + arguments, ctlData, kCtlMs);
}

std::pair<int, QByteArray> TestCtlUsage::get(const QString &pathAndQuery)
{
    QFile tokenFile(m_server->tokenFile());
    if (!tokenFile.open(QIODevice::ReadOnly))
        return {0, "no admin token file"};
    QNetworkRequest request(QUrl(u"http://"_s + m_server->api() + pathAndQuery));
    request.setRawHeader("Authorization", "Bearer " + tokenFile.readAll().trimmed());
    QNetworkAccessManager network;
    std::unique_ptr<QNetworkReply> reply(network.get(request));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(kCtlMs))
        return {0, "no answer"};
    return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
}

void TestCtlUsage::initTestCase()
{
    QString why;
    m_server = startedServeChild(m_dataDir, m_scratch, &why);
    QVERIFY2(m_server, qPrintable(why));

    const CtlResult created = ctl(createIrisArguments());
    QVERIFY2(created.exitCode == 0, created.describe().constData());
    QVERIFY(m_server->waitHealthy(u"iris"_s, 1, m_scratch.filePath(u"ctl-data"_s), kCtlMs, kHealthyMs));
    // Real requests through the proxy, each answered by the replica.
    for (int i = 0; i < 5; ++i) {
        const CtlResult r = ctl({u"try"_s, u"iris"_s, u"--path"_s, u"/predict"_s, u"--data"_s, kIris});
        QVERIFY2(r.exitCode == 0, r.describe().constData());
        ++m_sent;
    }
}

void TestCtlUsage::cleanupTestCase()
{
    m_server.reset();
}

void TestCtlUsage::reportCountsReplicaHoursAndRequests()
{
    // The requests land once their minute has closed and been written.
    QJsonObject report;
    QElapsedTimer waited;
    waited.start();
    do {
        const CtlResult r = ctl({u"--json"_s, u"usage"_s, u"iris"_s, u"--since"_s, u"24h"_s});
        QVERIFY2(r.exitCode == 0, r.describe().constData());
        report = r.json();
        if (report.value(u"total"_s).toObject().value(u"requests"_s).toInteger() >= m_sent)
            break;
        QTest::qWait(1000);
    } while (waited.elapsed() < kMinuteClosedMs);
    const QJsonObject total = report.value(u"total"_s).toObject();
    if (total.value(u"requests"_s).toInteger() < m_sent)
        qWarning().noquote() << "server stderr:" << m_server->process().readAllStandardError();
    QVERIFY2(total.value(u"requests"_s).toInteger() >= m_sent, QByteArray(
             QJsonDocument(total).toJson(QJsonDocument::Compact)
                 + QJsonDocument(report.value(u"hour_of_week"_s).toObject().value(u"samples"_s).toArray())
                       .toJson(QJsonDocument::Compact)).constData());
    QCOMPARE(total.value(u"errors"_s).toInteger(), 0);
    // One replica of 0.5 cores has run since it was created: a little of an hour, more than none.
    const double replicaHours = total.value(u"replica_hours"_s).toDouble();
    QVERIFY2(replicaHours > 0 && replicaHours < 1, qPrintable(QString::number(replicaHours)));
    QCOMPARE(total.value(u"cpu_hours"_s).toDouble(), replicaHours * 0.5);
    QCOMPARE(total.value(u"cost"_s).type(), QJsonValue::Null);
    const QJsonArray revisions = report.value(u"revisions"_s).toArray();
    QCOMPARE(revisions.size(), 1);
    QCOMPARE(revisions[0].toObject().value(u"model_version"_s).toString(), u"v1"_s);
    QVERIFY(revisions[0].toObject().value(u"requests"_s).toInteger() >= m_sent);  // its route's, read after the total's
    const QJsonObject how = report.value(u"hour_of_week"_s).toObject();
    QCOMPARE(how.value(u"requests_per_second"_s).toArray().size(), 168);
    QVERIFY(!how.value(u"time_zone"_s).toString().isEmpty());
    int sampled = 0;
    for (const QJsonValue &n : how.value(u"samples"_s).toArray())
        sampled += n.toInt();
    QVERIFY(sampled >= 1);

    // The text table says the same.
    const CtlResult text = ctl({u"usage"_s, u"iris"_s});
    QVERIFY2(text.exitCode == 0, text.describe().constData());
    QVERIFY2(text.out.contains(u"REPLICA-H"_s) && text.out.contains(u"total"_s), text.describe().constData());
}

void TestCtlUsage::csvIsTheReportsCsv()
{
    const CtlResult r = ctl({u"usage"_s, u"iris"_s, u"--csv"_s});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    const QStringList lines = r.out.split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines[0].startsWith(u"revision,revision_number,model_version,replica_hours"_s));
    QVERIFY2(lines[1].contains(u",1,v1,"_s), r.describe().constData());
    QVERIFY(lines[2].startsWith(u"total,"_s));
}

void TestCtlUsage::restCsvIsCtlsCsv()
{
    // Both read the same store within a second: the figures may move on between them (replica
    // time runs), so the header and the rows' leading fields are compared, and the row counts.
    const auto [status, body] = get(u"/v1/services/iris/usage?since=24h&format=csv"_s);
    QVERIFY2(status == 200, body.constData());
    const CtlResult ctlCsv = ctl({u"usage"_s, u"iris"_s, u"--since"_s, u"24h"_s, u"--csv"_s});
    QVERIFY2(ctlCsv.exitCode == 0, ctlCsv.describe().constData());
    const QStringList rest = QString::fromUtf8(body).split(u'\n', Qt::SkipEmptyParts);
    const QStringList viaCtl = ctlCsv.out.split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(rest.size(), viaCtl.size());
    QCOMPARE(rest[0], viaCtl[0]);
    for (qsizetype i = 1; i < rest.size(); ++i)
        QCOMPARE(rest[i].section(u',', 0, 2), viaCtl[i].section(u',', 0, 2));

    // A format it does not write, a since it cannot read: 400 with the field.
    const auto [badFormat, formatBody] = get(u"/v1/services/iris/usage?format=xml"_s);
    QCOMPARE(badFormat, 400);
    const QJsonObject error = QJsonDocument::fromJson(formatBody).object().value(u"error"_s).toObject();
    QCOMPARE(error.value(u"details"_s).toObject().value(u"field"_s).toString(), u"format"_s);
    const auto [badSince, sinceBody] = get(u"/v1/services/iris/usage?since=%3Cscript%3E"_s);
    QCOMPARE(badSince, 400);
    QVERIFY2(!sinceBody.contains("<script>"), sinceBody.constData());
}

void TestCtlUsage::pricesSetAndShown()
{
    const CtlResult set = ctl({u"usage"_s, u"prices"_s, u"--cpu-hour"_s, u"2"_s, u"--currency"_s, u"EUR"_s});
    QVERIFY2(set.exitCode == 0, set.describe().constData());
    QVERIFY2(set.out.contains(u"cpu-hour: 2"_s) && set.out.contains(u"gpu-hour: none"_s)
                 && set.out.contains(u"currency: EUR"_s),
             set.describe().constData());
    const CtlResult report = ctl({u"--json"_s, u"usage"_s, u"iris"_s});
    QVERIFY2(report.exitCode == 0, report.describe().constData());
    const QJsonObject total = report.json().value(u"total"_s).toObject();
    QCOMPARE(total.value(u"cost"_s).toDouble(), total.value(u"cpu_hours"_s).toDouble() * 2);
}

void TestCtlUsage::retentionSetAndShown()
{
    const CtlResult shown = ctl({u"--json"_s, u"usage"_s, u"retention"_s});
    QVERIFY2(shown.exitCode == 0, shown.describe().constData());
    QCOMPARE(shown.json().value(u"minute_days"_s).toInt(), 7);
    QCOMPARE(shown.json().value(u"hour_days"_s).toInt(), 90);
    const CtlResult set = ctl({u"usage"_s, u"retention"_s, u"--minute-days"_s, u"3"_s, u"--hour-days"_s, u"30"_s});
    QVERIFY2(set.exitCode == 0, set.describe().constData());
    QVERIFY2(set.out.contains(u"minutes kept: 3 days"_s) && set.out.contains(u"hours kept: 30 days"_s),
             set.describe().constData());
    // The minutes just written are younger than 3 days: still there.
    const CtlResult report = ctl({u"--json"_s, u"usage"_s, u"iris"_s});
    QVERIFY(report.json().value(u"total"_s).toObject().value(u"requests"_s).toInteger() >= m_sent);
}

void TestCtlUsage::badInput_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("errorType");
    QTest::newRow("since nonsense") << QStringList{u"usage"_s, u"iris"_s, u"--since"_s, u"soon"_s} << 1 << u"InvalidArgument"_s;
    QTest::newRow("since future") << QStringList{u"usage"_s, u"iris"_s, u"--since"_s, u"2999-01-01T00:00:00Z"_s} << 1
                                  << u"InvalidArgument"_s;
    QTest::newRow("unknown endpoint") << QStringList{u"usage"_s, u"nope"_s} << 1 << u"NotFound"_s;
    QTest::newRow("price below zero") << QStringList{u"usage"_s, u"prices"_s, u"--cpu-hour"_s, u"-1"_s} << 1
                                      << u"InvalidArgument"_s;
    QTest::newRow("price absurd") << QStringList{u"usage"_s, u"prices"_s, u"--gpu-hour"_s, u"10001"_s} << 1
                                  << u"InvalidArgument"_s;
    QTest::newRow("currency") << QStringList{u"usage"_s, u"prices"_s, u"--currency"_s, u"euro"_s} << 1
                              << u"InvalidArgument"_s;
    QTest::newRow("price not a number") << QStringList{u"usage"_s, u"prices"_s, u"--cpu-hour"_s, u"cheap"_s} << 2
                                        << QString();
    QTest::newRow("retention hours < minutes") << QStringList{u"usage"_s, u"retention"_s, u"--hour-days"_s, u"1"_s} << 1
                                               << u"InvalidArgument"_s;
    QTest::newRow("retention 0 days") << QStringList{u"usage"_s, u"retention"_s, u"--minute-days"_s, u"0"_s} << 1
                                      << u"InvalidArgument"_s;
    QTest::newRow("json and csv") << QStringList{u"usage"_s, u"iris"_s, u"--json"_s, u"--csv"_s} << 2 << QString();
}

void TestCtlUsage::badInput()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, errorType);
    const CtlResult before = ctl({u"--json"_s, u"usage"_s, u"prices"_s});
    QVERIFY2(before.exitCode == 0, before.describe().constData());
    const CtlResult retentionBefore = ctl({u"--json"_s, u"usage"_s, u"retention"_s});
    QVERIFY2(retentionBefore.exitCode == 0, retentionBefore.describe().constData());
    const CtlResult r = ctl(arguments);
    QVERIFY2(r.exitCode == exitCode, r.describe().constData());
    if (!errorType.isEmpty())
        QVERIFY2(r.err.contains(errorType + u':'), r.describe().constData());
    // Nothing stored changed.
    const CtlResult after = ctl({u"--json"_s, u"usage"_s, u"prices"_s});
    QCOMPARE(after.json(), before.json());
    QCOMPARE(ctl({u"--json"_s, u"usage"_s, u"retention"_s}).json(), retentionBefore.json());
}

QTEST_MAIN(TestCtlUsage)
#include "test_ctlusage.moc"
