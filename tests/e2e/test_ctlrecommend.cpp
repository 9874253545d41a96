// `ctl recommend` against a real `servedeck serve`: an endpoint is made through ctl, the server
// stopped, two weeks of office-hours usage written into its data dir's store (the REST API takes
// no samples), the server started again on it; then ctl lists the recommendations, applies one,
// and the endpoint's schedule is read back through ctl.
#include <memory>

#include <QTemporaryDir>
#include <QTest>

#include "store/repository.h"
#include "support/servechild.h"
#include "support/usagehistory.h"

using namespace ServeChildSupport;
using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

// A ctl call answers at once; the margin is for a loaded 2-core runner.
constexpr int kCtlMs = 30000;

} // namespace

class TestCtlRecommend final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void applyOneChangesTheSchedule()
    {
        QTemporaryDir dataDir;
        QTemporaryDir scratch;
        QVERIFY(dataDir.isValid() && scratch.isValid());
        const QString ctlDir = scratch.filePath(u"ctl-data"_s);
        auto server = std::make_unique<ServeChild>(dataDir.path());
        QString why;
        QVERIFY2(server->start(&why), qPrintable(why));
        CtlResult r = server->ctl({u"--json"_s, u"create"_s, u"office"_s, u"--folder"_s, u"iris-v1"_s, u"--version"_s,
                                   u"v1"_s, u"--replicas"_s, u"0"_s, u"--latency-target-ms"_s, u"200"_s},
                                  ctlDir, kCtlMs);
        QVERIFY2(r.exitCode == 0, r.describe().constData());
        const QUuid id = QUuid::fromString(r.json().value(u"id"_s).toString());
        QVERIFY(!id.isNull());
        QCOMPARE(r.json().value(u"latency_target_ms"_s).toInt(), 200);

        // Nothing recorded yet: nothing to recommend, and the notes say why.
        r = server->ctl({u"recommend"_s, u"office"_s}, ctlDir, kCtlMs);
        QVERIFY2(r.exitCode == 0, r.describe().constData());
        QVERIFY2(r.out.contains(u"no recommendation for office"_s), r.describe().constData());
        QVERIFY2(r.out.contains(u"note: schedule floor: needs 5 weekdays of samples, has 0"_s), r.describe().constData());

        // The samples go in while the server is stopped: the store is the server's alone while it runs.
        server.reset();
        {
            Repository store;
            QVERIFY(store.open(QDir(dataDir.path()).filePath(u"servedeck.db"_s)));
            auto added = store.addUsageSamples(UsageHistory::officeHours(id, 3));
            QVERIFY2(added, added ? "" : qPrintable(added.error().message));
        }
        server = std::make_unique<ServeChild>(dataDir.path());
        QVERIFY2(server->start(&why), qPrintable(why));

        r = server->ctl({u"recommend"_s, u"office"_s, u"--since"_s, u"14d"_s}, ctlDir, kCtlMs);
        QVERIFY2(r.exitCode == 0, r.describe().constData());
        QVERIFY2(r.out.startsWith(u"1. Keep 3 replicas warm mon-fri 09:00-18:00  [schedule_floor]\n"_s), r.describe().constData());
        QVERIFY2(r.out.contains(u"   change: schedule \"mon-fri 09:00-18:00 min=3\"\n"_s), r.describe().constData());
        QVERIFY2(r.out.contains(u"   apply: servedeck ctl recommend office --apply 1\n"_s), r.describe().constData());

        r = server->ctl({u"--json"_s, u"recommend"_s, u"office"_s}, ctlDir, kCtlMs);
        QVERIFY2(r.exitCode == 0, r.describe().constData());
        const QJsonArray list = r.json().value(u"recommendations"_s).toArray();
        QVERIFY2(!list.isEmpty(), r.describe().constData());
        QCOMPARE(list.first().toObject().value(u"kind"_s).toString(), u"schedule_floor"_s);

        r = server->ctl({u"recommend"_s, u"office"_s, u"--apply"_s, u"1"_s}, ctlDir, kCtlMs);
        QVERIFY2(r.exitCode == 0, r.describe().constData());
        QVERIFY2(r.out.startsWith(u"applied:\n1. Keep 3 replicas warm"_s), r.describe().constData());
        r = server->ctl({u"--json"_s, u"autoscaling"_s, u"office"_s}, ctlDir, kCtlMs);
        QVERIFY2(r.exitCode == 0, r.describe().constData());
        QCOMPARE(r.json().value(u"schedule"_s).toString(), u"mon-fri 09:00-18:00 min=3"_s);

        // Refusals: out of range (the API's NotFound), not a number (ctl's usage).
        r = server->ctl({u"recommend"_s, u"office"_s, u"--apply"_s, u"9"_s}, ctlDir, kCtlMs);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"error: NotFound"_s), r.describe().constData());
        r = server->ctl({u"recommend"_s, u"office"_s, u"--apply"_s, u"first"_s}, ctlDir, kCtlMs);
        QCOMPARE(r.exitCode, 2);
        r = server->ctl({u"recommend"_s, u"office"_s, u"--since"_s, u"last week"_s}, ctlDir, kCtlMs);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"error: InvalidArgument: since"_s), r.describe().constData());
        r = server->ctl({u"recommend"_s, u"nobody"_s}, ctlDir, kCtlMs);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"error: NotFound"_s), r.describe().constData());
        QCOMPARE(server->ctl({u"--json"_s, u"autoscaling"_s, u"office"_s}, ctlDir, kCtlMs).json().value(u"schedule"_s).toString(),
                 u"mon-fri 09:00-18:00 min=3"_s);
    }
};

QTEST_GUILESS_MAIN(TestCtlRecommend)
#include "test_ctlrecommend.moc"
