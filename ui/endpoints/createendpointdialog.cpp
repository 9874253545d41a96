#include "createendpointdialog.h"

#include <cmath>

#include <QCheckBox>
#include <QColor>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "plane/controlclient.h"
#include "runtime/runtimepreset.h"
#include "ui/common/prompt.h"
#include "ui/common/theme.h"

namespace ServeDeck {

namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr int kEstimateColumns = 4;  // CPU, memory, GPU, GPU memory

QString cpuText(double cpu)
{
    return QString::number(cpu, 'g', 4);
}

} // namespace

CreateEndpointDialog::CreateEndpointDialog(ControlClient &client, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_name(new QLineEdit(this))
    , m_version(new QLineEdit(this))
    , m_folder(new QLineEdit(this))
    , m_runtime(new QComboBox(this))
    , m_browse(new QPushButton(tr("Browse…"), this))
    , m_cpu(new QDoubleSpinBox(this))
    , m_memory(new QDoubleSpinBox(this))
    , m_gpu(new QDoubleSpinBox(this))
    , m_gpuMemory(new QDoubleSpinBox(this))
    , m_replicas(new QSpinBox(this))
    , m_public(new QCheckBox(tr("Public: anyone who reaches the proxy may call it, no token needed"), this))
    , m_check(new QPushButton(tr("Check"), this))
    , m_deploy(new QPushButton(tr("Deploy"), this))
    , m_status(new QLabel(this))
    , m_busy(new QLabel(this))
    , m_problems(new QListWidget(this))
    , m_launch(new QLabel(this))
    , m_estimate(new QGridLayout)
{
    setWindowTitle(tr("New endpoint"));
    m_name->setObjectName(QStringLiteral("name"));
    m_version->setObjectName(QStringLiteral("modelVersion"));
    m_folder->setObjectName(QStringLiteral("modelFolder"));
    m_browse->setObjectName(QStringLiteral("browse"));
    m_cpu->setObjectName(QStringLiteral("cpu"));
    m_memory->setObjectName(QStringLiteral("memory"));
    m_gpu->setObjectName(QStringLiteral("gpu"));
    m_gpuMemory->setObjectName(QStringLiteral("gpuMemory"));
    m_replicas->setObjectName(QStringLiteral("replicas"));
    m_public->setObjectName(QStringLiteral("public"));
    m_check->setObjectName(QStringLiteral("check"));
    m_deploy->setObjectName(QStringLiteral("deploy"));
    m_status->setObjectName(QStringLiteral("checkStatus"));
    m_problems->setObjectName(QStringLiteral("problems"));
    m_runtime->setObjectName(QStringLiteral("runtime"));
    m_launch->setObjectName(QStringLiteral("launch"));
    // runtime_variant names, as the API and ctl take them.
    m_runtime->addItems(RuntimePreset::variants());
    m_busy->setObjectName(QStringLiteral("busy"));
    m_busy->hide();

    m_name->setPlaceholderText(tr("lower-case letters, digits and '-', e.g. sentiment-analyzer"));
    m_version->setPlaceholderText(tr("e.g. v1"));
    m_folder->setPlaceholderText(tr("a folder, or the name of one under the model roots (iris-v1)"));
    m_cpu->setRange(0.1, 1024);
    m_cpu->setDecimals(1);
    m_cpu->setValue(1);
    m_cpu->setSuffix(tr(" cores"));
    m_memory->setRange(0.06, 4096);
    m_memory->setDecimals(2);
    m_memory->setValue(1);
    m_memory->setSuffix(QStringLiteral(" GiB"));
    m_gpu->setRange(0, 64);
    m_gpu->setDecimals(1);
    m_gpu->setSuffix(tr(" GPUs"));
    m_gpuMemory->setRange(0, 4096);
    m_gpuMemory->setDecimals(2);
    m_gpuMemory->setSuffix(QStringLiteral(" GiB"));
    m_gpuMemory->setSpecialValueText(tr("none"));
    m_gpuMemory->setToolTip(tr("Device memory each replica needs. With at most one GPU, replicas share a device "
                               "where this much is free; vLLM is told its share."));
    m_replicas->setRange(0, 1000);
    m_replicas->setValue(1);

    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(m_browse);
    auto *slots = new QHBoxLayout;
    slots->addWidget(new QLabel(tr("CPU"), this));
    slots->addWidget(m_cpu, 1);
    slots->addSpacing(8);
    slots->addWidget(new QLabel(tr("Memory"), this));
    slots->addWidget(m_memory, 1);
    slots->addSpacing(8);
    slots->addWidget(new QLabel(tr("GPU"), this));
    slots->addWidget(m_gpu, 1);
    slots->addSpacing(8);
    slots->addWidget(new QLabel(tr("GPU memory"), this));
    slots->addWidget(m_gpuMemory, 1);

    auto *form = new QFormLayout;
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Model version"), m_version);
    form->addRow(tr("Model folder"), folderRow);
    form->addRow(tr("Runtime"), m_runtime);
    form->addRow(tr("Per replica"), slots);
    form->addRow(tr("Replicas"), m_replicas);
    form->addRow(QString(), m_public);

    // Rows: per replica, total, available; columns: CPU, memory, GPU, GPU memory.
    m_estimate->addWidget(new QLabel(tr("CPU"), this), 0, 1, Qt::AlignRight);
    m_estimate->addWidget(new QLabel(tr("Memory"), this), 0, 2, Qt::AlignRight);
    m_estimate->addWidget(new QLabel(tr("GPU"), this), 0, 3, Qt::AlignRight);
    m_estimate->addWidget(new QLabel(tr("GPU memory"), this), 0, 4, Qt::AlignRight);
    const QStringList rowNames{tr("Per replica"), tr("Total"), tr("Available")};
    for (int row = 0; row < rowNames.size(); ++row) {
        m_estimate->addWidget(new QLabel(rowNames.at(row), this), row + 1, 0);
        for (int column = 1; column <= kEstimateColumns; ++column) {
            auto *cell = new QLabel(QStringLiteral("–"), this);
            cell->setObjectName(QStringLiteral("estimate_%1_%2").arg(row).arg(column));
            cell->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_estimate->addWidget(cell, row + 1, column);
            m_estimateCells << cell;
        }
    }
    m_estimate->setColumnStretch(0, 1);
    for (int column = 1; column <= kEstimateColumns; ++column)
        m_estimate->setColumnStretch(column, 1);
    auto *estimateBox = new QGroupBox(tr("Resource estimate"), this);
    estimateBox->setLayout(m_estimate);

    m_status->setWordWrap(true);
    m_problems->setWordWrap(true);
    m_problems->setSelectionMode(QAbstractItemView::NoSelection);
    m_problems->setFocusPolicy(Qt::NoFocus);
    m_problems->setMinimumHeight(90);
    m_problems->hide();
    auto *checkBox = new QGroupBox(tr("Check"), this);
    auto *checkLayout = new QVBoxLayout(checkBox);
    checkLayout->addWidget(m_status);
    checkLayout->addWidget(m_problems, 1);
    m_launch->setWordWrap(true);
    m_launch->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_launch->hide();
    checkLayout->addWidget(m_launch);

    // Check first, then Deploy: in the order they are used, whatever the platform's button order.
    auto *cancel = new QPushButton(tr("Cancel"), this);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_check);
    buttons->addWidget(m_busy);
    buttons->addStretch(1);
    buttons->addWidget(cancel);
    buttons->addWidget(m_deploy);
    m_check->setAutoDefault(true);
    m_check->setDefault(true);
    m_deploy->setAutoDefault(false);
    connect(m_check, &QPushButton::clicked, this, &CreateEndpointDialog::check);
    connect(m_deploy, &QPushButton::clicked, this, &CreateEndpointDialog::deploy);
    connect(cancel, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_browse, &QPushButton::clicked, this, &CreateEndpointDialog::browse);

    for (QLineEdit *edit : {m_name, m_version, m_folder})
        connect(edit, &QLineEdit::textChanged, this, &CreateEndpointDialog::edited);
    for (QDoubleSpinBox *box : {m_cpu, m_memory, m_gpu, m_gpuMemory})
        connect(box, &QDoubleSpinBox::valueChanged, this, &CreateEndpointDialog::edited);
    connect(m_replicas, &QSpinBox::valueChanged, this, &CreateEndpointDialog::edited);
    connect(m_public, &QCheckBox::toggled, this, &CreateEndpointDialog::edited);
    connect(m_runtime, &QComboBox::currentTextChanged, this, &CreateEndpointDialog::edited);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(estimateBox);
    layout->addWidget(checkBox, 1);
    layout->addLayout(buttons);
    edited();
    resize(640, sizeHint().height());
}

