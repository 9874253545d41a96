#include "autoscaleruleform.h"

#include <cmath>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/common/displayformat.h"
#include "plane/controlclient.h"
#include "runtime/runtimemetricmap.h"
#include "runtime/runtimepreset.h"
#include "service/modelservingservice.h"
#include "ui/common/errorlabel.h"
#include "ui/common/theme.h"

namespace ServeDeck {

namespace {

// The service's own limits (checkRule): the form refuses what the service would.
constexpr int kMaxReplicas = 1000;
constexpr int kMaxDelaySeconds = 86400;

QSpinBox *secondsBox(const QString &objectName, QWidget *parent)
{
    auto *box = new QSpinBox(parent);
    box->setObjectName(objectName);
    box->setRange(0, kMaxDelaySeconds);
    box->setSuffix(QStringLiteral(" s"));
    box->setSingleStep(10);
    return box;
}

// The inequality part of condition() ("cpu_utilization > 70"), so the form and the rule list
// can never show different comparisons for one rule.
QString inequalityOf(const AutoScalingRule &rule)
{
    const QString condition = rule.condition();
    const QString marker = QStringLiteral(" when ");
    const auto at = condition.lastIndexOf(marker);
    return at < 0 ? condition : condition.mid(at + marker.size());
}

bool isMetricName(const QString &metric)
{
    static const QRegularExpression name(QStringLiteral("^[A-Za-z_][A-Za-z0-9_:.]{0,127}$"));
    return name.match(metric).hasMatch();
}

// What keeps a rule from being submitted, by the field it concerns, so each shows next to it.
struct Problems
{
    QStringList metric;
    QStringList action;
    QStringList replicas;
    QStringList delays;

