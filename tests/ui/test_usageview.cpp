// The Usage view over a real, in-process control plane with a real replica: the heat map shows
// the samples in the store in the cells of their local hour of the week, the cost table the
// ledger's replica-hours, prices are applied (or refused in place, nothing stored), and Export
// CSV writes the report as the REST route does.
#include <memory>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include "plane/controlclient.h"
#include "ui/common/endpointselector.h"
#include "ui/common/errorlabel.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/usage/usagecostmodel.h"
#include "ui/usage/usageheatmap.h"
#include "support/usagehistory.h"
#include "ui/usage/recommendationpanel.h"
#include "ui/usage/usageview.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr int kWaitMs = 40000;

// The hour-of-week cell a UTC time falls in, in this machine's time zone (the plane's).
int cellOf(const QDateTime &utc)
{
    const QDateTime local = utc.toTimeZone(QTimeZone::systemTimeZone());
    return (local.date().dayOfWeek() - 1) * 24 + local.time().hour();
}

QDateTime minuteOf(const QDateTime &t)
{
    const qint64 ms = t.toMSecsSinceEpoch();
    return QDateTime::fromMSecsSinceEpoch(ms - ms % 60000, Qt::UTC);
}

} // namespace

class TestUsageView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void heatMapShowsStoredSamplesInTheirCells();
    void costTableHasTheLedgersReplicaHours();
    void pricesAppliedOrRefusedInPlace();
    void exportWritesTheReportsCsv();
    void recommendationsAskedForWhenTheirTabShows();
    void screenshot();
    void officeHoursShownAndRecommended();

private:
    bool reload();

    UiTest::ServingPlane m_plane;
    std::unique_ptr<ControlClient> m_client;
    std::unique_ptr<EndpointListModel> m_model;
    std::unique_ptr<UsageView> m_view;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    Endpoint m_endpoint;
    int m_busyCell = -1;
    int m_quietCell = -1;
};

bool TestUsageView::reload()
{
    QSignalSpy loaded(m_view.get(), &UsageView::reportLoaded);
    m_view->reload();
    return loaded.count() > 0 || loaded.wait(kWaitMs);
}

void TestUsageView::initTestCase()
{
    const QByteArray notStarted = m_plane.start();
    QVERIFY2(notStarted.isEmpty(), notStarted.constData());
    m_client = std::make_unique<ControlClient>(*m_plane);
    m_model = std::make_unique<EndpointListModel>(*m_client);
    m_view = std::make_unique<UsageView>(*m_client, *m_model);
    m_tester = std::make_unique<QAbstractItemModelTester>(m_view->costModel(),
                                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_view->resize(1100, 700);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));

    m_endpoint = m_plane.createDemo(u"usage-demo"_s, true, 1);
    QTRY_COMPARE_WITH_TIMEOUT(UiTest::healthyRoutes(m_plane->service(), m_endpoint.name), 1, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_model->find(m_endpoint.id), kWaitMs);

    // Samples a day and two days back: a busy hour and a quiet one, three minutes each.
    const QDateTime busy = minuteOf(QDateTime::currentDateTimeUtc().addDays(-1));
    const QDateTime quiet = minuteOf(QDateTime::currentDateTimeUtc().addDays(-2));
    QList<UsageSample> samples;
    for (int m = 0; m < 3; ++m) {
        UsageSample s;
        s.endpointId = m_endpoint.id;
        s.start = busy.addSecs(60 * m);
        s.requestsPerSecond = 12;
        s.requests = 720;
        s.replicas = 3;
        s.desiredReplicas = 3;
        UsageSample q = s;
        q.start = quiet.addSecs(60 * m);
        q.requestsPerSecond = 3;
        q.requests = 180;
        q.replicas = 1;
        samples << s << q;
    }
    QVERIFY(m_plane->repository().addUsageSamples(samples).ok());
    m_busyCell = cellOf(busy);
    m_quietCell = cellOf(quiet);
    // Three minutes from one hour's end they may straddle the next: only the first minute's cell is sure.
    QVERIFY(m_busyCell != m_quietCell);

    m_view->endpointSelector()->setCurrentEndpoint(m_endpoint.id);
    QVERIFY(reload());
    QVERIFY(m_view->report().has_value());
}

void TestUsageView::cleanupTestCase()
{
    m_tester.reset();
    m_view.reset();
    m_model.reset();
    m_client.reset();
    m_plane.reset();
}

