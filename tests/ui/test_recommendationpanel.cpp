// The recommendation panel over a real, in-process control plane whose store was given two weeks
// of office-hours usage: it lists the recommendations, a warning's button is disabled, and a
// click on Apply changes the core's schedule (read back from the service).
#include <memory>

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include "plane/controlclient.h"
#include "support/usagehistory.h"
#include "ui/common/errorlabel.h"
#include "ui/usage/recommendationpanel.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

class TestRecommendationPanel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        const QByteArray failed = UiTest::startPlane(m_dataDir, m_plane);
        QVERIFY2(failed.isEmpty(), failed.constData());
        m_client = std::make_unique<ControlClient>(*m_plane);
    }
    void cleanupTestCase()
    {
        m_client.reset();
        m_plane.reset();
    }

    void clickApplyChangesTheCoresSchedule()
    {
        const Endpoint e = UiTest::create(m_plane->service(), u"office"_s);
        ModifyEndpointRequest target;
        target.latencyTargetMs = std::optional<int>(200);
        QVERIFY(m_plane->service().modifyEndpoint(e.name, target));
        QVERIFY(m_plane->repository().addUsageSamples(UsageHistory::officeHours(e.id, 3)));

        RecommendationPanel panel(m_client.get());
        panel.resize(900, 500);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QSignalSpy loaded(&panel, &RecommendationPanel::loaded);
        panel.setEndpoint(e.id);
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 20000);
        QVERIFY(panel.errorLabel()->isHidden());
        QVERIFY(!panel.recommendations().isEmpty());
        const Recommendation first = panel.recommendations().first();
        QCOMPARE(first.kind, Recommendation::kScheduleFloor);
        QPushButton *apply = panel.applyButton(1);
        QVERIFY(apply);
        QVERIFY(apply->isEnabled());
        // A warning (no rule on requests/s to give the target to) cannot be applied.
        for (const Recommendation &r : panel.recommendations()) {
            QVERIFY(panel.applyButton(r.number));
            QCOMPARE(panel.applyButton(r.number)->isEnabled(), !r.isWarning());
        }
        QCOMPARE(m_plane->service().autoscaleSettings(e.name)->schedule, QString());

        QSignalSpy applied(&panel, &RecommendationPanel::applied);
        loaded.clear();
        apply->click();
        QTRY_VERIFY_WITH_TIMEOUT(!applied.isEmpty(), 20000);
        QCOMPARE(applied.first().first().toBool(), true);
        QCOMPARE(m_plane->service().autoscaleSettings(e.name)->schedule, u"mon-fri 09:00-18:00 min=3"_s);
        // Reloaded: the floor is in force, so it is recommended no more.
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 20000);
        for (const Recommendation &r : panel.recommendations())
            QVERIFY(r.kind != Recommendation::kScheduleFloor);
    }

    void aRefusalShowsInPlace()
    {
        RecommendationPanel panel(m_client.get());
        panel.show();
        QSignalSpy loaded(&panel, &RecommendationPanel::loaded);
        panel.setEndpoint(QUuid::createUuid());
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 20000);
        QVERIFY(!panel.errorLabel()->isHidden());
        QVERIFY2(panel.errorLabel()->text().contains(u"NotFound"_s), qPrintable(panel.errorLabel()->text()));
        QVERIFY(panel.recommendations().isEmpty());
    }

private:
    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<ControlPlane> m_plane;
    std::unique_ptr<ControlClient> m_client;
};

QTEST_MAIN(TestRecommendationPanel)
#include "test_recommendationpanel.moc"