    QStringList all() const { return metric + action + replicas + delays; }
};

Problems findProblems(const AutoScalingRule &r)
{
    Problems p;
    if (!isMetricName(r.metric))
        p.metric << AutoscaleRuleForm::tr("A metric name starts with a letter or _ and holds letters, digits, _, : or .");
    if (!r.targetPerReplica && r.stepSize == 0)
        p.action << AutoscaleRuleForm::tr("The step must not be 0: positive scales out, negative scales in.");
    if (r.targetPerReplica && !(*r.targetPerReplica > 0))
        p.action << AutoscaleRuleForm::tr("The target per replica must be greater than 0.");
    if (r.maxReplicas < 1)
        p.replicas << AutoscaleRuleForm::tr("Max replicas must be at least 1.");
    if (r.minReplicas > r.maxReplicas)
        p.replicas << AutoscaleRuleForm::tr("Min replicas (%1) is more than max replicas (%2).")
                          .arg(r.minReplicas)
                          .arg(r.maxReplicas);
    if (r.scaleUpDelay < 0 || r.scaleDownDelay < 0 || r.cooldown < 0)
        p.delays << AutoscaleRuleForm::tr("Delays and cooldown must not be negative.");
    return p;
}

} // namespace

QString AutoscaleRuleForm::unitOf(const QString &metric)
{
    if (metric.endsWith(QLatin1String("_utilization")))
        return QStringLiteral("%");
    if (metric == QLatin1String("requests_per_second"))
        return QStringLiteral("req/s");
    if (metric == QLatin1String("tokens_per_second"))
        return QStringLiteral("tok/s");
    if (metric.endsWith(QLatin1String("_ms")))
        return QStringLiteral("ms");
    return {};
}

AutoscaleRuleForm::AutoscaleRuleForm(ControlClient &client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_heading(new QLabel(this))
    , m_source(new QComboBox(this))
    , m_metric(new QComboBox(this))
    , m_metricError(new ErrorLabel(QStringLiteral("metricError"), this))
    , m_runtimeNote(new QLabel(this))
    , m_comparator(new QComboBox(this))
    , m_threshold(new QDoubleSpinBox(this))
    , m_stepMode(new QRadioButton(tr("Step by"), this))
    , m_targetMode(new QRadioButton(tr("Target per replica"), this))
    , m_step(new QSpinBox(this))
    , m_target(new QDoubleSpinBox(this))
    , m_actionError(new ErrorLabel(QStringLiteral("actionError"), this))
    , m_min(new QSpinBox(this))
    , m_max(new QSpinBox(this))
    , m_replicasError(new ErrorLabel(QStringLiteral("replicasError"), this))
    , m_upDelay(secondsBox(QStringLiteral("scaleUpDelay"), this))
    , m_downDelay(secondsBox(QStringLiteral("scaleDownDelay"), this))
    , m_cooldown(secondsBox(QStringLiteral("cooldown"), this))
    , m_delayError(new ErrorLabel(QStringLiteral("delayError"), this))
    , m_sentence(new QLabel(this))
    , m_submitError(new ErrorLabel(QStringLiteral("submitError"), this))
    , m_submit(new QPushButton(this))
{
    m_source->setObjectName(QStringLiteral("source"));
    m_metric->setObjectName(QStringLiteral("metric"));
    m_comparator->setObjectName(QStringLiteral("comparator"));
    m_threshold->setObjectName(QStringLiteral("threshold"));
    m_stepMode->setObjectName(QStringLiteral("stepMode"));
    m_targetMode->setObjectName(QStringLiteral("targetMode"));
    m_step->setObjectName(QStringLiteral("stepSize"));
    m_target->setObjectName(QStringLiteral("targetPerReplica"));
    m_min->setObjectName(QStringLiteral("minReplicas"));
    m_max->setObjectName(QStringLiteral("maxReplicas"));
    m_sentence->setObjectName(QStringLiteral("sentence"));
    m_submit->setObjectName(QStringLiteral("submit"));

    QFont headingFont = m_heading->font();
    headingFont.setBold(true);
    m_heading->setFont(headingFont);

    for (const MetricSource s : {MetricSource::Kernel, MetricSource::InferenceFramework, MetricSource::Proxy,
                                 MetricSource::Custom})
        m_source->addItem(metricSourceName(s), int(s));
    m_source->setToolTip(tr("Where the metric comes from: the replica's kernel (CPU, memory, GPU), the model "
                            "server, the proxy in front of it, or a custom exporter"));
    m_metric->setEditable(true);
    m_metric->setInsertPolicy(QComboBox::NoInsert);
    m_metric->setMinimumContentsLength(14);
    m_runtimeNote->setObjectName(QStringLiteral("runtimeNote"));
    m_runtimeNote->setWordWrap(true);
    m_runtimeNote->setTextFormat(Qt::PlainText);
    offerMetrics(nullptr);
    for (const Comparator c : {Comparator::GreaterThan, Comparator::GreaterOrEqual, Comparator::LessThan,
                               Comparator::LessOrEqual})
        m_comparator->addItem(comparatorSymbol(c), int(c));
    m_threshold->setRange(-1e9, 1e9);
    m_threshold->setDecimals(2);
    m_step->setRange(-kMaxReplicas, kMaxReplicas);
    m_step->setToolTip(tr("Positive scales out, negative scales in"));
    m_target->setRange(0, 1e9);
    m_target->setDecimals(2);
    m_target->setToolTip(tr("Replicas become ceil(metric / target)"));
    m_min->setRange(0, kMaxReplicas);
    m_max->setRange(0, kMaxReplicas);
    m_upDelay->setToolTip(tr("How long the condition must hold before scaling out"));
    m_downDelay->setToolTip(tr("How long the condition must hold before scaling in"));
    m_cooldown->setToolTip(tr("How long to wait after any change before the next"));

    m_sentence->setWordWrap(true);
    m_sentence->setTextFormat(Qt::PlainText);
    m_sentence->setFrameShape(QFrame::StyledPanel);
    m_sentence->setMargin(8);
    QFont sentenceFont = m_sentence->font();
    sentenceFont.setPointSizeF(sentenceFont.pointSizeF() * 1.1);
    m_sentence->setFont(sentenceFont);
    m_submitError->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *when = new QHBoxLayout;
    when->addWidget(m_comparator);
    when->addWidget(m_threshold, 1);
    auto *stepRow = new QHBoxLayout;
    stepRow->addWidget(m_stepMode);
    stepRow->addWidget(m_step, 1);
    auto *targetRow = new QHBoxLayout;
    targetRow->addWidget(m_targetMode);
    targetRow->addWidget(m_target, 1);

    // Two columns: what triggers the rule on the left, its bounds and timing on the right.
    auto *grid = new QGridLayout;
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(3, 1);
    grid->setColumnMinimumWidth(2, 0);
    grid->setHorizontalSpacing(10);
    grid->addWidget(new QLabel(tr("Source"), this), 0, 0);
    grid->addWidget(m_source, 0, 1);
    grid->addWidget(new QLabel(tr("Metric"), this), 1, 0);
    grid->addWidget(m_metric, 1, 1);
    auto *metricNotes = new QVBoxLayout;
    metricNotes->setContentsMargins(0, 0, 0, 0);
    metricNotes->addWidget(m_runtimeNote);
    metricNotes->addWidget(m_metricError);
    grid->addLayout(metricNotes, 2, 1);
    grid->addWidget(new QLabel(tr("When"), this), 3, 0);
    grid->addLayout(when, 3, 1);
    grid->addWidget(new QLabel(tr("Then"), this), 4, 0);
    grid->addLayout(stepRow, 4, 1);
    grid->addLayout(targetRow, 5, 1);
    grid->addWidget(m_actionError, 6, 1);

    grid->addWidget(new QLabel(tr("Min replicas"), this), 0, 2);
    grid->addWidget(m_min, 0, 3);
    grid->addWidget(new QLabel(tr("Max replicas"), this), 1, 2);
    grid->addWidget(m_max, 1, 3);
    grid->addWidget(m_replicasError, 2, 3);
    grid->addWidget(new QLabel(tr("Scale-out delay"), this), 3, 2);
    grid->addWidget(m_upDelay, 3, 3);
    grid->addWidget(new QLabel(tr("Scale-in delay"), this), 4, 2);
    grid->addWidget(m_downDelay, 4, 3);
    grid->addWidget(new QLabel(tr("Cooldown"), this), 5, 2);
    grid->addWidget(m_cooldown, 5, 3);
    grid->addWidget(m_delayError, 6, 3);

    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_submit);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_heading);
    layout->addLayout(grid);
    layout->addWidget(m_sentence);
    layout->addWidget(m_submitError);
    layout->addLayout(buttons);
    layout->addStretch(1);

