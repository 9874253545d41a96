// The endpoint dashboard with live load: a real replica (the demo model server) behind the real
// proxy, requests sent through it, the plane's own sampler on its own timer; the table shows
// requests/s, p95 latency, error rate and the sparkline, sorts by them, and gets one change per
// sample for all rows.
#include <memory>

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTimer>

#include "ui/endpoints/endpointlistmodel.h"
#include "ui/mainwindow.h"
#include "ui/metrics/metricshistory.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr int kWaitMs = 30000;
using Column = EndpointListModel::Column;

} // namespace

class TestDashboard final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void showsRequestsPerSecondAfterTraffic();
    void oneChangePerSampleForAllRows();
    void sortsByLoad();
    void searchIgnoresLoadFigures();
    void screenshot();

private:
    ModelServingService &service() { return m_plane->service(); }
    QAbstractItemModel *table() const { return m_window->endpointView()->model(); }
    int rowNamed(const QString &name) const
    {
        for (int row = 0; row < table()->rowCount(); ++row) {
            if (table()->index(row, Column::Name).data().toString() == name)
                return row;
        }
        return -1;
    }
    QVariant cell(const QString &name, int column, int role = Qt::DisplayRole) const
    {
        return table()->index(rowNamed(name), column).data(role);
    }
    Endpoint create(const QString &name, int replicas);
    // `rate` requests a second through the proxy for `ms`; waits for every answer.
    void drive(const QString &url, int rate, int ms);

    UiTest::ServingPlane m_plane;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    QNetworkAccessManager m_network;
    Endpoint m_busy;
    int m_sent = 0;
    int m_ok = 0;
};

