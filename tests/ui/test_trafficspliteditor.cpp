// The canary weight editor over a real, in-process control plane: an endpoint with two (then
// three) revisions whose routes the test reports HEALTHY as an agent would; the slider dragged
// with the mouse, keys, Apply, Undo, Blue-green and Roll back, each checked against the route
// weights the service then holds. Also the split arithmetic on its own (TrafficSplit).
#include <memory>

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QStyle>
#include <QStyleOptionSlider>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>

#include "ui/endpoints/endpointlistmodel.h"
#include "ui/detail/trafficsplit.h"
#include "ui/detail/trafficspliteditor.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

// The split the editor shows and the weights the service holds are compared as (revision, weight)
// in route age order, so the expected values read like the split: {1, 48}, {1, 47}, {2, 5}.
using Weights = QList<std::pair<int, int>>;

} // namespace

class TestTrafficSplitEditor final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void routeWeightsSpreadARevisionsShare_data();
    void routeWeightsSpreadARevisionsShare();
    void percentagesAddUpToAHundred_data();
    void percentagesAddUpToAHundred();

    void showsBothRevisionsWithTheirShare();
    void draggingPreviewsAndReleaseApplies();
    void undoRestoresTheWeights();
    void keysApplyAfterAPause();
    void blueGreenSwitchesAllTrafficAndKeepsOldRoutes();
    void rollBackGivesEverythingToTheOlderRevision();
    void revisionWithoutHealthyRouteIsNotReady();
    void serviceRefusalIsShownInPlace();
    void threeRevisionsGetAWeightBoxEach();
    void sliderDrivesAManualCanarysShare();
    void screenshot();

private:
    ModelServingService &service() { return m_plane->service(); }
    Weights weights();
    void markHealthy(RouteStatus status = RouteStatus::Healthy, int revision = 0);
    void addRevision(const QString &version, const QString &folder, int routes);
    QPoint handleCentre(int value) const;

    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<ControlPlane> m_plane;
    std::unique_ptr<ControlClient> m_client;  // the views' way to the plane, which lives on this thread
    std::unique_ptr<EndpointListModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    std::unique_ptr<TrafficSplitEditor> m_editor;
    Endpoint m_endpoint;
    int m_count = 0;
};

void TestTrafficSplitEditor::initTestCase()
{
    const QByteArray failed = UiTest::startPlane(m_dataDir, m_plane);
    QVERIFY2(failed.isEmpty(), failed.constData());
    m_client = std::make_unique<ControlClient>(*m_plane);
    m_model = std::make_unique<EndpointListModel>(*m_client);
    m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

// A fresh endpoint each time: v1 with two routes, then v2 with one more (weight 0, as the
// reconciler starts a new revision dark), all three HEALTHY; no rollout in progress.
void TestTrafficSplitEditor::init()
{
    m_endpoint = UiTest::create(service(), u"canary-%1"_s.arg(++m_count), u"iris-v1"_s, 2);
    QTRY_COMPARE(service().endpointInfo(m_endpoint.name)->routes.size(), 2);
    markHealthy();
    addRevision(u"v2"_s, u"iris-v2"_s, 3);
    QCOMPARE(weights(), (Weights{{1, 100}, {1, 100}, {2, 0}}));

    m_editor = std::make_unique<TrafficSplitEditor>(*m_client, *m_model);
    m_editor->resize(420, 320);
    m_editor->setEndpoint(m_endpoint.id);
    m_editor->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_editor.get()));
}

void TestTrafficSplitEditor::cleanup()
{
    m_editor.reset();
    QVERIFY(service().deleteEndpoint(m_endpoint.name));
}

void TestTrafficSplitEditor::cleanupTestCase()
{
    m_tester.reset();
    m_model.reset();
    m_client.reset();
    m_plane.reset();
}

Weights TestTrafficSplitEditor::weights()
{
    const auto info = service().endpointInfo(m_endpoint.name);
    if (!info)
        return {};
    QHash<QUuid, int> numbers;
    for (const Revision &r : info->revisions)
        numbers.insert(r.id, r.number);
    QList<Route> routes = info->routes;
    std::stable_sort(routes.begin(), routes.end(), [](const Route &a, const Route &b) { return a.createdAt < b.createdAt; });
    Weights result;
    for (const Route &r : std::as_const(routes)) {
        if (r.isActive())
            result.append({numbers.value(r.revisionId), r.weight});
    }
    return result;
}