void TestUsageView::heatMapShowsStoredSamplesInTheirCells()
{
    UsageHeatMap *map = m_view->heatMap();
    QCOMPARE(map->measure(), UsageHeatMap::Measure::RequestsPerSecond);
    QVERIFY(map->value(m_busyCell).has_value());
    QCOMPARE(*map->value(m_busyCell), 12.0);
    QVERIFY(map->value(m_quietCell).has_value());
    QCOMPARE(*map->value(m_quietCell), 3.0);
    QCOMPARE(map->maximum(), 12.0);
    QVERIFY2(map->cellText(m_busyCell).contains(u"requests/s"_s), qPrintable(map->cellText(m_busyCell)));
    // Half a week away from both, no samples: the replica's own minutes are in the hour of now.
    const int elsewhere = (m_busyCell + 84) % UsageHeatMap::kCells;
    QVERIFY(!map->value(elsewhere).has_value());
    QVERIFY(map->cellText(elsewhere).contains(UsageHeatMap::tr("no samples").section(u' ', -1)));

    // Replicas instead of requests.
    m_view->measureSelector()->setCurrentIndex(1);
    QCOMPARE(map->measure(), UsageHeatMap::Measure::Replicas);
    QCOMPARE(map->maximum(), 3.0);
    QVERIFY(map->cellText(m_quietCell).contains(u"replicas"_s));
    m_view->measureSelector()->setCurrentIndex(0);

    // The cell under a point is the one drawn there.
    QCOMPARE(map->cellAt(map->cellRect(m_busyCell).center()), m_busyCell);
}

void TestUsageView::costTableHasTheLedgersReplicaHours()
{
    UsageCostModel *model = m_view->costModel();
    // One revision and the total.
    QCOMPARE(model->rowCount(), 2);
    QCOMPARE(model->index(0, UsageCostModel::Version).data().toString(), u"v1"_s);
    QCOMPARE(model->index(1, UsageCostModel::Revision).data().toString(), UsageCostModel::tr("Total"));
    // The replica has held its place since it was created: a little, never none.
    const double replicaHours = model->index(1, UsageCostModel::ReplicaHours).data(UsageCostModel::SortRole).toDouble();
    QVERIFY2(replicaHours > 0 && replicaHours < 1, qPrintable(QString::number(replicaHours)));
    QCOMPARE(model->index(1, UsageCostModel::CpuHours).data(UsageCostModel::SortRole).toDouble(), replicaHours * 0.5);
    QCOMPARE(model->index(1, UsageCostModel::Requests).data(UsageCostModel::SortRole).toLongLong() >= 6 * 180, true);
    QVERIFY(!model->index(1, UsageCostModel::Cost).data(UsageCostModel::SortRole).isValid());
}

void TestUsageView::pricesAppliedOrRefusedInPlace()
{
    m_view->sections()->setCurrentIndex(1);
    // A currency that is not three capital letters: refused in place, nothing stored.
    m_view->cpuPriceEdit()->setValue(0.5);
    m_view->currencyEdit()->setText(u"eu"_s);
    QSignalSpy applied(m_view.get(), &UsageView::pricesApplied);
    QTest::mouseClick(m_view->applyPricesButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!m_view->priceErrorLabel()->text().isEmpty(), kWaitMs);
    QCOMPARE(applied.count(), 0);
    QCOMPARE(m_plane->service().usagePrices().value(), UsagePrices());

    m_view->currencyEdit()->setText(u"EUR"_s);
    QSignalSpy loaded(m_view.get(), &UsageView::reportLoaded);
    QTest::mouseClick(m_view->applyPricesButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 1, kWaitMs);
    QVERIFY(m_view->priceErrorLabel()->text().isEmpty());
    const UsagePrices stored = m_plane->service().usagePrices().value();
    QCOMPARE(stored.cpuHour, std::optional<double>(0.5));
    QCOMPARE(stored.gpuHour, std::nullopt);
    QCOMPARE(stored.currency, u"EUR"_s);
    // The report comes again with its cost.
    QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1, kWaitMs);
    const QModelIndex cost = m_view->costModel()->index(1, UsageCostModel::Cost);
    QVERIFY(cost.data(UsageCostModel::SortRole).isValid());
    QVERIFY(cost.data().toString().contains(u"EUR"_s));
}

