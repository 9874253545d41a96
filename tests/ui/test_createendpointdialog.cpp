// The create-endpoint dialog over a real, in-process control plane: Ctrl+N opens it, Check runs
// the service's dry run and shows every problem in place with Deploy kept disabled, a good
// folder shows the resource estimate and enables Deploy until an input changes, and Deploy
// creates the endpoint, which the endpoint table then shows and selects.
#include <memory>

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QSignalSpy>
#include <QTest>

#include "ui/endpoints/createendpointdialog.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/mainwindow.h"
#include "ui/common/prompt.h"
#include "ui/common/theme.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

class TestCreateEndpointDialog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void opensWithDeployDisabled();
    void checkShowsEveryProblemInPlace_data();
    void checkShowsEveryProblemInPlace();
    void goodFolderShowsTheEstimateAndDeploys();
    void refusedDeployIsShownInPlace();
    void screenshot();
    void gpuMemoryIsAskedAndChecked();

private:
    ModelServingService &service() { return m_plane->service(); }
    template<typename T>
    T *field(const QString &name) const
    {
        T *found = m_dialog->findChild<T *>(name);
        if (!found)
            qFatal("no %s in the dialog", qPrintable(name));
        return found;
    }
    void fill(const QString &name, const QString &version, const QString &folder, int replicas);
    QStringList problemTypes() const;
    QString estimate(int row, int column) const
    {
        return field<QLabel>(u"estimate_%1_%2"_s.arg(row).arg(column))->text();
    }
    QStringList shownNames() const;
    // Check as the button does; whether the answer found nothing wrong.
    bool checkPasses()
    {
        QSignalSpy checked(m_dialog.data(), &CreateEndpointDialog::checked);
        m_dialog->check();
        if (checked.isEmpty() && !checked.wait(10000))
            return false;
        return checked.first().first().toBool();
    }
    // Deploy that must not leave the dialog: nothing in flight, no answer.
    void deployIsRefusedInPlace()
    {
        QSignalSpy answered(m_dialog.data(), &CreateEndpointDialog::deployAnswered);
        m_dialog->deploy();
        QVERIFY(!m_dialog->isBusy());
        QCOMPARE(answered.count(), 0);
    }

    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<QTemporaryDir> m_folders;
    std::unique_ptr<ControlPlane> m_plane;
    std::unique_ptr<MainWindow> m_window;
    QPointer<CreateEndpointDialog> m_dialog;
};

void TestCreateEndpointDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    UiTest::clearSettings();
    QVERIFY2(!qEnvironmentVariableIsEmpty("SERVEDECK_SOURCE_DIR"), "SERVEDECK_SOURCE_DIR names the source tree");
    m_dataDir = std::make_unique<QTemporaryDir>();
    m_folders = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dataDir->isValid() && m_folders->isValid());
    m_plane = std::make_unique<ControlPlane>();
    auto started = m_plane->start(UiTest::planeOptions(m_dataDir->path()));
    QVERIFY2(started, started ? "" : UiTest::why(started.error()).constData());
    UiTest::create(service(), u"iris-classifier"_s);

    // A folder with nothing in it, and one whose definition names a file it lacks.
    const QDir folders(m_folders->path());
    QVERIFY(folders.mkdir(u"empty"_s));
    QVERIFY(folders.mkdir(u"no-weights"_s));
    QVERIFY(QFile::copy(QDir(UiTest::modelsDir()).filePath(u"iris-v1/model-definition.yaml"_s),
                        folders.filePath(u"no-weights/model-definition.yaml"_s)));

    m_window = std::make_unique<MainWindow>(*m_plane);
    m_window->resize(1100, 700);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
}

void TestCreateEndpointDialog::cleanupTestCase()
{
    m_window.reset();
    m_plane.reset();
    m_dataDir.reset();
}

