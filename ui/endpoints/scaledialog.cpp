#include "scaledialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "service/modelservingservice.h"
#include "ui/common/theme.h"

namespace ServeDeck {

ScaleDialog::ScaleDialog(ModelServingService &service, const QString &endpointRef, QWidget *parent)
    : QDialog(parent)
    , m_service(service)
    , m_ref(endpointRef)
    , m_replicas(new QSpinBox(this))
    , m_error(new QLabel(this))
    , m_apply(new QPushButton(tr("Scale"), this))
{
    auto info = m_service.endpointInfo(endpointRef);
    const QString name = info ? info->endpoint.name : endpointRef;
    setWindowTitle(tr("Scale %1").arg(name));
    m_replicas->setObjectName(QStringLiteral("replicas"));
    m_error->setObjectName(QStringLiteral("scaleError"));
    m_replicas->setRange(0, 1000);
    m_replicas->setValue(info ? info->endpoint.replicas : 1);
    m_replicas->selectAll();
    m_error->setStyleSheet(Theme::textStyle(Theme::Role::Error));
    m_error->setWordWrap(true);
    m_error->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("Desired replicas"), m_replicas);
    if (info)
        form->addRow(QString(), new QLabel(tr("Now %1; 0 scales the endpoint to zero.").arg(info->endpoint.replicas), this));
    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_apply, QDialogButtonBox::AcceptRole);
    buttons->addButton(QDialogButtonBox::Cancel);
    connect(m_apply, &QPushButton::clicked, this, &ScaleDialog::apply);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_replicas, &QSpinBox::valueChanged, m_error, &QLabel::hide);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
}

ScaleDialog::~ScaleDialog() = default;

bool ScaleDialog::apply()
{
    auto scaled = m_service.scaleReplicas(m_ref, m_replicas->value());
    if (!scaled) {
        m_error->setText(scaled.error().typeName() + QStringLiteral(": ") + scaled.error().message);
        m_error->show();
        return false;
    }
    accept();
    return true;
}

} // namespace ServeDeck
