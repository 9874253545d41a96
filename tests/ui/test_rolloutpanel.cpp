// The rollout panel of the Details tab over a real, in-process control plane: what it shows of
// a rollout (phase, versions, share, timeline, each analysis decision and the canary-vs-stable
// charts) and its buttons, each checked against the rollout the core then holds: Pause, Resume
// and Abort move the phase; Rollback after a blue-green promote puts v1 back as the current
// revision, asked first, from the button or the shortcut.
#include <memory>

#include <QAbstractItemModelTester>
#include <QAction>
#include <QBrush>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QXYSeries>

#include "plane/controlclient.h"
#include "ui/common/errorlabel.h"
#include "ui/common/prompt.h"
#include "ui/common/theme.h"
#include "ui/rollouts/analysisdecisionmodel.h"
#include "ui/rollouts/rollouteventmodel.h"
#include "ui/rollouts/rolloutpanel.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

class TestRolloutPanel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void noRolloutSaysSo();
    void showsTheRolloutWithItsTimeline();
    void pauseResumeAbortMoveThePhaseInTheCore();
    void rollbackAfterABlueGreenPromoteRestoresV1();
    void decisionsAreTabledAndCharted();
    void screenshot();

private:
    ModelServingService &service() { return m_plane->service(); }
    void markHealthy();
    Rollout coreRollout(const QUuid &id);
    // Clicks `button` and waits for the core's answer; whether it was taken.
    bool clickAndWait(QPushButton *button);

    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<ControlPlane> m_plane;
    std::unique_ptr<ControlClient> m_client;
    std::unique_ptr<RolloutPanel> m_panel;
    std::unique_ptr<QAbstractItemModelTester> m_eventsTester;
    std::unique_ptr<QAbstractItemModelTester> m_decisionsTester;
    Endpoint m_endpoint;
    int m_count = 0;
};

void TestRolloutPanel::initTestCase()
{
    const QByteArray failed = UiTest::startPlane(m_dataDir, m_plane);
    QVERIFY2(failed.isEmpty(), failed.constData());
    m_client = std::make_unique<ControlClient>(*m_plane);
}