    const auto edited = [this] {
        if (m_loading)
            return;
        // Whatever the service refused was about the previous values.
        m_submitError->showProblems({});
        refresh();
    };
    connect(m_source, &QComboBox::currentIndexChanged, this, edited);
    connect(m_metric, &QComboBox::currentTextChanged, this, &AutoscaleRuleForm::metricEdited);
    connect(m_metric, &QComboBox::currentTextChanged, this, edited);
    connect(m_comparator, &QComboBox::currentIndexChanged, this, edited);
    for (QDoubleSpinBox *box : {m_threshold, m_target})
        connect(box, &QDoubleSpinBox::valueChanged, this, edited);
    for (QSpinBox *box : {m_step, m_min, m_max, m_upDelay, m_downDelay, m_cooldown})
        connect(box, &QSpinBox::valueChanged, this, edited);
    connect(m_stepMode, &QRadioButton::toggled, this, edited);
    connect(m_submit, &QPushButton::clicked, this, &AutoscaleRuleForm::submit);

    newRule();
}

AutoscaleRuleForm::~AutoscaleRuleForm() = default;

void AutoscaleRuleForm::setEndpoint(const QUuid &endpointId)
{
    m_endpoint = endpointId;
    offerMetrics(nullptr);  // until the plane says which runtime it has
    newRule();
    if (endpointId.isNull())
        return;
    const QString ref = endpointId.toString(QUuid::WithoutBraces);
    m_client.call(this, [ref](ModelServingService &s) { return s.endpointInfo(ref); },
                  [this, endpointId](const Result<EndpointInfo> &info) {
                      // Another endpoint may be in the form by now.
                      if (endpointId == m_endpoint && info)
                          offerMetrics(&*info);
                  });
}

