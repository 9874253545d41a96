// The Agents view over a real control plane: the embedded local agent with its configured
// capacity and a real replica's use, and a second agent joined through the deployer as a remote
// one would, with two GPUs (this machine may have none), under QAbstractItemModelTester.
#include <memory>

#include <QAbstractItemModelTester>
#include <QClipboard>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>

#include "agent/joinstring.h"
#include "agent/remoteagentrunner.h"
#include "service/endpointmetricssampler.h"
#include "service/replicadeployer.h"
#include "ui/agents/agentlistmodel.h"
#include "ui/agents/agentsview.h"
#include "ui/agents/pendingqueuemodel.h"
#include "ui/common/prompt.h"
#include "ui/common/theme.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/metrics/metricshistory.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr int kWaitMs = 30000;

// A remote GPU workstation as the deployer sees it: connected, reporting two GPUs, running
// nothing (it refuses to start replicas, so none is placed on it).
class GpuWorkstation final : public AgentConnector
{
public:
    using AgentConnector::AgentConnector;
    QString agentId() const override { return u"gpu-box"_s; }
    bool isConnected() const override { return true; }
    Result<QString> start(const ReplicaSpec &) override
    {
        return makeError(ErrorType::InsufficientResources, u"not in this test"_s);
    }
    void stop(const QUuid &) override {}
    bool isRunning(const QUuid &) const override { return false; }
    int replicaCount() const override { return 0; }
    QString replicaHost() const override { return u"127.0.0.1"_s; }
    AgentStatus status() const override
    {
        AgentStatus s;
        s.agentId = agentId();
        s.kind = u"remote"_s;
        s.capacity.total = ResourceSlots{32, qint64(128) << 30, 2};
        s.gpus = m_gpus;
        return s;
    }
    QList<GpuInfo> m_gpus{{0, u"GPU-aaaa"_s, u"NVIDIA H100 80GB HBM3"_s, qint64(80) << 30, qint64(12) << 30, 37},
                          {1, u"GPU-bbbb"_s, u"NVIDIA H100 80GB HBM3"_s, qint64(80) << 30, 0, 0}};
};

} // namespace

class TestAgentsView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void listsTheLocalAgentWithItsCapacity();
    void showsWhatAReplicaReservesAndUses();
    void remoteAgentWithGpusJoinsAndLeaves();
    void screenshot();
    void showsThePendingQueue();
    void planeWithoutAgentsSaysSo();
    void revokeButtonCutsARemoteAgentOff();
    void joinStringIsShownWithACopyButton();

private:
    ModelServingService &service() { return m_plane->service(); }
    QString cell(int row, int column, const QModelIndex &parent = {}) const
    {
        return m_view->agentModel()->index(row, column, parent).data().toString();
    }
    int rowOf(const QString &agent) const
    {
        for (int row = 0; row < m_view->agentModel()->rowCount(); ++row) {
            if (cell(row, AgentListModel::Name) == agent)
                return row;
        }
        return -1;
    }

    UiTest::ServingPlane m_plane;
    std::unique_ptr<ControlClient> m_client;  // the views' way to the plane, which lives on this thread
    std::unique_ptr<EndpointListModel> m_model;
    std::unique_ptr<MetricsHistory> m_history;
    std::unique_ptr<AgentsView> m_view;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    GpuWorkstation m_gpuBox;
};