// A fresh endpoint each time: v1 with two routes, HEALTHY; the panel on it.
void TestRolloutPanel::init()
{
    m_endpoint = UiTest::create(service(), u"release-%1"_s.arg(++m_count), u"iris-v1"_s, 2);
    QTRY_COMPARE(service().endpointInfo(m_endpoint.name)->routes.size(), 2);
    markHealthy();
    m_panel = std::make_unique<RolloutPanel>(*m_client);
    m_eventsTester = std::make_unique<QAbstractItemModelTester>(m_panel->timeline(),
                                                                QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_decisionsTester = std::make_unique<QAbstractItemModelTester>(m_panel->decisions(),
                                                                   QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_panel->resize(1100, 330);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
}

void TestRolloutPanel::cleanup()
{
    m_eventsTester.reset();
    m_decisionsTester.reset();
    m_panel.reset();
    QVERIFY(service().deleteEndpoint(m_endpoint.name));
}

void TestRolloutPanel::cleanupTestCase()
{
    m_client.reset();
    m_plane.reset();
}

// What an agent reports once a replica answers its health check, for every active route.
void TestRolloutPanel::markHealthy()
{
    const auto info = service().endpointInfo(m_endpoint.name);
    QVERIFY(info);
    for (const Route &r : info->routes) {
        if (r.isActive() && r.status != RouteStatus::Healthy)
            QVERIFY(service().updateRouteState(r.id, RouteStatus::Healthy,
                                               u"local:%1:0"_s.arg(r.id.toString(QUuid::WithoutBraces).left(4)), u"local"_s));
    }
}

Rollout TestRolloutPanel::coreRollout(const QUuid &id)
{
    const auto info = service().rolloutInfo(m_endpoint.name, id.toString(QUuid::WithoutBraces));
    if (!info)
        qFatal("%s", UiTest::why(info.error()).constData());
    return info->rollout;
}

bool TestRolloutPanel::clickAndWait(QPushButton *button)
{
    if (!button->isEnabled())
        return false;
    QSignalSpy answered(m_panel.get(), &RolloutPanel::answered);
    button->click();
    if (answered.isEmpty() && !answered.wait(10000))
        return false;
    return answered.first().first().toBool();
}

void TestRolloutPanel::noRolloutSaysSo()
{
    QSignalSpy loaded(m_panel.get(), &RolloutPanel::loaded);
    m_panel->setEndpoint(m_endpoint.id);
    QTRY_VERIFY(!loaded.isEmpty());
    QVERIFY(!m_panel->rollout());
    QCOMPARE(m_panel->phaseLabel()->text(), u"No rollout"_s);
    QVERIFY(!m_panel->errorLabel()->isVisible());
    for (QPushButton *b : {m_panel->promoteButton(), m_panel->pauseButton(), m_panel->resumeButton(),
                           m_panel->abortButton(), m_panel->rollbackButton()})
        QVERIFY2(!b->isEnabled(), qPrintable(b->text()));
    QCOMPARE(m_panel->timeline()->rowCount(), 0);
}

void TestRolloutPanel::showsTheRolloutWithItsTimeline()
{
    m_panel->setEndpoint(m_endpoint.id);
    // Started after the panel looked: rolloutChanged brings it in.
    const RolloutInfo started = UiTest::startRollout(service(), m_endpoint.name, u"v2"_s, u"iris-v2"_s,
                                                     RolloutStrategy::Canary, 20);
    QTRY_VERIFY(m_panel->rollout().has_value());
    QCOMPARE(m_panel->rollout()->rollout.id, started.rollout.id);
    QCOMPARE(m_panel->phaseLabel()->text(), u"Progressing"_s);
    const QString summary = m_panel->summaryLabel()->text();
    QVERIFY2(summary.contains(u"Canary"_s) && summary.contains(u"v1 → v2"_s) && summary.contains(u"20 %"_s),
             qPrintable(summary));
    QVERIFY(m_panel->timeline()->rowCount() >= 1);
    QVERIFY(m_panel->promoteButton()->isEnabled());
    QVERIFY(m_panel->pauseButton()->isEnabled());
    QVERIFY(!m_panel->resumeButton()->isEnabled());
    QVERIFY(m_panel->abortButton()->isEnabled());
    QVERIFY(m_panel->rollbackButton()->isEnabled());
    QVERIFY(m_panel->rollbackButton()->toolTip().contains(m_panel->rollbackAction()->shortcut().toString(QKeySequence::NativeText)));

    // A share set elsewhere (the slider, the API) shows here, its event at the bottom.
    const int events = m_panel->timeline()->rowCount();
    QVERIFY(service().setRolloutWeight(m_endpoint.name, u"current"_s, 40));
    QTRY_COMPARE(m_panel->timeline()->rowCount(), events + 1);
    QCOMPARE(m_panel->timeline()->event(events).weight, 40);
    QTRY_VERIFY(m_panel->summaryLabel()->text().contains(u"40 %"_s));
}

void TestRolloutPanel::pauseResumeAbortMoveThePhaseInTheCore()
{
    const RolloutInfo started = UiTest::startRollout(service(), m_endpoint.name, u"v2"_s, u"iris-v2"_s,
                                                     RolloutStrategy::Canary, 20);
    const QUuid id = started.rollout.id;
    m_panel->setEndpoint(m_endpoint.id);
    QTRY_VERIFY(m_panel->pauseButton()->isEnabled());

    QVERIFY(clickAndWait(m_panel->pauseButton()));
    QCOMPARE(coreRollout(id).phase, RolloutPhase::Paused);
    QTRY_COMPARE(m_panel->phaseLabel()->text(), u"Paused"_s);
    QVERIFY(!m_panel->pauseButton()->isEnabled());
    QVERIFY(m_panel->resumeButton()->isEnabled());

    QVERIFY(clickAndWait(m_panel->resumeButton()));
    QCOMPARE(coreRollout(id).phase, RolloutPhase::Progressing);
    QTRY_COMPARE(m_panel->phaseLabel()->text(), u"Progressing"_s);
    QVERIFY(m_panel->pauseButton()->isEnabled());
    QVERIFY(!m_panel->resumeButton()->isEnabled());

    QVERIFY(clickAndWait(m_panel->abortButton()));
    QCOMPARE(coreRollout(id).phase, RolloutPhase::Aborted);
    QCOMPARE(coreRollout(id).weight, 0);
    QTRY_COMPARE(m_panel->phaseLabel()->text(), u"Aborted"_s);
    // Over: nothing left to act on.
    for (QPushButton *b : {m_panel->promoteButton(), m_panel->pauseButton(), m_panel->resumeButton(),
                           m_panel->abortButton(), m_panel->rollbackButton()})
        QVERIFY2(!b->isEnabled(), qPrintable(b->text()));
    // The timeline has each change, the newest at the bottom.
    const int rows = m_panel->timeline()->rowCount();
    QVERIFY(rows >= 4);
    QCOMPARE(m_panel->timeline()->event(rows - 1).phase, RolloutPhase::Aborted);
    QCOMPARE(m_panel->timeline()->event(rows - 2).phase, RolloutPhase::Progressing);
    QCOMPARE(m_panel->timeline()->event(rows - 3).phase, RolloutPhase::Paused);
    QVERIFY(!m_panel->errorLabel()->isVisible());

    // Retry: the same rollout again, to the same revision, canary at its first share.
    QTRY_VERIFY(m_panel->retryButton()->isEnabled());
    QVERIFY(clickAndWait(m_panel->retryButton()));
    const auto again = service().rolloutInfo(m_endpoint.name, u"current"_s);
    QVERIFY2(again, again ? "" : UiTest::why(again.error()).constData());
    QVERIFY(again->rollout.id != id);
    QCOMPARE(again->rollout.toRevisionId, started.rollout.toRevisionId);
    QCOMPARE(again->rollout.strategy, RolloutStrategy::Canary);
    QCOMPARE(again->rollout.weight, 20);
    QCOMPARE(service().revisions(m_endpoint.name)->size(), 2);  // no new revision
    QTRY_COMPARE(m_panel->phaseLabel()->text(), u"Progressing"_s);
    QVERIFY(!m_panel->retryButton()->isEnabled());
}

void TestRolloutPanel::rollbackAfterABlueGreenPromoteRestoresV1()
{
    const QUuid v1 = service().endpointInfo(m_endpoint.name)->endpoint.currentRevisionId;
    const RolloutInfo started = UiTest::startRollout(service(), m_endpoint.name, u"v2"_s, u"iris-v2"_s,
                                                     RolloutStrategy::BlueGreen);
    const QUuid v2 = started.rollout.toRevisionId;
    // The whole new set comes up beside the old one.
    QTRY_COMPARE(service().endpointInfo(m_endpoint.name)->routes.size(), 4);
    m_panel->setEndpoint(m_endpoint.id);
    QTRY_VERIFY(m_panel->promoteButton()->isEnabled());
    // Reported HEALTHY as an agent would, then promoted by the operator at once: the rollout
    // controller would switch by itself on the event loop's next turn, and none comes between
    // (the client runs calls at once on this plane's thread).
    markHealthy();
    QVERIFY2(clickAndWait(m_panel->promoteButton()), qPrintable(m_panel->errorLabel()->text()));
    QCOMPARE(coreRollout(started.rollout.id).phase, RolloutPhase::Succeeded);
    QCOMPARE(service().endpointInfo(m_endpoint.name)->endpoint.currentRevisionId, v2);
    QTRY_COMPARE(m_panel->phaseLabel()->text(), u"Succeeded"_s);
    QTRY_VERIFY(m_panel->rollbackButton()->isEnabled());
    QVERIFY(!m_panel->abortButton()->isEnabled());

    // Asked first: a No changes nothing.
    Prompt::setNextConfirmation(false);
    QSignalSpy answered(m_panel.get(), &RolloutPanel::answered);
    m_panel->rollbackButton()->click();
    QVERIFY(answered.isEmpty());
    QCOMPARE(service().endpointInfo(m_endpoint.name)->endpoint.currentRevisionId, v2);

    // The shortcut, confirmed.
    Prompt::setNextConfirmation(true);
    m_panel->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_panel.get()));
    QTest::keySequence(m_panel.get(), m_panel->rollbackAction()->shortcut());
    QTRY_COMPARE(answered.count(), 1);
    QVERIFY2(answered.first().first().toBool(), qPrintable(m_panel->errorLabel()->text()));
    const auto info = service().endpointInfo(m_endpoint.name);
    QCOMPARE(info->endpoint.currentRevisionId, v1);
    QCOMPARE(info->endpoint.modelVersion, u"v1"_s);
    QCOMPARE(coreRollout(started.rollout.id).phase, RolloutPhase::RolledBack);
    QTRY_COMPARE(m_panel->phaseLabel()->text(), u"Rolled back"_s);
    QVERIFY(!m_panel->rollbackButton()->isEnabled());
}