CreateEndpointDialog::~CreateEndpointDialog() = default;

CreateEndpointRequest CreateEndpointDialog::request() const
{
    CreateEndpointRequest r;
    r.name = m_name->text().trimmed();
    r.modelVersion = m_version->text().trimmed();
    r.modelFolder = m_folder->text().trimmed();
    r.runtimeVariant = m_runtime->currentText();
    r.resourceSlots = ResourceSlots{m_cpu->value(), qint64(std::llround(m_memory->value() * kGiB)), m_gpu->value(),
                                    qint64(std::llround(m_gpuMemory->value() * kGiB))};
    r.replicas = m_replicas->value();
    r.isPublic = m_public->isChecked();
    return r;
}

void CreateEndpointDialog::edited()
{
    // What was checked is no longer what would be deployed; a check on its way is for old inputs.
    ++m_generation;
    m_checked = false;
    m_deploy->setEnabled(false);
    m_status->setStyleSheet(QString());
    m_status->setText(tr("Check the endpoint before deploying it: the check finds every problem and estimates "
                         "the resources it takes."));
}

void CreateEndpointDialog::browse()
{
    const QString start = m_folder->text().isEmpty() ? QDir::homePath() : m_folder->text();
    const QString folder = Prompt::existingDirectory(this, tr("Model folder"), start);
    if (!folder.isEmpty())
        m_folder->setText(QDir::toNativeSeparators(folder));
}