void AutoscaleRuleForm::offerMetrics(const EndpointInfo *info)
{
    // The kernel's and the proxy's, which every endpoint has; then the runtime's, normalized
    // names first (they read the same whatever the runtime), its own names after.
    const QStringList always{QStringLiteral("cpu_utilization"), QStringLiteral("memory_utilization"),
                             QStringLiteral("gpu_utilization"), QStringLiteral("gpu_memory_utilization"),
                             QStringLiteral("requests_per_second"), QStringLiteral("p95_latency_ms"),
                             QStringLiteral("in_flight"), QStringLiteral("ttft_ms"), QStringLiteral("ttft_p95_ms"),
                             QStringLiteral("tokens_per_second")};
    const std::optional<RuntimePreset> preset =
        info ? RuntimePreset::find(info->endpoint.runtimeVariant) : std::nullopt;
    QList<RuntimeMetric> runtime;
    if (preset)
        runtime = info->runtimeMetrics;
    else if (info)  // its own start command: any runtime's names are read, so offer the normalized ones
        for (const QString &name : RuntimeMetricMap::normalizedNames())
            runtime.append({name, {}});
    QStringList ownNames;
    for (const RuntimeMetric &m : std::as_const(runtime)) {
        for (const QString &name : m.names) {
            if (!ownNames.contains(name))
                ownNames << name;
        }
    }

    const bool wasLoading = m_loading;
    m_loading = true;
    const QString current = m_metric->currentText();
    m_metric->clear();
    m_metric->addItems(always);
    if (!runtime.isEmpty()) {
        m_metric->insertSeparator(m_metric->count());
        for (const RuntimeMetric &m : std::as_const(runtime)) {
            m_metric->addItem(m.normalized);
            if (!m.names.isEmpty())
                m_metric->setItemData(m_metric->count() - 1, m.names.join(QStringLiteral(", ")), Qt::ToolTipRole);
        }
    }
    if (!ownNames.isEmpty()) {
        m_metric->insertSeparator(m_metric->count());
        m_metric->addItems(ownNames);
    }
    m_metric->setCurrentText(current);
    m_loading = wasLoading;

    if (preset && runtime.isEmpty()) {
        m_runtimeNote->setText(tr("%1 exports no Prometheus metrics: rules can use the proxy's metrics and the kernel's.")
                                   .arg(preset->title));
    } else if (preset) {
        m_runtimeNote->setText(tr("%1: %2 is read from %3; its own names work too.")
                                   .arg(preset->title, runtime.constFirst().normalized,
                                        runtime.constFirst().names.join(QStringLiteral(" / "))));
    } else {
        m_runtimeNote->clear();
    }
    // Muted, as a hint; the theme's colour is read when it is shown (it follows the palette).
    m_runtimeNote->setStyleSheet(Theme::textStyle(Theme::Role::Muted));
    m_runtimeNote->setVisible(!m_runtimeNote->text().isEmpty());
}

void AutoscaleRuleForm::newRule()
{
    AutoScalingRule fresh;
    fresh.metric = QStringLiteral("cpu_utilization");
    fresh.source = defaultSourceFor(fresh.metric);
    fresh.threshold = 70;
    fresh.maxReplicas = 4;
    m_ruleId = {};
    load(fresh);
}

void AutoscaleRuleForm::editRule(const AutoScalingRule &rule)
{
    m_ruleId = rule.id;
    load(rule);
}

void AutoscaleRuleForm::load(const AutoScalingRule &rule)
{
    m_loading = true;
    m_source->setCurrentIndex(m_source->findData(int(rule.source)));
    m_metric->setCurrentText(rule.metric);
    m_comparator->setCurrentIndex(m_comparator->findData(int(rule.comparator)));
    m_threshold->setValue(rule.threshold);
    m_stepMode->setChecked(!rule.targetPerReplica);
    m_targetMode->setChecked(rule.targetPerReplica.has_value());
    m_step->setValue(rule.targetPerReplica ? 1 : rule.stepSize);
    m_target->setValue(rule.targetPerReplica.value_or(0));
    m_min->setValue(rule.minReplicas);
    m_max->setValue(rule.maxReplicas);
    m_upDelay->setValue(rule.scaleUpDelay);
    m_downDelay->setValue(rule.scaleDownDelay);
    m_cooldown->setValue(rule.cooldown);
    m_loading = false;
    metricEdited(rule.metric);
    m_submitError->showProblems({});
    refresh();
}

void AutoscaleRuleForm::metricEdited(const QString &metric)
{
    const QString unit = unitOf(metric);
    const QString suffix = unit.isEmpty() ? QString() : u' ' + unit;
    m_threshold->setSuffix(suffix);
    m_target->setSuffix(suffix);
    // A metric picked from the list comes from a known place; a custom name keeps the chosen source.
    if (!m_loading && m_metric->findText(metric) >= 0)
        m_source->setCurrentIndex(m_source->findData(int(defaultSourceFor(metric))));
}

AutoScalingRule AutoscaleRuleForm::rule() const
{
    AutoScalingRule r;
    r.id = m_ruleId;
    r.endpointId = m_endpoint;
    r.source = MetricSource(m_source->currentData().toInt());
    r.metric = m_metric->currentText().trimmed();
    r.comparator = Comparator(m_comparator->currentData().toInt());
    r.threshold = m_threshold->value();
    if (m_targetMode->isChecked()) {
        r.targetPerReplica = m_target->value();
        r.stepSize = 1;
    } else {
        r.stepSize = m_step->value();
    }
    r.minReplicas = m_min->value();
    r.maxReplicas = m_max->value();
    r.scaleUpDelay = m_upDelay->value();
    r.scaleDownDelay = m_downDelay->value();
    r.cooldown = m_cooldown->value();
    return r;
}