void TestRolloutPanel::decisionsAreTabledAndCharted()
{
    const RolloutInfo started = UiTest::startRollout(service(), m_endpoint.name, u"v2"_s, u"iris-v2"_s,
                                                     RolloutStrategy::Progressive, 5);
    m_panel->setEndpoint(m_endpoint.id);
    QTRY_VERIFY(m_panel->rollout().has_value());
    QCOMPARE(m_panel->decisions()->rowCount(), 0);
    QVERIFY(!m_panel->charts()->isVisible());
    // Two analysed steps, as the rollout controller records them (steps counted from 1): the
    // first passed, the second failed on errors.
    const auto decide = [](int step, const QString &check, std::optional<double> canary, std::optional<double> stable,
                           AnalysisVerdict verdict) {
        AnalysisDecision d;
        d.step = step;
        d.at = QDateTime::currentDateTimeUtc();
        d.check = check;
        d.canaryRequests = 120;
        d.stableRequests = 2280;
        d.canaryValue = canary;
        d.stableValue = stable;
        if (canary && stable)
            d.effect = check == u"success_rate"_s ? *canary - *stable : *canary / *stable;
        d.verdict = verdict;
        d.note = u"test"_s;
        return d;
    };
    const QList<AnalysisDecision> decisions{
        decide(1, u"success_rate"_s, 0.0, 0.001, AnalysisVerdict::Pass),
        decide(1, u"p95_ms"_s, 12.0, 11.0, AnalysisVerdict::Pass),
        decide(1, u"step"_s, std::nullopt, std::nullopt, AnalysisVerdict::Pass),
        decide(2, u"success_rate"_s, 0.05, 0.001, AnalysisVerdict::Fail),
        decide(2, u"p95_ms"_s, 30.0, 11.5, AnalysisVerdict::Fail),
        decide(2, u"step"_s, std::nullopt, std::nullopt, AnalysisVerdict::Fail),
    };
    auto changed = service().changeRolloutById(started.rollout.id, [&](RolloutChange &c) -> Result<Done> {
        c.decisions = decisions;
        c.rollout.failedChecks = 1;
        return Done{};
    });
    QVERIFY2(changed, changed ? "" : UiTest::why(changed.error()).constData());
    QTRY_COMPARE(m_panel->decisions()->rowCount(), 6);
    const auto cell = [this](int row, int column, int role = Qt::DisplayRole) {
        return m_panel->decisions()->data(m_panel->decisions()->index(row, column), role);
    };
    QCOMPARE(cell(3, AnalysisDecisionModel::Step).toInt(), 2);
    QCOMPARE(cell(3, AnalysisDecisionModel::Check).toString(), u"Success rate"_s);
    QCOMPARE(cell(3, AnalysisDecisionModel::CanaryRequests).toLongLong(), 120);
    QCOMPARE(cell(3, AnalysisDecisionModel::StableRequests).toLongLong(), 2280);
    QCOMPARE(cell(3, AnalysisDecisionModel::CanaryValue).toString(), u"95.00 %"_s);
    QCOMPARE(cell(3, AnalysisDecisionModel::StableValue).toString(), u"99.90 %"_s);
    QCOMPARE(cell(3, AnalysisDecisionModel::Effect).toString(), u"-4.90 pp"_s);
    QCOMPARE(cell(3, AnalysisDecisionModel::Verdict).toString(), u"Fail"_s);
    QCOMPARE(cell(4, AnalysisDecisionModel::Effect).toString(), u"×2.61"_s);
    // Verdicts in the theme's colours.
    QCOMPARE(cell(3, AnalysisDecisionModel::Verdict, Qt::ForegroundRole).value<QBrush>().color(),
             Theme::color(Theme::Role::Error));
    QCOMPARE(cell(0, AnalysisDecisionModel::Verdict, Qt::ForegroundRole).value<QBrush>().color(),
             Theme::color(Theme::Role::Success));
    QVERIFY(m_panel->summaryLabel()->text().contains(u"failed checks: 1"_s));

    // A point per step and side: success rate in %, p95 in ms.
    QVERIFY(m_panel->charts()->isVisible());
    const QXYSeries *canary = m_panel->series(u"success-canary"_s);
    const QXYSeries *stable = m_panel->series(u"success-stable"_s);
    QVERIFY(canary && stable);
    QCOMPARE(canary->points(), (QList<QPointF>{{1, 100}, {2, 95}}));
    QCOMPARE(stable->points().size(), 2);
    QCOMPARE(m_panel->series(u"p95-canary"_s)->points(), (QList<QPointF>{{1, 12}, {2, 30}}));
    QCOMPARE(m_panel->series(u"p95-stable"_s)->points(), (QList<QPointF>{{1, 11}, {2, 11.5}}));
}