// What an agent reports once a replica answers its health check: here for every route of the
// given revision number (0: all) that is not yet in `status`.
void TestTrafficSplitEditor::markHealthy(RouteStatus status, int revision)
{
    const auto info = service().endpointInfo(m_endpoint.name);
    QVERIFY(info);
    QHash<QUuid, int> numbers;
    for (const Revision &r : info->revisions)
        numbers.insert(r.id, r.number);
    for (const Route &r : info->routes) {
        if (r.isActive() && r.status != status && (revision == 0 || numbers.value(r.revisionId) == revision))
            QVERIFY(service().updateRouteState(r.id, status, u"local:%1:0"_s.arg(r.id.toString(QUuid::WithoutBraces).left(4)),
                                               u"local"_s));
    }
}

// A revision serving beside the current one with routes of its own, which no rollout shapes,
// so the slider sets route weights; `routes`: the endpoint's active routes after it.
void TestTrafficSplitEditor::addRevision(const QString &version, const QString &folder, int routes)
{
    const int before = int(weights().size());
    UiTest::addServingRevision(*m_plane, m_endpoint.name, version, folder, routes - before);
    QTRY_COMPARE(weights().size(), routes);
    markHealthy();
}

// Where the slider's handle is drawn for a value: dragging it from one such point to another
// moves the value by exactly the difference.
QPoint TestTrafficSplitEditor::handleCentre(int value) const
{
    QSlider *slider = m_editor->slider();
    QStyleOptionSlider option;
    option.initFrom(slider);
    option.orientation = slider->orientation();
    option.minimum = slider->minimum();
    option.maximum = slider->maximum();
    option.tickPosition = slider->tickPosition();
    option.tickInterval = slider->tickInterval();
    option.singleStep = slider->singleStep();
    option.pageStep = slider->pageStep();
    option.sliderPosition = value;
    option.sliderValue = value;
    option.subControls = QStyle::SC_All;
    return slider->style()->subControlRect(QStyle::CC_Slider, &option, QStyle::SC_SliderHandle, slider).center();
}

void TestTrafficSplitEditor::routeWeightsSpreadARevisionsShare_data()
{
    QTest::addColumn<QList<int>>("routesPerRevision");
    QTest::addColumn<QList<int>>("revisionWeights");
    QTest::addColumn<QList<int>>("expected");

    QTest::newRow("canary 95/5, two routes and one") << QList<int>{2, 1} << QList<int>{95, 5} << QList<int>{48, 47, 5};
    QTest::newRow("blue-green 0/100") << QList<int>{2, 1} << QList<int>{0, 100} << QList<int>{0, 0, 100};
    QTest::newRow("a hundred over three routes") << QList<int>{3} << QList<int>{100} << QList<int>{34, 33, 33};
    QTest::newRow("fewer weight than routes") << QList<int>{1, 4} << QList<int>{98, 2} << QList<int>{98, 1, 1, 0, 0};
    QTest::newRow("A/B 70/30 over two each") << QList<int>{2, 2} << QList<int>{70, 30} << QList<int>{35, 35, 15, 15};
    QTest::newRow("out of range is clamped") << QList<int>{1, 1} << QList<int>{150, -5} << QList<int>{100, 0};
}

void TestTrafficSplitEditor::routeWeightsSpreadARevisionsShare()
{
    QFETCH(QList<int>, routesPerRevision);
    QFETCH(QList<int>, revisionWeights);
    QFETCH(QList<int>, expected);
    QList<TrafficSplit::RevisionShare> revisions;
    QList<QUuid> order;
    for (int i = 0; i < routesPerRevision.size(); ++i) {
        TrafficSplit::RevisionShare r;
        r.number = i + 1;
        for (int k = 0; k < routesPerRevision.at(i); ++k) {
            r.routes << QUuid::createUuid();
            order << r.routes.last();
        }
        revisions << r;
    }
    const QList<RouteWeight> result = TrafficSplit::routeWeights(revisions, revisionWeights);
    QList<int> got;
    for (int i = 0; i < result.size(); ++i) {
        QCOMPARE(result.at(i).routeId, order.at(i));
        got << result.at(i).weight;
    }
    QCOMPARE(got, expected);
}

