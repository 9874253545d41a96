// EndpointListModel over a real, in-process control plane (service and its reconciler): rows
// follow the plane's own actions live (inserts, dataChanged, removals, never a reset), under
// QAbstractItemModelTester. Nothing here writes to the store or emits the service's signals.
#include <algorithm>
#include <memory>

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QDir>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "plane/controlclient.h"
#include "plane/controlplane.h"
#include "service/modelservingservice.h"
#include "ui/endpoints/endpointlistmodel.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

using Column = EndpointListModel::Column;

CreateEndpointRequest request(const QString &name, const QString &version, int replicas, double cpu = 1)
{
    CreateEndpointRequest r;
    r.name = name;
    r.modelVersion = version;
    r.modelFolder = u"iris-v1"_s;
    r.replicas = replicas;
    r.resourceSlots = ResourceSlots{cpu, qint64(1) << 30, 0};
    return r;
}

QByteArray why(const ServiceError &e)
{
    return (e.typeName() + u": "_s + e.message).toUtf8();
}

} // namespace

class TestEndpointListModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void showsEndpointsThatExistedBefore();
    void headers();
    void createInsertsRowLive();
    void actionsUpdateRowLive_data();
    void actionsUpdateRowLive();
    void modifyUpdatesNameVersionAndUrl();
    void refusedActionsChangeNothing();
    void deleteShowsDestroyingThenRowGoes();
    void sortRoleGivesRawValues_data();
    void sortRoleGivesRawValues();
    void statusToolTipAndColour();
    void liveRowsMatchAFreshModel();

private:
    ModelServingService &service() { return m_plane->service(); }
    QString cell(int row, int column, int role = Qt::DisplayRole) const
    {
        return m_model->index(row, column).data(role).toString();
    }
    int rowNamed(const QString &name) const
    {
        for (int row = 0; row < m_model->rowCount(); ++row) {
            if (cell(row, Column::Name) == name)
                return row;
        }
        return -1;
    }
    void startModel();
    bool settled();

    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<ControlPlane> m_plane;
    std::unique_ptr<ControlClient> m_client;  // the views' way to the plane, which lives on this thread
    std::unique_ptr<EndpointListModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void TestEndpointListModel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY2(!qEnvironmentVariableIsEmpty("SERVEDECK_SOURCE_DIR"), "SERVEDECK_SOURCE_DIR names the source tree");
}

void TestEndpointListModel::init()
{
    m_dataDir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dataDir->isValid());
    ControlPlaneOptions options;
    options.dataDir = m_dataDir->path();
    options.serveApi = false;
    options.capacity = u"cpu=8,memory=16G"_s;
    // The model's and the window's behaviour, not the agent's: routes stay as the reconciler makes them.
    options.runReplicas = false;
    options.modelRoots = {QDir(qEnvironmentVariable("SERVEDECK_SOURCE_DIR")).filePath(u"resources/models"_s)};
    m_plane = std::make_unique<ControlPlane>();
    auto started = m_plane->start(options);
    QVERIFY2(started, started ? "" : why(started.error()).constData());
    m_client = std::make_unique<ControlClient>(*m_plane);
}

void TestEndpointListModel::startModel()
{
    m_model = std::make_unique<EndpointListModel>(*m_client);
    m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(),
                                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
}

// The reconciler has caught up: every live endpoint has as many active routes as it wants, and
// no endpoint is still on its way out. Its passes run soon after each change and on a tick.
bool TestEndpointListModel::settled()
{
    auto list = service().listEndpoints();
    if (!list)
        return false;
    return std::all_of(list->begin(), list->end(), [this](const EndpointInfo &info) {
        const auto active = std::count_if(info.routes.begin(), info.routes.end(), [](const Route &r) { return r.isActive(); });
        // A rollout in progress adds its new revision's replicas (and may hold the old ones).
        // (The list leaves rollouts out; the endpoint's own info has it.)
        qsizetype expected = info.endpoint.replicas;
        const auto own = service().endpointInfo(info.endpoint.id.toString(QUuid::WithoutBraces));
        if (own && own->rollout && own->rollout->inProgress()) {
            const RolloutPlan plan = planRollout(*own->rollout, info.endpoint.replicas, 0, QDateTime::currentDateTimeUtc());
            if (plan.affectsRevisions)
                expected = plan.stableReplicas + plan.targetReplicas;
        }
        return info.endpoint.isLive() && active == expected
            && std::none_of(info.routes.begin(), info.routes.end(),
                            [](const Route &r) { return r.status == RouteStatus::Terminating; });
    });
}

void TestEndpointListModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
    m_client.reset();
    m_plane.reset();
    m_dataDir.reset();
}

void TestEndpointListModel::showsEndpointsThatExistedBefore()
{
    for (const auto &[name, replicas] : {std::pair{u"alpha"_s, 1}, std::pair{u"beta"_s, 2}}) {
        auto created = service().createEndpoint(request(name, u"v1"_s, replicas));
        QVERIFY2(created, created ? "" : why(created.error()).constData());
    }
    startModel();
    QCOMPARE(m_model->rowCount(), 2);
    QCOMPARE(m_model->columnCount(), int(EndpointListModel::ColumnCount));
    QVERIFY(rowNamed(u"alpha"_s) >= 0);
    QCOMPARE(cell(rowNamed(u"beta"_s), Column::Replicas), u"2"_s);
}

void TestEndpointListModel::headers()
{
    startModel();
    QStringList titles;
    for (int c = 0; c < m_model->columnCount(); ++c)
        titles << m_model->headerData(c, Qt::Horizontal).toString();
    QCOMPARE(titles, (QStringList{u"Name"_s, u"Version"_s, u"Status"_s, u"Desired"_s, u"Healthy"_s, u"Queue"_s,
                                  u"Req/s"_s, u"p95"_s, u"Error rate"_s, u"Activity"_s, u"URL"_s}));
}

void TestEndpointListModel::createInsertsRowLive()
{
    startModel();
    QCOMPARE(m_model->rowCount(), 0);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);

    auto created = service().createEndpoint(request(u"sentiment-analyzer"_s, u"v1.0"_s, 2, 2));
    QVERIFY2(created, created ? "" : why(created.error()).constData());

    QTRY_COMPARE(inserted.count(), 1);
    QCOMPARE(inserted.first().at(1).toInt(), 0);
    QCOMPARE(inserted.first().at(2).toInt(), 0);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(m_model->rowCount(), 1);
    QCOMPARE(cell(0, Column::Name), u"sentiment-analyzer"_s);
    QCOMPARE(cell(0, Column::Version), u"v1.0"_s);
    QCOMPARE(cell(0, Column::Status), u"PROVISIONING"_s);
    QCOMPARE(cell(0, Column::Replicas), u"2"_s);
    QCOMPARE(cell(0, Column::Healthy), u"0 / 2"_s);
    QCOMPARE(cell(0, Column::Url), created->url);
    QVERIFY(created->url.endsWith(u"/sentiment-analyzer"_s));
    QCOMPARE(m_model->index(0, 0).data(EndpointListModel::EndpointIdRole).toUuid(), created->id);

    // A second one goes below, the first row stays where it was.
    auto second = service().createEndpoint(request(u"iris-classifier"_s, u"v1"_s, 1));
    QVERIFY2(second, second ? "" : why(second.error()).constData());
    QTRY_COMPARE(inserted.count(), 2);
    QCOMPARE(inserted.last().at(1).toInt(), 1);
    QCOMPARE(cell(0, Column::Name), u"sentiment-analyzer"_s);
    QCOMPARE(cell(1, Column::Name), u"iris-classifier"_s);
    QCOMPARE(reset.count(), 0);
}

void TestEndpointListModel::actionsUpdateRowLive_data()
{
    QTest::addColumn<QString>("action");
    QTest::addColumn<int>("replicas");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("healthy");

    QTest::newRow("scale to zero") << u"scale"_s << 0 << u"SCALED_TO_ZERO"_s << u"0 / 0"_s;
    QTest::newRow("scale up") << u"scale"_s << 3 << u"PROVISIONING"_s << u"0 / 3"_s;
    QTest::newRow("modify to zero") << u"modify"_s << 0 << u"SCALED_TO_ZERO"_s << u"0 / 0"_s;
    QTest::newRow("modify up") << u"modify"_s << 4 << u"PROVISIONING"_s << u"0 / 4"_s;
}