QStringList AutoscaleRuleForm::problems() const
{
    return findProblems(rule()).all();
}

QString AutoscaleRuleForm::sentence() const
{
    AutoScalingRule r = rule();
    if (r.metric.isEmpty())
        r.metric = tr("<metric>");
    const QString inequality = inequalityOf(r);
    QString action;
    if (r.targetPerReplica)
        action = tr("Scale to ceil(%1 / %2) replicas when %3 (out after %4 s, in after %5 s)")
                     .arg(r.metric, QString::number(*r.targetPerReplica), inequality)
                     .arg(r.scaleUpDelay)
                     .arg(r.scaleDownDelay);
    else if (r.stepSize >= 0)
        action = tr("Scale out by %1 when %2 for %3 s").arg(r.stepSize).arg(inequality).arg(r.scaleUpDelay);
    else
        action = tr("Scale in by %1 when %2 for %3 s").arg(std::abs(r.stepSize)).arg(inequality).arg(r.scaleDownDelay);
    return action + u'\n'
        + tr("Keeps %1 to %2 replicas and waits %3 s after any change.")
              .arg(r.minReplicas)
              .arg(r.maxReplicas)
              .arg(r.cooldown);
}

void AutoscaleRuleForm::refresh()
{
    const AutoScalingRule r = rule();
    const bool target = m_targetMode->isChecked();
    m_step->setEnabled(!target);
    m_target->setEnabled(target);

    const Problems problems = findProblems(r);
    m_metricError->showProblems(problems.metric);
    m_actionError->showProblems(problems.action);
    m_replicasError->showProblems(problems.replicas);
    m_delayError->showProblems(problems.delays);

    m_heading->setText(m_ruleId.isNull() ? tr("New rule")
                                         : tr("Edit rule %1").arg(DisplayFormat::shortId(m_ruleId)));
    m_submit->setText(m_saving ? tr("Saving…") : m_ruleId.isNull() ? tr("Create rule") : tr("Save rule"));
    m_submit->setEnabled(!m_endpoint.isNull() && problems.all().isEmpty() && !m_saving);
    m_sentence->setText(sentence());
}

bool AutoscaleRuleForm::submit()
{
    if (m_endpoint.isNull() || !problems().isEmpty() || m_saving)
        return false;
    const QString ref = m_endpoint.toString(QUuid::WithoutBraces);
    const AutoScalingRule r = rule();
    const QUuid ruleId = m_ruleId;
    // Busy until the answer: the button is off and says so.
    m_saving = true;
    refresh();
    m_client.call(this, [ref, r, ruleId](ModelServingService &s) {
        if (ruleId.isNull())
            return s.createAutoScalingRule(ref, r);
        AutoScalingRuleChanges c;
        c.source = r.source;
        c.metric = r.metric;
        c.comparator = r.comparator;
        c.threshold = r.threshold;
        c.stepSize = r.stepSize;
        c.targetPerReplica = r.targetPerReplica;
        c.minReplicas = r.minReplicas;
        c.maxReplicas = r.maxReplicas;
        c.scaleUpDelay = r.scaleUpDelay;
        c.scaleDownDelay = r.scaleDownDelay;
        c.cooldown = r.cooldown;
        return s.modifyAutoScalingRule(ref, ruleId, c);
    }, [this, endpoint = m_endpoint](Result<AutoScalingRule> saved) { showSaved(endpoint, saved); });
    return true;
}

void AutoscaleRuleForm::showSaved(const QUuid &endpoint, const Result<AutoScalingRule> &saved)
{
    m_saving = false;
    refresh();
    Q_EMIT answered(saved.ok());
    // Another endpoint is in the form now: the answer (its rule id, its refusal) is not about
    // what the form shows. The rule list of that endpoint shows the outcome.
    if (endpoint != m_endpoint)
        return;
    if (!saved) {
        const ServiceError &e = saved.error();
        QStringList text;
        if (e.type == ErrorType::ConflictingRules) {
            const QString existing = e.details.value(QStringLiteral("existing_rule_id")).toString();
            text << tr("ConflictingRules: this rule conflicts with rule %1, “%2”.")
                        .arg(DisplayFormat::shortId(existing),
                             e.details.value(QStringLiteral("existing_condition")).toString());
            text << e.message;
        } else {
            text << e.typeName() + QStringLiteral(": ") + e.message;
        }
        m_submitError->showProblems(text);
        return;
    }
    m_submitError->showProblems({});
    m_ruleId = saved->id;
    refresh();
    Q_EMIT submitted(*saved);
}

} // namespace ServeDeck