void TestTrafficSplitEditor::percentagesAddUpToAHundred_data()
{
    QTest::addColumn<QList<int>>("weights");
    QTest::addColumn<QList<int>>("expected");
    QTest::newRow("two full routes and a dark one") << QList<int>{200, 0} << QList<int>{100, 0};
    QTest::newRow("95/5") << QList<int>{95, 5} << QList<int>{95, 5};
    QTest::newRow("thirds") << QList<int>{1, 1, 1} << QList<int>{34, 33, 33};
    QTest::newRow("2 to 1") << QList<int>{2, 1} << QList<int>{67, 33};
    QTest::newRow("nothing weighs") << QList<int>{0, 0} << QList<int>{0, 0};
}

void TestTrafficSplitEditor::percentagesAddUpToAHundred()
{
    QFETCH(QList<int>, weights);
    QFETCH(QList<int>, expected);
    QList<TrafficSplit::RevisionShare> revisions;
    for (int w : weights) {
        TrafficSplit::RevisionShare r;
        r.weight = w;
        revisions << r;
    }
    QCOMPARE(TrafficSplit::percentages(revisions), expected);
}

void TestTrafficSplitEditor::showsBothRevisionsWithTheirShare()
{
    QCOMPARE(m_editor->revisions().size(), 2);
    QCOMPARE(m_editor->revisions().at(0).version, u"v1"_s);
    QCOMPARE(m_editor->revisions().at(1).version, u"v2"_s);
    QVERIFY(m_editor->slider()->isVisible());
    QCOMPARE(m_editor->slider()->value(), 0);
    QCOMPARE(m_editor->preview()->text(), u"v1 100 % · v2 0 %"_s);
    QVERIFY(m_editor->weightBoxes().isEmpty());
    QVERIFY(!m_editor->undoButton()->isEnabled());
    QVERIFY(m_editor->blueGreenButton()->isEnabled());
    // Everything is on v1 already.
    QVERIFY(!m_editor->rollBackButton()->isEnabled());
    QVERIFY(!m_editor->errorLabel()->isVisible());
}

void TestTrafficSplitEditor::draggingPreviewsAndReleaseApplies()
{
    QSlider *slider = m_editor->slider();
    const QPoint from = handleCentre(0);
    QTest::mousePress(slider, Qt::LeftButton, {}, from);
    QVERIFY(slider->isSliderDown());
    // In steps, as a hand moves it.
    for (int v = 1; v <= 5; ++v)
        QTest::mouseMove(slider, handleCentre(v));
    QCOMPARE(slider->value(), 5);
    QCOMPARE(m_editor->preview()->text(), u"v1 95 % · v2 5 %"_s);
    // Only previewed: nothing changed in the service while the handle is held.
    QTest::qWait(TrafficSplitEditor::kKeyboardApplyDelayMs + 100);
    QCOMPARE(weights(), (Weights{{1, 100}, {1, 100}, {2, 0}}));

    QTest::mouseRelease(slider, Qt::LeftButton, {}, handleCentre(5));
    QCOMPARE(weights(), (Weights{{1, 48}, {1, 47}, {2, 5}}));
    QCOMPARE(m_editor->preview()->text(), u"v1 95 % · v2 5 %"_s);
    QVERIFY(m_editor->undoButton()->isEnabled());
    QCOMPARE(m_editor->undoStack()->count(), 1);
    QVERIFY(!m_editor->errorLabel()->isVisible());
}