void TestEndpointListModel::actionsUpdateRowLive()
{
    QFETCH(QString, action);
    QFETCH(int, replicas);
    QFETCH(QString, status);
    QFETCH(QString, healthy);

    auto bystander = service().createEndpoint(request(u"bystander"_s, u"v1"_s, 1));
    QVERIFY2(bystander, bystander ? "" : why(bystander.error()).constData());
    auto target = service().createEndpoint(request(u"target"_s, u"v1"_s, 2));
    QVERIFY2(target, target ? "" : why(target.error()).constData());
    startModel();
    QTRY_VERIFY(settled());
    const int row = rowNamed(u"target"_s);
    QVERIFY(row >= 0);
    const int bystanderRow = rowNamed(u"bystander"_s);

    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);

    if (action == u"scale") {
        auto r = service().scaleReplicas(u"target"_s, replicas);
        QVERIFY2(r, r ? "" : why(r.error()).constData());
    } else {
        ModifyEndpointRequest m;
        m.replicas = replicas;
        auto r = service().modifyEndpoint(u"target"_s, m);
        QVERIFY2(r, r ? "" : why(r.error()).constData());
    }
    // The service's own signal updates the row at once; the reconciler's routes follow.
    QVERIFY(changed.count() >= 1);
    QCOMPARE(cell(row, Column::Replicas), QString::number(replicas));
    QTRY_VERIFY(settled());
    QCoreApplication::processEvents();
    for (const QList<QVariant> &args : std::as_const(changed)) {
        const auto topLeft = args.at(0).value<QModelIndex>();
        const auto bottomRight = args.at(1).value<QModelIndex>();
        QCOMPARE(topLeft.row(), row);
        QCOMPARE(bottomRight.row(), row);
        QVERIFY(topLeft.column() <= Column::Status && bottomRight.column() >= Column::Healthy);
    }
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(removed.count(), 0);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(m_model->rowCount(), 2);
    QTRY_COMPARE(cell(row, Column::Status), status);
    QCOMPARE(cell(row, Column::Replicas), QString::number(replicas));
    QCOMPARE(cell(row, Column::Healthy), healthy);
    // The row says what the service says.
    auto info = service().endpointInfo(target->id.toString(QUuid::WithoutBraces));
    QVERIFY(info);
    QCOMPARE(cell(row, Column::Status), endpointStatusName(info->status));
    // The other endpoint's row is untouched.
    QCOMPARE(cell(bystanderRow, Column::Status), u"PROVISIONING"_s);
    QCOMPARE(cell(bystanderRow, Column::Replicas), u"1"_s);
}

void TestEndpointListModel::modifyUpdatesNameVersionAndUrl()
{
    auto created = service().createEndpoint(request(u"iris-classifier"_s, u"v1"_s, 1));
    QVERIFY2(created, created ? "" : why(created.error()).constData());
    startModel();
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);

    ModifyEndpointRequest m;
    m.name = u"iris"_s;
    m.modelVersion = u"v2"_s;
    m.modelFolder = u"iris-v2"_s;
    m.strategy = RolloutStrategy::BlueGreen;
    auto modified = service().modifyEndpoint(created->id.toString(QUuid::WithoutBraces), m);
    QVERIFY2(modified, modified ? "" : why(modified.error()).constData());

    QTRY_VERIFY(changed.count() >= 1);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(m_model->rowCount(), 1);
    QCOMPARE(cell(0, Column::Name), u"iris"_s);
    // The new version serves once its rollout succeeds: until then the row says v1.
    QCOMPARE(cell(0, Column::Version), u"v1"_s);
    QCOMPARE(cell(0, Column::Url), modified->endpoint.url);
    QVERIFY(cell(0, Column::Url).endsWith(u"/iris"_s));

    // The new set up (reported HEALTHY as an agent would), then promoted: the row follows.
    QTRY_COMPARE(service().endpointInfo(u"iris"_s)->routes.size(), 2);
    const auto info = service().endpointInfo(u"iris"_s);  // named: the loop must not outlive it
    for (const Route &r : info->routes)
        QVERIFY(service().updateRouteState(r.id, RouteStatus::Healthy, u"local:%1:0"_s.arg(r.id.toString(QUuid::WithoutBraces).left(4)),
                                           u"local"_s));
    auto promoted = service().actOnRollout(u"iris"_s, u"current"_s, RolloutAction::Promote);
    QVERIFY2(promoted, promoted ? "" : why(promoted.error()).constData());
    QTRY_COMPARE(cell(0, Column::Version), u"v2"_s);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(m_model->rowCount(), 1);
    QCOMPARE(m_model->index(0, 0).data(EndpointListModel::EndpointIdRole).toUuid(), created->id);
}