bool CreateEndpointDialog::isBusy() const
{
    return !m_busy->isHidden();
}

void CreateEndpointDialog::setBusy(const QString &what)
{
    m_busy->setText(what);
    m_busy->setVisible(!what.isEmpty());
    m_check->setEnabled(what.isEmpty());
    m_deploy->setEnabled(what.isEmpty() && m_checked);
}

void CreateEndpointDialog::check()
{
    if (isBusy())
        return;
    setBusy(tr("Checking…"));
    const quint64 generation = m_generation;
    m_client.call(
        this, [r = request()](ModelServingService &s) { return s.dryRun(r); },
        [this, generation](const DryRunReport &report) {
            setBusy(QString());
            // Edited while the check was on its way: its report is about inputs no longer there.
            if (generation != m_generation)
                return;
            showReport(report);
            Q_EMIT checked(report.valid);
        });
}

void CreateEndpointDialog::showReport(const DryRunReport &report)
{
    showEstimate(report);
    showLaunch(report);
    showProblems(report.problems);
    m_checked = report.valid;
    m_deploy->setEnabled(m_checked);
    if (m_checked) {
        m_deploy->setDefault(true);
        QString what = tr("No problems found. Replicas to start: %1.").arg(m_replicas->value());
        if (report.definition && !report.definition->models.isEmpty())
            what = tr("Model %1 from %2.").arg(report.definition->models.first().name, report.resolvedFolder) + u' '
                + what;
        m_status->setText(what);
        m_status->setStyleSheet(Theme::textStyle(Theme::Role::Success));
    } else {
        m_status->setText(tr("Fix these problems before deploying:"));
        m_status->setStyleSheet(Theme::textStyle(Theme::Role::Error));
    }
}