void TestCreateEndpointDialog::init()
{
    // Ctrl+N from wherever the operator is; the dialog closed last left the window to activate.
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    m_window->showView(MainWindow::View::Errors);
    QTest::keyClick(m_window.get(), Qt::Key_N, Qt::ControlModifier);
    QTRY_VERIFY(m_window->findChild<CreateEndpointDialog *>());
    m_dialog = m_window->findChild<CreateEndpointDialog *>();
    QTRY_VERIFY(m_dialog->isVisible());
}

void TestCreateEndpointDialog::cleanup()
{
    if (m_dialog)
        m_dialog->reject();
    QTRY_VERIFY(!m_dialog);  // deleted on close
}

void TestCreateEndpointDialog::fill(const QString &name, const QString &version, const QString &folder, int replicas)
{
    for (const auto &[objectName, text] : {std::pair{u"name"_s, name}, std::pair{u"modelVersion"_s, version},
                                           std::pair{u"modelFolder"_s, folder}}) {
        auto *edit = field<QLineEdit>(objectName);
        edit->clear();
        QTest::keyClicks(edit, text);
    }
    field<QSpinBox>(u"replicas"_s)->setValue(replicas);
}

QStringList TestCreateEndpointDialog::problemTypes() const
{
    QStringList types;
    auto *list = field<QListWidget>(u"problems"_s);
    for (int i = 0; i < list->count(); ++i)
        types << list->item(i)->data(Qt::UserRole).toString();
    return types;
}

QStringList TestCreateEndpointDialog::shownNames() const
{
    const QAbstractItemModel *model = m_window->endpointView()->model();
    QStringList names;
    for (int row = 0; row < model->rowCount(); ++row)
        names << model->index(row, EndpointListModel::Name).data().toString();
    return names;
}

void TestCreateEndpointDialog::opensWithDeployDisabled()
{
    QVERIFY(m_dialog->isModal() || m_dialog->windowModality() != Qt::NonModal);
    QVERIFY(!field<QPushButton>(u"deploy"_s)->isEnabled());
    QVERIFY(field<QPushButton>(u"check"_s)->isEnabled());
    QCOMPARE(field<QListWidget>(u"problems"_s)->count(), 0);
    // Deploy cannot be forced past the check either.
    deployIsRefusedInPlace();
}

void TestCreateEndpointDialog::checkShowsEveryProblemInPlace_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("version");
    QTest::addColumn<QString>("folder");
    QTest::addColumn<int>("replicas");
    QTest::addColumn<QStringList>("problems");

    const QString missing = QDir(m_folders->path()).filePath(u"no-such-folder"_s);
    QTest::newRow("folder does not exist") << u"text-classifier"_s << u"v1"_s << missing << 1
                                           << QStringList{u"ModelFileNotFound"_s};
    QTest::newRow("folder without a definition") << u"text-classifier"_s << u"v1"_s
                                                 << QDir(m_folders->path()).filePath(u"empty"_s) << 1
                                                 << QStringList{u"ModelFileNotFound"_s};
    QTest::newRow("definition names a missing file") << u"text-classifier"_s << u"v1"_s
                                                     << QDir(m_folders->path()).filePath(u"no-weights"_s) << 1
                                                     << QStringList{u"ModelFileNotFound"_s};
    QTest::newRow("bad name and bad folder") << u"Text_Classifier"_s << u"v1"_s << missing << 1
                                             << QStringList{u"InvalidArgument"_s, u"ModelFileNotFound"_s};
    QTest::newRow("no version") << u"text-classifier"_s << QString() << u"iris-v1"_s << 1
                                << QStringList{u"InvalidArgument"_s};
    QTest::newRow("more than fits") << u"text-classifier"_s << u"v1"_s << u"iris-v1"_s << 20
                                    << QStringList{u"InsufficientResources"_s};
    QTest::newRow("name taken") << u"iris-classifier"_s << u"v2"_s << u"iris-v1"_s << 1
                                << QStringList{u"ModelAlreadyExists"_s};
}