void TestUsageView::exportWritesTheReportsCsv()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"usage.csv"_s);
    QVERIFY(m_view->exportCsv(path).ok());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray written = file.readAll();
    QCOMPARE(written, m_view->report()->toCsv());
    const QList<QByteArray> lines = written.trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines[0].startsWith("revision,revision_number,model_version,replica_hours"));
    QVERIFY(lines[2].startsWith("total,"));
    // A path that cannot be written is an error, not a silent nothing.
    QVERIFY(!m_view->exportCsv(dir.filePath(u"no/such/dir/usage.csv"_s)).ok());
}

void TestUsageView::recommendationsAskedForWhenTheirTabShows()
{
    RecommendationPanel *panel = m_view->recommendationPanel();
    QVERIFY(panel);
    const int tab = m_view->sections()->indexOf(panel);
    QVERIFY(tab >= 0);
    QSignalSpy loaded(panel, &RecommendationPanel::loaded);
    // Hidden, it asks nothing (each answer replays the autoscaler on the control thread).
    m_view->sections()->setCurrentIndex(0);
    m_view->reload();
    QVERIFY(!loaded.wait(500));
    // Shown, it asks about the selected endpoint: too little history for any, and it says why.
    m_view->sections()->setCurrentIndex(tab);
    QVERIFY(loaded.count() > 0 || loaded.wait(kWaitMs));
    QVERIFY(panel->recommendations().isEmpty());
    QVERIFY2(!panel->statusLabel()->text().isEmpty(), "the panel says what it found");
    QVERIFY(panel->errorLabel()->text().isEmpty());
    // Shown again for the same endpoint: no second question.
    m_view->sections()->setCurrentIndex(0);
    m_view->sections()->setCurrentIndex(tab);
    QVERIFY(!loaded.wait(500));
    QCOMPARE(loaded.count(), 1);
}

void TestUsageView::screenshot()
{
    m_view->sections()->setCurrentIndex(0);
    const QString heat = UiTest::saveScreenshot(*m_view, u"usage-heatmap"_s);
    QVERIFY2(heat.isEmpty(), qPrintable(heat));
    m_view->sections()->setCurrentIndex(1);
    const QString cost = UiTest::saveScreenshot(*m_view, u"usage-cost"_s);
    QVERIFY2(cost.isEmpty(), qPrintable(cost));
}

// Two weeks of office-hours load (generated, as the recommendation suites do): the heat map lights
// the weekday working hours and the Recommendations tab offers their schedule floor.
void TestUsageView::officeHoursShownAndRecommended()
{
    const Endpoint office = m_plane.createDemo(u"office-hours"_s, true, 0);
    QTRY_VERIFY_WITH_TIMEOUT(m_model->find(office.id), kWaitMs);
    QVERIFY(m_plane->repository().addUsageSamples(UsageHistory::officeHours(office.id, 3)).ok());
    m_view->sinceSelector()->setCurrentIndex(m_view->sinceSelector()->count() - 2);  // 30 days
    m_view->sections()->setCurrentIndex(0);
    m_view->endpointSelector()->setCurrentEndpoint(office.id);
    QVERIFY(reload());
    UsageHeatMap *map = m_view->heatMap();
    // Tuesday 10:00 busy, Sunday 10:00 quiet (cells from Monday 00:00, in the plane's zone: UTC here).
    QVERIFY(map->value(24 + 10).has_value());
    QCOMPARE(*map->value(24 + 10), 40.0);
    QCOMPARE(*map->value(6 * 24 + 10), 2.0);
    const QString heat = UiTest::saveScreenshot(*m_view, u"usage-office-hours"_s);
    QVERIFY2(heat.isEmpty(), qPrintable(heat));

    RecommendationPanel *panel = m_view->recommendationPanel();
    QSignalSpy loaded(panel, &RecommendationPanel::loaded);
    m_view->sections()->setCurrentWidget(panel);
    QVERIFY(loaded.count() > 0 || loaded.wait(kWaitMs));
    QVERIFY(!panel->recommendations().isEmpty());
    const Recommendation &first = panel->recommendations().first();
    QCOMPARE(first.kind, u"schedule_floor"_s);
    QCOMPARE(first.change.schedule, std::optional<QString>(u"mon-fri 09:00-18:00 min=3"_s));
    QVERIFY(panel->applyButton(1) && panel->applyButton(1)->isEnabled());
    const QString recommended = UiTest::saveScreenshot(*m_view, u"usage-recommendations"_s);
    QVERIFY2(recommended.isEmpty(), qPrintable(recommended));
}

QTEST_MAIN(TestUsageView)
#include "test_usageview.moc"