void CreateEndpointDialog::showProblems(const QList<ServiceError> &problems)
{
    m_problems->clear();
    m_problems->setVisible(!problems.isEmpty());
    for (const ServiceError &e : problems) {
        auto *item = new QListWidgetItem(e.typeName() + QStringLiteral(": ") + e.message, m_problems);
        item->setData(Qt::UserRole, e.typeName());
        item->setForeground(Theme::color(Theme::Role::Error));
    }
}

void CreateEndpointDialog::showLaunch(const DryRunReport &report)
{
    m_launch->setVisible(report.launch.has_value());
    if (!report.launch)
        return;
    const LaunchPlan &plan = *report.launch;
    QStringList lines;
    if (!plan.program.isEmpty())
        lines << tr("Runs: %1").arg(plan.commandLine());
    if (plan.commandFromPreset && plan.programPath.isEmpty())
        lines << tr("Program %1 is not on PATH or in a tools dir.").arg(plan.program);
    if (!plan.foundFiles.isEmpty())
        lines << tr("Found: %1").arg(plan.foundFiles.join(QStringLiteral(", ")));
    if (!plan.missingFiles.isEmpty())
        lines << tr("Missing: %1").arg(plan.missingFiles.join(QStringLiteral(", ")));
    if (plan.commandFromPreset && plan.metrics.isEmpty())
        lines << tr("This runtime exports no Prometheus metrics: rules can use the proxy's own.");
    m_launch->setVisible(!lines.isEmpty());
    m_launch->setText(lines.join(u'\n'));
}

void CreateEndpointDialog::showEstimate(const DryRunReport &report)
{
    const QList<ResourceSlots> rows{report.perReplica, report.total, report.available};
    for (int row = 0; row < rows.size(); ++row) {
        const ResourceSlots &s = rows.at(row);
        const QStringList cells{cpuText(s.cpu), formatMemorySize(s.memoryBytes), cpuText(s.gpu),
                                s.gpuMemoryBytes > 0 ? formatMemorySize(s.gpuMemoryBytes) : QStringLiteral("0")};
        for (int column = 0; column < cells.size(); ++column)
            m_estimateCells.at(row * kEstimateColumns + column)->setText(cells.at(column));
    }
    // The total turns red where it does not fit in what is free.
    const bool cpuShort = report.total.cpu > report.available.cpu + 1e-9;
    const bool memoryShort = report.total.memoryBytes > report.available.memoryBytes;
    const bool gpuShort = report.total.gpu > report.available.gpu + 1e-9;
    const bool gpuMemoryShort = report.total.gpuMemoryBytes > report.available.gpuMemoryBytes;
    const QList<bool> shortOf{cpuShort, memoryShort, gpuShort, gpuMemoryShort};
    for (int column = 0; column < kEstimateColumns; ++column)
        m_estimateCells.at(kEstimateColumns + column)->setStyleSheet(shortOf.at(column) ? Theme::textStyle(Theme::Role::Error) + QStringLiteral(" font-weight: bold;")
                                                                          : QString());
}

void CreateEndpointDialog::deploy()
{
    if (!m_checked || isBusy())
        return;
    setBusy(tr("Deploying…"));
    m_client.call(
        this, [r = request()](ModelServingService &s) { return s.createEndpoint(r); },
        [this](Result<Endpoint> created) { showCreated(created); });
}

void CreateEndpointDialog::showCreated(const Result<Endpoint> &created)
{
    setBusy(QString());
    Q_EMIT deployAnswered(created.ok());
    if (!created) {
        // Something changed between the check and now (another endpoint took the resources or the name).
        showProblems({created.error()});
        m_status->setText(tr("The endpoint was not created:"));
        m_status->setStyleSheet(Theme::textStyle(Theme::Role::Error));
        m_checked = false;
        m_deploy->setEnabled(false);
        return;
    }
    m_created = *created;
    accept();
}

} // namespace ServeDeck
