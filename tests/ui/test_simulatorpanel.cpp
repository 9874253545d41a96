// The Simulator panel over a real control plane with real demo replicas: Start drives the
// endpoint through the proxy (its request count there rises, as the plane counts it), Stop
// stops it, and bad settings are refused typed with nothing sent.
#include <memory>

#include <QAction>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include "demo/trafficrunner.h"
#include "plane/controlclient.h"
#include "ui/common/endpointselector.h"
#include "ui/common/errorlabel.h"
#include "ui/detail/endpointdetailview.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/mainwindow.h"
#include "ui/trylab/simulatorpanel.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr int kWaitMs = 30000;

int healthyRoutes(ModelServingService &service, const QString &name)
{
    const auto info = service.endpointInfo(name);
    return info ? int(std::count_if(info->routes.begin(), info->routes.end(),
                                    [](const Route &r) { return r.status == RouteStatus::Healthy; }))
                : -1;
}

// The endpoint's requests as the proxy counted them (the plane's metrics, sampled now as the
// console's timer would; not the panel's); -1 when the endpoint, its metrics or a sample is missing.
qint64 proxyRequests(ControlPlane &plane, const QString &name)
{
    if (!plane.metrics()->sample())
        return -1;
    const auto info = plane.service().endpointInfo(name, true);
    if (!info || !info->metrics)
        return -1;
    return info->metrics->requests;
}

} // namespace

class TestSimulatorPanel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();

    void aBadMaxRateIsRefusedTypedAndSendsNothing();
    void startDrivesTheEndpointAndStopStops();
    void aPrivateEndpointTakesAMintedToken();
    void reachableFromDetailsAndTheEndpointMenu();

private:
    Endpoint create(const QString &name, bool isPublic);
    void setConstant(double rate);
    // Clicks Stop and waits for the simulator's final totals.
    bool stopAndWait();

    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<ControlPlane> m_plane;
    std::unique_ptr<ControlClient> m_client;
    std::unique_ptr<EndpointListModel> m_model;
    std::unique_ptr<SimulatorPanel> m_panel;
    Endpoint m_public;
    Endpoint m_private;
};

void TestSimulatorPanel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    UiTest::clearSettings();
    m_dataDir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dataDir->isValid());
    ControlPlaneOptions options = UiTest::planeOptions(m_dataDir->path());
    options.runReplicas = true;
    options.reconcileIntervalMs = 200;
    m_plane = std::make_unique<ControlPlane>();
    auto started = m_plane->start(options);
    QVERIFY2(started, started ? "" : UiTest::why(started.error()).constData());
    m_client = std::make_unique<ControlClient>(*m_plane);
    m_model = std::make_unique<EndpointListModel>(*m_client);
    m_panel = std::make_unique<SimulatorPanel>(*m_client, *m_model);
    m_panel->resize(720, 460);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));

    m_public = create(u"iris-public"_s, true);
    m_private = create(u"iris-private"_s, false);
    QTRY_COMPARE_WITH_TIMEOUT(healthyRoutes(m_plane->service(), m_public.name), 1, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(healthyRoutes(m_plane->service(), m_private.name), 1, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_model->find(m_private.id), kWaitMs);
}

void TestSimulatorPanel::cleanupTestCase()
{
    m_panel.reset();
    m_model.reset();
    m_client.reset();
    m_plane.reset();
}

void TestSimulatorPanel::cleanup()
{
    // A failed test leaves no traffic behind for the next.
    if (m_panel->running())
        QVERIFY(stopAndWait());
}

Endpoint TestSimulatorPanel::create(const QString &name, bool isPublic)
{
    CreateEndpointRequest r;
    r.name = name;
    r.modelVersion = u"v1"_s;
    r.modelFolder = u"iris-v1"_s;
    r.replicas = 1;
    r.isPublic = isPublic;
    r.resourceSlots = ResourceSlots{0.5, qint64(256) << 20, 0};
    auto created = m_plane->service().createEndpoint(r);
    if (!created)
        qFatal("test set-up: %s", UiTest::why(created.error()).constData());
    return *created;
}

