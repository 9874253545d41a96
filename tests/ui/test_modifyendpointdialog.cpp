// The modify dialog against a real embedded core: only what changed is sent, a new version is a
// new revision with its canary share, and a refusal (capacity) shows in place and changes nothing.
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
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

    void newVersionIsARevisionWithItsCanaryShare()
    {
        ModifyEndpointDialog dialog(*m_client, u"iris"_s);
        QCOMPARE(dialog.versionEdit()->text(), u"v1"_s);
        dialog.versionEdit()->setText(u"v2"_s);
        QVERIFY(applied(dialog));
        const auto info = service().endpointInfo(u"iris"_s);
        QCOMPARE(info->endpoint.modelVersion, u"v2"_s);
        QCOMPARE(info->revisions.size(), 2);
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
};

QTEST_MAIN(TestModifyEndpointDialog)
#include "test_modifyendpointdialog.moc"