void TestRolloutPanel::screenshot()
{
    const RolloutInfo started = UiTest::startRollout(service(), m_endpoint.name, u"v2"_s, u"iris-v2"_s,
                                                     RolloutStrategy::Progressive, 5);
    // Three analysed steps of a healthy canary, as the controller records them.
    QList<AnalysisDecision> decisions;
    const QList<std::pair<double, double>> p95{{11.8, 11.2}, {12.4, 11.6}, {12.9, 12.1}};
    const QList<std::pair<double, double>> errors{{0.0, 0.002}, {0.001, 0.001}, {0.002, 0.0015}};
    for (int step = 0; step < 3; ++step) {
        for (const QString &check : {u"success_rate"_s, u"p95_ms"_s, u"step"_s}) {
            AnalysisDecision d;
            d.step = step + 1;  // the analysis counts steps from 1
            d.at = QDateTime::currentDateTimeUtc();
            d.check = check;
            d.canaryRequests = 60 * (step + 1);
            d.stableRequests = 1140 - 40 * step;
            if (check == u"success_rate"_s) {
                d.canaryValue = errors.at(step).first;
                d.stableValue = errors.at(step).second;
                d.effect = *d.canaryValue - *d.stableValue;
            } else if (check == u"p95_ms"_s) {
                d.canaryValue = p95.at(step).first;
                d.stableValue = p95.at(step).second;
                d.effect = *d.canaryValue / *d.stableValue;
            }
            d.verdict = step == 0 && check != u"p95_ms"_s ? AnalysisVerdict::Inconclusive : AnalysisVerdict::Pass;
            decisions << d;
        }
    }
    auto changed = service().changeRolloutById(started.rollout.id, [&](RolloutChange &c) -> Result<Done> {
        c.decisions = decisions;
        c.rollout.steps = {5, 25, 50, 100};
        c.rollout.stepIndex = 2;
        c.rollout.weight = 50;
        c.note(u"step 3: 50 % of traffic on v2"_s);
        return Done{};
    });
    QVERIFY(changed);
    m_panel->setEndpoint(m_endpoint.id);
    QTRY_COMPARE(m_panel->decisions()->rowCount(), 9);
    const QString failed = UiTest::saveScreenshot(*m_panel, u"rollout-panel"_s);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    QCOMPARE(m_panel->phaseLabel()->text(), u"Progressing"_s);
    QCOMPARE(m_panel->series(u"p95-canary"_s)->points().size(), 3);
}

QTEST_MAIN(TestRolloutPanel)
#include "test_rolloutpanel.moc"