void TestAgentsView::initTestCase()
{
    const QByteArray notStarted = m_plane.start();
    QVERIFY2(notStarted.isEmpty(), notStarted.constData());
    m_client = std::make_unique<ControlClient>(*m_plane);
    m_model = std::make_unique<EndpointListModel>(*m_client);
    m_history = std::make_unique<MetricsHistory>(m_client.get(), *m_model);
    m_view = std::make_unique<AgentsView>(*m_client, *m_model, *m_history);
    m_tester = std::make_unique<QAbstractItemModelTester>(m_view->agentModel(),
                                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_view->resize(1100, 400);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
}

void TestAgentsView::cleanupTestCase()
{
    m_tester.reset();
    m_view.reset();
    m_history.reset();
    m_model.reset();
    m_client.reset();
    m_plane.reset();
}

void TestAgentsView::listsTheLocalAgentWithItsCapacity()
{
    // Agents show from the first sample (every 500 ms).
    QTRY_COMPARE(m_view->agentModel()->rowCount(), 1);
    QCOMPARE(cell(0, AgentListModel::Name), u"local"_s);
    QCOMPARE(cell(0, AgentListModel::Kind), u"local"_s);
    QCOMPARE(cell(0, AgentListModel::Cores), u"8"_s);
    QCOMPARE(cell(0, AgentListModel::Memory), u"16 GiB"_s);
    QCOMPARE(cell(0, AgentListModel::Replicas), u"0"_s);
    QCOMPARE(cell(0, AgentListModel::MemoryUsed), u"0 B"_s);
    QCOMPARE(m_view->agentModel()->index(0, AgentListModel::Cores).data(AgentListModel::SortRole).toDouble(), 8.0);
    QCOMPARE(m_view->agentModel()->headerData(AgentListModel::Cores, Qt::Horizontal).toString(), u"CPU cores"_s);
    QVERIFY(!m_view->findChild<QLabel *>(u"agentsEmpty"_s)->isVisible());
    QCOMPARE(m_view->summary()->text(), u"Endpoints reserve 0 of 8 CPU cores and 0 B of 16 GiB memory."_s);
}

void TestAgentsView::showsWhatAReplicaReservesAndUses()
{
    CreateEndpointRequest r;
    r.name = u"iris-classifier"_s;
    r.modelVersion = u"v1"_s;
    r.modelFolder = u"iris-v1"_s;
    r.replicas = 1;
    r.resourceSlots = ResourceSlots{0.5, qint64(256) << 20, 0};
    QVERIFY(service().createEndpoint(r));
    QCOMPARE(m_view->summary()->text(), u"Endpoints reserve 0.5 of 8 CPU cores and 256 MiB of 16 GiB memory."_s);
    const int local = rowOf(u"local"_s);
    QTRY_COMPARE_WITH_TIMEOUT(cell(local, AgentListModel::Replicas), u"1"_s, kWaitMs);
    QTRY_COMPARE(cell(local, AgentListModel::Reserved), u"0.5 CPU · 256 MiB"_s);
    // A real process: some resident memory, and a CPU rate once two samples saw it.
    QTRY_VERIFY(m_view->agentModel()->index(local, AgentListModel::MemoryUsed).data(AgentListModel::SortRole).toLongLong() > 0);
    QTRY_VERIFY(m_view->agentModel()->index(local, AgentListModel::Utilization).data(AgentListModel::SortRole).toDouble() >= 0);
    QVERIFY(cell(local, AgentListModel::Utilization).contains(u"cores"_s));
}

void TestAgentsView::remoteAgentWithGpusJoinsAndLeaves()
{
    m_plane->deployer()->addAgent(&m_gpuBox);
    QTRY_COMPARE(m_view->agentModel()->rowCount(), 2);
    const int row = rowOf(u"gpu-box"_s);
    QVERIFY(row >= 0);
    QCOMPARE(cell(row, AgentListModel::Kind), u"remote"_s);
    QCOMPARE(cell(row, AgentListModel::Cores), u"32"_s);
    QCOMPARE(cell(row, AgentListModel::Memory), u"128 GiB"_s);
    QCOMPARE(cell(row, AgentListModel::Gpus), u"2"_s);
    const QModelIndex parent = m_view->agentModel()->index(row, 0);
    QCOMPARE(m_view->agentModel()->rowCount(parent), 2);
    QCOMPARE(cell(0, AgentListModel::Name, parent), u"GPU 0 · NVIDIA H100 80GB HBM3"_s);
    QCOMPARE(cell(0, AgentListModel::Kind, parent), u"GPU"_s);
    QCOMPARE(cell(0, AgentListModel::Memory, parent), u"80 GiB"_s);
    QCOMPARE(cell(0, AgentListModel::Utilization, parent), u"37 %"_s);
    QCOMPARE(cell(0, AgentListModel::MemoryUsed, parent), u"12 GiB"_s);
    QCOMPARE(cell(1, AgentListModel::Utilization, parent), u"0 %"_s);
    QVERIFY(m_view->agentTree()->isExpanded(parent));

    // A GPU goes (the driver lost it): its row goes, the other stays.
    m_gpuBox.m_gpus.removeLast();
    QTRY_COMPARE(m_view->agentModel()->rowCount(m_view->agentModel()->index(rowOf(u"gpu-box"_s), 0)), 1);
    m_gpuBox.m_gpus.append({1, u"GPU-bbbb"_s, u"NVIDIA H100 80GB HBM3"_s, qint64(80) << 30, qint64(40) << 30, 88});
    QTRY_COMPARE(m_view->agentModel()->rowCount(m_view->agentModel()->index(rowOf(u"gpu-box"_s), 0)), 2);
    QTRY_COMPARE(cell(1, AgentListModel::Utilization, m_view->agentModel()->index(rowOf(u"gpu-box"_s), 0)), u"88 %"_s);
}

void TestAgentsView::screenshot()
{
    QTRY_COMPARE(m_view->agentModel()->rowCount(), 2);
    const QString failed = UiTest::saveScreenshot(*m_view, u"agents"_s);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    // What it shows: both agents, the GPU box with its two GPUs under it.
    QCOMPARE(cell(rowOf(u"local"_s), AgentListModel::Name), u"local"_s);
    QCOMPARE(m_view->agentModel()->rowCount(m_view->agentModel()->index(rowOf(u"gpu-box"_s), 0)), 2);
    // The agent leaves: its row goes with its GPUs.
    m_plane->deployer()->removeAgent(&m_gpuBox);
    QTRY_COMPARE(m_view->agentModel()->rowCount(), 1);
    QCOMPARE(cell(0, AgentListModel::Name), u"local"_s);
}

// Replicas that do not fit wait in the queue, shown under the agents with why each waits.
void TestAgentsView::showsThePendingQueue()
{
    QAbstractItemModelTester tester(m_view->queueModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_COMPARE(m_view->queueSummary()->text(), u"Pending queue: no replica waits for room."_s);
    QVERIFY(!m_view->queueView()->isVisible());

    // 8 cores, 0.5 reserved: one replica of 4 cores fits, the next two wait.
    CreateEndpointRequest r;
    r.name = u"llama-70b"_s;
    r.modelVersion = u"v1"_s;
    r.modelFolder = u"iris-v1"_s;
    r.replicas = 1;
    r.resourceSlots = ResourceSlots{4, qint64(1) << 30, 0};
    r.priority = 2;
    r.queueWhenFull = true;
    QVERIFY(service().createEndpoint(r));
    QVERIFY(service().scaleReplicas(r.name, 3));
    QTRY_COMPARE_WITH_TIMEOUT(m_view->queueModel()->rowCount(), 2, kWaitMs);
    auto queueCell = [&](int row, int column) { return m_view->queueModel()->index(row, column).data().toString(); };
    QCOMPARE(queueCell(0, PendingQueueModel::Position), u"1"_s);
    QCOMPARE(queueCell(0, PendingQueueModel::Endpoint), u"llama-70b"_s);
    QCOMPARE(queueCell(0, PendingQueueModel::Priority), u"2"_s);
    QTRY_COMPARE(queueCell(0, PendingQueueModel::Reason), u"needs cpu 4, 3.5 free"_s);
    QVERIFY(!queueCell(0, PendingQueueModel::WaitingSince).isEmpty());
    QCOMPARE(m_view->queueModel()->headerData(PendingQueueModel::Reason, Qt::Horizontal).toString(), u"Why it waits"_s);
    QCOMPARE(m_view->queueSummary()->text(), u"Pending queue: 2 replica(s) wait for room, by priority, then by age."_s);
    QVERIFY(m_view->queueView()->isVisible());
    // What endpoints want passes what there is, and the summary says where the rest is.
    QTRY_VERIFY2(m_view->summary()->text().endsWith(u"the rest waits in the pending queue below."_s),
                 qPrintable(m_view->summary()->text()));
    const QString failed = UiTest::saveScreenshot(*m_view, u"agents-queue"_s);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));

    // Scaled back, nothing waits.
    QVERIFY(service().scaleReplicas(r.name, 1));
    QTRY_COMPARE(m_view->queueModel()->rowCount(), 0);
    QTRY_VERIFY2(!m_view->summary()->text().contains(u"pending queue"_s), qPrintable(m_view->summary()->text()));
    QVERIFY(service().deleteEndpoint(r.name));
}

