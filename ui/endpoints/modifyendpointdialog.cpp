#include "modifyendpointdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "plane/controlclient.h"

namespace ServeDeck {

ModifyEndpointDialog::ModifyEndpointDialog(ControlClient &client, const QString &endpointRef, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_ref(endpointRef)
    , m_version(new QLineEdit(this))
    , m_folder(new QLineEdit(this))
    , m_strategy(new QComboBox(this))
    , m_canary(new QSpinBox(this))
    , m_cpu(new QDoubleSpinBox(this))
    , m_memoryMiB(new QSpinBox(this))
    , m_replicas(new QSpinBox(this))
    , m_public(new QCheckBox(tr("Public (no token needed for inference)"), this))
    , m_priority(new QSpinBox(this))
    , m_queueWhenFull(new QComboBox(this))
    , m_allowPreemption(new QCheckBox(tr("A higher-priority endpoint may stop its replicas"), this))
    , m_latencyTarget(new QSpinBox(this))
    , m_jobConcurrency(new QSpinBox(this))
    , m_error(new ErrorLabel(QStringLiteral("modifyError"), this))
    , m_busy(new QLabel(tr("Working…"), this))
    , m_apply(new QPushButton(tr("Apply"), this))
{
    setWindowTitle(tr("Modify %1").arg(endpointRef));
    m_busy->setObjectName(QStringLiteral("busy"));
    m_strategy->setObjectName(QStringLiteral("rolloutStrategy"));
    m_strategy->addItem(tr("Rolling"), int(RolloutStrategy::Rolling));
    m_strategy->addItem(tr("Blue-green"), int(RolloutStrategy::BlueGreen));
    m_strategy->addItem(tr("Canary"), int(RolloutStrategy::Canary));
    m_strategy->addItem(tr("Progressive"), int(RolloutStrategy::Progressive));
    m_strategy->setItemData(0, tr("Surge new replicas, shift traffic as they become healthy, drain the old ones."),
                            Qt::ToolTipRole);
    m_strategy->setItemData(1, tr("Bring up the whole new set, then switch all traffic at once; the old set "
                                  "stays warm for a rollback."),
                            Qt::ToolTipRole);
    m_strategy->setItemData(2, tr("The new version takes the share set here; move it with the canary slider, "
                                  "then promote or abort."),
                            Qt::ToolTipRole);
    m_strategy->setItemData(3, tr("Steps of share (the one set here, then 25, 50, 100 %), each compared with "
                                  "the stable version; a regression rolls back by itself."),
                            Qt::ToolTipRole);
    m_strategy->setEnabled(false);
    m_canary->setObjectName(QStringLiteral("canaryShare"));
    m_canary->setRange(0, 100);
    m_canary->setValue(10);
    m_canary->setSuffix(QStringLiteral(" %"));
    m_canary->setEnabled(false);
    m_cpu->setRange(0.1, 256);
    m_cpu->setDecimals(2);
    m_memoryMiB->setRange(16, 1 << 20);
    m_memoryMiB->setSuffix(QStringLiteral(" MiB"));
    m_replicas->setRange(0, 1000);
    m_priority->setObjectName(QStringLiteral("priority"));
    m_priority->setRange(Endpoint::kMinPriority, Endpoint::kMaxPriority);
    m_priority->setToolTip(tr("Replicas waiting for room start by priority (higher first), then by age"));
    m_queueWhenFull->setObjectName(QStringLiteral("queueWhenFull"));
    m_queueWhenFull->addItem(tr("Only scale-outs by rules wait"), int(QueueChoice::Default));
    m_queueWhenFull->addItem(tr("Every scale-out waits"), int(QueueChoice::Always));
    m_queueWhenFull->addItem(tr("Nothing waits (refused when full)"), int(QueueChoice::Never));
    m_queueWhenFull->setToolTip(tr("Whether a replica that does not fit waits in the pending queue until room "
                                   "frees, or the change is refused"));
    m_allowPreemption->setObjectName(QStringLiteral("allowPreemption"));
    m_latencyTarget->setObjectName(QStringLiteral("latencyTarget"));
    // 0 stands for "no target": the service's range starts at 1.
    m_latencyTarget->setRange(0, Endpoint::kMaxLatencyTargetMs);
    m_latencyTarget->setSpecialValueText(tr("none"));
    m_latencyTarget->setSuffix(QStringLiteral(" ms"));
    m_latencyTarget->setToolTip(tr("The p95 latency this endpoint should stay under; recommendations judge a "
                                   "replica's throughput by it"));
    m_jobConcurrency->setObjectName(QStringLiteral("jobConcurrency"));
    // 0 stands for the plane's default, which depends on the HEALTHY replicas of the moment.
    m_jobConcurrency->setRange(0, Endpoint::kMaxJobConcurrency);
    m_jobConcurrency->setSpecialValueText(tr("default (per replica)"));
    m_jobConcurrency->setToolTip(tr("At most this many of its asynchronous jobs run at once; the default is the "
                                    "HEALTHY replicas times the console's per-replica limit"));
    // A strategy only means something for a new revision, a share only for a canary's.
    const auto revisionChanged = [this] {
        updateRolloutFields();
        m_error->hide();
    };
    connect(m_version, &QLineEdit::textChanged, this, revisionChanged);
    connect(m_folder, &QLineEdit::textChanged, this, revisionChanged);
    connect(m_strategy, &QComboBox::currentIndexChanged, this, revisionChanged);

    auto *form = new QFormLayout;
    form->addRow(tr("Model version"), m_version);
    form->addRow(tr("Model folder"), m_folder);
    form->addRow(tr("Rollout strategy"), m_strategy);
    form->addRow(tr("Canary share of the new version"), m_canary);
    form->addRow(tr("CPU per replica"), m_cpu);
    form->addRow(tr("Memory per replica"), m_memoryMiB);
    form->addRow(tr("Replicas"), m_replicas);
    form->addRow(QString(), m_public);
    m_aliases = new QLineEdit(this);
    m_aliases->setObjectName(QStringLiteral("aliases"));
    m_aliases->setPlaceholderText(tr("other names, comma-separated"));
    m_aliases->setToolTip(tr("Requests at the proxy's OpenAI front door (/v1/chat/completions, /v1/completions, "
                             "/v1/embeddings) whose model is one of these names go to this endpoint."));
    connect(m_aliases, &QLineEdit::textChanged, m_error, &QWidget::hide);
    form->addRow(tr("Aliases"), m_aliases);
    form->addRow(tr("Priority"), m_priority);
    form->addRow(tr("When capacity is full"), m_queueWhenFull);
    form->addRow(tr("Preemption"), m_allowPreemption);
    form->addRow(tr("Latency target (p95)"), m_latencyTarget);
    form->addRow(tr("Jobs at once"), m_jobConcurrency);
    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_apply, QDialogButtonBox::AcceptRole);
    buttons->addButton(QDialogButtonBox::Cancel);
    connect(m_apply, &QPushButton::clicked, this, &ModifyEndpointDialog::apply);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(m_busy);
    layout->addWidget(buttons);
    resize(480, sizeHint().height());

    // The current values arrive from the control thread; the form waits for them.
    setBusy(true);
    m_client.call(
        this, [ref = m_ref](ModelServingService &s) { return s.endpointInfo(ref); },
        [this](Result<EndpointInfo> info) {
            setBusy(false);
            if (info)
                fill(info->endpoint);
            Q_EMIT loaded();
        });
}

void ModifyEndpointDialog::fill(const Endpoint &e)
{
    m_oldVersion = e.modelVersion;
    m_oldFolder = e.modelFolder;
    m_oldCpu = e.resourceSlots.cpu;
    m_oldGpu = e.resourceSlots.gpu;
    m_oldGpuMemory = e.resourceSlots.gpuMemoryBytes;
    m_oldMemoryMiB = int(e.resourceSlots.memoryBytes >> 20);
    m_oldReplicas = e.replicas;
    m_oldPublic = e.isPublic;
    m_oldPriority = e.priority;
    m_oldQueue = !e.queueWhenFull ? QueueChoice::Default : (*e.queueWhenFull ? QueueChoice::Always : QueueChoice::Never);
    m_oldPreemption = e.allowPreemption;
    m_oldLatencyTarget = e.latencyTargetMs.value_or(0);
    m_oldJobConcurrency = e.jobConcurrency;
    setWindowTitle(tr("Modify %1").arg(e.name));
    m_version->setText(m_oldVersion);
    m_folder->setText(m_oldFolder);
    m_cpu->setValue(m_oldCpu);
    m_memoryMiB->setValue(m_oldMemoryMiB);
    m_replicas->setValue(m_oldReplicas);
    m_public->setChecked(m_oldPublic);
    m_oldAliases = e.aliases;
    m_aliases->setText(m_oldAliases.join(QStringLiteral(", ")));
    m_priority->setValue(m_oldPriority);
    m_queueWhenFull->setCurrentIndex(m_queueWhenFull->findData(int(m_oldQueue)));
    m_allowPreemption->setChecked(m_oldPreemption);
    m_latencyTarget->setValue(m_oldLatencyTarget);
    m_jobConcurrency->setValue(m_oldJobConcurrency);
    m_error->hide();
    updateRolloutFields();
}

bool ModifyEndpointDialog::isBusy() const
{
    return !m_busy->isHidden();
}

void ModifyEndpointDialog::setBusy(bool busy)
{
    // The fields too: what is typed meanwhile would be lost to the values arriving, or not sent.
    for (QWidget *field : std::initializer_list<QWidget *>{m_version, m_folder, m_cpu, m_memoryMiB, m_replicas, m_public,
                                                                    m_priority, m_queueWhenFull, m_allowPreemption,
                                                                    m_latencyTarget, m_jobConcurrency})
        field->setEnabled(!busy);
    if (m_aliases)
        m_aliases->setEnabled(!busy);
    m_apply->setEnabled(!busy);
    m_busy->setVisible(busy);
    updateRolloutFields();
}

void ModifyEndpointDialog::updateRolloutFields()
{
    const bool newRevision = m_version->text().trimmed() != m_oldVersion || m_folder->text().trimmed() != m_oldFolder;
    const auto strategy = RolloutStrategy(m_strategy->currentData().toInt());
    const bool idle = m_busy->isHidden();
    m_strategy->setEnabled(idle && newRevision);
    m_canary->setEnabled(idle && newRevision
                         && (strategy == RolloutStrategy::Canary || strategy == RolloutStrategy::Progressive));
}

ModifyEndpointDialog::~ModifyEndpointDialog() = default;

void ModifyEndpointDialog::apply()
{
    if (isBusy())
        return;
    ModifyEndpointRequest request;
    const QString version = m_version->text().trimmed();
    const QString folder = m_folder->text().trimmed();
    if (version != m_oldVersion)
        request.modelVersion = version;
    if (folder != m_oldFolder)
        request.modelFolder = folder;
    if (request.modelVersion || request.modelFolder) {
        const auto strategy = RolloutStrategy(m_strategy->currentData().toInt());
        request.strategy = strategy;
        if (strategy == RolloutStrategy::Canary || strategy == RolloutStrategy::Progressive)
            request.canaryWeight = m_canary->value();
    }
    if (!qFuzzyCompare(m_cpu->value(), m_oldCpu) || m_memoryMiB->value() != m_oldMemoryMiB)
        request.resourceSlots = ResourceSlots{m_cpu->value(), qint64(m_memoryMiB->value()) << 20, m_oldGpu, m_oldGpuMemory};
    if (m_replicas->value() != m_oldReplicas)
        request.replicas = m_replicas->value();
    if (m_public->isChecked() != m_oldPublic)
        request.isPublic = m_public->isChecked();
    // The service judges each name; here the list is only split.
    QStringList aliases;
    for (const QString &part : m_aliases->text().split(u',')) {
        if (!part.trimmed().isEmpty())
            aliases << part.trimmed();
    }
    if (aliases != m_oldAliases)
        request.aliases = aliases;
    if (m_priority->value() != m_oldPriority)
        request.priority = m_priority->value();
    if (const auto queue = QueueChoice(m_queueWhenFull->currentData().toInt()); queue != m_oldQueue)
        request.queueWhenFull = queue == QueueChoice::Default ? std::optional<bool>() : std::optional<bool>(queue == QueueChoice::Always);
    if (m_allowPreemption->isChecked() != m_oldPreemption)
        request.allowPreemption = m_allowPreemption->isChecked();
    if (const int target = m_latencyTarget->value(); target != m_oldLatencyTarget)
        request.latencyTargetMs = target == 0 ? std::optional<int>() : std::optional<int>(target);
    if (m_jobConcurrency->value() != m_oldJobConcurrency)
        request.jobConcurrency = m_jobConcurrency->value();
    setBusy(true);
    m_client.call(
        this, [ref = m_ref, request](ModelServingService &s) { return s.modifyEndpoint(ref, request); },
        [this](Result<EndpointInfo> modified) {
            setBusy(false);
            Q_EMIT answered(modified.ok());
            if (!modified) {
                m_error->showProblem(modified.error().typeName() + QStringLiteral(": ") + modified.error().message);
                return;
            }
            accept();
        });
}

} // namespace ServeDeck