void TestEndpointListModel::refusedActionsChangeNothing()
{
    auto created = service().createEndpoint(request(u"sentiment-analyzer"_s, u"v1.0"_s, 2, 2));
    QVERIFY2(created, created ? "" : why(created.error()).constData());
    startModel();
    QTRY_VERIFY(settled());
    QCoreApplication::processEvents();
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);

    auto scaled = service().scaleReplicas(u"sentiment-analyzer"_s, 100);
    QVERIFY(!scaled);
    QCOMPARE(scaled.error().type, ErrorType::ResourceLimitExceeded);
    auto twice = service().createEndpoint(request(u"sentiment-analyzer"_s, u"v1.0"_s, 1));
    QVERIFY(!twice);
    QCOMPARE(twice.error().type, ErrorType::ModelAlreadyExists);
    CreateEndpointRequest noFolder = request(u"ghost"_s, u"v1"_s, 1);
    noFolder.modelFolder = m_dataDir->filePath(u"no-such-model"_s);
    auto ghost = service().createEndpoint(noFolder);
    QVERIFY(!ghost);
    QCOMPARE(ghost.error().type, ErrorType::ModelFileNotFound);

    // Give queued deliveries their chance to show up before asserting there were none.
    QCoreApplication::processEvents();
    QCOMPARE(changed.count(), 0);
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(removed.count(), 0);
    QCOMPARE(m_model->rowCount(), 1);
    QCOMPARE(cell(0, Column::Replicas), u"2"_s);
}

void TestEndpointListModel::deleteShowsDestroyingThenRowGoes()
{
    // Delete starts the way out (DESTROYING, routes draining); once the reconciler finds it
    // drained it is TERMINATED, and a terminated endpoint has no row.
    auto bystander = service().createEndpoint(request(u"iris-classifier"_s, u"v1"_s, 1));
    QVERIFY2(bystander, bystander ? "" : why(bystander.error()).constData());
    auto created = service().createEndpoint(request(u"fraud-detector"_s, u"v3"_s, 2));
    QVERIFY2(created, created ? "" : why(created.error()).constData());
    startModel();
    QTRY_VERIFY(settled());
    const int row = rowNamed(u"fraud-detector"_s);
    QVERIFY(row >= 0);

    QStringList statusesSeen;
    connect(m_model.get(), &QAbstractItemModel::dataChanged, this, [&](const QModelIndex &topLeft) {
        statusesSeen << cell(topLeft.row(), Column::Status);
    });
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);

    auto deleted = service().deleteEndpoint(u"fraud-detector"_s);
    QVERIFY2(deleted, deleted ? "" : why(deleted.error()).constData());
    QCOMPARE(deleted->lifecycle, EndpointLifecycle::Destroying);
    QVERIFY2(statusesSeen.contains(u"DESTROYING"_s), qPrintable(statusesSeen.join(u", "_s)));

    QTRY_COMPARE(removed.count(), 1);
    QCOMPARE(removed.first().at(1).toInt(), row);
    QCOMPARE(removed.first().at(2).toInt(), row);
    QCOMPARE(m_model->rowCount(), 1);
    QCOMPARE(rowNamed(u"fraud-detector"_s), -1);
    QCOMPARE(cell(0, Column::Name), u"iris-classifier"_s);
    auto info = service().endpointInfo(created->id.toString(QUuid::WithoutBraces));
    QVERIFY(info);
    QCOMPARE(info->endpoint.lifecycle, EndpointLifecycle::Terminated);

    // Deleting again is harmless and brings no row back.
    QVERIFY(service().deleteEndpoint(created->id.toString(QUuid::WithoutBraces)));
    QCoreApplication::processEvents();
    QCOMPARE(m_model->rowCount(), 1);
    QCOMPARE(inserted.count(), 0);

    // The name is free again: a new endpoint of that name gets a new row.
    auto again = service().createEndpoint(request(u"fraud-detector"_s, u"v4"_s, 1));
    QVERIFY2(again, again ? "" : why(again.error()).constData());
    QTRY_COMPARE(m_model->rowCount(), 2);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(cell(rowNamed(u"fraud-detector"_s), Column::Version), u"v4"_s);
    QCOMPARE(m_model->index(rowNamed(u"fraud-detector"_s), 0).data(EndpointListModel::EndpointIdRole).toUuid(), again->id);
    QCOMPARE(reset.count(), 0);
}

void TestEndpointListModel::sortRoleGivesRawValues_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<bool>("numeric");

    QTest::newRow("name") << int(Column::Name) << false;
    QTest::newRow("version") << int(Column::Version) << false;
    QTest::newRow("status") << int(Column::Status) << true;
    QTest::newRow("replicas") << int(Column::Replicas) << true;
    QTest::newRow("healthy") << int(Column::Healthy) << true;
    QTest::newRow("url") << int(Column::Url) << false;
}

