// Help > Demo against an in-process plane with real replicas, on a control thread of its own as the
// console runs it (every look at the service goes through the client too): the first steps run one
// Next at a time and the endpoint exists in the service; Cancel and closing the window delete it;
// an endpoint of the operator's under the demo's name is refused and left as it was.
#include <optional>

#include <QDeadlineTimer>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "demo/demotour.h"
#include "plane/controlclient.h"
#include "service/modelservingservice.h"
#include "ui/demo/demodialog.h"
#include "ui/mainwindow.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {
constexpr int kWaitMs = 30000;
const QString kName = u"demo-iris"_s;
}

class TestDemoDialog final : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<ControlClient> m_client;

    // Runs work on the plane's thread and waits (bounded) for its answer here.
    template<typename Work>
    auto ask(Work work)
    {
        using Answer = std::invoke_result_t<Work &, ModelServingService &>;
        std::optional<Answer> answer;
        m_client->call(this, std::move(work), [&answer](Answer a) { answer = std::move(a); });
        QDeadlineTimer deadline(kWaitMs);
        while (!answer && !deadline.hasExpired())
            QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        if (!answer)
            qFatal("the control thread did not answer within %d ms", kWaitMs);
        return std::move(*answer);
    }
    // The demo endpoint as the service sees it: found and live, or why not.
    QString demoEndpoint()
    {
        return ask([](ModelServingService &service) {
            const auto info = service.endpointInfo(kName);
            if (!info)
                return info.error().typeName();
            return info->endpoint.isLive() ? u"live"_s : u"not live"_s;
        });
    }
    static DemoTourOptions options()
    {
        DemoTourOptions o;
        o.pauseBetweenSteps = true;
        o.stepTimeoutMs = kWaitMs;
        return o;
    }
    static DemoStep::State state(const DemoDialog &dialog, int step) { return dialog.tour()->steps().at(step).state; }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        UiTest::clearSettings();
    }

    void init()
    {
        m_dataDir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dataDir->isValid());
        ControlPlaneOptions o = UiTest::planeOptions(m_dataDir->path());
        o.runReplicas = true;
        o.reconcileIntervalMs = 200;
        o.autoscaleIntervalMs = 250;
        m_client = std::make_unique<ControlClient>();
        auto started = m_client->start(o);
        QVERIFY2(started, started ? "" : UiTest::why(started.error()).constData());
        QVERIFY(m_client->ownsThread());
    }

    void cleanup()
    {
        m_client.reset();
        m_dataDir.reset();
    }

    // Start, then Next: the deploy and the traffic step pass one at a time, the endpoint lives in
    // the service meanwhile; Cancel skips the rest and deletes it.
    void firstStepsThenCancelCleansUp()
    {
        DemoDialog dialog(*m_client, options());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCOMPARE(dialog.nextButton()->text(), u"Start"_s);
        QCOMPARE(demoEndpoint(), u"NotFound"_s);

        QTest::mouseClick(dialog.nextButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(state(dialog, DemoTour::Deploy), DemoStep::State::Ok, kWaitMs);
        QCOMPARE(demoEndpoint(), u"live"_s);
        QCOMPARE(state(dialog, DemoTour::Traffic), DemoStep::State::Pending);  // waits for Next
        QTRY_VERIFY_WITH_TIMEOUT(dialog.nextButton()->isEnabled(), kWaitMs);
        QVERIFY2(dialog.stepList()->item(0)->text().endsWith(u"ok"_s), qPrintable(dialog.stepList()->item(0)->text()));
        QVERIFY2(dialog.resultLabel()->text().contains(u"2 of 2 replicas healthy"_s), qPrintable(dialog.resultLabel()->text()));

        QTest::mouseClick(dialog.nextButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(state(dialog, DemoTour::Traffic), DemoStep::State::Ok, kWaitMs);
        QCOMPARE(dialog.explanationLabel()->text(), dialog.tour()->steps().at(DemoTour::Traffic).explanation);
        const QString shot = UiTest::saveScreenshot(dialog, u"demodialog"_s);
        QVERIFY2(shot.isEmpty(), qPrintable(shot));

        QTest::mouseClick(dialog.cancelButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(dialog.tour()->isFinished(), kWaitMs);
        QCOMPARE(demoEndpoint(), u"NotFound"_s);
        for (int step : {DemoTour::Autoscale, DemoTour::Canary, DemoTour::KillReplica})
            QCOMPARE(state(dialog, step), DemoStep::State::Skipped);
        QCOMPARE(state(dialog, DemoTour::CleanUp), DemoStep::State::Ok);
        QVERIFY(!dialog.tour()->succeeded());
        QVERIFY(!dialog.nextButton()->isEnabled());
    }

    // Closing the window while the replicas still start: the endpoint is deleted all the same.
    void closingCleansUp()
    {
        {
            auto *dialog = new DemoDialog(*m_client, options());
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            dialog->show();
            QTest::mouseClick(dialog->nextButton(), Qt::LeftButton);
            QTRY_COMPARE_WITH_TIMEOUT(demoEndpoint(), u"live"_s, kWaitMs);
            QVERIFY(dialog->close());
        }
        QTRY_COMPARE_WITH_TIMEOUT(demoEndpoint(), u"NotFound"_s, kWaitMs);
    }

    // Help > Demo in the console's window opens the dialog on the window's own client; Help >
    // About ServeDeck is there beside it.
    void helpMenuOpensTheDemo()
    {
        MainWindow window(*m_client);
        QMenu *help = nullptr;
        for (QAction *menu : window.menuBar()->actions()) {
            if (menu->text() == u"&Help"_s)
                help = menu->menu();
        }
        QVERIFY(help);
        QStringList texts;
        for (QAction *a : help->actions())
            texts << a->text();
        QCOMPARE(texts, (QStringList{u"Demo…"_s, u"About ServeDeck"_s}));
        help->actions().constFirst()->trigger();
        auto *dialog = window.findChild<DemoDialog *>();
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QVERIFY(dialog->testAttribute(Qt::WA_DeleteOnClose));
        QCOMPARE(dialog->tour()->current(), -1);  // nothing runs before Start
        QVERIFY(dialog->close());
        QTRY_VERIFY_WITH_TIMEOUT(!window.findChild<DemoDialog *>(), kWaitMs);
        QCOMPARE(demoEndpoint(), u"NotFound"_s);
    }

    // The operator's own demo-iris: the tour refuses at once and leaves it alone.
    void existingEndpointIsNotTouched()
    {
        const Endpoint mine = ask([](ModelServingService &service) { return UiTest::create(service, kName); });
        DemoDialog dialog(*m_client, options());
        dialog.show();
        QTest::mouseClick(dialog.nextButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(dialog.tour()->isFinished(), kWaitMs);
        QCOMPARE(state(dialog, DemoTour::Deploy), DemoStep::State::Failed);
        const QString why = dialog.tour()->steps().at(DemoTour::Deploy).detail;
        QVERIFY2(why.contains(u"exists already"_s), qPrintable(why));
        QCOMPARE(state(dialog, DemoTour::CleanUp), DemoStep::State::Ok);
        const auto still = ask([](ModelServingService &service) { return service.endpointInfo(kName); });
        QVERIFY(still.ok());
        QCOMPARE(still->endpoint.id, mine.id);
        QVERIFY(still->endpoint.isLive());
        QCOMPARE(still->endpoint.replicas, 1);
        QVERIFY2(dialog.resultLabel()->text().contains(u"Deploy iris v1"_s), qPrintable(dialog.resultLabel()->text()));
    }
};

QTEST_MAIN(TestDemoDialog)
#include "test_demodialog.moc"
