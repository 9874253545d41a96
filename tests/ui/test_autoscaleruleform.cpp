// The autoscaling view over a real, in-process control plane: the rule form reads its rule back
// as a sentence while it is typed, refuses bad values next to the field with submit disabled,
// creates and edits rules that the rule list shows live, shows the service's ConflictingRules
// in place naming the rule in the way, and the scale events arrive newest first with counts.
// For an endpoint of a runtime preset it offers that runtime's metrics by name (Ollama: none).
#include <algorithm>
#include <memory>

#include <QAbstractItemModelTester>
#include <QAbstractItemView>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

#include "ui/autoscale/autoscaleruleform.h"
#include "ui/autoscale/autoscaleview.h"
#include "ui/common/displayformat.h"
#include "ui/common/endpointselector.h"
#include "ui/mainwindow.h"
#include "ui/common/prompt.h"
#include "ui/autoscale/rulelistmodel.h"
#include "ui/autoscale/scaleeventmodel.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr QSize kScreenshotSize(1100, 700);

} // namespace

class TestAutoscaleRuleForm final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void unitOf_data();
    void unitOf();
    void sentenceFollowsTheFields_data();
    void sentenceFollowsTheFields();
    void minAboveMaxIsRefusedInPlace();
    void zeroStepIsRefusedUnlessTargetPerReplica();
    void badMetricNameIsRefusedInPlace();
    void validRuleAppearsInTheList();
    void conflictingRuleIsShownInPlace_data();
    void conflictingRuleIsShownInPlace();
    void editingChangesTheRuleInPlace();
    void offersTheRuntimesMetrics();
    void scaleEventsNewestFirstWithCounts();
    void screenshot();
    void deleteAsksFirst();

private:
    ModelServingService &service() { return m_plane->service(); }
    AutoscaleView *view() const { return m_window->autoscaleView(); }
    AutoscaleRuleForm *form() const { return view()->ruleForm(); }
    template<typename T>
    T *field(const QString &name) const
    {
        T *found = form()->findChild<T *>(name);
        if (!found)
            qFatal("no %s in the rule form", qPrintable(name));
        return found;
    }
    QLabel *error(const QString &name) const { return field<QLabel>(name); }
    QPushButton *submit() const { return field<QPushButton>(u"submit"_s); }
    void setMetric(const QString &metric) const;
    void setComparator(const QString &symbol) const;

    // An endpoint of a runtime preset on a bare folder holding these files (its program is a
    // stub in the tools dir: no replica runs in these suites).
    Endpoint createWithRuntime(const QString &name, const QString &variant, const QStringList &files);
    void pickMetric(const QString &metric) const;

    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<QTemporaryDir> m_tools;
    std::unique_ptr<ControlPlane> m_plane;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<QAbstractItemModelTester> m_ruleTester;
    std::unique_ptr<QAbstractItemModelTester> m_eventTester;
    Endpoint m_endpoint;
    QUuid m_firstRule;
};