void TestEndpointListModel::sortRoleGivesRawValues()
{
    QFETCH(int, column);
    QFETCH(bool, numeric);

    // 10 replicas would sort before 9 as text. Small replicas, so that 19 fit into cpu=8,memory=16G.
    CreateEndpointRequest ten = request(u"big"_s, u"v1"_s, 10, 0.25);
    ten.resourceSlots.memoryBytes = qint64(256) << 20;
    CreateEndpointRequest nine = request(u"small"_s, u"v1"_s, 9, 0.25);
    nine.resourceSlots.memoryBytes = qint64(256) << 20;
    auto big = service().createEndpoint(ten);
    QVERIFY2(big, big ? "" : why(big.error()).constData());
    auto small = service().createEndpoint(nine);
    QVERIFY2(small, small ? "" : why(small.error()).constData());
    startModel();

    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QVariant raw = m_model->index(row, column).data(EndpointListModel::SortRole);
        QVERIFY(raw.isValid());
        const auto type = raw.metaType().id();
        const bool isNumber = type == QMetaType::Int || type == QMetaType::LongLong || type == QMetaType::Double
            || type == QMetaType::UInt || type == QMetaType::ULongLong;
        QVERIFY2(isNumber == numeric, raw.metaType().name());
        if (!numeric)
            QCOMPARE(raw.toString(), cell(row, column));
    }
    if (column == Column::Replicas) {
        const QVariant tenRaw = m_model->index(rowNamed(u"big"_s), column).data(EndpointListModel::SortRole);
        const QVariant nineRaw = m_model->index(rowNamed(u"small"_s), column).data(EndpointListModel::SortRole);
        QCOMPARE(tenRaw.toInt(), 10);
        QVERIFY(QVariant::compare(nineRaw, tenRaw) == QPartialOrdering::Less);
    }
}

void TestEndpointListModel::statusToolTipAndColour()
{
    QVERIFY(service().createEndpoint(request(u"running"_s, u"v1"_s, 2)));
    QVERIFY(service().createEndpoint(request(u"idle"_s, u"v1"_s, 0)));
    startModel();
    const int running = rowNamed(u"running"_s);
    const int idle = rowNamed(u"idle"_s);
    QCOMPARE(cell(running, Column::Status, Qt::ToolTipRole), u"0 of 2 replicas healthy"_s);
    QCOMPARE(cell(idle, Column::Status), u"SCALED_TO_ZERO"_s);
    const QVariant provisioning = m_model->index(running, Column::Status).data(Qt::ForegroundRole);
    const QVariant scaledToZero = m_model->index(idle, Column::Status).data(Qt::ForegroundRole);
    QVERIFY(provisioning.canConvert<QBrush>());
    QVERIFY(scaledToZero.canConvert<QBrush>());
    QVERIFY(provisioning.value<QBrush>().color() != scaledToZero.value<QBrush>().color());
}

void TestEndpointListModel::liveRowsMatchAFreshModel()
{
    // Everything built up from signals equals what a model built from scratch shows now.
    startModel();
    QVERIFY(service().createEndpoint(request(u"a"_s, u"v1"_s, 1)));
    QVERIFY(service().createEndpoint(request(u"b"_s, u"v1"_s, 2)));
    QVERIFY(service().createEndpoint(request(u"c"_s, u"v1"_s, 1)));
    QVERIFY(service().scaleReplicas(u"a"_s, 3));
    QVERIFY(service().deleteEndpoint(u"b"_s));
    ModifyEndpointRequest m;
    m.modelVersion = u"v2"_s;
    m.modelFolder = u"iris-v2"_s;
    QVERIFY(service().modifyEndpoint(u"c"_s, m));
    QTRY_VERIFY(settled());
    QTRY_COMPARE(m_model->rowCount(), 2);  // b is gone once TERMINATED

    EndpointListModel fresh(*m_client);
    QAbstractItemModelTester freshTester(&fresh, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_COMPARE(m_model->rowCount(), fresh.rowCount());
    for (int row = 0; row < fresh.rowCount(); ++row) {
        const QUuid id = fresh.index(row, 0).data(EndpointListModel::EndpointIdRole).toUuid();
        int liveRow = -1;
        for (int r = 0; r < m_model->rowCount(); ++r) {
            if (m_model->index(r, 0).data(EndpointListModel::EndpointIdRole).toUuid() == id)
                liveRow = r;
        }
        QVERIFY(liveRow >= 0);
        for (int c = 0; c < fresh.columnCount(); ++c)
            QCOMPARE(cell(liveRow, c), fresh.index(row, c).data().toString());
    }
}

QTEST_MAIN(TestEndpointListModel)
#include "test_endpointlistmodel.moc"