void TestSimulatorPanel::setConstant(double rate)
{
    m_panel->patternBox()->setCurrentIndex(m_panel->patternBox()->findData(u"constant"_s));
    QCOMPARE(m_panel->patternBox()->currentData().toString(), u"constant"_s);
    m_panel->maxRateBox()->setValue(rate);
}

bool TestSimulatorPanel::stopAndWait()
{
    QSignalSpy stopped(m_panel.get(), &SimulatorPanel::stopped);
    QTest::mouseClick(m_panel->stopButton(), Qt::LeftButton);
    return !stopped.isEmpty() || stopped.wait(kWaitMs);
}

void TestSimulatorPanel::aBadMaxRateIsRefusedTypedAndSendsNothing()
{
    m_panel->setEndpoint(m_public.id);
    QCOMPARE(m_panel->endpointSelector()->currentEndpoint(), m_public.id);
    setConstant(TrafficPattern::kMaxRate + 1000);
    QVERIFY(m_panel->startButton()->isEnabled());
    QSignalSpy started(m_panel.get(), &SimulatorPanel::started);
    QTest::mouseClick(m_panel->startButton(), Qt::LeftButton);

    const QString problem = m_panel->problemLabel()->text();
    QVERIFY2(problem.startsWith(u"InvalidArgument: "_s) && problem.contains(u"max_rate"_s), qPrintable(problem));
    QVERIFY(m_panel->problemLabel()->isVisible());
    QVERIFY(!m_panel->running());
    QCOMPARE(started.count(), 0);
    QVERIFY(m_panel->startButton()->isEnabled());
    QCOMPARE(m_panel->runner().counts().sent, quint64(0));
    QCOMPARE(proxyRequests(*m_plane, m_public.name), qint64(0));
}

void TestSimulatorPanel::startDrivesTheEndpointAndStopStops()
{
    m_panel->setEndpoint(m_public.id);
    setConstant(20);
    const qint64 before = proxyRequests(*m_plane, m_public.name);
    QVERIFY(before >= 0);
    QSignalSpy started(m_panel.get(), &SimulatorPanel::started);
    QTest::mouseClick(m_panel->startButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, kWaitMs);
    QVERIFY2(m_panel->problemLabel()->text().isEmpty(), qPrintable(m_panel->problemLabel()->text()));
    QVERIFY(m_panel->running());
    QVERIFY(!m_panel->startButton()->isEnabled());
    QVERIFY(m_panel->stopButton()->isEnabled());

    // The proxy sees the traffic (the plane's count of the endpoint's requests), and the panel's
    // live line its own totals.
    QTRY_VERIFY_WITH_TIMEOUT(proxyRequests(*m_plane, m_public.name) >= before + 20, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->runner().counts().sent > 0, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->liveLabel()->text().contains(u"v1: "_s), kWaitMs);
    const QString live = m_panel->liveLabel()->text();
    QVERIFY2(live.contains(u"20.0 requests/s now"_s) && live.contains(u"sent "_s), qPrintable(live));
    QVERIFY(m_panel->runner().counts().byRevision.value("v1") > 0);
    const QString why = UiTest::saveScreenshot(*m_panel, u"simulator-panel"_s);
    QVERIFY2(why.isEmpty(), qPrintable(why));

    // Stop: the final totals come, the proxy's count catches up with what was sent, and then
    // neither moves (three of the simulator's ticks and more than a sample interval).
    QVERIFY(stopAndWait());
    QVERIFY(!m_panel->running());
    const TrafficRunner::Counts final = m_panel->runner().counts();
    QVERIFY(final.sent > 0);
    QCOMPARE(final.ok + final.failed, final.sent);
    QCOMPARE(final.failed, quint64(0));
    QTRY_COMPARE_WITH_TIMEOUT(proxyRequests(*m_plane, m_public.name), before + qint64(final.sent), kWaitMs);
    QTest::qWait(3000);
    QCOMPARE(proxyRequests(*m_plane, m_public.name), before + qint64(final.sent));
    QCOMPARE(m_panel->runner().counts().sent, final.sent);
    QVERIFY2(m_panel->liveLabel()->text().contains(u"stopped"_s), qPrintable(m_panel->liveLabel()->text()));
    QVERIFY(m_panel->startButton()->isEnabled());
}

