// The modify dialog against a real embedded core: only what changed is sent, a new version starts
// a rollout to a new revision by the strategy picked (a canary at its share, with routes of its
// own), and a refusal (capacity, a rollout already running) shows in place and changes nothing.
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QSignalSpy>
#include <QTest>

#include "plane/controlclient.h"
#include "plane/controlplane.h"
#include "service/modelservingservice.h"
#include "ui/endpoints/modifyendpointdialog.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;
using namespace UiTest;

class TestModifyEndpointDialog final : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ControlPlane> m_plane;
    std::unique_ptr<ControlClient> m_client;  // the views' way to the plane, which lives on this thread
    ModelServingService &service() { return m_plane->service(); }
    // Applies as the button does; whether the service took the change.
    static bool applied(ModifyEndpointDialog &dialog)
    {
        QSignalSpy answered(&dialog, &ModifyEndpointDialog::answered);
        dialog.apply();
        if (answered.isEmpty() && !answered.wait(10000))
            return false;
        return answered.first().first().toBool();
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_plane = std::make_unique<ControlPlane>();
        auto started = m_plane->start(planeOptions(m_dir->path()));
        QVERIFY2(started.ok(), started ? "" : why(started.error()).constData());
        m_client = std::make_unique<ControlClient>(*m_plane);
        CreateEndpointRequest r;
        r.name = u"iris"_s;
        r.modelVersion = u"v1"_s;
        r.modelFolder = u"iris-v1"_s;
        r.resourceSlots = {1, qint64(1) << 30, 0};
        QVERIFY(service().createEndpoint(r).ok());
    }

    void cleanup()
    {
        m_client.reset();
        m_plane.reset();
        m_dir.reset();
    }

    void changesReplicasAndVisibilityOnly()
    {
        ModifyEndpointDialog dialog(*m_client, u"iris"_s);
        QVERIFY(!dialog.publicBox()->isChecked());
        dialog.replicasBox()->setValue(3);
        dialog.publicBox()->setChecked(true);
        QVERIFY(applied(dialog));
        const auto info = service().endpointInfo(u"iris"_s);
        QCOMPARE(info->endpoint.replicas, 3);
        QVERIFY(info->endpoint.isPublic);
        QCOMPARE(info->endpoint.modelVersion, u"v1"_s);
        QCOMPARE(info->revisions.size(), 1);
    }

    void changesQueueSettingsOnly()
    {
        {
            ModifyEndpointDialog dialog(*m_client, u"iris"_s);
            QSignalSpy loaded(&dialog, &ModifyEndpointDialog::loaded);
            if (dialog.isBusy())
                QVERIFY(loaded.wait(10000));
            QCOMPARE(dialog.priorityBox()->value(), 0);
            QCOMPARE(dialog.queueBox()->currentData().toInt(), int(ModifyEndpointDialog::QueueChoice::Default));
            QVERIFY(!dialog.preemptionBox()->isChecked());
            QCOMPARE(dialog.priorityBox()->maximum(), Endpoint::kMaxPriority);
            dialog.priorityBox()->setValue(7);
            dialog.queueBox()->setCurrentIndex(dialog.queueBox()->findData(int(ModifyEndpointDialog::QueueChoice::Never)));
            dialog.preemptionBox()->setChecked(true);
            QVERIFY(applied(dialog));
        }
        auto e = service().endpointInfo(u"iris"_s)->endpoint;
        QCOMPARE(e.priority, 7);
        QCOMPARE(e.queueWhenFull, std::optional<bool>(false));
        QVERIFY(e.allowPreemption);
        QCOMPARE(e.replicas, 1);

        // Opened again it shows what is stored; back to the default clears the setting.
        ModifyEndpointDialog dialog(*m_client, u"iris"_s);
        QSignalSpy loaded(&dialog, &ModifyEndpointDialog::loaded);
        if (dialog.isBusy())
            QVERIFY(loaded.wait(10000));
        QCOMPARE(dialog.priorityBox()->value(), 7);
        QCOMPARE(dialog.queueBox()->currentData().toInt(), int(ModifyEndpointDialog::QueueChoice::Never));
        QVERIFY(dialog.preemptionBox()->isChecked());
        dialog.queueBox()->setCurrentIndex(dialog.queueBox()->findData(int(ModifyEndpointDialog::QueueChoice::Default)));
        QVERIFY(applied(dialog));
        e = service().endpointInfo(u"iris"_s)->endpoint;
        QVERIFY(!e.queueWhenFull.has_value());
        QCOMPARE(e.priority, 7);
        QVERIFY(e.allowPreemption);
    }

    void latencyTargetIsSetAndClearedWithNone()
    {
        {
            ModifyEndpointDialog dialog(*m_client, u"iris"_s);
            QSignalSpy loaded(&dialog, &ModifyEndpointDialog::loaded);
            if (dialog.isBusy())
                QVERIFY(loaded.wait(10000));
            // No target reads "none", its minimum.
            QCOMPARE(dialog.latencyTargetBox()->value(), 0);
            QCOMPARE(dialog.latencyTargetBox()->text(), dialog.latencyTargetBox()->specialValueText());
            dialog.latencyTargetBox()->setValue(250);
            QVERIFY(applied(dialog));
        }
        auto e = service().endpointInfo(u"iris"_s)->endpoint;
        QCOMPARE(e.latencyTargetMs, std::optional<int>(250));
        QCOMPARE(e.priority, 0);

        ModifyEndpointDialog dialog(*m_client, u"iris"_s);
        QSignalSpy loaded(&dialog, &ModifyEndpointDialog::loaded);
        if (dialog.isBusy())
            QVERIFY(loaded.wait(10000));
        QCOMPARE(dialog.latencyTargetBox()->value(), 250);
        dialog.latencyTargetBox()->setValue(0);
        QVERIFY(applied(dialog));
        QVERIFY(!service().endpointInfo(u"iris"_s)->endpoint.latencyTargetMs);
    }

    // Jobs at once: typed into the field and applied with the button, the endpoint in the core
    // holds it (the dispatcher's limit); its minimum reads as the default and sets 0 again.
    void jobConcurrencyIsSetAndBackToTheDefault()
    {
        {
            ModifyEndpointDialog dialog(*m_client, u"iris"_s);
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            QTRY_VERIFY(!dialog.isBusy());
            QSpinBox *jobs = dialog.jobConcurrencyBox();
            QCOMPARE(jobs->value(), 0);
            QCOMPARE(jobs->text(), jobs->specialValueText());
            QCOMPARE(jobs->maximum(), Endpoint::kMaxJobConcurrency);
            jobs->setFocus();
            jobs->selectAll();
            QTest::keyClicks(jobs, u"2"_s);
            QCOMPARE(jobs->value(), 2);
            QSignalSpy answered(&dialog, &ModifyEndpointDialog::answered);
            QPushButton *apply = nullptr;
            const auto buttons = dialog.findChildren<QPushButton *>();
            for (QPushButton *button : buttons) {
                if (button->text() == u"Apply"_s)
                    apply = button;
            }
            QVERIFY(apply && apply->text() == u"Apply"_s);
            QTest::mouseClick(apply, Qt::LeftButton);
            QTRY_COMPARE(answered.count(), 1);
            QVERIFY(answered.first().first().toBool());
        }
        auto e = service().endpointInfo(u"iris"_s)->endpoint;
        QCOMPARE(e.jobConcurrency, 2);
        QCOMPARE(e.replicas, 1);
        QVERIFY(!e.latencyTargetMs);

        ModifyEndpointDialog dialog(*m_client, u"iris"_s);
        QTRY_VERIFY(!dialog.isBusy());
        QCOMPARE(dialog.jobConcurrencyBox()->value(), 2);
        dialog.jobConcurrencyBox()->setValue(0);
        QVERIFY(applied(dialog));
        QCOMPARE(service().endpointInfo(u"iris"_s)->endpoint.jobConcurrency, 0);
    }

    void screenshotOfTheJobsField()
    {
        ModifyEndpointDialog dialog(*m_client, u"iris"_s);
        QTRY_VERIFY(!dialog.isBusy());
        dialog.jobConcurrencyBox()->setValue(2);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        const QString failed = UiTest::saveScreenshot(dialog, u"modify-job-concurrency"_s);
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }

    void newVersionStartsARollingRollout()
    {
        ModifyEndpointDialog dialog(*m_client, u"iris"_s);
        QCOMPARE(dialog.versionEdit()->text(), u"v1"_s);
        dialog.versionEdit()->setText(u"v2"_s);
        QCOMPARE(dialog.strategyBox()->currentData().toInt(), int(RolloutStrategy::Rolling));
        QVERIFY(applied(dialog));
        const auto info = service().endpointInfo(u"iris"_s);
        // v1 stays the stable revision until the rollout succeeds.
        QCOMPARE(info->endpoint.modelVersion, u"v1"_s);
        QCOMPARE(info->revisions.size(), 2);
        QVERIFY(info->rollout);
        QVERIFY(info->rollout->inProgress());
        QCOMPARE(info->rollout->strategy, RolloutStrategy::Rolling);
    }

    // A strategy means something only for a new revision, a share only for a canary's.
    void strategyAndShareFollowTheVersion()
    {
        ModifyEndpointDialog dialog(*m_client, u"iris"_s);
        QTRY_COMPARE(dialog.versionEdit()->text(), u"v1"_s);
        QVERIFY(!dialog.strategyBox()->isEnabled());
        QVERIFY(!dialog.canaryBox()->isEnabled());
        dialog.versionEdit()->setText(u"v2"_s);
        QVERIFY(dialog.strategyBox()->isEnabled());
        QVERIFY(!dialog.canaryBox()->isEnabled());  // rolling
        for (const RolloutStrategy strategy : {RolloutStrategy::Canary, RolloutStrategy::Progressive}) {
            dialog.strategyBox()->setCurrentIndex(dialog.strategyBox()->findData(int(strategy)));
            QVERIFY(dialog.canaryBox()->isEnabled());
        }
        dialog.strategyBox()->setCurrentIndex(dialog.strategyBox()->findData(int(RolloutStrategy::BlueGreen)));
        QVERIFY(!dialog.canaryBox()->isEnabled());
        dialog.versionEdit()->setText(u"v1"_s);
        QVERIFY(!dialog.strategyBox()->isEnabled());
        QCOMPARE(dialog.strategyBox()->count(), 4);
    }

    // End to end: Canary at 20 % picked in the dialog is a canary rollout in the core at 20, and
    // the new revision has routes of its own, while v1 keeps its own.
    void canaryAtTwentyPercentReachesTheRoutes()
    {
        ModifyEndpointDialog dialog(*m_client, u"iris"_s);
        QTRY_COMPARE(dialog.versionEdit()->text(), u"v1"_s);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.versionEdit()->setText(u"v2"_s);
        dialog.folderEdit()->setText(u"iris-v2"_s);
        dialog.strategyBox()->setCurrentIndex(dialog.strategyBox()->findData(int(RolloutStrategy::Canary)));
        dialog.canaryBox()->setValue(20);
        QSignalSpy answered(&dialog, &ModifyEndpointDialog::answered);
        QTest::keyClick(&dialog, Qt::Key_Return);  // OK, as the operator presses it
        QTRY_COMPARE(answered.count(), 1);
        QVERIFY2(answered.first().first().toBool(), qPrintable(dialog.errorLabel()->text()));
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QVERIFY(!dialog.isVisible());

        const auto info = service().endpointInfo(u"iris"_s);
        QVERIFY(info->rollout);
        QVERIFY(info->rollout->inProgress());
        QCOMPARE(info->rollout->strategy, RolloutStrategy::Canary);
        QCOMPARE(info->rollout->weight, 20);
        QCOMPARE(info->endpoint.modelVersion, u"v1"_s);
        QCOMPARE(info->revisions.size(), 2);
        QUuid v2;
        for (const Revision &r : info->revisions) {
            if (r.modelVersion == u"v2"_s) {
                QCOMPARE(r.modelFolder.endsWith(u"iris-v2"_s), true);
                v2 = r.id;
            }
        }
        QCOMPARE(info->rollout->toRevisionId, v2);
        const auto routesOf = [this](const QUuid &revision) {
            int n = 0;
            const auto now = service().endpointInfo(u"iris"_s);  // named: the loop must not outlive it
            for (const Route &r : now->routes)
                n += r.isActive() && r.revisionId == revision ? 1 : 0;
            return n;
        };
        QTRY_COMPARE(routesOf(v2), 1);
        QCOMPARE(routesOf(info->endpoint.currentRevisionId), 1);
    }

    void rolloutInProgressIsATypedRefusal()
    {
        UiTest::startRollout(service(), u"iris"_s, u"v2"_s, u"iris-v2"_s, RolloutStrategy::Canary, 10);
        ModifyEndpointDialog dialog(*m_client, u"iris"_s);
        QTRY_COMPARE(dialog.versionEdit()->text(), u"v1"_s);
        dialog.versionEdit()->setText(u"v3"_s);
        dialog.strategyBox()->setCurrentIndex(dialog.strategyBox()->findData(int(RolloutStrategy::BlueGreen)));
        QVERIFY(!applied(dialog));
        QVERIFY(dialog.errorLabel()->isVisibleTo(&dialog));
        QVERIFY2(dialog.errorLabel()->text().startsWith(u"RolloutInProgress: "_s), qPrintable(dialog.errorLabel()->text()));
        const auto info = service().endpointInfo(u"iris"_s);
        QCOMPARE(info->revisions.size(), 2);
        QCOMPARE(info->rollout->strategy, RolloutStrategy::Canary);
    }

    void refusalShowsInPlaceAndChangesNothing()
    {
        ModifyEndpointDialog dialog(*m_client, u"iris"_s);
        dialog.cpuBox()->setValue(64);  // more than the 8 cores there are
        QVERIFY(!applied(dialog));
        QVERIFY(dialog.errorLabel()->isVisibleTo(&dialog));
        QVERIFY2(dialog.errorLabel()->text().contains(u"ResourceLimitExceeded"_s) || dialog.errorLabel()->text().contains(u"Insufficient"_s),
                 qPrintable(dialog.errorLabel()->text()));
        QCOMPARE(service().endpointInfo(u"iris"_s)->endpoint.resourceSlots.cpu, 1.0);
    }

    // The aliases row: the names the proxy's front door also routes here, all replaced at once;
    // a reserved one is refused in place and nothing changes.
    void aliasesRowSetsAndRefuses()
    {
        {
            ModifyEndpointDialog dialog(*m_client, u"iris"_s);
            QTRY_VERIFY(!dialog.isBusy());
            QCOMPARE(dialog.aliasesEdit()->text(), QString());
            dialog.aliasesEdit()->setText(u" assistant, ,gpt-4o "_s);
            QVERIFY(applied(dialog));
        }
        QCOMPARE(service().endpointInfo(u"iris"_s)->endpoint.aliases, (QStringList{u"assistant"_s, u"gpt-4o"_s}));

        ModifyEndpointDialog dialog(*m_client, u"iris"_s);
        QTRY_COMPARE(dialog.aliasesEdit()->text(), u"assistant, gpt-4o"_s);
        dialog.aliasesEdit()->setText(u"assistant, v1"_s);
        QVERIFY(!applied(dialog));
        QVERIFY(dialog.errorLabel()->isVisibleTo(&dialog));
        QVERIFY2(dialog.errorLabel()->text().contains(u"InvalidArgument"_s) && dialog.errorLabel()->text().contains(u"'v1' is reserved"_s),
                 qPrintable(dialog.errorLabel()->text()));
        QCOMPARE(service().endpointInfo(u"iris"_s)->endpoint.aliases, (QStringList{u"assistant"_s, u"gpt-4o"_s}));
    }

    void screenshot()
    {
        ModifyEndpointDialog dialog(*m_client, u"iris"_s);
        QTRY_COMPARE(dialog.versionEdit()->text(), u"v1"_s);
        dialog.versionEdit()->setText(u"v2"_s);
        dialog.folderEdit()->setText(u"iris-v2"_s);
        dialog.strategyBox()->setCurrentIndex(dialog.strategyBox()->findData(int(RolloutStrategy::Canary)));
        dialog.canaryBox()->setValue(20);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        const QString failed = UiTest::saveScreenshot(dialog, u"modify-rollout"_s);
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        QVERIFY(dialog.canaryBox()->isEnabled());
    }
};

QTEST_MAIN(TestModifyEndpointDialog)
#include "test_modifyendpointdialog.moc"
