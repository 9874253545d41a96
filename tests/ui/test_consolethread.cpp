// The console's arrangement, as app/guicommand.cpp makes it: the control plane made, started, run
// and stopped on a control thread of its own, the window reaching it only through ControlClient.
// A suite of its own: QtKeychain keeps its job queue on the first thread that uses it, so the
// plane in a process must always start on the same thread (here, as in the console, the
// control thread).
#include <cerrno>
#include <memory>
#include <optional>

#include <signal.h>

#include <QCheckBox>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include "plane/controlclient.h"
#include "service/modelservingservice.h"
#include "ui/endpoints/createendpointdialog.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/endpoints/modifyendpointdialog.h"
#include "ui/endpoints/scaledialog.h"
#include "ui/mainwindow.h"
#include "ui/common/endpointselector.h"
#include "ui/tokens/tokenview.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;
using UiTest::why;

namespace {

using Column = EndpointListModel::Column;
constexpr QSize kScreenshotSize(1100, 700);

} // namespace

class TestConsoleThread final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        UiTest::clearSettings();
    }
    void actionsGoToTheCoreAndBack();
};

// Scale, New endpoint and Modify go from the click to the core on the control thread, and back
// to the view.
void TestConsoleThread::actionsGoToTheCoreAndBack()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QThread *const guiThread = QThread::currentThread();
    ControlPlaneOptions options = UiTest::planeOptions(dir.path());
    // Real replicas, so that stopping the plane on its thread can be seen to stop them.
    options.runReplicas = true;
    options.reconcileIntervalMs = 200;
    auto owned = std::make_unique<ControlClient>();
    ControlClient &client = *owned;
    QList<qint64> pids;  // the replicas' processes, as the last sample saw them
    connect(&client, &ControlClient::sampled, this, [&pids](const PlaneSample &sample) {
        pids.clear();
        for (const AgentStatus &agent : sample.agents) {
            for (const ReplicaStatus &replica : agent.replicas) {
                if (replica.pid > 0)
                    pids << replica.pid;
            }
        }
    });
    auto started = client.start(options);
    QVERIFY2(started, started ? "" : why(started.error()).constData());
    QVERIFY(client.ownsThread());
    QCOMPARE(client.facts().dataDir, dir.path());

    // Set-up through the client too: the service is not this thread's to call.
    QObject context;
    std::optional<Result<Endpoint>> made;
    QThread *workThread = nullptr;
    client.call(
        &context,
        [&workThread](ModelServingService &s) {
            workThread = QThread::currentThread();
            CreateEndpointRequest r;
            r.name = u"threaded"_s;
            r.modelVersion = u"v1"_s;
            r.modelFolder = u"iris-v1"_s;
            r.replicas = 1;
            r.resourceSlots = ResourceSlots{1, qint64(1) << 30, 0};
            return s.createEndpoint(r);
        },
        [&made](Result<Endpoint> created) { made = std::move(created); });
    QVERIFY(!made);  // answered later, on this thread's event loop
    QTRY_VERIFY_WITH_TIMEOUT(made.has_value(), 10000);
    QVERIFY2(*made, made->ok() ? "" : why(made->error()).constData());
    QVERIFY(workThread);
    QVERIFY(workThread != guiThread);

    auto window = std::make_unique<MainWindow>(client);
    window->resize(kScreenshotSize);
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    const QAbstractItemModel *model = window->endpointView()->model();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, 10000);
    QCOMPARE(model->index(0, Column::Name).data().toString(), u"threaded"_s);
    QCOMPARE(model->index(0, Column::Replicas).data().toString(), u"1"_s);

    window->endpointView()->selectRow(0);
    window->scaleAction()->trigger();
    QPointer<ScaleDialog> dialog = window->findChild<ScaleDialog *>();
    QVERIFY(dialog);
    // Busy until the current figures arrive from the control thread.
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isBusy(), 10000);
    QCOMPARE(dialog->replicasBox()->value(), 1);
    dialog->replicasBox()->setValue(2);
    dialog->apply();
    QVERIFY(dialog->isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(!dialog, 10000);

    // The core has it...
    std::optional<Result<EndpointInfo>> info;
    client.call(
        &context, [](ModelServingService &s) { return s.endpointInfo(u"threaded"_s); },
        [&info](Result<EndpointInfo> answer) { info = std::move(answer); });
    QTRY_VERIFY_WITH_TIMEOUT(info.has_value(), 10000);
    QVERIFY(*info);
    QCOMPARE((*info)->endpoint.replicas, 2);
    // ...and the view shows it, from the plane's event.
    QTRY_COMPARE_WITH_TIMEOUT(model->index(0, Column::Replicas).data().toString(), u"2"_s, 10000);

    // New endpoint: Check and Deploy are busy while their requests are on their way, and never
    // block; the created endpoint reaches the core, then its row arrives and is selected.
    window->newEndpointAction()->trigger();
    QPointer<CreateEndpointDialog> create = window->findChild<CreateEndpointDialog *>();
    QVERIFY(create);
    QTRY_VERIFY(create->isVisible());
    create->findChild<QLineEdit *>(u"name"_s)->setText(u"made-here"_s);
    create->findChild<QLineEdit *>(u"modelVersion"_s)->setText(u"v1"_s);
    create->findChild<QLineEdit *>(u"modelFolder"_s)->setText(u"iris-v1"_s);
    create->findChild<QSpinBox *>(u"replicas"_s)->setValue(0);
    auto *check = create->findChild<QPushButton *>(u"check"_s);
    auto *deploy = create->findChild<QPushButton *>(u"deploy"_s);
    QSignalSpy checked(create.data(), &CreateEndpointDialog::checked);
    QTest::mouseClick(check, Qt::LeftButton);
    QVERIFY(create->isBusy());
    QVERIFY(!check->isEnabled());
    QVERIFY(!deploy->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(checked.count(), 1, 10000);
    QCOMPARE(checked.first().first().toBool(), true);
    QVERIFY(!create->isBusy());
    QVERIFY(deploy->isEnabled());
    QTest::mouseClick(deploy, Qt::LeftButton);
    QVERIFY(create->isBusy());
    QVERIFY(!deploy->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(!create, 10000);
    std::optional<Result<EndpointInfo>> made2;
    client.call(
        &context, [](ModelServingService &s) { return s.endpointInfo(u"made-here"_s); },
        [&made2](Result<EndpointInfo> answer) { made2 = std::move(answer); });
    QTRY_VERIFY_WITH_TIMEOUT(made2.has_value(), 10000);
    QVERIFY2(*made2, made2->ok() ? "" : why(made2->error()).constData());
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(window->selectedEndpoint(), (*made2)->endpoint.id, 10000);

    // Modify: its fields wait for the current values, then the change reaches the core.
    const QModelIndexList names = model->match(model->index(0, Column::Name), Qt::DisplayRole, u"threaded"_s);
    QCOMPARE(names.size(), 1);
    window->endpointView()->selectRow(names.first().row());
    window->modifyAction()->trigger();
    QPointer<ModifyEndpointDialog> modify = window->findChild<ModifyEndpointDialog *>();
    QVERIFY(modify);
    QVERIFY(modify->isBusy());
    QVERIFY(!modify->replicasBox()->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(!modify->isBusy(), 10000);
    QCOMPARE(modify->replicasBox()->value(), 2);
    QVERIFY(!modify->publicBox()->isChecked());
    modify->publicBox()->setChecked(true);
    modify->apply();
    QVERIFY(modify->isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(!modify, 10000);
    std::optional<Result<EndpointInfo>> modified;
    client.call(
        &context, [](ModelServingService &s) { return s.endpointInfo(u"threaded"_s); },
        [&modified](Result<EndpointInfo> answer) { modified = std::move(answer); });
    QTRY_VERIFY_WITH_TIMEOUT(modified.has_value(), 10000);
    QVERIFY(*modified);
    QVERIFY((*modified)->endpoint.isPublic);
    QCOMPARE((*modified)->endpoint.replicas, 2);

    // Tokens: while one is being made, the endpoint cannot be switched, so the secret that
    // comes back is shown under the endpoint it was made for.
    window->showView(MainWindow::View::Tokens);
    TokenView *tokens = window->tokenView();
    tokens->endpointSelector()->setCurrentEndpoint((*info)->endpoint.id);
    QTRY_VERIFY_WITH_TIMEOUT(tokens->findChild<QPushButton *>(u"generate"_s)->isEnabled(), 10000);
    QSignalSpy generated(tokens, &TokenView::generateAnswered);
    tokens->generate();
    QVERIFY(tokens->isGenerating());
    QVERIFY(!tokens->endpointSelector()->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(generated.count(), 1, 10000);
    QVERIFY(generated.first().first().toBool());
    QVERIFY(tokens->endpointSelector()->isEnabled());
    QCOMPARE(tokens->endpointSelector()->currentEndpoint(), (*info)->endpoint.id);
    QVERIFY(!tokens->token().isEmpty());
    std::optional<Result<QList<TokenGrant>>> grants;
    client.call(
        &context, [](ModelServingService &s) { return s.listTokens(u"threaded"_s); },
        [&grants](Result<QList<TokenGrant>> answer) { grants = std::move(answer); });
    QTRY_VERIFY_WITH_TIMEOUT(grants.has_value(), 10000);
    QVERIFY(*grants);
    QCOMPARE((*grants)->size(), 1);

    // Both replicas run; closing the console stops them on the control thread before it ends.
    QTRY_COMPARE_WITH_TIMEOUT(pids.size(), 2, 30000);
    const QList<qint64> running = pids;
    window.reset();
    owned.reset();
    for (const qint64 pid : running)
        QVERIFY2(::kill(pid_t(pid), 0) != 0 && errno == ESRCH, qPrintable(u"replica %1 still runs"_s.arg(pid)));
}

QTEST_MAIN(TestConsoleThread)
#include "test_consolethread.moc"