void TestSimulatorPanel::aPrivateEndpointTakesAMintedToken()
{
    m_panel->setEndpoint(m_private.id);
    setConstant(10);
    QTest::mouseClick(m_panel->startButton(), Qt::LeftButton);
    QVERIFY2(m_panel->problemLabel()->text().isEmpty(), qPrintable(m_panel->problemLabel()->text()));
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->running(), kWaitMs);
    // The plane issued a short-lived token for this endpoint, and the proxy lets the traffic in.
    const auto tokens = m_plane->service().listTokens(m_private.name);
    QVERIFY(tokens);
    QCOMPARE(tokens->size(), 1);
    QVERIFY(tokens->first().expiresAt.has_value());
    QVERIFY(*tokens->first().expiresAt
            <= QDateTime::currentDateTimeUtc().addSecs(SimulatorPanel::kTokenExpirySeconds + 5));
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->runner().counts().ok >= 5, kWaitMs);
    QCOMPARE(m_panel->runner().counts().failed, quint64(0));
    // The token is not on screen.
    QVERIFY(!m_panel->liveLabel()->text().contains(u"eyJ"_s));

    // Stopped: the token is revoked.
    QVERIFY(stopAndWait());
    QTRY_VERIFY_WITH_TIMEOUT(m_plane->service().listTokens(m_private.name)->first().revokedAt.has_value(), kWaitMs);
}

void TestSimulatorPanel::reachableFromDetailsAndTheEndpointMenu()
{
    MainWindow window(*m_plane);
    window.resize(1100, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY_WITH_TIMEOUT(window.endpointModel()->find(m_private.id), kWaitMs);

    // Details > Simulate… opens the panel on the endpoint shown there.
    window.detailView()->endpointSelector()->setCurrentEndpoint(m_private.id);
    window.showView(MainWindow::View::Detail);
    auto *simulate = window.detailView()->findChild<QPushButton *>(u"detailSimulate"_s);
    QVERIFY(simulate);
    QVERIFY(!window.simulatorPanel());
    QTest::mouseClick(simulate, Qt::LeftButton);
    QVERIFY(window.simulatorPanel());
    QTRY_VERIFY_WITH_TIMEOUT(window.simulatorPanel()->isVisible(), kWaitMs);
    QCOMPARE(window.simulatorPanel()->endpointSelector()->currentEndpoint(), m_private.id);

    // Endpoint > Simulate traffic… on the table's selection: the same window, on that endpoint.
    window.selectEndpoint(m_public.id);
    QTRY_COMPARE_WITH_TIMEOUT(window.selectedEndpoint(), m_public.id, kWaitMs);
    QVERIFY(window.simulateAction()->isEnabled());
    window.simulateAction()->trigger();
    QCOMPARE(window.simulatorPanel()->endpointSelector()->currentEndpoint(), m_public.id);
    QCOMPARE(window.findChildren<SimulatorPanel *>().size(), 1);

    // Closing the window stops its traffic.
    SimulatorPanel *panel = window.simulatorPanel();
    panel->maxRateBox()->setValue(5);
    panel->start();
    QTRY_VERIFY2_WITH_TIMEOUT(panel->running(), qPrintable(panel->problemLabel()->text()), kWaitMs);
    QVERIFY(panel->close());
    QVERIFY(!panel->running());
    QTRY_VERIFY_WITH_TIMEOUT(!window.simulatorPanel(), kWaitMs);  // deleted on close
}

QTEST_MAIN(TestSimulatorPanel)
#include "test_simulatorpanel.moc"