void TestAutoscaleRuleForm::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    UiTest::clearSettings();
    QVERIFY2(!qEnvironmentVariableIsEmpty("SERVEDECK_SOURCE_DIR"), "SERVEDECK_SOURCE_DIR names the source tree");
    m_dataDir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dataDir->isValid());
    m_tools = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tools->isValid());
    for (const QString &program : {u"vllm"_s, u"ollama"_s}) {
        QFile stub(m_tools->filePath(program));
        QVERIFY(stub.open(QIODevice::WriteOnly));
        stub.write("#!/bin/sh\nexit 0\n");
        stub.close();
        QVERIFY(stub.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    }
    m_plane = std::make_unique<ControlPlane>();
    ControlPlaneOptions options = UiTest::planeOptions(m_dataDir->path());
    options.toolsDirs = {m_tools->path()};
    auto started = m_plane->start(options);
    QVERIFY2(started, started ? "" : UiTest::why(started.error()).constData());
    UiTest::create(service(), u"iris-classifier"_s);
    m_endpoint = UiTest::create(service(), u"sentiment-analyzer"_s);

    m_window = std::make_unique<MainWindow>(*m_plane);
    m_ruleTester = std::make_unique<QAbstractItemModelTester>(view()->ruleModel(),
                                                              QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_eventTester = std::make_unique<QAbstractItemModelTester>(view()->eventModel(),
                                                               QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_window->showView(MainWindow::View::Autoscaling);
    view()->endpointSelector()->setCurrentEndpoint(m_endpoint.id);
    m_window->resize(kScreenshotSize);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestAutoscaleRuleForm::cleanupTestCase()
{
    m_eventTester.reset();
    m_ruleTester.reset();
    m_window.reset();
    m_plane.reset();
    m_dataDir.reset();
}

void TestAutoscaleRuleForm::init()
{
    QCOMPARE(view()->endpointSelector()->currentEndpoint(), m_endpoint.id);
}

void TestAutoscaleRuleForm::setMetric(const QString &metric) const
{
    auto *box = field<QComboBox>(u"metric"_s);
    box->lineEdit()->selectAll();
    box->setFocus();
    QTest::keyClicks(box->lineEdit(), metric);
    QCOMPARE(box->currentText(), metric);
}

Endpoint TestAutoscaleRuleForm::createWithRuntime(const QString &name, const QString &variant, const QStringList &files)
{
    const QString folder = m_dataDir->filePath(name);
    for (const QString &file : files) {
        QDir().mkpath(QFileInfo(folder + u'/' + file).absolutePath());
        QFile f(folder + u'/' + file);
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(f.fileName()));
    }
    CreateEndpointRequest r;
    r.name = name;
    r.modelVersion = u"v1"_s;
    r.modelFolder = folder;
    r.runtimeVariant = variant;
    r.resourceSlots = ResourceSlots{1, qint64(1) << 30, 0};
    auto created = service().createEndpoint(r);
    if (!created)
        qFatal("test set-up: %s", UiTest::why(created.error()).constData());
    return *created;
}

// Picked from the open list with the mouse, as a user does.
void TestAutoscaleRuleForm::pickMetric(const QString &metric) const
{
    auto *box = field<QComboBox>(u"metric"_s);
    const int row = box->findText(metric);
    QVERIFY2(row >= 0, qPrintable(metric));
    box->showPopup();
    QAbstractItemView *list = box->view();
    QTRY_VERIFY_WITH_TIMEOUT(list->isVisible(), 5000);
    list->scrollTo(list->model()->index(row, 0));
    const QRect item = list->visualRect(list->model()->index(row, 0));
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, item.center());
    QTRY_VERIFY_WITH_TIMEOUT(!list->isVisible(), 5000);
    QCOMPARE(box->currentText(), metric);
}

void TestAutoscaleRuleForm::setComparator(const QString &symbol) const
{
    auto *box = field<QComboBox>(u"comparator"_s);
    box->setCurrentIndex(box->findText(symbol));
    QCOMPARE(box->currentText(), symbol);
}

void TestAutoscaleRuleForm::unitOf_data()
{
    QTest::addColumn<QString>("metric");
    QTest::addColumn<QString>("unit");
    QTest::newRow("cpu") << u"cpu_utilization"_s << u"%"_s;
    QTest::newRow("gpu memory") << u"gpu_memory_utilization"_s << u"%"_s;
    QTest::newRow("rate") << u"requests_per_second"_s << u"req/s"_s;
    QTest::newRow("latency") << u"p95_latency_ms"_s << u"ms"_s;
    QTest::newRow("count") << u"in_flight"_s << QString();
    QTest::newRow("tokens") << u"tokens_per_second"_s << u"tok/s"_s;
    QTest::newRow("custom") << u"queue_depth"_s << QString();
}

void TestAutoscaleRuleForm::unitOf()
{
    QFETCH(QString, metric);
    QFETCH(QString, unit);
    QCOMPARE(AutoscaleRuleForm::unitOf(metric), unit);
    form()->newRule();
    setMetric(metric);
    QCOMPARE(field<QDoubleSpinBox>(u"threshold"_s)->suffix(), unit.isEmpty() ? QString() : u' ' + unit);
}

void TestAutoscaleRuleForm::sentenceFollowsTheFields_data()
{
    QTest::addColumn<QString>("metric");
    QTest::addColumn<QString>("comparator");
    QTest::addColumn<double>("threshold");
    QTest::addColumn<int>("step");        // 0: target per replica instead
    QTest::addColumn<double>("target");
    QTest::addColumn<QString>("sentence");

    QTest::newRow("scale out") << u"cpu_utilization"_s << u">"_s << 70.0 << 1 << 0.0
                               << u"Scale out by 1 when cpu_utilization > 70 for 60 s"_s;
    QTest::newRow("scale in") << u"cpu_utilization"_s << u"<"_s << 20.0 << -2 << 0.0
                              << u"Scale in by 2 when cpu_utilization < 20 for 300 s"_s;
    QTest::newRow("at least") << u"p95_latency_ms"_s << u">="_s << 250.5 << 3 << 0.0
                              << u"Scale out by 3 when p95_latency_ms >= 250.5 for 60 s"_s;
    QTest::newRow("target per replica")
        << u"requests_per_second"_s << u">"_s << 0.0 << 0 << 50.0
        << u"Scale to ceil(requests_per_second / 50) replicas when requests_per_second > 0 (out after 60 s, in after 300 s)"_s;
}

void TestAutoscaleRuleForm::sentenceFollowsTheFields()
{
    QFETCH(QString, metric);
    QFETCH(QString, comparator);
    QFETCH(double, threshold);
    QFETCH(int, step);
    QFETCH(double, target);
    QFETCH(QString, sentence);

    form()->newRule();
    setMetric(metric);
    setComparator(comparator);
    field<QDoubleSpinBox>(u"threshold"_s)->setValue(threshold);
    if (step != 0) {
        field<QRadioButton>(u"stepMode"_s)->click();
        field<QSpinBox>(u"stepSize"_s)->setValue(step);
    } else {
        field<QRadioButton>(u"targetMode"_s)->click();
        field<QDoubleSpinBox>(u"targetPerReplica"_s)->setValue(target);
        QVERIFY(!field<QSpinBox>(u"stepSize"_s)->isEnabled());
    }
    const QString shown = field<QLabel>(u"sentence"_s)->text();
    QCOMPARE(shown.section(u'\n', 0, 0), sentence);
    QCOMPARE(shown, form()->sentence());
    QVERIFY2(shown.section(u'\n', 1).contains(u"1 to 4 replicas"_s), qPrintable(shown));
    // The inequality is the core's own.
    QVERIFY(sentence.contains(form()->rule().condition().section(u" when "_s, -1)));
    QVERIFY(submit()->isEnabled());
}

void TestAutoscaleRuleForm::minAboveMaxIsRefusedInPlace()
{
    form()->newRule();
    QVERIFY(submit()->isEnabled());
    QVERIFY(!error(u"replicasError"_s)->isVisible());

    auto *min = field<QSpinBox>(u"minReplicas"_s);
    auto *max = field<QSpinBox>(u"maxReplicas"_s);
    max->setValue(2);
    min->selectAll();
    min->setFocus();
    QTest::keyClicks(min, u"5"_s);
    QCOMPARE(min->value(), 5);
    QVERIFY(error(u"replicasError"_s)->isVisible());
    QCOMPARE(error(u"replicasError"_s)->text(), u"Min replicas (5) is more than max replicas (2)."_s);
    QVERIFY(!submit()->isEnabled());
    QCOMPARE(form()->problems().size(), 1);
    QVERIFY(!form()->submit());
    QCOMPARE(view()->ruleModel()->rowCount(), 0);

    // Fixed as typed, the error goes and submit comes back.
    max->setValue(5);
    QVERIFY(!error(u"replicasError"_s)->isVisible());
    QVERIFY(submit()->isEnabled());
}

void TestAutoscaleRuleForm::zeroStepIsRefusedUnlessTargetPerReplica()
{
    form()->newRule();
    field<QSpinBox>(u"stepSize"_s)->setValue(0);
    QVERIFY(error(u"actionError"_s)->isVisible());
    QVERIFY(!submit()->isEnabled());
    field<QRadioButton>(u"targetMode"_s)->click();
    // A target of 0 is no target.
    QVERIFY(error(u"actionError"_s)->isVisible());
    field<QDoubleSpinBox>(u"targetPerReplica"_s)->setValue(10);
    QVERIFY(!error(u"actionError"_s)->isVisible());
    QVERIFY(submit()->isEnabled());
}

void TestAutoscaleRuleForm::badMetricNameIsRefusedInPlace()
{
    form()->newRule();
    setMetric(u"9 lives"_s);
    QVERIFY(error(u"metricError"_s)->isVisible());
    QVERIFY(!submit()->isEnabled());
    setMetric(u"queue_depth"_s);
    QVERIFY(!error(u"metricError"_s)->isVisible());
    QVERIFY(submit()->isEnabled());
}

void TestAutoscaleRuleForm::validRuleAppearsInTheList()
{
    form()->newRule();
    setMetric(u"cpu_utilization"_s);
    QCOMPARE(field<QComboBox>(u"source"_s)->currentText(), u"KERNEL"_s);
    setComparator(u">"_s);
    field<QDoubleSpinBox>(u"threshold"_s)->setValue(70);
    field<QSpinBox>(u"minReplicas"_s)->setValue(1);
    field<QSpinBox>(u"maxReplicas"_s)->setValue(4);
    field<QSpinBox>(u"scaleUpDelay"_s)->setValue(60);
    field<QSpinBox>(u"cooldown"_s)->setValue(120);
    QSignalSpy submitted(form(), &AutoscaleRuleForm::submitted);
    QSignalSpy resets(view()->ruleModel(), &QAbstractItemModel::modelReset);
    QTest::mouseClick(submit(), Qt::LeftButton);
    QVERIFY2(!error(u"submitError"_s)->isVisible(), qPrintable(error(u"submitError"_s)->text()));
    QCOMPARE(submitted.count(), 1);

    auto rules = service().autoScalingRules(m_endpoint.name);
    QVERIFY(rules);
    QCOMPARE(rules->size(), 1);
    m_firstRule = rules->first().id;
    QCOMPARE(rules->first().cooldown, 120);
    QCOMPARE(rules->first().condition(), u"scale out by 1 when cpu_utilization > 70"_s);

    RuleListModel *model = view()->ruleModel();
    QCOMPARE(model->rowCount(), 1);
    QCOMPARE(model->index(0, RuleListModel::Condition).data().toString(), rules->first().condition());
    QCOMPARE(model->index(0, RuleListModel::Source).data().toString(), u"KERNEL"_s);
    QCOMPARE(model->index(0, RuleListModel::Replicas).data().toString(), u"1–4"_s);
    QCOMPARE(model->index(0, RuleListModel::Cooldown).data().toString(), u"2 min"_s);
    QCOMPARE(resets.count(), 0);
    // The new rule is selected and the form now edits it.
    QCOMPARE(view()->ruleTable()->selectionModel()->selectedRows().size(), 1);
    QCOMPARE(form()->editedRule(), m_firstRule);
    QCOMPARE(submit()->text(), u"Save rule"_s);
}

void TestAutoscaleRuleForm::conflictingRuleIsShownInPlace_data()
{
    QTest::addColumn<QString>("metric");
    QTest::addColumn<int>("max");

    // Two rules on one metric would fight over it; two with other bounds cannot both hold.
    QTest::newRow("same metric") << u"cpu_utilization"_s << 4;
    QTest::newRow("other bounds") << u"requests_per_second"_s << 8;
}

void TestAutoscaleRuleForm::conflictingRuleIsShownInPlace()
{
    QFETCH(QString, metric);
    QFETCH(int, max);

    QTest::mouseClick(view()->findChild<QPushButton *>(u"newRule"_s), Qt::LeftButton);
    QVERIFY(form()->editedRule().isNull());
    setMetric(metric);
    field<QSpinBox>(u"maxReplicas"_s)->setValue(max);
    QVERIFY(submit()->isEnabled());
    QTest::mouseClick(submit(), Qt::LeftButton);

    QLabel *shown = error(u"submitError"_s);
    QVERIFY(shown->isVisible());
    QVERIFY2(shown->text().startsWith(u"ConflictingRules"_s), qPrintable(shown->text()));
    // It names the rule in the way: its id and its condition.
    QVERIFY2(shown->text().contains(DisplayFormat::shortId(m_firstRule)), qPrintable(shown->text()));
    QVERIFY2(shown->text().contains(u"scale out by 1 when cpu_utilization > 70"_s), qPrintable(shown->text()));
    QCOMPARE(view()->ruleModel()->rowCount(), 1);
    auto rules = service().autoScalingRules(m_endpoint.name);
    QVERIFY(rules);
    QCOMPARE(rules->size(), 1);
    // Still a new rule: nothing was saved over the existing one.
    QVERIFY(form()->editedRule().isNull());
    // Editing any field clears the refusal, which was about the old values.
    field<QDoubleSpinBox>(u"threshold"_s)->setValue(71);
    QVERIFY(!shown->isVisible());
}

void TestAutoscaleRuleForm::editingChangesTheRuleInPlace()
{
    QTableView *table = view()->ruleTable();
    const QModelIndex row = table->model()->index(0, RuleListModel::Condition);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(row).center());
    QCOMPARE(form()->editedRule(), m_firstRule);
    QCOMPARE(field<QDoubleSpinBox>(u"threshold"_s)->value(), 70.0);
    QCOMPARE(field<QSpinBox>(u"cooldown"_s)->value(), 120);

    QSignalSpy changed(view()->ruleModel(), &QAbstractItemModel::dataChanged);
    field<QDoubleSpinBox>(u"threshold"_s)->setValue(85);
    QTest::mouseClick(submit(), Qt::LeftButton);
    QVERIFY2(!error(u"submitError"_s)->isVisible(), qPrintable(error(u"submitError"_s)->text()));
    QVERIFY(changed.count() >= 1);
    auto rules = service().autoScalingRules(m_endpoint.name);
    QVERIFY(rules);
    QCOMPARE(rules->size(), 1);
    QCOMPARE(rules->first().id, m_firstRule);
    QCOMPARE(rules->first().threshold, 85.0);
    QCOMPARE(view()->ruleModel()->index(0, RuleListModel::Condition).data().toString(),
             u"scale out by 1 when cpu_utilization > 85"_s);
}

