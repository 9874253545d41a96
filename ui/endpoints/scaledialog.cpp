#include "scaledialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "plane/controlclient.h"
#include "ui/common/theme.h"

namespace ServeDeck {

ScaleDialog::ScaleDialog(ControlClient &client, const QString &endpointRef, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_ref(endpointRef)
    , m_replicas(new QSpinBox(this))
    , m_now(new QLabel(this))
    , m_error(new QLabel(this))
    , m_busy(new QLabel(tr("Working…"), this))
    , m_apply(new QPushButton(tr("Scale"), this))
{
    setWindowTitle(tr("Scale %1").arg(endpointRef));
    m_replicas->setObjectName(QStringLiteral("replicas"));
    m_error->setObjectName(QStringLiteral("scaleError"));
    m_busy->setObjectName(QStringLiteral("busy"));
    m_replicas->setRange(0, 1000);
    m_replicas->setValue(1);
    m_error->setStyleSheet(Theme::textStyle(Theme::Role::Error));
    m_error->setWordWrap(true);
    m_error->hide();
    m_now->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("Desired replicas"), m_replicas);
    form->addRow(QString(), m_now);
    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_apply, QDialogButtonBox::AcceptRole);
    buttons->addButton(QDialogButtonBox::Cancel);
    connect(m_apply, &QPushButton::clicked, this, &ScaleDialog::apply);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_replicas, &QSpinBox::valueChanged, m_error, &QLabel::hide);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(m_busy);
    layout->addWidget(buttons);

    // The current figures arrive from the control thread; until then the dialog waits for them.
    setBusy(true);
    m_client.call(
        this, [ref = m_ref](ModelServingService &s) { return s.endpointInfo(ref); },
        [this](Result<EndpointInfo> info) {
            setBusy(false);
            if (!info)
                return;
            setWindowTitle(tr("Scale %1").arg(info->endpoint.name));
            m_replicas->setValue(info->endpoint.replicas);
            m_replicas->selectAll();
            m_now->setText(tr("Now %1; 0 scales the endpoint to zero.").arg(info->endpoint.replicas));
            m_now->show();
            Q_EMIT loaded();
        });
}

ScaleDialog::~ScaleDialog() = default;

bool ScaleDialog::isBusy() const
{
    return !m_busy->isHidden();
}

void ScaleDialog::setBusy(bool busy)
{
    m_apply->setEnabled(!busy);
    m_replicas->setEnabled(!busy);
    m_busy->setVisible(busy);
}

void ScaleDialog::apply()
{
    if (isBusy())
        return;
    setBusy(true);
    m_client.call(
        this, [ref = m_ref, replicas = m_replicas->value()](ModelServingService &s) { return s.scaleReplicas(ref, replicas); },
        [this](Result<ScaleResult> scaled) {
            setBusy(false);
            Q_EMIT answered(scaled.ok());
            if (!scaled) {
                m_error->setText(scaled.error().typeName() + QStringLiteral(": ") + scaled.error().message);
                m_error->show();
                return;
            }
            accept();
        });
}

} // namespace ServeDeck