void TestAgentsView::planeWithoutAgentsSaysSo()
{
    QTemporaryDir dir;
    ControlPlane plane;
    QVERIFY(plane.start(UiTest::planeOptions(dir.path())));
    ControlClient client(plane);
    EndpointListModel model(client);
    MetricsHistory history(&client, model);
    AgentsView view(client, model, history);
    QAbstractItemModelTester tester(view.agentModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(view.findChild<QLabel *>(u"agentsEmpty"_s)->isVisible());
    QVERIFY(plane.metrics()->sample());
    QCOMPARE(view.agentModel()->rowCount(), 0);
}

// End to end: a real remote agent joined over the agent channel, revoked by a click.
void TestAgentsView::revokeButtonCutsARemoteAgentOff()
{
    QTemporaryDir dir;
    ControlPlaneOptions options = UiTest::planeOptions(dir.filePath(u"data"_s));
    options.runReplicas = true;
    options.reconcileIntervalMs = 200;
    options.listenForAgents = true;
    ControlPlane plane;
    auto started = plane.start(options);
    QVERIFY2(started, started ? "" : UiTest::why(started.error()).constData());
    ControlClient client(plane);
    EndpointListModel endpoints(client);
    MetricsHistory history(&client, endpoints);
    AgentsView view(client, endpoints, history);
    QAbstractItemModelTester tester(view.agentModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    view.resize(1100, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    AgentListModel &model = *view.agentModel();

    const auto join = JoinString::parse(plane.agentJoinString());
    QVERIFY2(join, qPrintable(join ? QString() : join.error().message));
    RemoteAgentRunner runner(join->url(), join->token(), u"gpu-ws-2"_s);
    runner.setPinnedSha256(join->sha256());
    runner.setStateDir(dir.filePath(u"agent-state"_s));
    runner.setCapacityOverride(*Capacity::parse(u"cpu=4,memory=8G"_s));
    QSignalSpy rejected(&runner, &RemoteAgentRunner::rejected);
    runner.start();
    const auto joined = [&plane] {
        const QList<AgentConnector *> agents = plane.deployer()->agents();
        return std::any_of(agents.begin(), agents.end(),
                           [](const AgentConnector *a) { return a->agentId() == u"gpu-ws-2" && a->isConnected(); });
    };
    QTRY_VERIFY_WITH_TIMEOUT(joined(), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(model.rowOf(u"gpu-ws-2"_s) >= 0, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(model.index(model.rowOf(u"gpu-ws-2"_s), AgentListModel::Credential).data().toString().startsWith(u"issued "_s),
                             kWaitMs);
    QCOMPARE(model.index(model.rowOf(u"gpu-ws-2"_s), AgentListModel::Cores).data().toString(), u"4"_s);
    QCOMPARE(model.index(model.rowOf(u"local"_s), AgentListModel::Credential).data().toString(), u"–"_s);

    // Only a remote agent with a live credential can be revoked.
    QVERIFY(!view.revokeButton()->isEnabled());
    view.agentTree()->setCurrentIndex(model.index(model.rowOf(u"local"_s), 0));
    QVERIFY(!view.revokeButton()->isEnabled());
    view.agentTree()->setCurrentIndex(model.index(model.rowOf(u"gpu-ws-2"_s), AgentListModel::Credential));
    QVERIFY(view.revokeButton()->isEnabled());

    // Cancelled: nothing happens.
    Prompt::setNextConfirmation(false);
    QTest::mouseClick(view.revokeButton(), Qt::LeftButton);
    QVERIFY(joined());
    auto stored = plane.repository().agentCredential(u"gpu-ws-2"_s);
    QVERIFY(stored && stored->has_value() && !(*stored)->isRevoked());

    Prompt::setNextConfirmation(true);
    QTest::mouseClick(view.revokeButton(), Qt::LeftButton);
    // Cut off in the core, told why on the agent's side, and shown revoked here.
    QTRY_VERIFY_WITH_TIMEOUT(!joined(), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(!rejected.isEmpty(), kWaitMs);
    QCOMPARE(rejected.first().first().toString(), u"agent credential revoked"_s);
    stored = plane.repository().agentCredential(u"gpu-ws-2"_s);
    QVERIFY(stored && stored->has_value() && (*stored)->isRevoked());
    QTRY_COMPARE_WITH_TIMEOUT(model.index(model.rowOf(u"gpu-ws-2"_s), AgentListModel::Credential).data().toString(),
                              u"revoked"_s, kWaitMs);
    const QModelIndex revoked = model.index(model.rowOf(u"gpu-ws-2"_s), AgentListModel::Credential);
    QCOMPARE(revoked.data(Qt::ForegroundRole).value<QColor>(), Theme::color(Theme::Role::Error));
    // Away now: nothing it reports, and nothing more to revoke.
    QTRY_COMPARE_WITH_TIMEOUT(model.index(model.rowOf(u"gpu-ws-2"_s), AgentListModel::Cores).data().toString(), u"–"_s,
                              kWaitMs);
    view.agentTree()->setCurrentIndex(model.index(model.rowOf(u"gpu-ws-2"_s), 0));
    QVERIFY(!view.revokeButton()->isEnabled());
    QVERIFY(!view.findChild<QLabel *>(u"revokeAgentError"_s)->isVisible());
    view.agentTree()->clearSelection();  // the screenshot shows the revoked colour, not the selection's
    const QString failed = UiTest::saveScreenshot(view, u"agents-revoked"_s);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
}

void TestAgentsView::joinStringIsShownWithACopyButton()
{
    // Shown when the plane has one (the TLS agent channel makes it), hidden otherwise.
    auto *text = m_view->findChild<QLineEdit *>(u"agentJoinString"_s);
    auto *copy = m_view->findChild<QPushButton *>(u"copyJoinString"_s);
    QVERIFY(text && copy);
    QCOMPARE(text->text(), m_plane->agentJoinString());
    QCOMPARE(copy->isVisible(), !m_plane->agentJoinString().isEmpty());

    const QString join = u"servedeck-join://192.0.2.7:7471?token=abc&fingerprint=sha256:00ff"_s;
    m_view->setJoinString(join);
    QVERIFY(copy->isVisible());
    QVERIFY(text->isReadOnly());
    QCOMPARE(text->text(), join);
    QGuiApplication::clipboard()->clear();
    QTest::mouseClick(copy, Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), join);
    const QString failed = UiTest::saveScreenshot(*m_view, u"agents-join-string"_s);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    m_view->setJoinString(QString());
    QVERIFY(!copy->isVisible());
}

QTEST_MAIN(TestAgentsView)
#include "test_agentsview.moc"