void TestCreateEndpointDialog::checkShowsEveryProblemInPlace()
{
    QFETCH(QString, name);
    QFETCH(QString, version);
    QFETCH(QString, folder);
    QFETCH(int, replicas);
    QFETCH(QStringList, problems);

    fill(name, version, folder, replicas);
    QTest::mouseClick(field<QPushButton>(u"check"_s), Qt::LeftButton);
    QCOMPARE(problemTypes(), problems);
    QVERIFY(field<QListWidget>(u"problems"_s)->isVisible());
    QVERIFY(!field<QPushButton>(u"deploy"_s)->isEnabled());
    QVERIFY(field<QLabel>(u"checkStatus"_s)->text().contains(u"problem"_s));
    if (problems.contains(u"ModelFileNotFound"_s) && folder.endsWith(u"no-weights"_s))
        QVERIFY(field<QListWidget>(u"problems"_s)->item(0)->text().contains(u"iris.csv"_s));
    if (problems.contains(u"InsufficientResources"_s)) {
        // The total that does not fit is marked where it is shown.
        QCOMPARE(estimate(1, 1), u"20"_s);
        QVERIFY(field<QLabel>(u"estimate_1_1"_s)->styleSheet().contains(Theme::color(Theme::Role::Error).name()));
    }
    deployIsRefusedInPlace();
    QCOMPARE(shownNames(), QStringList{u"iris-classifier"_s});
}

void TestCreateEndpointDialog::goodFolderShowsTheEstimateAndDeploys()
{
    fill(u"text-classifier"_s, u"v2"_s, {}, 2);
    Prompt::setNextFileName(QDir(UiTest::modelsDir()).filePath(u"iris-v1"_s));
    QTest::mouseClick(field<QPushButton>(u"browse"_s), Qt::LeftButton);
    QCOMPARE(field<QLineEdit>(u"modelFolder"_s)->text(), QDir::toNativeSeparators(QDir(UiTest::modelsDir()).filePath(u"iris-v1"_s)));
    field<QDoubleSpinBox>(u"cpu"_s)->setValue(2);
    field<QDoubleSpinBox>(u"memory"_s)->setValue(0.5);
    field<QCheckBox>(u"public"_s)->setChecked(true);

    QTest::mouseClick(field<QPushButton>(u"check"_s), Qt::LeftButton);
    QCOMPARE(problemTypes(), QStringList());
    QVERIFY(field<QPushButton>(u"deploy"_s)->isEnabled());
    QVERIFY2(field<QLabel>(u"checkStatus"_s)->text().contains(u"iris-classifier"_s),
             qPrintable(field<QLabel>(u"checkStatus"_s)->text()));
    // Per replica, total, and what is free: 8 CPUs and 16 GiB less iris-classifier's 1 and 1 GiB.
    QCOMPARE(estimate(0, 1), u"2"_s);
    QCOMPARE(estimate(0, 2), formatMemorySize(qint64(512) << 20));
    QCOMPARE(estimate(1, 1), u"4"_s);
    QCOMPARE(estimate(1, 2), formatMemorySize(qint64(1) << 30));
    QCOMPARE(estimate(2, 1), u"7"_s);
    QCOMPARE(estimate(2, 2), formatMemorySize(qint64(15) << 30));
    QCOMPARE(estimate(2, 3), QString::number(service().config().capacity.total.gpu, 'g', 4));

    // What was checked is what deploys: any change needs a new check.
    field<QSpinBox>(u"replicas"_s)->setValue(3);
    QVERIFY(!field<QPushButton>(u"deploy"_s)->isEnabled());
    deployIsRefusedInPlace();
    QVERIFY(checkPasses());
    QCOMPARE(estimate(1, 1), u"6"_s);
    QVERIFY(field<QPushButton>(u"deploy"_s)->isEnabled());

    QTest::mouseClick(field<QPushButton>(u"deploy"_s), Qt::LeftButton);
    QTRY_VERIFY(!m_dialog);
    auto info = service().endpointInfo(u"text-classifier"_s);
    QVERIFY(info);
    QCOMPARE(info->endpoint.modelVersion, u"v2"_s);
    QCOMPARE(info->endpoint.replicas, 3);
    QCOMPARE(info->endpoint.resourceSlots.cpu, 2.0);
    QCOMPARE(info->endpoint.resourceSlots.memoryBytes, qint64(512) << 20);
    QVERIFY(info->endpoint.isPublic);
    // The table shows it, on the endpoints view, selected.
    QCOMPARE(m_window->currentView(), MainWindow::View::Endpoints);
    QTRY_COMPARE(shownNames(), (QStringList{u"iris-classifier"_s, u"text-classifier"_s}));
    QCOMPARE(m_window->selectedEndpoint(), info->endpoint.id);
}