void TestAutoscaleRuleForm::offersTheRuntimesMetrics()
{
    const Endpoint llm = createWithRuntime(u"chat-vllm"_s, u"vllm"_s, {u"config.json"_s, u"model.safetensors"_s});
    const Endpoint ollama =
        createWithRuntime(u"chat-ollama"_s, u"ollama"_s, {u"manifests/registry.ollama.ai/library/tiny/latest"_s, u"blobs/sha256-1"_s});
    auto *metric = field<QComboBox>(u"metric"_s);
    auto *note = field<QLabel>(u"runtimeNote"_s);
    const QStringList always{u"cpu_utilization"_s, u"memory_utilization"_s, u"gpu_utilization"_s,
                             u"gpu_memory_utilization"_s, u"requests_per_second"_s, u"p95_latency_ms"_s, u"in_flight"_s,
                             u"ttft_ms"_s, u"ttft_p95_ms"_s, u"tokens_per_second"_s};

    // vLLM: its metrics by name after the kernel's and the proxy's, normalized names first.
    view()->endpointSelector()->setCurrentEndpoint(llm.id);
    QTRY_VERIFY_WITH_TIMEOUT(metric->findText(u"vllm:num_requests_waiting"_s) >= 0, 5000);
    const QList<int> order{metric->findText(u"tokens_per_second"_s), metric->findText(u"queue_depth"_s),
                           metric->findText(u"running_requests"_s), metric->findText(u"kv_cache_usage"_s),
                           metric->findText(u"vllm:num_requests_waiting"_s), metric->findText(u"vllm:num_requests_running"_s),
                           metric->findText(u"vllm:kv_cache_usage_perc"_s), metric->findText(u"vllm:gpu_cache_usage_perc"_s)};
    QVERIFY(order.first() >= 0);
    QVERIFY2(std::is_sorted(order.begin(), order.end()), qPrintable(QString::number(order.size())));
    QCOMPARE(metric->itemData(metric->findText(u"queue_depth"_s), Qt::ToolTipRole).toString(),
             u"vllm:num_requests_waiting"_s);
    QVERIFY(note->isVisible());
    QVERIFY2(note->text().contains(u"vllm:num_requests_waiting"_s), qPrintable(note->text()));

    // Click through to a rule on queue_depth: the source follows, and the core stores it.
    form()->newRule();
    pickMetric(u"queue_depth"_s);
    QCOMPARE(field<QComboBox>(u"source"_s)->currentText(), u"INFERENCE_FRAMEWORK"_s);
    setComparator(u">"_s);
    field<QDoubleSpinBox>(u"threshold"_s)->setValue(4);
    field<QSpinBox>(u"maxReplicas"_s)->setValue(3);
    const QString shot = UiTest::saveScreenshot(*m_window, u"autoscaling-llm"_s);
    QVERIFY2(shot.isEmpty(), qPrintable(shot));
    QSignalSpy submitted(form(), &AutoscaleRuleForm::submitted);
    QTest::mouseClick(submit(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(submitted.count(), 1, 5000);
    const auto rules = service().autoScalingRules(llm.name);
    QVERIFY(rules);
    QCOMPARE(rules->size(), 1);
    QCOMPARE(rules->first().metric, u"queue_depth"_s);
    QCOMPARE(rules->first().source, MetricSource::InferenceFramework);
    QCOMPARE(rules->first().threshold, 4.0);
    QCOMPARE(rules->first().maxReplicas, 3);
    // A runtime's own name is offered as coming from the model server too.
    form()->newRule();
    pickMetric(u"vllm:num_requests_running"_s);
    QCOMPARE(field<QComboBox>(u"source"_s)->currentText(), u"INFERENCE_FRAMEWORK"_s);

    // Ollama exports no Prometheus metrics: it says so, and offers the kernel's and the proxy's only.
    view()->endpointSelector()->setCurrentEndpoint(ollama.id);
    QTRY_VERIFY_WITH_TIMEOUT(note->isVisible() && note->text().contains(u"no Prometheus metrics"_s), 5000);
    QVERIFY2(note->text().startsWith(u"Ollama"_s), qPrintable(note->text()));
    const QString ollamaShot = UiTest::saveScreenshot(*m_window, u"autoscaling-ollama"_s);
    QVERIFY2(ollamaShot.isEmpty(), qPrintable(ollamaShot));
    QStringList offered;
    for (int i = 0; i < metric->count(); ++i)
        offered << metric->itemText(i);
    QCOMPARE(offered, always);
    pickMetric(u"requests_per_second"_s);
    QCOMPARE(field<QComboBox>(u"source"_s)->currentText(), u"PROXY"_s);
    // Its generation speed is still measured, by the proxy, from the answers that stream past.
    pickMetric(u"tokens_per_second"_s);
    QCOMPARE(field<QComboBox>(u"source"_s)->currentText(), u"PROXY"_s);

    view()->endpointSelector()->setCurrentEndpoint(m_endpoint.id);
    QTRY_VERIFY_WITH_TIMEOUT(!note->isVisible(), 5000);
}

void TestAutoscaleRuleForm::scaleEventsNewestFirstWithCounts()
{
    ScaleEventModel *events = view()->eventModel();
    QCOMPARE(events->rowCount(), 0);
    QVERIFY(view()->eventCounts()->text().startsWith(u"▲ 0 up · ▼ 0 down"_s));
    QSignalSpy resets(events, &QAbstractItemModel::modelReset);

    QVERIFY(service().scaleReplicas(m_endpoint.name, 3));
    ScaleCause byRule;
    byRule.ruleId = m_firstRule.toString(QUuid::WithoutBraces);
    byRule.metricValue = 91.5;
    byRule.reason = u"cpu_utilization > 85 for 60 s"_s;
    QVERIFY(service().scaleReplicas(m_endpoint.name, 4, byRule));
    QVERIFY(service().scaleReplicas(m_endpoint.name, 2));
    // Another endpoint's scaling is not this timeline's.
    QVERIFY(service().scaleReplicas(u"iris-classifier"_s, 2));

    QCOMPARE(events->rowCount(), 3);
    QCOMPARE(events->upCount(), 2);
    QCOMPARE(events->downCount(), 1);
    QVERIFY2(view()->eventCounts()->text().startsWith(u"▲ 2 up · ▼ 1 down"_s), qPrintable(view()->eventCounts()->text()));
    QCOMPARE(events->index(0, ScaleEventModel::Replicas).data().toString(), u"4 → 2"_s);
    QCOMPARE(events->index(0, ScaleEventModel::Direction).data().toString(), u"▼ DOWN"_s);
    QCOMPARE(events->index(0, ScaleEventModel::Cause).data().toString(), u"operator"_s);
    QCOMPARE(events->index(1, ScaleEventModel::Replicas).data().toString(), u"3 → 4"_s);
    QCOMPARE(events->index(1, ScaleEventModel::Cause).data().toString(), u"scale out by 1 when cpu_utilization > 85"_s);
    QCOMPARE(events->index(1, ScaleEventModel::MetricValue).data().toString(), u"91.5"_s);
    QCOMPARE(events->index(2, ScaleEventModel::Replicas).data().toString(), u"1 → 3"_s);
    QCOMPARE(resets.count(), 0);

    // The same timeline, read fresh from the service, newest first.
    auto stored = service().scaleEvents(m_endpoint.name, 10);
    QVERIFY(stored);
    QCOMPARE(stored->size(), 3);
    for (int row = 0; row < 3; ++row)
        QCOMPARE(events->index(row, ScaleEventModel::Replicas).data().toString(),
                 u"%1 → %2"_s.arg(stored->at(row).before).arg(stored->at(row).after));
}

void TestAutoscaleRuleForm::screenshot()
{
    // The form with a rule being written, the list, and the timeline below.
    view()->ruleTable()->clearSelection();
    form()->newRule();
    setMetric(u"requests_per_second"_s);
    field<QDoubleSpinBox>(u"threshold"_s)->setValue(40);
    field<QSpinBox>(u"maxReplicas"_s)->setValue(2);
    QCOMPARE(m_window->size(), kScreenshotSize);
    const QString failed = UiTest::saveScreenshot(*m_window, u"autoscaling"_s);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    // What it shows: the endpoint's rules and timeline, and the rule read back with its threshold.
    QCOMPARE(view()->endpointSelector()->currentEndpoint(), m_endpoint.id);
    QVERIFY(view()->ruleModel()->rowCount() > 0);
    QVERIFY(view()->eventModel()->rowCount() > 0);
    QVERIFY2(form()->sentence().contains(u"40"_s), qPrintable(form()->sentence()));
}

void TestAutoscaleRuleForm::deleteAsksFirst()
{
    view()->ruleTable()->selectRow(0);
    Prompt::setNextConfirmation(false);
    view()->deleteSelectedRule();
    QCOMPARE(view()->ruleModel()->rowCount(), 1);
    Prompt::setNextConfirmation(true);
    view()->deleteSelectedRule();
    QCOMPARE(view()->ruleModel()->rowCount(), 0);
    auto rules = service().autoScalingRules(m_endpoint.name);
    QVERIFY(rules);
    QVERIFY(rules->isEmpty());
    // The form no longer edits a rule that is gone.
    QVERIFY(form()->editedRule().isNull());
}

QTEST_MAIN(TestAutoscaleRuleForm)
#include "test_autoscaleruleform.moc"