void TestDashboard::initTestCase()
{
    const QByteArray notStarted = m_plane.start();
    QVERIFY2(notStarted.isEmpty(), notStarted.constData());

    m_busy = create(u"sentiment-analyzer"_s, 1);
    create(u"fraud-detector"_s, 0);
    create(u"image-classifier"_s, 0);

    m_window = std::make_unique<MainWindow>(*m_plane);
    m_tester = std::make_unique<QAbstractItemModelTester>(m_window->endpointModel(),
                                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_window->resize(1100, 700);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QTRY_COMPARE_WITH_TIMEOUT(cell(m_busy.name, Column::Healthy).toString(), u"1 / 1"_s, kWaitMs);
}

void TestDashboard::cleanupTestCase()
{
    m_tester.reset();
    m_window.reset();
    m_plane.reset();
}

Endpoint TestDashboard::create(const QString &name, int replicas)
{
    return m_plane.createDemo(name, true, replicas);
}

void TestDashboard::drive(const QString &url, int rate, int ms)
{
    int sent = 0;
    int answered = 0;
    QTimer pace;
    pace.setInterval(1000 / rate);
    connect(&pace, &QTimer::timeout, this, [&] {
        QNetworkRequest request(QUrl(url + u"/predict"_s));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        QNetworkReply *reply = m_network.post(request, QByteArrayLiteral(R"({"features":[5.1,3.5,1.4,0.2]})"));
        ++sent;
        ++m_sent;
        connect(reply, &QNetworkReply::finished, this, [this, &answered, reply] {
            reply->deleteLater();
            ++answered;
            m_ok += reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200 ? 1 : 0;
        });
    });
    QElapsedTimer clock;
    clock.start();
    pace.start();
    QTRY_VERIFY_WITH_TIMEOUT(clock.elapsed() >= ms, ms + 5000);
    pace.stop();
    QTRY_COMPARE_WITH_TIMEOUT(answered, sent, kWaitMs);
}

void TestDashboard::showsRequestsPerSecondAfterTraffic()
{
    // Before any request: sampled, but nothing flows.
    QTRY_COMPARE(cell(m_busy.name, Column::RequestsPerSecond).toString(), u"0.0"_s);
    QCOMPARE(cell(m_busy.name, Column::P95Latency).toString(), u"–"_s);

    // Requests flow: the next samples count them.
    bool seen = false;
    double rate = 0;
    QString latency;
    // Checked while the traffic flows, not after: once it stops the rate falls back to 0.
    const QMetaObject::Connection watch = connect(m_window->endpointModel(), &QAbstractItemModel::dataChanged, this, [&] {
        const double now = cell(m_busy.name, Column::RequestsPerSecond, EndpointListModel::SortRole).toDouble();
        if (now > rate) {
            rate = now;
            latency = cell(m_busy.name, Column::P95Latency).toString();
            seen = true;
        }
    });
    drive(m_busy.url, 40, 3000);
    disconnect(watch);
    QVERIFY(seen);
    // Every request answered 200: the rate shown is of served traffic.
    QVERIFY(m_sent >= 100);
    QCOMPARE(m_ok, m_sent);
    QVERIFY2(rate > 10.0, qPrintable(QString::number(rate)));
    QVERIFY2(latency.endsWith(u" ms"_s), qPrintable(latency));
    QCOMPARE(cell(m_busy.name, Column::ErrorRate).toString(), u"0.0 %"_s);
    // The sparkline holds the samples of the last minute, the rate among them.
    const QList<float> spark = cell(m_busy.name, Column::Activity, EndpointListModel::SparklineRole).value<QList<float>>();
    QVERIFY(spark.size() >= 6);
    QVERIFY(*std::max_element(spark.begin(), spark.end()) > 10.0f);
    QVERIFY(spark.size() <= EndpointListModel::kSparklineSamples);
    // Idle endpoints say 0, not nothing.
    QCOMPARE(cell(u"fraud-detector"_s, Column::RequestsPerSecond).toString(), u"0.0"_s);
}

void TestDashboard::oneChangePerSampleForAllRows()
{
    QSignalSpy recorded(m_window->metricsHistory(), &MetricsHistory::recorded);
    QSignalSpy changed(m_window->endpointModel(), &QAbstractItemModel::dataChanged);
    QTRY_VERIFY(recorded.count() >= 4);
    const qsizetype samples = recorded.count();
    int loadChanges = 0;
    for (const QList<QVariant> &signal : std::as_const(changed)) {
        const QModelIndex from = signal.at(0).toModelIndex();
        const QModelIndex to = signal.at(1).toModelIndex();
        if (from.column() != Column::RequestsPerSecond)
            continue;
        ++loadChanges;
        QCOMPARE(from.row(), 0);
        QCOMPARE(to.row(), m_window->endpointModel()->rowCount() - 1);
        QCOMPARE(to.column(), int(Column::Activity));
    }
    QVERIFY2(loadChanges == samples || loadChanges == samples + 1,
             qPrintable(u"%1 changes, %2 samples"_s.arg(loadChanges).arg(samples)));
}

void TestDashboard::sortsByLoad()
{
    QHeaderView *header = m_window->endpointView()->horizontalHeader();
    // Traffic again, so the busy one stays ahead while the table is sorted.
    QTimer keepBusy;
    int sent = 0;
    auto answered = std::make_shared<int>(0);  // outlives this function if an answer comes late
    keepBusy.setInterval(50);
    connect(&keepBusy, &QTimer::timeout, this, [&] {
        QNetworkRequest request(QUrl(m_busy.url + u"/predict"_s));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        QNetworkReply *reply = m_network.post(request, QByteArrayLiteral(R"({"features":[6.7,3.0,5.2,2.3]})"));
        ++sent;
        connect(reply, &QNetworkReply::finished, reply, [answered, reply] {
            reply->deleteLater();
            ++*answered;
        });
    });
    keepBusy.start();
    QTRY_VERIFY(cell(m_busy.name, Column::RequestsPerSecond, EndpointListModel::SortRole).toDouble() > 5.0);
    const QPoint centre(header->sectionViewportPosition(Column::RequestsPerSecond)
                            + header->sectionSize(Column::RequestsPerSecond) / 2,
                        header->height() / 2);
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, centre);
    QTRY_COMPARE(header->sortIndicatorSection(), int(Column::RequestsPerSecond));
    if (header->sortIndicatorOrder() == Qt::AscendingOrder)
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, centre);
    QTRY_COMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
    QTRY_COMPARE(table()->index(0, Column::Name).data().toString(), m_busy.name);
    // Selection and keys keep working on the sorted, live rows.
    m_window->endpointView()->setFocus();
    m_window->endpointView()->selectRow(0);
    QTest::keyClick(m_window->endpointView(), Qt::Key_Down);
    QTRY_VERIFY(m_window->selectedEndpoint() != m_busy.id);
    QVERIFY(!m_window->selectedEndpoint().isNull());
    keepBusy.stop();
    QTRY_COMPARE_WITH_TIMEOUT(*answered, sent, kWaitMs);
    m_window->endpointView()->sortByColumn(Column::Name, Qt::AscendingOrder);
}

void TestDashboard::searchIgnoresLoadFigures()
{
    // "%" is in every error rate, and in no name, version, status or URL.
    m_window->endpointSearch()->setText(u"fraud"_s);
    QTRY_COMPARE(table()->rowCount(), 1);
    m_window->endpointSearch()->setText(u"%"_s);
    QTRY_COMPARE(table()->rowCount(), 0);
    m_window->endpointSearch()->clear();
    QTRY_COMPARE(table()->rowCount(), 3);
}

void TestDashboard::screenshot()
{
    drive(m_busy.url, 30, 2000);
    m_window->endpointView()->clearSelection();
    const QString failed = UiTest::saveScreenshot(*m_window, u"dashboard"_s);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    // What it shows: every endpoint, and the busy one's load as a figure, not a dash.
    QCOMPARE(table()->rowCount(), 3);
    bool busyShown = false;
    for (int row = 0; row < table()->rowCount(); ++row) {
        if (table()->index(row, Column::Name).data().toString() == m_busy.name)
            busyShown = table()->index(row, Column::RequestsPerSecond).data().toString() != u"–"_s;
    }
    QVERIFY(busyShown);
}

QTEST_MAIN(TestDashboard)
#include "test_dashboard.moc"