void TestTrafficSplitEditor::undoRestoresTheWeights()
{
    m_editor->slider()->setValue(30);
    Q_EMIT m_editor->slider()->sliderReleased();
    QCOMPARE(weights(), (Weights{{1, 35}, {1, 35}, {2, 30}}));
    m_editor->slider()->setValue(50);
    Q_EMIT m_editor->slider()->sliderReleased();
    QCOMPARE(weights(), (Weights{{1, 25}, {1, 25}, {2, 50}}));
    QCOMPARE(m_editor->undoStack()->count(), 2);

    m_editor->undoButton()->click();
    QCOMPARE(weights(), (Weights{{1, 35}, {1, 35}, {2, 30}}));
    QCOMPARE(m_editor->slider()->value(), 30);
    m_editor->undoButton()->click();
    QCOMPARE(weights(), (Weights{{1, 100}, {1, 100}, {2, 0}}));
    QCOMPARE(m_editor->slider()->value(), 0);
    QCOMPARE(m_editor->preview()->text(), u"v1 100 % · v2 0 %"_s);
    QVERIFY(!m_editor->undoButton()->isEnabled());
    // Ctrl+Z does the same from anywhere in the editor.
    m_editor->slider()->setValue(10);
    Q_EMIT m_editor->slider()->sliderReleased();
    QCOMPARE(weights(), (Weights{{1, 45}, {1, 45}, {2, 10}}));
    m_editor->activateWindow();
    m_editor->slider()->setFocus();
    QVERIFY(QTest::qWaitForWindowActive(m_editor.get()));
    QTest::keyClick(m_editor->slider(), Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(weights(), (Weights{{1, 100}, {1, 100}, {2, 0}}));
}

void TestTrafficSplitEditor::keysApplyAfterAPause()
{
    QSlider *slider = m_editor->slider();
    m_editor->activateWindow();
    slider->setFocus();
    QVERIFY(QTest::qWaitForWindowActive(m_editor.get()));
    for (int i = 0; i < 3; ++i)
        QTest::keyClick(slider, Qt::Key_Right);
    QCOMPARE(slider->value(), 3);
    QCOMPARE(m_editor->preview()->text(), u"v1 97 % · v2 3 %"_s);
    // Three steps, one update once the keys pause.
    QCOMPARE(weights(), (Weights{{1, 100}, {1, 100}, {2, 0}}));
    QTRY_COMPARE(weights(), (Weights{{1, 49}, {1, 48}, {2, 3}}));
    QCOMPARE(m_editor->undoStack()->count(), 1);
}

void TestTrafficSplitEditor::blueGreenSwitchesAllTrafficAndKeepsOldRoutes()
{
    QVERIFY(m_editor->blueGreenButton()->isEnabled());
    m_editor->blueGreenButton()->click();
    // 100/0 to v2; v1's routes stay, active and HEALTHY, with weight 0.
    QCOMPARE(weights(), (Weights{{1, 0}, {1, 0}, {2, 100}}));
    const auto info = service().endpointInfo(m_endpoint.name);
    QCOMPARE(std::count_if(info->routes.begin(), info->routes.end(),
                           [](const Route &r) { return r.status == RouteStatus::Healthy; }),
             3);
    QCOMPARE(m_editor->slider()->value(), 100);
    QCOMPARE(m_editor->preview()->text(), u"v1 0 % · v2 100 %"_s);
    // The switch goes back the same way.
    m_editor->blueGreenButton()->click();
    QCOMPARE(weights(), (Weights{{1, 50}, {1, 50}, {2, 0}}));
    m_editor->undoButton()->click();
    QCOMPARE(weights(), (Weights{{1, 0}, {1, 0}, {2, 100}}));
}

void TestTrafficSplitEditor::rollBackGivesEverythingToTheOlderRevision()
{
    m_editor->slider()->setValue(20);
    Q_EMIT m_editor->slider()->sliderReleased();
    QCOMPARE(weights(), (Weights{{1, 40}, {1, 40}, {2, 20}}));
    QVERIFY(m_editor->rollBackButton()->isEnabled());
    m_editor->rollBackButton()->click();
    QCOMPARE(weights(), (Weights{{1, 50}, {1, 50}, {2, 0}}));
    QVERIFY(!m_editor->rollBackButton()->isEnabled());
    QCOMPARE(m_editor->undoStack()->count(), 2);
}

void TestTrafficSplitEditor::revisionWithoutHealthyRouteIsNotReady()
{
    markHealthy(RouteStatus::Unhealthy, 2);
    QTRY_VERIFY(!m_editor->revisions().at(1).isReady());
    auto *state = m_editor->findChild<QLabel *>(u"state-2"_s);
    QVERIFY(state);
    QCOMPARE(state->text(), u"not ready"_s);
    QCOMPARE(m_editor->findChild<QLabel *>(u"state-1"_s)->text(), u"2 of 2 routes healthy"_s);
    QVERIFY(!m_editor->blueGreenButton()->isEnabled());
    QVERIFY(m_editor->blueGreenButton()->toolTip().contains(u"not ready"_s));
}

void TestTrafficSplitEditor::serviceRefusalIsShownInPlace()
{
    markHealthy(RouteStatus::Unhealthy, 2);
    QTRY_VERIFY(!m_editor->revisions().at(1).isReady());
    // Everything to the revision that cannot serve: the service refuses, the editor says why.
    QSignalSpy answered(m_editor.get(), &TrafficSplitEditor::answered);
    QVERIFY(m_editor->applyWeights({0, 100}));
    QTRY_COMPARE(answered.count(), 1);
    QCOMPARE(answered.first().first().toBool(), false);
    QVERIFY(m_editor->errorLabel()->isVisible());
    QVERIFY2(m_editor->errorLabel()->text().startsWith(u"InvalidArgument: "_s), qPrintable(m_editor->errorLabel()->text()));
    QVERIFY(m_editor->errorLabel()->text().contains(u"HEALTHY"_s));
    QCOMPARE(weights(), (Weights{{1, 100}, {1, 100}, {2, 0}}));
    QCOMPARE(m_editor->slider()->value(), 0);
    QCOMPARE(m_editor->undoStack()->count(), 0);
    // A split that works clears it.
    m_editor->slider()->setValue(5);
    Q_EMIT m_editor->slider()->sliderReleased();
    QCOMPARE(weights(), (Weights{{1, 48}, {1, 47}, {2, 5}}));
    QVERIFY(!m_editor->errorLabel()->isVisible());
}

void TestTrafficSplitEditor::threeRevisionsGetAWeightBoxEach()
{
    addRevision(u"v3"_s, u"iris-v1"_s, 4);
    QTRY_COMPARE(m_editor->revisions().size(), 3);
    QVERIFY(!m_editor->slider()->isVisible());
    QCOMPARE(m_editor->weightBoxes().size(), 3);
    QCOMPARE(m_editor->weightBoxes().at(0)->value(), 100);
    QVERIFY(!m_editor->applyButton()->isEnabled());

    // All zero: refused here, before the service is asked.
    for (QSpinBox *box : m_editor->weightBoxes())
        box->setValue(0);
    QVERIFY(m_editor->applyButton()->isEnabled());
    m_editor->applyButton()->click();
    QVERIFY(m_editor->errorLabel()->isVisible());
    QVERIFY(m_editor->errorLabel()->text().contains(u"above 0"_s));
    QCOMPARE(weights(), (Weights{{1, 100}, {1, 100}, {2, 0}, {3, 0}}));

    m_editor->weightBoxes().at(0)->setValue(70);
    m_editor->weightBoxes().at(1)->setValue(20);
    m_editor->weightBoxes().at(2)->setValue(10);
    QCOMPARE(m_editor->preview()->text(), u"v1 70 % · v2 20 % · v3 10 %"_s);
    m_editor->applyButton()->click();
    QCOMPARE(weights(), (Weights{{1, 35}, {1, 35}, {2, 20}, {3, 10}}));
    QVERIFY(!m_editor->errorLabel()->isVisible());
    // Blue-green with more than two: everything to the newest; roll back: to the one before it.
    m_editor->blueGreenButton()->click();
    QCOMPARE(weights(), (Weights{{1, 0}, {1, 0}, {2, 0}, {3, 100}}));
    m_editor->rollBackButton()->click();
    QCOMPARE(weights(), (Weights{{1, 0}, {1, 0}, {2, 100}, {3, 0}}));
    m_editor->undoButton()->click();
    m_editor->undoButton()->click();
    QCOMPARE(weights(), (Weights{{1, 35}, {1, 35}, {2, 20}, {3, 10}}));
    QCOMPARE(m_editor->weightBoxes().at(1)->value(), 20);
}

// A manual canary in progress: the slider is the rollout's share in the core, and the routes'
// own weights are left alone.
void TestTrafficSplitEditor::sliderDrivesAManualCanarysShare()
{
    const Endpoint canary = UiTest::create(service(), u"manual-canary-%1"_s.arg(m_count), u"iris-v1"_s, 2);
    QTRY_COMPARE(service().endpointInfo(canary.name)->routes.size(), 2);
    const RolloutInfo started = UiTest::startRollout(service(), canary.name, u"v2"_s, u"iris-v2"_s,
                                                     RolloutStrategy::Canary, 10);
    QTRY_COMPARE(service().endpointInfo(canary.name)->routes.size(), 3);
    const auto withCanary = service().endpointInfo(canary.name);  // named: the loop must not outlive it
    for (const Route &r : withCanary->routes)
        QVERIFY(service().updateRouteState(r.id, RouteStatus::Healthy, u"local:%1:0"_s.arg(r.id.toString(QUuid::WithoutBraces).left(4)),
                                           u"local"_s));
    const auto routeWeights = [&] {
        QList<int> result;
        const auto now = service().endpointInfo(canary.name);
        for (const Route &r : now->routes)
            result << r.weight;
        return result;
    };
    const QList<int> before = routeWeights();
    const auto share = [&] { return service().rolloutInfo(canary.name, u"current"_s)->rollout.weight; };

    m_editor->setEndpoint(canary.id);
    QTRY_VERIFY(m_editor->manualCanary().has_value());
    QTRY_COMPARE(m_editor->revisions().size(), 2);
    QVERIFY(m_editor->slider()->isVisible());
    QTRY_COMPARE(m_editor->slider()->value(), 10);
    QCOMPARE(m_editor->preview()->text(), u"v1 90 % · v2 10 %"_s);
    // Route weights by hand would fight the rollout.
    QVERIFY(!m_editor->blueGreenButton()->isEnabled());
    QVERIFY(!m_editor->rollBackButton()->isEnabled());

    QSignalSpy answered(m_editor.get(), &TrafficSplitEditor::answered);
    m_editor->slider()->setValue(35);
    Q_EMIT m_editor->slider()->sliderReleased();
    QTRY_COMPARE(answered.count(), 1);
    QVERIFY(answered.first().first().toBool());
    QCOMPARE(share(), 35);
    QCOMPARE(service().rolloutInfo(canary.name, u"current"_s)->rollout.id, started.rollout.id);
    QCOMPARE(routeWeights(), before);
    QTRY_COMPARE(m_editor->preview()->text(), u"v1 65 % · v2 35 %"_s);
    QCOMPARE(m_editor->slider()->value(), 35);

    // Keys too, once they pause.
    m_editor->activateWindow();
    m_editor->slider()->setFocus();
    QVERIFY(QTest::qWaitForWindowActive(m_editor.get()));
    QTest::keyClick(m_editor->slider(), Qt::Key_Left);
    QTest::keyClick(m_editor->slider(), Qt::Key_Left);
    QTRY_COMPARE(share(), 33);
    QCOMPARE(routeWeights(), before);

    // Once the canary is aborted, the slider sets route weights again.
    QVERIFY(service().actOnRollout(canary.name, u"current"_s, RolloutAction::Abort));
    QTRY_VERIFY(!m_editor->manualCanary().has_value());
    m_editor->setEndpoint(m_endpoint.id);
    QVERIFY(service().deleteEndpoint(canary.name));
}

void TestTrafficSplitEditor::screenshot()
{
    m_editor->slider()->setValue(5);
    Q_EMIT m_editor->slider()->sliderReleased();
    QCOMPARE(weights(), (Weights{{1, 48}, {1, 47}, {2, 5}}));
    m_editor->resize(420, m_editor->sizeHint().height());
    const QString failed = UiTest::saveScreenshot(*m_editor, u"canary"_s);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    // What it shows: the split as set, in words and on the slider.
    QCOMPARE(m_editor->preview()->text(), u"v1 95 % · v2 5 %"_s);
    QCOMPARE(m_editor->slider()->value(), 5);
}

QTEST_MAIN(TestTrafficSplitEditor)
#include "test_trafficspliteditor.moc"
