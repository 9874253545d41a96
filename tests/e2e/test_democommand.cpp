// `servedeck --version` and `servedeck demo --check` as real child processes: the demo starts a
// control plane of its own with real replicas and real traffic through its proxy, the way the
// packaged-install smoke test runs it. Every wait is bounded.
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "support/servechild.h"

using namespace Qt::StringLiterals;
using namespace ServeChildSupport;

namespace {

constexpr int kVersionMs = 10000;
// The whole tour: two replicas, a scale-up, a canary and a crash, on a loaded 2-core runner.
constexpr int kDemoMs = 120000;

const QStringList kSteps{u"Deploy iris v1"_s, u"Send traffic"_s, u"Autoscale"_s, u"Canary of v2"_s, u"Kill a replica"_s,
                         u"Clean up"_s};

// Neither an operator's data dir nor an HTTP proxy reaches the child; nothing waits on stdin.
CtlResult runDemoCommand(const QStringList &arguments, int timeoutMs)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &name : {u"SERVEDECK_DATA_DIR"_s, u"http_proxy"_s, u"HTTP_PROXY"_s, u"all_proxy"_s, u"ALL_PROXY"_s})
        env.remove(name);
    return runServedeck(arguments, env, timeoutMs, true);
}

} // namespace

class TestDemoCommand final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void versionIsTheProjects_data()
    {
        QTest::addColumn<QString>("flag");
        QTest::newRow("long") << u"--version"_s;
        QTest::newRow("short") << u"-V"_s;
    }

    void versionIsTheProjects()
    {
        QFETCH(QString, flag);
        const CtlResult run = runDemoCommand({flag}, kVersionMs);
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        const QString expected = u"servedeck %1 (Qt %2)\n"_s.arg(QStringLiteral(SERVEDECK_VERSION), QString::fromLatin1(qVersion()));
        QCOMPARE(run.out, expected);
    }

    // Every step worked, each said so with what it checked, in order, and the exit code is 0.
    void checkRunsEveryStep()
    {
        const CtlResult run = runDemoCommand({u"demo"_s, u"--check"_s}, kDemoMs);
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        qsizetype from = 0;
        for (const QString &step : kSteps) {
            const QRegularExpression ok(u"^    ok: %1: \\S.*$"_s.arg(QRegularExpression::escape(step)),
                                        QRegularExpression::MultilineOption);
            const auto match = ok.match(run.out, from);
            QVERIFY2(match.hasMatch(), qPrintable(step + u" did not say ok after the step before:\n"_s + run.out));
            from = match.capturedEnd();
        }
        QVERIFY2(!run.out.contains(u"FAILED"_s), run.describe().constData());
        QVERIFY(run.out.contains(u"servedeck demo: every step worked"_s));
        // Both revisions answered once the canary's weight moved, and the crash was recorded.
        QVERIFY2(QRegularExpression(u"v1 answered [1-9]\\d*, v2 answered [1-9]\\d*"_s).match(run.out).hasMatch(), qPrintable(run.out));
        QVERIFY2(run.out.contains(u"recorded: Crashed:"_s), qPrintable(run.out));
        QVERIFY2(run.out.contains(u"a replacement serves"_s), qPrintable(run.out));
    }

    // No model folders where the demo looks: a real failure of the first step, named on stderr,
    // the rest skipped, and the clean-up still runs (with nothing to delete).
    void failedStepIsNamed()
    {
        QTemporaryDir empty;
        QVERIFY(empty.isValid());
        const CtlResult run = runDemoCommand({u"demo"_s, u"--check"_s, u"--models"_s, empty.path()}, kDemoMs);
        QVERIFY2(run.finished && run.exitCode == 1, run.describe().constData());
        QVERIFY2(run.err.contains(u"servedeck demo: failed: Deploy iris v1"_s), run.describe().constData());
        QVERIFY2(run.out.contains(u"FAILED: Deploy iris v1: "_s), run.describe().constData());
        for (const QString &step : kSteps.mid(1, 4))
            QVERIFY2(run.out.contains(u"skipped: "_s + step), qPrintable(step + u'\n' + run.out));
        QVERIFY2(run.out.contains(u"ok: Clean up: nothing was created"_s), run.describe().constData());
    }
};

QTEST_GUILESS_MAIN(TestDemoCommand)
#include "test_democommand.moc"
