// The console's word on who leads a shared plane: two consoles on one real PostgreSQL database,
// each window's status bar says who leads, the epoch and the lease's age; when the leading console
// stops, the other window says that it leads now, at the next epoch. An endpoint created through
// the following console shows in the leading console's window (the change feed).
#include <memory>

#include <QDir>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

#include "plane/controlplane.h"
#include "service/modelservingservice.h"
#include "support/postgresserver.h"
#include "support/testplanekey.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/mainwindow.h"
#include "ui/plane/planestatuslabel.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr QSize kScreenshotSize(1100, 700);
// The label reads the plane every two seconds; a takeover after a clean stop is immediate.
constexpr int kLabelMs = 10000;

PlaneStatusLabel *statusLabel(MainWindow &window)
{
    return window.statusBar()->findChild<PlaneStatusLabel *>();
}

} // namespace

class TestPlaneStatus final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void textSaysRoleEpochAndLeaseAge();
    void twoConsolesSayWhoLeadsAndTheTakeover();

private:
    QByteArray startConsole(std::unique_ptr<QTemporaryDir> &dir, std::unique_ptr<ControlPlane> &plane);

    PostgresServer m_server;
    QString m_database;
};

void TestPlaneStatus::initTestCase()
{
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    const QString database = m_server.createUniqueDatabase(&error);
    QVERIFY2(!database.isEmpty(), qPrintable(error));
    m_database = m_server.url(database);
    QVERIFY2(!TestPlaneKey::file().isEmpty(), "no plane key file");
}

QByteArray TestPlaneStatus::startConsole(std::unique_ptr<QTemporaryDir> &dir, std::unique_ptr<ControlPlane> &plane)
{
    return UiTest::startPlane(dir, plane, [this](ControlPlaneOptions &options) {
        options.database = m_database;
        options.planeKeyFile = TestPlaneKey::file();
        options.runReplicas = false;
    });
}

void TestPlaneStatus::textSaysRoleEpochAndLeaseAge()
{
    QCOMPARE(PlaneStatusLabel::textFor(QJsonObject{{u"role"_s, u"leader"_s},
                                                   {u"node_name"_s, u"ws-1"_s},
                                                   {u"epoch"_s, 3},
                                                   {u"lease_age_ms"_s, 420}}),
             u"Leader: ws-1 · epoch 3 · lease renewed 0.4 s ago"_s);
    QCOMPARE(PlaneStatusLabel::textFor(QJsonObject{{u"role"_s, u"follower"_s},
                                                   {u"leader_name"_s, u"ws-1"_s},
                                                   {u"epoch"_s, 3},
                                                   {u"lease_age_ms"_s, 2600}}),
             u"Following ws-1 · epoch 3 · lease renewed 2.6 s ago"_s);
    QCOMPARE(PlaneStatusLabel::textFor(QJsonObject{{u"role"_s, u"follower"_s}, {u"epoch"_s, 0}}),
             u"Following: no leader yet"_s);
}

void TestPlaneStatus::twoConsolesSayWhoLeadsAndTheTakeover()
{
    std::unique_ptr<QTemporaryDir> dirA;
    std::unique_ptr<ControlPlane> planeA;
    QByteArray failed = startConsole(dirA, planeA);
    QVERIFY2(failed.isEmpty(), failed.constData());
    QTRY_VERIFY_WITH_TIMEOUT(planeA->isLeader(), kLabelMs);

    std::unique_ptr<QTemporaryDir> dirB;
    std::unique_ptr<ControlPlane> planeB;
    failed = startConsole(dirB, planeB);
    QVERIFY2(failed.isEmpty(), failed.constData());
    QVERIFY(!planeB->isLeader());

    const QString nameA = planeA->planeReport().value(u"node_name"_s).toString();
    const QString nameB = planeB->planeReport().value(u"node_name"_s).toString();
    QVERIFY(!nameA.isEmpty());
    QVERIFY(!nameB.isEmpty());

    auto windowA = std::make_unique<MainWindow>(*planeA);
    MainWindow windowB(*planeB);
    windowA->resize(kScreenshotSize);
    windowA->show();
    windowB.show();
    PlaneStatusLabel *labelA = statusLabel(*windowA);
    PlaneStatusLabel *labelB = statusLabel(windowB);
    QVERIFY(labelA);
    QVERIFY(labelB);

    QTRY_VERIFY_WITH_TIMEOUT(labelA->isVisible() && labelA->text().startsWith(u"Leader: "_s + nameA + u" · epoch 1"_s),
                             kLabelMs);
    QVERIFY2(labelA->text().contains(u" · lease renewed "_s), qPrintable(labelA->text()));
    QTRY_VERIFY_WITH_TIMEOUT(labelB->isVisible()
                                 && labelB->text().startsWith(u"Following "_s + nameA + u" · epoch 1"_s),
                             kLabelMs);
    QVERIFY2(labelB->toolTip().contains(u"postgresql://"_s), qPrintable(labelB->toolTip()));

    // An action through the following console is seen live in the leading console's window.
    CreateEndpointRequest request;
    request.name = u"iris-classifier"_s;
    request.modelVersion = u"v1"_s;
    request.modelFolder = u"iris-v1"_s;
    request.resourceSlots = ResourceSlots{0.5, qint64(256) << 20, 0};
    request.isPublic = true;
    auto created = planeB->service().createEndpoint(request);
    QVERIFY2(created, created ? "" : qPrintable(created.error().message));
    QTRY_COMPARE_WITH_TIMEOUT(windowA->endpointModel()->rowCount(), 1, kLabelMs);
    const QString shot = UiTest::saveScreenshot(*windowA, u"main-window-shared-plane"_s);
    QVERIFY2(shot.isEmpty(), qPrintable(shot));

    // A clean stop hands the lease over at once: B's window says it leads, at the next epoch.
    windowA.reset();
    planeA.reset();
    QTRY_VERIFY_WITH_TIMEOUT(labelB->text().startsWith(u"Leader: "_s + nameB + u" · epoch 2"_s), kLabelMs);
    QVERIFY(planeB->isLeader());
}

QTEST_MAIN(TestPlaneStatus)
#include "test_planestatus.moc"