void TestCreateEndpointDialog::refusedDeployIsShownInPlace()
{
    fill(u"racer"_s, u"v1"_s, u"iris-v2"_s, 1);
    QVERIFY(checkPasses());
    // Someone else takes the name between the check and the deploy.
    UiTest::create(service(), u"racer"_s, u"iris-v2"_s);
    QTest::mouseClick(field<QPushButton>(u"deploy"_s), Qt::LeftButton);
    QVERIFY(m_dialog);
    QVERIFY(m_dialog->isVisible());
    QCOMPARE(problemTypes(), QStringList{u"ModelAlreadyExists"_s});
    QVERIFY(!field<QPushButton>(u"deploy"_s)->isEnabled());
}

// GPU memory per replica goes into the request and the estimate; this console has no GPU, so
// the check says so by name and Deploy stays closed. (After the screenshot, which frees capacity.)
void TestCreateEndpointDialog::gpuMemoryIsAskedAndChecked()
{
    fill(u"llm"_s, u"v1"_s, u"iris-v1"_s, 1);
    field<QDoubleSpinBox>(u"gpuMemory"_s)->setValue(10);
    QCOMPARE(m_dialog->request().resourceSlots.gpuMemoryBytes, qint64(10) << 30);
    QVERIFY(!checkPasses());
    QCOMPARE(problemTypes(), QStringList{u"InsufficientResources"_s});
    QVERIFY2(field<QListWidget>(u"problems"_s)->item(0)->text().contains(u"no GPU for a replica that needs 10 GiB of GPU memory"_s),
             qPrintable(field<QListWidget>(u"problems"_s)->item(0)->text()));
    QCOMPARE(estimate(0, 4), u"10G"_s);
    QCOMPARE(estimate(1, 4), u"10G"_s);  // the total, for one replica
    QVERIFY(!field<QPushButton>(u"deploy"_s)->isEnabled());
    const QString failed = UiTest::saveScreenshot(*m_dialog, u"create-endpoint-gpu-memory"_s);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    // None again: a CPU endpoint passes.
    field<QDoubleSpinBox>(u"gpuMemory"_s)->setValue(0);
    QCOMPARE(m_dialog->request().resourceSlots.gpuMemoryBytes, qint64(0));
    QVERIFY(checkPasses());
}

void TestCreateEndpointDialog::screenshot()
{
    // Back to the one demo endpoint, so the estimate reads like a fresh console's.
    QVERIFY(service().deleteEndpoint(u"text-classifier"_s));
    QVERIFY(service().deleteEndpoint(u"racer"_s));
    fill(u"sentiment-analyzer"_s, u"v1.0"_s, u"iris-v1"_s, 2);
    field<QDoubleSpinBox>(u"memory"_s)->setValue(2);
    QVERIFY(checkPasses());
    const QString failed = UiTest::saveScreenshot(*m_dialog, u"create-endpoint"_s);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    // What it shows: two replicas of one core in the total, no problems, Deploy open.
    QCOMPARE(estimate(1, 1), u"2"_s);
    QCOMPARE(problemTypes(), QStringList());
    QVERIFY(field<QPushButton>(u"deploy"_s)->isEnabled());
}

QTEST_MAIN(TestCreateEndpointDialog)
#include "test_createendpointdialog.moc"
